"""English | 日本語 in a real browser: chosen per session, defaulted from the browser's locale.

Chromium with locale ja-JP opens in Japanese and en-US in English; the switch changes the
language at once and keeps the case; two sessions in different languages at once do not
affect each other; every page in Japanese at the tablet and the projector size, with no
horizontal scroll, saved as a screenshot in test-artifacts (looked at for tofu when the
font list changes: the check here is that fontconfig has a Japanese font for Chromium); the
Learn page's quiz in Japanese with a case of all five scores, every answer option whole
(not cut short in its list nor once chosen), before and after its feedback.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, expect

from i18n import translator
from tests.support.browser import (
    ARTIFACTS,
    EXPECT_TIMEOUT_MS,
    NAVIGATION_TIMEOUT_MS,
    PROJECTOR,
    TABLET,
    AppPage,
    AppServer,
    attach,
    save_failure_screenshot,
)

pytestmark = pytest.mark.browser

JA = translator("ja")
#: Page path (Streamlit derives it from the file name, so it does not change with the
#: language) and its navigation title in English.
PAGES = {
    "": "Calculator",
    "tumor_board": "Tumor board",
    "learn": "Learn",
    "model_card": "Model card",
}
NOTICE_EN = "informs the team's judgment"
NOTICE_JA = "チームの判断"

Opener = Callable[..., AppPage]


@pytest.fixture
def open_in(
    browser: Browser, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[Opener]:
    """Sessions whose browser reports ``locale``; closed (with evidence on failure) after."""
    opened: list[tuple[BrowserContext, AppPage]] = []

    def _open(locale: str, viewport: tuple[int, int] = TABLET, path: str = "") -> AppPage:
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            has_touch=True,
            device_scale_factor=1,
            locale=locale,
            reduced_motion="reduce",
            service_workers="block",
        )
        context.set_default_timeout(EXPECT_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        app = AppPage(context.new_page(), app_server)
        attach(context, app)
        opened.append((context, app))
        app.open(path)
        return app

    yield _open
    report = getattr(request.node, "report_call", None)
    for index, (context, app) in enumerate(opened):
        if report is not None and report.failed:
            save_failure_screenshot(app, f"{request.node.name}-{index}")
        context.close()


def expect_language(app: AppPage, language: str) -> None:
    """Navigation, notice and switch all in ``language``."""
    nav = app.page.get_by_role("link", name=JA("Calculator") if language == "ja" else "Calculator")
    expect(nav.first).to_be_visible()
    notice = NOTICE_JA if language == "ja" else NOTICE_EN
    expect(app.main_container().get_by_text(notice, exact=False).first).to_be_visible()
    chosen = "日本語" if language == "ja" else "English"
    segment = app.widget("lang").get_by_role("radio", name=chosen, exact=True)
    expect(segment).to_have_attribute("aria-checked", "true")


def switch_to(app: AppPage, language: str) -> None:
    app.pick_option("lang", "日本語" if language == "ja" else "English")


@pytest.mark.parametrize(("locale", "language"), [("ja-JP", "ja"), ("en-US", "en")])
def test_the_browser_locale_picks_the_language(open_in: Opener, locale: str, language: str) -> None:
    expect_language(open_in(locale), language)


def test_switching_language_keeps_the_case(open_in: Opener) -> None:
    app = open_in("en-US")
    app.type_number("calc_age_years", 67)
    app.pick_option("calc_frankel", frankel_text("en"))
    chosen = app.widget("calc_frankel").locator("[role=radio][aria-checked=true]")
    expect(chosen).to_have_count(1)
    switch_to(app, "ja")
    expect_language(app, "ja")
    expect(app.widget("calc_age_years").locator("input")).to_have_value("67")
    expect(chosen).to_have_text(frankel_text("ja"))
    switch_to(app, "en")
    expect_language(app, "en")
    expect(chosen).to_have_text(frankel_text("en"))


def test_switching_language_keeps_a_dropdown_choice_through_the_next_taps(open_in: Opener) -> None:
    """The primary tumor (the calculator's one dropdown) survives a language switch: it is
    shown in the new language at once and is still recorded after further taps in either
    direction (Streamlit's dropdown sends back the text it shows, so a text left in the
    old language would no longer match an option and the tumor would be dropped)."""
    from scoring.primary_tumor import PrimaryTumor

    tumor = PrimaryTumor.BREAST_HORMONE_DEPENDENT
    app = open_in("en-US")
    app.pick_option("calc_primary_tumor", tumor.label)
    combo = app.widget("calc_primary_tumor").get_by_role("combobox")
    for language in ("ja", "en"):
        switch_to(app, language)
        expect_language(app, language)
        shown = translator(language)(tumor.label)
        expect(combo).to_have_value(shown)
        app.pick_option("calc_frankel", frankel_text(language))  # any further tap
        app.type_number("calc_age_years", 60 if language == "ja" else 61)
        expect(combo).to_have_value(shown)


def frankel_text(language: str) -> str:
    """The Frankel D option as the calculator shows it in ``language``."""
    from scoring.frankel import FrankelGrade

    grade = FrankelGrade.D
    _ = translator(language)
    return _.labelled(grade.value, _(grade.grade_name))


def test_two_sessions_in_two_languages_at_once(open_in: Opener) -> None:
    ja, en = open_in("ja-JP"), open_in("en-US")
    expect_language(ja, "ja")
    expect_language(en, "en")
    switch_to(en, "ja")
    switch_to(ja, "en")
    expect_language(en, "ja")
    expect_language(ja, "en")
    ja.page.reload()
    ja.wait_for_app()
    en.go_to_page(JA("Learn"))
    expect_language(en, "ja")


def test_a_japanese_font_is_installed_for_chromium() -> None:
    """Chromium draws Japanese with whatever fontconfig offers; none means tofu."""
    fonts = subprocess.run(
        ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=True
    ).stdout
    assert fonts.strip(), "no Japanese font: run `make chromium` (fonts-ipaexfont-gothic)"


@pytest.mark.parametrize("viewport", [TABLET, PROJECTOR], ids=["1024x768", "1920x1080"])
@pytest.mark.parametrize("path", list(PAGES), ids=[p or "calculator" for p in PAGES])
def test_each_page_in_japanese_fits_and_is_saved(
    open_in: Opener, path: str, viewport: tuple[int, int]
) -> None:
    app = open_in("ja-JP", viewport, path)
    expect_language(app, "ja")
    size = app.scroll_size()
    assert size["docScrollWidth"] <= size["docClientWidth"], size
    assert size["scrollWidth"] <= size["clientWidth"], size
    name = f"i18n-ja-{path or 'calculator'}-{viewport[0]}x{viewport[1]}"
    shot = app.full_page_screenshot(name)
    assert shot.exists()
    assert shot.is_relative_to(ARTIFACTS)


@pytest.mark.parametrize("viewport", [TABLET, PROJECTOR], ids=["1024x768", "1920x1080"])
def test_tumor_board_with_a_case_in_japanese(open_in: Opener, viewport: tuple[int, int]) -> None:
    """The board as a room sees it, with the cohort paper's Fig. 7 patient loaded."""
    app = open_in("ja-JP", viewport)
    app.pick_option(
        "calc_example", JA("Fig. 7: 69-year-old man, hepatocellular carcinoma at C7 (poor outcome)")
    )
    app.go_to_page(JA("Tumor board"))
    expect_language(app, "ja")
    expect(app.main_container().get_by_text("肝細胞癌").first).to_be_visible()
    size = app.scroll_size()
    assert size["docScrollWidth"] <= size["docClientWidth"], size
    app.full_page_screenshot(f"i18n-ja-tumor_board-case-{viewport[0]}x{viewport[1]}")


#: Elements of ``root`` whose text is cut: its box scrolls or hides what does not fit
#: (an ellipsis, a clipped input value), as text wider than its own element.
CLIPPED_TEXT_JS = """(root) => {
    const roots = Array.isArray(root) ? root : [root];
    const clipped = [];
    for (const top of roots) {
        for (const el of [top, ...top.querySelectorAll('*')]) {
            const own = [...el.childNodes].some(
                (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
            const value = el.tagName === 'INPUT' && el.value;
            if (!own && !value) continue;
            const style = getComputedStyle(el);
            const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
            if (hides && el.scrollWidth > el.clientWidth + 1) {
                clipped.push((value || el.textContent).trim().slice(0, 120));
            }
        }
    }
    return clipped;
}"""


def clipped_texts(locator: Locator) -> list[str]:
    """The texts cut short inside every element ``locator`` matches."""
    return [text for el in locator.all() for text in el.evaluate(CLIPPED_TEXT_JS)]


@pytest.mark.parametrize("viewport", [TABLET, PROJECTOR], ids=["1024x768", "1920x1080"])
def test_learn_quiz_in_japanese_fits_with_whole_option_texts(
    open_in: Opener, viewport: tuple[int, int]
) -> None:
    """A quiz case of all five scores in Japanese: no horizontal scroll, and no option of
    any question cut short, in its list or once chosen (the longest option is chosen)."""
    from learn.quiz import QuizChoice, items_for, option_text

    app = open_in("ja-JP", viewport, "learn")
    expect_language(app, "ja")
    app.page.get_by_role("tab", name=JA("Quiz")).tap()
    app.pick_option("learn_quiz_score", JA(QuizChoice.ALL.label))
    vignette = app.widget("learn_quiz_vignette")
    expect(vignette).to_contain_text("歳の")
    assert clipped_texts(app.widget("learn_quiz_score")) == []
    for spec in items_for(QuizChoice.ALL):
        key = f"learn_quiz_{spec.answer_key}"
        combo = app.widget(key).get_by_role("combobox")
        combo.tap()
        listbox = app.page.get_by_role("listbox")
        expect(listbox).to_be_visible()
        assert clipped_texts(listbox.get_by_role("option")) == [], spec.answer_key
        combo.press("Escape")
        longest = max((JA(option_text(m)) for m in spec.table), key=len)
        app.pick_option(key, longest, settle=False)
        assert clipped_texts(app.widget(key)) == [], spec.answer_key
    app.wait_for_app()
    size = app.scroll_size()
    assert size["docScrollWidth"] <= size["docClientWidth"], size
    assert size["scrollWidth"] <= size["clientWidth"], size
    app.full_page_screenshot(f"i18n-ja-learn-quiz-{viewport[0]}x{viewport[1]}")
    app.tap_button("learn_quiz_check")
    feedback = app.widget("learn_quiz_feedback")
    expect(feedback).to_contain_text("採点結果")
    size = app.scroll_size()
    assert size["docScrollWidth"] <= size["docClientWidth"], size
    app.full_page_screenshot(f"i18n-ja-learn-quiz-feedback-{viewport[0]}x{viewport[1]}")


@pytest.mark.parametrize(("locale", "language"), [("ja-JP", "ja"), ("en-US", "en")])
def test_document_language_title_and_uploader_words_follow_the_session(
    open_in: Opener, locale: str, language: str
) -> None:
    """``<html lang>`` (Chromium's choice of Japanese glyph forms, a screen reader's voice),
    the tab's title and the file uploader's own words ("Upload", "5 MB per file • CSV",
    which Streamlit writes in English) follow the session's language."""
    app = open_in(locale, path="model_card")
    page = app.page
    expect(page.locator("html")).to_have_attribute("lang", language)
    _ = translator(language)
    expect(page).to_have_title(_("Cervical spine metastasis calculator"))
    uploader = page.locator(".st-key-card_upload [data-testid='stFileUploaderDropzone']")
    uploader.scroll_into_view_if_needed()
    shown = uploader.inner_text()
    drawn = uploader.evaluate(
        """e => [...e.querySelectorAll('*')]
            .map(n => getComputedStyle(n, '::after').content)
            .filter(c => c && c !== 'none' && c !== 'normal').join(' ')"""
    )
    if language == "ja":
        assert "Upload" not in shown
        assert "per file" not in shown
        assert JA("Upload") in drawn
        assert "MB まで" in drawn
    else:
        assert "Upload" in shown
        assert "5MB per file" in shown
        assert drawn == ""
