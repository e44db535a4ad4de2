"""Cached loaders keyed by snapshot id, and the user's scope applied before any page sees a row.

Frames come from st.cache_resource (no copy per rerun, so large tables stay cheap); callers
must treat them as read-only. Every public loader returns rows in the signed-in user's scope.
"""

from __future__ import annotations

import json
import threading

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from analytics import settings
from analytics.access.scope import Scope, ScopeError
from analytics.data import county, county_settings
from analytics.data.store import SLICED_TABLES, SnapshotInfo, Store
from analytics.ingest.templates import missing_table
from ui.session import current_user as _signed_in
from ui.session import store

UNNAMED_COUNTY = "本县"  # a snapshot written before counties were recorded
_run = threading.local()  # Streamlit runs a session's script in its own thread


def pin_snapshot() -> SnapshotInfo | None:
    """Read the current snapshot once, at the start of a run (app.py): every table of the run
    then comes from one snapshot even if an import lands mid-run, and a rerun asks the
    database once instead of forty times."""
    _run.snapshot = store().current()
    return _run.snapshot


def snapshot() -> SnapshotInfo | None:
    """The snapshot this run pinned (the current one when nothing was pinned)."""
    return getattr(_run, "snapshot", None) or store().current()


@st.cache_resource(show_spinner=False, max_entries=64)
def whole_table(root: str, snapshot_id: str, name: str) -> pd.DataFrame:
    """A snapshot table for every township, whoever is signed in: only for code that cuts it to
    a scope itself (ui.desk works from village codes already in the user's scope)."""
    return Store(root).table(name, snapshot_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _map_shapes(root: str, snapshot_id: str, name: str, tolerance: float) -> gpd.GeoDataFrame:
    """Simplified, rounded geometry: computed once per snapshot, it keeps map payloads small."""
    shapes = Store(root).table(name, snapshot_id).to_crs("EPSG:4326")
    simplified = shapes.geometry.simplify(tolerance, preserve_topology=True)
    shapes = shapes.set_geometry(shapely.set_precision(simplified.values, 1e-5))
    return shapes


def allowed_townships() -> tuple[str, ...] | None:
    """Townships the signed-in user may see; None means the whole county, () nothing at all.

    It comes from the account held server-side by ui.auth, never from anything the browser
    can set; without a signed-in user no township is allowed.
    """
    user = _signed_in()
    return () if user is None else user.allowed_townships


@st.cache_resource(show_spinner=False, max_entries=256)
def _scoped_table(root: str, snapshot_id: str, name: str, townships: tuple[str, ...] | None) -> pd.DataFrame:
    """A table cut to a scope once per snapshot and scope, not on every rerun."""
    return Scope(townships).apply(whole_table(root, snapshot_id, name), whole_table(root, snapshot_id, "villages"))


@st.cache_resource(show_spinner=False, max_entries=64)
def _scoped_shapes(root: str, snapshot_id: str, name: str, tolerance: float,
                   townships: tuple[str, ...] | None) -> gpd.GeoDataFrame:
    return Scope(townships).apply(_map_shapes(root, snapshot_id, name, tolerance),
                                  whole_table(root, snapshot_id, "villages"))


def table(name: str) -> pd.DataFrame:
    """A snapshot table restricted to the user's scope; household rows come from `households`."""
    if name in SLICED_TABLES:
        raise ValueError(f"{name} is read in slices: use ui.data.households")
    info = snapshot()
    return _scoped_table(str(store().root), info.id, name, allowed_townships())


def households(year: int | None = None, villages: pd.Index | list[str] | None = None, *,
               columns: list[str] | None = None, where: tuple = ()) -> pd.DataFrame:
    """Household rows in the user's scope, read from the snapshot for this call only.

    The whole table is never held (five million rows at a million households): ask for one
    year, the villages shown (None: all in scope) and the columns used; `where` adds Parquet
    filters such as ("relocated", "==", True). Cache what you compute from it, not the rows.
    """
    info = snapshot()
    return store().rows("households", info.id, year=year, villages=scoped_villages(villages),
                        columns=columns, where=where)


def scoped_villages(villages: pd.Index | list[str] | None) -> list[str] | None:
    """`villages` cut to the user's scope; None stays None when the user sees the whole county."""
    if allowed_townships() is None:
        return None if villages is None else sorted(villages)
    allowed = table("villages")["village_code"]
    return sorted(allowed if villages is None else set(villages) & set(allowed))


def has(name: str) -> bool:
    """Whether the current data holds this table (a county may import its indicators and
    boundaries after its households)."""
    info = snapshot()
    return info is not None and store().has_table(name, info.id)


def missing(name: str) -> None:
    """Say which table a part of the page needs and how to import it."""
    st.info(missing_table(name), icon=":material/upload_file:")


def require(name: str) -> None:
    """Stop the page, saying which table it needs and how to import it, when the data lacks it."""
    if not has(name):
        missing(name)
        st.stop()


def shapes(name: str = "boundaries") -> gpd.GeoDataFrame:
    """Map-ready boundaries in scope: village (`boundaries`) or `township_boundaries`."""
    require("boundaries")  # township boundaries are derived from the villages'
    info = snapshot()
    tolerance = settings.number("map.simplify_tolerance_deg")
    return _scoped_shapes(str(store().root), info.id, name, tolerance, allowed_townships())


def in_scope(frame: pd.DataFrame) -> pd.DataFrame:
    """Any frame with a township or village code (or, failing those, a household id), cut to
    the user's scope.

    For results computed on the whole county (a model trained on every township, say) before
    they are shown or exported: compute on all rows, show only these.
    """
    info = snapshot()
    try:
        return Scope(allowed_townships()).apply(frame, whole_table(str(store().root), info.id, "villages"))
    except ScopeError:
        column = next((c for c in ("household_id", "户编号") if c in frame.columns), None)
        if column is None:
            raise
        return frame[frame[column].isin(set(households(columns=["household_id"])["household_id"]))]


@st.cache_resource(show_spinner=False, max_entries=16)
def _county(root: str, snapshot_id: str) -> county.County | None:
    return county.read(Store(root), snapshot_id)


def county_name() -> str:
    """The county of the pinned snapshot, for titles, scope lines, exports and the deck."""
    info = snapshot()
    found = _county(str(store().root), info.id) if info is not None else None
    return found.name if found is not None else UNNAMED_COUNTY


def apply_county_settings() -> None:
    """The store's own settings over the shipped defaults, read once per run (app.py) and kept
    for the run's banner and exports, so that a change on the 系统设置 page applies at the next
    click without the database being asked again by every download button."""
    own = county_settings.values(store())
    settings.use(own)
    _run.county_settings = tuple(sorted((key, json.dumps(value, sort_keys=True)) for key, value in own.items()))


@st.cache_data(show_spinner=False, max_entries=16)
def _unconfirmed(root: str, snapshot_id: str, own: tuple[tuple[str, str], ...]) -> list[str]:
    return county_settings.unconfirmed(Store(root))


def unconfirmed_settings() -> list[str]:
    """County-owned settings still at the demo's values after a real import (the banner and the
    参数未确认 footer of briefings, decks and exports)."""
    info = snapshot()
    if info is None:
        return []
    own = getattr(_run, "county_settings", None)
    if own is None:  # a run that did not start in app.py (a page test): ask the store
        own = tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in county_settings.values(store()).items()))
    return _unconfirmed(str(store().root), info.id, own)


def can_see_personal() -> bool:
    """Whether the signed-in role may see names and ID numbers unmasked (admin only)."""
    user = _signed_in()
    return user is not None and user.can_see_personal


def can_see_names() -> bool:
    """Whether names show whole (the admin; a 乡镇 account in its own townships, by setting):
    household lists are already cut to the user's townships, so this is the only test."""
    user = _signed_in()
    return user is not None and user.can_see_names


def is_trial() -> bool:
    """Whether this is the no-account trial (免登录体验), where nothing may be written to the store."""
    user = _signed_in()
    return user is not None and user.demo


def current_user() -> str:
    """The signed-in user's name, recorded with every import, rollback and export."""
    user = _signed_in()
    return user.name if user is not None else "未登录"



def setting_label(key: str) -> str:
    """A setting as the admin banner names it: its short Chinese name, with the key the 系统设置
    page lists it under."""
    name = settings.label(key)
    return key if name == key else f"{name}({key})"
