"""资金项目: the project pool by status and category, disbursement progress, the industry share
against the rule, assets formed, and the projects an inspector should look at first."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.data.contract import PROJECT_STATUSES
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
from ui.text import pick

TEXT = {
    "zh": {
        "title": "资金项目",
        "count": "项目(个)",
        "funds": "投入资金(万元)",
        "paid": "已支付(万元)",
        "paid_share": "支付进度 {share}",
        "industry": "产业发展资金占比",
        "rule": "规定≥{rule}",
        "assets": "形成资产(万元)",
        "assets_help": "当年已完工项目中经营性资产与公益性资产的投入资金",
        "flagged": "需关注项目(个)",
        "flagged_help": "支付进度落后于进度要求,或资金超出所在村常规规模",
        "library_title": "项目库",
        "library_years": "各年度项目资金(万元,按状态)",
        "library_table": "{year} 年项目库(万元)",
        "reserve": "储备项目:{n:,} 个,{funds} 万元(下一年度)",
        "category": "项目类别",
        "total": "合计",
        "progress_title": "支付进度",
        "progress_chart": "分{level}支付进度(%)",
        "town": "乡镇",
        "village": "村",
        "progress_projects": "{year} 年项目支付进度(实施中与已完工,按支付进度从低到高)",
        "paid_share_col": "支付进度(%)",
        "industry_title": "产业发展资金占比",
        "industry_chart": "各年度产业发展资金占比(%)与规定下限",
        "share_series": "产业发展占比",
        "rule_series": "规定下限",
        "assets_title": "形成资产",
        "assets_chart": "已完工项目形成的资产(万元)",
        "flags_title": "监督检查:需关注的项目",
        "as_of": "进度截至",
        "month": "{year} 年 {month} 月末",
        "flags_caption": ("共 {n:,} 个;“进度滞后”= 实施中项目的支付进度低于截至月份的进度要求({expected});"
                          "“超出本村常规规模”= 资金超过所在村其他年份年度资金中位数的 {ratio:g} 倍。按涉及金额从大到小排列。"),
        "no_flags": "当前范围内没有需关注的项目。",
        "flag": "关注原因",
        "expected_share": "应支付进度(%)",
        "gap": "落后(百分点)",
        "shortfall_wan": "应付未付(万元)",
        "usual_wan": "本村常规年度资金(万元)",
        "scale_ratio": "倍数",
        "excess_wan": "超出部分(万元)",
        "export_library": "项目库",
        "export_progress": "项目支付进度",
        "export_flags": "需关注项目",
        "no_projects": "当前范围内没有项目。",
    },
    "en": {
        "title": "Funds and projects",
        "count": "Projects",
        "funds": "Funds (10k yuan)",
        "paid": "Paid (10k yuan)",
        "paid_share": "{share} paid",
        "industry": "Industry share of funds",
        "rule": "rule ≥{rule}",
        "assets": "Assets formed (10k yuan)",
        "assets_help": "Funds of projects completed this year that formed productive or public assets",
        "flagged": "Projects to check",
        "flagged_help": "Paid share behind the schedule, or funds beyond the village's usual scale",
        "library_title": "Project pool",
        "library_years": "Funds per year by status (10k yuan)",
        "library_table": "Project pool {year} (10k yuan)",
        "reserve": "Reserve projects: {n:,}, {funds} (10k yuan), next year",
        "category": "Category",
        "total": "Total",
        "progress_title": "Disbursement",
        "progress_chart": "Paid share by {level} (%)",
        "town": "township",
        "village": "village",
        "progress_projects": "Projects of {year} (under way and completed, least paid first)",
        "paid_share_col": "Paid (%)",
        "industry_title": "Industry share",
        "industry_chart": "Industry share of funds per year (%) and the minimum",
        "share_series": "Industry share",
        "rule_series": "Minimum",
        "assets_title": "Assets formed",
        "assets_chart": "Assets formed by completed projects (10k yuan)",
        "flags_title": "Inspection: projects to check",
        "as_of": "Progress as of",
        "month": "end of {month}/{year}",
        "flags_caption": ("{n:,} projects. Behind schedule = under way and paid less than the schedule expects "
                          "by then ({expected}); beyond usual scale = funds above {ratio:g} x the median yearly "
                          "funds of its village in other years. Largest amount at stake first."),
        "no_flags": "No project in this scope needs checking.",
        "flag": "Reason",
        "expected_share": "Expected paid (%)",
        "gap": "Behind (points)",
        "shortfall_wan": "Unpaid vs schedule (10k yuan)",
        "usual_wan": "Usual yearly funds (10k yuan)",
        "scale_ratio": "Times usual",
        "excess_wan": "Above usual (10k yuan)",
        "no_projects": "No projects in this scope.",
    },
}

t = pick(TEXT)
zh = TEXT["zh"]  # exports always carry Chinese titles and headers
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
rule = settings.number("funds.industry_min_share")
schedule = list(settings.numbers("funds.disbursement_schedule"))
scale_ratio = settings.number("funds.scale_flag_ratio")

layout.header(t["title"], scope.label())
pool = projects.with_places(scope.projects(), villages, townships)
if pool.empty:
    st.info(t["no_projects"])
    st.stop()
year = pool[pool["year"] == f.year]
info = data.snapshot()
created = (int(info.created_at[:4]), int(info.created_at[5:7]))
as_of_month = st.session_state.get("projects_as_of") or (created[1] if created[0] == f.year else 12)
flagged = projects.flags(year, (f.year, as_of_month), schedule, scale_ratio, history=pool)
shares = projects.industry_share(pool, rule).set_index("year")
assets = projects.assets(pool)
formed = assets[assets["year"] == f.year]
funds, paid = float(year["funds_wan"].sum()), float(year["disbursed_wan"].sum())
share = shares["share"].get(f.year)
layout.cards([
    layout.Card(t["count"], layout.num(len(year))),
    layout.Card(t["funds"], layout.num(funds, digits=1)),
    layout.Card(t["paid"], layout.num(paid, digits=1),
                t["paid_share"].format(share=layout.pct(paid / funds if funds else None)), delta_color="off"),
    layout.Card(t["industry"], layout.pct(share), t["rule"].format(rule=layout.pct(rule, 0)),
                delta_color="normal" if (share or 0) >= rule else "inverse"),
    layout.Card(t["assets"], layout.num(float(formed["funds_wan"].sum()), digits=1), help=t["assets_help"]),
    layout.Card(t["flagged"], layout.num(len(flagged)), help=t["flagged_help"]),
], per_row=3)

st.subheader(t["library_title"])
left, right = st.columns(2)
with left:
    by_year = pool.pivot_table(index="year", columns="status", values="funds_wan", aggfunc="sum").reindex(
        columns=list(PROJECT_STATUSES)).fillna(0)
    fig = go.Figure([go.Bar(x=by_year.index, y=by_year[s], name=s) for s in PROJECT_STATUSES])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=1)
    charts.show(fig, height=320, title=t["library_years"])
    reserve = pool[pool["status"] == "储备"]
    if not reserve.empty:
        st.caption(t["reserve"].format(n=len(reserve), funds=layout.num(float(reserve["funds_wan"].sum()), digits=1)))
with right:
    library = projects.library(year).reset_index()
    st.markdown(f"**{t['library_table'].format(year=f.year)}**")
    labels = {"category": t["category"], "合计": t["total"]}
    tables.show(library, labels, formats={s: "%.1f" for s in [*PROJECT_STATUSES, "合计"]})
    exports.download(library, zh["export_library"], scope.label(),
                     key="projects_library_xlsx", headers={"category": zh["category"]})

st.subheader(t["progress_title"])
level = "village_name" if f.township else "township_name"
by_place = projects.progress(year, level)
left, right = st.columns([2, 3])
with left:
    top = by_place.head(15).iloc[::-1]
    names = top[level]
    fig = go.Figure(go.Bar(y=names, x=top["paid_share"], orientation="h", text=top["paid_share"].round(1),
                           textposition="outside"))
    fig.update_xaxes(range=[0, 110])
    charts.show(fig, height=max(280, 24 * len(top) + 80),
                title=t["progress_chart"].format(level=t["village"] if f.township else t["town"]))
with right:
    st.markdown(f"**{t['progress_projects'].format(year=f.year)}**")
    active = year[year["status"] != "储备"].sort_values("paid_share")
    shown = active[["project_id", "township_name", "village_name", "project_name", "category", "status",
                    "funds_wan", "disbursed_wan", "paid_share", "village_code"]]
    tables.show(shown, {"paid_share": t["paid_share_col"]}, height=360, formats={"paid_share": "%.1f"})
    exports.download(shown, zh["export_progress"], scope.label(), key="projects_progress_xlsx",
                     headers={"paid_share": zh["paid_share_col"]})

left, right = st.columns(2)
with left:
    st.subheader(t["industry_title"])
    fig = go.Figure([
        go.Bar(x=shares.index, y=shares["share"] * 100, name=t["share_series"],
               marker_color=[charts.COLOURS[2] if ok else charts.COLOURS[0] for ok in shares["meets_rule"]],
               text=(shares["share"] * 100).round(1), textposition="outside"),
        go.Scatter(x=shares.index, y=[rule * 100] * len(shares), name=t["rule_series"], mode="lines",
                   line={"dash": "dash", "color": "#333"}),
    ])
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(range=[0, 100])
    charts.show(fig, height=320, title=t["industry_chart"])
with right:
    st.subheader(t["assets_title"])
    classes = [c for c in dict.fromkeys(projects.ASSET_CLASSES.values()) if c != projects.NO_ASSET]
    fig = go.Figure([go.Bar(x=assets.loc[assets["asset_class"] == c, "year"],
                            y=assets.loc[assets["asset_class"] == c, "funds_wan"], name=c) for c in classes])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=1)
    charts.show(fig, height=320, title=t["assets_chart"])

st.subheader(t["flags_title"])
st.select_slider(t["as_of"], options=list(range(1, 13)), value=as_of_month, key="projects_as_of",
                 format_func=lambda m: t["month"].format(year=f.year, month=m))
if flagged.empty:
    st.success(t["no_flags"])
else:
    st.caption(t["flags_caption"].format(n=len(flagged), expected=layout.pct(schedule[as_of_month - 1], 0),
                                         ratio=scale_ratio))
    columns = ["flag", "project_id", "township_name", "village_name", "project_name", "category", "status",
               "funds_wan", "disbursed_wan", "expected_share", "gap", "shortfall_wan", "usual_wan", "scale_ratio",
               "excess_wan", "village_code"]
    flag_labels = {c: t[c] for c in ("flag", "expected_share", "gap", "shortfall_wan", "usual_wan", "scale_ratio",
                                     "excess_wan")}
    tables.show(flagged[columns], flag_labels, height=380)
    exports.download(flagged[columns], zh["export_flags"], scope.label(), key="projects_flags_xlsx",
                     headers={c: zh[c] for c in flag_labels})
