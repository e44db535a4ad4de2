"""A filled visit list (预警名单 with 核实结果) coming back through the ordinary import.

The pipeline asks `recognises` of each file first: a sheet whose header names both 户编号 and
核实结果 is a visit list, not a contract table. `check` reads it, judges every row and returns
the results to keep, or reports each problem by file, row, column and value; one error and
nothing is kept. `save` keeps them in the store's database (analytics.data.visits), outside any
snapshot, so later household imports and rollbacks leave them as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
from python_calamine import CalamineWorkbook

from analytics import settings
from analytics.data import visits
from analytics.data.store import Store
from analytics.ingest.reading import CSV_SUFFIXES, EXCEL_SUFFIXES, HEAD_ROWS, decode, norm
from analytics.ingest.report import ERROR, WARNING, Report, display

# Headers of the columns a visitor fills in (the list's other columns are the system's own).
FILL_HEADERS: dict[str, str] = {"check_result": "核实结果", "checked_by": "核实人", "checked_on": "核实日期",
                                "note": "备注"}
KEY_HEADERS: dict[str, str] = {"year": "年度", "household_id": "户编号", "village_code": "村代码"}
REQUIRED = ("year", "household_id", "check_result", "checked_on")
DATE_FORMATS = "Excel 日期、2025-01-15、2025/1/15 或 2025年1月15日"
_DATE = re.compile(r"(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*(?:-|/|月)\s*(\d{1,2})\s*日?")
_NAMES = {norm(h): cid for cid, h in {**KEY_HEADERS, **FILL_HEADERS}.items()} | {
    norm(cid): cid for cid in (*KEY_HEADERS, *FILL_HEADERS)}


def _grids(path: Path, rows: int | None = None) -> list[tuple[str, list[list[object]]]]:
    """Every worksheet of an Excel file (or the one table of a CSV) as rows of cells; with
    `rows`, only the first rows of each."""
    suffix = path.suffix.lower()
    if rows is not None and suffix in (".xlsx", ".xlsm"):  # streamed: a large data file is not parsed whole
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [(ws.title, [list(r) for r in ws.iter_rows(max_row=rows, values_only=True)]) for ws in book]
        finally:
            book.close()
    if suffix in EXCEL_SUFFIXES:
        book = CalamineWorkbook.from_path(str(path))
        return [(name, book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=rows))
                for name in book.sheet_names]
    if suffix in CSV_SUFFIXES:
        data = path.read_bytes()
        if rows is not None:  # whole lines of the start only, so the encoding test sees no cut character
            data = data[:data.rfind(b"\n", 0, 65536) + 1] or data[:65536]
        text, _ = decode(data)
        grid = list(csv.reader(io.StringIO(text, newline="")))
        return [("", grid[:rows] if rows else grid)]
    return []


def _header(grid: list[list[object]]) -> tuple[int, dict[int, str]] | None:
    """The header row's index and its columns (grid column -> id), if it names 户编号 and 核实结果."""
    for i, row in enumerate(grid[:HEAD_ROWS]):
        columns = {j: _NAMES[norm(c)] for j, c in enumerate(row) if norm(c) in _NAMES}
        if {"household_id", "check_result"} <= set(columns.values()):
            return i, columns
    return None


def recognises(path: Path) -> bool:
    """Whether the file is a filled visit list; a file that cannot be read is left to the
    ordinary reader, which says why."""
    if not path.is_file() or path.stat().st_size > settings.number("import.max_file_mb") * 1024 * 1024:
        return False
    try:
        return any(_header(grid) for _, grid in _grids(path, HEAD_ROWS))
    except Exception:  # calamine and the decoder raise their own types for damaged files
        return False


def parse_date(value: object) -> dt.date | None:
    """A visit date from an Excel date cell or text in DATE_FORMATS; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.fullmatch(str(value).strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _rows(paths: Sequence[Path], names: Sequence[str], report: Report) -> pd.DataFrame:
    frames = []
    for path, name in zip(paths, names):
        for sheet, grid in _grids(path):
            found = _header(grid)
            if found is None:
                continue
            head, columns = found
            for cid in REQUIRED:
                if cid not in columns.values():
                    header = {**KEY_HEADERS, **FILL_HEADERS}[cid]
                    report.add(ERROR, name, f"核实结果名单缺少必填列“{header}”", sheet=sheet, row=head + 1, column=header)
            body = [r for r in grid[head + 1:]]
            frame = pd.DataFrame({cid: [r[j] if j < len(r) else None for r in body] for j, cid in columns.items()})
            frame = frame.reindex(columns=list({**KEY_HEADERS, **FILL_HEADERS}))
            frame["file"], frame["sheet"], frame["row"] = name, sheet, range(head + 2, head + 2 + len(body))
            frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else display(value, 10_000).strip()


def check(paths: Sequence[Path], names: Sequence[str], store: Store | None, townships: tuple[str, ...] | None,
          report: Report) -> pd.DataFrame:
    """The results to keep (visits.RESULT_COLUMNS, one row per household and year with a result),
    or an empty frame with every problem in `report`. `townships`: the uploader's (None: county)."""
    frame = _rows(paths, names, report)
    out = pd.DataFrame(columns=visits.RESULT_COLUMNS)
    if not report.ok or frame.empty:
        return out
    listed = visits.listings(store) if store is not None else pd.DataFrame(columns=["year", "household_id"])
    info = store.current() if store is not None else None
    ids = sorted({_text(v) for v in frame["household_id"]} - {""})
    known = set(store.rows("households", info.id, columns=["household_id"], where=(("household_id", "in", ids),))
                ["household_id"]) if info and ids else set()
    villages = set(store.table("villages", info.id, columns=["village_code"])["village_code"]) if info else set()
    on_list = {(int(y), h): (t, at[:10]) for y, h, t, at in
               zip(listed["year"], listed["household_id"], listed["township_code"], listed["listed_at"])}
    kept, seen = [], set()
    allowed = "、".join(visits.RESULTS)
    for r in frame.itertuples(index=False):
        cells = {c: _text(getattr(r, c)) for c in (*KEY_HEADERS, *FILL_HEADERS)}
        if not any(cells.values()):
            continue  # a blank line
        where = {"sheet": r.sheet, "row": r.row}

        def refuse(column: str, reason: str, value: str = "", where: dict = where, r: object = r) -> None:
            header = {**KEY_HEADERS, **FILL_HEADERS}[column]
            report.add(ERROR, r.file, reason, column=header, value=value, **where)

        result, household = cells["check_result"], cells["household_id"]
        if not result:
            if cells["checked_on"]:
                refuse("check_result", "填写了核实日期,但核实结果是空的:请填写核实结果" f"({allowed})")
            continue  # not yet visited
        if result not in visits.RESULTS:
            refuse("check_result", f"核实结果只能是:{allowed}(未核实请留空)", result)
            continue
        year = cells["year"]
        if not year.isdigit():
            refuse("year", "年度应为四位数字,例如 2025", year)
            continue
        village = cells["village_code"]
        if village and village not in villages:
            refuse("village_code", "本县没有这个村代码:这份名单可能来自其他县", village)
            continue
        if household not in known:
            refuse("household_id", "当前数据中没有这个户编号:请核对,或确认名单来自本县", household)
            continue
        key = (int(year), household)
        if key not in on_list:
            refuse("household_id", f"该户不在 {year} 年度导出的入户核实名单上:请使用本系统导出的名单", household)
            continue
        township, listed_on = on_list[key]
        if townships is not None and township not in townships:
            refuse("household_id", "该户不在您负责的乡镇范围内,不能上传其核实结果", household)
            continue
        if key in seen:
            refuse("household_id", f"该户 {year} 年度的核实结果在文件中出现了两次,请只保留一行", household)
            continue
        seen.add(key)
        day = parse_date(r.checked_on)
        if day is None:
            refuse("checked_on", f"核实日期无法识别:请填写 {DATE_FORMATS}", cells["checked_on"])
            continue
        if day > dt.date.today():
            refuse("checked_on", "核实日期晚于今天", cells["checked_on"])
            continue
        if day.isoformat() < listed_on:
            refuse("checked_on", f"核实日期早于该户列入名单的日期 {listed_on}", cells["checked_on"])
            continue
        kept.append({"year": key[0], "household_id": household, "result": result, "visitor": cells["checked_by"],
                     "visited_on": day.isoformat(), "note": cells["note"]})
    if not report.ok:
        return out
    if not kept:
        report.add(WARNING, "、".join(names), "名单中没有填写核实结果的行,没有可导入的内容")
        return out
    report.notes.append(f"{'、'.join(names)}:识别为入户核实结果名单,有核实结果 {len(kept):,} 户")
    return pd.DataFrame(kept, columns=visits.RESULT_COLUMNS)


def save(store: Store, results: pd.DataFrame, user: str, files: Sequence[str], scope: str,
         client: str = "") -> int:
    """Keep checked results; returns how many households' results are new or changed."""
    return visits.save_results(store, results, user, "、".join(files), scope, client)
