"""乡镇考核: townships ranked by configurable weights of five-dimension scores, risk elimination,
timely identification, fund execution and the industry share, with each township's breakdown."""

from __future__ import annotations

import streamlit as st

from analytics.reports import figures
from analytics.views import assessment
from ui import (
    charts,
    data,
    exports,
    filters,
    layout,
    ranking,
    tables,
)
from ui.text import pick
from ui.texts.assessment import EXPORT, TEXT

t = pick(TEXT)
zh = TEXT["zh"]
f = filters.current()
component_names = dict(zip(assessment.COMPONENTS, t["components"].split("|")))

layout.header(t["title"], t["scope"].format(county=data.county_name(), year=f.year))
st.caption(t["lead"])
defaults = ranking.default_weights()
with st.expander(t["weights"]):
    columns = st.columns(len(assessment.COMPONENTS))
    raw = {c: col.number_input(component_names[c], min_value=0.0, max_value=1.0, value=round(defaults[c], 3),
                               step=0.05, key=f"assessment_weight_{c}")
           for col, c in zip(columns, assessment.COMPONENTS)}
try:
    weight = assessment.weights(raw)
except assessment.AssessmentError as error:
    st.error(t["bad_weights"].format(error=error))
    st.stop()
st.caption(t["normalised"].format(weights=",".join(f"{component_names[c]} {w:.0%}" for c, w in weight.items())))

ranked = ranking.table(f.year, weight)
charts.show(figures.township_ranking(ranked, component_names), height=max(360, 30 * len(ranked) + 120),
            title=t["chart"].format(year=f.year))

st.subheader(t["table"])
columns = ["rank", "township_name", "total", *assessment.COMPONENTS, "incomplete", "mean_score", "monitored",
           "eliminated", "below_line", "covered", "funds_wan", "paid_wan", "industry_wan", "industry_share",
           "township_code"]
labels = {**component_names, **{c: t[c] for c in ("rank", "total", "incomplete", "mean_score", "monitored",
                                                    "eliminated", "below_line", "covered", "funds_wan", "paid_wan",
                                                    "industry_wan", "industry_share")}}
formats = {c: "%.1f" for c in ("total", *assessment.COMPONENTS, "mean_score", "funds_wan", "paid_wan", "industry_wan",
                               "industry_share")}
tables.show(ranked[columns], labels, formats=formats, height=min(620, 36 * len(ranked) + 40))
exports.download(ranked[columns], EXPORT["export"], zh["scope"].format(county=data.county_name(), year=f.year),
                 key="assessment_xlsx",
                 headers={**assessment.COMPONENTS, **{c: zh[c] for c in ("rank", "total", "incomplete", "mean_score",
                                                                         "monitored", "eliminated", "below_line",
                                                                         "covered", "funds_wan", "paid_wan",
                                                                         "industry_wan", "industry_share")}})

st.subheader(t["breakdown"])
names = dict(zip(ranked["township_code"], ranked["township_name"]))
chosen = f.township if f.township in names else ranked["township_code"].iloc[0]
town = st.selectbox(t["pick"], list(names), index=list(names).index(chosen), format_func=names.get,
                    key="assessment_town")
row = ranked.set_index("township_code").loc[town]
mean = ranked[list(assessment.COMPONENTS)].mean()
left, right = st.columns([3, 2])
with left:
    fig = figures.components_vs_mean([component_names[c] for c in assessment.COMPONENTS],
                                     [row[c] for c in assessment.COMPONENTS], list(mean.to_numpy()),
                                     {"town": t["town_series"], "mean": t["mean_series"]})
    charts.show(fig, height=340, title=t["vs_mean"].format(town=row["township_name"]))
with right:
    st.metric(t["total"], f"{row['total']:.1f}", f"{t['rank']} {int(row['rank'])} / {len(ranked)}", delta_color="off",
              delta_arrow="off")
    for c in assessment.COMPONENTS:
        value = "—" if row[c] != row[c] else f"{row[c]:.1f}"
        st.markdown("- " + t["points"].format(name=component_names[c], value=value, weight=f"{weight[c]:.0%}",
                                              points=f"{row[f'points_{c}']:.1f}"))
st.caption(t["notes"])
