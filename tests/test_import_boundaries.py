"""Village boundaries: declared CRSs reprojected, files without a CRS refused unless the user
says WGS84, GCJ-02 converted on request, broken geometries repaired or named, shared borders
kept shared by the one simplification at import."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

from analytics.ingest import pipeline as ingest
from analytics.ingest.boundaries import gcj02_to_wgs84, wgs84_to_gcj02
from tests.import_helpers import check, one

WGS84 = ingest.Options(crs="wgs84")


def _geojson(frame: gpd.GeoDataFrame, crs: str | None = None) -> bytes:
    doc = json.loads(frame.to_json())
    doc.pop("crs", None)
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


def _shapefile(frame: gpd.GeoDataFrame, tmp_path, with_prj: bool = True) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    frame.to_file(folder / "cun.shp", driver="ESRI Shapefile")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in folder.iterdir():
            if with_prj or part.suffix != ".prj":
                archive.write(part, f"村界/{part.name}")
    return buffer.getvalue()


@pytest.fixture
def boundaries(demo_tables) -> gpd.GeoDataFrame:
    return demo_tables["boundaries"].copy()


def _same_places(got: gpd.GeoDataFrame, expected: gpd.GeoDataFrame, tolerance: float = 1e-6) -> None:
    got = got.set_index("village_code").loc[expected["village_code"]]
    a = shapely.get_coordinates(shapely.centroid(got.geometry.values))
    b = shapely.get_coordinates(shapely.centroid(expected.geometry.values))
    assert np.abs(a - b).max() < tolerance


def test_geojson_without_crs_is_refused_unless_stated_wgs84(tmp_path, boundaries, demo_store):
    data = _geojson(boundaries)
    refused = check(tmp_path, {"村界.geojson": data}, demo_store)
    assert "没有声明坐标系" in one(refused, "没有声明坐标系")["reason"] and refused.tables == {}
    accepted = check(tmp_path, {"村界.geojson": data}, demo_store, options=WGS84)
    assert accepted.ok, accepted.report.text()
    _same_places(accepted.tables["boundaries"], boundaries)
    assert accepted.tables["boundaries"].crs.to_epsg() == 4326


def test_a_declared_projected_crs_is_reprojected(tmp_path, boundaries, demo_store):
    checked = check(tmp_path, {"村界.geojson": _geojson(boundaries.to_crs(3857), "EPSG:3857")}, demo_store)
    assert checked.ok, checked.report.text()
    _same_places(checked.tables["boundaries"], boundaries)
    assert any("换算为 WGS84" in note for note in checked.report.notes)


def test_zipped_shapefile_with_prj_is_reprojected_and_without_prj_refused(tmp_path, boundaries, demo_store):
    utm = boundaries.to_crs(32648)  # WGS 84 / UTM zone 48N: metres
    checked = check(tmp_path, {"村界.zip": _shapefile(utm, tmp_path)}, demo_store)
    assert checked.ok, checked.report.text()
    _same_places(checked.tables["boundaries"], boundaries)
    refused = check(tmp_path, {"村界无prj.zip": _shapefile(utm, tmp_path, with_prj=False)}, demo_store)
    one(refused, "没有声明坐标系")
    stated = check(tmp_path, {"村界无prj.zip": _shapefile(utm, tmp_path, with_prj=False)}, demo_store, options=WGS84)
    one(stated, "超出经纬度范围")  # metres read as degrees: caught, not drawn in the ocean


def test_gcj02_conversion_inverts_the_web_map_shift():
    points = np.array([[107.35, 26.05], [116.397, 39.909], [87.6, 43.8]])
    shifted = wgs84_to_gcj02(points)
    metres = np.hypot((shifted - points)[:, 0] * 111_000 * np.cos(np.radians(points[:, 1])),
                      (shifted - points)[:, 1] * 111_000)
    assert ((metres > 100) & (metres < 1000)).all()  # the known offset: hundreds of metres
    assert np.abs(gcj02_to_wgs84(shifted) - points).max() < 1e-7
    outside = np.array([[2.35, 48.85]])
    assert np.array_equal(wgs84_to_gcj02(outside), outside)


def test_gcj02_option_converts_boundaries_to_wgs84(tmp_path, boundaries, demo_store):
    web = boundaries.set_geometry(shapely.transform(boundaries.geometry.values, wgs84_to_gcj02))
    checked = check(tmp_path, {"高德村界.geojson": _geojson(web)}, demo_store, options=ingest.Options(crs="gcj02"))
    assert checked.ok, checked.report.text()
    _same_places(checked.tables["boundaries"], boundaries, tolerance=1e-5)
    unconverted = check(tmp_path, {"高德村界.geojson": _geojson(web)}, demo_store, options=WGS84)
    with pytest.raises(AssertionError):
        _same_places(unconverted.tables["boundaries"], boundaries, tolerance=1e-5)


def test_broken_geometries_are_repaired_or_named(tmp_path, boundaries, demo_store):
    doc = json.loads(_geojson(boundaries.head(6)))
    bowtie = Polygon([(107.30, 26.00), (107.31, 26.01), (107.31, 26.00), (107.30, 26.01)])
    doc["features"][1]["geometry"] = json.loads(shapely.to_geojson(bowtie))
    doc["features"][2]["geometry"] = json.loads(shapely.to_geojson(Point(107.3, 26.0)))
    doc["features"][3]["geometry"] = None
    doc["features"][4]["geometry"] = {"type": "Polygon", "coordinates": [[["a", "b"]]]}
    checked = check(tmp_path, {"村界.geojson": json.dumps(doc).encode()}, demo_store, options=WGS84)
    repaired = one(checked, "已自动修复", level="警告")
    assert repaired["row"] == 2 and "Self-intersection" in repaired["value"]
    assert one(checked, "不是面")["row"] == 3
    assert one(checked, "没有几何图形")["row"] == 4
    assert one(checked, "坐标格式错误")["row"] == 5
    assert not checked.ok


def test_simplification_keeps_shared_borders(tmp_path, boundaries, demo_store):
    checked = check(tmp_path, {"村界.geojson": _geojson(boundaries)}, demo_store, options=WGS84)
    got = checked.tables["boundaries"].geometry.values
    assert bool(shapely.coverage_is_valid(got))
    assert shapely.get_num_coordinates(got).sum() <= shapely.get_num_coordinates(boundaries.geometry.values).sum()


def test_the_village_code_attribute_is_found_or_its_absence_named(tmp_path, boundaries, demo_store):
    renamed = boundaries.rename(columns={"village_code": "XZQDM"})
    checked = check(tmp_path, {"村界.geojson": _geojson(renamed)}, demo_store, options=WGS84)
    assert checked.ok and one(checked, "作为村代码", level="警告")["column"] == "XZQDM"
    missing = boundaries.assign(village_code="无").rename(columns={"village_code": "名称"})
    one(check(tmp_path, {"村界.geojson": _geojson(missing)}, demo_store, options=WGS84), "找不到村代码")


def test_a_boundary_without_a_village_is_a_warning(tmp_path, boundaries, demo_store):
    stray = boundaries.head(1).assign(village_code="990121100999")
    both = gpd.GeoDataFrame(gpd.pd.concat([boundaries, stray], ignore_index=True), crs=4326)
    checked = check(tmp_path, {"村界.geojson": _geojson(both)}, demo_store, options=WGS84)
    assert checked.ok
    problem = one(checked, "行政村表中没有这个村代码", level="警告")
    assert (problem["row"], problem["value"]) == (len(both), "990121100999")
