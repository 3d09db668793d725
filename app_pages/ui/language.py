"""The session's language: defaulted from the browser, switched by one visible control.

The language lives in this session's state (key ``lang``), never in a module global, so
two browsers on the same server each keep their own. The switch only changes which
translator renders the text: widget values are keyed by field, not by label, so the case
on screen is kept when the language changes.
"""

from __future__ import annotations

from typing import Final

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, language_from_locale, translator

KEY: Final = "lang"
#: Each language named in itself, so a reader of either finds their own.
NAMES: Final = {"en": "English", "ja": "日本語"}


def current() -> str:
    """This session's language code: the switch's choice, else the browser's language.

    Outside a script run (a helper called from a plain test) there is no session: English.
    """
    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT_LANGUAGE
    chosen = st.session_state.get(KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return language_from_locale(st.context.locale)


def session_translator() -> Translator:
    """The translator pages render with; call it as ``_ = session_translator()``."""
    return translator(current())


def switch() -> Translator:
    """Draw the English | 日本語 control and return the translator it selects."""
    if st.session_state.get(KEY) not in LANGUAGES:
        st.session_state[KEY] = language_from_locale(st.context.locale)
    st.segmented_control(
        "Language / 言語",
        LANGUAGES,
        format_func=NAMES.__getitem__,
        key=KEY,
        required=True,
        label_visibility="collapsed",
    )
    return session_translator()
