"""The risk model, its baseline, the metrics and the explanations, on the demo county."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn import metrics

from analytics.data.store import Store
from analytics.risk import explain as risk_explain
from analytics.risk import features as risk_features
from analytics.risk import metrics as risk_metrics
from analytics.risk import phrasing
from analytics.risk import saved as risk_model_store
from analytics.risk import training as risk_training
from analytics.risk.baseline import RuleTriggers
from analytics.risk.features import CATEGORY_LEVELS, FEATURES, LabelSpec, RiskDataError
from analytics.risk.model import FEATURE_IDS, RiskModel, time_splits

WORKLOAD = 0.05


@pytest.fixture(scope="module")
def features(demo_tables):
    return risk_features.build(demo_tables, LabelSpec())


@pytest.fixture(scope="module")
def evaluation(features):
    return risk_training.evaluate(features, WORKLOAD, RiskModel())


@pytest.fixture(scope="module")
def fitted(features):
    labelled = features.labelled()
    return RiskModel().fit(labelled, labelled["label"], labelled["year"]), labelled


def test_time_splits_train_only_on_earlier_years():
    years = np.array([2021, 2021, 2022, 2023, 2022])
    splits = time_splits(years)
    assert [s[0] for s in splits] == [2022, 2023]
    for year, train, test in splits:
        assert (years[train] < year).all() and (years[test] == year).all()
    assert list(splits[1][1]) == [0, 1, 2, 4]


def test_evaluation_trains_before_the_test_year(evaluation, features):
    assert evaluation.test_year == max(features.labelled()["year"])
    assert evaluation.train_years == [y for y in features.years() if y < evaluation.test_year]
    test = features.labelled()
    assert evaluation.n_test == int((test["year"] == evaluation.test_year).sum())
    assert evaluation.events == int(test.loc[test["year"] == evaluation.test_year, "label"].sum())


def test_metrics_match_sklearn(evaluation):
    test = evaluation.test
    y, p, strength = test["y"].to_numpy(), test["probability"].to_numpy(), test["rule_strength"].to_numpy()
    m, b = evaluation.model, evaluation.baseline
    assert m["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, p))
    assert m["pr_auc"] == pytest.approx(metrics.average_precision_score(y, p))
    assert m["brier"] == pytest.approx(metrics.brier_score_loss(y, p))
    assert b["roc_auc"] == pytest.approx(metrics.roc_auc_score(y, strength))
    assert b["pr_auc"] == pytest.approx(metrics.average_precision_score(y, strength))
    assert b["brier"] == pytest.approx(metrics.brier_score_loss(y, test["rule_probability"]))
    visited = round(WORKLOAD * len(y))
    for score, result in ((p, m), (strength, b)):
        top = np.argsort(-score, kind="stable")[:visited]
        assert result["visited"] == visited
        assert result["recall_at_workload"] == pytest.approx(y[top].sum() / y.sum())
        assert result["precision_at_workload"] == pytest.approx(y[top].mean())
        assert result["recall_at_workload"] == pytest.approx(
            metrics.recall_score(y, np.isin(np.arange(len(y)), top)))


def test_model_finds_more_cases_than_the_rules_at_the_same_workload(evaluation):
    assert evaluation.model["visited"] == evaluation.baseline["visited"]
    assert evaluation.model["recall_at_workload"] > evaluation.baseline["recall_at_workload"]
    assert evaluation.model["pr_auc"] > evaluation.baseline["pr_auc"]


def test_calibration_table_is_deciles_of_the_test_year(evaluation):
    cal = evaluation.calibration
    test = evaluation.test
    assert len(cal) == 10 and cal["n"].sum() == len(test)
    assert (cal["n"].max() - cal["n"].min()) <= 1
    assert cal["predicted"].is_monotonic_increasing
    assert (cal["predicted"] * cal["n"]).sum() == pytest.approx(test["probability"].sum())
    assert (cal["observed"] * cal["n"]).sum() == pytest.approx(test["y"].sum())
    assert (cal["difference"].abs() < 0.08).all()


def test_township_breakdown_adds_up(evaluation):
    towns = evaluation.townships
    assert towns["n"].sum() == evaluation.n_test
    assert towns["events"].sum() == evaluation.events
    assert towns["model_hits"].sum() == evaluation.model["hits"]
    assert towns["baseline_hits"].sum() == evaluation.baseline["hits"]
    assert set(towns["township_code"]) == set(evaluation.test["township_code"])


def test_json_has_every_figure_and_none_where_undefined(evaluation):
    out = json.loads(json.dumps(evaluation.as_json()))
    for who in ("model", "baseline"):
        assert set(risk_training.SUMMARY_KEYS) <= set(out[who])
    assert {"workload", "train_years", "test_year", "n_test"} <= set(out)
    one_class = risk_metrics.scores(np.zeros(20), np.linspace(0, 1, 20), np.full(20, 0.1), 0.05)
    assert one_class["roc_auc"] is None and one_class["pr_auc"] is None and one_class["recall_at_workload"] is None
    assert one_class["brier"] == pytest.approx(0.01)
    nobody = risk_metrics.scores(np.array([1.0, 0.0]), np.array([0.2, 0.1]), None, 0.0)
    assert nobody["precision_at_workload"] is None and nobody["brier"] is None


def test_contributions_plus_intercept_equal_each_logit(fitted):
    model, labelled = fitted
    rows = labelled.sample(3000, random_state=1)
    contributions = model.contributions(rows)
    logit = model.decision_function(rows)
    assert list(contributions.columns) == list(FEATURE_IDS)
    assert np.allclose(model.base_logit_ + contributions.sum(axis=1).to_numpy(), logit, atol=1e-9)
    p = model.predict_proba(rows)[:, 1]
    assert np.allclose(np.log(p / (1 - p)), logit, atol=1e-6)
    drivers = risk_explain.driver_contributions(contributions)
    assert np.allclose(drivers.sum(axis=1), contributions.sum(axis=1))


def test_a_contribution_moves_only_with_its_own_feature(fitted):
    model, labelled = fitted
    rows = labelled.head(50).copy()
    before = model.contributions(rows)
    rows["chronic_illness_count"] += 2
    after = model.contributions(rows)
    changed = (after - before).abs().max()
    assert changed["chronic_illness_count"] > 0
    assert (changed.drop("chronic_illness_count") == 0).all()


def test_same_seed_same_model_and_the_seed_matters(features):
    labelled = features.labelled()
    fits = [RiskModel(random_state=s, max_cv_rows=3000).fit(labelled, labelled["label"], labelled["year"])
            for s in (3, 3, 4)]
    a, b, c = fits
    assert np.array_equal(a.coef_, b.coef_) and a.intercept_ == b.intercept_
    assert a.calibration_ == b.calibration_ and a.C_ == b.C_ and a.cv_log_loss_ == b.cv_log_loss_
    assert a.calibration_ != c.calibration_


def test_regularisation_is_chosen_by_time_ordered_cv(fitted):
    model, _ = fitted
    assert set(model.cv_log_loss_) == {float(c) for c in model.Cs}
    best = min(model.cv_log_loss_, key=model.cv_log_loss_.get)
    assert best == model.C_
    slope, offset = model.calibration_
    raw = model.pipeline_.named_steps["model"]
    assert np.allclose(model.coef_, slope * raw.coef_[0])
    assert model.intercept_ == pytest.approx(slope * raw.intercept_[0] + offset)


def test_coefficients_name_every_feature_with_odds_ratios(fitted):
    model, _ = fitted
    coef = model.coefficients()
    assert set(coef["feature"]) == set(FEATURE_IDS)
    assert np.allclose(coef["odds_ratio"], np.exp(coef["coefficient"]))
    terrain = coef[coef["feature"] == "terrain"]
    assert set(terrain["level"]) == {"丘陵", "山区"}  # 平原 is the reference
    assert coef.loc[coef["feature"] == "income_to_line", "sd"].iloc[0] > 0


def test_rules_trigger_on_income_and_medical_spending():
    rules = RuleTriggers(income_near_line_ratio=1.1, medical_share_former_poor=0.5, medical_share_others=1.0)
    frame = pd.DataFrame({
        "income_to_line": [1.05, 1.2, 2.0, 2.0, 2.0, -0.5],
        "medical_to_provincial": [0.0, 0.0, 0.6, 0.6, 1.2, 0.0],
        "household_type": ["一般农户", "一般农户", "脱贫户", "一般农户", "一般农户", "脱贫户"],
    })
    assert rules.triggered(frame).tolist() == [True, False, True, False, True, True]
    strength = rules.decision_function(frame)
    assert strength[5] > strength[0] > 1 > strength[1]
    fitted = rules.fit(frame, [1, 0, 1, 0, 0, 1])
    assert fitted.rate_triggered_ == pytest.approx(3 / 4) and fitted.rate_other_ == 0.0
    assert np.allclose(fitted.predict_proba(frame)[:, 1], [0.75, 0, 0.75, 0, 0.75, 0.75])


def test_top_drivers_are_the_largest_positive_contributions():
    ids = list(FEATURE_IDS)
    values = np.zeros((2, len(ids)))
    values[0, ids.index("chronic_illness_count")] = 0.9
    values[0, ids.index("labor_share")] = 0.5
    values[0, ids.index("income_log")] = 0.3
    values[0, ids.index("income_gap")] = 0.4  # with income_log: one driver, income_to_line, 0.7
    values[0, ids.index("students_count")] = 0.1
    values[1, ids.index("disabled_count")] = 0.2
    values[1, ids.index("dibao")] = -1.0
    drivers = risk_explain.top_drivers(pd.DataFrame(values, columns=ids))
    assert drivers.loc[0, ["driver_1", "driver_2", "driver_3"]].tolist() == [
        "chronic_illness_count", "income_to_line", "labor_share"]
    assert drivers.loc[0, "push_2"] == pytest.approx(0.7)
    assert drivers.loc[1, "driver_1"] == "disabled_count" and pd.isna(drivers.loc[1, "driver_2"])


def test_measures_follow_risk_types_and_labour():
    drivers = pd.DataFrame({"driver_1": ["chronic_illness_count", "labor_share", "income_to_line"],
                            "driver_2": ["labor_share", "work_months_change", None],
                            "driver_3": [None, None, None]})
    planned = risk_explain.plan(drivers, [True, False, True])
    assert planned.loc[0, "risk_types"] == "因病、因缺劳动力"
    assert planned.loc[0, "measures"] == "健康帮扶、公益岗位帮扶"
    assert planned.loc[1, "measures"] == "综合保障"  # no labour: 兜底 instead of jobs
    assert planned.loc[2, "risk_types"] == "其他" and planned.loc[2, "measures"] == "就业帮扶"


def test_every_driver_has_a_risk_type_and_a_measure():
    assert all(f.risk_type and f.measure for f in FEATURES)


def test_scored_rows_explain_themselves(fitted, features):
    model, labelled = fitted
    rules = RuleTriggers().fit(labelled, labelled["label"])
    rows = features.frame[features.frame["eligible"]].head(400)
    scored = risk_training.score(model, rules, rows)
    assert np.allclose(scored["probability"], model.predict_proba(rows)[:, 1])
    for i in range(50):
        for slot in (1, 2, 3):
            driver, value = scored.iloc[i][f"driver_{slot}"], scored.iloc[i][f"value_{slot}"]
            if pd.isna(driver):
                continue
            actual = rows.iloc[i][driver]
            if risk_explain.FEATURE_BY_ID[driver].categorical:
                assert CATEGORY_LEVELS[driver][int(value)] == actual
            else:
                assert value == pytest.approx(float(actual), rel=1e-6, nan_ok=True)
    texts = phrasing.sentences(scored)
    assert len(texts) == len(scored) and all(isinstance(x, str) for x in texts)


def test_too_few_years_is_refused_in_chinese(demo_tables):
    h = demo_tables["households"]
    one_year = {**demo_tables, "households": h[h["year"] == 2025]}
    fs = risk_features.build(one_year, LabelSpec())
    with pytest.raises(RiskDataError, match="年度"):
        risk_training.evaluate(fs, WORKLOAD, RiskModel())
    with pytest.raises(RiskDataError, match="训练"):
        risk_training.train(fs, WORKLOAD, RiskModel())


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    from analytics.demo import county as demo

    store = Store(tmp_path_factory.mktemp("risk_store"))
    demo.build(store, households=1500, seed=3)
    trained, meta = risk_model_store.train_and_save(store, RiskModel.from_settings())
    return store, trained, meta


def test_saved_model_round_trips_with_its_version(saved):
    store, trained, meta = saved
    folder = store.root / "models" / meta.id
    assert {p.name for p in folder.iterdir()} == {"model.joblib", "meta.json", "metrics.json", "predictions.parquet"}
    assert meta.sklearn_version == sklearn.__version__ and meta.snapshot_id == store.info().id
    loaded, _ = risk_model_store.load(store.root, meta.id)
    rows = risk_model_store.predictions(store.root, meta.id).head(5)
    assert np.array_equal(loaded.model.coef_, trained.model.coef_)
    assert json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["test_year"] == 2024
    again, meta_again, notice = risk_model_store.for_snapshot(store)
    assert meta_again.id == meta.id and notice is None
    assert rows["probability"].between(0, 1).all()


def test_a_model_from_another_sklearn_version_is_refused_in_chinese(saved, tmp_path):
    store, _, meta = saved
    import shutil

    copy = Store(tmp_path / "copy")
    shutil.copytree(store.root, copy.root)
    path = copy.root / "models" / meta.id / "meta.json"
    old = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**old, "sklearn_version": "0.24.2"}), encoding="utf-8")
    with pytest.raises(risk_model_store.ModelVersionError, match="scikit-learn 0.24.2.*已拒绝加载.*重新训练"):
        risk_model_store.load(copy.root, meta.id)
    trained, fresh, notice = risk_model_store.for_snapshot(copy)
    assert "0.24.2" in notice and fresh.id != meta.id
    assert fresh.sklearn_version == sklearn.__version__
