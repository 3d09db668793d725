"""Training: the JSON model file, covariance, Harrell optimism, and the shipped model."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest

import cli
from models import artifact
from models.artifact import sha256_file
from models.build import Settings, TrainingFile
from models.features import FEATURES, encode_cohort
from models.predict import load_model
from research.logit import fit_logit
from research.synthetic import synthetic_cohort
from research.train import DEFAULT_COHORT, FitError, fit_model
from tests.support.model import TEST_REPS, train_synthetic


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return train_synthetic(tmp_path_factory.mktemp("train"))


@pytest.fixture
def copy_dir(model_dir, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(model_dir, target)
    return target


def manifest_of(directory):
    return json.loads((directory / artifact.MANIFEST_NAME).read_text(encoding="utf-8"))


def test_model_file_holds_what_the_issue_lists(model_dir):
    m = manifest_of(model_dir)
    assert [f["name"] for f in m["features"]] == list(FEATURES)
    assert [f["coding"] for f in m["features"]][3].startswith("ordinal: upper")
    for block in ("published", "adjusted"):
        assert len(m[block]["fit"]["params"]) == 6
        assert np.array(m[block]["fit"]["covariance"]).shape == (6, 6)
    assert dict(m["versions"]).keys() == {"python", "numpy"}
    assert m["training_data"]["rows"] == 150
    assert sum(p["n"] for p in m["training_data"]["patterns"]) == 150
    assert len(m["training_data"]["sha256"]) == 64
    metrics = m["metrics"]
    for key in ("apparent_auc", "apparent_brier", "optimism_corrected_auc", "events_per_variable"):
        assert math.isfinite(metrics[key])
    assert metrics["bootstrap"]["reps"] == TEST_REPS
    assert len(metrics["shrinkage_bootstrap"]) == metrics["bootstrap"]["usable_reps"]
    assert "created" not in json.dumps(m)  # no timestamp: reproducible bytes
    assert not list(model_dir.glob("*.joblib"))  # no pickle is written


def test_training_file_hash_and_events(model_dir):
    m = manifest_of(model_dir)
    cohort = next(model_dir.parent.glob("synthetic_*.csv"))
    assert m["training_data"]["sha256"] == sha256_file(cohort)
    y = pd.read_csv(cohort)["poor_outcome"]
    assert m["training_data"]["events"] == int(y.sum())
    assert m["metrics"]["events_per_variable"] == min(y.sum(), len(y) - y.sum()) / 5


def test_coefficients_and_covariance_equal_an_independent_newton_fit(model_dir):
    m = manifest_of(model_dir)
    cohort = next(model_dir.parent.glob("synthetic_*.csv"))
    x, y, _ = encode_cohort(pd.read_csv(cohort))
    reference = fit_logit(x.to_numpy(), y, feature_names=FEATURES)
    np.testing.assert_allclose(
        m["published"]["fit"]["params"], reference.params, rtol=1e-7, atol=1e-9
    )
    np.testing.assert_allclose(m["published"]["fit"]["covariance"], reference.covariance, rtol=1e-6)
    for i, row in enumerate(m["published"]["odds_ratios"]):
        assert row["p_value"] == pytest.approx(reference.p_values[i + 1])


def test_optimism_correction_lowers_the_auc(model_dir):
    metrics = manifest_of(model_dir)["metrics"]
    assert metrics["optimism_auc"] > 0
    assert metrics["optimism_corrected_auc"] < metrics["apparent_auc"]
    assert 0 < metrics["optimism_corrected_calibration_slope"] < 1.05


def test_training_is_reproducible_byte_for_byte(tmp_path):
    a = train_synthetic(tmp_path / "a", n=60, seed=4)
    b = train_synthetic(tmp_path / "b", n=60, seed=4)
    assert (a / artifact.MANIFEST_NAME).read_bytes() == (b / artifact.MANIFEST_NAME).read_bytes()


def test_separated_cohort_is_refused():
    frame = synthetic_cohort(60, 2)
    frame["poor_outcome"] = (frame["lesion_group"] == "ctj").astype(int)
    with pytest.raises(FitError, match="separated"):
        fit_model(frame, TrainingFile("own_cohort", "x.csv", "0" * 64), Settings(optimism_reps=2))


def test_fit_cli_writes_json_elsewhere_and_refuses_the_shipped_directory(tmp_path, capsys):
    cohort = tmp_path / "department.csv"
    synthetic_cohort(80, 5).to_csv(cohort, index=False)
    out = tmp_path / "own"
    assert cli.main(["fit", "--cohort", str(cohort), "--out", str(out), "--reps", "3"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [artifact.MANIFEST_NAME]
    m = manifest_of(out)
    assert m["kind"] == "own_cohort"
    assert m["training_data"]["file"] == "department.csv"
    assert "department cohort file department.csv" in m["provenance"]
    assert load_model(out).provenance == m["provenance"]
    shipped = artifact.SHIPPED_DIR
    assert cli.main(["fit", "--cohort", str(cohort), "--out", str(shipped)]) == 2
    assert "refusing" in capsys.readouterr().err


def test_train_cli_reports_a_missing_cohort(tmp_path, capsys):
    code = cli.main(["train", "--cohort", str(tmp_path / "none.csv"), "--out", str(tmp_path)])
    assert code == 2
    assert "reconstruct" in capsys.readouterr().err


def test_train_refuses_another_file(tmp_path, capsys):
    cohort = tmp_path / "other.csv"
    synthetic_cohort(40, 1).to_csv(cohort, index=False)
    assert cli.main(["train", "--cohort", str(cohort)]) == 2
    assert "cli.py fit" in capsys.readouterr().err


# -- the shipped model (fitted by `python cli.py train` on the committed pseudo-cohort) ------
def test_shipped_model_loads_and_was_trained_on_the_committed_pseudo_cohort():
    model = load_model()
    training = model.manifest.training_data
    assert model.manifest.kind == "shipped"
    assert training.file == "models/data/pseudo_cohort.csv"
    assert training.sha256 == sha256_file(DEFAULT_COHORT), "retrain: python cli.py train"
    assert training.rows == 46
    assert training.events == 18
    assert model.manifest.metrics.bootstrap.reps >= 200
    assert model.manifest.instability.reps >= 200


def test_retraining_writes_the_committed_file_byte_for_byte(tmp_path, capsys):
    assert cli.main(["train", "--out", str(tmp_path)]) == 0
    assert artifact.SHIPPED_SHA256 in capsys.readouterr().out
    committed = (artifact.SHIPPED_DIR / artifact.MANIFEST_NAME).read_bytes()
    assert (tmp_path / artifact.MANIFEST_NAME).read_bytes() == committed


def test_shipped_odds_ratios_round_to_table_4():
    from models.published import TABLE4, ci_tolerance, matches_printed

    manifest = load_model().manifest
    assert {row.feature for row in TABLE4} == set(FEATURES)
    for row in TABLE4:
        fitted = manifest.odds_ratio(row.feature)
        assert matches_printed(fitted.odds_ratio, row.odds_ratio, 2), row
        assert abs(fitted.ci_low - row.ci_low) <= ci_tolerance(row.ci_low), row
        assert abs(fitted.ci_high - row.ci_high) <= ci_tolerance(row.ci_high), row
        assert abs(fitted.p_value - row.p_value) <= 0.002, row
    printed = {"revised_tokuhashi": 0.67, "new_katagiri": 1.13, "lesion_level": 5.00}
    printed |= {"male": 2.83, "frankel_grade": 0.54}
    for name, value in printed.items():
        assert matches_printed(manifest.odds_ratio(name).odds_ratio, value, 2), name


def test_shipped_directions_match_table_4():
    manifest = load_model().manifest
    assert manifest.coefficient("male") > 0
    assert manifest.coefficient("revised_tokuhashi") < 0
    assert manifest.coefficient("new_katagiri") > 0
    assert manifest.coefficient("lesion_level") > 0
    assert manifest.coefficient("frankel_grade") < 0


def test_scikit_learn_refit_reproduces_the_stored_coefficients():
    """The NumPy fit is the maximum-likelihood fit scikit-learn finds without a penalty."""
    from sklearn.linear_model import LogisticRegression

    x, y, _ = encode_cohort(pd.read_csv(DEFAULT_COHORT))
    estimator = LogisticRegression(C=math.inf, solver="newton-cholesky", tol=1e-10, max_iter=100)
    estimator.fit(x, y)
    stored = load_model().manifest.published.fit.params
    np.testing.assert_allclose(
        [estimator.intercept_[0], *estimator.coef_.ravel()], stored, rtol=1e-6, atol=1e-8
    )
