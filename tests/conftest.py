"""Suite-wide switches (--run-slow, --run-research) and the complete-case fixture.

The case itself lives in :mod:`tests.support.cases`, which the benchmarks may import too."""

from __future__ import annotations

import pytest

from scoring import PatientCase
from tests.support.cases import make_case


def pytest_addoption(parser: pytest.Parser) -> None:
    """Opt-in switches for heavy runs, so that ``-m`` stays free for the caller.

    A marker expression in ``addopts`` (the old ``-m 'not slow'``) is silently replaced by
    any ``-m`` given on the command line, which brought the two-hour search back into
    ``pytest -m 'not browser'``; an option cannot be overridden by accident.
    """
    parser.addoption(
        "--run-slow", action="store_true", help="also run tests marked slow (hours of search)"
    )
    parser.addoption(
        "--run-research",
        action="store_true",
        help="also run tests marked research (the numba pseudo-cohort smoke search)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``slow`` tests unless ``--run-slow``, ``research`` ones unless ``--run-research``."""
    for marker, option in (("slow", "--run-slow"), ("research", "--run-research")):
        if config.getoption(option):
            continue
        skip = pytest.mark.skip(reason=f"{marker}: run with {option}")
        for item in items:
            # The marker itself, not ``item.keywords``: keywords hold the names of the
            # folders too, and every test under tests/research/ would match "research".
            if item.get_closest_marker(marker) is not None:
                item.add_marker(skip)


@pytest.fixture
def complete_case() -> PatientCase:
    return make_case()
