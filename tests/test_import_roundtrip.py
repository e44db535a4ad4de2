"""The round trip: the demo county exported as import files (template workbook, GBK CSV,
GeoJSON) and imported into a fresh store gives identical tables, aggregates, derived
indicators and overview figures."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from analytics.data.funds import IndustryRule
from analytics.data.store import Store
from analytics.demo import county as demo
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates
from analytics.views import overview

SOURCE_TABLES = ("townships", "villages", "households", "projects", "monitoring_lines", "village_indicators")
DERIVED = ("village_year", "derived_indicators")
pytestmark = pytest.mark.slow  # the whole county exported and imported again, once for the module


def _import(files, folder) -> Store:
    store = Store(folder)
    checked = ingest.check(files, store, ingest.Options(county_name=demo.NAME))  # 990121 is in no division table
    assert checked.ok, checked.report.text()
    # The demo draws ID numbers at random, so a few households share one: a true warning.
    reasons = {p.reason for p in checked.report.problems}
    assert reasons <= {"同一年度中,同一个证件号码出现在不同户编号下,请核对"}, checked.report.text()
    ingest.commit(checked, store, user="测试")
    return store


@pytest.fixture(scope="module")
def imported(demo_tables, tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("roundtrip")
    files = templates.export(demo_tables, folder / "files", csv_tables=("households",), encoding="gbk")
    assert {f.name for f in files} == {"数据.xlsx", "农户.csv", templates.BOUNDARY_FILE}
    return _import(files, folder / "store")


@pytest.mark.parametrize("name", SOURCE_TABLES + DERIVED)
def test_tables_and_aggregates_are_identical(imported, demo_store, name):
    got, expected = imported.table(name), demo_store.table(name)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_exact=True)


def test_overview_figures_are_identical(imported, demo_store):
    for year in demo.YEARS:
        rule = IndustryRule.from_settings()
        got = overview.kpis(imported.table("village_year"), imported.table("projects"), year, rule)
        expected = overview.kpis(demo_store.table("village_year"), demo_store.table("projects"), year, rule)
        assert got == expected
    pd.testing.assert_frame_equal(
        overview.trend(imported.table("village_year"), imported.table("monitoring_lines")),
        overview.trend(demo_store.table("village_year"), demo_store.table("monitoring_lines")))


@pytest.mark.parametrize("name", ["boundaries", "township_boundaries"])
def test_boundaries_match_up_to_the_import_simplification(imported, demo_store, name):
    key = "village_code" if name == "boundaries" else "township_code"
    got = imported.table(name).set_index(key).sort_index()
    expected = demo_store.table(name).set_index(key).sort_index()
    assert list(got.index) == list(expected.index)
    moved = shapely.area(shapely.symmetric_difference(got.geometry.values, expected.geometry.values))
    assert (moved / shapely.area(expected.geometry.values)).max() < 1e-4


def test_history_records_who_imported_what(imported):
    info = imported.info()
    assert (info.kind, info.created_by) == ("import", "测试")
    assert "农户.csv" in info.source and info.row_counts["households"] > 0
    assert imported.history()["action"].tolist() == ["import"]


def test_everything_in_one_workbook_round_trips_too(tmp_path):
    store = _import(templates.export(demo.generate(150, seed=3), tmp_path / "files"), tmp_path / "store")
    reference = Store(tmp_path / "reference")
    demo.build(reference, 150, seed=3)
    for name in SOURCE_TABLES + DERIVED:
        expected = reference.table(name)
        pd.testing.assert_frame_equal(store.table(name)[expected.columns], expected, check_exact=True)
