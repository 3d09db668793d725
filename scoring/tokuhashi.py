"""Revised Tokuhashi score (2005): six items, 0–15, higher is a better prognosis.

Tokuhashi Y, Matsuzaki H, Oda H, Oshima M, Ryu J. Spine 2005;30(19):2186-2191,
doi:10.1097/01.brs.0000180401.06919.a5; table as reproduced with the author's corrections
in NICE CG75 Appendix 3 (spec S1, §1).

Readings (spec §7): the vertebral-body item is ≥3 → 0, 2 → 1, 1 → 2 (A-T1: the "1–2 / 0"
variant copies the extraspinal row and is impossible for a spinal metastasis); general
condition reads the Karnofsky % natively (A-T2); complete palsy is Frankel A *and* B (A-T6).

Worked example (seed 000, Fig. 6: 67-year-old man, thyroid cancer at C5; the other items
are illustrative): KPS 60 → 1, extraspinal foci 0 → 2, one vertebral body → 2, no organ
metastases → 2, thyroid → 5, Frankel D → 1; total 13, band "≥ 1 year".
"""

from __future__ import annotations

from types import MappingProxyType

from i18n import N_, Message, PluralMessage
from scoring.case import PatientCase
from scoring.frankel import FrankelGrade
from scoring.items import ItemFunction, item, recorded_item
from scoring.metastases import MajorOrganMets
from scoring.options import RangedOption, ScoredOption
from scoring.primary_tumor import TokuhashiPrimary
from scoring.result import Band, ItemResult, ScoreResult
from scoring.score_id import ScoreId
from scoring.sources import TOKUHASHI_2005

SOURCE = TOKUHASHI_2005


class GeneralCondition(RangedOption):
    """Item 1: general condition by Karnofsky performance status, %."""

    POOR = ("poor", 0, N_("Poor (KPS 10–40 %)"), SOURCE, 10, 40)
    MODERATE = ("moderate", 1, N_("Moderate (KPS 50–70 %)"), SOURCE, 50, 70)
    GOOD = ("good", 2, N_("Good (KPS 80–100 %)"), SOURCE, 80, 100)


class ExtraspinalBoneMets(RangedOption):
    """Item 2: number of extraspinal bone metastasis foci."""

    THREE_OR_MORE = ("3_or_more", 0, "≥ 3", SOURCE, 3, None)
    ONE_OR_TWO = ("1_to_2", 1, "1–2", SOURCE, 1, 2)
    NONE = ("0", 2, "0", SOURCE, 0, 0)


class VertebralBodyMets(RangedOption):
    """Item 3: number of metastases in the vertebral body (vertebrae involved)."""

    THREE_OR_MORE = ("3_or_more", 0, "≥ 3", SOURCE, 3, None)
    TWO = ("2", 1, "2", SOURCE, 2, 2)
    ONE = ("1", 2, "1", SOURCE, 1, 1)


class Palsy(ScoredOption):
    """Item 6: palsy, by Frankel grade."""

    COMPLETE = ("complete", 0, N_("Complete (Frankel A, B)"), SOURCE)
    INCOMPLETE = ("incomplete", 1, N_("Incomplete (Frankel C, D)"), SOURCE)
    NONE = ("none", 2, N_("None (Frankel E)"), SOURCE)


#: Frankel grade → palsy category (spec §4, A-T6).
PALSY_BY_FRANKEL = MappingProxyType(
    {
        FrankelGrade.A: Palsy.COMPLETE,
        FrankelGrade.B: Palsy.COMPLETE,
        FrankelGrade.C: Palsy.INCOMPLETE,
        FrankelGrade.D: Palsy.INCOMPLETE,
        FrankelGrade.E: Palsy.NONE,
    }
)

BANDS: tuple[Band, ...] = (
    Band(
        "under_6_months",
        N_("< 6 months"),
        0,
        8,
        N_("Predicted survival < 6 months"),
        SOURCE,
    ),
    Band(
        "6_months_or_more",
        N_("≥ 6 months"),
        9,
        11,
        N_("Predicted survival ≥ 6 months"),
        SOURCE,
    ),
    Band(
        "1_year_or_more",
        N_("≥ 1 year"),
        12,
        15,
        N_("Predicted survival ≥ 1 year"),
        SOURCE,
    ),
)

#: The authors' treatment guidance per band (spec S2, secondary): informative, never scored.
GUIDANCE = MappingProxyType(
    {
        "under_6_months": N_("Authors' guidance: conservative treatment (or palliative surgery)."),
        "6_months_or_more": N_(
            "Authors' guidance: palliative surgery; excisional surgery if a "
            "single lesion without major-organ metastases."
        ),
        "1_year_or_more": N_("Authors' guidance: excisional surgery."),
    }
)


def _general_condition(case: PatientCase) -> ItemResult:
    kps = case.kps
    return item(
        "general_condition",
        N_("General condition (Karnofsky %)"),
        GeneralCondition,
        None if kps is None else GeneralCondition.classify(kps),
        ("kps",),
        SOURCE,
        "" if kps is None else f"KPS {kps} %",
    )


def _extraspinal_bone_mets(case: PatientCase) -> ItemResult:
    extra = case.extraspinal_bone_mets
    return item(
        "extraspinal_bone_mets",
        N_("Extraspinal bone metastasis foci"),
        ExtraspinalBoneMets,
        None if extra is None else ExtraspinalBoneMets.classify(extra),
        ("extraspinal_bone_mets",),
        SOURCE,
        ""
        if extra is None
        else PluralMessage("%(count)s focus", "%(count)s foci", extra, count=extra),
    )


def _vertebral_body_mets(case: PatientCase) -> ItemResult:
    bodies = case.vertebral_body_mets
    return item(
        "vertebral_body_mets",
        N_("Metastases in the vertebral body"),
        VertebralBodyMets,
        None if bodies is None else VertebralBodyMets.classify(bodies),
        ("vertebral_body_mets",),
        SOURCE,
        "" if bodies is None else Message(N_("%(count)s vertebrae"), count=bodies),
    )


def _primary(case: PatientCase) -> ItemResult:
    return item(
        "primary",
        N_("Primary site of the cancer"),
        TokuhashiPrimary,
        None if case.primary_tumor is None else case.primary_tumor.tokuhashi,
        ("primary_tumor",),
        SOURCE,
        "" if case.primary_tumor is None else case.primary_tumor.label,
    )


def _palsy(case: PatientCase) -> ItemResult:
    return item(
        "palsy",
        N_("Palsy (Frankel grade)"),
        Palsy,
        None if case.frankel is None else PALSY_BY_FRANKEL[case.frankel],
        ("frankel",),
        SOURCE,
        "" if case.frankel is None else f"Frankel {case.frankel.value}",
    )


#: The six items in the paper's order, each a function of the case: ``score`` sums them,
#: and the batch scorer asks one at a time (``scoring.batch.lookups``).
ITEMS: tuple[ItemFunction, ...] = (
    _general_condition,
    _extraspinal_bone_mets,
    _vertebral_body_mets,
    recorded_item(
        "major_organ_mets",
        N_("Metastases to the major internal organs"),
        MajorOrganMets,
        "major_organ_mets",
        SOURCE,
    ),
    _primary,
    _palsy,
)


def score(case: PatientCase) -> ScoreResult:
    """The revised Tokuhashi score of ``case``; unknown items widen the total to a range."""
    items = tuple(item_of(case) for item_of in ITEMS)
    return ScoreResult(
        ScoreId.TOKUHASHI.value, N_("Revised Tokuhashi score"), items, BANDS, True, SOURCE
    )
