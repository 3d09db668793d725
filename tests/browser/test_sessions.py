"""Five browser sessions at once, each with its own case, each sees only its own results.

The case lives in Streamlit's session state, one per browser session; a module-level
cache or a global by mistake would leak one patient into another's screen. Five contexts
(five independent sessions, as five tablets would be) enter five different cases field
by field in turn, so their reruns overlap on the server, then each must show its own
scores and probability, on the calculator and on the tumor board, and a change in one
session must not move another's numbers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext

from tests.support.browser import (
    SESSION_CASES,
    TABLET,
    TOKUHASHI,
    AppPage,
    AppServer,
    case_steps,
    expect_results,
    expected_results,
    open_session,
    option_text,
    save_failure_screenshot,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def sessions(
    browser: Browser, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[list[AppPage]]:
    opened: list[tuple[BrowserContext, AppPage]] = []
    try:
        for _ in SESSION_CASES:
            opened.append(open_session(browser, app_server, TABLET, wait=False))
        for _, app in opened:
            app.wait_for_app()
        yield [app for _, app in opened]
    finally:
        report = getattr(request.node, "report_call", None)
        for index, (context, app) in enumerate(opened):
            if report is not None and report.failed:
                save_failure_screenshot(app, f"sessions-{index}")
            context.close()


def test_five_concurrent_sessions_each_see_only_their_own_case(sessions: list[AppPage]) -> None:
    expected = [expected_results(case) for case in SESSION_CASES]
    assert len({tuple(e.items()) for e in expected}) == len(expected), "cases must differ"

    # Interleave: field 1 in every session, then field 2 in every session, … without
    # waiting for each rerun, so five sessions' reruns run on the server at the same time.
    steps = [case_steps(case) for case in SESSION_CASES]
    for index in range(max(len(s) for s in steps)):
        for app, session_steps in zip(sessions, steps, strict=True):
            if index < len(session_steps):
                session_steps[index](app, False)

    for app, want in zip(sessions, expected, strict=True):
        app.wait_for_app()
        expect_results(app, want)

    # The tumor board reads the same session state: still each session's own case.
    for app in sessions:
        app.go_to_page("Tumor board")
    for app, want in zip(sessions, expected, strict=True):
        expect_results(app, want)
    for app in sessions:
        app.go_to_page("Calculator")

    # A change in the first session moves only the first session's numbers.
    first = SESSION_CASES[0]
    changed = first.model_copy(update={"kps": 40 if first.kps != 40 else 90})
    sessions[0].pick_option("calc_kps", option_text("kps", changed.kps))
    changed_expected = expected_results(changed)
    assert changed_expected[TOKUHASHI] != expected[0][TOKUHASHI]
    expect_results(sessions[0], changed_expected)
    for app, want in zip(sessions[1:], expected[1:], strict=True):
        expect_results(app, want)
        assert app.page_errors == []
