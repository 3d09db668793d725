"""A sentence whose wording depends on a count, translated later with ``ngettext``.

Why a class of its own: domain code (the quiz's feedback) composes "1 point" / "3 points"
at import or marking time, long before a page knows its session's language. Like
:class:`~i18n.Message` it *is* the English text, so English readers are unchanged, and a
page renders it in any language through the catalogue's plural forms (Japanese has one).

Extraction: ``PluralMessage`` is a Babel keyword (``babel.cfg``: ``PluralMessage:1,2``), so
its two literal forms land in the catalogue as one plural entry.
"""

from __future__ import annotations

from i18n._catalogues import Message, Translator, _joined


class PluralMessage(Message):
    """``singular`` or ``plural`` by ``count``, its named placeholders filled from ``values``."""

    plural: str
    number: int

    def __new__(cls, singular: str, plural: str, count: int, /, **values: object) -> PluralMessage:
        english = {k: _joined(v, str) for k, v in values.items()}
        template = singular if count == 1 else plural
        text = str.__new__(cls, template % english if values else template)
        text.msgid = singular
        text.plural = plural
        text.number = count
        text.values = values
        return text

    def render(self, translator: Translator) -> str:
        values = {k: _joined(v, translator.gettext) for k, v in self.values.items()}
        text = translator.ngettext(self.msgid, self.plural, self.number)
        return text % values if values else text
