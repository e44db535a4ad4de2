"""数据管理 through app.py in AppTest: upload, the report as a table, import, history and
rollback, the template download. Each test works on its own copy of the demo store."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from devtools import ROOT
from devtools.apptest import sign_in
from tests.apptest_support import open_page
from tests.auth_helpers import make_accounts
from tests.import_helpers import as_text, csv_bytes
from tests.jobs_support import checked, landed

PAGE = "app_pages/data_admin.py"
CSV = "text/csv"


@pytest.fixture
def store(store_copy, app_on):
    return app_on(store_copy)


def _lines(demo_tables, threshold: str) -> bytes:
    text = as_text(demo_tables["monitoring_lines"], "monitoring_lines")
    text.loc[text["年度"] == "2025", "监测收入标准(元/人·年)"] = threshold
    return csv_bytes(text, "gbk")


def _upload_and_check(at: AppTest, data: bytes) -> None:
    """Upload one file, as 标准.csv, and press 检查."""
    at.file_uploader(key="data_admin_files_0").set_value(("标准.csv", data, CSV)).run()
    checked(at)


def test_the_page_shows_history_and_offers_the_template(store):
    at = open_page(PAGE)
    assert at.title[0].value == "数据管理"
    snapshots = at.dataframe[0].value
    assert store.current_id() in snapshots["快照编号"].tolist() and "示范县" in snapshots["类型"].tolist()
    assert any(b.proto.label == "下载导入模板" for b in at.get("download_button"))
    assert "household_type" in at.dataframe[-1].value["英文列名"].tolist()


@pytest.mark.slow
def test_a_broken_upload_shows_the_report_and_cannot_be_imported(store, demo_tables):
    at = open_page(PAGE)
    _upload_and_check(at, _lines(demo_tables, "12万"))
    assert not at.exception
    assert any("有错误,不能导入" in e.value for e in at.error)
    report = at.dataframe[0].value
    row = report[report["问题"].str.contains("不能带“万”")].iloc[0]
    assert (row["文件"], row["行号"], row["列"], row["值"]) == ("标准.csv", 6, "监测收入标准(元/人·年)", "12万")
    assert not any(b.key == "data_admin_import" for b in at.button)
    assert len(store.snapshots()) == 1


@pytest.mark.slow
def test_the_trial_checks_a_clean_upload_but_cannot_import_it(store, demo_tables):
    at = open_page(PAGE)
    _upload_and_check(at, _lines(demo_tables, "8100"))
    assert any("没有发现问题" in s.value for s in at.success)
    assert not any(b.key in ("data_admin_import", "data_admin_rollback") for b in at.button)
    assert any("免登录体验只能检查文件" in i.value for i in at.info)
    assert len(store.snapshots()) == 1


@pytest.mark.slow
def test_an_admin_imports_a_clean_upload_as_a_new_snapshot(store, demo_tables, tmp_path, app_on):
    first = store.current_id()
    accounts = make_accounts(store, tmp_path / "signed", demo_tables["townships"]["township_code"].iloc[0])
    app_on(accounts.store)
    at = sign_in("admin01", accounts.passwords["admin01"])
    at.switch_page(PAGE).run()
    _upload_and_check(at, _lines(demo_tables, "8100"))
    at.button(key="data_admin_import").click().run()
    assert not at.exception and not any(b.key == "data_admin_import" for b in at.button)  # started: the check is spent
    assert [u.key for u in at.get("file_uploader")] == ["data_admin_files_1"]  # a new, empty uploader: the upload
    assert not at.get("file_uploader")[0].value  # is not copied by every rerun while the import and training run
    landed(at)
    assert not at.exception
    info = accounts.store.info()
    shown = [s.value for s in at.success]
    assert f"已导入:新的数据快照 {info.id} 现为当前数据。" in shown
    assert "返贫风险模型已按当前快照训练并保存。" in shown  # the job trained the new snapshot's model too
    assert info.id in at.dataframe[0].value["快照编号"].tolist()
    assert info.id != first and info.parent == first and info.kind == "import"
    assert info.created_by == "admin01" and "标准.csv" in info.source
    assert accounts.store.table("monitoring_lines").set_index("year")["threshold_yuan"][2025] == 8100.0


def test_an_admin_rolls_back_and_the_rollback_is_recorded(store, demo_tables, tmp_path, app_on):
    from analytics.ingest import pipeline as ingest

    first = store.current_id()
    path = tmp_path / "标准.csv"
    path.write_bytes(_lines(demo_tables, "8100"))
    ingest.commit(ingest.check([path], store), store, "李四")
    accounts = make_accounts(store, tmp_path / "signed", demo_tables["townships"]["township_code"].iloc[0])
    app_on(accounts.store)
    at = sign_in("admin01", accounts.passwords["admin01"])
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="data_admin_target").set_value(first).run()
    at.checkbox(key="data_admin_sure").check().run()
    at.button(key="data_admin_rollback").click().run()
    assert accounts.store.current_id() == first
    last = accounts.store.history().iloc[-1]
    assert (last["action"], last["user"], last["snapshot_id"]) == ("rollback", "admin01", first)
    assert any("已回滚" in s.value for s in at.success)



def _person_csv(demo_tables) -> bytes:
    """Two households of one demo village as a person-level export (one row per member)."""
    from tests import person_county

    system = person_county.in_system(demo_tables["households"])
    two = system[system["year"] == 2025].head(2).reset_index(drop=True)
    rows, _ = person_county.person_rows(two, demo_tables["villages"], demo_tables["townships"])
    return rows.to_csv(index=False).encode("gbk")


@pytest.mark.slow
def test_person_files_show_their_year_people_and_households_before_import(store, demo_tables):
    at = open_page(PAGE)
    data = _person_csv(demo_tables)
    at.file_uploader(key="data_admin_files_0").set_value(("家庭成员信息.csv", data, CSV)).run()
    checked(at)
    report = next(d.value for d in at.dataframe if "问题" in d.value.columns)
    assert report["问题"].str.contains("标题行和文件名中都没有年度").any()
    assert not any(b.key == "data_admin_import" for b in at.button)
    at.number_input(key="data_admin_year").set_value(2025).run()
    checked(at)
    assert not at.exception, [e.value for e in at.exception]
    files = next(d.value for d in at.dataframe if "人数" in d.value.columns)
    row = files.iloc[0]
    assert (row["文件"], row["年度"], row["年度依据"], row["户数"]) == ("家庭成员信息.csv", 2025, "指定的年度", 2)
    assert row["人数"] == data.decode("gbk").count("\n") - 1
    assert len(store.snapshots()) == 1


@pytest.mark.parametrize(("page", "table"), [("app_pages/overview.py", "村界"), ("app_pages/five_dimensions.py", "村级指标"),
                                             ("app_pages/allocation.py", "村级指标")])
def test_a_page_needing_a_table_not_imported_yet_says_which_and_how(store, page, table):
    for name in ("boundaries", "township_boundaries", "village_indicators"):
        store.path(name).unlink()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"本页需要“{table}”" in i.value and "数据管理" in i.value for i in at.info)
