"""一户一策: why a household is at risk and what to offer it.

A household's drivers are the features that raise its calibrated logit most above the average
household's: its largest positive per-feature contributions, where re-expressions of one
quantity (income over the line, its logarithm, its gap to 1.5 lines) count as one driver.
Each driver names a standard risk type (因病, 因缺劳动力, ...) and an assistance measure;
households without labour get the social-protection measure (兜底) instead of a development
measure. 其他 is listed only when no specific risk type is among the drivers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.risk.features import CATEGORY_LEVELS, FEATURE_BY_ID, FEATURES

TOP = 3
OTHER = "其他"
DRIVERS = tuple(dict.fromkeys(f.driver for f in FEATURES))
_DRIVER_IDS = np.array(DRIVERS, dtype=object)
_BINARY = {f.id for f in FEATURES if f.doc.endswith("(是=1)")}


def driver_contributions(contributions: pd.DataFrame) -> pd.DataFrame:
    """Per-feature contributions summed per driver (a feature and its re-expressions)."""
    membership = np.zeros((contributions.shape[1], len(DRIVERS)))
    for i, column in enumerate(contributions.columns):
        membership[i, DRIVERS.index(FEATURE_BY_ID[column].driver)] = 1.0
    return pd.DataFrame(contributions.to_numpy(dtype=float) @ membership, columns=list(DRIVERS),
                        index=contributions.index)


def top_drivers(contributions: pd.DataFrame, k: int = TOP) -> pd.DataFrame:
    """driver_1..k (driver ids, missing when fewer than k drivers raise the risk) and
    push_1..k (their contributions to the logit), largest first."""
    values = driver_contributions(contributions).to_numpy(dtype=float)
    top = np.argpartition(-values, k - 1, axis=1)[:, :k]  # the k largest, then put in order
    order = np.take_along_axis(top, np.argsort(-np.take_along_axis(values, top, axis=1), axis=1, kind="stable"), axis=1)
    pushes = np.take_along_axis(values, order, axis=1)
    ids = np.where(pushes > 0, _DRIVER_IDS[order], None)
    out = {}
    for i in range(k):
        out[f"driver_{i + 1}"] = ids[:, i]
        out[f"push_{i + 1}"] = np.where(pushes[:, i] > 0, pushes[:, i], np.nan)
    return pd.DataFrame(out, index=contributions.index)


def _plan_one(drivers: tuple, able: bool) -> tuple[str | None, str | None]:
    specs = [FEATURE_BY_ID[d] for d in drivers if isinstance(d, str)]
    types = list(dict.fromkeys(s.risk_type for s in specs))
    specific = [t for t in types if t != OTHER]
    measures = dict.fromkeys(s.measure if able or not s.measure_no_labour else s.measure_no_labour for s in specs)
    return "、".join(specific or types) or None, "、".join(measures) or None


def _driver_codes(drivers: pd.DataFrame, k: int) -> np.ndarray:
    """Position of each driver in DRIVERS, -1 where there is none: rows x k integers."""
    return np.column_stack([pd.Categorical(drivers[f"driver_{i + 1}"], categories=DRIVERS).codes for i in range(k)])


def plan(drivers: pd.DataFrame, has_labour: pd.Series | np.ndarray, k: int = TOP) -> pd.DataFrame:
    """Risk types and suggested measures (each once, in driver order) per household, joined
    with 、 as in the national system. Worked out once per distinct combination of drivers."""
    keys = np.column_stack([_driver_codes(drivers, k), np.asarray(has_labour, dtype=int)])
    distinct, inverse = np.unique(keys, axis=0, return_inverse=True)
    planned = [_plan_one(tuple(DRIVERS[c] if c >= 0 else None for c in row[:k]), bool(row[k])) for row in distinct]
    types = np.array([p[0] for p in planned], dtype=object)[inverse.ravel()]
    measures = np.array([p[1] for p in planned], dtype=object)[inverse.ravel()]
    return pd.DataFrame({"risk_types": types, "measures": measures}, index=drivers.index)


def main_risk_type(risk_types: pd.Series) -> pd.Series:
    """The first risk type of each household (its strongest driver's)."""
    return risk_types.astype("string").str.split("、").str[0]


def driver_values(features: pd.DataFrame, drivers: pd.DataFrame, k: int = TOP) -> pd.DataFrame:
    """value_1..k: each driver's value for the household (a category as its level number),
    so that a page can put drivers into words without the feature table."""
    columns = {}
    for f in DRIVERS:
        column = features[f]
        columns[f] = column.cat.codes.astype(float).where(column.notna()) if FEATURE_BY_ID[f].categorical else column
    matrix = pd.DataFrame(columns).to_numpy(dtype=float)
    codes = _driver_codes(drivers, k)
    rows = np.arange(len(drivers))
    out = {}
    for i in range(k):
        out[f"value_{i + 1}"] = np.where(codes[:, i] >= 0, matrix[rows, np.maximum(codes[:, i], 0)], np.nan)
    return pd.DataFrame(out, index=drivers.index)


def describe(driver: str, value: float) -> str:
    """A driver in words for a visitor: 慢性病人数 2人, 地形 山区, 住房不安全."""
    spec = FEATURE_BY_ID[driver]
    if value is None or np.isnan(value):
        return f"{spec.zh}(缺失)"
    if spec.categorical:
        return f"{spec.zh} {CATEGORY_LEVELS[driver][int(value)]}"
    if driver in _BINARY:
        return spec.zh if value >= 0.5 else f"{spec.zh}:否"
    if spec.unit == "人":
        return f"{spec.zh} {value:.0f} 人"
    if spec.unit == "月":
        return f"{spec.zh} {value:.1f} 个月"
    return f"{spec.zh} {value:.2f}" if abs(value) < 100 else f"{spec.zh} {value:,.0f}"


def driver_texts(scored: pd.DataFrame, k: int = TOP) -> list[str]:
    """The drivers of each scored household in words, separated by ;."""
    names = [f"driver_{i + 1}" for i in range(k)]
    values = [f"value_{i + 1}" for i in range(k)]
    return [";".join(describe(d, float(v)) for d, v in zip(row[:k], row[k:]) if isinstance(d, str))
            for row in scored[names + values].itertuples(index=False)]
