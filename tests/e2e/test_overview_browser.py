"""The overview in a real browser: one polygon per village, Chinese text, no outside request."""

from __future__ import annotations

import time

import pytest

from tests.conftest import SMALL_HOUSEHOLDS


def _wait_for_polygons(v, expected: int, timeout_s: float = 20) -> int:
    deadline = time.time() + timeout_s
    while time.time() < deadline and v.map_polygons() < expected:
        time.sleep(0.25)
    return v.map_polygons()


@pytest.mark.parametrize("size", [(1920, 1080), (1024, 768)])
def test_overview_map_draws_every_village_and_stays_local(visit, demo_tables, size):
    v = visit("/", *size)
    villages = len(demo_tables["villages"])
    assert _wait_for_polygons(v, villages) == villages
    text = v.text()
    assert "总览" in text and "模拟数据" in text and f"{SMALL_HOUSEHOLDS:,}" in text
    assert v.page.locator('[data-testid="stException"]').count() == 0
    time.sleep(1)
    assert v.outside == []
