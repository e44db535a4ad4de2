"""规模性返贫压力测试: how many households a fall in migrant work, a disaster, a phased-out subsidy
or a higher monitoring line would push below the line, where, and what it would take; scenarios
saved and compared; the monitoring-line what-if. The arithmetic and the model's response live in
analytics.planning.stress; this page reads the inputs and renders."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.planning import scenarios
from analytics.planning import stress as stress_test
from analytics.reports import figures
from analytics.risk.features import RiskDataError
from ui import auth, charts, data, exports, filters, layout, maps, scope, tables
from ui import stress as ui_stress
from ui.text import pick
from ui.texts.stress import TEXT

t = pick(TEXT)
zh = TEXT["zh"]  # exports carry Chinese titles and headers
f = filters.current()
FIGURE_KEYS = ("below_line_before", "below_line_after", "newly_below_line", "people_below_line_before",
               "people_below_line_after", "newly_people_below_line", "expected_relapse_before",
               "expected_relapse_after", "lift_cost_wan", "extra_visits")

layout.header(t["title"], scope.label())
st.caption(t["intro"])
with st.expander(t["limits_title"]):
    st.markdown(t["limits"].format(limit=settings.number("stress.extrapolation_change")))

try:
    base = ui_stress.baseline(f.year)
except (RiskDataError, stress_test.StressError) as exc:
    st.error(str(exc))
    st.stop()

scenario = ui_stress.editors(t, base.line)
st.caption(ui_stress.describe(t, scenario, base.line))
if not scenario.shocks and scenario.line is None:
    st.info(t["nothing"])
    st.stop()
try:
    result = ui_stress.run(f.year, scenario)
except stress_test.StressError as exc:
    st.error(str(exc))
    st.stop()
s = result.summary()
for warning in result.extrapolation:
    st.warning(warning, icon="⚠️")

st.caption(t["line"].format(before=s["line_before"], after=s["line_after"], n=s["households"]))
layout.cards([
    layout.Card(t["below_households"], layout.num(s["below_line_after"]),
                t["before"].format(v=layout.num(s["below_line_before"])), delta_color="off"),
    layout.Card(t["below_people"], layout.num(s["people_below_line_after"]),
                t["before"].format(v=layout.num(s["people_below_line_before"])), delta_color="off"),
    layout.Card(t["newly"], layout.num(s["newly_below_line"])),
    layout.Card(t["newly_people"], layout.num(s["newly_people_below_line"])),
    layout.Card(t["relapse"], layout.num(s["expected_relapse_after"], digits=1),
                t["before"].format(v=layout.num(s["expected_relapse_before"], digits=1)), delta_color="off"),
    layout.Card(t["lift"], layout.num(s["lift_cost_wan"], digits=1)),
    layout.Card(t["visits"], layout.num(s["extra_visits"])),
], per_row=4)

labels = {k: t[k] for k in ("township_name", "village_name", "households", "people", *FIGURE_KEYS)}
left, right = st.columns([5, 6])
with left:
    st.subheader(t["map_title"])
    villages = data.table("villages")
    newly = result.by_village.set_index("village_code")["newly_below_line"]
    shapes = data.shapes()
    shapes = shapes[shapes["village_code"].isin(newly.index)]
    maps.show(maps.choropleth(shapes, newly, villages.set_index("village_code")["village_name"],
                              title=t["map_title"], unit=t["map_unit"], edges=maps.count_bins(newly)), height=420)
with right:
    st.subheader(t["town_title"])
    charts.show(figures.before_after(result.by_township, {"before": t["below_line_before"],
                                                          "after": t["below_line_after"]}), height=420)
tables.show(result.by_township.drop(columns="township_code"), labels,
            formats={"expected_relapse_before": "%.1f", "expected_relapse_after": "%.1f", "lift_cost_wan": "%.1f"})
exports.download(result.by_township, zh["export_towns"], scope.label(), key="stress_towns_xlsx",
                 headers={k: zh[k] for k in labels})

st.subheader(t["list_title"])
listed = result.newly_below.merge(villages[["village_code", "village_name"]], on="village_code", how="left")
if listed.empty:
    st.success(t["none_newly"])
else:
    list_labels = {"village_name": t["village_name"], "household_type": t["household_type_col"],
                   **{k: t[k] for k in ("household_size", "income_before", "income_after", "gap_yuan", "monitored")}}
    st.caption(t["list_caption"].format(n=len(listed)))
    tables.show(listed.drop(columns="village_code"), list_labels)
    auth.audit_view(t["list_title"], len(listed), scope.label())
    exports.download(listed, zh["export_list"], scope.label(), key="stress_list_xlsx",
                     headers={"village_name": zh["village_name"], "household_type": zh["household_type_col"],
                              **{k: zh[k] for k in ("household_size", "income_before", "income_after", "gap_yuan",
                                                    "monitored")}})

st.subheader(t["whatif_title"])
top = st.slider(t["whatif_top"], 5, 50, 20, step=5, key="stress_whatif_top")
whatif = ui_stress.line_range(f.year, top / 100)
charts.show(figures.line_whatif(whatif, {"below_line": t["below_line"], "extra_visits": t["workload"],
                                         "line": t["line_col"]}),
            height=380, title=t["whatif_chart"])
pivot = whatif.pivot_table(index="township_name", columns="line", values="below_line", aggfunc="sum")
pivot.columns = [f"{c:,.0f}" for c in pivot.columns]
st.caption(t["whatif_table"])
tables.show(pivot.reset_index(), {"township_name": t["township_name"]})

st.subheader(t["scenarios_title"])
where = ui_stress.scenario_scope()
save_col, compare_col = st.columns([2, 5])
with save_col:
    name = st.text_input(t["save_name"], key="stress_save_name", max_chars=scenarios.MAX_NAME)
    if data.is_trial():
        st.caption(t["trial_no_save"])
    elif not auth.can_save_scenarios():
        st.caption(t["cannot_save"])
    elif st.button(t["save"], key="stress_save"):
        try:
            version = scenarios.save(data.store(), name, scenario.to_dict(), s, data.snapshot().id,
                                     data.current_user(), scope=where)
            st.success(t["saved"].format(name=name.strip(), version=version))
        except scenarios.ScenarioError as exc:
            st.error(str(exc))
with compare_col:
    saved_names = list(scenarios.listing(data.store(), where)["name"])
    if not saved_names:
        st.caption(t["no_saved"])
    picked = st.multiselect(t["compare"], saved_names, key="stress_compare") if saved_names else []
    columns = {t["current"]: s} | {n: scenarios.load(data.store(), n, scope=where).result for n in picked}
    side = pd.DataFrame({label: [r.get(k) for k in ("line_after", "households", *FIGURE_KEYS)]
                         for label, r in columns.items()})
    side.insert(0, t["figure"], [t["line_col"], t["households"], *(t[k] for k in FIGURE_KEYS)])
    tables.show(side)
