"""The overview in a real browser: one polygon per village, Chinese text, no outside request."""

from __future__ import annotations

import pytest

from tests.conftest import SMALL_HOUSEHOLDS


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768)])
def test_overview_map_draws_every_village_and_stays_local(visit, demo_tables, size):
    v = visit("/", *size)
    villages = len(demo_tables["villages"])
    assert v.wait_for_polygons(villages) == villages
    text = v.text()
    assert "总览" in text and "模拟数据" in text and f"{SMALL_HOUSEHOLDS:,}" in text
    assert v.page.locator('[data-testid="stException"]').count() == 0
    assert v.outside == []
