"""Multidimensional poverty by the Alkire-Foster method, and its application to the households'
baseline guarantees (两不愁三保障 and safe drinking water) and income against the monitoring line.

Alkire, S. and Foster, J. (2011), "Counting and multidimensional poverty measurement",
Journal of Public Economics 95(7-8), 476-487:
- a unit is deprived in dimension d when its achievement is strictly below the cutoff z_d
  (a boolean dimension: False is deprived);
- its deprivation score c is the weighted sum of its deprivations (weights sum to 1);
- it is poor when c >= k (0 < k <= 1): k = the smallest weight is the union approach, k = 1
  the intersection approach;
- H = poor / n; A = mean c among the poor; M0 = H x A = sum_d w_d x censored headcount_d;
- M0 decomposes by subgroup (population-weighted) and by dimension
  (contribution_d = w_d x censored headcount_d / M0).

Units with a missing value in any dimension are left out and counted in `excluded`, because
the method needs every dimension of a unit to decide whether it is poor.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analytics import settings

TOLERANCE = 1e-9  # so that 0.1 + 0.2 counts as reaching k = 0.3


class PovertyError(ValueError):
    """An input the user must correct; the message is Chinese and complete."""


class AlkireFoster:
    """The result of `alkire_foster`: identification per unit and the aggregate measures.

    Attributes: weights (per dimension, sum 1), k, deprived (unit x dimension booleans),
    score (weighted deprivation share per unit), poor (booleans), n, excluded, H, A, M0,
    uncensored_headcount and censored_headcount (shares of all units, per dimension) and
    contribution (per dimension, sums to 1 when M0 > 0)."""

    def __init__(self, deprived: pd.DataFrame, weights: pd.Series, k: float, excluded: int = 0,
                 data_index: pd.Index | None = None) -> None:
        self.deprived = deprived
        self.data_index = deprived.index if data_index is None else data_index
        self.weights = weights
        self.k = k
        self.excluded = excluded
        self.score = deprived.astype(float).mul(weights, axis=1).sum(axis=1)
        self.poor = self.score >= k - TOLERANCE
        self.n = len(deprived)
        n = max(self.n, 1)
        self.H = float(self.poor.sum() / n)
        self.A = float(self.score[self.poor].mean()) if self.poor.any() else 0.0
        self.M0 = self.H * self.A
        self.uncensored_headcount = deprived.sum() / n
        self.censored_headcount = deprived[self.poor].sum().reindex(deprived.columns) / n
        self.contribution = (weights * self.censored_headcount / self.M0) if self.M0 > 0 else weights * 0.0

    def decompose(self, groups: pd.Series | np.ndarray | list) -> pd.DataFrame:
        """Per subgroup: n, population share, H, A, M0, its share of the overall M0 and each
        dimension's censored headcount and contribution within the group. `groups` labels
        each unit, aligned with the data given (rows left out as incomplete are skipped).
        Sum over groups of share x M0 equals the overall M0."""
        if not isinstance(groups, pd.Series):
            if len(groups) != len(self.data_index):
                raise PovertyError(f"分组标签有 {len(groups)} 个,数据有 {len(self.data_index)} 行,应一一对应。")
            groups = pd.Series(np.asarray(groups), index=self.data_index)
        labels = groups.reindex(self.deprived.index)
        censored = self.deprived.astype(bool).mul(self.poor, axis=0).astype(float)
        frame = pd.DataFrame({"n": 1.0, "poor": self.poor.astype(float),
                              "poor_score": self.score.where(self.poor, 0.0)}, index=self.deprived.index)
        sums = pd.concat([frame, censored.add_prefix("censored_")], axis=1).groupby(labels, sort=True).sum()
        out = pd.DataFrame({"group": sums.index, "n": sums["n"].astype(int).to_numpy()})
        out["population_share"] = sums["n"].to_numpy() / max(self.n, 1)
        out["H"] = (sums["poor"] / sums["n"]).to_numpy()
        out["A"] = (sums["poor_score"] / sums["poor"]).fillna(0.0).to_numpy()
        out["M0"] = out["H"] * out["A"]
        out["contribution_to_M0"] = out["population_share"] * out["M0"] / self.M0 if self.M0 > 0 else 0.0
        for d in self.deprived.columns:
            out[f"censored_{d}"] = (sums[f"censored_{d}"] / sums["n"]).to_numpy()
        for d in self.deprived.columns:
            share = self.weights[d] * out[f"censored_{d}"] / out["M0"]
            out[f"contribution_{d}"] = share.where(out["M0"] > 0, 0.0)
        return out

    def summary(self) -> dict[str, float | int]:
        return {"n": self.n, "excluded": self.excluded, "poor": int(self.poor.sum()),
                "H": self.H, "A": self.A, "M0": self.M0}


def alkire_foster(data: pd.DataFrame, cutoffs: Mapping[str, float], k: float,
                  weights: Mapping[str, float] | None = None) -> AlkireFoster:
    """Alkire-Foster identification and aggregation; every column of `data` is a dimension.

    `cutoffs` maps each non-boolean column to its deprivation cutoff (deprived when strictly
    below); a boolean column counts False as deprived. `weights` (default equal) are
    normalised to sum to 1. `k` in (0, 1] is the poverty cutoff on the weighted score."""
    if not 0 < k <= 1:
        raise PovertyError(f"多维贫困临界值 k 应在 (0, 1] 之间,实际为 {k}。")
    columns = list(data.columns)
    if not columns:
        raise PovertyError("没有任何维度:数据中至少应有一列。")
    unknown = [c for c in list(cutoffs) + list(weights or {}) if c not in columns]
    if unknown:
        raise PovertyError(f"临界值或权重中有数据里没有的维度:{'、'.join(map(str, unknown))}")
    w = pd.Series({c: float((weights or {}).get(c, 0.0 if weights else 1.0)) for c in columns})
    if (w < 0).any() or w.sum() <= 0:
        raise PovertyError("维度权重不能为负,且权重之和须大于 0。")
    w = w / w.sum()
    deprived = {}
    for column in columns:
        values = data[column]
        if pd.api.types.is_bool_dtype(values.dtype):
            deprived[column] = ~values.astype("boolean")
        elif column in cutoffs:
            numeric = pd.to_numeric(values, errors="coerce")
            bad = values.notna() & numeric.isna()
            if bad.any():
                row = bad.idxmax()
                raise PovertyError(f"维度“{column}”第 {row} 行的值“{values[row]}”不是数字。")
            deprived[column] = (numeric < float(cutoffs[column])).astype("boolean").mask(numeric.isna())
        else:
            raise PovertyError(f"维度“{column}”不是是/否列,需要给出剥夺临界值。")
    frame = pd.DataFrame(deprived, index=data.index)
    complete = frame.notna().all(axis=1)
    return AlkireFoster(frame[complete].astype(bool), w, float(k), int((~complete).sum()), data.index)


# --- the households' guarantees --------------------------------------------------------------
# id -> (Chinese label, household column); income is per-capita net income over the year's line.
HOUSEHOLD_DIMENSIONS: dict[str, tuple[str, str]] = {
    "income": ("收入(两不愁)", "per_capita_net_income"),
    "housing": ("住房安全", "housing_safe"),
    "water": ("饮水安全", "drinking_water_safe"),
    "education": ("义务教育", "compulsory_education_ok"),
    "medical": ("基本医疗", "medical_insured_all"),
}


def household_weights() -> dict[str, float]:
    return {d: settings.number(f"poverty.weights.{d}") for d in HOUSEHOLD_DIMENSIONS}


def household_dimensions(households: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One column per dimension: income as a multiple of the year's monitoring line (deprived
    below 1), the four guarantees as booleans. 两不愁 (food and clothing) has no column of its
    own in the data; income against the monitoring line stands for it."""
    line = households["year"].map(lines.set_index("year")["threshold_yuan"])
    missing = households.loc[line.isna(), "year"].unique()
    if len(missing):
        raise PovertyError(f"监测标准表中缺少年度 {'、'.join(map(str, sorted(missing)))} 的监测收入标准。")
    out = pd.DataFrame({"income": households["per_capita_net_income"] / line}, index=households.index)
    for dim, (_, column) in HOUSEHOLD_DIMENSIONS.items():
        if dim != "income":
            out[dim] = households[column].astype("boolean")
    return out


def households_af(households: pd.DataFrame, lines: pd.DataFrame, k: float,
                  weights: Mapping[str, float]) -> AlkireFoster:
    """Alkire-Foster over the households given (one year at a time makes sense)."""
    return alkire_foster(household_dimensions(households, lines), {"income": 1.0},
                         float(k), weights)


def by_area(households: pd.DataFrame, lines: pd.DataFrame, villages: pd.DataFrame,
            k: float, weights: Mapping[str, float]) -> tuple[AlkireFoster, pd.DataFrame, pd.DataFrame]:
    """The whole frame's result, plus the subgroup tables per township and per village
    (group = township_code / village_code)."""
    result = households_af(households, lines, k, weights)
    town = households["village_code"].map(villages.set_index("village_code")["township_code"])
    return result, result.decompose(town), result.decompose(households["village_code"])
