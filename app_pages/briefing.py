"""会议汇报材料: one click gives a self-contained HTML briefing for the county or a township and a
year, with the charts, that opens without network and prints to PDF from the browser."""

from __future__ import annotations

import re

import streamlit as st

from analytics import settings
from analytics.reports import briefing
from analytics.risk.features import RiskDataError
from analytics.scoring.composite import Method, ScoringError
from ui import auth, data, filters, layout, ranking, risk, scores
from ui.text import pick

TEXT = {
    "zh": {
        "title": "会议汇报材料",
        "lead": ("一键生成县或乡镇某一年度的汇报材料:一个 HTML 文件,含图表,断网也能打开;用浏览器打开后按 Ctrl+P "
                 "选择“另存为 PDF”即可打印。材料只含汇总数字和项目信息,不含农户个人信息。"),
        "place": "范围",
        "county": "全县",
        "year": "年度",
        "contents": "包括:一、总体情况(8 项指标和文字概述);二、防止返贫动态监测(收入与监测标准、监测对象变化、模型预测的高风险户);"
                    "三、两不愁三保障及饮水安全(动态清零进度、分乡镇或分村);四、易地搬迁后续扶持;五、衔接资金和项目"
                    "(分类别资金、产业占比、需关注项目);六、乡村振兴五大维度;七、乡镇考核排名;附:分村地图。",
        "download": "生成并下载汇报材料",
        "no_scores": "五大振兴得分不可用:{error}",
        "no_model": "返贫风险模型不可用:{error}",
        "file": "{place}_{year}年_汇报材料.html",
    },
    "en": {
        "title": "Meeting briefing",
        "lead": ("One click gives the briefing of the county or a township for a year: one HTML file with the charts "
                 "that opens without network; open it in a browser and print to PDF (Ctrl+P). It holds aggregates "
                 "and projects only, no personal data. The briefing itself is in Chinese."),
        "place": "Scope",
        "county": "Whole county",
        "year": "Year",
        "contents": "Contents: overview (8 indicators and a summary); monitoring against relapse; basic guarantees "
                    "and safe water; relocation follow-up; funds and projects; five dimensions; township ranking; "
                    "village map.",
        "download": "Make and download the briefing",
        "no_scores": "Five-dimension scores are not available: {error}",
        "no_model": "The relapse-risk model is not available: {error}",
    },
}

t = pick(TEXT)
zh = TEXT["zh"]
f = filters.current()
townships = data.table("townships")
names = dict(zip(townships["township_code"], townships["township_name"]))
whole_county = data.allowed_townships() is None

layout.header(t["title"], f"{data.county_name()} · {f.year}")
st.markdown(t["lead"])
left, right = st.columns([3, 1])
options = ([""] if whole_county else []) + list(names)
default = f.township if f.township in options else options[0]
place = left.selectbox(t["place"], options, index=options.index(default), key="briefing_place",
                       format_func=lambda c: names.get(c, t["county"]))
year = right.selectbox(t["year"], list(reversed(f.years)), index=list(reversed(f.years)).index(f.year),
                       key="briefing_year")
st.caption(t["contents"])

notes = []
try:
    score_table = scores.scores(Method.default())
except ScoringError as error:
    score_table = None
    notes.append(zh["no_scores"].format(error=error))
    st.warning(t["no_scores"].format(error=error))
try:
    predictions = risk.high_risk(int(year), settings.number("risk.high_risk_probability"),
                                 data.table("villages")["village_code"])
except RiskDataError as error:
    predictions = None
    notes.append(zh["no_model"].format(error=error))
    st.warning(t["no_model"].format(error=error))

info = data.snapshot()
inputs = briefing.Inputs(
    county=data.county_name(), year=int(year), snapshot_id=info.id, is_demo=info.is_demo,
    townships=townships, villages=data.table("villages"), village_year=data.table("village_year"),
    households=data.households(int(year), columns=briefing.HOUSEHOLD_COLUMNS), projects=data.table("projects"), lines=data.table("monitoring_lines"),
    boundaries=data.shapes(), rule=settings.number("funds.industry_min_share"),
    schedule=list(settings.numbers("funds.disbursement_schedule")),
    scale_ratio=settings.number("funds.scale_flag_ratio"),
    employed_min_months=settings.integer("relocation.employed_min_months"),
    high_risk_probability=settings.number("risk.high_risk_probability"), weights=ranking.default_weights(),
    unconfirmed=tuple(data.unconfirmed_settings()),
    township=place or None, scores=score_table, predictions=predictions, notes=notes)
place_name = data.county_name() + names.get(place, "")
record = auth.export_recorder(zh["title"], f"{place_name} · {year}年度", int(len(inputs.villages)), False)


def _make() -> bytes:
    """Built when the button is pressed (on the download thread), not on every rerun."""
    record()
    return briefing.build(inputs).encode("utf-8")


st.download_button(t["download"], _make, file_name=re.sub(r"[\\/:*?\"<>| ]+", "_",
                                                          zh["file"].format(place=place_name, year=year)),
                   mime="text/html", icon=":material/description:", type="primary", key="briefing_download",
                   on_click="ignore")
