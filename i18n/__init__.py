"""Translations chosen per session: English source strings, Japanese from a gettext catalogue.

Why no ``gettext.install()`` and no module-global "current language": the Streamlit server
runs every browser session in the same process, so a global would leak one user's language
into another's page. Instead each session holds a :class:`Translator` for its own language,
obtained from :func:`translator`; the translators are built once per language, cached, and
never mutated, so sessions share them safely.

Strings defined at import time (option tables, bands, item names) are wrapped in :func:`N_`,
which marks them for extraction and returns them unchanged; a page translates them when it
renders, by passing the English text (the msgid) to its session's translator.

Example::

    >>> from i18n import N_, translator
    >>> NOT_RECORDED = N_("Not recorded")
    >>> translator("en").gettext(NOT_RECORDED)
    'Not recorded'
    >>> translator("ja").gettext(NOT_RECORDED)
    '未記録'
    >>> translator("ja")("Case %(seed)s", seed=7)
    '症例 7'
    >>> from i18n import PluralMessage
    >>> translator("ja").gettext(PluralMessage("%(count)s focus", "%(count)s foci", 3, count=3))
    '3 個'
"""

from i18n._catalogues import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALES_DIR,
    Message,
    Translator,
    language_from_locale,
    translator,
)
from i18n._marker import N_
from i18n._plural import PluralMessage
from i18n.errors import TranslatableError, pydantic_message

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "N_",
    "Message",
    "PluralMessage",
    "TranslatableError",
    "Translator",
    "language_from_locale",
    "pydantic_message",
    "translator",
]
