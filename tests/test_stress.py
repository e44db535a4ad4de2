"""规模性返贫 stress test: the shock arithmetic on hand-made households (each income part, the line
replacement, scope by township, village and household type, at the line's boundary), the model's
response on the demo county, a shock of 0 giving the before figures exactly, and the command."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analytics import settings
from analytics.__main__ import main
from analytics.planning import stress
from analytics.planning.stress import Scenario, Shock
from analytics.risk import saved

PARTS = {"wage_income": 10_000.0, "business_income": 6_000.0, "property_income": 1_000.0,
         "transfer_income": 3_000.0, "production_expense": 2_000.0}
INCOME = (20_000 - 2_000) / 2  # per person, household size 2


class _Flat:
    """A stand-in model: the arithmetic tests need no model, only something that scores."""

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        p = np.full(len(frame), 0.1)
        return np.column_stack([1 - p, p])


@pytest.fixture(scope="module")
def hand(demo_tables) -> dict:
    """Four demo households (two townships, three villages, both types) whose last-year incomes
    are rewritten to PARTS, size 2, no recorded per-capita income: 9,000 yuan each."""
    h, villages = demo_tables["households"], demo_tables["villages"]
    year = int(h["year"].max())
    towns = villages["township_code"].drop_duplicates().iloc[:2].tolist()
    first = villages[villages["township_code"] == towns[0]]["village_code"].iloc[:2].tolist()
    second = villages[villages["township_code"] == towns[1]]["village_code"].iloc[0]
    village_of = [first[0], first[0], first[1], second]
    ids = h[h["year"] == year].drop_duplicates("village_code").head(4)["household_id"].tolist()
    rows = h[h["household_id"].isin(ids) & h["year"].isin([year - 1, year])].copy()
    for i, (hid, village) in enumerate(zip(ids, village_of)):
        mine = rows["household_id"] == hid
        rows.loc[mine, "village_code"] = village
        rows.loc[mine, "household_type"] = "脱贫户" if i % 2 == 0 else "一般农户"
        rows.loc[mine, ["monitoring_category", "risk_eliminated"]] = [None, None]
    now = rows["year"] == year
    for column, value in PARTS.items():
        rows.loc[now, column] = value
    rows.loc[now, "household_size"] = 2
    rows.loc[now, "per_capita_net_income"] = np.nan
    tables = {**demo_tables, "households": rows.reset_index(drop=True)}
    base = stress.baseline(tables, _Flat(), year)
    return {"base": base, "ids": ids, "towns": towns, "villages": village_of, "line": base.line}


def _after(base: stress.Baseline, scenario: Scenario) -> pd.Series:
    rows, _ = stress.shocked_rows(base.rows, scenario)
    return rows.set_index("household_id")["per_capita_net_income"]


def _formula(changes: dict[str, float]) -> float:
    """The issue's formula, written out: (Σ part × (1 + change) − expense) / size."""
    parts = {"wage": "wage_income", "business": "business_income", "property": "property_income",
             "transfer": "transfer_income"}
    total = sum(PARTS[column] * (1 + changes.get(part, 0.0)) for part, column in parts.items())
    return (total - PARTS["production_expense"]) / 2


@pytest.mark.parametrize("part", ["wage", "business", "property", "transfer"])
@pytest.mark.parametrize("change", [-0.3, -1.0, 0.25])
def test_each_income_part_follows_the_formula(hand, part, change):
    after = _after(hand["base"], Scenario((Shock({part: change}),)))
    assert hand["base"].rows.pipe(lambda r: (r["per_capita_net_income"].isna()).all())
    np.testing.assert_allclose(after.loc[hand["ids"]], _formula({part: change}))


def test_several_parts_and_overlapping_shocks_multiply(hand):
    both = Scenario((Shock({"wage": -0.5, "business": -0.5}), Shock({"wage": -0.5})))
    np.testing.assert_allclose(_after(hand["base"], both).loc[hand["ids"]],
                               _formula({"wage": -0.75, "business": -0.5}))


def test_production_expense_and_the_line_are_untouched_by_an_income_shock(hand):
    rows, _ = stress.shocked_rows(hand["base"].rows, Scenario((Shock({"wage": -0.3}),)))
    assert (rows["production_expense"] == PARTS["production_expense"]).all()
    assert stress.run(hand["base"], Scenario((Shock({"wage": -0.3}),))).line_after == hand["line"]


def test_falling_exactly_to_the_line_is_not_below_it(hand):
    """9,000 yuan; the line is 8,000: a wage fall of 20% lands on the line, a bit more below it."""
    base = hand["base"]
    assert base.line == 8000 and INCOME == 9000
    on_line = stress.run(base, Scenario((Shock({"wage": -0.2}),)))
    assert on_line.totals["below_line_after"] == 0 and on_line.totals["newly_below_line"] == 0
    below = stress.run(base, Scenario((Shock({"wage": -0.2002}),)))
    assert below.totals["newly_below_line"] == 4 and below.totals["people_below_line_after"] == 8
    assert below.totals["newly_people_below_line"] == 8
    assert below.totals["lift_cost_wan"] == pytest.approx(4 * 2 * (8000 - _formula({"wage": -0.2002})) / 10_000)
    assert below.totals["extra_visits"] == 4  # none of them is a monitoring object
    assert len(below.newly_below) == 4


def test_the_line_replaces_the_years_line_for_after_only(hand):
    base = hand["base"]
    at = stress.run(base, Scenario(line=INCOME))
    assert at.line_before == 8000 and at.totals["below_line_after"] == 0
    above = stress.run(base, Scenario(line=INCOME + 0.01))
    assert above.totals["below_line_before"] == 0 and above.totals["below_line_after"] == 4
    assert above.totals["lift_cost_wan"] == pytest.approx(4 * 2 * 0.01 / 10_000)
    assert above.households_in_scope == 4  # a line alone reaches every household


@pytest.mark.parametrize("scope, reached", [
    ({"townships": ("T0",)}, [0, 1, 2]),
    ({"townships": ("T1",)}, [3]),
    ({"villages": ("V0",)}, [0, 1]),
    ({"villages": ("V1",), "townships": ("T1",)}, [2, 3]),  # places are a union
    ({"household_type": "脱贫户"}, [0, 2]),
    ({"townships": ("T0",), "household_type": "一般农户"}, [1]),
    ({}, [0, 1, 2, 3]),
])
def test_scope_by_township_village_and_household_type(hand, scope, reached):
    names = {f"T{i}": c for i, c in enumerate(hand["towns"])} | {"V0": hand["villages"][0], "V1": hand["villages"][2]}
    real = {k: (tuple(names[c] for c in v) if isinstance(v, tuple) else v) for k, v in scope.items()}
    scenario = Scenario((Shock({"wage": -0.5}, **real),))
    after = _after(hand["base"], scenario)
    hit = [hand["ids"][i] for i in reached]
    untouched = [h for h in hand["ids"] if h not in hit]
    np.testing.assert_allclose(after.loc[hit], _formula({"wage": -0.5}))
    np.testing.assert_allclose(after.loc[untouched], INCOME)
    result = stress.run(hand["base"], scenario)
    assert result.households_in_scope == len(reached)
    assert result.totals["newly_below_line"] == len(reached)
    by_town = result.by_township.set_index("township_code")["newly_below_line"]
    assert by_town.get(hand["towns"][1], 0) == (3 in reached)


def test_bad_shocks_get_chinese_messages():
    with pytest.raises(stress.StressError, match="不小于 -1"):
        Scenario((Shock({"wage": -1.2}),)).check()
    with pytest.raises(stress.StressError, match="收入项"):
        Scenario((Shock({"salary": -0.2}),)).check()
    with pytest.raises(stress.StressError, match="户类型"):
        Scenario((Shock({}, household_type="五保户"),)).check()
    with pytest.raises(stress.StressError, match="监测线"):
        Scenario(line=0).check()


def test_shocks_beyond_the_setting_are_flagged_as_extrapolation():
    limit = settings.number("stress.extrapolation_change")
    assert stress.extrapolation(Scenario((Shock({"business": -limit}),))) == ()
    flagged = stress.extrapolation(Scenario((Shock({"business": -limit - 0.01}, name="自然灾害"),)))
    assert len(flagged) == 1 and "自然灾害" in flagged[0] and "外推" in flagged[0]


def test_line_range_counts_households_people_and_workload(hand):
    table = stress.line_range(hand["base"], [INCOME, INCOME + 1])
    by_line = table.groupby("line")[["below_line", "people_below_line", "extra_visits"]].sum()
    assert by_line.loc[INCOME].tolist() == [0, 0, 0]
    assert by_line.loc[INCOME + 1].tolist() == [4, 8, 4]
    assert stress.line_steps(8000, 0.2, 4) == [8000, 8400, 8800, 9200, 9600]


def test_a_scenario_round_trips_through_plain_data():
    scenario = Scenario((Shock({"wage": -0.3}, 0.1, ("1",), ("2",), "脱贫户", "务工收入下降"),), 8500.0)
    assert Scenario.from_dict(json.loads(json.dumps(scenario.to_dict()))) == scenario


# --- the demo county, through the saved model -----------------------------------------------------

@pytest.fixture(scope="module")
def county(demo_store):
    trained, _, _ = saved.for_snapshot(demo_store)
    tables = saved.snapshot_tables(demo_store, demo_store.info().id)
    return stress.baseline(tables, trained.model), tables


def test_a_shock_of_zero_gives_the_before_figures_exactly(county):
    base, tables = county
    zero = Scenario((Shock({p: 0.0 for p in stress.PARTS}, 0.0),))
    result = stress.run(base, zero, tables["townships"], tables["villages"])
    t = result.totals
    assert t["below_line_after"] == t["below_line_before"] > 0
    assert t["people_below_line_after"] == t["people_below_line_before"]
    assert t["newly_below_line"] == 0 and t["lift_cost_wan"] == 0 and t["extra_visits"] == 0
    assert t["expected_relapse_after"] == t["expected_relapse_before"]  # through reprice, not a shortcut
    pd.testing.assert_series_equal(result.by_village["expected_relapse_after"],
                                   result.by_village["expected_relapse_before"], check_names=False)


def test_expected_relapses_rise_for_a_wage_fall_and_a_line_rise(county):
    base, _ = county
    before = stress.run(base, Scenario()).totals["expected_relapse_before"]
    wage = stress.run(base, Scenario((Shock({"wage": -0.3}),))).totals
    line = stress.run(base, Scenario(line=base.line + 500)).totals
    assert wage["expected_relapse_after"] > before and wage["newly_below_line"] > 0
    assert line["expected_relapse_after"] > before and line["newly_below_line"] > 0
    assert wage["below_line_after"] == wage["below_line_before"] + wage["newly_below_line"]  # a fall lifts no one


def test_the_command_prints_the_figures_as_json(demo_store, demo_tables, capsys):
    town = demo_tables["townships"]["township_code"].iloc[0]
    code = main(["stress", "--store", str(demo_store.root), "--income-change", "wage=-0.3", "transfer=-0.2",
                 "--township", town, "--household-type", "脱贫户", "--line", "8200", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    for key in ("households", "below_line_before", "below_line_after", "newly_below_line",
                "people_below_line_before", "people_below_line_after", "by_township", "by_village",
                "expected_relapse_before", "expected_relapse_after", "lift_cost_wan", "extra_visits"):
        assert key in out, key
    h = demo_tables["households"]
    last = h[h["year"] == h["year"].max()]
    in_scope = last["village_code"].str.startswith(town) & last["household_type"].eq("脱贫户")
    assert out["households"] == int(in_scope.sum())
    assert out["line_after"] == 8200 and out["below_line_before"] == int((last["per_capita_net_income"] < 8000).sum())
    assert sum(r["newly_below_line"] for r in out["by_township"]) == out["newly_below_line"]
    assert sum(r["people_below_line_after"] for r in out["by_village"]) == out["people_below_line_after"]


def test_the_command_refuses_bad_input_in_chinese(demo_store, capsys):
    for argv, message in ((["--income-change", "salary=-0.3"], "收入项"), (["--income-change", "wage=abc"], "不是数字"),
                          (["--township", "000"], "不存在"), (["--year", "1999"], "1999")):
        assert main(["stress", "--store", str(demo_store.root), *argv]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


def test_a_medical_change_moves_only_the_models_figure(county):
    """Per-capita net income does not subtract medical spending (the contract), so the counts stay."""
    base, _ = county
    result = stress.run(base, Scenario((Shock({}, medical=1.0),))).totals
    assert result["below_line_after"] == result["below_line_before"] and result["newly_below_line"] == 0
    assert result["expected_relapse_after"] > result["expected_relapse_before"]
