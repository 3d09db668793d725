"""Pieces only the tumor board draws: the case in one line, the interval, the top factors.

The board shows the same numbers as the calculator (same domain calls, same metric
labels), fewer of them and larger, so a room can read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.ui import charts
from app_pages.ui.results import contribution_sentence, interval_text, top_contributions

if TYPE_CHECKING:
    from models.predict import Prediction
    from scoring import PatientCase


def case_summary(case: PatientCase) -> str:
    """Who the case is, from the recorded facts only (unrecorded ones are left out)."""
    parts = []
    if case.sex is not None or case.age_years is not None:
        sex = "" if case.sex is None else case.sex.value.capitalize()
        age = "" if case.age_years is None else f"{case.age_years} years"
        parts.append(", ".join(p for p in (sex, age) if p))
    if case.primary_tumor is not None:
        parts.append(case.primary_tumor.label)
    if case.lesion_level is not None:
        parts.append(f"main lesion {case.lesion_level.value}")
    if case.frankel is not None:
        parts.append(f"Frankel {case.frankel.value}")
    if case.kps is not None:
        parts.append(f"KPS {case.kps} %")
    if case.ecog is not None:
        parts.append(f"ECOG {case.ecog}")
    return " · ".join(parts) if parts else "Case with partial findings"


def interval(prediction: Prediction | None) -> None:
    """The 95% interval in words and as a bar, when there is a probability."""
    if prediction is None or prediction.probability is None:
        return
    if prediction.ci_low is None or prediction.ci_high is None:
        return
    st.markdown(f"#### {interval_text(prediction.ci_low, prediction.ci_high)}")
    charts.interval_bar(
        prediction.probability,
        prediction.ci_low,
        prediction.ci_high,
        key="board_interval",
        font_size=22,
        reconstruction=(prediction.reconstruction_low, prediction.reconstruction_high),
        instability=(prediction.instability_low, prediction.instability_high),
    )


def top_factors(prediction: Prediction | None, count: int = 3) -> None:
    """The predictors that move the estimate most, in words, against the reference."""
    if prediction is None or not prediction.contributions:
        return
    st.markdown(f"#### Top {count} contributing factors")
    st.markdown(
        "\n".join(
            f"{i}. {contribution_sentence(c)}"
            for i, c in enumerate(top_contributions(prediction, count), start=1)
        )
    )
    st.caption(prediction.reference)
