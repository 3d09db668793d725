"""New Katagiri (Katagiri 2014; points and laboratory cut-offs via spec S4, bands S5/S6)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from scoring import katagiri
from scoring.labs import ANALYTE_BY_FIELD, LabUnit
from scoring.result import band_for
from tests.support.cases import make_case

LAB_ITEM = 2


@pytest.mark.parametrize(
    ("tumor", "points"),
    [
        ("thyroid", 0),
        ("myeloma", 0),
        ("kidney", 2),
        ("lung_targeted", 2),
        ("other", 2),
        ("lung_untargeted", 3),
        ("liver", 3),
        ("unknown_primary", 3),
    ],
)
def test_primary_growth(tumor: str, points: int) -> None:
    """Source: Katagiri 2014 (S4): slow 0, moderate 2, rapid 3."""
    assert katagiri.score(make_case(primary_tumor=tumor)).items[0].points == points


@pytest.mark.parametrize(("visceral", "points"), [("none", 0), ("nodular", 1), ("disseminated", 2)])
def test_visceral(visceral: str, points: int) -> None:
    """Source: Katagiri 2014 (S4): nodular visceral or cerebral 1; disseminated 2 (A-K10)."""
    assert katagiri.score(make_case(visceral_mets=visceral)).items[1].points == points


@pytest.mark.parametrize(("ecog", "points"), [(0, 0), (1, 0), (2, 0), (3, 1), (4, 1)])
def test_ecog_3_or_4(ecog: int, points: int) -> None:
    """Source: Katagiri 2014 (S5, S4): ECOG PS 3 or 4 → 1."""
    assert katagiri.score(make_case(ecog=ecog)).items[3].points == points


@pytest.mark.parametrize(("chemo", "points"), [(False, 0), (True, 1)])
def test_previous_chemotherapy(chemo: bool, points: int) -> None:
    """Source: Katagiri 2014 (S4): previous chemotherapy 1 (a yes/no answer, A-K4)."""
    assert katagiri.score(make_case(previous_chemotherapy=chemo)).items[4].points == points


@pytest.mark.parametrize(
    ("extra", "bodies", "points"),
    [(0, 1, 0), (1, 1, 1), (0, 2, 1), (5, 3, 1)],
)
def test_multiple_skeletal_metastases(extra: int, bodies: int, points: int) -> None:
    """Source: Katagiri 2014 (S4) with spec §9: more than one skeletal metastasis in total."""
    result = katagiri.score(make_case(extraspinal_bone_mets=extra, vertebral_body_mets=bodies))
    assert result.items[5].points == points


def test_multiple_skeletal_decided_by_one_count_alone() -> None:
    result = katagiri.score(make_case(extraspinal_bone_mets=2, vertebral_body_mets=None))
    assert result.items[5].points == 1
    assert result.items[5].missing == ()
    unknown = katagiri.score(make_case(extraspinal_bone_mets=0, vertebral_body_mets=None))
    assert unknown.items[5].points is None
    assert unknown.missing == ("vertebral_body_mets",)
    assert unknown.incomplete


# (field, unit, value, flagged?) at, just below and just above every cut-off, both unit
# systems. Cut-offs retyped from spec §2.3 (S4): CRP ≥ 0.4 mg/dL = 4 mg/L; LDH ≥ 250 U/L;
# albumin < 3.7 g/dL = 37 g/L; platelets < 100 × 10⁹/L = 10 × 10⁴/µL; calcium ≥ 10.3 mg/dL
# = 2.5699 mmol/L (10.3/4.008, not a terminating decimal); bilirubin ≥ 1.4 mg/dL =
# 23.9456 µmol/L (1.4 × 17.104).
CUTOFFS = [
    ("crp", "mg/dL", "0.4", True),
    ("crp", "mg/dL", "0.3999", False),
    ("crp", "mg/dL", "0.4001", True),
    ("crp", "mg/L", "4", True),
    ("crp", "mg/L", "3.999", False),
    ("crp", "mg/L", "4.001", True),
    ("ldh", "U/L", "250", True),
    ("ldh", "U/L", "249.9", False),
    ("ldh", "U/L", "250.1", True),
    ("albumin", "g/dL", "3.7", False),
    ("albumin", "g/dL", "3.6999", True),
    ("albumin", "g/dL", "3.7001", False),
    ("albumin", "g/L", "37", False),
    ("albumin", "g/L", "36.999", True),
    ("albumin", "g/L", "37.001", False),
    ("platelets", "10^9/L", "100", False),
    ("platelets", "10^9/L", "99.99", True),
    ("platelets", "10^9/L", "100.01", False),
    ("platelets", "10^4/uL", "10", False),
    ("platelets", "10^4/uL", "9.999", True),
    ("platelets", "10^4/uL", "10.001", False),
    ("calcium", "mg/dL", "10.3", True),
    ("calcium", "mg/dL", "10.2999", False),
    ("calcium", "mg/dL", "10.3001", True),
    ("calcium", "mmol/L", "2.5699", True),
    ("calcium", "mmol/L", "2.5698", False),
    ("calcium", "mmol/L", "2.569861", True),
    ("calcium", "mmol/L", "2.56986", False),
    ("bilirubin", "mg/dL", "1.4", True),
    ("bilirubin", "mg/dL", "1.3999", False),
    ("bilirubin", "mg/dL", "1.4001", True),
    ("bilirubin", "umol/L", "23.9456", True),
    ("bilirubin", "umol/L", "23.9455", False),
    ("bilirubin", "umol/L", "23.9457", True),
]


@pytest.mark.parametrize(("field", "unit", "value", "flagged"), CUTOFFS)
def test_lab_cutoff_at_below_above(field: str, unit: str, value: str, flagged: bool) -> None:
    """Source: Katagiri 2014 via S4 (spec §2.3): exact cut-offs; SI converted exactly (A-K7)."""
    spec = ANALYTE_BY_FIELD[field]
    result = katagiri.score(make_case(**{field: {"value": value, "unit": unit}}))
    assert result.items[LAB_ITEM].points == (spec.tier.points if flagged else 0)
    assert spec.is_flagged(Decimal(value), LabUnit.parse(unit)) is flagged


def test_rounded_si_cutoff_trap() -> None:
    """spec A-K7: 10.3 mg/dL is exactly 10.3/4.008 mmol/L; 2.5699 is above it, 2.5698 below,
    so an implementation comparing with a rounded 2.57 would call 2.5699 normal."""
    spec = ANALYTE_BY_FIELD["calcium"]
    assert spec.cutoff_in(LabUnit.MMOL_L) * Fraction("4.008") == spec.cutoff
    assert Decimal("2.5699") < Decimal("2.57")
    assert spec.is_flagged(Decimal("2.5699"), LabUnit.MMOL_L)


def test_critical_outranks_abnormal_and_item_is_at_most_2() -> None:
    """Source: S4 and its test file: one critical plus abnormal values still gives 2."""
    case = make_case(
        crp={"value": "5", "unit": "mg/dL"},
        ldh={"value": "900", "unit": "U/L"},
        albumin={"value": "2.0", "unit": "g/dL"},
        calcium={"value": "12", "unit": "mg/dL"},
        platelets={"value": "50", "unit": "10^9/L"},
    )
    assert katagiri.score(case).items[LAB_ITEM].points == 2


@pytest.mark.parametrize(
    ("missing", "flagged", "expected_range", "needed"),
    [
        (("crp",), {}, (0, 1), ("crp",)),
        (("platelets",), {}, (0, 2), ("platelets",)),
        (("crp", "calcium"), {}, (0, 2), ("crp", "calcium")),
        (("platelets",), {"crp": {"value": "1", "unit": "mg/dL"}}, (1, 2), ("platelets",)),
        # abnormal already shown: an unmeasured abnormal-tier lab cannot change the item
        (("ldh",), {"crp": {"value": "1", "unit": "mg/dL"}}, (1, 1), ()),
        # critical already shown: nothing unmeasured can change it
        (("crp", "bilirubin"), {"calcium": {"value": "11", "unit": "mg/dL"}}, (2, 2), ()),
        (
            ("crp", "ldh", "albumin", "platelets", "calcium", "bilirubin"),
            {},
            (0, 2),
            ("crp", "ldh", "albumin", "platelets", "calcium", "bilirubin"),
        ),
    ],
)
def test_unmeasured_labs_widen_to_a_range(
    missing: tuple[str, ...],
    flagged: dict,
    expected_range: tuple[int, int],
    needed: tuple[str, ...],
) -> None:
    """The issue's rule: an unmeasured lab is not assumed normal; the item is the range it
    could take and only labs that could still change it are named."""
    case = make_case(**dict.fromkeys(missing), **flagged)
    result = katagiri.score(case)
    lab = result.items[LAB_ITEM]
    assert (lab.points_min, lab.points_max) == expected_range
    assert lab.missing == needed
    assert result.missing == needed
    assert not result.incomplete  # labs only widen the range


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "low"), (3, "low"), (4, "intermediate"), (6, "intermediate"), (7, "high"), (10, "high")],
)
def test_band_edges(total: int, band: str) -> None:
    """Source: Katagiri 2014 (S5 '≤3' and '≥7'; S6, S4): 0–3 low, 4–6 intermediate, 7–10 high
    (not S7's '1–3', A-K6)."""
    assert band_for(katagiri.BANDS, total).code == band


def test_band_survival_figures_are_marked() -> None:
    """spec §2.5: every decimal rests at least partly on recollection → provisional."""
    low, intermediate, high = katagiri.BANDS
    assert [f.percent for f in low.survival] == [98.1, 91.4, 77.8]
    assert [f.percent for f in intermediate.survival] == [74.0, 49.3, 27.6]
    assert [f.percent for f in high.survival] == [26.9, 6.0, 2.1]
    assert all(not f.verified for b in katagiri.BANDS for f in b.survival)
    assert "provisional" in str(high.survival[0])


def test_worked_example_in_docstring() -> None:
    case = make_case(
        primary_tumor="liver",
        crp={"value": "1.2", "unit": "mg/dL"},
        platelets={"value": "150", "unit": "10^9/L"},
        calcium={"value": "9.0", "unit": "mg/dL"},
        bilirubin={"value": "0.8", "unit": "mg/dL"},
    )
    result = katagiri.score(case)
    assert [i.points for i in result.items] == [3, 0, 1, 1, 0, 0]
    assert result.total == 5
    assert result.band is not None
    assert result.band.code == "intermediate"
