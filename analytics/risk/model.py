"""The relapse-risk model: a logistic regression whose regularisation is chosen by
time-ordered cross-validation and whose probabilities are calibrated on out-of-time
predictions, so that "30%" means about three in ten next year.

The model stays linear in its inputs end to end (Platt scaling is a linear map of the logit),
so every household's calibrated logit is exactly the intercept plus one contribution per
feature: the explanations shown to visitors are the model, not an approximation of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from analytics import settings
from analytics.risk.explain import DRIVERS
from analytics.risk.features import CATEGORICAL, CATEGORY_LEVELS, FEATURE_BY_ID, FEATURES, NUMERIC

FEATURE_IDS = tuple(f.id for f in FEATURES)
SOLVER = "newton-cholesky"  # exact optimum in a few steps when rows far outnumber columns
CHUNK_ROWS = 100_000  # rows transformed at once when predicting: bounds memory at any county size
PREPARE_ROWS = 200_000  # rows the imputation means and scales are learnt from in a weighted sample


def case_control(y: np.ndarray, max_rows: int | None, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rows to fit on and their weights. Up to `max_rows` rows: all, weight 1. Above: every event
    and a random sample of non-events (enough to fill `max_rows`, at least as many as the
    events), each non-event weighted by the inverse of its sampling rate. This is the weighting
    correction of King and Zeng (2001, "Logistic regression in rare events data"): with it the
    weighted fit estimates the full data's coefficients and intercept, where an unweighted fit on
    the sample would raise the intercept by log(1 / rate)."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    if max_rows is None or n <= max_rows:
        return np.arange(n), np.ones(n)
    events, others = np.flatnonzero(y == 1), np.flatnonzero(y != 1)
    kept = min(len(others), max(max_rows - len(events), len(events)))
    chosen = np.random.default_rng(random_state).choice(others, kept, replace=False) if kept else others[:0]
    rows = np.sort(np.concatenate([events, chosen]))
    return rows, np.where(y[rows] == 1, 1.0, len(others) / max(kept, 1))


def level_codes(frame: pd.DataFrame) -> np.ndarray:
    """Categories as the number of their level in CATEGORY_LEVELS (NaN when missing or not a
    level): integer codes make one-hot encoding of a million rows fast."""
    return np.column_stack([_codes(frame[c], c) for c in frame.columns])


def _codes(column: pd.Series, feature: str) -> np.ndarray:
    codes = pd.Categorical(column, categories=CATEGORY_LEVELS[feature]).codes.astype(float)
    codes[codes < 0] = np.nan
    return codes


def preprocessor() -> ColumnTransformer:
    """Mean imputation and scaling for numbers; for categories, level numbers, most-frequent
    imputation and one-hot encoding against the first level (levels from the data contract,
    so every fold has the same columns). A feature with no value in a fold (changes in the
    first year) imputes to 0."""
    numeric = make_pipeline(SimpleImputer(strategy="mean", keep_empty_features=True), StandardScaler())
    categorical = make_pipeline(
        FunctionTransformer(level_codes, feature_names_out="one-to-one"),
        SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(categories=[np.arange(len(CATEGORY_LEVELS[c]), dtype=float) for c in CATEGORICAL],
                      handle_unknown="ignore", drop="first", sparse_output=False))
    return ColumnTransformer([("num", numeric, list(NUMERIC)), ("cat", categorical, list(CATEGORICAL))],
                             sparse_threshold=0.0)


def time_splits(years: np.ndarray) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Expanding-window folds: for each year after the first, train on all earlier years."""
    distinct = np.unique(years)
    return [(int(y), np.flatnonzero(years < y), np.flatnonzero(years == y)) for y in distinct[1:]]


class RiskModel(ClassifierMixin, BaseEstimator):
    """Calibrated logistic regression over the features of `analytics.risk.features`.

    fit(X, y, years): for every candidate C, expanding-window folds over the training years
    (train on years < v, score year v by log loss) choose `C_`; the out-of-time logits of the
    chosen C fit a Platt scaling (`calibration_` = slope, offset); the final pipeline is fitted
    on all rows. Above `max_rows` rows (None: never) every step fits on a case-control sample,
    weighted (`case_control`), so memory stays bounded at any county size; fit also takes such
    weights from a caller that sampled already. `max_cv_rows` caps the rows of each
    cross-validation fit (a random sample, `random_state`). `n_threads` limits BLAS/OpenMP
    threads so training does not starve a shared server. Predictions are computed
    `CHUNK_ROWS` rows at a time.
    """

    def __init__(self, Cs: Sequence[float] = (0.01, 0.1, 1.0, 10.0), max_iter: int = 100,
                 max_cv_rows: int | None = 200_000, random_state: int = 0, n_threads: int | None = 1,
                 max_rows: int | None = None) -> None:
        self.Cs = Cs
        self.max_iter = max_iter
        self.max_cv_rows = max_cv_rows
        self.random_state = random_state
        self.n_threads = n_threads
        self.max_rows = max_rows

    @classmethod
    def from_settings(cls) -> RiskModel:
        return cls(max_rows=settings.integer("risk.sample_above_rows"))

    # --- fitting --------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y: Sequence[float], years: Sequence[int],
            sample_weight: Sequence[float] | None = None) -> RiskModel:
        y = np.asarray(y, dtype=float)
        years = np.asarray(years, dtype=int)
        if sample_weight is None:
            rows, weight = case_control(y, self.max_rows, self.random_state)
            X, y, years = (X.take(rows), y[rows], years[rows]) if len(rows) < len(y) else (X, y, years)
        else:
            weight = np.asarray(sample_weight, dtype=float)
        X = X[list(FEATURE_IDS)].reset_index(drop=True)
        with threadpool_limits(self.n_threads):
            self.cv_log_loss_, oot_logit, oot_y, oot_w = self._cross_validate(X, y, years, weight)
            self.C_ = min(self.cv_log_loss_, key=self.cv_log_loss_.get) if self.cv_log_loss_ else 1.0
            self.calibration_ = _platt(oot_logit.get(self.C_), oot_y, oot_w)
            prepare = self._fit_preprocessor(X, weight)
            z = _design(prepare, X)
            model = LogisticRegression(C=self.C_, solver=SOLVER, max_iter=self.max_iter).fit(z, y, sample_weight=weight)
        # The steps are fitted in place (the design matrix is needed below), then assembled.
        self.pipeline_ = Pipeline([
            ("prepare", prepare),
            ("float32", FunctionTransformer(_as_float32, feature_names_out="one-to-one").fit(z)),
            ("model", model),
        ])
        self.classes_ = np.array([0.0, 1.0])
        self.train_years_ = sorted(int(v) for v in np.unique(years))
        self.n_train_ = int(round(weight.sum()))  # the household-years the (weighted) rows stand for
        self.n_fitted_ = len(y)
        self.columns_ = np.array(prepare.get_feature_names_out())
        self.column_feature_ = np.array([_feature_of(n) for n in self.columns_])
        self.reference_ = np.average(z, axis=0, weights=weight)  # contributions are measured from here
        return self

    def _fit_preprocessor(self, X: pd.DataFrame, weight: np.ndarray) -> ColumnTransformer:
        """Imputation means and scales of the population: from every row when the rows are
        unweighted, else from a weighted resample of the case-control rows (the imputer takes
        no weights)."""
        if np.all(weight == weight[:1]):
            return preprocessor().fit(X)
        rng = np.random.default_rng(self.random_state)
        rows = rng.choice(len(X), min(len(X), PREPARE_ROWS), replace=True, p=weight / weight.sum())
        return preprocessor().fit(X.take(np.sort(rows)))

    def _cross_validate(self, X: pd.DataFrame, y: np.ndarray, years: np.ndarray, weight: np.ndarray):
        rng = np.random.default_rng(self.random_state)
        scores: dict[float, list[float]] = {float(C): [] for C in self.Cs}
        logits: dict[float, list[np.ndarray]] = {float(C): [] for C in self.Cs}
        truth: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for _, train, test in time_splits(years):
            if len(np.unique(y[train])) < 2 or len(np.unique(y[test])) < 2:
                continue
            if self.max_cv_rows and len(train) > self.max_cv_rows:
                train = np.sort(rng.choice(train, self.max_cv_rows, replace=False))
            prepare = self._fit_preprocessor(X.iloc[train], weight[train])
            z = _design(prepare, X.iloc[np.concatenate([train, test])])
            z_train, z_test = z[:len(train)], z[len(train):]
            model = LogisticRegression(solver=SOLVER, max_iter=self.max_iter, warm_start=True)
            for C in sorted(scores):
                model.set_params(C=C).fit(z_train, y[train], sample_weight=weight[train])
                logit = model.decision_function(z_test).astype(float)
                scores[C].append(log_loss(y[test], _sigmoid(logit), labels=[0.0, 1.0], sample_weight=weight[test]))
                logits[C].append(logit)
            truth.append(y[test])
            weights.append(weight[test])
        mean = {C: float(np.mean(v)) for C, v in scores.items() if v}
        oot = {C: np.concatenate(v) for C, v in logits.items() if v}
        return (mean, oot, (np.concatenate(truth) if truth else np.array([])),
                (np.concatenate(weights) if weights else np.array([])))

    # --- prediction -----------------------------------------------------------------------
    def transform(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return np.asarray(self.pipeline_.named_steps["prepare"].transform(X[list(FEATURE_IDS)]), dtype=float)

    @property
    def coef_(self) -> np.ndarray:
        """Coefficients of the calibrated logit per transformed column."""
        slope, _ = self.calibration_
        return slope * self.pipeline_.named_steps["model"].coef_[0].astype(float)

    @property
    def intercept_(self) -> float:
        slope, offset = self.calibration_
        return float(slope * self.pipeline_.named_steps["model"].intercept_[0] + offset)

    @property
    def base_logit_(self) -> float:
        """The calibrated logit of the average training household: the intercept of the
        contributions."""
        return float(self.intercept_ + self.coef_ @ self.reference_)

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated logit, `CHUNK_ROWS` rows at a time."""
        check_is_fitted(self, "pipeline_")
        coef, intercept = self.coef_, self.intercept_
        out = np.empty(len(X))
        for start in range(0, len(X), CHUNK_ROWS):
            out[start:start + CHUNK_ROWS] = self.transform(X.iloc[start:start + CHUNK_ROWS]) @ coef + intercept
        return out

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = _sigmoid(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(float)

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per household and feature, its part of the calibrated logit relative to the
        average training household; row sums plus `base_logit_` equal the logit. Computed
        `CHUNK_ROWS` rows at a time."""
        return pd.DataFrame(self._grouped(X, list(self.column_feature_), FEATURE_IDS),
                            columns=list(FEATURE_IDS), index=X.index)

    def driver_contributions(self, X: pd.DataFrame) -> np.ndarray:
        """`contributions` summed per driver (rows x `explain.DRIVERS`), in one matrix product
        per chunk from the transformed columns."""
        return self._grouped(X, [FEATURE_BY_ID[f].driver for f in self.column_feature_], DRIVERS)

    def _grouped(self, X: pd.DataFrame, owners: list[str], groups: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        membership = np.zeros((len(owners), len(groups)))
        membership[np.arange(len(owners)), [groups.index(o) for o in owners]] = 1.0
        coef = self.coef_
        out = np.empty((len(X), len(groups)))
        for start in range(0, len(X), CHUNK_ROWS):
            terms = self.transform(X.iloc[start:start + CHUNK_ROWS])
            terms -= self.reference_
            terms *= coef
            np.matmul(terms, membership, out=out[start:start + CHUNK_ROWS])
        return out

    def coefficients(self) -> pd.DataFrame:
        """Per transformed column: its feature, the calibrated coefficient (per standard
        deviation `sd` of the training data for numbers, against the reference level for
        categories) and the odds ratio."""
        check_is_fitted(self, "pipeline_")
        level = [CATEGORY_LEVELS[f][int(float(n.split("__", 1)[1][len(f) + 1:]))] if n.startswith("cat__") else ""
                 for n, f in zip(self.columns_, self.column_feature_)]
        scaler = self.pipeline_.named_steps["prepare"].named_transformers_["num"][-1]
        scale = np.full(len(self.columns_), np.nan)
        scale[:len(scaler.scale_)] = scaler.scale_  # numeric columns come first
        return pd.DataFrame({"column": self.columns_, "feature": self.column_feature_, "level": level,
                             "coefficient": self.coef_, "odds_ratio": np.exp(self.coef_), "sd": scale})


def _feature_of(column: str) -> str:
    """num__income_to_line -> income_to_line; cat__terrain_2.0 -> terrain."""
    name = column.split("__", 1)[1]
    if name in FEATURE_IDS:
        return name
    return max((f for f in CATEGORICAL if name.startswith(f + "_")), key=len)


def _design(prepare: ColumnTransformer, X: pd.DataFrame) -> np.ndarray:
    """The float32 design matrix, transformed `CHUNK_ROWS` rows at a time: the double-precision
    intermediates of the transformers never exist for every row at once."""
    width = len(prepare.get_feature_names_out())
    z = np.empty((len(X), width), dtype=np.float32)
    for start in range(0, len(X), CHUNK_ROWS):
        z[start:start + CHUNK_ROWS] = prepare.transform(X.iloc[start:start + CHUNK_ROWS])
    return z


def _as_float32(z: np.ndarray) -> np.ndarray:
    """Single precision halves the solver's memory traffic; predictions use double."""
    return np.asarray(z, dtype=np.float32)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def _platt(logit: np.ndarray | None, y: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Slope and offset mapping an out-of-time logit to a calibrated logit (weighted like the
    rows it comes from); identity when there is nothing held out to learn from."""
    if logit is None or len(logit) == 0 or len(np.unique(y)) < 2:
        return 1.0, 0.0
    fit = LogisticRegression(C=np.inf).fit(logit.reshape(-1, 1), y, sample_weight=weight)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])
