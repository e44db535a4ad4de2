"""Reading what counties actually send: encodings, title rows, merged two-row headers, English
ids, extra and missing columns, formulas, empty sheets, ragged rows, oversized files. Every
broken file is generated here, and the report must name the exact problem."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd
import pytest

from analytics import settings
from analytics.data.contract import HOUSEHOLDS, INCOME_PARTS
from analytics.ingest import pipeline as ingest
from analytics.ingest.templates import EXAMPLES
from tests.import_helpers import as_text, check, csv_bytes, one, sample, xlsx_bytes


@pytest.mark.parametrize(("encoding", "label"), [
    ("utf-8", "UTF-8 编码"), ("utf-8-sig", "UTF-8(带 BOM)"), ("gbk", "GBK 编码"), ("gb18030", "GB18030 编码"),
])
def test_csv_encodings_are_detected_and_text_survives(tmp_path, demo_tables, demo_store, encoding, label):
    h = sample(demo_tables)
    text = as_text(h, "households")
    text.loc[0, "户主姓名"] = "㐂明" if encoding == "gb18030" else "欧阳明"  # 㐂 exists in GB18030, not GBK
    text.loc[1, "户编号"] = "0012345"
    checked = check(tmp_path, {"农户.csv": csv_bytes(text, encoding)}, demo_store)
    assert checked.ok, checked.report.text()
    assert any(label in note for note in checked.report.notes)
    got = checked.tables["households"]
    got = got[got["year"] == 2025].reset_index(drop=True)
    assert got.loc[0, "head_name"] == text.loc[0, "户主姓名"]
    assert got.loc[1, "household_id"] == "0012345"  # codes stay strings with their leading zeros
    assert got["village_code"].str.len().eq(12).all()


def test_a_utf8_file_with_a_gbk_row_names_the_row(tmp_path, demo_tables, demo_store):
    text = as_text(sample(demo_tables, n=5), "households")
    data = csv_bytes(text, "utf-8") + csv_bytes(text.iloc[[0]], "gbk").split(b"\n", 1)[1]
    problem = one(check(tmp_path, {"农户.csv": data}, demo_store), "混用了两种编码")
    assert problem["row"] == 7 and problem["file"] == "农户.csv"


def test_bytes_in_no_accepted_encoding_are_refused_with_the_row(tmp_path):
    data = b"year,threshold_yuan\n2025,8000\n2024,\x80\x80\n"
    problem = one(check(tmp_path, {"监测标准.csv": data}), "无法识别文件编码")
    assert problem["row"] == 3 and "80 80" in problem["reason"]


def test_utf16_without_bom_is_refused(tmp_path):
    data = "年度,监测收入标准\n2025,8000\n".encode("utf-16-le")
    one(check(tmp_path, {"监测标准.csv": data}), "空字节")


def _two_row_header_sheet(h: pd.DataFrame) -> tuple[list[list[object]], list[str]]:
    """A title row, a blank row, then a header whose income columns sit under a merged
    group cell 收入情况 and whose other headers are merged over two rows."""
    text = as_text(h, "households")
    headers = list(text.columns)
    income = {HOUSEHOLDS.column(c).zh for c in INCOME_PARTS}
    first_income = min(headers.index(c) for c in income)
    top = [("收入情况" if i == first_income else None) if c in income else c for i, c in enumerate(headers)]
    bottom = [c if c in income else None for c in headers]
    rows = [["岚溪县 2025 年农户信息表"], [], top, bottom, *text.to_numpy().tolist()]
    letters = [chr(65 + i) if i < 26 else "A" + chr(65 + i - 26) for i in range(len(headers))]
    merges = [f"A1:{letters[-1]}1"] + [f"{letters[i]}3:{letters[i]}4" for i, c in enumerate(headers) if c not in income]
    last_income = max(headers.index(c) for c in income)
    merges.append(f"{letters[first_income]}3:{letters[last_income]}3")
    return rows, merges


def test_title_rows_and_merged_two_row_headers_keep_excel_row_numbers(tmp_path, demo_tables, demo_store):
    h = sample(demo_tables, n=6)
    rows, merges = _two_row_header_sheet(h)
    size_column = list(as_text(h, "households").columns).index("家庭人口数")
    rows[5][size_column] = "无"  # the second data row: row 6 as Excel shows it
    checked = check(tmp_path, {"农户.xlsx": xlsx_bytes({"农户": rows}, {"农户": merges})}, demo_store)
    problem = one(checked, "不能填“无”")
    assert (problem["file"], problem["sheet"], problem["row"], problem["column"], problem["value"]) == \
        ("农户.xlsx", "农户", 6, "家庭人口数", "无")
    assert checked.report.errors == 1


def test_english_ids_work_and_extra_columns_are_named(tmp_path, demo_tables, demo_store):
    h = sample(demo_tables, n=5)
    text = as_text(h, "households")
    text.columns = [HOUSEHOLDS.ids[[c.zh for c in HOUSEHOLDS.columns].index(z)] for z in text.columns]
    text["耕地面积"] = "3.5"
    checked = check(tmp_path, {"households.csv": csv_bytes(text)}, demo_store)
    assert checked.ok, checked.report.text()
    problem = one(checked, "约定中没有这一列", level="警告")
    assert problem["column"] == "耕地面积" and problem["row"] == 1
    assert "耕地面积" not in checked.tables["households"].columns


def test_a_missing_required_column_is_named(tmp_path, demo_tables, demo_store):
    text = as_text(sample(demo_tables, n=5), "households").drop(columns="家庭人口数")
    problem = one(check(tmp_path, {"农户.csv": csv_bytes(text, "gbk")}, demo_store), "缺少必填列")
    assert problem["column"] == "家庭人口数"


def _with_cached_values(data: bytes, cached: dict[str, str]) -> bytes:
    """Give formula cells the computed value Excel would have saved with them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                for cell, value in cached.items():
                    # openpyxl writes an empty value as <v/>, or as <v></v> when lxml is installed
                    body = re.sub(rb'(<c r="' + cell.encode() + rb'"[^>]*>(?:(?!</c>).)*?<f>[^<]*</f>)<v\s*(?:/>|></v>)',
                                  rb"\1<v>" + value.encode() + rb"</v>", body, flags=re.S)
            target.writestr(item, body)
    return out.getvalue()


def test_formulas_give_their_values_and_uncomputed_formulas_are_named(tmp_path, demo_store):
    rows = [["年度", "监测收入标准"], [2025, "=7600+400"], [2024, "=7000+600"]]
    data = xlsx_bytes({"监测标准": rows})
    complete = check(tmp_path, {"计算完的.xlsx": _with_cached_values(data, {"B2": "8000", "B3": "7600"})}, demo_store)
    assert complete.ok, complete.report.text()
    assert complete.tables["monitoring_lines"].set_index("year")["threshold_yuan"].to_dict()[2025] == 8000.0
    partial = check(tmp_path, {"未计算的.xlsx": _with_cached_values(data, {"B2": "8000"})}, demo_store)
    problem = one(partial, "没有保存计算结果")
    assert (problem["row"], problem["column"], problem["value"]) == (3, "监测收入标准", "=7000+600")


def test_empty_sheets_and_header_only_tables_are_reported(tmp_path):
    data = xlsx_bytes({"Sheet1": [], "监测标准": [["年度", "监测收入标准"]]})
    checked = check(tmp_path, {"空.xlsx": data})
    assert one(checked, "工作表是空的", level="警告")["sheet"] == "Sheet1"
    assert one(checked, "只有表头", level="警告")["sheet"] == "监测标准"
    one(checked, "没有可导入的数据")
    assert not checked.ok


def test_a_row_with_more_fields_than_the_header_names_its_line(tmp_path, demo_store):
    data = "年度,监测收入标准\n2024,7600\n2025,8000,多余\n".encode()
    problem = one(check(tmp_path, {"监测标准.csv": data}, demo_store), "比表头的 2 列多")
    assert problem["row"] == 3


def test_title_rows_template_example_and_total_rows(tmp_path, demo_store):
    example = EXAMPLES["monitoring_lines"]
    data = (f"示范省监测标准\n年度,监测收入标准(元)\n{example['year']},{example['threshold_yuan']}\n"
            "2025,\"8,000\"\n合计,8000\n").encode("gbk")
    checked = check(tmp_path, {"监测标准.csv": data}, demo_store)
    assert checked.ok, checked.report.text()
    assert one(checked, "示例行", level="警告")["row"] == 3
    assert one(checked, "合计行", level="警告")["row"] == 5
    lines = checked.tables["monitoring_lines"].set_index("year")["threshold_yuan"]
    assert lines[2025] == 8000.0 and lines[2024] == 7600.0  # 2024 kept from the current snapshot


def test_files_over_the_size_limit_are_refused(tmp_path, monkeypatch):
    real = settings.get
    monkeypatch.setattr(ingest.settings, "get", lambda key: 0.0001 if key == "import.max_file_mb" else real(key))
    problem = one(check(tmp_path, {"大文件.csv": b"x" * 2000}), "超过导入上限")
    assert problem["file"] == "大文件.csv"


def test_unknown_file_types_and_missing_files_are_named(tmp_path):
    checked = ingest.check([tmp_path / "不存在.csv"])
    assert one(checked, "找不到这个文件")["file"] == "不存在.csv"
    (tmp_path / "x.docx").write_bytes(b"abc")
    one(ingest.check([tmp_path / "x.docx"]), "不支持的文件类型")


def test_a_sheet_without_known_headers_is_named(tmp_path):
    checked = check(tmp_path, {"杂项.csv": "名称,数量\n苹果,3\n".encode("gbk")})
    problem = one(checked, "无法识别这是哪张表")
    assert "名称" in problem["reason"] and "GBK" in problem["reason"]
