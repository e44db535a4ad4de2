"""A real county, not the demo's: its name comes from the division codes (or the administrator),
travels with its snapshot, and no page or export of an imported county names the demo county;
the county's own settings are validated, audited and confirmed."""

from __future__ import annotations

import io
import json
import shutil

import pandas as pd
import pytest

from analytics import settings
from analytics.__main__ import main
from analytics.data import audit, county, county_settings
from analytics.data.store import Store
from analytics.demo import county as demo
from analytics.ingest import templates
from tests.auth_helpers import capture_downloads, haystack, make_accounts, sign_in
from tests.jobs_support import checked, landed
from ui.nav import PAGES

WEINING = "520526"  # 贵州省毕节市威宁彝族回族苗族自治县


@pytest.fixture(autouse=True)
def _shipped_settings():
    """A store's own settings are put over the defaults process-wide: leave none behind."""
    yield
    settings.use({})


def _recoded(tables: dict, code: str) -> dict:
    """The demo county under another county code: every code column re-prefixed (ID numbers keep
    their own check digits)."""
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for column in [c for c in frame.columns if c.endswith("_code") or c == "household_id"]:
            frame[column] = frame[column].astype(str).str.replace(f"^{demo.COUNTY_CODE}", code, regex=True)
        out[name] = frame
    return out


def _county_json(store: Store, capsys) -> dict:
    capsys.readouterr()
    assert main(["county", "--store", str(store.root), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def weining_files(demo_tables, tmp_path_factory):
    folder = tmp_path_factory.mktemp("weining")
    return templates.export(_recoded(demo_tables, WEINING), folder, csv_tables=("households",))


@pytest.fixture(scope="module")
def weining(weining_files, tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("weining_store") / "store")
    assert main(["import", *map(str, weining_files), "--store", str(store.root), "--user", "测试"]) == 0
    return store


@pytest.mark.slow
def test_a_known_code_is_named_from_the_division_table(weining, capsys):
    found = _county_json(weining, capsys)
    assert (found["code"], found["name"], found["province"]) == (WEINING, "威宁彝族回族苗族自治县", "贵州省")
    assert found["source"] == county.FROM_DIVISIONS
    assert set(found["settings"]) == {s.key for s in settings.DECLARED}
    assert found["settings"]["risk.provincial_rural_income"]["origin"] == county_settings.DEMO_VALUE
    assert found["unconfirmed"] == [s.key for s in settings.DECLARED if s.county]


@pytest.mark.slow
def test_an_unknown_code_needs_a_county_name(demo_tables, tmp_path, capsys):
    files = templates.export(demo_tables, tmp_path / "files", csv_tables=("households",))
    store = tmp_path / "store"
    capsys.readouterr()
    assert main(["import", *map(str, files), "--store", str(store)]) == 1
    assert "县代码 990121 不在国家行政区划代码表中" in capsys.readouterr().out
    assert not (store / "snapshots").exists() or not any((store / "snapshots").iterdir())
    assert main(["import", *map(str, files), "--store", str(store), "--county-name", "新设县"]) == 0
    found = county.read(Store(store))
    assert (found.code, found.name, found.source) == ("990121", "新设县", county.GIVEN)


@pytest.mark.slow
def test_a_rollback_restores_the_county_of_that_data(demo_store, weining_files, tmp_path):
    store = Store(tmp_path / "store")
    demo.build(store, households=300, seed=3)
    first = store.current_id()
    assert county.read(store).name == demo.NAME
    assert main(["import", *map(str, weining_files), "--store", str(store.root)]) == 0
    assert county.read(store).name == "威宁彝族回族苗族自治县"
    store.rollback(first, user="测试")
    assert county.read(store).name == demo.NAME


def test_codes_of_two_counties_are_refused_listing_both_and_their_rows(demo_tables):
    villages = demo_tables["villages"].head(3).copy()
    villages.loc[2, "village_code"] = "520526" + villages.loc[2, "village_code"][6:]
    with pytest.raises(county.CountyError) as refused:
        county.identify({"villages": villages})
    assert "990121(行政村表第 2 行、行政村表第 3 行)" in str(refused.value)
    assert "520526(行政村表第 4 行)" in str(refused.value)


def test_a_given_name_that_contradicts_the_division_table_is_a_warning_unless_confirmed(demo_tables):
    places = {"townships": _recoded(demo_tables, WEINING)["townships"]}
    found, warnings = county.identify(places, given_name="威宁县")
    assert found.name == "威宁彝族回族苗族自治县" and "威宁县" in warnings[0] and "威宁彝族回族苗族自治县" in warnings[0]
    kept, _ = county.identify(places, given_name="威宁县", keep_given=True)
    assert (kept.name, kept.source) == ("威宁县", county.GIVEN)


def test_setting_edits_are_validated_and_audited(tmp_path):
    store = Store(tmp_path / "store")
    demo.build(store, households=300, seed=3)
    with pytest.raises(settings.SettingsError, match="取值范围"):
        county_settings.set_value(store, "funds.industry_min_share", 1.5, by="管理员甲")
    with pytest.raises(settings.SettingsError, match="没有名为"):
        county_settings.set_value(store, "funds.no_such_rule", 1, by="管理员甲")
    with pytest.raises(settings.SettingsError, match="按年份的数值"):
        county_settings.parse("risk.provincial_rural_income", "17100")
    county_settings.set_value(store, "funds.industry_min_share", 0.6, by="管理员甲")
    county_settings.apply(store)
    assert settings.number("funds.industry_min_share") == 0.6
    log = audit.read(store, actions=["settings_change"])
    assert len(log) == 1 and log.iloc[0]["user"] == "管理员甲"
    assert "funds.industry_min_share:原值 0.55 → 新值 0.6" in log.iloc[0]["detail"]
    row = next(r for r in county_settings.in_force(store) if r.key == "funds.industry_min_share")
    assert row.origin == county_settings.CONFIRMED and row.by == "管理员甲"
    assert audit.verify(store).ok


@pytest.mark.slow
def test_county_settings_wait_for_confirmation_only_after_a_real_import(weining, tmp_path):
    demo_only = Store(tmp_path / "demo")
    demo.build(demo_only, households=300, seed=3)
    assert county_settings.unconfirmed(demo_only) == []
    store = Store(tmp_path / "real")
    shutil.copytree(weining.root, store.root)
    pending = county_settings.unconfirmed(store)
    assert "risk.provincial_rural_income" in pending
    for key in pending:  # confirming keeps the value in force
        value = settings.get(key)
        county_settings.set_value(store, key, value, by="管理员甲")
    assert county_settings.unconfirmed(store) == []
    assert audit.read(store, actions=["settings_change"])["detail"].str.startswith("确认设置").all()


@pytest.mark.slow
def test_no_page_or_export_of_an_imported_county_names_the_demo_county(weining, tmp_path_factory, monkeypatch):
    accounts = make_accounts(weining, tmp_path_factory.mktemp("weining_accounts") / "store",
                             weining.table("townships")["township_code"].iloc[0])
    monkeypatch.setenv("DASHBOARD_STORE", str(accounts.store.root))
    files = capture_downloads(monkeypatch)
    at = sign_in("admin01", accounts.passwords["admin01"])
    assert not at.exception
    seen, marked = [], []
    for spec in PAGES:
        at.switch_page(spec.path).run()
        assert not at.exception, (spec.path, [e.value for e in at.exception])
        text = haystack(at)
        assert demo.NAME not in text and "示范省" not in text, spec.path
        seen.append("威宁彝族回族苗族自治县" in text)
        marked.append("参数未确认" in text)
    assert sum(seen) >= len(PAGES) // 2  # the scope line names the real county
    assert marked[[s.path for s in PAGES].index("app_pages/slides.py")], "the deck must say 参数未确认"
    assert files, "no page offered a download"
    assert not [name for name, _ in files if demo.NAME in name]
    workbooks = [(name, data) for name, data in files  # table exports: title, then the scope line in row 2
                 if name.endswith(".xlsx") and not name.startswith(("数据导入模板", "督办单", "任务进展"))]
    assert workbooks
    for name, data in workbooks:
        sheet = pd.read_excel(io.BytesIO(data), header=None, nrows=2)
        assert "参数未确认" in str(sheet.iloc[1, 0]), name
    for name, data in files:
        if name.endswith(".html"):
            assert demo.NAME not in data.decode("utf-8") and "威宁彝族回族苗族自治县" in data.decode("utf-8"), name


@pytest.mark.slow
def test_an_empty_store_lets_an_administrator_make_the_first_import_on_the_page(
        weining_files, demo_tables, tmp_path, app_on, fast_bcrypt):
    """No data yet: an administrator lands on 数据管理, and a county the division table does not
    know is imported once its name is typed there."""
    from analytics.access import users
    from devtools.apptest import sign_in

    store = app_on(Store(tmp_path / "store"))
    users.add(store, "admin01", users.ADMIN, "管理员的长密码123", (), by="测试")
    files = templates.export(demo_tables, tmp_path / "files", csv_tables=("households",))
    at = sign_in("admin01", "管理员的长密码123")
    assert not at.exception and at.title[0].value == "数据管理"
    assert any("还没有数据" in i.value for i in at.info)
    uploads = [(f.name, f.read_bytes(), "application/octet-stream") for f in files]
    at.file_uploader(key="data_admin_files_0").set_value(uploads).run()
    checked(at)
    assert any("县代码 990121 不在国家行政区划代码表中" in e for e in haystack(at).splitlines())
    assert not any(b.key == "data_admin_import" for b in at.button)
    at.text_input(key="data_admin_county").input("新设县").run()
    checked(at)
    landed(at.button(key="data_admin_import").click().run())
    assert not at.exception, [e.value for e in at.exception]
    assert county.read(store).name == "新设县"
