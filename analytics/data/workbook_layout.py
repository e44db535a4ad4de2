"""The field-ready layout of every workbook we write (exports, the 督办清单 and task ledger, the
import templates): a bold, shaded, frozen header row, filters where the sheet is a list, each
number column in its declared format (analytics.data.formats), and A4 landscape one page wide
with the header row on every page, the title and scope in the page header and page numbers in
the footer. It lives here, below every writer in the layer order, so they all share it."""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.data import formats
from analytics.data.colours import HEADER_FILL

PRINT_TEXT_MAX = 120  # characters Excel keeps in one section of a page header, with room for codes
FOOTER = "第 &P 页,共 &N 页"


def header_font() -> Font:
    return Font(bold=True)


def header_fill() -> PatternFill:
    return PatternFill("solid", fgColor=HEADER_FILL.lstrip("#"))


def header_cell(ws: Worksheet, value: object) -> WriteOnlyCell:
    """A header cell for a write-only sheet (its rows are styled as they are appended)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.font, cell.fill = header_font(), header_fill()
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def style_header(ws: Worksheet, header_row: int) -> None:
    """Bold, shaded, wrapped header cells of an ordinary sheet."""
    for cell in ws[header_row]:
        cell.font, cell.fill = header_font(), header_fill()
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def print_text(text: str) -> str:
    """Text for a page header: '&' starts a header code, so it is doubled."""
    return text.replace("&", "&&")[:PRINT_TEXT_MAX]


def lay_out(ws: Worksheet, *, header_row: int, columns: int, rows: int, title: str = "", subtitle: str = "",
            filters: bool = True) -> None:
    """Freeze below the header row, filter the list (`filters`; a form to fill goes without),
    and set up the page: A4 landscape, one page wide, the header row repeated, the title and
    scope in the page header. Works on write-only sheets too (call it before the rows)."""
    ws.freeze_panes = f"A{header_row + 1}"
    if filters:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(max(columns, 1))}{header_row + max(rows, 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    if title:
        ws.oddHeader.center.text, ws.oddHeader.center.size = print_text(title), 12
    if subtitle:
        ws.oddHeader.left.text, ws.oddHeader.left.size = print_text(subtitle), 8
    ws.oddFooter.center.text = FOOTER
    ws.print_options.gridLines = True


def apply_formats(ws: Worksheet, header_row: int, by_column: Mapping[int, formats.Format]) -> None:
    """Each listed column (1-based index) below the header in its declared Excel number format."""
    for index, fmt in by_column.items():
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
            cell.number_format = fmt.excel
