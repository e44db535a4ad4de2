"""预警名单: households not yet monitored, ordered by the model's probability of relapse next
year, with why (the top drivers) and what to offer (一户一策), to download for 入户核实."""

from __future__ import annotations

from functools import partial

import streamlit as st

from analytics import settings
from analytics.followup import lists as visit_lists
from analytics.risk.features import RiskDataError
from analytics.views import warning
from ui import auth, data, exports, filters, layout, risk, scope, tables
from ui.text import lang, pick
from ui.texts.warning_list import TEXT

t = pick(TEXT)
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
if choice == "workload":  # the visit list, as `python -m analytics export warning_list` selects it
    scored = visit_lists.workload_rows(partial(risk.predictions, f.year), total, workload)
elif choice == "high":
    scored = visit_lists.ordered(risk.predictions(f.year, where=(("probability", ">=", cutoff),)))
else:
    scored = visit_lists.ordered(risk.predictions(f.year))

if scored.empty:
    st.info(t["empty"])
    st.stop()

households = scope.households(f.year, columns=list(warning.HOUSEHOLD_COLUMNS),
                              where=(("household_id", "in", list(scored["household_id"])),)).set_index("household_id")
shown = warning.visit_list(scored, households, data.table("townships"), data.table("villages"),
                           {True: t["yes"], False: t["no"]}, lang())
if "outcome" in shown:
    st.caption(t["past_year"].format(year=f.year, next=f.year + 1))
labels = {c: t[c] for c in ("rank", "township_name", "village_name", "probability", "rule_triggered", "drivers",
                            "risk_types", "measures")}
labels["outcome"] = t["outcome"].format(next=f.year + 1)
caption = t["caption_visible"] if data.can_see_names() else t["caption"]
st.caption(caption.format(n=len(shown), total=total))
tables.show(shown, labels, formats={"probability": "%.1f"})
auth.audit_view(t["title"], len(shown), scope.label())

if choice == "workload":  # the sheet to fill in; downloading it notes its households as listed (跟踪核实)
    st.caption(t["visit_sheet"])
    exports.download(visit_lists.sheet(shown, scored, f.year), visit_lists.TITLE, scope.label(),
                     key="warning_list_xlsx", headers=visit_lists.headers(f.year),
                     on_download=partial(visit_lists.record, data.store(), f.year, scored, data.current_user()))
else:
    exports.download(shown, visit_lists.TITLE, scope.label(), key="warning_list_xlsx",
                     headers=visit_lists.headers(f.year))
