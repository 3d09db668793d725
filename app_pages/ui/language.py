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


#: Session-state key of the dropdown keys registered by :func:`dropdown`.
_DROPDOWNS: Final = "lang_dropdowns"


def dropdown(key: str) -> str:
    """Register the selectbox ``key`` so that a language switch keeps its choice; returns
    ``key`` (use it as the selectbox's key).

    Why: a selectbox sends back the *text* it shows, not its option. After a switch the
    browser would still show, and later send, the text of the old language, which matches
    no option of the new one, so the choice would be dropped at the next tap (a recorded
    primary tumor silently becoming "not recorded"). The switch therefore hands each
    registered dropdown its own value again, which makes Streamlit send the browser the
    text in the new language.
    """
    keys = st.session_state.setdefault(_DROPDOWNS, set())
    keys.add(key)
    return key


def _resend_dropdowns() -> None:
    """The switch's callback: every registered dropdown's choice is set again."""
    for key in st.session_state.get(_DROPDOWNS, set()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


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
        on_change=_resend_dropdowns,
    )
    return session_translator()


def mark_document(code: str) -> None:
    """Set the page's ``<html lang>`` to the session's language.

    Why: Chromium chooses the Japanese (not the Chinese) forms of shared Han characters,
    and a screen reader its voice, from the document's language; Streamlit always writes
    ``lang="en"``. The script is this project's own constant text with the language code
    checked against the supported list, never a value from the user.
    """
    if code not in LANGUAGES:
        return
    st.html(
        f"<script>document.documentElement.lang = {code!r};</script>",
        unsafe_allow_javascript=True,
    )


def uploader_texts(key: str, _: Translator, max_mb: int) -> None:
    """Draw the file uploader ``key``'s own words ("Upload", "5MB per file • CSV") in the
    session's language.

    Why a stylesheet: Streamlit writes these words itself, in English, and offers no way to
    pass others. In a language other than English the English words are hidden (so they
    are neither seen nor read out) and the translated ones drawn in their place; the file
    and its contents are untouched. Only the uploader of this key is affected.
    """
    if current() == DEFAULT_LANGUAGE:
        return
    button = _("Upload")
    limit = _("%(mb)s MB per file • CSV", mb=max_mb)
    scope = f".st-key-{key} [data-testid='stFileUploaderDropzone']"
    label = f"{scope} button [data-testid='stMarkdownContainer']"
    st.html(
        "<style>"
        f"{label} p {{display: none;}}"
        f"{label}::after {{content: {_css_string(button)};}}"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span {{display: none;}}"
        f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] > div::after"
        f" {{content: {_css_string(limit)};}}"
        "</style>"
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line ends escaped)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\\n\r<>' else c for c in text)
    return f'"{escaped}"'
