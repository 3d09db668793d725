"""Validation metrics and the fit → validate round trip on generated (synthetic) cohorts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

import cli
from models.features import CohortError
from models.predict import load_model
from models.validate import auc, brier, calibration, report_html, validate_frame
from research.synthetic import synthetic_cohort
from tests.support.model import train_synthetic


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return train_synthetic(tmp_path_factory.mktemp("validate"))


@pytest.mark.parametrize("seed", range(4))
def test_auc_and_brier_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 80)
    p = np.round(rng.random(80), 1)  # many ties
    assert auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert brier(y, p) == pytest.approx(brier_score_loss(y, p), abs=1e-12)


def test_auc_with_one_class_is_nan():
    assert math.isnan(auc([1, 1, 1], [0.2, 0.5, 0.9]))


def test_calibration_of_a_perfect_and_an_overconfident_model():
    rng = np.random.default_rng(3)
    lp = rng.normal(0, 1.5, 4000)
    y = (rng.random(4000) < 1 / (1 + np.exp(-lp))).astype(float)
    intercept, slope = calibration(y, 1 / (1 + np.exp(-lp)))
    assert abs(intercept) < 0.1
    assert slope == pytest.approx(1.0, abs=0.1)
    _, slope2 = calibration(y, 1 / (1 + np.exp(-2 * lp)))  # twice too extreme
    assert slope2 == pytest.approx(0.5, abs=0.06)
    intercept3, _ = calibration(y, 1 / (1 + np.exp(-(lp - 1))))  # risks too low
    assert intercept3 == pytest.approx(1.0, abs=0.12)


def test_validate_frame_on_the_training_file_is_marked_apparent(model_dir):
    model = load_model(model_dir)
    cohort = next(model_dir.parent.glob("synthetic_*.csv"))
    import pandas as pd

    from models.artifact import sha256_file

    frame = pd.read_csv(cohort)
    result = validate_frame(
        model, frame, reps=50, seed=1, training_sha256=sha256_file(cohort), published=True
    )
    # the published (maximum-likelihood) fit is calibrated in the large, slope 1, on its data
    assert result.calibration_intercept == pytest.approx(0.0, abs=1e-6)
    assert result.calibration_slope == pytest.approx(1.0, abs=1e-6)
    assert result.auc == pytest.approx(model.manifest.metrics.apparent_auc, abs=1e-12)
    assert any("apparent performance" in n for n in result.notes)
    # the headline (shrunk) model on the same data: mean risk = observed, slope = 1/shrinkage
    adjusted = validate_frame(model, frame, reps=50, seed=1)
    assert np.mean(adjusted.predicted) == pytest.approx(np.mean(adjusted.observed), abs=1e-9)
    assert adjusted.calibration_slope == pytest.approx(
        1.0 / model.manifest.adjusted.shrinkage, rel=1e-6
    )


def test_validate_frame_in_memory_on_another_cohort(model_dir):
    model = load_model(model_dir)
    frame = synthetic_cohort(90, 42)
    frame.loc[3, "sex"] = None
    result = validate_frame(model, frame, reps=100, seed=2)
    assert result.n == 89
    assert result.excluded == ("data row 4: empty sex",)
    assert result.auc_ci_low <= result.auc <= result.auc_ci_high
    assert sum(b.n for b in result.calibration_table) == 89
    assert len(result.calibration_table) == 10
    means = [b.predicted_mean for b in result.calibration_table]
    assert means == sorted(means)
    assert result.brier < result.brier_noninformative
    data = result.to_dict()
    assert "predicted" not in data
    json.dumps(data, allow_nan=False)


def test_validate_frame_refuses_a_file_without_usable_rows(model_dir):
    frame = synthetic_cohort(5, 1)
    frame["sex"] = None
    with pytest.raises(CohortError, match="no usable rows"):
        validate_frame(load_model(model_dir), frame, reps=10)


def test_fit_then_validate_round_trip_through_the_cli(tmp_path, capsys):
    derivation, validation = tmp_path / "derivation.csv", tmp_path / "validation.csv"
    synthetic_cohort(120, 8).to_csv(derivation, index=False)
    synthetic_cohort(100, 9).to_csv(validation, index=False)
    out = tmp_path / "model"
    assert cli.main(["fit", "--cohort", str(derivation), "--out", str(out), "--reps", "5"]) == 0
    capsys.readouterr()
    report = tmp_path / "report.html"
    args = ["validate", "--cohort", str(validation), "--model-dir", str(out)]
    assert cli.main([*args, "--html", str(report), "--reps", "50"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n"] == 100
    assert summary["cohort_file"] == "validation.csv"
    assert 0.5 < summary["auc"] <= 1.0
    assert summary["auc_ci_low"] <= summary["auc"] <= summary["auc_ci_high"]
    assert {"calibration_intercept", "calibration_slope", "brier"} <= set(summary)
    assert not any("apparent" in n for n in summary["notes"])
    page = report.read_text(encoding="utf-8")
    assert "Calibration by risk group" in page
    assert "ROC curve" in page
    assert '<script src="http' not in page  # plotly.js inlined, no CDN
    assert "Plotly.newPlot" in page


def test_validate_cli_reports_a_tampered_model(model_dir, tmp_path, capsys):
    import shutil

    from models.artifact import MANIFEST_NAME

    copy = tmp_path / "m"
    shutil.copytree(model_dir, copy)
    (copy / MANIFEST_NAME).write_bytes((copy / MANIFEST_NAME).read_bytes() + b"\0")
    cohort = tmp_path / "c.csv"
    synthetic_cohort(20, 1).to_csv(cohort, index=False)
    assert cli.main(["validate", "--cohort", str(cohort), "--model-dir", str(copy)]) == 2
    assert "not a valid model" in capsys.readouterr().err


def test_report_html_handles_a_small_file(model_dir):
    result = validate_frame(load_model(model_dir), synthetic_cohort(12, 5), reps=20)
    assert "<html" in report_html(result)


def test_validate_cli_names_which_model_it_validated(model_dir, tmp_path, capsys):
    cohort = tmp_path / "c.csv"
    synthetic_cohort(60, 3).to_csv(cohort, index=False)
    args = ["validate", "--cohort", str(cohort), "--model-dir", str(model_dir), "--reps", "20"]
    assert cli.main(args) == 0
    assert json.loads(capsys.readouterr().out)["model"] == "optimism-adjusted"
    assert cli.main([*args, "--published"]) == 0
    published = json.loads(capsys.readouterr().out)
    assert published["model"] == "as published (not adjusted for optimism)"
