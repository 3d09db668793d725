"""Refit the model on a department's own cohort (``python cli.py fit``).

Why a separate command from ``train``: the shipped model is fitted to the committed
pseudo-cohort and verified by its manifest; a department's refit is a different model
with a different provenance, so it is written only to a directory the user names and
never into ``models/artifacts`` (the command refuses). The file needs the pseudo-cohort's
columns (see :data:`models.features.COHORT_COLUMNS`); outcomes can be labelled with
:mod:`models.outcome`. The manifest stores the file's name and SHA-256, never its path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models.artifact import SHIPPED_DIR
from models.train import OPTIMISM_REPS, SEED

OWN_COHORT_PROVENANCE = (
    "Refitted to the department cohort file {name} ({rows} patients, {events} poor "
    "outcomes); same predictors and coding as the published model; not externally validated."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", type=Path, required=True, help="CSV with the cohort columns")
    parser.add_argument("--out", type=Path, required=True, help="directory for the new model")
    parser.add_argument("--reps", type=int, default=OPTIMISM_REPS, help="optimism bootstrap reps")
    parser.add_argument("--seed", type=int, default=SEED, help="bootstrap seed")


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from models.artifact import save, sha256_file
    from models.features import CohortError, encode_cohort
    from models.train import FitError, fit_model, summary_text

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
        frame = pd.read_csv(cohort)
        _, y, _ = encode_cohort(frame)
        provenance = OWN_COHORT_PROVENANCE.format(
            name=cohort.name, rows=len(y), events=int(y.sum())
        )
        estimator, manifest = fit_model(
            frame,
            reps=args.reps,
            seed=args.seed,
            source_file=cohort.name,
            source_sha256=sha256_file(cohort),
            provenance=provenance,
            description="department cohort file given to `cli.py fit`",
        )
    except (CohortError, FitError, FileNotFoundError) as exc:
        print(f"fit: {exc}", file=sys.stderr)
        return 2
    save(estimator, manifest, out)
    from models.artifact import read_manifest

    print(summary_text(read_manifest(out), out))
    return 0
