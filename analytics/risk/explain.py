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

from analytics.risk.features import FEATURE_BY_ID, FEATURES

TOP = 3
OTHER = "其他"
DRIVERS = tuple(dict.fromkeys(f.driver for f in FEATURES))
_DRIVER_IDS = np.array(DRIVERS, dtype=object)


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
    codes, pushes = top_codes(driver_contributions(contributions).to_numpy(dtype=float), k)
    return pd.DataFrame(driver_columns(codes, pushes), index=contributions.index)


def top_codes(values: np.ndarray, k: int = TOP) -> tuple[np.ndarray, np.ndarray]:
    """Per row of driver contributions (rows x DRIVERS), the positions in DRIVERS of the k
    largest that raise the risk, largest first (-1 where fewer than k do), and their pushes
    (NaN there). k passes of a row maximum, each masking the one found: cheaper than
    partitioning or sorting every driver when k is small."""
    rest = np.array(values, dtype=float)
    rows = np.arange(len(rest))
    codes = np.full((len(rest), k), -1)
    pushes = np.full((len(rest), k), np.nan)
    for i in range(min(k, rest.shape[1])):
        best = rest.argmax(axis=1)
        push = rest[rows, best]
        raises = push > 0
        codes[raises, i] = best[raises]
        pushes[raises, i] = push[raises]
        rest[rows, best] = -np.inf
    return codes, pushes


def driver_columns(codes: np.ndarray, pushes: np.ndarray) -> dict[str, np.ndarray]:
    """driver_1..k and push_1..k from `top_codes`."""
    ids = np.where(codes >= 0, _DRIVER_IDS[np.maximum(codes, 0)], None)
    out = {}
    for i in range(codes.shape[1]):
        out[f"driver_{i + 1}"] = ids[:, i]
        out[f"push_{i + 1}"] = pushes[:, i]
    return out


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
    with 、 as in the national system."""
    types, measures = plan_codes(_driver_codes(drivers, k), has_labour)
    return pd.DataFrame({"risk_types": types, "measures": measures}, index=drivers.index)


def plan_codes(codes: np.ndarray, has_labour: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`plan` from driver positions (`top_codes`): worked out once per distinct combination of
    drivers and labour, found as one integer key per row."""
    base = len(DRIVERS) + 1
    keys = np.asarray(has_labour, dtype=np.int64)
    for i in range(codes.shape[1]):
        keys = keys * base + (codes[:, i].astype(np.int64) + 1)
    distinct, inverse = np.unique(keys, return_inverse=True)
    planned = [_plan_one(*_unkey(int(key), codes.shape[1], base)) for key in distinct]
    types = np.array([p[0] for p in planned], dtype=object)[inverse.ravel()]
    measures = np.array([p[1] for p in planned], dtype=object)[inverse.ravel()]
    return types, measures


def _unkey(key: int, k: int, base: int) -> tuple[tuple, bool]:
    drivers = []
    for _ in range(k):
        key, code = divmod(key, base)
        drivers.append(DRIVERS[code - 1] if code else None)
    return tuple(reversed(drivers)), bool(key)


def main_risk_type(risk_types: pd.Series) -> pd.Series:
    """The first risk type of each household (its strongest driver's)."""
    return risk_types.astype("string").str.split("、").str[0]


def driver_values(features: pd.DataFrame, drivers: pd.DataFrame, k: int = TOP) -> pd.DataFrame:
    """value_1..k: each driver's value for the household (a category as its level number),
    so that a page can put drivers into words without the feature table."""
    return pd.DataFrame(value_columns(features, _driver_codes(drivers, k)), index=drivers.index)


def value_columns(features: pd.DataFrame, codes: np.ndarray) -> dict[str, np.ndarray]:
    """value_1..k from driver positions (`top_codes`): only the drivers named are read."""
    out = {f"value_{i + 1}": np.full(len(codes), np.nan) for i in range(codes.shape[1])}
    for j, f in enumerate(DRIVERS):
        hit = codes == j
        if not hit.any():
            continue
        column = features[f]
        values = (np.where(column.cat.codes.to_numpy() >= 0, column.cat.codes.to_numpy(), np.nan)
                  if FEATURE_BY_ID[f].categorical else column.to_numpy(dtype=float))
        for i in range(codes.shape[1]):
            out[f"value_{i + 1}"][hit[:, i]] = values[hit[:, i]]
    return out
