"""The relapse-risk model for pages: read from the store when a saved model matches the
snapshot and settings, otherwise trained once per snapshot (never on a rerun), and scoped to
the user before any page sees a row."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import risk_model_store
from analytics.risk import RiskModel
from analytics.risk_features import LabelSpec
from analytics.risk_training import TrainedRisk
from analytics.store import Store
from ui import data


@st.cache_resource(show_spinner="正在准备返贫风险模型(每个数据快照只需一次)……", max_entries=4)
def _trained(root: str, snapshot_id: str, fingerprint: str) -> tuple[TrainedRisk, dict, str | None]:
    return risk_model_store.for_snapshot(Store(root), snapshot_id)


def trained() -> tuple[TrainedRisk, dict, str | None]:
    """The model of the current snapshot, its meta, and why a saved model was not used.

    Raises RiskDataError (Chinese message) when the snapshot cannot train a model."""
    fingerprint = risk_model_store.fingerprint(LabelSpec.from_settings(), RiskModel())
    return _trained(str(data.store().root), data.snapshot().id, fingerprint)


def predictions(year: int | None = None) -> pd.DataFrame:
    """Scored household-years (optionally one year) of the villages in the user's scope."""
    scored = trained()[0].predictions
    if year is not None:
        scored = scored[scored["year"] == year]
    return scored[scored["village_code"].isin(data.table("villages")["village_code"])]


def evaluation() -> dict | None:
    return trained()[0].evaluation


def townships_in_scope(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a per-township table for the townships the user may see."""
    return frame[frame["township_code"].isin(data.table("townships")["township_code"])]
