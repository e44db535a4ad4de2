"""五大振兴 in a real browser: every village drawn, a click on the map opens that village's
profile, and nothing is requested from outside the machine."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import settle


def _map_frame(page, timeout_s: float = 30):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        for frame in page.frames:
            if frame.locator("path.leaflet-interactive").count():
                return frame
        time.sleep(0.25)
    raise AssertionError("no map polygons were drawn")


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768)])
def test_clicking_a_village_opens_its_profile(visit, app_url, demo_tables, size):
    v = visit("/", *size)  # the entry page first, as a user arriving at the app
    v.page.goto(app_url + "/five_dimensions")
    settle(v.page)
    frame = _map_frame(v.page)
    polygons = frame.locator("path.leaflet-interactive")
    assert polygons.count() == len(demo_tables["villages"])
    polygons.nth(17).click(force=True)  # the first click counts, even with the map half in view
    deadline = time.time() + 60
    while time.time() < deadline and "村庄画像:" not in v.text():
        time.sleep(0.25)
    settle(v.page)
    text = v.text()
    assert "村庄画像:" in text
    name = text.split("村庄画像:", 1)[1].split("(", 1)[0]
    assert name in set(demo_tables["villages"]["village_name"])
    assert v.page.locator('[data-testid="stException"]').count() == 0
    time.sleep(1)
    assert v.outside == []
