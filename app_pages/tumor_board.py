"""Tumor board: this session's case on one projector screen, read-only.

Large type and high contrast for the back of the room. The first screen at 1920×1080
holds the case in one line, the cohort study's three scores with their bands, and the
poor-outcome
probability with everything that qualifies it: its definition, its 95% interval (in
words once, and as a bar), the model's warnings and its provenance. Below: Tomita and the
modified Bauer score, what moves the
estimate (in clinical words), the papers' checklist, the SINS findings, the ESCC grade and
the laboratory values. No input widgets: the case is edited on the Calculator page, and
switching back keeps it. The case report can be downloaded here too (without the
free-text label, which is typed on the Calculator).
"""

from __future__ import annotations

import streamlit as st

from app_pages.ui import board, model, results
from app_pages.ui.evaluate import prediction_for, scored_case
from app_pages.ui.language import session_translator
from app_pages.ui.report_downloads import begin_run, render_report_downloads

_ = session_translator()
begin_run("board")  # a download pressed during this run waits for its report
scored = scored_case()

if scored.build.is_empty:
    st.info(
        _(
            "No case has been entered in this session yet. Enter one on the Calculator page "
            "(or load an example there); it appears here as soon as it has a value."
        )
    )
else:
    with st.container(key="board_case"):
        st.markdown(f"### {board.case_summary(scored.build.case)}")
        results.errors_box(scored.build.errors)
    with st.container(key="board_scores"):
        columns = st.columns([1, 1, 1, 1.6])
        for column, result in zip(columns[:3], scored.scores.scores, strict=True):
            with column:
                results.score_metric(result)
        status, prediction = prediction_for(scored)
        with columns[3]:
            results.probability_number(status, prediction, scored.build.case)
    # Everything that qualifies the number, side by side so it stays in the first screen.
    with st.container(key="board_qualifiers"):
        left, right = st.columns([1, 1], gap="large")
        with left:
            results.probability_qualifiers(status, prediction)
        with right:
            board.interval(prediction)
            results.model_warnings(prediction)
            results.model_quality(status)
    with st.container(key="board_detail"):
        board.top_factors(prediction)
    with st.container(key="board_more_scores"):
        columns = st.columns([1, 1, 1, 1.6])
        for column, result in zip(
            columns[:2], (scored.scores.tomita, scored.scores.bauer), strict=True
        ):
            with column:
                results.score_metric(result)
    with st.container(key="board_findings"):
        checklist, sins, labs = st.columns([1.3, 1, 1], gap="large")
        with checklist:
            st.markdown("#### " + _("Surgical indications checklist"))
            results.criteria_checklist(scored.scores.criteria)
        with sins:
            board.findings(scored.build.case, scored.scores)
        with labs:
            board.labs(scored.build.case)
    render_report_downloads(
        scored.build.case,
        scored.scores,
        prediction,
        status.model.manifest if status.model is not None else None,
        key_prefix="board",
        input_errors=scored.build.errors,
        with_label=False,
    )
    model.warm_up(status)
