"""``python cli.py validate``: externally validate a model on a cohort file (JSON summary,
optional HTML report); the computation lives in :mod:`models.validate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from models.validate import AUC_BOOTSTRAP_REPS, BOOTSTRAP_SEED, report_html, validate_frame


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cohort", type=Path, required=True, help="CSV with the cohort columns")
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="model directory (default: shipped model)"
    )
    parser.add_argument("--html", type=Path, default=None, help="write an HTML report here")
    parser.add_argument("--reps", type=int, default=AUC_BOOTSTRAP_REPS, help="bootstrap samples")
    parser.add_argument("--seed", type=int, default=BOOTSTRAP_SEED, help="bootstrap seed")
    parser.add_argument(
        "--published",
        action="store_true",
        help="validate the model as published (not adjusted for optimism) instead of the "
        "headline (optimism-adjusted) model",
    )


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from models.artifact import sha256_file
    from models.features import CohortError
    from models.predict import ModelIntegrityError, load_model

    try:
        model = load_model(args.model_dir)
        frame = pd.read_csv(args.cohort)
        result = validate_frame(
            model,
            frame,
            reps=args.reps,
            seed=args.seed,
            training_sha256=sha256_file(args.cohort),
            published=args.published,
        )
    except (ModelIntegrityError, CohortError, FileNotFoundError) as exc:
        print(f"validate: {exc}", file=sys.stderr)
        return 2
    summary = result.to_dict()
    summary["cohort_file"] = args.cohort.name
    summary["model"] = (
        "as published (not adjusted for optimism)" if args.published else "optimism-adjusted"
    )
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if args.html is not None:
        args.html.write_text(report_html(result), encoding="utf-8")
        print(f"validate: HTML report written to {args.html}", file=sys.stderr)
    return 0
