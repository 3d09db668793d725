"""Training: artifact + manifest, covariance, Harrell optimism, and refusal of tampering."""

from __future__ import annotations

import json
import math
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

import cli
from models import artifact
from models.artifact import ModelIntegrityError, sha256_file
from models.features import FEATURES, encode_cohort
from models.logit import fit_logit
from models.predict import load_model
from models.synthetic import synthetic_cohort
from models.train import FitError, fit_model
from tests.model_helpers import TEST_REPS, train_synthetic


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


def test_manifest_holds_what_the_issue_lists(model_dir):
    m = manifest_of(model_dir)
    assert m["feature_names"] == list(FEATURES)
    assert [f["coding"] for f in m["features"]][3].startswith("ordinal: upper")
    assert set(m["coefficients"]) == set(FEATURES)
    assert m["covariance"]["order"] == ["intercept", *FEATURES]
    assert np.array(m["covariance"]["matrix"]).shape == (6, 6)
    assert set(m["versions"]) == {"python", "numpy", "scikit-learn", "joblib"}
    assert m["training_data"]["rows"] == 150
    assert len(m["training_data"]["sha256"]) == 64
    metrics = m["metrics"]
    for key in ("apparent_auc", "apparent_brier", "optimism_corrected_auc", "events_per_variable"):
        assert math.isfinite(metrics[key])
    assert metrics["bootstrap"]["reps"] == TEST_REPS
    assert m["artifact"]["sha256"] == sha256_file(model_dir / artifact.ARTIFACT_NAME)
    assert "created" not in json.dumps(m)  # no timestamp: reproducible bytes


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
    ours = np.array([m["intercept"], *(m["coefficients"][f] for f in FEATURES)])
    np.testing.assert_allclose(ours, reference.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(m["covariance"]["matrix"], reference.covariance, rtol=1e-6)
    for i, name in enumerate(FEATURES):
        assert m["odds_ratios"][name]["p_value"] == pytest.approx(reference.p_values[i + 1])


def test_estimator_is_unpenalized(model_dir):
    model = load_model(model_dir)
    assert math.inf == model.estimator.C
    assert list(model.estimator.feature_names_in_) == list(FEATURES)


def test_optimism_correction_lowers_the_auc(model_dir):
    metrics = manifest_of(model_dir)["metrics"]
    assert metrics["optimism_auc"] > 0
    assert metrics["optimism_corrected_auc"] < metrics["apparent_auc"]
    assert 0 < metrics["optimism_corrected_calibration_slope"] < 1.05


def test_training_is_reproducible_byte_for_byte(tmp_path):
    a = train_synthetic(tmp_path / "a", n=60, seed=4, reps=5)
    b = train_synthetic(tmp_path / "b", n=60, seed=4, reps=5)
    for name in (artifact.ARTIFACT_NAME, artifact.MANIFEST_NAME):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_one_byte_change_is_refused_with_what_to_do(copy_dir):
    path = copy_dir / artifact.ARTIFACT_NAME
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="SHA-256") as info:
        load_model(copy_dir)
    assert "python cli.py train" in str(info.value)


def test_missing_manifest_is_refused(copy_dir):
    (copy_dir / artifact.MANIFEST_NAME).unlink()
    with pytest.raises(ModelIntegrityError, match="No model manifest"):
        load_model(copy_dir)


def test_other_sklearn_version_is_refused_before_loading(copy_dir):
    path = copy_dir / artifact.MANIFEST_NAME
    m = manifest_of(copy_dir)
    m["versions"]["scikit-learn"] = "0.24.2"
    path.write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=r"scikit-learn==0\.24\.2"):
        load_model(copy_dir)


def test_inconsistent_version_warning_becomes_an_error(copy_dir, monkeypatch):
    import joblib
    from sklearn.exceptions import InconsistentVersionWarning

    def warn_load(path):
        warnings.warn(
            InconsistentVersionWarning(
                estimator_name="LogisticRegression",
                current_sklearn_version="1.9.1",
                original_sklearn_version="1.0",
            ),
            stacklevel=2,
        )

    monkeypatch.setattr(joblib, "load", warn_load)
    with pytest.raises(ModelIntegrityError, match="version mismatch"):
        load_model(copy_dir)


def test_edited_manifest_coefficient_is_refused(copy_dir):
    path = copy_dir / artifact.MANIFEST_NAME
    m = manifest_of(copy_dir)
    m["coefficients"]["lesion_level"] += 0.5
    path.write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="disagree"):
        load_model(copy_dir)


def test_separated_cohort_is_refused():
    frame = synthetic_cohort(60, 2)
    frame["poor_outcome"] = (frame["lesion_group"] == "ctj").astype(int)
    with pytest.raises(FitError, match="separated"):
        fit_model(
            frame, reps=2, source_file="x", source_sha256="0", provenance="p", description="d"
        )


def test_fit_cli_writes_elsewhere_and_refuses_the_shipped_directory(tmp_path, capsys):
    cohort = tmp_path / "department.csv"
    synthetic_cohort(80, 5).to_csv(cohort, index=False)
    out = tmp_path / "own"
    assert cli.main(["fit", "--cohort", str(cohort), "--out", str(out), "--reps", "3"]) == 0
    m = manifest_of(out)
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


# -- the shipped model (fitted by `python cli.py train` on the committed pseudo-cohort) ------
SHIPPED_MANIFEST = artifact.SHIPPED_DIR / artifact.MANIFEST_NAME
shipped_only = pytest.mark.skipif(
    not SHIPPED_MANIFEST.is_file(), reason="shipped model not trained yet (python cli.py train)"
)


@shipped_only
def test_shipped_model_loads_and_was_trained_on_the_committed_pseudo_cohort():
    from models.train import DEFAULT_COHORT

    model = load_model()
    training = model.manifest["training_data"]
    assert training["file"] == "models/data/pseudo_cohort.csv"
    assert training["sha256"] == sha256_file(DEFAULT_COHORT), "retrain: python cli.py train"
    assert training["rows"] == 46
    assert training["events"] == 18
    assert model.manifest["metrics"]["bootstrap"]["reps"] >= 200


@shipped_only
def test_shipped_odds_ratios_round_to_table_4():
    from models.published import TABLE4, ci_tolerance, matches_printed

    ors = load_model().manifest["odds_ratios"]
    assert {row.feature for row in TABLE4} == set(FEATURES)
    for row in TABLE4:
        fitted = ors[row.feature]
        assert matches_printed(fitted["odds_ratio"], row.odds_ratio, 2), row
        assert abs(fitted["ci_low"] - row.ci_low) <= ci_tolerance(row.ci_low), row
        assert abs(fitted["ci_high"] - row.ci_high) <= ci_tolerance(row.ci_high), row
        assert abs(fitted["p_value"] - row.p_value) <= 0.002, row
    printed = {"revised_tokuhashi": 0.67, "new_katagiri": 1.13, "lesion_level": 5.00}
    printed |= {"male": 2.83, "frankel_grade": 0.54}
    for name, value in printed.items():
        assert matches_printed(ors[name]["odds_ratio"], value, 2), name


@shipped_only
def test_shipped_directions_match_table_4():
    coefficients = load_model().manifest["coefficients"]
    assert coefficients["male"] > 0
    assert coefficients["revised_tokuhashi"] < 0
    assert coefficients["new_katagiri"] > 0
    assert coefficients["lesion_level"] > 0
    assert coefficients["frankel_grade"] < 0


def test_train_refuses_another_file_into_the_shipped_directory(tmp_path, capsys):
    cohort = tmp_path / "other.csv"
    synthetic_cohort(40, 1).to_csv(cohort, index=False)
    assert cli.main(["train", "--cohort", str(cohort)]) == 2
    assert "cli.py fit" in capsys.readouterr().err
