"""Plotly defaults for a projector: large CJK-capable fonts, no logo, nothing fetched online."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics.reports.palette import COLOURS, FONT

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def style(fig: go.Figure, height: int = 360, title: str | None = None) -> go.Figure:
    fig.update_layout(
        height=height, title=title, font={"family": FONT, "size": 16},
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        legend={"orientation": "h", "y": -0.2, "x": 0}, colorway=COLOURS,
        plot_bgcolor="white", paper_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#e6e6e6")
    return fig


def show(fig: go.Figure, height: int = 360, title: str | None = None) -> None:
    st.plotly_chart(style(fig, height, title), config=CONFIG, width="stretch")
