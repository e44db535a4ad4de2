"""AppTest of the 任务推进 page: counts and tree from the ledger, the status and department
filters, a task's history, the 督办单 downloads and a township account's scope."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from analytics.data.store import Store
from analytics.ledger import plan as ledger_plan
from analytics.ledger import progress as ledger_progress
from analytics.ledger import status as ledger_status
from tests.auth_helpers import app, capture_downloads, sign_in
from ui.nav import PAGES

PAGE = "app_pages/tasks.py"


def _open() -> AppTest:
    at = app().run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _expected(store: Store, township: str | None = None):
    reports = ledger_progress.read(store)
    if township:
        reports = ledger_status.for_townships(reports, (township,))
    return ledger_status.evaluate(ledger_plan.load(store), reports,
                                  ledger_status.measured(store, (township,) if township else None), date.today())


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_page_is_under_overview_with_an_english_title() -> None:
    spec = next(p for p in PAGES if p.path == PAGE)
    assert spec.section == "总览" and spec.title == "任务推进" and spec.title_en


@pytest.mark.slow
def test_counts_tree_filters_and_history(demo_store: Store, monkeypatch) -> None:
    files = capture_downloads(monkeypatch)
    expected = _expected(demo_store)
    at = _open()
    assert _metric(at, "红色任务") == f"{int((expected['status'] == 'red').sum())} 项"
    assert _metric(at, "逾期未报") == f"{int(expected['overdue'].sum())} 项"
    groups = [e.label.split(" ")[0] for e in at.expander if e.label.startswith(("三", "四"))]
    assert groups == ["三(一)", "三(二)", "三(三)", "四"]
    shown = {row for frame in at.dataframe if "编号" in frame.value for row in frame.value["编号"]}
    assert shown == set(expected["task_id"])

    at.selectbox(key="tasks_status").set_value("red").run()
    red = {row for frame in at.dataframe if "编号" in frame.value for row in frame.value["编号"]}
    assert red == set(expected.loc[expected["status"] == "red", "task_id"])
    lead = expected.loc[expected["status"] == "red", "lead"].iloc[0]
    at.selectbox(key="tasks_department").set_value(lead).run()
    mine = {row for frame in at.dataframe if "编号" in frame.value for row in frame.value["编号"]}
    assert mine and mine <= set(expected.loc[(expected["status"] == "red") & (
        (expected["lead"] == lead) | expected["partners"].str.contains(lead, regex=False)), "task_id"])

    at.selectbox(key="notice_dept").set_value(lead).run()
    flagged = expected[(expected["lead"] == lead) & ((expected["status"] == "red") | expected["overdue"])]
    notice = next(payload for name, payload in files if name.startswith(f"督办单_{lead}") and name.endswith(".docx"))
    table = docx.Document(io.BytesIO(notice)).tables[0]
    assert [r.cells[0].text for r in table.rows[1:]] == sorted(flagged["task_id"], key=lambda i: (
        flagged.set_index("task_id").loc[i, "status"] != "red", i))
    listed = next(payload for name, payload in files if name.startswith(f"督办单_{lead}") and name.endswith(".xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(listed)).active
    assert {c.data_type for row in sheet.iter_rows() for c in row if c.value} == {"s"}
    assert sheet.max_row == len(flagged) + 1


def test_a_township_account_sees_only_its_township_and_its_reports(accounts, monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    at = sign_in("town01", accounts.passwords["town01"])
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    township = at.selectbox(key="tasks_township")
    assert township.options == [
        accounts.store.table("townships").set_index("township_code").loc[accounts.township, "township_name"]]
    expected = _expected(accounts.store, accounts.township)
    assert _metric(at, "红色任务") == f"{int((expected['status'] == 'red').sum())} 项"
    assert any(b.label == "下载进展填报模板" for b in at.get("download_button"))
