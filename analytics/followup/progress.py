"""Where each listed household stands: visited or not, what the visit found, how long it took,
which are overdue, and whether the model's warnings or the rule triggers found more real cases.

One row per listed household (`followed`) is the base of every figure here, so the command, the
跟踪核实 page, the township desk and the model card count the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analytics.data import visits
from analytics.data.store import Store

# Below this many visits a confirmed share says little; the issue that asked for the comparison
# (issue 17) sets it, and the figure is then shown with a plain warning rather than hidden.
MIN_VISITS = 30
MONITORING_COLUMNS = ["household_id", "year", "monitoring_category", "monitoring_start"]


def followed(listed: pd.DataFrame, results: pd.DataFrame, monitoring: pd.DataFrame, today: date,
             overdue_days: int) -> pd.DataFrame:
    """Each listed household (visits.listings) with its current result (visits.results), and
    `outcome`: the typed result, or 纳入监测 `inferred` when the monitoring data (household rows of
    the listed year or later, MONITORING_COLUMNS) shows it identified from the listing's month on
    without a result typed back. `days` runs from the listing to the visit; a household without
    an outcome is `overdue` when listed more than `overdue_days` days before `today`."""
    out = listed.merge(results[["year", "household_id", "result", "visitor", "visited_on"]],
                       on=["year", "household_id"], how="left")
    listed_on = pd.to_datetime(out["listed_at"]).dt.normalize()
    out["listed_month"] = listed_on.dt.strftime("%Y%m")
    start = monitoring[monitoring["monitoring_category"].fillna("").ne("")].merge(
        out[["household_id", "year", "listed_month"]].rename(columns={"year": "listed_year"}), on="household_id")
    start = start[(start["year"] >= start["listed_year"])
                  & (start["monitoring_start"].astype(str) >= start["listed_month"])]
    identified = set(zip(start["listed_year"], start["household_id"]))
    typed = out["result"].notna()
    out["inferred"] = ~typed & np.array([k in identified for k in zip(out["year"], out["household_id"])], bool)
    out["outcome"] = out["result"].where(typed, np.where(out["inferred"], visits.CONFIRMED, None))
    out["days"] = (pd.to_datetime(out["visited_on"]) - listed_on).dt.days
    out["waiting"] = (pd.Timestamp(today) - listed_on).dt.days
    out["overdue"] = out["outcome"].isna() & (out["waiting"] > overdue_days)
    return out


def figures(rows: pd.DataFrame) -> dict:
    """listed, verified, pending, outcomes (every result value, 0 when none), inferred, overdue and
    the median days from listing to visit (None without a dated visit)."""
    counts = rows["outcome"].value_counts()
    days = rows["days"].dropna()
    return {
        "listed": int(len(rows)),
        "verified": int(rows["outcome"].notna().sum()),
        "pending": int(rows["outcome"].isna().sum()),
        "outcomes": {value: int(counts.get(value, 0)) for value in visits.RESULTS},
        "inferred": int(rows["inferred"].sum()),
        "overdue": int(rows["overdue"].sum()),
        "median_days": float(days.median()) if len(days) else None,
    }


def by_township(rows: pd.DataFrame, names: dict[str, str]) -> list[dict]:
    """figures() per township, with its overdue households (oldest listing first)."""
    out = []
    for code, group in rows.groupby("township_code", sort=True):
        late = group[group["overdue"]].sort_values(["waiting", "household_id"], ascending=[False, True])
        out.append({"township_code": code, "township_name": names.get(code, code), **figures(group),
                    "overdue_households": late[["household_id", "village_code", "listed_at", "waiting"]]
                    .to_dict("records")})
    return out


def judge(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The confirmed share among visited households the model listed, and among those the rule
    triggers flagged (the baseline), overall and per township, with the visits behind each.
    无法核实 is no finding either way, so it counts in neither share; `enough` is False below
    MIN_VISITS visits."""
    found = rows[rows["outcome"].isin([visits.CONFIRMED, visits.NOT_CONFIRMED])]
    parts = [("", "全县", found), *((code, names.get(code, code), group)
                                    for code, group in found.groupby("township_code", sort=True))]
    records = []
    for code, name, group in parts:
        rule = group[group["rule_triggered"]]
        records.append({
            "township_code": code, "township_name": name,
            "model_visits": len(group), "model_confirmed": _share(group),
            "rule_visits": len(rule), "rule_confirmed": _share(rule),
            "enough": min(len(group), len(rule)) >= MIN_VISITS,
        })
    return pd.DataFrame(records)


def _share(group: pd.DataFrame) -> float | None:
    return float((group["outcome"] == visits.CONFIRMED).mean()) if len(group) else None


def read(store: Store, year: int | None, townships: tuple[str, ...] | None, today: date,
         overdue_days: int) -> pd.DataFrame:
    """`followed` for the store: one year's listings (default the latest listed year) within
    `townships` (None: the county), against the current snapshot's monitoring data."""
    listed = visits.listings(store, year)
    if year is None and len(listed):
        listed = listed[listed["year"] == listed["year"].max()]
    if townships is not None:
        listed = listed[listed["township_code"].isin(townships)]
    info = store.current()
    ids = list(listed["household_id"])
    monitoring = (store.rows("households", info.id, columns=MONITORING_COLUMNS, where=(("household_id", "in", ids),))
                  if info is not None and ids else pd.DataFrame(columns=MONITORING_COLUMNS))
    return followed(listed, visits.results(store), monitoring, today, overdue_days)


@dataclass(frozen=True)
class Report:
    """What `python -m analytics followup --json` prints and the 跟踪核实 page shows."""

    year: int | None
    overall: dict
    townships: list[dict]
    judged: pd.DataFrame

    def as_json(self) -> dict:
        return {"year": self.year, **self.overall, "townships": self.townships,
                "judged": self.judged.replace({np.nan: None}).to_dict("records")}


def report(store: Store, year: int | None, townships: tuple[str, ...] | None, today: date,
           overdue_days: int, names: dict[str, str]) -> Report:
    rows = read(store, year, townships, today, overdue_days)
    shown = int(rows["year"].iloc[0]) if len(rows) else year
    return Report(shown, figures(rows), by_township(rows, names), judge(rows, names))
