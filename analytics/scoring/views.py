"""What the 五大振兴 page and a village profile show, computed from the scores: area means,
trends, the ranking with rank intervals, and one village's indicators with their ranks."""

from __future__ import annotations

import pandas as pd

from analytics.data import indicators
from analytics.scoring import composite as scoring


def area_means(table: pd.DataFrame, columns: list[str], village_codes: pd.Index | list[str] | None = None
               ) -> pd.DataFrame:
    """Mean score per year over the villages given (all when None): an unweighted mean of
    villages, so that every village counts once whatever its size."""
    rows = table if village_codes is None else table[table["village_code"].isin(village_codes)]
    return rows.groupby("year")[columns].mean()


def ranking(table: pd.DataFrame, year: int, column: str, intervals: pd.DataFrame | None = None
            ) -> pd.DataFrame:
    """One year's villages ordered by `column` (a dimension or `overall`) with its rank, tier,
    change on last year and, when given, the 5-95% rank interval and robustness flag."""
    rank = scoring.rank_column(column)
    now = table[table["year"] == year]
    before = table[table["year"] == year - 1].set_index("village_code")[column]
    out = pd.DataFrame({
        "village_code": now["village_code"].to_numpy(),
        "township_code": now["township_code"].to_numpy(),
        "rank": now[rank].to_numpy(),
        "score": now[column].to_numpy(),
        "change": (now[column] - now["village_code"].map(before)).to_numpy(),
        "tier": scoring.Tiers.from_settings().assign(now[column]).to_numpy(),
    })
    if intervals is not None:
        out = out.merge(intervals[["village_code", "rank_p05", "rank_p95", "robust"]], on="village_code", how="left")
    return out.sort_values(["rank", "village_code"], na_position="last", ignore_index=True)


def profile(values: pd.DataFrame, normalised: pd.DataFrame, village_code: str, year: int) -> pd.DataFrame:
    """Every catalogue indicator of one village: value in `year`, change on last year, its
    0-100 score, its rank among the villages given (1 = best, direction taken into account),
    its yearly values (for a sparkline) and the target."""
    cat = indicators.catalogue()
    mine = values[values["village_code"] == village_code]
    wide = mine.pivot_table(index="indicator_code", columns="year", values="value", aggfunc="first")
    wide = wide.reindex(index=cat.index)
    years = sorted(int(y) for y in wide.columns)
    scores_now = normalised.xs(year, level="year") if year in normalised.index.get_level_values("year") else None
    out = pd.DataFrame({
        "indicator_code": cat.index,
        "dimension": cat["dimension"].to_numpy(),
        "name": cat["name_zh"].to_numpy(),
        "unit": cat["unit"].to_numpy(),
        "value": wide[year].to_numpy() if year in wide.columns else float("nan"),
        "change": (wide[year] - wide[year - 1]).to_numpy() if {year, year - 1} <= set(wide.columns) else float("nan"),
        "target": cat["target"].to_numpy(),
        "direction": cat["direction"].to_numpy(),
        "trend": [[None if pd.isna(v) else float(v) for v in wide.loc[c, years]] for c in cat.index],
    })
    if scores_now is not None and village_code in scores_now.index:
        ranks = scores_now.rank(ascending=False, method="min")
        out["score"] = scores_now.loc[village_code].reindex(cat.index).to_numpy()
        out["rank"] = ranks.loc[village_code].reindex(cat.index).astype("Int64").to_numpy()
        out["ranked"] = scores_now.notna().sum().reindex(cat.index).astype(int).to_numpy()
    else:
        out["score"], out["rank"], out["ranked"] = float("nan"), pd.NA, 0
    return out
