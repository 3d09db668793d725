"""Command line: one entry point, one module per command.

Each command lives beside the domain code it drives and exposes two functions,
``add_arguments(parser)`` and ``run(args) -> int``; this file only routes, and imports a
command's module lazily so that ``cli.py schema`` does not pay for scikit-learn.

``--lang ja`` is read before the parser is built, so that a command that takes it
(``score``) also shows its ``--help`` in that language: the descriptions and the help of
each option come from the catalogue. Argparse's own words ("usage:", "options:", "show this
help message and exit") come from Python's gettext domain ``argparse``, which Python ships
without a Japanese catalogue, so they stay English; option names, column names and codes
stay English too (they are the command's contract).

Usage: ``python cli.py COMMAND --help``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import NoReturn

from i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, Translator, translator

COMMANDS: dict[str, tuple[str, str]] = {
    "schema": ("commands.schema", N_("print the JSON Schema of a patient case")),
    "score": ("models.batch", N_("score a CSV of cases (Tokuhashi, Katagiri, SINS, model)")),
    "reconstruct": (
        "commands.reconstruct",
        N_("search a pseudo-cohort matching the paper's tables"),
    ),
    "train": ("commands.train", N_("fit the shipped model on the committed pseudo-cohort")),
    "fit": ("commands.fit", N_("refit the model on a department's own cohort")),
    "validate": ("commands.validate", N_("externally validate a model on a cohort file")),
}
#: Environment defaults of the process that runs a command, set before anything (NumPy)
#: is imported, and only when ``cli.py`` is the program (a host calling ``main`` keeps its
#: own). ``score`` calls the model's small matrix products only for new predictor rows;
#: OpenBLAS's worker threads then spin on the cores the batch pipeline's own threads need
#: (2 % of its CPU samples on a million rows). Arrow's allocator (mimalloc) is told to
#: keep the pages a chunk freed for the next chunk instead of handing them back to the
#: system, which then had to zero them again: a third of ``score``'s CPU time on a million
#: rows was the kernel faulting pages in (measured in ``bench/README.md``).
COMMAND_ENVIRONMENT: dict[str, dict[str, str]] = {
    "score": {"OPENBLAS_NUM_THREADS": "1", "MIMALLOC_PURGE_DELAY": "-1"}
}


def program_environment(argv: list[str]) -> None:
    """Set ``COMMAND_ENVIRONMENT`` of the command named first in ``argv`` (a value the
    user set is kept)."""
    for key, value in COMMAND_ENVIRONMENT.get(argv[0] if argv else "", {}).items():
        os.environ.setdefault(key, value)


#: Commands whose ``add_arguments(parser, _)`` translates its help (they take ``--lang``).
TRANSLATED_HELP = frozenset({"score"})
DESCRIPTION = N_("Command line: one entry point, one module per command.")


def help_language(argv: list[str]) -> Translator:
    """The translator of a ``--lang`` anywhere in ``argv`` (English if none or unknown:
    the real parser then names the allowed values)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang", default=DEFAULT_LANGUAGE)
    known, _rest = pre.parse_known_args(argv)
    return translator(known.lang if known.lang in LANGUAGES else DEFAULT_LANGUAGE)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _ = help_language(argv)
    parser = argparse.ArgumentParser(prog="cli.py", description=_(DESCRIPTION))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    wanted = argv[:1]
    for name, (module_name, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=_(help_text), description=_(help_text))
        if wanted and wanted[0] == name:
            modules[name] = importlib.import_module(module_name)
            if name in TRANSLATED_HELP:
                modules[name].add_arguments(p, _)
            else:
                modules[name].add_arguments(p)
    args = parser.parse_args(argv)
    module = modules.get(args.command) or importlib.import_module(COMMANDS[args.command][0])
    return int(module.run(args))


#: Commands that end the process without the interpreter's teardown (``exit_now``).
FAST_EXIT = frozenset({"score"})
#: The status Python itself exits with when it cannot flush standard output at exit.
_UNFLUSHED = 120


def exit_now(status: int) -> NoReturn:
    """End the process at once with ``status``, after flushing standard output and error.

    Why: after a million-row ``score``, the interpreter's teardown (every module and object
    freed one by one) took 0.06 s, 3 % of the run, for nothing a user can see; the kernel
    returns the memory either way (``bench/README.md``). Only for ``FAST_EXIT`` commands
    run as a program, and only once ``main`` has returned: the command has already
    committed or removed its output and waited for its threads.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        status = _UNFLUSHED
    os._exit(status)


if __name__ == "__main__":
    program_environment(sys.argv[1:2])
    code = main()
    if sys.argv[1:2] and sys.argv[1] in FAST_EXIT:
        exit_now(code)
    sys.exit(code)
