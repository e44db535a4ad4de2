"""Property-based tests: no input crashes the validator (every problem is a reported error,
never an exception or an internal error), and an import either commits one complete snapshot
or leaves the store exactly as it was, even when writing fails half way."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from analytics.data import aggregates
from analytics.data.contract import HOUSEHOLDS, MONITORING_LINES
from analytics.ingest import pipeline as ingest
from tests.import_helpers import as_text, copy_store, csv_bytes, sample

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADERS = [c.zh for c in HOUSEHOLDS.columns]
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["无", "—", "12万", "", " ", "是", "否", "Y", "2025", "202413", "9.90121E+11", "#DIV/0!",
                     "1e400", "-0", "NaN", "inf", "990121100201", "脱贫户", "因病;因学", "1,234.5", "=A1"]),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def _internal(checked: ingest.Checked) -> list[str]:
    return [p.reason for p in checked.report.problems if p.reason.startswith(ingest.INTERNAL)]


def _check_bytes(name: str, data: bytes, store=None) -> ingest.Checked:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return ingest.check([path], store)


@FAST
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.csv", "a.xlsx", "a.geojson", "a.zip", "a.xls"]))
def test_arbitrary_bytes_never_crash_the_validator(data, name):
    checked = _check_bytes(name, data)
    assert not _internal(checked) and not checked.ok


@FAST
@given(columns=st.lists(st.sampled_from(HEADERS), min_size=2, max_size=12, unique=True),
       rows=st.lists(st.lists(CELLS, min_size=12, max_size=12), min_size=0, max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030"]))
@pytest.mark.slow
def test_arbitrary_cells_under_real_headers_never_crash(demo_store, columns, rows, encoding):
    frame = pd.DataFrame([r[:len(columns)] for r in rows], columns=columns, dtype=str)
    data = frame.to_csv(index=False).encode(encoding, errors="replace")
    checked = _check_bytes("农户.csv", data, demo_store)
    assert not _internal(checked), _internal(checked)


@FAST
@given(values=st.lists(st.one_of(st.none(), st.booleans(), st.integers(-10**18, 10**18), st.floats(),
                                 st.datetimes(min_value=dt.datetime(1900, 1, 1)),
                                 st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8)),
                       min_size=2, max_size=40))
@pytest.mark.slow
def test_arbitrary_excel_cells_never_crash(demo_store, values):
    book = Workbook()
    ws = book.active
    ws.title = "监测标准"
    ws.append([c.zh for c in MONITORING_LINES.columns])
    for i in range(0, len(values) - 1, 2):
        ws.append(values[i:i + 2])
    buffer = io.BytesIO()
    book.save(buffer)
    checked = _check_bytes("标准.xlsx", buffer.getvalue(), demo_store)
    assert not _internal(checked), _internal(checked)


@pytest.fixture(scope="module")
def store(demo_store, tmp_path_factory):
    return copy_store(demo_store, tmp_path_factory.mktemp("properties") / "store")


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 19), st.sampled_from(HEADERS), CELLS), max_size=4))
def test_an_import_commits_a_whole_snapshot_or_nothing(store, demo_tables, edits):
    text = as_text(sample(demo_tables, n=20), "households")
    for row, column, value in edits:
        text.loc[row, column] = value
    before = store.snapshots()
    checked = _check_bytes("农户.csv", csv_bytes(text, "gb18030"), store)
    if not checked.ok:
        with pytest.raises(ingest.ImportRefused):
            ingest.commit(checked, store, "测试")
        assert store.snapshots().equals(before)
    else:
        snapshot = ingest.commit(checked, store, "测试")
        assert store.current_id() == snapshot and len(store.snapshots()) == len(before) + 1
        for name in ("households", "village_year", "derived_indicators", "villages", "boundaries"):
            assert store.has_table(name, snapshot)
        assert (store.table("households")["year"] == 2025).sum() == 20
    assert list((store.root / "tmp").iterdir()) == []


def test_a_write_that_fails_half_way_changes_nothing(store, demo_tables, monkeypatch, tmp_path):
    path = tmp_path / "农户.csv"
    path.write_bytes(csv_bytes(as_text(sample(demo_tables), "households"), "gbk"))
    checked = ingest.check([path], store)
    assert checked.ok
    before, current = store.snapshots(), store.current_id()

    def broken(tables):
        raise OSError("磁盘已满")

    monkeypatch.setattr(aggregates, "derive", broken)
    with pytest.raises(OSError):
        ingest.commit(checked, store, "测试")
    assert store.current_id() == current and store.snapshots().equals(before)
    assert list((store.root / "tmp").iterdir()) == []
    assert len(list((store.root / "snapshots").iterdir())) == len(before)
