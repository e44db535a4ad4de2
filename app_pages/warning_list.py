"""预警名单: households not yet monitored, ordered by the model's probability of relapse next
year, with why (the top drivers) and what to offer (一户一策), to download for 入户核实."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.risk import metrics as risk_metrics
from analytics.risk.features import RiskDataError
from analytics.views import warning
from ui import auth, data, exports, filters, layout, risk, scope, tables
from ui.text import pick
from ui.texts.warning_list import EXPORT, TEXT

t = pick(TEXT)
zh = TEXT["zh"]  # exports always carry Chinese titles and headers
f = filters.current()
workload = settings.number("risk.workload")
cutoff = settings.number("risk.high_risk_probability")
layout.header(t["title"], scope.label())
try:
    risk.trained()
except RiskDataError as exc:
    st.error(t["cannot_train"].format(error=exc))
    st.stop()
st.caption(t["lead"].format(next=f.year + 1))

options = {"workload": t["workload"].format(share=workload), "high": t["high"].format(cutoff=cutoff), "all": t["all"]}
choice = st.segmented_control(t["show"], list(options), format_func=options.get, default="workload",
                              key="warning_show") or "workload"

vy = scope.village_year()
total = int(vy.loc[vy["year"] == f.year, "households"].sum())
if choice == "workload":  # the n-th highest probability bounds the rows read: a few thousand, not all
    n = risk_metrics.visit_count(total, workload)
    ranked = risk.predictions(f.year, columns=["probability"])["probability"].nlargest(n)
    floor = float(ranked.min()) if len(ranked) else 2.0
    scored = risk.predictions(f.year, where=(("probability", ">=", floor),))
elif choice == "high":
    scored = risk.predictions(f.year, where=(("probability", ">=", cutoff),))
else:
    scored = risk.predictions(f.year)
scored = scored.sort_values(["probability", "household_id"], ascending=[False, True], kind="stable")
if choice == "workload":
    scored = scored.head(n)

if scored.empty:
    st.info(t["empty"])
    st.stop()

households = scope.households(f.year, columns=list(warning.HOUSEHOLD_COLUMNS),
                              where=(("household_id", "in", list(scored["household_id"])),)).set_index("household_id")
shown = warning.visit_list(scored, households, data.table("townships"), data.table("villages"),
                           {True: t["yes"], False: t["no"]})
if "outcome" in shown:
    st.caption(t["past_year"].format(year=f.year, next=f.year + 1))
labels = {c: t[c] for c in ("rank", "township_name", "village_name", "probability", "rule_triggered", "drivers",
                            "risk_types", "measures")}
labels["outcome"] = t["outcome"].format(next=f.year + 1)
caption = t["caption_visible"] if data.can_see_personal() else t["caption"]
st.caption(caption.format(n=len(shown), total=total))
tables.show(shown, labels, height=520, formats={"probability": "%.1f"})
auth.audit_view(t["title"], len(shown), scope.label())

visit = shown.assign(check_result="", checked_by="", checked_on="")  # columns the visitor fills in
visit.insert(visit.columns.get_loc("village_name") + 1, "village_code", scored["village_code"].to_numpy())
exports.download(visit, EXPORT["export_title"], scope.label(), key="warning_list_xlsx",
                 headers={**{c: zh[c] for c in ("rank", "township_name", "village_name", "probability",
                                                "rule_triggered", "drivers", "risk_types", "measures")},
                          **{c: EXPORT[c] for c in ("check_result", "checked_by", "checked_on")},
                          "outcome": zh["outcome"].format(next=f.year + 1)})
