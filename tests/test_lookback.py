"""回头看 on the demo county: the effects predicted for the latest checkable year (a model fitted
on the years before it) against that year's own estimate, whose intervals cover the demo's
documented truth; a plan saved for that year supplies the prediction; the command prints it."""

from __future__ import annotations

import json

import pytest

from analytics.__main__ import main
from analytics.demo.county import TRUE_EFFECTS
from analytics.planning import lookback, scenarios
from analytics.planning import plan as planning


@pytest.fixture(scope="module")
def tables(demo_store):
    return planning.snapshot_tables(demo_store)


@pytest.fixture(scope="module")
def found(tables):
    context = planning.build_context(tables)
    return lookback.LookBack.from_settings().fit(tables, context.score_points["overall"])


def _row(found, category: str, outcome: str):
    table = found.table_
    return table[(table["category"] == category) & (table["outcome"] == outcome)].iloc[0]


def test_it_looks_back_at_the_latest_year_whose_results_are_in(found, tables):
    assert found.year_ == int(tables["village_year"]["year"].max()) - 1
    assert found.source_ == "refit"
    assert set(found.headline_table()["outcome"]) == {lookback.RELAPSE, lookback.OVERALL}


def test_a_true_effect_lies_in_the_predicted_and_the_observed_interval(found):
    row = _row(found, "产业发展", "IND01")  # 3.0 per unit in the demo
    truth = TRUE_EFFECTS["产业发展"]["IND01"]
    assert row["pred_low"] <= truth <= row["pred_high"]
    assert row["obs_low"] <= truth <= row["obs_high"]
    assert row["held"]


@pytest.mark.parametrize("side", ["pred", "obs"])
def test_most_true_effects_lie_in_their_predicted_and_observed_intervals(found, side):
    """95% intervals over the demo's 15 non-zero effects: one county is one draw, so at least 80%."""
    pairs = [(c, i, b) for c, effects in TRUE_EFFECTS.items() for i, b in effects.items()]
    covered = [_row(found, c, i)[f"{side}_low"] <= b <= _row(found, c, i)[f"{side}_high"] for c, i, b in pairs]
    assert sum(covered) >= 0.8 * len(pairs)


def test_effects_of_last_years_funds_scale_with_what_was_spent(found):
    row = _row(found, "产业发展", "IND01")
    assert row["mean_x"] > 0
    assert row["predicted_funds"] == pytest.approx(row["predicted"] * row["mean_x"])
    assert row["obs_high_funds"] == pytest.approx(row["obs_high"] * row["mean_x"])


def test_every_category_gets_one_plain_sentence(found):
    sentences = found.sentences()
    assert len(sentences) == len(found.table_["category"].unique())
    assert all("预测" in s and "实际" in s for s in sentences)
    industry = next(s for s in sentences if s.startswith("产业发展:"))
    assert "预测成立" in industry or "预测未成立" in industry


def test_a_plan_saved_for_that_year_supplies_the_prediction(tables, store_copy, found):
    year = found.year_
    far = {"category": "产业发展", "outcome": "overall", "estimate": 50.0, "low": 49.0, "high": 51.0,
           "raw_estimate": 50.0, "raw_low": 49.0, "raw_high": 51.0}
    scenarios.save(store_copy, "去年方案", {}, {"year": year, "effect_sources": [far]}, "s", "plan01")
    scenarios.save(store_copy, "今年方案", {}, {"year": year + 2, "effect_sources": []}, "s", "plan01")
    saved = lookback.saved_plan(store_copy, year)
    assert saved["name"] == "去年方案"
    context = planning.build_context(tables)
    again = lookback.LookBack.from_settings().fit(tables, context.score_points["overall"], saved=saved)
    row = _row(again, "产业发展", lookback.OVERALL)
    assert again.source_ == "去年方案" and row["source"] == "去年方案" and row["predicted"] == 50.0
    assert not row["held"]  # 50 points per unit is far from what the data showed
    assert "预测未成立" in next(s for s in again.sentences() if s.startswith("产业发展:"))
    assert lookback.saved_plan(store_copy, year - 5) is None


def test_command_prints_the_look_back(demo_store, capsys):
    assert main(["allocate", "--store", str(demo_store.root), "--look-back", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] == "refit" and len(out["sentences"]) == 8
    assert {"predicted", "pred_low", "pred_high", "observed", "obs_low", "obs_high", "held"} <= set(out["rows"][0])
