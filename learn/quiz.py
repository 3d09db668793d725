"""Quiz for trainees: a generated case vignette, scored item by item and marked.

Why the expected answer is never computed here: the vignette is built as a
:class:`~scoring.PatientCase` first and its text is written from that case; the expected
option of every item is what :func:`scoring.score_case` returns for it, the very code the
calculator runs. A trainee who disagrees with the quiz therefore disagrees with the
calculator, and the feedback names the item's rule, the trap behind it and its source.

Why a seeded ``random.Random``: the same seed gives the same vignette, so a case can be
reproduced, shared and tested. Vignettes draw on the domain vocabularies (primary tumors,
Frankel grades, vertebral levels, SINS findings, laboratory analytes and their units); the
phrases below only put those codes into clinical words. Laboratory values are sometimes in
SI units and sometimes sit at a cut-off, so trainees meet the conversions (spec A-K7).

Why every text here is a message (``N_``, ``Message``, ``PluralMessage``): a vignette, an
option and an explanation are composed before anyone knows the reader's language. Each is
the English text (so English readers, the CLI and the tests see plain strings) and keeps its
msgid and named values, so the page renders it in its session's language, and a translation
orders the parts as its language needs ("An 84-year-old woman …" is "84 歳の女性。…").

No Streamlit here: the Learn page only renders what this module returns.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from types import MappingProxyType
from typing import Any, TypeVar

from i18n import N_, Message, PluralMessage
from learn._wording import Capitalised, InSentence, Joined
from learn.traps import Trap, traps_concerning
from scoring import CaseScores, PatientCase, bauer, score_case, tomita
from scoring.bilsky import BilskyGrade
from scoring.derived import visceral_present
from scoring.evidence import Assignment, Evidence
from scoring.frankel import FrankelGrade
from scoring.labs import ANALYTES, AnalyteSpec, LabTier, LabUnit
from scoring.levels import VertebralLevel
from scoring.metastases import MajorOrganMets, VisceralMets
from scoring.options import LabelledEnum, ScoredOption
from scoring.primary_tumor import PrimaryTumor
from scoring.result import ItemResult, ScoreResult
from scoring.score_id import ScoreId
from scoring.sins_findings import (
    SinsAlignment,
    SinsBoneLesion,
    SinsCollapse,
    SinsPain,
    SinsPosterolateral,
)


class QuizChoice(LabelledEnum):
    """Which score the trainee answers: one of the five, or all of them."""

    @property
    def scores(self) -> tuple[str, ...]:
        return SCORE_KEYS if self is QuizChoice.ALL else (self.value,)

    TOKUHASHI = (ScoreId.TOKUHASHI.value, ScoreId.TOKUHASHI.label)
    KATAGIRI = (ScoreId.KATAGIRI.value, ScoreId.KATAGIRI.label)
    SINS = (ScoreId.SINS.value, ScoreId.SINS.label)
    TOMITA = (ScoreId.TOMITA.value, ScoreId.TOMITA.label)
    BAUER = (ScoreId.BAUER.value, ScoreId.BAUER.label)
    ALL = ("all", N_("All five"))


SCORE_KEYS: tuple[str, ...] = tuple(score.value for score in ScoreId)
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One item of one score: what the quiz asks and the Learn page tabulates."""

    score: str
    key: str
    label: str
    table: type[ScoredOption]
    fields: tuple[str, ...]

    @property
    def answer_key(self) -> str:
        return answer_key(self.score, self.key)

    @property
    def rule(self) -> str:
        """The item's table in one line, e.g. ``Poor (KPS 10–40 %) → 0; …``."""
        arrows = (
            Message(N_("%(label)s → %(points)s"), label=m.label, points=m.points)
            for m in self.table
        )
        return Joined(arrows, "; ")


def option_text(option: ScoredOption) -> str:
    """How an answer option reads on screen: its label and its points (a page renders it
    in its session's language)."""
    return PluralMessage(
        "%(label)s · %(points)s point",
        "%(label)s · %(points)s points",
        option.points,
        label=option.label,
        points=option.points,
    )


def answer_key(score: str, item: str) -> str:
    """``<score>_<item>``: the quiz answer's name (the page prefixes ``learn_quiz_``)."""
    return f"{score}_{item}"


def _results(scores: CaseScores) -> dict[str, ScoreResult]:
    return {s.key: s for s in scores.all_scores}


@cache
def catalogue() -> tuple[ItemSpec, ...]:
    """Every item of the five scores, in the scores' own order.

    Scoring an empty case makes each item name the fields it needs and the option table
    it is scored from (``ItemResult.table``), so the catalogue is read off the scoring
    code rather than restated.
    """
    empty = _results(score_case(PatientCase()))
    return tuple(
        ItemSpec(key, i.key, i.label, i.table, i.missing)
        for key in SCORE_KEYS
        for i in empty[key].items
    )


def items_for(choice: QuizChoice) -> tuple[ItemSpec, ...]:
    return tuple(spec for spec in catalogue() if spec.score in choice.scores)


def fields_for(choice: QuizChoice) -> tuple[str, ...]:
    """The case fields the chosen score(s) read, each once."""
    return tuple(dict.fromkeys(f for spec in items_for(choice) for f in spec.fields))


# --------------------------------------------------------------------------- phrases

PRIMARY_PHRASES: Mapping[PrimaryTumor, str] = MappingProxyType(
    {
        PrimaryTumor.LUNG_TARGETED: N_(
            "lung adenocarcinoma with an EGFR mutation, treated with an "
            "EGFR tyrosine-kinase inhibitor (molecularly targeted therapy)"
        ),
        PrimaryTumor.LUNG_UNTARGETED: N_(
            "lung cancer without a targetable driver, never treated "
            "with molecularly targeted therapy"
        ),
        PrimaryTumor.OSTEOSARCOMA: N_("osteosarcoma"),
        PrimaryTumor.STOMACH: N_("gastric cancer"),
        PrimaryTumor.BLADDER: N_("bladder cancer"),
        PrimaryTumor.ESOPHAGUS: N_("esophageal cancer"),
        PrimaryTumor.PANCREAS: N_("pancreatic cancer"),
        PrimaryTumor.LIVER: N_("hepatocellular carcinoma"),
        PrimaryTumor.GALLBLADDER: N_("gallbladder cancer"),
        PrimaryTumor.UNKNOWN_PRIMARY: N_(
            "metastatic carcinoma whose primary was not identified despite a full work-up"
        ),
        PrimaryTumor.KIDNEY: N_("renal cell carcinoma"),
        PrimaryTumor.UTERUS_BODY: N_("endometrial cancer (uterine corpus)"),
        PrimaryTumor.UTERUS_CERVIX: N_("cervical cancer (uterine cervix)"),
        PrimaryTumor.RECTUM: N_("rectal cancer"),
        PrimaryTumor.COLON: N_("cancer of the ascending colon"),
        PrimaryTumor.THYROID: N_("thyroid cancer"),
        PrimaryTumor.BREAST_HORMONE_DEPENDENT: N_(
            "hormone-dependent (oestrogen-receptor-positive) breast cancer"
        ),
        PrimaryTumor.BREAST_HORMONE_INDEPENDENT: N_(
            "hormone-independent (oestrogen- and progesterone-receptor-negative) breast cancer"
        ),
        PrimaryTumor.PROSTATE_HORMONE_DEPENDENT: N_(
            "hormone-dependent (hormone-sensitive) prostate cancer"
        ),
        PrimaryTumor.PROSTATE_HORMONE_INDEPENDENT: N_(
            "castration-resistant (hormone-independent) prostate cancer"
        ),
        PrimaryTumor.CARCINOID: N_("a carcinoid (well-differentiated neuroendocrine) tumour"),
        PrimaryTumor.MYELOMA: N_("multiple myeloma"),
        PrimaryTumor.LYMPHOMA: N_("malignant lymphoma"),
        PrimaryTumor.OVARY: N_("ovarian cancer"),
        PrimaryTumor.HEAD_AND_NECK: N_("squamous cell carcinoma of the head and neck"),
        PrimaryTumor.MELANOMA: N_("melanoma"),
        PrimaryTumor.SARCOMA_OTHER: N_("a soft-tissue sarcoma (leiomyosarcoma)"),
        PrimaryTumor.OTHER_UROLOGICAL: N_("urothelial cancer of the renal pelvis"),
        PrimaryTumor.OTHER: N_("thymic carcinoma, a primary neither score names"),
    }
)
_FEMALE_ONLY = frozenset(
    {
        PrimaryTumor.BREAST_HORMONE_DEPENDENT,
        PrimaryTumor.BREAST_HORMONE_INDEPENDENT,
        PrimaryTumor.UTERUS_BODY,
        PrimaryTumor.UTERUS_CERVIX,
        PrimaryTumor.OVARY,
    }
)
_MALE_ONLY = frozenset(
    {PrimaryTumor.PROSTATE_HORMONE_DEPENDENT, PrimaryTumor.PROSTATE_HORMONE_INDEPENDENT}
)

#: Staging beyond the skeleton: (CT wording, Tokuhashi major organs, Katagiri visceral).
#: Tokuhashi's major organs are lungs, liver, kidneys and brain (spec S3); brain nodules are
#: nodular for Katagiri and dissemination is its maximum (spec A-K10).
ORGAN_FINDINGS: tuple[tuple[str, MajorOrganMets, VisceralMets], ...] = (
    (
        N_(
            "no metastasis in the lungs, liver, kidneys or brain and no pleural, peritoneal or "
            "leptomeningeal disease"
        ),
        MajorOrganMets.NONE,
        VisceralMets.NONE,
    ),
    (
        N_(
            "a single lung nodule that the thoracic surgeon judges removable, and no other "
            "visceral disease"
        ),
        MajorOrganMets.REMOVABLE,
        VisceralMets.NODULAR,
    ),
    (
        N_(
            "a single brain metastasis that the neurosurgeon judges removable, and no other "
            "visceral disease"
        ),
        MajorOrganMets.REMOVABLE,
        VisceralMets.NODULAR,
    ),
    (
        N_("multiple metastases in both lobes of the liver, judged unremovable"),
        MajorOrganMets.UNREMOVABLE,
        VisceralMets.NODULAR,
    ),
    (
        N_("multiple lung nodules, judged unremovable, with a malignant pleural effusion"),
        MajorOrganMets.UNREMOVABLE,
        VisceralMets.DISSEMINATED,
    ),
    (
        N_("peritoneal carcinomatosis, with no metastasis in the lungs, liver, kidneys or brain"),
        MajorOrganMets.NONE,
        VisceralMets.DISSEMINATED,
    ),
)
_ORGAN_WEIGHTS = (5, 2, 1, 2, 1, 1)

TREATABILITY_PHRASES: Mapping[bool, str] = MappingProxyType(
    {
        True: N_(
            "The oncologist expects systemic therapy, radiation or ablation to control the "
            "visceral metastases (treatable)"
        ),
        False: N_(
            "The oncologist expects no available treatment to control the visceral "
            "metastases (untreatable)"
        ),
    }
)

PAIN_PHRASES: Mapping[SinsPain, str] = MappingProxyType(
    {
        SinsPain.MECHANICAL: N_(
            "%(region)s pain that eases when lying down and worsens with "
            "sitting up, standing or moving"
        ),
        SinsPain.OCCASIONAL: N_(
            "occasional %(region)s pain, mostly at night, unchanged by movement or position"
        ),
        SinsPain.NONE: N_("no pain at the level of the lesion"),
    }
)
BONE_LESION_PHRASES: Mapping[SinsBoneLesion, str] = MappingProxyType(
    {
        SinsBoneLesion.LYTIC: N_("a lytic lesion"),
        SinsBoneLesion.MIXED: N_("a mixed lytic and blastic lesion"),
        SinsBoneLesion.BLASTIC: N_("a blastic (sclerotic) lesion"),
    }
)
COLLAPSE_PHRASES: Mapping[SinsCollapse, str] = MappingProxyType(
    {
        SinsCollapse.GT50: N_("more than 50 % collapse of the vertebral body"),
        SinsCollapse.LT50: N_("less than 50 % collapse of the vertebral body"),
        SinsCollapse.NONE_GT50_INVOLVED: N_(
            "no collapse, with tumour in more than half of the vertebral body"
        ),
        SinsCollapse.NONE: N_("no collapse, with tumour in less than half of the vertebral body"),
    }
)
ALIGNMENT_PHRASES: Mapping[SinsAlignment, str] = MappingProxyType(
    {
        SinsAlignment.SUBLUXATION: N_("subluxation (translation) at the level"),
        SinsAlignment.DEFORMITY: N_("a new (de novo) kyphotic deformity"),
        SinsAlignment.NORMAL: N_("normal alignment"),
    }
)
POSTEROLATERAL_PHRASES: Mapping[SinsPosterolateral, str] = MappingProxyType(
    {
        SinsPosterolateral.BILATERAL: N_(
            "tumour replacing the pedicle and facet joint on both sides"
        ),
        SinsPosterolateral.UNILATERAL: N_(
            "tumour replacing the pedicle and facet joint on one side only"
        ),
        SinsPosterolateral.NONE: N_(
            "no involvement of the facet joints, pedicles or costovertebral joints"
        ),
    }
)
_EXTRASPINAL_SITES = (
    N_("pelvis"),
    N_("left femur"),
    N_("ribs"),
    N_("skull"),
    N_("right humerus"),
    N_("sternum"),
    N_("right femur"),
    N_("left scapula"),
)
#: ECOG grades a Karnofsky % is published as (union of the usual, Ma 2010 and Prasad 2018
#: tables, spec §5), so that KPS and ECOG stay plausible together without converting one
#: into the other: at KPS 50–60 the vignette may say ECOG 2 or 3.
_ECOG_WITH_KPS: Mapping[int, tuple[int, ...]] = MappingProxyType(
    {
        100: (0,),
        90: (0, 1),
        80: (1,),
        70: (1, 2),
        60: (2, 3),
        50: (2, 3),
        40: (3, 4),
        30: (3, 4),
        20: (4,),
        10: (4,),
    }
)
_KPS_WEIGHTS = {100: 1, 90: 3, 80: 4, 70: 4, 60: 4, 50: 4, 40: 3, 30: 2, 20: 1, 10: 1}
_FRANKEL_WEIGHTS = {"A": 1, "B": 2, "C": 2, "D": 3, "E": 4}
#: Bilsky grades plausible with each Frankel grade (recorded for the case, not scored).
_BILSKY_WITH_FRANKEL = {
    "A": ("2", "3"),
    "B": ("2", "3"),
    "C": ("1c", "2", "3"),
    "D": ("1b", "1c", "2", "3"),
    "E": ("0", "1a", "1b", "1c", "2"),
}
#: Reporting step of each analyte in each unit (how a laboratory prints it).
_QUANTUM: Mapping[tuple[str, LabUnit], Decimal] = MappingProxyType(
    {
        ("crp", LabUnit.MG_DL): Decimal("0.1"),
        ("crp", LabUnit.MG_L): Decimal(1),
        ("ldh", LabUnit.U_L): Decimal(1),
        ("albumin", LabUnit.G_DL): Decimal("0.1"),
        ("albumin", LabUnit.G_L): Decimal(1),
        ("platelets", LabUnit.E9_PER_L): Decimal(1),
        ("platelets", LabUnit.E4_PER_UL): Decimal("0.1"),
        ("calcium", LabUnit.MG_DL): Decimal("0.1"),
        ("calcium", LabUnit.MMOL_L): Decimal("0.01"),
        ("bilirubin", LabUnit.MG_DL): Decimal("0.1"),
        ("bilirubin", LabUnit.UMOL_L): Decimal(1),
    }
)
#: Where values are drawn, as multiples of the cut-off: (normal low, normal high, flagged
#: low, flagged high), chosen so that normal values look like a laboratory's normal range.
_SPANS: Mapping[str, tuple[float, float, float, float]] = MappingProxyType(
    {
        "crp": (0.1, 0.9, 1.2, 20.0),
        "ldh": (0.5, 0.95, 1.1, 4.0),
        "albumin": (1.03, 1.3, 0.6, 0.95),
        "platelets": (1.5, 4.0, 0.3, 0.95),
        "calcium": (0.83, 0.97, 1.02, 1.3),
        "bilirubin": (0.2, 0.85, 1.2, 5.0),
    }
)


# --------------------------------------------------------------------------- vignette


@dataclass(frozen=True, slots=True)
class Vignette:
    """A generated case: the validated case, its text, and where each fact is stated.

    ``mentions`` maps a case field to the phrase of the text that states it, so tests can
    check that every fact a score needs is in the text.
    """

    seed: int
    case: PatientCase
    paragraphs: tuple[str, ...]
    mentions: Mapping[str, str]
    si_units: bool

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def scores(self) -> CaseScores:
        """The case scored by the calculator's own code."""
        return score_case(self.case)

    def expected(self) -> dict[str, ItemResult]:
        """Every item's result by answer key, as ``score_case`` gives it."""
        results = _results(self.scores())
        return {
            spec.answer_key: next(i for i in results[spec.score].items if i.key == spec.key)
            for spec in catalogue()
        }


def _weighted(rng: random.Random, weights: Mapping[_T, int]) -> _T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _quantize(value: Fraction, quantum: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(quantum, rounding=rounding)


def _lab_value(rng: random.Random, spec: AnalyteSpec, unit: LabUnit) -> Decimal:
    """A value that is clearly normal, clearly flagged, or at the cut-off after rounding."""
    limit = spec.cutoff_in(unit)
    quantum = _QUANTUM[(spec.field, unit)]
    rule = spec.rule(unit)
    draw = rng.random()
    flagged_share = 0.1 if spec.tier is LabTier.CRITICAL else 0.25
    if draw < 0.08:
        floor = _quantize(limit, quantum, ROUND_FLOOR)
        ceiling = _quantize(limit, quantum, ROUND_CEILING)
        value = rng.choice(sorted({floor - quantum, floor, ceiling, ceiling + quantum}))
    else:
        normal_low, normal_high, flagged_low, flagged_high = _SPANS[spec.field]
        low, high = (
            (flagged_low, flagged_high)
            if draw < 0.08 + flagged_share
            else (normal_low, normal_high)
        )
        value = _quantize(limit * Fraction(rng.uniform(low, high)), quantum)
    return min(max(value, rule.low, quantum), rule.high)


#: Where the pain of a lesion at each spinal region is felt.
_PAIN_REGIONS: Mapping[str, str] = MappingProxyType(
    {"C": N_("neck"), "T": N_("back"), "L": N_("low back"), "S": N_("sacral")}
)
#: The opening sentence by (sex, English article): one whole sentence each, so a
#: translation can order age, sex, primary and complaint as its language needs.
_HISTORY: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("female", "A"): N_("A %(age)s-year-old woman with %(primary)s presents with %(pain)s."),
        ("female", "An"): N_("An %(age)s-year-old woman with %(primary)s presents with %(pain)s."),
        ("male", "A"): N_("A %(age)s-year-old man with %(primary)s presents with %(pain)s."),
        ("male", "An"): N_("An %(age)s-year-old man with %(primary)s presents with %(pain)s."),
    }
)
_CHEMOTHERAPY: Mapping[tuple[str, bool], str] = MappingProxyType(
    {
        ("female", True): N_("She has received cytotoxic chemotherapy for this cancer"),
        ("female", False): N_("She has never received chemotherapy"),
        ("male", True): N_("He has received cytotoxic chemotherapy for this cancer"),
        ("male", False): N_("He has never received chemotherapy"),
    }
)


def _region(level: VertebralLevel) -> str:
    return _PAIN_REGIONS[level.value[0]]


@dataclass
class _Draft:
    """The case fields and the phrases stating them, filled in one topic at a time."""

    values: dict[str, Any] = field(default_factory=dict)
    mentions: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, value: Any, phrase: str) -> str:
        """Record a field's value and the phrase stating it; return the phrase."""
        self.values[name] = value
        self.mentions[name] = phrase
        return phrase


def generate(seed: int) -> Vignette:
    """The vignette of ``seed``: a complete case for all three scores, in clinical words."""
    rng = random.Random(seed)
    d = _Draft()

    tumor = rng.choice(list(PrimaryTumor))
    sexes = ["female"] if tumor in _FEMALE_ONLY else ["male"] if tumor in _MALE_ONLY else None
    sex = rng.choice(sexes or ["female", "male"])
    d.values["sex"] = sex
    d.values["age_years"] = age = rng.randint(38, 86)
    primary = d.put("primary_tumor", tumor.value, PRIMARY_PHRASES[tumor])

    level = _weighted(
        rng,
        {lv: 3 if lv.value[0] == "C" or lv.value in ("T1", "T2") else 1 for lv in VertebralLevel},
    )
    pain = rng.choice(list(SinsPain))
    pain_phrase = PAIN_PHRASES[pain]
    pain_text = d.put(
        "sins_pain",
        pain.value,
        Message(pain_phrase, region=_region(level)) if "%(" in pain_phrase else pain_phrase,
    )
    article = "An" if str(age).startswith("8") or age in (11, 18) else "A"
    history = Message(_HISTORY[(sex, article)], age=age, primary=primary, pain=pain_text)

    kps = _weighted(rng, _KPS_WEIGHTS)
    ecog = rng.choice(_ECOG_WITH_KPS[kps])
    frankel = FrankelGrade.parse(_weighted(rng, _FRANKEL_WEIGHTS))
    chemo = rng.random() < 0.5
    status = Message(
        N_("Performance: %(kps)s; %(ecog)s. Neurology: %(frankel)s. %(chemotherapy)s."),
        kps=d.put("kps", kps, Message(N_("Karnofsky performance status %(kps)s %%"), kps=kps)),
        ecog=d.put("ecog", ecog, Message(N_("ECOG performance status %(ecog)s"), ecog=ecog)),
        frankel=d.put(
            "frankel",
            frankel.value,
            Message(
                N_("Frankel %(grade)s (%(name)s: %(definition)s)"),
                grade=frankel.value,
                name=InSentence(frankel.grade_name),
                definition=InSentence(frankel.definition),
            ),
        ),
        chemotherapy=d.put("previous_chemotherapy", chemo, _CHEMOTHERAPY[(sex, chemo)]),
    )

    extra = rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 6])
    sites = Joined(rng.sample(_EXTRASPINAL_SITES, min(extra, len(_EXTRASPINAL_SITES))), ", ")
    bodies = rng.choice([1, 1, 1, 2, 2, 3, 4])
    bilsky = BilskyGrade.parse(rng.choice(_BILSKY_WITH_FRANKEL[frankel.value]))
    organ_text, organs, visceral = rng.choices(ORGAN_FINDINGS, weights=_ORGAN_WEIGHTS)[0]
    d.values["escc_grade"] = bilsky.value
    d.mentions["major_organ_mets"] = d.mentions["visceral_mets"] = organ_text
    d.values["major_organ_mets"], d.values["visceral_mets"] = organs.value, visceral.value
    bone_scan = (
        N_("no focus outside the spine")
        if extra == 0
        else PluralMessage(
            "%(n)s focus outside the spine (%(sites)s)",
            "%(n)s foci outside the spine (%(sites)s)",
            extra,
            n=extra,
            sites=sites,
        )
    )
    vertebral_bodies = PluralMessage(
        "metastases in %(n)s vertebral body",
        "metastases in %(n)s vertebral bodies",
        bodies,
        n=bodies,
    )
    staging = Message(
        N_(
            "Bone scan: %(bone_scan)s. Whole-spine MRI: %(bodies)s, %(level)s, Bilsky grade "
            "%(bilsky)s on axial T2. CT of chest, abdomen and pelvis: %(organs)s."
        ),
        bone_scan=d.put("extraspinal_bone_mets", extra, bone_scan),
        bodies=d.put("vertebral_body_mets", bodies, vertebral_bodies),
        level=d.put(
            "lesion_level",
            level.value,
            Message(N_("the main lesion at %(level)s"), level=level.value),
        ),
        bilsky=bilsky.value,
        organs=organ_text,
    )

    lesion, collapse = rng.choice(list(SinsBoneLesion)), rng.choice(list(SinsCollapse))
    alignment = rng.choices(list(SinsAlignment), weights=(1, 2, 4))[0]
    postero = rng.choice(list(SinsPosterolateral))
    ct = Message(
        N_("CT of %(level)s: %(lesion)s with %(collapse)s; %(alignment)s; %(posterolateral)s."),
        level=level.value,
        lesion=d.put("sins_bone_lesion", lesion.value, BONE_LESION_PHRASES[lesion]),
        collapse=d.put("sins_collapse", collapse.value, COLLAPSE_PHRASES[collapse]),
        alignment=d.put("sins_alignment", alignment.value, ALIGNMENT_PHRASES[alignment]),
        posterolateral=d.put("sins_posterolateral", postero.value, POSTEROLATERAL_PHRASES[postero]),
    )

    si = rng.random() < 0.4
    labs = _labs(rng, d, si)
    lab_text = Message(
        N_("Laboratory (SI units): %(values)s.")
        if si
        else N_("Laboratory (conventional units): %(values)s."),
        values=labs,
    )
    # drawn last, so that every earlier draw (and the case a seed gave before Tomita was
    # added) stays the same
    treatability = _treatability(rng, d, organs, visceral, organ_text)
    if treatability is not None:
        staging = Joined((staging, Message(N_("%(sentence)s."), sentence=treatability)), " ")
    paragraphs = (history, status, staging, ct, lab_text)
    case = PatientCase.model_validate(d.values)
    return Vignette(seed, case, paragraphs, MappingProxyType(dict(d.mentions)), si)


def _treatability(
    rng: random.Random,
    d: _Draft,
    organs: MajorOrganMets,
    visceral: VisceralMets,
    organ_text: str,
) -> str | None:
    """Tomita's treatability, stated only when a visceral metastasis is present.

    Without one the answer stays empty (a case saying otherwise is refused), and the
    staging sentence that excludes visceral disease is what the trainee reads for it. A
    metastasis the case calls removable is treatable (Tomita's "treatable" is wider than
    Tokuhashi's "removable"): "removable" beside "no available treatment" contradicted
    itself. The draw is made either way, so every later seed's case stays the same.
    """
    if not visceral_present(visceral, organs).value:
        d.mentions["visceral_mets_treatable"] = organ_text
        return None
    treatable = rng.random() < 0.5 or organs is MajorOrganMets.REMOVABLE
    return d.put("visceral_mets_treatable", treatable, TREATABILITY_PHRASES[treatable])


def _labs(rng: random.Random, d: _Draft, si: bool) -> str:
    """All six analytes; beside a critical value an abnormal-tier one may be unmeasured.

    One critical value already gives the item's maximum, so leaving an abnormal-tier value
    out keeps the expected answer exact while showing how an unmeasured value counts (A-K8).
    """
    values: dict[str, tuple[Decimal, LabUnit]] = {}
    for spec in ANALYTES:
        unit = spec.si_unit if si else spec.conventional
        if spec.field == "platelets" and not si and rng.random() < 0.3:
            unit = LabUnit.E4_PER_UL  # as reported in Japan, where the cohort was
        values[spec.field] = (_lab_value(rng, spec, unit), unit)
    critical = any(s.tier is LabTier.CRITICAL and s.is_flagged(*values[s.field]) for s in ANALYTES)
    unmeasured: set[str] = set()
    if critical and rng.random() < 0.4:
        abnormal_tier = [s.field for s in ANALYTES if s.tier is LabTier.ABNORMAL]
        unmeasured = set(rng.sample(abnormal_tier, rng.randint(1, 2)))
    parts = []
    for spec in ANALYTES:
        if spec.field in unmeasured:
            unmeasured_phrase = Message(N_("%(analyte)s not measured"), analyte=spec.label)
            parts.append(d.put(spec.field, None, unmeasured_phrase))
            continue
        value, unit = values[spec.field]
        phrase = Message(
            N_("%(analyte)s %(value)s %(unit)s"), analyte=spec.label, value=value, unit=unit.label
        )
        parts.append(d.put(spec.field, {"value": str(value), "unit": unit.value}, phrase))
    return Joined(parts, ", ")


# --------------------------------------------------------------------------- marking


@dataclass(frozen=True, slots=True)
class ItemMark:
    """One answered item: what was given, what the calculator gives, and why."""

    spec: ItemSpec
    given: ScoredOption | None
    expected: ScoredOption
    why: str
    traps: tuple[Trap, ...]

    @property
    def correct(self) -> bool:
        return self.given is self.expected


@dataclass(frozen=True, slots=True)
class Marking:
    """The marks of one round, with the chosen scores as the calculator computes them."""

    seed: int
    choice: QuizChoice
    marks: tuple[ItemMark, ...]
    results: tuple[ScoreResult, ...]

    @property
    def correct(self) -> int:
        return sum(m.correct for m in self.marks)

    @property
    def asked(self) -> int:
        return len(self.marks)

    @property
    def full_marks(self) -> bool:
        return self.correct == self.asked

    @property
    def wrong(self) -> tuple[str, ...]:
        """The answer keys of the items answered wrongly or left unanswered."""
        return tuple(m.spec.answer_key for m in self.marks if not m.correct)


def why(spec: ItemSpec, item: ItemResult, vignette: Vignette) -> str:
    """The item's right answer explained: the facts, the rule, the reading and the source.

    Every part is a message of its own (``Message``), so the page shows the whole
    explanation in its session's language; the English text is the parts joined.
    """
    option = item.option
    assert option is not None, "a generated vignette decides every item"
    facts = Joined((vignette.mentions[f] for f in spec.fields if f in vignette.mentions), "; ")
    parts: list[str] = [Message(N_("In the case: %(facts)s."), facts=facts)]
    if spec.key == "laboratory":
        parts.append(_lab_reasons(item, vignette.case))
    parts.append(
        PluralMessage(
            "Answer: %(label)s → %(points)s point.",
            "Answer: %(label)s → %(points)s points.",
            option.points,
            label=option.label,
            points=option.points,
        )
    )
    parts.append(
        Message(N_("Rule (%(source)s): %(rule)s."), source=item.source.key, rule=spec.rule)
    )
    tumor = vignette.case.primary_tumor
    assignment = _assignment(spec, tumor)
    if assignment is not None and assignment.evidence is not Evidence.VERIFIED:
        parts.append(
            Message(
                N_("%(trust)s: %(reason)s"),
                trust=Capitalised(assignment.evidence.label),
                reason=assignment.reason,
            )
        )
    elif assignment is not None and assignment.reason:
        parts.append(assignment.reason)
    elif spec.score in ("tomita", "bauer") and item.detail:
        parts.append(Message(N_("Here: %(detail)s."), detail=item.detail))
    if spec.key == "primary" and tumor is not None and spec.score in ("tokuhashi", "katagiri"):
        if spec.score == "katagiri" and not tumor.katagiri_verified:
            parts.append(
                Message(
                    N_(
                        "%(tumor)s: this growth group rests on recollection of the 2014 table "
                        "(unverified)."
                    ),
                    tumor=tumor.label,
                )
            )
        if tumor.reading:
            parts.append(tumor.reading)
    return Joined(parts, " ")


def _assignment(spec: ItemSpec, tumor: PrimaryTumor | None) -> Assignment[Any] | None:
    """The primary-tumour assignment behind a Tomita or Bauer item, with its trust."""
    if tumor is None:
        return None
    tables: Mapping[tuple[str, str], Mapping[PrimaryTumor, Assignment[Any]]] = {
        ("tomita", "primary"): tomita.GROWTH,
        ("bauer", "not_lung_cancer"): bauer.NOT_LUNG,
        ("bauer", "favourable_primary"): bauer.FAVOURABLE,
    }
    table = tables.get((spec.score, spec.key))
    return None if table is None else table[tumor]


def _lab_reasons(item: ItemResult, case: PatientCase) -> str:
    """The cut-offs in the units this case uses, and which values meet them."""
    limits = []
    for spec in ANALYTES:
        value = getattr(case, spec.field)
        if value is not None:
            limits.append(spec.criterion_text(value.unit))
    met = (
        Message(N_("Meets a cut-off: %(detail)s."), detail=item.detail)
        if item.option is not LabTier.NORMAL
        else N_("No measured value meets a cut-off.")
    )
    return Message(
        N_("Cut-offs in this case's units: %(limits)s. %(met)s"),
        limits=Joined(limits, "; "),
        met=met,
    )


def mark(vignette: Vignette, choice: QuizChoice, answers: Mapping[str, str | None]) -> Marking:
    """Mark ``answers`` (answer key → option code, None if unanswered) against the case.

    An unanswered item counts as wrong. A code that is not an option of its item is a
    programming error of the caller and raises ``ValueError`` naming the allowed codes.
    """
    expected = vignette.expected()
    marks = []
    for spec in items_for(choice):
        item = expected[spec.answer_key]
        assert item.option is not None, "a generated vignette decides every item"
        code = answers.get(spec.answer_key)
        given = None if code is None else spec.table.parse(code)
        traps = traps_concerning(spec.answer_key)
        marks.append(ItemMark(spec, given, item.option, why(spec, item, vignette), traps))
    results = _results(vignette.scores())
    return Marking(vignette.seed, choice, tuple(marks), tuple(results[s] for s in choice.scores))


@dataclass(frozen=True, slots=True)
class Tally:
    """A session's running tally: rounds checked, items right and items asked."""

    rounds: int = 0
    full_rounds: int = 0
    items_correct: int = 0
    items_asked: int = 0

    def add(self, marking: Marking) -> Tally:
        return Tally(
            self.rounds + 1,
            self.full_rounds + marking.full_marks,
            self.items_correct + marking.correct,
            self.items_asked + marking.asked,
        )
