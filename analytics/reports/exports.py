"""Excel exports for meetings and field visits: Chinese headers, a title row that names the
scope and the data snapshot, and personal data masked unless the caller may see it.

Every cell is inert text: a value such as =HYPERLINK("http://…?"&A1,"点我") that came in with a
name or a project is written as a text cell with Excel's quote prefix, so Excel shows it and never
evaluates it (CSV/formula injection, OWASP); characters Excel cannot hold are dropped, so an
export never fails on data that is in the store.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.access.privacy import mask_frame
from analytics.data import formats, workbook_layout
from analytics.data.contract import TABLES

_HEADERS = {c.id: c.zh for t in TABLES.values() for c in t.columns}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheet programs may read as a formula
# C0 controls other than tab, line feed and carriage return, lone surrogates and U+FFFE/U+FFFF: not
# allowed in the XML of an .xlsx
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def writable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with characters an .xlsx cannot hold removed from its text cells."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: UNWRITABLE.sub("", v) if isinstance(v, str) else v)
    return out


def make_inert(ws: Worksheet) -> None:
    """Every text cell that starts like a formula becomes a quote-prefixed text cell."""
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"  # openpyxl guessed "f" for a leading "="
                cell.quotePrefix = True


def chinese_headers(frame: pd.DataFrame, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename English column ids to their contract headers (plus any extra labels)."""
    return frame.rename(columns={**_HEADERS, **(extra or {})})


def _typed(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[object, formats.Format]]:
    """The frame as it is written (yes/no as 是/否, numbers scaled and rounded to what they
    show) and the format of each number column, by its id before headers are renamed."""
    out, shown = frame.copy(), {}
    for column in frame.columns:
        fmt = formats.of(column, frame[column])
        if fmt is formats.BOOLEAN:
            out[column] = frame[column].map(lambda v: formats.YES_NO.get(v, v) if isinstance(v, bool | np.bool_) else v)
        elif fmt is not None:
            out[column] = (pd.to_numeric(frame[column]) * fmt.scale).round(fmt.digits)
            shown[column] = fmt
    return out, shown


def excel_bytes(frame: pd.DataFrame, title: str, subtitle: str, *, personal_visible: bool = False,
                headers: dict[str, str] | None = None, sheet: str = "数据", names_visible: bool = False,
                notes: Sequence[str] = ()) -> bytes:
    """One sheet: the title, the subtitle (scope, snapshot, time), any `notes` (a plan's budget,
    rules and scenario), a blank row, then the table with its header frozen and filtered, each
    number column in its declared format (analytics.data.formats), printed A4 landscape;
    `names_visible` keeps names whole while ID numbers stay masked (a 乡镇 account's visit list)."""
    table = frame if personal_visible else mask_frame(frame, keep_names=names_visible)
    table, number_formats = _typed(table)
    ids = list(table.columns)
    table = writable(chinese_headers(table, headers))
    title, subtitle = UNWRITABLE.sub("", title), UNWRITABLE.sub("", subtitle)
    notes = [UNWRITABLE.sub("", n) for n in notes]
    buffer = io.BytesIO()
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    header_row = 4 + len(notes)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False, startrow=header_row - 1)
        ws = writer.sheets[sheet]
        ws["A1"] = title
        ws["A2"] = f"{subtitle} · 导出时间 {stamp}"
        ws["A1"].font = Font(bold=True, size=14)
        for i, note in enumerate(notes, start=3):
            ws.cell(row=i, column=1, value=note)
        for i, name in enumerate(table.columns, start=1):
            letter = get_column_letter(i)
            values = [str(v) for v in table[name].head(200)]
            width = max(len(str(name)), *(len(v) for v in values)) if values else len(str(name))
            ws.column_dimensions[letter].width = min(40, width * 1.6 + 2)
        workbook_layout.apply_formats(ws, header_row, {i: number_formats[c] for i, c in enumerate(ids, start=1)
                                                       if c in number_formats})
        workbook_layout.style_header(ws, header_row)
        workbook_layout.lay_out(ws, header_row=header_row, columns=len(ids), rows=len(table), title=title,
                                subtitle=subtitle)
        make_inert(ws)
    return buffer.getvalue()


def plan_notes(year: int, budget_wan: float, scenario: str, rules: Sequence[str]) -> list[str]:
    """The rows every exported plan carries above its table: which scenario, for which year,
    with what budget and under which rules, so a printed plan is never read without them."""
    return [f"方案:{scenario} · 计划年度 {year} · 总预算 {budget_wan:,.1f} 万元", f"规则:{';'.join(rules) or '无'}"]
