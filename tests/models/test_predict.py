"""Prediction: the logistic formula from the model file, the delta-method interval,
contributions against the reference patient, warnings, and lazy imports."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models import artifact
from models.artifact import save
from models.build import TrainingFile
from models.features import FEATURES, features
from models.predict import PROVENANCE, Prediction, load_model
from research.synthetic import synthetic_cohort
from research.train import fit_model
from scoring import score_case
from tests.support.cases import make_case
from tests.support.model import TEST_SETTINGS, train_synthetic

ROOT = Path(__file__).resolve().parents[2]
ADVICE_WORDS = ("should", "recommend", "advise", "operate", "do not", "must", "avoid surgery")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return train_synthetic(tmp_path_factory.mktemp("predict"))


@pytest.fixture(scope="module")
def model(model_dir):
    return load_model(model_dir)


def expit(v):
    return 1.0 / (1.0 + math.exp(-v))


@pytest.mark.parametrize(("block", "prefix"), [("adjusted", ""), ("published", "published_")])
def test_probability_is_the_logistic_formula_by_hand(model_dir, model, block, prefix):
    m = json.loads((model_dir / artifact.MANIFEST_NAME).read_text(encoding="utf-8"))
    params = m[block]["fit"]["params"]
    case = make_case()
    row = features(case, score_case(case)).values
    eta = params[0] + sum(b * row[f] for b, f in zip(params[1:], FEATURES, strict=True))
    prediction = model.predict(case, score_case(case))
    assert getattr(prediction, f"{prefix}probability") == pytest.approx(expit(eta), rel=1e-12)
    # delta method by hand: x' Σ x with x = (1, features)
    x = np.array([1.0, *(row[f] for f in FEATURES)])
    se = math.sqrt(x @ np.array(m[block]["fit"]["covariance"]) @ x)
    low = getattr(prediction, f"{prefix}ci_low" if prefix else "ci_low")
    high = getattr(prediction, f"{prefix}ci_high" if prefix else "ci_high")
    assert low == pytest.approx(expit(eta - 1.959963984540054 * se), rel=1e-10)
    assert high == pytest.approx(expit(eta + 1.959963984540054 * se), rel=1e-10)


def test_predict_rows_is_the_published_model_and_arrays_match_the_single_case(model):
    rng = np.random.default_rng(5)
    x = np.column_stack(
        [
            rng.integers(0, 2, 50),
            rng.integers(0, 16, 50),
            rng.integers(0, 11, 50),
            rng.integers(1, 4, 50),
            rng.integers(0, 3, 50),
        ]
    ).astype(float)
    arrays = model.predict_arrays(x)
    p, lo, hi = model.predict_rows(x)
    np.testing.assert_array_equal(p, arrays.published_probability)
    np.testing.assert_array_equal(lo, arrays.published_ci_low)
    np.testing.assert_array_equal(hi, arrays.published_ci_high)
    for i in (0, 17, 49):
        one = model.predict_values(dict(zip(FEATURES, x[i], strict=True)))
        assert one.probability == pytest.approx(arrays.probability[i], rel=1e-12)
        assert one.instability_low == pytest.approx(arrays.instability_low[i], rel=1e-12)
        assert one.instability_high == pytest.approx(arrays.instability_high[i], rel=1e-12)
    assert arrays.reconstruction_low is None  # an own-cohort model has no reconstructions


def test_interval_contains_the_estimate(model):
    rng = np.random.default_rng(11)
    x = np.column_stack(
        [
            rng.integers(0, 2, 200),
            rng.integers(0, 16, 200),
            rng.integers(0, 11, 200),
            rng.integers(1, 4, 200),
            rng.integers(0, 3, 200),
        ]
    ).astype(float)
    p, lo, hi = model.predict_rows(x)
    assert np.all((lo < p) & (p < hi))
    assert np.all((lo > 0) & (hi < 1))


def test_interval_widens_away_from_the_cohort_centre(model_dir, model):
    cohort = next(model_dir.parent.glob("synthetic_*.csv"))
    import pandas as pd

    from models.features import encode_cohort

    x, _, _ = encode_cohort(pd.read_csv(cohort))
    centre = x.to_numpy().mean(axis=0)
    direction = np.array([0.5, -3.0, 2.0, 1.0, -1.0])
    rows = np.array([centre + t * direction for t in (0.0, 0.5, 1.0, 1.5, 2.0)])
    _p, lo, hi = model.predict_rows(rows)
    logit = lambda v: np.log(v / (1 - v))  # noqa: E731
    width = logit(hi) - logit(lo)
    assert np.all(np.diff(width) > 0)


def test_contributions_add_up_against_the_reference_patient(model):
    case = make_case(sex="male", lesion_level="C7", frankel="C")
    prediction = model.predict(case, score_case(case))
    row = features(case, score_case(case)).values
    total = sum(c.log_odds for c in prediction.contributions)
    reference_eta = model.manifest.reference_patient.log_odds
    assert reference_eta + total == pytest.approx(model.linear_predictor(row), abs=1e-12)
    by_feature = {c.feature: c for c in prediction.contributions}
    assert by_feature["male"].value_text == "male"
    assert by_feature["male"].reference_text == "female"
    assert by_feature["lesion_level"].value_text.startswith("cervicothoracic junction")
    assert "Reference patient: female" in prediction.reference


def test_level_outside_c1_t1_gets_no_probability_and_a_reason(model):
    case = make_case(lesion_level="L3")
    prediction = model.predict(case, score_case(case))
    assert isinstance(prediction, Prediction)
    assert not prediction.applicable
    assert prediction.probability is None
    assert prediction.ci_low is None
    assert "C1–T1" in prediction.reason


def test_katagiri_range_gets_no_probability_and_names_the_labs(model):
    case = make_case(crp=None, ldh=None)
    prediction = model.predict(case, score_case(case))
    assert not prediction.applicable
    assert "crp" in prediction.reason
    assert "laboratory" in prediction.reason
    assert "crp" in prediction.missing


def test_rare_category_and_out_of_range_score_are_warned(tmp_path):
    frame = synthetic_cohort(150, 0)
    frame["frankel_group"] = frame["frankel_group"].astype(object)
    ab = frame.index[frame["frankel_group"] == "AB"]
    frame.loc[ab[1:], "frankel_group"] = "CD"
    frame["revised_tokuhashi"] = frame["revised_tokuhashi"].clip(2, 12)
    save(
        fit_model(frame, TrainingFile("own_cohort", "one_ab.csv", "0" * 64), TEST_SETTINGS),
        tmp_path / "m",
    )
    model = load_model(tmp_path / "m")
    values = {
        "male": 1.0,
        "revised_tokuhashi": 14.0,
        "new_katagiri": 4.0,
        "lesion_level": 2.0,
        "frankel_grade": 0.0,
    }
    texts = model.warnings_for(values)
    assert any("Frankel A–B was seen in 1 of 150" in t for t in texts)
    observed = model.manifest.observed.range_of("revised_tokuhashi")
    span = f"{observed.min:g}–{observed.max:g}"
    assert observed.max <= 12
    assert any("Revised Tokuhashi score 14 lies outside" in t and span in t for t in texts)
    values["frankel_grade"], values["revised_tokuhashi"] = 1.0, 7.0
    assert model.warnings_for(values) == ()


def test_no_text_is_phrased_as_an_instruction(model):
    texts = [PROVENANCE]
    for changes in ({}, {"lesion_level": "T5"}, {"crp": None}, {"frankel": "A"}, {"sex": None}):
        case = make_case(**changes)
        p = model.predict(case, score_case(case))
        texts += [p.reference, p.reason or "", *p.warnings]
        texts += [f"{c.label} {c.value_text} {c.reference_text}" for c in p.contributions]
    for text in texts:
        lowered = text.lower()
        assert not any(word in lowered for word in ADVICE_WORDS), text


def test_provenance_is_stated(model):
    case = make_case()
    assert model.predict(case, score_case(case)).provenance.startswith(
        "Refitted to the department cohort file synthetic_150_0.csv (150 patients"
    )
    assert "not externally validated" in PROVENANCE


def test_predict_imports_neither_plotly_nor_sklearn_until_load(model_dir):
    code = (
        "import sys; import models.predict as p; "
        "assert 'sklearn' not in sys.modules, 'sklearn on import'; "
        "assert 'plotly' not in sys.modules; "
        f"p.load_model(__import__('pathlib').Path({str(model_dir)!r})); "
        "assert 'plotly' not in sys.modules, 'plotly on load'; "
        "assert 'sklearn' not in sys.modules, 'sklearn on load'; "
        "assert 'pandas' not in sys.modules, 'pandas on load'; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


SHIPPED = artifact.SHIPPED_DIR / artifact.MANIFEST_NAME


@pytest.mark.parametrize(
    ("changes", "direction"),
    [
        ({"sex": "male"}, +1),  # against female
        ({"kps": 90}, -1),  # Tokuhashi general condition +1 point (KPS only feeds Tokuhashi)
        ({"visceral_mets": "nodular"}, +1),  # Katagiri +1 (visceral only feeds Katagiri)
        ({"lesion_level": "C7"}, +1),  # middle → cervicothoracic junction
        ({"lesion_level": "C2"}, -1),  # middle → upper cervical
        ({"frankel": "E"}, -1),  # better Frankel (and Tokuhashi palsy +1)
    ],
)
def test_shipped_model_moves_with_table_4(changes, direction):
    model = load_model()
    base = make_case(sex="female")
    varied = make_case(**({"sex": "female"} | changes))
    p0 = model.predict(base, score_case(base)).probability
    p1 = model.predict(varied, score_case(varied)).probability
    assert (p1 - p0) * direction > 0
    assert model.predict(base, score_case(base)).provenance == PROVENANCE
