"""The 督办单: for one lead department, its red and overdue tasks, as a .docx notice to print and
sign and as an .xlsx list (every cell inert text); and the deck's list of red and overdue tasks."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook

from analytics import settings
from analytics.ledger import status as ledger_status
from analytics.ledger import workbook

SLIDE_LIMIT = 10
COLUMNS = {"task_id": "编号", "section": "章节", "task": "任务", "measure": "具体措施", "status_zh": "状态",
           "reason": "原因", "overdue_reason": "报告情况"}
OFFICE = "县乡村振兴工作领导小组办公室"


def flagged(table: pd.DataFrame) -> pd.DataFrame:
    """Red or overdue tasks, red first, then by section."""
    out = table[(table["status"] == ledger_status.RED) | table["overdue"]]
    order = out["status"].map(ledger_status.ORDER)
    return out.assign(_order=order).sort_values(["_order", "task_id"]).drop(columns="_order")


def for_department(table: pd.DataFrame, department: str) -> pd.DataFrame:
    """The department's own red and overdue tasks (as lead)."""
    return flagged(table[table["lead"] == department])


def slide(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """At most SLIDE_LIMIT red or overdue tasks for the meeting deck, and how many more there are."""
    rows = flagged(table)
    return rows.head(SLIDE_LIMIT), max(len(rows) - SLIDE_LIMIT, 0)


def _title(county: str, department: str) -> str:
    return f"{county}乡村振兴任务督办单({department})"


def docx_bytes(rows: pd.DataFrame, county: str, department: str, today: date) -> bytes:
    """The notice: whom, which tasks and why, what to do by when, and who sends it."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(_title(county, department))
    run.bold, run.font.size = True, Pt(16)
    doc.add_paragraph(f"{department}:")
    doc.add_paragraph(
        f"根据《巩固拓展脱贫攻坚成果同乡村振兴有效衔接实施方案》任务台账,截至 {today:%Y年%m月%d日},贵单位牵头的下列 "
        f"{len(rows)} 项任务为红色或逾期未报。请对照原因逐项说明情况、提出整改措施和完成时限,"
        f"补报逾期的进展,并于 {settings.integer('ledger.notice_reply_days')} 个工作日内书面报送{OFFICE}。")
    grid = doc.add_table(rows=1, cols=len(COLUMNS))
    grid.style = "Table Grid"
    for cell, label in zip(grid.rows[0].cells, COLUMNS.values()):
        cell.text = label
        cell.paragraphs[0].runs[0].bold = True
    for _, row in rows.iterrows():
        for cell, column in zip(grid.add_row().cells, COLUMNS):
            cell.text = str(row[column] or "")
    if rows.empty:
        doc.add_paragraph("本期没有红色或逾期未报的任务。")
    signature = doc.add_paragraph(f"\n{OFFICE}\n{today:%Y年%m月%d日}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: pd.DataFrame, department: str) -> bytes:
    """The same list as a workbook of inert text cells."""
    book = Workbook()
    book.remove(book.active)
    frame = rows[list(COLUMNS)].rename(columns=COLUMNS) if not rows.empty else pd.DataFrame(columns=list(COLUMNS.values()))
    workbook.write_sheet(book, "督办任务", frame, {"具体措施": 40, "原因": 40, "报告情况": 36, "任务": 24},
                         heading=f"督办任务清单 · {department}", scope=OFFICE)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text(rows: pd.DataFrame, county: str, department: str, today: date) -> str:
    """The notice as plain text (what the .docx says), for a preview where Word is not at hand."""
    lines = [_title(county, department), f"{department}:", f"截至 {today:%Y年%m月%d日},贵单位牵头的下列 {len(rows)} 项任务为红色或逾期未报:"]
    for _, r in rows.iterrows():
        lines.append(f"[{r['status_zh']}] {r['task_id']} {r['section']} {r['measure']} —— {r['reason']}"
                     + (f";{r['overdue_reason']}" if r["overdue_reason"] else ""))
    return "\n".join(lines + [OFFICE])
