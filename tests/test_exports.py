"""Excel exports: title rows, Chinese headers, masking by default."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from analytics.reports.exports import excel_bytes


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
