"""The rule triggers counties use today (部门筛查预警), as the baseline the model must beat.

Two triggers, thresholds from settings:
- income near or below the line: per-capita net income below `income_near_line_ratio` x the
  year's monitoring line;
- large medical spending: out-of-pocket medical costs above a share of last year's provincial
  rural per-capita disposable income (one share for 脱贫户, another for other households).

To compare at the same visiting workload, households are ranked by trigger strength: the
larger of the two ratios "how far past its threshold", where 1 means exactly at it. Its
probability is the training years' observed rate among triggered and among other households,
which is all a yes/no rule can say.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from analytics import settings


class RuleTriggers(ClassifierMixin, BaseEstimator):
    """The county rules as an estimator; X is a frame of `analytics.risk.features`."""

    def __init__(self, income_near_line_ratio: float = 1.1, medical_share_former_poor: float = 0.5,
                 medical_share_others: float = 1.0) -> None:
        self.income_near_line_ratio = income_near_line_ratio
        self.medical_share_former_poor = medical_share_former_poor
        self.medical_share_others = medical_share_others

    @classmethod
    def from_settings(cls) -> RuleTriggers:
        return cls(settings.number("risk.income_near_line_ratio"),
                   settings.number("risk.medical_share_former_poor"),
                   settings.number("risk.medical_share_others"))

    def income_strength(self, X: pd.DataFrame) -> np.ndarray:
        """2 - income / (ratio x line): 1 at the threshold, larger the further below it."""
        return 2.0 - X["income_to_line"].to_numpy(dtype=float) / self.income_near_line_ratio

    def medical_strength(self, X: pd.DataFrame) -> np.ndarray:
        """Medical spending over its threshold: 1 at the threshold."""
        former_poor = X["household_type"].eq("脱贫户").to_numpy(dtype=bool)  # on category codes, no strings per row
        share = np.where(former_poor, self.medical_share_former_poor,
                         self.medical_share_others)
        return X["medical_to_provincial"].to_numpy(dtype=float) / share

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Trigger strength; a household is triggered when it is at least 1."""
        return np.fmax(self.income_strength(X), self.medical_strength(X))

    def triggered(self, X: pd.DataFrame) -> np.ndarray:
        return self.decision_function(X) >= 1.0

    def fit(self, X: pd.DataFrame, y) -> RuleTriggers:
        y = np.asarray(y, dtype=float)
        hit = self.triggered(X)
        self.rate_triggered_ = float(y[hit].mean()) if hit.any() else float(y.mean())
        self.rate_other_ = float(y[~hit].mean()) if (~hit).any() else float(y.mean())
        self.classes_ = np.array([0.0, 1.0])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = np.where(self.triggered(X), self.rate_triggered_, self.rate_other_)
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.triggered(X).astype(float)
