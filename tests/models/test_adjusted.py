"""The headline probability: optimism-adjusted, with its three uncertainties (issue 12)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq, minimize
from scipy.special import expit

from models import build, wording
from models import development as dev
from models.artifact import DATA_DIR, sha256_file
from models.features import FEATURES, encode_cohort
from models.predict import load_model
from research.logit import fit_logit
from scoring import score_case
from tests.support.cases import make_case

MODEL = load_model()
MANIFEST = MODEL.manifest
COHORT = pd.read_csv(DATA_DIR / "pseudo_cohort.csv")
X, Y, _ = encode_cohort(COHORT)
X = X.to_numpy(dtype=np.float64)
Y = np.asarray(Y, dtype=np.float64)


def random_cases(n: int = 1000, seed: int = 12) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack(
        [
            rng.integers(0, 2, n),
            rng.integers(0, 16, n),
            rng.integers(0, 11, n),
            rng.integers(1, 4, n),
            rng.integers(0, 3, n),
        ]
    ).astype(np.float64)


def test_adjusted_mean_predicted_risk_equals_18_of_46():
    p = MODEL.predict_arrays(X).probability
    assert p.mean() == pytest.approx(18 / 46, abs=1e-12)
    assert MANIFEST.adjusted.target_mean_risk == 18 / 46


def test_adjusted_slopes_are_the_published_ones_times_the_shrinkage():
    s = MANIFEST.adjusted.shrinkage
    assert s == pytest.approx(float(np.mean(MANIFEST.metrics.shrinkage_bootstrap)), rel=1e-12)
    assert s == MANIFEST.metrics.optimism_corrected_calibration_slope
    assert 0.4 < s < 0.8  # far below Riley's 0.9: the reason for the adjustment
    np.testing.assert_allclose(
        MANIFEST.adjusted.fit.slopes, s * np.array(MANIFEST.published.fit.slopes), rtol=1e-12
    )


def _slope(lp: np.ndarray) -> float:
    """Calibration slope by direct maximisation of the likelihood (SciPy, not our Newton)."""

    def nll(theta: np.ndarray) -> float:
        eta = theta[0] + theta[1] * lp
        return float(np.sum(np.logaddexp(0.0, eta) - Y * eta))

    return float(
        minimize(
            nll,
            np.array([0.0, 1.0]),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000},
        ).x[1]
    )


def test_adjusted_model_calibration_slope_on_bootstrap_refits_is_about_one():
    """Each stored refit of the adjusted procedure, evaluated on the training data."""
    slopes = [
        _slope(params[0] + X @ np.array(params[1:])) for params in MANIFEST.instability.params
    ]
    mean = float(np.mean(slopes))
    assert mean == pytest.approx(MANIFEST.instability.mean_calibration_slope, rel=1e-4)
    assert 0.9 < mean < 1.1
    # the unadjusted refits, the same way, are far from 1 (the published model's problem)
    assert MANIFEST.metrics.optimism_corrected_calibration_slope < 0.8


def test_unadjusted_model_still_reproduces_table_4():
    from models.card import odds_ratio_rows

    assert all(row.reproduces for row in odds_ratio_rows(MANIFEST))
    reference = fit_logit(X, Y)
    np.testing.assert_allclose(MANIFEST.published.fit.params, reference.params, rtol=1e-8)


def test_every_range_contains_its_point_estimate_for_1000_random_cases():
    a = MODEL.predict_arrays(random_cases())
    assert np.all((a.ci_low < a.probability) & (a.probability < a.ci_high))
    assert np.all(
        (a.published_ci_low < a.published_probability)
        & (a.published_probability < a.published_ci_high)
    )
    assert np.all((a.instability_low <= a.probability) & (a.probability <= a.instability_high))
    assert a.reconstruction_low is not None
    assert a.reconstruction_high is not None
    assert np.all(
        (a.reconstruction_low <= a.probability) & (a.probability <= a.reconstruction_high)
    )
    for low, high in (
        (a.ci_low, a.ci_high),
        (a.instability_low, a.instability_high),
        (a.reconstruction_low, a.reconstruction_high),
    ):
        assert np.all((low >= 0) & (high <= 1) & (low <= high))


def _independent_adjusted(frame: pd.DataFrame, shrinkage: float) -> np.ndarray:
    """Refit with the research Newton fit, shrink, solve the intercept with SciPy."""
    x, y, _ = encode_cohort(frame)
    x, y = x.to_numpy(dtype=np.float64), np.asarray(y, dtype=np.float64)
    slopes = shrinkage * fit_logit(x, y).coef
    offset = x @ slopes

    def gap(alpha: float) -> float:
        return float(np.mean(expit(alpha + offset))) - float(y.mean())

    return np.concatenate([[brentq(gap, -30.0, 30.0, xtol=1e-14)], slopes])


def test_reconstruction_range_is_reproduced_from_the_committed_cohorts():
    recon = MANIFEST.reconstructions
    assert recon is not None
    source = DATA_DIR / "ensemble_cohorts.csv"
    assert recon.sha256 == sha256_file(source)
    ensemble = pd.read_csv(source)
    groups = dict(tuple(ensemble.groupby("cohort", sort=True)))
    assert [f.label for f in recon.fits] == [str(k) for k in groups]
    summary = json.loads((DATA_DIR / "ensemble_summary.json").read_text(encoding="utf-8"))
    assert len(recon.fits) == summary["n_cohorts"] == 26  # every reconstruction, none left out
    params = [_independent_adjusted(COHORT, MANIFEST.adjusted.shrinkage)]
    for fit in recon.fits:
        frame = groups[int(fit.label)].drop(columns=["cohort"])
        params.append(_independent_adjusted(frame, fit.shrinkage))
        published = fit_logit(*(lambda x, y: (x.to_numpy(float), y))(*encode_cohort(frame)[:2]))
        np.testing.assert_allclose(fit.published, published.params, rtol=1e-7, atol=1e-9)
    stack = np.array(params)
    cases = random_cases()
    probs = expit(stack[:, 0][None, :] + cases @ stack[:, 1:].T)
    a = MODEL.predict_arrays(cases)
    np.testing.assert_allclose(a.reconstruction_low, probs.min(axis=1), rtol=1e-7)
    np.testing.assert_allclose(a.reconstruction_high, probs.max(axis=1), rtol=1e-7)


def test_each_reconstruction_reproduces_table_4_like_the_committed_cohort():
    from models.published import TABLE4, matches_printed

    recon = MANIFEST.reconstructions
    assert recon is not None
    for fit in recon.fits:
        for i, row in enumerate(TABLE4, start=1):
            assert matches_printed(math.exp(fit.published[i]), row.odds_ratio, 2), fit.label


def test_instability_precomputation_is_deterministic_and_byte_identical():
    settings = build.settings_of(MANIFEST)
    x, y = dev.Patterns.from_rows(X, Y).rows()
    again, skipped = dev.instability_refits(
        x, y, MANIFEST.adjusted.shrinkage, settings.instability_reps, settings.instability_seed
    )
    assert skipped == MANIFEST.instability.skipped_reps
    assert again.tobytes() == np.array(MANIFEST.instability.params).tobytes()
    assert len(MANIFEST.instability.params) >= 200


def test_instability_costs_nothing_at_prediction():
    """The refits are stored; a prediction only evaluates them (no fitting)."""
    import time

    cases = random_cases(10_000)
    started = time.perf_counter()
    MODEL.predict_arrays(cases)
    assert time.perf_counter() - started < 2.0  # generous: it is a few matrix products


@pytest.mark.parametrize("p", [0.0, 0.004, 0.005, 0.125, 0.155, 0.5, 0.994, 0.995, 1.0])
def test_frequency_and_percent_are_rounded_the_same_way(p):
    from reports.format import percent

    n = wording.whole_percent(p)
    frequency = wording.frequency_text(p)
    if 0 < n < 100:
        assert percent(p) == f"{n} %"
        assert frequency == f"about {n} of 100 patients like this one"
    else:
        assert ("fewer than 1" in frequency) == (n == 0)
        assert ("more than 99" in frequency) == (n == 100)


def test_single_case_prediction_carries_all_figures():
    case = make_case(sex="female", age_years=62, primary_tumor="breast_hormone_dependent")
    case = case.model_copy(update={"lesion_level": make_case(lesion_level="C7").lesion_level})
    p = MODEL.predict(case, score_case(case))
    for name in (
        "probability",
        "ci_low",
        "ci_high",
        "published_probability",
        "published_ci_low",
        "published_ci_high",
        "reconstruction_low",
        "reconstruction_high",
        "instability_low",
        "instability_high",
    ):
        assert isinstance(getattr(p, name), float), name
    assert FEATURES  # the five predictors are what every figure is computed from
