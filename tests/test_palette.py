"""One palette: no module outside analytics/reports/palette.py writes a colour, and the colours
say what the series mean (滞后 is never green, 储备 never red)."""

from __future__ import annotations

import colorsys
import re

from analytics.reports import palette
from devtools import ROOT

HEX = re.compile(r"""["'(:\s,]#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b""")
# a colour without '#', as openpyxl takes it: a quoted 6 or 8 hex digits with a letter among them
# ("F3D9D7"; "202303" is a month), or any quoted hex given to a colour argument (color="000000")
BARE = re.compile(r"""["'](?=[0-9]*[a-fA-F])(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6})["']"""
                  r"""|(?:[cC]olou?r|fgColor|bgColor)\s*=\s*["'][0-9a-fA-F]{6,8}["']""")
PALETTES = ("analytics/reports/palette.py", "analytics/data/colours.py")  # colours.py: those below reports
SOURCES = ("app.py", "analytics", "ui", "app_pages")


def hue(colour: str) -> tuple[float, float, float]:
    """(hue in degrees, lightness, saturation) of a #rrggbb colour."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    return h * 360, lightness, s


def is_green(colour: str) -> bool:
    h, _, s = hue(colour)
    return 75 <= h <= 165 and s > 0.2


def is_red(colour: str) -> bool:
    h, _, s = hue(colour)
    return (h <= 20 or h >= 340) and s > 0.3


def test_no_module_outside_the_palette_writes_a_hex_colour():
    found = []
    for root in SOURCES:
        paths = [ROOT / root] if root.endswith(".py") else sorted((ROOT / root).rglob("*.py"))
        for path in paths:
            if path.relative_to(ROOT).as_posix() in PALETTES:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if HEX.search(line) or BARE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_grep_finds_a_colour_where_one_is_written():
    assert HEX.search('line={"color": "#2e7d32"}') and HEX.search("border: 1px solid #999;")
    assert not HEX.search("x = 1  # 2025 年度") and not HEX.search("#abc")  # a comment, a bare word


def test_the_grep_finds_a_fill_colour_written_without_its_hash():
    assert BARE.search('PatternFill("solid", fgColor="F3D9D7")') and BARE.search("Font(color='000000')")
    assert not BARE.search('"monitoring_start": "202303"') and not BARE.search('COUNTY_CODE = "990121"')


def test_the_palette_re_exports_the_colours_written_below_it():
    from analytics.data import colours
    assert palette.HEADER_FILL is colours.HEADER_FILL


def test_colours_say_what_a_series_means():
    assert not is_green(palette.TIER_COLOURS["滞后"]) and is_green(palette.TIER_COLOURS["领先"])
    assert not is_red(palette.STATUS_COLOURS["储备"])
    assert not any(is_red(c) or is_green(c) for c in palette.CATEGORY_COLOURS.values())  # categories are neutral
    assert not any(is_green(c) for c in palette.RISK_COLOURS.values())  # every risk type is bad
    assert not any(is_green(c) for c in palette.GAP_COLOURS.values())  # every guarantee gap is bad
    assert not any(is_red(c) or is_green(c) for c in palette.COLORWAY)  # series without a meaning
    assert is_red(palette.BAD) and is_green(palette.GOOD) and is_red(palette.MONITORING_COLOURS["未消除风险"])


def test_a_series_has_one_colour_wherever_it_is_named():
    for name, colour in palette.SERIES.items():
        for table in (palette.RISK_COLOURS, palette.CATEGORY_COLOURS, palette.STATUS_COLOURS, palette.TIER_COLOURS):
            assert table.get(name, colour) == colour, name
