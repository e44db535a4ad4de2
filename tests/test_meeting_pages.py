"""AppTest of the pages of issue 7 (township desk, guarantees, relocation, projects, assessment,
village profile, slides, briefing), the projector switch and the language switch: real figures
from the rows, filters that change them, masked lists, and every table downloadable."""

from __future__ import annotations

import io

import docx
import openpyxl
import pandas as pd
import pytest

from analytics import settings
from analytics.data.contract import GUARANTEE_COLUMNS
from analytics.views import guarantees, relocation, township
from devtools.apptest import app
from tests.apptest_support import metric, open_page
from tests.auth_helpers import haystack
from ui.nav import PAGES

MINE = ("app_pages/township.py", "app_pages/guarantees.py", "app_pages/relocation.py", "app_pages/projects.py",
        "app_pages/assessment.py", "app_pages/village_profile.py", "app_pages/slides.py", "app_pages/briefing.py")
SLIDES = ("kpis", "map", "dimensions", "risk", "stress", "guarantees", "funds", "tasks", "ranking")


def _last_year(tables: dict) -> pd.DataFrame:
    h = tables["households"]
    return h[h["year"] == h["year"].max()]


def _gap(frame: pd.DataFrame) -> pd.Series:
    return pd.concat([~frame[c].astype(bool) for c in GUARANTEE_COLUMNS], axis=1).any(axis=1)


def test_my_pages_are_in_the_menu_with_english_titles():
    specs = {p.path: p for p in PAGES}
    for page in MINE:
        assert page in specs and specs[page].title_en, page


def test_guarantees_page_counts_and_follows_the_township(demo_tables):
    now = _last_year(demo_tables)
    at = open_page("app_pages/guarantees.py")
    assert metric(at, "有未保障项的农户(户)") == f"{int(_gap(now).sum()):,}"
    villages = demo_tables["villages"]
    town = villages.set_index("village_code").loc[now.loc[_gap(now), "village_code"], "township_code"].mode()[0]
    at.selectbox(key="town").set_value(town).run()
    in_town = now[now["village_code"].isin(villages.loc[villages["township_code"] == town, "village_code"])]
    assert metric(at, "有未保障项的农户(户)") == f"{int(_gap(in_town).sum()):,}"
    listed = at.dataframe[-1].value
    assert len(listed) == int(_gap(in_town).sum())


def test_household_lists_are_masked_on_screen_and_in_excel(demo_tables, downloads):
    at = open_page("app_pages/guarantees.py")
    ids = set(_last_year(demo_tables).loc[lambda d: _gap(d), "head_id_number"])
    text = haystack(at)
    assert not [i for i in ids if i in text]
    listed = next(payload for name, payload in downloads if name.startswith("待解决农户名单"))
    sheet = openpyxl.load_workbook(io.BytesIO(listed)).active
    assert sheet["A1"].value == "待解决农户名单" and "数据快照" in sheet["A2"].value
    headers = [c.value for c in sheet[4]]
    assert "户主证件号码" in headers and "未保障项" in headers
    column = headers.index("户主证件号码")
    values = [row[column].value for row in sheet.iter_rows(min_row=5)]
    assert values and all("*" in v for v in values)


def test_relocation_page_counts_households_with_labour_and_nobody_employed(demo_tables):
    now = _last_year(demo_tables)
    moved = now[now["relocated"].astype(bool) & (now["labor_count"] > 0)]
    at = open_page("app_pages/relocation.py")
    assert metric(at, "有劳动力无人就业户(户)") == f"{int((moved['migrant_work_months'] < 3).sum()):,}"
    assert metric(at, "搬迁户(户)") == f"{int(now['relocated'].astype(bool).sum()):,}"


def test_projects_page_counts_the_years_projects(demo_tables):
    year = int(demo_tables["households"]["year"].max())
    p = demo_tables["projects"]
    at = open_page("app_pages/projects.py")
    assert metric(at, "项目(个)") == f"{int((p['year'] == year).sum()):,}"
    assert metric(at, "投入资金(万元)") == f"{p.loc[p['year'] == year, 'funds_wan'].sum():,.1f}"
    at.select_slider(key="projects_as_of").set_value(3).run()
    early = int(metric(at, "需关注项目(个)").replace(",", ""))
    at.select_slider(key="projects_as_of").set_value(12).run()
    assert int(metric(at, "需关注项目(个)").replace(",", "")) > early  # more is due by December


def test_assessment_ranks_every_township_and_weights_change_it(demo_tables):
    at = open_page("app_pages/assessment.py")
    table = at.dataframe[0].value
    assert len(table) == len(demo_tables["townships"])
    assert list(table["总分"]) == sorted(table["总分"], reverse=True)
    first = table["乡镇名称"].iloc[0]
    for c in ("scores", "elimination", "identification", "industry"):
        at.number_input(key=f"assessment_weight_{c}").set_value(0.0).run()
    by_execution = at.dataframe[0].value
    assert list(by_execution["资金执行率"]) == sorted(by_execution["资金执行率"], reverse=True)
    assert by_execution["乡镇名称"].iloc[0] == table.loc[table["资金执行率"].idxmax(), "乡镇名称"]
    assert (by_execution["乡镇名称"].iloc[0] != first) == (table["资金执行率"].idxmax() != 0)


def test_village_profile_shows_one_village(demo_tables):
    village = demo_tables["villages"].iloc[7]
    at = open_page("app_pages/village_profile.py")
    assert any("请选择一个村" in i.value for i in at.info)
    at.selectbox(key="profile_pick").set_value(village["village_code"]).run()
    assert not at.exception
    assert village["village_name"] in at.title[0].value
    now = _last_year(demo_tables)
    assert metric(at, "农户(户)") == f"{int((now['village_code'] == village['village_code']).sum()):,}"
    assert at.selectbox(key="village").value == village["village_code"]  # the shared filter follows


def test_township_desk_reaches_the_lists_in_one_click(demo_tables):
    now = _last_year(demo_tables)
    most = now[_gap(now)]["village_code"].str[:9].value_counts().index[0]  # a township with lists to show
    town = demo_tables["townships"].set_index("township_code").loc[most].to_dict() | {"township_code": most}
    at = open_page("app_pages/township.py")
    at.button(key=f"township_{town['township_code']}").click().run()
    assert not at.exception
    assert town["township_name"] in at.title[0].value
    villages = demo_tables["villages"]
    mine = villages[villages["township_code"] == town["township_code"]]
    assert len(at.dataframe[0].value) == len(mine)
    assert at.dataframe[0].proto.placeholder == "—"  # a village without funds: "—", not "None", under 支付(%)
    tabs = [tab.label for tab in at.tabs]
    in_town = now[now["village_code"].isin(mine["village_code"])]

    def counted(frame) -> str:  # 户数与人数, as every count of households is given
        return f" {len(frame):,}户{int(frame['household_size'].sum()):,}人"
    assert tabs[0].endswith(counted(in_town[_gap(in_town)]))
    # the page reads only the slices it needs; its lists must be what the whole table gives
    h = demo_tables["households"][demo_tables["households"]["village_code"].isin(mine["village_code"])]
    year = int(now["year"].iloc[0])
    expected = guarantees.to_resolve(h, villages, demo_tables["townships"], year)
    shown = at.dataframe[1].value
    assert list(shown.iloc[:, 3]) == list(expected["years_in_a_row"]) and len(expected)
    assert tabs[1].endswith(counted(township.open_cases(h, villages, year)))
    jobless = relocation.jobless(h, villages, demo_tables["townships"], year,
                                 settings.integer("relocation.employed_min_months"))
    assert tabs[3].endswith(counted(jobless))
    assert tabs[4].startswith("数据核查")


@pytest.mark.parametrize("slide", SLIDES)
def test_every_slide_runs(slide):
    at = open_page("app_pages/slides.py", query={"slide": slide, "present": "true"})
    assert at.segmented_control(key="slide").value == slide
    assert at.toggle(key="present").value is True
    assert at.title


def test_slide_buttons_step_through_the_deck():
    at = open_page("app_pages/slides.py", query={"slide": "ranking"})
    at.button(key="slides_next").click().run()
    assert at.selectbox(key="slide").value == "kpis"  # wraps round
    at.button(key="slides_prev").click().run()
    assert at.selectbox(key="slide").value == "ranking"


def test_kpi_slide_shows_units(demo_tables):
    at = open_page("app_pages/slides.py", query={"slide": "kpis", "present": "true"})
    assert metric(at, "农户") == f"{len(_last_year(demo_tables)):,} :small[户]"
    assert metric(at, "衔接资金").endswith(":small[万元]")
    assert len(at.dataframe) == 0  # a table on a slide would not be readable from the back


def test_projector_switch_enters_and_leaves():
    at = open_page("app_pages/overview.py")
    assert at.toggle(key="present").value is False
    assert "stSidebarCollapsedControl" not in haystack(at)
    at.toggle(key="present").set_value(True).run()
    assert "stSidebarCollapsedControl" in haystack(at)  # the projector CSS that hides the chrome
    at.button(key="projector_exit_button").click().run()
    assert at.toggle(key="present").value is False


@pytest.mark.slow
def test_english_switch_translates_my_pages():
    at = app().run()
    at.segmented_control(key="lang").set_value("en").run()
    for page in MINE:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        title = at.title[0].value
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in title.split(":")[0]), (page, title)


@pytest.mark.slow
def test_briefing_download_is_the_html_file(downloads):
    open_page("app_pages/briefing.py")
    name, payload = next((n, p) for n, p in downloads if n.endswith(".html"))
    assert name.startswith("岚溪县_") or name.startswith("岚溪县")
    page = payload.decode("utf-8")
    assert "七、乡镇考核排名" in page and "<script src" not in page


@pytest.mark.slow
def test_briefing_download_is_also_a_word_file(downloads):
    open_page("app_pages/briefing.py")
    name, payload = next((n, p) for n, p in downloads if n.endswith(".docx"))
    assert name.startswith("岚溪县") and "汇报材料" in name
    document = docx.Document(io.BytesIO(payload))
    assert any(p.text == "七、乡镇考核排名" for p in document.paragraphs) and document.inline_shapes
