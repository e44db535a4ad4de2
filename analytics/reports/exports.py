"""Excel exports for meetings and field visits: Chinese headers, a title row that names the
scope and the data snapshot, and personal data masked unless the caller may see it."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd

from analytics.access.privacy import mask_frame
from analytics.data.contract import TABLES

_HEADERS = {c.id: c.zh for t in TABLES.values() for c in t.columns}


def chinese_headers(frame: pd.DataFrame, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """Rename English column ids to their contract headers (plus any extra labels)."""
    return frame.rename(columns={**_HEADERS, **(extra or {})})


def excel_bytes(frame: pd.DataFrame, title: str, subtitle: str, *, personal_visible: bool = False,
                headers: dict[str, str] | None = None, sheet: str = "数据", names_visible: bool = False) -> bytes:
    """One sheet: the title, the subtitle (scope, snapshot, time), a blank row, then the table;
    `names_visible` keeps names whole while ID numbers stay masked (a 乡镇 account's visit list)."""
    table = frame if personal_visible else mask_frame(frame, keep_names=names_visible)
    table = chinese_headers(table, headers)
    buffer = io.BytesIO()
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name=sheet, index=False, startrow=3)
        ws = writer.sheets[sheet]
        ws["A1"] = title
        ws["A2"] = f"{subtitle} · 导出时间 {stamp}"
        ws["A1"].font = ws["A1"].font.copy(bold=True, size=14)
        for i, column in enumerate(table.columns, start=1):
            width = max(len(str(column)), *(len(str(v)) for v in table[column].head(200))) if len(table) else len(str(column))
            ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = min(40, width * 1.6 + 2)
    return buffer.getvalue()
