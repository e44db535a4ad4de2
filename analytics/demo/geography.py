"""Plausible fictional county geometry: an irregular outline cut into village Voronoi cells,
with townships as unions of neighbouring villages. Not a grid, so maps look like a county."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon
from sklearn.cluster import KMeans

CENTER = (107.35, 26.05)  # lon, lat: a fictional place in a hilly south-western landscape
RADIUS = (0.34, 0.26)  # degrees: about 68 km x 58 km, the size of a typical county


def outline(rng: np.random.Generator, n: int = 96) -> Polygon:
    """An irregular closed outline: a circle bent by a few random harmonics."""
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    radius = np.ones(n)
    for k in range(2, 7):
        radius += rng.normal(0, 0.12 / k) * np.cos(k * angles + rng.uniform(0, 2 * np.pi))
    radius += rng.normal(0, 0.012, n)
    xs = CENTER[0] + RADIUS[0] * radius * np.cos(angles)
    ys = CENTER[1] + RADIUS[1] * radius * np.sin(angles)
    return Polygon(zip(xs, ys)).buffer(0)


def _sample_inside(shape: Polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = shape.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        xs = rng.uniform(minx, maxx, count)
        ys = rng.uniform(miny, maxy, count)
        inside = shapely.contains_xy(shape, xs, ys)
        points.extend(zip(xs[inside], ys[inside]))
    return np.array(points[:count])


def _cells(shape: Polygon, seeds: np.ndarray) -> list[Polygon]:
    """Voronoi cells of the seeds clipped to the shape, in the order of the seeds."""
    regions = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=shape, ordered=True)
    return [shapely.intersection(cell, shape) for cell in regions.geoms]


def villages(shape: Polygon, count: int, rng: np.random.Generator,
             relax: int = 2) -> gpd.GeoDataFrame:
    """Village cells; two Lloyd relaxations keep cells of similar size without looking regular."""
    seeds = _sample_inside(shape, count, rng)
    for _ in range(relax):
        seeds = np.array([[c.centroid.x, c.centroid.y] for c in _cells(shape, seeds)])
    cells = _cells(shape, seeds)
    return gpd.GeoDataFrame({"x": seeds[:, 0], "y": seeds[:, 1]}, geometry=cells, crs="EPSG:4326")


def township_labels(cells: gpd.GeoDataFrame, count: int, seed: int) -> np.ndarray:
    """Group neighbouring villages into townships (k-means on the cell centres)."""
    xy = np.column_stack([cells["x"], cells["y"]])
    return KMeans(n_clusters=count, n_init=4, random_state=seed).fit_predict(xy)


def distance_to(points: gpd.GeoDataFrame, target: Point) -> np.ndarray:
    return np.hypot(points["x"] - target.x, points["y"] - target.y).to_numpy()
