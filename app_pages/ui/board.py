"""Pieces only the tumor board draws: the case in one line, the interval, the top factors
in clinical words, and the findings behind the numbers (SINS, ESCC grade, laboratory).

The board shows the same numbers as the calculator (same domain calls, same metric
labels), fewer of them and larger, so a room can read them. Everything that qualifies the
probability (definition, interval, warnings, provenance) is drawn with it, in the first
screen at 1920×1080.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.ui import charts
from app_pages.ui.case_state import SEX_TEXT
from app_pages.ui.language import session_translator
from app_pages.ui.results import contribution_sentence, table_cell, top_contributions
from app_pages.ui.typed_numbers import plain
from i18n import N_
from scoring.case import field_title
from scoring.labs import ANALYTES

if TYPE_CHECKING:
    from models.predict import Prediction
    from scoring import CaseScores, PatientCase

NOT_RECORDED = N_("not recorded")


def case_summary(case: PatientCase) -> str:
    """Who the case is, from the recorded facts only (unrecorded ones are left out)."""
    _ = session_translator()
    parts = []
    if case.sex is not None or case.age_years is not None:
        sex = "" if case.sex is None else _(SEX_TEXT[case.sex.value])
        age = "" if case.age_years is None else _("%(age)s years", age=case.age_years)
        parts.append(_.join(p for p in (sex, age) if p))
    if case.primary_tumor is not None:
        parts.append(_(case.primary_tumor.label))
    if case.lesion_level is not None:
        parts.append(_("main lesion %(level)s", level=case.lesion_level.value))
    if case.frankel is not None:
        parts.append(f"Frankel {case.frankel.value}")
    if case.kps is not None:
        parts.append(f"KPS {case.kps} %")
    if case.ecog is not None:
        parts.append(f"ECOG {case.ecog}")
    return " · ".join(parts) if parts else _("Case with partial findings")


def interval(prediction: Prediction | None) -> None:
    """The 95% interval as a bar, when there is a probability (its numbers are in words
    once, beside the probability; the bar carries them for screen readers)."""
    if prediction is None or prediction.probability is None:
        return
    if prediction.ci_low is None or prediction.ci_high is None:
        return
    _ = session_translator()
    st.markdown("#### " + _("Estimate and 95% interval"))
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
    """The predictors that move the estimate most, in clinical words, against the reference."""
    if prediction is None or not prediction.contributions:
        return
    _ = session_translator()
    st.markdown("#### " + _("What moves this estimate most (top %(count)s)", count=count))
    st.markdown(
        "\n".join(
            f"{i}. {contribution_sentence(c)}"
            for i, c in enumerate(top_contributions(prediction, count), start=1)
        )
    )
    st.caption(_(prediction.reference))


def findings(case: PatientCase, scores: CaseScores) -> None:
    """The SINS findings, the ESCC (Bilsky) grade and the laboratory values, as recorded."""
    _ = session_translator()
    st.markdown("#### " + _("SINS findings"))
    header = (_("Item"), _("Finding"), _("Points"))
    rows = ["| " + " | ".join(header) + " |", "|---|---|---|"]
    for item in scores.sins.items:
        finding = _(item.option.label) if item.option is not None else _(NOT_RECORDED)
        detail = _(item.detail)
        if detail and detail not in finding:
            finding = _.bracketed(finding, detail)
        points = "" if item.points is None else str(item.points)
        rows.append(f"| {table_cell(_(item.label))} | {table_cell(finding)} | {points} |")
    st.markdown("\n".join(rows))
    st.markdown("#### " + _("Spinal cord compression"))
    grade = case.escc_grade
    st.markdown(
        _(
            "ESCC (Bilsky) grade: **%(grade)s**: %(definition)s.",
            grade=grade.value,
            definition=_(grade.definition),
        )
        if grade is not None
        else _("ESCC (Bilsky) grade: %(grade)s.", grade=_(NOT_RECORDED))
    )


def labs(case: PatientCase) -> None:
    """Each laboratory value as entered, with its unit, and whether it meets its cut-off."""
    _ = session_translator()
    st.markdown("#### " + _("Laboratory values"))
    header = (_("Test"), _("Value"), _("Katagiri criterion"))
    rows = ["| " + " | ".join(header) + " |", "|---|---|---|"]
    for spec in ANALYTES:
        value = getattr(case, spec.field)
        title = _(field_title(spec.field))
        if value is None:
            rows.append(f"| {title} | {_(NOT_RECORDED)} | |")
            continue
        flagged = spec.is_flagged(value.value, value.unit)
        met = _("met") if flagged else _("not met")
        criterion = _(spec.criterion_text(value.unit))
        rows.append(
            f"| {title} | {plain(value.value)} {value.unit.label} | "
            f"{table_cell(_.labelled(criterion, met))} |"
        )
    st.markdown("\n".join(rows))
