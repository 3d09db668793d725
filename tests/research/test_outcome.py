"""The paper's outcome definitions on hand-built trajectories."""

from __future__ import annotations

import pandas as pd
import pytest

from models.outcome_definition import EQ5D_READING, POOR_OUTCOME_DEFINITION
from research.outcome import (
    EQ5D_MIN_CHANGE,
    Course,
    classify,
    eq5d_course,
    label_frame,
    ps_course,
)

IMP, N, D, R = Course.IMPROVEMENT, Course.NO_CHANGE, Course.DETERIORATION, Course.RE_DETERIORATION


@pytest.mark.parametrize(
    ("values", "course", "poor"),
    [
        ((3, 2, 2), IMP, False),
        ((3, 1, 1), IMP, False),
        ((3, 3, 2), IMP, False),  # improvement at 3 months still counts
        ((3, 3, 3), N, True),
        ((2, 3, 3), D, True),
        ((2, 3, 2), D, True),  # worse, then back to baseline: deteriorated, never improved
        ((2, 3, 1), IMP, False),  # worse first, then better: improved
        ((3, 2, 3), R, True),
        ((3, 1, 2), R, True),  # one level down from the best reached
        ((4, 3, 5), R, True),  # ECOG 5 (dead) at 3 months
        ((3, 4, 5), D, True),
    ],
)
def test_ps_trajectories(values, course, poor):
    result = ps_course(values)
    assert result.course is course
    assert result.poor is poor


@pytest.mark.parametrize(
    ("values", "course", "poor"),
    [
        ((0.1, 0.2, 0.2), IMP, False),  # exactly 0.1 counts
        ((0.5, 0.6, 0.6), IMP, False),  # exactly 0.1, float noise included
        ((0.1, 0.19, 0.19), N, True),
        ((-0.2, -0.1, -0.05), IMP, False),  # absolute reading works below 0
        ((-0.3, -0.25, -0.22), N, True),  # relative to |baseline| this would be +27%
        ((0.02, 0.05, 0.06), N, True),  # relative to baseline this would be +200%
        ((0.5, 0.39, 0.4), D, True),
        ((0.5, 0.8, 0.69), R, True),  # 0.11 below the peak
        ((0.5, 0.8, 0.71), IMP, False),  # 0.09 below the peak
    ],
)
def test_eq5d_trajectories(values, course, poor):
    result = eq5d_course(values)
    assert result.course is course
    assert result.poor is poor


def test_reading_is_stated_and_matches_the_threshold():
    assert EQ5D_MIN_CHANGE == 0.1
    assert "absolute change of at least 0.1" in EQ5D_READING
    assert "within 3 months" in POOR_OUTCOME_DEFINITION


def test_re_deterioration_is_measured_from_the_peak_over_six_months():
    label = classify((3, 2, 2, 2), (0.2, 0.6, 0.55, 0.49))
    assert label.eq5d.course is IMP
    assert label.poor_outcome is False
    assert label.eq5d_6m is not None
    assert label.eq5d_6m.course is R
    assert label.eq5d_6m.re_deteriorated_at == "6 months"
    assert label.ps_6m is not None
    assert label.ps_6m.course is IMP


def test_poor_outcome_is_the_union_of_ps_and_eq5d():
    assert classify((3, 2, 1), (0.1, 0.5, 0.7)).poor_outcome is False
    ps_only = classify((3, 3, 3), (0.1, 0.5, 0.7))
    assert ps_only.poor_outcome is True
    assert "ECOG PS" in ps_only.reason
    eq_only = classify((3, 2, 1), (0.1, 0.5, 0.3))
    assert eq_only.poor_outcome is True
    assert "EQ-5D" in eq_only.reason
    assert classify((3, 3, 3), (0.1, 0.1, 0.1)).poor_outcome is True


def test_six_month_values_do_not_change_the_three_month_label():
    label = classify((3, 2, 1, 4), (0.1, 0.5, 0.7, 0.0))
    assert label.poor_outcome is False
    assert label.ps_6m.course is R
    assert label.eq5d_6m.course is R


def test_missing_visits_are_not_filled_in():
    open_label = classify((3, 2, None), (0.1, 0.5, 0.7))
    assert open_label.poor_outcome is None
    assert "3 months" in open_label.reason
    # a recorded re-deterioration or the other measure decides it anyway
    assert classify((3, 2, None), (0.1, 0.1, 0.1)).poor_outcome is True
    assert classify((3, 2, None), (0.5, 0.9, 0.7)).poor_outcome is True
    assert ps_course((3, None, None)).course is None
    assert ps_course((None, 2, 2)).course is None


def test_ceiling_is_noted():
    assert "cannot improve" in ps_course((0, 0, 0)).notes[0]
    assert ps_course((0, 0, 0)).poor is True
    assert "cannot improve" in eq5d_course((0.95, 1.0, 1.0)).notes[0]


@pytest.mark.parametrize("bad", [(6, 2, 2), (2.5, 2, 2), (-1, 2, 2)])
def test_invalid_ecog_is_refused(bad):
    with pytest.raises(ValueError, match="ECOG"):
        ps_course(bad)


def test_invalid_eq5d_is_refused():
    with pytest.raises(ValueError, match="EQ-5D"):
        eq5d_course((0.2, 1.5, 0.3))


def test_label_frame_adds_the_columns():
    frame = pd.DataFrame(
        {
            "case_id": ["a", "b", "c"],
            "ecog": [3, 3, 3],
            "ecog_1m": [2, 3, 2],
            "ecog_3m": [1, 3, None],
            "eq5d_baseline": [0.1, 0.1, 0.2],
            "eq5d_1m": [0.5, 0.5, 0.6],
            "eq5d_3m": [0.7, 0.7, 0.65],
        }
    )
    out = label_frame(frame)
    assert out["poor_outcome"].tolist() == [0, 1, pd.NA]
    assert out["ps_course"].tolist() == ["improvement", "no_change", "improvement"]
    assert out["case_id"].tolist() == ["a", "b", "c"]


def test_label_frame_names_missing_columns():
    with pytest.raises(ValueError, match="ecog_3m"):
        label_frame(pd.DataFrame({"ecog": [1], "ecog_1m": [1]}))
