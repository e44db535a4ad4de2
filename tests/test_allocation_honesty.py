"""The default (cautious) plan does not chase noise (issue 19), over several seeds:

- on a county where funds have no effect at all (the demo county with every causal path from
  funds switched off: funds are still drawn at random), every category stays within a few
  points of last year's share apart from what the industry-share rule forces, and every
  headline effect's interval includes zero;
- on the demo county, 其他 (no true effect) does not rise above last year's share, and the
  categories with true effects (demo TRUE_EFFECTS) are not starved to zero.

Also the stability rules at their boundaries, on a hand-made two-village county.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.data import aggregates, indicators
from analytics.demo import county as demo
from analytics.planning import allocation, response
from analytics.planning import plan as planning
from analytics.planning.allocation import Constraints, Context
from analytics.risk.features import LabelSpec

HOUSEHOLDS = 6000
SEEDS = (3, 11, 29)
FEW_POINTS = 0.03


def _plan_tables(seed: int) -> dict[str, pd.DataFrame]:
    """The tables snapshot_tables reads, built in memory from the generator."""
    tables = aggregates.with_derived(demo.generate(HOUSEHOLDS, seed))
    tables["indicator_values"] = indicators.values(tables["village_indicators"], tables["derived_indicators"])
    tables["relapse"] = response.relapse_rates(tables["households"], tables["monitoring_lines"], LabelSpec.from_settings())
    return tables


def _default_plan(tables: dict[str, pd.DataFrame]) -> tuple[Context, dict]:
    context = planning.build_context(tables)
    effects = response.Effects(response.fit_snapshot(tables, response.ResponseModel.from_settings()))
    towns = sorted(set(context.villages["township_code"]))
    rules = Constraints.from_settings(context.default_budget(), towns, len(context.villages))
    return context, planning.run(context, effects, planning.Request(rules))


def _shares(context: Context, result: planning.Plan) -> tuple[pd.Series, pd.Series]:
    last = pd.Series(context.last_year.sum(axis=0), index=list(context.categories))
    now = pd.Series(result.totals_by_category)
    return last / last.sum(), now / now.sum()


@pytest.fixture(scope="module", params=SEEDS)
def null_plan(request, monkeypatch_module):
    monkeypatch_module.setattr(demo, "TRUE_EFFECTS", {c: {} for c in demo.TRUE_EFFECTS})
    for name in ("BUSINESS_EFFECT", "WORK_EFFECT", "FIX_EFFECT"):
        monkeypatch_module.setattr(demo, name, 0.0)
    tables = _plan_tables(request.param)
    monkeypatch_module.undo()
    return _default_plan(tables)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module", params=SEEDS)
def demo_plan(request):
    return _default_plan(_plan_tables(request.param))


@pytest.mark.slow
def test_without_any_effect_every_category_keeps_about_last_years_share(null_plan):
    context, result = null_plan
    last, now = _shares(context, result)
    industry = list(context.industry_categories)
    forced = max(result.industry_share - last[industry].sum(), 0.0)  # what the industry rule forces
    assert result.violations == []
    assert (now - last).abs().max() <= FEW_POINTS + forced, (now - last).round(3).to_dict()


@pytest.mark.slow
def test_without_any_effect_every_headline_interval_includes_zero(null_plan):
    _, result = null_plan
    for effect in result.effects:
        assert effect["low"] <= 0 <= effect["high"], effect


@pytest.mark.slow
def test_on_the_demo_county_other_does_not_rise_and_real_effects_are_funded(demo_plan):
    context, result = demo_plan
    last, now = _shares(context, result)
    assert now["其他"] <= last["其他"] + 1e-6
    for category, betas in demo.TRUE_EFFECTS.items():
        if betas:
            assert now[category] > 0, category
    assert result.effects_used == "shrunk" and result.violations == []


def _tiny_county() -> Context:
    """Two villages, two categories: last year 产业发展 60 + 其他 40 (60% / 40%)."""
    villages = pd.DataFrame({"village_code": ["v1", "v2"], "village_name": ["甲村", "乙村"],
                             "township_code": ["t1", "t1"], "households": [100, 100],
                             "is_key_village": [False, False], "is_relocation_site": [False, False]})
    return Context(year=2026, villages=villages, township_names={"t1": "城关镇"},
                   last_year=np.array([[30.0, 20.0], [30.0, 20.0]]), pool=np.zeros((2, 2)),
                   at_risk=np.array([100.0, 100.0]), lagging=np.array([True, True]),
                   score_points=pd.DataFrame(), factors=pd.DataFrame(index=["v1", "v2"]),
                   categories=("产业发展", "其他"), industry_categories=("产业发展",))


def test_an_unsupported_category_keeps_at_least_half_and_rises_no_more_than_the_setting():
    context = _tiny_county()
    rules = planning.stability_rules(context, Constraints(100.0, 0.0), np.array([True, False]))
    assert dict(rules.category_min_share) == pytest.approx({"产业发展": 0.5, "其他": 0.3})  # 0.4 - min(0.1, 0.2)
    assert dict(rules.category_max_share) == pytest.approx({"产业发展": 0.7, "其他": 0.4}, abs=1e-8)
    # 其他 valued far above 产业发展 still cannot rise above its 40%
    solution = allocation.optimise(context, np.array([[0.1, 10.0], [0.1, 10.0]]), rules)
    assert solution.funds[:, 1].sum() == pytest.approx(40.0, abs=1e-3)
    # and a valued 产业发展 takes 70 at most: 其他 keeps 30
    solution = allocation.optimise(context, np.array([[10.0, 0.0], [10.0, 0.0]]), rules)
    assert solution.funds[:, 0].sum() == pytest.approx(70.0, abs=1e-3)


def test_the_industry_rule_lifts_the_band_it_would_otherwise_break():
    context = _tiny_county()
    rules = planning.stability_rules(context, Constraints(100.0, 0.8), np.array([False, False]))
    assert dict(rules.category_max_share)["产业发展"] == pytest.approx(0.8, abs=1e-6)
    funds = allocation.optimise(context, np.zeros((2, 2)), rules).funds
    assert allocation.violations(context, rules, funds) == []
    assert funds[:, 0].sum() == pytest.approx(80.0, abs=1e-3)


def test_a_planners_ceiling_tighter_than_the_band_holds():
    context = _tiny_county()
    rules = planning.stability_rules(context, Constraints(100.0, 0.0, category_max_share=(("产业发展", 0.55),)),
                                     np.array([True, True]))
    assert dict(rules.category_max_share)["产业发展"] == pytest.approx(0.55)
    assert "产业发展不超过预算的 55.0%(55.0 万元)" in allocation.rule_names(context, rules)


def test_a_planners_ceiling_below_last_year_makes_room_in_the_other_categories():
    """其他 capped at 10% (last year 40%), nothing supported: 产业发展's band widens to 90%."""
    context = _tiny_county()
    rules = planning.stability_rules(context, Constraints(100.0, 0.0, category_max_share=(("其他", 0.1),)),
                                     np.array([False, False]))
    assert dict(rules.category_max_share) == pytest.approx({"产业发展": 0.9, "其他": 0.1}, abs=1e-8)
    funds = allocation.optimise(context, np.zeros((2, 2)), rules).funds
    assert allocation.violations(context, rules, funds) == []
    assert funds[:, 1].sum() == pytest.approx(10.0, abs=1e-3)
