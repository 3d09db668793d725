"""Accessibility: axe-core (the npm package pinned in package-lock.json) scans both pages.

Why axe in the real page: contrast, names of controls, ARIA roles and heading order are
properties of the rendered DOM with the theme and ``assets/style.css`` applied, which only
a browser has. The scan runs on an empty calculator (placeholders, help buttons), on a
filled one (results, breakdowns, checklist) and on the tumor board at projector size, and
fails on any violation axe rates critical or serious, naming each rule, its impact and the
first elements it found, so the page author can fix the markup rather than the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.support.browser import (
    PROJECTOR,
    REPO,
    SESSION_CASES,
    TABLET,
    AppPage,
    AppServer,
    expect_results,
    expected_results,
    fill_case,
    open_session,
    save_failure_screenshot,
)

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
CASE = SESSION_CASES[2]


def axe_violations(app: AppPage) -> list[dict[str, Any]]:
    """Run axe-core on the whole document and return its violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(REPO)} is missing: run `make axe` (npm ci)")
    app.wait_for_app()
    if not app.page.evaluate("() => typeof window.axe !== 'undefined'"):
        app.page.add_script_tag(path=str(AXE))
    result = app.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    """Per violation: rule id, impact, help; per node (up to three) its HTML and axe's reason."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} [{v['impact']}] {v['help']} ({len(v['nodes'])} nodes)")
        for node in v["nodes"][:3]:
            checks = node.get("any") or node.get("all") or node.get("none") or [{}]
            reason = checks[0].get("message", "")
            lines.append(f"  - {node['html'][:140]}\n    {reason}")
        if len(v["nodes"]) > 3:
            lines.append(f"  - … {len(v['nodes']) - 3} more")
    return "\n".join(lines)


def assert_no_blocking(app: AppPage, where: str) -> None:
    violations = axe_violations(app)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    ids = sorted({v["id"] for v in blocking})
    assert blocking == [], f"axe on {where}: serious/critical {ids}\n{describe(blocking)}"


@pytest.fixture(scope="module")
def filled(browser: Browser, app_server: AppServer) -> Iterator[AppPage]:
    context, app = open_session(browser, app_server, TABLET)
    try:
        fill_case(app, CASE)
        expect_results(app, expected_results(CASE))
        yield app
    except BaseException:
        save_failure_screenshot(app, "accessibility-fill")
        raise
    finally:
        context.close()


def test_empty_calculator(open_app: Any) -> None:
    assert_no_blocking(open_app(TABLET), "the empty calculator at 1024×768")


def test_filled_calculator(filled: AppPage) -> None:
    filled.go_to_page("Calculator")
    assert_no_blocking(filled, "the filled calculator at 1024×768")


def test_tumor_board_on_projector(filled: AppPage) -> None:
    filled.page.set_viewport_size({"width": PROJECTOR[0], "height": PROJECTOR[1]})
    try:
        filled.go_to_page("Tumor board")
        expect_results(filled, expected_results(CASE))
        assert_no_blocking(filled, "the tumor board at 1920×1080")
    finally:
        filled.page.set_viewport_size({"width": TABLET[0], "height": TABLET[1]})
