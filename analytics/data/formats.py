"""How each column's numbers read, declared once for every on-screen table and every Excel
export: thousands separators on counts and money, one decimal on scores, percent on shares and
probabilities, 是/否 on yes/no columns.

A contract column takes its format from its kind and unit; a column the views derive
(`paid_share`, `probability`, `funds_wan` of a plan) is named in DERIVED, or matched by the
suffix of its id (`*_wan`, `*_yuan`). Shares come in two scales and each is declared: RATIO
holds 0-1 (a plan's `share`), POINTS holds 0-100 (a page's `paid_share`, 78.5 for 78.5%).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.data.contract import TABLES


@dataclass(frozen=True)
class Format:
    """`excel` is the Excel number format of the written value; `screen` the printf format of
    st.column_config.NumberColumn; `scale` multiplies the value written to Excel (0-100
    points become Excel percents, 0.785 shown as 78.5%); `digits` rounds it, so no cell
    holds 0.30000000000000004."""

    excel: str
    screen: str
    digits: int
    scale: float = 1.0


COUNT = Format("#,##0", "%,d", 0)
YUAN = Format("#,##0", "%,.0f", 0)
WAN = Format("#,##0.0", "%,.1f", 1)  # 万元: one decimal is a thousand yuan
DECIMAL = Format("#,##0.0", "%,.1f", 1)  # scores, points, months
PRECISE = Format("0.000", "%.3f", 3)  # indices and coefficients: M0, AUC, odds ratios
RATIO = Format("0.0%", "percent", 4)  # 0-1
POINTS = Format("0.0%", "%.1f%%", 4, scale=0.01)  # 0-100, written as an Excel percent
YEAR = Format("0", "%d", 0)  # 2025, never 2,025
BOOLEAN = Format("@", "", 0)  # written as 是/否, see YES_NO
YES_NO = {True: "是", False: "否"}
M0_FORMAT = PRECISE  # M0 reads the same on cards, tables, maps and charts: 0.052

DERIVED: dict[str, Format] = {
    # probabilities and shares that the views give in points (×100)
    "probability": POINTS, "probability_pct": POINTS, "paid_share": POINTS, "elimination_rate": POINTS,
    "employed_share": POINTS, "expected_share": POINTS, "per_thousand": DECIMAL,
    # shares kept as 0-1
    "share": RATIO, "village_below_share": RATIO, "population_share": RATIO, "industry_min_share": RATIO,
    # indices
    "M0": M0_FORMAT, "H": RATIO, "A": RATIO, "odds_ratio": PRECISE, "model_roc_auc": PRECISE,
    # scores and points
    "score": DECIMAL, "total": DECIMAL, "points": DECIMAL, "mean_score": DECIMAL, "village_score": DECIMAL,
    "county_score": DECIMAL, "lagging_score": DECIMAL, "expected_relapse_before": DECIMAL,
    "expected_relapse_after": DECIMAL,
    # counts
    "rank": COUNT, "households": COUNT, "population": COUNT, "household_size": COUNT, "n": COUNT,
    "year": YEAR,
}
SUFFIXES: tuple[tuple[str, Format], ...] = (("_wan", WAN), ("_yuan", YUAN), ("_points", DECIMAL),
                                            ("_score", DECIMAL), ("_count", COUNT))
PREFIXES: tuple[tuple[str, Format], ...] = (("contribution_", RATIO), ("points_", DECIMAL))


def _from_contract() -> dict[str, Format]:
    out: dict[str, Format] = {}
    for table in TABLES.values():
        for c in table.columns:
            if c.kind == "bool":
                out[c.id] = BOOLEAN
            elif c.kind in ("year", "yyyymm"):
                out[c.id] = YEAR
            elif c.kind == "int":
                out[c.id] = COUNT
            elif c.kind == "float":
                out[c.id] = WAN if c.unit == "万元" else YUAN if c.unit.startswith("元") else DECIMAL
    return out


CONTRACT: dict[str, Format] = _from_contract()


def of(column: object, values: pd.Series) -> Format | None:
    """The format of a column, None for text. An undeclared number column gets separators and,
    when it holds fractions, one decimal: never a raw float."""
    name = str(column)
    fmt = DERIVED.get(name) or CONTRACT.get(name)
    fmt = fmt or next((f for suffix, f in SUFFIXES if name.endswith(suffix)), None)
    fmt = fmt or next((f for prefix, f in PREFIXES if name.startswith(prefix)), None)
    if pd.api.types.is_bool_dtype(values):
        return BOOLEAN
    if not pd.api.types.is_numeric_dtype(values):
        return fmt if fmt is BOOLEAN else None  # a yes/no column that holds None beside True/False
    return fmt or (COUNT if pd.api.types.is_integer_dtype(values) else DECIMAL)
