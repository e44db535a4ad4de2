"""Cached loaders keyed by snapshot id, and the user's scope applied before any page sees a row.

Frames come from st.cache_resource (no copy per rerun, so large tables stay cheap); callers
must treat them as read-only. Every public loader returns rows in the signed-in user's scope.
"""

from __future__ import annotations

import os

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from analytics import settings
from analytics.store import SnapshotInfo, Store

STORE_ENV = "DASHBOARD_STORE"


def store() -> Store:
    """The store folder: DASHBOARD_STORE when set (tests, other deployments), else data/store."""
    return Store(os.environ[STORE_ENV]) if os.environ.get(STORE_ENV) else Store()


def snapshot() -> SnapshotInfo | None:
    s = store()
    return s.info() if s.current_id() else None


@st.cache_resource(show_spinner=False, max_entries=64)
def _table(root: str, snapshot_id: str, name: str) -> pd.DataFrame:
    return Store(root).table(name, snapshot_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _map_shapes(root: str, snapshot_id: str, name: str, tolerance: float) -> gpd.GeoDataFrame:
    """Simplified, rounded geometry: computed once per snapshot, it keeps map payloads small."""
    shapes = Store(root).table(name, snapshot_id).to_crs("EPSG:4326")
    simplified = shapes.geometry.simplify(tolerance, preserve_topology=True)
    shapes = shapes.set_geometry(shapely.set_precision(simplified.values, 1e-5))
    return shapes


def allowed_townships() -> tuple[str, ...] | None:
    """Townships the signed-in user may see; None means the whole county."""
    return st.session_state.get("scope_townships")


def _scope(frame: pd.DataFrame, snapshot_id: str) -> pd.DataFrame:
    """Rows of the allowed townships, by township code or by village code."""
    allowed = allowed_townships()
    if allowed is None:
        return frame
    if "township_code" in frame.columns:
        return frame[frame["township_code"].isin(allowed)]
    if "village_code" in frame.columns:
        villages = _table(str(store().root), snapshot_id, "villages")
        codes = set(villages.loc[villages["township_code"].isin(allowed), "village_code"]) | set(allowed)
        return frame[frame["village_code"].isin(codes)]
    return frame


def table(name: str) -> pd.DataFrame:
    """A snapshot table restricted to the user's scope."""
    info = snapshot()
    return _scope(_table(str(store().root), info.id, name), info.id)


def shapes(name: str = "boundaries") -> gpd.GeoDataFrame:
    """Map-ready boundaries in scope: village (`boundaries`) or `township_boundaries`."""
    info = snapshot()
    tolerance = settings.get("map.simplify_tolerance_deg")
    return _scope(_map_shapes(str(store().root), info.id, name, tolerance), info.id)


def county_name() -> str:
    return settings.get("county_name")


def can_see_personal() -> bool:
    """Whether the signed-in role may see names and ID numbers unmasked (admin only)."""
    return bool(st.session_state.get("can_see_personal", False))


def current_user() -> str:
    """The signed-in user's name, recorded with every import, rollback and export."""
    return str(st.session_state.get("user_name", "演示用户"))
