"""Refit the model on a department's own cohort (``python cli.py fit``).

Why a separate command from ``train``: the shipped model is fitted to the committed
pseudo-cohort and pinned by its hash; a department's refit is a different model with a
different provenance, so it is written only to a directory the user names and never into
``models/artifacts`` (the command refuses). The file needs the pseudo-cohort's columns (see
:data:`models.features.COHORT_COLUMNS`); outcomes can be labelled with
:mod:`research.outcome`. The model file is JSON (no pickle, nothing that can run code): it
stores the cohort as predictor patterns with counts, the fitted numbers and the file's
name and SHA-256 (never its path); the loader rebuilds every number from the patterns and
refuses a file that disagrees.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models import build
from models.artifact import SHIPPED_DIR


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", type=Path, required=True, help="CSV with the cohort columns")
    parser.add_argument("--out", type=Path, required=True, help="directory for the new model")
    parser.add_argument(
        "--reps", type=int, default=build.OPTIMISM_REPS, help="optimism bootstrap reps"
    )
    parser.add_argument("--seed", type=int, default=build.SEED, help="bootstrap seed")


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from models.artifact import save, sha256_file
    from models.development import DevelopmentError
    from models.features import CohortError
    from research.train import fit_model, summary_text

    out: Path = args.out
    if out.resolve() == SHIPPED_DIR:
        print(
            f"fit: refusing to write into {SHIPPED_DIR}: that is the shipped model "
            "(regenerated only by `python cli.py train`). Choose another --out directory.",
            file=sys.stderr,
        )
        return 2
    cohort: Path = args.cohort
    try:
        manifest = fit_model(
            pd.read_csv(cohort),
            build.TrainingFile("own_cohort", cohort.name, sha256_file(cohort)),
            build.Settings(optimism_reps=args.reps, seed=args.seed),
        )
    except (CohortError, DevelopmentError, FileNotFoundError) as exc:
        print(f"fit: {exc}", file=sys.stderr)
        return 2
    _, digest = save(manifest, out)
    print(summary_text(manifest, out, digest))
    return 0
