"""The headline probability with its three ranges and its frequency, read without scrolling.

Issue 12: at the tablet's and the projector's size, once the probability is on screen the
frequency sentence and the reconstruction and instability ranges are on screen with it
(the calculator and the tumor board), and the unadjusted model is one tap away.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, expect

from models.wording import frequency_text, range_text
from scoring import score_case
from tests.support.browser import (
    FULL_CASE,
    PROJECTOR,
    TABLET,
    AppPage,
    AppServer,
    fill_case,
    open_session,
    poor_outcome_model,
    save_failure_screenshot,
)
from tests.support.ui_text import PROBABILITY

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def session(browser: Browser, app_server: AppServer) -> Iterator[AppPage]:
    context, app = open_session(browser, app_server, TABLET)
    try:
        fill_case(app, FULL_CASE)
        yield app
    except BaseException:
        save_failure_screenshot(app, "uncertainty-fill")
        raise
    finally:
        context.close()


def _inside(app: AppPage, locator: Locator, height: int) -> None:
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] >= 0, (locator, box)
    assert box["y"] + box["height"] <= height, (locator, box, height)


@pytest.mark.parametrize("page_name", ["Calculator", "Tumor board"])
@pytest.mark.parametrize("viewport", [TABLET, PROJECTOR], ids=["1024x768", "1920x1080"])
def test_ranges_and_frequency_are_on_screen_with_the_number(
    session: AppPage, page_name: str, viewport: tuple[int, int]
) -> None:
    prediction = poor_outcome_model().predict(FULL_CASE, score_case(FULL_CASE))
    session.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    try:
        session.go_to_page(page_name)
        number = session.metric_value(PROBABILITY)
        expect(number).to_be_visible()
        number.scroll_into_view_if_needed()
        sentence = frequency_text(prediction.probability)
        texts = (
            f"{sentence[0].upper()}{sentence[1:]} would have a poor outcome.",
            "Across reconstructions: "
            f"{range_text(prediction.reconstruction_low, prediction.reconstruction_high)}",
            "Refitted to resampled patients: "
            f"{range_text(prediction.instability_low, prediction.instability_high)}",
        )
        _inside(session, number, viewport[1])
        for text in texts:
            shown = session.page.get_by_text(text).first
            expect(shown).to_be_visible()
            _inside(session, shown, viewport[1])
        toggle = session.page.get_by_text("As published (not adjusted for optimism)").first
        expect(toggle).to_be_visible()
    finally:
        session.page.set_viewport_size({"width": TABLET[0], "height": TABLET[1]})
