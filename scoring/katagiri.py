"""New Katagiri score (2014): six factors, 0–10, higher is a worse prognosis.

Katagiri H, Okada R, Takagi T, et al. Cancer Med 2014;3(5):1359-1367,
doi:10.1002/cam4.292 (abstract, spec S5; factor points and laboratory cut-offs as
reproduced in spec S4; bands S5/S6). Not the 2005 score (0–8, no laboratory factor, A-K9).

Readings: "multiple skeletal metastases" is more than one skeletal metastasis in total,
i.e. extraspinal foci ≥ 1 or vertebral bodies ≥ 2 (spec §9, A-K5); previous chemotherapy is
a yes/no answer (A-K4); an unmeasured laboratory value is not assumed normal (the issue
overrides A-K8): the laboratory item becomes the range it could take, and only the
values that could still change it are named as missing.

Worked example: hepatocellular carcinoma (rapid, 3), no visceral metastases (0), CRP
1.2 mg/dL (abnormal) and platelets 150 × 10⁹/L, calcium 9.0 mg/dL, bilirubin 0.8 mg/dL
(not critical) → laboratory 1, ECOG 3 (1), no previous chemotherapy (0), one vertebra and
no other bone focus (0): total 5, intermediate.
"""

from __future__ import annotations

from i18n import N_, Message
from scoring.case import PatientCase
from scoring.derived import solitary_skeletal
from scoring.items import ItemFunction, item, recorded_item
from scoring.labs import ANALYTES, LabTier
from scoring.metastases import VisceralMets
from scoring.options import RangedOption, ScoredOption
from scoring.primary_tumor import KatagiriGrowth
from scoring.result import Band, ItemResult, ScoreResult, SurvivalFigure
from scoring.score_id import ScoreId
from scoring.sources import KATAGIRI_2014

SOURCE = KATAGIRI_2014


class EcogPoint(RangedOption):
    """Factor 4: ECOG performance status 3 or 4."""

    PS_0_TO_2 = ("ps_0_2", 0, N_("ECOG PS 0–2"), SOURCE, 0, 2)
    PS_3_TO_4 = ("ps_3_4", 1, N_("ECOG PS 3 or 4"), SOURCE, 3, 4)


class PreviousChemotherapy(ScoredOption):
    """Factor 5: previous chemotherapy."""

    NO = ("no", 0, N_("No previous chemotherapy"), SOURCE)
    YES = ("yes", 1, N_("Previous chemotherapy"), SOURCE)


class MultipleSkeletalMets(ScoredOption):
    """Factor 6: multiple skeletal metastases."""

    NO = ("no", 0, N_("Solitary skeletal metastasis"), SOURCE)
    YES = ("yes", 1, N_("Multiple skeletal metastases"), SOURCE)


BANDS: tuple[Band, ...] = (
    Band(
        "low",
        N_("Low risk (0–3)"),
        0,
        3,
        N_("Low risk"),
        SOURCE,
        (
            SurvivalFigure(N_("6 months"), 98.1, False, N_("recollection of the 2014 paper")),
            SurvivalFigure(
                N_("1 year"), 91.4, False, N_("decimal recalled; the abstract gives 91 %")
            ),
            SurvivalFigure(
                N_("2 years"), 77.8, False, N_("decimal recalled; the abstract gives 78 %")
            ),
        ),
    ),
    Band(
        "intermediate",
        N_("Intermediate risk (4–6)"),
        4,
        6,
        N_("Intermediate risk"),
        SOURCE,
        (
            SurvivalFigure(
                N_("6 months"), 74.0, False, N_("recollection; one secondary source: 73.9 %")
            ),
            SurvivalFigure(
                N_("1 year"), 49.3, False, N_("decimal recalled; a secondary source: 49 %")
            ),
            SurvivalFigure(N_("2 years"), 27.6, False, N_("recollection of the 2014 paper")),
        ),
    ),
    Band(
        "high",
        N_("High risk (7–10)"),
        7,
        10,
        N_("High risk"),
        SOURCE,
        (
            SurvivalFigure(
                N_("6 months"), 26.9, False, N_("decimal recalled; the abstract gives 27 %")
            ),
            SurvivalFigure(
                N_("1 year"), 6.0, False, N_("decimal recalled; the abstract gives 6 %")
            ),
            SurvivalFigure(N_("2 years"), 2.1, False, N_("recollection of the 2014 paper")),
        ),
    ),
)
SURVIVAL_NOTE = N_(
    "Survival from the onset of skeletal metastasis in the 2014 derivation cohort (808 "
    "patients, all skeletal sites). The abstract's rounded figures are verified; decimals "
    "marked provisional rest on recollection of the full paper."
)


def laboratory_item(case: PatientCase) -> ItemResult:
    """Factor 3 over the six analytes: critical outranks abnormal, unmeasured widens."""
    flagged = []
    unmeasured = []
    for spec in ANALYTES:
        value = getattr(case, spec.field)
        if value is None:
            unmeasured.append(spec)
        elif spec.is_flagged(value.value, value.unit):
            flagged.append((spec, value))
    floor = max((s.tier for s, _ in flagged), key=lambda t: t.points, default=LabTier.NORMAL)
    ceiling = max([floor, *(s.tier for s in unmeasured)], key=lambda t: t.points)
    needed = tuple(s.field for s in unmeasured if s.tier.points > floor.points)
    detail = Message(
        N_("%(items)s"),
        items=tuple(
            Message(
                N_("%(label)s %(value)s %(unit)s (%(criterion)s)"),
                label=s.label,
                value=str(v.value),
                unit=v.unit.label,
                criterion=s.criterion_text(v.unit),
            )
            for s, v in flagged
        ),
    )
    return ItemResult(
        "laboratory",
        N_("Laboratory data"),
        floor if floor is ceiling else None,
        floor.points,
        ceiling.points,
        SOURCE,
        LabTier,
        missing=needed,
        range_tolerant=True,
        detail=detail or (N_("all measured values within limits") if not unmeasured else ""),
    )


def multiple_skeletal(case: PatientCase) -> tuple[MultipleSkeletalMets | None, tuple[str, ...]]:
    """The negation of the shared "solitary skeletal metastasis" fact (``scoring.derived``):
    decided as soon as either count shows more than one metastasis (spec §9)."""
    solitary = solitary_skeletal(case.extraspinal_bone_mets, case.vertebral_body_mets)
    if solitary.value is None:
        return None, solitary.missing
    return (MultipleSkeletalMets.NO if solitary.value else MultipleSkeletalMets.YES), ()


def _primary(case: PatientCase) -> ItemResult:
    return item(
        "primary",
        N_("Primary lesion (growth)"),
        KatagiriGrowth,
        None if case.primary_tumor is None else case.primary_tumor.katagiri,
        ("primary_tumor",),
        SOURCE,
        "" if case.primary_tumor is None else case.primary_tumor.label,
    )


def _ecog(case: PatientCase) -> ItemResult:
    return item(
        "ecog",
        N_("ECOG performance status 3 or 4"),
        EcogPoint,
        None if case.ecog is None else EcogPoint.classify(case.ecog),
        ("ecog",),
        SOURCE,
        "" if case.ecog is None else f"ECOG {case.ecog}",
    )


def _previous_chemotherapy(case: PatientCase) -> ItemResult:
    chemo = case.previous_chemotherapy
    return item(
        "previous_chemotherapy",
        N_("Previous chemotherapy"),
        PreviousChemotherapy,
        None if chemo is None else (PreviousChemotherapy.YES if chemo else PreviousChemotherapy.NO),
        ("previous_chemotherapy",),
        SOURCE,
    )


def _multiple_skeletal_mets(case: PatientCase) -> ItemResult:
    skeletal, skeletal_missing = multiple_skeletal(case)
    return item(
        "multiple_skeletal_mets",
        N_("Multiple skeletal metastases"),
        MultipleSkeletalMets,
        skeletal,
        skeletal_missing,
        SOURCE,
    )


def _laboratory(case: PatientCase) -> ItemResult:
    """``laboratory_item``, looked up at each call (a rule patched there reaches ``score``
    and the batch alike)."""
    return laboratory_item(case)


#: The six factors in the paper's order, each a function of the case: ``score`` sums
#: them, and the batch scorer asks one at a time (``scoring.batch.lookups``).
ITEMS: tuple[ItemFunction, ...] = (
    _primary,
    recorded_item(
        "visceral_mets", N_("Visceral metastases"), VisceralMets, "visceral_mets", SOURCE
    ),
    _laboratory,
    _ecog,
    _previous_chemotherapy,
    _multiple_skeletal_mets,
)


def score(case: PatientCase) -> ScoreResult:
    """The new Katagiri score of ``case``; missing laboratory values give a range."""
    items = tuple(item_of(case) for item_of in ITEMS)
    return ScoreResult(
        ScoreId.KATAGIRI.value, N_("New Katagiri score"), items, BANDS, False, SOURCE
    )
