"""Aggregates computed once when a snapshot is written, so pages never scan household rows
just to draw a KPI card or a map.

`village_year` holds, per village and year, the counts every overview needs; the counts are
additive, so a township or the county is a plain sum of its villages.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from analytics.data import indicators
from analytics.data.contract import GUARANTEE_COLUMNS, MONITORING_CATEGORIES, is_unresolved, year_of

# Counts that official reports give as "X户Y人": each also has a `<count>_people` column.
PEOPLE_OF = ("monitored", "monitored_unresolved", "eliminated", "newly_identified", "guarantee_problem")
# Additive columns of village_year; shares and means are computed from them on demand.
COUNT_COLUMNS = (
    "households", "people", "poor_households", "poor_people", "income_total", "poor_income_total",
    "monitored", "monitored_unresolved", "eliminated", "newly_identified", "below_line",
    "guarantee_problem", *(f"{c}_problem" for c in GUARANTEE_COLUMNS),
    *(f"monitored_{c}" for c in MONITORING_CATEGORIES),
    *(f"{c}_people" for c in PEOPLE_OF),
)


def village_year(households: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """The counts of every village and year, derived a year at a time: the counts are per
    village-year (none looks at another year), and the temporaries of a whole panel (thirty
    columns of five million rows at a million households) would not fit the memory bound."""
    keys = ["village_code", "year"]
    years = sorted(households["year"].unique())
    # one year's rows at a time: a list of every year's would hold the whole table again
    parts = [_village_year(households[households["year"] == year], lines) for year in years]
    parts = parts or [_village_year(households, lines)]  # no rows: the empty table, its columns typed
    out = pd.concat(parts).sort_values(keys, kind="stable", ignore_index=True)
    # Sums of floats over the whole table at once, as ever: pandas adds a group's rows pairwise
    # when the rows come sorted by group (a year's do) and compensated otherwise (the whole
    # table's), so summed a year at a time the stored totals would move in their last digit.
    income = households["per_capita_net_income"] * households["household_size"]
    poor = households["household_type"].eq("脱贫户")
    by = [households[k] for k in keys]
    out["income_total"] = income.groupby(by, observed=True).sum().to_numpy()
    out["poor_income_total"] = income.where(poor, 0.0).groupby(by, observed=True).sum().to_numpy()
    return out


def _village_year(h: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    line = h["year"].map(lines.set_index("year")["threshold_yuan"])
    monitored = h["monitoring_category"].notna()
    eliminated = monitored & ~is_unresolved(h)
    start_year = year_of(h["monitoring_start"])
    poor = h["household_type"].eq("脱贫户")
    income = h["per_capita_net_income"] * h["household_size"]
    problems = pd.DataFrame({f"{c}_problem": ~h[c].astype(bool) for c in GUARANTEE_COLUMNS})
    frame = pd.DataFrame({
        "village_code": h["village_code"],
        "year": h["year"],
        "households": 1,
        "people": h["household_size"],
        "poor_households": poor.astype(int),
        "poor_people": h["household_size"].where(poor, 0),
        "income_total": income,
        "poor_income_total": income.where(poor, 0.0),
        "monitored": monitored.astype(int),
        "monitored_unresolved": (monitored & ~eliminated).astype(int),
        "eliminated": (monitored & eliminated).astype(int),
        "newly_identified": (monitored & start_year.eq(h["year"])).astype(int),
        "below_line": (h["per_capita_net_income"] < line).astype(int),
        "guarantee_problem": problems.any(axis=1).astype(int),
        **{col: problems[col].astype(int) for col in problems},
        **{f"monitored_{c}": h["monitoring_category"].eq(c).fillna(False).astype(int)
           for c in MONITORING_CATEGORIES},
    })
    for count in PEOPLE_OF:
        frame[f"{count}_people"] = h["household_size"].where(frame[count] == 1, 0)
    return frame.groupby(["village_code", "year"], as_index=False, observed=True).sum()


def township_boundaries(boundaries: gpd.GeoDataFrame, villages: pd.DataFrame) -> gpd.GeoDataFrame:
    merged = boundaries.merge(villages[["village_code", "township_code"]], on="village_code")
    return merged.dissolve(by="township_code", as_index=False)[["township_code", "geometry"]]


def with_derived(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The source tables of a snapshot and the tables derived from them, ready for the store:
    aggregates are computed once, when a snapshot is written, so that pages never recompute them."""
    return {**tables, **derive(tables)}


def derive(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every derived table a snapshot keeps, from whichever source tables it has."""
    out: dict[str, pd.DataFrame] = {}
    if "households" in tables and "monitoring_lines" in tables:
        out["village_year"] = village_year(tables["households"], tables["monitoring_lines"])
    if "households" in tables:
        out["derived_indicators"] = indicators.derive(tables["households"])
        out[indicators.NOTES_TABLE] = indicators.notes(tables["households"])
    if "boundaries" in tables and "villages" in tables:
        out["township_boundaries"] = township_boundaries(tables["boundaries"], tables["villages"])
    return out
