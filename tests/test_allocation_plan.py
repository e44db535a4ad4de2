"""Plans for the demo county: rules kept, better than the baselines it can be compared with,
baselines as documented, effects with their sources, and the command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics import settings
from analytics.__main__ import main
from analytics.planning import allocation, response
from analytics.planning import plan as planning
from analytics.planning.allocation import Constraints
from analytics.risk.features import LabelSpec


@pytest.fixture(scope="module")
def tables(demo_store):
    return planning.snapshot_tables(demo_store)


def test_relapse_counted_two_years_at_a_time_equals_counting_all_rows(tables, demo_tables):
    """The planner never holds every household row: its year-pair counts must be the same."""
    whole = response.relapse_rates(demo_tables["households"], demo_tables["monitoring_lines"], LabelSpec.from_settings())
    paired = tables["relapse"]
    assert len(whole) > 0 and paired["year"].nunique() == demo_tables["households"]["year"].nunique() - 1
    pd.testing.assert_frame_equal(paired.sort_values(["village_code", "year"], ignore_index=True),
                                  whole.sort_values(["village_code", "year"], ignore_index=True))


@pytest.fixture(scope="module")
def context(tables):
    return planning.build_context(tables)


@pytest.fixture(scope="module")
def model(tables):
    return response.fit_snapshot(tables, response.ResponseModel.from_settings())


@pytest.fixture(scope="module")
def effects(model):
    return response.Effects(model)


def _towns(context) -> list[str]:
    return sorted(set(context.villages["township_code"]))


def test_a_default_plan_keeps_every_rule_and_reports_its_gap(context, effects):
    budget = context.default_budget()
    rules = Constraints.from_settings(budget, _towns(context), len(context.villages))
    result = planning.run(context, effects, planning.Request(rules, "risk"))
    assert result.violations == []
    assert result.solver["gap"] <= 1e-4
    assert sum(r["funds_wan"] for r in result.allocation) == pytest.approx(budget, rel=1e-6)
    assert sum(result.totals_by_township.values()) == pytest.approx(budget, rel=1e-6)
    assert result.industry_share >= rules.industry_min_share - 1e-9
    assert set(result.baselines) == {"last_year", "equal", "factor"}
    for name, baseline in result.baselines.items():
        assert baseline.label == allocation.BASELINES[name]
        assert baseline.total_wan == pytest.approx(budget, rel=1e-9)
    saved = result.to_dict()  # what the command prints and a scenario keeps
    assert set(saved) == {"allocation", "totals_by_category", "totals_by_township", "total_wan", "industry_share",
                          "effects", "objectives", "violations", "rules", "cautious", "effects_used", "supported",
                          "solver", "baselines", "effect_sources", "overrides", "year", "notes", "fund_plan"}
    assert json.loads(json.dumps(saved)) == saved
    assert set(saved["baselines"]["factor"]) == {"label", "allocation", "totals_by_category", "totals_by_township",
                                                 "total_wan", "industry_share", "effects", "objectives", "violations"}


@pytest.mark.slow
@pytest.mark.parametrize("objective", ["risk", "score", "blend"])
def test_the_optimum_beats_every_baseline_that_keeps_the_same_rules(context, effects, objective):
    budget = context.default_budget()
    rules = Constraints(budget, 0.55)  # rules every baseline of the demo county keeps
    weights = planning.objective_weights(context, effects, objective, 0.5)
    solution = allocation.optimise(context, weights, rules)
    for name, funds in allocation.baselines(context, budget).items():
        assert allocation.violations(context, rules, funds) == [], name
        assert solution.objective >= allocation.objective_value(context, weights, funds), name


@pytest.mark.slow
def test_blend_lies_between_its_two_objectives(context, effects):
    rules = Constraints.from_settings(context.default_budget(), _towns(context), len(context.villages))
    values = {}
    for objective in ("risk", "score", "blend"):
        w = planning.objective_weights(context, effects, objective, 0.5)
        funds = allocation.optimise(context, w, rules).funds
        values[objective] = {k: allocation.objective_value(context, planning.objective_weights(context, effects, k), funds)
                             for k in ("risk", "score")}
    assert values["score"]["risk"] - 1e-6 <= values["blend"]["risk"] <= values["risk"]["risk"] + 1e-6
    assert values["risk"]["score"] - 1e-6 <= values["blend"]["score"] <= values["score"]["score"] + 1e-6


def test_the_score_objective_favours_lagging_villages(context, effects):
    rules = Constraints(context.default_budget(), 0.55)
    funds = allocation.optimise(context, planning.objective_weights(context, effects, "score"), rules).funds
    per_household = funds.sum(axis=1) / context.households
    assert 0 < context.lagging.sum() < len(context.lagging)
    assert per_household[context.lagging].mean() > 2 * per_household[~context.lagging].mean()


def test_baselines_are_what_they_say(context):
    budget = 5000.0
    last = allocation.baseline_last_year(context, budget)
    assert last.sum() == pytest.approx(budget)
    ratio = last[context.last_year > 0] / context.last_year[context.last_year > 0]
    assert np.allclose(ratio, ratio[0])
    equal = allocation.baseline_equal(context, budget)
    assert np.allclose(equal.sum(axis=1), budget / len(context.villages))
    sites = context.villages["is_relocation_site"].to_numpy(bool)
    assert equal[~sites, context.categories.index(allocation.RELOCATION_CATEGORY)].sum() == 0
    only_key = {k: 0.0 for k in allocation.FACTORS} | {"key_village": 1.0}
    factor = allocation.baseline_factor(context, budget, only_key).sum(axis=1)
    key = context.villages["is_key_village"].to_numpy(bool)
    assert factor[~key].sum() == 0 and np.allclose(factor[key], budget / key.sum())


def test_factor_weights_come_from_settings():
    assert set(allocation.factor_weights()) == set(allocation.FACTORS)
    assert all(w >= 0 for w in allocation.factor_weights().values())


def test_every_effect_says_whether_it_is_estimated_or_assumed(context, model):
    plain = planning.effect_table(context, response.Effects(model))
    assert set(plain["source"]) == {"estimated"}
    changed = response.Effects(model, [response.Override(response.RELAPSE, "产业发展", -1.0, -1.5, -0.5)])
    table = planning.effect_table(context, changed).set_index(["category", "outcome"])
    assert table.loc[("产业发展", "relapse"), "source"] == "assumed"
    assert table.loc[("产业发展", "relapse"), "estimate"] == pytest.approx(-1.0)
    assert table.loc[("就业帮扶", "relapse"), "source"] == "estimated"
    funds = allocation.baseline_equal(context, 5000.0)
    relapse = planning.predicted_effects(context, changed, funds)[0]
    assert relapse["key"] == "relapse_households" and relapse["assumed"] == ["产业发展→返贫致贫风险发生率"]
    assert relapse["low"] < relapse["estimate"] < relapse["high"]


@pytest.mark.slow
def test_an_override_moves_the_plan(context, model):
    """A planner who assumes 乡村建设 cuts relapse three times as much as the best estimated
    category: the cautious plan moves money there by the stability band (max_share_change of the
    budget); without the band, most of the money not bound to 产业发展 moves there."""
    budget = context.default_budget()
    rules = Constraints.from_settings(budget, _towns(context), len(context.villages))
    plain = response.Effects(model)
    before = planning.run(context, plain, planning.Request(rules, "risk"))
    strong = -3.0 * max(planning.per_unit(context, plain)["relapse"].max(), 0.1)
    assumed = response.Effects(model, [response.Override(response.RELAPSE, "乡村建设", strong)])
    after = planning.run(context, assumed, planning.Request(rules, "risk"))
    moved = after.totals_by_category["乡村建设"] - before.totals_by_category["乡村建设"]
    assert moved == pytest.approx(settings.number("allocation.max_share_change") * budget, rel=1e-3)
    free = planning.run(context, assumed, planning.Request(rules, "risk", cautious=False))
    assert free.totals_by_category["乡村建设"] - before.totals_by_category["乡村建设"] > 0.25 * budget
    assert after.overrides == [{"outcome": response.RELAPSE, "category": "乡村建设", "value": strong,
                                   "low": None, "high": None}]


def test_request_round_trips_through_plain_data(context):
    rules = Constraints.from_settings(1234.0, _towns(context), len(context.villages), keep_last_year=("990121100201",), pool_only=True)
    request = planning.Request(rules, "blend", 0.3)
    overrides = (response.Override("ECO01", "乡村建设", 2.0, 1.0, 3.0),)
    data = json.loads(json.dumps(planning.request_to_dict(request, overrides)))
    assert planning.request_from_dict(data) == (request, overrides)


@pytest.mark.slow
def test_command_prints_the_plan_as_json(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--budget", "9000", "--objective", "blend",
                 "--min-industry-share", "0.6", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"allocation", "totals_by_category", "totals_by_township", "industry_share", "effects",
            "baselines"} <= set(out)
    row = out["allocation"][0]
    assert set(row) == {"village_code", "category", "funds_wan"} and len(row["village_code"]) == 12
    assert sum(out["totals_by_category"].values()) == pytest.approx(9000, rel=1e-6)
    assert 0.6 - 1e-9 <= out["industry_share"] <= 1
    assert all(e["low"] <= e["estimate"] <= e["high"] for e in out["effects"])
    for baseline in out["baselines"].values():
        assert {"allocation", "totals_by_category", "totals_by_township", "industry_share", "effects"} <= set(baseline)


@pytest.mark.slow
def test_command_names_the_conflict_and_exits_non_zero(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--budget", "100", "--key-village-min", "80"])
    err = capsys.readouterr().err
    assert code != 0
    assert "相互冲突" in err and "重点帮扶村每村不少于 80.0 万元" in err and "总预算 100.0 万元" in err
    assert "Traceback" not in err


def test_command_refuses_an_unknown_village_in_chinese(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--budget", "9000", "--keep-last-year", "123"])
    assert code != 0 and "不存在的村代码:123" in capsys.readouterr().err


@pytest.mark.slow
def test_command_json_shows_shrunk_and_raw_effects_and_the_rules(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--budget", "9000", "--category-max", "其他=0.001",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["effects_used"] == "shrunk" and out["cautious"] is True
    assert all({"estimate", "raw_estimate", "raw_low", "raw_high"} <= set(e) for e in out["effect_sources"])
    assert "其他不超过预算的 0.1%(9.0 万元)" in out["rules"]
    assert out["totals_by_category"]["其他"] <= 9.0 + 1e-3 and out["violations"] == []
    code = main(["allocate", "--store", str(demo_store.root), "--budget", "9000", "--raw-effects", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["effects_used"] == "raw"


def test_command_refuses_a_bad_category_share_in_chinese(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--budget", "9000", "--category-min", "产业发展=1.5"])
    err = capsys.readouterr().err
    assert code != 0 and "--category-min 的“产业发展=1.5”有误" in err and "Traceback" not in err


def test_default_township_bounds_always_leave_room_for_a_plan():
    for n in (1, 2, 3, 5, 16, 40):
        low, high = allocation.township_shares(n)
        assert n * low <= 1 <= n * high
    assert allocation.township_shares(1) == (0.0, 1.0)
    rules = Constraints.from_settings(100.0, ["990121103"], 14)
    assert rules.township_min_wan == () and rules.township_max_wan == ()


def test_a_township_users_plan_covers_only_its_villages(context, effects):
    town = context.villages["township_code"].iloc[0]
    own = context.within(context.villages.loc[context.villages["township_code"] == town, "village_code"])
    rules = Constraints.from_settings(own.default_budget(), [town], len(own.villages))
    result = planning.run(own, effects, planning.Request(rules, "risk"))
    assert set(result.totals_by_township) == {town}
    assert {r["village_code"][:9] for r in result.allocation} == {town}
    assert result.violations == []
