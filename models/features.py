"""The model's row: the one place that turns a patient (or a cohort file) into predictors.

Why one place: the scores and the model must never disagree about what a field means.
Table 4 of the cohort study (Kanda Y et al., J Orthop Surg Res 2021;16:423,
doi:10.1186/s13018-021-02562-8) uses five predictors; each is read here from the same
:class:`~scoring.PatientCase` field (or the same score total) that the scores use:

- ``male``: 1 for male, 0 for female (field ``sex``);
- ``revised_tokuhashi``: the revised Tokuhashi total, in points (0–15);
- ``new_katagiri``: the new Katagiri total, in points (0–10);
- ``lesion_level``: ordinal, upper cervical C1–C2 = 1 < middle C3–C6 = 2 < cervicothoracic
  junction C7–T1 = 3, one odds ratio per step (the only coding that reproduces Table 4's
  interval for level, see :mod:`models.published`); read from ``lesion_level`` through
  :attr:`scoring.levels.VertebralLevel.lesion_group`;
- ``frankel_grade``: ordinal, A/B = 0 < C/D = 1 < E = 2 (field ``frankel``, the same field
  that gives Tokuhashi's palsy item).

A value that is unknown stays unknown: a missing field or an incomplete score gives no
row, and the reason names the fields. A Katagiri total known only as a range (laboratory
values missing) gives no row either: the model needs the exact points. A level outside
C1–T1 gives no row because the model was fitted on C1–T1 only; the scores still apply.

Cohort files (the pseudo-cohort, a department's own file) are encoded by
:func:`encode_cohort` with the same mappings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from i18n import N_, Message, TranslatableError
from models.published import FEATURE_CODING, FRANKEL_CODE, LESION_LEVEL_CODE, TABLE4
from models.published import FEATURES as PUBLISHED_FEATURES
from scoring.case import PatientCase, Sex

if TYPE_CHECKING:
    from scoring import CaseScores

#: Predictors in Table 4 order; the manifest, the artifact and every row use this order.
FEATURES: Final[tuple[str, ...]] = tuple(PUBLISHED_FEATURES)
#: Short labels as Table 4 prints them.
FEATURE_LABELS: Final[Mapping[str, str]] = {row.feature: row.label for row in TABLE4}
#: How each predictor is coded (the published transcription, one source of truth).
CODING: Final[Mapping[str, str]] = dict(FEATURE_CODING)
#: Cohort-file codes of the two ordinal predictors.
LESION_CODES: Final[Mapping[str, int]] = dict(LESION_LEVEL_CODE)
FRANKEL_CODES: Final[Mapping[str, int]] = dict(FRANKEL_CODE)
#: Plain-language names of the coded values, for contributions and warnings.
LESION_TEXT: Final[Mapping[int, str]] = {
    1: N_("upper cervical (C1–C2)"),
    2: N_("middle cervical (C3–C6)"),
    3: N_("cervicothoracic junction (C7–T1)"),
}
FRANKEL_TEXT: Final[Mapping[int, str]] = {0: "Frankel A–B", 1: "Frankel C–D", 2: "Frankel E"}
SEX_TEXT: Final[Mapping[int, str]] = {0: N_("female"), 1: N_("male")}
#: Score ranges the scores themselves allow (a cohort file outside them is an error).
SCORE_LIMITS: Final[Mapping[str, tuple[int, int]]] = {
    "revised_tokuhashi": (0, 15),
    "new_katagiri": (0, 10),
}
#: Categorical predictors: their coded values and the text of each.
CATEGORY_TEXT: Final[Mapping[str, Mapping[int, str]]] = {
    "male": SEX_TEXT,
    "lesion_level": LESION_TEXT,
    "frankel_grade": FRANKEL_TEXT,
}
#: Columns a cohort file needs for fitting or validation.
COHORT_COLUMNS: Final[tuple[str, ...]] = (
    "sex",
    "revised_tokuhashi",
    "new_katagiri",
    "lesion_group",
    "frankel_group",
    "poor_outcome",
)

OUTSIDE_C1_T1: Final = N_(
    "The lesion level {level} lies outside C1–T1: the model was fitted on cervical and "
    "cervicothoracic lesions (C1–T1) only, so it gives no probability here. The scores "
    "still apply."
)


@dataclass(frozen=True)
class FeatureRow:
    """The model's row for one patient, or why there is none.

    ``values`` holds the five predictors (``FEATURES`` keys) or is None; ``missing`` names
    the :class:`~scoring.PatientCase` fields that would complete it; ``reason`` is a
    sentence for the user when ``values`` is None. ``katagiri_range`` is the (low, high)
    Katagiri total when only a range is known.
    """

    values: dict[str, float] | None
    missing: tuple[str, ...]
    reason: str | None
    katagiri_range: tuple[int, int] | None = field(default=None)


def value_text(feature: str, value: float) -> str:
    """A coded value in words: ``male``, ``7 points``, ``Frankel C–D``."""
    texts = CATEGORY_TEXT.get(feature)
    if texts is not None:
        code = round(value)
        return texts.get(code, f"{value:g}") if code == value else f"{value:g}"
    if value == 1:
        return Message(N_("%(points)s point"), points=f"{value:g}")
    return Message(N_("%(points)s points"), points=f"{value:g}")


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def features(case: PatientCase, scores: CaseScores) -> FeatureRow:
    """The model's row for ``case``, built from the case and its (already computed) scores."""
    missing: list[str] = []
    sentences: list[str] = []  # each a Message or, for OUTSIDE_C1_T1, English text
    values: dict[str, float] = {}
    katagiri_range: tuple[int, int] | None = None

    if case.lesion_level is not None and case.lesion_level.lesion_group is None:
        sentences.append(OUTSIDE_C1_T1.format(level=case.lesion_level.value))

    if case.sex is None:
        missing.append("sex")
    else:
        values["male"] = 1.0 if case.sex is Sex.MALE else 0.0

    tokuhashi = scores.tokuhashi
    if tokuhashi.total is None:
        missing.extend(tokuhashi.missing)
        sentences.append(
            Message(
                N_("The revised Tokuhashi score is incomplete (missing: %(fields)s)."),
                fields=", ".join(tokuhashi.missing) or N_("unknown items"),
            )
        )
    else:
        values["revised_tokuhashi"] = float(tokuhashi.total)

    katagiri = scores.katagiri
    if katagiri.total is None:
        missing.extend(katagiri.missing)
        names = ", ".join(katagiri.missing) or N_("unknown items")
        if katagiri.incomplete:
            sentences.append(
                Message(
                    N_("The new Katagiri score is incomplete (missing: %(fields)s)."), fields=names
                )
            )
        else:
            katagiri_range = (katagiri.total_min, katagiri.total_max)
            sentences.append(
                Message(
                    N_(
                        "The new Katagiri score is known only as a range (%(low)s–%(high)s "
                        "points) because laboratory values are missing (%(fields)s); the model "
                        "needs the exact total."
                    ),
                    low=katagiri.total_min,
                    high=katagiri.total_max,
                    fields=names,
                )
            )
    else:
        values["new_katagiri"] = float(katagiri.total)

    if case.lesion_level is None:
        missing.append("lesion_level")
    elif (group := case.lesion_level.lesion_group) is not None:
        values["lesion_level"] = float(LESION_CODES[group.value])

    if case.frankel is None:
        missing.append("frankel")
    else:
        values["frankel_grade"] = float(FRANKEL_CODES[case.frankel.group.value])

    simple = [m for m in ("sex", "lesion_level", "frankel") if m in missing]
    if simple:
        sentences.append(Message(N_("Not recorded: %(fields)s."), fields=", ".join(simple)))
    if sentences or len(values) != len(FEATURES):
        reason: str = N_("A predictor of the model is unknown.")
        for index, sentence in enumerate(sentences):
            reason = sentence if index == 0 else Message(N_("%(a)s %(b)s"), a=reason, b=sentence)
        return FeatureRow(None, _unique(missing), reason, katagiri_range)
    return FeatureRow({name: values[name] for name in FEATURES}, (), None, None)


#: Row status codes of :func:`feature_arrays`.
ROW_OK: Final = 0
ROW_MISSING: Final = 1
ROW_KATAGIRI_RANGE: Final = 2
ROW_OUTSIDE_C1_T1: Final = 3
ROW_STATUS_TEXT: Final[Mapping[int, str]] = {
    ROW_OK: "",
    ROW_MISSING: "no probability: a predictor is not recorded or its score is incomplete "
    "(see missing)",
    ROW_KATAGIRI_RANGE: "no probability: the new Katagiri score is known only as a range "
    "(laboratory values missing)",
    ROW_OUTSIDE_C1_T1: "no probability: lesion level outside C1–T1 (the model was fitted on "
    "C1–T1 only; the scores still apply)",
}


def feature_arrays(
    sex: Any,
    tokuhashi_total: Any,
    katagiri_min: Any,
    katagiri_max: Any,
    level: Any,
    frankel: Any,
) -> tuple[Any, Any]:
    """:func:`features` over arrays (the batch scorer's path): ``(X, status)``.

    Inputs are sequences of the same length: ``sex``, ``level`` and ``frankel`` hold
    :class:`~scoring.case.Sex`, :class:`~scoring.levels.VertebralLevel` and
    :class:`~scoring.frankel.FrankelGrade` members or None; the totals are numbers or
    None/NaN (Tokuhashi's total only when complete, Katagiri's min and max only when at
    most laboratory values are missing, as ``ScoreResult`` gives them). ``X`` is an
    (n, 5) float array in ``FEATURES`` order (NaN where unknown); ``status`` holds one of
    the ``ROW_*`` codes per row, with the same precedence as :func:`features` (a level
    outside C1–T1 first). The same mappings as :func:`features` are used, and a test
    checks both paths agree on random cases.
    """
    import numpy as np

    from scoring.frankel import FrankelGrade
    from scoring.levels import VertebralLevel

    sex_code = {Sex.MALE: 1.0, Sex.FEMALE: 0.0}
    level_code = {
        lvl: (float(LESION_CODES[lvl.lesion_group.value]) if lvl.lesion_group else -1.0)
        for lvl in VertebralLevel
    }
    frankel_code = {g: float(FRANKEL_CODES[g.group.value]) for g in FrankelGrade}

    # Plain NumPy and dict look-ups: the batch scorer calls this without importing pandas
    # (0.7 s of a small run); pandas inputs (nullable arrays) are still accepted.
    def is_pandas(values: Any) -> bool:
        return type(values).__module__.split(".")[0] == "pandas"

    def mapped(values: Any, table: Mapping[Any, float]) -> Any:
        items = values.tolist() if is_pandas(values) else values
        return np.array([table.get(v, np.nan) for v in items], dtype=np.float64)

    def numbers(values: Any) -> Any:
        if is_pandas(values):
            import pandas as pd

            series = values if isinstance(values, pd.Series) else pd.Series(values)
            if series.dtype == object:
                series = pd.to_numeric(series, errors="coerce")
            return series.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.array(
            [np.nan if v is None else float(v) for v in np.asarray(values, dtype=object)],
            dtype=np.float64,
        )

    lesion = mapped(level, level_code)
    k_low, k_high = numbers(katagiri_min), numbers(katagiri_max)
    katagiri = np.where(k_low == k_high, k_low, np.nan)
    x = np.column_stack(
        [
            mapped(sex, sex_code),
            numbers(tokuhashi_total),
            katagiri,
            np.where(lesion < 0, np.nan, lesion),
            mapped(frankel, frankel_code),
        ]
    )
    status = np.full(len(x), ROW_OK, dtype=np.int64)
    unknown = np.isnan(x).any(axis=1)
    status[unknown] = ROW_MISSING
    others_known = ~np.isnan(x[:, [0, 1, 3, 4]]).any(axis=1)
    status[others_known & ~np.isnan(k_low) & (k_low != k_high)] = ROW_KATAGIRI_RANGE
    status[lesion < 0] = ROW_OUTSIDE_C1_T1
    return x, status


class CohortError(TranslatableError):
    """A cohort file has a missing column or a value outside its coding (the message is
    English as ``str`` and translatable, see :class:`~i18n.TranslatableError`)."""


def encode_cohort(frame: Any) -> tuple[Any, Any, tuple[str, ...]]:
    """Encode a cohort DataFrame (pseudo-cohort columns) as the model's predictors.

    Returns ``(X, y, excluded)``: ``X`` a float DataFrame with ``FEATURES`` columns, ``y``
    an int array of 0/1, and one sentence per excluded row. Rows with an empty predictor
    or outcome are excluded and named (never imputed); a value outside the coding (e.g.
    ``lesion_group = lumbar``, Tokuhashi 17) raises :class:`CohortError` naming the rows,
    because a misspelt code must not silently drop patients.
    """
    import numpy as np
    import pandas as pd

    absent = [c for c in COHORT_COLUMNS if c not in frame.columns]
    if absent:
        raise CohortError(
            N_(
                "the cohort file lacks column(s) %(absent)s; it needs %(needed)s (the "
                "pseudo-cohort's columns)"
            ),
            absent=", ".join(absent),
            needed=", ".join(COHORT_COLUMNS),
        )
    data = frame[list(COHORT_COLUMNS)].reset_index(drop=True).copy()
    for column in ("sex", "lesion_group", "frankel_group"):
        data[column] = data[column].map(lambda v: v.strip() if isinstance(v, str) else v)
        data[column] = data[column].replace("", pd.NA)
    empty = data.isna().any(axis=1)
    excluded = tuple(
        Message(
            N_("data row %(row)s: empty %(columns)s"),
            row=int(i) + 1,
            columns=", ".join(c for c in COHORT_COLUMNS if pd.isna(data.at[i, c])),
        )
        for i in data.index[empty]
    )
    data = data.loc[~empty]

    problems: list[Message] = []

    def bad(column: str, mask: Any) -> None:
        rows = [str(int(i) + 1) for i in data.index[np.asarray(mask)]]
        if rows:
            shown = ", ".join(rows[:10]) + (" …" if len(rows) > 10 else "")
            problems.append(
                Message(
                    N_("%(column)s has values outside its coding in data row(s) %(rows)s"),
                    column=column,
                    rows=shown,
                )
            )

    sex = data["sex"].astype(str).str.lower()
    bad("sex (male|female)", ~sex.isin(["male", "female"]))
    lesion = data["lesion_group"].astype(str).str.lower()
    bad("lesion_group (upper|middle|ctj)", ~lesion.isin(list(LESION_CODES)))
    frankel = data["frankel_group"].astype(str).str.upper()
    bad("frankel_group (AB|CD|E)", ~frankel.isin(list(FRANKEL_CODES)))
    numeric: dict[str, Any] = {}
    for column, (low, high) in SCORE_LIMITS.items():
        raw = pd.to_numeric(data[column], errors="coerce")
        ok = raw.notna() & (raw == raw.round()) & (raw >= low) & (raw <= high)
        bad(f"{column} (whole points {low}–{high})", ~ok)
        numeric[column] = raw
    outcome = pd.to_numeric(data["poor_outcome"], errors="coerce")
    bad("poor_outcome (0|1)", ~outcome.isin([0, 1]))
    if problems:
        joined = problems[0]
        for problem in problems[1:]:
            joined = Message(N_("%(a)s; %(b)s"), a=joined, b=problem)
        raise CohortError(joined)

    x = pd.DataFrame(
        {
            "male": (sex == "male").astype(np.float64).to_numpy(),
            "revised_tokuhashi": numeric["revised_tokuhashi"].astype(np.float64).to_numpy(),
            "new_katagiri": numeric["new_katagiri"].astype(np.float64).to_numpy(),
            "lesion_level": lesion.map(LESION_CODES).astype(np.float64).to_numpy(),
            "frankel_grade": frankel.map(FRANKEL_CODES).astype(np.float64).to_numpy(),
        },
        columns=list(FEATURES),
    )
    y = outcome.astype(np.int64).to_numpy()
    return x, y, excluded
