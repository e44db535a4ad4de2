"""Plotly defaults for a projector: large CJK-capable fonts, no logo, nothing fetched online."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics.reports.palette import COLORWAY, FONT, GRID, INK, WHITE
from ui.text import lang

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
SMALLEST = 16  # px: no chart text smaller, on screen or on the projector


def legible(fig: go.Figure, smallest: int = SMALLEST) -> go.Figure:
    """Raise every font a figure sets below `smallest` (cell labels of the 底线 board, radar
    ticks) to it: the back of a meeting room reads nothing smaller."""
    def lift(font: object) -> None:
        if font is not None and font.size is not None and font.size < smallest:
            font.size = smallest

    for trace in fig.data:
        for attr in ("textfont", "insidetextfont", "outsidetextfont"):
            lift(getattr(trace, attr, None))
    fig.for_each_xaxis(lambda a: lift(a.tickfont))
    fig.for_each_yaxis(lambda a: lift(a.tickfont))
    fig.for_each_polar(lambda p: (lift(p.radialaxis.tickfont), lift(p.angularaxis.tickfont)))
    lift(fig.layout.legend.font)
    lift(fig.layout.title.font)
    return fig


def _english(label: str) -> str:
    """A 万/亿 tick label (figures.cn_number) as the English UI writes it: 2000万 → 20M."""
    if not label.endswith(("万", "亿")):
        return label
    value = float(label[:-1].replace(",", "")) * (1e4 if label.endswith("万") else 1e8)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:,.0f}"


def style(fig: go.Figure, height: int = 360, title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height, title={"text": title, "x": 0, "font": {"size": SMALLEST + 2}} if title else None,
        font={"family": FONT, "size": SMALLEST, "color": INK},
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0}, colorway=COLORWAY,
        plot_bgcolor=WHITE, paper_bgcolor=WHITE,
    )
    ticks = {"size": SMALLEST, "color": INK}
    fig.update_xaxes(showgrid=False, exponentformat="none", tickfont=ticks, automargin=True)  # never 10k or 1.5M:
    fig.update_yaxes(gridcolor=GRID, exponentformat="none", tickfont=ticks, automargin=True)  # figures.cn_axis: 万, 亿
    if lang() == "en":  # 万 and 亿 are for the Chinese UI
        for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
            if axis.ticktext:
                axis.ticktext = [_english(str(t)) for t in axis.ticktext]
    return legible(fig)


def show(fig: go.Figure, height: int = 360, title: str | None = None) -> None:
    # theme=None: Streamlit's chart theme would shrink the tick labels to 12 px, below what a projector needs
    st.plotly_chart(style(fig, height, title), config=CONFIG, width="stretch", theme=None)
