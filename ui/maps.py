"""Offline choropleth maps a county recognises. Leaflet is served from this app
(/app/static/leaflet), every other library folium would pull from a CDN is dropped, the legend is
plain HTML, and tiles load only when an intranet tile URL is configured: the browser makes no
request outside this server.

Over the villages go the township borders with the townships' names; a village's name and value
show on hover. The county is fitted beside or above the legend, so the legend covers no village,
and refitted whenever the frame changes size (a phone turned on its side). A click on a county
map drills down (`ui.filters.drill`)."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from folium.template import Template
from streamlit_folium import st_folium

from analytics import settings
from analytics.data.contract import township_of
from analytics.data.outlines import township_outlines
from analytics.reports.palette import BLACK, CHOROPLETH, EDGE, INK, INK_SOFT, MISSING, WHITE
from ui import data, filters
from ui.text import common

LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
PALETTE = CHOROPLETH
BORDER = INK  # township borders and names: darker than any village edge
# Leaflet's default prefix is a link to leafletjs.com with a flag; the credit stays, plain.
ATTRIBUTION_PREFIX = "Leaflet"
# st_folium's frame stands this much taller than the map in it (10 px measured at 1280x720): a map
# asked for `height` px takes no more, so a projector slide's map fits the slide.
FRAME_MARGIN = 16
MAP_KEY = "county_map"  # st_folium key of a page's county map (one per page)

_CSS = f"""<style>
.map-legend {{ position: absolute; bottom: 22px; right: 8px; z-index: 1000; background: rgba(255,255,255,.94);
  padding: 6px 9px; border-radius: 6px; font: 14px 'Noto Sans CJK SC', sans-serif; line-height: 1.45; }}
.map-legend span {{ display: inline-block; width: 16px; height: 12px; margin-right: 6px; border: 1px solid {EDGE}; }}
.town-label div {{ position: absolute; transform: translate(-50%, -50%); white-space: nowrap; color: {BORDER};
  font: 600 13px 'Noto Sans CJK SC', sans-serif; pointer-events: none;
  text-shadow: 0 0 3px {WHITE}, 0 0 3px {WHITE}, 0 0 2px {WHITE}; }}
@media (max-width: 480px) {{ .map-legend {{ font-size: 12px; padding: 4px 6px; }}
  .town-label div {{ font-size: 11px; }} }}
</style>"""


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
    return (f'{_CSS}<div class="map-legend"><b>{html.escape(title)}'
            f'({html.escape(unit)})</b>{"".join(rows)}</div>')


class _Frame(MacroElement):
    """The map's frame: Leaflet's attribution without its flag, and the county fitted to the part
    of the frame the legend leaves free (beside it or above it, whichever shows the county
    larger), now and whenever the frame is resized."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            map.attributionControl.setPrefix({{ this.prefix }});
            var bounds = L.latLngBounds({{ this.bounds }});
            function fit() {
                map.invalidateSize();
                var legend = document.querySelector('.map-legend');
                var w = legend ? legend.offsetWidth + 16 : 8, h = legend ? legend.offsetHeight + 30 : 8;
                var beside = map.getBoundsZoom(bounds, false, L.point(w + 8, 16));
                var above = map.getBoundsZoom(bounds, false, L.point(16, h + 8));
                map.fitBounds(bounds, {paddingTopLeft: [8, 8],
                                       paddingBottomRight: beside >= above ? [w, 8] : [8, h]});
            }
            fit();
            window.requestAnimationFrame(fit);
            window.addEventListener('load', fit);
            window.addEventListener('resize', fit);
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "Frame"
        self.bounds = json.dumps(bounds)
        self.prefix = json.dumps(ATTRIBUTION_PREFIX)


def choropleth(shapes: gpd.GeoDataFrame, values: pd.Series, names: pd.Series, *, title: str,
               unit: str, fmt: str = ",.0f", highlight: str | None = None,
               reverse: bool = False, edges: np.ndarray | None = None) -> folium.Map:
    """Village shapes coloured by `values` (indexed by village code), with the borders and names
    of their townships over them; see `build`."""
    towns = data.table("townships").set_index("township_code")["township_name"]
    gap = settings.number("map.simplify_tolerance_deg")
    outlines = _outlines(data.snapshot().id, tuple(shapes.iloc[:, 0]), gap, shapes)
    return build(shapes, values, names, towns, title=title, unit=unit, fmt=fmt, highlight=highlight,
                 reverse=reverse, edges=edges, outlines=outlines, tile_url=settings.text("map.tile_url"),
                 tile_attribution=settings.text("map.tile_attribution"))


@st.cache_resource(show_spinner=False, max_entries=64)
def _outlines(snapshot_id: str, codes: tuple[str, ...], gap_deg: float, _shapes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Township outlines of these villages, once per snapshot and set of villages (a union of
    thousands of polygons takes seconds; the geometry follows from the snapshot and codes)."""
    return _village_outlines(_shapes, gap_deg)


def _village_outlines(shapes: gpd.GeoDataFrame, gap_deg: float) -> gpd.GeoDataFrame:
    return township_outlines(shapes[[shapes.columns[0], "geometry"]].rename(
        columns={shapes.columns[0]: "village_code"}), gap_deg)


def build(shapes: gpd.GeoDataFrame, values: pd.Series, names: pd.Series, town_names: pd.Series, *,
          title: str, unit: str, fmt: str = ",.0f", highlight: str | None = None, reverse: bool = False,
          edges: np.ndarray | None = None, outlines: gpd.GeoDataFrame | None = None, tile_url: str = "",
          tile_attribution: str = "") -> folium.Map:
    """Shapes coloured by `values` (indexed like the shapes' first column), each with a tooltip
    naming it and its value, their townships' borders, the townships' names when there are
    several, and a legend; `edges` replaces the quantile classes, `outlines` the townships'
    outlines made here (`township_outlines`). Each shape carries its `township_code`, so that a
    click can drill down."""
    key = shapes.columns[0]
    frame = shapes[[key, "geometry"]].copy()
    frame["township_code"] = township_of(frame[key]).astype(str)
    frame["value"] = frame[key].map(values)
    frame["name"] = frame[key].map(names).fillna(frame[key])
    frame["label"] = [f"{v:{fmt}} {unit}" if pd.notna(v) else common()["legend_missing"] for v in frame["value"]]
    palette = PALETTE[::-1] if reverse else PALETTE
    edges = _bins(frame["value"]) if edges is None else edges
    colours = {code: _colour(v, edges, palette) for code, v in zip(frame[key], frame["value"])}
    minx, miny, maxx, maxy = frame.total_bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None,
                      zoom_control=True, zoom_snap=0.25, control_scale=False)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    if tile_url:
        folium.TileLayer(tile_url, attr=tile_attribution or " ").add_to(fmap)
    folium.GeoJson(
        frame[[key, "township_code", "name", "label", "geometry"]].to_json(), name="villages",
        style_function=lambda f: {
            "fillColor": colours.get(f["properties"][key], MISSING), "fillOpacity": 0.85,
            "color": INK if f["properties"][key] == highlight else INK_SOFT,
            "weight": 3 if f["properties"][key] == highlight else 0.6,
        },
        highlight_function=lambda f: {"weight": 3, "color": BLACK},
        tooltip=folium.GeoJsonTooltip(fields=["name", "label"], aliases=["", title], labels=True,
                                      style="font-size:15px"),
    ).add_to(fmap)
    _townships(fmap, _village_outlines(frame, 0.0) if outlines is None else outlines, town_names)
    fmap.add_child(_Frame([[float(miny), float(minx)], [float(maxy), float(maxx)]]))
    fmap.get_root().html.add_child(folium.Element(_legend(title, unit, edges, fmt, palette)))
    return fmap


def _townships(fmap: folium.Map, outlines: gpd.GeoDataFrame, town_names: pd.Series) -> None:
    """The township borders (lines that take no clicks, so the villages under them keep their
    hover and click) and, when the map shows more than one township, their names."""
    outlines = outlines.copy()
    outlines["township_name"] = outlines["township_code"].map(town_names).fillna(outlines["township_code"])
    folium.GeoJson(
        outlines[["township_code", "township_name", "geometry"]].to_json(), name="townships", interactive=False,
        style_function=lambda f: {"fill": False, "color": BORDER, "weight": 2.4, "opacity": 0.95},
    ).add_to(fmap)
    if len(outlines) > 1:  # one township: the page's title names it, and a label would hide a village
        fmap.add_child(_Labels([[row.label_lat, row.label_lon, str(row.township_name)]
                                for row in outlines.itertuples()]))


class _Labels(MacroElement):
    """The townships' names, always shown, taking no clicks (a folium Marker would first load
    Leaflet's default pin image, which this app does not serve)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.labels }}.forEach(function (l) {
            L.marker([l[0], l[1]], {interactive: false, keyboard: false, icon: L.divIcon(
                {className: 'town-label', html: '<div>' + l[2] + '</div>', iconSize: [0, 0]})})
             .addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, labels: list[list]) -> None:
        super().__init__()
        self._name = "TownLabels"
        self.labels = json.dumps([[lat, lon, html.escape(name)] for lat, lon, name in labels], ensure_ascii=False)


def show(fmap: folium.Map, height: int = 430) -> None:
    """A county map whose clicks drill down (`ui.filters.drill`): a township at the county level,
    a village's 村庄画像 within a township."""
    _render(fmap, MAP_KEY, height, filters.drill)


def clickable(fmap: folium.Map, *, key: str, field: str = "village_code", height: int = 430,
              on_click: Callable[[str], None] | None = None) -> None:
    """Render a map whose areas can be clicked: on a click, `on_click` receives the clicked
    area's `field` property before the rerun, so it may set widget state (e.g. the sidebar's
    village)."""
    def clicked(properties: dict) -> None:
        if properties.get(field) and on_click is not None:
            on_click(str(properties[field]))

    _render(fmap, key, height, clicked)


def _render(fmap: folium.Map, key: str, height: int, on_click: Callable[[dict], None]) -> None:
    """st_folium, Leaflet still served locally. Only the clicked feature comes back (its
    properties go to `on_click` before the rerun): panning and zooming cause no rerun."""
    # Leaflet's keyboard handler focuses the map on mousedown; when the map is partly out of
    # view the browser then scrolls it in between mousedown and mouseup and the click is lost.
    fmap.options["keyboard"] = False

    def changed() -> None:
        feature = (st.session_state.get(key) or {}).get("last_active_drawing") or {}
        on_click(feature.get("properties") or {})

    st_folium(fmap, key=key, height=height - FRAME_MARGIN, use_container_width=True,
              returned_objects=["last_active_drawing"], on_change=changed)
