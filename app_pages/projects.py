"""资金项目: the project pool by status and category, disbursement progress, the industry share
against the rule, assets formed, and the projects an inspector should look at first."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.data.contract import PROJECT_STATUSES
from analytics.data.funds import IndustryRule
from analytics.reports import figures
from analytics.reports.palette import COLOURS, GREY
from analytics.views import projects
from ui import (
    charts,
    data,
    exports,
    filters,
    layout,
    scope,
    tables,
)
from ui.text import pick, value
from ui.texts.projects import EXPORT, TEXT

t = pick(TEXT)
zh = TEXT["zh"]  # exports always carry Chinese titles and headers
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
rule = IndustryRule.from_settings()
schedule = list(settings.numbers("funds.disbursement_schedule"))
scale_ratio = settings.number("funds.scale_flag_ratio")
severity = projects.Severity.from_settings()
SCHEDULE_COLOURS = {projects.ON_SCHEDULE: COLOURS[2], projects.NEAR_SCHEDULE: COLOURS[3],
                    projects.BEHIND_SCHEDULE: COLOURS[0]}

layout.header(t["title"], scope.label())
pool = projects.with_places(scope.projects(), villages, townships)
if pool.empty:
    st.info(t["no_projects"])
    st.stop()
year = pool[pool["year"] == f.year]
info = data.snapshot()
created = (int(info.created_at[:4]), int(info.created_at[5:7]))
as_of_month = st.session_state.get("projects_as_of") or (created[1] if created[0] == f.year else 12)
flagged = projects.flags(year, (f.year, as_of_month), schedule, scale_ratio, severity, history=pool)
expected = projects.expected_share(f.year, (f.year, as_of_month), schedule) * 100
shares = projects.industry_share(pool, rule)
assets = projects.assets(pool)
formed = assets[assets["year"] == f.year]
funds, paid = float(year["funds_wan"].sum()), float(year["disbursed_wan"].sum())
share = shares.set_index("year")["share"].get(f.year)
layout.cards([
    layout.Card(t["count"], layout.num(len(year))),
    layout.Card(t["funds"], layout.num(funds, digits=1)),
    layout.Card(t["paid"], layout.num(paid, digits=1),
                t["paid_share"].format(share=layout.pct(paid / funds if funds else None)), delta_color="off"),
    layout.Card(t["industry"], layout.pct(share),
                t["rule"].format(rule=layout.pct(rule.minimum, 0), target=layout.pct(rule.target, 0)),
                delta_color="normal" if (share or 0) >= rule.minimum else "inverse", help=rule.describe()),
    layout.Card(t["assets"], layout.num(float(formed["funds_wan"].sum()), digits=1), help=t["assets_help"]),
    layout.Card(t["flagged"], layout.num(len(flagged)),
                t["serious"].format(n=int((flagged["severity"] == projects.SEVERITIES[0]).sum())),
                delta_color="off", help=t["flagged_help"].format(lag=severity.lag_points[0])),
], per_row=3)

st.subheader(t["library_title"])
left, right = st.columns(2)
with left:
    charts.show(figures.stacked_by_year(projects.funds_by_status(pool).rename(columns=value), scale=figures.WAN), height=320,
                title=t["library_years"])
    reserve = pool[pool["status"] == "储备"]
    if not reserve.empty:
        st.caption(t["reserve"].format(n=len(reserve), funds=layout.num(float(reserve["funds_wan"].sum()), digits=1)))
with right:
    library = projects.library(year).reset_index()
    st.markdown(f"**{t['library_table'].format(year=f.year)}**")
    labels = {"category": t["category"], "合计": t["total"]} | {s: value(s) for s in PROJECT_STATUSES}
    tables.show(library.assign(category=library["category"].map(value)), labels,
                formats={s: "%.1f" for s in [*PROJECT_STATUSES, "合计"]})
    exports.download(library, EXPORT["export_library"], scope.label(),
                     key="projects_library_xlsx", headers={"category": zh["category"]})

st.subheader(t["progress_title"])
level = "village_name" if f.township else "township_name"
by_place = projects.progress(year, level)
left, right = st.columns([2, 3])
with left:
    top = by_place.head(15)
    bars = figures.paid_share_bars(top, level)
    status = projects.schedule_status(top, expected, severity.lag_points[0]).iloc[::-1]
    bars.update_traces(marker_color=status.map(SCHEDULE_COLOURS).to_list(),
                       hovertext=status.map(value).to_list())
    bars.add_vline(x=expected, line_dash="dash", line_color=GREY)
    charts.show(bars, height=max(280, 24 * len(top) + 80),
                title=t["progress_chart"].format(level=t["village"] if f.township else t["town"]))
    st.caption(t["schedule_caption"].format(lag=severity.lag_points[0], month=as_of_month,
                                            expected=layout.pct(expected / 100, 0)))
with right:
    st.markdown(f"**{t['progress_projects'].format(year=f.year)}**")
    active = year[year["status"] != "储备"].sort_values("paid_share")
    shown = active[["project_id", "township_name", "village_name", "project_name", "category", "status",
                    "funds_wan", "disbursed_wan", "paid_share", "village_code"]]
    tables.show(shown, {"paid_share": t["paid_share_col"]}, formats={"paid_share": "%.1f"})
    exports.download(shown, EXPORT["export_progress"], scope.label(), key="projects_progress_xlsx",
                     headers={"paid_share": zh["paid_share_col"]})

left, right = st.columns(2)
with left:
    st.subheader(t["industry_title"])
    charts.show(figures.industry_share(shares, rule, {"share": t["share_series"], "rule": t["rule_series"],
                                                      "target": t["target_series"]}),
                height=320, title=t["industry_chart"])
    st.caption(rule.describe())
with right:
    st.subheader(t["assets_title"])
    charts.show(figures.stacked_by_year(projects.assets_by_class(assets).rename(columns=value), scale=figures.WAN), height=320,
                title=t["assets_chart"])

st.subheader(t["flags_title"])
st.select_slider(t["as_of"], options=list(range(1, 13)), value=as_of_month, key="projects_as_of",
                 format_func={m: t["month"].format(year=f.year, month=m) for m in range(1, 13)}.get)
if flagged.empty:
    st.success(t["no_flags"])
else:
    st.caption(t["flags_caption"].format(n=len(flagged), expected=layout.pct(expected / 100, 0),
                                         lag="/".join(f"{p:g}" for p in severity.lag_points), ratio=scale_ratio,
                                         scale="/".join(f"{r:g}" for r in severity.scale_ratios)))
    columns = ["severity", "flag", "project_id", "township_name", "village_name", "project_name", "category", "status",
               "funds_wan", "disbursed_wan", "expected_share", "gap", "shortfall_wan", "usual_wan", "scale_ratio",
               "excess_wan", "village_code"]
    flag_labels = {c: t[c] for c in ("severity", "flag", "expected_share", "gap", "shortfall_wan", "usual_wan", "scale_ratio",
                                     "excess_wan")}
    shown_flags = flagged[columns].assign(severity=flagged["severity"].map(value),
                                          flag=flagged["flag"].map(lambda s: t["and"].join(map(value, s.split("、")))))
    tables.show(shown_flags, flag_labels)
    exports.download(flagged[columns], EXPORT["export_flags"], scope.label(), key="projects_flags_xlsx",
                     headers={c: zh[c] for c in flag_labels})
