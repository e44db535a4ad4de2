"""易地搬迁后续扶持: employment of relocated labour per resettlement site, relocated households
with labour but nobody employed (aim: zero), and how their income moves."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.views import relocation
from ui import auth, charts, data, exports, filters, layout, scope, tables
from ui.text import pick

TEXT = {
    "zh": {
        "title": "易地搬迁后续扶持",
        "lead": "稳得住、有就业、逐步能致富:按安置点看搬迁劳动力就业与收入。",
        "households": "搬迁户(户)",
        "with_labour": "有劳动力户(户)",
        "employed_share": "有劳动力户就业率",
        "jobless": "有劳动力无人就业户(户)",
        "jobless_help": "有劳动力、全户务工不足 {months:g} 个月的搬迁户;政策目标为 0",
        "income": "搬迁户人均纯收入(元)",
        "vs_all": "全体农户 {value}",
        "none": "当前范围内没有易地搬迁户。",
        "sites_title": "分安置点就业情况",
        "sites_chart": "有劳动力无人就业户(户,目标为 0)与就业率",
        "site_label": "{n} 户 · {share:.1f}%",
        "unit_households": "户",
        "employed_series": "就业率(%)",
        "jobless_series": "无人就业户(户)",
        "trend_title": "收入趋势(元/人)",
        "relocated_income": "搬迁户",
        "all_income": "全部农户",
        "line": "监测收入标准",
        "employment_trend": "就业率(%)与无人就业户(户)",
        "list_title": "有劳动力但无人就业的搬迁户",
        "list_caption": "共 {n:,} 户,按务工月数从少到多排列。个人信息已脱敏。",
        "zero": "目标已实现:有劳动力的搬迁户都有人就业。",
        "is_relocation_site": "是否安置点",
        "people": "人口(人)",
        "labour": "劳动力(人)",
        "employed": "有人就业户(户)",
        "months_per_labourer": "劳动力人均务工(月)",
        "income_per_person": "人均纯收入(元)",
        "export_sites": "易地搬迁安置点就业情况",
        "export_list": "有劳动力无人就业搬迁户名单",
    },
    "en": {
        "title": "Follow-up support for relocated households",
        "lead": "Settled, employed, gradually better off: employment and income of relocated labour by site.",
        "households": "Relocated households",
        "with_labour": "With labour",
        "employed_share": "Employed share (with labour)",
        "jobless": "With labour, nobody employed",
        "jobless_help": "Relocated households with labour and under {months:g} months of work in total; aim: 0",
        "income": "Income per head, relocated (yuan)",
        "vs_all": "all: {value}",
        "none": "No relocated households in this scope.",
        "sites_title": "Employment by resettlement site",
        "sites_chart": "Households with labour and nobody employed (aim: 0), and employed share",
        "site_label": "{n} · {share:.1f}%",
        "unit_households": "households",
        "employed_series": "Employed share (%)",
        "jobless_series": "Nobody employed (households)",
        "trend_title": "Income (yuan per person)",
        "relocated_income": "Relocated",
        "all_income": "All households",
        "line": "Monitoring line",
        "employment_trend": "Employed share (%) and households with nobody employed",
        "list_title": "Relocated households with labour but nobody employed",
        "list_caption": "{n:,} households, fewest work months first. Personal data masked.",
        "zero": "Aim reached: every relocated household with labour has someone employed.",
        "is_relocation_site": "Designated site",
        "people": "People",
        "labour": "Labourers",
        "employed": "Someone employed",
        "months_per_labourer": "Work months per labourer",
        "income_per_person": "Income per head (yuan)",
    },
}

t = pick(TEXT)
zh = TEXT["zh"]  # exports always carry Chinese titles and headers
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
min_months = settings.integer("relocation.employed_min_months")
households = scope.households(columns=list(relocation.COLUMNS), where=(("relocated", "==", True),))

layout.header(t["title"], scope.label())
st.caption(t["lead"])
sites = relocation.sites(households, villages, townships, f.year, min_months)
if sites.empty:
    st.info(t["none"])
    st.stop()

total = relocation.totals(sites)
trend = relocation.income_trend(households, scope.village_year(), data.table("monitoring_lines"),
                                min_months).set_index("year")
all_income = trend["all_income"].get(f.year)
layout.cards([
    layout.Card(t["households"], layout.num(total["households"])),
    layout.Card(t["with_labour"], layout.num(total["with_labour"])),
    layout.Card(t["employed_share"], layout.pct(total["employed_share"] / 100 if total["employed_share"] is not None else None)),
    layout.Card(t["jobless"], layout.num(total["jobless"]), help=t["jobless_help"].format(months=min_months)),
    layout.Card(t["income"], layout.num(total["income_per_person"]),
                t["vs_all"].format(value=layout.num(all_income)) if all_income is not None else None,
                delta_color="off"),
], per_row=5)

st.subheader(t["sites_title"])
site_names = sites["village_name"].where(sites["is_relocation_site"].fillna(False).astype(bool),
                                         sites["village_name"] + "*")
labels = [t["site_label"].format(n=n, share=share) for n, share in zip(sites["jobless"], sites["employed_share"])]
fig = go.Figure(go.Bar(x=site_names, y=sites["jobless"], text=labels, textposition="outside", cliponaxis=False))
fig.update_yaxes(rangemode="tozero", title=t["unit_households"])
charts.show(fig, height=330, title=t["sites_chart"])
site_labels = {k: t[k] for k in ("is_relocation_site", "people", "labour", "employed", "months_per_labourer",
                                 "income_per_person")}
site_labels.update({"households": t["households"], "with_labour": t["with_labour"], "jobless": t["jobless"],
                    "employed_share": t["employed_series"]})
tables.show(sites, site_labels, formats={"employed_share": "%.1f", "months_per_labourer": "%.1f",
                                             "income_per_person": "%,.0f"})
exports.download(sites, zh["export_sites"], scope.label(), key="relocation_sites_xlsx",
                 headers={**{k: zh[k] for k in ("is_relocation_site", "people", "labour", "employed",
                                                "months_per_labourer", "income_per_person")},
                          "households": zh["households"], "with_labour": zh["with_labour"],
                          "jobless": zh["jobless"], "employed_share": zh["employed_series"]})

left, right = st.columns(2)
years = trend.index
with left:
    fig = go.Figure([
        go.Scatter(x=years, y=trend["relocated_income"], name=t["relocated_income"], mode="lines+markers"),
        go.Scatter(x=years, y=trend["all_income"], name=t["all_income"], mode="lines+markers"),
        go.Scatter(x=years, y=trend["line"], name=t["line"], mode="lines", line={"dash": "dash"}),
    ])
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")
    charts.show(fig, height=300, title=t["trend_title"])
with right:
    fig = go.Figure([
        go.Bar(x=years, y=trend["jobless"], name=t["jobless_series"]),
        go.Scatter(x=years, y=trend["employed_share"], name=t["employed_series"], mode="lines+markers", yaxis="y2"),
    ])
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "dtick": 25, "showgrid": False})
    fig.update_xaxes(dtick=1)
    charts.show(fig, height=300, title=t["employment_trend"])

st.subheader(t["list_title"])
jobless = relocation.jobless(households, villages, townships, f.year, min_months)
if jobless.empty:
    st.success(t["zero"])
else:
    st.caption(t["list_caption"].format(n=len(jobless)))
    tables.show(jobless, height=360)
    auth.audit_view(t["list_title"], len(jobless), scope.label())
    exports.download(jobless, zh["export_list"], scope.label(), key="relocation_list_xlsx")
