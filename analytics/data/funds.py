"""How fund amounts enter every response: the diminishing-returns scale and funds per village.

The demo county generates its effects on this scale and the response model estimates them on
it, so it is defined once, here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.data.contract import PROJECT_CATEGORIES

INDUSTRY_CATEGORY = "产业发展"  # the project category the industry-share rule counts
VILLAGE_CODE_LENGTH = 12  # township-wide projects carry a 9-digit township code instead


def fund_intensity(funds_wan: np.ndarray, households: np.ndarray) -> np.ndarray:
    """x = log(1 + thousand yuan per household): the diminishing-returns scale of every effect."""
    return np.log1p(np.asarray(funds_wan) * 10.0 / np.maximum(households, 1))


def village_funds(projects: pd.DataFrame, statuses: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Funds (万元) per village and year, one column per project category, zeros where none.

    Township-wide projects are left out: they cannot be attributed to one village.
    """
    rows = projects[projects["village_code"].astype(str).str.len() == VILLAGE_CODE_LENGTH]
    if statuses is not None:
        rows = rows[rows["status"].isin(statuses)]
    table = rows.pivot_table(index=["village_code", "year"], columns="category", values="funds_wan",
                             aggfunc="sum", fill_value=0.0, observed=True)
    return table.reindex(columns=list(PROJECT_CATEGORIES), fill_value=0.0).astype(float)
