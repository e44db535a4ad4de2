"""Training in bounded memory gives the model it gave before: the case-control weights recover a
known intercept, a sampled fit scores as the full fit does, the year-by-year features equal main's
and the store's, and chunked scoring equals scoring at once."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from sklearn.linear_model import LogisticRegression

from analytics.data.store import write_sliced
from analytics.demo import county as demo
from analytics.risk import features as risk_features
from analytics.risk import model as risk_model
from analytics.risk import saved as risk_model_store
from analytics.risk import training as risk_training
from analytics.risk.baseline import RuleTriggers
from analytics.risk.features import LabelSpec
from analytics.risk.model import RiskModel, case_control
from devtools import ROOT

WORKLOAD = 0.05
MAIN_FEATURES = ROOT / "tests" / "data" / "risk_features_main.parquet"  # main's build() of demo(400, seed 5)


def _rare_events(n: int = 200_000, intercept: float = -4.0, slope: float = 0.8, seed: int = 11):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(intercept + slope * x)))).astype(float)
    return x.reshape(-1, 1), y


def test_case_control_weights_recover_a_known_intercept():
    x, y = _rare_events()
    rows, weight = case_control(y, 20_000, random_state=0)
    assert len(rows) == 20_000 and y[rows].sum() == y.sum()  # every event kept
    rate = 1 / weight[y[rows] == 0][0]
    weighted = LogisticRegression(C=1e6).fit(x[rows], y[rows], sample_weight=weight)
    assert weighted.intercept_[0] == pytest.approx(-4.0, abs=0.15)
    assert weighted.coef_[0, 0] == pytest.approx(0.8, abs=0.1)
    plain = LogisticRegression(C=1e6).fit(x[rows], y[rows])  # without the correction: off by log(1/rate)
    assert plain.intercept_[0] == pytest.approx(-4.0 + np.log(1 / rate), abs=0.15)
    assert plain.intercept_[0] > -4.0 + 1.5


def test_case_control_keeps_every_row_up_to_the_threshold():
    _, y = _rare_events(5_000)
    rows, weight = case_control(y, 5_000)
    assert np.array_equal(rows, np.arange(5_000)) and (weight == 1).all()
    rows, weight = case_control(y, None)
    assert len(rows) == 5_000


@pytest.fixture(scope="module")
def features(demo_tables):
    return risk_features.build(demo_tables, LabelSpec())


def test_a_sampled_fit_scores_within_001_of_the_full_fit(features):
    labelled = features.labelled()
    train_rows = int((labelled["year"] < labelled["year"].max()).sum())
    full = risk_training.evaluate(features, WORKLOAD, RiskModel())
    sampled = risk_training.evaluate(features, WORKLOAD, RiskModel(max_rows=train_rows // 2))
    for key in ("roc_auc", "recall_at_workload"):
        assert sampled.model[key] == pytest.approx(full.model[key], abs=0.01), key
    assert sampled.n_test == full.n_test  # evaluated on the same held-out year, never sampled
    p = sampled.test["probability"]
    assert p.mean() == pytest.approx(sampled.test["y"].mean(), abs=0.01)  # the weights keep it calibrated


def test_a_sampled_model_says_what_it_stands_for(features):
    labelled = features.labelled()
    model = RiskModel(max_rows=5_000).fit(labelled, labelled["label"], labelled["year"])
    assert model.n_fitted_ < len(labelled) and model.n_train_ == pytest.approx(len(labelled), rel=0.001)


def test_year_by_year_features_equal_mains():
    main = pd.read_parquet(MAIN_FEATURES)
    new = risk_features.build(demo.generate(households=400, seed=5), LabelSpec()).frame
    assert list(new.columns) == list(main.columns)
    numeric = list(risk_features.NUMERIC) + ["label"]
    assert np.allclose(new[numeric].to_numpy(float), main[numeric].to_numpy(float), rtol=1e-6, atol=1e-6, equal_nan=True)
    assert (new[numeric[:-1]].dtypes == np.float32).all()
    other = [c for c in main.columns if c not in numeric]
    assert all(isinstance(new[c].dtype, pd.CategoricalDtype) for c in risk_features.PLACES)  # 2 bytes a row
    pd.testing.assert_frame_equal(new[other].astype({c: "str" for c in risk_features.PLACES}), main[other])


@pytest.mark.slow
def test_features_read_a_year_at_a_time_from_the_store_equal_the_whole_table(demo_store, demo_tables):
    snapshot = demo_store.info().id
    from_store, _ = risk_model_store.snapshot_features(demo_store, snapshot, LabelSpec())
    whole = risk_features.build(demo_tables, LabelSpec())
    keys = ["household_id", "year"]
    a = from_store.frame.sort_values(keys).reset_index(drop=True)
    b = whole.frame.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert from_store.warnings == whole.warnings


@pytest.fixture(scope="module")
def fitted(features):
    labelled = features.labelled()
    model = RiskModel().fit(labelled, labelled["label"], labelled["year"])
    return model, RuleTriggers().fit(labelled, labelled["label"])


def test_chunked_scoring_equals_scoring_at_once(fitted, features, monkeypatch):
    model, rules = fitted
    rows = features.frame[features.frame["eligible"]].head(3000)
    whole = risk_training.score(model, rules, rows)
    logit, parts = model.decision_function(rows), model.contributions(rows)
    monkeypatch.setattr(risk_model, "CHUNK_ROWS", 97)
    assert np.allclose(model.decision_function(rows), logit, rtol=0, atol=1e-12)
    pd.testing.assert_frame_equal(model.contributions(rows), parts)
    positions = np.flatnonzero(features.frame["eligible"].to_numpy())[:3000]
    chunked = pd.concat(risk_training.score_chunks(model, rules, features.frame, positions, chunk=700), ignore_index=True)
    pd.testing.assert_frame_equal(chunked, whole)


def test_scores_written_chunk_by_chunk_equal_the_sliced_file(fitted, features, tmp_path, monkeypatch):
    model, rules = fitted
    trained = risk_training.TrainedRisk(model, rules, None, LabelSpec(), 0.0)
    monkeypatch.setattr(risk_training, "CHUNK_ROWS", 1000)  # several chunks of whole row groups
    risk_model_store.write_scores(trained, features.frame, tmp_path / "chunked.parquet")
    write_sliced(risk_training.score(model, rules, features.frame[features.frame["eligible"]]), tmp_path / "whole.parquet")
    chunked, whole = pd.read_parquet(tmp_path / "chunked.parquet"), pd.read_parquet(tmp_path / "whole.parquet")
    pd.testing.assert_frame_equal(chunked, whole)


def test_saved_model_meta_is_a_frozen_json_record(demo_store):
    (meta, *_) = risk_model_store.saved(demo_store.root)
    with pytest.raises(AttributeError):
        meta.id = "other"  # type: ignore[misc]
    text = json.dumps(meta.as_json(), ensure_ascii=False)
    assert risk_model_store.ModelMeta.from_json(json.loads(text)) == meta
    assert meta.label == LabelSpec.from_settings() and meta.n_fitted is not None


REFERENCE_SCORES = ROOT / "tests" / "data" / "risk_scores_reference.parquet"  # before the faster scoring (i22c)


def test_saved_scores_equal_the_reference_scoring(demo_store):
    """The session county's scored rows as the scoring before drivers were carried as positions
    wrote them (every 7th row, with the file's schema and row groups): same layout, same
    drivers in the same order, same probabilities."""
    model_id = risk_model_store.current(demo_store.root, demo_store.info().id)
    file = pq.ParquetFile(risk_model_store.models_dir(demo_store.root) / model_id / "predictions.parquet")
    reference = pq.read_table(REFERENCE_SCORES)
    meta = dict(reference.schema.metadata)
    step = int(meta.pop(b"reference_step"))
    groups = [int(n) for n in meta.pop(b"reference_row_groups").split(b",")]
    assert file.schema_arrow.equals(reference.schema.with_metadata(meta), check_metadata=True)
    assert [file.metadata.row_group(i).num_rows for i in range(file.num_row_groups)] == groups
    scored = file.read().take(np.arange(0, file.metadata.num_rows, step)).to_pandas()
    expected = reference.to_pandas()
    floats = ["probability", "rule_strength", "push_1", "push_2", "push_3"]
    pd.testing.assert_frame_equal(scored.drop(columns=floats), expected.drop(columns=floats))
    pd.testing.assert_frame_equal(scored[floats], expected[floats], check_exact=False, rtol=0, atol=1e-6)
