"""The indicator catalogue (data/indicators.csv) and the indicators derived from household data.

The catalogue is the single place to add or change an indicator. An indicator whose
`derivation` names a function below is computed from the household table for every
village and year, so imported data gets it without a separate file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "indicators.csv"


@lru_cache(maxsize=2)
def catalogue(path: Path = CATALOGUE_FILE) -> pd.DataFrame:
    """The catalogue, indexed by code; `higher_is_better` is derived from `direction`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("code")
    frame["target"] = pd.to_numeric(frame["target"])
    frame["higher_is_better"] = frame["direction"].eq("higher")
    return frame


def _share(mask: pd.Series, groups: list[pd.Series]) -> pd.Series:
    return mask.astype(float).groupby(groups, observed=True).mean() * 100


def _weighted_income(frame: pd.DataFrame, groups: list[str]) -> pd.Series:
    """Population-weighted per-capita income: total net income over total people."""
    total = (frame["per_capita_net_income"] * frame["household_size"]).groupby(
        [frame[g] for g in groups], observed=True).sum()
    people = frame.groupby(groups, observed=True)["household_size"].sum()
    return total / people


def _poor_income(frame: pd.DataFrame, groups: list[str]) -> pd.Series:
    return _weighted_income(frame[frame["household_type"] == "脱贫户"], groups)


DERIVATIONS: dict[str, Callable[[pd.DataFrame, list[str]], pd.Series]] = {
    "business_income_mean": lambda f, g: f.groupby(g, observed=True)["business_income"].mean(),
    "stable_work_share": lambda f, g: _share(f["migrant_work_months"] >= 6, [f[c] for c in g]),
    "education_ok_share": lambda f, g: _share(f["compulsory_education_ok"], [f[c] for c in g]),
    "income_mean": _weighted_income,
    "poor_income_mean": _poor_income,
    "water_safe_share": lambda f, g: _share(f["drinking_water_safe"], [f[c] for c in g]),
    "housing_safe_share": lambda f, g: _share(f["housing_safe"], [f[c] for c in g]),
    "monitored_share": lambda f, g: _share(f["monitoring_category"].notna(), [f[c] for c in g]),
}


def derive(households: pd.DataFrame) -> pd.DataFrame:
    """Derived indicators in the long format of the village_indicators table."""
    groups = ["village_code", "year"]
    parts = []
    for code, row in catalogue().iterrows():
        if not row["derivation"]:
            continue
        values = DERIVATIONS[row["derivation"]](households, groups).rename("value").reset_index()
        values["indicator_code"] = code
        parts.append(values)
    out = pd.concat(parts, ignore_index=True)
    return out[["village_code", "year", "indicator_code", "value"]]
