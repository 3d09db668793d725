"""How numbers, probabilities and citations are written, on the screen and in every report.

Why one module: a probability printed as "34 %" on the screen and "34.2 %" in the PDF
made the two look like different results. Every surface now calls these functions, so
one rule holds everywhere:

- probabilities are whole percentages (more digits would claim a precision that a model
  fitted to 46 reconstructed patients does not have), the interval in the same digits;
- entered values are written as entered: an integral value has no ".0", a decimal keeps
  its digits, and there is never a negative zero or an exponent;
- signed numbers never read "−0.00" and use the typographic minus;
- each source is cited by one constant or derived from its :class:`~scoring.sources.Source`.

Nothing here imports Streamlit; it is cheap to import (the router's cold start).

>>> percent(0.342)
'34 %'
>>> probability_text(0.104, 0.012, 0.61)
'10 % (95% CI 1–61 %)'
>>> number(Decimal("240.0")), number(Decimal("3.50")), number(-0.0)
('240', '3.50', '0')
>>> signed(-0.001), signed(0.4213), signed(-1.2)
('0.00', '+0.42', '−1.20')
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final

from i18n import N_, Message
from models.published import CITATION
from models.wording import range_text, whole_percent

if TYPE_CHECKING:
    from scoring.sources import Source

MINUS: Final = "−"
#: The cohort study the model's predictors and outcome come from: the one wording, which
#: the published tables' module states (the model card shows the same constant).
KANDA_2021: Final = CITATION
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def percent(probability: float) -> str:
    """A probability as a whole percentage, e.g. ``"34 %"``.

    >>> percent(0.342), percent(0.996)
    ('34 %', '100 %')
    """
    return f"{_whole_percent(probability)} %"


def percent_range(low: float, high: float) -> str:
    """Two probabilities as one range of whole percentages, e.g. ``"12–61 %"`` (the model's
    own range wording, :func:`models.wording.range_text`)."""
    return range_text(low, high)


def interval_text(low: float, high: float) -> Message:
    """The 95% interval as every surface writes it, e.g. ``"95% CI 12–61 %"``.

    A :class:`~i18n.Message`: English as a plain string, and "95%信頼区間 12–61 %" where a
    Japanese page or report renders it with its translator.
    """
    return Message(N_("95%% CI %(range)s"), range=percent_range(low, high))


def probability_text(probability: float, low: float, high: float) -> Message:
    """A probability with its interval, always together: ``"34 % (95% CI 12–61 %)"``.

    A :class:`~i18n.Message`, so Japanese gets full-width brackets ("34 %（95%信頼区間
    12–61 %）") while the English text is unchanged.

    >>> probability_text(0.342, 0.118, 0.607)
    '34 % (95% CI 12–61 %)'
    """
    return Message(
        N_("%(probability)s (%(interval)s)"),
        probability=percent(probability),
        interval=interval_text(low, high),
    )


def _whole_percent(probability: float) -> str:
    return str(whole_percent(probability))


def number(value: Decimal | float | int) -> str:
    """An entered value as entered: ``240`` not ``240.0``, ``3.50`` kept, never ``-0``.

    >>> number(240.0), number(Decimal("3.50")), number(-0.0)
    ('240', '3.50', '0')
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        value = Decimal(repr(value))
    if isinstance(value, int):
        return str(value)
    try:
        if not value.is_finite():
            return str(value)
        if value == value.to_integral_value():
            text = format(value.quantize(Decimal(1)), "f")
        else:
            text = format(value, "f")
    except InvalidOperation:
        return str(value)
    return "0" if text in {"-0", "0"} else text


def signed(value: float, digits: int = 2) -> str:
    """A signed number, ``"+0.42"`` or ``"−1.20"``; what rounds to zero is ``"0.00"``.

    >>> signed(0.4199), signed(-1.2), signed(-0.001)
    ('+0.42', '−1.20', '0.00')
    """
    text = f"{abs(value):.{digits}f}"
    if float(text) == 0.0:
        return text
    return ("+" if value > 0 else MINUS) + text


def source_name(source: Source) -> str:
    """A source by first author and year, e.g. ``"Tokuhashi et al. 2005"``.

    Derived from the citation itself (author list first), so it carries no internal key.
    """
    author = source.citation.split(",", 1)[0].split(" ", 1)[0]
    year = _YEAR.search(source.citation)
    return f"{author} et al. {year.group()}" if year else f"{author} et al."


def citation(source: Source) -> str:
    """A source's reference for a reader: author, journal, year and DOI, cut before any
    parenthetical note about how the project read it."""
    text = source.citation.split(" (", 1)[0].rstrip(" ;.")
    text = text.split("; table as", 1)[0]
    doi = f" doi:{source.doi}" if source.doi else ""
    return f"{text}.{doi}"
