"""Surgical indications and cautions stated in the two seed papers, each met / not met /
unknown with its source.

These restate what the papers say; they are a checklist for the case review, not a
recommendation. A criterion whose input is missing, or that the scores cannot resolve,
is *unknown*, never guessed.

- Cohort study (seed 000, Methods): indications were progressive neurological deficits,
  remarkable spinal instability (SINS ≥ 13) and intractable pain resistant to conservative
  care including opioids; impaired consciousness due to cerebral metastasis was the
  contraindication.
- Review (seed 004): surgery is indicated for acute neurological deficits, instability,
  immobilizing pain despite radiotherapy, and a life expectancy of at least 3 months; only
  patients with solitary metastases, a life expectancy of more than 1 year and slowly
  growing metastases (e.g. breast, renal cell carcinoma, prostate) may be considered for
  radical (wide or marginal) resection.

Readings: life expectancy is "estimated by the scores" through their published bands
only. Revised Tokuhashi ≥ 9 predicts ≥ 6 months and new Katagiri 0–3 has 98 % 6-month
survival, so either establishes ≥ 3 months; no band predicts *less* than 3 months, so the
criterion is never "not met" from the scores alone. "More than 1 year" is met by Tokuhashi
12–15 and not met by 0–11. "Slowly growing" is Katagiri's slow group or a tumor the review
names (breast, renal cell, prostate). "Solitary" means one vertebra, no extraspinal bone
focus and no organ or visceral metastasis.
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import N_, Message
from scoring.case import PatientCase
from scoring.derived import solitary_skeletal, visceral_present
from scoring.metastases import MajorOrganMets
from scoring.options import CodedEnum
from scoring.primary_tumor import KatagiriGrowth, PrimaryTumor
from scoring.result import ScoreResult
from scoring.sources import COHORT_STUDY, REVIEW, Source


class Status(CodedEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Kind(CodedEnum):
    INDICATION = "indication"
    CONTRAINDICATION = "contraindication"
    RADICAL_RESECTION = "radical_resection"


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    label: str
    kind: Kind
    status: Status
    sources: tuple[Source, ...]
    explanation: str


_REVIEW_SLOW_EXAMPLES = frozenset(
    {
        PrimaryTumor.BREAST_HORMONE_DEPENDENT,
        PrimaryTumor.BREAST_HORMONE_INDEPENDENT,
        PrimaryTumor.PROSTATE_HORMONE_DEPENDENT,
        PrimaryTumor.PROSTATE_HORMONE_INDEPENDENT,
        PrimaryTumor.KIDNEY,
    }
)


def _answer(value: bool | None) -> Status:
    return Status.UNKNOWN if value is None else (Status.MET if value else Status.NOT_MET)


def _threshold(result: ScoreResult, at_least: int) -> Status:
    """Met when the whole range is ≥ the threshold, not met when all of it is below."""
    if result.total_min >= at_least:
        return Status.MET
    if result.total_max < at_least:
        return Status.NOT_MET
    return Status.UNKNOWN


def _range_text(result: ScoreResult) -> str:
    low, high = result.total_min, result.total_max
    total = str(low) if low == high else f"{low}–{high}"
    return Message(N_("%(score)s %(total)s"), score=result.name, total=total)


def _life_expectancy_3_months(tokuhashi: ScoreResult, katagiri: ScoreResult) -> Criterion:
    """Met through the band of whichever score establishes it; the reason names only that
    score (both named together read as if the patient's score carried the other band's
    figure, e.g. Katagiri 6 beside "98 % 6-month survival")."""
    by_tokuhashi, by_katagiri = tokuhashi.total_min >= 9, katagiri.total_max <= 3
    if by_tokuhashi or by_katagiri:
        reasons = []
        if by_tokuhashi:
            reasons.append(
                Message(
                    N_("%(score)s: in the band predicting ≥ 6 months (9 or more)"),
                    score=_range_text(tokuhashi),
                )
            )
        if by_katagiri:
            reasons.append(
                Message(
                    N_("%(score)s: in the band with 98 %% 6-month survival (0–3)"),
                    score=_range_text(katagiri),
                )
            )
        # a tuple is joined with "; " ("；" in Japanese) by ``Message``
        status, why = Status.MET, Message(N_("%(reasons)s."), reasons=tuple(reasons))
    else:
        status, why = (
            Status.UNKNOWN,
            Message(
                N_(
                    "%(tokuhashi)s, %(katagiri)s: no published band of either score resolves "
                    "3 months; judge clinically."
                ),
                tokuhashi=_range_text(tokuhashi),
                katagiri=_range_text(katagiri),
            ),
        )
    return Criterion(
        "life_expectancy_3_months",
        N_("Life expectancy ≥ 3 months, as estimated by the scores"),
        Kind.INDICATION,
        status,
        (REVIEW,),
        why,
    )


def _solitary(case: PatientCase) -> Status:
    """The shared skeletal and visceral facts, plus Tokuhashi's organ item recorded as none
    (the review's "solitary" excludes any organ metastasis, so the organ answer is needed)."""
    skeletal = solitary_skeletal(case.extraspinal_bone_mets, case.vertebral_body_mets)
    visceral = visceral_present(
        case.visceral_mets, case.major_organ_mets, case.visceral_mets_treatable
    )
    facts = (
        skeletal.value,
        None if visceral.value is None else not visceral.value,
        None if case.major_organ_mets is None else case.major_organ_mets is MajorOrganMets.NONE,
    )
    if False in facts:
        return Status.NOT_MET
    return Status.UNKNOWN if None in facts else Status.MET


def _slow_growing(primary: PrimaryTumor | None) -> Status:
    if primary is None:
        return Status.UNKNOWN
    slow = primary.katagiri is KatagiriGrowth.SLOW or primary in _REVIEW_SLOW_EXAMPLES
    return Status.MET if slow else Status.NOT_MET


def assess(
    case: PatientCase, tokuhashi: ScoreResult, katagiri: ScoreResult, sins: ScoreResult
) -> tuple[Criterion, ...]:
    """Every criterion of the two papers for this case, in the order a review reads them."""
    both = (COHORT_STUDY, REVIEW)
    return (
        Criterion(
            "progressive_neurological_deficit",
            N_("Progressive (acute) neurological deficit"),
            Kind.INDICATION,
            _answer(case.progressive_neurological_deficit),
            both,
            N_("As recorded in the case."),
        ),
        Criterion(
            "sins_13_or_more",
            N_("Remarkable spinal instability (SINS ≥ 13)"),
            Kind.INDICATION,
            _threshold(sins, 13),
            (COHORT_STUDY,),
            Message(N_("%(sentence)s."), sentence=_range_text(sins)),
        ),
        Criterion(
            "intractable_pain",
            N_("Intractable pain despite conservative care (opioids, radiotherapy)"),
            Kind.INDICATION,
            _answer(case.intractable_pain),
            both,
            N_("As recorded in the case."),
        ),
        _life_expectancy_3_months(tokuhashi, katagiri),
        Criterion(
            "impaired_consciousness_cerebral_mets",
            N_("Impaired consciousness due to cerebral metastasis"),
            Kind.CONTRAINDICATION,
            _answer(case.impaired_consciousness_cerebral_mets),
            (COHORT_STUDY,),
            N_("The cohort study's contraindication to surgery."),
        ),
        Criterion(
            "solitary_metastasis",
            N_("Solitary metastasis"),
            Kind.RADICAL_RESECTION,
            _solitary(case),
            (REVIEW,),
            N_("One vertebra, no extraspinal bone focus, no organ or visceral metastasis."),
        ),
        Criterion(
            "life_expectancy_1_year",
            N_("Life expectancy > 1 year (revised Tokuhashi 12–15)"),
            Kind.RADICAL_RESECTION,
            _threshold(tokuhashi, 12),
            (REVIEW,),
            Message(N_("%(sentence)s."), sentence=_range_text(tokuhashi)),
        ),
        Criterion(
            "slow_growing_tumor",
            N_("Slowly growing tumor (Katagiri slow group, or breast, renal cell, prostate)"),
            Kind.RADICAL_RESECTION,
            _slow_growing(case.primary_tumor),
            (REVIEW,),
            ""
            if case.primary_tumor is None
            else Message(N_("%(sentence)s."), sentence=case.primary_tumor.label),
        ),
    )
