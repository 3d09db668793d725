"""Command line: one entry point, one module per command.

Each command lives beside the domain code it drives and exposes two functions,
``add_arguments(parser)`` and ``run(args) -> int``; this file only routes, and imports a
command's module lazily so that ``cli.py schema`` does not pay for scikit-learn.

Usage: ``python cli.py COMMAND --help``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS: dict[str, tuple[str, str]] = {
    "schema": ("commands.schema", "print the JSON Schema of a patient case"),
    "score": ("models.batch", "score a CSV of cases (Tokuhashi, Katagiri, SINS, model)"),
    "reconstruct": ("commands.reconstruct", "search a pseudo-cohort matching the paper's tables"),
    "train": ("commands.train", "fit the shipped model on the committed pseudo-cohort"),
    "fit": ("commands.fit", "refit the model on a department's own cohort"),
    "validate": ("commands.validate", "externally validate a model on a cohort file"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cli.py", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    wanted = (argv if argv is not None else sys.argv[1:])[:1]
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if wanted and wanted[0] == name:
            modules[name] = importlib.import_module(module_name)
            modules[name].add_arguments(p)
    args = parser.parse_args(argv)
    module = modules.get(args.command) or importlib.import_module(COMMANDS[args.command][0])
    return int(module.run(args))


if __name__ == "__main__":
    sys.exit(main())
