"""数据核查 page: the cards give each rule's households and people as the checks count them on
the year's rows, the township filter narrows them, and each rule's list holds its households."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics.data import checks
from tests.apptest_support import frame, metric
from tests.conftest import ROOT

PAGE = "app_pages/checks.py"


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    return at.switch_page(PAGE).run()


def _expected(demo_store, townships: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    h = demo_store.table("households")
    year = int(h["year"].max())
    if townships is not None:
        h = h[h["village_code"].str[:9].isin(townships)]
    return checks.run(h, demo_store.table("monitoring_lines"), year, checks.Config.from_settings())


def _card(summary: pd.DataFrame, rule: str) -> str:
    row = summary.set_index("rule").loc[rule]
    return f"{int(row['households']):,}户{int(row['people']):,}人"


def test_cards_and_list_follow_the_checks_and_the_township_filter(demo_store):
    at = _page()
    assert not at.exception, [e.value for e in at.exception]
    rows, flagged, skip = _expected(demo_store)
    summary = checks.summary(rows, flagged, skip)
    assert not skip and summary["households"].sum() > 0
    for rule in checks.RULES:
        assert metric(at, rule.label) == _card(summary, rule.id), rule.id
    busiest = summary.loc[summary["households"].idxmax(), "rule"]
    listed = frame(at, "户编号")
    assert sorted(listed["户编号"]) == sorted(rows.loc[flagged[busiest], "household_id"])

    town = demo_store.table("townships")["township_code"].iloc[3]
    at.selectbox(key="town").set_value(town).run()
    assert not at.exception
    rows_t, flagged_t, skip_t = _expected(demo_store, [town])
    summary_t = checks.summary(rows_t, flagged_t, skip_t)
    assert summary_t["households"].sum() < summary["households"].sum()
    for rule in checks.RULES:
        assert metric(at, rule.label) == _card(summary_t, rule.id), rule.id
    by_village = frame(at, "合计")
    assert len(by_village) == (demo_store.table("villages")["township_code"] == town).sum()
    assert by_village["合计"].sum() == summary_t["households"].sum()


def test_the_township_desk_lists_every_flagged_household_of_the_township(demo_store):
    rows, flagged, _ = _expected(demo_store)
    town_of = rows["village_code"].str[:9]
    hit = flagged.any(axis=1)
    town = town_of[hit].value_counts().index[0]  # the township with the most flagged households
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/township.py").run()
    at.button(key=f"township_{town}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    listed = frame(at, "核查规则")
    assert sorted(listed["户编号"]) == sorted(rows.loc[hit & (town_of == town), "household_id"])
    assert [tab.label for tab in at.tabs][4].startswith("数据核查")


def test_the_assessment_breakdown_lists_each_deduction_and_its_households(demo_store):
    rows, flagged, _ = _expected(demo_store)
    eliminations = flagged[[r for r in checks.ELIMINATION_RULES if r in flagged.columns]].any(axis=1)
    town_of = rows["village_code"].str[:9]
    town = town_of[eliminations].value_counts().index[0]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/assessment.py").run()
    at.selectbox(key="assessment_town").set_value(town).run()
    assert not at.exception, [e.value for e in at.exception]
    deductions = next(d.value for d in at.dataframe if {"核查规则", "户数", "扣分"} <= set(d.value.columns))
    deductions = deductions.set_index("核查规则")
    mine = eliminations & (town_of == town)
    assert deductions.loc["合计(每户只扣一次)", "户数"] == mine.sum()
    for rule in checks.ELIMINATION_RULES:
        assert deductions.loc[checks.BY_ID[rule].label, "户数"] == (flagged[rule] & (town_of == town)).sum(), rule
    listed = next(d.value for d in at.dataframe if "户编号" in d.value.columns and "核查规则" in d.value.columns)
    assert sorted(listed["户编号"]) == sorted(rows.loc[mine, "household_id"])
