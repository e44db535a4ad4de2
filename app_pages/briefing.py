"""会议汇报材料: one click gives the briefing for the county or a township and a year, as a
self-contained HTML file (charts, opens without network, prints to PDF from the browser) or as a
Word file the county office edits in WPS (charts and map as pictures). Both downloads are audited."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import streamlit as st

from analytics import settings
from analytics.data import checks
from analytics.data.funds import IndustryRule
from analytics.reports import briefing, briefing_docx
from analytics.risk.features import RiskDataError
from analytics.scoring.composite import Method, ScoringError
from analytics.views import projects
from ui import auth, data, filters, layout, ranking, risk, scores
from ui.text import pick
from ui.texts.briefing import EXPORT, TEXT

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
                       format_func={c: names.get(c, t["county"]) for c in options}.get)
year = right.selectbox(t["year"], list(reversed(f.years)), index=list(reversed(f.years)).index(f.year),
                       key="briefing_year")
st.caption(t["contents"])

notes = []
try:
    score_table = scores.scores(Method.from_settings())
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
    boundaries=data.shapes(), rule=IndustryRule.from_settings(),
    flag_deduction=settings.number("assessment.flag_deduction"), checks=checks.Config.from_settings(),
    schedule=list(settings.numbers("funds.disbursement_schedule")),
    scale_ratio=settings.number("funds.scale_flag_ratio"), severity=projects.Severity.from_settings(),
    employed_min_months=settings.integer("relocation.employed_min_months"),
    high_risk_probability=settings.number("risk.high_risk_probability"), weights=ranking.default_weights(),
    unconfirmed=tuple(settings.label(k) for k in data.unconfirmed_settings()),
    township=place or None, scores=score_table, predictions=predictions, notes=notes)
place_name = data.county_name() + names.get(place, "")
scope_line = f"{place_name} · {year}年度"
rows = int(len(inputs.villages))


def _make(inputs: briefing.Inputs, record: Callable[[], None]) -> bytes:
    """Built when the button is pressed (on the download thread), not on every rerun."""
    record()
    return briefing.build(inputs).encode("utf-8")


def _make_docx(inputs: briefing.Inputs, record: Callable[[], None]) -> bytes:
    record()
    return briefing_docx.build(inputs)


def _file(pattern: str) -> str:
    return re.sub(r"[\\/:*?\"<>| ]+", "_", pattern.format(place=place_name, year=year))


html_button, docx_button, _ = st.columns([1, 1, 1])
with html_button:
    st.download_button(t["download"], partial(_make, inputs, auth.export_recorder(zh["title"], scope_line, rows, False)),
                       file_name=_file(EXPORT["file"]), mime="text/html", icon=":material/description:",
                       type="primary", key="briefing_download", on_click="ignore", width="stretch")
with docx_button:
    st.download_button(t["download_docx"],
                       partial(_make_docx, inputs, auth.export_recorder(EXPORT["title_docx"], scope_line, rows, False)),
                       file_name=_file(EXPORT["file_docx"]), icon=":material/article:", key="briefing_docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       on_click="ignore", width="stretch")
