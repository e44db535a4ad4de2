"""跟踪核实: how far the year's visit lists have been followed (visited, pending, overdue, what the
visits found), the model's warnings against the rule triggers on those visits, and the upload of
filled lists for a 乡镇 account (rows outside its townships are refused by row)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import streamlit as st

from analytics import settings
from analytics.access.users import ADMIN, TOWNSHIP
from analytics.data import visits
from analytics.followup import progress
from analytics.ingest import pipeline as ingest
from analytics.ingest import visits as visit_import
from analytics.ingest.report import HEADERS
from analytics.views import followup as view
from ui import auth, data, filters, layout, scope, tables
from ui.text import pick
from ui.texts.followup import TEXT

t = pick(TEXT)
f = filters.current()
store = data.store()
overdue_days = settings.integer("followup.overdue_days")
layout.header(t["title"], scope.label())
st.caption(t["lead"].format(days=overdue_days))

towns, villages = data.table("townships"), data.table("villages")
town_names = dict(zip(towns["township_code"], towns["township_name"]))
village_names = dict(zip(villages["village_code"], villages["village_name"]))
townships = tuple(f.township_codes(towns)) if f.township or data.allowed_townships() is not None else None
rows = progress.read(store, f.year, townships, date.today(), overdue_days)


def _upload() -> None:
    """Check an uploaded list as the ordinary import does, with the user's townships; keep it on a click."""
    user = auth.current_user()
    if user is None or user.role not in (ADMIN, TOWNSHIP):
        return
    with st.expander(t["upload"], icon=":material/upload_file:"):
        file = st.file_uploader(t["upload_help"], type=["xlsx", "xls", "csv"], key="followup_file")
        if file is None:
            return
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{Path(file.name).suffix.lower()}"
            path.write_bytes(file.getvalue())
            if not visit_import.recognises(path):
                st.error(t["not_visits"])
                return
            checked = ingest.check([path], store, ingest.Options(townships=data.allowed_townships()),
                                   names=[file.name])
        report = checked.report
        (st.success if checked.ok else st.error)(report.verdict())
        problems = report.frame(personal_visible=data.can_see_personal())
        if not problems.empty:
            st.markdown(f"**{t['problems']}**")
            st.dataframe(problems.drop(columns=["sheet"]).rename(columns=HEADERS), hide_index=True, width="stretch")
        if checked.ok and data.is_trial():
            st.info(t["trial"])
        elif checked.ok and st.button(t["save"], type="primary", key="followup_save"):
            changed = visit_import.save(store, checked.visits, user.name, checked.files, scope.label(), "网页")
            st.success(t["saved"].format(n=len(checked.visits), changed=changed))


if rows.empty:
    st.info(t["none"].format(year=f.year))
    _upload()
    st.stop()

overall = progress.figures(rows)
layout.cards([layout.Card(t[k], layout.num(overall[k])) for k in ("listed", "verified", "pending", "overdue")])
days = "—" if overall["median_days"] is None else t["days"].format(n=overall["median_days"])
st.markdown(f"**{t['outcomes']}**:" + " · ".join(f"{v} {overall['outcomes'][v]:,}" for v in visits.RESULTS)
            + f" · {t['median_days']} {days}")
if overall["inferred"]:
    st.caption(t["inferred_note"].format(n=overall["inferred"]))
_upload()

st.subheader(t["by_township"])
labels = {c: t[c] for c in ("township_name", "listed", "verified", "pending", "overdue", "inferred", "median_days")}
by_town = view.township_table(progress.by_township(rows, town_names))
tables.show(by_town, labels, formats={"median_days": "%.0f"}, height=min(600, 36 * (len(by_town) + 1) + 4))

st.subheader(t["overdue_list"].format(days=overdue_days))
late = rows[rows["overdue"]]
if late.empty:
    st.caption(t["no_overdue"])
else:
    people = data.households(f.year, columns=["household_id", "head_name", "head_id_number"],
                             where=(("household_id", "in", list(late["household_id"])),))
    overdue = view.overdue_table(rows, people, town_names, village_names)
    tables.show(overdue, {c: t[c] for c in ("township_name", "village_name", "listed_on", "waiting", "probability")},
                height=min(420, 36 * (len(overdue) + 1) + 4), formats={"probability": "%.1f"})
    auth.audit_view(t["overdue_list"].format(days=overdue_days), len(overdue), scope.label())

st.subheader(t["judge"])
st.caption(t["judge_lead"])
judged = progress.judge(rows, town_names)
few = judged["enough"].map({True: "", False: t["few"].format(n=progress.MIN_VISITS)})
tables.show(view.judged_table(judged).assign(enough=few),
            {c: t[c] for c in ("township_name", "model_visits", "model_confirmed", "rule_visits", "rule_confirmed",
                               "enough")},
            formats={"model_confirmed": "%.1f", "rule_confirmed": "%.1f"})
if not judged["enough"].all():
    st.warning(t["too_few"].format(n=progress.MIN_VISITS), icon=":material/info:")
