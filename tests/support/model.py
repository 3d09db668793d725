"""Helpers for the model tests: a SYNTHETIC cohort fitted into a temporary directory.

The cohorts here come from ``research.synthetic`` (seeded random rows, not patients and not
the reconstructed pseudo-cohort). Bootstrap repetitions are kept small so the suite is fast.
"""

from __future__ import annotations

from pathlib import Path

from models.artifact import save, sha256_file
from models.build import Settings, TrainingFile
from research.synthetic import synthetic_cohort
from research.train import fit_model

TEST_REPS = 15
TEST_SETTINGS = Settings(optimism_reps=TEST_REPS, seed=1, instability_reps=20, instability_seed=2)


def train_synthetic(directory: Path, *, n: int = 150, seed: int = 0) -> Path:
    """Write a synthetic cohort CSV and fit an own-cohort model from it into
    ``directory / 'model'``."""
    directory.mkdir(parents=True, exist_ok=True)
    cohort = directory / f"synthetic_{n}_{seed}.csv"
    frame = synthetic_cohort(n, seed)
    frame.to_csv(cohort, index=False)
    out = directory / "model"
    manifest = fit_model(
        frame, TrainingFile("own_cohort", cohort.name, sha256_file(cohort)), TEST_SETTINGS
    )
    save(manifest, out)
    return out
