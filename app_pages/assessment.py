"""乡镇考核: townships ranked by configurable weights of five-dimension scores, risk elimination,
timely identification, fund execution and the industry share, with each township's breakdown."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.data import checks
from analytics.reports import figures
from analytics.views import assessment
from ui import (
    auth,
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
from ui.texts.checks import TEXT as CHECKS_TEXT

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
MEASURES = ("rank", "total", "incomplete", "mean_score", "monitored", "base", "eliminated", "genuine", "flagged",
            "elimination_rate", "deduction", "below_line", "covered", "funds_wan", "paid_wan", "industry_base_wan",
            "industry_wan", "industry_share")
columns = ["rank", "township_name", "total", *assessment.COMPONENTS, *MEASURES[2:], "township_code"]
labels = {**component_names, **{c: t[c] for c in MEASURES}}
formats = {c: "%.1f" for c in ("total", *assessment.COMPONENTS, "mean_score", "elimination_rate", "deduction",
                               "funds_wan", "paid_wan", "industry_base_wan", "industry_wan", "industry_share")}
tables.show(ranked[columns], labels, formats=formats)
exports.download(ranked[columns], EXPORT["export"], zh["scope"].format(county=data.county_name(), year=f.year),
                 key="assessment_xlsx", headers={**assessment.COMPONENTS, **{c: zh[c] for c in MEASURES}})

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

st.markdown(f"**{t['deductions_title']}**")
deduction = settings.number("assessment.flag_deduction")
st.caption(t["deductions_caption"].format(points=deduction))
rules = dict(zip([r.id for r in checks.RULES], pick(CHECKS_TEXT)["labels"].split("|"))) | {"total": t["total_row"]}
table = assessment.deductions(row, deduction)
table["label"] = table["rule"].map(rules)
tables.show(table.drop(columns="rule"), {"label": t["rule"], "households": t["households"],
                                          "points": t["deduction_points"]}, formats={"points": "%.1f"})
flagged = ranking.flagged_eliminations(f.year, town)
if flagged.empty:
    st.success(t["no_flags"])
else:
    st.markdown(f"**{t['flagged_title']}**")
    st.caption(t["flagged_caption"].format(n=len(flagged)))
    tables.show(flagged, {"flags": t["rule"]})
    auth.audit_view(EXPORT["export_flagged"], len(flagged), row["township_name"])
    exports.download(flagged, EXPORT["export_flagged"], f"{row['township_name']} · {f.year}年度",
                     key="assessment_flagged_xlsx", headers={"flags": zh["rule"]})
st.page_link("app_pages/checks.py", label=t["checks_link"], icon=":material/fact_check:")
st.caption(t["notes"])
