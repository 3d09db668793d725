"""The cohort study's outcome definitions, so a department can label its own cases.

Source: Kanda Y et al., J Orthop Surg Res 2021;16:423, doi:10.1186/s13018-021-02562-8.
Methods: "Improvement and deterioration of the PS and QOL were defined as a ≥ 1-level
change in the PS and a ≥ 10% change in the EQ5D score, respectively … a poor surgical
outcome was defined as no improvement or deterioration after improvement of the ECOGPS
or EQ5D score within 3 months." Results: the poor outcome by the PS and by the EQ-5D was
"observed in 15 and 13 patients, respectively", 18 in all; so the label is the *union*:
a patient has a poor outcome when the PS course **or** the EQ-5D course shows no
improvement, or re-deterioration after improvement, by 3 months. The Discussion restates
it as "no improvement or re-deterioration of the PS or QOL". Table 2 counts improvement,
no change and deterioration as a partition of all patients and re-deterioration as a
subset of the improved (7 of 38), which is how :class:`Course` is built.

Readings this module makes (quoted by the model card through the constants below):

- :data:`models.outcome_definition.EQ5D_READING`: what "≥ 10%" means for an index that can
  be 0 or negative.
- Re-deterioration is measured from the best value reached after baseline (the peak), not
  from the previous visit, so a slow slide of two small steps still counts.
- A course is judged on the visits up to the horizon (1 and 3 months for the label; 6
  months, when given, for a Table 2 style course). A missing visit is never filled in:
  the label is given only when the recorded visits decide it (a re-deterioration already
  decides it; "no improvement" needs the 3-month value), otherwise it is None with the
  reason.
- A course with a deterioration at any visit and no improvement is "deterioration" (even
  if a later visit is back at baseline); improvement at a later visit makes the course
  "improvement" (the patient did improve).
- A patient at ECOG 0, or with an EQ-5D index above 0.9, cannot improve by the threshold;
  the paper's definition still calls that "no improvement", and a note says so.
- ECOG 5 (dead) is accepted at follow-up: death is a deterioration of PS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

#: A change of at least one ECOG level is an improvement or a deterioration.
PS_MIN_CHANGE: Final = 1
#: A change of at least this much in the EQ-5D index is an improvement or a deterioration.
EQ5D_MIN_CHANGE: Final = 0.1
#: Float tolerance: an EQ-5D change of exactly 0.1 (e.g. 0.5 → 0.6) counts.
_EPS: Final = 1e-9

VISITS: Final = ("baseline", "1 month", "3 months", "6 months")
#: Column names :func:`label_frame` reads (6-month columns optional).
ECOG_COLUMNS: Final = ("ecog_baseline", "ecog_1m", "ecog_3m", "ecog_6m")
EQ5D_COLUMNS: Final = ("eq5d_baseline", "eq5d_1m", "eq5d_3m", "eq5d_6m")


class Course(StrEnum):
    """One measure's course after surgery (Table 2's categories)."""

    IMPROVEMENT = "improvement"
    NO_CHANGE = "no_change"
    DETERIORATION = "deterioration"
    RE_DETERIORATION = "re_deterioration"

    @property
    def label(self) -> str:
        return {
            Course.IMPROVEMENT: "Improvement",
            Course.NO_CHANGE: "No change",
            Course.DETERIORATION: "Deterioration",
            Course.RE_DETERIORATION: "Re-deterioration after improvement",
        }[self]

    @property
    def improved(self) -> bool:
        """True for the courses Table 2 counts as improved (re-deterioration included)."""
        return self in (Course.IMPROVEMENT, Course.RE_DETERIORATION)


@dataclass(frozen=True)
class DomainCourse:
    """The course of one measure (ECOG PS or EQ-5D) up to a horizon visit."""

    measure: str
    course: Course | None
    poor: bool | None
    improved_at: str | None
    re_deteriorated_at: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class OutcomeLabel:
    """Both courses by 3 months, the poor-outcome label, and (if given) 6-month courses."""

    ps: DomainCourse
    eq5d: DomainCourse
    poor_outcome: bool | None
    reason: str
    ps_6m: DomainCourse | None = None
    eq5d_6m: DomainCourse | None = None


def _course(
    measure: str,
    values: Sequence[float | None],
    *,
    threshold: float,
    higher_is_better: bool,
    horizon: int,
    ceiling_note: str | None,
) -> DomainCourse:
    """Classify ``values`` (baseline first) over the visits up to index ``horizon``."""
    notes: list[str] = []
    baseline = values[0] if values else None
    if baseline is None:
        return DomainCourse(measure, None, None, None, None, (f"{measure}: no baseline value.",))
    if ceiling_note:
        notes.append(ceiling_note)
    window = list(zip(VISITS[1 : horizon + 1], values[1 : horizon + 1], strict=False))
    window += [(label, None) for label in VISITS[len(window) + 1 : horizon + 1]]
    absent = [label for label, v in window if v is None]
    recorded = [(label, float(v)) for label, v in window if v is not None]
    if not recorded:
        return DomainCourse(
            measure, None, None, None, None, (f"{measure}: no follow-up value recorded.",)
        )

    def gain(v: float) -> float:
        return (v - baseline) if higher_is_better else (baseline - v)

    improved_at: str | None = None
    re_det_at: str | None = None
    deteriorated = False
    peak = -math.inf
    for label, v in recorded:
        g = gain(v)
        if improved_at is None:
            if g >= threshold - _EPS:
                improved_at, peak = label, g
            elif g <= -threshold + _EPS:
                deteriorated = True
        else:
            if peak - g >= threshold - _EPS:
                re_det_at = label
                break
            peak = max(peak, g)

    if improved_at is not None:
        course = Course.RE_DETERIORATION if re_det_at else Course.IMPROVEMENT
    else:
        course = Course.DETERIORATION if deteriorated else Course.NO_CHANGE
    poor: bool | None
    if re_det_at is not None:
        poor = True
    elif absent:
        poor = None
        notes.append(
            f"{measure}: not recorded at {', '.join(absent)}; the course uses the visits "
            "recorded and the label is left open."
        )
    else:
        poor = not course.improved
    return DomainCourse(measure, course, poor, improved_at, re_det_at, tuple(notes))


def _check_ecog(values: Sequence[float | None]) -> None:
    for i, v in enumerate(values):
        if v is not None and (v != int(v) or not 0 <= v <= 5):
            raise ValueError(f"ECOG at {VISITS[i]} must be a whole number 0–5, got {v!r}")


def _check_eq5d(values: Sequence[float | None]) -> None:
    for i, v in enumerate(values):
        if v is not None and (math.isnan(v) or not -1.0 <= v <= 1.0):
            raise ValueError(f"EQ-5D index at {VISITS[i]} must lie in −1…1, got {v!r}")


def ps_course(values: Sequence[float | None], horizon: int = 2) -> DomainCourse:
    """ECOG PS course; ``values`` = (baseline, 1 month, 3 months[, 6 months]), lower is better."""
    _check_ecog(values)
    base = values[0] if values else None
    note = (
        "ECOG PS 0 at baseline cannot improve; the paper's definition calls this no improvement."
        if base == 0
        else None
    )
    return _course(
        "ECOG PS",
        values,
        threshold=PS_MIN_CHANGE,
        higher_is_better=False,
        horizon=horizon,
        ceiling_note=note,
    )


def eq5d_course(values: Sequence[float | None], horizon: int = 2) -> DomainCourse:
    """EQ-5D index course; ``values`` = (baseline, 1 month, 3 months[, 6 months])."""
    _check_eq5d(values)
    base = values[0] if values else None
    note = (
        f"EQ-5D {base:g} at baseline is within {EQ5D_MIN_CHANGE:g} of full health and cannot "
        "improve by the threshold; the paper's definition calls this no improvement."
        if base is not None and base > 1.0 - EQ5D_MIN_CHANGE + _EPS
        else None
    )
    return _course(
        "EQ-5D",
        values,
        threshold=EQ5D_MIN_CHANGE,
        higher_is_better=True,
        horizon=horizon,
        ceiling_note=note,
    )


def classify(ps: Sequence[float | None], eq5d: Sequence[float | None]) -> OutcomeLabel:
    """Label one patient: ``ps`` and ``eq5d`` = (baseline, 1 month, 3 months[, 6 months]).

    The poor-outcome label uses the visits up to 3 months; a 6-month value, when given,
    only adds the Table 2 style courses ``ps_6m`` and ``eq5d_6m``.
    """
    p3, e3 = ps_course(ps), eq5d_course(eq5d)
    poor: bool | None
    if p3.poor is True or e3.poor is True:
        poor = True
        which = [d.measure for d in (p3, e3) if d.poor]
        reason = f"Poor outcome by {' and '.join(which)} within 3 months."
    elif p3.poor is False and e3.poor is False:
        poor = False
        reason = "Both ECOG PS and EQ-5D improved by 3 months without re-deterioration."
    else:
        poor = None
        reason = "Not decidable from the recorded visits: " + " ".join(
            n for d in (p3, e3) for n in d.notes
        )
    ps6 = ps_course(ps, horizon=3) if len(ps) > 3 and ps[3] is not None else None
    eq6 = eq5d_course(eq5d, horizon=3) if len(eq5d) > 3 and eq5d[3] is not None else None
    return OutcomeLabel(p3, e3, poor, reason, ps6, eq6)


def _cell(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"not a number: {value!r}") from None
    return None if math.isnan(number) else number


def label_frame(frame: Any) -> Any:  # pandas DataFrame in and out
    """Add ``ps_course``, ``eq5d_course``, ``poor_outcome`` and ``outcome_note`` columns.

    Reads :data:`ECOG_COLUMNS` and :data:`EQ5D_COLUMNS` (``ecog`` is accepted for the
    baseline ECOG, as in the pseudo-cohort; 6-month columns are optional).
    """
    import pandas as pd

    data = frame.copy()
    if "ecog_baseline" not in data.columns and "ecog" in data.columns:
        data["ecog_baseline"] = data["ecog"]
    required = [*ECOG_COLUMNS[:3], *EQ5D_COLUMNS[:3]]
    absent = [c for c in required if c not in data.columns]
    if absent:
        raise ValueError(f"missing column(s): {', '.join(absent)}")
    ps_courses, eq_courses, labels, notes = [], [], [], []
    for _, row in data.iterrows():
        ps = [_cell(row.get(c)) for c in ECOG_COLUMNS if c in data.columns]
        eq = [_cell(row.get(c)) for c in EQ5D_COLUMNS if c in data.columns]
        result = classify(ps, eq)
        ps_courses.append(None if result.ps.course is None else result.ps.course.value)
        eq_courses.append(None if result.eq5d.course is None else result.eq5d.course.value)
        labels.append(None if result.poor_outcome is None else int(result.poor_outcome))
        notes.append(result.reason)
    data["ps_course"] = ps_courses
    data["eq5d_course"] = eq_courses
    data["poor_outcome"] = pd.array(labels, dtype="Int64")
    data["outcome_note"] = notes
    return data
