"""乡镇工作台: a township head picks the township (one click; none when the account has one
township) and sees every village and the household lists to act on, also on a phone."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import guarantees, relocation, settings, township
from analytics.risk_features import RiskDataError
from ui import auth, data, exports, filters, layout, nav, risk, scope, tables
from ui.text import pick

nav.entered(__file__)

TEXT = {
    "zh": {
        "title": "乡镇工作台",
        "pick": "选择乡镇,查看各村情况和需要入户的名单:",
        "villages_title": "各村情况({year} 年)",
        "villages_caption": "按三保障问题户、预测高风险户、未消除风险户从多到少排列。点选一行,下方名单只看该村。",
        "village_name": "村",
        "households": "农户",
        "monitored_unresolved": "未消除风险",
        "guarantee_problem": "三保障问题户",
        "high_risk": "预测高风险",
        "jobless": "搬迁无人就业",
        "funds_wan": "资金(万元)",
        "paid_share": "支付(%)",
        "lists_title": "入户名单",
        "all_villages": "显示全部村",
        "tab_guarantees": "三保障待解决 {n}",
        "tab_open": "未消除风险 {n}",
        "tab_warning": "预警 {n}",
        "tab_jobless": "搬迁无人就业 {n}",
        "gaps": "未保障项",
        "years_in_a_row": "连续年数",
        "probability_pct": "返贫概率(%)",
        "measures": "建议措施",
        "empty": "没有需要处理的农户。",
        "no_model": "返贫风险模型不可用:{error}",
        "masked": "个人信息已脱敏;名单可下载为 Excel,带乡镇、村和数据快照。",
        "export_villages": "各村情况",
        "export_guarantees": "三保障待解决农户",
        "export_open": "未消除风险监测对象",
        "export_warning": "返贫预警农户",
        "export_jobless": "有劳动力无人就业搬迁户",
    },
    "en": {
        "title": "Township desk",
        "pick": "Choose a township to see its villages and the households to visit:",
        "villages_title": "Villages ({year})",
        "villages_caption": "Most guarantee gaps, predicted high-risk and unresolved households first. "
                            "Select a row to list only that village.",
        "village_name": "Village",
        "households": "Households",
        "monitored_unresolved": "Unresolved",
        "guarantee_problem": "Guarantee gaps",
        "high_risk": "High risk",
        "jobless": "Relocated, no job",
        "funds_wan": "Funds (10k yuan)",
        "paid_share": "Paid (%)",
        "lists_title": "Households to visit",
        "all_villages": "Show all villages",
        "tab_guarantees": "Guarantee gaps {n}",
        "tab_open": "Unresolved {n}",
        "tab_warning": "Early warning {n}",
        "tab_jobless": "Relocated, no job {n}",
        "gaps": "Gaps",
        "years_in_a_row": "Years in a row",
        "probability_pct": "Probability (%)",
        "measures": "Suggested measures",
        "empty": "No household to act on.",
        "no_model": "The relapse-risk model is not available: {error}",
        "masked": "Personal data masked; every list downloads as Excel with township, village and snapshot.",
    },
}

t = pick(TEXT)
zh = TEXT["zh"]
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
town_names = dict(zip(townships["township_code"], townships["township_name"]))


def _choose_town(code: str) -> None:
    st.session_state["town"], st.session_state["village"] = code, ""


def _select_village(codes: tuple[str, ...]) -> None:
    """A row picked in the village table narrows every list (and the URL) to that village."""
    rows = st.session_state["township_table"].selection.rows
    st.session_state["village"] = codes[rows[0]] if rows else ""


def _all_villages() -> None:
    st.session_state["village"] = ""


town = f.township or (townships["township_code"].iloc[0] if len(townships) == 1 else None)
layout.header(t["title"] + (f":{town_names[town]}" if town else ""), scope.label())
if town is None:
    st.markdown(t["pick"])
    with st.container(horizontal=True, key="township_buttons"):
        for code, name in town_names.items():
            st.button(name, key=f"township_{code}", on_click=_choose_town, args=(code,), width=130)
    st.stop()



VILLAGE_COLUMNS = ["village_name", "guarantee_problem", "high_risk", "monitored_unresolved", "jobless", "households",
                   "funds_wan", "paid_share", "village_code"]
LISTS = (  # per tab: export title key, the page's own labels, and the columns shown (what a visitor needs first)
    ("export_guarantees", {"gaps": "gaps", "years_in_a_row": "years_in_a_row"},
     ["village_name", "head_name", "gaps", "years_in_a_row", "household_id", "household_type", "monitoring_category",
      "head_id_number", "household_size", "village_code"]),
    ("export_open", {},
     ["village_name", "head_name", "monitoring_category", "risk_types", "assistance_measures", "monitoring_start",
      "household_id", "head_id_number", "per_capita_net_income", "household_size", "village_code"]),
    ("export_warning", {"probability_pct": "probability_pct", "measures": "measures"},
     ["village_name", "head_name", "probability_pct", "risk_types", "measures", "household_id", "head_id_number",
      "household_size", "village_code"]),
    ("export_jobless", {},
     ["village_name", "head_name", "labor_count", "migrant_work_months", "per_capita_net_income", "household_id",
      "head_id_number", "household_size", "village_code"]),
)


@st.cache_resource(show_spinner=False, max_entries=64, ttl=3600)
def _desk(snapshot_id: str, model: str, town: str, codes: tuple[str, ...], year: int, cutoff: float,
          min_months: float) -> tuple[pd.DataFrame, list[pd.DataFrame | None], str | None]:
    """The village table and the four lists of a township, computed once per snapshot, model,
    villages (the user's scope is in them) and year, then shared: in the monthly push twenty
    township heads reuse them, and a rerun only draws them."""
    h = pd.concat([data.households(villages=list(codes), columns=list(guarantees.HISTORY_COLUMNS),
                                   where=guarantees.gap_filter(year - 1)),
                   data.households(year, list(codes), columns=list(township.HOUSEHOLD_COLUMNS))])
    try:
        scored, model_error = risk.predictions(year, list(codes)), None
    except RiskDataError as error:
        scored, model_error = None, str(error)
    warned = township.warning(scored, h, villages, year, cutoff) if scored is not None else None
    jobless = relocation.jobless(h, villages, townships, year, min_months)
    lists = (guarantees.to_resolve(h, villages, townships, year), township.open_cases(h, villages, year), warned, jobless)
    vy, pool = data.table("village_year"), data.table("projects")
    table = township.villages_table(
        vy[vy["village_code"].isin(codes)], villages[villages["village_code"].isin(codes)], year,
        high_risk=warned.groupby("village_code").size() if warned is not None else None,
        jobless=jobless.groupby("village_code").size(), projects=pool[pool["village_code"].str[:9] == town])
    shown = [None if frame is None else frame[columns] for frame, (_, _, columns) in zip(lists, LISTS)]
    return table[VILLAGE_COLUMNS], shown, model_error


mine = villages[villages["township_code"] == town]
table, lists, model_error = _desk(
    data.snapshot().id, risk.model_key(), town, tuple(mine["village_code"]), f.year,
    float(settings.get("risk.high_risk_probability")), float(settings.get("relocation.employed_min_months")))

st.subheader(t["villages_title"].format(year=f.year))
st.caption(t["villages_caption"])
st.dataframe(
    table.drop(columns="village_code"), hide_index=True, selection_mode="single-row", key="township_table",
    on_select=lambda codes=tuple(table["village_code"]): _select_village(codes), width="stretch",
    column_config={c: st.column_config.Column(t[c]) for c in VILLAGE_COLUMNS if c != "village_code"} | {
        "funds_wan": st.column_config.NumberColumn(t["funds_wan"], format="%.1f"),
        "paid_share": st.column_config.NumberColumn(t["paid_share"], format="%.0f")})
exports.download(table, zh["export_villages"], scope.label(), key="township_villages_xlsx",
                 headers={c: zh[c] for c in VILLAGE_COLUMNS if c != "village_code"})

village_names = dict(zip(mine["village_code"], mine["village_name"]))
only = f.village if f.village in village_names else None
st.subheader(t["lists_title"] + (f" · {village_names[only]}" if only else ""))
if only:
    st.button(t["all_villages"], on_click=_all_villages, icon=":material/filter_alt_off:", key="township_all")


def narrow(frame):
    return frame[frame["village_code"] == only] if only else frame


lists = [narrow(frame) if frame is not None else None for frame in lists]
tabs = st.tabs([t["tab_guarantees"].format(n=len(lists[0])), t["tab_open"].format(n=len(lists[1])),
                t["tab_warning"].format(n=len(lists[2]) if lists[2] is not None else "—"),
                t["tab_jobless"].format(n=len(lists[3]))])
for tab, frame, (export_key, own_labels, _) in zip(tabs, lists, LISTS):
    with tab:
        if frame is None:
            st.error(t["no_model"].format(error=model_error))
        elif frame.empty:
            st.success(t["empty"])
        else:
            labels = {c: t[key] for c, key in own_labels.items()}
            tables.show(frame, labels, height=min(420, 36 * len(frame) + 40), formats={"probability_pct": "%.1f"})
            exports.download(frame, zh[export_key], scope.label(), key=f"township_{export_key}_xlsx",
                             headers={c: zh[key] for c, key in own_labels.items()})
auth.audit_views([(zh[key], len(frame)) for frame, (key, _, _) in zip(lists, LISTS) if frame is not None and len(frame)],
                 scope.label())
st.caption(t["masked"])
