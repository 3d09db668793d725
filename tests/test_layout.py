"""The layout's rules, checked on the source: data flows one way (UI -> domain).

Domain packages never import Streamlit (they serve the CLI and the tests as well as the
app), and the runtime never imports the research tooling (the pseudo-cohort search and its
numba kernels are for re-deriving the model, not for using it). Checked statically on every
import statement, so a lazy import inside a function is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOMAIN = ("scoring", "models", "reports", "learn", "research", "i18n", "commands")
RUNTIME = ("scoring", "models", "reports", "learn", "i18n", "app_pages")


def _imports(path: Path) -> set[str]:
    """Top-level module names imported anywhere in ``path`` (absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _files(packages: tuple[str, ...]) -> list[Path]:
    return sorted(
        p for pkg in packages if (REPO / pkg).is_dir() for p in (REPO / pkg).rglob("*.py")
    )


@pytest.mark.parametrize("path", _files(DOMAIN), ids=lambda p: str(p.relative_to(REPO)))
def test_domain_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in _imports(path)


@pytest.mark.parametrize("path", _files(RUNTIME), ids=lambda p: str(p.relative_to(REPO)))
def test_runtime_never_imports_research(path: Path) -> None:
    assert "research" not in _imports(path)


def test_checked_packages_exist() -> None:
    """The rules above must not pass by checking nothing."""
    assert len(_files(("scoring", "models"))) > 10


def test_a_violation_is_seen(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    import streamlit as st\n    from research.cohort import x\n")
    assert {"streamlit", "research"} <= _imports(bad)
