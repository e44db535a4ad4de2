"""两不愁三保障 and 饮水安全 kept at dynamic zero (动态清零): who has a gap, where, and for how long.

Counts come from the village_year aggregates (additive, so any scope is a sum); the list of
households to resolve comes from the household rows of the chosen year, with how many years
in a row each household has had a gap, so the oldest cases are handled first.

The data contract has no food or clothing (两不愁) column: the guarantees measured are housing,
drinking water, compulsory education and basic medical insurance.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable

import pandas as pd
import pyarrow.dataset as ds

from analytics.data.contract import GUARANTEE_COLUMNS

# Short Chinese labels of each guarantee gap, in the order of the contract.
GAP_LABELS: dict[str, str] = {
    "housing_safe": "住房安全",
    "drinking_water_safe": "饮水安全",
    "compulsory_education_ok": "义务教育",
    "medical_insured_all": "基本医疗参保",
}
ANY = "guarantee_problem"
LIST_COLUMNS = (  # what a visitor needs first comes first (phones show the left columns)
    "village_name", "head_name", "gaps", "years_in_a_row", "gap_count", "township_name", "household_id",
    "household_type", "monitoring_category", "head_id_number", "household_size", "village_code",
)


def by_type(village_year: pd.DataFrame, year: int) -> pd.Series:
    """Households with each gap in one year, plus `guarantee_problem` (any gap)."""
    now = village_year[village_year["year"] == year]
    counts = {c: int(now[f"{c}_problem"].sum()) for c in GUARANTEE_COLUMNS}
    counts[ANY] = int(now[ANY].sum())
    return pd.Series(counts)


def by_area(village_year: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame,
            year: int, level: str = "township") -> pd.DataFrame:
    """One row per township (or village): households with each gap and with any gap, most first.

    `per_thousand` is households with any gap per 1,000 households, to compare areas of
    different size.
    """
    now = village_year[village_year["year"] == year].merge(
        villages[["village_code", "village_name", "township_code"]], on="village_code")
    now = now.merge(townships[["township_code", "township_name"]], on="township_code", how="left")
    columns = [f"{c}_problem" for c in GUARANTEE_COLUMNS] + [ANY, "households"]
    keys = ["township_code", "township_name"] + (["village_code", "village_name"] if level == "village" else [])
    out = now.groupby(keys, as_index=False)[columns].sum()
    out = out.rename(columns={f"{c}_problem": c for c in GUARANTEE_COLUMNS})
    out["per_thousand"] = (out[ANY] / out["households"] * 1000).where(out["households"] > 0)
    return out.sort_values([ANY, keys[-1]], ascending=[False, True]).reset_index(drop=True)


def bottom_line(village_year: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame,
                year: int, level: str = "township") -> pd.DataFrame:
    """The 底线 board: per township (or village), households with each gap and with any gap,
    and `cleared` (no household with a gap). The bottom-line items are gates,
    not scores: a count above zero is red whatever its size, so they are shown here instead
    of in the composite score. Areas with gaps first, then by code."""
    out = by_area(village_year, villages, townships, year, level)
    code = f"{level}_code"
    out["cleared"] = out[ANY] == 0
    return out.sort_values(["cleared", code], ignore_index=True)


def trend(village_year: pd.DataFrame) -> pd.DataFrame:
    """Per year: households with each gap and with any gap (the road to zero)."""
    columns = [f"{c}_problem" for c in GUARANTEE_COLUMNS] + [ANY]
    out = village_year.groupby("year")[columns].sum().rename(
        columns={f"{c}_problem": c for c in GUARANTEE_COLUMNS})
    return out.astype(int).reset_index()


def _gap_flags(households: pd.DataFrame) -> pd.DataFrame:
    """household_id, year and one boolean per gap, for households with at least one gap."""
    gaps = pd.DataFrame({c: ~households[c].astype(bool) for c in GUARANTEE_COLUMNS})
    keep = gaps.any(axis=1)
    return pd.concat([households.loc[keep, ["household_id", "year"]], gaps[keep]], axis=1)


# What `to_resolve` reads of the year's rows; earlier years need only HISTORY_COLUMNS.
SOURCE_COLUMNS = ("household_id", "year", "village_code", "head_name", "head_id_number", "household_type",
                  "monitoring_category", "household_size", *GUARANTEE_COLUMNS)
HISTORY_COLUMNS = ("household_id", "year", *GUARANTEE_COLUMNS)


def gap_filter(until: int | None = None) -> ds.Expression:
    """Rows with any unmet guarantee (up to year `until`), as a Parquet filter for
    store.read_slice: `flow` and `to_resolve` need only these rows, a few percent of all."""
    gap = functools.reduce(operator.or_, (ds.field(c) == False for c in GUARANTEE_COLUMNS))  # noqa: E712
    return gap if until is None else gap & (ds.field("year") <= until)


def flow(households: pd.DataFrame, years: list[int] | None = None) -> pd.DataFrame:
    """Per year: households with a gap that is new, carried over from last year, or resolved.

    new = gap this year, none last year; carried = gap both years; resolved = gap last year,
    none this year (the household is still in the data). The first year has everything new.
    Households that never had a gap change nothing, so `households` may be only the rows of
    those that had one; then pass every year in `years`.
    """
    flags = _gap_flags(households)
    years = sorted(years if years is not None else households["year"].unique())
    present = households.groupby("year")["household_id"].agg(set)
    with_gap = flags.groupby("year")["household_id"].agg(set)
    rows = []
    for i, year in enumerate(years):
        now = with_gap.get(year, set())
        before = with_gap.get(years[i - 1], set()) if i else set()
        rows.append({
            "year": int(year),
            "new": len(now - before),
            "carried": len(now & before),
            "resolved": len((before - now) & present.get(year, set())),
        })
    return pd.DataFrame(rows)


def gap_history(read: Callable[..., pd.DataFrame], year: int) -> pd.DataFrame:
    """The gap rows of the years before `year` (HISTORY_COLUMNS): what `to_resolve` needs besides
    the year's own rows. `read` takes store.read_slice's arguments (ui.scope.households does)."""
    return read(columns=list(HISTORY_COLUMNS), where=gap_filter(year - 1))


def read_to_resolve(read: Callable[..., pd.DataFrame], villages: pd.DataFrame, townships: pd.DataFrame,
                    year: int) -> pd.DataFrame:
    """`to_resolve` from the gap rows alone, read with `read` (as in `gap_history`)."""
    rows = pd.concat([gap_history(read, year), read(year=year, columns=list(SOURCE_COLUMNS), where=gap_filter())])
    return to_resolve(rows, villages, townships, year)


def read_flow(read: Callable[..., pd.DataFrame], years: list[int]) -> pd.DataFrame:
    """`flow` from the rows of the households that ever had a gap, read with `read`."""
    ever = read(columns=["household_id"], where=gap_filter())["household_id"].unique()
    return flow(read(columns=list(HISTORY_COLUMNS), where=(("household_id", "in", list(ever)),)), years)


def years_in_a_row(households: pd.DataFrame, year: int) -> pd.Series:
    """For each household with a gap in `year`: consecutive years with any gap, ending in `year`."""
    flags = _gap_flags(households[households["year"] <= year])
    by_household = flags.groupby("household_id")["year"].agg(set)
    current = by_household[by_household.map(lambda ys: year in ys)]

    def run(ys: set[int]) -> int:
        n = 0
        while year - n in ys:
            n += 1
        return n

    return current.map(run).rename("years_in_a_row")


def to_resolve(households: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame,
               year: int) -> pd.DataFrame:
    """The households with any gap in `year`, longest-standing and most gaps first. Only rows
    with a gap matter, so `households` may be just those (gap_filter(year)).

    `gaps` names the unmet guarantees in Chinese; personal columns are returned as they are and
    must be masked by the caller (analytics.access.privacy.mask_frame) unless the user may see them.
    """
    now = households[households["year"] == year]
    gaps = pd.DataFrame({c: ~now[c].astype(bool) for c in GUARANTEE_COLUMNS})
    rows = now[gaps.any(axis=1)].copy()
    gaps = gaps[gaps.any(axis=1)]
    rows["gaps"] = gaps.apply(lambda r: "、".join(GAP_LABELS[c] for c in GUARANTEE_COLUMNS if r[c]), axis=1) \
        if len(rows) else pd.Series(dtype=str)
    rows["gap_count"] = gaps.sum(axis=1).astype(int)
    rows["years_in_a_row"] = rows["household_id"].map(years_in_a_row(households, year)).fillna(1).astype(int)
    rows = rows.merge(villages[["village_code", "village_name", "township_code"]], on="village_code", how="left")
    rows = rows.merge(townships[["township_code", "township_name"]], on="township_code", how="left")
    rows = rows.sort_values(["years_in_a_row", "gap_count", "township_name", "village_name", "household_id"],
                            ascending=[False, False, True, True, True])
    return rows[list(LIST_COLUMNS)].reset_index(drop=True)
