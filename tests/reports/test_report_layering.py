"""``reports/`` is domain code (no Streamlit) and states the app's one intended use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_reports_never_import_streamlit():
    code = (
        "import sys, pkgutil, importlib, reports\n"
        "for m in pkgutil.iter_modules(reports.__path__):\n"
        "    importlib.import_module(f'reports.{m.name}')\n"
        "bad = sorted(n for n in sys.modules if n == 'streamlit' or n.startswith('streamlit.'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], cwd=REPO, check=True, timeout=120)


def test_the_notice_and_the_reports_state_one_intended_use():
    from app_pages.ui import notice
    from reports import wording
    from tests.reports.test_report import full_report

    assert notice.INTENDED_USE is wording.INTENDED_USE
    assert full_report().intended_use == wording.INTENDED_USE
