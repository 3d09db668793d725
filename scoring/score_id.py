"""The five scores by one identifier each: the stable code files and keys use, and the
short label every surface shows (metric titles, breakdown tabs, the quiz's choices).

Written once here so that adding a score, or renaming one on screen, is one edit; the
value is the ``key`` of that score's ``ScoreResult``.

>>> ScoreId("tomita").label, ScoreId.TOKUHASHI == "tokuhashi"
('Tomita', True)
"""

from __future__ import annotations

from i18n import N_
from scoring.options import LabelledEnum


class ScoreId(LabelledEnum):
    """One member per score, in the order the pages show them."""

    TOKUHASHI = ("tokuhashi", N_("Revised Tokuhashi"))
    KATAGIRI = ("katagiri", N_("New Katagiri"))
    SINS = ("sins", N_("SINS"))
    TOMITA = ("tomita", N_("Tomita"))
    BAUER = ("bauer", N_("Modified Bauer"))
