"""Revised Tokuhashi (Tokuhashi 2005; table via NICE CG75 Appendix 3, spec S1 and §1)."""

from __future__ import annotations

import pytest

from scoring import tokuhashi
from scoring.result import band_for
from tests.support.cases import make_case


@pytest.mark.parametrize(
    ("kps", "points"),
    [(10, 0), (20, 0), (30, 0), (40, 0), (50, 1), (60, 1), (70, 1), (80, 2), (90, 2), (100, 2)],
)
def test_general_condition_by_karnofsky(kps: int, points: int) -> None:
    """Source: Tokuhashi 2005 (S1): poor KPS 10–40 → 0, moderate 50–70 → 1, good 80–100 → 2."""
    result = tokuhashi.score(make_case(kps=kps))
    assert result.items[0].points == points


@pytest.mark.parametrize(
    ("foci", "points"), [(0, 2), (1, 1), (2, 1), (3, 0), (4, 0), (50, 0), (999, 0)]
)
def test_extraspinal_bone_foci(foci: int, points: int) -> None:
    """Source: Tokuhashi 2005 (S1): ≥ 3 → 0, 1–2 → 1, 0 → 2."""
    assert tokuhashi.score(make_case(extraspinal_bone_mets=foci)).items[1].points == points


@pytest.mark.parametrize(("bodies", "points"), [(1, 2), (2, 1), (3, 0), (4, 0), (29, 0)])
def test_vertebral_body_metastases(bodies: int, points: int) -> None:
    """Source: Tokuhashi 2005 (S1–S4): ≥ 3 → 0, 2 → 1, 1 → 2 (spec A-T1, not 1–2/0)."""
    assert tokuhashi.score(make_case(vertebral_body_mets=bodies)).items[2].points == points


@pytest.mark.parametrize(("organs", "points"), [("unremovable", 0), ("removable", 1), ("none", 2)])
def test_major_organ_metastases(organs: str, points: int) -> None:
    """Source: Tokuhashi 2005 (S1): unremovable 0, removable 1, none 2. An organ metastasis
    is visceral, so the case records one (a case saying otherwise is refused)."""
    visceral = "none" if organs == "none" else "nodular"
    case = make_case(major_organ_mets=organs, visceral_mets=visceral)
    assert tokuhashi.score(case).items[3].points == points


@pytest.mark.parametrize(
    ("tumor", "points"),
    [
        ("lung_untargeted", 0),
        ("osteosarcoma", 0),
        ("stomach", 0),
        ("bladder", 0),
        ("esophagus", 0),
        ("pancreas", 0),
        ("liver", 1),
        ("gallbladder", 1),
        ("unknown_primary", 1),
        ("other", 2),
        ("kidney", 3),
        ("uterus_body", 3),
        ("rectum", 4),
        ("thyroid", 5),
        ("breast_hormone_independent", 5),
        ("prostate_hormone_dependent", 5),
        ("carcinoid", 5),
    ],
)
def test_primary_site(tumor: str, points: int) -> None:
    """Source: Tokuhashi 2005 (S1): lung … pancreas 0; liver, gallbladder, unidentified 1;
    others 2; kidney, uterus 3; rectum 4; thyroid, breast, prostate, carcinoid 5."""
    assert tokuhashi.score(make_case(primary_tumor=tumor)).items[4].points == points


@pytest.mark.parametrize(("frankel", "points"), [("A", 0), ("B", 0), ("C", 1), ("D", 1), ("E", 2)])
def test_palsy(frankel: str, points: int) -> None:
    """Source: Tokuhashi 2005 (S1): complete (Frankel A, B) 0, incomplete (C, D) 1, none 2."""
    assert tokuhashi.score(make_case(frankel=frankel)).items[5].points == points


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "under_6_months"),
        (8, "under_6_months"),
        (9, "6_months_or_more"),
        (11, "6_months_or_more"),
        (12, "1_year_or_more"),
        (15, "1_year_or_more"),
    ],
)
def test_band_edges(total: int, band: str) -> None:
    """Source: Tokuhashi 2005 (S1): 0–8 < 6 months, 9–11 ≥ 6 months, 12–15 ≥ 1 year
    (not S2's reversed column, spec A-T5)."""
    assert band_for(tokuhashi.BANDS, total).code == band


def test_worked_example_in_docstring() -> None:
    """The module docstring's example: KPS 60, 0 foci, 1 body, no organs, thyroid, D → 13."""
    result = tokuhashi.score(make_case())
    assert [i.points for i in result.items] == [1, 2, 2, 2, 5, 1]
    assert result.total == 13
    assert result.band is not None
    assert result.band.label == "≥ 1 year"


def test_missing_item_gives_range_and_names_field() -> None:
    result = tokuhashi.score(make_case(frankel=None))
    assert result.incomplete
    assert result.total is None
    assert (result.total_min, result.total_max) == (12, 14)
    assert result.missing == ("frankel",)
    assert result.band is not None  # 12–14 lies wholly in "≥ 1 year"


def test_band_unknown_when_range_straddles_a_cut() -> None:
    result = tokuhashi.score(make_case(primary_tumor=None))
    assert (result.total_min, result.total_max) == (8, 13)
    assert result.band is None


@pytest.mark.parametrize(("foci", "detail"), [(0, "0 foci"), (1, "1 focus"), (3, "3 foci")])
def test_extraspinal_detail_counts_in_good_english(foci: int, detail: str) -> None:
    """One focus, several foci (a plural message: Japanese has one form, 病巣)."""
    assert tokuhashi.score(make_case(extraspinal_bone_mets=foci)).items[1].detail == detail
