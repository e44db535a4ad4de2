"""任务推进: the county plan as a ledger. The plan's sections as a tree with each task's status,
filters by department, township and status, each task's history and evidence, the 督办单
export per lead department, and progress reporting through the Excel template."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.ingest.report import HEADERS
from analytics.ledger import notices, workbook
from analytics.ledger import plan as ledger_plan
from analytics.ledger import progress as ledger_progress
from analytics.ledger import status as ledger_status
from ui import auth, data, layout, ledger, session, tables
from ui.nav import PAGES
from ui.text import lang, pick
from ui.texts.tasks import TEXT

COLOUR = {ledger_status.RED: "red", ledger_status.AMBER: "orange", ledger_status.GREEN: "green"}


def badge(status: str, count: int | None = None) -> str:
    """The status as a coloured badge with its word (colour alone is not enough to read)."""
    word = ledger_status.STATUS_ZH[status] if lang() == "zh" else status
    return f":{COLOUR[status]}-badge[{word}{'' if count is None else f' {count}'}]"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _recorded(make: Callable[[], bytes], record: Callable[[], None]) -> Callable[[], bytes]:
    """A download's payload that records the export in the audit log when it is generated."""
    def payload() -> bytes:
        record()
        return make()
    return payload


t = pick(TEXT)
store = data.store()
user = session.current_user()
info = data.snapshot()
layout.header(t["title"])
st.caption(t["caption"])

tasks = ledger_plan.load(store)
towns = data.table("townships")[["township_code", "township_name"]] if info else pd.DataFrame(
    columns=["township_code", "township_name"])
town_name = dict(zip(towns["township_code"], towns["township_name"]))
allowed = data.allowed_townships()

c1, c2, c3 = st.columns(3)
department = c1.selectbox(t["department"], [t["all"], *ledger_status.departments(tasks)], key="tasks_department")
town_options = list(allowed) if allowed is not None else [None, *town_name]
township = c2.selectbox(t["township"], town_options, key="tasks_township",
                        format_func=lambda c: town_name.get(c, c) if c else t["county"])
statuses = {None: t["all"], "red": t["red"], "amber": t["amber"], "green": t["green"], "overdue": t["overdue"]}
status = c3.selectbox(t["status"], list(statuses), format_func=statuses.__getitem__, key="tasks_status")

where = town_name.get(township, t["county"]) if township else t["county"]
table, scoped = ledger.evaluated((township,) if township else None, where)
shown = ledger_status.select(table, status=status, department=None if department == t["all"] else department,
                             township=township)
layout.cards([layout.Card(t[f"n_{s}"], f"{int((shown['status'] == s).sum())} {t['unit_tasks']}".strip())
              for s in ("red", "amber", "green")] +
             [layout.Card(t["n_overdue"], f"{int(shown['overdue'].sum())} {t['unit_tasks']}".strip())])

labels = {"task_id": t["col_id"], "status_zh": t["col_status"], "reason": t["col_reason"], "measure": t["col_measure"],
          "lead": t["col_lead"], "basis": t["col_basis"], "last": t["col_last"], "overdue_reason": t["col_overdue"]}
if shown.empty:
    st.info(t["empty"])
for group, title, sections in ledger_status.tree(shown):
    counts = " ".join(badge(s, n) for s, n in pd.Series([r for _, _, rows in sections for r in rows["status"]])
                      .value_counts().reindex(list(COLOUR)).dropna().astype(int).items())
    with st.expander(f"{group} {title} · {counts}", expanded=any((rows["status"] == "red").any() for _, _, rows in sections)):
        for section, heading, rows in sections:
            st.markdown(f"{badge(ledger_status.worst(rows['status']))} **{section} {heading}**")
            view = rows.assign(last=[ledger_status.say(int(m)) if pd.notna(m) else "" for m in rows["last_report"]])
            tables.show(view[list(labels)], labels, key=f"tasks_{section}")

st.subheader(t["detail"])
pick_from = shown if not shown.empty else table
task_id = st.selectbox(t["pick_task"], list(pick_from["task_id"]), key="tasks_task",
                       format_func=lambda i: f"{i} · {pick_from.set_index('task_id').loc[i, 'measure']}")
task = table.set_index("task_id").loc[task_id]
st.markdown(f"{badge(task['status'])} **{task['section']} {task['task']}** · {task['measure']}  \n"
            f"{t['col_reason']}:{task['reason']}" + (f"  \n⚠️ {task['overdue_reason']}" if task["overdue"] else ""))
facts = {t["col_lead"]: task["lead"], t["partners"]: task["partners"], t["target"]: task["target"],
         t["deadline"]: ledger_status.say(int(task["deadline"])) if task["deadline"] else t["long_term"],
         t["frequency"]: task["frequency"], t["towns"]: task["townships"],
         t["link"]: ledger_plan.link_label(task["link"]) or "—"}
st.markdown("  \n".join(f"{k}:{v}" for k, v in facts.items() if v))
page = next((p for p in auth.visible(PAGES) if p.path == task["page"]), None)
if page is not None:
    st.page_link(page.path, label=f"{t['open_page']}:{page.label()}", icon=page.icon)
past = ledger_status.history(scoped, task_id)
if past.empty:
    st.caption(t["no_history"])
else:
    past = past.assign(month=[ledger_status.say(int(m)) for m in past["month"]],
                       town=[town_name.get(c, c) if c else t["county"] for c in past["township_code"]])
    tables.show(past[["month", "town", "text", "percent", "number", "evidence", "reporter", "account"]],
                {"month": t["col_month"], "town": t["col_town"], "text": t["col_text"], "percent": t["col_percent"],
                 "number": t["col_number"], "evidence": t["col_evidence"], "reporter": t["col_reporter"],
                 "account": t["col_account"]}, key="tasks_history")
    files = sorted({f for e in past["evidence"] for f in re.split(r"[、;;,,]+", e or "") if f.strip()})
    if files:
        st.markdown(f"**{t['evidence']}**:" + "、".join(files))

st.subheader(t["notice"])
st.caption(t["notice_caption"])
load = notices.flagged(table)["lead"].value_counts()  # the departments with most to answer for first
lead = st.selectbox(t["notice_dept"], sorted(ledger_status.departments(table), key=lambda d: (-load.get(d, 0), d)),
                    key="notice_dept", format_func=lambda d: f"{d}({load.get(d, 0)})")
flagged = notices.for_department(table, lead)
if flagged.empty:
    st.caption(t["notice_none"])
else:
    county = data.county_name()  # read now: the download is generated on another thread
    record = auth.export_recorder(f"督办单 {lead}", where, len(flagged), False)
    name = re.sub(r"[\\/:*?\"<>| ]+", "_", f"督办单_{lead}_{date.today():%Y%m%d}")
    files = {"docx": (t["notice_docx"], DOCX, lambda: notices.docx_bytes(flagged, county, lead, date.today())),
             "xlsx": (t["notice_xlsx"], XLSX, lambda: notices.xlsx_bytes(flagged, lead))}
    for column, (kind, (label, mime, make)) in zip(st.columns(2), files.items()):
        with column:
            st.download_button(label, _recorded(make, record), file_name=f"{name}.{kind}", mime=mime,
                               on_click="ignore", icon=":material/download:")
    with st.expander(t["notice_preview"]):
        st.text(notices.text(flagged, county, lead, date.today()))

st.subheader(t["report"])
reporter = ledger_progress.Reporter.of(user, user.name if user else "")
if user is None or user.demo or not reporter.may_report:
    st.caption(t["read_only"])
else:
    st.caption(t["report_caption"])
    st.download_button(t["template"], lambda: workbook.template_bytes(tasks, plan=False), file_name="任务进展模板.xlsx",
                       mime=XLSX, on_click="ignore", icon=":material/download:")
    upload = st.file_uploader(t["upload"], type=["xlsx", "csv"], key="tasks_upload")
    if upload is not None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
            checked = workbook.check([path], store, user.name, names=[upload.name])
        if checked.ok:
            st.success(t["check_ok"])
            if st.button(t["import"], type="primary"):
                st.success(workbook.commit(checked, store))
        else:
            tables.show(checked.report.frame(), HEADERS, key="tasks_problems")
