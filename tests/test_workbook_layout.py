"""Every workbook we write is field-ready: its header row bold, shaded and frozen, A4
landscape one page wide with the header repeated on every page; lists have filters, forms to
fill (an empty progress sheet, an import template) do not."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from analytics.data.colours import HEADER_FILL
from analytics.ingest import templates
from analytics.ledger import notices, workbook
from analytics.ledger import plan as ledger_plan
from analytics.reports.exports import excel_bytes


def _sheets(data: bytes) -> dict[str, Worksheet]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: ws for ws in book.worksheets}


def _header_row(ws: Worksheet) -> int:
    return int(ws.freeze_panes[1:]) - 1


def assert_field_ready(ws: Worksheet, *, filters: bool) -> None:
    row = _header_row(ws)
    header = [c for c in ws[row] if c.value is not None]
    assert header, ws.title
    assert all(c.font.bold for c in header), ws.title
    assert all(c.fill.fgColor.rgb.lower().endswith(HEADER_FILL.lstrip("#")) for c in header), ws.title
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(Worksheet.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
    assert ws.print_title_rows == f"${row}:${row}", ws.title
    assert ws.oddHeader.center.text and "&P" in ws.oddFooter.center.text, ws.title
    assert bool(ws.auto_filter.ref) is filters, ws.title
    if filters:
        assert ws.auto_filter.ref.startswith(f"A{row}:"), ws.title


def test_export_sheet_is_field_ready():
    frame = pd.DataFrame({"village_code": ["1", "2"], "population": [1200, 3400]})
    (ws,) = _sheets(excel_bytes(frame, "预警名单", "岚溪县")).values()
    assert_field_ready(ws, filters=True)
    assert _header_row(ws) == 4 and ws.oddHeader.left.text == "岚溪县"


def test_ledger_plan_template_is_field_ready():
    sheets = _sheets(workbook.template_bytes(ledger_plan.shipped().head(4), plan=True))
    assert set(sheets) == {workbook.PLAN_SHEET, workbook.HELP_SHEET}
    for ws in sheets.values():
        assert_field_ready(ws, filters=True)
    assert sheets[workbook.PLAN_SHEET].oddHeader.center.text == workbook.PLAN_SHEET


def test_ledger_progress_form_has_no_filters_but_its_task_list_does():
    sheets = _sheets(workbook.template_bytes(ledger_plan.shipped().head(4), plan=False))
    assert_field_ready(sheets[workbook.PROGRESS_SHEET], filters=False)
    assert_field_ready(sheets[workbook.LIST_SHEET], filters=True)
    assert sheets[workbook.LIST_SHEET].auto_filter.ref == "A1:H5"  # the header and four tasks


@pytest.mark.parametrize("rows", [0, 2])
def test_supervision_list_is_field_ready_and_names_the_department(rows: int):
    frame = pd.DataFrame({c: [f"{c}{i}" for i in range(rows)] for c in notices.COLUMNS})
    (ws,) = _sheets(notices.xlsx_bytes(frame, "自然资源局")).values()
    assert_field_ready(ws, filters=True)
    assert "自然资源局" in ws.oddHeader.center.text and ws.oddHeader.left.text == notices.OFFICE


def test_import_template_sheets_are_forms_and_the_guide_a_list():
    sheets = _sheets(templates.workbook_bytes())
    guide = sheets.pop(templates.INSTRUCTIONS_SHEET)
    assert sheets and all(assert_field_ready(ws, filters=False) is None for ws in sheets.values())
    assert_field_ready(guide, filters=True)
    assert guide.cell(row=_header_row(guide), column=1).value == "表(工作表)"


def test_a_page_header_doubles_an_ampersand_so_it_is_not_read_as_a_code():
    (ws,) = _sheets(excel_bytes(pd.DataFrame({"a": ["x"]}), "R&D 项目", "s")).values()
    assert ws.oddHeader.center.text == "R&&D 项目"
