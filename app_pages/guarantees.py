"""三保障动态清零: households with an unmet guarantee (housing, water, schooling, medical
insurance), where they are, how the count moves towards zero, and the list to resolve."""

from __future__ import annotations

import streamlit as st

from analytics.data.contract import GUARANTEE_COLUMNS
from analytics.reports import figures
from analytics.views import guarantees
from ui import auth, charts, data, exports, filters, layout, scope, tables
from ui.text import pick
from ui.texts.guarantees import EXPORT, TEXT

t = pick(TEXT)
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
gap_label = dict(zip(GUARANTEE_COLUMNS, t["gap_labels"].split("|")))
zh = TEXT["zh"]  # exports always carry Chinese titles and headers


@st.cache_data(show_spinner=False, max_entries=32)
def _flow(scope_key: tuple):
    return guarantees.read_flow(scope.households, filters.current().years)


@st.cache_data(show_spinner=False, max_entries=32)
def _to_resolve(scope_key: tuple, year: int):
    return guarantees.read_to_resolve(scope.households, data.table("villages"), data.table("townships"), year)


vy = scope.village_year()
now = guarantees.by_type(vy, f.year)
before = guarantees.by_type(vy, f.year - 1) if f.year - 1 in f.years else None
flow = _flow(scope.key()).set_index("year")
to_resolve = _to_resolve(scope.key(), f.year)

layout.header(t["title"], scope.label())
st.caption(t["no_food"])
layout.cards([
    layout.Card(t["any"], layout.num(now[guarantees.ANY]),
                t["vs_last"].format(delta=int(now[guarantees.ANY] - before[guarantees.ANY])) if before is not None else None,
                delta_color="inverse"),
    layout.Card(t["new"], layout.num(flow.loc[f.year, "new"]) if f.year in flow.index else "—"),
    layout.Card(t["resolved"], layout.num(flow.loc[f.year, "resolved"]) if f.year in flow.index else "—"),
    layout.Card(t["long"], layout.num(int((to_resolve["years_in_a_row"] >= 2).sum())), help=t["long_help"]),
])
layout.cards([layout.Card(f"{gap_label[c]}({t['unit']})", layout.num(now[c])) for c in GUARANTEE_COLUMNS])

trend = guarantees.trend(vy)
left, right = st.columns(2)
with left:
    charts.show(figures.guarantee_trend(trend, {**gap_label, guarantees.ANY: t["any_series"]}), height=320,
                title=t["trend_title"])
with right:
    names = {"carried": t["carried"], "new": t["new_series"], "resolved": t["resolved_series"]}
    charts.show(figures.guarantee_flow(flow.reset_index(), names), height=320, title=t["flow_title"])

level = "village" if f.township else "township"
area = guarantees.by_area(vy, villages, townships, f.year, level)
st.subheader(t["area_title_village"] if f.township else t["area_title_town"])
name_col = f"{level}_name"
top = area[area[guarantees.ANY] > 0].head(15)
charts.show(figures.gaps_by_area(top, name_col, gap_label), height=max(260, 26 * len(top) + 90))
area_labels = {**gap_label, guarantees.ANY: t["any_series"], "households": t["households"],
               "per_thousand": t["per_thousand"]}
tables.show(area, area_labels, formats={"per_thousand": "%.1f"})
exports.download(area, EXPORT["export_area"], scope.label(), key="guarantees_area_xlsx",
                 headers={**dict(zip(GUARANTEE_COLUMNS, zh["gap_labels"].split("|"))), guarantees.ANY: zh["any_series"],
                          "households": zh["households"], "per_thousand": zh["per_thousand"]})

st.subheader(t["list_title"])
if to_resolve.empty:
    st.success(t["zero"])
else:
    only = st.pills(t["filter_gap"], list(GUARANTEE_COLUMNS), format_func=gap_label.get, key="guarantees_only")
    shown = to_resolve[to_resolve["gaps"].str.contains(guarantees.GAP_LABELS[only])] if only else to_resolve
    st.caption(t["list_caption"].format(n=len(shown)))
    list_labels = {"gaps": t["gaps"], "gap_count": t["gap_count"], "years_in_a_row": t["years_in_a_row"]}
    tables.show(shown, list_labels)
    auth.audit_view(t["list_title"], len(shown), scope.label())
    exports.download(shown, EXPORT["export_list"], scope.label(), key="guarantees_list_xlsx",
                     headers={k: zh[k] for k in ("gaps", "gap_count", "years_in_a_row")})
