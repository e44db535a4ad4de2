"""What the 多维贫困 page shows of an Alkire-Foster result (analytics.scoring.poverty.by_area):
the figures of the scope in view, and area tables with names, worst first."""

from __future__ import annotations

import pandas as pd

from analytics.scoring import poverty

LABELS = {d: label for d, (label, _) in poverty.HOUSEHOLD_DIMENSIONS.items()}


def scope_row(result: poverty.AlkireFoster, towns: pd.DataFrame, per_village: pd.DataFrame,
              township: str | None, village: str | None) -> dict:
    """n, H, A, M0 and each dimension's contribution for the chosen village, else the chosen
    township, else everything the result covers."""
    if village:
        return per_village.set_index("group").loc[village].to_dict()
    if township:
        return towns.set_index("group").loc[township].to_dict()
    row = {"n": result.n, "H": result.H, "A": result.A, "M0": result.M0}
    row.update({f"contribution_{d}": v for d, v in result.contribution.items()})
    return row


def area_table(frame: pd.DataFrame, names: pd.Series, codes: list[str] | pd.Index | None = None) -> pd.DataFrame:
    """Areas (all, or those in `codes`) with their names, highest M0 first."""
    rows = frame if codes is None else frame[frame["group"].isin(codes)]
    out = rows[["group", "n", "H", "A", "M0", "contribution_to_M0",
                *(f"contribution_{d}" for d in LABELS)]].copy()
    out.insert(1, "name", out["group"].map(names))
    return out.sort_values("M0", ascending=False, ignore_index=True)
