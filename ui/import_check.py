"""数据管理's check of an upload: started as a job (analytics.jobs.work.check_upload), so reading
and validating the files never grows the server; its report is read back from the job's folder,
without the checked tables, and shown as the check always showed it."""

from __future__ import annotations

import streamlit as st

from analytics.data.store import Store
from analytics.ingest import persons
from analytics.ingest import pipeline as ingest
from analytics.ingest.report import HEADERS
from analytics.jobs import runner, work
from analytics.jobs.runner import Job
from ui import data, exports, tables

Signature = tuple[list[tuple[str, int]], ingest.Options]  # the files (name, size) and the options checked

HELD = "data_admin_checked"  # (what was uploaded, or None when found after a reload; the check job's id)
ROUND = "data_admin_upload_round"  # how many checked uploads this session has imported


def uploader_key() -> str:
    """The file uploader's key: a new one once its files are imported, so that the uploader starts
    empty. Streamlit copies a widget's value on every rerun of the page: a 170 MB upload left there
    was copied by each rerun while the import and the training ran (up to 0.5 GB at once)."""
    return f"data_admin_files_{st.session_state.get(ROUND, 0)}"


def start(store: Store, files: list, options: ingest.Options, signature: Signature) -> Job:
    """Hand the uploads to a check job; this session then waits for its report. The uploader keeps
    them, so that the user may change an option (the year, say) and check again."""
    job = work.start_check(store, [(f.name, f.getbuffer()) for f in files], options, data.current_user())  # no copy
    st.session_state[HELD] = (signature, job.id)
    return job


def adopt(job: Job) -> None:
    """A check this session saw end (a reloaded tab's too): its report is shown from now on."""
    held = st.session_state.get(HELD)
    if held is None or held[1] != job.id:
        st.session_state[HELD] = (None, job.id)


def held(store: Store, signature: Signature, t: dict[str, str]) -> tuple[str, ingest.Checked] | None:
    """The check job this session waits for or has seen end, with its result once it is there;
    None while it runs, after it failed, or when the upload has changed since."""
    found = st.session_state.get(HELD)
    if found is None:
        return None
    seen, job_id = found
    if signature != seen if seen is not None else bool(signature[0]):
        st.info(t["stale"])
        return None
    checked = work.checked(store.root, job_id)
    if checked is None:
        job = runner.get(store.root, job_id)
        if job is None or not job.running:  # failed (the panel said why) or cleaned away
            del st.session_state[HELD]
        return None
    return job_id, checked


def forget() -> None:
    """A check commits once: a refused one must be redone. Its files are imported (or about to be):
    the uploader lets go of them."""
    st.session_state.pop(HELD, None)
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1


def show_report(checked: ingest.Checked, t: dict[str, str]) -> None:
    report = checked.report
    verdict = report.verdict()
    if not report.ok:
        st.error(verdict, icon=":material/error:")
    elif report.warnings:
        st.warning(verdict, icon=":material/warning:")
    else:
        st.success(verdict, icon=":material/check_circle:")
    if checked.person_files:  # what each person-level file gave, before anything is committed
        st.markdown(f"**{t['persons']}**")
        summary = persons.summary_frame(checked.person_files)
        tables.show(summary, {c: t[f"person_{c}"] for c in summary.columns})
    with st.expander(t["notes"], expanded=report.ok):
        st.markdown("\n".join(f"- {line}" for line in report.notes) or "-")
    problems = report.frame(personal_visible=data.can_see_personal())
    st.markdown(f"**{t['problems']}**")
    if problems.empty:
        st.caption(t["no_problems"])
        return
    order = ["level", "file", "row", "column", "value", "reason"] + (["sheet"] if problems["sheet"].ne("").any() else [])
    tables.show(problems[order], HEADERS, rows=10)
    exports.download(problems, t["report_title"], "、".join(checked.files), key="data_admin_report", headers=HEADERS)
