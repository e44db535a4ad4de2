"""Excel exports: title rows, Chinese headers, masking by default."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from analytics.reports.exports import FORMULA_PREFIXES, excel_bytes, plan_notes


def test_excel_has_title_chinese_headers_and_masks():
    frame = pd.DataFrame({"household_id": ["9901211002010001"], "head_name": ["王小明"],
                          "head_id_number": ["99012119800101123X"]})
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame, "预警名单", "岚溪县 · 2025年度")))
    ws = book.active
    assert ws["A1"].value == "预警名单" and "岚溪县" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["户编号", "户主姓名", "户主证件号码"]
    assert [c.value for c in ws[5]] == ["9901211002010001", "王*明", "990121********123X"]


def test_excel_unmasked_when_allowed():
    frame = pd.DataFrame({"head_name": ["王小明"]})
    ws = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame, "t", "s", personal_visible=True))).active
    assert ws["A5"].value == "王小明"


def field_sheet():
    """A plan-like export with a percent, a money, a count, a yes/no and a hostile text column."""
    frame = pd.DataFrame({"village_name": ["=HYPERLINK(\"http://x\",\"点我\")", "+1", "上坪村"],
                          "paid_share": [78.456, 100.0, None], "funds_wan": [1234.5678, 0.3 + 0.6, 12.0],
                          "households": [1520, 87, 3], "is_key_village": [True, False, True]})
    notes = plan_notes(2026, 13849.0, "稳健方案", ["产业发展占比不低于 55%", "单村上限 300 万元"])
    data = excel_bytes(frame, "2026年资金推演分配方案", "范围:岚溪县 全县 · 数据快照 20251201-ab12", notes=notes)
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_field_ready_header_formats_and_print_setup():
    ws = field_sheet()
    header = 4 + 2  # title, scope line, two plan notes, blank row
    assert [c.value for c in ws[header]] == ["村名称", "paid_share", "投入资金(万元)", "户数", "是否重点帮扶村"]
    assert all(c.font.b for c in ws[header])
    assert ws.freeze_panes == f"A{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:E{header + 3}"
    percent, money, count, flag = (ws.cell(row=header + 1, column=i) for i in (2, 3, 4, 5))
    assert percent.value == 0.7846 and percent.number_format == "0.0%"  # 78.456 points: an Excel percent
    assert money.value == 1234.6 and money.number_format == "#,##0.0"
    assert ws.cell(row=header + 2, column=3).value == 0.9  # not 0.8999999999999999
    assert count.value == 1520 and count.number_format == "#,##0"
    assert [ws.cell(row=r, column=5).value for r in range(header + 1, header + 4)] == ["是", "否", "是"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.oddHeader.center.text == "2026年资金推演分配方案"
    assert "岚溪县 全县" in ws.oddHeader.left.text and "20251201-ab12" in ws.oddHeader.left.text


def test_exported_plan_carries_year_budget_rules_and_scenario():
    ws = field_sheet()
    assert ws["A1"].value.startswith("2026年")
    assert ws["A3"].value == "方案:稳健方案 · 计划年度 2026 · 总预算 13,849.0 万元"
    assert ws["A4"].value == "规则:产业发展占比不低于 55%;单村上限 300 万元"


def test_no_text_cell_is_a_live_formula():
    ws = field_sheet()
    texts = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=") for c in texts)
    for cell in texts:
        assert cell.data_type == "s"
        if cell.value.startswith(FORMULA_PREFIXES):
            assert cell.quotePrefix, cell.value


def test_every_number_column_has_a_format_without_long_decimals():
    """An undeclared float column gets separators and one decimal; an int column none."""
    frame = pd.DataFrame({"odd_metric": [1 / 3], "odd_count": pd.Series([12345], dtype="int64")})
    ws = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame, "t", "s"))).active
    assert (ws["A5"].value, ws["A5"].number_format) == (0.3, "#,##0.0")
    assert (ws["B5"].value, ws["B5"].number_format) == (12345, "#,##0")
