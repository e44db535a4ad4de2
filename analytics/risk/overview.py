"""The 防返贫监测 figures: monitoring objects of a year, what moved in the year, the model's
high-risk households not yet monitored, and risk types over time. Pure functions of the rows a
page has already scoped."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow.dataset as ds

from analytics.data.contract import MONITORING_CATEGORIES, RISK_TYPES, split_multi, year_of
from analytics.risk.explain import main_risk_type
from analytics.risk.features import monitoring_state


@dataclass(frozen=True)
class MonitoringKpis:
    year: int
    households: int
    monitored_by_category: dict[str, int]
    unresolved: int
    eliminated_this_year: int
    newly_identified: int
    high_risk_unmonitored: int
    high_risk_share: float | None
    people_by_category: dict[str, int]  # 户数与人数: the people of the counts above
    eliminated_this_year_people: int
    newly_identified_people: int


# What `kpis` reads: pages read only these household columns (and SCORED_COLUMNS of the
# model's rows) for a county-wide view.
KPI_COLUMNS = ("year", "monitoring_category", "monitoring_start", "risk_eliminated", "risk_eliminated_at",
               "household_size")
SCORED_COLUMNS = ("year", "village_code", "township_code", "probability", "risk_types")


def kpis(households: pd.DataFrame, scored: pd.DataFrame, year: int, cutoff: float) -> MonitoringKpis:
    """`households`: rows of the year in scope; `scored`: the model's rows of the same year and
    scope (households not under unresolved monitoring)."""
    h = households[households["year"] == year]
    state = monitoring_state(h)
    category = h["monitoring_category"]
    high = int((scored["probability"] >= cutoff).sum())
    size = h["household_size"]
    eliminated = state["monitored"] & year_of(h["risk_eliminated_at"]).eq(year)
    return MonitoringKpis(
        year=year,
        households=len(h),
        monitored_by_category={c: int(category.eq(c).sum()) for c in MONITORING_CATEGORIES},
        unresolved=int(state["unresolved"].sum()),
        eliminated_this_year=int(eliminated.sum()),
        newly_identified=int(state["identified"].sum()),
        high_risk_unmonitored=high,
        high_risk_share=high / len(h) if len(h) else None,
        people_by_category={c: int(size[category.eq(c).fillna(False)].sum()) for c in MONITORING_CATEGORIES},
        eliminated_this_year_people=int(size[eliminated].sum()),
        newly_identified_people=int(size[state["identified"]].sum()),
    )


def village_high_risk_share(scored: pd.DataFrame, households_per_village: pd.Series, cutoff: float) -> pd.Series:
    """Per village: high-risk households not yet monitored, in % of all its households."""
    high = scored[scored["probability"] >= cutoff].groupby("village_code").size()
    high = high.reindex(households_per_village.index, fill_value=0)
    return (high / households_per_village.where(households_per_village > 0) * 100).rename("share")


def monitored_filter() -> ds.Expression:
    """Rows of monitored households, as a Parquet filter (store.read_slice): all that
    `identified_by_risk_type` needs, an eighth of every year's rows."""
    return ds.field("monitoring_category").is_valid()


def identified_by_risk_type(households: pd.DataFrame) -> pd.DataFrame:
    """Households identified as monitoring objects in each year, by recorded risk type (a
    household with several types counts under each): year x risk type. Only monitored rows
    matter, so `households` may be just those (monitored_filter)."""
    h = households[monitoring_state(households)["identified"]]
    rows = [(year, kind) for year, types in zip(h["year"], h["risk_types"]) for kind in split_multi(types)]
    counts = pd.DataFrame(rows, columns=["year", "risk_type"]).value_counts().unstack(fill_value=0)
    return counts.reindex(columns=[r for r in RISK_TYPES if r in counts.columns]).sort_index()


def predicted_by_risk_type(scored: pd.DataFrame, cutoff: float) -> pd.Series:
    """High-risk households not yet monitored, by the risk type of their strongest driver."""
    high = scored[scored["probability"] >= cutoff]
    return main_risk_type(high["risk_types"]).value_counts().rename("households")
