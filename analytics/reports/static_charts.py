"""The briefing's charts and map as PNG images, without a browser: the Word file needs pictures.

Plotly's own image export (kaleido) drives a headless Chrome: 11-14 s per chart on the shared
machine, and a county office PC may have no Chrome at all. matplotlib draws the same figures
offline in well under a second. `png` redraws the plotly figures of analytics.reports.figures
(bars, vertical or horizontal, grouped or stacked; lines, markers and text labels; axis ranges
and tick suffixes) so each chart is defined once; `map_png` draws the village polygons
coloured like the HTML briefing's map.

Chinese text needs a CJK font: it is found by family name (Noto Sans CJK SC, which CI installs
with fonts-noto-cjk, then the usual Windows and macOS families), never by a file path.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from functools import lru_cache

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib import font_manager, ticker
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analytics.reports.palette import COLORWAY, EDGE, INK_SOFT

CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimHei", "PingFang SC",
                "Hiragino Sans GB", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans SC")
DPI = 200
WIDTH_IN = 6.3  # 16 cm: the text width of A4 portrait with 2.5 cm margins


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed font family of CJK_FAMILIES, else any family whose name says CJK or
    SC; None when there is none (the charts still draw, Chinese then shows as boxes)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    fallback = sorted(n for n in installed if "CJK" in n or n.endswith(" SC"))
    return fallback[0] if fallback else None


def _style() -> dict:
    font = cjk_font()
    return {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"], "axes.unicode_minus": False,
            "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}


def _colours(trace, n: int, default: str) -> list[str]:
    colour = getattr(trace.marker, "color", None) if hasattr(trace, "marker") else None
    if colour is None:
        return [default] * n
    if isinstance(colour, str):
        return [colour] * n
    return list(colour)


def _values(values) -> list:
    return [] if values is None else list(values)


def _bars(ax, fig: go.Figure, bars: Sequence[go.Bar]) -> None:
    horizontal = [b.orientation == "h" for b in bars]
    stacked = fig.layout.barmode in ("stack", "relative")
    categories = list(dict.fromkeys(c for b in bars for c in _values(b.y if b.orientation == "h" else b.x)))
    position = {c: i for i, c in enumerate(categories)}
    width = 0.8 if stacked or len(bars) == 1 else 0.8 / len(bars)
    base = np.zeros(len(categories))
    for i, bar in enumerate(bars):
        cats = _values(bar.y if bar.orientation == "h" else bar.x)
        vals = np.array([np.nan if v is None else float(v) for v in _values(bar.x if bar.orientation == "h" else bar.y)])
        at = np.array([position[c] for c in cats], dtype=float)
        offset = 0.0 if stacked or len(bars) == 1 else (i - (len(bars) - 1) / 2) * width
        starts = base[at.astype(int)] if stacked else np.zeros(len(at))
        colours = _colours(bar, len(cats), COLORWAY[i % len(COLORWAY)])
        draw = ax.barh if bar.orientation == "h" else ax.bar
        kwargs = {"left": starts} if bar.orientation == "h" else {"bottom": starts}
        patches = draw(at + offset, np.nan_to_num(vals), width, color=colours, label=bar.name, **kwargs)
        if bar.text is not None and not stacked:
            ax.bar_label(patches, labels=[str(t) for t in bar.text], padding=2, fontsize=8)
        if stacked:
            base[at.astype(int)] += np.nan_to_num(vals)
    ticks = range(len(categories))
    if all(horizontal):
        ax.set_yticks(list(ticks), [str(c) for c in categories])
    else:
        ax.set_xticks(list(ticks), [str(c) for c in categories])


def _lines(ax, scatters: Sequence[go.Scatter], categorical: dict | None, horizontal: bool) -> None:
    for i, trace in enumerate(scatters):
        xs, ys = _values(trace.x), _values(trace.y)
        if categorical is not None:  # on a bar chart's category axis
            if horizontal:
                ys = [categorical[y] for y in ys]
            else:
                xs = [categorical[x] for x in xs]
        mode = trace.mode or "lines"
        colour = (trace.line.color if trace.line and trace.line.color else None) or COLORWAY[i % len(COLORWAY)]
        if "lines" in mode or "markers" in mode:
            dash = {"dash": "--", "dot": ":"}.get(trace.line.dash if trace.line else None, "-")
            width = (trace.line.width or 2) * 0.6 if trace.line else 1.2
            ax.plot(xs, ys, linestyle=dash if "lines" in mode else "none", marker="o" if "markers" in mode else None,
                    color=colour, linewidth=width, markersize=4,
                    label=trace.name if trace.showlegend is not False else None)
        if "text" in mode and trace.text is not None:
            for x, y, t in zip(xs, ys, trace.text):
                ax.annotate(str(t), (x, y), textcoords="offset points", xytext=(4, 0) if horizontal else (0, 5),
                            ha="left" if horizontal else "center", va="center" if horizontal else "bottom",
                            fontsize=8)


def _axis(axis, set_lim: Callable, ticks_off: Callable, suffix_axis) -> None:
    if axis.range is not None:
        set_lim(*axis.range)
    if axis.showticklabels is False:
        ticks_off()
    if axis.ticksuffix:
        suffix_axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}{axis.ticksuffix}"))


def png(fig: go.Figure, title: str, height_px: int = 320) -> bytes:
    """One briefing chart as a PNG: `height_px` is the HTML briefing's height at 700 px width."""
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    scatters = [t for t in fig.data if isinstance(t, go.Scatter)]
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(WIDTH_IN, WIDTH_IN * height_px / 700), dpi=DPI)  # not pyplot: no global state
        ax = figure.subplots()
        horizontal = bool(bars) and all(b.orientation == "h" for b in bars)
        categorical = None
        if bars:
            _bars(ax, fig, bars)
            cats = list(dict.fromkeys(c for b in bars for c in _values(b.y if horizontal else b.x)))
            categorical = {c: i for i, c in enumerate(cats)}  # bars sit at 0..n-1: lines over them too
        _lines(ax, scatters, categorical, horizontal)
        _axis(fig.layout.xaxis, ax.set_xlim, lambda: ax.set_xticks([]), ax.xaxis)
        _axis(fig.layout.yaxis, ax.set_ylim, lambda: ax.set_yticks([]), ax.yaxis)
        if not bars and scatters and all(isinstance(x, int | np.integer) for x in _values(scatters[0].x)):
            ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        if not horizontal:
            ax.grid(axis="y", alpha=0.3)
            if not fig.layout.yaxis.ticksuffix and ax.get_ylim()[1] >= 1000:  # thousands separators, as on screen
                ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
        ax.set_title(title, loc="left", fontsize=11)
        if any(t.name for t in fig.data if t.showlegend is not False) and len(fig.data) > 1:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(5, len(fig.data)), frameon=False,
                      fontsize=8)
        figure.tight_layout()
        return _save(figure)


def map_png(shapes: gpd.GeoDataFrame, values: pd.Series, title: str, unit: str, edges: np.ndarray,
            colour: Callable[[float | None], str], missing: str) -> bytes:
    """Village polygons coloured by `colour` of their value, with the class legend beside the
    county (not over it)."""
    frame = shapes.to_crs("EPSG:4326")
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(WIDTH_IN, WIDTH_IN * 0.62), dpi=DPI)
        ax = figure.subplots()
        frame.plot(ax=ax, color=[colour(values.get(c)) for c in frame["village_code"]], edgecolor=INK_SOFT, linewidth=0.3)
        ax.set_aspect(1 / np.cos(np.radians(frame.total_bounds[[1, 3]].mean())))
        ax.set_axis_off()
        handles = [Patch(facecolor=colour((edges[i] + edges[i + 1]) / 2), edgecolor=EDGE,
                         label=f"{edges[i]:,.1f} – {edges[i + 1]:,.1f}") for i in range(len(edges) - 1)]
        handles.append(Patch(facecolor=missing, edgecolor=EDGE, label="无数据"))
        ax.legend(handles=handles, title=f"{title}({unit})", loc="center left", bbox_to_anchor=(1.0, 0.5),
                  frameon=False, fontsize=8, title_fontsize=9)
        figure.tight_layout()
        return _save(figure)


def _save(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    return buffer.getvalue()
