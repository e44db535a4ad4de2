"""The pages of the app, in menu order, grouped in sections (add a page here, once), and the
check that a page was reached through app.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from analytics.users import ADMIN
from ui.text import common

ENTRY = "app.py"
_VIA_ENTRY = "_nav_via_entry"  # set by app.py just before it runs a page, taken by the page


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    section: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "总览", ":material/dashboard:", "总览", default=True),
    PageSpec("pages/slides.py", "演示", ":material/co_present:", "总览"),
    PageSpec("pages/township.py", "乡镇工作台", ":material/location_city:", "总览"),
    PageSpec("pages/briefing.py", "会议汇报材料", ":material/description:", "总览"),
    PageSpec("pages/guarantees.py", "三保障动态清零", ":material/home_health:", "巩固成果"),
    PageSpec("pages/relocation.py", "易地搬迁后扶", ":material/apartment:", "巩固成果"),
    PageSpec("pages/monitoring.py", "防返贫监测", ":material/monitor_heart:", "巩固成果"),
    PageSpec("pages/warning_list.py", "预警名单", ":material/notification_important:", "巩固成果"),
    PageSpec("pages/model_card.py", "模型说明", ":material/model_training:", "巩固成果"),
    PageSpec("pages/projects.py", "资金项目", ":material/account_balance:", "资金"),
    PageSpec("pages/assessment.py", "乡镇考核", ":material/leaderboard:", "考核"),
    PageSpec("pages/allocation.py", "资金推演", ":material/calculate:", "资金"),
    PageSpec("pages/five_dimensions.py", "五大振兴", ":material/radar:", "乡村振兴"),
    PageSpec("pages/village_profile.py", "村庄画像", ":material/holiday_village:", "乡村振兴"),
    PageSpec("pages/multidimensional.py", "多维贫困", ":material/grid_view:", "乡村振兴"),
    PageSpec("pages/audit_log.py", "审计日志", ":material/policy:", "管理"),
    PageSpec("pages/data_admin.py", "数据管理", ":material/database:", "管理"),
)


def run(page: st.Page) -> None:
    """Run the page st.navigation chose, marked as reached through app.py (see `entered`)."""
    st.session_state[_VIA_ENTRY] = True
    page.run()


def entered() -> None:
    """First line of every page: a page runs only through app.py and its sign-in gate.

    Right after a server start, until some session has run app.py's st.navigation, Streamlit
    treats pages/ as a legacy multipage folder and runs a deep-linked page on its own, without
    app.py. Such a run turns that mode off, as st.navigation does, and starts again: the same
    page and link (?town=…), now through app.py.
    """
    if st.session_state.pop(_VIA_ENTRY, False):
        return
    ctx = get_script_run_ctx()
    if ctx is None or Path(ctx.main_script_path).name != ENTRY:  # started as `streamlit run pages/x.py`
        st.error(common()["open_from_start"])
        st.stop()
    PagesManager.uses_pages_directory = False
    st.rerun()


# Pages only some roles may open (the navigation leaves them out for everyone else); every
# other page is open to every signed-in role. Imports, rollbacks, users and the audit log are
# the admin's.
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "pages/data_admin.py": (ADMIN,),
    "pages/audit_log.py": (ADMIN,),
}

# English menu for the language switch (中文 / English); a page missing here keeps its Chinese title.
SECTIONS_EN: dict[str, str] = {
    "总览": "Overview", "巩固成果": "Consolidation", "乡村振兴": "Revitalization", "资金": "Funds",
    "考核": "Assessment", "管理": "Administration",
}
TITLES_EN: dict[str, str] = {
    "pages/overview.py": "Overview",
    "pages/slides.py": "Slides",
    "pages/township.py": "Township desk",
    "pages/briefing.py": "Meeting briefing",
    "pages/guarantees.py": "Basic guarantees",
    "pages/relocation.py": "Relocation follow-up",
    "pages/monitoring.py": "Relapse monitoring",
    "pages/warning_list.py": "Early-warning list",
    "pages/model_card.py": "Risk model card",
    "pages/projects.py": "Funds and projects",
    "pages/assessment.py": "Township assessment",
    "pages/allocation.py": "Fund planning",
    "pages/five_dimensions.py": "Five dimensions",
    "pages/village_profile.py": "Village profile",
    "pages/audit_log.py": "Audit log",
    "pages/data_admin.py": "Data management",
}
