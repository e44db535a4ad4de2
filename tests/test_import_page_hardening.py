"""数据管理 under attack and under concurrency, through app.py in AppTest: the sparse bomb and a
file no parser can hold, uploaded in 免登录体验, get a message and leave the server running; an
import whose check another import overtook is refused, never committed over the other one."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from analytics.ingest import pipeline as ingest
from tests.auth_helpers import make_accounts, sign_in
from tests.conftest import ROOT
from tests.import_helpers import as_text, copy_store, csv_bytes
from tests.jobs_support import checked, landed
from tests.test_hardening import _sparse

PAGE = "app_pages/data_admin.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def store(demo_store, tmp_path, monkeypatch):
    copy = copy_store(demo_store, tmp_path / "store")
    monkeypatch.setenv("DASHBOARD_STORE", str(copy.root))
    return copy


def _lines(demo_tables, threshold: str) -> bytes:
    text = as_text(demo_tables["monitoring_lines"], "monitoring_lines")
    text.loc[text["年度"] == "2025", "监测收入标准(元/人·年)"] = threshold
    return csv_bytes(text, "gbk")


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def _check(at: AppTest, *files: tuple[str, bytes, str]) -> AppTest:
    at.file_uploader(key="data_admin_files_0").set_value(list(files) if len(files) > 1 else files[0]).run()
    return checked(at)


@pytest.mark.slow
def test_the_trial_survives_the_sparse_bomb_and_a_file_no_parser_can_hold(store, demo_tables):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(PAGE).run()
    _check(at, ("bomb.xlsx", _sparse("XFD1048576"), XLSX), ("wide.xlsx", _sparse("KN1000000"), XLSX))
    assert not at.exception
    assert any("有错误,不能导入" in e.value for e in at.error)
    report = at.dataframe[0].value
    reasons = dict(zip(report["文件"], report["问题"]))
    assert "工作表的范围到 XFD1048576" in reasons["bomb.xlsx"]
    assert "读取这个文件所需的内存超过上限" in reasons["wide.xlsx"]
    _check(at, ("标准.csv", _lines(demo_tables, "8100"), "text/csv"))  # the same server goes on checking
    assert any("没有发现问题" in s.value for s in at.success)
    assert len(store.snapshots()) == 1


@pytest.mark.slow
def test_an_import_overtaken_by_another_is_refused_on_the_page(store, demo_tables, tmp_path, monkeypatch):
    accounts = make_accounts(store, tmp_path / "signed", demo_tables["townships"]["township_code"].iloc[0])
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    at = sign_in("admin01", accounts.passwords["admin01"])
    at.switch_page(PAGE).run()
    _check(at, ("标准.csv", _lines(demo_tables, "8100"), "text/csv"))
    other = tmp_path / "other.csv"
    other.write_bytes(_lines(demo_tables, "9000"))
    theirs = ingest.commit(ingest.check([other], accounts.store), accounts.store, "他人")  # meanwhile
    landed(_button(at, "data_admin_import").click().run())
    assert not at.exception
    assert any("数据已被他人更新,请重新检查" in e.value for e in at.error)
    assert accounts.store.current_id() == theirs
    assert accounts.store.table("monitoring_lines").set_index("year")["threshold_yuan"][2025] == 9000.0
    assert not any(b.key == "data_admin_import" for b in at.button)  # the stale check is gone
