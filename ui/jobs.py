"""The heavy work of 数据管理 (an upload's check, an import commit, a model training) followed from the page.

The work runs in a child process (analytics.jobs), never in this server: the page starts it,
then a fragment reads its status file every POLL_S seconds and draws the stages and a bar without
blocking the session. The job is found again from the store, so a reloaded tab (or another
admin's) shows it too. When it lands, this server's cached loaders are emptied once, so that every
page reads the new snapshot or model, and the page shows the outcome as the import always did.
A check changes no data: its landing leaves the caches alone, and the page shows its report.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import datetime

import streamlit as st
from streamlit.runtime.caching.cache_utils import CachedFunc

from analytics.data.store import Store
from analytics.jobs import runner, work
from analytics.jobs.runner import Job, JobBusy
from ui import import_check

POLL_S = 2.0  # a status file read every 2 s costs nothing; a job takes seconds to minutes
WATCHED = "data_admin_job"  # the job this session started or saw running: its outcome is shown once
KEEP = ("ui.session",)  # the sign-in registry: emptying it would sign everyone out
_landed: set[str] = set()  # jobs whose landing this server has acted on
_landed_lock = threading.Lock()


def running(store: Store) -> Job | None:
    job = runner.latest(store.root)
    return job if job is not None and job.running else None


def busy_text(job: Job, t: dict[str, str]) -> str:
    """Who started what, when: for the second admin who wants to import or train meanwhile."""
    return t["busy"].format(user=job.user, what=t.get(f"job_{job.kind}", job.title),
                            at=job.started_at.replace("T", " "))


def start(starter: Callable[[], Job], t: dict[str, str]) -> None:
    """Start a job (or be told to wait) and rerun: the page then follows it."""
    try:
        st.session_state[WATCHED] = starter().id
    except JobBusy as exc:  # another tab or admin started one a moment ago
        st.session_state["data_admin_refused"] = busy_text(exc.job, t)
    st.rerun()


def clear_caches() -> None:
    """Empty every cached loader of ui/ but the sign-in registry: the old snapshot's frames and the
    old model leave this server's memory, and every page reads what the job wrote."""
    st.cache_data.clear()
    for name, module in list(sys.modules.items()):
        if name.startswith("ui.") and name not in KEEP:
            for value in vars(module).values():
                if isinstance(value, CachedFunc):
                    value.clear()


def _land(job: Job) -> None:
    if job.kind == work.CHECK:
        return
    with _landed_lock:
        if job.id in _landed:
            return
        _landed.add(job.id)
    clear_caches()


def panel(store: Store, t: dict[str, str]) -> None:
    """The running job's progress, polled; or, once, the outcome of the job this session watched."""
    job = runner.latest(store.root)
    if job is None:
        return
    if job.running:
        st.session_state[WATCHED] = job.id  # a reloaded tab follows the job it finds
        _follow(str(store.root), job.id, t)
    elif st.session_state.get(WATCHED) == job.id:
        del st.session_state[WATCHED]
        _land(job)
        _outcome(job, t)


def _follow(root: str, job_id: str, t: dict[str, str]) -> None:
    @st.fragment(run_every=POLL_S)
    def follow() -> None:
        job = runner.get(root, job_id)
        if not job.running:
            _land(job)
            st.rerun(scope="app")  # the whole page: the outcome, the history, the buttons again
        _progress(job, t)
    follow()


def _progress(job: Job, t: dict[str, str]) -> None:
    stages = work.STAGES.get(job.kind, ())
    now = stages.index(job.stage) if job.stage in stages else -1
    marks = [("✔ " if i < now else "▶ " if i == now else "○ ") + t[f"stage_{s}"] for i, s in enumerate(stages)]
    with st.container(border=True):
        st.markdown(t["job_running"].format(what=t.get(f"job_{job.kind}", job.title), user=job.user,
                                            at=job.started_at.replace("T", " ")))
        st.markdown(" → ".join(marks))
        seconds = (datetime.now() - datetime.fromisoformat(job.stage_started_at)).total_seconds()
        label = t["job_stage"].format(stage=t.get(f"stage_{job.stage}", t["stage_start"]), seconds=max(0, round(seconds)))
        st.progress(job.fraction, text=label)
        st.caption(t["job_note"])


def _outcome(job: Job, t: dict[str, str]) -> None:
    if job.state == runner.DONE and job.kind == work.CHECK:
        import_check.adopt(job)  # the page shows its report below
    elif job.state == runner.DONE and job.kind == work.IMPORT:
        st.success(t["imported"].format(id=job.result["snapshot"]), icon=":material/check_circle:")
        st.success(job.result["model"], icon=":material/check_circle:")
    elif job.state == runner.DONE:
        st.success(t["trained"].format(model=job.result["model"], snapshot=job.result["snapshot"],
                                       n=job.result["n_train"], seconds=job.result["fit_seconds"]),
                   icon=":material/check_circle:")
    elif job.error_code == "stale":
        st.error(t["overtaken"], icon=":material/sync_problem:")
    else:
        st.error(t["job_failed"].format(what=t.get(f"job_{job.kind}", job.title), error=job.error),
                 icon=":material/error:")
