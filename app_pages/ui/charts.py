"""Plotly figures for the probability: its 95% interval and the per-predictor contributions.

Each figure is written as one plain dict and validated once by ``go.Figure``, with an
empty template: building it trace by trace and applying Plotly's default template cost
about 10 ms per chart on every rerun, a third of the page's rerun time here, for styling
that is set explicitly below anyway. Plotly is imported inside the functions so the first
paint (the scores) never waits for it. Figures are static (no zoom or pan): on a touch
screen a stray drag must not rescale the interval a surgeon is reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import streamlit as st

if TYPE_CHECKING:
    from models.predict import Contribution

RAISES_COLOUR: Final = "#b3541e"
LOWERS_COLOUR: Final = "#1f5f8b"
INK: Final = "#14202b"
GRID: Final = "#d5dde5"
STATIC: Final = {"staticPlot": True, "displayModeBar": False, "responsive": True}


def _layout(height: int, font_size: int, **axes: Any) -> dict[str, Any]:
    return {
        "template": {},
        "height": height,
        "margin": {"l": 30, "r": 30, "t": 10, "b": 40},
        "font": {"size": font_size, "color": INK},
        "showlegend": False,
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        **axes,
    }


def _show(spec: dict[str, Any], key: str, alt: str) -> None:
    import plotly.graph_objects as go

    st.plotly_chart(go.Figure(spec), key=key, config=STATIC, theme=None, alt=alt)


def interval_bar(
    probability: float, low: float, high: float, *, key: str, font_size: int = 14
) -> None:
    """The 95% interval as a bar on a 0–100 % axis, the estimate as a marker on it."""
    bar = {
        "type": "bar",
        "x": [(high - low) * 100],
        "base": [low * 100],
        "y": ["95% CI"],
        "orientation": "h",
        "marker": {"color": "rgba(31, 95, 139, 0.35)", "line": {"color": LOWERS_COLOUR}},
        "width": 0.5,
        "hoverinfo": "skip",
        "name": "95% confidence interval",
    }
    estimate = {
        "type": "scatter",
        "x": [probability * 100],
        "y": ["95% CI"],
        "mode": "markers",
        "marker": {"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": INK}},
        "hoverinfo": "skip",
        "name": "Estimate",
    }
    layout = _layout(
        110,
        font_size,
        xaxis={"range": [0, 100], "ticksuffix": " %", "dtick": 10, "gridcolor": GRID},
        yaxis={"showticklabels": False},
    )
    _show(
        {"data": [bar, estimate], "layout": layout},
        key,
        f"Estimate {probability * 100:.0f} %, 95% interval {low * 100:.0f} to {high * 100:.0f} %",
    )


def contribution_bars(
    contributions: Sequence[Contribution], *, key: str, font_size: int = 14
) -> None:
    """Log-odds of each predictor against the reference patient, largest at the top."""
    ordered = sorted(contributions, key=lambda c: abs(c.log_odds))
    labels = [f"{c.label}: {c.value_text}" for c in ordered]
    values = [c.log_odds for c in ordered]
    bars = {
        "type": "bar",
        "x": values,
        "y": labels,
        "orientation": "h",
        "marker": {"color": [RAISES_COLOUR if v > 0 else LOWERS_COLOUR for v in values]},
        "text": [f"{v:+.2f}" if abs(v) >= 0.005 else "0.00" for v in values],
        "textposition": "auto",
        "cliponaxis": False,
        "hoverinfo": "skip",
    }
    # Room for a value label beside the longest bar, so it never reaches the row labels.
    span = max([abs(v) for v in values] + [0.5]) * 1.6
    layout = _layout(
        60 + 44 * len(values),
        font_size,
        xaxis={
            "range": [-span, span],
            "automargin": True,
            "zeroline": True,
            "zerolinecolor": INK,
            "zerolinewidth": 2,
            "gridcolor": GRID,
            "title": {
                "text": "log-odds vs the reference patient<br>"
                "(right: higher odds of a poor outcome)"
            },
        },
        yaxis={"automargin": True},
    )
    _show(
        {"data": [bars], "layout": layout},
        key,
        "Contributions to the log-odds: "
        + "; ".join(f"{label} {value:+.2f}" for label, value in zip(labels, values, strict=True)),
    )
