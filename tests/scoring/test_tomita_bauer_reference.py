"""Independent second check of the Tomita (2001) and modified Bauer (Leithner 2008) scores.

Why this file exists: the scoring package and its own tests were written by one author from
the Tomita/Bauer addendum of the clinical specification. This module re-derives both scores
from that addendum alone (item points, the primary-tumour table, the shared derived facts,
the cut-offs) as small dict-driven functions written before the implementation was read,
and compares them with ``scoring.score_case`` over every combination of the inputs that
matter, the twelve hand-worked Tomita vignettes and the contradictions that must be
rejected. Incomplete inputs are compared as a min-max range computed by brute force over
every consistent completion of the missing inputs, not by per-item arithmetic, so the two
implementations share no shortcut. The two disagreements found are kept visible as strict
former xfails (treatability recorded while visceral presence is unknown; the multiplicity reading
not shown when the extraspinal count is missing).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import ValidationError

from scoring import PatientCase, ScoreResult, describe_errors, score_case
from scoring.primary_tumor import PrimaryTumor

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


def ref_tomita_items(
    primary: str, present: bool, treatable: str | None, solitary: bool
) -> tuple[int, int, int]:
    """Tomita item points (growth, visceral, bone) once every item is decided (1.1, 1.4)."""
    growth = TOMITA_GROWTH_POINTS[PRIMARY_TABLE[primary][0]]
    if not present:
        visceral = TOMITA_VISCERAL_POINTS["none"]
    elif treatable == "yes":
        visceral = TOMITA_VISCERAL_POINTS["treatable"]
    else:
        assert treatable == "no"
        visceral = TOMITA_VISCERAL_POINTS["untreatable"]
    bone = TOMITA_BONE_POINTS["solitary" if solitary else "multiple"]
    return growth, visceral, bone


def ref_bauer_items(
    primary: str, present: bool, treatable: str | None, solitary: bool
) -> tuple[int, int, int, int]:
    """Modified Bauer items in the addendum's order (section 2), 1 point when favourable."""
    del treatable  # Bauer has no treatability item.
    _, not_lung, favourable_organ = PRIMARY_TABLE[primary]
    return int(not present), int(solitary), not_lung, favourable_organ


Outcome = tuple[bool, str | None, bool]


@functools.cache
def _outcomes(
    visceral: str | None,
    organ: str | None,
    treatable: str | None,
    ext: int | None,
    vert: int | None,
) -> frozenset[Outcome]:
    """(visceral present, treatability, solitary) over every consistent completion.

    Brute force over the completions of the non-primary inputs (only the categories that
    matter); the primary tumour takes part in no contradiction, so it is completed apart.
    """
    options: list[tuple[Any, ...]] = [
        (visceral,) if visceral else VISCERAL_VALUES,
        (organ,) if organ else MAJOR_ORGAN_VALUES,
        (treatable,) if treatable else (*TREATABLE_VALUES, None),
        (ext,) if ext is not None else EXTRASPINAL_COMPLETIONS,
        (vert,) if vert is not None else VERTEBRAL_COMPLETIONS,
    ]
    found: set[Outcome] = set()
    for values in itertools.product(*options):
        filled = RefCase(None, *values)
        try:
            ref_validate(filled)
        except ValueError:
            continue
        present = ref_visceral_present(filled)
        solitary = ref_solitary(filled)
        assert present is not None
        assert solitary is not None
        # Treatability is recorded exactly when a visceral metastasis is present.
        if present and filled.visceral_mets_treatable is None:
            continue
        found.add((present, filled.visceral_mets_treatable, solitary))
    return frozenset(found)


def _primary_completions(primary: str | None) -> tuple[str, ...]:
    """The primary code, or one code per distinct row profile of the section 4 table."""
    if primary is not None:
        return (primary,)
    by_profile: dict[tuple[str, int, int], str] = {}
    for code, profile in PRIMARY_TABLE.items():
        by_profile.setdefault(profile, code)
    return tuple(by_profile.values())


@functools.cache
def _ref_completed_items(case: RefCase, score: str) -> frozenset[tuple[int, ...]]:
    """The item points of every consistent completion of the case."""
    ref_validate(case)
    compute = ref_tomita_items if score == "tomita" else ref_bauer_items
    outcomes = _outcomes(
        case.visceral_mets,
        case.major_organ_mets,
        case.visceral_mets_treatable,
        case.extraspinal_bone_mets,
        case.vertebral_body_mets,
    )
    return frozenset(
        compute(primary, *outcome)
        for primary in _primary_completions(case.primary_tumor)
        for outcome in outcomes
    )


def ref_range(case: RefCase, score: str) -> tuple[int, int]:
    """(min, max) of the score's total over every consistent completion of the case."""
    totals = {sum(items) for items in _ref_completed_items(case, score)}
    return min(totals), max(totals)


def ref_item_ranges(case: RefCase, score: str) -> list[tuple[int, int]]:
    """(min, max) of each item, in the addendum's item order."""
    completed = _ref_completed_items(case, score)
    return [(min(column), max(column)) for column in zip(*completed, strict=True)]


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


# ---------------------------------------------------------------------------
# Comparison with the implementation (its public API only: PatientCase, score_case).

FIELDS = (
    "primary_tumor",
    "visceral_mets",
    "major_organ_mets",
    "visceral_mets_treatable",
    "extraspinal_bone_mets",
    "vertebral_body_mets",
)
_TREATABLE_AS_BOOL = {"yes": True, "no": False}
#: 29 codes + missing, 4 x 4 x 3 answers, 5 x 5 counts (0..3 + missing).
EXPECTED_COMBINATIONS_PER_PRIMARY = 4 * 4 * 3 * 5 * 5
PRIMARY_CHOICES: tuple[str | None, ...] = (*PRIMARY_TABLE, None)


def _patient(case: RefCase) -> PatientCase:
    """The reference case as the implementation's case (treatability is a bool there)."""
    values: dict[str, Any] = {
        name: getattr(case, name) for name in FIELDS if getattr(case, name) is not None
    }
    if "visceral_mets_treatable" in values:
        values["visceral_mets_treatable"] = _TREATABLE_AS_BOOL[values["visceral_mets_treatable"]]
    return PatientCase.model_validate(values)


def _all_input_combinations(primary: str | None) -> Iterator[RefCase]:
    """Every combination of the inputs that matter, missing values included."""
    for visceral, organ, treat, ext, vert in itertools.product(
        (*VISCERAL_VALUES, None),
        (*MAJOR_ORGAN_VALUES, None),
        (*TREATABLE_VALUES, None),
        (*COUNT_VALUES, None),
        (*COUNT_VALUES, None),
    ):
        yield RefCase(primary, visceral, organ, treat, ext, vert)


def _describe(case: RefCase) -> str:
    return ", ".join(f"{n}={getattr(case, n)}" for n in FIELDS if getattr(case, n) is not None)


def _compare(case: RefCase, result: ScoreResult, score: str) -> list[str]:
    """Every difference between the reference and one implementation result."""
    table = TOMITA_GROUPS if score == "tomita" else BAUER_BANDS
    low, high = ref_range(case, score)
    band = result.band
    pairs = {
        "range": ((low, high), (result.total_min, result.total_max)),
        "total": (low if low == high else None, result.total),
        "group/band": (ref_band((low, high), table), band.code if band is not None else None),
        "items": (
            ref_item_ranges(case, score),
            [(item.points_min, item.points_max) for item in result.items],
        ),
    }
    where = f"{score} [{_describe(case)}]"
    problems = [
        f"{where} {key}: expected {expected}, got {got}"
        for key, (expected, got) in pairs.items()
        if expected != got
    ]
    unknown = [n for n in result.missing if n not in FIELDS or getattr(case, n) is not None]
    if unknown:
        problems.append(f"{where} names recorded or unread fields as missing: {unknown}")
    if (low < high) != bool(result.missing):
        problems.append(f"{where} range {low}-{high} but missing={result.missing}")
    return problems


def _error_text(case: RefCase) -> str | None:
    """describe_errors' text when the implementation refuses the case, else None."""
    try:
        _patient(case)
    except ValidationError as error:
        return " ".join(describe_errors(error))
    return None


def _check(case: RefCase) -> list[str]:
    """Compare one combination: the same refusal, or the same ranges, totals and bands."""
    try:
        ref_validate(case)
    except RefContradictionError as rejected:
        text = _error_text(case)
        if text is None:
            return [f"[{_describe(case)}] accepted; expected refusal ({rejected})"]
        absent = [name for name in rejected.fields if name not in text]
        return [f"[{_describe(case)}] refusal does not name {absent}: {text}"] if absent else []
    except ValueError as rejected:
        if _error_text(case) is None:
            return [f"[{_describe(case)}] accepted; expected refusal ({rejected})"]
        return []
    scores = score_case(_patient(case))
    return _compare(case, scores.tomita, "tomita") + _compare(case, scores.bauer, "bauer")


def _is_treatable_with_unknown_visceral(case: RefCase) -> bool:
    """Treatability recorded while visceral presence is neither recorded nor derivable."""
    return case.visceral_mets_treatable is not None and ref_visceral_present(case) is None


def test_vocabulary_is_the_addendum_table() -> None:
    assert set(PrimaryTumor.codes()) == set(PRIMARY_TABLE)


@pytest.mark.parametrize("primary", PRIMARY_CHOICES, ids=lambda p: p or "missing")
def test_every_combination_matches_the_reference(primary: str | None) -> None:
    """Exhaustive: 30 primary choices x 1,200 combinations of the other five inputs."""
    cases = list(_all_input_combinations(primary))
    assert len(cases) == EXPECTED_COMBINATIONS_PER_PRIMARY
    problems = [
        problem
        for case in cases
        if not _is_treatable_with_unknown_visceral(case)
        for problem in _check(case)
    ]
    assert not problems, "\n".join(problems[:20])


def test_treatability_with_unknown_visceral_presence_is_refused_or_decided() -> None:
    """Either resolution passes: a refusal naming both fields, or the consistent range."""
    problems = []
    for primary in PRIMARY_CHOICES:
        for case in _all_input_combinations(primary):
            if not _is_treatable_with_unknown_visceral(case):
                continue
            if case.vertebral_body_mets == 0:
                continue
            text = _error_text(case)
            if text is not None:
                if not all(n in text for n in ("visceral_mets_treatable", "visceral_mets")):
                    problems.append(f"[{_describe(case)}] refusal names too little: {text}")
                continue
            scores = score_case(_patient(case))
            problems += _compare(case, scores.tomita, "tomita")
            problems += _compare(case, scores.bauer, "bauer")
    assert not problems, "\n".join(problems[:10])


def test_treatability_answer_decides_visceral_presence() -> None:
    """Disagreement 1, resolved: the answer implies a metastasis, so the total is decided."""
    case = RefCase("lung_targeted", None, "none", "yes", 0, 1)
    assert ref_range(case, "tomita") == (7, 7)
    assert ref_range(case, "bauer") == (1, 1)
    scores = score_case(_patient(case))
    assert (scores.tomita.total_min, scores.tomita.total_max) == (7, 7)
    assert (scores.bauer.total_min, scores.bauer.total_max) == (1, 1)
    assert scores.tomita.missing == ()


# ---------------------------------------------------------------------------
# The twelve Tomita vignettes of the addendum (section 8.1), each naming what it rests on.

VIGNETTE_MISSING = {
    "T10": ("visceral_mets_treatable",),
    "T11": ("visceral_mets", "visceral_mets_treatable"),
}


@pytest.mark.parametrize("name", list(TOMITA_VIGNETTES))
def test_tomita_vignette(name: str) -> None:
    inputs, (low, high), group, why = TOMITA_VIGNETTES[name]
    result = score_case(_patient(RefCase(**inputs))).tomita
    assert (result.total_min, result.total_max) == (low, high), why
    assert result.total == (low if low == high else None), why
    assert (result.band.code if result.band else None) == group, why
    assert result.missing == VIGNETTE_MISSING.get(name, ()), why


def test_vignette_t2_marks_the_multiplicity_reading() -> None:
    """A-TM3: multiple because of the vertebral count alone is shown as a reading."""
    result = score_case(_patient(RefCase(**TOMITA_VIGNETTES["T2"][0]))).tomita
    assert "reading" in result.items[2].detail


def test_multiplicity_from_vertebral_count_alone_is_a_reading_when_extraspinal_missing() -> None:
    result = score_case(_patient(RefCase(**TOMITA_VIGNETTES["T12"][0]))).tomita
    assert "reading" in result.items[2].detail


# ---------------------------------------------------------------------------
# Primary-tumour table row by row: items and the reading/recollection marks (section 4).

TOMITA_STATUS = {
    **dict.fromkeys(
        [
            "osteosarcoma",
            "bladder",
            "esophagus",
            "pancreas",
            "gallbladder",
            "carcinoid",
            "myeloma",
            "lymphoma",
            "ovary",
            "head_and_neck",
            "melanoma",
            "sarcoma_other",
            "other_urological",
            "other",
        ],
        "Rd",
    ),
    **dict.fromkeys(("liver", "rectum", "colon"), "Rc"),
}
BAUER_NOT_LUNG_READINGS = {"unknown_primary", "carcinoid"}
BAUER_ORGAN_READINGS = {"other_urological"}


@pytest.mark.parametrize("primary", list(PRIMARY_TABLE))
def test_primary_row(primary: str) -> None:
    growth, not_lung, organ = PRIMARY_TABLE[primary]
    case = RefCase(primary, "none", "none", None, 0, 1)
    scores = score_case(_patient(case))
    tomita_primary = scores.tomita.items[0]
    assert tomita_primary.points == TOMITA_GROWTH_POINTS[growth]
    assert [item.points for item in scores.bauer.items] == [1, 1, not_lung, organ]
    status = TOMITA_STATUS.get(primary, "V")
    detail = tomita_primary.detail
    assert ("reading" in detail) == (status == "Rd"), detail
    assert ("recollection" in detail) == (status == "Rc"), detail
    bauer_not_lung, bauer_organ = scores.bauer.items[2].detail, scores.bauer.items[3].detail
    assert ("reading" in bauer_not_lung) == (primary in BAUER_NOT_LUNG_READINGS)
    assert ("reading" in bauer_organ) == (primary in BAUER_ORGAN_READINGS)


# ---------------------------------------------------------------------------
# Contradictions (addendum 6.2) and the vertebral count (main spec A-T1).

CONTRADICTIONS = [
    ({"visceral_mets": "none", "major_organ_mets": "removable"}, "major_organ_mets"),
    ({"visceral_mets": "none", "major_organ_mets": "unremovable"}, "major_organ_mets"),
    ({"visceral_mets": "none", "visceral_mets_treatable": True}, "visceral_mets_treatable"),
    ({"visceral_mets": "none", "visceral_mets_treatable": False}, "visceral_mets_treatable"),
    (
        {"visceral_mets": "none", "major_organ_mets": "none", "visceral_mets_treatable": True},
        "visceral_mets_treatable",
    ),
    (
        {"visceral_mets": "none", "major_organ_mets": "none", "visceral_mets_treatable": False},
        "visceral_mets_treatable",
    ),
]


@pytest.mark.parametrize(("inputs", "other"), CONTRADICTIONS)
def test_contradiction_is_refused_naming_both_fields(inputs: dict[str, Any], other: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PatientCase.model_validate({"primary_tumor": "kidney", **inputs})
    text = " ".join(describe_errors(caught.value))
    assert "visceral_mets" in text.replace(other, "")
    assert other in text


def test_present_visceral_with_treatability_is_accepted() -> None:
    """The non-contradictory neighbours of the pairs above stay accepted."""
    for inputs in (
        {"visceral_mets": "nodular", "visceral_mets_treatable": True},
        {"major_organ_mets": "unremovable", "visceral_mets_treatable": False},
        {"visceral_mets": "disseminated", "major_organ_mets": "none"},
    ):
        PatientCase.model_validate(inputs)


def test_zero_vertebral_bodies_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        PatientCase.model_validate({"vertebral_body_mets": 0})
    assert "vertebral_body_mets" in " ".join(describe_errors(caught.value))


# ---------------------------------------------------------------------------
# User-visible text of the two new results.

INTERNAL = re.compile(
    r"\bspecs?\b|specification|§|\bseeds?\b"  # internal words
    r"|\.py\b|\.md\b|\.txt\b|shared/"  # file paths
    r"|\bS\d{1,2}\b|\bA-[A-Z]{1,2}\d",  # source and ambiguity ids of the specification
    re.IGNORECASE,
)
INSTRUCTION = re.compile(
    r"\b(should|must|recommend\w*|indicated|perform|operate|do not|don't|proceed)\b", re.IGNORECASE
)
#: Tomita's 2001 mean survival per group (addendum 1.3, recollection, never displayed).
TOMITA_2001_FIGURES = ("38.2", "21.5", "10.1", "5.3")


def _texts(result: ScoreResult) -> list[str]:
    texts = [result.name, str(result.source), result.source.note, *result.notes]
    for item in result.items:
        texts += [item.label, item.detail, str(item.source), item.source.note]
        texts += [str(getattr(option, "label", option)) for option in item.table]
    for band in result.bands:
        texts += [band.label, band.meaning, str(band.source), *map(str, band.survival)]
    return texts


def _sample_results() -> Iterator[tuple[ScoreResult, ScoreResult]]:
    for primary in (*PRIMARY_TABLE, None):
        for case in (
            RefCase(primary, "none", "none", None, 0, 1),
            RefCase(primary, "nodular", "unremovable", "yes", 0, 2),
            RefCase(primary, "disseminated", None, "no", 3, 3),
            RefCase(primary, None, None, None, None, None),
        ):
            scores = score_case(_patient(case))
            yield scores.tomita, scores.bauer


def test_new_results_carry_no_internal_words() -> None:
    for tomita, bauer in _sample_results():
        for text in _texts(tomita) + _texts(bauer):
            assert not INTERNAL.search(text), text


def test_tomita_shows_no_survival_figures_and_groups_are_goals_not_instructions() -> None:
    tomita = score_case(PatientCase()).tomita
    assert not tomita.higher_is_better
    for band in tomita.bands:
        assert band.survival == ()
        assert "treatment goal" in band.meaning.lower()
        assert "2001" in band.meaning
        assert not INSTRUCTION.search(band.meaning + band.label), band.meaning
    for text in _texts(tomita):
        assert "month" not in text.lower(), text
        assert not any(figure in text for figure in TOMITA_2001_FIGURES), text
    notes = " ".join(tomita.notes)
    assert "not a prediction of survival" in notes
    assert "poorly" in notes


def test_bauer_bands_are_not_instructions() -> None:
    bauer = score_case(PatientCase()).bauer
    assert bauer.higher_is_better
    for band in bauer.bands:
        assert not INSTRUCTION.search(band.meaning + band.label), band.meaning
