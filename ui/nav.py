"""The pages of the app, in menu order, grouped in sections: one registry holds each page's file,
Chinese and English titles, icon, section and the roles that may open it (add a page here, once).

The page files live in app_pages/, not pages/: a folder named pages/ next to app.py makes
Streamlit run a deep-linked page on its own, without app.py and its sign-in gate, until some
session has called st.navigation (its legacy multipage mode)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analytics.access.users import ADMIN, TOWNSHIP
from ui.text import lang


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    title_en: str
    icon: str
    section: str
    default: bool = False
    roles: tuple[str, ...] = ()  # empty: every signed-in role

    def label(self) -> str:
        return self.title_en if lang() == "en" else self.title

    def open_to(self, role: str) -> bool:
        return not self.roles or role in self.roles


# English section names for the language switch (中文 / English).
SECTIONS_EN: dict[str, str] = {
    "总览": "Overview", "巩固成果": "Consolidation", "乡村振兴": "Revitalization", "资金": "Funds",
    "考核": "Assessment", "管理": "Administration",
}

PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/overview.py", "总览", "Overview", ":material/dashboard:", "总览", default=True),
    PageSpec("app_pages/slides.py", "演示", "Slides", ":material/co_present:", "总览"),
    PageSpec("app_pages/township.py", "乡镇工作台", "Township desk", ":material/location_city:", "总览"),
    PageSpec("app_pages/briefing.py", "会议汇报材料", "Meeting briefing", ":material/description:", "总览"),
    PageSpec("app_pages/tasks.py", "任务推进", "Plan tasks", ":material/checklist:", "总览"),
    PageSpec("app_pages/guarantees.py", "三保障动态清零", "Basic guarantees", ":material/home_health:", "巩固成果"),
    PageSpec("app_pages/relocation.py", "易地搬迁后扶", "Relocation follow-up", ":material/apartment:", "巩固成果"),
    PageSpec("app_pages/monitoring.py", "防返贫监测", "Relapse monitoring", ":material/monitor_heart:", "巩固成果"),
    PageSpec("app_pages/warning_list.py", "预警名单", "Early-warning list", ":material/notification_important:",
             "巩固成果"),
    PageSpec("app_pages/followup.py", "跟踪核实", "Visit follow-up", ":material/assignment_turned_in:", "巩固成果"),
    PageSpec("app_pages/checks.py", "数据核查", "Policy checks", ":material/fact_check:", "巩固成果"),
    PageSpec("app_pages/stress.py", "压力测试", "Stress test", ":material/thunderstorm:", "巩固成果"),
    PageSpec("app_pages/model_card.py", "模型说明", "Risk model card", ":material/model_training:", "巩固成果"),
    PageSpec("app_pages/projects.py", "资金项目", "Funds and projects", ":material/account_balance:", "资金"),
    PageSpec("app_pages/assessment.py", "乡镇考核", "Township assessment", ":material/leaderboard:", "考核"),
    PageSpec("app_pages/allocation.py", "资金推演", "Fund planning", ":material/calculate:", "资金"),
    PageSpec("app_pages/five_dimensions.py", "五大振兴", "Five dimensions", ":material/radar:", "乡村振兴"),
    PageSpec("app_pages/village_profile.py", "村庄画像", "Village profile", ":material/holiday_village:", "乡村振兴"),
    PageSpec("app_pages/multidimensional.py", "多维贫困", "Multidimensional poverty", ":material/grid_view:",
             "乡村振兴"),
    # Imports, rollbacks, users and the audit log are the admin's: the menu leaves them out for everyone else.
    PageSpec("app_pages/audit_log.py", "审计日志", "Audit log", ":material/policy:", "管理", roles=(ADMIN,)),
    PageSpec("app_pages/data_admin.py", "数据管理", "Data management", ":material/database:", "管理",
             roles=(ADMIN,)),
    PageSpec("app_pages/settings.py", "系统设置", "System settings", ":material/tune:", "管理", roles=(ADMIN,)),
)


FIRST_IMPORT_PAGE = "app_pages/data_admin.py"  # the one page an empty store offers (to administrators)
# The page a role opens on (at /), when not the overview: a 乡镇 head starts on the desk.
HOME = {TOWNSHIP: "app_pages/township.py"}


def navigation(pages: list[PageSpec], role: str) -> st.Page:
    """The st.navigation menu of these pages, in the session's language, opening on the role's
    home page; returns the chosen page."""
    english = lang() == "en"
    home = HOME.get(role) if any(p.path == HOME.get(role) for p in pages) else None
    sections: dict[str, list[st.Page]] = {}
    for spec in pages:
        section = SECTIONS_EN.get(spec.section, spec.section) if english else spec.section
        if spec.path == home:
            # Served at /, but its own address (a link or bookmark from another role) opens it too,
            # through a hidden twin, instead of Streamlit's "Page not found". The twin comes after
            # the page, so links and st.switch_page to the file still lead to /.
            stem = Path(spec.path).stem
            sections.setdefault(section, []).extend([
                st.Page(spec.path, title=spec.label(), icon=spec.icon, default=True, url_path=f"{stem}_home"),
                st.Page(spec.path, title=spec.label(), icon=spec.icon, url_path=stem, visibility="hidden")])
            continue
        sections.setdefault(section, []).append(
            st.Page(spec.path, title=spec.label(), icon=spec.icon, default=spec.default and not home))
    return st.navigation(sections, expanded=True)  # every page listed, none behind "View more"
