"""Reading untrusted files within bounds, so that no file can take the server down.

A 5 KB .xlsx whose only cells are a header and one value at XFD1048576 makes a spreadsheet
parser build a dense grid of hundreds of GB. Two defences, both needed:

1. `scan` reads each worksheet's declared dimension and its real cell references straight from
   the archive (streamed, a megabyte at a time) and refuses sheets beyond the settings
   import.max_rows / import.max_columns, and archives that unpack to more than
   import.max_uncompressed_mb, before any parser sees them.
2. `read_isolated` parses each spreadsheet and boundary file in a child process (forked from a
   small server process, not from the Streamlit server) whose address space is capped at
   import.reader_memory_mb: whatever a parser does with a file the scan cannot judge (.xls, a
   shapefile, an .xlsx within the limits that still expands), the child dies alone and the user
   gets a message naming the file. CSV files, whose memory grows with their bounded size only,
   are read in the server's process.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import sys
import threading
import types
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

from analytics import settings
from analytics.ingest import boundaries
from analytics.ingest import reading as importer
from analytics.ingest.report import ERROR, Report

_CHUNK = 1 << 20
_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,4})(\d{1,8})"')
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d{1,8})\"")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="(?:[A-Z]{1,4}\d{1,8}:)?([A-Z]{1,4})(\d{1,8})"')
_ZIPPED = (".xlsx", ".xlsm", ".zip")


# --- the scan --------------------------------------------------------------------------------
def column_number(letters: str) -> int:
    """Excel column letters to a 1-based number: A = 1, XFD = 16384."""
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _extent(archive: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The last row and column a worksheet declares or uses, read in chunks without parsing."""
    rows = columns = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            for m in _CELL.finditer(text):
                columns = max(columns, column_number(m.group(1).decode()))
                rows = max(rows, int(m.group(2)))
            for m in _ROW.finditer(text):
                rows = max(rows, int(m.group(1)))
            for m in _DIMENSION.finditer(text):
                columns = max(columns, column_number(m.group(1).decode()))
                rows = max(rows, int(m.group(2)))
            tail = text[-256:]  # a tag cut by the chunk boundary is read whole with the next one
    return rows, columns


def scan(path: Path, file: str, report: Report) -> bool:
    """Whether a file is within the import limits; each excess is an error naming file and sheet."""
    if path.suffix.lower() not in _ZIPPED:
        return True
    limit_mb = settings.number("import.max_uncompressed_mb")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist()) / 1024 / 1024
            if unpacked > limit_mb:
                report.add(ERROR, file, f"文件解压后有 {unpacked:,.0f} MB,超过导入上限 {limit_mb:,.0f} MB"
                                        "(import.max_uncompressed_mb):请检查文件,或拆分后分批导入")
                return False
            if path.suffix.lower() == ".zip":
                return True
            return _within(archive, file, report)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError):
        return True  # not a readable archive: the reader says so in its own words


def _within(archive: zipfile.ZipFile, file: str, report: Report) -> bool:
    max_rows, max_columns = settings.integer("import.max_rows"), settings.integer("import.max_columns")
    ok = True
    for name, member in importer.worksheet_parts(archive):
        if member not in archive.namelist():
            continue
        rows, columns = _extent(archive, member)
        if rows > max_rows or columns > max_columns:
            last = f"{importer.column_letter(columns - 1)}{rows}" if rows and columns else f"第 {rows} 行"
            report.add(ERROR, file, f"工作表的范围到 {last}({rows:,} 行 × {columns:,} 列),超过导入上限 "
                                    f"{max_rows:,} 行 × {max_columns:,} 列(import.max_rows、import.max_columns):"
                                    "请删去表格下方和右侧的空白行列(或把数据复制到新工作表)后再导入", sheet=name)
            ok = False
    return ok


# --- the child process -----------------------------------------------------------------------
_POOL_CONTEXT: multiprocessing.context.BaseContext | None = None


def _context() -> multiprocessing.context.BaseContext:
    """A fork server that has imported the readers once: each check forks a small, single-threaded
    process from it in milliseconds, never the (threaded, large) server itself."""
    global _POOL_CONTEXT
    if _POOL_CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["analytics.ingest.isolation"])
        _POOL_CONTEXT = context
    return _POOL_CONTEXT


@contextmanager
def _main_not_inherited() -> Iterator[None]:
    """A child started by multiprocessing imports the parent's __main__ first; under AppTest that is
    a page script (or a test's temporary script) that must not run again, so while the child starts
    the parent's __main__ is an empty module: the child needs only this module."""
    with _MAIN_LOCK:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


_MAIN_LOCK = threading.Lock()


def limit_memory(megabytes: float) -> None:
    """Cap this process's address space: the reader child here, the job child (analytics.jobs)."""
    os.environ["RUST_BACKTRACE"] = "0"  # a parser that aborts leaves one line in the log, not a page
    limit = int(megabytes * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def read_one(path: Path, file: str, crs: str) -> tuple[list[importer.Sheet], Report]:
    """One file's sheets and its own report: what the child process runs."""
    report = Report()
    suffix = path.suffix.lower()
    try:
        if suffix in importer.EXCEL_SUFFIXES:
            sheets = importer.read_excel(path, file, report)
        elif suffix in importer.CSV_SUFFIXES:
            sheets = importer.read_csv(path.read_bytes(), file, report)
        else:
            sheets = boundaries.read(path, file, crs, report)
    except MemoryError:
        report.add(ERROR, file, memory_message())
        return [], report
    return sheets, report


def memory_message() -> str:
    """Why a child reading a file died: almost always the memory cap (a native parser aborts)."""
    limit = settings.number("import.reader_memory_mb")
    return (f"读取这个文件所需的内存超过上限 {limit:,.0f} MB(import.reader_memory_mb),读取已中止:"
            "文件可能含有极大的空白区域或异常的结构;请把数据复制到新的工作簿、另存后再导入")


def read_isolated(path: Path, file: str, crs: str, report: Report,
                  reader: Callable[[Path, str, str], tuple[list[importer.Sheet], Report]] = read_one,
                  ) -> list[importer.Sheet]:
    """`reader(path, file, crs)` in a child process capped at import.reader_memory_mb; a child that
    dies (out of memory, or a parser that aborts) is an error naming the file, never the server's end."""
    if path.suffix.lower() in importer.CSV_SUFFIXES:
        # a CSV needs memory in proportion to its size, which import.max_file_mb bounds; reading it
        # here saves handing its rows back from a child (+1.4 s per 100,000 rows, measured)
        sheets, own = reader(path, file, crs)
        report.extend(own)
        return sheets
    limit = settings.number("import.reader_memory_mb")
    with ProcessPoolExecutor(max_workers=1, mp_context=_context(), initializer=limit_memory,
                             initargs=(limit,)) as pool:
        try:
            with _main_not_inherited():
                job = pool.submit(reader, path, file, crs)  # the child starts here
            sheets, own = job.result()
        except BrokenProcessPool:
            report.add(ERROR, file, memory_message())
            return []
    report.extend(own)
    return sheets
