"""Predict a poor outcome for one patient, with its interval, contributions and warnings.

The probability is the logistic function of the manifest's intercept and coefficients
(identical to the scikit-learn artifact's ``predict_proba``, which the tests check). The
95% interval is the delta method on the logit scale: the linear predictor's variance is
x'Σx with x = (1, features) and Σ the manifest's covariance (inverse Fisher information,
intercept included); the interval ends are logistic(η ∓ 1.96·SE), so they stay in (0, 1)
and widen as the patient moves away from the cohort's centre.

Contributions are coefficient × (value − reference value) on the log-odds scale, against a
reference patient stored in the manifest at training: female (the coded zero of Table 4's
"Sex (male)" row) and, for the scores and the two ordinal predictors, the cohort's lower
median (an observed value, so the reference patient is one that could exist). Their sum
plus the reference patient's log-odds is the patient's log-odds.

Warnings say where the patient lies outside the training cohort: a score outside its
observed range, a category seen in fewer than :data:`RARE_CATEGORY` training patients
(e.g. Frankel A–B). Source study: Kanda Y et al., J Orthop Surg Res 2021;16:423,
doi:10.1186/s13018-021-02562-8. Nothing here is phrased as advice to operate or not.

Importing this module and calling :func:`load_model` never imports Plotly; scikit-learn
is imported only inside :func:`load_model` (to unpickle and verify the artifact), and NumPy
only inside the functions that compute: the app's first paint (an empty case, no model
needed) asks this module why there is no probability and must not pay ~0.2 s for NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from models.artifact import SHIPPED_DIR, ModelIntegrityError
from models.artifact import load as _load_verified
from models.features import (
    CATEGORY_TEXT,
    FEATURE_LABELS,
    FEATURES,
    FeatureRow,
    features,
    value_text,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from scoring import CaseScores, PatientCase

    FloatArray = npt.NDArray[np.float64]

PROVENANCE: Final = (
    "Fitted to a pseudo-cohort reconstructed from a 46-patient single-centre study; "
    "not externally validated."
)
#: The normal quantile of a two-sided 95% interval.
Z_95: Final = 1.959963984540054
#: A category seen in fewer training patients than this gets a warning.
RARE_CATEGORY: Final = 3

__all__ = [
    "PROVENANCE",
    "Contribution",
    "ModelIntegrityError",
    "PoorOutcomeModel",
    "Prediction",
    "load_model",
]


@dataclass(frozen=True)
class Contribution:
    """One predictor's share of the log-odds against the reference patient."""

    feature: str
    label: str
    value_text: str
    reference_text: str
    log_odds: float


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one patient; ``probability`` None when it does not apply."""

    probability: float | None
    ci_low: float | None
    ci_high: float | None
    contributions: tuple[Contribution, ...]
    reference: str
    warnings: tuple[str, ...]
    reason: str | None
    provenance: str
    missing: tuple[str, ...] = ()

    @property
    def applicable(self) -> bool:
        return self.probability is not None

    @classmethod
    def none(cls, row: FeatureRow, reference: str, provenance: str) -> Prediction:
        """No probability for a case whose model row could not be built, and why."""
        return cls(None, None, None, (), reference, (), row.reason, provenance, row.missing)


def logistic(x: FloatArray) -> FloatArray:
    """The inverse logit, written with tanh so it neither overflows nor warns at ±large x."""
    import numpy as np

    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=np.float64)


class PoorOutcomeModel:
    """A verified artifact with its manifest; predictions come from the manifest's numbers."""

    def __init__(self, estimator: Any, manifest: dict[str, Any], directory: Path) -> None:
        import numpy as np

        self.estimator = estimator
        self.manifest = manifest
        self.directory = directory
        self.feature_names: tuple[str, ...] = tuple(manifest["feature_names"])
        if self.feature_names != FEATURES:
            raise ModelIntegrityError(
                f"The model in {directory} uses features {self.feature_names}, this program "
                f"builds {FEATURES}; retrain it with this version (`python cli.py train`)."
            )
        self.intercept = float(manifest["intercept"])
        self.coef = np.array([manifest["coefficients"][n] for n in FEATURES], dtype=np.float64)
        cov = manifest["covariance"]
        if list(cov["order"]) != ["intercept", *FEATURES]:
            raise ModelIntegrityError("The manifest's covariance order is not (intercept, …).")
        self.covariance = np.array(cov["matrix"], dtype=np.float64)
        ref = manifest["reference_patient"]
        self.reference_values = np.array([ref["values"][n] for n in FEATURES], dtype=np.float64)
        self.reference_text = str(ref["text"])
        self.provenance = str(manifest.get("provenance", PROVENANCE))
        self.observed: dict[str, Any] = manifest["observed"]

    # -- numbers ---------------------------------------------------------------------------
    def _design(self, values: Mapping[str, float]) -> FloatArray:
        import numpy as np

        return np.array([float(values[n]) for n in FEATURES], dtype=np.float64)

    def predict_rows(self, x: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Vectorized: rows of ``FEATURES`` values → (p, lo, hi) arrays."""
        import numpy as np

        xa = np.atleast_2d(np.asarray(x, dtype=np.float64))
        design = np.column_stack([np.ones(len(xa)), xa])
        eta = design @ np.concatenate([[self.intercept], self.coef])
        var = np.einsum("ij,jk,ik->i", design, self.covariance, design)
        se = np.sqrt(np.maximum(var, 0.0))
        return logistic(eta), logistic(eta - Z_95 * se), logistic(eta + Z_95 * se)

    def predict_row(self, values: Mapping[str, float]) -> tuple[float, float, float]:
        """Probability and 95% interval for one row of predictor values."""
        p, lo, hi = self.predict_rows(self._design(values)[None, :])
        return float(p[0]), float(lo[0]), float(hi[0])

    def linear_predictor(self, values: Mapping[str, float]) -> float:
        """Log-odds of a poor outcome for one row."""
        return self.intercept + float(self.coef @ self._design(values))

    # -- words -----------------------------------------------------------------------------
    def contributions(self, values: Mapping[str, float]) -> tuple[Contribution, ...]:
        """Coefficient × (value − reference) per predictor, on the log-odds scale."""
        x = self._design(values)
        return tuple(
            Contribution(
                feature=name,
                label=FEATURE_LABELS[name],
                value_text=value_text(name, float(x[i])),
                reference_text=value_text(name, float(self.reference_values[i])),
                log_odds=float(self.coef[i] * (x[i] - self.reference_values[i])),
            )
            for i, name in enumerate(FEATURES)
        )

    def warnings_for(self, values: Mapping[str, float]) -> tuple[str, ...]:
        """Where this patient lies outside the training cohort."""
        out: list[str] = []
        ranges = self.observed["ranges"]
        counts = self.observed["category_counts"]
        n = int(self.manifest["training_data"]["rows"])
        for name in FEATURES:
            value = float(values[name])
            if name in CATEGORY_TEXT:
                seen = int(counts[name].get(str(int(value)), 0))
                if seen < RARE_CATEGORY:
                    out.append(
                        f"{FEATURE_LABELS[name]}: {value_text(name, value)} was seen in "
                        f"{seen} of {n} training patients; the estimate for it rests on the "
                        "model's coding, not on patients like this one."
                    )
            else:
                low, high = float(ranges[name]["min"]), float(ranges[name]["max"])
                if not low <= value <= high:
                    out.append(
                        f"{FEATURE_LABELS[name]} {value:g} lies outside the training cohort's "
                        f"range ({low:g}–{high:g} points); the model extrapolates."
                    )
        return tuple(out)

    def warnings_rows(self, x: npt.ArrayLike) -> list[tuple[str, ...]]:
        """:meth:`warnings_for` for many rows (the batch scorer's ``model_warnings``)."""
        import numpy as np

        xa = np.atleast_2d(np.asarray(x, dtype=np.float64))
        cache: dict[tuple[float, ...], tuple[str, ...]] = {}
        out = []
        for row in xa:
            key = tuple(float(v) for v in row)
            if key not in cache:
                cache[key] = self.warnings_for(dict(zip(FEATURES, key, strict=True)))
            out.append(cache[key])
        return out

    def predict(self, case: PatientCase, scores: CaseScores) -> Prediction:
        """The prediction for ``case`` (its scores already computed by ``score_case``)."""
        row = features(case, scores)
        if row.values is None:
            return Prediction.none(row, self.reference_text, self.provenance)
        p, lo, hi = self.predict_row(row.values)
        if not all(math.isfinite(v) for v in (p, lo, hi)):  # pragma: no cover - defensive
            raise ModelIntegrityError("The model produced a non-finite probability.")
        return Prediction(
            p,
            lo,
            hi,
            self.contributions(row.values),
            self.reference_text,
            self.warnings_for(row.values),
            None,
            self.provenance,
        )

    def predict_proba_estimator(self, values: Mapping[str, float]) -> float:
        """The scikit-learn artifact's own probability (compared with :meth:`predict_row`)."""
        import pandas as pd

        frame = pd.DataFrame([self._design(values)], columns=list(FEATURES))
        return float(self.estimator.predict_proba(frame)[0, 1])


def load_model(directory: Path | None = None) -> PoorOutcomeModel:
    """Load and verify the model in ``directory`` (default: the shipped ``models/artifacts``).

    The artifact's SHA-256 is checked against the manifest before ``joblib.load`` runs;
    any mismatch, a missing manifest or a scikit-learn version mismatch raises
    :class:`ModelIntegrityError` with what to do.
    """
    where = SHIPPED_DIR if directory is None else Path(directory)
    estimator, manifest = _load_verified(where)
    return PoorOutcomeModel(estimator, manifest, where)
