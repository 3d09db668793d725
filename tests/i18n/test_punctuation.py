"""Punctuation that joins translated parts is itself translated: English keeps its
half-width ": ", "; " and " (…)", Japanese gets the full-width "：", "；" and "（…）"."""

from __future__ import annotations

import pytest

from i18n import Message, translator

#: (method, arguments, English, Japanese)
JOINS = (
    ("labelled", ("Band", "Slow growth"), "Band: Slow growth", "区分：緩徐な増殖"),
    (
        "bracketed",
        ("Slow growth", "Thyroid cancer"),
        "Slow growth (Thyroid cancer)",
        "緩徐な増殖（甲状腺癌）",
    ),
    ("join_items", (("Lytic", "Blastic"),), "Lytic; Blastic", "溶骨性；造骨性"),
)


@pytest.mark.parametrize(("method", "args", "english", "japanese"), JOINS)
def test_english_joins_are_unchanged(
    method: str, args: tuple[object, ...], english: str, japanese: str | None
) -> None:
    assert getattr(translator("en"), method)(*args) == english


@pytest.mark.parametrize(("method", "args", "english", "japanese"), JOINS)
def test_japanese_joins_use_full_width_punctuation(
    method: str, args: tuple[object, ...], english: str, japanese: str | None
) -> None:
    ja = translator("ja")
    translated = tuple(
        ja.gettext(a) if isinstance(a, str) else tuple(ja.gettext(x) for x in a) for a in args
    )
    text = getattr(ja, method)(*translated)
    if japanese is not None:
        assert text == japanese
    assert not any(mark in text for mark in (": ", "; ", " (", "(", ")")), text
    assert any(mark in text for mark in "：；（）"), text


def test_a_messages_list_value_is_joined_in_the_readers_language() -> None:
    message = Message("%(count)s vertebrae", count=("Lytic", "Blastic"))
    assert message == "Lytic; Blastic vertebrae"
    assert translator("en").gettext(message) == "Lytic; Blastic vertebrae"
    assert translator("ja").gettext(message) == "溶骨性；造骨性 椎体"
