"""Village boundaries from GeoJSON or a zipped Shapefile, made ready for offline maps.

A declared CRS is reprojected to WGS84 (EPSG:4326). A file that declares none is refused unless
the user states its coordinates are WGS84, or asks to convert them from GCJ-02 (the shifted
coordinates of Chinese web maps). Invalid geometries are repaired where possible and reported;
geometries are simplified once here, with shared borders kept shared, so maps stay light.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import shape

from analytics import settings
from analytics.ingest.reading import ROW, Sheet, decode, match, norm
from analytics.ingest.report import ERROR, WARNING, Report
from analytics.ingest.validation import as_text

GEO_SUFFIXES = (".geojson", ".json", ".zip")
CRS_CHOICES = ("declared", "wgs84", "gcj02")
CHINA = (72.004, 0.8293, 137.8347, 55.8271)  # lon/lat box outside which GCJ-02 adds no shift
MAINLAND = (73.4, 18.1, 135.1, 53.6)  # lon/lat box of China's land borders: a county's villages lie in it
MIN_AREA_M2 = 100.0  # no village is smaller; a polygon this small is a unit or axis mix-up
_M_PER_DEG = 111_320.0
_A, _EE = 6378245.0, 0.00669342162296594323  # the Krasovsky ellipsoid used by GCJ-02


# --- GCJ-02 ----------------------------------------------------------------------------------
def _shift(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (degrees) at WGS84 points; zero outside China."""
    x, y = lon - 105.0, lat - 35.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    d_lat = d_lat * 180.0 / ((_A * (1 - _EE)) / (magic * np.sqrt(magic)) * np.pi)
    d_lon = d_lon * 180.0 / (_A / np.sqrt(magic) * np.cos(rad) * np.pi)
    inside = (lon > CHINA[0]) & (lon < CHINA[2]) & (lat > CHINA[1]) & (lat < CHINA[3])
    return np.where(inside, d_lon, 0.0), np.where(inside, d_lat, 0.0)


def wgs84_to_gcj02(coords: np.ndarray) -> np.ndarray:
    d_lon, d_lat = _shift(coords[:, 0], coords[:, 1])
    return np.column_stack([coords[:, 0] + d_lon, coords[:, 1] + d_lat])


def gcj02_to_wgs84(coords: np.ndarray, iterations: int = 8) -> np.ndarray:
    """Invert the GCJ-02 shift by fixed-point iteration (error well below 1 cm)."""
    guess = coords.copy()
    for _ in range(iterations):
        guess = guess - (wgs84_to_gcj02(guess) - coords)
    return guess


# --- reading ---------------------------------------------------------------------------------
def _geojson(data: bytes, file: str, report: Report) -> tuple[gpd.GeoDataFrame, bool] | None:
    """Features one by one, so a broken one is named instead of failing the file."""
    try:
        text, _ = decode(data)
        doc = json.loads(text)
    except (ValueError, json.JSONDecodeError) as exc:
        report.add(ERROR, file, f"不是有效的 GeoJSON 文件:{exc}")
        return None
    features = doc.get("features") if isinstance(doc, dict) and doc.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        report.add(ERROR, file, "不是 GeoJSON 要素集合(FeatureCollection)")
        return None
    rows, geoms, broken = [], [], []
    for n, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        rows.append(props if isinstance(props, dict) else {})
        raw = feature.get("geometry") if isinstance(feature, dict) else None
        try:
            geoms.append(shape(raw) if raw else None)
        except Exception as exc:  # shapely raises several types for malformed coordinates
            report.add(ERROR, file, f"第 {n} 个图形要素的坐标格式错误:{exc}", row=n)
            geoms.append(None)
            broken.append(n - 1)
    frame = gpd.GeoDataFrame(pd.DataFrame(rows, index=range(len(rows))), geometry=geoms)
    frame[ROW] = np.arange(1, len(frame) + 1)
    frame = frame.drop(index=broken)
    declared = _geojson_crs(doc.get("crs"))
    if declared is not None:
        frame = frame.set_crs(declared, allow_override=True)
    return frame, declared is not None


def _geojson_crs(member: object) -> CRS | None:
    if not isinstance(member, dict):
        return None
    name = (member.get("properties") or {}).get("name")
    try:
        return CRS.from_user_input(name) if name else None
    except Exception:  # an unreadable crs member counts as none declared
        return None


def _shapefile(path: Path, file: str, report: Report) -> tuple[gpd.GeoDataFrame, bool] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except zipfile.BadZipFile:
        report.add(ERROR, file, "不是有效的 zip 压缩文件")
        return None
    shp = [m for m in members if m.lower().endswith(".shp")]
    if len(shp) != 1:
        report.add(ERROR, file, "压缩包中应当恰好有一个 .shp 文件" + (f",这里有 {len(shp)} 个" if shp else ",这里一个也没有"))
        return None
    stem = shp[0][:-4]
    lower = {m.lower() for m in members}
    for part in (".shx", ".dbf"):
        if (stem + part).lower() not in lower:
            report.add(ERROR, file, f"压缩包中缺少 {Path(stem).name}{part}(Shapefile 的组成文件)")
            return None
    has_prj = (stem + ".prj").lower() in lower
    has_cpg = (stem + ".cpg").lower() in lower
    try:
        frame = gpd.read_file(f"zip://{path}!{shp[0]}", **({} if has_cpg else {"encoding": "gbk"}))
    except Exception as exc:  # GDAL reports damaged parts in many ways
        report.add(ERROR, file, f"无法读取 Shapefile:{exc}")
        return None
    frame[ROW] = np.arange(1, len(frame) + 1)
    return frame, has_prj and frame.crs is not None


def read(path: Path, file: str, crs: str, report: Report) -> list[Sheet]:
    """A boundary file as one sheet of the `boundaries` table, in WGS84, repaired, simplified."""
    loaded = _shapefile(path, file, report) if path.suffix.lower() == ".zip" else _geojson(path.read_bytes(), file, report)
    if loaded is None:
        return []
    frame, declared = loaded
    frame = _to_wgs84(frame, declared, crs, file, report)
    if frame is None:
        return []
    code_column = _code_column(frame, file, report)
    if code_column is None:
        return []
    out = gpd.GeoDataFrame({"village_code": as_text(frame[code_column].astype(object)), ROW: frame[ROW]},
                           geometry=frame.geometry.values, crs="EPSG:4326")
    out = _check_codes(out, file, code_column, report)
    out = _repair(out, file, report)
    if out.empty:
        report.add(ERROR, file, "文件中没有可用的村界图形")
        return []
    if not _plausible(out, file, report):
        return []
    out = out.set_geometry(simplify(out.geometry.values, settings.number("import.simplify_tolerance_deg")))
    report.notes.append(f"{file}:识别为“村界”,{len(out):,} 个图形,已统一为 WGS84 经纬度")
    return [Sheet(file, "", "boundaries", 0, {"village_code": code_column}, out)]


def _to_wgs84(frame: gpd.GeoDataFrame, declared: bool, crs: str, file: str, report: Report) -> gpd.GeoDataFrame | None:
    if not declared:
        if crs == "declared":
            report.add(ERROR, file, "文件没有声明坐标系,无法确定坐标含义:如果坐标是 WGS84 经纬度(如 GPS、天地图),"
                                    "请注明“WGS84”;如果来自高德、腾讯等网络地图(GCJ-02 坐标),请选择 GCJ-02 换算")
            return None
        frame = frame.set_crs("EPSG:4326", allow_override=True)
    elif crs == "gcj02" and not frame.crs.is_geographic:
        report.add(ERROR, file, f"选择了 GCJ-02 换算,但文件声明的是投影坐标系({frame.crs.name}),两者矛盾")
        return None
    elif crs == "wgs84" and not _is_wgs84(frame.crs):
        report.add(WARNING, file, f"文件声明了坐标系 {frame.crs.name},已按文件声明换算,而不是按所注明的 WGS84")
    if not _is_wgs84(frame.crs):
        report.notes.append(f"{file}:坐标已从 {frame.crs.name} 换算为 WGS84")
        frame = frame.to_crs("EPSG:4326")
    frame = frame.set_crs("EPSG:4326", allow_override=True)  # CRS84 and EPSG:4326 differ in axis order only
    if crs == "gcj02":
        frame = frame.set_geometry(shapely.transform(frame.geometry.values, gcj02_to_wgs84))
        report.notes.append(f"{file}:坐标已从 GCJ-02 换算为 WGS84")
    valid = frame.geometry.values[~shapely.is_missing(frame.geometry.values)]
    if len(valid):
        minx, miny, maxx, maxy = shapely.total_bounds(valid)
        if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
            report.add(ERROR, file, f"坐标超出经纬度范围(x {minx:.0f}—{maxx:.0f},y {miny:.0f}—{maxy:.0f}):"
                                    "这多半是以米为单位的投影坐标;请在文件中声明坐标系(如 .prj)后重新导入")
            return None
    return frame


def _plausible(out: gpd.GeoDataFrame, file: str, report: Report) -> bool:
    """After reprojection, villages must lie in China and have a village's area: boundaries in
    degrees declared as EPSG:3857 land near 0°,0° with areas of square millimetres."""
    points = shapely.get_coordinates(shapely.point_on_surface(out.geometry.values))
    inside = ((points[:, 0] >= MAINLAND[0]) & (points[:, 0] <= MAINLAND[2])
              & (points[:, 1] >= MAINLAND[1]) & (points[:, 1] <= MAINLAND[3]))
    lon, lat = np.median(points, axis=0)
    if inside.mean() < 0.5:
        report.add(ERROR, file, f"{int((~inside).sum()):,} / {len(out):,} 个村界换算后不在中国境内"
                                f"(中心约在经度 {lon:.2f}、纬度 {lat:.2f}):坐标系多半声明错了"
                                "(例如把经纬度坐标声明成了 EPSG:3857 等以米为单位的坐标系),请核对后重新导入")
        return False
    if not inside.all():
        for n in out.loc[~inside, ROW]:
            report.add(WARNING, file, f"第 {n} 个图形要素不在中国境内,请核对", row=int(n))
    area = shapely.area(out.geometry.values) * _M_PER_DEG ** 2 * np.cos(np.radians(points[:, 1]))
    tiny = area < MIN_AREA_M2
    if tiny.mean() >= 0.5:
        report.add(ERROR, file, f"{int(tiny.sum()):,} / {len(out):,} 个村界的面积几乎为零(中位数约 {np.median(area):.3g} 平方米):"
                                "坐标单位或坐标系多半有误,请核对后重新导入")
        return False
    for n, m2 in zip(out.loc[tiny, ROW], area[tiny]):
        report.add(ERROR, file, f"第 {n} 个图形要素的面积几乎为零(约 {m2:.3g} 平方米),不是一个村的范围", row=int(n))
    return not tiny.any()



def _is_wgs84(crs: CRS) -> bool:
    return crs.equals(CRS.from_epsg(4326), ignore_axis_order=True)


def _code_column(frame: gpd.GeoDataFrame, file: str, report: Report) -> str | None:
    columns = [c for c in frame.columns if c not in (frame.geometry.name, ROW)]
    named = [c for c in columns if match("villages", c) == "village_code" or norm(c) == "village_co"]
    if named:
        return named[0]
    for column in columns:
        text = as_text(frame[column].astype(object))
        if len(text) and text.str.fullmatch(r"[0-9]{12}").fillna(False).astype(bool).mean() >= 0.8:
            report.add(WARNING, file, f"没有 village_code(村代码)属性,按内容使用属性“{column}”作为村代码", column=str(column))
            return column
    report.add(ERROR, file, f"找不到村代码:每个图形要有 village_code 或“村代码”属性(现有属性:{'、'.join(map(str, columns)) or '无'})")
    return None


def _check_codes(out: gpd.GeoDataFrame, file: str, column: str, report: Report) -> gpd.GeoDataFrame:
    codes = out["village_code"]
    bad = codes.isna() | ~codes.str.fullmatch(r"[0-9]{12}").fillna(False).astype(bool)
    for n, value in zip(out.loc[bad, ROW], codes[bad]):
        report.add(ERROR, file, f"第 {n} 个图形要素的村代码应为 12 位数字", row=int(n), column=column,
                   value="" if pd.isna(value) else str(value))
    return out


def _repair(out: gpd.GeoDataFrame, file: str, report: Report) -> gpd.GeoDataFrame:
    geoms = out.geometry.values
    keep = np.ones(len(out), dtype=bool)
    for i in np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms)):
        report.add(ERROR, file, f"第 {out[ROW].iloc[i]} 个图形要素没有几何图形", row=int(out[ROW].iloc[i]))
        keep[i] = False
    fixed = np.array(geoms, dtype=object)
    for i in np.flatnonzero(keep & ~shapely.is_valid(geoms)):
        reason = shapely.is_valid_reason(geoms[i])
        repaired = _polygons(shapely.make_valid(geoms[i]))
        n = int(out[ROW].iloc[i])
        if repaired is None:
            report.add(ERROR, file, f"第 {n} 个图形要素无效且无法修复({reason})", row=n, value=reason)
            keep[i] = False
        else:
            report.add(WARNING, file, f"第 {n} 个图形要素无效({reason}),已自动修复", row=n, value=reason)
            fixed[i] = repaired
    for i in np.flatnonzero(keep):
        if shapely.get_type_id(fixed[i]) not in (3, 6):  # Polygon, MultiPolygon
            n = int(out[ROW].iloc[i])
            report.add(ERROR, file, f"第 {n} 个图形要素不是面(是 {fixed[i].geom_type}),村界须为多边形", row=n)
            keep[i] = False
    return out.set_geometry(list(fixed), crs="EPSG:4326")[keep].reset_index(drop=True)


def _polygons(geom: shapely.Geometry) -> shapely.Geometry | None:
    parts = [g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in (3, 6) and not g.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if not merged.is_empty else None


def simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify once; as a coverage when the polygons tile without overlap, so neighbours
    keep one shared border instead of slivers and gaps."""
    if tolerance <= 0 or len(geoms) == 0:
        return geoms
    if bool(shapely.coverage_is_valid(geoms)):
        return shapely.coverage_simplify(geoms, tolerance)
    return shapely.simplify(geoms, tolerance, preserve_topology=True)
