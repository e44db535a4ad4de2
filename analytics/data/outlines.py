"""Township outlines for maps, made from the village polygons a map draws, so that the borders
drawn over the villages follow the villages' own (simplified) edges."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from analytics.data.contract import township_of

PRECISION_DEG = 1e-5  # about a metre: what a map needs, and a small payload


def township_outlines(villages: gpd.GeoDataFrame, gap_deg: float) -> gpd.GeoDataFrame:
    """One outline per township (`township_code`, `geometry`, `label_lat`, `label_lon`): the union of its
    villages' polygons, grouped by the one rule for a village's township (`township_of`).

    Villages simplified one by one no longer share their edges exactly, and a plain union would
    keep the slivers between them as false inner borders; growing every polygon by `gap_deg`
    (the simplification tolerance) and shrinking the union back by as much closes them.
    The label point lies inside the outline: the township's name goes there."""
    codes = township_of(villages["village_code"]).to_numpy()
    grown = shapely.buffer(villages.geometry.to_numpy(), gap_deg, join_style="mitre") if gap_deg > 0 \
        else villages.geometry.to_numpy()
    towns = sorted(set(codes))
    unions = [shapely.union_all(grown[codes == town]) for town in towns]
    outlines = shapely.buffer(np.array(unions), -gap_deg, join_style="mitre") if gap_deg > 0 else np.array(unions)
    outlines = shapely.set_precision(outlines, PRECISION_DEG)
    inside = shapely.point_on_surface(outlines)
    return gpd.GeoDataFrame({"township_code": towns, "geometry": outlines, "label_lat": shapely.get_y(inside),
                             "label_lon": shapely.get_x(inside)}, crs=villages.crs)
