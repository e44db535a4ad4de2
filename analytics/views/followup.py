"""What the 跟踪核实 page, the township desk and the model card show of the follow-up, as frames
with English column ids (the page texts label them)."""

from __future__ import annotations

import pandas as pd

from analytics.data import visits

TOWNSHIP_COLUMNS = ["township_name", "listed", "verified", "pending", "overdue", *visits.RESULTS, "inferred",
                    "median_days"]


def township_table(townships: list[dict]) -> pd.DataFrame:
    """One row per township of progress.by_township: counts, each result, and median days."""
    rows = [{**{k: t[k] for k in ("township_name", "listed", "verified", "pending", "overdue", "inferred",
                                  "median_days")}, **t["outcomes"]} for t in townships]
    return pd.DataFrame(rows, columns=TOWNSHIP_COLUMNS)


def overdue_table(rows: pd.DataFrame, households: pd.DataFrame, township_names: dict[str, str],
                  village_names: dict[str, str]) -> pd.DataFrame:
    """The overdue households (longest waiting first) with who to visit: `households` holds
    household_id, head_name and head_id_number of the listed year (masked by the caller's table)."""
    late = rows[rows["overdue"]].sort_values(["waiting", "household_id"], ascending=[False, True])
    people = households.drop_duplicates("household_id").set_index("household_id")
    return pd.DataFrame({
        "head_name": people["head_name"].reindex(late["household_id"]).to_numpy(),
        "township_name": late["township_code"].map(township_names).to_numpy(),
        "village_name": late["village_code"].map(village_names).to_numpy(),
        "listed_on": late["listed_at"].str[:10].to_numpy(),
        "waiting": late["waiting"].to_numpy(),
        "probability": (late["probability"] * 100).round(1).to_numpy(),
        "household_id": late["household_id"].to_numpy(),
        "head_id_number": people["head_id_number"].reindex(late["household_id"]).to_numpy(),
        "township_code": late["township_code"].to_numpy(),
        "village_code": late["village_code"].to_numpy(),
    })


def desk_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Pending and overdue visits per township code, for the township desk."""
    counts = rows.assign(pending=rows["outcome"].isna()).groupby("township_code")[["pending", "overdue"]].sum()
    return counts.astype(int).reset_index()


def judged_table(judged: pd.DataFrame) -> pd.DataFrame:
    """progress.judge with shares in percent, for a table."""
    out = judged.copy()
    for column in ("model_confirmed", "rule_confirmed"):
        out[column] = (out[column].astype(float) * 100).round(1)
    return out.drop(columns=["township_code"])

