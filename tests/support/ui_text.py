"""What the pages print, as both page-test suites (AppTest and Chromium) read it.

Written out here rather than imported from ``app_pages``: the tests check the pages
against these words and formats, so they must not take them from the pages themselves.
"""

from __future__ import annotations

from typing import Final

from scoring.labs import ANALYTE_BY_FIELD

# Result metric labels, exactly as the calculator and the tumor board render them.
TOKUHASHI: Final = "Revised Tokuhashi"
KATAGIRI: Final = "New Katagiri"
SINS: Final = "SINS"
PROBABILITY: Final = "Poor-outcome probability"
TOMITA: Final = "Tomita"
BAUER: Final = "Modified Bauer"
LABELS: Final = {
    "tokuhashi": TOKUHASHI,
    "katagiri": KATAGIRI,
    "sins": SINS,
    "tomita": TOMITA,
    "bauer": BAUER,
}
#: Asked only when a visceral metastasis is recorded.
CONDITIONAL_FIELDS: Final = frozenset({"visceral_mets_treatable"})

#: Fields the calculator asks with a text field read as a number (the rest are choices).
LAB_FIELDS: Final[tuple[str, ...]] = tuple(ANALYTE_BY_FIELD)
WHOLE_NUMBER_FIELDS: Final = frozenset(
    {"age_years", "extraspinal_bone_mets", "vertebral_body_mets"}
)
NUMBER_FIELDS: Final = WHOLE_NUMBER_FIELDS | frozenset(LAB_FIELDS)


def percent_text(probability: float) -> str:
    """A probability as the screen shows it: a whole percentage, e.g. "34 %"."""
    return f"{probability * 100:.0f} %"


#: The one choice with too many entries for pills: a selectbox (type to filter).
SELECT_FIELDS: Final = frozenset({"primary_tumor"})
#: The outcome's definition, shown with the probability on every page that shows it.
OUTCOME_DEFINITION: Final = (
    "no improvement, or re-deterioration, of ECOG PS or EQ-5D within 3 months of surgery"
)


def typed_text(value: object) -> str:
    """A number as a user types it: no exponent, no trailing zeros ("0.3", "67", "9.2")."""
    from decimal import Decimal

    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
