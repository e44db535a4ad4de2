"""AppTest of 防返贫监测, 预警名单 and 模型说明: the figures equal what the data and the saved
model say, the filters narrow them, personal data stays masked, the map stays offline."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics import settings
from analytics.data.contract import MONITORING_CATEGORIES
from analytics.risk import metrics as risk_metrics
from analytics.risk import overview as risk_overview
from analytics.risk import saved as risk_model_store
from analytics.risk.features import FEATURES
from devtools.apptest import app
from tests.apptest_support import county_map, frame, metric, open_page

CUTOFF = settings.number("risk.high_risk_probability")
WORKLOAD = settings.number("risk.workload")


@pytest.fixture(scope="module")
def model(demo_store):
    """The model the pages use (trained and saved with the session's store), its meta and its
    scored rows."""
    trained, meta, _ = risk_model_store.for_snapshot(demo_store)
    return trained, meta, risk_model_store.predictions(demo_store.root, meta.id)


@pytest.fixture(scope="module")
def year(demo_tables) -> int:
    return int(demo_tables["households"]["year"].max())


def _in_town(demo_tables, town: str) -> set[str]:
    villages = demo_tables["villages"]
    return set(villages.loc[villages["township_code"] == town, "village_code"])


@pytest.mark.parametrize("town_index", [None, 5])
def test_monitoring_kpis_match_the_data_and_the_model(demo_tables, model, year, town_index):
    town = None if town_index is None else demo_tables["townships"]["township_code"].iloc[town_index]
    at = open_page("app_pages/monitoring.py", town=town)
    h = demo_tables["households"]
    h = h[h["year"] == year]
    scored = model[2]
    scored = scored[scored["year"] == year]
    if town:
        h = h[h["village_code"].isin(_in_town(demo_tables, town))]
        scored = scored[scored["village_code"].isin(_in_town(demo_tables, town))]
    for category in MONITORING_CATEGORIES:
        assert metric(at, f"{category}(户)") == f"{(h['monitoring_category'] == category).sum():,}"
    eliminated = h["risk_eliminated_at"].astype("string").str[:4].eq(str(year)).fillna(False)
    newly = h["monitoring_start"].astype("string").str[:4].eq(str(year)).fillna(False)
    assert metric(at, "当年消除风险(户)") == f"{eliminated.sum():,}"
    assert metric(at, "当年新识别(户)") == f"{newly.sum():,}"
    high = int((scored["probability"] >= CUTOFF).sum())
    assert metric(at, "预测高风险、未纳入监测(户)") == f"{high:,}"
    assert high > 0


def test_monitoring_map_is_offline_and_charts_show_risk_types():
    at = open_page("app_pages/monitoring.py")
    srcdoc = json.dumps(county_map(at), ensure_ascii=False)
    assert "/app/static/leaflet/leaflet.js" in srcdoc
    assert "http://" not in srcdoc and "https://" not in srcdoc
    assert "高风险未监测户占比" in srcdoc
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    names = {trace.get("name") for spec in specs for trace in spec["data"]}
    assert "因病" in names  # the trend of recorded risk types


def test_warning_list_is_the_workload_sorted_and_masked(demo_tables, model, year):
    at = open_page("app_pages/warning_list.py")
    listed = frame(at, "预测返贫概率(%)")
    h = demo_tables["households"]
    assert len(listed) == risk_metrics.visit_count(int((h["year"] == year).sum()), WORKLOAD)
    assert listed["预测返贫概率(%)"].is_monotonic_decreasing
    scored = model[2]
    top = scored[scored["year"] == year].sort_values(["probability", "household_id"], ascending=[False, True])
    assert list(listed["户编号"]) == list(top["household_id"].head(len(listed)))
    assert listed["预测返贫概率(%)"].iloc[0] == pytest.approx(round(top["probability"].iloc[0] * 100, 1))
    full_names = set(h["head_name"])
    assert not (set(listed["户主姓名"]) & full_names), "names must be masked"
    assert listed["户主证件号码"].str.contains(r"\*{8}").all()
    assert listed["主要风险因素"].str.len().gt(0).all() and listed["建议帮扶措施"].notna().all()
    assert at.get("download_button"), "the list must be downloadable"


def test_warning_list_follows_the_township_and_the_high_risk_option(demo_tables, model, year):
    town = demo_tables["townships"]["township_code"].iloc[2]
    at = open_page("app_pages/warning_list.py", town=town)
    listed = frame(at, "预测返贫概率(%)")
    names = demo_tables["townships"].set_index("township_code")["township_name"]
    assert set(listed["乡镇"]) == {names[town]}
    at.segmented_control(key="warning_show").set_value("high").run()
    listed = frame(at, "预测返贫概率(%)")
    scored = model[2]
    scored = scored[(scored["year"] == year) & scored["village_code"].isin(_in_town(demo_tables, town))]
    assert len(listed) == int((scored["probability"] >= CUTOFF).sum())
    assert (listed["预测返贫概率(%)"] >= CUTOFF * 100 - 0.05).all()


def test_warning_list_of_a_past_year_shows_what_happened(demo_tables, model):
    at = app().run()
    at.switch_page("app_pages/warning_list.py").run()
    at.selectbox(key="year").set_value(2023).run()
    listed = frame(at, "预测返贫概率(%)")
    outcome = listed["2024 年实际是否返贫"]
    scored = model[2].set_index(["household_id", "year"])
    truth = scored.loc[[(hid, 2023) for hid in listed["户编号"]], "label"].to_numpy()
    assert list(outcome) == ["是" if v else "否" for v in truth]


def test_model_card_shows_the_saved_evaluation(model):
    trained, meta, _ = model
    at = open_page("app_pages/model_card.py")
    ev = trained.evaluation
    metrics = frame(at, "规则预警")
    assert metrics["模型"].tolist() == pytest.approx([ev["model"][k] for k in (
        "roc_auc", "pr_auc", "brier", "recall_at_workload", "precision_at_workload")])
    assert metrics["规则预警"].tolist() == pytest.approx([ev["baseline"][k] for k in (
        "roc_auc", "pr_auc", "brier", "recall_at_workload", "precision_at_workload")])
    assert metric(at, "模型:工作量内找到的返贫户") == f"{ev['model']['hits']:,} / {ev['events']:,}"
    text = " ".join(m.value for m in at.markdown)
    assert meta.id in text and meta.label_zh in text and "模型无法知道" in " ".join(s.value for s in at.subheader)
    features = frame(at, "优势比")
    assert {f.zh for f in FEATURES} <= set(features["特征"])
    coef = trained.model.coefficients()
    income = coef.loc[coef["feature"] == "income_to_line", "odds_ratio"].iloc[0]
    assert features.loc[features["特征"] == "人均纯收入/监测标准", "优势比"].iloc[0] == pytest.approx(income, abs=1e-3)
    calibration = frame(at, "实际(%)")
    assert len(calibration) == 10
    assert np.allclose(calibration["实际(%)"], [row["observed"] * 100 for row in ev["calibration"]])
    assert any(len(json.loads(c.proto.spec)["data"]) == 2 for c in at.get("plotly_chart"))


def test_model_card_compares_every_township_in_the_users_scope(demo_tables, model):
    town = demo_tables["townships"]["township_code"].iloc[1]
    at = open_page("app_pages/model_card.py", town=town)
    towns = frame(at, "模型找到")
    names = demo_tables["townships"].set_index("township_code")["township_name"]
    assert len(towns) == len(demo_tables["townships"])  # the sidebar filter does not narrow the user's scope
    assert names[town] in set(towns["乡镇"])


def test_identified_by_risk_type_from_monitored_rows_only(demo_store, demo_tables):
    """防返贫监测 reads only the monitored rows for its yearly chart; the counts must be those of
    every row."""
    monitored = demo_store.rows("households", where=risk_overview.monitored_filter())
    assert len(monitored) < len(demo_tables["households"]) / 4
    expected = risk_overview.identified_by_risk_type(demo_tables["households"])
    assert expected.to_numpy().sum() > 0
    pd.testing.assert_frame_equal(risk_overview.identified_by_risk_type(monitored), expected)
