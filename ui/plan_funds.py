"""资金推演's fund sources, county-level reserves, category bounds in 万元 and the per-village
change limit: their inputs (inside the page's form, kept in session state) and the plan's
lines by source. analytics.planning.sources holds the rules; this only lays them out."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.planning import plan as planning
from analytics.planning import sources
from analytics.planning.allocation import Constraints, Context
from analytics.views import allocation
from ui import layout, tables
from ui.text import pick, value
from ui.texts.allocation_funds import TEXT

_FRAMES = "alloc_fund_frames"  # the edited tables, as last drawn


def _defaults(context: Context) -> dict[str, pd.DataFrame]:
    counted = context.industry_sources[0]
    return {
        "sources": pd.DataFrame({"source": sources.known_sources(context), "budget": 0.0}),
        "reserves": pd.DataFrame([{"item": item, "category": category, "source": counted, "amount": 0.0}
                                  for item, category in sources.reserve_categories().items()]),
        "bounds": pd.DataFrame({"category": list(context.categories), "min": float("nan"), "max": float("nan")}),
    }


def _saved(context: Context, constraints: dict) -> dict[str, pd.DataFrame]:
    """The editors' tables holding a saved request's sources, reserves and 万元 bounds."""
    frames = _defaults(context)
    budgets = {str(k): float(v) for k, v in constraints.get("sources_wan", ())}
    frames["sources"]["budget"] = frames["sources"]["source"].map(budgets).fillna(0.0)
    reserves = {str(r[0]): (str(r[2]), float(r[3])) for r in constraints.get("reserves", ())}
    chosen = frames["reserves"]["item"].map(reserves)
    frames["reserves"]["source"] = [c[0] if isinstance(c, tuple) else s for c, s in zip(chosen, frames["reserves"]["source"])]
    frames["reserves"]["amount"] = [c[1] if isinstance(c, tuple) else 0.0 for c in chosen]
    for column, key in (("min", "category_min_wan"), ("max", "category_max_wan")):
        frames["bounds"][column] = frames["bounds"]["category"].map(
            {str(k): float(v) for k, v in constraints.get(key, ())}).astype(float)
    return frames


def load(context: Context, constraints: dict) -> None:
    """Put a saved request's sources, reserves, bounds and change limit into the editors (an
    on_click callback, before they are drawn)."""
    s = st.session_state
    s["alloc_funds_base"] = _saved(context, constraints)
    s["alloc_funds_version"] = s.get("alloc_funds_version", 0) + 1
    s["alloc_village_change"] = float(constraints.get("village_max_change") or 0.0) * 100


def inputs(context: Context) -> None:
    """The editors, drawn inside the page's form (tabs: expanders do not nest): what they hold
    applies when the form is submitted."""
    t = pick(TEXT)
    s = st.session_state
    s.setdefault("alloc_village_change", settings.number("allocation.village_max_change") * 100)
    base = s.get("alloc_funds_base") or _defaults(context)
    version = s.get("alloc_funds_version", 0)
    money = {"min_value": 0.0, "format": "%.1f"}
    known = sources.known_sources(context)
    tab_sources, tab_bounds = st.tabs([t["sources_title"], t["bounds_title"]])
    with tab_sources:
        st.caption(t["sources_caption"].format(counted="、".join(context.industry_sources),
                                               fee=settings.number("allocation.management_fee_max_share")))
        left, right = st.columns([2, 3])
        edited = {"sources": left.data_editor(
            base["sources"], key=f"alloc_sources_{version}", hide_index=True, width="stretch", disabled=["source"],
            column_config={"source": st.column_config.TextColumn(t["source"]),
                           "budget": st.column_config.NumberColumn(t["source_budget"], **money)})}
        edited["reserves"] = right.data_editor(
            base["reserves"], key=f"alloc_reserves_{version}", hide_index=True, width="stretch", disabled=["item", "category"],
            column_config={"item": st.column_config.TextColumn(t["reserve_item"]),
                           "category": st.column_config.TextColumn(t["reserve_category"]),
                           "source": st.column_config.SelectboxColumn(t["reserve_source"], options=known, required=True),
                           "amount": st.column_config.NumberColumn(t["reserve_amount"], **money)})
    with tab_bounds:
        left, right = st.columns([3, 2])
        edited["bounds"] = left.data_editor(
            base["bounds"], key=f"alloc_bounds_{version}", hide_index=True, width="stretch", disabled=["category"],
            column_config={"category": st.column_config.TextColumn(t["category"]),
                           "min": st.column_config.NumberColumn(t["min_wan"], **money),
                           "max": st.column_config.NumberColumn(t["max_wan"], **money)})
        right.number_input(t["village_change"], min_value=0.0, max_value=100.0, step=5.0, format="%.0f",
                           key="alloc_village_change", help=t["village_change_help"])
        right.caption(t["bounds_caption"])
    s[_FRAMES] = edited


def constraints(inputs_: dict, towns: pd.DataFrame) -> Constraints:
    """The page's rules with the sources, reserves, 万元 bounds and village change limit applied:
    the total is the sum of the sources when any is filled, and the villages share what the
    reserves leave (township bounds in % apply to that)."""
    frames = st.session_state.get(_FRAMES)
    change = float(st.session_state.get("alloc_village_change", 0.0)) / 100 or None
    if frames is None:
        return replace(allocation.constraints(inputs_, towns), village_max_change=change)
    funded = frames["sources"][frames["sources"]["budget"].fillna(0) > 0]
    total = float(funded["budget"].sum()) if len(funded) else float(inputs_["budget"])
    reserves = tuple((str(r.item), str(r.category), str(r.source), float(r.amount))
                     for r in frames["reserves"].itertuples() if pd.notna(r.amount) and r.amount > 0)
    village = total - sum(r[3] for r in reserves)
    rules = allocation.constraints({**inputs_, "budget": village}, towns)
    bounds = frames["bounds"]
    return replace(rules, village_max_change=change, reserves=reserves,
                   sources_wan=tuple((str(r.source), float(r.budget)) for r in funded.itertuples()),
                   category_min_wan=tuple((str(r.category), float(r.min)) for r in bounds.itertuples() if pd.notna(r.min)),
                   category_max_wan=tuple((str(r.category), float(r.max)) for r in bounds.itertuples() if pd.notna(r.max)))


def lines(result: planning.Plan, rule: float) -> None:
    """The plan's lines (each reserve, each category of the village split) by source."""
    plan = result.fund_plan
    if not plan:
        return
    t = pick(TEXT)
    st.markdown(f"**{t['lines_title']}**")
    names = [s["source"] for s in plan["sources"]]
    frame = pd.DataFrame([{"kind": t["kinds"].get(line["kind"], line["kind"]), "item": value(line["item"]),
                           "funds_wan": line["funds_wan"], **{n: line["by_source"].get(n, 0.0) for n in names}}
                          for line in plan["lines"]])
    st.caption(t["lines_caption"].format(counted="、".join(map(value, plan["industry_sources"])),
                                         share=layout.pct(plan["industry_share"]), rule=layout.pct(rule, 0),
                                         reserved=layout.num(plan["reserved_wan"], digits=1)))
    tables.show(frame, {"kind": t["kind"], "item": t["item"], "funds_wan": t["funds_wan"]} | {n: value(n) for n in names},
                formats={c: "%.1f" for c in ["funds_wan", *names]})
