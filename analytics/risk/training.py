"""Temporal evaluation and training of the relapse-risk model against the rule baseline.

Evaluation is honest in time: the model and the rules' hit rates learn from feature years up
to t-1 (whose outcomes are known by the end of year t) and are scored on feature year t,
whose outcomes come from year t+1. Training for use then refits on every labelled year; every
household-year is scored in chunks as the model is saved, so that pages only read a file.
Rows are selected by position and only the model's (case-control) sample is copied, so memory
stays bounded at a million households.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from analytics.risk import explain as risk_explain
from analytics.risk import metrics as risk_metrics
from analytics.risk.baseline import RuleTriggers
from analytics.risk.features import FeatureSet, LabelSpec, RiskDataError
from analytics.risk.model import CHUNK_ROWS, FEATURE_IDS, RiskModel, case_control

SUMMARY_KEYS = ("roc_auc", "pr_auc", "brier", "recall_at_workload", "precision_at_workload")


@dataclass
class Evaluation:
    """Model and baseline side by side on one test year; `as_json()` is what the command
    line prints and the model card shows."""

    workload: float
    train_years: list[int]
    test_year: int
    n_test: int
    events: int
    model: dict
    baseline: dict
    calibration: pd.DataFrame
    townships: pd.DataFrame
    chosen_C: float
    baseline_triggered: int
    seconds: float
    test: pd.DataFrame  # scored test rows: household_id, township_code, y, probability, rule_strength, rule_probability
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "model": {k: self.model[k] for k in SUMMARY_KEYS} | {"visited": self.model["visited"], "hits": self.model["hits"]},
            "baseline": {k: self.baseline[k] for k in SUMMARY_KEYS} | {"visited": self.baseline["visited"], "hits": self.baseline["hits"],
                                                                      "triggered": self.baseline_triggered},
            "workload": self.workload,
            "train_years": self.train_years,
            "test_year": self.test_year,
            "outcome_year": self.test_year + 1,
            "n_test": self.n_test,
            "events": self.events,
            "chosen_C": self.chosen_C,
            "calibration": risk_metrics.records(self.calibration),
            "townships": risk_metrics.records(self.townships),
            "seconds": round(self.seconds, 2),
            "warnings": self.warnings,
        }


def _labelled_years(features: FeatureSet) -> list[int]:
    return sorted(int(y) for y in np.unique(features.frame["year"].to_numpy()[features.labelled_mask()]))


SCORE_COLUMNS = ("household_id", "year", "village_code", "township_code", "label", "probability", "rule_strength",
                 "rule_triggered", *(f"{c}_{i}" for i in range(1, risk_explain.TOP + 1) for c in ("driver", "push")),
                 *(f"value_{i}" for i in range(1, risk_explain.TOP + 1)), "risk_types", "measures")
RULE_COLUMNS = ["income_to_line", "medical_to_provincial", "household_type"]  # what RuleTriggers reads
TEST_COLUMNS = ["label", "household_id", "township_code"]  # what an evaluation keeps of its test rows


def fit_rows(model: RiskModel, rules: RuleTriggers, frame: pd.DataFrame, rows: np.ndarray) -> tuple[RiskModel, RuleTriggers]:
    """Fit the model and the rules on `rows` of the feature frame without copying them all: the
    model sees its case-control sample (every row up to `model.max_rows`), with its weights; the
    rules, which only count hit rates, read their three columns of every row."""
    y = frame["label"].to_numpy(dtype=float)[rows]
    years = frame["year"].to_numpy()[rows]
    chosen, weight = case_control(y, model.max_rows, model.random_state)
    fitted = model.fit(frame[list(FEATURE_IDS)].take(rows[chosen]), y[chosen], years[chosen], sample_weight=weight)
    return fitted, rules.fit(frame[RULE_COLUMNS].take(rows), y)


def evaluate(features: FeatureSet, workload: float, model: RiskModel, test_year: int | None = None,
             township_names: dict[str, str] | None = None) -> Evaluation:
    """Fit on labelled years before `test_year` (default: the last labelled year) and score
    that year, for the model and the rule baseline at the same workload."""
    started = time.perf_counter()
    frame = features.frame
    labelled = features.labelled_mask()
    year = frame["year"].to_numpy()
    years = _labelled_years(features)
    test_year = years[-1] if test_year is None and years else test_year
    train_rows = np.flatnonzero(labelled & (year < (test_year or 0)))
    test_rows = np.flatnonzero(labelled & (year == test_year))
    if len(train_rows) == 0 or len(test_rows) == 0:
        raise RiskDataError(
            f"时间外评估至少需要两个有次年结果的年度(现有 {years});请导入至少三个连续年度的农户数据。")
    train_years = sorted(int(v) for v in np.unique(year[train_rows]))
    if len(np.unique(frame["label"].to_numpy()[train_rows])) < 2:
        raise RiskDataError(f"训练年度 {train_years} 中没有返贫或全部返贫,无法训练模型。")
    fitted, rules = fit_rows(model, RuleTriggers.from_settings(), frame, train_rows)
    # The test year's rules and identities; its features are read a chunk at a time (a million
    # test rows are 250 MB, and the final fit may be running beside this: see `train`).
    test = frame.iloc[test_rows, [frame.columns.get_loc(c) for c in [*RULE_COLUMNS, *TEST_COLUMNS]]]
    y = test["label"].to_numpy(float)
    p = np.concatenate([fitted.predict_proba(frame.iloc[test_rows[start:start + CHUNK_ROWS]])[:, 1]
                        for start in range(0, len(test_rows), CHUNK_ROWS)])
    strength = rules.decision_function(test)
    rule_p = rules.predict_proba(test)[:, 1]
    model_scores = risk_metrics.scores(y, p, p, workload)
    base_scores = risk_metrics.scores(y, strength, rule_p, workload)
    towns = risk_metrics.by_township(pd.DataFrame({
        "township_code": test["township_code"].to_numpy(), "y": y, "model_score": p,
        "model_flag": risk_metrics.top_share(p, workload), "baseline_flag": risk_metrics.top_share(strength, workload)}))
    if township_names:
        towns.insert(1, "township_name", towns["township_code"].map(township_names))
    return Evaluation(
        workload=workload, train_years=train_years, test_year=int(test_year),
        n_test=len(test), events=int(y.sum()), model=model_scores, baseline=base_scores,
        calibration=risk_metrics.calibration_table(y, p), townships=towns, chosen_C=float(fitted.C_),
        baseline_triggered=int((strength >= 1.0).sum()), seconds=time.perf_counter() - started,
        test=pd.DataFrame({"household_id": test["household_id"].to_numpy(), "township_code": test["township_code"].to_numpy(),
                           "y": y, "probability": p, "rule_strength": strength,
                           "rule_probability": rule_p}),
        warnings=list(features.warnings))


@dataclass
class TrainedRisk:
    """What `risk train` saves and the pages read: the model fitted on every labelled year,
    the rules and the temporal evaluation. Its scored rows (four million at a million
    households) are written by `saved.save` as they are computed and read in slices with
    `saved.predictions`."""

    model: RiskModel
    baseline: RuleTriggers
    evaluation: dict | None
    label: LabelSpec
    fit_seconds: float
    warnings: list[str] = field(default_factory=list)


def score(model: RiskModel, rules: RuleTriggers, frame: pd.DataFrame) -> pd.DataFrame:
    """Probability, rule strength, top drivers, risk types and measures per household-year.
    The drivers are carried as their positions in DRIVERS from contributions to the table."""
    contributions = model.driver_contributions(frame)
    codes, pushes = risk_explain.top_codes(contributions)
    logit = model.base_logit_ + contributions.sum(axis=1)
    out: dict[str, object] = {c: _plain(frame[c]).reset_index(drop=True) for c in SCORE_COLUMNS[:5]}
    out["probability"] = 1.0 / (1.0 + np.exp(-logit))
    out["rule_strength"] = rules.decision_function(frame)
    out["rule_triggered"] = out["rule_strength"] >= 1.0
    types, measures = risk_explain.plan_codes(codes, frame["labor_count"].to_numpy() > 0)
    out |= (risk_explain.driver_columns(codes, pushes) | risk_explain.value_columns(frame, codes)
            | {"risk_types": types, "measures": measures})
    return pd.DataFrame(out, columns=list(SCORE_COLUMNS))


def _plain(column: pd.Series) -> pd.Series:
    """A categorical column of the feature frame (the place codes) as its values, as pages read them."""
    return column.astype(column.cat.categories.dtype) if isinstance(column.dtype, pd.CategoricalDtype) else column


def score_chunks(model: RiskModel, rules: RuleTriggers, frame: pd.DataFrame, rows: np.ndarray,
                 chunk: int = CHUNK_ROWS, workers: int = 2) -> Iterator[pd.DataFrame]:
    """`score` of `rows` of the frame, `chunk` rows at a time, in the order given: a caller writes
    each chunk while `workers` threads score the next ones (numpy lets go of the lock in the
    heavy steps, so two cores score a million households in about half the time). At most
    `workers` + 1 chunks are held at once, so memory stays bounded."""
    columns = [frame.columns.get_loc(c) for c in dict.fromkeys([*SCORE_COLUMNS[:5], *FEATURE_IDS, *RULE_COLUMNS, "labor_count"])]
    starts = iter(range(0, len(rows), chunk))
    with threadpool_limits(model.n_threads), ThreadPoolExecutor(workers) as pool:  # no BLAS threads on top
        pending: deque[Future[pd.DataFrame]] = deque()

        def submit() -> None:
            start = next(starts, None)
            if start is not None:  # only the columns `score` reads are copied
                pending.append(pool.submit(score, model, rules, frame.iloc[rows[start:start + chunk], columns]))

        for _ in range(workers):
            submit()
        while pending:
            done = pending.popleft().result()
            submit()
            yield done


def train(features: FeatureSet, workload: float, model: RiskModel,
          township_names: dict[str, str] | None = None) -> TrainedRisk:
    """Evaluate in time (when there are two labelled years), and fit on every labelled year. The
    two do not depend on each other and run at once, one on each of two cores (numpy lets go of
    the lock in the fits): 13 s instead of 22 s at a million households."""
    labelled = np.flatnonzero(features.labelled_mask())
    if len(labelled) == 0 or len(np.unique(features.frame["label"].to_numpy()[labelled])) < 2:
        raise RiskDataError("没有可用于训练的年度:需要至少两个连续年度的农户数据,且其中既有返贫也有未返贫的农户。")
    # The fits set the BLAS threads for the process while they run: set once here, so that one fit
    # ending cannot hand the other more threads halfway (its results would then depend on timing).
    with threadpool_limits(model.n_threads), ThreadPoolExecutor(2) as pool:
        evaluation = (pool.submit(evaluate, features, workload, clone(model), township_names=township_names)
                      if len(_labelled_years(features)) >= 2 else None)
        fitted, rules, seconds = pool.submit(_timed_fit, clone(model), features.frame, labelled).result()
        return TrainedRisk(fitted, rules, evaluation.result().as_json() if evaluation else None, features.label,
                           seconds, list(features.warnings))


def _timed_fit(model: RiskModel, frame: pd.DataFrame, rows: np.ndarray) -> tuple[RiskModel, RuleTriggers, float]:
    started = time.perf_counter()
    fitted, rules = fit_rows(model, RuleTriggers.from_settings(), frame, rows)
    return fitted, rules, time.perf_counter() - started
