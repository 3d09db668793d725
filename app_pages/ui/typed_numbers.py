"""Numbers as typed on the calculator: read exactly, or refused with the reason named.

Why text fields and not ``st.number_input``: a number input that is given a value outside
its limits shows the new value in red while it keeps and returns the previous one, so the
screen and the results disagree (platelets 180000 on screen, 80 in the scores). Here the
field shows what was typed and the results use exactly that, or, when it cannot be
accepted, nothing: the field is treated as not recorded and a message next to it (and in
the results) names the value and the accepted range.

Reading rules, chosen to never turn a number into another one:

- digits with an optional decimal point ("3.5"), an optional exponent ("1e9", at most
  three exponent digits so no input can ask for unbounded work) and surrounding spaces;
- a single decimal comma is read as a decimal point ("3,5" is 3.5), except when exactly
  three digits follow it ("1,000" could be one thousand or one): that is refused and the
  user asked to write it without the comma;
- the full-width forms a Japanese keyboard types ("６０", "０．３", "３，５", "－５", "１ｅ９",
  the ideographic space) are read as the ordinary characters they stand for, and then by
  the rules above. Nothing else is converted: digits of other scripts ("٢٦٢") and
  superscripts ("10⁹" is not 109) are refused, not guessed; only 0–9 are digits here;
- anything else (letters, two separators, a sign other than a leading minus) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from i18n import N_

#: Longest text accepted in a number field (bounds the work any input can cause).
MAX_LENGTH: Final = 24
_NUMBER: Final = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$")
_DECIMAL_COMMA: Final = re.compile(r"^[+-]?[0-9]+,[0-9]+$")
#: Full-width digits, point, comma, signs and e/E, the ideographic space and the minus
#: sign, as their ASCII forms (the only characters converted before reading).
_FULL_WIDTH: Final = str.maketrans(
    {
        **{chr(0xFF10 + d): str(d) for d in range(10)},
        "\uff0e": ".",
        "\uff0c": ",",
        "\uff0b": "+",
        "\uff0d": "-",
        "\u2212": "-",
        "\uff45": "e",
        "\uff25": "E",
        "\u3000": " ",
    }
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed text means: a number, nothing (empty), or a refusal with its reason."""

    value: Decimal | None = None
    #: The reason, as an English msgid (translated where it is shown); ``%(max)s`` in it is
    #: ``MAX_LENGTH``.
    problem: str | None = None


def shown(text: str) -> str:
    """The typed text as a message quotes it (trimmed, shortened when very long)."""
    text = text.strip()
    return text if len(text) <= MAX_LENGTH else text[:MAX_LENGTH] + "…"


def read_number(text: object) -> Reading:
    """Read ``text`` as a decimal number by the rules above (no range check here)."""
    if text is None:
        return Reading()
    if isinstance(text, bool):
        return Reading(problem=N_("is not a number"))
    if isinstance(text, int | float | Decimal):
        text = format(text, "f") if isinstance(text, Decimal) else repr(text)
    raw = str(text).translate(_FULL_WIDTH).strip()
    if not raw:
        return Reading()
    if len(raw) > MAX_LENGTH:
        return Reading(problem=N_("is longer than %(max)s characters"))
    if _DECIMAL_COMMA.match(raw):
        if len(raw.split(",")[1]) == 3:
            return Reading(
                problem=N_(
                    "is ambiguous (a thousands separator or a decimal comma?); "
                    "write it without the comma, with a point for decimals"
                )
            )
        raw = raw.replace(",", ".")
    if not _NUMBER.match(raw):
        return Reading(problem=N_("is not a number (write digits, with a point for decimals)"))
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return Reading(problem=N_("is not a number"))
    if not value.is_finite():  # pragma: no cover - the pattern admits no inf or nan
        return Reading(problem=N_("is not a finite number"))
    return Reading(value=value)


def plain(value: Decimal) -> str:
    """A decimal written without exponent or trailing zeros ("1e9" → "1000000000")."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
