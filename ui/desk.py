"""乡镇工作台's data: per township, the village table and the four household lists.

Computed once per snapshot, model, year and settings and shared by every session, because in
the monthly push twenty township heads open the desk together. Computed in the background as
soon as a snapshot is served (`prewarm`): under a rush every session gets a small share of the
one Python interpreter, and a head should not wait for twenty others' lists to be computed.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.data import checks
from analytics.data.contract import township_of
from analytics.data.store import Store
from analytics.risk import saved as risk_model_store
from analytics.risk.features import RiskDataError
from analytics.views import guarantees, relocation, township
from ui import data, risk

VILLAGE_COLUMNS = ["village_name", "guarantee_problem", "high_risk", "monitored_unresolved", "jobless", "households",
                   "funds_wan", "paid_share", "village_code"]
LIST_COLUMNS = (  # per tab, the columns shown: what a visitor needs first comes first
    ["village_name", "head_name", "gaps", "years_in_a_row", "household_id", "household_type", "monitoring_category",
     "head_id_number", "household_size", "village_code"],
    ["village_name", "head_name", "monitoring_category", "risk_types", "assistance_measures", "monitoring_start",
     "household_id", "head_id_number", "per_capita_net_income", "household_size", "village_code"],
    ["village_name", "head_name", "probability_pct", "risk_types", "measures", "household_id", "head_id_number",
     "household_size", "village_code"],
    ["village_name", "head_name", "labor_count", "migrant_work_months", "per_capita_net_income", "household_id",
     "head_id_number", "household_size", "village_code"],
    ["village_name", "head_name", "flags", "monitoring_category", "monitoring_start", "risk_eliminated_at",
     "per_capita_net_income", "assistance_measures", "household_id", "head_id_number", "household_size",
     "village_code"],
)


@dataclass(frozen=True)
class Desk:
    villages: pd.DataFrame  # VILLAGE_COLUMNS, worst first
    lists: tuple[pd.DataFrame | None, ...]  # guarantee gaps, open cases, warnings (None: no model), jobless, checks
    model_error: str | None


@dataclass(frozen=True)
class _Key:
    root: str
    snapshot_id: str
    model_id: str | None
    model_error: str | None  # why there is no model (then the warning tab says so)
    year: int
    cutoff: float
    min_months: float
    checks: checks.Config


@st.cache_resource(show_spinner=False, max_entries=256, ttl=3600)
def _desk(key: _Key, town: str, codes: tuple[str, ...]) -> Desk:
    """One township's desk from the villages `codes` (the user's scope is in them). It reads the
    store directly, so that it can also run outside a session (see `prewarm`)."""
    year = key.year
    villages = data.whole_table(key.root, key.snapshot_id, "villages")
    townships = data.whole_table(key.root, key.snapshot_id, "townships")
    read = functools.partial(Store(key.root).rows, "households", key.snapshot_id, villages=list(codes))
    h = pd.concat([guarantees.gap_history(read, year), read(year=year, columns=list(township.HOUSEHOLD_COLUMNS))])
    warned = None
    if key.model_id is not None:
        scored = risk_model_store.predictions(key.root, key.model_id, year=year, villages=list(codes))
        warned = township.warning(scored, h, villages, year, key.cutoff)
    jobless = relocation.jobless(h, villages, townships, year, key.min_months)
    rows, flagged, _ = checks.run(read(year=year, columns=[*checks.COLUMNS, *checks.PERSONAL_COLUMNS]),
                                  data.whole_table(key.root, key.snapshot_id, "monitoring_lines"), year, key.checks)
    checked = checks.listing(rows, flagged, tuple(flagged.columns), villages[villages["village_code"].isin(codes)],
                             townships)
    lists = (guarantees.to_resolve(h, villages, townships, year), township.open_cases(h, villages, year), warned, jobless,
             checked)
    vy = data.whole_table(key.root, key.snapshot_id, "village_year")
    pool = data.whole_table(key.root, key.snapshot_id, "projects")
    table = township.villages_table(
        vy[vy["village_code"].isin(codes)], villages[villages["village_code"].isin(codes)], year,
        high_risk=warned.groupby("village_code").size() if warned is not None else None,
        jobless=jobless.groupby("village_code").size(), projects=pool[township_of(pool["village_code"]) == town])
    return Desk(table[VILLAGE_COLUMNS],
                tuple(None if frame is None else frame[columns] for frame, columns in zip(lists, LIST_COLUMNS)),
                key.model_error)


def _key(root: str, snapshot_id: str, year: int, model_id: str | None, model_error: str | None) -> _Key:
    return _Key(root, snapshot_id, model_id, model_error, year, settings.number("risk.high_risk_probability"),
                settings.integer("relocation.employed_min_months"), checks.Config.from_settings())


def desk(town: str, year: int) -> Desk:
    """The desk of `town` for the signed-in user (their villages of it) in `year`."""
    try:
        model_id, error = risk.trained()[1].id, None
    except RiskDataError as exc:
        model_id, error = None, str(exc)
    villages = data.table("villages")
    key = _key(str(data.store().root), data.snapshot().id, year, model_id, error)
    return _desk(key, town, tuple(villages.loc[villages["township_code"] == town, "village_code"]))


_started: set[tuple[str, str, int]] = set()
_lock = threading.Lock()


def prewarm(year: int | None = None) -> None:
    """Compute every township's desk (default: of the latest year) in a background thread, once
    per snapshot and year: app.py calls it from the first page of a snapshot on, the desk when
    it is opened on another year. Only with a model already saved for the snapshot: training
    one is left to the pages that need it."""
    info = data.snapshot()
    if info is None:
        return
    root = str(data.store().root)
    if year is None:
        year = int(data.whole_table(root, info.id, "monitoring_lines")["year"].max())
    with _lock:
        if (root, info.id, year) in _started:
            return
        _started.add((root, info.id, year))
    threading.Thread(target=_prewarm, args=(root, info.id, year), daemon=True, name="desk-prewarm").start()


def _prewarm(root: str, snapshot_id: str, year: int) -> None:
    model_id = risk_model_store.current(root, snapshot_id)
    if model_id is None or not Store(root).has_table("households", snapshot_id):
        return  # the desk page computes on demand and says what is missing
    key = _key(root, snapshot_id, year, model_id, None)
    for town, rows in data.whole_table(root, snapshot_id, "villages").groupby("township_code"):
        _desk(key, town, tuple(rows["village_code"]))
