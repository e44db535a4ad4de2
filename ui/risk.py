"""The relapse-risk model for pages: read from the store when a saved model matches the
snapshot and settings, otherwise trained once per snapshot (never on a rerun), and scoped to
the user before any page sees a row.

The model is held without its scored rows; a page reads the slice it shows (one year, the
villages selected), which keeps a million-household county within the server's memory."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.data.store import Store
from analytics.risk import overview as risk_overview
from analytics.risk import saved as risk_model_store
from analytics.risk.training import TrainedRisk
from ui import data, scope


@st.cache_resource(show_spinner="正在准备返贫风险模型(每个数据快照只需一次)……", max_entries=4)
def _trained(root: str, snapshot_id: str, model_key: str) -> tuple[TrainedRisk, risk_model_store.ModelMeta, str | None]:
    return risk_model_store.for_snapshot(Store(root), snapshot_id)


def trained() -> tuple[TrainedRisk, risk_model_store.ModelMeta, str | None]:
    """The model of the current snapshot (without its scored rows), its meta, and why a saved
    model was not used.

    Raises RiskDataError (Chinese message) when the snapshot cannot train a model."""
    return _trained(str(data.store().root), data.snapshot().id, model_key())


def model_key() -> str:
    """What identifies the model for a cache key: the snapshot and the settings it depends on."""
    return f"{data.snapshot().id}:{risk_model_store.current_fingerprint()}"


def predictions(year: int | None = None, villages: pd.Index | list[str] | None = None, *,
                columns: list[str] | None = None, where: tuple = ()) -> pd.DataFrame:
    """Scored household-years of one year (or all) and of `villages` (default: those the
    filters select), within the user's scope; arguments as ui.data.households."""
    villages = scope.selected_villages() if villages is None else villages
    meta = trained()[1]
    return risk_model_store.predictions(data.store().root, meta.id, year=year,
                                        villages=data.scoped_villages(villages), columns=columns, where=where)


def high_risk(year: int, cutoff: float, villages: pd.Index | None = None) -> pd.DataFrame:
    """Scored rows at or above `cutoff` (SCORED_COLUMNS only) of `villages` (default: those
    selected): all that a county-wide view counts, and a small share of the rows."""
    return predictions(year, villages, columns=list(risk_overview.SCORED_COLUMNS),
                       where=(("probability", ">=", cutoff),))


@st.cache_data(show_spinner=False, max_entries=64)
def _kpis(scope_key: tuple, year: int, cutoff: float) -> risk_overview.MonitoringKpis:
    households = scope.households(year, columns=list(risk_overview.KPI_COLUMNS))
    return risk_overview.kpis(households, high_risk(year, cutoff), year, cutoff)


def kpis(year: int, cutoff: float) -> risk_overview.MonitoringKpis:
    """Monitoring KPIs of the selected villages, computed once per scope, year and cutoff."""
    return _kpis((*scope.key(), model_key()), year, cutoff)


def evaluation() -> dict | None:
    return trained()[0].evaluation


def townships_in_scope(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a per-township table for the townships the user may see."""
    return frame[frame["township_code"].isin(data.table("townships")["township_code"])]
