"""Rendering helpers of the model card: tables, validation summaries, ROC and calibration.

Why separate from the page: the page reads top to bottom as the card's outline; the
details of laying out a table or drawing a chart live here. Nothing here computes a
model number: the content comes from :mod:`models.card`, the manifest and
:func:`models.validate.validate_frame`; these helpers choose words and layout.

Plotly is imported inside the functions that draw, so opening another page never pays for
it. The ROC curve comes from :func:`models.validate.roc_points` (the one ROC algorithm).
Charts are static (no zoom or pan), like the calculator's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import streamlit as st

from app_pages.ui.charts import GRID, INK, LOWERS_COLOUR, STATIC
from app_pages.ui.language import session_translator
from app_pages.ui.model import cached_model, model_directory
from i18n import N_, Message
from models.card import fmt

if TYPE_CHECKING:
    from models.predict import PoorOutcomeModel
    from models.validate import ValidationResult

LOG: Final = logging.getLogger(__name__)

#: What the card says when the model is refused. Why not the loader's own message: that
#: is written for whoever maintains the installation (file locations, rebuild commands);
#: it goes to the server log, which names no patient value.
REFUSED: Final = N_(
    "The model file was refused: it is not the verified model, or it was damaged or "
    "edited after fitting, so no model numbers are shown. The published tables below are "
    "unaffected. Ask whoever maintains this installation to restore the model; the server "
    "log names the check that failed."
)
NOT_LOADED: Final = N_(
    "The model could not be loaded, so no model numbers are shown. The published tables "
    "below are unaffected. Ask whoever maintains this installation to restore the model; "
    "the server log names the reason."
)

MODEL_COLOUR: Final = LOWERS_COLOUR
IDEAL_COLOUR: Final = "#7a8894"


def rows_table(rows: Sequence[Mapping[str, str]], *, verbatim: Sequence[str] = ()) -> None:
    """A small static table of display strings (every cell already formatted).

    Headers and cells are msgids, :class:`~i18n.Message` values, numbers or codes: each is
    passed through the session's translator (numbers and codes come back unchanged). The
    cells of the ``verbatim`` columns are names to type as they are (a file's column
    names), never translated even where a name is also a word ("male").
    """
    import pandas as pd

    _ = session_translator()
    shown = [
        {_(k): _(v) if isinstance(v, str) and k not in verbatim else v for k, v in row.items()}
        for row in rows
    ]
    frame = pd.DataFrame(shown)
    st.table(frame.set_index(frame.columns[0]))


def pairs_table(pairs: Sequence[tuple[str, str]], header: tuple[str, str] = ("", "")) -> None:
    """Two-column (item, statement) rows as a static table."""
    item, statement = header[0] or N_("Item"), header[1] or N_("Statement")
    rows_table([{item: k, statement: v} for k, v in pairs])


def _layout(title: str, x_title: str, y_title: str) -> dict[str, Any]:
    """A chart's layout; the three texts are msgids, shown in the session's language."""
    _ = session_translator()
    title, x_title, y_title = _(title), _(x_title), _(y_title)
    return {
        "title": {"text": title},
        "height": 420,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
        "font": {"size": 14, "color": INK},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "xaxis": {"title": {"text": x_title}, "range": [0, 1], "gridcolor": GRID},
        "yaxis": {"title": {"text": y_title}, "range": [0, 1.02], "gridcolor": GRID},
        "legend": {"orientation": "h", "y": -0.25},
    }


def roc_chart(result: ValidationResult, *, key: str, title: str) -> None:
    """The ROC curve of one validation (sensitivity against 1 − specificity)."""
    import plotly.graph_objects as go

    from models.validate import roc_points

    _ = session_translator()
    if len(set(result.observed)) < 2:
        st.info(_("Only one outcome class: no ROC curve can be drawn."))
        return
    fpr, tpr = roc_points(result.observed, result.predicted)
    figure = go.Figure()
    figure.add_trace(_diagonal(_("No discrimination")))
    figure.add_trace(
        go.Scatter(
            x=[float(v) for v in fpr],
            y=[float(v) for v in tpr],
            mode="lines+markers",
            name=_("Model (AUC %(auc)s)", auc=_(fmt(result.auc))),
            line={"shape": "hv", "color": MODEL_COLOUR},
        )
    )
    figure.update_layout(**_layout(title, N_("1 − specificity"), N_("Sensitivity")))
    st.plotly_chart(
        figure,
        key=key,
        config=STATIC,
        alt=_(
            "%(title)s: ROC curve with AUC %(auc)s on %(n)s patients",
            title=_(title),
            auc=_(fmt(result.auc)),
            n=result.n,
        ),
    )


def calibration_chart(result: ValidationResult, *, key: str, title: str) -> None:
    """Observed proportion against mean predicted probability per risk group (deciles)."""
    import plotly.graph_objects as go

    _ = session_translator()
    table = result.calibration_table
    figure = go.Figure()
    figure.add_trace(_diagonal(_("Ideal calibration"), IDEAL_COLOUR))
    figure.add_trace(
        go.Scatter(
            x=[b.predicted_mean for b in table],
            y=[b.observed_rate for b in table],
            mode="markers+lines",
            name=_("Risk groups (observed / predicted)"),
            marker={"size": [8 + 2 * b.n**0.5 for b in table], "color": MODEL_COLOUR},
            text=[
                _(
                    "group %(group)s: %(events)s of %(n)s",
                    group=b.group,
                    events=b.observed_events,
                    n=b.n,
                )
                for b in table
            ],
        )
    )
    figure.update_layout(
        **_layout(
            title, N_("Mean predicted probability"), N_("Observed proportion with a poor outcome")
        )
    )
    groups = [
        _(
            "group %(group)s predicted %(predicted)s, observed %(observed)s",
            group=b.group,
            predicted=f"{b.predicted_mean:.2f}",
            observed=f"{b.observed_rate:.2f}",
        )
        for b in table
    ]
    st.plotly_chart(
        figure,
        key=key,
        config=STATIC,
        alt=_("%(title)s: %(groups)s", title=_(title), groups=_.join_items(groups)),
    )


def calibration_rows(result: ValidationResult) -> list[dict[str, str]]:
    """The calibration table by risk group, as display strings."""
    return [
        {
            N_("Risk group"): str(b.group),
            N_("Patients"): str(b.n),
            N_("Predicted range"): f"{b.predicted_min:.2f}–{b.predicted_max:.2f}",
            N_("Mean predicted"): f"{b.predicted_mean:.2f}",
            N_("Poor outcomes"): str(b.observed_events),
            N_("Observed proportion"): f"{b.observed_rate:.2f}",
        }
        for b in result.calibration_table
    ]


def auc_text(result: ValidationResult) -> str:
    """AUC with its bootstrap interval, e.g. "0.81 (95% CI 0.68–0.93)"."""
    if result.auc_ci_low is None or result.auc_ci_high is None:
        return Message(N_("%(auc)s (95%% CI not estimable)"), auc=fmt(result.auc))
    return Message(
        N_("%(auc)s (95%% CI %(low)s–%(high)s)"),
        auc=fmt(result.auc),
        low=fmt(result.auc_ci_low),
        high=fmt(result.auc_ci_high),
    )


def validation_summary(result: ValidationResult, *, key: str) -> None:
    """The four measures of one validation as metrics, with what each means, and notes."""
    _ = session_translator()
    st.markdown(
        _(
            "**%(n)s patients, %(events)s poor outcomes** (AUC interval: %(reps)s bootstrap "
            "samples from a fixed random starting point, so the same file gives the same "
            "interval).",
            n=result.n,
            events=result.events,
            reps=result.auc_bootstrap_reps,
        )
    )
    st.markdown(
        _(
            "AUC %(auc)s; calibration intercept %(intercept)s, slope %(slope)s; Brier score "
            "%(brier)s.",
            auc=_(auc_text(result)),
            intercept=_(fmt(result.calibration_intercept)),
            slope=_(fmt(result.calibration_slope)),
            brier=_(fmt(result.brier, 3)),
        )
    )
    auc_col, cil_col, slope_col, brier_col = st.columns(4)
    auc_col.metric("AUC", _(fmt(result.auc)), help=_("Discrimination; 0.5 is chance."))
    if result.auc_ci_low is not None and result.auc_ci_high is not None:
        auc_col.caption(
            _(
                "95%% CI %(low)s–%(high)s",
                low=fmt(result.auc_ci_low),
                high=fmt(result.auc_ci_high),
            )
        )
    cil_col.metric(
        _("Calibration intercept"),
        _(fmt(result.calibration_intercept)),
        help=_("Calibration-in-the-large; 0 is ideal, above 0 means risks underestimated."),
    )
    slope_col.metric(
        _("Calibration slope"),
        _(fmt(result.calibration_slope)),
        help=_("1 is ideal; below 1 means predictions too extreme (usual after overfitting)."),
    )
    brier_col.metric(
        _("Brier score"),
        _(fmt(result.brier, 3)),
        help=_(
            "Mean squared error of the probabilities; 0 is perfect. A model predicting the "
            "cohort's own prevalence for everyone scores %(noninformative)s.",
            noninformative=_(fmt(result.brier_noninformative, 3)),
        ),
    )
    for note in result.notes:
        st.warning(_(note))
    if result.excluded:
        with st.expander(_("%(n)s row(s) excluded (empty values)", n=len(result.excluded))):
            st.markdown("\n".join(f"- {_(line)}" for line in result.excluded))
    left, right = st.columns(2)
    with left:
        calibration_chart(result, key=f"{key}_calibration", title=N_("Calibration by risk group"))
    with right:
        roc_chart(result, key=f"{key}_roc", title=N_("ROC curve"))
    with st.expander(_("Calibration table by risk group")):
        rows_table(calibration_rows(result))


# -- the model ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CardModel:
    """The verified model, or the sentence that explains why the card shows none."""

    model: PoorOutcomeModel | None
    message: str | None
    provenance: str | None


def card_model() -> CardModel:
    """Load and verify the model (once per server and directory); never raises.

    Why its own messages: a refusal here leaves the published tables on screen, so it is
    worded for the card. The model itself is the calculator's cached copy (one per server),
    and only successes are cached, so a repaired artifact is picked up on the next run.
    """
    try:
        from models.predict import PROVENANCE, ModelIntegrityError
    except ImportError as exc:
        return CardModel(
            None, Message(N_("The model code is not installed (%(error)s)."), error=str(exc)), None
        )
    where = model_directory()
    directory = None if where is None else str(where)
    try:
        model = cached_model(directory)
    except ModelIntegrityError as exc:
        LOG.warning("Model card: the model was refused: %s", exc)
        return CardModel(None, REFUSED, PROVENANCE)
    except Exception as exc:  # any other load failure must leave the published card readable
        LOG.warning("Model card: the model could not be loaded: %s: %s", type(exc).__name__, exc)
        return CardModel(None, NOT_LOADED, PROVENANCE)
    return CardModel(model, None, model.provenance)  # a message: the page translates it


# -- uncertainty of the model itself (Riley et al. 2021; Riley & Collins 2023) ------------------
def measures_table(measures: Sequence[Any]) -> None:
    """Name, value and the one meaning of each number."""
    rows_table(
        [
            {N_("Measure"): m.name, N_("Value"): m.value, N_("What it means"): m.meaning}
            for m in measures
        ]
    )


def shrinkage_chart(slopes: Sequence[float], shrinkage: float, *, key: str) -> None:
    """Histogram of the bootstrap calibration slopes whose mean is the shrinkage factor."""
    import plotly.graph_objects as go

    _ = session_translator()
    figure = go.Figure(
        go.Histogram(x=list(slopes), nbinsx=30, marker={"color": MODEL_COLOUR}, name=_("refits"))
    )
    figure.add_vline(x=shrinkage, line={"color": INK, "dash": "dash"})
    figure.add_vline(x=1.0, line={"color": IDEAL_COLOUR, "dash": "dot"})
    layout = _layout(
        N_("Shrinkage factor: its own bootstrap distribution"),
        N_("Calibration slope of a bootstrap refit on the original patients"),
        N_("Refits"),
    )
    layout["xaxis"]["range"] = None
    layout["yaxis"]["range"] = None
    figure.update_layout(**layout, showlegend=False)
    st.plotly_chart(
        figure,
        key=key,
        config=STATIC,
        alt=_(
            "Histogram of %(n)s bootstrap calibration slopes; mean (the shrinkage factor) "
            "%(shrinkage)s; 1 would mean no shrinkage needed",
            n=len(slopes),
            shrinkage=_(fmt(shrinkage)),
        ),
    )


def prediction_instability_chart(
    original: Sequence[float], refits: Sequence[Sequence[float]], *, key: str
) -> None:
    """Each training patient's probability under every bootstrap refit against the model's."""
    import plotly.graph_objects as go

    _ = session_translator()
    xs = [p for p, row in zip(original, refits, strict=True) for _refit in row]
    ys = [v for row in refits for v in row]
    figure = go.Figure()
    figure.add_trace(
        go.Scattergl(
            x=xs,
            y=ys,
            mode="markers",
            marker={"size": 3, "color": MODEL_COLOUR, "opacity": 0.25},
            name=_("Refit's probability"),
        )
    )
    figure.add_trace(_diagonal(_("Same as the model"), IDEAL_COLOUR))
    figure.update_layout(
        **_layout(
            N_("Prediction instability"),
            N_("Probability from the headline model"),
            N_("Probability from a bootstrap refit"),
        )
    )
    st.plotly_chart(
        figure,
        key=key,
        config=STATIC,
        alt=_(
            "Prediction instability plot: %(patients)s training patients, %(refits)s refits "
            "each; the vertical spread at each point is how much that patient's probability "
            "depends on which patients the model saw",
            patients=len(original),
            refits=len(refits[0]) if refits else 0,
        ),
    )


def _diagonal(name: str, colour: str | None = None) -> Any:
    """The dotted y = x line a ROC, calibration or instability plot is read against."""
    import plotly.graph_objects as go

    line = {"dash": "dot"} | ({"color": colour} if colour else {})
    return go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name=name, line=line)


def calibration_instability_chart(
    grid: Sequence[float], curves: Sequence[Sequence[float]], *, key: str
) -> None:
    """Each bootstrap refit's calibration curve on the original patients."""
    import plotly.graph_objects as go

    _ = session_translator()
    figure = go.Figure()
    for i, curve in enumerate(curves):
        figure.add_trace(
            go.Scatter(
                x=list(grid),
                y=list(curve),
                mode="lines",
                line={"color": MODEL_COLOUR, "width": 1},
                opacity=0.15,
                showlegend=i == 0,
                name=_("Refit's calibration curve"),
            )
        )
    figure.add_trace(_diagonal(_("Ideal calibration"), INK))
    figure.update_layout(
        **_layout(
            N_("Calibration instability"), N_("Predicted probability"), N_("Observed probability")
        )
    )
    st.plotly_chart(
        figure,
        key=key,
        config=STATIC,
        alt=_(
            "Calibration instability plot: %(n)s refits' logistic calibration curves on the "
            "original patients around the ideal diagonal",
            n=len(curves),
        ),
    )
