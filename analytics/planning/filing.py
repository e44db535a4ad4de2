"""The plan as counties file it: the rows of the 年度项目计划 table (项目名称, 村, 类别, 资金来源,
金额(万元), 绩效目标, 联农带农方式) and the header lines above them (budget, rules, scenario).

A whole-project plan (analytics.planning.projects) files its selected projects; a fractional plan
files one row per village, category and fund source with funds, named "<村><类别>项目" (each
category's money split over the sources as the plan's lines by source split it; one row per
village and category, 衔接资金(未分来源), when the budget was not entered by source). The county
items reserved off the top are rows of their own (村: 县级统筹). 绩效目标 and 联农带农方式
come from the project where the 项目库 holds them (columns `performance_goal`, `farmer_link`),
else from the category's default below: one place for them.
"""

from __future__ import annotations

import pandas as pd

from analytics.planning.allocation import Context
from analytics.planning.plan import Plan
from analytics.planning.sources import RESERVE_LINE, VILLAGE_LINE

COLUMNS = {"project_name": "项目名称", "place": "村", "category": "类别", "fund_source": "资金来源",
           "funds_wan": "金额(万元)", "performance_goal": "绩效目标", "farmer_link": "联农带农方式",
           "township_code": "乡镇代码"}
# A fractional plan whose budget was not entered by source has no source per line.
UNSOURCED = "衔接资金(未分来源)"
COUNTY_LEVEL = "县级统筹"  # where a reserved county item is filed
DEFAULTS = {  # category: (绩效目标, 联农带农方式)
    "产业发展": ("发展特色产业,带动脱贫户和监测户增收", "带动就业务工、订单收购、入股分红"),
    "就业帮扶": ("稳定脱贫劳动力务工规模,提升就业技能", "就业务工、技能培训、公益岗位"),
    "乡村建设": ("改善村内道路、饮水和人居环境条件", "以工代赈、吸纳脱贫群众务工"),
    "公共服务": ("提升村级公共服务设施水平", "改善群众生产生活条件"),
    "易地搬迁后扶": ("巩固易地搬迁成果,促进搬迁群众稳得住、能致富", "安置点就业、技能培训、配套产业带动"),
    "巩固三保障": ("义务教育、基本医疗、住房安全和饮水安全保障持续巩固", "直接受益、改善生产生活条件"),
    "乡村治理": ("提升乡村治理水平和乡风文明程度", "群众参与、积分制激励"),
    "其他": ("保障项目实施管理和金融帮扶", "小额信贷贴息等直接受益"),
}


def title(year: int) -> str:
    """The sheet's title and the file's name."""
    return f"{year}年度项目计划"


def rows(context: Context, result: Plan) -> pd.DataFrame:
    """The filing table of a plan result (plan.run or projects.run), columns in COLUMNS order (ids;
    COLUMNS holds the Chinese headers); `township_code` (last) lets an export keep to the user's
    townships."""
    names = {**context.township_names, **dict(zip(context.villages["village_code"], context.villages["village_name"]))}
    if result.mode == "projects":
        frame = pd.DataFrame(result.projects)
        frame = frame[frame["selected"]] if len(frame) else frame.reindex(columns=["village_code", "category"])
    else:
        frame = by_source(pd.DataFrame(result.allocation, columns=["village_code", "category", "funds_wan"]),
                          result.fund_plan)
        frame["project_name"] = frame["village_code"].map(names) + frame["category"] + "项目"
    frame = frame.reindex(columns=[c for c in COLUMNS if c != "place"] + ["village_code"])
    frame["place"] = frame["village_code"].map(names)
    frame["township_code"] = frame["village_code"].astype(str).str[:9]
    county = reserves(result.fund_plan)
    if len(county):
        frame = pd.concat([frame, county], ignore_index=True)
    for i, column in enumerate(("performance_goal", "farmer_link")):
        default = frame["category"].map({c: pair[i] for c, pair in DEFAULTS.items()})
        frame[column] = frame[column].where(frame[column].notna() & frame[column].astype(str).str.strip().ne(""),
                                            default)
    frame["funds_wan"] = frame["funds_wan"].astype(float).round(1)
    frame = frame.sort_values(["township_code", "village_code", "category"], ignore_index=True)
    return frame[list(COLUMNS)]


def by_source(rows: pd.DataFrame, fund_plan: dict) -> pd.DataFrame:
    """Village x category rows split over the sources in the proportion the plan's lines give
    each category; one unsourced row each when the budget was one undivided sum."""
    sources = [s["source"] for s in fund_plan.get("sources", [])]
    if len(sources) < 2:
        return rows.assign(fund_source=UNSOURCED)
    shares = {line["category"]: {s: v / line["funds_wan"] for s, v in line["by_source"].items() if v > 1e-9}
              for line in fund_plan["lines"] if line["kind"] == VILLAGE_LINE and line["funds_wan"] > 0}
    parts = [rows.assign(fund_source=source, funds_wan=rows["funds_wan"] * rows["category"].map(
        lambda c, s=source: shares.get(c, {}).get(s, 0.0))) for source in sources]
    split = pd.concat(parts, ignore_index=True)
    return split[split["funds_wan"] > 1e-9]


def reserves(fund_plan: dict) -> pd.DataFrame:
    """The items reserved off the top (雨露计划, 小额信贷贴息, …), one row each, filed at county level."""
    items = [line for line in fund_plan.get("lines", []) if line["kind"] == RESERVE_LINE and line["funds_wan"] > 0]
    return pd.DataFrame([{"project_name": line["item"], "place": COUNTY_LEVEL, "category": line["category"],
                          "fund_source": next((s for s, v in line["by_source"].items() if v > 0), UNSOURCED),
                          "funds_wan": float(line["funds_wan"]), "performance_goal": None, "farmer_link": None,
                          "township_code": ""} for line in items])


def header_lines(result: Plan, budget_wan: float, scenario: str) -> list[str]:
    """What the rows stand on: the scenario, the budget and what was planned, and every rule."""
    mode = "整项目选择(项目库)" if result.mode == "projects" else "按村按类别分配"
    return [f"方案:{scenario} · 方式:{mode} · 目标:{result.solver['objective_zh']}",
            f"总预算 {budget_wan:,.1f} 万元,本计划合计 {result.total_wan:,.1f} 万元,"
            f"产业发展占比 {result.industry_share:.1%}",
            "约束:" + ";".join(result.rules)]
