"""Loading the compiled catalogues: one immutable translator per language, cached.

The ``.mo`` files are compiled from the ``.po`` files by ``make`` (the install step of
``make run`` and ``make test``) and are not committed. A checkout that has not been built
yet (a developer running one test) still works: a missing or older ``.mo`` is compiled in
memory from its ``.po`` with Babel, the same compiler ``make`` uses, so the text on screen
is always the catalogue's current text.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from i18n._marker import N_

LOCALES_DIR: Final = Path(__file__).resolve().parents[1] / "locales"
DOMAIN: Final = "messages"
#: The source language (msgids are English) comes first; it needs no catalogue.
LANGUAGES: Final = ("en", "ja")
DEFAULT_LANGUAGE: Final = "en"
#: The separator of a list of words (a msgid of its own: Japanese lists use "、").
LIST_SEPARATOR: Final = N_(", ")
#: The separator of a list of phrases or findings ("a; b"; Japanese "a；b").
ITEM_SEPARATOR: Final = N_("; ")
#: A label and its value ("Band: high"; Japanese uses the full-width colon "区分：高").
LABELLED: Final = N_("%(label)s: %(value)s")
#: A text with a detail in brackets ("Slow growth (thyroid)"; Japanese "緩徐な増殖（甲状腺癌）").
BRACKETED: Final = N_("%(text)s (%(detail)s)")


class Message(str):
    """Text built from a msgid and named values: English as a ``str``, translatable later.

    Domain code that composes a sentence from data (an item's detail "3 foci", a
    criterion's explanation) returns a ``Message`` instead of an f-string: every English
    reader (CLI, tests, reports) sees the same text as before, and a page renders it in
    its session's language with ``_(text)``. String values are translated too (they are
    msgids, nested Messages or codes, which translate to themselves); a tuple value is a
    list whose items are translated and joined with "; " (its own msgid, so Japanese
    joins them with the full-width "；").
    """

    msgid: str
    values: dict[str, object]

    def __new__(cls, msgid: str, /, **values: object) -> Message:
        english = {k: _joined(v, str) for k, v in values.items()}
        text = super().__new__(cls, msgid % english if values else msgid)
        text.msgid = msgid
        text.values = values
        return text

    def render(self, translator: Translator) -> str:
        values = {k: _joined(v, translator.gettext) for k, v in self.values.items()}
        text = translator.gettext(self.msgid)
        return text % values if values else text


def _joined(value: object, translate: Callable[[str], str]) -> object:
    """A value as a message shows it: strings translated, a tuple's items joined."""
    if isinstance(value, tuple):
        separator = translate(ITEM_SEPARATOR)
        return separator.join(_joined(item, translate) for item in value)  # type: ignore[misc]
    return translate(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class Translator:
    """One language's messages; shared between sessions, so it holds no per-user state.

    ``gettext`` and ``ngettext`` are the library's; calling the translator translates and
    then fills named placeholders (``%(name)s``) with gettext's own ``%`` formatting, so a
    translation may reorder them as Japanese word order needs.
    """

    language: str
    catalogue: gettext.NullTranslations

    def gettext(self, message: str) -> str:
        if isinstance(message, Message):
            return message.render(self)
        # gettext("") is the catalogue's header, never a user's text.
        return self.catalogue.gettext(message) if message else message

    def join(self, items: Iterable[str]) -> str:
        """``items`` as a list in this language ("a, b" in English, "a、b" in Japanese)."""
        return self.gettext(LIST_SEPARATOR).join(items)

    def join_items(self, items: Iterable[str]) -> str:
        """``items`` as a list of phrases ("a; b" in English, "a；b" in Japanese)."""
        return self.gettext(ITEM_SEPARATOR).join(items)

    def labelled(self, label: str, value: str) -> str:
        """``label`` and its ``value`` as one line ("Band: high", "区分：高")."""
        return self(LABELLED, label=label, value=value)

    def bracketed(self, text: str, detail: str) -> str:
        """``text`` with ``detail`` in brackets ("a (b)" in English, "a（b）" in Japanese)."""
        return self(BRACKETED, text=text, detail=detail)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)

    def __call__(self, message: str, /, **values: object) -> str:
        """``message`` translated, its ``%(name)s`` placeholders filled from ``values``."""
        text = self.gettext(message)
        return text % values if values else text


def language_from_locale(locale: str | None) -> str:
    """The product language for a browser locale: any Japanese tag is ``ja``, else English."""
    if locale and locale.strip().lower().replace("_", "-").split("-")[0] == "ja":
        return "ja"
    return DEFAULT_LANGUAGE


def catalogue_paths(language: str) -> tuple[Path, Path]:
    """The ``.po`` source and ``.mo`` compiled catalogue of ``language``."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


def compile_po(po_path: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file, compiled by Babel (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo

    from i18n.compile import read

    buffer = io.BytesIO()
    write_mo(buffer, read(po_path), use_fuzzy=False)
    return buffer.getvalue()


@cache
def translator(language: str) -> Translator:
    """The cached translator of ``language`` (``en`` or ``ja``); unknown codes are refused."""
    if language not in LANGUAGES:
        raise ValueError(f"{language!r} is not one of: {', '.join(LANGUAGES)}")
    if language == DEFAULT_LANGUAGE:
        return Translator(language, gettext.NullTranslations())
    po_path, mo_path = catalogue_paths(language)
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        data = mo_path.read_bytes()
    else:
        data = compile_po(po_path)
    return Translator(language, gettext.GNUTranslations(io.BytesIO(data)))
