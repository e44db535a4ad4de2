"""易地搬迁后续扶持: 稳得住、有就业、逐步能致富, measured per resettlement site.

The household table records work as months summed over the household's labour
(`migrant_work_months`), not per person. A relocated household with labour counts as having
someone employed when those months reach `relocation.employed_min_months` (a setting), so the
policy aim "every relocated household with labour has at least one person employed" becomes
"no relocated household with labour below that many months". A site is the village the
relocated households are registered in (normally a village marked 是否易地搬迁安置点).
"""

from __future__ import annotations

import pandas as pd

LIST_COLUMNS = (  # what a visitor needs first comes first (phones show the left columns)
    "village_name", "head_name", "labor_count", "migrant_work_months", "per_capita_net_income", "household_size",
    "monitoring_category", "assistance_measures", "township_name", "household_id", "head_id_number", "village_code",
)


SITE_COLUMNS = ("year", "village_code", "relocated", "household_size", "labor_count", "migrant_work_months",
                "per_capita_net_income")  # what `sites` reads
COLUMNS = (*SITE_COLUMNS, "household_id", "head_name", "head_id_number", "monitoring_category",
           "assistance_measures")  # what every function here reads


def relocated(households: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    rows = households[households["relocated"].astype(bool)]
    return rows if year is None else rows[rows["year"] == year]


def _employed(rows: pd.DataFrame, min_months: float) -> pd.Series:
    return (rows["labor_count"] > 0) & (rows["migrant_work_months"] >= min_months)


def sites(households: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame, year: int,
          min_months: float) -> pd.DataFrame:
    """One row per site: relocated households, labour, employment and income in `year`.

    `jobless` counts relocated households with labour and nobody employed (policy aim: 0).
    """
    rows = relocated(households, year)
    with_labour = rows["labor_count"] > 0
    frame = pd.DataFrame({
        "village_code": rows["village_code"],
        "households": 1,
        "people": rows["household_size"],
        "with_labour": with_labour.astype(int),
        "labour": rows["labor_count"],
        "work_months": rows["migrant_work_months"],
        "employed": _employed(rows, min_months).astype(int),
        "income_total": rows["per_capita_net_income"] * rows["household_size"],
    })
    out = frame.groupby("village_code", as_index=False).sum()
    out["jobless"] = out["with_labour"] - out["employed"]
    out["employed_share"] = (out["employed"] / out["with_labour"] * 100).where(out["with_labour"] > 0)
    out["months_per_labourer"] = (out["work_months"] / out["labour"]).where(out["labour"] > 0)
    out["income_per_person"] = (out["income_total"] / out["people"]).where(out["people"] > 0)
    out = out.merge(villages[["village_code", "village_name", "township_code", "is_relocation_site"]],
                    on="village_code", how="left")
    out = out.merge(townships[["township_code", "township_name"]], on="township_code", how="left")
    columns = ["village_code", "township_name", "village_name", "is_relocation_site", "households", "people",
               "with_labour", "labour", "employed", "jobless", "employed_share", "months_per_labourer",
               "income_per_person"]
    return out[columns].sort_values(["jobless", "households"], ascending=False).reset_index(drop=True)


def totals(site_rows: pd.DataFrame) -> dict[str, float | None]:
    """The sums over sites and the shares recomputed from them (not averaged)."""
    s = site_rows[["households", "people", "with_labour", "labour", "employed", "jobless"]].sum()
    income = (site_rows["income_per_person"] * site_rows["people"]).sum()
    return {
        **{k: int(v) for k, v in s.items()},
        "employed_share": float(s["employed"] / s["with_labour"] * 100) if s["with_labour"] else None,
        "income_per_person": float(income / s["people"]) if s["people"] else None,
    }


def jobless(households: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame, year: int,
            min_months: float) -> pd.DataFrame:
    """Relocated households with labour and nobody employed in `year`, fewest work months first.

    Personal columns are returned as they are; callers mask them unless the user may see them.
    """
    rows = relocated(households, year)
    rows = rows[(rows["labor_count"] > 0) & ~_employed(rows, min_months)]
    rows = rows.merge(villages[["village_code", "village_name", "township_code"]], on="village_code", how="left")
    rows = rows.merge(townships[["township_code", "township_name"]], on="township_code", how="left")
    rows = rows.sort_values(["migrant_work_months", "labor_count", "household_id"], ascending=[True, False, True])
    return rows[list(LIST_COLUMNS)].reset_index(drop=True)


def _income(rows: pd.DataFrame) -> pd.Series:
    total = (rows["per_capita_net_income"] * rows["household_size"]).groupby(rows["year"]).sum()
    return total / rows.groupby("year")["household_size"].sum()


def income_trend(households: pd.DataFrame, village_year: pd.DataFrame, lines: pd.DataFrame,
                 min_months: float) -> pd.DataFrame:
    """Per year: per-capita net income of relocated households (people-weighted), of all
    households in the same scope, the monitoring line, and the relocated employment share.

    `households` need only hold the relocated rows; the scope's all-household income comes
    from `village_year` (aggregates.village_year), so no page reads every household for it."""
    moved = relocated(households)
    with_labour = moved[moved["labor_count"] > 0]
    share = _employed(with_labour, min_months).groupby(with_labour["year"]).mean() * 100
    everyone = village_year.groupby("year")[["income_total", "people"]].sum()
    out = pd.DataFrame({
        "relocated_income": _income(moved),
        "all_income": everyone["income_total"] / everyone["people"].where(everyone["people"] > 0),
        "employed_share": share,
        "jobless": (~_employed(with_labour, min_months)).groupby(with_labour["year"]).sum(),
    })
    out["line"] = lines.set_index("year")["threshold_yuan"].reindex(out.index)
    out.index.name = "year"
    return out.reset_index()
