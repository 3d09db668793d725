"""One quiz round in a real browser: open Learn, answer a generated case, check, see marks.

The test reads the case number the page shows and regenerates that vignette in-process
(``learn.quiz.generate``), so the answers it gives are the calculator's own expected
answers for exactly the case on screen, whatever seed the session drew.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from learn.quiz import QuizChoice, generate, items_for, option_text
from tests.support.browser import OpenApp

pytestmark = pytest.mark.browser


def test_one_quiz_round_gets_full_marks_and_counts_in_the_tally(open_app: OpenApp) -> None:
    session = open_app()
    session.go_to_page("Learn")
    session.page.get_by_role("tab", name="Quiz").tap()
    vignette_box = session.widget("learn_quiz_vignette")
    expect(vignette_box).to_contain_text(re.compile(r"Case \d+"))
    match = re.search(r"Case (\d+)", vignette_box.inner_text())
    assert match is not None
    vignette = generate(int(match.group(1)))
    expect(vignette_box).to_contain_text(vignette.paragraphs[0])

    session.pick_option("learn_quiz_score", QuizChoice.KATAGIRI.label)
    expected = vignette.expected()
    for spec in items_for(QuizChoice.KATAGIRI):
        option = expected[spec.answer_key].option
        assert option is not None
        session.pick_option(f"learn_quiz_{spec.answer_key}", option_text(option))
    session.tap_button("learn_quiz_check")

    feedback = session.widget("learn_quiz_feedback")
    expect(feedback).to_contain_text("Feedback: 6 of 6 items right")
    expect(session.widget("learn_quiz_tally")).to_contain_text(
        "rounds checked 1 (full marks 1); items right 6 of 6"
    )
    assert not session.page_errors
    session.full_page_screenshot("learn_quiz_round")
