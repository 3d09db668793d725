"""Plotly figures for the probability: its 95% interval and the per-predictor contributions.

Plotly is imported inside each function, not at module level: importing it costs about
half a second on these machines, and the first paint (the scores) must not wait for it.
Figures are static (no zoom or pan): on a touch screen a stray drag must not rescale the
interval a surgeon is reading.
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
STATIC: Final = {"staticPlot": True, "displayModeBar": False, "responsive": True}


def _layout(height: int, font_size: int) -> dict[str, Any]:
    return {
        "height": height,
        "margin": {"l": 30, "r": 30, "t": 10, "b": 40},
        "font": {"size": font_size, "color": INK},
        "showlegend": False,
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
    }


def interval_bar(
    probability: float, low: float, high: float, *, key: str, font_size: int = 14
) -> None:
    """The 95% interval as a bar on a 0–100 % axis, the estimate as a marker on it."""
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=[(high - low) * 100],
            base=[low * 100],
            y=["95% CI"],
            orientation="h",
            marker={"color": "rgba(31, 95, 139, 0.35)", "line": {"color": LOWERS_COLOUR}},
            width=0.5,
            hoverinfo="skip",
            name="95% confidence interval",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[probability * 100],
            y=["95% CI"],
            mode="markers",
            marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": INK}},
            hoverinfo="skip",
            name="Estimate",
        )
    )
    figure.update_layout(**_layout(110, font_size))
    figure.update_xaxes(range=[0, 100], ticksuffix=" %", dtick=10, gridcolor="#d5dde5")
    figure.update_yaxes(showticklabels=False)
    st.plotly_chart(
        figure,
        key=key,
        config=STATIC,
        theme=None,
        alt=f"Estimate {probability * 100:.0f} %, 95% interval "
        f"{low * 100:.0f} to {high * 100:.0f} %",
    )


def contribution_bars(
    contributions: Sequence[Contribution], *, key: str, font_size: int = 14
) -> None:
    """Log-odds of each predictor against the reference patient, largest at the top."""
    import plotly.graph_objects as go

    ordered = sorted(contributions, key=lambda c: abs(c.log_odds))
    labels = [f"{c.label}: {c.value_text}" for c in ordered]
    values = [c.log_odds for c in ordered]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker={"color": [RAISES_COLOUR if v > 0 else LOWERS_COLOUR for v in values]},
            text=[f"{v:+.2f}" if abs(v) >= 0.005 else "0.00" for v in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    span = max([abs(v) for v in values] + [0.5]) * 1.35
    figure.update_layout(**_layout(60 + 44 * len(values), font_size))
    figure.update_xaxes(
        range=[-span, span],
        zeroline=True,
        zerolinecolor=INK,
        zerolinewidth=2,
        gridcolor="#d5dde5",
        title={"text": "log-odds vs the reference patient (right: higher odds of a poor outcome)"},
    )
    figure.update_yaxes(automargin=True)
    st.plotly_chart(
        figure,
        key=key,
        config=STATIC,
        theme=None,
        alt="Contributions to the log-odds: "
        + "; ".join(f"{label} {value:+.2f}" for label, value in zip(labels, values, strict=True)),
    )
