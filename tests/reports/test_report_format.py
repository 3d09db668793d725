"""One formatting rule for the screen and every report (``reports.format``).

Parametrized tables: each row is an input and the exact text every surface must show.
"""

from __future__ import annotations

import doctest
import math
import re
from decimal import Decimal

import pytest

import reports.format
import reports.text
from i18n import translator
from reports.format import (
    KANDA_2021,
    citation,
    interval_text,
    number,
    percent,
    percent_range,
    probability_text,
    signed,
    source_name,
)
from scoring import sources


@pytest.mark.parametrize(
    ("probability", "text"),
    [
        (0.0, "0 %"),
        (0.342, "34 %"),
        (0.104, "10 %"),
        (0.105, "10 %"),  # round half to even, as the screen's f"{:.0f}" did
        (0.9999, "100 %"),
        (1.0, "100 %"),
        (-0.0, "0 %"),
    ],
)
def test_percent_is_a_whole_percentage(probability, text):
    assert percent(probability) == text


def test_the_screen_and_the_reports_agree():
    """The issue's example: the screen showed 34 % and the PDF 34.2 %."""
    from app_pages.ui import results

    for p in (0.342, 0.104, 0.0049, 0.995):
        assert results.percent(p) == percent(p)


def test_interval_and_probability_text():
    assert percent_range(0.081, 0.512) == "8–51 %"
    assert interval_text(0.081, 0.512) == "95% CI 8–51 %"
    assert probability_text(0.234, 0.081, 0.512) == "23 % (95% CI 8–51 %)"


def test_probability_text_in_japanese_has_full_width_brackets():
    """The same text, rendered by a Japanese translator: "（95%信頼区間 …）", no "(95%"."""
    ja = translator("ja")
    assert ja.gettext(interval_text(0.081, 0.512)) == "95%信頼区間 8–51 %"
    assert ja.gettext(probability_text(0.234, 0.081, 0.512)) == "23 %（95%信頼区間 8–51 %）"
    assert translator("en").gettext(probability_text(0.234, 0.081, 0.512)) == (
        "23 % (95% CI 8–51 %)"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("240.0"), "240"),
        (Decimal("240"), "240"),
        (Decimal("2.4E+2"), "240"),
        (Decimal("3.50"), "3.50"),
        (Decimal("0.1"), "0.1"),
        (Decimal("-0.0"), "0"),
        (Decimal("1E-7"), "0.0000001"),
        (240.0, "240"),
        (3.5, "3.5"),
        (-0.0, "0"),
        (7, "7"),
        (math.inf, "inf"),
    ],
)
def test_number_reads_as_entered(value, text):
    assert number(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.41, "+0.41"),
        (-0.63, "−0.63"),
        (-0.001, "0.00"),
        (-0.0, "0.00"),
        (0.004, "0.00"),
        (0.0051, "+0.01"),
        (-2.0149, "−2.01"),
    ],
)
def test_signed_never_negative_zero(value, text):
    assert signed(value) == text


def test_one_kanda_citation():
    from models import published

    assert KANDA_2021 is published.CITATION
    assert "J Orthop Surg Res" in KANDA_2021
    assert "2021" in KANDA_2021
    assert "10.1186/s13018-021-02562-8" in KANDA_2021


@pytest.mark.parametrize(
    "source",
    [
        sources.TOKUHASHI_2005,
        sources.KATAGIRI_2014,
        sources.FISHER_2010,
        sources.COHORT_STUDY,
        sources.REVIEW,
        sources.BILSKY_2010,
    ],
)
def test_citations_carry_no_internal_notes(source):
    text = citation(source)
    name = source_name(source)
    for word in (r"\bspec\b", r"\bseed\b", "§"):
        assert not re.search(word, text)
        assert not re.search(word, name)
    assert name.split(" ", 1)[0] in text


def test_doctests():
    for module in (reports.format, reports.text):
        assert doctest.testmod(module).failed == 0
