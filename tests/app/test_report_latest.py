"""The report builder a download button reaches is the page's newest run's, and a press
during a run waits for it (``report_downloads._LatestReport``)."""

from __future__ import annotations

import threading
import time

import pytest

from app_pages.ui import report_downloads
from app_pages.ui.report_downloads import _LatestReport


@pytest.fixture(autouse=True)
def _no_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_downloads, "COMMIT_GRACE_SECONDS", 0.0)


def test_an_older_buttons_press_gets_the_newest_runs_report() -> None:
    latest = _LatestReport()
    latest.idle.set()
    latest.build = lambda: "newest run"
    assert latest.report(lambda: "the drawing run") == "newest run"


def test_a_press_during_a_run_waits_for_that_runs_report() -> None:
    latest = _LatestReport()
    latest.build = lambda: "before the edit"
    latest.idle.clear()  # a run has begun (the press's own commit)

    def finish_run() -> None:
        time.sleep(0.3)
        latest.build = lambda: "with the edit"
        latest.idle.set()

    threading.Thread(target=finish_run).start()
    assert latest.report(lambda: "the drawing run") == "with the edit"


def test_without_any_finished_run_the_drawing_runs_report_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(report_downloads, "RUN_WAIT_SECONDS", 0.05)
    latest = _LatestReport()  # idle never set: the wait times out
    assert latest.report(lambda: "the drawing run") == "the drawing run"
