"""Fit the shipped poor-outcome model and write its file (``python cli.py train``).

What is fitted: the five named predictors of Table 4 of Kanda Y et al. (J Orthop Surg Res
2021;16:423, doi:10.1186/s13018-021-02562-8), coded as :mod:`models.features` states, on
the committed pseudo-cohort; unpenalized maximum likelihood (the paper's table is an SPSS
maximum-likelihood fit and the odds ratios must round to its printed digits), then the
optimism adjustment, the instability refits and the reconstructions, all by
:func:`models.build.build_manifest` (the same code the loader re-runs to verify a file).

Why an optimism correction: with 18 events for 5 coefficients (3.6 events per variable)
the apparent AUC flatters the model and its predictions are too extreme. Harrell's
bootstrap refits the model in each bootstrap sample and measures how much better it looks
on that sample than on the original data; the mean calibration slope of the refits on the
original data is the shrinkage factor of the headline model. Seeds and repetitions are
fixed and recorded, so the file is reproducible byte for byte.

The reconstructions: every pseudo-cohort in ``models/data/ensemble_cohorts.csv`` (each
reproduces the paper's tables as well as the committed one) is refitted and adjusted the
same way; their spread is the reconstruction range of every prediction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import numpy as np

from models import build
from models import development as dev
from models.artifact import DATA_DIR, save, sha256_file
from models.features import FEATURE_LABELS, encode_cohort
from models.manifest import Manifest, Reconstructions

DEFAULT_COHORT: Final = DATA_DIR / "pseudo_cohort.csv"
#: The other pseudo-cohorts (column ``cohort`` names each), for the reconstruction range.
ENSEMBLE_COHORTS: Final = DATA_DIR / "ensemble_cohorts.csv"
OPTIMISM_REPS: Final = build.OPTIMISM_REPS
SEED: Final = build.SEED

#: Kept under its old name: the error a cohort that cannot be fitted raises.
FitError = dev.DevelopmentError


def cohort_patterns(frame: Any) -> tuple[dev.Patterns, tuple[str, ...]]:
    """Patterns (and excluded-row sentences) of a cohort DataFrame."""
    x_frame, y, excluded = encode_cohort(frame)
    return dev.Patterns.from_rows(x_frame.to_numpy(dtype=np.float64), y), excluded


def fit_model(frame: Any, training: build.TrainingFile, settings: build.Settings) -> Manifest:
    """The model file for a cohort DataFrame (own cohort: no reconstructions)."""
    patterns, excluded = cohort_patterns(frame)
    full = build.TrainingFile(training.kind, training.name, training.sha256, excluded)
    return build.build_manifest(patterns, full, settings)


def ensemble_reconstructions(path: Path, settings: build.Settings) -> Reconstructions:
    """Each pseudo-cohort of the ensemble file refitted and adjusted like the shipped model."""
    import pandas as pd

    frame = pd.read_csv(path)
    cohorts = [
        (str(label), cohort_patterns(group.drop(columns=["cohort"]))[0])
        for label, group in frame.groupby("cohort", sort=True)
    ]
    rel = path.relative_to(DATA_DIR.parent.parent) if path.is_relative_to(DATA_DIR) else path
    return build.reconstructions(cohorts, str(rel), sha256_file(path), settings)


def train_shipped(cohort: Path, out: Path, settings: build.Settings) -> tuple[Manifest, str]:
    """Fit the shipped model and write it to ``out``; returns it and its SHA-256."""
    import pandas as pd

    patterns, excluded = cohort_patterns(pd.read_csv(cohort))
    recon = (
        ensemble_reconstructions(ENSEMBLE_COHORTS, settings) if ENSEMBLE_COHORTS.is_file() else None
    )
    manifest = build.build_manifest(
        patterns,
        build.TrainingFile(
            "shipped", "models/data/pseudo_cohort.csv", sha256_file(cohort), excluded
        ),
        settings,
        recon=recon,
    )
    _, digest = save(manifest, out)
    return manifest, digest


def summary_text(manifest: Manifest, out: Path, digest: str) -> str:
    """Plain-text summary for the terminal."""
    m = manifest.metrics
    t = manifest.training_data
    lines = [f"wrote {out}: n = {t.rows}, events = {t.events}"]
    for row in manifest.published.odds_ratios:
        lines.append(
            f"  {FEATURE_LABELS[row.feature]:<28} OR {row.odds_ratio:6.2f}  "
            f"95% CI {row.ci_low:.2f}–{row.ci_high:.2f}  P {row.p_value:.3f}"
        )
    lines.append(
        f"  apparent AUC {m.apparent_auc:.3f}, optimism-corrected AUC "
        f"{m.optimism_corrected_auc:.3f} ({m.bootstrap.reps} bootstrap reps), "
        f"Brier {m.apparent_brier:.3f}, events per variable {m.events_per_variable:.1f}"
    )
    lines.append(
        f"  shrinkage factor {manifest.adjusted.shrinkage:.3f}; adjusted model's mean "
        f"calibration slope on {len(manifest.instability.params)} bootstrap refits "
        f"{manifest.instability.mean_calibration_slope:.3f}; MAPE {manifest.instability.mape:.3f}"
    )
    lines.append(f"  model file SHA-256 {digest}")
    return "\n".join(lines)
