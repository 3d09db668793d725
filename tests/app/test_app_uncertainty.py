"""AppTest: the calculator and the board show the headline with its three ranges, the
frequency sentence and the unadjusted model one tap away (issue 12), for the shipped model."""

from __future__ import annotations

import pytest

from models.predict import load_model
from models.wording import frequency_text, range_text, whole_percent
from scoring import score_case
from tests.support.app import (
    BOARD,
    FULL,
    OTHER,
    PROBABILITY,
    expected_case,
    fill,
    metrics,
    new_app,
    texts,
)


@pytest.mark.parametrize("values", [FULL, OTHER], ids=["thyroid-C5", "liver-C7"])
@pytest.mark.parametrize("page", ["calculator", "board"])
def test_headline_ranges_frequency_and_as_published(values, page, monkeypatch):
    monkeypatch.delenv("CALC_MODEL_DIR", raising=False)
    case = expected_case(values)
    p = load_model().predict(case, score_case(case))
    at = fill(new_app().run(), values)
    if page == "board":
        at.switch_page(BOARD).run()
    assert not at.exception
    assert metrics(at)[PROBABILITY] == f"{whole_percent(p.probability)} %"
    shown = texts(at)
    sentence = frequency_text(p.probability)
    assert f"{sentence[0].upper()}{sentence[1:]} would have a poor outcome." in shown
    assert (
        f"Across reconstructions: {range_text(p.reconstruction_low, p.reconstruction_high)}"
        in shown
    )
    assert (
        f"Refitted to resampled patients: {range_text(p.instability_low, p.instability_high)}"
        in shown
    )
    assert "Headline: the optimism-adjusted model." in shown
    expanders = [e for e in at.expander if e.label == "As published (not adjusted for optimism)"]
    assert len(expanders) == 1
    inside = " ".join(m.value for m in expanders[0].markdown)
    assert f"{whole_percent(p.published_probability)} %" in inside
