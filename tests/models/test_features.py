"""The model's row: one builder, same meaning as the scores; cohort-file encoding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models import published
from models.features import (
    FEATURES,
    ROW_KATAGIRI_RANGE,
    ROW_MISSING,
    ROW_OK,
    ROW_OUTSIDE_C1_T1,
    CohortError,
    encode_cohort,
    feature_arrays,
    features,
)
from research.synthetic import synthetic_cohort
from scoring import score_case
from scoring.frankel import FrankelGrade
from scoring.levels import VertebralLevel
from tests.support.cases import make_case


def row(**changes):
    case = make_case(**changes)
    return features(case, score_case(case))


def test_feature_names_match_the_published_table():
    assert tuple(published.FEATURES) == FEATURES


def test_complete_case_gives_the_coded_row():
    case = make_case()
    scores = score_case(case)
    result = features(case, scores)
    assert result.reason is None
    assert result.missing == ()
    assert result.values == {
        "male": 1.0,
        "revised_tokuhashi": float(scores.tokuhashi.total),
        "new_katagiri": float(scores.katagiri.total),
        "lesion_level": 2.0,  # C5: middle cervical
        "frankel_grade": 1.0,  # D: C-D group
    }
    assert list(result.values) == list(FEATURES)


@pytest.mark.parametrize(
    ("level", "code"),
    [("C1", 1), ("C2", 1), ("C3", 2), ("C4", 2), ("C5", 2), ("C6", 2), ("C7", 3), ("T1", 3)],
)
def test_lesion_level_is_ordinal_upper_middle_ctj(level, code):
    assert row(lesion_level=level).values["lesion_level"] == code


@pytest.mark.parametrize(("grade", "code"), [("A", 0), ("B", 0), ("C", 1), ("D", 1), ("E", 2)])
def test_frankel_is_ordinal_ab_cd_e(grade, code):
    assert row(frankel=grade).values["frankel_grade"] == code


def test_female_is_zero():
    assert row(sex="female").values["male"] == 0.0


@pytest.mark.parametrize("level", ["T2", "T7", "L3", "S1"])
def test_level_outside_c1_t1_gives_no_row_and_says_why(level):
    result = row(lesion_level=level)
    assert result.values is None
    assert "C1–T1" in result.reason
    assert "scores still apply" in result.reason


def test_missing_sex_is_named():
    result = row(sex=None)
    assert result.values is None
    assert result.missing == ("sex",)
    assert "sex" in result.reason


def test_katagiri_known_only_as_a_range_gives_no_row_and_names_the_labs():
    result = row(crp=None)
    assert result.values is None
    assert result.katagiri_range is not None
    low, high = result.katagiri_range
    assert low < high
    assert "crp" in result.missing
    assert "range" in result.reason
    assert "crp" in result.reason


def test_incomplete_scores_name_their_fields():
    result = row(primary_tumor=None)
    assert result.values is None
    assert "primary_tumor" in result.missing
    assert result.missing.count("primary_tumor") == 1


def test_encode_cohort_codes_the_columns():
    frame = synthetic_cohort(30, 3)
    x, y, excluded = encode_cohort(frame)
    assert list(x.columns) == list(FEATURES)
    assert excluded == ()
    assert set(np.unique(x["lesion_level"])) <= {1.0, 2.0, 3.0}
    assert np.array_equal(x["male"].to_numpy(), (frame["sex"] == "male").to_numpy(float))
    assert np.array_equal(y, frame["poor_outcome"].to_numpy())


def test_encode_cohort_excludes_empty_rows_and_names_them():
    frame = synthetic_cohort(10, 3)
    frame.loc[4, "sex"] = None
    frame.loc[7, "new_katagiri"] = np.nan
    x, y, excluded = encode_cohort(frame)
    assert len(x) == len(y) == 8
    assert excluded == ("data row 5: empty sex", "data row 8: empty new_katagiri")


def test_encode_cohort_refuses_values_outside_the_coding():
    frame = synthetic_cohort(10, 3)
    frame["lesion_group"] = frame["lesion_group"].astype(object)
    frame.loc[2, "lesion_group"] = "lumbar"
    frame.loc[5, "revised_tokuhashi"] = 17
    with pytest.raises(CohortError, match=r"lesion_group .* row\(s\) 3") as info:
        encode_cohort(frame)
    assert "revised_tokuhashi" in str(info.value)


def test_encode_cohort_names_a_missing_column():
    with pytest.raises(CohortError, match="frankel_group"):
        encode_cohort(synthetic_cohort(5, 1).drop(columns="frankel_group"))


def test_array_path_agrees_with_the_single_case_path():
    rng = np.random.default_rng(7)
    levels = list(VertebralLevel)
    grades = list(FrankelGrade)
    cases = []
    for _ in range(150):
        changes = {
            "sex": rng.choice(["male", "female", None]),
            "lesion_level": levels[rng.integers(len(levels))].value,
            "frankel": grades[rng.integers(len(grades))].value,
            "primary_tumor": "thyroid" if rng.random() < 0.9 else None,
            "ecog": int(rng.integers(0, 5)),
        }
        if rng.random() < 0.3:
            changes["crp"] = None
        cases.append(make_case(**changes))
    scored = [score_case(c) for c in cases]
    kata_known = [not s.katagiri.incomplete for s in scored]
    x, status = feature_arrays(
        [c.sex for c in cases],
        [s.tokuhashi.total for s in scored],
        [s.katagiri.total_min if k else None for s, k in zip(scored, kata_known, strict=True)],
        [s.katagiri.total_max if k else None for s, k in zip(scored, kata_known, strict=True)],
        [c.lesion_level for c in cases],
        [c.frankel for c in cases],
    )
    seen = set()
    for i, (case, scores) in enumerate(zip(cases, scored, strict=True)):
        single = features(case, scores)
        seen.add(int(status[i]))
        if single.values is None:
            assert status[i] != ROW_OK
            if "C1–T1" in single.reason:
                assert status[i] == ROW_OUTSIDE_C1_T1
            elif single.katagiri_range is not None and len(single.missing) == len(
                scores.katagiri.missing
            ):
                assert status[i] == ROW_KATAGIRI_RANGE
            else:
                assert status[i] == ROW_MISSING
        else:
            assert status[i] == ROW_OK
            assert list(x[i]) == [single.values[f] for f in FEATURES]
    assert seen == {ROW_OK, ROW_MISSING, ROW_KATAGIRI_RANGE, ROW_OUTSIDE_C1_T1}


def test_feature_arrays_accept_pandas_nullable_totals():
    x, status = feature_arrays(
        pd.Series([None]), pd.array([None], dtype="Int64"), [5], [5], [None], [None]
    )
    assert status.tolist() == [ROW_MISSING]
    assert np.isnan(x[0, 1])
