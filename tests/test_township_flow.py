"""The township head's flow (issue 18 item 3): a 乡镇 account opens on 乡镇工作台 of its township,
and the desk's village table reorders with one tap on 预测高风险 / 三保障问题 / 未消除风险."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.views.township import SORTS, sort_villages
from tests.auth_helpers import sign_in


def test_sort_puts_the_chosen_count_first_with_the_others_as_tie_breaks():
    rows = pd.DataFrame({"village_name": ["甲", "乙", "丙", "丁"], "guarantee_problem": [0, 3, 3, 1],
                         "high_risk": [5, 0, 2, 2], "monitored_unresolved": [1, 9, 0, 0]})
    assert list(sort_villages(rows, "high_risk")["village_name"]) == ["甲", "丙", "丁", "乙"]  # 丙 by 三保障
    assert list(sort_villages(rows, "guarantee_problem")["village_name"]) == ["丙", "乙", "丁", "甲"]
    assert list(sort_villages(rows, "monitored_unresolved")["village_name"]) == ["乙", "甲", "丙", "丁"]
    equal = rows.assign(guarantee_problem=0, high_risk=0, monitored_unresolved=0)
    assert list(sort_villages(equal, "high_risk")["village_name"]) == sorted(rows["village_name"])


def test_a_township_account_opens_on_its_desk(accounts, demo_tables, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    at = sign_in("town01", accounts.passwords["town01"])
    assert not at.exception
    own = demo_tables["townships"].set_index("township_code").loc[accounts.township, "township_name"]
    assert at.title[0].value == f"乡镇工作台:{own}"


def test_other_roles_open_on_the_overview(accounts, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    at = sign_in("leader01", accounts.passwords["leader01"])
    assert not at.exception
    assert not at.title[0].value.startswith("乡镇工作台")


@pytest.mark.parametrize("first", SORTS)
def test_one_tap_reorders_the_desk(first, accounts, monkeypatch):
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    at = sign_in("town01", accounts.passwords["town01"])
    at.segmented_control(key="desk_sort").set_value(first).run()
    assert not at.exception
    label = {"high_risk": "预测高风险", "guarantee_problem": "三保障问题户", "monitored_unresolved": "未消除风险"}[first]
    shown = at.dataframe[0].value
    column = shown[label] if label in shown.columns else shown[first]
    assert column.is_monotonic_decreasing
