"""AppTest of 跟踪核实: the cards count what the store holds for the user's townships, overdue
households show whole names to their 乡镇 account (ID numbers masked) and the view is audited."""

from __future__ import annotations

import io
import shutil
from datetime import datetime, timedelta

import pandas as pd
import pytest

from analytics.data import audit, visits
from analytics.data.store import Store
from tests.apptest_support import frame, metric
from tests.auth_helpers import capture_downloads, sign_in

YEAR = 2025


def _without_visits(accounts, folder) -> Store:
    """A copy of the shared accounts store with no visit list or result: other page tests that
    download the warning list from it have noted households as listed."""
    shutil.copytree(accounts.store.root, folder)
    store = Store(folder)
    with store.db() as con:
        for table in ("visit_results", "visit_uploads", "visit_listings"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return store


@pytest.fixture
def store(accounts, tmp_path, monkeypatch) -> Store:
    """A copy with 40 listed households per township in two townships (listed 20 days ago), of
    which the first 10 of each have a result: 4 纳入监测, 3 未纳入, 3 无法核实."""
    store = _without_visits(accounts, tmp_path / "store")
    monkeypatch.setenv("DASHBOARD_STORE", str(store.root))
    households = store.rows("households", year=YEAR, columns=["household_id", "village_code"])
    households["township_code"] = households["village_code"].str[:9]
    other = next(c for c in sorted(households["township_code"].unique()) if c != accounts.township)
    listed = pd.concat([households[households["township_code"] == c].head(40) for c in (accounts.township, other)])
    listed = listed.assign(probability=0.4, rule_triggered=True)
    at = (datetime.now() - timedelta(days=20)).isoformat(timespec="seconds")
    visits.record_listing(store, YEAR, listed, "测试", at)
    day = datetime.now().date().isoformat()
    outcomes = ["纳入监测"] * 4 + ["未纳入"] * 3 + ["无法核实"] * 3
    done = pd.concat([listed[listed["township_code"] == c].head(10) for c in (accounts.township, other)])
    results = pd.DataFrame({"year": YEAR, "household_id": done["household_id"].to_numpy(),
                            "result": outcomes * 2, "visitor": "李明", "visited_on": day, "note": ""})
    visits.save_results(store, results, "测试", "测试.xlsx", "全县")
    return store


def _open(accounts, name: str):
    at = sign_in(name, accounts.passwords[name])
    at.switch_page("app_pages/followup.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_township_account_sees_its_own_counts_and_names(accounts, store):
    at = _open(accounts, "town01")
    assert (metric(at, "名单户数"), metric(at, "已核实"), metric(at, "待核实")) == ("40", "10", "30")
    assert metric(at, "逾期未核实") == "30"
    assert any("纳入监测 4 · 未纳入 3 · 无法核实 3" in m.value for m in at.markdown)
    overdue = frame(at, "户主姓名")
    assert len(overdue) == 30
    people = store.rows("households", year=YEAR, columns=["household_id", "head_name", "head_id_number"])
    people = people.set_index("household_id").loc[overdue["户编号"]]
    assert list(overdue["户主姓名"]) == list(people["head_name"])
    assert not (overdue["户主证件号码"] == people["head_id_number"].to_numpy()).any()
    views = audit.read(store, users=["town01"], actions=["view_households"])
    assert views["detail"].str.contains("含完整姓名").any()
    assert any("不足 30 户" in w.value for w in at.warning)


def test_admin_sees_the_county(accounts, store):
    at = _open(accounts, "admin01")
    assert (metric(at, "名单户数"), metric(at, "已核实")) == ("80", "20")
    assert any("纳入监测 8 · 未纳入 6 · 无法核实 6" in m.value for m in at.markdown)
    towns = frame(at, "待核实")
    assert list(towns["待核实"]) == [30, 30]


def test_township_desk_shows_pending_and_overdue_visits(accounts, store):
    at = sign_in("town01", accounts.passwords["town01"])
    at.switch_page("app_pages/township.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("待核实 30 户" in w.value and "逾期(超过 15 天)30 户" in w.value for w in at.warning)


def test_model_card_judges_the_model_on_visits(accounts, store):
    at = _open(accounts, "admin01")
    at.switch_page("app_pages/model_card.py").run()
    assert not at.exception, [e.value for e in at.exception]
    judged = frame(at, "模型预警·核实户数")
    county = judged[judged["乡镇"] == "全县"].iloc[0]
    # 14 visits with a finding (无法核实 not counted), 8 of them confirmed
    assert (county["模型预警·核实户数"], county["规则预警·核实户数"]) == (14, 14)
    assert county["模型预警·纳入监测(%)"] == pytest.approx(57.1)
    assert any("不足 30 户" in w.value for w in at.warning)


def test_warning_list_download_is_the_visit_sheet_and_notes_its_households(accounts, tmp_path, monkeypatch):
    fresh = _without_visits(accounts, tmp_path / "fresh")
    monkeypatch.setenv("DASHBOARD_STORE", str(fresh.root))
    files = capture_downloads(monkeypatch)
    at = sign_in("town01", accounts.passwords["town01"])
    at.switch_page("app_pages/warning_list.py").run()
    assert not at.exception, [e.value for e in at.exception]
    sheet = pd.read_excel(io.BytesIO(files[-1][1]), header=3, dtype=str)
    assert {"年度", "户编号", "村代码", "核实结果", "核实人", "核实日期", "备注"} <= set(sheet.columns)
    listed = visits.listings(fresh, YEAR)
    assert sorted(listed["household_id"]) == sorted(sheet["户编号"])
    assert set(listed["township_code"]) == {accounts.township} and set(listed["listed_by"]) == {"town01"}
    assert not sheet["户主姓名"].str.contains(r"\*").any() and sheet["户主证件号码"].str.contains(r"\*").all()
    exported = audit.read(fresh, users=["town01"], actions=["export"])
    assert exported["detail"].str.contains("含完整姓名,证件号码已脱敏").any()
