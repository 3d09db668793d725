"""The batch file format: which input columns exist, what each holds, what comes out.

Every column is derived from ``PatientCase``'s own declarations (vocabularies, whole-number
bounds and steps, lab units and their accepted ranges), so the file format cannot drift
from what the single-case path validates.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from scoring.case import PatientCase, field_allowed, field_bounds
from scoring.labs import ANALYTES, AnalyteSpec, LabUnit, UnitRule
from scoring.levels import VertebralLevel
from scoring.options import CodedEnum


@dataclass(frozen=True, slots=True)
class CodedColumn:
    """A column holding one code of a vocabulary (an Enum of ``PatientCase``)."""

    name: str
    field: str
    vocabulary: type[Enum]
    allowed: str


@dataclass(frozen=True, slots=True)
class YesNoColumn:
    name: str
    field: str
    allowed: str = "yes, no"


@dataclass(frozen=True, slots=True)
class WholeColumn:
    """A whole-number column; bounds and step are read from ``PatientCase``."""

    name: str
    field: str
    low: int
    high: int
    step: int
    allowed: str


@dataclass(frozen=True, slots=True)
class LabColumn:
    """One analyte in one unit; ``twin`` is the same analyte's column in its other unit."""

    name: str
    spec: AnalyteSpec
    rule: UnitRule
    twin: str | None

    @property
    def field(self) -> str:
        return self.spec.field

    @property
    def allowed(self) -> str:
        return (
            f"a number {self.rule.low}–{self.rule.high} ({self.spec.label} in "
            f"{self.rule.unit.label})"
        )


Column = CodedColumn | YesNoColumn | WholeColumn | LabColumn


def _vocabulary_of(name: str) -> type[CodedEnum]:
    """The vocabulary a ``PatientCase`` field is declared with (``X | None``)."""
    for arg in typing.get_args(PatientCase.model_fields[name].annotation):
        if isinstance(arg, type) and issubclass(arg, CodedEnum):
            return arg
    raise TypeError(f"PatientCase.{name} is not a coded field")


def _coded(name: str) -> CodedColumn:
    vocabulary = _vocabulary_of(name)
    # The case's own wording where it summarises a run of codes (levels: "C1–C7, …");
    # elsewhere the codes themselves (the primary tumor's wording only points to them).
    allowed = field_allowed(name) if vocabulary is VertebralLevel else ", ".join(vocabulary.codes())
    return CodedColumn(name, name, vocabulary, allowed)


def _whole(name: str) -> WholeColumn:
    low, high, step = field_bounds(name)
    return WholeColumn(name, name, low, high, step, field_allowed(name))


def _unit_suffix(unit: LabUnit) -> str:
    return unit.value.lower().replace("/", "_").replace("^", "e")


def _labs() -> tuple[LabColumn, ...]:
    """Each analyte's conventional unit and, for four analytes, the SI twin.

    Column names are derived from the unit codes (``mg/dL`` → ``mg_dl``, ``10^9/L`` →
    ``10e9_l``); platelets in 10⁴/µL, which ``PatientCase`` also accepts, has no column in
    the file format.
    """
    out = []
    for spec in ANALYTES:
        analyte = spec.field
        units = dict.fromkeys((spec.conventional, spec.si_unit))
        names = [f"{analyte}_{_unit_suffix(u)}" for u in units]
        for unit, name in zip(units, names, strict=True):
            twin = next((n for n in names if n != name), None)
            out.append(LabColumn(name, spec, spec.rule(unit), twin))
    return tuple(out)


LAB_COLUMNS: tuple[LabColumn, ...] = _labs()
COLUMNS: tuple[Column, ...] = (
    _coded("sex"),
    _whole("age_years"),
    _coded("lesion_level"),
    _coded("frankel"),
    _whole("kps"),
    _whole("ecog"),
    _coded("primary_tumor"),
    _whole("extraspinal_bone_mets"),
    _whole("vertebral_body_mets"),
    _coded("major_organ_mets"),
    _coded("visceral_mets"),
    YesNoColumn("previous_chemotherapy", "previous_chemotherapy"),
    YesNoColumn("visceral_mets_treatable", "visceral_mets_treatable"),
    *LAB_COLUMNS,
    _coded("sins_pain"),
    _coded("sins_bone_lesion"),
    _coded("sins_alignment"),
    _coded("sins_collapse"),
    _coded("sins_posterolateral"),
)
COLUMN_BY_NAME: Mapping[str, Column] = {c.name: c for c in COLUMNS}
ID_COLUMN = "case_id"
#: Columns added after files in the earlier format existed: optional, absent = not recorded.
LATER_COLUMNS: tuple[str, ...] = ("age_years", "visceral_mets_treatable")
#: Must be in the header. Optional: case_id, the later columns and the lab columns
#: (either twin of an analyte may be absent).
REQUIRED: tuple[str, ...] = tuple(
    c.name for c in COLUMNS if not isinstance(c, LabColumn) and c.name not in LATER_COLUMNS
)
OPTIONAL: tuple[str, ...] = (ID_COLUMN, *LATER_COLUMNS, *(c.name for c in LAB_COLUMNS))
