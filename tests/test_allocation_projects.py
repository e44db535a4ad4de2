"""Whole projects from the 项目库 (analytics.planning.projects) on hand-made counties: the budget
boundary, 续建 first, township-wide projects kept, the industry-share rule binding, conflicts
named; and the command's projects mode on the demo county."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics.__main__ import main
from analytics.planning import projects
from analytics.planning.allocation import AllocationError, Constraints
from tests.test_allocation import make_context

TOWN = "990121100"


def county(villages: int = 2):
    """Villages of one township (990121100), none a key village or a resettlement site."""
    return make_context([300] * villages, [0] * villages, [False] * villages, [False] * villages)


def library(*rows: tuple) -> pd.DataFrame:
    """Projects of 2026: (id, village index or TOWN, category, 万元, status)."""
    out = []
    for pid, where, category, amount, status in rows:
        code = where if isinstance(where, str) else f"990121100{where + 201:03d}"
        out.append({"project_id": pid, "year": 2026, "village_code": code, "project_name": f"项目{pid}",
                    "category": category, "funds_wan": amount, "fund_source": "中央衔接资金", "status": status})
    return pd.DataFrame(out)


def rules(budget: float, industry: float = 0.0, **changes) -> Constraints:
    return Constraints(budget_wan=budget, industry_min_share=industry, **changes)


def weights(context, by_category: dict[str, float]) -> np.ndarray:
    """The same objective per unit of g in every village."""
    row = np.array([by_category.get(c, 0.0) for c in context.categories])
    return np.tile(row, (len(context.villages), 1))


def chosen(choice: projects.Choice) -> set[str]:
    return set(choice.pool.loc[choice.selection.chosen, "project_id"])


def test_a_project_exactly_at_the_remaining_budget_is_selected():
    context = county()
    pool = library(("going", 0, "乡村建设", 3.0, "实施中"), ("fits", 1, "产业发展", 7.0, "储备"))
    choice = projects.choose(context, weights(context, {"产业发展": 1.0}), rules(10.0), pool)
    assert chosen(choice) == {"going", "fits"}
    assert projects.violations(choice.pool, choice.selection.chosen, choice.rules) == []
    over = library(("going", 0, "乡村建设", 3.0, "实施中"), ("too_big", 1, "产业发展", 7.1, "储备"))
    assert chosen(projects.choose(context, weights(context, {"产业发展": 1.0}), rules(10.0), over)) == {"going"}


def test_continuing_projects_are_funded_first_even_when_worth_nothing():
    context = county()
    pool = library(("going", 0, "乡村建设", 6.0, "实施中"), ("valuable", 1, "产业发展", 6.0, "储备"))
    choice = projects.choose(context, weights(context, {"产业发展": 5.0}), rules(10.0), pool)
    assert chosen(choice) == {"going"}
    assert choice.value[list(choice.pool["project_id"]).index("going")] == 0.0


def test_continuing_projects_above_the_budget_are_refused_in_chinese():
    context = county()
    pool = library(("going", 0, "乡村建设", 12.0, "实施中"))
    with pytest.raises(AllocationError, match="续建项目共需 12.0 万元,超过总预算 10.0 万元"):
        projects.choose(context, weights(context, {}), rules(10.0), pool)


def test_a_township_wide_project_is_part_of_the_plan():
    context = county()
    pool = library(("town", TOWN, "产业发展", 8.0, "储备"), ("village", 0, "乡村建设", 8.0, "储备"))
    choice = projects.choose(context, weights(context, {"产业发展": 1.0}), rules(10.0), pool)
    assert chosen(choice) == {"town"}
    assert choice.pool.set_index("project_id").loc["town", "township_wide"]
    funds = projects.funds_matrix(context, choice.pool, choice.selection.chosen, projects.spread(context, choice.pool))
    assert funds[:, 0].tolist() == pytest.approx([4.0, 4.0])  # spread by households over its two villages
    assert funds.sum() == pytest.approx(8.0)


def test_the_industry_share_rule_binds():
    context = county()
    pool = library(("road", 0, "乡村建设", 6.0, "储备"), ("road2", 1, "乡村建设", 4.0, "储备"),
                   ("farm", 0, "产业发展", 4.0, "储备"), ("farm2", 1, "产业发展", 2.0, "储备"))
    favour_roads = weights(context, {"乡村建设": 3.0, "产业发展": 0.1})
    free = projects.choose(context, favour_roads, rules(10.0), pool)
    assert chosen(free) == {"road", "road2"}
    ruled = projects.choose(context, favour_roads, rules(10.0, industry=0.55), pool)
    money = ruled.pool["funds_wan"] * ruled.selection.chosen
    share = money[ruled.pool["category"] == "产业发展"].sum() / money.sum()
    assert share >= 0.55 and chosen(ruled) == {"road2", "farm", "farm2"}


def test_conflicting_rules_are_named():
    context = county()
    pool = library(("a", 0, "乡村建设", 6.0, "储备"), ("b", 1, "产业发展", 2.0, "储备"))
    with pytest.raises(AllocationError) as caught:
        projects.choose(context, weights(context, {"乡村建设": 1.0}), rules(10.0, industry=0.5,
                        category_min_share=(("乡村建设", 0.6),)), pool)
    assert set(caught.value.conflicts) == {"产业发展资金占比不低于 50%", "类别下限"}


def test_the_command_selects_whole_projects(demo_store, capsys):
    code = main(["allocate", "--store", str(demo_store.root), "--budget", "1500", "--mode", "projects",
                 "--village-cap", "0", "--key-village-min", "0", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["mode"] == "projects" and out["violations"] == []
    listed = pd.DataFrame(out["projects"])
    assert listed.loc[listed["continuing"], "selected"].all()
    assert listed.loc[listed["selected"], "funds_wan"].sum() == pytest.approx(out["total_wan"])
    assert out["total_wan"] <= 1500 + 1e-6
    assert listed["township_wide"].any() and listed.loc[listed["township_wide"], "selected"].any()
