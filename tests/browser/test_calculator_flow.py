"""A full case entered on a tablet, read back, projected on the tumor board, and back.

One session per module: the case is entered once by taps and typing (the slow part), and
the tests that follow read that same session as a user would keep using it: results
against the domain API, the tumor board and back, layout at the tablet's size,
screenshots at tablet and projector size, and finally every request the session made.
The tests therefore run in file order and share the session on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

import pytest
from playwright.sync_api import Browser, expect

from app_pages.ui.notice import INTENDED_USE
from scoring import PatientCase
from scoring.case import FIELD_NAMES
from scoring.labs import LabValue
from tests.support.browser import (
    FULL_CASE,
    PROJECTOR,
    TABLET,
    WHOLE_NUMBER_FIELDS,
    AppPage,
    AppServer,
    expect_results,
    expected_results,
    fill_case,
    number_text,
    open_session,
    option_text,
    poor_outcome_model,
    save_failure_screenshot,
)

pytestmark = pytest.mark.browser

CALCULATOR = "Calculator"
TUMOR_BOARD = "Tumor board"
LEARN = "Learn"


@pytest.fixture(scope="module")
def session(browser: Browser, app_server: AppServer) -> Iterator[AppPage]:
    """One tablet session with FULL_CASE entered on the calculator."""
    context, app = open_session(browser, app_server, TABLET)
    try:
        fill_case(app, FULL_CASE)
        yield app
    except BaseException:
        save_failure_screenshot(app, "calculator-flow-fill")
        raise
    finally:
        context.close()


def expect_case_in_widgets(app: AppPage, case: PatientCase) -> None:
    """Every recorded field of ``case`` is still shown in its calculator widget."""
    for name in FIELD_NAMES:
        value = getattr(case, name)
        if value is None:
            continue
        widget = app.widget(f"calc_{name}")
        if isinstance(value, LabValue):
            expect(widget.locator("input")).to_have_value(number_text(value.value))
        elif name in WHOLE_NUMBER_FIELDS:
            expect(widget.locator("input")).to_have_value(number_text(value))
        else:
            label = value.value if isinstance(value, Enum) else value
            shown = app.shown_option(f"calc_{name}")
            text = option_text(name, value)
            if app.widget_kind(f"calc_{name}") == "selectbox":
                expect(shown, f"{name} = {label}").to_have_value(text)
            else:
                expect(shown, f"{name} = {label}").to_have_text(text)


def wait_for_charts(app: AppPage) -> None:
    """With a model, the calculator draws Plotly charts: wait for them before a screenshot."""
    if poor_outcome_model() is not None:
        expect(app.page.locator(".js-plotly-plot .main-svg").first).to_be_visible()


def test_full_case_results_match_domain_api(session: AppPage) -> None:
    expect_results(session, expected_results(FULL_CASE))
    expect_case_in_widgets(session, FULL_CASE)


def test_tumor_board_shows_the_same_case_and_back(session: AppPage) -> None:
    expected = expected_results(FULL_CASE)
    session.go_to_page(TUMOR_BOARD)
    expect_results(session, expected)
    # A projection screen: no input widget of the calculator, no input at all.
    expect(session.page.locator("[class*='st-key-calc_']")).to_have_count(0)
    expect(session.main_container().locator("input, textarea, [role=combobox]")).to_have_count(0)

    session.go_to_page(CALCULATOR)
    expect_results(session, expected)
    expect_case_in_widgets(session, FULL_CASE)


@pytest.mark.parametrize("page_name", [CALCULATOR, TUMOR_BOARD])
def test_no_horizontal_scroll_on_tablet(session: AppPage, page_name: str) -> None:
    session.go_to_page(page_name)
    size = session.scroll_size()
    assert size["scrollWidth"] <= size["clientWidth"], f"{page_name} at 1024×768: {size}"
    assert size["docScrollWidth"] <= size["docClientWidth"], f"{page_name} at 1024×768: {size}"


# What a user sees on arriving at a page: scrolled to the top, the notice's centre is the
# notice itself, not the fixed header drawn over it.
UNCOVERED_JS = """
(el) => {
  window.scrollTo(0, 0);
  document.querySelector('[data-testid="stMain"]')?.scrollTo(0, 0);
  const box = el.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {covered: !el.contains(hit), top: box.top, by: hit ? hit.outerHTML.slice(0, 80) : ''};
}
"""


@pytest.mark.parametrize("page_name", [CALCULATOR, TUMOR_BOARD])
def test_intended_use_notice_is_not_under_the_header(session: AppPage, page_name: str) -> None:
    """The app states its intended use as the first line of every page; a header drawn
    over it would make the statement invisible exactly where it is needed."""
    session.go_to_page(page_name)
    notice = session.page.get_by_test_id("stCaptionContainer").filter(has_text=INTENDED_USE)
    expect(notice).to_have_count(1)
    seen = notice.evaluate(UNCOVERED_JS)
    assert not seen["covered"], f"{page_name}: notice at y={seen['top']} is under {seen['by']}"


# Key numbers and the metric labels naming them must be shown whole: an input that shows
# "26" of an LDH of 262 or a label cut to "Revised Tokuh…" can be misread.
# An input's scrollWidth does not grow with its text in Chromium, so an input's text is
# measured with a canvas in the input's own font against its inner width.
CLIPPED_JS = """
(root) => {
  const canvas = document.createElement('canvas').getContext('2d');
  const key = (el) => {
    const keyed = el.closest('[class*="st-key-"]');
    return keyed ? (keyed.className.match(/st-key-(\\S+)/) || [])[1] : '?';
  };
  const metric = (el) => {
    const m = el.closest('[data-testid="stMetric"]');
    const label = m && m.querySelector('[data-testid="stMetricLabel"]');
    return label ? label.innerText.trim() : '?';
  };
  const out = [];
  for (const input of root.querySelectorAll('input[type=number], input[type=text]')) {
    const style = getComputedStyle(input);
    canvas.font = style.font;
    const inner = input.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    const text = canvas.measureText(input.value).width;
    if (input.value && text > inner + 1) {
      out.push(`${key(input)} shows "${input.value}" (${Math.ceil(text)} px) in ${inner} px`);
    }
  }
  const parts = '[data-testid="stMetricLabel"], [data-testid="stMetricValue"]';
  for (const el of root.querySelectorAll(parts)) {
    for (const part of [el, ...el.querySelectorAll('*')]) {
      if (part.clientWidth > 0 && part.scrollWidth > part.clientWidth + 1) {
        out.push(`metric "${metric(el)}" ${el.dataset.testid}: "${el.innerText.trim()}" `
          + `needs ${part.scrollWidth} px, has ${part.clientWidth} px`);
        break;
      }
    }
  }
  return out;
}
"""


@pytest.mark.parametrize("page_name", [CALCULATOR, TUMOR_BOARD])
def test_numbers_and_metric_labels_not_clipped_on_tablet(session: AppPage, page_name: str) -> None:
    session.go_to_page(page_name)
    expect_results(session, expected_results(FULL_CASE))
    clipped = session.main_container().evaluate(CLIPPED_JS)
    assert clipped == [], f"{page_name} at 1024×768 clips:\n" + "\n".join(clipped)


# Touch-sized controls (issue 4): every control a finger must hit on the ward tablet is at
# least 44 px tall (the common touch-target guideline; axe checks WCAG's 24 px minimum),
# and at least 44 px wide (a tab named "SINS" was 28 px wide).
SMALL_TARGETS_JS = """
(root) => {
  const controls = [
    '[data-testid="stSelectbox"] [role="group"]',
    '[data-testid="stNumberInputContainer"]',
    '[data-testid="stTextInputRootElement"]',
    '[data-testid="stButtonGroup"] button',
    'button[data-testid^="stBaseButton"]',
    '[role="tab"]',
    '[data-testid="stExpander"] summary',
  ].join(', ');
  const out = [];
  for (const el of root.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (box.height === 0) continue;
    if (box.height < 44 || box.width < 44) {
      const keyed = el.closest('[class*="st-key-"]');
      const key = keyed ? (keyed.className.match(/st-key-(\\S+)/) || [])[1] : '';
      const text = (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 30);
      const size = `${Math.round(box.width)}×${Math.round(box.height)} px`;
      out.push(`${key || el.dataset.testid || el.tagName} "${text}": ${size}`);
    }
  }
  return out;
}
"""


def test_calculator_controls_are_touch_sized(session: AppPage) -> None:
    session.go_to_page(CALCULATOR)
    expect(session.widget("calc_sex").get_by_role("radio").first).to_be_visible()
    small = session.main_container().evaluate(SMALL_TARGETS_JS)
    assert small == [], "controls under 44 × 44 px at 1024×768:\n" + "\n".join(small)


def test_learn_page_controls_are_touch_sized(session: AppPage) -> None:
    """The Learn page's tabs ("SINS", "Quiz") and buttons on the tablet."""
    session.go_to_page(LEARN)
    expect(session.page.get_by_role("tab").first).to_be_visible()
    small = session.main_container().evaluate(SMALL_TARGETS_JS)
    assert small == [], "controls under 44 × 44 px at 1024×768:\n" + "\n".join(small)


def test_tumor_board_numbers_are_large_on_the_projector(session: AppPage) -> None:
    """Key numbers readable from the back of a room: rendered glyphs at least 48 px tall."""
    session.page.set_viewport_size({"width": PROJECTOR[0], "height": PROJECTOR[1]})
    try:
        session.go_to_page(TUMOR_BOARD)
        expect_results(session, expected_results(FULL_CASE))
        heights = session.page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')].map((el) => {
                const range = document.createRange();
                range.selectNodeContents(el);
                return [el.innerText.trim(), Math.round(range.getBoundingClientRect().height)];
            })"""
        )
        assert len(heights) == 6, heights  # three scores, the probability, Tomita, Bauer
        small = [(text, height) for text, height in heights if height < 48]
        assert small == [], f"tumor board values under 48 px at 1920×1080: {small}"
    finally:
        session.page.set_viewport_size({"width": TABLET[0], "height": TABLET[1]})


@pytest.mark.parametrize("viewport", [TABLET, PROJECTOR], ids=["1024x768", "1920x1080"])
@pytest.mark.parametrize("page_name", [CALCULATOR, TUMOR_BOARD])
def test_screenshots(session: AppPage, page_name: str, viewport: tuple[int, int]) -> None:
    """Full-page screenshots kept under test-artifacts/browser/screenshots/ for review."""
    session.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    try:
        session.go_to_page(page_name)
        expect_results(session, expected_results(FULL_CASE))
        if page_name == CALCULATOR:
            wait_for_charts(session)
        slug = page_name.lower().replace(" ", "-")
        path = session.full_page_screenshot(f"{slug}-{viewport[0]}x{viewport[1]}")
        assert path.stat().st_size > 10_000, f"{path} looks empty"
    finally:
        session.page.set_viewport_size({"width": TABLET[0], "height": TABLET[1]})


def test_no_request_left_the_machine(session: AppPage) -> None:
    """Everything the session loaded, on both pages, came from localhost (or data:/blob:)."""
    assert session.requests, "no request was recorded: the recorder is not attached"
    assert session.websockets, "no websocket was recorded"
    outside = sorted(set(session.outside_requests()))
    assert outside == [], "requests left the machine:\n" + "\n".join(outside)


def test_server_log_holds_no_patient_value(session: AppPage, app_server: AppServer) -> None:
    """No patient value in the server's output (issue 4: not on disk, not in logs)."""
    log = app_server.log_path.read_text(errors="replace")
    assert FULL_CASE.primary_tumor is not None
    assert FULL_CASE.sins_alignment is not None
    for value in (
        FULL_CASE.primary_tumor.value,
        FULL_CASE.primary_tumor.label,
        FULL_CASE.sins_alignment.label,
    ):
        assert value not in log, f"{value!r} appears in {app_server.log_path}"


def test_no_uncaught_page_error(session: AppPage) -> None:
    assert session.page_errors == []
