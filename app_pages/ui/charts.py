"""The probability's pictures: its 95% interval (HTML) and the per-predictor contributions
(Plotly).

The Plotly figure is written as one plain dict and validated once by ``go.Figure``, with an
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

from app_pages.ui.language import session_translator
from i18n import N_

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


def _range_line(span: tuple[float | None, float | None], top: str) -> str:
    """A thin range line (reconstruction above, instability below the interval band)."""
    low, high = span
    if low is None or high is None:
        return ""
    lo, hi = low * 100, high * 100
    return (
        f'<span style="position:absolute;left:{lo:.2f}%;width:{max(hi - lo, 0.3):.2f}%;'
        f'top:{top};height:3px;background:{INK};"></span>'
    )


def interval_bar(
    probability: float,
    low: float,
    high: float,
    *,
    key: str,
    font_size: int = 14,
    reconstruction: tuple[float | None, float | None] = (None, None),
    instability: tuple[float | None, float | None] = (None, None),
) -> None:
    """The 95% interval as a shaded bar on a 0–100 % scale, the estimate as a line on it;
    the reconstruction range as a thin line above the band, the instability range below.

    Plain HTML and CSS, not Plotly: the bar is redrawn on every change of every input, and
    a browser lays out a few positioned boxes far faster than Plotly redraws a figure (the
    changed-input benchmark counts that time). It is crisp at any size for the projector
    and carries its numbers in an ``aria-label`` for screen readers.
    """
    # The end labels are anchored inside the scale so "100 %" never wraps or overflows.
    anchor = {0: "0", 100: "-100%"}
    ticks = "".join(
        f'<span style="position:absolute;left:{t}%;white-space:nowrap;'
        f'transform:translateX({anchor.get(t, "-50%")});">{t} %</span>'
        for t in range(0, 101, 20)
    )
    grid = "".join(
        f'<span style="position:absolute;left:{t}%;top:0;bottom:0;width:1px;'
        f'background:{GRID};"></span>'
        for t in range(10, 100, 10)
    )
    p, lo, hi = probability * 100, low * 100, high * 100
    _ = session_translator()
    label = _(
        "Estimate %(p)s %%, 95%% interval %(low)s to %(high)s %%",
        p=f"{p:.0f}",
        low=f"{lo:.0f}",
        high=f"{hi:.0f}",
    )
    ranges = ((N_("reconstructions"), reconstruction), (N_("instability"), instability))
    for name, (a, b) in ranges:
        if a is not None and b is not None:
            label += _(
                ", %(name)s %(low)s to %(high)s %%",
                name=_(name),
                low=f"{a * 100:.0f}",
                high=f"{b * 100:.0f}",
            )
    height = round(font_size * 3)
    html = (
        f'<div role="img" aria-label="{label}" style="font-size:{font_size}px;color:{INK};'
        'margin:0.25rem 0.9rem 1.25rem 0.9rem;">'
        f'<div style="position:relative;height:{height}px;border:1px solid {GRID};'
        'background:#ffffff;">'
        f"{grid}"
        f'<span style="position:absolute;left:{lo:.2f}%;width:{hi - lo:.2f}%;top:25%;'
        f'height:50%;background:rgba(31,95,139,0.35);border:1px solid {LOWERS_COLOUR};">'
        "</span>"
        f'<span style="position:absolute;left:calc({p:.2f}% - 2px);top:8%;height:84%;'
        f'width:4px;background:{INK};"></span>'
        f"{_range_line(reconstruction, '12%')}{_range_line(instability, 'calc(88% - 3px)')}"
        "</div>"
        f'<div aria-hidden="true" style="position:relative;height:1.5em;margin-top:0.2em;">'
        f"{ticks}</div></div>"
    )
    with st.container(key=key):
        st.markdown(html, unsafe_allow_html=True)


def contribution_label(contribution: Contribution) -> str:
    """The predictor's name as a reader takes it beside its value: "Sex: female", not
    Table 4's coded row name "Sex (male)", which next to "female" read as a contradiction."""
    _ = session_translator()
    return _("Sex") if contribution.feature == "male" else _(contribution.label)


def contribution_bars(
    contributions: Sequence[Contribution], *, key: str, font_size: int = 14
) -> None:
    """Log-odds of each predictor against the reference patient, largest at the top."""
    _ = session_translator()
    ordered = sorted(contributions, key=lambda c: abs(c.log_odds))
    # Predictor and value on two lines: on a tablet the labels would otherwise take most
    # of the width and squeeze the bars and their value labels into the axis text.
    labels = [f"{contribution_label(c)}<br>{_(c.value_text)}" for c in ordered]
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
        70 + 52 * len(values),
        font_size,
        xaxis={
            "range": [-span, span],
            "automargin": True,
            "zeroline": True,
            "zerolinecolor": INK,
            "zerolinewidth": 2,
            "gridcolor": GRID,
            "title": {"text": _("log-odds vs the reference patient")},
        },
        yaxis={"automargin": True},
    )
    _show(
        {"data": [bars], "layout": layout},
        key,
        _("Contributions to the log-odds: %(items)s")
        % {
            "items": _.join_items(
                _.labelled(contribution_label(c), f"{_(c.value_text)} {value:+.2f}")
                for c, value in zip(ordered, values, strict=True)
            )
        },
    )
