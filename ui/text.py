"""User-facing text. Chinese is the default; each page keeps its own texts in one dict per
language and picks them with `pick`, so an English switch needs no code change."""

from __future__ import annotations

import streamlit as st

from analytics.data.contract import VALUES_EN

LANGUAGES = {"zh": "中文", "en": "English"}

COMMON = {
    "zh": {
        "app_title": "乡村振兴决策支持平台",
        "demo_banner": "模拟数据:当前显示的是虚构的示范县,数字不代表任何真实地区。",
        "snapshot": "数据快照",
        "town": "乡镇",
        "village": "村",
        "year": "年度",
        "all": "全部",
        "all_towns": "全县",
        "filters": "筛选",
        "no_data": "数据仓库中还没有数据。请运行 `make run`(会自动生成示范县),或在数据管理页导入数据。",
        "no_data_admin": "数据仓库中还没有数据:请在本页导入本县的文件(乡镇、行政村、监测标准和农户或家庭成员信息),导入后其他页面即可使用。",
        "scope": "范围",
        "unit_households": "户",
        "unit_people": "人",
        "unit_yuan": "元",
        "unit_wan": "万元",
        "legend_missing": "无数据",
        "language": "语言",
        "unconfirmed": "以下本县参数仍是示范县的数值,请在“系统设置”页确认或修改:{keys}。确认之前,汇报材料、演示和导出文件的页脚注明“参数未确认”。",
        "unconfirmed_mark": "参数未确认",
        "download_excel": "下载 Excel",
    },
    "en": {
        "app_title": "Rural Revitalization Decision Support",
        "demo_banner": "Demo data: a fictional county; the figures describe no real place.",
        "snapshot": "Snapshot",
        "town": "Township",
        "village": "Village",
        "year": "Year",
        "all": "All",
        "all_towns": "Whole county",
        "filters": "Filters",
        "no_data": "The store holds no data yet. Run `make run` (it generates the demo county) or import data.",
        "no_data_admin": "The store holds no data yet: import the county's files on this page (townships, villages, "
                         "monitoring lines and households or household members); the other pages open after that.",
        "scope": "Scope",
        "unit_households": "households",
        "unit_people": "people",
        "unit_yuan": "yuan",
        "unit_wan": "10k yuan",
        "legend_missing": "no data",
        "language": "Language",
        "unconfirmed": "These county parameters still hold the demo county's values; confirm or change them on the System settings page: {keys}. Until then, briefings, slides and exports say 'parameters not confirmed'.",
        "unconfirmed_mark": "parameters not confirmed",
        "download_excel": "Download Excel",
    },
}


def lang() -> str:
    return st.session_state.get("lang", "zh")


def pick(texts: dict[str, dict[str, str]]) -> dict[str, str]:
    """The texts of the current language, falling back to Chinese for any missing key."""
    chosen = dict(texts["zh"])
    chosen.update(texts.get(lang(), {}))
    return chosen


def common() -> dict[str, str]:
    return pick(COMMON)


def value(category: str) -> str:
    """A category value (household type, project status, tier, ...) in the current language."""
    return VALUES_EN.get(category, category) if lang() == "en" else category
