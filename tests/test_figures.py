"""Chart axes read as a county meeting writes numbers (万, 亿), chart text stays legible, and
tables format every number with separators."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.reports import figures
from ui import charts, tables


def test_a_money_axis_reads_wan_and_yi():
    wide = pd.DataFrame({"产业发展": [9000.0, 12000.0], "乡村建设": [3000.0, 4500.0]}, index=[2024, 2025])
    fig = figures.stacked_by_year(wide, scale=figures.WAN)  # 万元: 16,500 万元 is 1.65 亿元
    labels = list(fig.layout.yaxis.ticktext)
    assert labels[0] == "0" and any(label.endswith("亿") for label in labels)
    assert any(label.endswith("万") for label in labels)
    assert not any(label[-1] in "kMG" for label in labels)
    assert fig.layout.yaxis.tickvals[-1] >= 16500


def test_a_count_axis_reads_wan_from_ten_thousand():
    trend = pd.DataFrame({"year": [2024, 2025], "monitored_unresolved": [18000, 26000], "newly_identified": [900, 700],
                          "eliminated": [4000, 5200]})
    labels = list(figures.monitoring_trend(trend).layout.yaxis.ticktext)
    assert labels == ["0", "1万", "2万", "3万"]


def test_numbers_as_chinese_reports_write_them():
    assert [figures.cn_number(v) for v in (0, 2500, 10000, 15000, 138490000, 2e8)] == \
        ["0", "2,500", "1万", "1.5万", "1.38亿", "2亿"]


def test_no_chart_text_below_sixteen_pixels():
    fig = charts.style(go.Figure(go.Heatmap(z=[[1]], text=[["3"]], texttemplate="%{text}", textfont={"size": 12})))
    assert fig.data[0].textfont.size == charts.SMALLEST == 16
    assert fig.layout.xaxis.exponentformat == fig.layout.yaxis.exponentformat == "none"


def test_table_formats_get_thousands_separators():
    assert [tables.with_separators(f) for f in ("%.1f", "%d", "%+.2f", "%.1f%%", "%,.1f", "plain")] == \
        ["%,.1f", "%,d", "%+,.2f", "%,.1f%%", "%,.1f", "plain"]


def test_tables_are_as_tall_as_their_rows_up_to_a_screen():
    assert tables.height(2) < tables.height(5) < tables.height(40) == tables.height(1000)
    assert tables.height(1000) > 600  # no longer a fixed 6-14 rows


def test_the_english_ui_reads_millions_where_the_chinese_reads_wan(monkeypatch):
    monkeypatch.setattr(charts, "lang", lambda: "en")
    wide = pd.DataFrame({"a": [9000.0, 12000.0]}, index=[2024, 2025])
    fig = charts.style(figures.stacked_by_year(wide, scale=figures.WAN))
    assert list(fig.layout.yaxis.ticktext) == ["0", "25M", "50M", "75M", "100M", "125M"]  # 12,000 万元: 120M yuan
