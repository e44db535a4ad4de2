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
from datetime import datetime

import pandas as pd

from analytics.access.privacy import mask_frame
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


def make_inert(ws: object) -> None:
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


def excel_bytes(frame: pd.DataFrame, title: str, subtitle: str, *, personal_visible: bool = False,
                headers: dict[str, str] | None = None, sheet: str = "数据", names_visible: bool = False,
                lines: tuple[str, ...] = ()) -> bytes:
    """One sheet: the title, the subtitle (scope, snapshot, time), any further header `lines` (a
    plan's budget and rules), a blank row, then the table; `names_visible` keeps names whole while
    ID numbers stay masked (a 乡镇 account's visit list)."""
    table = frame if personal_visible else mask_frame(frame, keep_names=names_visible)
    table = writable(chinese_headers(table, headers))
    title, subtitle = UNWRITABLE.sub("", title), UNWRITABLE.sub("", subtitle)
    buffer = io.BytesIO()
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False, startrow=3 + len(lines))
        ws = writer.sheets[sheet]
        ws["A1"] = title
        ws["A2"] = f"{subtitle} · 导出时间 {stamp}"
        for row, line in enumerate(lines, start=3):
            ws.cell(row=row, column=1, value=UNWRITABLE.sub("", line))
        ws["A1"].font = ws["A1"].font.copy(bold=True, size=14)
        for i, column in enumerate(table.columns, start=1):
            width = max(len(str(column)), *(len(str(v)) for v in table[column].head(200))) if len(table) else len(str(column))
            ws.column_dimensions[ws.cell(row=4 + len(lines), column=i).column_letter].width = min(40, width * 1.6 + 2)
        make_inert(ws)
    return buffer.getvalue()
