"""Cached village indicator values and five-dimension scores, keyed by snapshot and method.

Scores and ranks are computed once over the whole county (a township head sees the county
ranks of the villages in scope), then cut to the user's scope like every other loader.
Frames come from st.cache_resource: treat them as read-only.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import DIMENSIONS
from analytics.data.store import Store
from analytics.scoring import composite as scoring
from analytics.scoring import poverty
from analytics.scoring import views as score_views
from ui import data, tables
from ui.text import lang


def _key() -> tuple[str, str]:
    data.require("village_indicators")
    info = data.snapshot()
    return str(data.store().root), info.id


@st.cache_resource(show_spinner=False, max_entries=4)
def _values(root: str, snapshot_id: str) -> pd.DataFrame:
    return indicators.load_values(Store(root), snapshot_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def _not_computable(root: str, snapshot_id: str) -> dict[str, str]:
    return indicators.load_notes(Store(root), snapshot_id)


def not_computable() -> dict[str, str]:
    """Indicators the snapshot's household table cannot give (only 脱贫户 and monitoring
    objects), with the reason: shown, never silently scored on a biased value."""
    return _not_computable(*_key())


@st.cache_resource(show_spinner=False, max_entries=16)
def _scorer(root: str, snapshot_id: str, method: scoring.Method) -> scoring.CompositeScorer:
    return scoring.CompositeScorer.from_settings(method).fit(_values(root, snapshot_id))


@st.cache_resource(show_spinner=False, max_entries=16)
def _table(root: str, snapshot_id: str, method: scoring.Method) -> pd.DataFrame:
    villages = Store(root).table("villages", snapshot_id)
    return scoring.score_villages(_values(root, snapshot_id), villages, _scorer(root, snapshot_id, method),
                                  scoring.Tiers.from_settings())


@st.cache_resource(show_spinner=False, max_entries=32)
def _robustness(root: str, snapshot_id: str, method: scoring.Method, year: int,
                dimension: str) -> pd.DataFrame:
    villages = Store(root).table("villages", snapshot_id)
    return scoring.robustness(_values(root, snapshot_id), villages, scoring.CompositeScorer.from_settings(method), year,
                              scoring.Robustness.from_settings(), None if dimension == scoring.OVERALL else dimension)


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


def method_panel(t: dict[str, str], labels: dict[str, str],
                 method_names: dict[str, str]) -> tuple[str, scoring.Method, scoring.CompositeScorer]:
    """The 五大振兴 method panel: the column shown, normalisation and weighting (custom weights
    when chosen), the weights in use and their notes. Returns the column, the method and the
    fitted scorer; stops the page with the message when the method cannot be used."""
    with st.container(border=True):
        st.markdown(f"**{t['method']}**")
        c1, c2, c3 = st.columns(3)
        column = c1.selectbox(t["column"], [scoring.OVERALL, *DIMENSIONS], key="fd_column", format_func=labels.get,
                              bind="query-params")
        norms = list(scoring.NORMALISATIONS)
        normalisation = c2.selectbox(t["normalisation"], norms, key="fd_norm", bind="query-params",
                                     index=norms.index(settings.text("scoring.normalisation")),
                                     format_func=method_names.get)
        weightings = list(scoring.WEIGHTINGS)
        weighting = c3.selectbox(t["weights"], weightings, key="fd_weights", bind="query-params",
                                 index=weightings.index(settings.text("scoring.weights")),
                                 format_func=method_names.get)
        custom: tuple[tuple[str, float], ...] = ()
        if weighting == "custom":
            st.caption(t["custom_title"])
            inputs = st.columns(len(DIMENSIONS))
            custom = tuple((d, float(col.number_input(labels[d], 0, 100, 20, 5, key=f"fd_custom_{i}")))
                           for i, (d, col) in enumerate(zip(DIMENSIONS, inputs)))
        try:
            method = replace(scoring.Method.from_settings(), normalisation=normalisation, weights=weighting, custom=custom)
            fitted = scorer(method)
        except scoring.ScoringError as exc:
            st.error(str(exc))
            st.stop()
        weights_line = " · ".join(f"{labels[d]} **{w:.0%}**" for d, w in fitted.dimension_weights_.items())
        st.markdown(f"{t['weights_in_use']}:{weights_line}")
        if weighting == "ahp":
            result = scoring.ahp(scoring.parse_matrix(settings.matrix("scoring.ahp_matrix")))
            st.caption(t["cr"].format(cr=result.cr))
        elif weighting == "entropy":
            st.caption(t["entropy_note"])
        with st.expander(t["indicator_weights"]):
            cat = fitted.catalogue_
            name_column = "name_en" if lang() == "en" else "name_zh"
            weights = pd.DataFrame({"dimension": cat["dimension"].map(labels), "name": cat[name_column],
                                    "weight": (fitted.weights_ * 100).round(2)})
            tables.show(weights, {"dimension": t["p_dimension"], "name": t["p_name"], "weight": t["weights"]},
                        formats={"weight": "%.2f%%"})
            if weighting == "ahp":
                st.caption(t["ahp_matrix"])
                tables.show(pd.DataFrame([[str(v) for v in row] for row in settings.matrix("scoring.ahp_matrix")]))
        for note in fitted.notes_:
            st.warning(note)
        for code, reason in not_computable().items():
            st.warning(f"{code}:{reason}")
    return column, method, fitted
