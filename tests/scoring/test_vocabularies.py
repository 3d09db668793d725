"""Row-by-row tests of the shared vocabularies against clinical-spec.md §3, §4, §8, §9."""

from __future__ import annotations

import pytest

from scoring.frankel import FrankelGrade, FrankelGroup
from scoring.levels import LesionGroup, SinsLocation, VertebralLevel
from scoring.primary_tumor import KatagiriGrowth, PrimaryTumor
from scoring.sources import KATAGIRI_2014, KATAGIRI_2014_RECOLLECTION
from scoring.tokuhashi import PALSY_BY_FRANKEL, Palsy

# spec §8: code → (Tokuhashi points, Katagiri group, Katagiri group verified in S4)
SPEC_8 = {
    "lung_targeted": (0, "moderate", True),
    "lung_untargeted": (0, "rapid", True),
    "osteosarcoma": (0, "moderate", True),
    "stomach": (0, "rapid", True),
    "bladder": (0, "rapid", False),
    "esophagus": (0, "rapid", True),
    "pancreas": (0, "rapid", True),
    "liver": (1, "rapid", True),
    "gallbladder": (1, "rapid", False),
    "unknown_primary": (1, "rapid", True),
    "kidney": (3, "moderate", True),
    "uterus_body": (3, "moderate", False),
    "uterus_cervix": (3, "rapid", False),
    "rectum": (4, "rapid", True),
    "colon": (2, "rapid", True),
    "thyroid": (5, "slow", True),
    "breast_hormone_dependent": (5, "slow", True),
    "breast_hormone_independent": (5, "moderate", True),
    "prostate_hormone_dependent": (5, "slow", True),
    "prostate_hormone_independent": (5, "moderate", True),
    "carcinoid": (5, "moderate", False),
    "myeloma": (2, "slow", True),
    "lymphoma": (2, "slow", True),
    "ovary": (2, "moderate", False),
    "head_and_neck": (2, "rapid", True),
    "melanoma": (2, "rapid", True),
    "sarcoma_other": (2, "moderate", True),
    "other_urological": (2, "rapid", False),
    "other": (2, "moderate", False),
}


def test_vocabulary_is_exactly_spec_section_8() -> None:
    assert set(PrimaryTumor.codes()) == set(SPEC_8)


@pytest.mark.parametrize(("code", "expected"), SPEC_8.items())
def test_primary_tumor_row_spec_8(code: str, expected: tuple[int, str, bool]) -> None:
    """Source: clinical-spec.md §8 (Tokuhashi 2005 via S1; Katagiri 2014 via S4, A-K1)."""
    tumor = PrimaryTumor.parse(code)
    points, group, verified = expected
    assert tumor.tokuhashi.points == points
    assert tumor.katagiri is KatagiriGrowth.parse(group)
    assert tumor.katagiri.points == {"slow": 0, "moderate": 2, "rapid": 3}[group]
    assert tumor.katagiri_verified is verified
    assert tumor.katagiri_source is (KATAGIRI_2014 if verified else KATAGIRI_2014_RECOLLECTION)


def test_colon_reading_is_shown_to_users() -> None:
    """spec A-T3: colon is Tokuhashi 'others'; the app must say so."""
    assert "rectum" in PrimaryTumor.COLON.reading


# spec §3 "Level → location" table and §9 lesion groups (seed 000 Methods).
LEVELS = {
    "C1": ("junctional", "upper"),
    "C2": ("junctional", "upper"),
    "C3": ("mobile", "middle"),
    "C4": ("mobile", "middle"),
    "C5": ("mobile", "middle"),
    "C6": ("mobile", "middle"),
    "C7": ("junctional", "ctj"),
    "T1": ("junctional", "ctj"),
    "T2": ("junctional", None),
    **{f"T{n}": ("semi_rigid", None) for n in range(3, 11)},
    "T11": ("junctional", None),
    "T12": ("junctional", None),
    "L1": ("junctional", None),
    "L2": ("mobile", None),
    "L3": ("mobile", None),
    "L4": ("mobile", None),
    "L5": ("junctional", None),
    "S1": ("junctional", None),
    **{f"S{n}": ("rigid", None) for n in range(2, 6)},
}


def test_levels_are_c1_to_s5() -> None:
    assert VertebralLevel.codes() == tuple(LEVELS)


@pytest.mark.parametrize(("code", "expected"), LEVELS.items())
def test_every_level_sins_location_and_lesion_group(
    code: str, expected: tuple[str, str | None]
) -> None:
    """Source: Fisher 2010 via spec §3 (C7–T2 junctional, A-S1); seed 000 groups."""
    location, group = expected
    level = VertebralLevel.parse(code)
    assert level.sins_location is SinsLocation.parse(location)
    assert level.lesion_group is (None if group is None else LesionGroup.parse(group))


@pytest.mark.parametrize(
    ("location", "points"),
    [("junctional", 3), ("mobile", 2), ("semi_rigid", 1), ("rigid", 0)],
)
def test_sins_location_points(location: str, points: int) -> None:
    """Source: Fisher 2010 (spec §3)."""
    assert SinsLocation.parse(location).points == points


@pytest.mark.parametrize(
    ("grade", "palsy", "points", "group"),
    [
        ("A", Palsy.COMPLETE, 0, "AB"),
        ("B", Palsy.COMPLETE, 0, "AB"),
        ("C", Palsy.INCOMPLETE, 1, "CD"),
        ("D", Palsy.INCOMPLETE, 1, "CD"),
        ("E", Palsy.NONE, 2, "E"),
    ],
)
def test_frankel_to_tokuhashi_palsy_and_group(
    grade: str, palsy: Palsy, points: int, group: str
) -> None:
    """Source: Tokuhashi 2005 via S1 (A and B are complete palsy, A-T6); seed 000 groups."""
    frankel = FrankelGrade.parse(grade)
    assert PALSY_BY_FRANKEL[frankel] is palsy
    assert palsy.points == points
    assert frankel.group is FrankelGroup.parse(group)


def test_parse_names_allowed_codes() -> None:
    with pytest.raises(ValueError, match="C1, C2"):
        VertebralLevel.parse("C0")
