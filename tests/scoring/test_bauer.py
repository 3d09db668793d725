"""Modified Bauer score (Leithner 2008): hand-worked vignettes at every band edge, the
primary-tumour items row by row, and the published bands.

Every expected value below was worked by hand from the four items (1 point each when
true: no visceral metastases; solitary skeletal metastasis; primary not lung cancer;
primary breast, kidney, lymphoma or myeloma) and the bands 0–1 / 2 / 3–4.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from scoring import PatientCase, score_case
from scoring.bauer import (
    BANDS,
    FAVOURABLE,
    GUIDANCE,
    NOT_LUNG,
    READINGS,
    BauerBand,
    band_of,
    score,
)
from scoring.evidence import Evidence
from scoring.primary_tumor import PrimaryTumor

# id, why, cells, item points (None = undecided), (min, max), band or None, missing
VIGNETTES = [
    (
        "B0",
        "lung, nodular organ metastasis, 3 foci: nothing favourable",
        {
            "primary_tumor": "lung_untargeted",
            "visceral_mets": "nodular",
            "major_organ_mets": "unremovable",
            "extraspinal_bone_mets": 3,
            "vertebral_body_mets": 2,
        },
        (0, 0, 0, 0),
        (0, 0),
        "lt_6_months",
        (),
    ),
    (
        "B1",
        "gastric cancer, peritoneal dissemination (visceral although no major organ)",
        {
            "primary_tumor": "stomach",
            "visceral_mets": "disseminated",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 1,
            "vertebral_body_mets": 1,
        },
        (0, 0, 1, 0),
        (1, 1),
        "lt_6_months",
        (),
    ),
    (
        "B1-carcinoid",
        "carcinoid is not lung cancer (reading); not a favourable organ",
        {
            "primary_tumor": "carcinoid",
            "visceral_mets": "nodular",
            "extraspinal_bone_mets": 2,
            "vertebral_body_mets": 1,
        },
        (0, 0, 1, 0),
        (1, 1),
        "lt_6_months",
        (),
    ),
    (
        "B2",
        "lung on targeted therapy is lung cancer; solitary, no visceral",
        {
            "primary_tumor": "lung_targeted",
            "visceral_mets": "none",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (1, 1, 0, 0),
        (2, 2),
        "gt_6_months",
        (),
    ),
    (
        "B2-myeloma",
        "myeloma with a removable organ metastasis and many foci",
        {
            "primary_tumor": "myeloma",
            "visceral_mets": "nodular",
            "major_organ_mets": "removable",
            "extraspinal_bone_mets": 5,
            "vertebral_body_mets": 3,
        },
        (0, 0, 1, 1),
        (2, 2),
        "gt_6_months",
        (),
    ),
    (
        "B3",
        "renal cell carcinoma over two vertebral bodies (two bodies are not solitary)",
        {
            "primary_tumor": "kidney",
            "visceral_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 2,
        },
        (1, 0, 1, 1),
        (3, 3),
        "gt_12_months",
        (),
    ),
    (
        "B3-urological",
        "renal pelvis urothelial cancer is not 'kidney' (reading)",
        {
            "primary_tumor": "other_urological",
            "visceral_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (1, 1, 1, 0),
        (3, 3),
        "gt_12_months",
        (),
    ),
    (
        "B3-unknown",
        "unknown primary is 'not lung cancer' literally (reading)",
        {
            "primary_tumor": "unknown_primary",
            "visceral_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (1, 1, 1, 0),
        (3, 3),
        "gt_12_months",
        (),
    ),
    (
        "B4",
        "lymphoma, solitary, no visceral disease: every factor favourable",
        {
            "primary_tumor": "lymphoma",
            "visceral_mets": "none",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (1, 1, 1, 1),
        (4, 4),
        "gt_12_months",
        (),
    ),
    (
        "R34",
        "visceral answer missing; 'no major organ' does not decide it: 3–4 stays in one band",
        {
            "primary_tumor": "kidney",
            "major_organ_mets": "none",
            "extraspinal_bone_mets": 0,
            "vertebral_body_mets": 1,
        },
        (None, 1, 1, 1),
        (3, 4),
        "gt_12_months",
        ("visceral_mets",),
    ),
    (
        "R23",
        "vertebral count missing: 2–3 spans the 2 | 3 edge",
        {
            "primary_tumor": "thyroid",
            "visceral_mets": "none",
            "extraspinal_bone_mets": 0,
        },
        (1, None, 1, 0),
        (2, 3),
        None,
        ("vertebral_body_mets",),
    ),
    (
        "R12",
        "primary missing, visceral and multiple: 0–2 spans the 1 | 2 edge",
        {
            "visceral_mets": "disseminated",
            "extraspinal_bone_mets": 1,
        },
        (0, 0, None, None),
        (0, 2),
        None,
        ("primary_tumor",),
    ),
    (
        "R01",
        "lung with visceral disease, one count missing but multiple decided; one "
        "visceral answer missing: 0–1 stays in one band",
        {
            "primary_tumor": "lung_untargeted",
            "vertebral_body_mets": 4,
        },
        (None, 0, 0, 0),
        (0, 1),
        "lt_6_months",
        ("visceral_mets",),
    ),
]


@pytest.mark.parametrize(
    ("vignette", "why", "cells", "points", "span", "band", "missing"),
    VIGNETTES,
    ids=[row[0] for row in VIGNETTES],
)
def test_bauer_vignettes(vignette, why, cells, points, span, band, missing) -> None:
    result = score(PatientCase.model_validate(cells))
    assert tuple(i.points for i in result.items) == points, why
    assert (result.total_min, result.total_max) == span, why
    assert result.total == (span[0] if span[0] == span[1] and not missing else None)
    assert band_of(result) == (None if band is None else BauerBand(band))
    assert result.missing == missing


def test_vignettes_reach_every_band_edge() -> None:
    totals = {row[4][0] for row in VIGNETTES if row[4][0] == row[4][1]}
    assert totals == {0, 1, 2, 3, 4}
    spans = {row[4] for row in VIGNETTES if row[4][0] != row[4][1]}
    # a range straddling each band edge (1 | 2 and 2 | 3) has no band; one inside a
    # band (0–1, 3–4) keeps it
    for last_of_band in (1, 2):
        assert any(low <= last_of_band < high for low, high in spans)
    assert {(0, 1), (3, 4)} <= spans


def test_treatability_does_not_change_the_bauer_score() -> None:
    base = {"primary_tumor": "kidney", "visceral_mets": "nodular", "vertebral_body_mets": 1}
    totals = {
        score(PatientCase(**base, visceral_mets_treatable=t)).total_max for t in (None, True, False)
    }
    assert len(totals) == 1


# Spec table: code → ("not lung" point, evidence, "breast/kidney/lymphoma/myeloma" point,
# evidence).
PRIMARY_TABLE: dict[str, tuple[int, str, int, str]] = {
    "lung_targeted": (0, "verified", 0, "verified"),
    "lung_untargeted": (0, "verified", 0, "verified"),
    "osteosarcoma": (1, "verified", 0, "verified"),
    "stomach": (1, "verified", 0, "verified"),
    "bladder": (1, "verified", 0, "verified"),
    "esophagus": (1, "verified", 0, "verified"),
    "pancreas": (1, "verified", 0, "verified"),
    "liver": (1, "verified", 0, "verified"),
    "gallbladder": (1, "verified", 0, "verified"),
    "unknown_primary": (1, "reading", 0, "verified"),
    "kidney": (1, "verified", 1, "verified"),
    "uterus_body": (1, "verified", 0, "verified"),
    "uterus_cervix": (1, "verified", 0, "verified"),
    "rectum": (1, "verified", 0, "verified"),
    "colon": (1, "verified", 0, "verified"),
    "thyroid": (1, "verified", 0, "verified"),
    "breast_hormone_dependent": (1, "verified", 1, "verified"),
    "breast_hormone_independent": (1, "verified", 1, "verified"),
    "prostate_hormone_dependent": (1, "verified", 0, "verified"),
    "prostate_hormone_independent": (1, "verified", 0, "verified"),
    "carcinoid": (1, "reading", 0, "verified"),
    "myeloma": (1, "verified", 1, "verified"),
    "lymphoma": (1, "verified", 1, "verified"),
    "ovary": (1, "verified", 0, "verified"),
    "head_and_neck": (1, "verified", 0, "verified"),
    "melanoma": (1, "verified", 0, "verified"),
    "sarcoma_other": (1, "verified", 0, "verified"),
    "other_urological": (1, "verified", 0, "reading"),
    "other": (1, "verified", 0, "verified"),
}


def test_primary_table_covers_the_vocabulary() -> None:
    assert set(PRIMARY_TABLE) == set(PrimaryTumor.codes())


@pytest.mark.parametrize(("code", "expected"), PRIMARY_TABLE.items())
def test_primary_items_row_by_row(code: str, expected: tuple[int, str, int, str]) -> None:
    not_lung, not_lung_evidence, favourable, favourable_evidence = expected
    tumor = PrimaryTumor.parse(code)
    assert NOT_LUNG[tumor].option.points == not_lung
    assert NOT_LUNG[tumor].evidence is Evidence.parse(not_lung_evidence)
    assert FAVOURABLE[tumor].option.points == favourable
    assert FAVOURABLE[tumor].evidence is Evidence.parse(favourable_evidence)
    items = score(PatientCase(primary_tumor=code)).items
    assert (items[2].points, items[3].points) == (not_lung, favourable)
    for item, evidence in ((items[2], not_lung_evidence), (items[3], favourable_evidence)):
        assert (Evidence.READING.label in item.detail) == (evidence == "reading")


def test_bands_tile_the_range_with_the_published_codes() -> None:
    assert [(b.code, b.low, b.high) for b in BANDS] == [
        ("lt_6_months", 0, 1),
        ("gt_6_months", 2, 2),
        ("gt_12_months", 3, 4),
    ]
    assert set(GUIDANCE) == set(BauerBand)
    assert all(g.startswith("Authors' guidance") for g in GUIDANCE.values())


def test_readings_are_user_text_without_internal_words() -> None:
    assert len(READINGS) >= 4
    for reading in READINGS:
        for text in (reading.title, reading.text):
            assert not re.search(r"\bspec\b|§|\bseed\b|A-MB|\bS\d+\b", text), text


def test_score_case_exposes_bauer() -> None:
    cells: dict[str, Any] = {"primary_tumor": "lymphoma", "visceral_mets": "none"}
    scores = score_case(PatientCase(**cells, extraspinal_bone_mets=0, vertebral_body_mets=1))
    assert scores.bauer.key == "bauer"
    assert scores.bauer.total == 4
    assert scores.bauer.higher_is_better
