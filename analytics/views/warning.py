"""预警名单: the households a visitor checks, in the order and with the columns a visit needs."""

from __future__ import annotations

import pandas as pd

from analytics.risk.phrasing import sentences

HOUSEHOLD_COLUMNS = ("household_id", "head_name", "head_id_number", "household_type", "per_capita_net_income",
                     "labor_count", "household_size")


def visit_list(scored: pd.DataFrame, households: pd.DataFrame, townships: pd.DataFrame, villages: pd.DataFrame,
               words: dict[bool, str], lang: str = "zh") -> pd.DataFrame:
    """One row per scored household in the order given: rank, head, place, probability in
    percent, drivers as sentences (in `lang`), risk types, measures, whether a rule triggered (in `words`), then the
    household's facts; with `outcome` when every household's label is known (a past year).

    `households` holds HOUSEHOLD_COLUMNS, indexed by household_id, for every scored household."""
    rows = households.loc[scored["household_id"]]
    shown = pd.DataFrame({  # what a visitor needs first comes first
        "rank": range(1, len(scored) + 1),
        "head_name": rows["head_name"].to_numpy(),
        "township_name": scored["township_code"].map(townships.set_index("township_code")["township_name"]).to_numpy(),
        "village_name": scored["village_code"].map(villages.set_index("village_code")["village_name"]).to_numpy(),
        "probability": (scored["probability"] * 100).round(1).to_numpy(),
        "drivers": sentences(scored, lang),
        "risk_types": scored["risk_types"].to_numpy(),
        "measures": scored["measures"].to_numpy(),
        "rule_triggered": [words[bool(v)] for v in scored["rule_triggered"]],
        "household_type": rows["household_type"].to_numpy(),
        "per_capita_net_income": rows["per_capita_net_income"].round(0).to_numpy(),
        "labor_count": rows["labor_count"].to_numpy(),
        "household_size": rows["household_size"].to_numpy(),
        "household_id": scored["household_id"].to_numpy(),
        "head_id_number": rows["head_id_number"].to_numpy(),
    })
    if scored["label"].notna().all():
        shown["outcome"] = [words[bool(v)] for v in scored["label"]]
    return shown
