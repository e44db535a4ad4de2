"""总览: the whole county (or the chosen township or village) at a glance."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.views import overview
from ui import charts, data, filters, layout, maps
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
k = overview.kpis(vy, projects, f.year)
rule = settings.number("funds.industry_min_share")

layout.header(t["title"], f.label(townships, villages))
categories = ",".join(f"{c} {n:,}" for c, n in k.monitored_by_category.items())
layout.cards([
    layout.Card(t["households"], layout.num(k.households)),
    layout.Card(t["poor"], layout.num(k.poor_households)),
    layout.Card(t["monitored"], layout.num(k.monitored),
                help=t["monitored_help"].format(unresolved=k.monitored_unresolved, categories=categories)),
    layout.Card(t["eliminated"], layout.pct(k.eliminated_rate)),
    layout.Card(t["guarantee"], layout.num(k.guarantee_problem), help=t["guarantee_help"]),
    layout.Card(t["poor_income"], layout.num(k.poor_income),
                t["growth"].format(growth=layout.pct(k.poor_income_growth)) if k.poor_income_growth is not None else None),
    layout.Card(t["funds"], layout.num(k.funds_wan)),
    layout.Card(t["industry"], layout.pct(k.industry_share),
                t["industry_rule"].format(rule=layout.pct(rule, 0)),
                delta_color="normal" if (k.industry_share or 0) >= rule else "inverse"),
])

st.subheader(t["map_title"])
metric = st.segmented_control(
    t["map_metric"], list(overview.MAP_METRICS), default="monitored_unresolved_share",
    format_func=lambda m: overview.MAP_METRICS[m][0], key="overview_metric", label_visibility="collapsed",
) or "monitored_unresolved_share"
label, unit = overview.MAP_METRICS[metric]
values = overview.village_metric(vy, f.year, metric)
names = villages.set_index("village_code")["village_name"]
shapes = data.shapes()
shapes = shapes[shapes["village_code"].isin(codes)] if f.township else shapes
maps.show(maps.choropleth(shapes, values, names, title=label, unit=unit,
                          fmt=",.1f" if unit == "%" else ",.0f", highlight=f.village,
                          reverse=metric in ("poor_income", "eliminated_rate")))

trend = overview.trend(vy, data.table("monitoring_lines"))
st.subheader(t["trend_title"].format(last=int(trend["year"].max())))
left, right = st.columns(2)
with left:
    income = go.Figure([
        go.Scatter(x=trend["year"], y=trend["poor_income"], name=t["income_series"], mode="lines+markers"),
        go.Scatter(x=trend["year"], y=trend["line"], name=t["line"], mode="lines", line={"dash": "dash"}),
    ])
    income.update_yaxes(rangemode="tozero")
    income.update_xaxes(dtick=1)
    charts.show(income, height=300, title=t["income_line"])
with right:
    counts = go.Figure([
        go.Bar(x=trend["year"], y=trend["monitored_unresolved"], name=t["unresolved"]),
        go.Bar(x=trend["year"], y=trend["newly_identified"], name=t["newly"]),
        go.Bar(x=trend["year"], y=trend["eliminated"], name=t["eliminated_count"]),
    ])
    counts.update_xaxes(dtick=1)
    charts.show(counts, height=300, title=t["monitor_trend"])
