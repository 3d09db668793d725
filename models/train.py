"""Fit the poor-outcome model and write its artifact and manifest (``python cli.py train``).

What is fitted: scikit-learn's ``LogisticRegression`` without a penalty, on the five named
predictors of Table 4 of Kanda Y et al. (J Orthop Surg Res 2021;16:423,
doi:10.1186/s13018-021-02562-8), coded as :mod:`models.features` states. "Without a
penalty" is ``C=inf``: scikit-learn 1.8 deprecated ``penalty=None`` (a FutureWarning, and
it disappears in 1.10), and ``C=inf`` is the documented replacement. The solver is
``newton-cholesky`` with a tight tolerance because the paper's table is a
maximum-likelihood fit (SPSS) and the odds ratios must round to its printed digits.

Why the covariance is computed here: scikit-learn gives no covariance. The manifest stores
the inverse Fisher information (X'WX)⁻¹ at the fitted coefficients, intercept included,
computed with NumPy; the Wald intervals and the delta-method interval of every prediction
come from it.

Why an optimism-corrected AUC: with 18 events for 5 coefficients (3.6 events per variable)
the apparent AUC flatters the model. Harrell's bootstrap (Harrell FE, Lee KL, Mark DB.
Stat Med 1996;15:361-387, doi:10.1002/(SICI)1097-0258(19960229)15:4<361::AID-SIM168>3.0.CO;2-4)
refits the model in each bootstrap sample, measures how much better it looks on that
sample than on the original data, and subtracts the mean difference (the optimism) from
the apparent value. The same is done for the Brier score and the calibration slope (whose
optimism-corrected value is the usual shrinkage estimate). Seed and repetitions are fixed
and recorded, so the manifest is reproducible byte for byte.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from models.artifact import SHIPPED_DIR, library_versions, save, sha256_file
from models.features import (
    CODING,
    FEATURE_LABELS,
    FEATURES,
    FRANKEL_TEXT,
    LESION_TEXT,
    SCORE_LIMITS,
    encode_cohort,
)
from models.logit import ETA_SEPARATION, LogitFit
from models.predict import logistic
from models.validate import auc, brier, calibration

FloatArray = npt.NDArray[np.float64]

DEFAULT_COHORT: Final = Path(__file__).resolve().parent / "data" / "pseudo_cohort.csv"
#: Bootstrap repetitions for the optimism correction (Harrell 1996 used 100–200).
OPTIMISM_REPS: Final = 200
SEED: Final = 20210423

SOURCE_STUDY: Final = (
    "Kanda Y, et al. Surgical outcomes and risk factors for poor outcomes in patients with "
    "cervical spine metastasis: a prospective study. J Orthop Surg Res. 2021;16:423. "
    "doi:10.1186/s13018-021-02562-8"
)
HARRELL_1996: Final = (
    "Harrell FE, Lee KL, Mark DB. Multivariable prognostic models: issues in developing "
    "models, evaluating assumptions and adequacy, and measuring and reducing errors. "
    "Stat Med. 1996;15:361-387. "
    "doi:10.1002/(SICI)1097-0258(19960229)15:4<361::AID-SIM168>3.0.CO;2-4"
)
ESTIMATOR_TEXT: Final = (
    "sklearn.linear_model.LogisticRegression(C=inf, solver='newton-cholesky', tol=1e-10): "
    "unpenalized maximum likelihood"
)


class FitError(ValueError):
    """The model cannot be fitted meaningfully on this cohort (the message says why)."""


def make_estimator() -> Any:
    """The unfitted scikit-learn estimator (unpenalized: ``C=inf``)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=math.inf, solver="newton-cholesky", tol=1e-10, max_iter=100)


def _linear_predictor(estimator: Any, x: FloatArray) -> FloatArray:
    return np.asarray(x @ estimator.coef_.ravel() + estimator.intercept_[0], dtype=np.float64)


def fit_estimator(x: Any, y: npt.ArrayLike) -> Any:
    """Fit on a named-column DataFrame; refuse separated or non-converged fits."""
    from sklearn.exceptions import ConvergenceWarning

    ya = np.asarray(y)
    if ya.min() == ya.max():
        raise FitError("every patient has the same outcome: nothing to fit")
    estimator = make_estimator()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            estimator.fit(x, ya)
        except ConvergenceWarning as exc:
            raise FitError(
                f"the logistic fit did not converge ({exc}); the data are probably separated"
            ) from exc
    eta = _linear_predictor(estimator, np.asarray(x, dtype=np.float64))
    if float(np.max(np.abs(eta))) > ETA_SEPARATION:
        raise FitError(
            "the outcome is (quasi-)separated by the predictors: some odds ratio is infinite "
            "and its interval meaningless. Merge the offending category or collect more cases."
        )
    return estimator


def covariance(estimator: Any, x: FloatArray) -> FloatArray:
    """Inverse Fisher information (X'WX)⁻¹ at the fit, intercept first."""
    design = np.column_stack([np.ones(len(x)), x])
    prob = logistic(_linear_predictor(estimator, x))
    info = design.T @ (design * (prob * (1.0 - prob))[:, None])
    return np.asarray(np.linalg.inv(info), dtype=np.float64)


@dataclass(frozen=True)
class Optimism:
    """Harrell's bootstrap optimism of the AUC, Brier score and calibration slope."""

    reps: int
    usable: int
    with_warnings: int
    auc: float
    brier: float
    slope: float


def optimism_bootstrap(x: FloatArray, y: npt.ArrayLike, reps: int, seed: int) -> Optimism:
    """Mean (bootstrap-sample performance − original-sample performance) over ``reps`` refits.

    A refit that is separated in its bootstrap sample still ranks patients, so it is kept
    (its AUC is defined) and counted in ``with_warnings``; a sample with one outcome class
    cannot be fitted and is skipped (``usable`` < ``reps``).
    """
    import pandas as pd

    ya = np.asarray(y, dtype=np.float64)
    rng = np.random.default_rng(seed)
    d_auc: list[float] = []
    d_brier: list[float] = []
    d_slope: list[float] = []
    flagged = 0
    for _ in range(reps):
        idx = rng.integers(0, len(ya), len(ya))
        yb = ya[idx]
        if yb.min() == yb.max():
            continue
        estimator = make_estimator()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            estimator.fit(pd.DataFrame(x[idx], columns=list(FEATURES)), yb)
        flagged += bool(caught)
        p_boot = logistic(_linear_predictor(estimator, x[idx]))
        p_orig = logistic(_linear_predictor(estimator, x))
        d_auc.append(auc(yb, p_boot) - auc(ya, p_orig))
        d_brier.append(brier(yb, p_boot) - brier(ya, p_orig))
        _, slope_orig = calibration(ya, p_orig)
        if slope_orig is not None:
            d_slope.append(1.0 - slope_orig)  # the apparent slope on its own sample is 1
    if not d_auc:
        raise FitError("no bootstrap sample could be fitted")
    return Optimism(
        reps=reps,
        usable=len(d_auc),
        with_warnings=flagged,
        auc=float(np.mean(d_auc)),
        brier=float(np.mean(d_brier)),
        slope=float(np.mean(d_slope)) if d_slope else math.nan,
    )


def _lower_median(values: FloatArray) -> float:
    return float(np.sort(values)[(len(values) - 1) // 2])


def describe_cohort(x: FloatArray) -> tuple[dict[str, Any], dict[str, Any]]:
    """(observed ranges and category counts, reference patient values and text)."""
    columns = {name: x[:, i] for i, name in enumerate(FEATURES)}
    ranges = {
        name: {
            "min": float(columns[name].min()),
            "max": float(columns[name].max()),
            "median": float(np.median(columns[name])),
        }
        for name in SCORE_LIMITS
    }
    codes = {"male": (0, 1), "lesion_level": (1, 2, 3), "frankel_grade": (0, 1, 2)}
    counts = {
        name: {str(c): int((columns[name] == c).sum()) for c in allowed}
        for name, allowed in codes.items()
    }
    reference = {"male": 0.0} | {
        name: _lower_median(columns[name]) for name in FEATURES if name != "male"
    }
    text = (
        "Reference patient: female, "
        f"{LESION_TEXT.get(int(reference['lesion_level']), '?')}, "
        f"{FRANKEL_TEXT.get(int(reference['frankel_grade']), '?')}, "
        f"revised Tokuhashi {reference['revised_tokuhashi']:g} points, "
        f"new Katagiri {reference['new_katagiri']:g} points (female is the coded zero of "
        "Table 4's sex row; the other values are the training cohort's medians)."
    )
    return {"ranges": ranges, "category_counts": counts}, {"values": reference, "text": text}


def wald_table(params: FloatArray, cov: FloatArray) -> dict[str, dict[str, float]]:
    """Odds ratio, Wald 95% interval and two-sided P per predictor (as Table 4 prints)."""
    fit = LogitFit(FEATURES, params, cov, math.nan, 0)
    se = fit.se[1:]
    return {
        str(row["feature"]): {
            "odds_ratio": float(row["odds_ratio"]),
            "ci_low": float(row["ci_low"]),
            "ci_high": float(row["ci_high"]),
            "p_value": float(row["p_value"]),
            "se": float(se[i]),
        }
        for i, row in enumerate(fit.table())
    }


def fit_model(
    frame: Any,  # a pandas DataFrame with the pseudo-cohort's columns
    *,
    reps: int = OPTIMISM_REPS,
    seed: int = SEED,
    source_file: str,
    source_sha256: str,
    provenance: str,
    description: str,
) -> tuple[Any, dict[str, Any]]:
    """Fit on ``frame`` and build the manifest (without the artifact hash, added on save)."""
    from models.outcome import POOR_OUTCOME_DEFINITION

    x_frame, y, excluded = encode_cohort(frame)
    x = x_frame.to_numpy(dtype=np.float64)
    estimator = fit_estimator(x_frame, y)
    params = np.concatenate([estimator.intercept_, estimator.coef_.ravel()]).astype(np.float64)
    cov = covariance(estimator, x)
    p = logistic(_linear_predictor(estimator, x))
    events = int(np.sum(y))
    optimism = optimism_bootstrap(x, y, reps, seed)
    apparent_auc, apparent_brier = auc(y, p), brier(y, p)
    observed, reference = describe_cohort(x)
    ref_eta = float(params[0] + params[1:] @ np.array([reference["values"][n] for n in FEATURES]))
    reference["log_odds"] = ref_eta
    reference["probability"] = float(logistic(np.array([ref_eta]))[0])
    manifest: dict[str, Any] = {
        "model": "poor_outcome",
        "outcome": POOR_OUTCOME_DEFINITION,
        "estimator": ESTIMATOR_TEXT,
        "feature_names": list(FEATURES),
        "features": [
            {"name": n, "label": FEATURE_LABELS[n], "coding": CODING[n]} for n in FEATURES
        ],
        "intercept": float(params[0]),
        "coefficients": {n: float(params[i]) for i, n in enumerate(FEATURES, start=1)},
        "covariance": {
            "order": ["intercept", *FEATURES],
            "matrix": [[float(v) for v in row] for row in cov],
            "method": "inverse Fisher information (X'WX)^-1 at the fit, NumPy",
        },
        "odds_ratios": wald_table(params, cov),
        "training_data": {
            "file": source_file,
            "sha256": source_sha256,
            "rows": len(y),
            "events": events,
            "excluded_rows": list(excluded),
            "description": description,
        },
        "observed": observed,
        "reference_patient": reference,
        "metrics": {
            "apparent_auc": apparent_auc,
            "apparent_brier": apparent_brier,
            "optimism_auc": optimism.auc,
            "optimism_corrected_auc": apparent_auc - optimism.auc,
            "optimism_corrected_brier": apparent_brier - optimism.brier,
            "optimism_corrected_calibration_slope": 1.0 - optimism.slope,
            "bootstrap": {
                "method": "Harrell optimism bootstrap (Harrell, Lee, Mark 1996)",
                "reps": optimism.reps,
                "usable_reps": optimism.usable,
                "reps_with_fit_warnings": optimism.with_warnings,
                "seed": seed,
            },
            "events_per_variable": min(events, len(y) - events) / len(FEATURES),
        },
        "versions": library_versions(),
        "provenance": provenance,
        "citations": {"source_study": SOURCE_STUDY, "optimism_bootstrap": HARRELL_1996},
    }
    return estimator, manifest


def train_file(
    cohort: Path,
    out: Path,
    *,
    reps: int = OPTIMISM_REPS,
    seed: int = SEED,
    provenance: str,
    description: str,
    source_name: str | None = None,
) -> dict[str, Any]:
    """Fit on a CSV file and write the artifact and manifest to ``out``; returns the manifest."""
    import pandas as pd

    from models.artifact import read_manifest

    frame = pd.read_csv(cohort)
    estimator, manifest = fit_model(
        frame,
        reps=reps,
        seed=seed,
        source_file=source_name or cohort.name,
        source_sha256=sha256_file(cohort),
        provenance=provenance,
        description=description,
    )
    save(estimator, manifest, out)
    return read_manifest(out)


def summary_text(manifest: dict[str, Any], out: Path) -> str:
    """Plain-text summary for the terminal."""
    m = manifest["metrics"]
    lines = [
        f"wrote {out}: n = {manifest['training_data']['rows']}, events = "
        f"{manifest['training_data']['events']}"
    ]
    for name in FEATURES:
        row = manifest["odds_ratios"][name]
        lines.append(
            f"  {FEATURE_LABELS[name]:<28} OR {row['odds_ratio']:6.2f}  "
            f"95% CI {row['ci_low']:.2f}–{row['ci_high']:.2f}  P {row['p_value']:.3f}"
        )
    lines.append(
        f"  apparent AUC {m['apparent_auc']:.3f}, optimism-corrected AUC "
        f"{m['optimism_corrected_auc']:.3f} ({m['bootstrap']['reps']} bootstrap reps), "
        f"Brier {m['apparent_brier']:.3f}, events per variable {m['events_per_variable']:.1f}"
    )
    lines.append(f"  artifact SHA-256 {manifest['artifact']['sha256']}")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", type=Path, default=DEFAULT_COHORT, help="pseudo-cohort CSV")
    parser.add_argument("--out", type=Path, default=SHIPPED_DIR, help="output directory")
    parser.add_argument("--reps", type=int, default=OPTIMISM_REPS, help="optimism bootstrap reps")
    parser.add_argument("--seed", type=int, default=SEED, help="bootstrap seed")


def run(args: argparse.Namespace) -> int:
    from models.features import CohortError
    from models.predict import PROVENANCE

    cohort: Path = args.cohort
    if not cohort.is_file():
        print(
            f"train: {cohort} not found; the pseudo-cohort is made by `python cli.py reconstruct`",
            file=sys.stderr,
        )
        return 2
    shipped = cohort.resolve() == DEFAULT_COHORT
    out: Path = args.out
    if not shipped and out.resolve() == SHIPPED_DIR:
        print(
            f"train: only the committed pseudo-cohort is trained into {SHIPPED_DIR}; "
            "for another file use `python cli.py fit --cohort FILE.csv --out DIR`.",
            file=sys.stderr,
        )
        return 2
    try:
        manifest = train_file(
            cohort,
            out,
            reps=args.reps,
            seed=args.seed,
            provenance=PROVENANCE if shipped else f"Fitted to the cohort file {cohort.name}.",
            description=(
                "pseudo-cohort reconstructed from the published aggregates of Kanda 2021 "
                "(Tables 1, 3, 4); not patient data"
                if shipped
                else "cohort file given to `cli.py train`"
            ),
            source_name="models/data/pseudo_cohort.csv" if shipped else None,
        )
    except (CohortError, FitError) as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 2
    print(summary_text(manifest, out))
    return 0
