"""Build a model file from its inputs, and compare a file with a rebuild of it.

Why one builder for training and for loading: training calls :func:`build_manifest` and
writes the result; the loader calls it again on the file's own inputs (training patterns,
seeds, repetitions, training-file name and hash) and refuses the file when any number or
text differs (:func:`differences`). A model file therefore cannot carry a covariance, an
observed range, a reference patient, a metric or a provenance sentence that its own data
do not give. The shipped file is also pinned by its SHA-256 (:mod:`models.artifact`), so
its bootstrap parts need not be recomputed at every start; an own-cohort file is rebuilt
in full.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np

from i18n import N_, Message
from models import development as dev
from models.features import (
    CODING,
    FEATURE_LABELS,
    FEATURES,
    FRANKEL_TEXT,
    LESION_TEXT,
    SCORE_LIMITS,
    SEX_TEXT,
)
from models.manifest import (
    SCHEMA_VERSION,
    Adjusted,
    Bootstrap,
    CategoryCount,
    Feature,
    Fit,
    Instability,
    Manifest,
    Metrics,
    Observed,
    OddsRatio,
    Pattern,
    Published,
    Reconstruction,
    Reconstructions,
    ReferencePatient,
    ScoreRange,
    TrainingData,
)
from models.outcome_definition import POOR_OUTCOME_DEFINITION
from models.published import CITATION

#: Bootstrap repetitions for the optimism correction (Harrell 1996 used 100–200).
OPTIMISM_REPS: Final = 200
#: Bootstrap refits for the instability ranges (Riley & Collins 2023 use 200 or more).
INSTABILITY_REPS: Final = 200
SEED: Final = 20210423
INSTABILITY_SEED: Final = 20230302
#: Relative/absolute tolerance when a file's number is compared with its rebuild.
TOLERANCE: Final = 1e-9

PROVENANCE: Final = N_(
    "Fitted to a pseudo-cohort reconstructed from a 46-patient single-centre study; "
    "not externally validated."
)
OWN_COHORT_PROVENANCE: Final = N_(
    "Refitted to the department cohort file %(name)s (%(rows)s patients, %(events)s poor "
    "outcomes); same predictors and coding as the published model; not externally validated."
)
#: The reference patient in words: a heading and the description (whose values are coded
#: texts and points); a report shows the description under its own heading.
REFERENCE_PATIENT: Final = N_("Reference patient: %(reference)s")
REFERENCE_DESCRIPTION: Final = N_(
    "%(sex)s, %(level)s, %(frankel)s, revised Tokuhashi %(tokuhashi)s points, new Katagiri "
    "%(katagiri)s points (female is the coded zero of Table 4's sex row; the other values "
    "are the training cohort's medians)."
)
SHIPPED_DESCRIPTION: Final = N_(
    "pseudo-cohort reconstructed from the published aggregates of Kanda 2021 "
    "(Tables 1, 3, 4); not patient data"
)
OWN_DESCRIPTION: Final = N_("department cohort file given to `cli.py fit`")

SOURCE_STUDY: Final = CITATION
HARRELL_1996: Final = (
    "Harrell FE, Lee KL, Mark DB. Multivariable prognostic models: issues in developing "
    "models, evaluating assumptions and adequacy, and measuring and reducing errors. "
    "Stat Med. 1996;15:361-387. "
    "doi:10.1002/(SICI)1097-0258(19960229)15:4<361::AID-SIM168>3.0.CO;2-4"
)
RILEY_2021: Final = (
    "Riley RD, Snell KIE, Martin GP, et al. Penalization and shrinkage methods produced "
    "unreliable clinical prediction models especially when sample size was small. "
    "J Clin Epidemiol. 2021;132:88-96. doi:10.1016/j.jclinepi.2020.12.005"
)
RILEY_COLLINS_2023: Final = (
    "Riley RD, Collins GS. Stability of clinical prediction models developed using "
    "statistical or machine learning methods. Biom J. 2023;65(8):e2200302. "
    "doi:10.1002/bimj.202200302"
)
PUBLISHED_METHOD: Final = N_(
    "unpenalized maximum likelihood (Newton–Raphson, NumPy); covariance = inverse Fisher "
    "information (X'WX)^-1 at the fit"
)
ADJUSTED_METHOD: Final = N_(
    "uniform shrinkage of the published slopes by the bootstrap calibration slope; "
    "intercept re-estimated so the mean predicted risk equals the observed proportion; "
    "delta-method covariance with the shrinkage factor held fixed"
)
OPTIMISM_METHOD: Final = N_("Harrell optimism bootstrap (Harrell, Lee, Mark 1996)")
INSTABILITY_METHOD: Final = (
    "bootstrap refits of the adjusted procedure (refit, shrink by the same factor, "
    "re-estimate the intercept in the sample); Riley & Collins 2023"
)
RECONSTRUCTION_METHOD: Final = (
    "each pseudo-cohort refitted and adjusted like the shipped model (its own optimism "
    "bootstrap, same repetitions and seed)"
)


@dataclass(frozen=True)
class TrainingFile:
    """Where the training cohort came from (never its path, only its name and hash)."""

    kind: Literal["shipped", "own_cohort"]
    name: str
    sha256: str
    excluded_rows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Repetitions and seeds (stored in the file, so a rebuild uses the same)."""

    optimism_reps: int = OPTIMISM_REPS
    seed: int = SEED
    instability_reps: int = INSTABILITY_REPS
    instability_seed: int = INSTABILITY_SEED


def _lower_median(values: np.ndarray[Any, Any]) -> float:
    return float(np.sort(values)[(len(values) - 1) // 2])


def _observed(x: dev.FloatArray) -> Observed:
    columns = {name: x[:, i] for i, name in enumerate(FEATURES)}
    ranges = tuple(
        ScoreRange(
            feature=name,
            min=float(columns[name].min()),
            max=float(columns[name].max()),
            median=float(np.median(columns[name])),
        )
        for name in SCORE_LIMITS
    )
    codes = {"male": (0, 1), "lesion_level": (1, 2, 3), "frankel_grade": (0, 1, 2)}
    counts = tuple(
        CategoryCount(feature=name, code=c, count=int((columns[name] == c).sum()))
        for name, allowed in codes.items()
        for c in allowed
    )
    return Observed(ranges=ranges, category_counts=counts)


def reference_sentence(values: Sequence[float]) -> Message:
    """The reference patient in words, from its values in ``FEATURES`` order.

    A :class:`~i18n.Message`: the model file stores its English text, and a page renders
    the same sentence in its session's language (:mod:`models.predict` rebuilds it from the
    file's values and uses it only when its English equals the stored text).
    """
    ref = dict(zip(FEATURES, values, strict=True))
    description = Message(
        REFERENCE_DESCRIPTION,
        sex=SEX_TEXT[0],
        level=LESION_TEXT.get(int(ref["lesion_level"]), "?"),
        frankel=FRANKEL_TEXT.get(int(ref["frankel_grade"]), "?"),
        tokuhashi=f"{ref['revised_tokuhashi']:g}",
        katagiri=f"{ref['new_katagiri']:g}",
    )
    return Message(REFERENCE_PATIENT, reference=description)


def _reference(x: dev.FloatArray, params: dev.FloatArray) -> ReferencePatient:
    values = [0.0 if name == "male" else _lower_median(x[:, i]) for i, name in enumerate(FEATURES)]
    text = str(reference_sentence(values))
    eta = float(params[0] + params[1:] @ np.array(values))
    return ReferencePatient(
        values=tuple(values),
        text=text,
        log_odds=eta,
        probability=float(dev.logistic(np.array([eta]))[0]),
    )


def _fit(params: dev.FloatArray, cov: dev.FloatArray) -> Fit:
    return Fit(
        params=tuple(float(v) for v in params),
        covariance=tuple(tuple(float(v) for v in row) for row in cov),
    )


def adjusted_params(patterns: dev.Patterns, settings: Settings) -> tuple[Any, ...]:
    """(published params, covariance, optimism, adjusted params) of one cohort."""
    params, cov = dev.fit_patterns(patterns)
    x, y = patterns.rows()
    optimism = dev.optimism_bootstrap(x, y, settings.optimism_reps, settings.seed)
    adjusted = dev.adjust(params, optimism.shrinkage, x, float(np.mean(y)))
    return params, cov, optimism, adjusted


def reconstructions(
    cohorts: Sequence[tuple[str, dev.Patterns]], source: str, sha256: str, settings: Settings
) -> Reconstructions:
    """Each pseudo-cohort refitted and adjusted the same way as the shipped model."""
    fits = []
    for label, patterns in cohorts:
        params, _, optimism, adjusted = adjusted_params(patterns, settings)
        fits.append(
            Reconstruction(
                label=label,
                published=tuple(float(v) for v in params),
                shrinkage=optimism.shrinkage,
                adjusted=tuple(float(v) for v in adjusted),
            )
        )
    return Reconstructions(
        source=source, sha256=sha256, method=RECONSTRUCTION_METHOD, fits=tuple(fits)
    )


def provenance(training: TrainingFile, rows: int, events: int) -> str:
    """The provenance sentence: a constant for the shipped model, built for an own cohort."""
    return str(provenance_sentence(training.kind, training.name, rows, events))


def provenance_sentence(kind: str, name: str, rows: int, events: int) -> str:
    """The provenance as a translatable message (English: the text the file stores)."""
    if kind == "shipped":
        return PROVENANCE
    return Message(OWN_COHORT_PROVENANCE, name=name, rows=rows, events=events)


def build_manifest(
    patterns: dev.Patterns,
    training: TrainingFile,
    settings: Settings = Settings(),
    *,
    recon: Reconstructions | None = None,
    versions: tuple[tuple[str, str], ...] | None = None,
    stored: Manifest | None = None,
) -> Manifest:
    """The whole model file for ``patterns``.

    With ``stored`` (a file being verified whose SHA-256 is pinned) the bootstrap parts
    are taken from it instead of being recomputed; everything else is rebuilt.
    """
    params, cov = dev.fit_patterns(patterns)
    x, y = patterns.rows()
    rows, events = len(y), int(np.sum(y))
    p = dev.logistic(params[0] + x @ params[1:])
    apparent_auc, apparent_brier = dev.auc(y, p), dev.brier(y, p)
    if stored is None:
        optimism = dev.optimism_bootstrap(x, y, settings.optimism_reps, settings.seed)
        shrinkage = optimism.shrinkage
        bootstrap = Bootstrap(
            method=OPTIMISM_METHOD,
            reps=optimism.reps,
            usable_reps=optimism.usable,
            skipped_reps=optimism.skipped,
            seed=settings.seed,
        )
        opt_auc, opt_brier, slopes = optimism.auc, optimism.brier, optimism.slopes
    else:
        m = stored.metrics
        shrinkage = float(np.mean(m.shrinkage_bootstrap))
        bootstrap = m.bootstrap
        opt_auc, slopes = m.optimism_auc, m.shrinkage_bootstrap
        opt_brier = apparent_brier - m.optimism_corrected_brier
    adjusted = dev.adjust(params, shrinkage, x, events / rows)
    adjusted_cov = dev.adjusted_covariance(adjusted, cov, shrinkage, x)
    if stored is None:
        refits, skipped = dev.instability_refits(
            x, y, shrinkage, settings.instability_reps, settings.instability_seed
        )
        instability = Instability(
            method=INSTABILITY_METHOD,
            reps=settings.instability_reps,
            seed=settings.instability_seed,
            skipped_reps=skipped,
            params=tuple(tuple(float(v) for v in r) for r in refits),
            mape=dev.mape(dev.probabilities(adjusted, x), dev.probabilities(refits, x)),
            mean_calibration_slope=dev.mean_slope(y, x, list(refits)),
        )
    else:
        instability = stored.instability
    odds = dev.wald_table(params, cov)
    return Manifest(
        schema_version=SCHEMA_VERSION,
        model="poor_outcome",
        kind=training.kind,
        outcome=POOR_OUTCOME_DEFINITION,
        features=tuple(
            Feature(name=n, label=FEATURE_LABELS[n], coding=CODING[n]) for n in FEATURES
        ),
        training_data=TrainingData(
            file=training.name,
            sha256=training.sha256,
            rows=rows,
            events=events,
            excluded_rows=training.excluded_rows,
            description=SHIPPED_DESCRIPTION if training.kind == "shipped" else OWN_DESCRIPTION,
            patterns=tuple(
                Pattern(values=tuple(float(v) for v in xv), n=int(n), events=int(e))
                for xv, n, e in zip(patterns.x, patterns.n, patterns.events, strict=True)
            ),
        ),
        published=Published(
            fit=_fit(params, cov),
            odds_ratios=tuple(
                OddsRatio(
                    feature=name,
                    odds_ratio=o.odds_ratio,
                    ci_low=o.ci_low,
                    ci_high=o.ci_high,
                    p_value=o.p_value,
                    se=o.se,
                )
                for name, o in zip(FEATURES, odds, strict=True)
            ),
            method=PUBLISHED_METHOD,
        ),
        adjusted=Adjusted(
            fit=_fit(adjusted, adjusted_cov),
            shrinkage=shrinkage,
            target_mean_risk=events / rows,
            method=ADJUSTED_METHOD,
        ),
        observed=_observed(x),
        reference_patient=_reference(x, adjusted),
        metrics=Metrics(
            apparent_auc=apparent_auc,
            apparent_brier=apparent_brier,
            optimism_auc=opt_auc,
            optimism_corrected_auc=apparent_auc - opt_auc,
            optimism_corrected_brier=apparent_brier - opt_brier,
            optimism_corrected_calibration_slope=shrinkage,
            shrinkage_bootstrap=tuple(slopes),
            bootstrap=bootstrap,
            events_per_variable=min(events, rows - events) / len(FEATURES),
        ),
        instability=instability,
        reconstructions=recon if stored is None else stored.reconstructions,
        versions=versions if versions is not None else library_versions(),
        provenance=provenance(training, rows, events),
        citations=(
            ("source_study", SOURCE_STUDY),
            ("optimism_bootstrap", HARRELL_1996),
            ("shrinkage_uncertainty", RILEY_2021),
            ("instability", RILEY_COLLINS_2023),
        ),
    )


def library_versions() -> tuple[tuple[str, str], ...]:
    """Versions that shape the numbers (recorded in the file)."""
    return (("numpy", np.__version__), ("python", platform.python_version()))


def _walk(a: Any, b: Any, path: str) -> Iterator[str]:
    if isinstance(a, float) or isinstance(b, float):
        fa, fb = float(a), float(b)
        if not math.isclose(fa, fb, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            yield path
    elif isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            yield path
            return
        for key in a:
            yield from _walk(a[key], b[key], f"{path}.{key}" if path else key)
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            yield path
            return
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            yield from _walk(u, v, f"{path}[{i}]")
    elif a != b:
        yield path


def differences(stored: Manifest, rebuilt: Manifest) -> list[str]:
    """Dotted paths of the fields whose values differ (floats within :data:`TOLERANCE`).

    ``versions`` is not compared: a newer NumPy may write the last digit differently and
    the numbers are compared within tolerance anyway.
    """
    a = stored.model_dump(exclude={"versions"})
    b = rebuilt.model_dump(exclude={"versions"})
    return list(_walk(a, b, ""))


def settings_of(manifest: Manifest) -> Settings:
    """The repetitions and seeds a file was built with (to rebuild it the same way)."""
    return Settings(
        optimism_reps=manifest.metrics.bootstrap.reps,
        seed=manifest.metrics.bootstrap.seed,
        instability_reps=manifest.instability.reps,
        instability_seed=manifest.instability.seed,
    )


def patterns_of(manifest: Manifest) -> dev.Patterns:
    """The training patterns stored in a file."""
    stored = manifest.training_data.patterns
    return dev.Patterns(
        np.array([p.values for p in stored], dtype=np.float64).reshape(len(stored), -1),
        np.array([p.n for p in stored], dtype=np.int64),
        np.array([p.events for p in stored], dtype=np.int64),
    )
