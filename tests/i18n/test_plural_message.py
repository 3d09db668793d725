"""PluralMessage: a count's sentence composed in domain code, rendered with ngettext."""

from __future__ import annotations

from i18n import LOCALES_DIR, PluralMessage, translator
from i18n.compile import read

SINGULAR = "%(label)s · %(points)s point"
PLURAL = "%(label)s · %(points)s points"


def test_english_text_follows_the_count() -> None:
    assert PluralMessage(SINGULAR, PLURAL, 1, label="Lytic", points=1) == "Lytic · 1 point"
    assert PluralMessage(SINGULAR, PLURAL, 2, label="Lytic", points=2) == "Lytic · 2 points"
    assert PluralMessage(SINGULAR, PLURAL, 0, label="Lytic", points=0) == "Lytic · 0 points"


def test_japanese_has_one_form_and_translates_values() -> None:
    ja = translator("ja")
    assert (
        ja.gettext(PluralMessage(SINGULAR, PLURAL, 1, label="Lytic", points=1)) == "溶骨性 · 1 点"
    )
    assert (
        ja.gettext(PluralMessage(SINGULAR, PLURAL, 3, label="Lytic", points=3)) == "溶骨性 · 3 点"
    )


def test_english_translator_renders_the_english_text() -> None:
    message = PluralMessage(SINGULAR, PLURAL, 2, label="Lytic", points=2)
    assert translator("en").gettext(message) == message


def test_extraction_keeps_both_forms_as_one_plural_entry() -> None:
    """``PluralMessage`` is a Babel keyword: its entry has the singular and the plural."""
    entry = read(LOCALES_DIR / "messages.pot").get((SINGULAR, PLURAL))
    assert entry is not None
    assert entry.id == (SINGULAR, PLURAL)
