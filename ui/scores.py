"""Cached village indicator values and five-dimension scores, keyed by snapshot and method.

Scores and ranks are computed once over the whole county (a township head sees the county
ranks of the villages in scope), then cut to the user's scope like every other loader.
Frames come from st.cache_resource: treat them as read-only.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.data import indicators
from analytics.data.store import Store
from analytics.scoring import composite as scoring
from analytics.scoring import poverty
from analytics.scoring import views as score_views
from ui import data


def _key() -> tuple[str, str]:
    info = data.snapshot()
    return str(data.store().root), info.id


@st.cache_resource(show_spinner=False, max_entries=4)
def _values(root: str, snapshot_id: str) -> pd.DataFrame:
    return indicators.load_values(Store(root), snapshot_id)


@st.cache_resource(show_spinner=False, max_entries=16)
def _scorer(root: str, snapshot_id: str, method: scoring.Method) -> scoring.CompositeScorer:
    return scoring.CompositeScorer(method).fit(_values(root, snapshot_id))


@st.cache_resource(show_spinner=False, max_entries=16)
def _table(root: str, snapshot_id: str, method: scoring.Method) -> pd.DataFrame:
    villages = Store(root).table("villages", snapshot_id)
    return scoring.score_villages(_values(root, snapshot_id), villages, scorer=_scorer(root, snapshot_id, method))


@st.cache_resource(show_spinner=False, max_entries=32)
def _robustness(root: str, snapshot_id: str, method: scoring.Method, year: int,
                dimension: str) -> pd.DataFrame:
    villages = Store(root).table("villages", snapshot_id)
    return scoring.robustness(_values(root, snapshot_id), villages, method, year,
                              dimension=None if dimension == scoring.OVERALL else dimension)


@st.cache_resource(show_spinner=False, max_entries=16)
def _normalised(root: str, snapshot_id: str, method: scoring.Method) -> pd.DataFrame:
    return _scorer(root, snapshot_id, method).normalise(_values(root, snapshot_id))


def _in_scope(frame: pd.DataFrame) -> pd.DataFrame:
    codes = data.table("villages")["village_code"]
    return frame[frame["village_code"].isin(codes)]


def indicator_values() -> pd.DataFrame:
    """All indicator values (supplied and derived) of the villages in scope, long format."""
    return _in_scope(_values(*_key()))


def scorer(method: scoring.Method) -> scoring.CompositeScorer:
    """The fitted scorer: weights in use, normalisation bounds, notes."""
    return _scorer(*_key(), method)


def scores(method: scoring.Method) -> pd.DataFrame:
    """`scoring.score_villages` over the county, cut to the villages in scope."""
    return _in_scope(_table(*_key(), method))


def ranked_count(method: scoring.Method, year: int, column: str = scoring.OVERALL) -> int:
    """How many villages of the county have a rank on `column` in `year` (the "of N" of a rank)."""
    table = _table(*_key(), method)
    return int(table.loc[table["year"] == year, column].notna().sum())


def profile(method: scoring.Method, village_code: str, year: int) -> pd.DataFrame:
    """One village's indicators with their county ranks; empty when the village is out of scope."""
    if village_code not in set(data.table("villages")["village_code"]):
        return pd.DataFrame()
    root, snapshot_id = _key()
    return score_views.profile(_values(root, snapshot_id), _normalised(root, snapshot_id, method), village_code, year)


def normalised(method: scoring.Method) -> pd.DataFrame:
    """Indicator scores 0-100 per village and year (index village_code, year), in scope."""
    frame = _normalised(*_key(), method)
    codes = set(data.table("villages")["village_code"])
    return frame[frame.index.get_level_values("village_code").isin(codes)]


def robustness(method: scoring.Method, year: int, dimension: str = scoring.OVERALL) -> pd.DataFrame:
    """Rank intervals (5-95%) under random weights and switched normalisation, in scope."""
    return _in_scope(_robustness(*_key(), method, year, dimension))


@st.cache_resource(show_spinner=False, max_entries=16)
def _poverty(root: str, snapshot_id: str, year: int, k: float, weights: tuple[tuple[str, float], ...],
             townships: tuple[str, ...] | None):
    store = Store(root)
    villages = store.table("villages", snapshot_id)
    if townships is not None:
        villages = villages[villages["township_code"].isin(townships)]
    now = store.rows("households", snapshot_id, year=year,
                     villages=None if townships is None else list(villages["village_code"]), columns=[
        "year", "village_code", "per_capita_net_income",
        *(column for _, column in poverty.HOUSEHOLD_DIMENSIONS.values() if column != "per_capita_net_income")])
    return poverty.by_area(now.reset_index(drop=True), store.table("monitoring_lines", snapshot_id), villages,
                           k, dict(weights))


def multidimensional(year: int, k: float, weights: dict[str, float]):
    """Alkire-Foster over the households in scope in `year`: (result, by township, by village)."""
    allowed = data.allowed_townships()
    return _poverty(*_key(), year, k, tuple(sorted(weights.items())),
                    tuple(sorted(allowed)) if allowed is not None else None)
