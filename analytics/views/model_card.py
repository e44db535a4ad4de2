"""What the 模型说明 page shows of a trained relapse-risk model: the metrics next to the rule
baseline, calibration in percent, and the features with their odds ratios in catalogue order."""

from __future__ import annotations

import pandas as pd

from analytics.risk.features import CATEGORY_LEVELS, FEATURE_BY_ID, FEATURES

METRICS = ("roc_auc", "pr_auc", "brier", "recall_at_workload", "precision_at_workload")


def metrics(model: dict, baseline: dict, names: list[str]) -> pd.DataFrame:
    """The model's and the baseline's METRICS side by side, one row per metric (`names` in order)."""
    return pd.DataFrame({"metric": names, "model": [model[k] for k in METRICS],
                         "baseline": [baseline[k] for k in METRICS]})


def calibration_percent(calibration: list[dict]) -> pd.DataFrame:
    """Calibration bins with predicted and observed rates and their difference in percent."""
    cal = pd.DataFrame(calibration)
    return cal.assign(predicted=cal["predicted"] * 100, observed=cal["observed"] * 100,
                      difference=cal["difference"] * 100)


def reference_levels() -> str:
    """The reference level of each categorical feature, "feature:level" joined by 、."""
    return "、".join(f"{FEATURE_BY_ID[c].zh}:{levels[0]}" for c, levels in CATEGORY_LEVELS.items())


def features(coefficients: pd.DataFrame) -> pd.DataFrame:
    """Each coefficient with its feature's name, risk type, measure and documentation, odds
    ratio and sd to three places, in the order the features are declared."""
    by_id = [FEATURE_BY_ID[f] for f in coefficients["feature"]]
    order = {f.id: i for i, f in enumerate(FEATURES)}
    return pd.DataFrame({
        "feature": [f.zh for f in by_id],
        "level": coefficients["level"].to_numpy(),
        "odds_ratio": coefficients["odds_ratio"].round(3).to_numpy(),
        "sd": coefficients["sd"].round(3).to_numpy(),
        "risk_type": [f.risk_type for f in by_id],
        "measure": [f.measure for f in by_id],
        "doc": [f.doc for f in by_id],
        "order": [order[f] for f in coefficients["feature"]],
    }).sort_values("order", kind="stable").drop(columns="order")
