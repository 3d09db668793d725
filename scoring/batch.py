"""Batch scoring: ``python cli.py score INPUT.csv -o OUTPUT.csv``.

Researchers score whole cohorts; a cohort of a million rows must not take a Python loop
per row, and must not give a single row a different score than the calculator would.
So this module is the single-case path (``scoring.score_case(PatientCase(...))``)
rewritten over NumPy arrays, with every table read from the same Enums and tuples the
single-case path reads (points, ranges, bands, lab cut-offs, SINS location per level,
multiple-skeletal rule) and never retyped. ``tests/test_batch_property.py`` checks on
random valid and invalid rows that both paths agree on every output column.

Input: the columns of ``COLUMNS`` (names exact, order free; ``REQUIRED`` must be in the
header; unknown columns pass through unchanged). A cell is text; spaces and tabs around a
value are ignored and an empty cell means *not recorded*.

- Coded columns take exactly the codes of their vocabulary (case-sensitive, as the
  single-case model does); ``previous_chemotherapy`` takes ``yes`` or ``no``.
- Whole-number columns (kps, ecog, counts, age) take digits with an optional sign, e.g.
  ``50`` or ``+3``. ``3.0`` is **rejected**: ``PatientCase`` declares these fields
  ``StrictInt`` and rejects the float 3.0 too, and a decimal point in a count or a
  performance score is more often a spreadsheet artefact or a shifted column than a
  deliberate value; we reject rather than guess. Ranges and steps (KPS in steps of 10)
  are read from ``PatientCase``'s own field constraints.
- Laboratory columns take a number in plain decimal notation (``0.4``, ``12``, ``.5``;
  no exponent, no thousands separator, ``.`` as the decimal mark), within the accepted
  range of that analyte in that unit (``labs.UnitRule``). Giving both the conventional
  and the SI column of one analyte in one row is an error, even if they agree.

Lab cut-offs, float vs exact. The single-case path compares the exact decimal ``v`` with
the exact cut-off ``c`` (a ``Fraction``). Here the bulk of the comparison is done in
binary floating point: ``x = float(text)`` (correctly rounded by Arrow's parser, checked
in the tests against Python's ``float``) against ``float(c)`` (``Fraction.__float__``,
correctly rounded). Round-to-nearest is monotone, so ``x > float(c)`` implies ``v > c``
and ``x < float(c)`` implies ``v < c``: the float answer is exact whenever the two floats
differ. They can agree only when ``v`` and ``c`` are within half a unit in the last place
of each other (about 1e-16 relative), i.e. for a value *at* the cut-off (``0.4``,
``10.3``) or one carrying 13+ decimals. For a value with at most 12 decimals the nearest
distinct decimal is at least 1e-12 / 1002 away from any cut-off here (calcium in mmol/L,
10.3/4.008 = 2575/1002, is the worst case), far more than that half unit, so ties are in
practice exactly the values equal to a terminating cut-off. Ties are nonetheless not
guessed: the few distinct texts that tie are re-decided with the single-case rule
itself (``AnalyteSpec.is_flagged`` on the exact ``Decimal``), so the batch agrees with
the single-case path for every value, not just for values with few decimals. The
accepted-range limits are handled the same way.

Output: every input column as it was, then ``OUTPUT_COLUMNS``, then any extra columns
(see ``ExtraColumns``). Missing-value rules are those of ``scoring.result``:
Tokuhashi and SINS totals and bands are given only when complete; Katagiri's min and max
are given when at most laboratory values are missing (the laboratory item then spans the
tiers it could still reach) and its group only when both ends fall in one group;
``missing`` lists, once each, the fields that ``ScoreResult.missing`` of the three scores
would list, in their order. A row with an invalid value gets only ``error``.
"""

from __future__ import annotations

import argparse
import sys
import time
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring import katagiri, sins, tokuhashi
from scoring.batch_io import (
    AtomicCsvWriter,
    MalformedFileError,
    Progress,
    check_header,
    iter_chunks,
    read_header,
)
from scoring.case import PatientCase, field_allowed, field_bounds
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTE_BY_FIELD, ANALYTES, AnalyteSpec, Direction, LabUnit, UnitRule
from scoring.levels import SinsLocation, VertebralLevel
from scoring.metastases import MajorOrganMets, VisceralMets
from scoring.options import CodedEnum, RangedOption, ScoredOption
from scoring.primary_tumor import KatagiriGrowth, PrimaryTumor, TokuhashiPrimary
from scoring.result import Band, band_for
from scoring.sins_findings import (
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
)

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Objects = npt.NDArray[np.object_]

DEFAULT_CHUNK_SIZE = 50_000

# --------------------------------------------------------------------------- columns


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
    """The issue's lab columns: each analyte's conventional unit, and for four the SI twin.

    Column names are derived from the unit codes (``mg/dL`` → ``mg_dl``, ``10^9/L`` →
    ``10e9_l``); platelets in 10⁴/µL, which ``PatientCase`` also accepts, has no column in
    the issue's file format.
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
    *LAB_COLUMNS,
    _coded("sins_pain"),
    _coded("sins_bone_lesion"),
    _coded("sins_alignment"),
    _coded("sins_collapse"),
    _coded("sins_posterolateral"),
)
COLUMN_BY_NAME: Mapping[str, Column] = {c.name: c for c in COLUMNS}
ID_COLUMN = "case_id"
#: Must be in the header. Optional: case_id, age_years (not in the issue's list; read for
#: the model when present) and the lab columns (either twin of an analyte may be absent).
REQUIRED: tuple[str, ...] = tuple(
    c.name for c in COLUMNS if not isinstance(c, LabColumn) and c.name != "age_years"
)
OUTPUT_COLUMNS: tuple[str, ...] = (
    "tokuhashi_total",
    "tokuhashi_band",
    "katagiri_min",
    "katagiri_max",
    "katagiri_group",
    "sins_total",
    "sins_category",
    "missing",
    "error",
)

# ------------------------------------------------------------------------- parsing

#: Ignored around a value: what people type in a spreadsheet. Not Unicode spaces: a
#: no-break space pasted from a document is reported rather than silently dropped.
SPACE = " \t"
_WHOLE_RE = r"^[+-]?[0-9]+$"
_DECIMAL_RE = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"


def arrow_text(column: pd.Series) -> pa.Array:
    """A chunk's column as one Arrow string array (zero-copy for pandas' ``str`` dtype).

    Parsing runs on Arrow compute kernels (trim, regex, float cast, dictionary encoding)
    rather than per-element Python: the whole chunk is handled in a few C++ passes.
    """
    array = pa.array(column, type=pa.large_string(), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.fill_null("")


def _mask(array: pa.Array) -> Bools:
    return typing.cast(Bools, array.to_numpy(zero_copy_only=False).astype(bool))


@dataclass(slots=True)
class ParsedChunk:
    """The cells of one chunk turned into arrays, and why any row is rejected.

    ``codes[f]`` is the index of the member in ``list(vocabulary)`` or -1 when empty;
    ``whole[f]`` the number or -1 when empty; ``yes_no[f]`` 1 yes, 0 no, -1 empty;
    ``lab_value[f]`` the float value and ``lab_column[f]`` the index of its ``LabColumn``
    in ``LAB_COLUMNS`` (-1 when unmeasured), ``lab_flagged[f]`` the exact answer to "does
    the value meet the analyte's criterion"; ``errors`` is "" for a valid row, else why
    it is rejected.
    """

    n: int
    codes: dict[str, Ints] = field(default_factory=dict)
    whole: dict[str, Ints] = field(default_factory=dict)
    yes_no: dict[str, Ints] = field(default_factory=dict)
    lab_value: dict[str, Floats] = field(default_factory=dict)
    lab_column: dict[str, Ints] = field(default_factory=dict)
    lab_flagged: dict[str, Bools] = field(default_factory=dict)
    errors: Objects = field(default_factory=lambda: np.empty(0, dtype=object))

    @property
    def valid(self) -> Bools:
        return typing.cast(Bools, self.errors == "")

    def reject(self, mask: Bools, column: str, text: pa.Array | None, reason: str) -> None:
        """Reject the rows of ``mask``: "column: 'cell' reason" (the cell quoted if given).

        The message is assembled with Arrow kernels over the rejected rows only.
        """
        if not mask.any():
            return
        if text is None:
            new = np.full(int(mask.sum()), f"{column}: {reason}", dtype=object)
        else:
            cells = pc.utf8_slice_codeunits(text.filter(pa.array(mask)), 0, 40)
            joined = pc.binary_join_element_wise(
                _scalar(f"{column}: '"), cells, _scalar(f"' {reason}"), _scalar("")
            )
            new = joined.to_numpy(zero_copy_only=False).astype(object)
        old = self.errors[mask]
        self.errors[mask] = np.where(old == "", new, old + "; " + new)


def _scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, type=pa.large_string())


def _parse_coded(col: CodedColumn | YesNoColumn, text: pa.Array, out: ParsedChunk) -> Ints:
    """Look each *distinct* cell up once (dictionary encoding), then index: no loop per row."""
    if isinstance(col, YesNoColumn):
        index = {"no": 0, "yes": 1}
    else:
        index = {str(m.value): i for i, m in enumerate(col.vocabulary)}
    encoded = text.dictionary_encode()
    lut = np.array(
        [
            -1 if not u.strip(SPACE) else index.get(u.strip(SPACE), -2)
            for u in encoded.dictionary.to_pylist()
        ]
        + [-1],
        dtype=np.int64,
    )
    codes = lut[encoded.indices.to_numpy(zero_copy_only=False)]
    bad = codes == -2
    out.reject(
        bad,
        col.name,
        text,
        f"is not an allowed value. Allowed: {col.allowed}; empty = not recorded",
    )
    codes[bad] = -1
    return typing.cast(Ints, codes)


def _numbers(text: pa.Array, pattern: str) -> tuple[pa.Array, Bools, Bools, Floats]:
    """(trimmed text, present, well-formed, float value or 0.0) of a numeric column."""
    trimmed = pc.utf8_trim(text, characters=SPACE)
    present = _mask(pc.greater(pc.binary_length(trimmed), 0))
    ok_array = pc.match_substring_regex(trimmed, pattern)
    values = pc.cast(pc.if_else(ok_array, trimmed, _scalar("0")), pa.float64())
    return trimmed, present, _mask(ok_array), values.to_numpy(zero_copy_only=False)


def _parse_whole(col: WholeColumn, text: pa.Array, out: ParsedChunk) -> Ints:
    # Parsed as float: a 30-digit number becomes a large float (out of range), not an
    # overflow; every accepted value is a small whole number, exact in binary.
    _, present, ok, values = _numbers(text, _WHOLE_RE)
    in_range = (values >= col.low) & (values <= col.high)
    in_range &= np.fmod(np.where(in_range, values, 0), col.step) == 0
    out.reject(
        present & ~ok,
        col.name,
        text,
        "is not a whole number (written without a decimal point). "
        f"Allowed: {col.allowed}; empty = not recorded",
    )
    out.reject(
        ok & ~in_range,
        col.name,
        text,
        f"is outside the allowed values. Allowed: {col.allowed}; empty = not recorded",
    )
    return np.where(ok & in_range, values, -1).astype(np.int64)


def _tie_texts(trimmed: pa.Array, tie: Bools) -> tuple[list[str], Ints]:
    """The distinct texts of the tied rows and, per tied row, the index of its text."""
    sub = trimmed.filter(pa.array(tie))
    distinct = pc.unique(sub)
    positions = pc.index_in(sub, value_set=distinct).to_numpy(zero_copy_only=False)
    return distinct.to_pylist(), positions.astype(np.int64)


def _exact_sign(trimmed: pa.Array, x: Floats, bound: Fraction, rows: Bools) -> Ints:
    """sign(v − bound) for the decimal texts of ``rows``, exact (see the module docstring).

    Decided in floating point except where ``float(v) == float(bound)``; those distinct
    texts are compared as exact Decimals.
    """
    limit = float(bound)
    sign = np.sign(x - limit).astype(np.int64)
    tie = rows & (x == limit)
    if tie.any():
        texts, positions = _tie_texts(trimmed, tie)
        exact = np.array(
            [(Fraction(Decimal(t)) > bound) - (Fraction(Decimal(t)) < bound) for t in texts],
            dtype=np.int64,
        )
        sign[tie] = exact[positions]
    return sign


def _exact_flagged(
    col: LabColumn, trimmed: pa.Array, x: Floats, rows: Bools
) -> tuple[Bools, Bools]:
    """(flagged, accepted) for the measured rows: the criterion and the accepted range."""
    limit = float(col.spec.cutoff_in(col.rule.unit))
    flagged = x >= limit if col.spec.direction is Direction.AT_OR_ABOVE else x < limit
    tie = rows & (x == limit)
    if tie.any():
        # The single-case rule itself decides the few distinct texts at the cut-off.
        texts, positions = _tie_texts(trimmed, tie)
        exact = np.array(
            [col.spec.is_flagged(Decimal(t), col.rule.unit) for t in texts], dtype=bool
        )
        flagged[tie] = exact[positions]
    low = _exact_sign(trimmed, x, Fraction(col.rule.low), rows)
    high = _exact_sign(trimmed, x, Fraction(col.rule.high), rows)
    return flagged & rows, rows & (low >= 0) & (high <= 0)


def _parse_labs(columns: Mapping[str, pa.Array], out: ParsedChunk) -> None:
    """Each analyte: at most one of its columns per row, a number, in range, flagged exactly."""
    n = out.n
    for analyte in dict.fromkeys(c.field for c in LAB_COLUMNS):
        value = np.full(n, np.nan)
        which = np.full(n, -1, dtype=np.int64)
        flagged = np.zeros(n, dtype=bool)
        given: dict[str, Bools] = {}
        for index, col in enumerate(LAB_COLUMNS):
            if col.field != analyte or col.name not in columns:
                continue
            text = columns[col.name]
            trimmed, present, ok, x = _numbers(text, _DECIMAL_RE)
            given[col.name] = present
            ok &= present
            col_flagged, accepted = _exact_flagged(col, trimmed, x, ok)
            out.reject(
                present & ~ok,
                col.name,
                text,
                "is not a number (plain decimal notation with '.', e.g. 0.4). "
                f"Allowed: {col.allowed}; empty = not measured",
            )
            out.reject(
                ok & ~accepted,
                col.name,
                text,
                f"is outside the accepted range. Allowed: {col.allowed}; empty = not measured",
            )
            use = ok & accepted
            value[use] = x[use]
            which[use] = index
            flagged |= col_flagged & use
        if len(given) == 2:
            first, second = given
            out.reject(
                given[first] & given[second],
                f"{first} and {second}",
                None,
                f"both given; give {ANALYTE_BY_FIELD[analyte].label} in one unit only",
            )
        out.lab_value[analyte] = value
        out.lab_column[analyte] = which
        out.lab_flagged[analyte] = flagged


def parse_chunk(columns: Mapping[str, pa.Array], n: int) -> ParsedChunk:
    """Validate and convert one chunk of text cells; rows with a bad value are rejected.

    ``columns`` maps header names to Arrow string arrays of ``n`` cells (see
    ``arrow_text``); columns this module does not know are ignored.
    """
    out = ParsedChunk(n, errors=np.full(n, "", dtype=object))
    for col in COLUMNS:
        if isinstance(col, LabColumn):
            continue
        if col.name not in columns:  # only optional columns can be absent
            out.whole[col.field] = np.full(n, -1, dtype=np.int64)
            continue
        text = columns[col.name]
        if isinstance(col, CodedColumn):
            out.codes[col.field] = _parse_coded(col, text, out)
        elif isinstance(col, YesNoColumn):
            out.yes_no[col.field] = _parse_coded(col, text, out)
        else:
            out.whole[col.field] = _parse_whole(col, text, out)
    _parse_labs(columns, out)
    return out


# ------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class ItemArrays:
    """One score item over a chunk: the lowest and highest points, and what is missing."""

    low: Ints
    high: Ints
    missing: tuple[tuple[str, Bools], ...]
    range_tolerant: bool = False


@dataclass(frozen=True, slots=True)
class ScoreArrays:
    """A score over a chunk, mirroring ``ScoreResult`` (total range, completeness, band)."""

    total_min: Ints
    total_max: Ints
    incomplete: Bools
    band_index: Ints  # into band_codes; -1 when the range straddles bands or is incomplete
    band_codes: tuple[str, ...]
    missing: tuple[tuple[str, Bools], ...]

    @property
    def band(self) -> Objects:
        """The band code per row, or None."""
        return typing.cast(
            Objects, np.array([*self.band_codes, None], dtype=object)[self.band_index]
        )

    @property
    def total(self) -> Ints:
        """The total, or -1 when incomplete or a range (``ScoreResult.total`` is None)."""
        exact = ~self.incomplete & (self.total_min == self.total_max)
        return np.where(exact, self.total_min, -1)


def _points(table: Sequence[ScoredOption]) -> Ints:
    return np.array([option.points for option in table], dtype=np.int64)


def _option_item(
    points_by_code: Ints, code: Ints, table: type[ScoredOption], needs: tuple[str, ...]
) -> ItemArrays:
    """Like ``scoring.items.item``: known option → its points; unknown → the table's range."""
    known = code >= 0
    low, high = table.points_range()
    points = points_by_code[np.where(known, code, 0)]
    unknown = ~known
    return ItemArrays(
        np.where(known, points, low),
        np.where(known, points, high),
        tuple((name, unknown) for name in needs),
    )


def _ranged_item(values: Ints, table: type[RangedOption], needs: str) -> ItemArrays:
    """Classify whole numbers by the table's own ``low``/``high`` (as ``classify`` does)."""
    known = values >= 0
    points = np.full(len(values), -1, dtype=np.int64)
    for option in table:
        rows = known & (values >= option.low)
        if option.high is not None:
            rows &= values <= option.high
        points[rows & (points < 0)] = option.points
    if (points[known] < 0).any():  # PatientCase's bounds keep values inside the table
        raise ValueError(f"a value lies in no row of {table.__name__}")
    low, high = table.points_range()
    return ItemArrays(
        np.where(known, points, low),
        np.where(known, points, high),
        ((needs, ~known),),
    )


def _band_index(bands: tuple[Band, ...], max_total: int) -> Ints:
    """Index into ``bands`` per possible total (each looked up with ``result.band_for``)."""
    return np.array([bands.index(band_for(bands, t)) for t in range(max_total + 1)], dtype=np.int64)


def _score(items: Sequence[ItemArrays], bands: tuple[Band, ...]) -> ScoreArrays:
    """Sum the items and band the total like ``ScoreResult``, but give no band when the
    score is incomplete (the batch's rule: an incomplete score has no total and no band)."""
    total_min = np.sum([i.low for i in items], axis=0)
    total_max = np.sum([i.high for i in items], axis=0)
    n = len(total_min)
    incomplete = np.zeros(n, dtype=bool)
    missing: dict[str, Bools] = {}
    for item in items:
        for name, mask in item.missing:
            missing[name] = missing[name] | mask if name in missing else mask
            if not item.range_tolerant:
                incomplete |= mask
    index = _band_index(bands, int(max(b.high for b in bands)))
    same = index[total_min] == index[total_max]
    band = np.where(~incomplete & same, index[total_min], -1)
    codes = tuple(b.code for b in bands)
    return ScoreArrays(total_min, total_max, incomplete, band, codes, tuple(missing.items()))


@cache
def _tables() -> dict[str, Any]:
    """Lookup arrays from the single-case tables, built once per process."""
    levels = list(VertebralLevel)
    tumors = list(PrimaryTumor)
    frankel = list(FrankelGrade)
    extra_max = COLUMN_BY_NAME["extraspinal_bone_mets"]
    bodies_max = COLUMN_BY_NAME["vertebral_body_mets"]
    assert isinstance(extra_max, WholeColumn)
    assert isinstance(bodies_max, WholeColumn)
    # Katagiri's "multiple skeletal metastases" is decided by either count alone (spec §9);
    # ask the single-case rule which counts decide it, over each field's whole range.
    skeletal_by_extra = np.array(
        [
            katagiri.multiple_skeletal(PatientCase(extraspinal_bone_mets=v))[0]
            is katagiri.MultipleSkeletalMets.YES
            for v in range(extra_max.high + 1)
        ]
    )
    skeletal_by_bodies = np.array(
        [
            katagiri.multiple_skeletal(PatientCase(vertebral_body_mets=v))[0]
            is katagiri.MultipleSkeletalMets.YES
            if v >= bodies_max.low
            else False
            for v in range(bodies_max.high + 1)
        ]
    )
    return {
        "sins_location": _points([lvl.sins_location for lvl in levels]),
        "tokuhashi_primary": _points([t.tokuhashi for t in tumors]),
        "katagiri_primary": _points([t.katagiri for t in tumors]),
        "palsy": _points([tokuhashi.PALSY_BY_FRANKEL[g] for g in frankel]),
        "skeletal_by_extra": skeletal_by_extra,
        "skeletal_by_bodies": skeletal_by_bodies,
    }


def _laboratory_item(p: ParsedChunk) -> ItemArrays:
    """Like ``katagiri.laboratory_item``: critical outranks abnormal; unmeasured widens."""
    n = p.n
    floor = np.zeros(n, dtype=np.int64)  # LabTier.NORMAL.points
    analytes = [ANALYTE_BY_FIELD[a] for a in p.lab_value]
    for spec in analytes:
        floor = np.where(p.lab_flagged[spec.field], np.maximum(floor, spec.tier.points), floor)
    ceiling = floor.copy()
    missing = []
    for spec in analytes:
        unmeasured = p.lab_column[spec.field] < 0
        ceiling = np.where(unmeasured, np.maximum(ceiling, spec.tier.points), ceiling)
        missing.append((spec.field, unmeasured & (spec.tier.points > floor)))
    return ItemArrays(floor, ceiling, tuple(missing), range_tolerant=True)


def score_chunk(p: ParsedChunk) -> tuple[ScoreArrays, ScoreArrays, ScoreArrays]:
    """Revised Tokuhashi, new Katagiri and SINS over a parsed chunk (items in their order)."""
    t = _tables()
    extra, bodies = p.whole["extraspinal_bone_mets"], p.whole["vertebral_body_mets"]
    toku = _score(
        (
            _ranged_item(p.whole["kps"], tokuhashi.GeneralCondition, "kps"),
            _ranged_item(extra, tokuhashi.ExtraspinalBoneMets, "extraspinal_bone_mets"),
            _ranged_item(bodies, tokuhashi.VertebralBodyMets, "vertebral_body_mets"),
            _option_item(
                _points(list(MajorOrganMets)),
                p.codes["major_organ_mets"],
                MajorOrganMets,
                ("major_organ_mets",),
            ),
            _option_item(
                t["tokuhashi_primary"],
                p.codes["primary_tumor"],
                TokuhashiPrimary,
                ("primary_tumor",),
            ),
            _option_item(t["palsy"], p.codes["frankel"], tokuhashi.Palsy, ("frankel",)),
        ),
        tokuhashi.BANDS,
    )
    yes = (extra >= 0) & t["skeletal_by_extra"][np.maximum(extra, 0)]
    yes |= (bodies >= 0) & t["skeletal_by_bodies"][np.maximum(bodies, 0)]
    decided = yes | ((extra >= 0) & (bodies >= 0))
    no_yes = katagiri.MultipleSkeletalMets.NO, katagiri.MultipleSkeletalMets.YES
    skeletal = _option_item(
        _points(no_yes),
        np.where(decided, yes.astype(np.int64), -1),
        katagiri.MultipleSkeletalMets,
        (),
    )
    skeletal = ItemArrays(  # needs only the counts that are empty, and only if undecided
        skeletal.low,
        skeletal.high,
        (
            ("extraspinal_bone_mets", ~decided & (extra < 0)),
            ("vertebral_body_mets", ~decided & (bodies < 0)),
        ),
    )
    chemo = katagiri.PreviousChemotherapy.NO, katagiri.PreviousChemotherapy.YES  # yes_no codes
    kata = _score(
        (
            _option_item(
                t["katagiri_primary"], p.codes["primary_tumor"], KatagiriGrowth, ("primary_tumor",)
            ),
            _option_item(
                _points(list(VisceralMets)),
                p.codes["visceral_mets"],
                VisceralMets,
                ("visceral_mets",),
            ),
            _laboratory_item(p),
            _ranged_item(p.whole["ecog"], katagiri.EcogPoint, "ecog"),
            _option_item(
                _points(chemo),
                p.yes_no["previous_chemotherapy"],
                katagiri.PreviousChemotherapy,
                ("previous_chemotherapy",),
            ),
            skeletal,
        ),
        katagiri.BANDS,
    )
    findings: tuple[tuple[str, type[ScoredOption]], ...] = (
        ("sins_pain", SinsPain),
        ("sins_bone_lesion", SinsBoneLesion),
        ("sins_alignment", SinsAlignment),
        ("sins_collapse", SinsCollapse),
        ("sins_posterolateral", SinsPosterolateral),
    )
    sins_score = _score(
        (
            _option_item(
                t["sins_location"], p.codes["lesion_level"], SinsLocation, ("lesion_level",)
            ),
            *(
                _option_item(_points(list(table)), p.codes[name], table, (name,))
                for name, table in findings
            ),
        ),
        sins.BANDS,
    )
    return toku, kata, sins_score


# -------------------------------------------------------------------------- output


@cache
def _missing_order() -> tuple[str, ...]:
    """The order ``missing`` names fields in: the three scores' ``missing`` concatenated and
    de-duplicated, as the single-case path gives it for a case with nothing recorded."""
    from scoring import score_case  # the package imports this module's siblings only

    empty = score_case(PatientCase())
    return tuple(dict.fromkeys(name for s in empty.scores for name in s.missing))


def _missing_text(scores: Sequence[ScoreArrays], valid: Bools) -> pa.Array:
    """``;``-joined names per row, built from a bit pattern per row: only the distinct
    patterns (a few dozen in practice) are turned into text."""
    order = _missing_order()
    bits = np.zeros(len(valid), dtype=np.int64)
    for score in scores:
        for name, mask in score.missing:
            bits |= mask.astype(np.int64) << order.index(name)
    bits[~valid] = 0
    patterns, inverse = np.unique(bits, return_inverse=True)
    texts = [";".join(name for i, name in enumerate(order) if int(p) >> i & 1) for p in patterns]
    return _take(texts, inverse.reshape(-1))


_NUMBERS = tuple(str(i) for i in range(64))


def _take(texts: Sequence[str], index: Ints) -> pa.Array:
    """``texts[index]`` as an Arrow string array, with index -1 giving an empty cell."""
    table = pa.array([*texts, ""], type=pa.large_string())
    return table.take(pa.array(np.where(index < 0, len(texts), index)))


def format_scores(
    parsed: ParsedChunk, toku: ScoreArrays, kata: ScoreArrays, sins_score: ScoreArrays
) -> dict[str, pa.Array]:
    """The ``OUTPUT_COLUMNS`` of one chunk as text; a rejected row gets only its error."""
    valid = parsed.valid
    kata_range = valid & ~kata.incomplete

    def band(score: ScoreArrays) -> pa.Array:
        return _take(score.band_codes, np.where(valid, score.band_index, -1))

    return {
        "tokuhashi_total": _take(_NUMBERS, np.where(valid, toku.total, -1)),
        "tokuhashi_band": band(toku),
        "katagiri_min": _take(_NUMBERS, np.where(kata_range, kata.total_min, -1)),
        "katagiri_max": _take(_NUMBERS, np.where(kata_range, kata.total_max, -1)),
        "katagiri_group": band(kata),
        "sins_total": _take(_NUMBERS, np.where(valid, sins_score.total, -1)),
        "sins_category": band(sins_score),
        "missing": _missing_text((toku, kata, sins_score), valid),
        "error": pa.array(parsed.errors, type=pa.large_string()),
    }


@dataclass(frozen=True, slots=True)
class ScoredChunk:
    """What an ``ExtraColumns`` hook receives for one chunk.

    ``rows``: the input cells as text (index = 0-based data-row number in the file);
    ``valid``: False for rejected rows (whose extra cells are blanked whatever the hook
    returns); ``cases``: the parsed ``PatientCase`` fields (Enum members or None, nullable
    ``Int64`` counts and scores, ``boolean`` chemotherapy, lab values as float in the
    analyte's conventional unit, for display and models: cut-offs are already applied
    exactly in the scores); ``scores``: the score columns (nullable ``Int64`` totals,
    band codes or None, ``missing`` text).
    """

    rows: pd.DataFrame
    valid: Bools
    cases: pd.DataFrame
    scores: pd.DataFrame


class ExtraColumns(Protocol):
    """Adds output columns (e.g. the model's) without editing this module.

    ``names`` are appended after ``OUTPUT_COLUMNS`` in this order (also for an input with
    no rows); ``__call__`` returns, for every row of the chunk, one value per name
    (None or NaN → empty cell).
    """

    @property
    def names(self) -> Sequence[str]: ...

    def __call__(self, chunk: ScoredChunk) -> Mapping[str, Sequence[Any] | npt.ArrayLike]: ...


def _scored_chunk(
    frame: pd.DataFrame, parsed: ParsedChunk, scores: Sequence[ScoreArrays], missing: pa.Array
) -> ScoredChunk:
    """Typed views of a chunk for an ``ExtraColumns`` hook (built only when one is given)."""
    valid = parsed.valid
    cases: dict[str, Any] = {}
    for col in COLUMNS:
        if isinstance(col, CodedColumn):
            members = np.array([*col.vocabulary, None], dtype=object)
            cases[col.field] = pd.Series(
                members[parsed.codes[col.field]], index=frame.index, dtype=object
            )
        elif isinstance(col, YesNoColumn):
            codes = parsed.yes_no[col.field]
            cases[col.field] = pd.arrays.BooleanArray(codes == 1, codes < 0)
        elif isinstance(col, WholeColumn):
            values = parsed.whole[col.field]
            cases[col.field] = pd.arrays.IntegerArray(values, values < 0)
    factor = np.array(
        [1 / float(c.rule.per_conventional) for c in LAB_COLUMNS] + [np.nan], dtype=np.float64
    )
    for analyte, value in parsed.lab_value.items():
        cases[analyte] = value * factor[parsed.lab_column[analyte]]
    toku, kata, sins_score = scores
    kata_range = valid & ~kata.incomplete
    table: dict[str, Any] = {
        "tokuhashi_total": _nullable(toku.total, valid),
        "tokuhashi_band": _codes_or_none(toku.band, valid),
        "katagiri_min": _nullable(kata.total_min, kata_range),
        "katagiri_max": _nullable(kata.total_max, kata_range),
        "katagiri_group": _codes_or_none(kata.band, valid),
        "sins_total": _nullable(sins_score.total, valid),
        "sins_category": _codes_or_none(sins_score.band, valid),
        "missing": missing.to_numpy(zero_copy_only=False),
    }
    index = frame.index
    return ScoredChunk(
        frame,
        valid,
        pd.DataFrame({k: _indexed(v, index) for k, v in cases.items()}),
        pd.DataFrame({k: _indexed(v, index) for k, v in table.items()}),
    )


def _indexed(values: Any, index: pd.Index) -> pd.Series:
    """A Series on the chunk's index; object arrays stay object (Enum members stay Enums:
    pandas would otherwise infer its ``str`` dtype from these ``StrEnum`` members)."""
    if isinstance(values, pd.Series):
        return values.set_axis(index)
    dtype = object if isinstance(values, np.ndarray) and values.dtype == object else None
    return pd.Series(values, index=index, dtype=dtype)


def _nullable(values: Ints, show: Bools) -> Any:
    return pd.arrays.IntegerArray(values.copy(), ~show | (values < 0))


def _codes_or_none(codes: Objects, show: Bools) -> pd.Series:
    out = codes.copy()
    out[~show] = None
    return pd.Series(out, dtype=object)


def _extra_text(values: Any, n: int, valid: Bools, name: str) -> pa.Array:
    """An extra column as text: None/NA/NaN → empty, rejected rows → empty.

    Values keep their type until ``str`` (a nullable ``Int64`` 120 is "120", not "120.0").
    """
    series = pd.Series(values).reset_index(drop=True).astype(object)
    if len(series) != n:
        raise ValueError(f"extra column {name!r}: {len(series)} values for {n} rows")
    text = series.where(series.notna(), "").astype(str).to_numpy(dtype=object)
    return pa.array(np.where(valid, text, ""), type=pa.large_string())


# ----------------------------------------------------------------------------- run


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a run did; ``first_errors`` holds up to five (data-row number, error) pairs."""

    rows: int
    scored: int
    rejected: int
    incomplete: int
    seconds: float
    output: Path
    first_errors: tuple[tuple[int, str], ...] = ()
    strict: bool = False

    @property
    def exit_status(self) -> int:
        """0, or 1 when ``strict`` and a row was rejected (the output is written either way)."""
        return 1 if self.strict and self.rejected else 0

    def text(self) -> str:
        lines = [
            f"{self.rows:,} rows read and written to {self.output} in {self.seconds:.1f} s: "
            f"{self.scored:,} scored ({self.incomplete:,} with missing fields, see 'missing'), "
            f"{self.rejected:,} rejected (see 'error')."
        ]
        lines += [f"  row {row}: {message}" for row, message in self.first_errors]
        if self.rejected > len(self.first_errors):
            lines.append(f"  … and {self.rejected - len(self.first_errors):,} more rejected rows")
        return "\n".join(lines)


def run_batch(
    input_path: Path | str,
    output_path: Path | str,
    *,
    strict: bool = False,
    quiet: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    extra_columns: ExtraColumns | None = None,
) -> BatchSummary:
    """Score ``input_path`` into ``output_path``, one chunk at a time.

    Raises ``MalformedFileError`` (nothing is written) when the file cannot be scored at all.
    ``strict`` does not change the output (rejected rows are still written with their
    error, so they can be fixed); it makes ``BatchSummary.exit_status`` 1 when a row was
    rejected.
    """
    started = time.monotonic()
    source, target = Path(input_path), Path(output_path)
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    if target.exists() and target.resolve() == source.resolve():
        raise MalformedFileError("the output would overwrite the input; choose another -o path")
    extra_names = tuple(extra_columns.names) if extra_columns is not None else ()
    header = read_header(source)
    check_header(header, REQUIRED, (*OUTPUT_COLUMNS, *extra_names))
    progress = Progress(quiet=quiet)
    rows = scored = rejected = incomplete = 0
    first_errors: list[tuple[int, str]] = []
    with AtomicCsvWriter(target, [*header, *OUTPUT_COLUMNS, *extra_names]) as writer:
        for frame, fraction in iter_chunks(source, chunk_size):
            frame.index = pd.RangeIndex(rows, rows + len(frame))
            cells = {name: arrow_text(frame[name]) for name in frame.columns}
            parsed = parse_chunk(cells, len(frame))
            toku, kata, sins_score = score_chunk(parsed)
            text = format_scores(parsed, toku, kata, sins_score)
            out = [*cells.values(), *text.values()]
            if extra_columns is not None:
                chunk = _scored_chunk(frame, parsed, (toku, kata, sins_score), text["missing"])
                produced = extra_columns(chunk)
                out += [
                    _extra_text(produced[name], len(frame), parsed.valid, name)
                    for name in extra_names
                ]
            writer.write(out)
            valid = parsed.valid
            bad = np.flatnonzero(~valid)
            for i in bad[: 5 - len(first_errors)]:
                first_errors.append((rows + int(i) + 1, str(parsed.errors[i])))
            rows += len(frame)
            scored += int(valid.sum())
            rejected += len(bad)
            incomplete += pc.sum(pc.not_equal(text["missing"], "")).as_py() or 0
            progress.update(rows, fraction)
            # Arrow's allocator keeps freed blocks for reuse; hand them back each chunk so
            # the resident set stays flat over a long file (measured in bench/batch.py).
            pa.default_memory_pool().release_unused()
        writer.commit()
    progress.close()
    seconds = time.monotonic() - started
    return BatchSummary(
        rows, scored, rejected, incomplete, seconds, target, tuple(first_errors), strict
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``cli.py score INPUT.csv -o OUTPUT.csv [--strict] [--quiet] [--chunk-size N]``."""
    required = ", ".join(REQUIRED)
    optional = ", ".join([ID_COLUMN, "age_years", *(c.name for c in LAB_COLUMNS)])
    parser.epilog = (
        f"Required columns: {required}. Optional: {optional}. Other columns pass through. "
        "Exit status: 0 done, 1 rows rejected with --strict, 2 file cannot be scored."
    )
    parser.add_argument("input", type=Path, help="CSV file (UTF-8, comma-separated, header)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV file to write")
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 if any row is rejected"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line on a terminal")
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        help=f"rows per chunk; memory grows with it (default {DEFAULT_CHUNK_SIZE:,})",
    )


def run(args: argparse.Namespace, *, extra_columns: ExtraColumns | None = None) -> int:
    """The command: 0 done, 1 rejected rows under ``--strict``, 2 malformed file."""
    try:
        summary = run_batch(
            args.input,
            args.output,
            strict=args.strict,
            quiet=args.quiet,
            chunk_size=args.chunk_size,
            extra_columns=extra_columns,
        )
    except MalformedFileError as exc:
        print(f"cli.py score: {args.input}: {exc}. Nothing was written.", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"cli.py score: {exc}", file=sys.stderr)
        return 2
    print(summary.text(), file=sys.stderr)
    return summary.exit_status


__all__ = [
    "COLUMNS",
    "OUTPUT_COLUMNS",
    "REQUIRED",
    "BatchSummary",
    "ExtraColumns",
    "MalformedFileError",
    "ScoredChunk",
    "add_arguments",
    "parse_chunk",
    "run",
    "run_batch",
    "score_chunk",
]
