"""防返贫监测: monitoring objects by category, what moved this year, the households the model
expects to fall back next year that are not yet monitored, where they live, and risk types."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.data.contract import MONITORING_CATEGORIES
from analytics.reports import figures
from analytics.reports.palette import RISK_COLOURS
from analytics.risk import overview as risk_overview
from analytics.risk.features import RiskDataError
from ui import (
    charts,
    data,
    filters,
    layout,
    maps,
    risk,
    scope,
)
from ui.text import pick, value
from ui.texts.monitoring import TEXT


@st.cache_data(show_spinner=False, max_entries=32)
def _identified_by_risk_type(scope_key: tuple):
    """Counted once per scope: it reads every year's monitoring records."""
    return risk_overview.identified_by_risk_type(
        scope.households(columns=[*risk_overview.KPI_COLUMNS, "risk_types"], where=risk_overview.monitored_filter()))


t = pick(TEXT)
f = filters.current()
villages = data.table("villages")
cutoff = settings.number("risk.high_risk_probability")
layout.header(t["title"], scope.label())
try:
    _, meta, notice = risk.trained()
except RiskDataError as exc:
    st.error(t["cannot_train"].format(error=exc))
    st.stop()
if notice:
    st.info(t["model_notice"].format(notice=notice))
st.caption(t["lead"].format(next=f.year + 1))

codes = scope.village_codes()
scored = risk.high_risk(f.year, cutoff)
k = risk.kpis(f.year, cutoff)
layout.cards([
    layout.Card(t["category"].format(category=value(c)), layout.num(k.monitored_by_category[c]),
                t["people"].format(n=k.people_by_category[c]), delta_color="off",
                help=t["category_help"].format(year=f.year, unresolved=k.unresolved))
    for c in MONITORING_CATEGORIES
] + [
    layout.Card(t["eliminated"], layout.num(k.eliminated_this_year), t["people"].format(n=k.eliminated_this_year_people),
                delta_color="off", help=t["eliminated_help"].format(year=f.year)),
    layout.Card(t["newly"], layout.num(k.newly_identified), t["people"].format(n=k.newly_identified_people),
                delta_color="off", help=t["newly_help"].format(year=f.year)),
    layout.Card(t["high_risk"], layout.num(k.high_risk_unmonitored),
                help=t["high_risk_help"].format(next=f.year + 1, cutoff=cutoff, share=layout.pct(k.high_risk_share))),
], per_row=3)

st.subheader(t["map_title"])
vy = scope.village_year()
per_village = vy[vy["year"] == f.year].set_index("village_code")["households"]
shares = risk_overview.village_high_risk_share(scored, per_village, cutoff)
if data.has("boundaries"):
    shapes = data.shapes()
    shapes = shapes[shapes["village_code"].isin(codes)] if f.township else shapes
    names = villages.set_index("village_code")["village_name"]
    maps.show(maps.choropleth(shapes, shares, names, title=t["map_metric"], unit="%", fmt=",.1f", highlight=f.village))
else:
    data.missing("boundaries")

st.subheader(t["types_title"])
st.caption(t["identified_caption"])
colours = {value(k): c for k, c in RISK_COLOURS.items()}  # one colour per risk type, in either language
left, right = st.columns(2)
with left:
    trend = _identified_by_risk_type(scope.key()).rename(columns=value)
    fig = figures.stacked_by_year(trend, colours)
    fig.update_layout(legend={"y": -0.25})
    charts.show(fig, height=400, title=t["identified_trend"])
with right:
    predicted = risk_overview.predicted_by_risk_type(scored, cutoff)
    if predicted.empty:
        st.info(t["no_high_risk"].format(cutoff=cutoff))
    else:
        charts.show(figures.counts_by_type(predicted.rename(index=value), colours), height=400,
                    title=t["predicted_types"].format(cutoff=cutoff))
