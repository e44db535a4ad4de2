"""会议汇报材料 as a Word file (.docx) the county office edits in WPS or Word before a meeting.

The same sections as the HTML briefing (`briefing.sections`): headings, sentences, cards as a
small table, tables, charts and the village map as pictures (analytics.reports.static_charts),
on A4 portrait. Body text is set in 宋体 and headings in 黑体 (East Asian font names, which WPS
and Word map to what the PC has); the file holds aggregates and project lists only.
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from analytics.reports import briefing, static_charts
from analytics.reports.briefing import Chart, Kpis, Map, Section, Table, Text

BODY_FONT, HEADING_FONT = "宋体", "黑体"
TEXT_WIDTH = Cm(16)
NOTE_GREY = RGBColor(0x55, 0x55, 0x55)
EDIT_NOTE = "本文件可在 WPS 或 Word 中直接编辑;图表为图片,数字以生成时的数据快照为准。"


def _font(style_or_run, name: str, size: float | None = None) -> None:
    """Latin and East Asian font of a style or run (Word keeps them apart; WPS reads eastAsia)."""
    font = style_or_run.font
    font.name = name
    if size:
        font.size = Pt(size)
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attribute in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), name)


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.2)
    _font(doc.styles["Normal"], BODY_FONT, 11)
    for name, size in (("Title", 18), ("Heading 1", 15)):
        _font(doc.styles[name], HEADING_FONT, size)
        doc.styles[name].font.color.rgb = RGBColor(0, 0, 0)
    return doc


def _note(doc: Document, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.font.size = Pt(9)
    run.font.color.rgb = NOTE_GREY


def _table(doc: Document, headers: list[str], rows: list[list[tuple[str, bool]]], size: float = 9) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold, run.font.size = True, Pt(size)
    for row in rows:
        cells = table.add_row().cells
        for cell, (text, numeric) in zip(cells, row):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(text).font.size = Pt(size)
            if numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _kpis(doc: Document, kpis: Kpis) -> None:
    """Cards as a table of label / value / note, four (five) to a row."""
    per_row = 5 if kpis.five else 4
    table = doc.add_table(rows=0, cols=per_row)
    table.style = "Table Grid"
    for start in range(0, len(kpis.items), per_row):
        cells = table.add_row().cells
        for cell, (label, value, unit, note) in zip(cells, kpis.items[start:start + per_row]):
            cell.text = ""
            cell.paragraphs[0].add_run(label).font.size = Pt(9)
            big = cell.add_paragraph().add_run(value + (f" {unit}" if unit and value != "—" else ""))
            big.bold, big.font.size = True, Pt(14)
            if note:
                small = cell.add_paragraph().add_run(note)
                small.font.size, small.font.color.rgb = Pt(8), NOTE_GREY


def _picture(doc: Document, image: bytes) -> None:
    doc.add_picture(io.BytesIO(image), width=TEXT_WIDTH)


def _section(doc: Document, section: Section) -> None:
    doc.add_heading(section.title, level=1)
    for block in section.blocks:
        if isinstance(block, Text):
            if block.kind == "note":
                _note(doc, block.text)
            else:
                doc.add_paragraph().add_run(block.text).bold = block.kind == "bold"
        elif isinstance(block, Kpis):
            _kpis(doc, block)
        elif isinstance(block, Chart):
            _picture(doc, static_charts.png(block.figure, block.title, block.height))
        elif isinstance(block, Table):
            _table(doc, list(block.columns.values()), block.cells())
        elif isinstance(block, Map):
            edges, colour = briefing.classes(block.values)
            _picture(doc, static_charts.map_png(block.shapes, block.values, block.title, block.unit, edges, colour,
                                                briefing.MISSING))


def build(inputs: briefing.Inputs, generated_at: datetime | None = None) -> bytes:
    """The briefing as a .docx file (bytes)."""
    brief = briefing.sections(inputs, generated_at)
    doc = _document()
    doc.core_properties.title = brief.title
    doc.add_heading(brief.title, level=0)
    _note(doc, brief.meta)
    if brief.demo:
        doc.add_paragraph().add_run(briefing.DEMO_NOTE).bold = True
    *body, about = brief.sections
    for section in body:
        _section(doc, section)
    _section(doc, Section(about.title, [*about.blocks, Text(EDIT_NOTE, "note")]))
    if brief.unconfirmed:
        _note(doc, brief.unconfirmed)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
