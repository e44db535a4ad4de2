"""The data shaping the pages hand to analytics (analytics/views), on hand-made rows at their
boundaries: township bounds of a plan, assumed effects, the villages a map flags, high-risk
counts per township, comparison groups of the five-dimension scores, multidimensional scope
rows and the project tables."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analytics.risk.explain import TOP
from analytics.risk.features import FEATURES
from analytics.views import (
    allocation,
    five_dimensions,
    model_card,
    multidimensional,
    overview,
    projects,
    snapshots,
    township,
    village_profile,
    warning,
)

TOWNS = SimpleNamespace(township_names={"T2": "乙镇", "T1": "甲镇"})


def test_township_bounds_are_sorted_by_code_and_named():
    frame = allocation.township_bounds(TOWNS, {"T1": 5.0, "T2": 0.0}, {"T1": 60.0, "T2": 100.0})
    assert list(frame["township_code"]) == ["T1", "T2"]
    assert list(frame["town"]) == ["甲镇", "乙镇"]
    assert list(frame["min"]) == [5.0, 0.0] and list(frame["max"]) == [60.0, 100.0]


def test_zero_and_hundred_percent_bound_nothing():
    bounds = pd.DataFrame({"township_code": ["T1", "T2", "T3"], "min": [0.0, 10.0, np.nan],
                           "max": [100.0, 99.5, np.nan]})
    low, high = allocation.bounds_in_wan(bounds, 2000.0)
    assert low == (("T2", 200.0),)
    assert high == (("T2", 1990.0),)


def test_saved_bounds_come_back_as_the_percentages_that_made_them():
    constraints = {"budget_wan": 1000.0, "township_min_wan": [["T1", 50.0]], "township_max_wan": [["T2", 400.0]]}
    frame = allocation.saved_bounds(TOWNS, constraints).set_index("township_code")
    assert frame.loc["T1", "min"] == pytest.approx(5.0) and frame.loc["T1", "max"] == 100.0
    assert frame.loc["T2", "min"] == 0.0 and frame.loc["T2", "max"] == pytest.approx(40.0)
    low, high = allocation.bounds_in_wan(frame.reset_index(), 1000.0)
    assert low == (("T1", pytest.approx(50.0)),) and high == (("T2", pytest.approx(400.0)),)


def test_constraints_read_the_inputs_and_a_zero_cap_means_none():
    bounds = allocation.township_bounds(TOWNS, {"T1": 10.0, "T2": 0.0}, {"T1": 100.0, "T2": 100.0})
    inputs = {"budget": 500, "share": 0.6, "cap": 0.0, "keymin": 5, "keep": ["V1"], "pool": 1}
    rules = allocation.constraints(inputs, bounds)
    assert rules.budget_wan == 500.0 and rules.industry_min_share == 0.6
    assert rules.village_cap_wan is None and rules.key_village_min_wan == 5.0
    assert rules.township_min_wan == (("T1", 50.0),) and rules.township_max_wan == ()
    assert rules.keep_last_year == ("V1",) and rules.pool_only is True
    assert allocation.constraints({**inputs, "cap": 30}, bounds).village_cap_wan == 30.0


def _model() -> SimpleNamespace:
    effects = pd.DataFrame({"outcome": ["relapse_rate", "relapse_rate", "other"], "category": ["产业发展", "就业帮扶", "产业发展"],
                            "estimate": [-0.5, -0.2, 9.0], "low": [-0.8, -0.4, 8.0], "high": [-0.2, 0.0, 10.0]})
    return SimpleNamespace(effects_=effects, categories_=("产业发展", "就业帮扶", "乡村治理"))


def test_override_frame_shows_estimates_and_only_the_assumptions_set():
    current = [{"outcome": "relapse_rate", "category": "就业帮扶", "value": -1.0, "low": None, "high": -0.5}]
    frame = allocation.override_frame(_model(), "relapse_rate", current).set_index("category")
    assert frame.loc["产业发展", "estimate"] == -0.5 and np.isnan(frame.loc["乡村治理", "estimate"])
    assert np.isnan(frame.loc["产业发展", "set"])
    assert frame.loc["就业帮扶", "set"] == -1.0 and np.isnan(frame.loc["就业帮扶", "set_low"])
    assert frame.loc["就业帮扶", "set_high"] == -0.5


def test_an_edited_override_frame_gives_back_one_assumption_per_set_row():
    current = [{"outcome": "relapse_rate", "category": "就业帮扶", "value": -1.0, "low": None, "high": -0.5}]
    frame = allocation.override_frame(_model(), "relapse_rate", current)
    assert allocation.overrides_from_frame(frame, "relapse_rate") == current
    frame.loc[frame["category"] == "就业帮扶", "set"] = np.nan
    assert allocation.overrides_from_frame(frame, "relapse_rate") == []


def test_effect_sources_say_assumed_when_either_outcome_was_assumed():
    rows = [{"category": c, "outcome": o, "estimate": 0.1, "low": 0.0, "high": 0.2, "source_zh": s}
            for c, o, s in (("产业发展", "relapse", "估计"), ("产业发展", "overall", "设定"),
                            ("就业帮扶", "relapse", "估计"), ("就业帮扶", "overall", "估计"),
                            ("就业帮扶", "other", "设定"))]
    frame = allocation.effect_sources({"effect_sources": rows}, ("产业发展", "就业帮扶", "其他")).set_index("category")
    assert frame.loc["产业发展", "source"] == "设定" and frame.loc["就业帮扶", "source"] == "估计"
    assert frame.loc["产业发展", "relapse"] == "0.100(0.000 ~ 0.200)"
    assert frame.loc["其他"].drop("supported").isna().all()


def test_worst_villages_are_the_highest_unless_higher_is_better():
    values = pd.Series({"V1": 10.0, "V2": 30.0, "V3": np.nan, "V4": 20.0})
    names = pd.Series({"V1": "一村", "V2": "二村", "V3": "三村", "V4": "四村"})
    share = overview.worst_villages(values, "monitored_unresolved_share", names, 2)
    assert list(share["village_name"]) == ["二村", "四村"] and list(share["value"]) == ["30.0 %", "20.0 %"]
    income = overview.worst_villages(values * 1000, "poor_income", names, 5)
    assert list(income["village_code"]) == ["V1", "V4", "V2"]  # lowest income first, no value left out
    assert list(income["value"]) == ["10,000 元", "20,000 元", "30,000 元"]


def test_high_risk_counts_per_township_include_the_cutoff_itself():
    scored = pd.DataFrame({"township_code": ["T1", "T1", "T2", "T2", "T2"],
                           "probability": [0.30, 0.2999, 0.30, 0.9, 0.1]})
    towns = pd.DataFrame({"township_code": ["T1", "T2"], "township_name": ["甲镇", "乙镇"]})
    counts = township.high_risk_by_township(scored, 0.30, towns, 10)
    assert counts.to_dict() == {"乙镇": 2, "甲镇": 1}
    assert list(township.high_risk_by_township(scored, 0.30, towns, 1).index) == ["乙镇"]


SCORES = pd.DataFrame({"village_code": ["V1", "V2", "V3", "V1", "V2", "V3"], "year": [2023] * 3 + [2024] * 3,
                       "tier": ["领先", "中等", "落后", "领先", "领先", "中等"],
                       **{d: [80.0, 60.0, 40.0, 90.0, 70.0, 50.0] for d in five_dimensions.DIMENSIONS}})
VILLAGES = pd.DataFrame({"village_code": ["V1", "V2", "V3"], "township_code": ["T1", "T1", "T2"]})


def test_without_a_township_the_groups_are_the_area_and_the_first_and_last_tiers_that_hold_villages():
    now = SCORES[SCORES["year"] == 2024]
    groups = five_dimensions.comparison_groups(now, VILLAGES, None, None, ["领先", "中等", "落后"])
    assert [(g.kind, g.key, g.codes) for g in groups] == [("area", "", None), ("tier", "领先", ("V1", "V2"))]


def test_with_a_township_the_groups_are_the_area_the_township_and_the_village():
    now = SCORES[SCORES["year"] == 2024]
    groups = five_dimensions.comparison_groups(now, VILLAGES, "T1", "V2", ["领先", "落后"])
    assert [(g.kind, g.codes) for g in groups] == [("area", None), ("town", ("V1", "V2")), ("village", ("V2",))]
    trends = dict((g.kind, s) for g, s in five_dimensions.group_trends(SCORES, "产业兴旺", groups))
    assert trends["area"].to_dict() == {2023: 60.0, 2024: 70.0}
    assert trends["town"].to_dict() == {2023: 70.0, 2024: 80.0}
    assert trends["village"].to_dict() == {2023: 60.0, 2024: 70.0}


def test_a_group_without_scored_villages_this_year_has_no_profile():
    now = SCORES[SCORES["year"] == 2024]
    groups = [five_dimensions.Group("area", "", None), five_dimensions.Group("village", "V9", ("V9",))]
    profiles = five_dimensions.group_profiles(now, groups)
    assert [g.key for g, _ in profiles] == [""]
    assert list(profiles[0][1]) == [70.0] * len(five_dimensions.DIMENSIONS)


def test_ranking_rows_mark_a_rank_interval_that_is_not_robust():
    ranked = pd.DataFrame({"village_code": ["V1", "V2", "V3"], "township_code": ["T1", "T1", "T2"],
                           "rank_p05": pd.array([1, 2, None], dtype="Int64"),
                           "rank_p95": pd.array([2, 9, None], dtype="Int64"), "robust": [True, False, None]})
    towns = pd.DataFrame({"township_code": ["T1", "T2"], "township_name": ["甲镇", "乙镇"]})
    names = VILLAGES.assign(village_name=["一村", "二村", "三村"])
    rows = five_dimensions.ranking_rows(ranked, ["V1", "V2", "V3"], names, towns, {True: "是", False: "否"})
    assert list(rows["interval"]) == ["1–2", "2–9 ⚠", "—"]
    assert list(rows["robust_label"].fillna("")) == ["是", "否", ""]
    assert list(rows["town"]) == ["甲镇", "甲镇", "乙镇"]
    assert len(five_dimensions.ranking_rows(ranked, ["V3"], names, towns, {})) == 1


def test_profile_rows_name_lower_is_better_and_write_the_rank():
    profile = pd.DataFrame({"indicator_code": ["a", "b"], "dimension": ["产业兴旺", "生态宜居"], "name": ["甲", "乙"],
                            "direction": ["higher", "lower"], "rank": pd.Series([3, None], dtype=object),
                            "ranked": [10, 10]})
    rows = five_dimensions.profile_rows(profile, {"产业兴旺": "Industry"}, pd.Series({"a": "A"}),
                                        {"higher": "higher is better", "lower": "lower is better"})
    assert list(rows["name"]) == ["A", "乙(lower is better)"]
    assert list(rows["dimension"]) == ["Industry", "生态宜居"]
    assert list(rows["rank_text"]) == ["3 / 10", "—"]


def test_multidimensional_scope_row_is_the_village_else_the_township_else_all():
    result = SimpleNamespace(n=100, H=0.2, A=0.5, M0=0.1, contribution={"income": 1.0})
    towns = pd.DataFrame({"group": ["T1"], "n": [60], "H": [0.3]})
    per_village = pd.DataFrame({"group": ["V1"], "n": [20], "H": [0.4]})
    assert multidimensional.scope_row(result, towns, per_village, "T1", "V1")["H"] == 0.4
    assert multidimensional.scope_row(result, towns, per_village, "T1", None)["H"] == 0.3
    assert multidimensional.scope_row(result, towns, per_village, None, None) == {
        "n": 100, "H": 0.2, "A": 0.5, "M0": 0.1, "contribution_income": 1.0}


def test_multidimensional_area_table_is_named_and_worst_first():
    columns = {f"contribution_{d}": [0.5, 0.5] for d in multidimensional.LABELS}
    frame = pd.DataFrame({"group": ["T1", "T2"], "n": [10, 20], "H": [0.1, 0.2], "A": [0.4, 0.5], "M0": [0.04, 0.1],
                          "contribution_to_M0": [0.3, 0.7], **columns})
    table = multidimensional.area_table(frame, pd.Series({"T1": "甲镇", "T2": "乙镇"}))
    assert list(table["name"]) == ["乙镇", "甲镇"]
    assert list(multidimensional.area_table(frame, pd.Series({"T1": "甲镇"}), ["T1"])["group"]) == ["T1"]


def test_funds_by_status_keep_every_status_in_order():
    pool = pd.DataFrame({"year": [2023, 2023, 2024], "status": ["已完工", "已完工", "储备"], "funds_wan": [1.0, 2.0, 5.0]})
    table = projects.funds_by_status(pool)
    assert list(table.columns) == list(projects.PROJECT_STATUSES)
    assert table.loc[2023, "已完工"] == 3.0 and table.loc[2023, "储备"] == 0.0 and table.loc[2024, "储备"] == 5.0


def test_assets_by_class_leave_out_projects_that_form_none():
    assets = pd.DataFrame({"year": [2023, 2023, 2024], "asset_class": ["经营性资产", projects.NO_ASSET, "公益性资产"],
                           "funds_wan": [4.0, 9.0, 2.0]})
    table = projects.assets_by_class(assets)
    assert list(table.columns) == ["经营性资产", "公益性资产"]
    assert table.loc[2023, "经营性资产"] == 4.0 and np.isnan(table.loc[2023, "公益性资产"])


def test_the_risk_list_names_the_head_and_gives_the_probability_in_percent():
    drivers = {f"{kind}_{i + 1}": [None, None] for kind in ("driver", "value") for i in range(TOP)}
    top = pd.DataFrame({"household_id": ["H1", "H9"], "probability": [0.125, 0.5], **drivers})
    households = pd.DataFrame({"household_id": ["H1", "H2"], "head_name": ["张三", "李四"],
                               "head_id_number": ["1", "2"], "household_size": [3, 4]})
    listed = village_profile.risk_list(top, households)
    assert list(listed["probability_pct"]) == [12.5, 50.0]
    assert listed.loc[0, "head_name"] == "张三" and pd.isna(listed.loc[1, "head_name"])  # not in this year's rows
    assert list(listed["drivers"]) == ["", ""]


def test_model_card_features_follow_the_declared_order_and_round_to_three_places():
    first, second = FEATURES[0].id, FEATURES[1].id
    coefficients = pd.DataFrame({"feature": [second, first], "level": ["", ""], "odds_ratio": [1.23456, 0.5],
                                 "sd": [0.11119, 0.2]})
    table = model_card.features(coefficients)
    assert list(table["feature"]) == [FEATURES[0].zh, FEATURES[1].zh]
    assert list(table["odds_ratio"]) == [0.5, 1.235] and list(table["sd"]) == [0.2, 0.111]


def test_model_card_calibration_and_metrics_in_percent_and_side_by_side():
    cal = model_card.calibration_percent([{"bin": "0-10%", "predicted": 0.05, "observed": 0.07, "difference": 0.02,
                                           "n": 40}])
    assert cal.loc[0, ["predicted", "observed", "difference"]].tolist() == pytest.approx([5.0, 7.0, 2.0])
    model = dict.fromkeys(model_card.METRICS, 0.8)
    baseline = dict.fromkeys(model_card.METRICS, 0.6)
    table = model_card.metrics(model, baseline, list("abcde"))
    assert list(table["metric"]) == list("abcde") and set(table["model"]) == {0.8} and set(table["baseline"]) == {0.6}


def _scored(labels: list) -> pd.DataFrame:
    drivers = {f"{kind}_{i + 1}": [None, None] for kind in ("driver", "value") for i in range(TOP)}
    return pd.DataFrame({"household_id": ["H2", "H1"], "township_code": ["T1", "T2"], "village_code": ["V1", "V3"],
                         "probability": [0.91234, 0.40], "risk_types": ["因病", "因学"], "measures": ["医保", "助学"],
                         "rule_triggered": [False, True], "label": labels, **drivers})


def test_the_visit_list_keeps_the_order_given_and_says_whether_a_rule_triggered():
    households = pd.DataFrame({"household_id": ["H1", "H2"], "head_name": ["甲", "乙"], "head_id_number": ["1", "2"],
                               "household_type": ["脱贫户", "一般户"], "per_capita_net_income": [8000.4, 12000.6],
                               "labor_count": [1, 2], "household_size": [3, 4]}).set_index("household_id")
    towns = pd.DataFrame({"township_code": ["T1", "T2"], "township_name": ["甲镇", "乙镇"]})
    villages = pd.DataFrame({"village_code": ["V1", "V3"], "village_name": ["一村", "三村"]})
    shown = warning.visit_list(_scored([None, 1.0]), households, towns, villages, {True: "是", False: "否"})
    assert list(shown["rank"]) == [1, 2] and list(shown["head_name"]) == ["乙", "甲"]
    assert list(shown["township_name"]) == ["甲镇", "乙镇"] and list(shown["village_name"]) == ["一村", "三村"]
    assert list(shown["probability"]) == [91.2, 40.0] and list(shown["per_capita_net_income"]) == [12001.0, 8000.0]
    assert list(shown["rule_triggered"]) == ["否", "是"]
    assert "outcome" not in shown  # one label unknown: this year's outcome is not out yet
    known = warning.visit_list(_scored([0.0, 1.0]), households, towns, villages, {True: "是", False: "否"})
    assert list(known["outcome"]) == ["否", "是"]


def test_snapshot_row_counts_read_in_words_and_keep_unknown_tables_as_named():
    assert snapshots.row_counts('{"households": 6000, "villages": 220, "village_year": 1100}') == \
        "农户 6,000,行政村 220,village_year 1,100"
    assert snapshots.row_counts("{}") == ""
