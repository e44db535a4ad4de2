"""总览: the whole county (or the chosen township or village) at a glance."""

from __future__ import annotations

import streamlit as st

from analytics.data.contract import GUARANTEE_COLUMNS
from analytics.data.funds import IndustryRule
from analytics.reports import figures
from analytics.views import guarantees, overview
from ui import cards, charts, data, filters, layout, maps
from ui.text import pick
from ui.texts.overview import TEXT

t = pick(TEXT)
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
codes = f.village_codes(villages)
vy = data.table("village_year")
vy = vy[vy["village_code"].isin(codes)]
projects = overview.projects_in_scope(
    data.table("projects"), codes, [] if f.village else f.township_codes(townships))
rule = IndustryRule.from_settings()
k = overview.kpis(vy, projects, f.year, rule)

layout.header(t["title"], f.label(townships, villages))
layout.cards(cards.kpis(k, rule, t))

st.subheader(t["map_title"])
metric = st.segmented_control(
    t["map_metric"], list(overview.MAP_METRICS), default="monitored_unresolved_share",
    format_func=lambda m: overview.MAP_METRICS[m][0], key="overview_metric", label_visibility="collapsed",
) or "monitored_unresolved_share"
label, unit = overview.MAP_METRICS[metric]
values = overview.village_metric(vy, f.year, metric)
names = villages.set_index("village_code")["village_name"]
if data.has("boundaries"):
    shapes = data.shapes()
    shapes = shapes[shapes["village_code"].isin(codes)] if f.township else shapes
    maps.show(maps.choropleth(shapes, values, names, title=label, unit=unit,
                              fmt=",.1f" if unit == "%" else ",.0f", highlight=f.village,
                              reverse=metric in overview.HIGHER_IS_BETTER))
else:
    data.missing("boundaries")

trend = overview.trend(vy, data.table("monitoring_lines"))
st.subheader(t["trend_title"].format(last=int(trend["year"].max())))
left, right = st.columns(2)
series = {"poor_income": t["income_series"], "line": t["line"], "monitored_unresolved": t["unresolved"],
          "newly_identified": t["newly"], "eliminated": t["eliminated_count"]}
with left:
    charts.show(figures.income_vs_line(trend, series), height=300, title=t["income_line"])
with right:
    charts.show(figures.monitoring_trend(trend, series), height=300, title=t["monitor_trend"])

level = "village" if f.township else "township"
board = guarantees.bottom_line(vy, villages[villages["village_code"].isin(codes)], townships, f.year, level)
st.subheader(t["board_title"])
st.caption(t["board_caption"])
board_names = {**dict(zip(GUARANTEE_COLUMNS, t["gap_labels"].split("|"))), guarantees.ANY: t["board_any"]}
charts.show(figures.bottom_line_board(board, f"{level}_name", board_names), height=max(220, 30 * len(board) + 70))
