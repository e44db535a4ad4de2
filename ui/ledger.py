"""The plan ledger for the 任务推进 page and the meeting deck: each task's status over a scope,
with the data measures read once per snapshot and scope (pages rerun on every click)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.data.store import Store
from analytics.ledger import notices
from analytics.ledger import plan as ledger_plan
from analytics.ledger import progress as ledger_progress
from analytics.ledger import status as ledger_status
from ui import data, tables
from ui.text import pick
from ui.texts.tasks import TEXT


@st.cache_resource(show_spinner=False, max_entries=32)
def _measured(root: str, snapshot_id: str, townships: tuple[str, ...] | None, where: str) -> ledger_status.Measured:
    return ledger_status.measured(Store(root), townships, where)


def evaluated(townships: tuple[str, ...] | None, where: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(each task's status, the reports behind it) over the townships (None: the county)."""
    store, info = data.store(), data.snapshot()
    reports = ledger_status.for_townships(ledger_progress.read(store), townships)
    measured = _measured(str(store.root), info.id, townships, where) if info else ledger_status.Measured(where)
    return ledger_status.evaluate(ledger_plan.load(store), reports, measured, date.today()), reports


def slide_scope(township: str | None) -> tuple[tuple[str, ...] | None, str]:
    """The deck's scope: the chosen township, else the user's townships, else the county."""
    allowed = data.allowed_townships()
    chosen = (township,) if township else allowed
    names = dict(zip(data.table("townships")["township_code"], data.table("townships")["township_name"]))
    return chosen, "、".join(names.get(c, c) for c in chosen) if chosen else pick(TEXT)["county"]


def slide(township: str | None, height: int) -> None:
    """The deck's slide: counts, then at most ten red or overdue tasks and how many more there are;
    the table leaves 90 px of `height` for the counts and the line under it, so the slide does not scroll."""
    t = pick(TEXT)
    table, _ = evaluated(*slide_scope(township))
    rows, rest = notices.slide(table)
    counts = {s: int((table["status"] == s).sum()) for s in (ledger_status.RED, ledger_status.AMBER,
                                                              ledger_status.GREEN)}
    st.markdown(" ".join(f":{c}-badge[{t[s]} {counts[s]}]" for s, c in zip(counts, ("red", "orange", "green")))
                + f" :gray-badge[{t['overdue']} {int(table['overdue'].sum())}]")
    if rows.empty:
        st.success(t["slide_none"])
        return
    view = rows.assign(flag=[t["overdue"] if o else "" for o in rows["overdue"]])[
        ["task_id", "status_zh", "lead", "reason", "measure", "flag"]]
    tables.show(view, {"task_id": t["col_id"], "status_zh": t["col_status"], "measure": t["col_measure"],
                       "lead": t["col_lead"], "reason": t["col_reason"], "flag": t["col_overdue"]},
                rows=max(2, (height - 90 - tables.HEAD) // tables.ROW))
    if rest:
        st.caption(t["slide_rest"].format(n=rest))
