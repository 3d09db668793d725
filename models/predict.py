"""Predict a poor outcome for one patient or many, with every uncertainty the model has.

The **headline** is the optimism-adjusted model (:mod:`models.development`): the published
slopes shrunk by the bootstrap calibration slope and the intercept re-estimated so the
mean predicted risk equals the cohort's observed proportion (18/46). The unadjusted fit
that reproduces Table 4 is kept as ``published_*`` ("as published, not adjusted for
optimism"). Beside the probability, three uncertainties:

- ``ci_low``/``ci_high``: 95% delta-method interval of the adjusted model: the linear
  predictor's variance is x'Σx with x = (1, features) and Σ the adjusted covariance; the
  ends are logistic(η ∓ 1.96·SE), so they stay in (0, 1);
- ``reconstruction_low``/``_high``: lowest and highest probability across the pseudo-cohort
  reconstructions (the one the model uses and the others that reproduce the paper's
  tables equally well), each refitted and adjusted the same way; None for an own-cohort
  model (it has no reconstructions);
- ``instability_low``/``_high``: the 2.5–97.5 % range of the probabilities given by the
  precomputed bootstrap refits of the adjusted procedure (Riley & Collins 2023), widened
  to include the headline when every refit lies on one side of it.

Contributions are adjusted coefficient × (value − reference value) on the log-odds scale,
against a reference patient stored in the file: female (the coded zero of Table 4's
"Sex (male)" row) and, for the scores and the two ordinal predictors, the cohort's lower
median. Warnings say where the patient lies outside the training cohort. Source study:
Kanda Y et al., J Orthop Surg Res 2021;16:423, doi:10.1186/s13018-021-02562-8. Nothing
here is phrased as advice to operate or not.

Nothing here imports scikit-learn, pandas or Plotly; NumPy is imported only inside the
functions that compute, so the app's first paint does not pay for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from i18n import N_, Message
from models.artifact import SHIPPED_DIR, ModelIntegrityError, read_verified
from models.build import PROVENANCE, provenance_sentence, reference_sentence
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

    from models.manifest import Manifest
    from scoring import CaseScores, PatientCase

    FloatArray = npt.NDArray[np.float64]

#: The normal quantile of a two-sided 95% interval.
Z_95: Final = 1.959963984540054
#: A category seen in fewer training patients than this gets a warning.
RARE_CATEGORY: Final = 3
#: The instability range: these quantiles of the bootstrap refits' probabilities.
INSTABILITY_QUANTILES: Final = (0.025, 0.975)
#: The two warnings (the batch scorer's ``model_warnings`` column keeps their English).
RARE_CATEGORY_WARNING: Final = N_(
    "%(label)s: %(value)s was seen in %(seen)s of %(n)s training patients; the estimate for "
    "it rests on the model's coding, not on patients like this one."
)
EXTRAPOLATION_WARNING: Final = N_(
    "%(label)s %(value)s lies outside the training cohort's range (%(low)s–%(high)s "
    "points); the model extrapolates."
)

__all__ = [
    "PROVENANCE",
    "Contribution",
    "ModelIntegrityError",
    "PoorOutcomeModel",
    "Prediction",
    "PredictionArrays",
    "load_model",
    "provenance_text",
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
    """The model's answer for one patient; ``probability`` None when it does not apply.

    ``probability``/``ci_low``/``ci_high`` are the headline (optimism-adjusted) model;
    ``published_*`` the unadjusted Table-4 reproduction; ``reconstruction_*`` and
    ``instability_*`` the other two ranges (None when the model has none).
    """

    probability: float | None
    ci_low: float | None
    ci_high: float | None
    contributions: tuple[Contribution, ...]
    reference: str
    warnings: tuple[str, ...]
    reason: str | None
    provenance: str
    missing: tuple[str, ...] = ()
    published_probability: float | None = None
    published_ci_low: float | None = None
    published_ci_high: float | None = None
    reconstruction_low: float | None = None
    reconstruction_high: float | None = None
    instability_low: float | None = None
    instability_high: float | None = None

    @property
    def applicable(self) -> bool:
        return self.probability is not None

    @classmethod
    def none(cls, row: FeatureRow, reference: str, provenance: str) -> Prediction:
        """No probability for a case whose model row could not be built, and why."""
        return cls(None, None, None, (), reference, (), row.reason, provenance, row.missing)


@dataclass(frozen=True)
class PredictionArrays:
    """:meth:`PoorOutcomeModel.predict_arrays` for n rows: one float array (n,) per field,
    named as :class:`Prediction`'s; ``reconstruction_*`` None when the model has none."""

    probability: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    published_probability: FloatArray
    published_ci_low: FloatArray
    published_ci_high: FloatArray
    reconstruction_low: FloatArray | None
    reconstruction_high: FloatArray | None
    instability_low: FloatArray
    instability_high: FloatArray


def logistic(x: FloatArray) -> FloatArray:
    """The inverse logit, written with tanh so it neither overflows nor warns at ±large x."""
    from models.development import logistic as _logistic

    return _logistic(x)


def _frozen(values: object) -> FloatArray:
    import numpy as np

    out = np.array(values, dtype=np.float64)
    out.setflags(write=False)
    return out


class PoorOutcomeModel:
    """A verified model file; every array it holds is read-only and the manifest frozen,
    so the one cached copy a server shares cannot be changed by a session."""

    __slots__ = (
        "adjusted",
        "adjusted_cov",
        "directory",
        "feature_names",
        "instability",
        "manifest",
        "provenance",
        "published",
        "published_cov",
        "reconstructions",
        "reference_text",
        "reference_values",
        "sha256",
    )

    def __init__(self, manifest: Manifest, directory: Path, sha256: str) -> None:
        import numpy as np

        self.manifest = manifest
        #: SHA-256 of the model file's bytes (the ones verified and parsed).
        self.sha256 = sha256
        self.directory = directory
        self.feature_names: tuple[str, ...] = manifest.feature_names
        if self.feature_names != FEATURES:
            raise ModelIntegrityError(
                f"The model in {directory} uses features {self.feature_names}, this program "
                f"builds {FEATURES}; retrain it with this version (`python cli.py train`)."
            )
        self.published = _frozen(manifest.published.fit.params)
        self.published_cov = _frozen(manifest.published.fit.covariance)
        self.adjusted = _frozen(manifest.adjusted.fit.params)
        self.adjusted_cov = _frozen(manifest.adjusted.fit.covariance)
        self.instability = _frozen(manifest.instability.params)
        recon = manifest.reconstructions
        self.reconstructions: FloatArray | None = (
            None
            if recon is None
            else _frozen(np.vstack([self.adjusted[None, :], [f.adjusted for f in recon.fits]]))
        )
        self.reference_values = _frozen(manifest.reference_patient.values)
        self.reference_text = _translatable(
            manifest.reference_patient.text, reference_sentence(manifest.reference_patient.values)
        )
        self.provenance = provenance_text(manifest)

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, name):
            raise AttributeError(f"PoorOutcomeModel.{name} is read-only")
        object.__setattr__(self, name, value)

    # -- numbers ---------------------------------------------------------------------------
    @property
    def intercept(self) -> float:
        """The headline (adjusted) intercept."""
        return float(self.adjusted[0])

    @property
    def coef(self) -> FloatArray:
        """The headline (adjusted) slopes, in ``FEATURES`` order."""
        return self.adjusted[1:]

    def _design(self, values: Mapping[str, float]) -> FloatArray:
        import numpy as np

        return np.array([float(values[n]) for n in FEATURES], dtype=np.float64)

    @staticmethod
    def _with_interval(
        params: FloatArray, cov: FloatArray, xa: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        import numpy as np

        design = np.column_stack([np.ones(len(xa)), xa])
        eta = design @ params
        var = np.einsum("ij,jk,ik->i", design, cov, design)
        se = np.sqrt(np.maximum(var, 0.0))
        return logistic(eta), logistic(eta - Z_95 * se), logistic(eta + Z_95 * se)

    def predict_arrays(self, x: npt.ArrayLike) -> PredictionArrays:
        """Vectorized: rows of ``FEATURES`` values (n, 5) → every figure, as arrays (n,).

        Costs a few matrix products: the instability refits and reconstructions were
        computed at training; here each row is only evaluated under them.
        """
        import numpy as np

        xa = np.atleast_2d(np.asarray(x, dtype=np.float64))
        p, lo, hi = self._with_interval(self.adjusted, self.adjusted_cov, xa)
        pp, plo, phi = self._with_interval(self.published, self.published_cov, xa)
        boot = logistic(self.instability[:, 0][None, :] + xa @ self.instability[:, 1:].T)
        q = np.quantile(boot, INSTABILITY_QUANTILES, axis=1)
        ilo, ihi = np.minimum(q[0], p), np.maximum(q[1], p)
        rlo = rhi = None
        if self.reconstructions is not None:
            r = logistic(self.reconstructions[:, 0][None, :] + xa @ self.reconstructions[:, 1:].T)
            # the stack's first row is the headline itself: min/max with p only removes a
            # last-digit difference between the two ways of multiplying
            rlo, rhi = np.minimum(r.min(axis=1), p), np.maximum(r.max(axis=1), p)
        return PredictionArrays(p, lo, hi, pp, plo, phi, rlo, rhi, ilo, ihi)

    def predict_rows(self, x: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Vectorized, **as published** (not adjusted for optimism): (p, lo, hi) arrays.

        Kept for the batch's ``poor_outcome_probability`` columns, which stay the
        unadjusted Table-4 model; everything else is in :meth:`predict_arrays`.
        """
        import numpy as np

        xa = np.atleast_2d(np.asarray(x, dtype=np.float64))
        return self._with_interval(self.published, self.published_cov, xa)

    def predict_row(self, values: Mapping[str, float]) -> tuple[float, float, float]:
        """Headline probability and its 95% interval for one row of predictor values."""
        out = self.predict_arrays(self._design(values)[None, :])
        return float(out.probability[0]), float(out.ci_low[0]), float(out.ci_high[0])

    def linear_predictor(self, values: Mapping[str, float]) -> float:
        """Headline log-odds of a poor outcome for one row."""
        return self.intercept + float(self.coef @ self._design(values))

    # -- words -----------------------------------------------------------------------------
    def contributions(self, values: Mapping[str, float]) -> tuple[Contribution, ...]:
        """Adjusted coefficient × (value − reference) per predictor, on the log-odds scale."""
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
        observed = self.manifest.observed
        n = self.manifest.training_data.rows
        for name in FEATURES:
            value = float(values[name])
            if name in CATEGORY_TEXT:
                seen = observed.count_of(name, int(value))
                if seen < RARE_CATEGORY:
                    out.append(
                        Message(
                            RARE_CATEGORY_WARNING,
                            label=FEATURE_LABELS[name],
                            value=value_text(name, value),
                            seen=seen,
                            n=n,
                        )
                    )
            else:
                r = observed.range_of(name)
                if not r.min <= value <= r.max:
                    out.append(
                        Message(
                            EXTRAPOLATION_WARNING,
                            label=FEATURE_LABELS[name],
                            value=f"{value:g}",
                            low=f"{r.min:g}",
                            high=f"{r.max:g}",
                        )
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

    def predict_values(self, values: Mapping[str, float]) -> Prediction:
        """The prediction for one row of predictor values (every figure)."""
        a = self.predict_arrays(self._design(values)[None, :])

        def one(arr: FloatArray | None) -> float | None:
            return None if arr is None else float(arr[0])

        figures = (a.probability, a.ci_low, a.ci_high, a.published_probability)
        if not all(math.isfinite(float(v[0])) for v in figures):  # pragma: no cover
            raise ModelIntegrityError("The model produced a non-finite probability.")
        return Prediction(
            float(a.probability[0]),
            float(a.ci_low[0]),
            float(a.ci_high[0]),
            self.contributions(values),
            self.reference_text,
            self.warnings_for(values),
            None,
            self.provenance,
            published_probability=float(a.published_probability[0]),
            published_ci_low=float(a.published_ci_low[0]),
            published_ci_high=float(a.published_ci_high[0]),
            reconstruction_low=one(a.reconstruction_low),
            reconstruction_high=one(a.reconstruction_high),
            instability_low=one(a.instability_low),
            instability_high=one(a.instability_high),
        )

    def predict(self, case: PatientCase, scores: CaseScores) -> Prediction:
        """The prediction for ``case`` (its scores already computed by ``score_case``)."""
        row = features(case, scores)
        if row.values is None:
            return Prediction.none(row, self.reference_text, self.provenance)
        return self.predict_values(row.values)


def _translatable(stored: str, rebuilt: str) -> str:
    """The file's text as a message a page can translate, when the rebuilt message says
    exactly the same in English; otherwise the stored text as it is."""
    return rebuilt if rebuilt == stored else stored


def provenance_text(manifest: Manifest) -> str:
    """The model file's provenance sentence, translatable when it is one this program
    writes (the shipped model's, or an own cohort's built from the file's own facts)."""
    data = manifest.training_data
    rebuilt = provenance_sentence(manifest.kind, data.file, data.rows, data.events)
    return _translatable(manifest.provenance, rebuilt)


def load_model(directory: Path | None = None) -> PoorOutcomeModel:
    """Load and verify the model in ``directory`` (default: the shipped ``models/artifacts``).

    See :func:`models.artifact.read_verified` for what is checked; any failure raises
    :class:`ModelIntegrityError` saying what to do.
    """
    where = SHIPPED_DIR if directory is None else Path(directory)
    manifest, sha256 = read_verified(where)
    return PoorOutcomeModel(manifest, where, sha256)
