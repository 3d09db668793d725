"""Shared test helpers: a complete case that every scoring test can vary one field of."""

from __future__ import annotations

from typing import Any

import pytest

from scoring import PatientCase

COMPLETE: dict[str, Any] = {
    "sex": "male",
    "age_years": 67,
    "lesion_level": "C5",
    "frankel": "D",
    "kps": 60,
    "ecog": 3,
    "primary_tumor": "thyroid",
    "previous_chemotherapy": False,
    "extraspinal_bone_mets": 0,
    "vertebral_body_mets": 1,
    "major_organ_mets": "none",
    "visceral_mets": "none",
    "crp": {"value": "0.1", "unit": "mg/dL"},
    "ldh": {"value": "180", "unit": "U/L"},
    "albumin": {"value": "4.0", "unit": "g/dL"},
    "platelets": {"value": "220", "unit": "10^9/L"},
    "calcium": {"value": "9.2", "unit": "mg/dL"},
    "bilirubin": {"value": "0.6", "unit": "mg/dL"},
    "sins_pain": "mechanical",
    "sins_bone_lesion": "lytic",
    "sins_alignment": "normal",
    "sins_collapse": "lt50",
    "sins_posterolateral": "unilateral",
}


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
            if marker in item.keywords:
                item.add_marker(skip)


def make_case(**changes: Any) -> PatientCase:
    """The complete case with ``changes`` applied (a value of None empties a field)."""
    return PatientCase(**{**COMPLETE, **changes})


@pytest.fixture
def complete_case() -> PatientCase:
    return make_case()
