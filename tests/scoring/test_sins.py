"""SINS (Fisher 2010; table as reproduced verbatim in spec S8, §3)."""

from __future__ import annotations

import pytest

from scoring import sins
from scoring.result import band_for
from tests.support.cases import make_case


@pytest.mark.parametrize(("pain", "points"), [("mechanical", 3), ("occasional", 1), ("none", 0)])
def test_pain(pain: str, points: int) -> None:
    """Source: Fisher 2010 (S8): mechanical 3, occasional non-mechanical 1, pain-free 0
    (not S2's 3/2/1, spec A-S4)."""
    assert sins.score(make_case(sins_pain=pain)).items[1].points == points


@pytest.mark.parametrize(("lesion", "points"), [("lytic", 2), ("mixed", 1), ("blastic", 0)])
def test_bone_lesion(lesion: str, points: int) -> None:
    """Source: Fisher 2010 (S8)."""
    assert sins.score(make_case(sins_bone_lesion=lesion)).items[2].points == points


@pytest.mark.parametrize(
    ("alignment", "points"), [("subluxation", 4), ("deformity", 2), ("normal", 0)]
)
def test_alignment(alignment: str, points: int) -> None:
    """Source: Fisher 2010 (S8)."""
    assert sins.score(make_case(sins_alignment=alignment)).items[3].points == points


@pytest.mark.parametrize(
    ("collapse", "points"), [("gt50", 3), ("lt50", 2), ("none_gt50_involved", 1), ("none", 0)]
)
def test_collapse(collapse: str, points: int) -> None:
    """Source: Fisher 2010 (S8); spec A-S8."""
    assert sins.score(make_case(sins_collapse=collapse)).items[4].points == points


@pytest.mark.parametrize(("side", "points"), [("bilateral", 3), ("unilateral", 1), ("none", 0)])
def test_posterolateral(side: str, points: int) -> None:
    """Source: Fisher 2010 (S8)."""
    assert sins.score(make_case(sins_posterolateral=side)).items[5].points == points


@pytest.mark.parametrize(
    ("level", "points"),
    [
        ("C2", 3),
        ("C3", 2),
        ("C6", 2),
        ("C7", 3),
        ("T2", 3),
        ("T3", 1),
        ("T10", 1),
        ("T11", 3),
        ("L1", 3),
        ("L2", 2),
        ("L4", 2),
        ("L5", 3),
        ("S1", 3),
        ("S2", 0),
        ("S5", 0),
    ],
)
def test_location_boundaries(level: str, points: int) -> None:
    """Source: Fisher 2010 (S8): every boundary of the location classes (A-S1, A-S2)."""
    assert sins.score(make_case(lesion_level=level)).items[0].points == points


def test_exactly_50_percent_collapse_is_not_accepted() -> None:
    """spec A-S3: 50 % has no category; it is rejected, not rounded."""
    with pytest.raises(ValueError, match="sins_collapse"):
        make_case(sins_collapse="eq50")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "stable"),
        (6, "stable"),
        (7, "indeterminate"),
        (12, "indeterminate"),
        (13, "unstable"),
        (18, "unstable"),
    ],
)
def test_band_edges(total: int, band: str) -> None:
    """Source: Fisher 2010 (S8): 0–6 stable, 7–12 indeterminate, 13–18 unstable (0 is
    reachable, not S2's 1–6, A-S5)."""
    assert band_for(sins.BANDS, total).code == band


def test_worked_example_in_docstring() -> None:
    result = sins.score(make_case(lesion_level="C7"))
    assert [i.points for i in result.items] == [3, 3, 2, 0, 2, 1]
    assert result.total == 11
    assert result.band is not None
    assert result.band.code == "indeterminate"
