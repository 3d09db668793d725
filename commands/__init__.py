"""The command line, one thin module per command: argparse and printing live only here.

Each module exposes ``add_arguments(parser)`` and ``run(args) -> int``; ``cli.py`` routes to
them and imports only the one asked for, so ``cli.py schema`` does not pay for NumPy.
"""
