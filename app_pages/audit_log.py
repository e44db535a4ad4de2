"""审计日志: who signed in, imported, exported or looked at household lists (admins only)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from analytics.data import audit
from ui import auth, data, exports, layout, tables
from ui.text import pick
from ui.texts.audit_log import TEXT

auth.require_admin()
t = pick(TEXT)
store = data.store()
layout.header(t["title"])
st.caption(t["caption"])

check = audit.verify(store)
if check.ok:
    st.success(t["intact"].format(n=check.records), icon=":material/verified_user:")
else:
    st.error(t["broken"].format(seq=check.first_bad_seq), icon=":material/gpp_bad:")

today = date.today()
c1, c2, c3, c4 = st.columns([6, 4, 4, 4])
period = c1.date_input(t["period"], (today - timedelta(days=30), today), max_value=today, key="audit_period")
start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)
log = audit.read(store, since=start.isoformat(), until=f"{end.isoformat()}T23:59:59")
who = c2.multiselect(t["users"], sorted(log["user"].unique()), placeholder=t["all"], key="audit_users")
what = c3.multiselect(t["actions"], list(audit.ACTIONS), format_func=audit.ACTIONS.get, placeholder=t["all"],
                      key="audit_actions")
needle = c4.text_input(t["search"], key="audit_search").strip()
if who:
    log = log[log["user"].isin(who)]
if what:
    log = log[log["action"].isin(what)]
if needle:
    log = log[log["scope"].str.contains(needle, regex=False) | log["detail"].str.contains(needle, regex=False)]

counts = log["action"].value_counts()
layout.cards([
    layout.Card(t["shown"], layout.num(len(log))),
    layout.Card(t["sign_ins"], layout.num(counts.get("sign_in", 0))),
    layout.Card(t["failed"], layout.num(counts.get("sign_in_failed", 0))),
    layout.Card(t["exports"], layout.num(counts.get("export", 0))),
    layout.Card(t["views"], layout.num(counts.get("view_households", 0))),
], per_row=5)

shown = log.assign(action=log["action"].map(audit.ACTIONS), at=log["at"].str.replace("T", " ", regex=False))
if shown.empty:
    st.info(t["empty"])
else:
    tables.show(shown, {c: t[f"col_{c}"] for c in audit.COLUMNS_ZH}, hide=())
    exports.download(shown.rename(columns=audit.COLUMNS_ZH), t["export_title"], f"{start.isoformat()} 至 {end.isoformat()}", key="audit_xlsx")
