"""Tomita score (2001): three items, 2–10, a lower total is a better prognosis.

Tomita K, Kawahara N, Kobayashi T, Yoshida A, Murakami H, Akamaru T. Surgical strategy for
spinal metastases. Spine 2001;26(3):298-306. The paper itself was not accessible; items,
points and groups are those of two independent open-source calculators and a hospital
form, which agree (spec S15–S17, §1). Each total falls in one of four groups that the
paper gives as **treatment goals**, not as predicted survival; the paper's survival
figures rest on recollection only and are never shown (spec §1.3, A-TM6).

Items come from facts the case already holds, plus one new answer:

1. primary tumour growth: slow 1, moderate 2, rapid or unknown primary 4 (A-TM1), from the
   shared primary-tumour code (``GROWTH`` below, spec §4; every entry marked verified,
   recollection or reading);
2. visceral metastases: none 0, treatable 2, untreatable 4 — presence is the shared fact of
   ``scoring.derived``, treatability the ``visceral_mets_treatable`` answer (A-TM5);
3. bone metastases, the spine included: solitary 1, multiple 2 — the shared "solitary
   skeletal metastasis" fact (A-TM3: two vertebral bodies are multiple, a reading).

Worked example (spec §8, T4): cervical cancer (moderate 2), a removable lung nodule judged
treatable (2), one vertebral body and no other bone focus (1): total 5, middle-term local
control.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from i18n import N_, Message
from scoring.case import PatientCase
from scoring.derived import solitary_skeletal, visceral_present
from scoring.evidence import Assignment, Evidence, Reading, assigned_detail
from scoring.items import ItemFunction, item, item_among
from scoring.options import CodedEnum, ScoredOption
from scoring.primary_tumor import PrimaryTumor
from scoring.result import Band, ItemResult, ScoreResult
from scoring.score_id import ScoreId
from scoring.sources import (
    CALCULATOR_READING,
    GONG_2021,
    SCHOENFELD_2022,
    TOMITA_2001,
    TOMITA_2001_RECOLLECTION,
    Source,
)

SOURCE = TOMITA_2001
KEY = ScoreId.TOMITA.value
NAME = N_("Tomita score")


class TomitaGrowth(ScoredOption):
    """Item 1: primary tumour, by growth (the tumour names are examples, not closed lists)."""

    SLOW = ("slow", 1, N_("Slow growth (e.g. breast, thyroid, prostate)"), SOURCE)
    MODERATE = ("moderate", 2, N_("Moderate growth (e.g. kidney, uterus)"), SOURCE)
    RAPID = ("rapid", 4, N_("Rapid growth (e.g. lung, stomach) or unknown primary"), SOURCE)


class TomitaVisceral(ScoredOption):
    """Item 2: visceral metastases (brain included, lymph nodes not)."""

    NONE = ("none", 0, N_("No visceral metastases"), SOURCE)
    TREATABLE = ("treatable", 2, N_("Treatable visceral metastases"), SOURCE)
    UNTREATABLE = ("untreatable", 4, N_("Untreatable visceral metastases"), SOURCE)


class TomitaBone(ScoredOption):
    """Item 3: bone metastases, the spine included."""

    SOLITARY = ("solitary", 1, N_("Solitary or isolated bone metastasis"), SOURCE)
    MULTIPLE = ("multiple", 2, N_("Multiple bone metastases"), SOURCE)


class TomitaGroup(CodedEnum):
    """The four groups of totals, by their treatment goal (stable codes for files)."""

    LONG_TERM_LOCAL_CONTROL = "long_term_local_control"
    MIDDLE_TERM_LOCAL_CONTROL = "middle_term_local_control"
    SHORT_TERM_PALLIATION = "short_term_palliation"
    TERMINAL_CARE = "terminal_care"


G = TomitaGroup
#: The authors' surgical strategy for each group, attributed; informative, never scored.
STRATEGY: Mapping[str, str] = MappingProxyType(
    {
        G.LONG_TERM_LOCAL_CONTROL: N_(
            "The 2001 paper's strategy for this group: wide or marginal excision."
        ),
        G.MIDDLE_TERM_LOCAL_CONTROL: N_(
            "The 2001 paper's strategy for this group: marginal or intralesional excision."
        ),
        G.SHORT_TERM_PALLIATION: N_(
            "The 2001 paper's strategy for this group: palliative surgery."
        ),
        G.TERMINAL_CARE: N_(
            "The 2001 paper's strategy for this group: non-operative supportive care."
        ),
    }
)


def _band(group: TomitaGroup, low: int, high: int, goal: str, title: str) -> Band:
    return Band(
        group.value,
        Message(N_("%(goal)s (%(low)s–%(high)s)"), goal=title, low=low, high=high),
        low,
        high,
        Message(
            N_("Treatment goal set by the 2001 paper for totals %(low)s–%(high)s: %(goal)s"),
            low=low,
            high=high,
            goal=goal,
        ),
        SOURCE,
    )


BANDS: tuple[Band, ...] = (
    _band(
        G.LONG_TERM_LOCAL_CONTROL,
        2,
        3,
        N_("long-term local control"),
        N_("Long-term local control"),
    ),
    _band(
        G.MIDDLE_TERM_LOCAL_CONTROL,
        4,
        5,
        N_("middle-term local control"),
        N_("Middle-term local control"),
    ),
    _band(G.SHORT_TERM_PALLIATION, 6, 7, N_("short-term palliation"), N_("Short-term palliation")),
    _band(G.TERMINAL_CARE, 8, 10, N_("terminal care"), N_("Terminal care")),
)

GOAL_NOTE = N_(
    "Tomita's groups are the treatment goals the 2001 paper set for each total, not a "
    "prediction of survival; the paper's survival figures could not be confirmed in an "
    "accessible source and are not shown."
)
VALIDITY_NOTE = N_(
    "A modern cohort of 221 operated patients (2010–2019) found that the Tomita groups "
    "predicted survival correctly in only 30 % of patients, and a prospective comparison of "
    "202 patients reported a one-year-survival c-statistic of 0.69: the 2001 groups "
    "predicted survival poorly under current treatment (Gong 2021; Schoenfeld 2022)."
)
VALIDITY_SOURCES: tuple[Source, ...] = (GONG_2021, SCHOENFELD_2022)

_V, _RC, _RD = Evidence.VERIFIED, Evidence.RECOLLECTION, Evidence.READING
_S, _M, _R = TomitaGrowth.SLOW, TomitaGrowth.MODERATE, TomitaGrowth.RAPID
_P = PrimaryTumor
_KATAGIRI_RAPID = N_(
    "Tomita names no group for it; the calculator's Katagiri growth group (rapid)."
)
_KATAGIRI_MODERATE = N_(
    "Tomita names no group for it; the calculator's Katagiri growth group (moderate)."
)
_BIOLOGY = N_(
    "Tomita scores the organ, not the tumour biology: the 2001 score predates hormone- and "
    "molecular-targeted therapy."
)
_RECALLED_RAPID = N_(
    "Recalled among the 2001 paper's rapid examples (not confirmed); Katagiri's group agrees."
)

#: Every primary-tumour code's Tomita growth group, with its trust and the reason for a
#: reading (spec §4). A code missing here fails at import, so a new tumour cannot be
#: silently unscored.
GROWTH: Mapping[PrimaryTumor, Assignment[TomitaGrowth]] = MappingProxyType(
    {
        _P.LUNG_TARGETED: Assignment(_R, _V, _BIOLOGY),
        _P.LUNG_UNTARGETED: Assignment(_R, _V),
        _P.OSTEOSARCOMA: Assignment(
            _R,
            _RD,
            N_(
                "Tomita names no group for it; the revised Tokuhashi score places it with lung and "
                "stomach, Tomita's rapid examples (Katagiri would say moderate)."
            ),
        ),
        _P.STOMACH: Assignment(_R, _V),
        _P.BLADDER: Assignment(_R, _RD, _KATAGIRI_RAPID),
        _P.ESOPHAGUS: Assignment(_R, _RD, _KATAGIRI_RAPID),
        _P.PANCREAS: Assignment(_R, _RD, _KATAGIRI_RAPID),
        _P.LIVER: Assignment(_R, _RC, _RECALLED_RAPID),
        _P.GALLBLADDER: Assignment(_R, _RD, _KATAGIRI_RAPID),
        _P.UNKNOWN_PRIMARY: Assignment(_R, _V),
        _P.KIDNEY: Assignment(_M, _V),
        _P.UTERUS_BODY: Assignment(_M, _V),
        _P.UTERUS_CERVIX: Assignment(
            _M,
            _V,
            N_(
                "Tomita's 'uterus' is read as corpus and cervix, as in the revised Tokuhashi score."
            ),
        ),
        _P.RECTUM: Assignment(_R, _RC, _RECALLED_RAPID),
        _P.COLON: Assignment(_R, _RC, _RECALLED_RAPID),
        _P.THYROID: Assignment(_S, _V),
        _P.BREAST_HORMONE_DEPENDENT: Assignment(_S, _V),
        _P.BREAST_HORMONE_INDEPENDENT: Assignment(_S, _V, _BIOLOGY),
        _P.PROSTATE_HORMONE_DEPENDENT: Assignment(_S, _V),
        _P.PROSTATE_HORMONE_INDEPENDENT: Assignment(_S, _V, _BIOLOGY),
        _P.CARCINOID: Assignment(
            _S,
            _RD,
            N_(
                "Tomita names no group for it; slow-growing, and the revised Tokuhashi score "
                "places it with thyroid, breast and prostate, Tomita's slow examples."
            ),
        ),
        _P.MYELOMA: Assignment(
            _S,
            _RD,
            N_("Tomita names no group for it; the calculator's Katagiri growth group (slow)."),
        ),
        _P.LYMPHOMA: Assignment(
            _S,
            _RD,
            N_("Tomita names no group for it; the calculator's Katagiri growth group (slow)."),
        ),
        _P.OVARY: Assignment(
            _M, _RD, N_("Gynaecological like Tomita's 'uterus'; Katagiri's group is moderate too.")
        ),
        _P.HEAD_AND_NECK: Assignment(_R, _RD, _KATAGIRI_RAPID),
        _P.MELANOMA: Assignment(_R, _RD, _KATAGIRI_RAPID),
        _P.SARCOMA_OTHER: Assignment(
            _M,
            _RD,
            N_(
                "Tomita names no group for it; Katagiri's sarcoma group (moderate). The 2001 paper "
                "may have listed sarcomas as rapid (recollection only): the widest uncertainty of "
                "this table."
            ),
        ),
        _P.OTHER_UROLOGICAL: Assignment(
            _R, _RD, N_("Like bladder cancer; the calculator's Katagiri growth group (rapid).")
        ),
        _P.OTHER: Assignment(
            _M,
            _RD,
            N_("Tomita has no 'others' row; the middle group, as Katagiri's 'others'."),
        ),
    }
)
if set(GROWTH) != set(PrimaryTumor):  # pragma: no cover - a vocabulary edit without this table
    raise RuntimeError("every primary-tumour code needs a Tomita growth group")

READINGS: tuple[Reading, ...] = (
    Reading(
        "tomita_rapid_growth_points",
        KEY,
        N_("Rapid growth scores 4 points"),
        N_(
            "One review table gives 3 points for rapid growth; only 4 gives the published range "
            "2–10 (4 + 4 + 2), and two independent sources give 4. An unknown primary is rapid."
        ),
        (TOMITA_2001,),
    ),
    Reading(
        "tomita_open_tumour_lists",
        KEY,
        N_("Tumours Tomita does not name"),
        N_(
            "Every accessible source gives examples only (breast, thyroid, prostate; kidney, "
            "uterus; lung, stomach). A tumour not named takes the calculator's Katagiri growth "
            "group, except where the revised Tokuhashi score puts it with Tomita's examples of "
            "another group (carcinoid with thyroid, breast and prostate: slow; osteosarcoma with "
            "lung and stomach: rapid). Liver, colon and rectum as rapid rest on recollection of "
            "the 2001 paper."
        ),
        (TOMITA_2001, TOMITA_2001_RECOLLECTION, CALCULATOR_READING),
    ),
    Reading(
        "tomita_solitary_or_isolated",
        KEY,
        N_("'Solitary or isolated' bone metastasis"),
        N_(
            "No accessible source defines 'isolated'. A bone metastasis is solitary only when "
            "there is exactly one skeletal metastasis: one vertebral body and no focus outside "
            "the spine. Two or more vertebral bodies score multiple even when they are "
            "contiguous. This is the same fact as the modified Bauer score's 'solitary skeletal "
            "metastasis' and Katagiri's 'multiple skeletal metastases', and the cautious "
            "direction."
        ),
        (TOMITA_2001, CALCULATOR_READING),
    ),
    Reading(
        "tomita_organ_not_biology",
        KEY,
        N_("The organ, not the tumour biology"),
        N_(
            "The 2001 score predates hormone- and molecular-targeted therapy: hormone-independent "
            "breast and castration-resistant prostate cancer stay slow (1 point), lung cancer on "
            "targeted therapy stays rapid (4). Katagiri differs on purpose; both are shown as "
            "published."
        ),
        (TOMITA_2001, CALCULATOR_READING),
    ),
    Reading(
        "tomita_treatable",
        KEY,
        N_("'Treatable' visceral metastases are asked, not derived"),
        N_(
            "Tomita's 'treatable' is wider than Tokuhashi's 'removable': it includes control by "
            "systemic therapy, radiation or ablation, and covers every visceral site. So it is a "
            "separate yes/no answer, asked only when a visceral metastasis is present; "
            "unremovable yet treatable disease scores 2."
        ),
        (TOMITA_2001, CALCULATOR_READING),
    ),
    Reading(
        "tomita_visceral_organs",
        KEY,
        N_("Which metastases are visceral"),
        N_(
            "Brain counts as visceral and lymph nodes do not; pleural, peritoneal and "
            "leptomeningeal dissemination count. A visceral metastasis is present when the "
            "visceral answer is nodular or disseminated, or a major-organ metastasis is recorded; "
            "'no major-organ metastasis' alone does not exclude adrenal, pleural or peritoneal "
            "disease."
        ),
        (TOMITA_2001, CALCULATOR_READING),
    ),
    Reading(
        "tomita_groups_are_goals",
        KEY,
        N_("The groups are treatment goals"),
        Message(
            N_(
                "The 2001 paper set a treatment goal for each group of totals; some reviews "
                "attach survival windows to them, which this calculator does not repeat. "
                "%(validity)s"
            ),
            validity=VALIDITY_NOTE,
        ),
        (TOMITA_2001, GONG_2021, SCHOENFELD_2022),
    ),
)


def _primary_item(case: PatientCase) -> ItemResult:
    tumor = case.primary_tumor
    assignment = None if tumor is None else GROWTH[tumor]
    return item(
        "primary",
        N_("Primary tumour (growth)"),
        TomitaGrowth,
        None if assignment is None else assignment.option,
        ("primary_tumor",),
        SOURCE,
        "" if tumor is None else assigned_detail(tumor.label, assignment),
    )


def _visceral_item(case: PatientCase) -> ItemResult:
    """Presence from the shared fact; the grade from the treatability answer."""
    presence = visceral_present(
        case.visceral_mets, case.major_organ_mets, case.visceral_mets_treatable
    )
    treatable = case.visceral_mets_treatable
    graded: set[TomitaVisceral] = (
        {TomitaVisceral.TREATABLE, TomitaVisceral.UNTREATABLE}
        if treatable is None
        else {TomitaVisceral.TREATABLE if treatable else TomitaVisceral.UNTREATABLE}
    )
    missing: tuple[str, ...] = () if treatable is not None else ("visceral_mets_treatable",)
    if presence.value is False:
        possible: set[TomitaVisceral] = {TomitaVisceral.NONE}
        missing = ()
    elif presence.value is True:
        possible = graded
    else:
        possible = {TomitaVisceral.NONE, *graded}
        missing = (*presence.missing, *missing)
    return item_among(
        "visceral_mets",
        N_("Visceral metastases"),
        TomitaVisceral,
        frozenset(possible),
        missing,
        SOURCE,
    )


def _bone_item(case: PatientCase) -> ItemResult:
    extra, bodies = case.extraspinal_bone_mets, case.vertebral_body_mets
    solitary = solitary_skeletal(extra, bodies)
    option = (
        None
        if solitary.value is None
        else TomitaBone.SOLITARY
        if solitary.value
        else TomitaBone.MULTIPLE
    )
    detail = (
        Message(
            N_("%(reading)s (%(evidence)s)"),
            reading=solitary.reading,
            evidence=Evidence.READING.label,
        )
        if solitary.reading
        else ""
    )
    return item(
        "bone_mets",
        N_("Bone metastases (spine included)"),
        TomitaBone,
        option,
        solitary.missing,
        SOURCE,
        detail,
    )


#: The three factors in the paper's order, each a function of the case: ``score`` sums
#: them, and the batch scorer asks one at a time (``scoring.batch.lookups``).
ITEMS: tuple[ItemFunction, ...] = (_primary_item, _visceral_item, _bone_item)


def score(case: PatientCase) -> ScoreResult:
    """The Tomita score of ``case``; unknown items widen the total to a range."""
    items = tuple(item_of(case) for item_of in ITEMS)
    return ScoreResult(KEY, NAME, items, BANDS, False, SOURCE, (GOAL_NOTE, VALIDITY_NOTE))


def group_of(result: ScoreResult) -> TomitaGroup | None:
    """The group of a Tomita result; None when its range spans groups."""
    band = result.band
    return None if band is None else TomitaGroup.parse(band.code)
