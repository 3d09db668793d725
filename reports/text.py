"""Free text a user typed (case label, identifier, clinician), made safe for every format.

Why each rule:

- line breaks and other control characters become spaces, so a label cannot forge extra
  lines in a report;
- Unicode *format* characters (category Cf: bidi embeddings, overrides and isolates such as
  U+202E, the zero-width space, joiners and no-break, the soft hyphen, the byte-order
  mark) are removed: they are invisible, and a right-to-left override can make "2 cases"
  read differently in the file than it was typed;
- a lone surrogate (which a browser can send and Python keeps in a ``str``) cannot be
  encoded as UTF-8 and would crash the HTML and FHIR writers; it becomes U+FFFD, the
  replacement character, so the reader sees that something was there;
- the text is NFC-normalised, so the same label always gives the same bytes.

>>> clean_free_text("Case\\u202e 2\\u200b\\n\\ud800x", 80)
'Case 2 \\ufffdx'
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

REPLACEMENT: Final = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category in {"Cc", "Zl", "Zp"}:
        return " "
    return ch


def clean_free_text(text: str | None, max_chars: int) -> str | None:
    """One line of at most ``max_chars`` visible characters, or None when nothing is left."""
    if text is None:
        return None
    text = _SURROGATE.sub(REPLACEMENT, text)
    text = unicodedata.normalize("NFC", "".join(_char(ch) for ch in text))
    text = " ".join(text.split())
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return text or None
