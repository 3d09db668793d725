"""Modified Bauer score (Leithner 2008): four favourable factors, 0–4, higher is better.

Leithner A, Radl R, Gruber G, et al. Eur Spine J 2008;17(11):1488-1495,
doi:10.1007/s00586-008-0763-1: the Bauer score (Bauer and Wedin 1995) without its item
for pathological fracture. Items and bands as reproduced in an open-source calculator that
cites both papers (spec S15, S29, §2); the full text was not accessible. Only the modified
score is computed here; the original five-item score (0–5, bands 0–1 / 2–3 / 4–5) is not
mixed in (A-MB1).

One point each when true:

1. no visceral metastases — the shared presence fact of ``scoring.derived`` (any visceral
   organ, brain included, lymph nodes not; A-MB2);
2. solitary skeletal metastasis — the shared fact (one vertebral body, no other focus;
   A-MB3);
3. the primary is not lung cancer (unknown primary and carcinoid score 1, readings A-MB4);
4. the primary is breast, kidney (renal cell carcinoma), lymphoma or myeloma (A-MB5).

Bands: 0–1 survival < 6 months, 2 > 6 months, 3–4 > 12 months.

Worked example: renal cell carcinoma (not lung 1, favourable 1), no visceral metastasis (1),
two vertebral bodies (not solitary, 0): total 3, > 12 months.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from i18n import N_, Message
from scoring.case import PatientCase
from scoring.derived import solitary_skeletal, visceral_present
from scoring.evidence import Assignment, Evidence, Reading, assigned_detail
from scoring.items import ItemFunction, item
from scoring.options import CodedEnum, ScoredOption
from scoring.primary_tumor import PrimaryTumor
from scoring.result import Band, ItemResult, ScoreResult
from scoring.score_id import ScoreId
from scoring.sources import CALCULATOR_READING, LEITHNER_2008

SOURCE = LEITHNER_2008
KEY = ScoreId.BAUER.value
NAME = N_("Modified Bauer score")


class NoVisceralMets(ScoredOption):
    """Item 1: no visceral metastases."""

    YES = ("yes", 1, N_("No visceral metastases"), SOURCE)
    NO = ("no", 0, N_("Visceral metastases present"), SOURCE)


class SolitarySkeletalMet(ScoredOption):
    """Item 2: solitary skeletal metastasis."""

    YES = ("yes", 1, N_("Solitary skeletal metastasis"), SOURCE)
    NO = ("no", 0, N_("More than one skeletal metastasis"), SOURCE)


class NotLungCancer(ScoredOption):
    """Item 3: the primary tumour is not lung cancer."""

    YES = ("yes", 1, N_("Primary is not lung cancer"), SOURCE)
    NO = ("no", 0, N_("Lung cancer"), SOURCE)


class FavourablePrimary(ScoredOption):
    """Item 4: the primary is breast, kidney, lymphoma or myeloma."""

    YES = ("yes", 1, N_("Breast, kidney, lymphoma or myeloma"), SOURCE)
    NO = ("no", 0, N_("Another primary"), SOURCE)


class BauerBand(CodedEnum):
    """The three bands of the modified score (stable codes for files)."""

    LT_6_MONTHS = "lt_6_months"
    GT_6_MONTHS = "gt_6_months"
    GT_12_MONTHS = "gt_12_months"


BANDS: tuple[Band, ...] = (
    Band(
        BauerBand.LT_6_MONTHS.value,
        N_("< 6 months (0–1)"),
        0,
        1,
        N_("Survival < 6 months"),
        SOURCE,
    ),
    Band(
        BauerBand.GT_6_MONTHS.value,
        N_("> 6 months (2)"),
        2,
        2,
        N_("Survival > 6 months"),
        SOURCE,
    ),
    Band(
        BauerBand.GT_12_MONTHS.value,
        N_("> 12 months (3–4)"),
        3,
        4,
        N_("Survival > 12 months"),
        SOURCE,
    ),
)

#: The treatment the source attaches to each band: informative, never scored.
GUIDANCE: Mapping[str, str] = MappingProxyType(
    {
        BauerBand.LT_6_MONTHS: N_("Authors' guidance for this band: conservative treatment."),
        BauerBand.GT_6_MONTHS: N_("Authors' guidance for this band: palliative surgery."),
        BauerBand.GT_12_MONTHS: N_("Authors' guidance for this band: excisional surgery."),
    }
)

_V, _RD = Evidence.VERIFIED, Evidence.READING
_LUNG = frozenset({PrimaryTumor.LUNG_TARGETED, PrimaryTumor.LUNG_UNTARGETED})
_FAVOURABLE = frozenset(
    {
        PrimaryTumor.BREAST_HORMONE_DEPENDENT,
        PrimaryTumor.BREAST_HORMONE_INDEPENDENT,
        PrimaryTumor.KIDNEY,
        PrimaryTumor.LYMPHOMA,
        PrimaryTumor.MYELOMA,
    }
)
_NOT_LUNG_READINGS: Mapping[PrimaryTumor, str] = MappingProxyType(
    {
        PrimaryTumor.UNKNOWN_PRIMARY: N_(
            "'Not lung cancer' is literally true of an unidentified primary, although many "
            "turn out to be lung cancer."
        ),
        PrimaryTumor.CARCINOID: N_("A bronchial carcinoid is not lung cancer in Bauer's sense."),
    }
)
_FAVOURABLE_READINGS: Mapping[PrimaryTumor, str] = MappingProxyType(
    {
        PrimaryTumor.OTHER_UROLOGICAL: N_(
            "'Kidney' is read as renal cell carcinoma: urothelial cancer of the renal pelvis "
            "does not score."
        ),
    }
)


def _assign(
    members: frozenset[PrimaryTumor],
    yes: ScoredOption,
    no: ScoredOption,
    readings: Mapping[PrimaryTumor, str],
) -> Mapping[PrimaryTumor, Assignment[ScoredOption]]:
    return MappingProxyType(
        {
            tumor: Assignment(
                yes if tumor in members else no,
                _RD if tumor in readings else _V,
                readings.get(tumor, ""),
            )
            for tumor in PrimaryTumor
        }
    )


#: Item 3 and item 4 of every primary-tumour code, with their trust (spec §4).
NOT_LUNG: Mapping[PrimaryTumor, Assignment[ScoredOption]] = _assign(
    frozenset(PrimaryTumor) - _LUNG, NotLungCancer.YES, NotLungCancer.NO, _NOT_LUNG_READINGS
)
FAVOURABLE: Mapping[PrimaryTumor, Assignment[ScoredOption]] = _assign(
    _FAVOURABLE, FavourablePrimary.YES, FavourablePrimary.NO, _FAVOURABLE_READINGS
)

READINGS: tuple[Reading, ...] = (
    Reading(
        "bauer_modified_not_original",
        KEY,
        N_("The modified score, not the original"),
        N_(
            "The original Bauer score (1995) has a fifth item, no pathological fracture, and "
            "totals 0–5 with bands 0–1, 2–3 and 4–5. Only the modified four-item score (0–4, "
            "bands 0–1, 2 and 3–4) is computed here; the two are not mixed."
        ),
        (LEITHNER_2008,),
    ),
    Reading(
        "bauer_visceral_organs",
        KEY,
        N_("Which metastases are visceral"),
        N_(
            "Any visceral organ counts, brain included and lymph nodes not; pleural, peritoneal "
            "and leptomeningeal dissemination count. Tokuhashi's four major organs alone would "
            "score an adrenal or peritoneal metastasis as 'no visceral metastases'."
        ),
        (LEITHNER_2008, CALCULATOR_READING),
    ),
    Reading(
        "bauer_solitary",
        KEY,
        N_("Solitary skeletal metastasis"),
        N_(
            "Decided from the counts: one vertebral body and no focus outside the spine. A single "
            "tumour spanning two vertebral bodies counts as two. The same fact as Tomita's "
            "solitary bone item and the negation of Katagiri's 'multiple skeletal metastases'."
        ),
        (LEITHNER_2008, CALCULATOR_READING),
    ),
    Reading(
        "bauer_not_lung",
        KEY,
        N_("'Not lung cancer' for an unknown primary and for carcinoid"),
        Message(
            N_("%(unknown)s %(carcinoid)s Both score 1."),
            unknown=_NOT_LUNG_READINGS[PrimaryTumor.UNKNOWN_PRIMARY],
            carcinoid=_NOT_LUNG_READINGS[PrimaryTumor.CARCINOID],
        ),
        (LEITHNER_2008, CALCULATOR_READING),
    ),
    Reading(
        "bauer_kidney",
        KEY,
        N_("'Kidney' is renal cell carcinoma"),
        _FAVOURABLE_READINGS[PrimaryTumor.OTHER_UROLOGICAL],
        (LEITHNER_2008, CALCULATOR_READING),
    ),
)


def _primary_item(
    key: str,
    label: str,
    table: type[ScoredOption],
    assignments: Mapping[PrimaryTumor, Assignment[ScoredOption]],
) -> ItemFunction:
    """An item read from the primary tumour through ``assignments``."""

    def item_of(case: PatientCase) -> ItemResult:
        tumor = case.primary_tumor
        assignment = None if tumor is None else assignments[tumor]
        return item(
            key,
            label,
            table,
            None if assignment is None else assignment.option,
            ("primary_tumor",),
            SOURCE,
            "" if tumor is None else assigned_detail(tumor.label, assignment),
        )

    item_of.__name__ = item_of.__qualname__ = f"{key}_item"
    return item_of


def _no_visceral_mets(case: PatientCase) -> ItemResult:
    visceral = visceral_present(
        case.visceral_mets, case.major_organ_mets, case.visceral_mets_treatable
    )
    return item(
        "no_visceral_mets",
        N_("No visceral metastases"),
        NoVisceralMets,
        None
        if visceral.value is None
        else (NoVisceralMets.NO if visceral.value else NoVisceralMets.YES),
        visceral.missing,
        SOURCE,
    )


def _solitary_skeletal_met(case: PatientCase) -> ItemResult:
    solitary = solitary_skeletal(case.extraspinal_bone_mets, case.vertebral_body_mets)
    return item(
        "solitary_skeletal_met",
        N_("Solitary skeletal metastasis"),
        SolitarySkeletalMet,
        None
        if solitary.value is None
        else (SolitarySkeletalMet.YES if solitary.value else SolitarySkeletalMet.NO),
        solitary.missing,
        SOURCE,
        Message(
            N_("%(reading)s (%(evidence)s)"),
            reading=solitary.reading,
            evidence=Evidence.READING.label,
        )
        if solitary.reading
        else "",
    )


#: The four items in the paper's order, each a function of the case: ``score`` sums
#: them, and the batch scorer asks one at a time (``scoring.batch.lookups``).
ITEMS: tuple[ItemFunction, ...] = (
    _no_visceral_mets,
    _solitary_skeletal_met,
    _primary_item(
        "not_lung_cancer", N_("Primary tumour is not lung cancer"), NotLungCancer, NOT_LUNG
    ),
    _primary_item(
        "favourable_primary",
        N_("Primary is breast, kidney, lymphoma or myeloma"),
        FavourablePrimary,
        FAVOURABLE,
    ),
)


def score(case: PatientCase) -> ScoreResult:
    """The modified Bauer score of ``case``; unknown items widen the total to a range."""
    items = tuple(item_of(case) for item_of in ITEMS)
    return ScoreResult(KEY, NAME, items, BANDS, True, SOURCE)


def band_of(result: ScoreResult) -> BauerBand | None:
    """The band of a modified Bauer result; None when its range spans bands."""
    band = result.band
    return None if band is None else BauerBand.parse(band.code)
