"""How the poor-outcome model is developed, in NumPy: fit, shrink, bootstrap, refit.

Why in ``models`` and not in ``research``: the same functions that training runs are what
the loader runs to re-derive a model file's numbers and cross-check them (a number that
reaches a user is either covered by the shipped file's pinned SHA-256 or re-derived from
the file's training patterns). Nothing here imports scikit-learn (a test checks that
scikit-learn's unpenalized fit gives the same coefficients).

The steps, for a cohort given as predictor patterns with counts:

1. **As published**: unpenalized maximum likelihood by Newton–Raphson; covariance = the
   inverse Fisher information (X'WX)⁻¹ at the fit; Wald odds-ratio table as Table 4
   prints it.
2. **Optimism bootstrap** (Harrell, Lee, Mark 1996): refit in ``reps`` bootstrap samples,
   evaluate each refit on the original data; optimism of AUC, Brier score and calibration
   slope. The mean of the refits' calibration slopes on the original data is the uniform
   shrinkage factor *s* (Steyerberg, Clinical Prediction Models, ch. 13); the per-sample
   slopes are kept, because *s* is itself uncertain (Riley et al., J Clin Epidemiol
   2021;132:88-96).
3. **Optimism-adjusted** (the headline): slopes × *s*, intercept re-estimated so that the
   mean predicted risk in the cohort equals its observed proportion (18/46 for the shipped
   model). Its covariance for the delta method treats *s* as fixed: slopes s²Σ_β, and the
   intercept carries both the slopes' uncertainty propagated through the mean-risk
   constraint and its own re-estimation variance (1 / Σ w).
4. **Instability** (Riley & Collins, Biom J 2023;65:e2200302): ``reps`` seeded bootstrap
   refits of the whole adjusted procedure (refit, shrink by *s*, re-estimate the
   intercept in the bootstrap sample); each patient's 2.5–97.5 % range of the refits'
   probabilities is the instability range.

Every function is deterministic for a given seed, so a rerun writes byte-identical files.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The normal quantile of a two-sided 95% interval.
Z_95: Final = 1.959963984540054
#: |linear predictor| beyond which a fitted probability is 0 or 1 to double precision:
#: coefficients that push a patient there signal (quasi-)separation.
ETA_SEPARATION: Final = 30.0
NEWTON_TOL: Final = 1e-10
NEWTON_MAX_ITER: Final = 100


class DevelopmentError(ValueError):
    """The model cannot be fitted meaningfully on this cohort (the message says why)."""


def logistic(x: FloatArray) -> FloatArray:
    """The inverse logit, written with tanh so it neither overflows nor warns at ±large x."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64))))


# -- the cohort as patterns ------------------------------------------------------------------
@dataclass(frozen=True)
class Patterns:
    """Distinct predictor rows with their patient and event counts (sorted, so canonical).

    A model file stores these instead of patient rows: the same information for fitting
    (the likelihood depends on the data only through them), fewer rows, no row order.
    """

    x: FloatArray  # (k, p)
    n: IntArray  # (k,)
    events: IntArray  # (k,)

    @classmethod
    def from_rows(cls, x: npt.ArrayLike, y: npt.ArrayLike) -> Patterns:
        xa = np.asarray(x, dtype=np.float64)
        ya = np.asarray(y, dtype=np.int64)
        unique, inverse = np.unique(xa, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        n = np.bincount(inverse, minlength=len(unique)).astype(np.int64)
        events = np.bincount(inverse, weights=ya, minlength=len(unique)).astype(np.int64)
        return cls(unique, n, events)

    def rows(self) -> tuple[FloatArray, FloatArray]:
        """Patient rows in canonical order: per pattern its events (y = 1), then the rest."""
        reps = np.concatenate([self.events, self.n - self.events])
        x = np.repeat(np.concatenate([self.x, self.x]), reps, axis=0)
        y = np.repeat(np.concatenate([np.ones(len(self.x)), np.zeros(len(self.x))]), reps)
        order = np.lexsort((-y, *x.T[::-1]))
        return x[order], y[order]


# -- maximum likelihood ---------------------------------------------------------------------
def _design(x: FloatArray) -> FloatArray:
    return np.column_stack([np.ones(len(x)), x])


def fit(
    x: FloatArray,
    y: FloatArray,
    weights: FloatArray | None = None,
    offset: FloatArray | None = None,
    *,
    refuse_separation: bool = True,
) -> FloatArray:
    """Unpenalized logistic maximum likelihood (intercept first) by Newton–Raphson.

    Raises :class:`DevelopmentError` for one outcome class, collinear predictors, no
    convergence, or (with ``refuse_separation``) a fit that puts some patient's linear
    predictor beyond ±:data:`ETA_SEPARATION` (a (quasi-)separated outcome).
    """
    w = np.ones(len(y)) if weights is None else weights
    off = np.zeros(len(y)) if offset is None else offset
    if float(np.sum(w * y)) in (0.0, float(np.sum(w))):
        raise DevelopmentError("every patient has the same outcome: nothing to fit")
    design = _design(x)
    beta = np.zeros(design.shape[1])
    for _ in range(NEWTON_MAX_ITER):
        prob = logistic(off + design @ beta)
        info = design.T @ (design * (w * prob * (1.0 - prob))[:, None])
        try:
            step = np.linalg.solve(info, design.T @ (w * (y - prob)))
        except np.linalg.LinAlgError as exc:
            if np.linalg.matrix_rank(design) < design.shape[1]:
                raise DevelopmentError("the predictors are collinear in this cohort") from exc
            break  # the weights vanished: fitted risks of exactly 0 or 1 (separation)
        gradient = float(np.max(np.abs(design.T @ (w * (y - prob))))) / float(np.sum(w))
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            break
        if float(np.max(np.abs(step))) < NEWTON_TOL or (
            not refuse_separation and gradient < NEWTON_TOL
        ):
            eta = off + design @ beta
            if refuse_separation and float(np.max(np.abs(eta))) > ETA_SEPARATION:
                break
            return np.asarray(beta, dtype=np.float64)
    raise DevelopmentError(
        "the outcome is (quasi-)separated by the predictors: some odds ratio is infinite and "
        "its interval meaningless. Merge the offending category or collect more cases."
    )


def covariance(x: FloatArray, params: FloatArray, weights: FloatArray | None = None) -> FloatArray:
    """Inverse Fisher information (X'WX)⁻¹ at ``params``, intercept first."""
    w = np.ones(len(x)) if weights is None else weights
    design = _design(x)
    prob = logistic(design @ params)
    info = design.T @ (design * (w * prob * (1.0 - prob))[:, None])
    return np.asarray(np.linalg.inv(info), dtype=np.float64)


def fit_patterns(patterns: Patterns) -> tuple[FloatArray, FloatArray]:
    """(params, covariance) of the unpenalized fit, from patterns (weighted binomial)."""
    x = np.concatenate([patterns.x, patterns.x])
    y = np.concatenate([np.ones(len(patterns.x)), np.zeros(len(patterns.x))])
    w = np.concatenate([patterns.events, patterns.n - patterns.events]).astype(np.float64)
    keep = w > 0
    params = fit(x[keep], y[keep], w[keep])
    return params, covariance(x[keep], params, w[keep])


@dataclass(frozen=True)
class OddsRatio:
    """One predictor's row as Table 4 prints it (Wald)."""

    odds_ratio: float
    ci_low: float
    ci_high: float
    p_value: float
    se: float


def wald_table(params: FloatArray, cov: FloatArray) -> tuple[OddsRatio, ...]:
    """Odds ratio, Wald 95% interval and two-sided P per slope (intercept excluded)."""
    out = []
    for i in range(1, len(params)):
        b, se = float(params[i]), math.sqrt(float(cov[i, i]))
        out.append(
            OddsRatio(
                math.exp(b),
                math.exp(b - Z_95 * se),
                math.exp(b + Z_95 * se),
                math.erfc(abs(b / se) / math.sqrt(2.0)),
                se,
            )
        )
    return tuple(out)


# -- metrics (the same definitions as validation uses) ----------------------------------------
def auc(y: FloatArray, p: FloatArray) -> float:
    from models.validate import auc as _auc

    return _auc(y, p)


def brier(y: FloatArray, p: FloatArray) -> float:
    return float(np.mean((p - y) ** 2))


def calibration_slope(y: FloatArray, lp: FloatArray) -> float | None:
    """Slope of the outcome on the linear predictor; None where not estimable."""
    try:
        return float(fit(lp[:, None], y, refuse_separation=False)[1])
    except DevelopmentError:
        return None


# -- the optimism-adjusted model --------------------------------------------------------------
def intercept_for_mean(offset: FloatArray, target: float) -> float:
    """The intercept α with mean(logistic(α + offset)) = target.

    The mean is increasing in α, so bisection on a bracket that surely contains the root
    (every patient's risk below/above the target at its ends) finds it to double precision
    even for the huge slopes of a separated bootstrap refit, where Newton's step is 0/0.
    """
    low = -float(np.max(offset)) - 40.0
    high = -float(np.min(offset)) + 40.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        if mid in (low, high):
            break
        if float(np.mean(logistic(mid + offset))) < target:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def adjust(params: FloatArray, shrinkage: float, x: FloatArray, target: float) -> FloatArray:
    """Slopes × ``shrinkage``; intercept so the mean predicted risk over ``x`` is ``target``."""
    slopes = shrinkage * params[1:]
    return np.concatenate([[intercept_for_mean(x @ slopes, target)], slopes])


def adjusted_covariance(
    adjusted: FloatArray, cov: FloatArray, shrinkage: float, x: FloatArray
) -> FloatArray:
    """Delta-method covariance of the adjusted (intercept, slopes), ``shrinkage`` fixed.

    The re-estimated intercept depends on the slopes through the mean-risk constraint:
    dα/dβ = −s·x̄_w with x̄_w the mean of x weighted by p(1 − p) at the adjusted fit; it
    also carries its own sampling variance 1/Σ p(1 − p).
    """
    p = logistic(adjusted[0] + x @ adjusted[1:])
    w = p * (1.0 - p)
    xbar = (w @ x) / float(np.sum(w))
    k = len(adjusted)
    jac = np.zeros((k, k))
    jac[0, 1:] = -shrinkage * xbar
    jac[1:, 1:] = shrinkage * np.eye(k - 1)
    out = jac @ cov @ jac.T
    out[0, 0] += 1.0 / float(np.sum(w))
    return np.asarray(0.5 * (out + out.T), dtype=np.float64)


# -- bootstraps -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Optimism:
    """Harrell's bootstrap optimism and the per-sample calibration slopes (the shrinkage)."""

    reps: int
    usable: int
    skipped: int
    auc: float
    brier: float
    slopes: tuple[float, ...]

    @property
    def shrinkage(self) -> float:
        """Mean calibration slope of the refits on the original data (the optimism-corrected
        calibration slope, 1 − optimism of a slope that is 1 on its own sample)."""
        return float(np.mean(self.slopes))


def _samples(n: int, reps: int, seed: int) -> list[IntArray]:
    rng = np.random.default_rng(seed)
    return [rng.integers(0, n, n) for _ in range(reps)]


def _bootstrap_fits(
    x: FloatArray, y: FloatArray, reps: int, seed: int
) -> tuple[list[tuple[IntArray, FloatArray]], int]:
    """The unpenalized fit in each of ``reps`` seeded bootstrap samples (with the sample's
    row indices), and how many samples could not be fitted (separated, not converged)."""
    fits: list[tuple[IntArray, FloatArray]] = []
    skipped = 0
    for idx in _samples(len(y), reps, seed):
        try:
            fits.append((idx, fit(x[idx], y[idx], refuse_separation=False)))
        except DevelopmentError:
            skipped += 1
    return fits, skipped


def optimism_bootstrap(x: FloatArray, y: FloatArray, reps: int, seed: int) -> Optimism:
    """Mean (bootstrap-sample performance − original-sample performance) over refits.

    A sample with one outcome class or a separated/non-converged refit is skipped and
    counted (``skipped``); the rest are ``usable``.
    """
    d_auc: list[float] = []
    d_brier: list[float] = []
    slopes: list[float] = []
    fits, skipped = _bootstrap_fits(x, y, reps, seed)
    for idx, params in fits:
        lp_orig = params[0] + x @ params[1:]
        slope = calibration_slope(y, lp_orig)
        if slope is None:
            skipped += 1
            continue
        p_boot = logistic(params[0] + x[idx] @ params[1:])
        p_orig = logistic(lp_orig)
        d_auc.append(auc(y[idx], p_boot) - auc(y, p_orig))
        d_brier.append(brier(y[idx], p_boot) - brier(y, p_orig))
        slopes.append(slope)
    if not slopes:
        raise DevelopmentError("no bootstrap sample could be fitted")
    return Optimism(
        reps, len(slopes), skipped, float(np.mean(d_auc)), float(np.mean(d_brier)), tuple(slopes)
    )


def instability_refits(
    x: FloatArray, y: FloatArray, shrinkage: float, reps: int, seed: int
) -> tuple[FloatArray, int]:
    """Adjusted refits of ``reps`` bootstrap samples, (usable, p + 1), and the skipped count.

    Each refit goes through the adjusted procedure with the shrinkage factor held at its
    estimate: unpenalized fit in the sample, slopes × ``shrinkage``, intercept re-estimated
    so the sample's mean predicted risk is the sample's observed proportion.
    """
    fits, skipped = _bootstrap_fits(x, y, reps, seed)
    out = [adjust(params, shrinkage, x[idx], float(np.mean(y[idx]))) for idx, params in fits]
    if not out:
        raise DevelopmentError("no bootstrap sample could be fitted")
    return np.asarray(out, dtype=np.float64), skipped


def probabilities(params: FloatArray, x: FloatArray) -> FloatArray:
    """logistic(intercept + x·slopes) for one parameter vector or a stack of them.

    ``params`` (p + 1,) gives (n,); ``params`` (m, p + 1) gives (n, m).
    """
    pa = np.asarray(params, dtype=np.float64)
    if pa.ndim == 1:
        return logistic(pa[0] + x @ pa[1:])
    return logistic(pa[:, 0][None, :] + x @ pa[:, 1:].T)


def mape(reference: FloatArray, refits: FloatArray) -> float:
    """Mean absolute prediction error: mean |refit probability − model probability|."""
    return float(np.mean(np.abs(refits - reference[:, None])))


def mean_slope(y: FloatArray, x: FloatArray, refits: Sequence[FloatArray]) -> float:
    """Mean calibration slope of ``refits`` evaluated on (x, y)."""
    slopes = [calibration_slope(y, r[0] + x @ r[1:]) for r in refits]
    return float(np.mean([s for s in slopes if s is not None]))
