"""Helpers for the import tests: broken files are generated here from the demo county, so each
test shows the exact problem it plants and the exact answer the report must give."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from analytics.data.contract import TABLES
from analytics.data.store import Store
from analytics.ingest import pipeline as ingest
from analytics.ingest.report import display
from analytics.ingest.templates import _cell_value


def as_text(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A typed table as the strings a user would type, under the Chinese headers."""
    spec = TABLES[table]
    return pd.DataFrame({c.zh: [display(_cell_value(v, c)) for v in frame[c.id]]
                         for c in spec.columns if c.id in frame})


def csv_bytes(text: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    return text.to_csv(index=False, lineterminator="\n").encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> bytes:
    """A workbook from plain rows; merges name cell ranges per sheet (e.g. "A1:F1")."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(name, []):
            ws.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def check(folder: Path, files: dict[str, bytes], store: Store | None = None,
          options: ingest.Options | None = None) -> ingest.Checked:
    paths = [write(folder, name, data) for name, data in files.items()]
    return ingest.check(paths, store, options or ingest.Options())


def problems(checked: ingest.Checked, level: str | None = None) -> pd.DataFrame:
    frame = checked.report.frame(personal_visible=True)
    return frame if level is None else frame[frame["level"] == level]


def one(checked: ingest.Checked, reason: str, level: str = "错误") -> pd.Series:
    """The single problem whose reason contains `reason`; fails listing all problems otherwise."""
    found = problems(checked, level)
    found = found[found["reason"].str.contains(reason, regex=False)]
    assert len(found) == 1, f"expected one {level} '{reason}', got:\n{problems(checked).to_string()}"
    return found.iloc[0]


def copy_store(store: Store, folder: Path) -> Store:
    shutil.copytree(store.root, folder)
    return Store(folder)


def sample(demo_tables: dict, year: int = 2025, n: int = 40) -> pd.DataFrame:
    """The first n households of one year, as typed rows."""
    h = demo_tables["households"]
    return h[h["year"] == year].head(n).reset_index(drop=True)
