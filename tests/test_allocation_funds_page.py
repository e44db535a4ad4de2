"""The 资金推演 page with budgets entered per fund source and a county-level reserve: the plan's
lines by source, the industry share measured on the central funds, and the 回头看 section."""

from __future__ import annotations

import pytest

from tests.apptest_support import button, metric_card, open_page

PAGE = "app_pages/allocation.py"


def _edit(at, key: str, rows: dict[int, dict]) -> None:
    """What a planner's typing into a data editor leaves in the session (the editor's own state)."""
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


@pytest.mark.slow
def test_budgets_entered_per_source_show_each_line_by_source():
    at = open_page(PAGE)
    _edit(at, "alloc_sources_0", {0: {"budget": 3000.0}, 1: {"budget": 1000.0}})  # 中央, 省级
    _edit(at, "alloc_reserves_0", {1: {"amount": 200.0}})  # 雨露计划, from the central funds
    button(at, "计算方案").click().run()
    assert not at.exception and not at.error
    lines = next(d.value for d in at.dataframe if "中央衔接资金" in d.value.columns)
    assert list(lines.columns[:3]) == ["类型", "项目", "金额(万元)"]
    reserve = lines[lines["项目"] == "雨露计划"].iloc[0]
    assert reserve["类型"] == "县级预留" and reserve["中央衔接资金"] == 200.0 and reserve["省级衔接资金"] == 0.0
    assert lines["金额(万元)"].sum() == pytest.approx(4000.0, abs=0.5)
    share = metric_card(at, "产业发展资金占比")
    assert float(share.value.rstrip("%")) >= 55.0 - 1e-6
    assert any("中央衔接资金产业占比" in c.value for c in at.caption)


def test_the_page_looks_back_at_last_years_prediction():
    at = open_page(PAGE)
    assert any(h.value == "回头看:上次的预测经得住检验吗" for h in at.subheader)
    sentences = next(m.value for m in at.markdown if m.value.startswith("- 产业发展:"))
    assert sentences.count("\n- ") == 7 and "实际" in sentences


@pytest.mark.slow
def test_a_saved_plan_brings_back_its_sources_reserves_and_limits(store_copy, app_on):
    app_on(store_copy)  # the scenario is written to a store of this test's own
    at = open_page(PAGE)
    _edit(at, "alloc_sources_0", {0: {"budget": 2500.0}, 2: {"budget": 500.0}})  # 中央, 市级
    _edit(at, "alloc_reserves_0", {3: {"amount": 20.0}})  # 项目管理费
    at.number_input(key="alloc_village_change").set_value(0.0)
    button(at, "计算方案").click().run()
    at.text_input(key="alloc_save_name").input("分来源方案")
    button(at, "保存方案").click().run()
    assert not at.exception and any("已保存“分来源方案”" in s.value for s in at.success)

    fresh = open_page(PAGE)
    fresh.selectbox(key="alloc_load_name").set_value("分来源方案").run()
    button(fresh, "载入到输入").click().run()
    assert not fresh.exception
    base = fresh.session_state["alloc_funds_base"]
    assert dict(zip(base["sources"]["source"], base["sources"]["budget"]))["中央衔接资金"] == 2500.0
    assert dict(zip(base["reserves"]["item"], base["reserves"]["amount"]))["项目管理费"] == 20.0
    lines = next(d.value for d in fresh.dataframe if "中央衔接资金" in d.value.columns)
    assert lines["金额(万元)"].sum() == pytest.approx(3000.0, abs=0.5)
