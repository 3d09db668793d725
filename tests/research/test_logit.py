"""The exact logistic regression: agrees with scikit-learn, with closed forms, and refuses
to report numbers when the maximum-likelihood estimate does not exist."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression

from research.logit import (
    Z_95,
    ConvergenceError,
    SeparationError,
    fit_logit,
    fit_logit_batch,
)


def _data(seed: int, n: int = 46, p: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack(
        [
            rng.integers(0, 2, n),  # binary, like sex
            rng.integers(0, 16, n),  # a score, like Tokuhashi
            rng.integers(0, 11, n),
            rng.integers(1, 4, n),  # ordinal, like lesion level
            rng.normal(size=n),
        ][:p]
    ).astype(float)
    eta = -0.5 + (x - x.mean(axis=0)) @ rng.normal(scale=0.15, size=p)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return x, y


@pytest.mark.parametrize("seed", range(8))
def test_matches_scikit_learn_unpenalized(seed: int) -> None:
    x, y = _data(seed)
    fit = fit_logit(x, y)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(x, y)
    assert fit.intercept == pytest.approx(ref.intercept_[0], abs=1e-6)
    np.testing.assert_allclose(fit.coef, ref.coef_[0], atol=1e-6)


def test_two_by_two_table_closed_form() -> None:
    # One binary covariate: b = log odds ratio, SE = sqrt(1/a + 1/b + 1/c + 1/d)
    # (Woolf), intercept = log odds in the unexposed. Table 3's CTJ-vs-rest counts.
    a, b, c, d = 12, 7, 6, 21  # poor/good among CTJ, poor/good among the rest
    x = np.r_[np.ones(a + b), np.zeros(c + d)][:, None]
    y = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)]
    fit = fit_logit(x, y, feature_names=["ctj"])
    assert fit.coef[0] == pytest.approx(math.log(a * d / (b * c)), abs=1e-10)
    assert fit.intercept == pytest.approx(math.log(c / d), abs=1e-10)
    assert fit.se[1] == pytest.approx(math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), abs=1e-10)
    assert fit.se[0] == pytest.approx(math.sqrt(1 / c + 1 / d), abs=1e-10)
    assert fit.feature_names == ("ctj",)


def test_covariance_is_inverse_fisher_information() -> None:
    x, y = _data(3)
    fit = fit_logit(x, y)
    design = np.column_stack([np.ones(len(y)), x])
    prob = 1 / (1 + np.exp(-(design @ fit.params)))
    info = design.T @ (design * (prob * (1 - prob))[:, None])
    np.testing.assert_allclose(fit.covariance, np.linalg.inv(info), rtol=1e-8)
    # The score is zero at the estimate.
    np.testing.assert_allclose(design.T @ (y - prob), 0.0, atol=1e-8)


def test_wald_quantities_follow_their_formulas() -> None:
    x, y = _data(5)
    fit = fit_logit(x, y, feature_names=list("abcde"))
    low, high = fit.ci()
    se = np.sqrt(np.diag(fit.covariance))[1:]
    np.testing.assert_allclose(low, np.exp(fit.coef - 1.959963984540054 * se))
    np.testing.assert_allclose(high, np.exp(fit.coef + Z_95 * se))
    np.testing.assert_allclose(fit.p_values, 2 * norm.sf(np.abs(fit.params / fit.se)))
    np.testing.assert_allclose(fit.odds_ratios, np.exp(fit.coef))
    rows = fit.table()
    assert [r["feature"] for r in rows] == list("abcde")
    assert rows[2]["odds_ratio"] == pytest.approx(float(np.exp(fit.coef[2])))
    assert rows[4]["p_value"] == pytest.approx(float(fit.p_values[5]))


def test_complete_separation_is_refused() -> None:
    x = np.arange(10, dtype=float)[:, None]
    y = (x[:, 0] >= 5).astype(float)
    with pytest.raises(SeparationError, match="separated"):
        fit_logit(x, y)


def test_quasi_complete_separation_is_refused() -> None:
    # Frankel A/B has one patient, with a poor outcome: a dummy for it is quasi-separated.
    rng = np.random.default_rng(0)
    x = np.column_stack([np.r_[1.0, np.zeros(45)], rng.normal(size=46)])
    y = np.r_[1.0, (rng.random(45) < 0.4).astype(float)]
    with pytest.raises(SeparationError):
        fit_logit(x, y)


def test_constant_outcome_and_bad_input() -> None:
    x, _ = _data(0)
    with pytest.raises(SeparationError, match="all outcomes"):
        fit_logit(x, np.zeros(len(x)))
    with pytest.raises(ValueError, match="only 0 and 1"):
        fit_logit(x, np.full(len(x), 0.5))
    with pytest.raises(ValueError, match="rank deficient"):
        fit_logit(np.column_stack([x[:, 0], x[:, 0]]), _data(0)[1])
    with pytest.raises(ValueError, match="x must be"):
        fit_logit(x[:, 0], _data(0)[1])
    with pytest.raises(ValueError, match="feature names"):
        fit_logit(x, _data(0)[1], feature_names=["a"])


def test_iteration_limit_is_an_error_not_a_result() -> None:
    x, y = _data(1)
    with pytest.raises(ConvergenceError, match="did not converge"):
        fit_logit(x, y, max_iter=1)


def test_warm_start_converges_to_the_same_estimate_faster() -> None:
    x, y = _data(2)
    cold = fit_logit(x, y)
    warm = fit_logit(x, y, start=cold.params + 1e-4)
    np.testing.assert_allclose(warm.params, cold.params, atol=1e-9)
    assert warm.n_iter < cold.n_iter


def test_batch_fit_matches_single_fits_and_flags_separation() -> None:
    sets = [_data(s) for s in range(4)]
    x = np.stack([s[0] for s in sets])
    y = np.stack([s[1] for s in sets])
    start = np.zeros(6)
    batch = fit_logit_batch(x, y, start, n_iter=30)
    assert batch.ok.all()
    for i, (xi, yi) in enumerate(sets):
        single = fit_logit(xi, yi)
        np.testing.assert_allclose(batch.params[i], single.params, atol=1e-8)
        np.testing.assert_allclose(batch.se[i], single.se, rtol=1e-8)
    # Replace one member by separated data: only that member is flagged.
    sep_x = x.copy()
    sep_y = y.copy()
    sep_x[1, :, 4] = np.arange(46.0)
    sep_y[1] = (np.arange(46) >= 20).astype(float)
    flagged = fit_logit_batch(sep_x, sep_y, start, n_iter=30)
    assert not flagged.ok[1]
    assert flagged.ok[[0, 2, 3]].all()
