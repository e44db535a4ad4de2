"""资金推演's 回头看 section: the effects predicted for the latest checkable year against what its
data showed (analytics.planning.lookback), computed once per snapshot and scope."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.data.store import Store
from analytics.planning import lookback
from analytics.planning import plan as planning
from ui import data, planner, tables
from ui.text import pick
from ui.texts.allocation_funds import TEXT


@st.cache_resource(show_spinner="正在回头看上一年度的预测……", max_entries=4)
def _fitted(root: str, snapshot_id: str, scope: str) -> lookback.LookBack | str:
    """The look-back, or the Chinese reason there is none (too little history)."""
    tables_ = planning.snapshot_tables(Store(root), snapshot_id)
    try:
        context = planning.build_context(tables_)
        year = lookback.look_back_year(tables_)
        saved = lookback.saved_plan(Store(root), year, scope)
        return lookback.LookBack.from_settings().fit(tables_, context.score_points.get("overall"), saved=saved)
    except ValueError as exc:
        return str(exc)


def _span(estimate: float, low: float, high: float) -> str:
    return f"{estimate:+.2f}({low:+.2f} ~ {high:+.2f})"


def show() -> None:
    """The section: one sentence per category, then the figures behind them."""
    t = pick(TEXT)
    st.subheader(t["lookback_title"])
    found = _fitted(str(data.store().root), data.snapshot().id, planner.scope_key())
    if isinstance(found, str):
        st.info(t["lookback_none"].format(error=found))
        return
    source = "" if found.source_ == "refit" else t["lookback_saved"].format(name=found.source_)
    st.caption(t["lookback_caption"].format(year=found.year_, next=found.year_ + 1, source=source,
                                            level=found.level_))
    st.markdown("\n".join(f"- {sentence}" for sentence in found.sentences()))
    rows = found.headline_table()
    frame = pd.DataFrame({
        "category": rows["category"], "outcome": rows["label"] + "(" + rows["unit"] + ")",
        "predicted": [_span(*v) for v in rows[["predicted_funds", "pred_low_funds", "pred_high_funds"]].to_numpy()],
        "observed": [_span(*v) for v in rows[["observed_funds", "obs_low_funds", "obs_high_funds"]].to_numpy()],
        "held": rows["held"].map({True: t["yes"], False: t["no"]}),
    })
    tables.show(frame, {k: t[k] for k in ("category", "outcome", "predicted", "observed", "held")})
