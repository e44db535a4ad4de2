"""The plan as counties file it (analytics.planning.filing and the Excel export): the 年度项目计划
columns, a row per funded project or per village and category, the defaults per category, the
year in the title, and the budget, rules and scenario in the header rows."""

from __future__ import annotations

import io

import openpyxl

from analytics.planning import filing
from analytics.planning.plan import Plan
from analytics.reports.exports import excel_bytes
from tests.test_allocation import make_context

HEADERS = ["项目名称", "村", "类别", "资金来源", "金额(万元)", "绩效目标", "联农带农方式", "乡镇代码"]


def context():
    return make_context([300, 200], [0, 0], [False, False], [False, False])


def result(allocation: tuple[dict, ...] = (), **extra) -> Plan:
    """A solved plan with only what the filing reads filled in."""
    return Plan(allocation=list(allocation), totals_by_category={}, totals_by_township={}, total_wan=30.0,
                industry_share=0.6, effects=[], objectives={}, violations=[],
                rules=["产业发展资金占比不低于 55%", "每村不超过 20.0 万元"], cautious=True, effects_used="shrunk",
                supported={}, solver={"objective_zh": "减少返贫致贫风险户"}, baselines={}, effect_sources=[],
                overrides=[], year=2026, notes=[], **extra)


def test_a_fractional_plan_files_a_row_per_village_and_category():
    c = context()
    plan = result(({"village_code": "990121100201", "category": "产业发展", "funds_wan": 18.04},
                   {"village_code": "990121100202", "category": "乡村建设", "funds_wan": 11.96}))
    rows = filing.rows(c, plan)
    assert list(rows.rename(columns=filing.COLUMNS).columns) == HEADERS
    assert rows["project_name"].tolist() == ["村0产业发展项目", "村1乡村建设项目"]
    assert rows["funds_wan"].tolist() == [18.0, 12.0]
    assert (rows["fund_source"] == filing.UNSOURCED).all()
    assert rows.loc[0, "performance_goal"] == filing.DEFAULTS["产业发展"][0]
    assert rows.loc[1, "farmer_link"] == filing.DEFAULTS["乡村建设"][1]


def test_a_project_plan_files_the_selected_projects_with_their_own_targets():
    c = context()
    projects = [
        {"project_name": "乡村道路", "village_code": "990121100201", "category": "乡村建设", "funds_wan": 10.0,
         "fund_source": "省级衔接资金", "selected": True, "performance_goal": "硬化道路 3 公里"},
        {"project_name": "全乡技能培训", "village_code": "990121100", "category": "就业帮扶", "funds_wan": 20.0,
         "fund_source": "中央衔接资金", "selected": True, "performance_goal": None},
        {"project_name": "未入选", "village_code": "990121100202", "category": "产业发展", "funds_wan": 5.0,
         "fund_source": "中央衔接资金", "selected": False, "performance_goal": None},
    ]
    rows = filing.rows(c, result(mode="projects", projects=projects))
    assert set(rows["project_name"]) == {"乡村道路", "全乡技能培训"}
    town = rows.set_index("project_name").loc["全乡技能培训"]
    assert town["place"] == "乡0" and town["township_code"] == "990121100"  # township-wide: named by its township
    assert town["performance_goal"] == filing.DEFAULTS["就业帮扶"][0]
    assert rows.set_index("project_name").loc["乡村道路", "performance_goal"] == "硬化道路 3 公里"


def test_the_export_carries_the_year_budget_rules_and_scenario_above_the_table():
    c = context()
    plan = result(({"village_code": "990121100201", "category": "产业发展", "funds_wan": 30.0},))
    lines = filing.header_lines(plan, 32.0, "汇报方案")
    payload = excel_bytes(filing.rows(c, plan), filing.title(2026), "范围:全县", headers=filing.COLUMNS,
                          notes=lines)
    ws = openpyxl.load_workbook(io.BytesIO(payload)).active
    assert filing.title(2026) == "2026年度项目计划" and ws["A1"].value == "2026年度项目计划"
    assert ws["A3"].value.startswith("方案:汇报方案 · 方式:按村按类别分配")
    assert "总预算 32.0 万元,本计划合计 30.0 万元" in ws["A4"].value
    assert ws["A5"].value == "约束:产业发展资金占比不低于 55%;每村不超过 20.0 万元"
    assert [cell.value for cell in ws[7]] == HEADERS
    assert ws["A8"].value == "村0产业发展项目" and ws["E8"].value == 30.0


def test_a_plan_by_source_files_each_villages_money_by_source_and_the_reserves_at_county_level():
    """Entered by source, each village row is split as its category's line is split, and the
    reserved county items are rows of their own; the money filed is the money planned."""
    c = context()
    fund_plan = {"sources": [{"source": "中央衔接资金"}, {"source": "省级衔接资金"}], "lines": [
        {"kind": "县级预留", "item": "雨露计划", "category": "就业帮扶", "funds_wan": 5.0,
         "by_source": {"中央衔接资金": 5.0, "省级衔接资金": 0.0}},
        {"kind": "村级分配", "item": "产业发展", "category": "产业发展", "funds_wan": 20.0,
         "by_source": {"中央衔接资金": 15.0, "省级衔接资金": 5.0}},
        {"kind": "村级分配", "item": "乡村建设", "category": "乡村建设", "funds_wan": 10.0,
         "by_source": {"中央衔接资金": 0.0, "省级衔接资金": 10.0}}]}
    plan = result(({"village_code": "990121100201", "category": "产业发展", "funds_wan": 20.0},
                   {"village_code": "990121100202", "category": "乡村建设", "funds_wan": 10.0}), fund_plan=fund_plan)
    rows = filing.rows(c, plan)
    filed = rows.groupby(["project_name", "fund_source"])["funds_wan"].sum().to_dict()
    assert filed == {("村0产业发展项目", "中央衔接资金"): 15.0, ("村0产业发展项目", "省级衔接资金"): 5.0,
                     ("村1乡村建设项目", "省级衔接资金"): 10.0, ("雨露计划", "中央衔接资金"): 5.0}
    reserve = rows.set_index("project_name").loc["雨露计划"]
    assert reserve["place"] == filing.COUNTY_LEVEL and reserve["performance_goal"] == filing.DEFAULTS["就业帮扶"][0]
    assert rows["funds_wan"].sum() == 35.0
