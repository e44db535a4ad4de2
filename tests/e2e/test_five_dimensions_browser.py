"""五大振兴 in a real browser: every village drawn, a click on the map opens that village's
profile, and nothing is requested from outside the machine."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import goto, rerun, settle


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768)])
def test_clicking_a_village_opens_its_profile(visit, app_url, demo_tables, size):
    v = visit("/", *size)  # the entry page first, as a user arriving at the app
    goto(v.page, app_url + "/five_dimensions")
    frame = v.map_frame()
    polygons = frame.locator("path.leaflet-interactive")
    assert polygons.count() == len(demo_tables["villages"])
    # the first click counts, even with the map half in view; the map sends it back as a rerun
    rerun(v.page, lambda: polygons.nth(17).click(force=True))
    v.page.locator('[data-testid="stMain"]').get_by_text("村庄画像:").first.wait_for(timeout=60_000)
    settle(v.page)
    text = v.text()
    assert "村庄画像:" in text
    name = text.split("村庄画像:", 1)[1].split("(", 1)[0]
    assert name in set(demo_tables["villages"]["village_name"])
    assert v.page.locator('[data-testid="stException"]').count() == 0
    assert v.outside == []
