"""Page frame: title, the 模拟数据 banner, the scope line, projector-friendly CSS, KPI cards
and number formats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from ui import data
from ui.text import common

CSS = """
<style>
[data-testid="stMetricValue"] { font-size: clamp(1.45rem, 2.5vw, 2.5rem); font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: clamp(0.85rem, 1.1vw, 1.1rem); }
[data-testid="stMetricDelta"] { font-size: 0.9rem; }
h1 { font-size: 1.9rem !important; padding-top: 0 !important; }
h3 { font-size: 1.35rem !important; }
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; }
.block-container { padding: 3rem 1.5rem 1rem 1.5rem !important; max-width: 100% !important; }
[data-testid="stHeader"] { background: transparent; }
[data-testid="stSidebar"] { min-width: 230px !important; max-width: 230px !important; }
</style>
"""


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: str = "normal"


def header(title: str, scope: str | None = None) -> None:
    """Title, the demo-data banner when the current snapshot is the demo county, and scope. The
    snapshot id is for whoever checks a figure, not for the room: it sits in the scope line's
    tooltip (and in every export's subtitle)."""
    t = common()
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)
    info = data.snapshot()
    if info is not None and info.is_demo:
        st.warning(t["demo_banner"], icon="⚠️")
    if scope:
        unconfirmed = f" · **{t['unconfirmed_mark']}**" if data.unconfirmed_settings() else ""
        st.caption(f"{t['scope']}:{scope}{unconfirmed}", help=f"{t['snapshot']} {info.id if info else '-'}")


def cards(items: Sequence[Card], per_row: int = 4) -> None:
    for start in range(0, len(items), per_row):
        cols = st.columns(per_row)
        for col, card in zip(cols, items[start:start + per_row]):
            col.metric(card.label, card.value, card.delta, help=card.help, border=True,
                       delta_color=card.delta_color,
                       delta_arrow="off" if card.delta_color == "off" else "auto")  # "off": a note, not a change


def num(value: float | None, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f} {unit}".strip()


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def with_unit(value: str, unit: str) -> str:
    """A big number with its unit in smaller type (a metric's value is markdown)."""
    return f"{value} :small[{unit}]" if value != "—" and unit else value
