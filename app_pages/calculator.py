"""Calculator: the case entered as it is presented, results beside it, updated on every change.

Left, the inputs in the order a case is presented (patient, lesion, neurology and
performance, tumor and systemic disease, labs, the yes/no facts of the indications).
Right, the three scores of the cohort study with their bands, the poor-outcome
probability with its definition, interval and provenance, Tomita and the modified Bauer
score, the breakdowns, the papers' checklist and the case
report downloads. There is no submit button: every change reruns the page. Above both:
load an example case, or reset; either asks first when the case holds anything, and
offers a one-step undo after.

The page is one scroll area (no nested scrolling for the results column): on a tablet the
results sit at the top right and every part of them is reached by scrolling the page.
"""

from __future__ import annotations

import streamlit as st

from app_pages.ui import case_state, inputs, model, results
from app_pages.ui.evaluate import prediction_for, scored_case
from app_pages.ui.examples import EXAMPLE_BY_CODE, EXAMPLES
from app_pages.ui.language import dropdown, session_translator
from app_pages.ui.report_downloads import begin_run, render_report_downloads

PENDING_KEY = "case_pending_replacement"


def _replace(code: str | None) -> None:
    """Reset (``code`` None) or load the example ``code``."""
    example = EXAMPLE_BY_CODE.get(str(code)) if code is not None else None
    if example is not None:
        case_state.replace_case(example.values, note=example.note)
    else:
        case_state.replace_case({})


def _ask(code: str | None) -> None:
    """Replace at once when there is nothing to lose; otherwise ask first."""
    if case_state.has_data():
        st.session_state[PENDING_KEY] = {"example": code}
    else:
        st.session_state.pop(PENDING_KEY, None)
        _replace(code)


def _on_example() -> None:
    code = st.session_state.get("calc_example")
    st.session_state["calc_example"] = None
    if code is not None:
        _ask(str(code))


def _on_reset() -> None:
    _ask(None)


def _confirm() -> None:
    pending = st.session_state.pop(PENDING_KEY, None)
    if isinstance(pending, dict):
        _replace(pending.get("example"))


def _cancel() -> None:
    st.session_state.pop(PENDING_KEY, None)


def _undo() -> None:
    st.session_state.pop(PENDING_KEY, None)
    case_state.undo()


def _chooser(row: st.delta_generator.DeltaGenerator) -> None:
    """Example chooser and reset; the confirmation or the undo offer right under them."""
    example_column, reset_column = row.columns([3, 1], vertical_alignment="bottom")
    with example_column:
        st.selectbox(
            _("Load an example case"),
            [e.code for e in EXAMPLES],
            index=None,
            format_func=lambda code: _(EXAMPLE_BY_CODE[code].title),
            key=dropdown("calc_example"),
            placeholder=_("Choose an example case from the cohort paper"),
            on_change=_on_example,
        )
    with reset_column:
        st.button(_("Reset case"), key="calc_reset", on_click=_on_reset, width="stretch")
    pending = st.session_state.get(PENDING_KEY)
    if isinstance(pending, dict):
        code = pending.get("example")
        what = (
            _("Load the example and clear")
            if code is not None
            else _("Clear the case, its label and its report fields")
        )
        with row.container(key="confirm_replace", border=True):
            st.warning(
                _(
                    "This replaces the case on screen, including its label and report fields "
                    "(identifier, clinician, date). You can undo it once."
                )
            )
            yes, no = st.columns(2)
            yes.button(what, key="calc_confirm_replace", on_click=_confirm, type="primary")
            no.button(_("Keep the current case"), key="calc_cancel_replace", on_click=_cancel)
    elif case_state.can_undo():
        with row.container(key="undo_replace"):
            text, button = st.columns([3, 1], vertical_alignment="center")
            text.info(_("The previous case was cleared."))
            button.button(_("Undo"), key="calc_undo", on_click=_undo, width="stretch")
    if note := st.session_state.get(case_state.EXAMPLE_NOTE_KEY):
        loaded = next((e for e in EXAMPLES if e.note == note), None)
        row.info(loaded.note_in(_) if loaded is not None else note)


# Widget values of this run are already in session state before the widgets are drawn, so
# the case is scored first and its metrics and probability are the first results on screen
# (a cold start shows numbers before seventy inputs are laid out; a change updates the
# numbers before the browser redraws the inputs and the charts).
_ = session_translator()
begin_run("calc")  # a download pressed during this run waits for its report
case_state.seed_widgets()
case_state.sync_from_widgets()
case_state.clear_unasked()
case_state.drop_stale_undo()
scored = scored_case()
scored_inputs = dict(case_state.inputs())
inputs.show_problems(scored.build.field_errors)

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
        results.model_warnings(prediction)
        results.model_quality(status)
    with st.container(key="more_scores"):
        results.more_scores(scored.scores)

_chooser(chooser_row)

with inputs_column, st.container(key="inputs_panel"):
    with st.container(border=True):
        st.subheader(_("Patient"))
        inputs.patient()
    with st.container(border=True):
        st.subheader(_("Lesion"))
        inputs.lesion()
    with st.container(border=True):
        st.subheader(_("Neurology and performance"))
        inputs.neurology_and_performance()
    with st.container(border=True):
        st.subheader(_("Tumor and systemic disease"))
        inputs.tumor_and_systemic_disease()
    with st.container(border=True, key="labs_panel"):
        st.subheader(_("Laboratory values"))
        if notice := case_state.units_notice():
            st.warning(notice)
        inputs.labs()
    with st.container(border=True):
        st.subheader(_("Indications and contraindication"))
        inputs.indications()

case_state.sync_from_widgets()
if case_state.inputs() != scored_inputs:
    # A widget refused a value (outside its options) that was scored above: redraw from
    # what the widgets hold. The widgets now store their own value, so this converges in
    # one rerun.
    st.rerun()

with probability_panel:
    results.probability_details(prediction, key_prefix="calc_chart")
with results_panel:
    results.score_tabs(scored.scores)
    st.subheader(_("Surgical indications checklist"))
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
