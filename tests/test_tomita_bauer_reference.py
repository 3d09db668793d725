"""Independent second check of the Tomita (2001) and modified Bauer (Leithner 2008) scores.

Why this file exists: the scoring package and its own tests were written by one author from
the Tomita/Bauer addendum of the clinical specification. This module re-derives both scores
from that addendum alone (item points, the primary-tumour table, the shared derived facts,
the cut-offs) as small dict-driven functions written before the implementation was read,
and compares them with ``scoring.score_case`` over every combination of the inputs that
matter, the twelve hand-worked Tomita vignettes and the contradictions that must be
rejected. Incomplete inputs are compared as a min-max range computed by brute force over
every consistent completion of the missing inputs, not by per-item arithmetic, so the two
implementations share no shortcut.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------------------
# Reference tables, copied by hand from the addendum (section numbers given as comments).

# Addendum section 1.1: Tomita primary-tumour growth points.
TOMITA_GROWTH_POINTS = {"slow": 1, "moderate": 2, "rapid": 4}
# Addendum section 1.1: visceral item.
TOMITA_VISCERAL_POINTS = {"none": 0, "treatable": 2, "untreatable": 4}
# Addendum section 1.1: bone item (spine included).
TOMITA_BONE_POINTS = {"solitary": 1, "multiple": 2}

# Addendum section 4: every primary-tumour code -> (Tomita growth, Bauer "not lung",
# Bauer "breast/kidney/lymphoma/myeloma").
PRIMARY_TABLE: dict[str, tuple[str, int, int]] = {
    "lung_targeted": ("rapid", 0, 0),
    "lung_untargeted": ("rapid", 0, 0),
    "osteosarcoma": ("rapid", 1, 0),
    "stomach": ("rapid", 1, 0),
    "bladder": ("rapid", 1, 0),
    "esophagus": ("rapid", 1, 0),
    "pancreas": ("rapid", 1, 0),
    "liver": ("rapid", 1, 0),
    "gallbladder": ("rapid", 1, 0),
    "unknown_primary": ("rapid", 1, 0),
    "kidney": ("moderate", 1, 1),
    "uterus_body": ("moderate", 1, 0),
    "uterus_cervix": ("moderate", 1, 0),
    "rectum": ("rapid", 1, 0),
    "colon": ("rapid", 1, 0),
    "thyroid": ("slow", 1, 0),
    "breast_hormone_dependent": ("slow", 1, 1),
    "breast_hormone_independent": ("slow", 1, 1),
    "prostate_hormone_dependent": ("slow", 1, 0),
    "prostate_hormone_independent": ("slow", 1, 0),
    "carcinoid": ("slow", 1, 0),
    "myeloma": ("slow", 1, 1),
    "lymphoma": ("slow", 1, 1),
    "ovary": ("moderate", 1, 0),
    "head_and_neck": ("rapid", 1, 0),
    "melanoma": ("rapid", 1, 0),
    "sarcoma_other": ("moderate", 1, 0),
    "other_urological": ("rapid", 1, 0),
    "other": ("moderate", 1, 0),
}

# Addendum section 1.2: Tomita groups by total (inclusive bounds).
TOMITA_GROUPS = (
    (2, 3, "long_term_local_control"),
    (4, 5, "middle_term_local_control"),
    (6, 7, "short_term_palliation"),
    (8, 10, "terminal_care"),
)
# Addendum section 2: modified Bauer bands by total (inclusive bounds).
BAUER_BANDS = (
    (0, 1, "lt_6_months"),
    (2, 2, "gt_6_months"),
    (3, 4, "gt_12_months"),
)

VISCERAL_VALUES = ("none", "nodular", "disseminated")
MAJOR_ORGAN_VALUES = ("none", "removable", "unremovable")
TREATABLE_VALUES = ("yes", "no")
# Counts matter only as 0 / 1 / 2+ (extraspinal) and 1 / 2+ (vertebral); 0..3 covers both.
COUNT_VALUES = (0, 1, 2, 3)
# Main specification A-T1: a spinal metastasis implies at least one vertebral body; 0 is
# rejected. Completions of a missing vertebral count therefore start at 1.
VERTEBRAL_COMPLETIONS = (1, 2, 3)
EXTRASPINAL_COMPLETIONS = (0, 1, 2, 3)


@dataclass(frozen=True)
class RefCase:
    """The six inputs the two scores read; None = not recorded."""

    primary_tumor: str | None = None
    visceral_mets: str | None = None
    major_organ_mets: str | None = None
    visceral_mets_treatable: str | None = None
    extraspinal_bone_mets: int | None = None
    vertebral_body_mets: int | None = None


class RefContradictionError(ValueError):
    """The reference's rejection, carrying the two field names the spec pairs."""

    def __init__(self, first: str, second: str) -> None:
        super().__init__(f"{first} contradicts {second}")
        self.fields = (first, second)


def ref_visceral_present(case: RefCase) -> bool | None:
    """Addendum 6.1: present / absent / unknown (None)."""
    if case.visceral_mets in ("nodular", "disseminated"):
        return True
    if case.major_organ_mets in ("removable", "unremovable"):
        return True
    if case.visceral_mets == "none":
        return False
    return None


def ref_solitary(case: RefCase) -> bool | None:
    """Addendum 6.1: solitary iff extraspinal = 0 and vertebral = 1; multiple decided early."""
    ext, vert = case.extraspinal_bone_mets, case.vertebral_body_mets
    if (ext is not None and ext >= 1) or (vert is not None and vert >= 2):
        return False
    if ext is None or vert is None:
        return None
    return ext == 0 and vert == 1


def ref_validate(case: RefCase) -> None:
    """Addendum 6.2 contradictions and main spec A-T1 (vertebral count 0 rejected)."""
    if case.visceral_mets == "none" and case.major_organ_mets in ("removable", "unremovable"):
        raise RefContradictionError("visceral_mets", "major_organ_mets")
    if case.visceral_mets_treatable is not None and ref_visceral_present(case) is False:
        raise RefContradictionError("visceral_mets_treatable", "visceral_mets")
    if case.vertebral_body_mets is not None and case.vertebral_body_mets < 1:
        raise ValueError("vertebral_body_mets must be at least 1")


def ref_tomita_complete(case: RefCase) -> int:
    """Tomita total of a case whose three items are all decided."""
    assert case.primary_tumor is not None
    growth = TOMITA_GROWTH_POINTS[PRIMARY_TABLE[case.primary_tumor][0]]
    present = ref_visceral_present(case)
    if present is False:
        visceral = TOMITA_VISCERAL_POINTS["none"]
    elif case.visceral_mets_treatable == "yes":
        visceral = TOMITA_VISCERAL_POINTS["treatable"]
    elif case.visceral_mets_treatable == "no":
        visceral = TOMITA_VISCERAL_POINTS["untreatable"]
    else:
        raise AssertionError("visceral item undecided")
    solitary = ref_solitary(case)
    assert solitary is not None
    bone = TOMITA_BONE_POINTS["solitary" if solitary else "multiple"]
    return growth + visceral + bone


def ref_bauer_complete(case: RefCase) -> int:
    """Modified Bauer total (four 1-point favourable items) of a decided case."""
    assert case.primary_tumor is not None
    _, not_lung, favourable_organ = PRIMARY_TABLE[case.primary_tumor]
    no_visceral = int(ref_visceral_present(case) is False)
    solitary = int(bool(ref_solitary(case)))
    return no_visceral + solitary + not_lung + favourable_organ


def _completions(case: RefCase) -> Iterator[RefCase]:
    """Every consistent completion of the missing inputs (only the categories that matter)."""
    options: list[tuple[Any, ...]] = [
        (case.primary_tumor,) if case.primary_tumor else tuple(PRIMARY_TABLE),
        (case.visceral_mets,) if case.visceral_mets else VISCERAL_VALUES,
        (case.major_organ_mets,) if case.major_organ_mets else MAJOR_ORGAN_VALUES,
        (case.visceral_mets_treatable,)
        if case.visceral_mets_treatable
        else (*TREATABLE_VALUES, None),
        (case.extraspinal_bone_mets,)
        if case.extraspinal_bone_mets is not None
        else EXTRASPINAL_COMPLETIONS,
        (case.vertebral_body_mets,)
        if case.vertebral_body_mets is not None
        else VERTEBRAL_COMPLETIONS,
    ]
    for values in itertools.product(*options):
        filled = RefCase(*values)
        try:
            ref_validate(filled)
        except ValueError:
            continue
        present = ref_visceral_present(filled)
        # Treatability is recorded exactly when a visceral metastasis is present.
        if present and filled.visceral_mets_treatable is None:
            continue
        yield filled


def ref_range(case: RefCase, score: str) -> tuple[int, int]:
    """(min, max) of the score over every consistent completion of the case."""
    ref_validate(case)
    compute = ref_tomita_complete if score == "tomita" else ref_bauer_complete
    totals = {compute(filled) for filled in _completions(case)}
    return min(totals), max(totals)


def ref_band(bounds: tuple[int, int], table: tuple[tuple[int, int, str], ...]) -> str | None:
    """The group/band holding the whole range, or None when the range spans two."""
    low, high = bounds
    for first, last, code in table:
        if first <= low and high <= last:
            return code
    return None


# ---------------------------------------------------------------------------
# Self-checks of the reference against statements the addendum makes in words.


def test_reference_tomita_range_is_2_to_10_and_every_total_reachable() -> None:
    totals = {ref_range(RefCase(*values), "tomita")[0] for values in _all_complete_ref_cases()}
    assert totals == set(range(2, 11))


def test_reference_bauer_range_is_0_to_4_and_every_total_reachable() -> None:
    totals = {ref_range(RefCase(*values), "bauer")[0] for values in _all_complete_ref_cases()}
    assert totals == set(range(5))


def test_reference_groups_and_bands_tile_their_ranges() -> None:
    for table, span in ((TOMITA_GROUPS, range(2, 11)), (BAUER_BANDS, range(5))):
        covered = [t for first, last, _ in table for t in range(first, last + 1)]
        assert sorted(covered) == list(span)


def _all_complete_ref_cases() -> Iterator[tuple[Any, ...]]:
    for primary, visceral, organ, treat in itertools.product(
        PRIMARY_TABLE, VISCERAL_VALUES, MAJOR_ORGAN_VALUES, TREATABLE_VALUES
    ):
        case = RefCase(primary, visceral, organ, treat if visceral != "none" else None, 0, 1)
        try:
            ref_validate(case)
        except ValueError:
            continue
        for ext, vert in ((0, 1), (1, 1), (0, 2)):
            yield (primary, visceral, organ, case.visceral_mets_treatable, ext, vert)


def _v(
    primary: str,
    visceral: str | None,
    organ: str | None,
    treatable: str | None,
    ext: int | None,
    vert: int | None,
) -> dict[str, Any]:
    fields = {
        "primary_tumor": primary,
        "visceral_mets": visceral,
        "major_organ_mets": organ,
        "visceral_mets_treatable": treatable,
        "extraspinal_bone_mets": ext,
        "vertebral_body_mets": vert,
    }
    return {key: value for key, value in fields.items() if value is not None}


# Addendum section 8.1, the twelve Tomita vignettes: inputs, expected (min, max), group
# (None when the range spans groups), and the source or reading each one rests on.
TOMITA_VIGNETTES: dict[str, tuple[dict[str, Any], tuple[int, int], str | None, str]] = {
    "T1": (
        _v("thyroid", "none", "none", None, 0, 1),
        (2, 2),
        "long_term_local_control",
        "slow 1 (verified) + none 0 + solitary 1",
    ),
    "T2": (
        _v("breast_hormone_independent", "none", "none", None, 0, 2),
        (3, 3),
        "long_term_local_control",
        "slow 1 (reading A-TM4, organ not biology) + none 0 + multiple 2 (reading A-TM3)",
    ),
    "T3": (
        _v("kidney", "none", "none", None, 1, 1),
        (4, 4),
        "middle_term_local_control",
        "moderate 2 (verified) + none 0 + multiple 2",
    ),
    "T4": (
        _v("uterus_cervix", "nodular", "removable", "yes", 0, 1),
        (5, 5),
        "middle_term_local_control",
        "moderate 2 (verified) + treatable 2 + solitary 1",
    ),
    "T5": (
        _v("lung_targeted", "none", "none", None, 0, 3),
        (6, 6),
        "short_term_palliation",
        "rapid 4 (reading A-TM4) + none 0 + multiple 2",
    ),
    "T6": (
        _v("myeloma", "disseminated", None, "no", 12, 5),
        (7, 7),
        "short_term_palliation",
        "slow 1 (reading A-TM2) + untreatable 4 + multiple 2",
    ),
    "T7": (
        _v("unknown_primary", "nodular", "unremovable", "yes", 2, 1),
        (8, 8),
        "terminal_care",
        "rapid 4 (verified) + treatable 2 (reading A-TM5, unremovable yet treatable) + multiple 2",
    ),
    "T8": (
        _v("stomach", "disseminated", "none", "no", 0, 1),
        (9, 9),
        "terminal_care",
        "rapid 4 (verified) + untreatable 4 + solitary 1",
    ),
    "T9": (
        _v("colon", "nodular", "unremovable", "no", 3, 4),
        (10, 10),
        "terminal_care",
        "rapid 4 (recollection) + untreatable 4 + multiple 2",
    ),
    "T10": (
        _v("kidney", "nodular", "removable", None, 0, 1),
        (5, 7),
        None,
        "moderate 2 + treatability missing (2 or 4) + solitary 1",
    ),
    "T11": (
        _v("prostate_hormone_dependent", None, "none", None, 0, 1),
        (2, 6),
        None,
        "slow 1 + visceral unknown (0, 2 or 4; major organs none does not exclude) + solitary 1",
    ),
    "T12": (
        _v("other", "none", "none", None, None, 2),
        (4, 4),
        "middle_term_local_control",
        "moderate 2 (reading A-TM2) + none 0 + multiple 2 (decided without extraspinal count)",
    ),
}


def test_reference_reproduces_the_twelve_tomita_vignettes() -> None:
    for name, (inputs, expected, group, _why) in TOMITA_VIGNETTES.items():
        bounds = ref_range(RefCase(**inputs), "tomita")
        assert bounds == expected, name
        assert ref_band(bounds, TOMITA_GROUPS) == group, name
