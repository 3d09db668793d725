"""Unpenalized logistic regression by Newton–Raphson, with Wald inference, in NumPy.

Why not scikit-learn alone: ``LogisticRegression(penalty=None)`` gives coefficients but no
covariance, standard errors or P values, and its solvers stop at a tolerance that is loose
for reproducing a printed table to the second decimal. The paper's multivariable table
(SPSS) reports odds ratios with Wald 95% intervals and Wald P values; this module computes
exactly those: covariance = inverse Fisher information at the maximum-likelihood estimate,
SE = sqrt(diag), z = b / SE, two-sided P = 2·Φ(−|z|), CI = exp(b ± 1.96·SE).

Two entry points:

- :func:`fit_logit` fits one data set and raises :class:`SeparationError` or
  :class:`ConvergenceError` instead of returning meaningless numbers; it is what the
  training and validation code use.
- :func:`fit_logit_batch` fits K data sets of the same shape at once (a stacked Newton step
  with a warm start). The pseudo-cohort search refits the five-variable model for hundreds
  of candidate moves per step; batching removes NumPy's per-call overhead, which dominates
  at n = 46, and makes a pure-NumPy search fast enough without compiled code.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import expit, ndtr

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The normal quantile SPSS and most packages use for a Wald 95% interval.
Z_95 = 1.959963984540054
#: |linear predictor| beyond which a fitted probability is 0 or 1 to double precision
#: (expit(30) = 1 − 9e−14): coefficients that push observations there signal separation.
ETA_SEPARATION = 30.0


class LogitError(RuntimeError):
    """Base class: the maximum-likelihood estimate does not exist or was not found."""


class SeparationError(LogitError):
    """The outcome is (quasi-)completely separated: some coefficient is infinite."""


class ConvergenceError(LogitError):
    """Newton–Raphson did not converge within the iteration limit."""


@dataclass(frozen=True, slots=True)
class LogitFit:
    """A fitted model with Wald inference. Index 0 of ``params`` is the intercept."""

    feature_names: tuple[str, ...]
    params: FloatArray
    covariance: FloatArray
    log_likelihood: float
    n_iter: int

    @property
    def intercept(self) -> float:
        """The intercept on the log-odds scale."""
        return float(self.params[0])

    @property
    def coef(self) -> FloatArray:
        """Slopes on the log-odds scale, in ``feature_names`` order."""
        return self.params[1:]

    @property
    def se(self) -> FloatArray:
        """Wald standard errors of ``params`` (intercept first)."""
        return np.sqrt(np.diag(self.covariance))

    @property
    def z(self) -> FloatArray:
        """Wald z statistics of ``params``."""
        return self.params / self.se

    @property
    def p_values(self) -> FloatArray:
        """Two-sided Wald P values of ``params``."""
        return np.asarray(2.0 * ndtr(-np.abs(self.z)), dtype=np.float64)

    @property
    def odds_ratios(self) -> FloatArray:
        """exp(slope) for each feature."""
        return np.exp(self.coef)

    def ci(self, z: float = Z_95) -> tuple[FloatArray, FloatArray]:
        """Wald interval of each odds ratio: exp(b ∓ z·SE), slopes only."""
        se = self.se[1:]
        return np.exp(self.coef - z * se), np.exp(self.coef + z * se)

    def table(self) -> list[dict[str, float | str]]:
        """One row per feature as the paper prints it: OR, 95% CI, P."""
        low, high = self.ci()
        p = self.p_values[1:]
        return [
            {
                "feature": name,
                "odds_ratio": float(self.odds_ratios[i]),
                "ci_low": float(low[i]),
                "ci_high": float(high[i]),
                "p_value": float(p[i]),
            }
            for i, name in enumerate(self.feature_names)
        ]


def _with_intercept(x: FloatArray) -> FloatArray:
    ones = np.ones((*x.shape[:-1], 1), dtype=np.float64)
    return np.concatenate([ones, x], axis=-1)


def _log_likelihood(eta: FloatArray, y: FloatArray) -> FloatArray:
    # log L = Σ y·η − log(1 + e^η), written stably for large |η|.
    return np.asarray(np.sum(y * eta - np.logaddexp(0.0, eta), axis=-1), dtype=np.float64)


def fit_logit(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    feature_names: Sequence[str] | None = None,
    start: npt.ArrayLike | None = None,
    tol: float = 1e-10,
    max_iter: int = 50,
) -> LogitFit:
    """Maximum-likelihood logistic regression with an intercept.

    ``x`` is (n, p) without an intercept column; ``y`` holds 0/1. Newton–Raphson with step
    halving (the log-likelihood is concave, so halving only guards the first steps from a
    poor start). Converged when the largest Newton step is below ``tol``.

    Raises :class:`SeparationError` when a fitted probability reaches 0 or 1 (the estimate
    is infinite and Wald inference meaningless), :class:`ConvergenceError` when the
    iteration limit is reached, and :class:`ValueError` for malformed input.
    """
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim != 2 or ya.ndim != 1 or xa.shape[0] != ya.shape[0]:
        raise ValueError(f"x must be (n, p) and y (n,); got {xa.shape} and {ya.shape}")
    if not np.all((ya == 0.0) | (ya == 1.0)):
        raise ValueError("y must contain only 0 and 1")
    if not np.all(np.isfinite(xa)):
        raise ValueError("x contains NaN or infinite values")
    n, p = xa.shape
    names = tuple(feature_names) if feature_names is not None else tuple(f"x{i}" for i in range(p))
    if len(names) != p:
        raise ValueError(f"{len(names)} feature names for {p} columns")
    if ya.min() == ya.max():
        raise SeparationError("all outcomes are equal: the intercept is infinite")
    design = _with_intercept(xa)
    if np.linalg.matrix_rank(design) < p + 1:
        raise ValueError("the design matrix (with intercept) is rank deficient")

    if start is None:
        beta = np.zeros(p + 1)
        mean_y = float(ya.mean())
        beta[0] = math.log(mean_y / (1.0 - mean_y))
    else:
        beta = np.asarray(start, dtype=np.float64).copy()
        if beta.shape != (p + 1,):
            raise ValueError(f"start must have {p + 1} values (intercept first)")

    eta = design @ beta
    loglik = float(_log_likelihood(eta, ya))
    for iteration in range(1, max_iter + 1):
        prob = expit(eta)
        weight = prob * (1.0 - prob)
        info = design.T @ (design * weight[:, None])
        grad = design.T @ (ya - prob)
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError as exc:
            raise SeparationError(
                "the Fisher information became singular: fitted probabilities reached 0 or 1"
            ) from exc
        scale = 1.0
        while True:
            candidate = beta + scale * step
            eta_c = design @ candidate
            loglik_c = float(_log_likelihood(eta_c, ya))
            if loglik_c >= loglik - 1e-12 or scale < 1e-8:
                break
            scale *= 0.5
        beta, eta, loglik = candidate, eta_c, loglik_c
        if np.max(np.abs(eta)) > ETA_SEPARATION:
            raise SeparationError(
                "a fitted probability reached 0 or 1 (|linear predictor| > "
                f"{ETA_SEPARATION:g}): the data are separated and some odds ratio is "
                "infinite; drop or merge the offending category or use a penalized fit"
            )
        if float(np.max(np.abs(scale * step))) < tol:
            prob = expit(eta)
            weight = prob * (1.0 - prob)
            info = design.T @ (design * weight[:, None])
            covariance = np.linalg.inv(info)
            return LogitFit(names, beta, covariance, loglik, iteration)
    raise ConvergenceError(
        f"Newton–Raphson did not converge in {max_iter} iterations (n={n}, p={p}); "
        "check for near-separation or collinear features"
    )


@dataclass(frozen=True, slots=True)
class BatchFit:
    """K fits at once: ``params`` and ``se`` are (K, p+1); ``ok`` marks usable fits."""

    params: FloatArray
    se: FloatArray
    ok: BoolArray


def _solve_each(matrices: FloatArray, rhs: FloatArray) -> FloatArray:
    """Batched solve that survives singular members (they come back as NaN)."""
    try:
        return np.asarray(np.linalg.solve(matrices, rhs), dtype=np.float64)
    except np.linalg.LinAlgError:
        out = np.full(np.broadcast_shapes(rhs.shape, matrices.shape[:-1] + rhs.shape[-1:]), np.nan)
        for i in range(matrices.shape[0]):
            with contextlib.suppress(np.linalg.LinAlgError):
                out[i] = np.linalg.solve(matrices[i], rhs[i])
        return out


def fit_logit_batch(
    x: FloatArray,
    y: FloatArray,
    start: FloatArray,
    *,
    n_iter: int = 8,
    tol: float = 1e-9,
) -> BatchFit:
    """Fit K logistic models of the same shape in lockstep (no step halving).

    ``x`` is (K, n, p) without intercept, ``y`` is (n,) or (K, n), ``start`` is (p+1,) or
    (K, p+1). Meant for a search where each candidate is a small change of a model already
    fitted, so a warm start from its parameters converges quadratically in 3–4 steps.
    A fit is marked not ``ok`` when it has not met ``tol`` within ``n_iter`` steps, is not
    finite, or drives a linear predictor past the separation threshold; callers treat such
    candidates as infeasible rather than trust their numbers.
    """
    k, n, p = x.shape
    design = _with_intercept(x)
    design_t = np.ascontiguousarray(design.transpose(0, 2, 1))
    yy = np.broadcast_to(y, (k, n))
    beta = np.array(np.broadcast_to(start, (k, p + 1)), dtype=np.float64)
    converged = np.zeros(k, dtype=bool)
    identity = np.eye(p + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_iter):
            eta = np.matmul(design, beta[:, :, None])[:, :, 0]
            prob = expit(eta)
            weight = prob * (1.0 - prob)
            info = np.matmul(design_t, design * weight[:, :, None])
            grad = np.matmul(design_t, (yy - prob)[:, :, None])
            info = np.where(np.isfinite(info).all(axis=(1, 2))[:, None, None], info, identity)
            step = _solve_each(info, grad)[:, :, 0]
            beta = beta + step
            converged = np.all(np.abs(step) < tol, axis=1)
            if bool(np.all(converged | ~np.isfinite(step).all(axis=1))):
                break
        eta = np.matmul(design, beta[:, :, None])[:, :, 0]
        prob = expit(eta)
        weight = prob * (1.0 - prob)
        info = np.matmul(design_t, design * weight[:, :, None])
        finite = np.isfinite(beta).all(axis=1) & np.isfinite(info).all(axis=(1, 2))
        safe_info = np.where(finite[:, None, None], info, identity)
        cov = _solve_each(safe_info, np.broadcast_to(identity, safe_info.shape).copy())
        se = np.sqrt(np.einsum("kii->ki", cov))
        max_eta = np.max(np.abs(np.nan_to_num(eta, nan=np.inf)), axis=1)
    ok = converged & finite & np.isfinite(se).all(axis=1) & (max_eta <= ETA_SEPARATION)
    return BatchFit(beta, se, ok)
