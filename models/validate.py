"""External validation of a fitted model on a cohort file (``python cli.py validate``).

Why these measures: discrimination alone says nothing about whether the stated risks
are right. The report gives the AUC (concordance) with a percentile-bootstrap 95% interval,
the Brier score, calibration-in-the-large (intercept of a logistic model of the outcome
with the model's log-odds as offset; 0 is ideal) and the calibration slope (coefficient of
the model's log-odds; 1 is ideal, < 1 means predictions too extreme, the usual sign of
overfitting in a small derivation cohort), and a calibration table by risk decile.

The computation is :func:`validate_frame`, which the app's model card calls in memory on
an uploaded DataFrame; the command line wraps it and adds JSON on stdout and an optional
self-contained HTML report (Plotly charts with plotly.js inlined, no CDN).

The metric helpers (:func:`auc`, :func:`brier`) are also what training uses for the
apparent and optimism-corrected performance (:mod:`research.train`).
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from i18n import N_, Message

if TYPE_CHECKING:
    from models.predict import PoorOutcomeModel

FloatArray = npt.NDArray[np.float64]

#: Bootstrap repetitions for the AUC interval (the CLI's default; each is one AUC).
AUC_BOOTSTRAP_REPS: Final = 1000
BOOTSTRAP_SEED: Final = 20210423
N_BINS: Final = 10


# -- metrics ---------------------------------------------------------------------------------
def _average_ranks(values: FloatArray) -> FloatArray:
    """Ranks 1..n with ties given their average rank (as the Mann–Whitney U needs)."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    ranks = np.empty(len(values), dtype=np.float64)
    boundaries = np.flatnonzero(np.diff(sorted_values)) + 1
    starts = np.concatenate([[0], boundaries])
    ends = np.concatenate([boundaries, [len(values)]])
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = 0.5 * (start + 1 + end)
    return ranks


def auc(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Area under the ROC curve (concordance, ties count one half); NaN with one class."""
    ya = np.asarray(y, dtype=bool)
    pa = np.asarray(p, dtype=np.float64)
    n1 = int(ya.sum())
    n0 = len(ya) - n1
    if n1 == 0 or n0 == 0:
        return math.nan
    ranks = _average_ranks(pa)
    return float((ranks[ya].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def brier(y: npt.ArrayLike, p: npt.ArrayLike) -> float:
    """Mean squared difference between predicted probability and the 0/1 outcome."""
    ya = np.asarray(y, dtype=np.float64)
    pa = np.asarray(p, dtype=np.float64)
    return float(np.mean((pa - ya) ** 2))


def _logit(p: FloatArray) -> FloatArray:
    q = np.clip(p, 1e-12, 1.0 - 1e-12)
    return np.asarray(np.log(q / (1.0 - q)), dtype=np.float64)


def _newton(design: FloatArray, y: FloatArray, offset: FloatArray) -> FloatArray | None:
    """Small maximum-likelihood logistic fit with an offset; None if it does not converge."""
    beta = np.zeros(design.shape[1])
    for _ in range(100):
        eta = offset + design @ beta
        if np.max(np.abs(eta)) > 30.0:
            return None
        prob = 0.5 * (1.0 + np.tanh(0.5 * eta))
        info = design.T @ (design * (prob * (1.0 - prob))[:, None])
        try:
            step = np.linalg.solve(info, design.T @ (y - prob))
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-10:
            return beta
    return None


def calibration(y: npt.ArrayLike, p: npt.ArrayLike) -> tuple[float | None, float | None]:
    """(calibration-in-the-large intercept, calibration slope); None where not estimable."""
    ya = np.asarray(y, dtype=np.float64)
    lp = _logit(np.asarray(p, dtype=np.float64))
    if ya.min() == ya.max():
        return None, None
    ones = np.ones((len(ya), 1))
    cil = _newton(ones, ya, lp)
    slope = _newton(np.column_stack([ones, lp]), ya, np.zeros(len(ya)))
    return (
        None if cil is None else float(cil[0]),
        None if slope is None else float(slope[1]),
    )


def bootstrap_auc(
    y: npt.ArrayLike, p: npt.ArrayLike, reps: int, seed: int
) -> tuple[float | None, float | None, int]:
    """Percentile-bootstrap 95% interval of the AUC: (low, high, usable reps)."""
    ya = np.asarray(y, dtype=np.float64)
    pa = np.asarray(p, dtype=np.float64)
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(reps):
        idx = rng.integers(0, len(ya), len(ya))
        value = auc(ya[idx], pa[idx])
        if not math.isnan(value):
            values.append(value)
    if len(values) < 2:
        return None, None, len(values)
    low, high = np.quantile(values, [0.025, 0.975])
    return float(low), float(high), len(values)


@dataclass(frozen=True)
class CalibrationBin:
    """One risk group of the calibration table (sorted by predicted risk)."""

    group: int
    n: int
    predicted_min: float
    predicted_max: float
    predicted_mean: float
    observed_events: int
    observed_rate: float


def calibration_table(
    y: npt.ArrayLike, p: npt.ArrayLike, bins: int = N_BINS
) -> list[CalibrationBin]:
    """Patients sorted by predicted risk and split into ``bins`` groups of near-equal size."""
    ya = np.asarray(y, dtype=np.float64)
    pa = np.asarray(p, dtype=np.float64)
    order = np.argsort(pa, kind="mergesort")
    out = []
    for i, idx in enumerate(np.array_split(order, min(bins, len(pa))), start=1):
        out.append(
            CalibrationBin(
                group=i,
                n=len(idx),
                predicted_min=float(pa[idx].min()),
                predicted_max=float(pa[idx].max()),
                predicted_mean=float(pa[idx].mean()),
                observed_events=int(ya[idx].sum()),
                observed_rate=float(ya[idx].mean()),
            )
        )
    return out


# -- validation ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ValidationResult:
    """Performance of one model on one cohort (see the module docstring for each measure)."""

    n: int
    events: int
    excluded: tuple[str, ...]
    auc: float
    auc_ci_low: float | None
    auc_ci_high: float | None
    auc_bootstrap_reps: int
    bootstrap_seed: int
    brier: float
    brier_noninformative: float
    calibration_intercept: float | None
    calibration_slope: float | None
    calibration_table: tuple[CalibrationBin, ...]
    predicted: tuple[float, ...]
    observed: tuple[int, ...]
    model_artifact_sha256: str
    model_provenance: str
    notes: tuple[str, ...]

    def to_dict(self, *, include_rows: bool = False) -> dict[str, Any]:
        """JSON-ready summary (per-patient predictions only when asked)."""
        data = {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in asdict(self).items()
        }
        if not include_rows:
            data.pop("predicted")
            data.pop("observed")
        return data


def validate_frame(
    model: PoorOutcomeModel,
    frame: Any,  # a pandas DataFrame with the pseudo-cohort's columns
    *,
    reps: int = AUC_BOOTSTRAP_REPS,
    seed: int = BOOTSTRAP_SEED,
    training_sha256: str | None = None,
    published: bool = False,
) -> ValidationResult:
    """Validate ``model`` on a cohort DataFrame, in memory (the app's model card calls this).

    ``training_sha256``: the cohort file's SHA-256, when known; if it equals the model's
    training file the result is labelled apparent, not external, performance.
    ``published``: validate the unadjusted (as published) model instead of the headline.
    """
    from models.features import CohortError, encode_cohort

    x, y, excluded = encode_cohort(frame)
    if len(y) == 0:
        raise CohortError(N_("no usable rows: every row has an empty predictor or outcome"))
    rows = x.to_numpy(dtype=np.float64)
    p = model.predict_rows(rows)[0] if published else model.predict_arrays(rows).probability
    ya = np.asarray(y, dtype=np.float64)
    notes: list[str] = []
    events = int(ya.sum())
    if events == 0 or events == len(ya):
        notes.append(N_("Only one outcome class present: AUC and calibration are not estimable."))
    if min(events, len(ya) - events) < 100:
        notes.append(
            Message(
                N_(
                    "%(n)s patients in the smaller outcome group: external validation studies "
                    "usually aim for at least 100 events and 100 non-events; read the "
                    "intervals, not the point estimates."
                ),
                n=min(events, len(ya) - events),
            )
        )
    if training_sha256 is not None and training_sha256 == model.manifest.training_data.sha256:
        notes.append(
            N_(
                "This file is the model's training file: the numbers are apparent "
                "performance, not external validation."
            )
        )
    low, high, used = bootstrap_auc(ya, p, reps, seed)
    cil, slope = calibration(ya, p)
    prevalence = float(ya.mean())
    return ValidationResult(
        n=len(ya),
        events=events,
        excluded=excluded,
        auc=auc(ya, p),
        auc_ci_low=low,
        auc_ci_high=high,
        auc_bootstrap_reps=used,
        bootstrap_seed=seed,
        brier=brier(ya, p),
        brier_noninformative=prevalence * (1.0 - prevalence),
        calibration_intercept=cil,
        calibration_slope=slope,
        calibration_table=tuple(calibration_table(ya, p)),
        predicted=tuple(float(v) for v in p),
        observed=tuple(int(v) for v in ya),
        model_artifact_sha256=model.sha256,
        model_provenance=model.provenance,
        notes=tuple(notes),
    )


# -- report ----------------------------------------------------------------------------------
def roc_points(y: npt.ArrayLike, p: npt.ArrayLike) -> tuple[list[float], list[float]]:
    """(1 − specificity, sensitivity) at every distinct threshold, from (0, 0) to (1, 1):
    the one ROC algorithm of the program (the card and the HTML report draw it)."""
    ya = np.asarray(y, dtype=np.float64)
    pa = np.asarray(p, dtype=np.float64)
    thresholds = np.unique(pa)[::-1]
    n1, n0 = ya.sum(), len(ya) - ya.sum()
    fpr, tpr = [0.0], [0.0]
    for t in thresholds:
        flagged = pa >= t
        tpr.append(float((flagged & (ya == 1)).sum() / n1) if n1 else 0.0)
        fpr.append(float((flagged & (ya == 0)).sum() / n0) if n0 else 0.0)
    return fpr, tpr


def _fmt(value: float | None, digits: int = 3) -> str:
    return "not estimable" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def report_html(result: ValidationResult, title: str = "Poor-outcome model: validation") -> str:
    """A self-contained HTML report (plotly.js inlined) with ROC and calibration charts."""
    import plotly.graph_objects as go

    y = np.asarray(result.observed, dtype=np.float64)
    p = np.asarray(result.predicted, dtype=np.float64)
    fpr, tpr = roc_points(y, p)
    roc = go.Figure()
    roc.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance", line={"dash": "dot"}))
    roc.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines+markers", name="model"))
    roc.update_layout(
        title=f"ROC curve (AUC {_fmt(result.auc)})",
        xaxis_title="1 − specificity",
        yaxis_title="Sensitivity",
        width=520,
        height=480,
    )
    table = result.calibration_table
    cal = go.Figure()
    cal.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="ideal", line={"dash": "dot"}))
    cal.add_trace(
        go.Scatter(
            x=[b.predicted_mean for b in table],
            y=[b.observed_rate for b in table],
            mode="markers+lines",
            name="risk groups",
            text=[f"group {b.group}: {b.observed_events}/{b.n}" for b in table],
        )
    )
    cal.update_layout(
        title="Calibration by risk group",
        xaxis_title="Mean predicted probability",
        yaxis_title="Observed proportion",
        xaxis_range=[0, 1],
        yaxis_range=[0, 1],
        width=520,
        height=480,
    )
    rows = "".join(
        f"<tr><td>{b.group}</td><td>{b.n}</td><td>{b.predicted_min:.3f}–{b.predicted_max:.3f}"
        f"</td><td>{b.predicted_mean:.3f}</td><td>{b.observed_events}</td>"
        f"<td>{b.observed_rate:.3f}</td></tr>"
        for b in table
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in (*result.notes, *result.excluded))
    ci = f"{_fmt(result.auc_ci_low)}–{_fmt(result.auc_ci_high)}"
    page: str = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(result.model_provenance)}</p>"
        f"<p>Model artifact SHA-256: <code>{result.model_artifact_sha256}</code></p>"
        "<table><tbody>"
        f"<tr><th>Patients</th><td>{result.n} ({result.events} poor outcomes)</td></tr>"
        f"<tr><th>AUC (95% CI)</th><td>{_fmt(result.auc)} ({ci}; "
        f"{result.auc_bootstrap_reps} bootstrap samples)</td></tr>"
        f"<tr><th>Brier score</th><td>{_fmt(result.brier)} (non-informative: "
        f"{_fmt(result.brier_noninformative)})</td></tr>"
        f"<tr><th>Calibration intercept</th><td>{_fmt(result.calibration_intercept)}</td></tr>"
        f"<tr><th>Calibration slope</th><td>{_fmt(result.calibration_slope)}</td></tr>"
        "</tbody></table>"
        f"<ul>{notes}</ul>"
        + roc.to_html(full_html=False, include_plotlyjs=True)
        + cal.to_html(full_html=False, include_plotlyjs=False)
        + "<h2>Calibration table</h2><table><thead><tr><th>Group</th><th>n</th>"
        "<th>Predicted range</th><th>Mean predicted</th><th>Events</th><th>Observed</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
    return page


# -- command line ----------------------------------------------------------------------------
