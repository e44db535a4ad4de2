"""跟踪核实: how far the year's visit lists have been followed (visited, pending, overdue, what the
visits found), the model's warnings against the rule triggers on those visits, and the upload of
filled lists for a 乡镇 account (rows outside its townships are refused by row)."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.data import visits
from analytics.followup import progress
from analytics.views import followup as view
from ui import auth, data, filters, followup, layout, scope, tables
from ui.text import pick
from ui.texts.followup import TEXT

t = pick(TEXT)
f = filters.current()
overdue_days = settings.integer("followup.overdue_days")
layout.header(t["title"], scope.label())
st.caption(t["lead"].format(days=overdue_days))

towns, villages = data.table("townships"), data.table("villages")
town_names = dict(zip(towns["township_code"], towns["township_name"]))
village_names = dict(zip(villages["village_code"], villages["village_name"]))
rows = followup.rows(f.year)

if rows.empty:
    st.info(t["none"].format(year=f.year))
    followup.upload()
    st.stop()

overall = progress.figures(rows)
layout.cards([layout.Card(t[k], layout.num(overall[k])) for k in ("listed", "verified", "pending", "overdue")])
days = "—" if overall["median_days"] is None else t["days"].format(n=overall["median_days"])
st.markdown(f"**{t['outcomes']}**:" + " · ".join(f"{v} {overall['outcomes'][v]:,}" for v in visits.RESULTS)
            + f" · {t['median_days']} {days}")
if overall["inferred"]:
    st.caption(t["inferred_note"].format(n=overall["inferred"]))
followup.upload()

st.subheader(t["by_township"])
labels = {c: t[c] for c in ("township_name", "listed", "verified", "pending", "overdue", "inferred", "median_days")}
by_town = view.township_table(progress.by_township(rows, town_names))
tables.show(by_town, labels, formats={"median_days": "%.0f"})

st.subheader(t["overdue_list"].format(days=overdue_days))
late = rows[rows["overdue"]]
if late.empty:
    st.caption(t["no_overdue"])
else:
    people = data.households(f.year, columns=["household_id", "head_name", "head_id_number"],
                             where=(("household_id", "in", list(late["household_id"])),))
    overdue = view.overdue_table(rows, people, town_names, village_names)
    tables.show(overdue, {c: t[c] for c in ("township_name", "village_name", "listed_on", "waiting", "probability")},
                formats={"probability": "%.1f"})
    auth.audit_view(t["overdue_list"].format(days=overdue_days), len(overdue), scope.label())

followup.judged(rows)
