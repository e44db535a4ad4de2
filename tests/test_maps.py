"""The county map as HTML: village polygons under township borders named on the map, no tile
layer and nothing from outside the app, Leaflet's attribution without its flag; and township
outlines without the false inner borders that villages simplified one by one would leave."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from analytics.data.outlines import township_outlines
from ui import maps

TOWN_A, TOWN_B = "990101001", "990101002"
# Four villages in a 2x2 grid: the left column is 甲镇, the right column 乙乡.
VILLAGES = gpd.GeoDataFrame(
    {"village_code": [TOWN_A + "001", TOWN_A + "002", TOWN_B + "001", TOWN_B + "002"]},
    geometry=[box(107.0, 26.0, 107.1, 26.1), box(107.0, 26.1, 107.1, 26.2),
              box(107.1, 26.0, 107.2, 26.1), box(107.1, 26.1, 107.2, 26.2)], crs="EPSG:4326")
TOWN_NAMES = pd.Series({TOWN_A: "甲镇", TOWN_B: "乙乡"})
VILLAGE_NAMES = pd.Series(dict(zip(VILLAGES["village_code"], ["东村", "西村", "南村", "北村"])))


def _named(page: str, name: str) -> bool:
    """Whether the page holds this name, as text or escaped inside a layer's JSON."""
    return name in page or json.dumps(name)[1:-1] in page


def _html(shapes: gpd.GeoDataFrame = VILLAGES) -> str:
    values = pd.Series([1.0, 2.0, 3.0, 4.0], index=VILLAGES["village_code"])
    fmap = maps.build(shapes, values, VILLAGE_NAMES, TOWN_NAMES, title="监测户占比", unit="%", fmt=".1f")
    return fmap.get_root().render()


def test_township_borders_and_names_lie_over_the_villages():
    page = _html()
    layers = re.findall(r"L\.geoJson\(null, \{(.*?)\}\);", page, re.S)
    assert len(layers) == 2  # the villages, then the township borders over them
    assert '"interactive": false' not in layers[0]
    assert '"interactive": false' in layers[1]  # the borders take no clicks: hover and click reach the villages
    borders = page[page.rindex("geo_json"):]
    assert _named(borders, "甲镇") and _named(borders, "乙乡")
    labels = re.search(r"\[\[.*\]\]\.forEach", page).group(0)  # permanent labels (L.divIcon), one per township
    assert "甲镇" in labels and "乙乡" in labels
    assert page.count("L.divIcon") == 1 and "'town-label'" in page
    for village in ("东村", "西村", "南村", "北村"):
        assert _named(page, village)  # named in the hover tooltip
    assert f'"township_code": "{TOWN_A}"' in page  # each village carries its township: a click drills down


def test_a_single_township_gets_its_border_but_no_label():
    page = _html(VILLAGES.iloc[:2])
    assert "L.divIcon" not in page
    assert _named(page, "甲镇")  # still named in the border layer


def test_no_tiles_no_outside_url_and_attribution_without_the_flag():
    page = _html()
    assert "tileLayer" not in page
    assert re.findall(r"https?://", page) == []
    assert "setPrefix(\"Leaflet\")" in page
    assert "<svg" not in page and "leafletjs.com" not in page
    assert maps.LEAFLET_JS in page and maps.LEAFLET_CSS in page


def test_the_county_is_fitted_beside_the_legend_and_again_on_resize():
    page = _html()
    assert "fitBounds(bounds" in page and "paddingBottomRight" in page
    assert "addEventListener('resize', fit)" in page
    assert 'class="map-legend"' in page


def test_outlines_close_the_slivers_between_villages_simplified_one_by_one():
    shifted = VILLAGES.copy()  # neighbours that no longer meet exactly: 0.0004 degree gaps
    shifted["geometry"] = [shapely.affinity.scale(g, 0.996, 0.996) for g in VILLAGES.geometry]
    plain = township_outlines(shifted, 0.0)
    closed = township_outlines(shifted, 0.001)
    assert list(closed["township_code"]) == [TOWN_A, TOWN_B]
    assert (plain.geometry.geom_type == "MultiPolygon").all()  # a plain union keeps the gap as a border
    assert (closed.geometry.geom_type == "Polygon").all()
    assert closed.geometry.iloc[0].area == pytest.approx(0.02, rel=0.02)
    inside = gpd.points_from_xy(closed["label_lon"], closed["label_lat"])
    assert all(outline.contains(point) for outline, point in zip(closed.geometry, inside))
