"""Tomita score (2001): the 12 hand-worked vignettes, the item tables and the groups.

Expected values are retyped from the sourced specification of the two added scores
(its Tomita vignettes T1–T12 and its primary-tumour table), never read from the code.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from scoring import PatientCase, score_case
from scoring.evidence import Evidence
from scoring.primary_tumor import PrimaryTumor
from scoring.tomita import (
    BANDS,
    GROWTH,
    READINGS,
    STRATEGY,
    VALIDITY_NOTE,
    TomitaGroup,
    group_of,
    score,
)

TABLE = [
    (
        "T1",
        "thyroid: slow, verified",
        {
            "primary_tumor": "thyroid",
            "visceral_mets": "none",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (1, 0, 1),
        (2, 2),
        "long_term_local_control",
        (),
    ),
    (
        "T2",
        "hormone-independent breast stays slow (organ, not biology); two bodies multiple "
        "(reading: solitary or isolated)",
        {
            "primary_tumor": "breast_hormone_independent",
            "visceral_mets": "none",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 2,
        },
        (1, 0, 2),
        (3, 3),
        "long_term_local_control",
        (),
    ),
    (
        "T3",
        "kidney: moderate, verified",
        {
            "primary_tumor": "kidney",
            "visceral_mets": "none",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 1,
            "vertebral_body_mets": 1,
        },
        (2, 0, 2),
        (4, 4),
        "middle_term_local_control",
        (),
    ),
    (
        "T4",
        "uterus read as corpus and cervix; treatable visceral 2",
        {
            "primary_tumor": "uterus_cervix",
            "visceral_mets": "nodular",
            "major_organ_mets": "removable",
            "visceral_mets_treatable": "yes",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (2, 2, 1),
        (5, 5),
        "middle_term_local_control",
        (),
    ),
    (
        "T5",
        "lung on targeted therapy stays rapid (organ, not biology)",
        {
            "primary_tumor": "lung_targeted",
            "visceral_mets": "none",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 3,
        },
        (4, 0, 2),
        (6, 6),
        "short_term_palliation",
        (),
    ),
    (
        "T6",
        "myeloma slow (reading: Katagiri growth group)",
        {
            "primary_tumor": "myeloma",
            "visceral_mets": "disseminated",
            "visceral_mets_treatable": "no",
            "extraspinal_bone_mets": 12,
            "vertebral_body_mets": 5,
        },
        (1, 4, 2),
        (7, 7),
        "short_term_palliation",
        (),
    ),
    (
        "T7",
        "unknown primary rapid; unremovable yet treatable scores 2 (reading: treatable)",
        {
            "primary_tumor": "unknown_primary",
            "visceral_mets": "nodular",
            "major_organ_mets": "unremovable",
            "visceral_mets_treatable": "yes",
            "extraspinal_bone_mets": 2,
            "vertebral_body_mets": 1,
        },
        (4, 2, 2),
        (8, 8),
        "terminal_care",
        (),
    ),
    (
        "T8",
        "stomach rapid, verified; disseminated untreatable 4",
        {
            "primary_tumor": "stomach",
            "visceral_mets": "disseminated",
            "major_organ_mets": "none",
            "visceral_mets_treatable": "no",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (4, 4, 1),
        (9, 9),
        "terminal_care",
        (),
    ),
    (
        "T9",
        "colon rapid (recollection of the 2001 paper)",
        {
            "primary_tumor": "colon",
            "visceral_mets": "nodular",
            "major_organ_mets": "unremovable",
            "visceral_mets_treatable": "no",
            "extraspinal_bone_mets": 3,
            "vertebral_body_mets": 4,
        },
        (4, 4, 2),
        (10, 10),
        "terminal_care",
        (),
    ),
    (
        "T10",
        "visceral present, treatability not recorded: range 5-7",
        {
            "primary_tumor": "kidney",
            "visceral_mets": "nodular",
            "major_organ_mets": "removable",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (2, None, 1),
        (5, 7),
        None,
        ("visceral_mets_treatable",),
    ),
    (
        "T11",
        "no major-organ metastasis does not exclude other visceral sites: range 2-6",
        {
            "primary_tumor": "prostate_hormone_dependent",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (1, None, 1),
        (2, 6),
        None,
        ("visceral_mets", "visceral_mets_treatable"),
    ),
    (
        "T12",
        "other: moderate (reading); two bodies decide multiple without the extraspinal count",
        {
            "primary_tumor": "other",
            "visceral_mets": "none",
            "major_organ_mets": "none",
            "vertebral_body_mets": 2,
        },
        (2, 0, 2),
        (4, 4),
        "middle_term_local_control",
        (),
    ),
]


@pytest.mark.parametrize(
    ("vignette", "why", "cells", "points", "span", "group", "missing"),
    TABLE,
    ids=[row[0] for row in TABLE],
)
def test_tomita_vignettes(vignette, why, cells, points, span, group, missing) -> None:
    result = score(PatientCase.model_validate(cells))
    assert tuple(i.points for i in result.items) == points, why
    assert (result.total_min, result.total_max) == span, why
    assert result.total == (span[0] if span[0] == span[1] else None)
    assert group_of(result) == (None if group is None else TomitaGroup(group))
    assert result.missing == missing
    assert result.incomplete == bool(missing)


# Spec table of the primary-tumour vocabulary: code → (Tomita points, evidence).
PRIMARY_TABLE = {
    "lung_targeted": (4, "verified"),
    "lung_untargeted": (4, "verified"),
    "osteosarcoma": (4, "reading"),
    "stomach": (4, "verified"),
    "bladder": (4, "reading"),
    "esophagus": (4, "reading"),
    "pancreas": (4, "reading"),
    "liver": (4, "recollection"),
    "gallbladder": (4, "reading"),
    "unknown_primary": (4, "verified"),
    "kidney": (2, "verified"),
    "uterus_body": (2, "verified"),
    "uterus_cervix": (2, "verified"),
    "rectum": (4, "recollection"),
    "colon": (4, "recollection"),
    "thyroid": (1, "verified"),
    "breast_hormone_dependent": (1, "verified"),
    "breast_hormone_independent": (1, "verified"),
    "prostate_hormone_dependent": (1, "verified"),
    "prostate_hormone_independent": (1, "verified"),
    "carcinoid": (1, "reading"),
    "myeloma": (1, "reading"),
    "lymphoma": (1, "reading"),
    "ovary": (2, "reading"),
    "head_and_neck": (4, "reading"),
    "melanoma": (4, "reading"),
    "sarcoma_other": (2, "reading"),
    "other_urological": (4, "reading"),
    "other": (2, "reading"),
}


def test_primary_table_covers_the_vocabulary() -> None:
    assert set(PRIMARY_TABLE) == set(PrimaryTumor.codes())


@pytest.mark.parametrize(("code", "expected"), PRIMARY_TABLE.items())
def test_primary_growth_group_row_by_row(code: str, expected: tuple[int, str]) -> None:
    points, evidence = expected
    tumor = PrimaryTumor.parse(code)
    assignment = GROWTH[tumor]
    assert assignment.option.points == points
    assert assignment.evidence is Evidence.parse(evidence)
    # a reading or recollection says why, and the item shows its status to the user
    assert bool(assignment.reason) or evidence == "verified"
    item = score(PatientCase(primary_tumor=code)).items[0]
    assert item.points == points
    if evidence != "verified":
        assert Evidence.parse(evidence).label in item.detail


def test_groups_tile_the_range_with_the_published_codes() -> None:
    assert [(b.code, b.low, b.high) for b in BANDS] == [
        ("long_term_local_control", 2, 3),
        ("middle_term_local_control", 4, 5),
        ("short_term_palliation", 6, 7),
        ("terminal_care", 8, 10),
    ]
    assert set(STRATEGY) == set(TomitaGroup)


def test_groups_are_attributed_goals_without_survival_or_instruction() -> None:
    result = score(PatientCase())
    texts = [b.meaning for b in BANDS] + list(STRATEGY.values()) + list(result.notes)
    for band in BANDS:
        assert band.survival == ()
        assert "2001 paper" in band.meaning
    for text in texts:
        lowered = text.lower()
        assert "month" not in lowered or "poorly" in lowered  # no survival promise
        for imperative in ("operate", "should", "recommend", "must", "do not"):
            assert not re.search(rf"\b{imperative}\b", lowered), text
    assert VALIDITY_NOTE in result.notes
    assert "poorly" in VALIDITY_NOTE


def test_readings_are_user_text_without_internal_words() -> None:
    assert {r.key for r in READINGS} >= {
        "tomita_rapid_growth_points",
        "tomita_solitary_or_isolated",
        "tomita_treatable",
    }
    for reading in READINGS:
        for text in (reading.title, reading.text):
            assert not re.search(r"\bspec\b|§|\bseed\b|A-TM|\bS\d+\b", text), text


def test_score_case_exposes_tomita_and_keeps_the_three_scores() -> None:
    scores = score_case(PatientCase(primary_tumor="thyroid"))
    assert scores.tomita.key == "tomita"
    assert [s.key for s in scores.scores] == ["tokuhashi", "katagiri", "sins"]
    assert [s.key for s in scores.all_scores] == [
        "tokuhashi",
        "katagiri",
        "sins",
        "tomita",
        "bauer",
    ]


def test_empty_case_spans_the_whole_range() -> None:
    result = score(PatientCase())
    assert (result.total_min, result.total_max) == (2, 10)
    assert result.missing == (
        "primary_tumor",
        "visceral_mets",
        "visceral_mets_treatable",
        "extraspinal_bone_mets",
        "vertebral_body_mets",
    )


@pytest.mark.parametrize(
    ("cells", "span"),
    [
        # A treatability answer states a present metastasis (it is refused beside "none").
        ({"visceral_mets_treatable": True}, (2, 2)),
        ({"visceral_mets_treatable": False}, (4, 4)),
        ({"major_organ_mets": "removable"}, (2, 4)),  # present via an organ metastasis
    ],
)
def test_visceral_item_ranges(cells: dict[str, Any], span: tuple[int, int]) -> None:
    item = score(PatientCase(**cells)).items[1]
    assert (item.points_min, item.points_max) == span
