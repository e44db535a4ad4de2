"""The 资金推演 page through app.py: a plan with its map, table and baselines; conflicting rules
named on the page; scenarios saved in one session and loaded after a restart."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analytics.data.store import Store
from analytics.planning import scenarios
from devtools import ROOT
from devtools.apptest import sign_in
from tests.apptest_support import button, county_map, frame, metric_card, open_page
from tests.auth_helpers import Outside, haystack, workbook_text

PAGE = "app_pages/allocation.py"


@pytest.mark.slow
def test_page_shows_a_plan_that_keeps_the_industry_rule():
    at = open_page(PAGE)
    assert at.title[0].value == "资金推演"
    share = metric_card(at, "产业发展资金占比")
    assert float(share.value.rstrip("%")) >= 55.0 - 1e-6 and share.delta == "规定≥55%"
    risk = metric_card(at, "预计减少返贫致贫风险户(户)")
    assert risk.delta.startswith("区间 ")
    srcdoc = json.dumps(county_map(at))
    assert "/app/static/leaflet/leaflet.js" in srcdoc and "https://" not in srcdoc
    assert len(at.get("download_button")) >= 2  # allocation table, township totals, comparison
    compared = next(d.value for d in at.dataframe if "指标" in d.value.columns)
    assert list(compared.columns) == ["指标", "当前方案", "基准:因素法"]
    assert not at.error


def test_conflicting_rules_are_named_on_the_page():
    at = open_page(PAGE)
    at.number_input(key="alloc_keymin").set_value(100000.0)
    button(at, "计算方案").click().run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "无法求解" in message and "相互冲突" in message
    assert "重点帮扶村每村不少于 100,000.0 万元" in message and "总预算" in message


@pytest.mark.slow
def test_a_saved_scenario_survives_a_restart(store_copy, app_on):
    store = app_on(store_copy)  # the scenario is written to a store of this test's own
    name = "页面测试方案"
    at = open_page(PAGE)
    at.number_input(key="alloc_budget").set_value(777.0)
    button(at, "计算方案").click().run()
    at.text_input(key="alloc_save_name").input(name)
    button(at, "保存方案").click().run()
    assert not at.exception
    assert any(f"已保存“{name}”" in s.value for s in at.success)

    # another process opening the same store folder: the scenario is on disk, not in memory
    code = (f"import json; from analytics.planning import scenarios; from analytics.data.store import Store; "
            f"s = scenarios.load(Store({str(store.root)!r}), {name!r}); "
            f"print(json.dumps(s.request['constraints']['budget_wan']))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == 777.0
    saved = scenarios.load(Store(store.root), name)
    assert saved.version >= 1 and saved.result["total_wan"] == pytest.approx(777.0)

    # a new session of the app finds it and loads its inputs
    fresh = open_page(PAGE)
    assert fresh.number_input(key="alloc_budget").value != 777.0
    fresh.selectbox(key="alloc_load_name").set_value(name).run()
    button(fresh, "载入到输入").click().run()
    assert not fresh.exception
    assert fresh.number_input(key="alloc_budget").value == 777.0
    assert any(f"已载入“{name}”" in s.value for s in fresh.success)


@pytest.mark.slow
def test_a_township_user_plans_only_its_own_villages(with_accounts, demo_tables, downloads):
    """Effects are estimated on the whole county, but a township user's plan, map, tables,
    downloads and saved scenarios cover only that township."""
    scenarios.save(with_accounts.store, "全县方案", {}, {"total_wan": 1.0}, "s", "plan01")
    at = sign_in("town01", with_accounts.passwords["town01"])
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    outside = Outside(demo_tables, with_accounts.township)
    text = haystack(at)
    assert "资金推演" in text and not outside.leaks(text), outside.leaks(text)[:5]
    assert "全县方案" not in text
    assert len(downloads) >= 3
    for name, payload in downloads:
        assert not outside.leaks(workbook_text(payload)), name


@pytest.mark.slow
def test_the_projects_mode_lists_the_projects_and_files_the_plan(downloads):
    """The planner picks whole projects: the 项目库 list shows what is funded (续建 first) and the
    年度项目计划 is offered with the plan year in its name, the scenario, budget and rules on top."""
    at = open_page(PAGE)
    at.radio(key="alloc_mode").set_value("projects")
    button(at, "计算方案").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    listed = frame(at, "入选")
    assert listed["入选"].any() and listed.loc[listed["续建"], "入选"].all()
    sheet = frame(at, "联农带农方式")
    assert list(sheet.columns) == ["项目名称", "村", "类别", "资金来源", "金额(万元)", "绩效目标", "联农带农方式"]
    assert len(sheet) == int(listed["入选"].sum())
    name, payload = [(n, p) for n, p in downloads if "年度项目计划" in n][-1]  # the last run's
    year = name[:4]
    assert year.isdigit() and int(year) >= 2026
    text = workbook_text(payload)
    assert f"{year}年度项目计划" in text and "方案:当前方案(未保存) · 方式:整项目选择(项目库)" in text
    assert "总预算" in text and "约束:总额不超过预算" in text
