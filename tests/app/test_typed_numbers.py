"""Numbers typed on the calculator: each valid text and the number it means, each invalid
text and the reason given (a table of cases, each asserting its own outcome)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app_pages.ui.case_state import build_case, typed_value
from app_pages.ui.typed_numbers import MAX_LENGTH, read_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3.5", Decimal("3.5")),
        (" 3.5 ", Decimal("3.5")),
        ("3,5", Decimal("3.5")),  # a decimal comma is a decimal point, never 35
        ("0,25", Decimal("0.25")),
        ("180000", Decimal("180000")),
        (".5", Decimal("0.5")),
        ("7.", Decimal("7")),
        ("1e9", Decimal("1e9")),
        ("2.5E-1", Decimal("0.25")),
        ("-1", Decimal("-1")),
        ("\u22121", Decimal("-1")),  # the minus sign a phone keyboard may offer
        (67, Decimal("67")),
        (9.2, Decimal("9.2")),
        # full-width forms, as a Japanese keyboard types them
        ("６０", Decimal("60")),
        ("０．３", Decimal("0.3")),
        ("３，５", Decimal("3.5")),
        ("－５", Decimal("-5")),
        ("１ｅ９", Decimal("1e9")),
        ("\u3000６０\u3000", Decimal("60")),
    ],
)
def test_valid_text_reads_as_its_number(text: object, value: Decimal) -> None:
    reading = read_number(text)
    assert reading.problem is None
    assert reading.value == value


@pytest.mark.parametrize(("text"), [None, "", "   "])
def test_empty_text_is_not_recorded(text: object) -> None:
    reading = read_number(text)
    assert (reading.value, reading.problem) == (None, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1,000", "ambiguous"),  # thousands separator or decimal comma?
        ("1.000,5", "not a number"),
        ("3,5,1", "not a number"),
        ("abc", "not a number"),
        ("12 mg", "not a number"),
        ("1e1000", "not a number"),  # exponents of at most three digits
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("0x10", "not a number"),
        ("1" * (MAX_LENGTH + 1), "longer than"),
        (True, "not a number"),
        # only 0–9 are digits: other scripts and superscripts are refused, not guessed
        ("٢٦٢", "not a number"),
        ("१२", "not a number"),
        ("10⁹", "not a number"),  # never 109
        ("¹²", "not a number"),
        ("６０。", "not a number"),
    ],
)
def test_invalid_text_is_refused_with_its_reason(text: object, reason: str) -> None:
    reading = read_number(text)
    assert reading.value is None
    assert reading.problem is not None
    assert reason in reading.problem


@pytest.mark.parametrize(
    ("name", "text", "system", "message"),
    [
        ("platelets", "180000", "conventional", "Platelets: 180000 is outside 0–2000 × 10⁹/L."),
        ("age_years", "200", "conventional", "Age (years): 200 is outside 18–120."),
        ("age_years", "67.5", "conventional", "Age (years): 67.5 is not a whole number."),
        ("crp", "-1", "conventional", "CRP: -1 is outside 0–100 mg/dL."),
        ("ldh", "1e9", "conventional", "LDH: 1e9 is outside 0–50000 U/L."),
        (
            "vertebral_body_mets",
            "40",
            "conventional",
            "Vertebral bodies involved: 40 is outside 1–29.",
        ),
        ("albumin", "35", "conventional", "Albumin: 35 is outside 0.5–7 g/dL."),
        ("albumin", "3,5", "si", "Albumin: 3,5 is outside 5–70 g/L."),
        ("calcium", "x", "si", "Calcium: “x” is not a number"),
    ],
)
def test_a_refused_field_is_named_with_its_range(
    name: str, text: str, system: str, message: str
) -> None:
    value, problem = typed_value(name, text, system)
    assert value is None
    assert problem is not None
    assert problem.startswith(message)


def test_a_refused_field_is_left_out_of_the_case_and_named() -> None:
    build = build_case({"platelets": "180000", "albumin": "3,5", "age_years": "67"})
    assert build.case.platelets is None
    assert build.case.albumin is not None
    assert build.case.albumin.value == Decimal("3.5")
    assert build.case.age_years == 67
    assert build.field_errors == {"platelets": "Platelets: 180000 is outside 0–2000 × 10⁹/L."}
    assert "Platelets: 180000 is outside 0–2000 × 10⁹/L." in build.errors
    assert build.rejected == ("platelets",)
