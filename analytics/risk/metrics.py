"""How well a risk score finds next year's cases: ranking (ROC AUC, PR AUC), probability
quality (Brier, calibration by decile) and what a township can act on: of the households it
can visit (the top k% by score), how many were real cases (precision) and how many of all
cases they include (recall). Undefined figures are None, never a made-up zero."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn import metrics


def visit_count(n: int, workload: float) -> int:
    """Households visited at a workload share: rounded, at least one when there are any."""
    if n == 0 or workload <= 0:
        return 0
    return min(n, max(1, int(round(workload * n))))


def top_share(score: np.ndarray, workload: float) -> np.ndarray:
    """Mask of the highest-scoring `workload` share; ties keep the input order, so the cut
    is deterministic."""
    score = np.asarray(score, dtype=float)
    order = np.argsort(-np.nan_to_num(score, nan=-np.inf), kind="stable")
    flagged = np.zeros(len(score), bool)
    flagged[order[:visit_count(len(score), workload)]] = True
    return flagged


def _defined(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def scores(y: np.ndarray, score: np.ndarray, probability: np.ndarray | None, workload: float) -> dict:
    """The side-by-side figures for one scorer on one test set."""
    y = np.asarray(y, dtype=float)
    both = len(np.unique(y)) == 2
    flagged = top_share(score, workload)
    hits = float(y[flagged].sum())
    events = float(y.sum())
    return {
        "roc_auc": _defined(metrics.roc_auc_score(y, score)) if both else None,
        "pr_auc": _defined(metrics.average_precision_score(y, score)) if both else None,
        "brier": _defined(metrics.brier_score_loss(y, probability)) if probability is not None and len(y) else None,
        "recall_at_workload": hits / events if events else None,
        "precision_at_workload": hits / flagged.sum() if flagged.any() else None,
        "visited": int(flagged.sum()),
        "hits": int(hits),
    }


def calibration_table(y: np.ndarray, probability: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Predicted against observed rates in equal-count bins of the predicted probability."""
    frame = pd.DataFrame({"y": np.asarray(y, float), "p": np.asarray(probability, float)})
    frame = frame.sort_values("p", kind="stable").reset_index(drop=True)
    frame["bin"] = np.minimum(np.arange(len(frame)) * bins // max(len(frame), 1), bins - 1)
    table = frame.groupby("bin").agg(n=("y", "size"), predicted=("p", "mean"), observed=("y", "mean"),
                                     p_min=("p", "min"), p_max=("p", "max")).reset_index()
    table["bin"] += 1
    table["difference"] = table["predicted"] - table["observed"]
    return table


def by_township(frame: pd.DataFrame) -> pd.DataFrame:
    """Per township: cases, and how many of them each scorer's county-wide visit list finds.

    `frame` has township_code, y, model_flag, baseline_flag, model_score."""
    rows = []
    for code, part in frame.groupby("township_code", sort=True):
        y = part["y"].to_numpy(float)
        events = y.sum()
        both = len(np.unique(y)) == 2
        row = {"township_code": code, "n": len(part), "events": int(events)}
        for who in ("model", "baseline"):
            flag = part[f"{who}_flag"].to_numpy(bool)
            row[f"{who}_visited"] = int(flag.sum())
            row[f"{who}_hits"] = int(y[flag].sum())
            row[f"{who}_recall"] = float(y[flag].sum() / events) if events else None
        row["model_roc_auc"] = _defined(metrics.roc_auc_score(y, part["model_score"])) if both else None
        rows.append(row)
    return pd.DataFrame(rows)


def records(frame: pd.DataFrame) -> list[dict]:
    """A frame as JSON-ready rows, NaN as None."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in clean.to_dict("records")]
