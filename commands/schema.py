"""``python cli.py schema``: the JSON Schema of a patient case, for integrators."""

from __future__ import annotations

import argparse
import json

from scoring.case import PatientCase


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2)")


def run(args: argparse.Namespace) -> int:
    print(json.dumps(PatientCase.model_json_schema(), indent=args.indent, ensure_ascii=False))
    return 0
