"""乡镇工作台: what a township head checks, village by village, and the household lists the
township's staff take to the field.

Functions take frames already cut to the township (and the user's scope) and one year.
"""

from __future__ import annotations

import pandas as pd

from analytics.data.contract import is_unresolved
from analytics.views import guarantees, relocation

OPEN_COLUMNS = (
    "household_id", "village_code", "village_name", "head_name", "head_id_number", "monitoring_category",
    "monitoring_start", "risk_types", "assistance_measures", "per_capita_net_income", "household_size",
)
# What the desk's lists read of the year's household rows (earlier years: only the gap rows'
# guarantees.HISTORY_COLUMNS, for how many years a gap has lasted).
HOUSEHOLD_COLUMNS = tuple(sorted({
    *guarantees.SOURCE_COLUMNS, *relocation.COLUMNS, *(c for c in OPEN_COLUMNS if c != "village_name"),
    "risk_eliminated"}))
WARNING_COLUMNS = (
    "household_id", "village_code", "village_name", "head_name", "head_id_number", "probability_pct",
    "risk_types", "measures", "household_size",
)


def villages_table(village_year: pd.DataFrame, villages: pd.DataFrame, year: int, *,
                   high_risk: pd.Series | None = None, jobless: pd.Series | None = None,
                   projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per village: households, unresolved monitored households, households with a
    guarantee gap, predicted high-risk households not monitored, relocated households with
    labour and nobody employed, and this year's funds and paid share. Worst first."""
    now = village_year[village_year["year"] == year].set_index("village_code")
    out = villages.set_index("village_code")[["village_name"]].join(
        now[["households", "monitored_unresolved", "guarantee_problem"]], how="left").fillna(0)
    out["high_risk"] = (high_risk if high_risk is not None else pd.Series(dtype=float)).reindex(out.index).fillna(0)
    out["jobless"] = (jobless if jobless is not None else pd.Series(dtype=float)).reindex(out.index).fillna(0)
    if projects is not None:
        this_year = projects[(projects["year"] == year) & (projects["status"] != "储备")]
        money = this_year.groupby("village_code")[["funds_wan", "disbursed_wan"]].sum()
        out["funds_wan"] = money["funds_wan"].reindex(out.index).fillna(0.0)
        out["paid_share"] = (money["disbursed_wan"] / money["funds_wan"] * 100).reindex(out.index)
    counts = ["households", "monitored_unresolved", "guarantee_problem", "high_risk", "jobless"]
    out[counts] = out[counts].astype(int)
    return sort_villages(out.reset_index(), "guarantee_problem")


# The desk's one-tap orders: the count a township head wants first, then the others as tie-breaks.
SORTS = ("high_risk", "guarantee_problem", "monitored_unresolved")


def sort_villages(table: pd.DataFrame, first: str) -> pd.DataFrame:
    """Villages by `first` (one of SORTS), most first; ties by the other counts, then by name."""
    keys = [first, *(k for k in ("guarantee_problem", "high_risk", "monitored_unresolved") if k != first)]
    ordered = table.sort_values([*keys, "village_name"], ascending=[False] * len(keys) + [True], kind="stable")
    return ordered.reset_index(drop=True)


def open_cases(households: pd.DataFrame, villages: pd.DataFrame, year: int) -> pd.DataFrame:
    """Monitored households whose risk is not eliminated in `year`, longest monitored first."""
    now = households[households["year"] == year]
    rows = now[is_unresolved(now)]
    rows = rows.merge(villages[["village_code", "village_name"]], on="village_code", how="left")
    rows = rows.sort_values(["monitoring_start", "village_name", "household_id"])
    return rows[list(OPEN_COLUMNS)].reset_index(drop=True)


def warning(scored: pd.DataFrame, households: pd.DataFrame, villages: pd.DataFrame, year: int,
            cutoff: float) -> pd.DataFrame:
    """Households not under monitoring whose predicted relapse probability is at or above
    `cutoff`, most likely first, with the household head (to be masked by the caller)."""
    high = scored[(scored["year"] == year) & (scored["probability"] >= cutoff)]
    heads = households[households["year"] == year][["household_id", "head_name", "head_id_number", "household_size"]]
    rows = high.merge(heads, on="household_id", how="left").merge(
        villages[["village_code", "village_name"]], on="village_code", how="left")
    rows["probability_pct"] = rows["probability"] * 100
    rows = rows.sort_values("probability", ascending=False)
    return rows[list(WARNING_COLUMNS)].reset_index(drop=True)



def high_risk_by_township(scored: pd.DataFrame, cutoff: float, townships: pd.DataFrame, n: int) -> pd.Series:
    """Households at or above the risk `cutoff` per township (by name), most first, top `n`."""
    high = scored[scored["probability"] >= cutoff]
    counts = high.groupby("township_code").size().sort_values(ascending=False).head(n)
    counts.index = counts.index.map(townships.set_index("township_code")["township_name"])
    return counts
