"""Reading a county's tables from .xlsx/.xls and .csv files into raw sheets.

Files come from the national monitoring system, the statistics bureau or hand-made
spreadsheets: CSV in UTF-8, UTF-8 with BOM, GBK or GB18030; Chinese headers or English ids;
title rows above the header; merged or two-row headers; formulas. This module finds the header,
decides which contract table a sheet holds, maps its columns and keeps every data row's row
number as Excel shows it. It does not judge values: analytics.ingest.validation does.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from python_calamine import CalamineWorkbook

from analytics.data.contract import TABLES, Table
from analytics.ingest.report import ERROR, WARNING, Report, display
from analytics.ingest.templates import EXAMPLES

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv", ".txt")
HEAD_ROWS = 30  # the header must start within the first 30 rows
INSTRUCTION_SHEETS = {"说明", "填表说明", "instructions"}
TOTAL_LABELS = ("合计", "总计", "小计")
ROW = "_row"  # the column holding each data row's number as Excel shows it
# A households header that names this column is a person-level export (one row per member):
# its sheet keeps every column by letter and analytics.ingest.persons aggregates it.
PERSON_MARK = "与户主关系"
PERSONS = "persons"

# csv's default 128 KB field limit would end a check with csv.Error; an over-long cell is instead a
# row-level error in validation (import.max_cell_chars), and files are bounded by import.max_file_mb
csv.field_size_limit(2**31 - 1)

# Header names seen in national monitoring system exports, beyond the contract's own headers.
EXTRA_ALIASES: dict[str, dict[str, str]] = {
    "households": {"证件号码": "head_id_number", "身份证号码": "head_id_number",
                   "户主身份证号码": "head_id_number", "消除监测时间": "risk_eliminated_at",
                   "人均纯收入(元)": "per_capita_net_income"},
    "villages": {"行政村代码": "village_code", "行政村名称": "village_name", "村名": "village_name"},
}


@dataclass
class Sheet:
    """One recognised table in one file (and worksheet): raw cells by contract column id."""

    file: str
    sheet: str
    table: str
    header_row: int  # Excel row number of the (last) header row
    headers: dict[str, str]  # column id -> header as written in the file
    frame: pd.DataFrame  # raw cells by column id, plus ROW
    encoding: str = ""
    extras: list[str] = field(default_factory=list)
    title: str = ""  # text of the rows above the header (a person-level export's year is there)


def norm(text: object) -> str:
    """Header text made comparable: full-width to half-width, no spaces, no * marks, lower case."""
    value = unicodedata.normalize("NFKC", display(text, limit=200))
    return re.sub(r"\s+", "", value).strip("*").lower()


def _without_unit(text: str) -> str:
    return re.sub(r"\([^()]*\)$", "", text)


def _lookup(table: Table) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in table.columns:
        names.setdefault(_without_unit(norm(column.zh)), column.id)
        names[norm(column.zh)] = column.id
        names[norm(column.id)] = column.id
    for alias, column_id in {**EXTRA_ALIASES.get(table.name, {}), **table.aliases}.items():
        names[norm(alias)] = column_id
    return names


_LOOKUPS = {t.name: _lookup(t) for t in TABLES.values() if not t.geometry}


def match(table: str, cell: object) -> str | None:
    """The contract column a header cell names, if any (英文列名 or 中文表头, units optional)."""
    text = norm(cell)
    if not text:
        return None
    names = _LOOKUPS[table]
    return names.get(text) or names.get(_without_unit(text))


@dataclass
class _Layout:
    table: str
    first: int  # grid index of the first header row
    last: int  # grid index of the last header row
    columns: dict[int, str]  # grid column -> column id
    headers: dict[int, str]  # grid column -> header text
    extras: dict[int, str]  # grid column -> header text of columns the contract does not know
    duplicates: list[tuple[int, str]]


def _matches(row: list[object], table: str) -> set[str]:
    return {m for cell in row if (m := match(table, cell))}


def locate(head: list[list[object]], hint: str = "") -> _Layout | None:
    """Find the header rows and the table among the first rows of a sheet.

    The row naming most contract columns wins; rows just above it that also name some
    (a two-row header) and rows just below it that mostly name some belong to the header too.
    """
    hinted = {t.name for t in TABLES.values() if not t.geometry and (t.zh in hint or t.name in hint)}
    best: tuple[tuple, int, str] | None = None
    for i, row in enumerate(head):
        for name in _LOOKUPS:
            found = len(_matches(row, name))
            if found < 2:
                continue
            key = (found, name in hinted, found / len(TABLES[name].columns))
            if best is None or key > best[0]:
                best = (key, i, name)
    if best is None:
        return None
    _, row_index, table = best
    first = row_index
    while first > max(0, row_index - 3) and _matches(head[first - 1], table):
        first -= 1
    last = row_index
    while last + 1 < min(len(head), row_index + 3):
        below = head[last + 1]
        filled = [c for c in below if norm(c)]
        if not filled or len(_matches(below, table)) < max(1, len(filled) / 2):
            break
        last += 1
    return _map_columns(head, table, first, last)


def _map_columns(head: list[list[object]], table: str, first: int, last: int) -> _Layout:
    width = max(len(head[r]) for r in range(first, last + 1))
    layout = _Layout(table, first, last, {}, {}, {}, [])
    used: set[str] = set()
    for j in range(width):
        texts = [display(head[r][j], 200).strip() for r in range(last, first - 1, -1) if j < len(head[r])]
        texts = [t for t in texts if t]
        column_id = next((m for t in texts if (m := match(table, t))), None)
        if column_id is None:
            if texts:
                layout.extras[j] = texts[0]
            continue
        header = next(t for t in texts if match(table, t) == column_id)
        if column_id in used:
            layout.duplicates.append((j, header))
            continue
        used.add(column_id)
        layout.columns[j] = column_id
        layout.headers[j] = header
    return layout


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- text files ------------------------------------------------------------------------------
class EncodingProblem(ValueError):
    """Bytes in none of the accepted encodings; `row` is the line they are on, when known."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


SLICE_BYTES = 1 << 24  # a CSV file is checked and decoded 16 MB at a time, never as one string
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _slices(data: bytes, start: int = 0) -> Iterator[tuple[int, int]]:
    """(start, end) of about SLICE_BYTES each, ending after a line feed: no character of UTF-8, GBK
    or GB18030 spans a slice, as none of their multi-byte characters holds the byte 0x0A."""
    while start < len(data):
        end = data.find(b"\n", start + SLICE_BYTES)
        end = len(data) if end < 0 else end + 1
        yield start, end
        start = end


def _chinese(text: str) -> int:
    """Chinese characters in a text, counted up to two (enough to tell real UTF-8 Chinese)."""
    return sum(1 for _ in itertools.islice(_CHINESE.finditer(text), 2))


def text_encoding(data: bytes) -> tuple[str, str, int]:
    """The codec of a CSV file, its name for the report and where its text starts (after a BOM),
    found by decoding the file a slice at a time, so a large file is never held as one string.

    Raises EncodingProblem with a Chinese reason naming the row when the bytes are in none of the
    accepted encodings (UTF-8, UTF-8 with BOM, GBK, GB18030) or mix them.
    """
    if data.startswith(codecs.BOM_UTF8):
        for start, end in _slices(data, 3):
            data[start:end].decode("utf-8", errors="strict")
        return "utf-8", "UTF-8(带 BOM)", 3
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16", 0
    if b"\x00" in data[:65536]:
        raise EncodingProblem("文件中有空字节:不是文本文件,或是不带 BOM 的 UTF-16 编码;请另存为 UTF-8 或 GBK 编码的 CSV")
    chinese = 0  # Chinese characters in the whole lines read so far (up to 2)
    for start, end in _slices(data):
        try:
            text = data[start:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            at = start + exc.start
            line = data.rfind(b"\n", start, at) + 1
            chinese += _chinese(data[start:line].decode("utf-8"))
            if chinese >= 2:  # whole lines of real UTF-8 Chinese first
                row = data.count(b"\n", 0, at) + 1
                raise EncodingProblem(f"文件是 UTF-8 编码,但第 {row} 行含有非 UTF-8 的字节"
                                      f"({data[at:at + 4].hex(' ')}):文件混用了两种编码,"
                                      "请在 Excel 中打开后整体另存为 CSV UTF-8", row) from None
            break
        chinese = chinese if chinese >= 2 else chinese + _chinese(text)
    else:
        return "utf-8", "UTF-8", 0
    for encoding in ("gbk", "gb18030"):
        try:
            for start, end in _slices(data):
                at = start
                data[start:end].decode(encoding)
            return encoding, encoding.upper(), 0
        except UnicodeDecodeError as exc:
            failure = at + exc.start
    row = data.count(b"\n", 0, failure) + 1
    raise EncodingProblem(f"无法识别文件编码:第 {row} 行的字节 {data[failure:failure + 4].hex(' ')} "
                          "既不是 UTF-8 也不是 GBK/GB18030;请另存为 UTF-8 或 GBK 编码的 CSV", row)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a small text file and the name of its encoding (see text_encoding)."""
    codec, label, start = text_encoding(data)
    return data[start:].decode(codec), label


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines)
    counts = {d: max((line.count(d) for line in lines), default=0) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] or "," not in sample else ","


def _line_start(data: bytes, start: int, lines: int) -> int:
    """Where the line after the first `lines` lines from `start` begins (len(data) if none)."""
    for _ in range(lines):
        found = data.find(b"\n", start)
        if found < 0:
            return len(data)
        start = found + 1
    return start


def read_csv(data: bytes, file: str, report: Report) -> list[Sheet]:
    """A CSV file's table. Only its first HEAD_ROWS lines are decoded in Python; the body goes to
    Arrow's reader as it is (transcoded there from GBK), so its cells become Arrow strings without
    the file ever being one Python string."""
    try:
        codec, encoding, start = text_encoding(data)
    except EncodingProblem as exc:
        report.add(ERROR, file, str(exc), row=exc.row)
        return []
    if codec == "utf-16":  # line feeds are two bytes there: such (rare, small) files are re-encoded
        data, codec, start = data.decode(codec).encode("utf-8"), "utf-8", 0
    head_lines = data[start:_line_start(data, start, HEAD_ROWS)].decode(codec).split("\n", HEAD_ROWS)[:HEAD_ROWS]
    delimiter = _delimiter(head_lines)
    reader = csv.reader(io.StringIO("\n".join(head_lines), newline=""), delimiter=delimiter)
    head, ends = [], []
    for record in reader:
        head.append(record)
        ends.append(reader.line_num)
    if not any(norm(c) for row in head for c in row):
        report.add(WARNING, file, "文件是空的,已忽略")
        return []
    layout = locate(head, norm(Path(file).stem))
    if layout is None:
        report.add(ERROR, file, _unrecognised(head, encoding))
        return []
    skip = ends[layout.last]
    body = memoryview(data)[_line_start(data, start, skip):]
    width = max(len(head[r]) for r in range(layout.first, layout.last + 1))
    cells, rows = _parse_body(body, codec, delimiter, width, skip, file, report)
    if _person_level(head, layout):
        return [_person_sheet(file, "", head, layout, cells, rows, encoding)]
    frame = pd.DataFrame({cid: cells[j] for j, cid in layout.columns.items()})
    frame[ROW] = rows
    unnamed = {j: s for j, s in cells.items() if j not in layout.columns}
    return _finish(file, "", layout, frame, skip, report, encoding, unnamed=unnamed)


def _parse_body(body: memoryview, codec: str, delimiter: str, width: int, skip: int, file: str,
                report: Report) -> tuple[dict[int, pd.Series], np.ndarray]:
    """Columns of the data rows as Arrow strings; rows whose field count differs from the header
    are parsed again exactly, so the report can name their line."""
    names = [f"c{j}" for j in range(width)]
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    if re.search(rb"\S", body):
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=names, encoding=codec),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_invalid,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
        if not invalid:
            rows = np.arange(skip + 1, skip + 1 + table.num_rows)
            return {j: table.column(n).to_pandas() for j, n in enumerate(names)}, rows
        del table
    records, rows = [], []
    reader = csv.reader(io.StringIO(bytes(body).decode(codec), newline=""), delimiter=delimiter)
    line = 0
    for record in reader:
        start = skip + line + 1
        line = reader.line_num
        if len(record) > width and any(c.strip() for c in record[width:]):
            report.add(ERROR, file, f"该行有 {len(record)} 个字段,比表头的 {width} 列多:可能是某个单元格里有未加引号的逗号",
                       row=start)
            continue
        records.append((record + [""] * width)[:width])
        rows.append(start)
    columns = list(zip(*records)) if records else [()] * width
    return ({j: pd.Series(list(columns[j]), dtype="str") for j in range(width)},
            np.array(rows, dtype=np.int64))


def _unrecognised(head: list[list[object]], encoding: str = "") -> str:
    first = next((row for row in head if any(norm(c) for c in row)), [])
    shown = "、".join(display(c, 20) for c in first[:6] if norm(c))
    hint = f";文件按 {encoding} 编码读取,如果表头显示为乱码,请另存为 UTF-8 或 GBK 编码" if encoding else ""
    return (f"无法识别这是哪张表:前 {HEAD_ROWS} 行中找不到至少两个约定的列名(第一行内容:{shown}){hint}。"
            "请使用数据模板中的中文表头或英文列名。")


# --- Excel files -----------------------------------------------------------------------------
def read_excel(path: Path, file: str, report: Report) -> list[Sheet]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for damaged or encrypted files
        report.add(ERROR, file, f"无法打开 Excel 文件(文件损坏、加密或不是 Excel 格式):{exc}")
        return []
    formulas = _uncomputed_formulas(path) if path.suffix.lower() in (".xlsx", ".xlsm") else {}
    sheets: list[Sheet] = []
    for name in workbook.sheet_names:
        if norm(name) in INSTRUCTION_SHEETS:
            continue
        try:
            grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:  # a damaged worksheet: name it and go on with the others
            report.add(ERROR, file, f"无法读取工作表:{exc}", sheet=name)
            continue
        if not any(display(c).strip() for row in grid for c in row):
            report.add(WARNING, file, "工作表是空的,已忽略", sheet=name)
            continue
        layout = locate(grid[:HEAD_ROWS], norm(name) + norm(Path(file).stem))
        if layout is None:
            report.add(WARNING, file, _unrecognised(grid[:HEAD_ROWS]) + "这张工作表未导入。", sheet=name)
            continue
        body = np.array(grid[layout.last + 1:], dtype=object)
        if body.ndim != 2:
            body = np.empty((0, max(len(r) for r in grid)), dtype=object)
        body[body == ""] = None  # calamine's empty cell: missing, so blank tests stay vectorised
        if _person_level(grid, layout):
            cells = {j: pd.Series(body[:, j], dtype=object) for j in range(body.shape[1])}
            rows = np.arange(layout.last + 2, layout.last + 2 + len(body))
            sheets.append(_person_sheet(file, name, grid, layout, cells, rows))
            continue
        frame = pd.DataFrame({cid: pd.Series(body[:, j], dtype=object) for j, cid in layout.columns.items()})
        frame[ROW] = np.arange(layout.last + 2, layout.last + 2 + len(body))
        unnamed = {j: pd.Series(body[:, j]) for j in range(body.shape[1]) if j not in layout.columns}
        for row, col, formula in formulas.get(name, []):
            header = layout.headers.get(col, column_letter(col) + " 列")
            if row > layout.last + 1 and col in layout.columns:
                report.add(ERROR, file, "单元格是公式,但文件里没有保存计算结果:请在 Excel 中打开该文件、保存后再导入",
                           sheet=name, row=row, column=header, value=f"={formula}")
        sheets += _finish(file, name, layout, frame, layout.last + 1, report, unnamed=unnamed)
    return sheets


def _uncomputed_formulas(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Formula cells whose file holds no computed value, by worksheet: (row, column, formula).

    Excel saves each formula's last value next to it, and the importer uses that value; a file
    written by a program that never calculated has formulas without values."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for name, part in worksheet_parts(archive):
                xml = archive.read(part)
                if b"<f" not in xml:
                    continue
                for m in re.finditer(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', xml, re.S):
                    cell = m.group(3) or b""
                    if b"<f" in cell and not re.search(rb"<v>[^<]", cell):
                        text = re.search(rb"<f[^>]*>(.*?)</f>", cell, re.S)
                        letters = m.group(1).decode()
                        col = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters))) - 1
                        out.setdefault(name, []).append(
                            (int(m.group(2)), col, text.group(1).decode("utf-8", "replace") if text else "…"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return out  # calamine reports a damaged file on its own
    return out


def worksheet_parts(archive: zipfile.ZipFile) -> Iterator[tuple[str, str]]:
    """(sheet name, archive member) of each worksheet of an .xlsx, in workbook order."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") or "" for r in rels}
    for sheet in book.iterfind("m:sheets/m:sheet", ns):
        target = targets.get(sheet.get(f"{{{ns['r']}}}id"), "")
        yield sheet.get("name") or "", target.lstrip("/") if target.startswith("/") else "xl/" + target


# --- common ----------------------------------------------------------------------------------
def _person_level(head: list[list[object]], layout: _Layout) -> bool:
    return layout.table == "households" and any(
        norm(c) == PERSON_MARK for r in range(layout.first, layout.last + 1) for c in head[r])


def _person_sheet(file: str, sheet: str, head: list[list[object]], layout: _Layout,
                  cells: dict[int, pd.Series], rows: np.ndarray, encoding: str = "") -> Sheet:
    """A person-level sheet: every column by its letter, headers as written, the title rows'
    text; recognising its columns and its rows is analytics.ingest.persons' job."""
    headers: dict[str, str] = {}
    for j in range(max(len(head[r]) for r in range(layout.first, layout.last + 1))):
        texts = [display(head[r][j], 200).strip() for r in range(layout.last, layout.first - 1, -1) if j < len(head[r])]
        if any(texts):
            headers[column_letter(j)] = next(t for t in texts if t)
    frame = pd.DataFrame({letter: cells[j].reset_index(drop=True) for j, letter in
                          ((j, column_letter(j)) for j in cells) if letter in headers})
    frame[ROW] = rows
    title = "\n".join(display(c, 200).strip() for row in head[:layout.first] for c in row if display(c).strip())
    return Sheet(file, sheet, PERSONS, layout.last + 1, headers, frame, encoding, title=title)


def _blank(series: pd.Series) -> np.ndarray:
    missing = series.isna().to_numpy().copy()
    if series.dtype == object:  # Excel cells: only strings can be blank text
        texts = np.flatnonzero(~missing & series.map(type).eq(str).to_numpy())
        missing[texts] = series.iloc[texts].str.strip().eq("").to_numpy()
        return missing
    if not pd.api.types.is_string_dtype(series):
        return missing
    return missing | series.str.strip().eq("").fillna(False).to_numpy()


def _finish(file: str, sheet: str, layout: _Layout, frame: pd.DataFrame, header_row: int, report: Report,
            encoding: str = "", unnamed: dict[int, pd.Series] | None = None) -> list[Sheet]:
    """Report header problems, drop blank, total and template-example rows, and wrap up."""
    table = TABLES[layout.table]
    where = {"sheet": sheet, "row": header_row}
    headers = {cid: layout.headers[j] for j, cid in layout.columns.items()}
    for j, header in layout.duplicates:
        report.add(ERROR, file, f"列“{header}”出现了两次(第 {column_letter(j)} 列),请删去多余的一列", column=header, **where)
    for header in layout.extras.values():
        report.add(WARNING, file, "约定中没有这一列,已忽略", column=header, **where)
    present = set(layout.columns.values())
    for column in table.columns:
        if column.required and column.id not in present:
            report.add(ERROR, file, f"缺少必填列“{column.zh}”(也可用英文列名 {column.id})", column=column.zh, **where)
    mapped = [c for c in frame.columns if c != ROW]
    if mapped and len(frame):
        blank = np.logical_and.reduce([_blank(frame[c]) for c in mapped])
        for j, cells in (unnamed or {}).items():
            if j not in layout.extras and not _blank(cells)[~blank].all():
                report.add(WARNING, file, "这一列有数据但没有表头,已忽略", column=f"第 {column_letter(j)} 列", **where)
        frame = frame[~blank] if blank.any() else frame  # a copy of a million rows only when needed
        total = frame[mapped[0]].astype("str").str.strip().str.startswith(TOTAL_LABELS).to_numpy(dtype=bool)
        if total.any():
            for row in frame.loc[total, ROW]:
                report.add(WARNING, file, "合计行,已忽略", sheet=sheet, row=int(row), column=headers[mapped[0]])
            frame = frame[~total]
        frame = _drop_example(frame, layout.table, file, sheet, report)
    if frame.empty:
        report.add(WARNING, file, f"表“{table.zh}”只有表头、没有数据行,未导入(当前数据中的这张表保持不变)", sheet=sheet)
        return []
    report.notes.append(
        f"{file}{f' 工作表“{sheet}”' if sheet else ''}:识别为“{table.zh}”,"
        f"{f'{encoding} 编码,' if encoding else ''}表头在第 {header_row} 行,数据 {len(frame):,} 行")
    return [Sheet(file, sheet, layout.table, header_row, headers, frame.reset_index(drop=True), encoding,
                  list(layout.extras.values()))]


def _drop_example(frame: pd.DataFrame, table: str, file: str, sheet: str, report: Report) -> pd.DataFrame:
    """The template's example row, left in by mistake, is dropped with a warning."""
    example = EXAMPLES.get(table, {})
    if frame.empty or not example:
        return frame
    first = frame.iloc[0]
    same = all(norm(first[c]) == norm(example.get(c, "")) for c in frame.columns if c != ROW)
    if not same:
        return frame
    report.add(WARNING, file, "这是模板中的示例行,已忽略", sheet=sheet, row=int(first[ROW]))
    return frame.iloc[1:]
