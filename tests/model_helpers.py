"""Helpers for the model tests: a SYNTHETIC cohort fitted into a temporary directory.

The cohorts here come from ``models.synthetic`` (seeded random rows, not patients and not
the reconstructed pseudo-cohort). Bootstrap repetitions are kept small so the suite is fast.
"""

from __future__ import annotations

from pathlib import Path

from models.synthetic import synthetic_cohort
from models.train import train_file

TEST_REPS = 15


def train_synthetic(directory: Path, *, n: int = 150, seed: int = 0, reps: int = TEST_REPS) -> Path:
    """Write a synthetic cohort CSV and fit a model from it into ``directory / 'model'``."""
    directory.mkdir(parents=True, exist_ok=True)
    cohort = directory / f"synthetic_{n}_{seed}.csv"
    synthetic_cohort(n, seed).to_csv(cohort, index=False)
    out = directory / "model"
    train_file(
        cohort,
        out,
        reps=reps,
        seed=1,
        provenance="SYNTHETIC test model: fitted to random rows, not patients.",
        description="synthetic test cohort",
    )
    return out
