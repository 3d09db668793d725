"""Pieces of the quiz's and traps' sentences that stay translatable when composed.

Why: a vignette or an explanation is built from table labels (msgids) long before a page
knows its session's language. English puts a capitalised label in lower case inside a
sentence ("Frankel C (motor useless: …)") and joins parts with its own punctuation; a
lower-cased or joined string is no msgid any more, so it could never be translated. These
:class:`~i18n.Message` kinds keep the msgids and do the English-only shaping at render.
"""

from __future__ import annotations

from collections.abc import Iterable

from i18n import DEFAULT_LANGUAGE, Message, Translator


class InSentence(Message):
    """A label or definition inside a sentence: English in lower case, without its full stop.

    Other languages show their translation as it is (Japanese has no letter case), less a
    final full stop.
    """

    def __new__(cls, msgid: str) -> InSentence:
        text = str.__new__(cls, _shaped(msgid, DEFAULT_LANGUAGE))
        text.msgid = msgid
        text.values = {}
        return text

    def render(self, translator: Translator) -> str:
        return _shaped(translator.gettext(self.msgid), translator.language)


def _shaped(text: str, language: str) -> str:
    text = text.rstrip().rstrip(".。")
    return text.lower() if language == DEFAULT_LANGUAGE else text


class Capitalised(Message):
    """A label opening a sentence: English with a capital first letter, others as translated."""

    def __new__(cls, msgid: str) -> Capitalised:
        text = str.__new__(cls, msgid[:1].upper() + msgid[1:])
        text.msgid = msgid
        text.values = {}
        return text

    def render(self, translator: Translator) -> str:
        text = translator.gettext(self.msgid)
        return text[:1].upper() + text[1:]


class Joined(Message):
    """Texts shown as one, each translated, joined by ``separator`` (itself translated, so
    the list separator ", " becomes Japanese "、")."""

    items: tuple[str, ...]
    separator: str

    def __new__(cls, items: Iterable[str], separator: str) -> Joined:
        parts = tuple(items)
        text = str.__new__(cls, separator.join(parts))
        text.msgid = str(text)
        text.values = {}
        text.items = parts
        text.separator = separator
        return text

    def render(self, translator: Translator) -> str:
        return translator.gettext(self.separator).join(translator.gettext(i) for i in self.items)
