"""AppTest of 压力测试: the cards equal what analytics.planning.stress computes for the preset on
screen, combining presets moves them, names stay masked, a township user sees only its township,
and a planner's saved scenario lists for comparison apart from the fund planner's."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics.planning import scenarios, stress
from analytics.risk import saved
from tests.apptest_support import frame, metric
from tests.auth_helpers import sign_in
from tests.conftest import ROOT

PAGE = "app_pages/stress.py"
TIMEOUT = 300


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def county(demo_store):
    trained, _, _ = saved.for_snapshot(demo_store)
    tables = saved.snapshot_tables(demo_store, demo_store.info().id)
    return stress.baseline(tables, trained.model), tables


def _expected(county, *names: str, line_rise: float = 0.0) -> dict:
    base, tables = county
    shocks = []
    for name in names:
        towns, villages = stress.preset_scope(name, tables["villages"])
        preset = stress.PRESETS[name]
        shocks.append(stress.Shock(preset["changes"], 0.0, towns, villages, preset.get("household_type"), name))
    return stress.run(base, stress.Scenario(tuple(shocks), base.line + line_rise if line_rise else None)).summary()


def _num(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.mark.slow
def test_the_cards_show_the_default_preset_and_move_when_presets_combine(county):
    at = _page()
    expected = _expected(county, "务工收入下降")
    base, tables = county
    assert expected == stress.run(base, stress.default_scenario(tables["villages"])).summary()
    assert expected["newly_below_line"] > 0
    assert _num(metric(at, "新跌破监测线(户)")) == expected["newly_below_line"]
    assert _num(metric(at, "低于监测线(人)")) == expected["people_below_line_after"]
    assert _num(metric(at, "预计次年返贫(户)")) == expected["expected_relapse_after"]
    assert _num(metric(at, "新增入户核实(户)")) == expected["extra_visits"]

    at.button_group(key="stress_presets").set_value(["务工收入下降", "监测线上调"]).run()
    assert not at.exception
    combined = _expected(county, "务工收入下降", line_rise=stress.PRESETS["监测线上调"]["line_rise"])
    assert _num(metric(at, "新跌破监测线(户)")) == combined["newly_below_line"] > expected["newly_below_line"]

    listed = frame(at, "户编号")
    assert len(listed) == combined["newly_below_line"]
    assert listed["户主姓名"].str.contains(r"\*").all()  # the trial may not see names


def test_a_large_shock_is_flagged_and_an_empty_choice_asks_for_one():
    at = _page()
    at.number_input(key="stress_务工收入下降_change").set_value(-60.0).run()
    assert any("外推" in w.value for w in at.warning)
    at.button_group(key="stress_presets").set_value([]).run()
    assert not at.exception and any("至少选择一个情景" in i.value for i in at.info)


@pytest.mark.slow
def test_a_planner_saves_a_scenario_that_lists_for_comparison_only_here(accounts, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    at = sign_in("plan01", accounts.passwords["plan01"])
    at.switch_page(PAGE).run()
    at.text_input(key="stress_save_name").input("务工下降三成").run()
    at.button(key="stress_save").click().run()
    assert not at.exception and any("第 1 版" in s.value for s in at.success)
    assert "务工下降三成" in at.multiselect(key="stress_compare").options
    assert "务工下降三成" not in set(scenarios.listing(accounts.store)["name"])  # not a fund plan
    at.multiselect(key="stress_compare").set_value(["务工下降三成"]).run()
    side = frame(at, "务工下降三成")
    assert side["务工下降三成"].tolist() == side["当前情景"].tolist()


def test_a_township_user_sees_only_its_township(accounts, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    at = sign_in("town01", accounts.passwords["town01"])
    at.switch_page(PAGE).run()
    assert not at.exception
    assert len(frame(at, "新跌破(户)")) == 1
    picker = at.multiselect(key="stress_务工收入下降_towns")
    assert len(picker.options) == 1 and set(picker.value) <= {accounts.township}
    whatif = frame(at, "8,000")
    assert len(whatif) == 1


@pytest.mark.slow
def test_the_deck_shows_the_scenario_last_set_on_the_page(county):
    at = _page()
    at.button_group(key="stress_presets").set_value(["务工收入下降", "监测线上调"]).run()
    at.switch_page("app_pages/slides.py").run()
    at.selectbox(key="slide").set_value("stress").run()
    assert not at.exception, [e.value for e in at.exception]
    combined = _expected(county, "务工收入下降", line_rise=stress.PRESETS["监测线上调"]["line_rise"])
    assert _num(metric(at, "低于监测线(户)")) == combined["below_line_after"]
    assert _num(metric(at, "预计次年返贫(户)")) == combined["expected_relapse_after"]
    assert any("+500" in c.value for c in at.caption)
