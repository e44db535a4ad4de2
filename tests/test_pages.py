"""AppTest runs of every page: no exception, real figures, and filters that change them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, SMALL_HOUSEHOLDS
from ui.nav import PAGES

TIMEOUT = 120


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


@pytest.mark.parametrize("page", [p.path for p in PAGES])
def test_every_page_runs_without_exception(page):
    at = _app().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} has no title"


def test_every_page_says_it_shows_demo_data():
    at = _app().run()
    for spec in PAGES:
        at.switch_page(spec.path).run()
        assert any("模拟数据" in w.value for w in at.warning), spec.path


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_kpis_follow_the_township_filter(demo_tables):
    at = _app().run()
    assert _metric(at, "农户(户)") == f"{SMALL_HOUSEHOLDS:,}"
    town = demo_tables["townships"]["township_code"].iloc[3]
    at.selectbox(key="town").set_value(town).run()
    villages = demo_tables["villages"]
    in_town = villages.loc[villages["township_code"] == town, "village_code"]
    h = demo_tables["households"]
    expected = h[(h["year"] == h["year"].max()) & h["village_code"].isin(in_town)]
    assert _metric(at, "农户(户)") == f"{len(expected):,}"
    assert _metric(at, "脱贫户(户)") == f"{(expected['household_type'] == '脱贫户').sum():,}"
    assert len(expected) < SMALL_HOUSEHOLDS


def test_overview_map_uses_only_local_scripts():
    at = _app().run()
    srcdoc = at.get("iframe")[0].proto.srcdoc
    assert "/app/static/leaflet/leaflet.js" in srcdoc
    assert "http://" not in srcdoc and "https://" not in srcdoc
