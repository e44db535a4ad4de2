"""乡镇考核: townships ranked by configurable weights of five-dimension scores, risk elimination,
timely identification, fund execution and the industry share, with each township's breakdown."""

from __future__ import annotations

import plotly.graph_objects as go
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

TEXT = {
    "zh": {
        "title": "乡镇考核",
        "lead": "各项均为 0-100 的绝对值(不是名次),乘以权重相加即总分;权重取自设置 assessment.weights,可在下方临时调整。",
        "weights": "权重(临时调整只影响本页,不改设置文件)",
        "normalised": "归一后的权重:{weights}",
        "bad_weights": "权重设置有误:{error}",
        "chart": "{year} 年乡镇考核得分(满分 100 分,按项分解)",
        "table": "排名与各项",
        "rank": "名次",
        "total": "总分",
        "incomplete": "缺项",
        "mean_score": "村均综合得分",
        "monitored": "监测对象(户)",
        "eliminated": "已消除风险(户)",
        "below_line": "低于监测标准(户)",
        "covered": "其中已纳入监测(户)",
        "funds_wan": "投入资金(万元)",
        "paid_wan": "已支付(万元)",
        "industry_wan": "产业发展资金(万元)",
        "industry_share": "产业发展占比(%)",
        "breakdown": "单个乡镇的得分构成",
        "pick": "乡镇",
        "vs_mean": "{town}与各乡镇平均(0-100)",
        "town_series": "本乡镇",
        "mean_series": "各乡镇平均",
        "points": "{name}:{value} × 权重 {weight} = {points} 分",
        "export": "乡镇考核排名",
        "components": "五大振兴综合得分|风险消除率|及时识别率|资金执行率|产业资金占比达标",
        "scope": "{county}(全部乡镇)· {year}年度",
        "notes": ("说明:五大振兴综合得分取乡镇内各村综合得分的平均;风险消除率 = 已消除风险户 / 监测对象户;"
                  "及时识别率 = 人均纯收入低于当年监测标准的农户中,已纳入监测且风险未消除的比例;"
                  "资金执行率 = 已支付 / 投入(实施中与已完工项目);产业资金占比达标 = 产业发展资金占比 / 规定下限,最高 100%。"),
    },
    "en": {
        "title": "Township assessment",
        "lead": ("Every component is an absolute 0-100 measure (not a rank); weighted and summed they give the "
                 "total. Weights come from the settings (assessment.weights) and can be tried out below."),
        "weights": "Weights (changes here apply to this page only, not to the settings file)",
        "normalised": "Normalised weights: {weights}",
        "bad_weights": "Invalid weights: {error}",
        "chart": "Township assessment {year} (out of 100, by component)",
        "table": "Ranking and components",
        "rank": "Rank",
        "total": "Total",
        "incomplete": "Missing",
        "mean_score": "Mean village score",
        "monitored": "Monitored households",
        "eliminated": "Risk eliminated (households)",
        "below_line": "Below the line (households)",
        "covered": "of which monitored",
        "funds_wan": "Funds (10k yuan)",
        "paid_wan": "Paid (10k yuan)",
        "industry_wan": "Industry funds (10k yuan)",
        "industry_share": "Industry share (%)",
        "breakdown": "One township's result",
        "pick": "Township",
        "vs_mean": "{town} against the township average (0-100)",
        "town_series": "This township",
        "mean_series": "Township average",
        "points": "{name}: {value} × weight {weight} = {points} points",
        "notes": ("Notes: the five-dimension score is the mean overall score of the township's villages; risk "
                  "elimination = eliminated / monitored households; timely identification = the share of households "
                  "below the monitoring line that are monitored with the risk unresolved; fund execution = paid / "
                  "funds of projects under way or complete; industry = industry share / the minimum, at most 100%."),
        "scope": "{county} (all townships) · {year}",
        "components": "Five-dimension score|Risk elimination|Timely identification|Fund execution|Industry share met",
    },
}

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
exports.download(ranked[columns], zh["export"], zh["scope"].format(county=data.county_name(), year=f.year),
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
    names_y = [component_names[c] for c in assessment.COMPONENTS][::-1]
    values = [row[c] for c in assessment.COMPONENTS][::-1]
    fig = go.Figure([
        go.Bar(y=names_y, x=values, name=t["town_series"], orientation="h", marker_color=charts.COLOURS[1],
               text=[layout.num(v, digits=1) if v == v else "—" for v in values], textposition="outside",
               cliponaxis=False),
        go.Scatter(y=names_y, x=mean.to_numpy()[::-1], name=t["mean_series"], mode="markers",
                   marker={"symbol": "line-ns-open", "size": 34, "line": {"width": 4, "color": charts.COLOURS[0]}}),
    ])
    fig.update_xaxes(range=[0, 115])
    charts.show(fig, height=340, title=t["vs_mean"].format(town=row["township_name"]))
with right:
    st.metric(t["total"], f"{row['total']:.1f}", f"{t['rank']} {int(row['rank'])} / {len(ranked)}", delta_color="off",
              delta_arrow="off")
    for c in assessment.COMPONENTS:
        value = "—" if row[c] != row[c] else f"{row[c]:.1f}"
        st.markdown("- " + t["points"].format(name=component_names[c], value=value, weight=f"{weight[c]:.0%}",
                                              points=f"{row[f'points_{c}']:.1f}"))
st.caption(t["notes"])
