"""The quiz in Japanese, rendered from the domain objects (no page): vignettes, answer
options and explanations are messages a session translates, and English stays as it was.

Why here as well as in the page gate: the page shows one or two cases; these checks render
hundreds of seeds, so every phrase, plural and composed sentence the generator can produce
is seen in Japanese.
"""

from __future__ import annotations

import pytest

from i18n import translator
from learn._wording import Capitalised, InSentence, Joined
from learn.quiz import QuizChoice, catalogue, generate, mark, option_text
from scoring.frankel import FrankelGrade
from scoring.sins_findings import SinsPain
from tests.app.test_app_japanese import KEPT, TWO_ENGLISH_WORDS

JA = translator("ja")
EN = translator("en")
SEEDS = range(0, 400, 3)


def english_words(text: str) -> list[str]:
    """Runs of English words left in ``text`` once kept terms and names are set aside."""
    return [m.group(0) for m in TWO_ENGLISH_WORDS.finditer(KEPT.sub(" ", text))]


@pytest.mark.parametrize("seed", SEEDS)
def test_vignette_and_explanations_have_no_english_in_japanese(seed: int) -> None:
    vignette = generate(seed)
    for paragraph in vignette.paragraphs:
        japanese = JA.gettext(paragraph)
        assert japanese != paragraph
        assert english_words(japanese) == [], japanese
        assert EN.gettext(paragraph) == paragraph  # English renders as the text itself
    for item in mark(vignette, QuizChoice.ALL, {}).marks:
        japanese = JA.gettext(item.why)
        assert english_words(japanese) == [], japanese
        assert "正解：" in japanese
        assert EN.gettext(item.why) == item.why


def test_vignette_opens_with_age_and_sex_in_japanese_order() -> None:
    for seed in range(40):
        vignette = generate(seed)
        sex = "女性" if vignette.case.sex == "female" else "男性"
        first = JA.gettext(vignette.paragraphs[0])
        assert first.startswith(f"{vignette.case.age_years} 歳の{sex}。"), first
        assert vignette.paragraphs[0].startswith(("A ", "An ")), "English keeps its article"


def test_option_text_counts_points_in_each_language() -> None:
    one = next(m for spec in catalogue() for m in spec.table if m.points == 1)
    three = next(m for spec in catalogue() for m in spec.table if m.points == 3)
    assert option_text(one) == f"{one.label} · 1 point"
    assert option_text(three) == f"{three.label} · 3 points"
    assert JA.gettext(option_text(three)) == f"{JA.gettext(three.label)} · 3 点"
    assert JA.gettext(option_text(one)) == f"{JA.gettext(one.label)} · 1 点"


def test_pain_region_is_translated_inside_its_phrase() -> None:
    vignette = next(
        generate(s) for s in range(200) if generate(s).case.sins_pain is SinsPain.MECHANICAL
    )
    phrase = vignette.mentions["sins_pain"]
    japanese = JA.gettext(phrase)
    assert any(region in japanese for region in ("頸部痛", "背部痛", "腰部痛", "仙骨部痛")), (
        japanese
    )


def test_in_sentence_lowers_english_only() -> None:
    definition = FrankelGrade.B.definition
    assert InSentence(definition) == definition.rstrip(".").lower()
    assert JA.gettext(InSentence(definition)) == JA.gettext(definition).rstrip("。")
    assert Capitalised("this calculator's reading") == "This calculator's reading"


def test_joined_translates_items_and_separator() -> None:
    listed = Joined(("pelvis", "skull"), ", ")
    assert listed == "pelvis, skull"
    assert JA.gettext(listed) == "骨盤、頭蓋骨"
