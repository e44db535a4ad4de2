"""Every colour of the product, in one place for the screen (ui.charts, ui.maps, ui.projector), the
projector slides, the printed briefing and the Excel exports: the same series keep the same colour
everywhere, red means bad, green means good, and a neutral series (储备 projects, a plan) is
neither. tests/test_palette.py fails on a hex colour written anywhere else.
"""

from __future__ import annotations

from analytics.data.colours import HEADER_FILL  # noqa: F401  (written below reports, re-exported here)
from analytics.data.contract import GUARANTEE_COLUMNS, PROJECT_CATEGORIES, PROJECT_STATUSES, RISK_TYPES

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"

BAD, NEUTRAL, GOOD, WARN = "#b3261e", "#1f5fa8", "#2e7d32", "#ef6c00"
PURPLE, TEAL, BROWN, AMBER, INDIGO = "#6a1b9a", "#00838f", "#8d6e63", "#f9a825", "#5c6bc0"
COLOURS = (BAD, NEUTRAL, GOOD, WARN, PURPLE, TEAL)  # indexed by the figures: 0 bad, 1 neutral, 2 good
COLORWAY = (NEUTRAL, WARN, TEAL, PURPLE, BROWN, INDIGO, AMBER)  # series without a meaning: never red or green
GREY = "#9e9e9e"
INK, INK_SOFT, BLACK, WHITE = "#111111", "#555555", "#000000", "#ffffff"
GRID, RULE, EDGE = "#e6e6e6", "#d0d0d0", "#999999"
BRAND = BAD  # the theme's primary colour (.streamlit/config.toml), headings of the printed briefing
MISSING = "#d9d9d9"  # a village without a value on a map
CHOROPLETH = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")  # ColorBrewer Oranges, screen and print
BOARD_RED, BOARD_GREEN = "#d84a3a", "#3f9b4f"  # the 底线 board: a gap, none
PAPER_NOTE, PAPER_NOTE_EDGE, PAPER_HEAD = "#fff3cd", "#e0c060", "#f2f2f2"  # the printed briefing's boxes

GAP_COLOURS = dict(zip(GUARANTEE_COLUMNS, (BROWN, NEUTRAL, PURPLE, TEAL)))  # "any gap" is BAD
CATEGORY_COLOURS = dict(zip(PROJECT_CATEGORIES, (NEUTRAL, TEAL, WARN, PURPLE, BROWN, AMBER, INDIGO, GREY)))
STATUS_COLOURS = dict(zip(PROJECT_STATUSES, (GREY, NEUTRAL, GOOD)))  # 储备 is waiting, not wrong
RISK_COLOURS = dict(zip(RISK_TYPES, (BAD, PURPLE, TEAL, WARN, AMBER, NEUTRAL, BROWN, INDIGO, GREY)))  # all bad: no green
TIER_COLOURS = {"领先": GOOD, "达标": NEUTRAL, "滞后": WARN}  # 滞后 villages are never green
MONITORING_COLOURS = {"未消除风险": BAD, "当年新识别": WARN, "已消除风险": GOOD}
# every named series by its (Chinese) name, for charts that colour by column name
SERIES: dict[str, str] = {**RISK_COLOURS, **CATEGORY_COLOURS, **STATUS_COLOURS, **TIER_COLOURS, **MONITORING_COLOURS}
