"""The model file's typed, frozen form: every number the app, CLI, card and reports read.

Why Pydantic and frozen: a model file is data from disk, so it is validated once on the
way in (exact keys, no extras, finite numbers, right shapes) and then read by attribute,
never by string key; the object is immutable, so the one cached model a server shares
cannot be changed by one session for the others.

A model file is JSON (``poor_outcome.json``) and nothing else: there is no pickle and no
code in it. It stores the training cohort as predictor *patterns* with counts (the
likelihood depends on the data only through them), so the loader can re-derive every
number a user sees and refuse a file whose numbers disagree (see :mod:`models.artifact`).
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_VERSION: Final = 2

#: A float; NaN and ±inf are refused by :class:`Frozen`'s ``allow_inf_nan=False``.
Finite = Annotated[float, Field(allow_inf_nan=False)]
Vector = tuple[Finite, ...]
Matrix = tuple[Vector, ...]


class Frozen(BaseModel):
    """Immutable, no unknown keys, no NaN/inf, no silent type coercion of strings."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


class Feature(Frozen):
    name: str
    label: str
    coding: str


class Pattern(Frozen):
    """One distinct predictor row of the training cohort and how many had a poor outcome."""

    values: Vector
    n: int = Field(gt=0)
    events: int = Field(ge=0)


class TrainingData(Frozen):
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: int = Field(gt=0)
    events: int = Field(ge=0)
    excluded_rows: tuple[str, ...]
    description: str
    patterns: tuple[Pattern, ...]


class OddsRatio(Frozen):
    feature: str
    odds_ratio: Finite
    ci_low: Finite
    ci_high: Finite
    p_value: Finite
    se: Finite


class Fit(Frozen):
    """One logistic model: intercept and slopes (``params``, intercept first) and their
    covariance (same order)."""

    params: Vector
    covariance: Matrix

    @property
    def intercept(self) -> float:
        return self.params[0]

    @property
    def slopes(self) -> Vector:
        return self.params[1:]


class Published(Frozen):
    """The unpenalized maximum-likelihood fit that reproduces Table 4 ("as published")."""

    fit: Fit
    odds_ratios: tuple[OddsRatio, ...]
    method: str


class Adjusted(Frozen):
    """The optimism-adjusted model: the headline."""

    fit: Fit
    shrinkage: Finite
    target_mean_risk: Finite
    method: str


class ScoreRange(Frozen):
    feature: str
    min: Finite
    max: Finite
    median: Finite


class CategoryCount(Frozen):
    feature: str
    code: int
    count: int


class Observed(Frozen):
    ranges: tuple[ScoreRange, ...]
    category_counts: tuple[CategoryCount, ...]

    def range_of(self, feature: str) -> ScoreRange:
        return next(r for r in self.ranges if r.feature == feature)

    def count_of(self, feature: str, code: int) -> int:
        return next(
            (c.count for c in self.category_counts if c.feature == feature and c.code == code), 0
        )


class ReferencePatient(Frozen):
    values: Vector
    text: str
    log_odds: Finite
    probability: Finite


class Bootstrap(Frozen):
    method: str
    reps: int = Field(gt=0)
    usable_reps: int = Field(ge=0)
    skipped_reps: int = Field(ge=0)
    seed: int


class Metrics(Frozen):
    apparent_auc: Finite
    apparent_brier: Finite
    optimism_auc: Finite
    optimism_corrected_auc: Finite
    optimism_corrected_brier: Finite
    #: The mean calibration slope of the bootstrap refits on the original data: the
    #: published model's optimism-corrected calibration slope, i.e. the shrinkage factor.
    optimism_corrected_calibration_slope: Finite
    #: The per-sample calibration slopes whose mean is the shrinkage factor.
    shrinkage_bootstrap: Vector
    bootstrap: Bootstrap
    events_per_variable: Finite


class Instability(Frozen):
    """Bootstrap refits of the adjusted procedure (Riley & Collins 2023), precomputed."""

    method: str
    reps: int = Field(gt=0)
    seed: int
    skipped_reps: int = Field(ge=0)
    #: One adjusted parameter vector (intercept first) per usable refit.
    params: Matrix
    #: Mean absolute prediction error over the training patients and refits.
    mape: Finite
    #: Mean calibration slope of the adjusted refits on the training data (≈ 1 is right).
    mean_calibration_slope: Finite


class Reconstruction(Frozen):
    """One pseudo-cohort reconstruction, refitted and adjusted like the shipped model."""

    label: str
    published: Vector
    shrinkage: Finite
    adjusted: Vector


class Reconstructions(Frozen):
    source: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    method: str
    fits: tuple[Reconstruction, ...]


class Manifest(Frozen):
    """The whole model file."""

    schema_version: Literal[2]
    model: Literal["poor_outcome"]
    kind: Literal["shipped", "own_cohort"]
    outcome: str
    features: tuple[Feature, ...]
    training_data: TrainingData
    published: Published
    adjusted: Adjusted
    observed: Observed
    reference_patient: ReferencePatient
    metrics: Metrics
    instability: Instability
    reconstructions: Reconstructions | None
    versions: tuple[tuple[str, str], ...]
    provenance: str
    citations: tuple[tuple[str, str], ...]
    #: SHA-256 of the bytes this object was parsed from (set by the loader; not stored).
    _file_sha256: str = PrivateAttr(default="")

    @property
    def file_sha256(self) -> str:
        """SHA-256 of the model file's bytes, as verified when it was loaded."""
        return self._file_sha256

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.features)

    def odds_ratio(self, feature: str) -> OddsRatio:
        return next(r for r in self.published.odds_ratios if r.feature == feature)

    def coefficient(self, feature: str) -> float:
        return self.published.fit.slopes[self.feature_names.index(feature)]
