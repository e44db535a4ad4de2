"""村庄画像: one village on one page. Its indicators and scores against its township and the
county, what its households look like, its projects and funds, and its relapse risk.

Every function takes frames the caller has already loaded (and scoped) and one village code.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.data.contract import DIMENSIONS, GUARANTEE_COLUMNS, MONITORING_CATEGORIES
from analytics.risk.phrasing import sentences
from analytics.scoring.composite import OVERALL


@dataclass(frozen=True)
class Households:
    """The village's households in one year."""

    households: int
    people: int
    poor: int
    monitored: dict[str, int]
    unresolved: int
    below_line: int
    guarantee_gaps: int
    relocated: int
    dibao: int
    tekun: int
    no_labour: int
    income: float | None
    poor_income: float | None
    line: float | None


def _income(rows: pd.DataFrame) -> float | None:
    people = rows["household_size"].sum()
    return float((rows["per_capita_net_income"] * rows["household_size"]).sum() / people) if people else None


def households(rows: pd.DataFrame, line: float | None) -> Households:
    """Summary of one village's household rows of one year; `line` is that year's monitoring line."""
    monitored = rows["monitoring_category"].notna()
    eliminated = rows["risk_eliminated"].fillna(False).astype(bool)
    gaps = pd.concat([~rows[c].astype(bool) for c in GUARANTEE_COLUMNS], axis=1).any(axis=1)
    poor = rows["household_type"].eq("脱贫户")
    return Households(
        households=len(rows),
        people=int(rows["household_size"].sum()),
        poor=int(poor.sum()),
        monitored={c: int(rows["monitoring_category"].eq(c).sum()) for c in MONITORING_CATEGORIES},
        unresolved=int((monitored & ~eliminated).sum()),
        below_line=int((rows["per_capita_net_income"] < line).sum()) if line is not None else 0,
        guarantee_gaps=int(gaps.sum()),
        relocated=int(rows["relocated"].astype(bool).sum()),
        dibao=int(rows["dibao"].astype(bool).sum()),
        tekun=int(rows["tekun"].astype(bool).sum()),
        no_labour=int((rows["labor_count"] == 0).sum()),
        income=_income(rows),
        poor_income=_income(rows[poor]),
        line=line,
    )


def dimensions(scores: pd.DataFrame, village: str, year: int) -> pd.DataFrame:
    """Per dimension and overall: the village's score, its township's and the county's mean,
    and the village's rank among all villages scored (1 = best)."""
    now = scores[scores["year"] == year]
    row = now[now["village_code"] == village]
    if row.empty:
        return pd.DataFrame(columns=["dimension", "village", "township", "county", "rank"])
    row = row.iloc[0]
    town = now[now["township_code"] == row["township_code"]]
    out = []
    for d in (*DIMENSIONS, OVERALL):
        rank = row["rank"] if d == OVERALL else row[f"rank_{d}"]
        out.append({"dimension": d, "village": row[d], "township": town[d].mean(), "county": now[d].mean(),
                    "rank": None if pd.isna(rank) else int(rank)})
    return pd.DataFrame(out)


def indicators(values: pd.DataFrame, normalised: pd.DataFrame, catalogue: pd.DataFrame, village: str,
               year: int) -> pd.DataFrame:
    """Every catalogue indicator of the village: value this year and last, change, its 0-100
    score, the target, and the county median this year (to read the value against)."""
    mine = values[values["village_code"] == village].pivot_table(index="indicator_code", columns="year",
                                                                  values="value", aggfunc="first")
    county = values[values["year"] == year].groupby("indicator_code")["value"].median()
    out = catalogue[["dimension", "name_zh", "name_en", "unit", "target", "higher_is_better"]].copy()
    out["value"] = mine.get(year, pd.Series(dtype=float)).reindex(out.index)
    out["last_year"] = mine.get(year - 1, pd.Series(dtype=float)).reindex(out.index)
    out["change"] = out["value"] - out["last_year"]
    key = (village, year)
    out["score"] = normalised.loc[key].reindex(out.index) if key in normalised.index else float("nan")
    out["county_median"] = county.reindex(out.index)
    met = (out["value"] >= out["target"]).where(out["higher_is_better"], out["value"] <= out["target"])
    out["meets_target"] = met.astype("boolean").mask(out["value"].isna())
    return out.reset_index().rename(columns={"index": "code"})


def funds(projects: pd.DataFrame) -> pd.DataFrame:
    """The village's funds per year and category (万元), for a stacked chart."""
    return projects.pivot_table(index="year", columns="category", values="funds_wan", aggfunc="sum").fillna(0.0)


def risk(scored: pd.DataFrame, village: str, year: int, cutoff: float, top: int = 10) -> tuple[int, pd.DataFrame]:
    """How many of the village's households not under monitoring have a predicted relapse
    probability at or above `cutoff` in `year`, and the `top` most likely (with their drivers)."""
    mine = scored[(scored["village_code"] == village) & (scored["year"] == year)]
    high = mine[mine["probability"] >= cutoff]
    return len(high), mine.sort_values("probability", ascending=False).head(top).reset_index(drop=True)


def risk_list(top: pd.DataFrame, households: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The most likely households of `risk` with head, size, probability in percent and the
    drivers as sentences (in `lang`), for the list a village visit starts from."""
    heads = households.set_index("household_id")[["head_name", "head_id_number", "household_size"]]
    out = top.join(heads, on="household_id")
    out["drivers"] = sentences(out, lang)
    out["probability_pct"] = out["probability"] * 100
    return out
