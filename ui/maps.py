"""Offline choropleth maps. Leaflet is served from this app (/app/static/leaflet), every other
library folium would pull from a CDN is dropped, the legend is plain HTML, and tiles load only
when an intranet tile URL is configured: the browser makes no request outside this server."""

from __future__ import annotations

import html
from collections.abc import Callable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from analytics import settings
from analytics.reports.palette import BLACK, CHOROPLETH, EDGE, INK, INK_SOFT, MISSING
from ui.text import common

LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
PALETTE = CHOROPLETH


def _bins(values: pd.Series, classes: int = len(PALETTE)) -> np.ndarray:
    finite = values.dropna()
    if finite.empty:
        return np.array([0.0, 1.0])
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, classes + 1)))
    return edges if len(edges) > 1 else np.array([edges[0], edges[0] + 1])


def count_bins(values: pd.Series, classes: int = len(PALETTE)) -> np.ndarray:
    """Class edges for counts where most areas have none: 0 is a class of its own, the areas
    with some are split by quantiles (quantiles over all areas would put them in one class)."""
    some = values[values > 0].dropna()
    if some.empty:
        return np.array([0.0, 1.0])
    upper = np.quantile(some, np.linspace(0, 1, classes))
    edges = np.unique(np.concatenate([[0.0, 1.0], np.maximum(upper, 1.0)]))
    return edges if len(edges) > 2 else np.array([0.0, 1.0, 2.0])


def _colour(value: float, edges: np.ndarray, palette: tuple[str, ...]) -> str:
    if value is None or not np.isfinite(value):
        return MISSING
    classes = len(edges) - 1
    i = int(np.clip(np.searchsorted(edges, value, side="right") - 1, 0, classes - 1))
    return palette[round(i * (len(palette) - 1) / max(classes - 1, 1))]


def _legend(title: str, unit: str, edges: np.ndarray, fmt: str, palette: tuple[str, ...]) -> str:
    rows = []
    for i in range(len(edges) - 1):
        colour = _colour((edges[i] + edges[i + 1]) / 2, edges, palette)
        rows.append(f'<div><span style="background:{colour}"></span>{edges[i]:{fmt}} – {edges[i + 1]:{fmt}}</div>')
    rows.append(f'<div><span style="background:{MISSING}"></span>{html.escape(common()["legend_missing"])}</div>')
    style = ("position:absolute;bottom:24px;right:10px;z-index:1000;background:rgba(255,255,255,.92);"
             "padding:8px 10px;border-radius:6px;font:14px 'Noto Sans CJK SC',sans-serif;line-height:1.5")
    swatch = ("<style>.legend span{display:inline-block;width:16px;height:12px;margin-right:6px;"
              f"border:1px solid {EDGE}}}</style>")
    return (f'{swatch}<div class="legend" style="{style}"><b>{html.escape(title)}'
            f'({html.escape(unit)})</b>{"".join(rows)}</div>')


def choropleth(shapes: gpd.GeoDataFrame, values: pd.Series, names: pd.Series, *, title: str,
               unit: str, fmt: str = ",.0f", highlight: str | None = None,
               reverse: bool = False, edges: np.ndarray | None = None) -> folium.Map:
    """Shapes coloured by `values` (indexed like the shapes' first column), with a tooltip
    naming each area and its value, and a Chinese legend; `edges` replaces the quantile classes."""
    key = shapes.columns[0]
    frame = shapes[[key, "geometry"]].copy()
    frame["value"] = frame[key].map(values)
    frame["name"] = frame[key].map(names).fillna(frame[key])
    frame["label"] = [f"{v:{fmt}} {unit}" if pd.notna(v) else common()["legend_missing"] for v in frame["value"]]
    palette = PALETTE[::-1] if reverse else PALETTE
    edges = _bins(frame["value"]) if edges is None else edges
    colours = {code: _colour(v, edges, palette) for code, v in zip(frame[key], frame["value"])}
    minx, miny, maxx, maxy = frame.total_bounds
    tile_url = settings.text("map.tile_url")
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                      zoom_control=True, zoom_snap=0.25, control_scale=False)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    if tile_url:
        folium.TileLayer(tile_url, attr=settings.text("map.tile_attribution") or " ").add_to(fmap)
    folium.GeoJson(
        frame[[key, "name", "label", "geometry"]].to_json(),
        style_function=lambda f: {
            "fillColor": colours.get(f["properties"][key], MISSING), "fillOpacity": 0.85,
            "color": INK if f["properties"][key] == highlight else INK_SOFT,
            "weight": 3 if f["properties"][key] == highlight else 0.7,
        },
        highlight_function=lambda f: {"weight": 3, "color": BLACK},
        tooltip=folium.GeoJsonTooltip(fields=["name", "label"], aliases=["", title], labels=True,
                                      style="font-size:15px"),
    ).add_to(fmap)
    _fit(fmap, [[float(miny), float(minx)], [float(maxy), float(maxx)]])
    fmap.get_root().html.add_child(folium.Element(_legend(title, unit, edges, fmt, palette)))
    return fmap


def _fit(fmap: folium.Map, bounds: list[list[float]]) -> None:
    """Fit the bounds once the frame has its final size, and again whenever it is resized."""
    name = fmap.get_name()
    script = (f"function fit_{name}() {{ {name}.invalidateSize(); {name}.fitBounds({bounds}, {{padding: [8, 8]}}); }}"
              f"window.addEventListener('load', fit_{name}); window.addEventListener('resize', fit_{name});")
    fmap.get_root().script.add_child(folium.Element(script))


def show(fmap: folium.Map, height: int = 430) -> None:
    """Render a map that needs no click events: a static iframe, the cheapest path."""
    st.iframe(fmap.get_root().render(), height=height)


def clickable(fmap: folium.Map, *, key: str, field: str = "village_code", height: int = 430,
              on_click: Callable[[str], None] | None = None) -> None:
    """Render a map whose areas can be clicked (st_folium, Leaflet still served locally).

    On a click, `on_click` receives the clicked area's `field` property before the rerun, so
    it may set widget state (e.g. the sidebar's village). Only the clicked feature comes back:
    panning and zooming cause no rerun."""
    folium.FitBounds(fmap.get_bounds(), padding=(8, 8)).add_to(fmap)
    # Leaflet's keyboard handler focuses the map on mousedown; when the map is partly out of
    # view the browser then scrolls it in between mousedown and mouseup and the click is lost.
    fmap.options["keyboard"] = False

    def changed() -> None:
        feature = (st.session_state.get(key) or {}).get("last_active_drawing") or {}
        code = (feature.get("properties") or {}).get(field)
        if code and on_click is not None:
            on_click(str(code))

    st_folium(fmap, key=key, height=height, use_container_width=True,
              returned_objects=["last_active_drawing"], on_change=changed)
