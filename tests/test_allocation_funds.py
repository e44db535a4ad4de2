"""Fund sources, county-level reserves, 万元 category bounds and the per-village change limit,
on hand-made counties at their boundaries: the industry share counts the central funds only,
项目管理费 stops at its cap, each source pays exactly its budget, and a rule that cannot hold
says why in Chinese."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analytics import settings
from analytics.__main__ import main
from analytics.planning import allocation, sources
from analytics.planning import plan as planning
from analytics.planning.allocation import AllocationError, Constraints
from tests.test_allocation import make_context

CENTRAL, PROVINCE, COUNTY = "中央衔接资金", "省级衔接资金", "县级衔接资金"
INDUSTRY = 0  # 产业发展 is the first of tests.test_allocation.CATEGORIES


def _context(last_year=None):
    return make_context([200, 300, 250], [0, 0, 1], [False, False, False], [False, False, False], last_year)


def _non_industry_weights(context) -> np.ndarray:
    """An objective that values only 乡村建设: the rules alone push money into industry."""
    weights = np.zeros((len(context.villages), len(context.categories)))
    weights[:, 1] = 5.0
    return weights


def _plan(context, **rules) -> tuple[np.ndarray, Constraints]:
    reserves = rules.get("reserves", ())
    total = sum(v for _, v in rules["sources_wan"]) if "sources_wan" in rules else rules.pop("total")
    c = Constraints(budget_wan=total - sum(r[3] for r in reserves), **{"industry_min_share": 0.55, **rules})
    solution = allocation.optimise(context, _non_industry_weights(context), c)
    assert allocation.violations(context, c, solution.funds, tol=1e-4) == []
    return solution.funds, c


def test_the_industry_share_counts_the_central_funds_only():
    context = _context()
    funds, c = _plan(context, sources_wan=((CENTRAL, 600.0), (PROVINCE, 400.0)))
    assert funds[:, INDUSTRY].sum() == pytest.approx(0.55 * 600, rel=1e-4)  # not 55% of all 1,000
    by_category = funds.sum(axis=0)
    assert sources.industry_share(context, c, by_category) == pytest.approx(0.55, abs=1e-4)
    plan = sources.fund_plan(context, c, dict(zip(context.categories, by_category)))
    industry_line = next(line for line in plan["lines"] if line["category"] == "产业发展")
    assert industry_line["by_source"][CENTRAL] == pytest.approx(330.0, rel=1e-4)
    assert industry_line["by_source"][PROVINCE] == pytest.approx(0.0, abs=1e-6)


def test_an_industry_reserve_counts_only_when_the_central_funds_pay_it():
    context = _context()
    base = {"sources_wan": ((CENTRAL, 600.0), (PROVINCE, 400.0))}
    central, _ = _plan(context, **base, reserves=(("贴息", "产业发展", CENTRAL, 100.0),))
    province, _ = _plan(context, **base, reserves=(("贴息", "产业发展", PROVINCE, 100.0),))
    assert central[:, INDUSTRY].sum() == pytest.approx(330.0 - 100.0, rel=1e-4)
    assert province[:, INDUSTRY].sum() == pytest.approx(330.0, rel=1e-4)


def test_every_source_pays_exactly_its_budget_and_every_line_is_paid_in_full():
    context = _context()
    reserves = (("雨露计划", "乡村建设", PROVINCE, 50.0), ("项目管理费", "乡村建设", CENTRAL, 5.0))
    funds, c = _plan(context, sources_wan=((CENTRAL, 500.0), (PROVINCE, 300.0), (COUNTY, 200.0)), reserves=reserves)
    plan = sources.fund_plan(context, c, dict(zip(context.categories, funds.sum(axis=0))))
    for source, budget in c.sources_wan:
        assert sum(line["by_source"][source] for line in plan["lines"]) == pytest.approx(budget, rel=1e-6)
    for line in plan["lines"]:
        assert sum(line["by_source"].values()) == pytest.approx(line["funds_wan"], rel=1e-6)
        assert min(line["by_source"].values()) >= -1e-9
    assert [line["item"] for line in plan["lines"][:2]] == ["雨露计划", "项目管理费"]


def test_a_reserve_equal_to_the_budget_leaves_the_villages_nothing():
    context = _context()
    funds, c = _plan(context, total=100.0, industry_min_share=0.0, reserves=(("雨露计划", "乡村建设", CENTRAL, 100.0),))
    assert c.budget_wan == 0.0 and funds.sum() == pytest.approx(0.0, abs=1e-9)
    plan = sources.fund_plan(context, c, dict(zip(context.categories, funds.sum(axis=0))))
    assert [line["item"] for line in plan["lines"]] == ["雨露计划"]
    assert plan["sources"][0] == {"source": CENTRAL, "budget_wan": 100.0, "reserved_wan": 100.0,
                                  "villages_wan": 0.0, "counted": True}


def test_a_reserve_equal_to_the_budget_cannot_keep_the_industry_share():
    context = _context()
    with pytest.raises(AllocationError, match="扣除预留项目后只剩 0.0 万元"):
        _plan(context, total=100.0, reserves=(("雨露计划", "乡村建设", CENTRAL, 100.0),))


def test_reserves_above_their_source_are_refused():
    context = _context()
    with pytest.raises(AllocationError, match="省级衔接资金.*预留项目合计 100.1 万元,超过其预算 100.0 万元"):
        _plan(context, sources_wan=((CENTRAL, 500.0), (PROVINCE, 100.0)),
              reserves=(("雨露计划", "乡村建设", PROVINCE, 100.1),))


def test_management_fee_at_its_cap_is_allowed_and_just_over_it_is_refused():
    context = _context()
    cap = settings.number("allocation.management_fee_max_share")
    central = 1000.0
    at_cap = (("项目管理费", "乡村建设", CENTRAL, cap * central),)
    _plan(context, sources_wan=((CENTRAL, central), (PROVINCE, 500.0)), reserves=at_cap)
    over = (("项目管理费", "乡村建设", CENTRAL, cap * central + 0.01),)
    with pytest.raises(AllocationError, match="项目管理费 10.0 万元 超过上限:中央衔接资金 1,000.0 万元 的 1.0%") as err:
        _plan(context, sources_wan=((CENTRAL, central), (PROVINCE, 500.0)), reserves=over)
    assert "财农〔2021〕19号" in str(err.value)


def test_the_management_fee_cap_is_measured_on_the_central_funds_not_the_total():
    context = _context()
    cap = settings.number("allocation.management_fee_max_share")
    fee = (("项目管理费", "乡村建设", PROVINCE, cap * 1000.0 + 1.0),)  # within 1% of all 1,500, above 1% of central
    with pytest.raises(AllocationError, match="项目管理费"):
        _plan(context, sources_wan=((CENTRAL, 1000.0), (PROVINCE, 500.0)), reserves=fee)


def test_a_binding_village_change_limit_keeps_each_village_near_last_year():
    last = np.array([[60.0, 40.0, 0.0], [50.0, 50.0, 0.0], [0.0, 0.0, 0.0]])
    context = _context(last)
    free, _ = _plan(context, total=200.0, industry_min_share=0.0)
    bound, c = _plan(context, total=200.0, industry_min_share=0.0, village_max_change=0.3)
    before = last.sum(axis=1)
    assert not np.all(np.abs(free.sum(axis=1)[:2] - before[:2]) <= 0.3 * before[:2] + 1e-6)  # it binds
    assert np.all(np.abs(bound.sum(axis=1)[:2] - before[:2]) <= 0.3 * before[:2] + 1e-4)
    assert any("增减不超过 30%(上年有资金的 2 个村)" in name for name in allocation.rule_names(context, c))


def test_a_village_change_limit_the_budget_cannot_meet_names_both_rules():
    last = np.array([[60.0, 40.0, 0.0], [50.0, 50.0, 0.0], [0.0, 0.0, 0.0]])
    context = _context(last)
    c = Constraints(budget_wan=50.0, industry_min_share=0.0, village_max_change=0.3)  # at least 140 needed
    found = allocation.conflicts(context, c)
    assert any("增减不超过 30%" in name for name in found) and any("总预算" in name for name in found)


def test_a_floor_in_wan_above_the_budget_is_refused_in_chinese():
    context = _context()
    with pytest.raises(AllocationError, match="乡村建设的下限 500.1 万元 超过分到各村的预算 500.0 万元"):
        _plan(context, total=500.0, category_min_wan=(("乡村建设", 500.1),))


def test_floors_and_ceilings_in_wan_hold_at_their_boundary():
    context = _context()
    funds, _ = _plan(context, total=500.0, industry_min_share=0.0,
                     category_min_wan=(("产业发展", 120.0),), category_max_wan=(("乡村建设", 380.0),))
    assert funds[:, INDUSTRY].sum() == pytest.approx(120.0, rel=1e-4)  # the objective wants none there
    assert funds[:, 1].sum() == pytest.approx(380.0, rel=1e-4)


def test_shares_and_wan_bounds_merge_to_the_tighter_one():
    c = Constraints(budget_wan=1000.0, industry_min_share=0.0, category_min_share=(("产业发展", 0.2),),
                    category_min_wan=(("产业发展", 300.0),), category_max_share=(("其他", 0.1),),
                    category_max_wan=(("其他", 150.0),))
    assert c.category_shares("min") == {"产业发展": 0.3}
    assert c.category_shares("max") == {"其他": 0.1}


def test_source_names_may_be_shortened_but_not_guessed():
    context = _context()
    assert sources.parse_sources(["中央=8000", "省级=2000"], context) == ((CENTRAL, 8000.0), (PROVINCE, 2000.0))
    with pytest.raises(ValueError, match="资金来源“国家”未知"):
        sources.parse_sources(["国家=1"], context)
    with pytest.raises(ValueError, match="--source 的“中央=-5”有误"):
        sources.parse_sources(["中央=-5"], context)
    assert sources.parse_reserves(["雨露计划=300"], [CENTRAL, PROVINCE], context) == (
        ("雨露计划", "就业帮扶", CENTRAL, 300.0),)
    with pytest.raises(ValueError, match="预留项目“奖金”未知"):
        sources.parse_reserves(["奖金=3"], [CENTRAL], context)


def test_new_constraints_survive_a_round_trip_through_json():
    c = Constraints(budget_wan=900.0, industry_min_share=0.55, sources_wan=((CENTRAL, 800.0), (PROVINCE, 200.0)),
                    reserves=(("雨露计划", "就业帮扶", CENTRAL, 100.0),), category_min_wan=(("产业发展", 10.0),),
                    village_max_change=0.3)
    data = json.loads(json.dumps(planning.request_to_dict(planning.Request(c))))
    assert planning.request_from_dict(data)[0].constraints == c


@pytest.mark.slow
def test_command_plans_per_source_with_reserves_as_json(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--source", "中央=3000", "省级=1000", "县级=500",
                 "--reserve", "雨露计划=200", "项目管理费=30", "小额信贷贴息=100@省级", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    plan = out["fund_plan"]
    assert out["total_wan"] == pytest.approx(4500 - 330, abs=0.1)
    assert [s["source"] for s in plan["sources"]] == [CENTRAL, PROVINCE, COUNTY]
    assert plan["sources"][0]["reserved_wan"] == pytest.approx(230.0)
    assert [(line["item"], line["by_source"][line_source]) for line, line_source in
            zip(plan["lines"][:3], [CENTRAL, CENTRAL, PROVINCE])] == [("雨露计划", 200.0), ("项目管理费", 30.0),
                                                                       ("小额信贷贴息", 100.0)]
    assert plan["industry_share"] >= 0.55 - 1e-6 and out["industry_share"] == pytest.approx(plan["industry_share"])
    assert any(rule.startswith("中央衔接资金中产业发展资金占比不低于 55%") for rule in out["rules"])


def test_command_refuses_a_management_fee_over_its_cap(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--source", "中央=3000", "省级=1000",
                 "--reserve", "项目管理费=30.1"])
    assert code == 2
    assert "项目管理费 30.1 万元 超过上限" in capsys.readouterr().err
