"""``python cli.py reconstruct``: the pseudo-cohort search, its ensembles, checks and coding
evidence; the search lives in :mod:`research.cohort`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from research.cohort import (
    DEFAULT_ENSEMBLE_COHORTS,
    DEFAULT_ENSEMBLE_OUT,
    DEFAULT_EVIDENCE_OUT,
    DEFAULT_OUT,
    DEFAULT_SEED,
    DEFAULT_STEPS,
    SearchConfig,
    format_checks,
    merge_ensembles,
    reconstruct,
    regenerate_ensemble,
    run_coding_evidence,
    run_ensemble,
    smoke,
    verify,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``python cli.py reconstruct``."""
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="search seed (default %(default)s)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="cohort CSV to write")
    parser.add_argument("--time-budget", type=float, default=3600.0, help="seconds per cohort")
    parser.add_argument(
        "--steps",
        type=int,
        default=DEFAULT_STEPS,
        help="annealing steps per restart",
    )
    defaults = SearchConfig()
    parser.add_argument("--t-start", type=float, default=defaults.t_start, help="fresh restarts")
    parser.add_argument("--t-end", type=float, default=defaults.t_end, help="every restart")
    parser.add_argument("--reheat-t", type=float, default=defaults.reheat_t)
    parser.add_argument(
        "--reheats",
        type=int,
        default=defaults.reheats,
        help="re-heated restarts from the best state after each fresh one",
    )
    parser.add_argument(
        "--slack", type=float, default=defaults.slack, help="flat part of the Table 4 loss"
    )
    parser.add_argument(
        "--margin",
        type=float,
        default=defaults.margin,
        help="stop when every Table 4 error is below this many tolerance units (≤ 1)",
    )
    parser.add_argument(
        "--quick-iters",
        type=int,
        default=defaults.quick_iters,
        help="Newton steps to screen a proposal (0: full fit)",
    )
    parser.add_argument(
        "--reheat-steps", type=int, default=0, help="steps of a re-heated restart (0: as --steps)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="quick machinery check for CI (no solution needed)"
    )
    parser.add_argument(
        "--check", type=Path, metavar="CSV", help="only verify a cohort file and print the table"
    )
    parser.add_argument(
        "--ensemble",
        type=int,
        default=0,
        metavar="N",
        help="search N more cohorts and summarize their metrics",
    )
    parser.add_argument("--ensemble-out", type=Path, default=DEFAULT_ENSEMBLE_OUT)
    parser.add_argument(
        "--regenerate-ensemble",
        action="store_true",
        help="search again the cohorts of --ensemble-out's seeds and write their rows",
    )
    parser.add_argument("--ensemble-cohorts-out", type=Path, default=DEFAULT_ENSEMBLE_COHORTS)
    parser.add_argument(
        "--merge-ensembles",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="combine ensemble runs (same settings, disjoint seeds) into --ensemble-out",
    )
    parser.add_argument(
        "--evidence", action="store_true", help="re-establish which level coding fits Table 4"
    )
    parser.add_argument("--evidence-budget", type=float, default=300.0, help="seconds per coding")
    parser.add_argument("--evidence-out", type=Path, default=DEFAULT_EVIDENCE_OUT)


def run(args: argparse.Namespace) -> int:
    """Run ``python cli.py reconstruct``; 0 on success."""
    if args.check is not None:
        checks = verify(pd.read_csv(args.check))
        print(format_checks(checks))
        return 0 if all(c.ok for c in checks) else 1
    if args.regenerate_ensemble:
        report = regenerate_ensemble(
            args.ensemble_out, args.ensemble_cohorts_out, budget_s=args.time_budget
        )
        print(json.dumps({k: report[k] for k in ("n_cohorts", "failed_seeds")}, indent=2))
        return 0
    if args.merge_ensembles:
        merged = merge_ensembles(args.merge_ensembles, args.ensemble_out)
        print(json.dumps({k: merged[k] for k in ("n_cohorts", "failed_seeds")}, indent=2))
        return 0
    if args.smoke:
        problems = smoke(args.seed)
        for p in problems:
            print(f"smoke: {p}", file=sys.stderr)
        print("smoke: ok" if not problems else f"smoke: {len(problems)} problem(s)")
        return 0 if not problems else 1
    if not 0.0 < args.margin <= 1.0:
        print("--margin must be in (0, 1]", file=sys.stderr)
        return 2
    base = SearchConfig(
        seed=args.seed,
        steps_per_restart=args.steps,
        time_budget_s=args.time_budget,
        reheats=args.reheats,
        reheat_steps=args.reheat_steps,
        t_start=args.t_start,
        t_end=args.t_end,
        reheat_t=args.reheat_t,
        slack=args.slack,
        quick_iters=args.quick_iters,
        margin=args.margin,
    )
    if args.evidence:
        report = run_coding_evidence(base, args.evidence_budget, args.evidence_out)
        print(json.dumps(report["results"], indent=2, ensure_ascii=False))
        return 0
    if args.ensemble:
        report = run_ensemble(args.ensemble, base, args.ensemble_out)
        print(
            json.dumps(
                {k: report[k] for k in ("n_cohorts", "intercept", "apparent_auc", "brier")},
                indent=2,
            )
        )
        return 0 if report["n_cohorts"] == args.ensemble else 1
    result = reconstruct(base)
    if result.frame is None:
        print("no verified pseudo-cohort within the time budget; nothing written", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result.frame.to_csv(args.out, index=False)
    print(format_checks(result.checks))
    took = f"{result.search.steps} steps, {result.search.seconds:.0f} s"
    print(f"wrote {args.out} (seed {args.seed}, {took})")
    return 0
