"""Calculator: the case entered as it is presented, results beside it, updated on every change.

Left, the inputs in the order a case is presented (patient, lesion, neurology and
performance, tumor and systemic disease, labs, the yes/no facts of the indications).
Right, the three scores with their bands, the poor-outcome probability with its interval
and provenance, the breakdowns, the papers' checklist and the case report downloads.
There is no submit button: every change reruns the page. Above both: load an example
case, or reset.
"""

from __future__ import annotations

import streamlit as st

from app_pages.ui import case_state, inputs, model, results
from app_pages.ui.evaluate import prediction_for, scored_case
from app_pages.ui.examples import EXAMPLE_BY_CODE, EXAMPLES
from app_pages.ui.report_downloads import render_report_downloads


def _load_example() -> None:
    """Replace the case with the chosen example, then clear the chooser for the next use."""
    code = st.session_state.get("calc_example")
    example = EXAMPLE_BY_CODE.get(str(code))
    if example is not None:
        case_state.replace_case(example.values, note=example.note)
    st.session_state["calc_example"] = None


def _reset() -> None:
    """Clear every field (nothing recorded, conventional units)."""
    case_state.replace_case({})


# Widget values of this run are already in session state before the widgets are drawn, so
# the case is scored first and its metrics and probability are the first results on screen
# (a cold start shows numbers before seventy inputs are laid out; a change updates the
# numbers before the browser redraws the inputs and the charts).
case_state.seed_widgets()
case_state.sync_from_widgets()
scored = scored_case()
scored_inputs = dict(case_state.inputs())

# The example chooser sits above both columns but is drawn after the metrics: the browser
# fetches each kind of element's code when it first sees one, a few files at a time, so the
# metrics go first and a cold start shows numbers before the selectbox's code has arrived.
chooser_row = st.container(key="chooser_row")
inputs_column, results_column = st.columns([1.1, 1], gap="medium")
results_panel = results_column.container(key="results_panel")

with results_panel:
    results.errors_box(scored.build.errors)
    for column, result in zip(st.columns(3), scored.scores.scores, strict=True):
        with column:
            results.score_metric(result)
    status, prediction = prediction_for(scored)
    probability_panel = st.container(key="probability_panel")
    with probability_panel:
        results.probability_metric(status, prediction, scored.build.case)
        results.model_quality(status)
        results.model_warnings(prediction)

example_column, reset_column = chooser_row.columns([3, 1], vertical_alignment="bottom")
with example_column:
    st.selectbox(
        "Load an example case",
        [e.code for e in EXAMPLES],
        index=None,
        format_func=lambda code: EXAMPLE_BY_CODE[code].title,
        key="calc_example",
        placeholder="Choose an example case from the cohort paper",
        on_change=_load_example,
        help="The two patients of the cohort paper's Figures 6 and 7, as far as its text "
        "describes them. Loading one replaces the current case.",
    )
with reset_column:
    st.button("Reset case", key="calc_reset", on_click=_reset, width="stretch")
if note := st.session_state.get(case_state.EXAMPLE_NOTE_KEY):
    chooser_row.info(note)

with inputs_column, st.container(key="inputs_panel"):
    with st.container(border=True):
        st.subheader("Patient")
        inputs.patient()
    with st.container(border=True):
        st.subheader("Lesion")
        inputs.lesion()
    with st.container(border=True):
        st.subheader("Neurology and performance")
        inputs.neurology_and_performance()
    with st.container(border=True):
        st.subheader("Tumor and systemic disease")
        inputs.tumor_and_systemic_disease()
    with st.container(border=True, key="labs_panel"):
        st.subheader("Laboratory values")
        if notice := st.session_state.get(case_state.UNITS_NOTICE_KEY):
            st.warning(notice)
        inputs.labs()
    with st.container(border=True):
        st.subheader("Indications and contraindication")
        inputs.indications()

case_state.sync_from_widgets()
if case_state.inputs() != scored_inputs:
    # A widget refused a value (outside its limits or options) that was scored above:
    # redraw from what the widgets hold. The widgets now store their own value, so this
    # converges in one rerun.
    st.rerun()

with probability_panel:
    results.probability_details(prediction, key_prefix="calc_chart")
with results_panel:
    results.score_tabs(scored.scores)
    st.subheader("Surgical indications checklist")
    results.criteria_checklist(scored.scores.criteria)
    render_report_downloads(
        scored.build.case,
        scored.scores,
        prediction,
        None if status.model is None else status.model.manifest,
        "calc",
        input_errors=scored.build.errors,
    )

model.warm_up(status)
