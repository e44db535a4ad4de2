"""The follow-up as other pages show it: the visits of the user's townships (`rows`), the model
against the rule triggers on those visits (跟踪核实 and 模型说明) and a township's pending and
overdue visits (乡镇工作台). Visit results change with every upload, so nothing here is cached."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.access.users import ADMIN, TOWNSHIP
from analytics.followup import progress
from analytics.ingest import pipeline as ingest
from analytics.ingest import visits as visit_import
from analytics.ingest.report import HEADERS
from analytics.views import followup as view
from ui import data, filters, scope, session, tables
from ui.text import pick
from ui.texts.followup import TEXT


def rows(year: int, town: str | None = None) -> pd.DataFrame:
    """progress.followed of the year's list as of today, for `town` or else the townships the
    filters select within the user's scope."""
    f, towns = filters.current(), data.table("townships")  # the user's townships only
    if town is not None:
        townships: tuple[str, ...] | None = (town,) if town in set(towns["township_code"]) else ()
    else:
        townships = None if not f.township and data.allowed_townships() is None else tuple(f.township_codes(towns))
    return progress.read(data.store(), year, townships, date.today(), settings.integer("followup.overdue_days"))


def judged(followed: pd.DataFrame) -> None:
    """The confirmed share among the model's and the rules' visited warnings, with a plain
    warning for rows resting on fewer than progress.MIN_VISITS visits."""
    t = pick(TEXT)
    st.subheader(t["judge"])
    st.caption(t["judge_lead"])
    if not followed["outcome"].notna().any():
        st.info(t["no_visits"])
        return
    towns = data.table("townships")
    result = progress.judge(followed, dict(zip(towns["township_code"], towns["township_name"])))
    few = result["enough"].map({True: "", False: t["few"].format(n=progress.MIN_VISITS)})
    labels = ("township_name", "model_visits", "model_confirmed", "rule_visits", "rule_confirmed", "enough")
    tables.show(view.judged_table(result).assign(enough=few), {c: t[c] for c in labels},
                formats={"model_confirmed": "%.1f", "rule_confirmed": "%.1f"})
    if not result["enough"].all():
        st.warning(t["too_few"].format(n=progress.MIN_VISITS), icon=":material/info:")


def desk_line(town: str, year: int) -> None:
    """One line for a township head: the visits still pending and overdue, linked to 跟踪核实."""
    t = pick(TEXT)
    followed = rows(year, town)
    if followed.empty:
        return
    counts = progress.figures(followed)
    text = t["desk_line"].format(year=year, listed=counts["listed"], pending=counts["pending"],
                                 overdue=counts["overdue"], days=settings.integer("followup.overdue_days"))
    with st.container(horizontal=True, vertical_alignment="center"):
        (st.warning if counts["overdue"] else st.info)(text, icon=":material/fact_check:")
        st.page_link("app_pages/followup.py", label=t["title"], icon=":material/arrow_forward:")


def upload() -> None:
    """For an admin or a 乡镇 account: check a filled list as the ordinary import does, with the
    user's townships (rows outside are refused by row), and keep its results on a click."""
    t = pick(TEXT)
    store = data.store()
    user = session.current_user()
    if user is None or user.role not in (ADMIN, TOWNSHIP):
        return
    with st.expander(t["upload"], icon=":material/upload_file:"):
        if saved := st.session_state.pop("followup_saved", None):
            st.success(saved)
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
            tables.show(problems.drop(columns=["sheet"]), HEADERS, rows=10)
        if checked.ok and data.is_trial():
            st.info(t["trial"])
        elif checked.ok and st.button(t["save"], type="primary", key="followup_save"):
            changed = visit_import.save(store, checked.visits, user.name, checked.files, scope.label(), session.client())
            st.session_state["followup_saved"] = t["saved"].format(n=len(checked.visits), changed=changed)
            st.rerun()  # the figures above count the new results
