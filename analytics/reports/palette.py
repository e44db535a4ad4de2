"""The chart palette, one place for the screen (ui.charts), the projector and the printed
briefing (analytics.reports.figures): the same series keep the same colour everywhere."""

from __future__ import annotations

from analytics.data.contract import GUARANTEE_COLUMNS, PROJECT_CATEGORIES, RISK_TYPES

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
COLOURS = ("#b3261e", "#1f5fa8", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f")
GREY = "#9e9e9e"
GAP_COLOURS = dict(zip(GUARANTEE_COLUMNS, COLOURS[1:]))
CATEGORY_COLOURS = dict(zip(PROJECT_CATEGORIES, (*COLOURS, "#8d6e63", GREY)))
RISK_COLOURS = dict(zip(RISK_TYPES, (COLOURS[0], COLOURS[4], COLOURS[5], COLOURS[2], COLOURS[3], COLOURS[1],
                                     "#8d6e63", "#f9a825", GREY)))  # one colour per risk type on every chart
