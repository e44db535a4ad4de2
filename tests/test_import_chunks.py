"""Large files are checked in chunks of import.chunk_rows rows: the report must be the one a
whole-file check gives, also where a duplicate or a shared ID number has its two rows in different
chunks, and where one problem fills more than MAX_LISTED rows across chunks. And the file size
limit (import.max_file_mb) refuses a file one byte over it, not one at it."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics import settings
from analytics.ingest import pipeline as ingest
from analytics.ingest.report import MAX_LISTED
from tests.import_helpers import as_text, check, csv_bytes, one, problems, sample


def _with_setting(monkeypatch: pytest.MonkeyPatch, key: str, value: float) -> None:
    real = settings.get
    monkeypatch.setattr(settings, "get", lambda k: value if k == key else real(k))


def _report(tmp_path, demo_store, data: bytes, monkeypatch, chunk_rows: int) -> tuple[ingest.Checked, pd.DataFrame]:
    with monkeypatch.context() as patch:
        _with_setting(patch, "import.chunk_rows", chunk_rows)
        folder = tmp_path / str(chunk_rows)
        folder.mkdir()
        checked = check(folder, {"农户.csv": data}, demo_store)
    return checked, problems(checked)


def _planted(demo_tables) -> bytes:
    """40 households of one year with problems on both sides of every boundary of 3-row chunks."""
    text = as_text(sample(demo_tables, n=40), "households")
    text.loc[10, "户编号"] = text.loc[2, "户编号"]  # Excel rows 12 and 4: a duplicate across chunks
    text.loc[30, "户主证件号码"] = text.loc[20, "户主证件号码"]  # one ID number under two households
    for row in (3, 4, 5, 16, 27):  # a bad number in four chunks, two in the same one
        text.loc[row, "家庭人口数"] = "无"
    text.loc[7, "村代码"] = "９" + text.loc[7, "村代码"][1:]  # full-width digit: a warning, later in the sheet
    text.loc[1, "户类型"] = ""  # a required cell left blank, in the first chunk only
    text.loc[25, "户主姓名"] = "=张三"  # text a spreadsheet could take for a formula
    return csv_bytes(text, "gbk")


@pytest.mark.slow
def test_chunked_check_reports_exactly_what_a_whole_file_check_reports(tmp_path, demo_tables, demo_store, monkeypatch):
    data = _planted(demo_tables)
    whole, expected = _report(tmp_path, demo_store, data, monkeypatch, chunk_rows=1_000)
    chunked, got = _report(tmp_path, demo_store, data, monkeypatch, chunk_rows=3)
    pd.testing.assert_frame_equal(got, expected)
    duplicate = one(chunked, "重复")
    assert duplicate["row"] == 12 and "农户.csv 第 4 行" in duplicate["reason"]
    shared = problems(chunked, "警告")
    shared = shared[shared["reason"].str.contains("同一个证件号码")]
    assert sorted(shared["row"]) == [22, 32]
    assert sorted(problems(chunked)[lambda f: f["reason"].str.contains("不能填“无”")]["row"]) == [5, 6, 7, 18, 29]
    assert one(chunked, "全角数字", level="警告")["row"] == 9
    assert one(chunked, "必填")["row"] == 3


@pytest.mark.slow
def test_chunked_check_types_the_rows_as_a_whole_file_check(tmp_path, demo_tables, demo_store, monkeypatch):
    data = csv_bytes(as_text(sample(demo_tables, n=40), "households"), "gbk")
    whole, _ = _report(tmp_path, demo_store, data, monkeypatch, chunk_rows=1_000)
    chunked, _ = _report(tmp_path, demo_store, data, monkeypatch, chunk_rows=7)
    assert whole.ok and chunked.ok, chunked.report.text()
    pd.testing.assert_frame_equal(chunked.tables["households"], whole.tables["households"])


def test_a_problem_on_more_rows_than_are_listed_is_counted_once_across_chunks(tmp_path, demo_tables, demo_store,
                                                                            monkeypatch):
    text = as_text(sample(demo_tables, n=MAX_LISTED + 50), "households")
    text["工资性收入"] = "12万"
    data = csv_bytes(text, "gbk")
    _, expected = _report(tmp_path, demo_store, data, monkeypatch, chunk_rows=10_000)
    _, got = _report(tmp_path, demo_store, data, monkeypatch, chunk_rows=60)
    pd.testing.assert_frame_equal(got, expected)
    wan = got[got["reason"].str.contains("不能带“万”")]
    assert len(wan) == MAX_LISTED + 1 and "另有 50 处" in wan["reason"].iloc[-1]


def test_a_file_at_the_size_limit_is_read_and_one_byte_more_is_refused(tmp_path, demo_store, monkeypatch):
    data = "年度,监测收入标准\n2025,8000\n".encode()
    _with_setting(monkeypatch, "import.max_file_mb", len(data) / 1024 / 1024)
    at_limit = check(tmp_path, {"监测标准.csv": data}, demo_store)
    assert at_limit.ok, at_limit.report.text()
    over = one(check(tmp_path, {"监测标准.csv": data + b"\n"}, demo_store), "超过导入上限")
    assert over["file"] == "监测标准.csv"
    assert "按年度或乡镇拆分" in over["reason"] and "import.max_file_mb" in over["reason"]
