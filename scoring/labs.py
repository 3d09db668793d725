"""Laboratory values with explicit units, compared at the exact published cut-off.

New Katagiri's laboratory factor (Katagiri 2014 via spec S4, §2.3): *abnormal* (1 point)
is CRP ≥ 0.4 mg/dL, LDH ≥ 250 IU/L or albumin < 3.7 g/dL; *critical* (2 points) is
platelets < 100 × 10⁹/L, calcium ≥ 10.3 mg/dL or total bilirubin ≥ 1.4 mg/dL. Critical
outranks abnormal and the item is at most 2.

Why exact arithmetic: 10.3 mg/dL of calcium is 2.5699… mmol/L. An implementation that
compares against a rounded 2.57 mmol/L misclassifies a patient at the cut-off (A-K7). Here
every cut-off is a ``Fraction`` in the conventional unit, converted to the unit the value
was entered in by an exact factor, and compared with the value as an exact ``Decimal``.
The factors are the spec's: calcium 1 mg/dL = 1/4.008 mmol/L, bilirubin 1 mg/dL =
17.104 µmol/L (molar masses 40.08 and 584.66 g/mol), platelets 1 × 10⁴/µL = 10 × 10⁹/L.

Worked example: calcium 2.57 mmol/L. Cut-off in mmol/L = 10.3 / 4.008 = 2.569860…;
2.57 ≥ 2.569860… so the value is critical, as 2.57 × 4.008 = 10.30056 mg/dL ≥ 10.3 says.

Calcium is used as supplied (measured or albumin-corrected: the paper does not say, A-K7);
LDH's cut-off comes from a Japanese 2005–2008 cohort and depends on the assay.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

from i18n import N_, Message, TranslatableError
from scoring.options import LabelledEnum, ScoredOption
from scoring.sources import KATAGIRI_2014


class LabUnit(LabelledEnum):
    """Units accepted for laboratory values. Codes are ASCII; labels are clinical notation."""

    MG_DL = ("mg/dL", "mg/dL")
    MG_L = ("mg/L", "mg/L")
    G_DL = ("g/dL", "g/dL")
    G_L = ("g/L", "g/L")
    MMOL_L = ("mmol/L", "mmol/L")
    UMOL_L = ("umol/L", "µmol/L")
    U_L = ("U/L", "U/L")
    E9_PER_L = ("10^9/L", "× 10⁹/L")
    E4_PER_UL = ("10^4/uL", "× 10⁴/µL")


#: The SI units among them; LDH (U/L) and platelets (× 10⁹/L) share theirs with the
#: conventional system.
SI_UNITS: frozenset[LabUnit] = frozenset(
    {LabUnit.MG_L, LabUnit.G_L, LabUnit.MMOL_L, LabUnit.UMOL_L, LabUnit.E9_PER_L, LabUnit.U_L}
)


class LabTier(ScoredOption):
    """New Katagiri factor 3, laboratory data."""

    NORMAL = ("normal", 0, N_("Normal"), KATAGIRI_2014)
    ABNORMAL = (
        "abnormal",
        1,
        N_("Abnormal (CRP ≥ 0.4 mg/dL, LDH ≥ 250 IU/L or albumin < 3.7 g/dL)"),
        KATAGIRI_2014,
    )
    CRITICAL = (
        "critical",
        2,
        N_("Critical (platelets < 100 × 10⁹/L, calcium ≥ 10.3 mg/dL or bilirubin ≥ 1.4 mg/dL)"),
        KATAGIRI_2014,
    )

    @property
    def short_label(self) -> str:
        """The tier's name without its criteria ("Abnormal"), for a table whose other
        columns list the cut-offs: its own msgid, never cut out of the translated label."""
        return _TIER_NAMES[self]


_TIER_NAMES: Final = {
    LabTier.NORMAL: N_("Normal"),
    LabTier.ABNORMAL: N_("Abnormal"),
    LabTier.CRITICAL: N_("Critical"),
}


class Direction(StrEnum):
    AT_OR_ABOVE = "≥"
    BELOW = "<"


@dataclass(frozen=True, slots=True)
class UnitRule:
    """One accepted unit: its exact factor from the conventional unit and its accepted range.

    The range is a plausibility limit that catches typing and unit errors (an albumin of
    35 "g/dL" is almost surely 35 g/L), stated in the unit itself so that the message a
    user reads names numbers they recognise.
    """

    unit: LabUnit
    per_conventional: Fraction
    low: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class AnalyteSpec:
    field: str
    label: str
    units: tuple[UnitRule, ...]
    cutoff: Fraction
    direction: Direction
    tier: LabTier

    @property
    def conventional(self) -> LabUnit:
        return self.units[0].unit

    @property
    def si_unit(self) -> LabUnit:
        """The unit of this analyte in the SI system (the conventional one if they share it)."""
        for rule in self.units:
            if rule.unit in SI_UNITS:
                return rule.unit
        return self.conventional

    def rule(self, unit: LabUnit) -> UnitRule:
        for rule in self.units:
            if rule.unit is unit:
                return rule
        allowed = " or ".join(r.unit.label for r in self.units)
        raise TranslatableError(
            N_("%(unit)s is not a unit of %(label)s; use %(allowed)s"),
            unit=unit.label,
            label=self.label,
            allowed=allowed,
        )

    def cutoff_in(self, unit: LabUnit) -> Fraction:
        """The published cut-off expressed exactly in ``unit``."""
        return self.cutoff * self.rule(unit).per_conventional

    def is_flagged(self, value: Decimal, unit: LabUnit) -> bool:
        """Whether the value meets this analyte's criterion, compared exactly."""
        exact = Fraction(value)
        limit = self.cutoff_in(unit)
        return exact >= limit if self.direction is Direction.AT_OR_ABOVE else exact < limit

    def criterion_text(self, unit: LabUnit | None = None) -> str:
        unit = unit or self.conventional
        limit = self.cutoff_in(unit)
        shown = _format_fraction(limit)
        return Message(
            N_("%(label)s %(direction)s %(limit)s %(unit)s"),
            label=self.label,
            direction=self.direction.value,
            limit=shown,
            unit=unit.label,
        )


def _format_fraction(value: Fraction) -> str:
    """Exact where the decimal terminates; otherwise five decimals and an ellipsis."""
    as_decimal = Decimal(value.numerator) / Decimal(value.denominator)
    text = format(as_decimal.normalize(), "f")
    if Fraction(Decimal(text)) == value:
        return text
    return f"{as_decimal:.5f}…"


_ONE = Fraction(1)
ANALYTES: tuple[AnalyteSpec, ...] = (
    AnalyteSpec(
        "crp",
        "CRP",
        (
            UnitRule(LabUnit.MG_DL, _ONE, Decimal(0), Decimal(100)),
            UnitRule(LabUnit.MG_L, Fraction(10), Decimal(0), Decimal(1000)),
        ),
        Fraction("0.4"),
        Direction.AT_OR_ABOVE,
        LabTier.ABNORMAL,
    ),
    AnalyteSpec(
        "ldh",
        "LDH",
        (UnitRule(LabUnit.U_L, _ONE, Decimal(0), Decimal(50000)),),
        Fraction(250),
        Direction.AT_OR_ABOVE,
        LabTier.ABNORMAL,
    ),
    AnalyteSpec(
        "albumin",
        N_("Albumin"),
        (
            UnitRule(LabUnit.G_DL, _ONE, Decimal("0.5"), Decimal(7)),
            UnitRule(LabUnit.G_L, Fraction(10), Decimal(5), Decimal(70)),
        ),
        Fraction("3.7"),
        Direction.BELOW,
        LabTier.ABNORMAL,
    ),
    AnalyteSpec(
        "platelets",
        N_("Platelets"),
        (
            UnitRule(LabUnit.E9_PER_L, _ONE, Decimal(0), Decimal(2000)),
            UnitRule(LabUnit.E4_PER_UL, Fraction(1, 10), Decimal(0), Decimal(200)),
        ),
        Fraction(100),
        Direction.BELOW,
        LabTier.CRITICAL,
    ),
    AnalyteSpec(
        "calcium",
        N_("Calcium"),
        (
            UnitRule(LabUnit.MG_DL, _ONE, Decimal(2), Decimal(25)),
            UnitRule(LabUnit.MMOL_L, Fraction(1000, 4008), Decimal("0.5"), Decimal("6.25")),
        ),
        Fraction("10.3"),
        Direction.AT_OR_ABOVE,
        LabTier.CRITICAL,
    ),
    AnalyteSpec(
        "bilirubin",
        N_("Total bilirubin"),
        (
            UnitRule(LabUnit.MG_DL, _ONE, Decimal(0), Decimal(50)),
            UnitRule(LabUnit.UMOL_L, Fraction("17.104"), Decimal(0), Decimal(855)),
        ),
        Fraction("1.4"),
        Direction.AT_OR_ABOVE,
        LabTier.CRITICAL,
    ),
)
ANALYTE_BY_FIELD: MappingProxyType[str, AnalyteSpec] = MappingProxyType(
    {a.field: a for a in ANALYTES}
)


#: Bounds on how a laboratory number may be written, checked before any arithmetic. Every
#: accepted range ends below 10⁵, and no laboratory reports 30 decimals, so these refuse
#: nothing a person would type, but they bound the work: an exact comparison of
#: ``1e-99999999`` with a cut-off would build a 100-million-digit integer.
MAX_TEXT_LENGTH = 64
MAX_DIGITS = 40
MAX_DECIMAL_PLACES = 30
MAX_EXPONENT = 10


def _as_decimal(value: Any) -> Decimal | None:
    """The number ``value`` denotes, without arithmetic; None if it is not a plain number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DIGITS:  # compares sizes first; never prints the integer
            raise TranslatableError(
                N_("a number of more than %(digits)s digits is not accepted"), digits=MAX_DIGITS
            )
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise TranslatableError(
                N_("a number longer than %(length)s characters is not accepted"),
                length=MAX_TEXT_LENGTH,
            )
        if "," in value:
            raise TranslatableError(
                N_(
                    "a comma is not accepted in a number: write the decimal mark as a point "
                    "(3.5, not 3,5) and no thousands separator"
                )
            )
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def check_written_size(value: Any) -> Any:
    """Refuse a number whose digits or exponent exceed the bounds above; else pass it on.

    Only the written form is inspected (``Decimal.as_tuple``), so ``1e-99999999`` is
    refused in microseconds. What is not a plain number is left to the field's own type
    check, which names it.
    """
    number = _as_decimal(value)
    if number is None or not number.is_finite():
        return value
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    if len(digits) > MAX_DIGITS:
        raise TranslatableError(
            N_("a number of more than %(digits)s digits is not accepted"), digits=MAX_DIGITS
        )
    if exponent < -MAX_DECIMAL_PLACES:
        raise TranslatableError(
            N_("at most %(places)s decimal places are accepted"), places=MAX_DECIMAL_PLACES
        )
    if exponent > MAX_EXPONENT:
        raise TranslatableError(
            N_("a number this large (exponent %(exponent)s) is not accepted"), exponent=exponent
        )
    return value


class LabValue(BaseModel):
    """A measured value with its unit; which units an analyte takes is checked by the case."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: Decimal = Field(ge=0, allow_inf_nan=False, description="The measured value")
    unit: LabUnit = Field(description="The unit the value was measured in")

    @field_validator("value", mode="before")
    @classmethod
    def _bounded_size(cls, value: Any) -> Any:
        return check_written_size(value)

    def __str__(self) -> str:
        return f"{self.value} {self.unit.label}"
