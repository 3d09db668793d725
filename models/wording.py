"""One way to say a probability: a whole percentage and the same number as a frequency.

Why here: a probability shown as "16 %" must be "about 16 of 100 patients like this one"
beside it, on the screen and in every report. :func:`whole_percent` is Python's
``round(100 · p)``, the rule ``reports.format.percent`` writes the percentage with, so the
frequency can never disagree with the percentage it stands beside.
"""

from __future__ import annotations

import math


def whole_percent(probability: float) -> int:
    """The probability as a whole percentage: ``round(100 · p)``, as the percentages are
    written everywhere (``reports.format``)."""
    if not math.isfinite(probability) or not 0.0 <= probability <= 1.0:
        raise ValueError(f"a probability is between 0 and 1, not {probability!r}")
    return round(probability * 100.0)


def range_text(low: float, high: float) -> str:
    """ "9–27 %": two probabilities as whole percentages (the same rounding)."""
    return f"{whole_percent(low)}–{whole_percent(high)} %"


def frequency_text(probability: float) -> str:
    """ "about 16 of 100 patients like this one" (the same rounding as :func:`whole_percent`)."""
    n = whole_percent(probability)
    if n == 0:
        return "fewer than 1 of 100 patients like this one"
    if n == 100:
        return "more than 99 of 100 patients like this one"
    return f"about {n} of 100 patients like this one"
