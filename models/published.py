"""The cohort paper's Tables 1, 3 and 4 as data, with every correction documented.

Source: Kanda Y, et al. Surgical outcomes and risk factors for poor outcomes in patients
with cervical spine metastasis: a prospective study. J Orthop Surg Res. 2021;16(1):423.
doi:10.1186/s13018-021-02562-8 (the project's seed ``shared/seeds/000_1297d238502ae7e8``).
46 patients operated on for cervical spine metastasis, 18 (39.1%) with a poor outcome.

Why this module exists: the paper publishes aggregates only. The pseudo-cohort search
(:mod:`research.cohort`) must reproduce them, the tests re-check them from the committed CSV,
and the model card shows them. One transcription, typed and frozen, serves all three, so a
number cannot be corrected in one place and left wrong in another.

What is transcribed as printed and what is corrected:

- ``TABLE3_COUNTS_PRINTED`` keeps Table 3 exactly as printed; ``TABLE3_COUNTS`` is the
  corrected reading the pseudo-cohort reproduces. Every difference is listed, with its
  reason, in :data:`CORRECTIONS` (shown verbatim on the model card).
- Table 1's ECOG counts are kept as printed; :data:`ECOG_COUNTS_USED` is the distribution
  the pseudo-cohort uses (Table 3's PS ≥ 3 = 33, see :data:`CORRECTIONS`).
- P values are stored with the test that reproduces them from the counts (:data:`TABLE3_P`).
- "Reproduced to the printed digit" means the value rounded half up to the printed number
  of decimals equals the printed number (:func:`round_half_up`, :func:`matches_printed`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, Literal, TypeVar

from i18n import N_
from scoring.sources import COHORT_STUDY

_K = TypeVar("_K")
_V = TypeVar("_V")

#: The cohort study's citation, as :data:`scoring.sources.COHORT_STUDY` writes it.
CITATION: Final = str(COHORT_STUDY)
N_PATIENTS: Final = 46
N_GOOD: Final = 28
N_POOR: Final = 18


def round_half_up(value: float, decimals: int) -> float:
    """Round as a printed table does (0.0125 → 0.013), not as IEEE/Python does (banker's).

    Goes through the shortest decimal repr of the float, so 2.675 rounds to 2.68 even though
    its binary value is 2.67499…: the printed table was rounded from decimal numbers.
    """
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def matches_printed(value: float, printed: float, decimals: int) -> bool:
    """True when ``value`` rounded half up to ``decimals`` equals the printed number."""
    return math.isclose(round_half_up(value, decimals), printed, abs_tol=10.0 ** (-decimals - 3))


@dataclass(frozen=True, slots=True)
class MeanSD:
    """A printed "mean ± SD" (sample SD, n − 1), with the printed number of decimals."""

    mean: float
    sd: float
    decimals: int = 1


@dataclass(frozen=True, slots=True)
class Count:
    """A printed "n (%)" of Table 1 (percent of all 46 patients)."""

    n: int
    percent: float


@dataclass(frozen=True, slots=True)
class GroupCount:
    """One Table 3 row: counts (and printed percents of all 46) by outcome group."""

    good: int
    poor: int
    good_percent: float
    poor_percent: float


@dataclass(frozen=True, slots=True)
class GroupMeanSD:
    """One continuous Table 3 row: mean ± SD in the good and the poor outcome group."""

    good: MeanSD
    poor: MeanSD


@dataclass(frozen=True, slots=True)
class PrintedP:
    """A printed Table 3 P value, the test that reproduces it, or why none can."""

    value: float
    decimals: int
    test: Literal["pearson_chi2", "mann_whitney_cc", "none"]
    note: str = ""

    @property
    def exempt(self) -> bool:
        """True when no pseudo-cohort can reproduce the printed value."""
        return self.test == "none"


@dataclass(frozen=True, slots=True)
class Table4Row:
    """One row of Table 4 (multivariable logistic regression, Wald inference)."""

    feature: str
    label: str
    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float


@dataclass(frozen=True, slots=True)
class EQ5DValueSet:
    """The EQ-5D-3L value set assumed for the baseline index (see :data:`CORRECTIONS`).

    Coefficients are the decrements of the UK time trade-off tariff (Dolan 1997): index =
    1 − constant (any dimension above level 1) − Σ level decrements − N3 (any level 3).
    """

    name: str
    citation: str
    minimum: float
    maximum: float
    constant: float
    n3: float
    decrements: Mapping[str, tuple[float, float, float]]

    def index(self, state: tuple[int, int, int, int, int]) -> float:
        """The index of a health state given as five levels 1–3 (MO, SC, UA, PD, AD)."""
        if len(state) != 5 or any(level not in (1, 2, 3) for level in state):
            raise ValueError(f"an EQ-5D-3L state is five levels 1–3, got {state}")
        if all(level == 1 for level in state):
            return 1.0
        value = 1.0 - self.constant
        for dimension, level in zip(self.decrements, state, strict=True):
            value -= self.decrements[dimension][level - 1]
        if 3 in state:
            value -= self.n3
        return round(value, 3)


def _frozen(mapping: Mapping[_K, _V]) -> Mapping[_K, _V]:
    return MappingProxyType(dict(mapping))


# --------------------------------------------------------------------------------------
# Table 1: demographics and clinical characteristics at surgery (n = 46)
# --------------------------------------------------------------------------------------

#: Continuous rows of Table 1 that the pseudo-cohort reproduces (column name → mean ± SD).
TABLE1_MEANS: Final[Mapping[str, MeanSD]] = _frozen(
    {
        "age_years": MeanSD(67.5, 11.7),
        "revised_tokuhashi": MeanSD(6.6, 2.5),
        "new_katagiri": MeanSD(4.7, 2.0),
        "sins": MeanSD(11.4, 2.7),
        "eq5d_baseline": MeanSD(0.085, 0.487, decimals=3),
    }
)

#: Surgery-related rows of Table 1: transcribed for the model card, not reconstructed
#: (they happen after the decision the calculator supports, so they are no model input).
TABLE1_SURGERY: Final[Mapping[str, MeanSD]] = _frozen(
    {
        "operative_time_min": MeanSD(188.8, 71.2),
        "blood_loss_g": MeanSD(276.8, 301.1),
        "fixed_vertebrae": MeanSD(5.8, 2.8),
    }
)

#: Categorical rows of Table 1 as printed (column name → category → n (%)).
TABLE1_COUNTS: Final[Mapping[str, Mapping[str, Count]]] = _frozen(
    {
        "sex": _frozen({"male": Count(30, 65.2), "female": Count(16, 34.8)}),
        "escc_group": _frozen({"low": Count(14, 30.4), "high": Count(32, 69.6)}),
        "lesion_group": _frozen(
            {"upper": Count(9, 19.6), "middle": Count(18, 39.1), "ctj": Count(19, 41.3)}
        ),
        "ecog": _frozen(
            {"1": Count(2, 4.3), "2": Count(10, 21.7), "3": Count(22, 47.8), "4": Count(12, 26.1)}
        ),
        "frankel_group": _frozen(
            {"AB": Count(1, 2.2), "CD": Count(29, 63.0), "E": Count(16, 34.8)}
        ),
    }
)
# Female (16, 34.8) is not printed in Table 1; it is 46 − 30 and listed for completeness.

#: Counts stated in the Results text (also n of 46).
TEXT_COUNTS: Final[Mapping[str, Count]] = _frozen(
    {
        "preop_chemotherapy_yes": Count(17, 37.0),
        "preop_radiotherapy_yes": Count(15, 32.6),
        "poor_outcome": Count(18, 39.1),
        "ecog_3_or_more": Count(34, 73.9),
    }
)

# --------------------------------------------------------------------------------------
# Table 3: univariate analysis, good (n = 28) vs poor (n = 18) outcome
# --------------------------------------------------------------------------------------

#: Table 3 exactly as printed (percent of all 46 patients, as printed).
TABLE3_COUNTS_PRINTED: Final[Mapping[str, Mapping[str, GroupCount]]] = _frozen(
    {
        "age_group": _frozen(
            {"65+": GroupCount(19, 11, 41.3, 23.9), "<65": GroupCount(9, 7, 19.6, 15.2)}
        ),
        "sex": _frozen(
            {"male": GroupCount(13, 3, 28.2, 6.5), "female": GroupCount(15, 15, 32.6, 32.6)}
        ),
        "lesion_group": _frozen(
            {
                "upper": GroupCount(8, 1, 17.3, 2.2),
                "middle": GroupCount(13, 5, 28.3, 10.9),
                "ctj": GroupCount(7, 12, 15.2, 26.1),
            }
        ),
        "escc_group": _frozen(
            {"high": GroupCount(20, 12, 43.5, 26.1), "low": GroupCount(8, 6, 17.4, 13.0)}
        ),
        "ecog_group": _frozen(
            {"3-4": GroupCount(20, 13, 43.5, 28.3), "1-2": GroupCount(8, 5, 17.4, 10.9)}
        ),
        "frankel_group": _frozen(
            {
                "AB": GroupCount(0, 1, 0.0, 2.2),
                "CD": GroupCount(14, 15, 30.4, 32.6),
                "E": GroupCount(14, 2, 30.4, 4.3),
            }
        ),
        "preop_chemotherapy": _frozen(
            {"yes": GroupCount(8, 9, 17.4, 19.6), "no": GroupCount(20, 9, 43.5, 19.6)}
        ),
        "preop_radiotherapy": _frozen(
            {"yes": GroupCount(8, 7, 17.4, 15.2), "no": GroupCount(20, 11, 43.5, 23.9)}
        ),
    }
)


def _swap_sex(
    printed: Mapping[str, Mapping[str, GroupCount]],
) -> Mapping[str, Mapping[str, GroupCount]]:
    corrected = dict(printed)
    corrected["sex"] = _frozen({"male": printed["sex"]["female"], "female": printed["sex"]["male"]})
    return _frozen(corrected)


#: Table 3 as the pseudo-cohort reproduces it: the sex rows swapped (see CORRECTIONS).
TABLE3_COUNTS: Final[Mapping[str, Mapping[str, GroupCount]]] = _swap_sex(TABLE3_COUNTS_PRINTED)

#: Continuous rows of Table 3 (column name → good and poor mean ± SD).
TABLE3_MEANS: Final[Mapping[str, GroupMeanSD]] = _frozen(
    {
        "revised_tokuhashi": GroupMeanSD(MeanSD(7.4, 2.7), MeanSD(5.2, 1.4)),
        "new_katagiri": GroupMeanSD(MeanSD(4.1, 2.2), MeanSD(5.6, 1.2)),
        "sins": GroupMeanSD(MeanSD(11.7, 2.8), MeanSD(10.9, 2.4)),
    }
)

#: Printed P values of Table 3 and the test that reproduces each from the data.
TABLE3_P: Final[Mapping[str, PrintedP]] = _frozen(
    {
        "age_group": PrintedP(0.639, 3, "pearson_chi2"),
        "sex": PrintedP(0.039, 3, "pearson_chi2"),
        "revised_tokuhashi": PrintedP(0.002, 3, "mann_whitney_cc"),
        "new_katagiri": PrintedP(0.013, 3, "mann_whitney_cc"),
        "sins": PrintedP(0.335, 3, "mann_whitney_cc"),
        "lesion_group": PrintedP(
            0.006,
            3,
            "none",
            "not reproducible from the printed counts: Pearson 3×2 gives 0.014, CTJ vs rest "
            "0.005 (Pearson), 0.013 (Yates), 0.007 (Fisher), linear-by-linear 0.005",
        ),
        "escc_group": PrintedP(0.732, 3, "pearson_chi2"),
        "ecog_group": PrintedP(0.953, 3, "pearson_chi2"),
        "frankel_group": PrintedP(0.016, 3, "pearson_chi2"),
        "preop_chemotherapy": PrintedP(0.142, 3, "pearson_chi2"),
        "preop_radiotherapy": PrintedP(0.466, 3, "pearson_chi2"),
    }
)

#: How each test is computed, in words for the model card.
TEST_DESCRIPTIONS: Final[Mapping[str, str]] = _frozen(
    {
        "pearson_chi2": N_("Pearson chi-square, no continuity correction"),
        "mann_whitney_cc": N_(
            "Mann–Whitney U, two-sided, normal approximation with tie correction and "
            "continuity correction"
        ),
        "none": N_("no standard test reproduces the printed value"),
    }
)

# --------------------------------------------------------------------------------------
# Table 4: multivariable logistic regression (poor outcome = 1)
# --------------------------------------------------------------------------------------

#: Model features in Table 4 order, with the coding the pseudo-cohort reproduces.
FEATURES: Final = ("male", "revised_tokuhashi", "new_katagiri", "lesion_level", "frankel_grade")
FEATURE_CODING: Final[Mapping[str, str]] = _frozen(
    {
        "male": N_("1 = male, 0 = female"),
        "revised_tokuhashi": N_("points, 0–15"),
        "new_katagiri": N_("points, 0–10"),
        "lesion_level": N_(
            "ordinal: upper cervical (C1–2) = 1 < middle (C3–6) = 2 < CTJ (C7–T1) = 3"
        ),
        "frankel_grade": N_("ordinal: A/B = 0 < C/D = 1 < E = 2"),
    }
)
LESION_LEVEL_CODE: Final[Mapping[str, int]] = _frozen({"upper": 1, "middle": 2, "ctj": 3})
FRANKEL_CODE: Final[Mapping[str, int]] = _frozen({"AB": 0, "CD": 1, "E": 2})

TABLE4: Final[tuple[Table4Row, ...]] = (
    Table4Row("male", N_("Sex (male)"), 2.83, 0.40, 19.98, 0.296),
    Table4Row("revised_tokuhashi", N_("Revised Tokuhashi score"), 0.67, 0.43, 1.04, 0.076),
    Table4Row("new_katagiri", N_("New Katagiri score"), 1.13, 0.66, 1.91, 0.660),
    Table4Row("lesion_level", N_("Level of the main lesion"), 5.00, 1.23, 20.32, 0.025),
    Table4Row("frankel_grade", N_("Frankel grade at baseline"), 0.54, 0.08, 3.85, 0.537),
)
#: Table 4 tolerances: OR rounds half up to the printed 2 decimals; each CI bound within
#: max(2 % relative, the printed rounding 0.005); each P within 0.002.
TABLE4_OR_DECIMALS: Final = 2
TABLE4_CI_RELATIVE: Final = 0.02
TABLE4_CI_ROUNDING: Final = 0.005
TABLE4_P_TOLERANCE: Final = 0.002


def ci_tolerance(printed: float) -> float:
    """Allowed |reproduced − printed| for a Table 4 interval bound."""
    return max(TABLE4_CI_RELATIVE * printed, TABLE4_CI_ROUNDING)


# --------------------------------------------------------------------------------------
# Choices where the paper is inconsistent or silent
# --------------------------------------------------------------------------------------

#: ECOG distribution of the pseudo-cohort: Table 3's split (PS ≥ 3 = 33, PS ≤ 2 = 13) with
#: Table 1's PS 1 and PS 4 kept, so PS 2 = 11 (Table 1: 10) and PS 3 = 21 (Table 1: 22).
ECOG_COUNTS_USED: Final[Mapping[int, int]] = _frozen({1: 2, 2: 11, 3: 21, 4: 12})
#: How far each ECOG count may differ from Table 1 (the exempted disagreement).
ECOG_TABLE1_ALLOWED_DIFFERENCE: Final[Mapping[int, int]] = _frozen({1: 0, 2: 1, 3: 1, 4: 0})

#: The baseline EQ-5D index is assumed to be on the UK EQ-5D-3L value set (Dolan 1997).
EQ5D_VALUE_SET: Final = EQ5DValueSet(
    name="EQ-5D-3L, UK time trade-off value set",
    citation="Dolan P. Modeling valuations for EuroQol health states. Med Care. "
    "1997;35(11):1095-1108",
    minimum=-0.594,
    maximum=1.0,
    constant=0.081,
    n3=0.269,
    decrements=_frozen(
        {
            "mobility": (0.0, 0.069, 0.314),
            "self_care": (0.0, 0.104, 0.214),
            "usual_activities": (0.0, 0.036, 0.094),
            "pain_discomfort": (0.0, 0.123, 0.386),
            "anxiety_depression": (0.0, 0.071, 0.236),
        }
    ),
)
#: The Japanese EQ-5D-3L value set's minimum, for the argument in CORRECTIONS.
EQ5D_JAPAN_3L_MINIMUM: Final = -0.111


def max_sd_on_range(mean: float, minimum: float, maximum: float) -> float:
    """Largest population SD of values in [minimum, maximum] with the given mean.

    Reached by putting all mass on the two ends (Bhatia–Davis): sqrt((max − m)(m − min)).
    Used to show which value sets cannot reach the printed EQ-5D SD.
    """
    return math.sqrt(max(0.0, (maximum - mean) * (mean - minimum)))


def eq5d_minimum_needed(mean: float = 0.085, sd: float = 0.487, maximum: float = 1.0) -> float:
    """The highest value-set minimum that still allows the printed EQ-5D mean ± SD.

    Uses the population SD bound, which is generous to the value set (the sample SD of 46
    values is at most sqrt(46/45) times larger, a 1 % difference).
    """
    return mean - sd * sd / (maximum - mean)


CORRECTIONS: Final[tuple[str, ...]] = (
    N_(
        "Table 3, sex: the rows are swapped against Table 1, which has 30 men. Read as men 15 good "
        "/ 15 poor and women 13 good / 3 poor (printed: male 13 / 3, female 15 / 15). This reading "
        "also matches Table 4, where male sex raises the odds of a poor outcome (OR 2.83). The "
        "Pearson chi-square P (0.039) is the same either way."
    ),
    N_(
        "ECOG PS: Table 3 counts 33 patients with PS ≥ 3 (20 good / 13 poor), Table 1 (and the "
        "text, 34 = 73.9 %) imply 34. The pseudo-cohort follows Table 3, because only its counts "
        "reproduce the printed P of 0.953 (Pearson; the two ways to reach 34 give 0.834 and "
        "0.632) and Table 3 is the cross-tabulation the model is fitted against. Table 1's PS 1 "
        "(2) and PS 4 (12) are kept, so PS 2 is 11 instead of 10 and PS 3 is 21 instead of 22."
    ),
    N_(
        "Table 3, level of the main lesion: the printed P of 0.006 is not reproduced by any "
        "standard test from the printed counts (8/1, 13/5, 7/12): Pearson chi-square on the 3×2 "
        "table gives 0.014; CTJ against the rest gives 0.005 (Pearson), 0.013 (Yates), 0.007 "
        "(Fisher exact); the linear-by-linear trend test gives 0.005. It is exempt from the checks."
    ),
    N_(
        "EQ-5D at baseline (0.085 ± 0.487): the paper does not name its value set. The Japanese "
        "EQ-5D-3L set (minimum −0.111) cannot reach that SD: with mean 0.085 and maximum 1 the "
        "largest possible SD is 0.42, and any value set needs a minimum of about −0.174 or lower. "
        "The pseudo-cohort uses the UK EQ-5D-3L time trade-off value set (Dolan 1997, range "
        "−0.594 to 1.000), and every baseline index is the index of a real EQ-5D-3L health state."
    ),
    N_(
        "Table 3 percentages: two are truncated rather than rounded in the paper (13/46 = 28.26 % "
        "printed 28.2; 8/46 = 17.39 % printed 17.3). Counts are reproduced; percentages are "
        "checked as counts/46 rounded half up, with these two printed values noted as misprints."
    ),
    N_(
        "Table 3 P values: the categorical ones are reproduced by Pearson's chi-square without "
        "continuity correction (age 0.639, sex 0.039, ESCC 0.732, ECOG 0.953, Frankel 0.016, "
        "chemotherapy 0.142, radiotherapy 0.466); the continuous ones by the two-sided "
        "Mann–Whitney U test, normal approximation with tie and continuity correction "
        "(Tokuhashi 0.002, Katagiri 0.013, SINS 0.335; without continuity correction SINS "
        "would not be 0.335)."
    ),
    N_(
        "Table 4 coding: lesion level is ordinal (upper cervical 1 < middle 2 < CTJ 3, one odds "
        "ratio per step) and Frankel grade ordinal (A/B 0 < C/D 1 < E 2). Only the ordinal level "
        "coding reproduces Table 4's interval for level (see 'Why this coding: the evidence'); "
        "the Frankel coding cannot be told apart by the data and this one matches Table 3 and "
        "Tokuhashi's palsy item."
    ),
)

#: Table 3 percents that the paper truncated instead of rounding (variable, category, group).
TABLE3_PERCENT_MISPRINTS: Final[tuple[tuple[str, str, str], ...]] = (
    ("sex", "female", "good"),  # printed in the "male" row, which is the female row
    ("lesion_group", "upper", "good"),
)
