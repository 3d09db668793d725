"""The traps users fall into with the three scores (``shared/clinical-spec.md`` §7), as data.

Why data and not page text: the Learn page lists them per score, the quiz attaches them to
the item a trainee got wrong, and the tests check each trap's claim against the scoring
code, so a trap can never state a reading the calculator does not use. Where a statement
quotes points, levels or cut-offs, it builds them from the scoring tables instead of
retyping them. Every trap names the spec id (A-T6, A-K5, A-S1 …) and the sources behind it.

``concerns`` names the quiz items a trap bears on, as ``<score>_<item>`` answer keys
(``learn.quiz.answer_key``), e.g. ``tokuhashi_palsy``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from i18n import N_, Message
from learn._wording import InSentence, Joined
from scoring import bauer, katagiri, sins, tokuhashi, tomita
from scoring.evidence import Reading
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTE_BY_FIELD, LabTier, LabUnit
from scoring.levels import SinsLocation, VertebralLevel
from scoring.metastases import VisceralMets
from scoring.options import ScoredOption
from scoring.primary_tumor import PrimaryTumor, TokuhashiPrimary
from scoring.result import Band
from scoring.score_id import ScoreId
from scoring.sins_findings import SinsCollapse, SinsPain
from scoring.sources import (
    CALCULATOR_READING,
    FISHER_2010,
    KARNOFSKY_1949,
    KATAGIRI_2014,
    KATAGIRI_2014_RECOLLECTION,
    LEITHNER_2008,
    OKEN_1982,
    SPEC,
    TOKUHASHI_2005,
    TOMITA_2001,
    Source,
)

TOKUHASHI = ScoreId.TOKUHASHI.value
KATAGIRI = ScoreId.KATAGIRI.value
SINS = ScoreId.SINS.value
TOMITA = ScoreId.TOMITA.value
BAUER = ScoreId.BAUER.value
GENERAL = "general"
SCORES: tuple[str, ...] = (TOKUHASHI, KATAGIRI, SINS, TOMITA, BAUER, GENERAL)


@dataclass(frozen=True, slots=True)
class Trap:
    """One trap: the score it belongs to, what goes wrong, and the reading used here."""

    spec_id: str
    score: str
    title: str
    statement: str
    reading: str
    sources: tuple[Source, ...]
    concerns: tuple[str, ...] = ()

    def applies_to(self, score: str) -> bool:
        """General traps (KPS vs ECOG) belong to every score that reads a performance scale."""
        if self.score == score:
            return True
        return self.score == GENERAL and any(c.startswith(f"{score}_") for c in self.concerns)


def _levels(location: SinsLocation) -> str:
    return ", ".join(level.value for level in VertebralLevel if level.sins_location is location)


def _frankel_for(palsy: tokuhashi.Palsy) -> str:
    grades = [g.value for g, p in tokuhashi.PALSY_BY_FRANKEL.items() if p is palsy]
    return Joined(grades, N_(" and "))


def _cutoff(field: str, unit: LabUnit) -> str:
    """The published cut-off in ``unit``, exactly as the laboratory item compares it."""
    spec = ANALYTE_BY_FIELD[field]
    return spec.criterion_text(unit).removeprefix(f"{spec.label} {spec.direction.value} ")


def _arrows(options: Iterable[ScoredOption]) -> tuple[Message, ...]:
    """Each option as "label → points", a list a page shows in its own language."""
    return tuple(
        Message(N_("%(label)s → %(points)s"), label=m.label, points=m.points) for m in options
    )


def _bands(bands: Iterable[Band]) -> tuple[Message, ...]:
    """Each band as "low–high: meaning"."""
    return tuple(
        Message(N_("%(low)s–%(high)s: %(meaning)s"), low=b.low, high=b.high, meaning=b.meaning)
        for b in bands
    )


def _range_meaning(band: Band, meaning: str) -> Message:
    """A band as "low–high: meaning" ("2: meaning" when it is one total)."""
    if band.low == band.high:
        return Message(N_("%(total)s: %(meaning)s"), total=band.low, meaning=meaning)
    return Message(
        N_("%(low)s–%(high)s: %(meaning)s"), low=band.low, high=band.high, meaning=meaning
    )


def _tomita_goal(band: Band) -> str:
    """A Tomita band's treatment goal alone ("long-term local control"), as a msgid."""
    meaning = band.meaning
    return str(meaning.values["goal"]) if isinstance(meaning, Message) else meaning


def _reading(readings: tuple[Reading, ...], key: str) -> str:
    return next(r.text for r in readings if r.key == key)


_PALSY = tokuhashi.Palsy
_TV = tomita.TomitaVisceral
_T2 = VertebralLevel.T2
_T3 = VertebralLevel.T3
_LOW = katagiri.BANDS[0]

TRAPS: tuple[Trap, ...] = (
    # ---------------------------------------------------------------- revised Tokuhashi
    Trap(
        "A-T6",
        TOKUHASHI,
        N_("Frankel B is complete palsy"),
        Message(
            N_(
                "Frankel %(grades)s both count as complete palsy (%(points)s points); scoring "
                "only Frankel A as complete is a frequent error."
            ),
            grades=_frankel_for(_PALSY.COMPLETE),
            points=_PALSY.COMPLETE.points,
        ),
        Message(
            N_(
                "Frankel %(complete)s → %(complete_points)s, %(incomplete)s → "
                "%(incomplete_points)s, %(none)s → %(none_points)s (B: %(b)s)."
            ),
            complete=_frankel_for(_PALSY.COMPLETE),
            complete_points=_PALSY.COMPLETE.points,
            incomplete=_frankel_for(_PALSY.INCOMPLETE),
            incomplete_points=_PALSY.INCOMPLETE.points,
            none=_frankel_for(_PALSY.NONE),
            none_points=_PALSY.NONE.points,
            b=InSentence(FrankelGrade.B.definition),
        ),
        (TOKUHASHI_2005, SPEC),
        ("tokuhashi_palsy",),
    ),
    Trap(
        "A-T1",
        TOKUHASHI,
        N_("Vertebral-body item is ≥ 3 / 2 / 1"),
        N_(
            "Some reproductions copy the extraspinal row (≥ 3 / 1–2 / 0) into the vertebral-body "
            "item; a spinal metastasis always involves at least one vertebra."
        ),
        Message(
            N_(
                "%(items)s vertebrae; 0 vertebrae is not accepted. The count includes the main "
                "lesion."
            ),
            items=_arrows(tokuhashi.VertebralBodyMets),
        ),
        (TOKUHASHI_2005, SPEC),
        ("tokuhashi_vertebral_body_mets",),
    ),
    Trap(
        "A-T3",
        TOKUHASHI,
        N_("Colon is 'others', only rectum scores 4"),
        Message(
            N_(
                "Tokuhashi lists rectum (%(rectum)s points); colon falls under 'others' "
                "(%(colon)s). Some calculators map all colorectal cancer to 4."
            ),
            rectum=TokuhashiPrimary.RECTUM.points,
            colon=PrimaryTumor.COLON.tokuhashi.points,
        ),
        PrimaryTumor.COLON.reading,
        (TOKUHASHI_2005, SPEC),
        ("tokuhashi_primary",),
    ),
    Trap(
        "A-T7",
        TOKUHASHI,
        N_("What is counted where"),
        N_(
            "Extraspinal foci are bone metastases outside the spine (bone scan or other imaging); "
            "the vertebral item counts involved vertebral bodies; 'removable' organ metastasis "
            "is a surgical judgment. The sources define nothing further."
        ),
        N_(
            "Extraspinal foci and vertebral bodies are two separate counts, entered once each; "
            "the major organs are lungs, liver, kidneys and brain."
        ),
        (TOKUHASHI_2005, SPEC),
        ("tokuhashi_extraspinal_bone_mets", "tokuhashi_vertebral_body_mets"),
    ),
    Trap(
        "A-T5",
        TOKUHASHI,
        N_("Survival bands printed reversed"),
        N_("One secondary source prints the survival column reversed ('0–8 > 6 months')."),
        Message(N_("%(items)s."), items=_bands(tokuhashi.BANDS)),
        (TOKUHASHI_2005, SPEC),
    ),
    Trap(
        "A-T4",
        TOKUHASHI,
        N_("1990 original vs 2005 revision"),
        N_("The 1990 original (0–12, other primary weights and bands) is a different score."),
        Message(
            N_("Only the 2005 revision is used here: total %(low)s–%(high)s."),
            low=tokuhashi.BANDS[0].low,
            high=tokuhashi.BANDS[-1].high,
        ),
        (TOKUHASHI_2005, SPEC),
    ),
    # ---------------------------------------------------------------- new Katagiri
    Trap(
        "§8",
        KATAGIRI,
        N_("Katagiri scores the primary by growth, not organ"),
        Message(
            N_(
                "The same organ can score differently: breast and prostate are %(dependent)s "
                "(hormone-dependent) or %(independent)s (hormone-independent); lung is "
                "%(targeted)s with molecularly targeted therapy or %(untargeted)s without."
            ),
            dependent=PrimaryTumor.BREAST_HORMONE_DEPENDENT.katagiri.points,
            independent=PrimaryTumor.BREAST_HORMONE_INDEPENDENT.katagiri.points,
            targeted=PrimaryTumor.LUNG_TARGETED.katagiri.points,
            untargeted=PrimaryTumor.LUNG_UNTARGETED.katagiri.points,
        ),
        N_(
            "One primary-tumor choice carries both the Tokuhashi organ category and the Katagiri "
            "growth group (see the primary-tumor table)."
        ),
        (KATAGIRI_2014, SPEC),
        ("katagiri_primary",),
    ),
    Trap(
        "A-K1",
        KATAGIRI,
        N_("Part of the growth lists is unverified"),
        N_(
            "Endometrial, ovarian and 'others' (moderate) and other urological, gallbladder and "
            "cervical cancer (rapid) rest on recollection of the 2014 table."
        ),
        Message(
            N_(
                "Those groups are marked unverified; an unlisted primary is 'others' → "
                "%(group)s (%(points)s)."
            ),
            group=InSentence(PrimaryTumor.OTHER.katagiri.label),
            points=PrimaryTumor.OTHER.katagiri.points,
        ),
        (KATAGIRI_2014_RECOLLECTION, SPEC),
        ("katagiri_primary",),
    ),
    Trap(
        "A-K2",
        KATAGIRI,
        N_("Lung cancer: targeted therapy given or planned"),
        N_("'Molecularly targeted therapy' is undefined for immunotherapy or an untreated driver."),
        PrimaryTumor.LUNG_TARGETED.reading,
        (KATAGIRI_2014, SPEC),
        ("katagiri_primary",),
    ),
    Trap(
        "A-K3",
        KATAGIRI,
        N_("Hormone dependence is not operationalised"),
        N_("ER/PR status and castration resistance decide breast and prostate groups."),
        PrimaryTumor.BREAST_HORMONE_INDEPENDENT.reading,
        (KATAGIRI_2014, SPEC),
        ("katagiri_primary",),
    ),
    Trap(
        "A-K5",
        KATAGIRI,
        N_("Multiple skeletal metastases counts the spine too"),
        N_(
            "'Multiple' is more than one skeletal metastasis in total, spinal lesions included; "
            "a single extraspinal focus beside the spinal lesion already makes two."
        ),
        N_("Multiple when extraspinal foci ≥ 1 or vertebral bodies ≥ 2."),
        (KATAGIRI_2014, SPEC),
        ("katagiri_multiple_skeletal_mets",),
    ),
    Trap(
        "A-K4",
        KATAGIRI,
        N_("'Previous chemotherapy' is undefined"),
        N_("No accessible source says whether hormone, targeted or immunotherapy counts."),
        N_("A yes/no answer as recorded; the quiz vignettes say 'cytotoxic chemotherapy'."),
        (KATAGIRI_2014, SPEC),
        ("katagiri_previous_chemotherapy",),
    ),
    Trap(
        "A-K7",
        KATAGIRI,
        N_("SI rounding of the cut-offs"),
        Message(
            N_(
                "Calcium %(ca)s is %(ca_si)s: a rounded '≥ 2.57 mmol/L' misclassifies a value at "
                "the cut-off; likewise bilirubin %(bili)s is %(bili_si)s, so '≥ 24 µmol/L' "
                "misclassifies."
            ),
            ca=_cutoff("calcium", LabUnit.MG_DL),
            ca_si=_cutoff("calcium", LabUnit.MMOL_L),
            bili=_cutoff("bilirubin", LabUnit.MG_DL),
            bili_si=_cutoff("bilirubin", LabUnit.UMOL_L),
        ),
        Message(
            N_(
                "Each value is compared exactly with the published cut-off converted to its own "
                "unit; platelets reported in × 10⁴/µL are critical below %(platelets)s; "
                "calcium is used as supplied (measured or corrected is not stated)."
            ),
            platelets=_cutoff("platelets", LabUnit.E4_PER_UL),
        ),
        (KATAGIRI_2014, SPEC),
        ("katagiri_laboratory",),
    ),
    Trap(
        "A-K8",
        KATAGIRI,
        N_("Unmeasured laboratory values"),
        N_(
            "The paper does not say how an unmeasured value counts; assuming it normal can "
            "understate the item."
        ),
        Message(
            N_(
                "Here an unmeasured value is not assumed normal: the laboratory item becomes "
                "the range it could take and names the values that could still change it; one "
                "critical value already gives the maximum (%(points)s)."
            ),
            points=LabTier.CRITICAL.points,
        ),
        (KATAGIRI_2014, SPEC),
        ("katagiri_laboratory",),
    ),
    Trap(
        "A-K10",
        KATAGIRI,
        N_("Brain counts as nodular; dissemination is the maximum"),
        N_(
            "Nodular brain metastasis is nodular visceral disease; pleural, peritoneal or "
            "leptomeningeal dissemination is 'disseminated'; both together are not added."
        ),
        Message(N_("%(items)s; lymph nodes are not visceral here."), items=_arrows(VisceralMets)),
        (KATAGIRI_2014, SPEC),
        ("katagiri_visceral_mets",),
    ),
    Trap(
        "A-K6",
        KATAGIRI,
        N_("The low-risk band starts at 0"),
        N_("One secondary source writes the low band as '1–3' and quotes other survival figures."),
        Message(
            N_(
                "Low risk is %(low)s–%(high)s; survival as in the 2014 abstract, decimals "
                "marked provisional."
            ),
            low=_LOW.low,
            high=_LOW.high,
        ),
        (KATAGIRI_2014, SPEC),
    ),
    Trap(
        "A-K9",
        KATAGIRI,
        N_("2005 score vs 2014 score"),
        N_("The 2005 Katagiri score (0–8, no laboratory factor) has other bands."),
        Message(
            N_("Only the 2014 score is used here: total %(low)s–%(high)s."),
            low=katagiri.BANDS[0].low,
            high=katagiri.BANDS[-1].high,
        ),
        (KATAGIRI_2014, SPEC),
    ),
    # ---------------------------------------------------------------- SINS
    Trap(
        "A-S1",
        SINS,
        N_("C7–T2 is junctional"),
        Message(
            N_(
                "%(t2)s is junctional (%(t2_points)s) and %(t3)s semi-rigid (%(t3_points)s); "
                "one third-party form writes C7–T1."
            ),
            t2=_T2.value,
            t2_points=_T2.sins_location.points,
            t3=_T3.value,
            t3_points=_T3.sins_location.points,
        ),
        Message(N_("Junctional: %(levels)s."), levels=_levels(SinsLocation.JUNCTIONAL)),
        (FISHER_2010, SPEC),
        ("sins_location",),
    ),
    Trap(
        "A-S2",
        SINS,
        N_("Mobile spine includes L2–L4"),
        N_("Some forms list only C3–C6 as mobile."),
        Message(N_("Mobile: %(levels)s."), levels=_levels(SinsLocation.MOBILE)),
        (FISHER_2010, SPEC),
        ("sins_location",),
    ),
    Trap(
        "A-S4",
        SINS,
        N_("Pain points are 3 / 1 / 0"),
        N_("One secondary source prints pain as 3 / 2 / 1."),
        Message(
            N_(
                "%(items)s; mechanical = relief when recumbent and/or pain with movement or "
                "loading."
            ),
            items=_arrows(SinsPain),
        ),
        (FISHER_2010, SPEC),
        ("sins_pain",),
    ),
    Trap(
        "A-S3",
        SINS,
        N_("Exactly 50 % collapse has no category"),
        N_("Exactly 50 % falls between '> 50 %' and '< 50 %'."),
        Message(
            N_("Only the published categories are accepted: %(items)s."),
            items=_arrows(SinsCollapse),
        ),
        (FISHER_2010, SPEC),
        ("sins_collapse",),
    ),
    Trap(
        "A-S8",
        SINS,
        N_("No collapse is not always 0"),
        Message(
            N_(
                "'%(involved)s' scores %(involved_points)s; '%(none)s' (%(none_points)s) "
                "includes < 50 %% involvement without collapse."
            ),
            involved=SinsCollapse.NONE_GT50_INVOLVED.label,
            involved_points=SinsCollapse.NONE_GT50_INVOLVED.points,
            none=SinsCollapse.NONE.label,
            none_points=SinsCollapse.NONE.points,
        ),
        N_("The category follows the CT: collapse first, then how much of the body is involved."),
        (FISHER_2010, SPEC),
        ("sins_collapse",),
    ),
    Trap(
        "A-S5",
        SINS,
        N_("The stable band starts at 0"),
        N_("One secondary source prints the stable band as 1–6."),
        Message(N_("%(items)s. %(note)s"), items=_bands(sins.BANDS), note=sins.CONSULTATION_NOTE),
        (FISHER_2010, SPEC),
    ),
    Trap(
        "A-S6",
        SINS,
        N_("One level per lesion"),
        N_("No rule was found for a lesion spanning two location classes (e.g. T2–T3)."),
        N_("One level is entered per lesion; separate lesions are scored separately."),
        (FISHER_2010, SPEC),
        ("sins_location",),
    ),
    # ---------------------------------------------------------------- Tomita
    Trap(
        "A-TM5",
        TOMITA,
        N_("Treatable is not removable"),
        Message(
            N_(
                "Tomita's 'treatable' visceral metastases include control by systemic therapy, "
                "radiation or ablation at any visceral site; Tokuhashi's 'removable' is a "
                "surgical judgement on four organs. Unremovable yet treatable disease scores "
                "%(treatable)s, not %(untreatable)s."
            ),
            treatable=_TV.TREATABLE.points,
            untreatable=_TV.UNTREATABLE.points,
        ),
        _reading(tomita.READINGS, "tomita_treatable"),
        (TOMITA_2001, CALCULATOR_READING),
        ("tomita_visceral_mets",),
    ),
    Trap(
        "A-TM3",
        TOMITA,
        N_("Two vertebral bodies are not solitary"),
        Message(
            N_(
                "'Solitary or isolated' is undefined; contiguous levels are sometimes scored as "
                "one isolated lesion (%(points)s point)."
            ),
            points=tomita.TomitaBone.SOLITARY.points,
        ),
        _reading(tomita.READINGS, "tomita_solitary_or_isolated"),
        (TOMITA_2001, CALCULATOR_READING),
        ("tomita_bone_mets", "bauer_solitary_skeletal_met"),
    ),
    Trap(
        "A-TM4",
        TOMITA,
        N_("The organ, not the biology"),
        Message(
            N_(
                "Hormone-independent breast cancer is %(tomita)s (%(points)s) in Tomita but "
                "moderate in Katagiri; lung cancer on targeted therapy stays %(lung)s points."
            ),
            tomita=InSentence(tomita.GROWTH[PrimaryTumor.BREAST_HORMONE_INDEPENDENT].option.label),
            points=tomita.GROWTH[PrimaryTumor.BREAST_HORMONE_INDEPENDENT].option.points,
            lung=tomita.GROWTH[PrimaryTumor.LUNG_TARGETED].option.points,
        ),
        _reading(tomita.READINGS, "tomita_organ_not_biology"),
        (TOMITA_2001, CALCULATOR_READING),
        ("tomita_primary",),
    ),
    Trap(
        "A-TM6",
        TOMITA,
        N_("Lower is better, and the groups are goals"),
        Message(
            N_(
                "Tomita runs the other way to Tokuhashi: %(best)s is the best prognosis, "
                "%(worst)s the worst. Its groups are the treatment goals of the 2001 paper, not "
                "survival bands."
            ),
            best=tomita.BANDS[0].low,
            worst=tomita.BANDS[-1].high,
        ),
        Message(
            N_("%(items)s. %(note)s"),
            items=Joined((_range_meaning(b, _tomita_goal(b)) for b in tomita.BANDS), "; "),
            note=tomita.VALIDITY_NOTE,
        ),
        (TOMITA_2001, *tomita.VALIDITY_SOURCES),
    ),
    # ---------------------------------------------------------------- modified Bauer
    Trap(
        "A-MB1",
        BAUER,
        N_("The modified score has four items"),
        N_(
            "The original Bauer score adds 'no pathological fracture' (0–5, bands 0–1 / 2–3 / "
            "4–5); mixing its bands with the modified total misreads every total of 3."
        ),
        Message(
            N_("%(reading)s %(bands)s."),
            reading=_reading(bauer.READINGS, "bauer_modified_not_original"),
            bands=Joined((_range_meaning(b, b.meaning) for b in bauer.BANDS), "; "),
        ),
        (LEITHNER_2008,),
    ),
    Trap(
        "A-MB4",
        BAUER,
        N_("Unknown primary and carcinoid are 'not lung cancer'"),
        Message(
            N_(
                "Many unidentified primaries turn out to be lung cancer, and carcinoid may be "
                "bronchial; the literal item still scores %(points)s."
            ),
            points=bauer.NOT_LUNG[PrimaryTumor.UNKNOWN_PRIMARY].option.points,
        ),
        _reading(bauer.READINGS, "bauer_not_lung"),
        (LEITHNER_2008, CALCULATOR_READING),
        ("bauer_not_lung_cancer",),
    ),
    # ---------------------------------------------------------------- both prognostic scores
    Trap(
        "A-G1",
        GENERAL,
        N_("KPS and ECOG are not converted"),
        N_(
            "Tokuhashi reads the Karnofsky %, Katagiri reads ECOG; the published conversions "
            "disagree exactly where Katagiri's point changes (KPS 50 is ECOG 2 in the usual "
            "table, ECOG 3 in Ma 2010 and Prasad 2018)."
        ),
        Message(
            N_(
                "Both scales are recorded natively and neither is derived from the other: "
                "%(tokuhashi)s (Tokuhashi); %(katagiri)s (Katagiri)."
            ),
            tokuhashi=_arrows(tokuhashi.GeneralCondition),
            katagiri=_arrows(katagiri.EcogPoint),
        ),
        (KARNOFSKY_1949, OKEN_1982, SPEC),
        ("tokuhashi_general_condition", "katagiri_ecog"),
    ),
)


def traps_for(score: str) -> tuple[Trap, ...]:
    """The traps shown with ``score`` on the Learn page (general ones included)."""
    return tuple(t for t in TRAPS if t.applies_to(score))


def traps_concerning(answer_key: str) -> tuple[Trap, ...]:
    """The traps that bear on one quiz item, attached to its feedback."""
    return tuple(t for t in TRAPS if answer_key in t.concerns)
