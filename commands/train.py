"""``python cli.py train``: refit the shipped model on the committed pseudo-cohort
(deterministic); the fitting lives in :mod:`research.train`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from models import build
from models import development as dev
from models.artifact import SHIPPED_DIR, SHIPPED_SHA256
from research.train import DEFAULT_COHORT, OPTIMISM_REPS, SEED, summary_text, train_shipped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", type=Path, default=DEFAULT_COHORT, help="pseudo-cohort CSV")
    parser.add_argument("--out", type=Path, default=SHIPPED_DIR, help="output directory")
    parser.add_argument("--reps", type=int, default=OPTIMISM_REPS, help="optimism bootstrap reps")
    parser.add_argument("--seed", type=int, default=SEED, help="bootstrap seed")


def run(args: argparse.Namespace) -> int:
    from models.features import CohortError

    cohort: Path = args.cohort
    if not cohort.is_file():
        print(
            f"train: {cohort} not found; the pseudo-cohort is made by `python cli.py reconstruct`",
            file=sys.stderr,
        )
        return 2
    if cohort.resolve() != DEFAULT_COHORT:
        print(
            "train: only the committed pseudo-cohort is trained by this command; for another "
            "file use `python cli.py fit --cohort FILE.csv --out DIR`.",
            file=sys.stderr,
        )
        return 2
    settings = build.Settings(optimism_reps=args.reps, seed=args.seed)
    try:
        manifest, digest = train_shipped(cohort, args.out, settings)
    except (CohortError, dev.DevelopmentError) as exc:
        print(f"train: {exc}", file=sys.stderr)
        return 2
    print(summary_text(manifest, args.out, digest))
    if args.out.resolve() == SHIPPED_DIR and digest != SHIPPED_SHA256:
        print(
            f"train: the shipped model changed. Set SHIPPED_SHA256 in models/artifact.py to "
            f'"{digest}" (the app and the CLI refuse the file until then).',
            file=sys.stderr,
        )
    return 0
