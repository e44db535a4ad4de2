"""AppTest runs of every page: no exception, real figures, and filters that change them."""

from __future__ import annotations

import json

import pytest

from devtools.apptest import app
from tests.apptest_support import county_map, metric, open_page
from tests.conftest import SMALL_HOUSEHOLDS
from ui.nav import PAGES


@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_every_page_runs_without_exception(page):
    at = open_page(page)  # asserts that no run raised
    assert at.title, f"{page} has no title"


@pytest.mark.slow
def test_every_page_says_it_shows_demo_data():
    at = app().run()
    for spec in PAGES:
        at.switch_page(spec.path).run()
        assert any("模拟数据" in w.value for w in at.warning), spec.path


def test_overview_kpis_follow_the_township_filter(demo_tables):
    at = app().run()
    assert metric(at, "农户(户)") == f"{SMALL_HOUSEHOLDS:,}"
    town = demo_tables["townships"]["township_code"].iloc[3]
    at.selectbox(key="town").set_value(town).run()
    villages = demo_tables["villages"]
    in_town = villages.loc[villages["township_code"] == town, "village_code"]
    h = demo_tables["households"]
    expected = h[(h["year"] == h["year"].max()) & h["village_code"].isin(in_town)]
    assert metric(at, "农户(户)") == f"{len(expected):,}"
    assert metric(at, "脱贫户(户)") == f"{(expected['household_type'] == '脱贫户').sum():,}"
    assert len(expected) < SMALL_HOUSEHOLDS


def test_overview_map_uses_only_local_scripts():
    at = app().run()
    srcdoc = json.dumps(county_map(at))
    assert "/app/static/leaflet/leaflet.js" in srcdoc
    assert "http://" not in srcdoc and "https://" not in srcdoc
