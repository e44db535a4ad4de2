"""The import templates, written from the data contract: one .xlsx with a sheet per table,
Chinese headers, one example row and a 说明 sheet giving every column's meaning, unit and
allowed values. The same writer exports a snapshot's tables in the import format, so data can
be taken out, corrected and imported again.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from analytics.data import workbook_layout
from analytics.data.contract import BOOL_TRUE, TABLES, Column, Table, id_check_digit

INSTRUCTIONS_SHEET = "说明"
BOUNDARY_FILE = "村界.geojson"
KIND_ZH = {
    "code": "代码", "text": "文本", "int": "整数", "float": "数值(可有小数)", "bool": "是/否",
    "year": "年份(4 位,如 2024)", "yyyymm": "年月(6 位,如 202403)", "enum": "选一项",
    "multi": "可多选,用“、”或“;”分隔",
}
GENERAL = (
    "每张工作表对应一张数据表;表头可以用中文列名或英文列名,列的顺序不限;约定以外的列会被忽略,并在检查报告中列出。",
    "第 2 行是示例,请覆盖或删除(原样留下的示例行会被忽略)。表头上方可以有标题行。",
    "也可以把每张表存为单独的 CSV 文件(UTF-8、带 BOM 的 UTF-8、GBK 或 GB18030 编码均可)。",
    "部分导入:只导入其中几张表时,其余各表沿用当前数据;带“年度”的表按年度替换(导入 2025 年的农户只替换 2025 年,其他年度保留)。",
    "代码列(乡镇代码、村代码、证件号码等)请设为“文本”格式,否则 Excel 会把长数字显示成科学计数法并丢失数字。",
    "是/否列也可以写 1/0、Y/N、true/false;数值列只能填数字,不能写“无”“—”“12万”等文字。",
    "村界不在本表中:请提供 GeoJSON 或压缩的 Shapefile(.zip),每个图形带 village_code(村代码)属性;"
    "文件须声明坐标系,否则导入时须说明坐标是 WGS84 经纬度,或来自网络地图的 GCJ-02 坐标(导入时换算)。",
)

# Tables a county may import later (analytics.ingest.pipeline.OPTIONAL_AT_FIRST): what to bring.
HOW_TO_IMPORT = {
    "boundaries": "GeoJSON 或压缩的 Shapefile(.zip),每个村一个图形,带 village_code(村代码)属性",
    "village_indicators": "村级指标表(每行:村代码、年度、指标代码、数值;指标代码见 data/indicators.csv,"
                          "表头见导入模板的“村级指标”工作表)",
}


def missing_table(name: str) -> str:
    """What a page that needs a table the current data lacks tells its user."""
    return (f"本页需要“{TABLES[name].zh}”,当前数据中还没有这张表。请管理员在“数据管理”页导入{HOW_TO_IMPORT[name]};"
            f"命令行:python -m analytics import 文件。已导入的其他数据不受影响。")


_ID_FIRST17 = "99019919850315001"
_EXAMPLE_VALUES: dict[str, object] = {
    "township_code": "990199101", "township_name": "示例镇", "village_code": "990199101201",
    "village_name": "示例村", "is_relocation_site": "否", "is_former_poor_village": "是",
    "is_key_village": "否", "terrain": "丘陵", "population": 1520, "households": 430,
    "household_id": "9901991012010001", "head_name": "张示例", "head_id_number": _ID_FIRST17 + id_check_digit(_ID_FIRST17),
    "household_type": "一般农户", "monitoring_category": "边缘易致贫户", "monitoring_start": "202303",
    "risk_eliminated": "是", "risk_elimination_method": "帮扶消除", "risk_eliminated_at": "202312",
    "risk_types": "因病、因学", "household_size": 4, "labor_count": 2, "elderly_count": 1,
    "students_count": 1, "chronic_illness_count": 1, "serious_illness_count": 0, "disabled_count": 0,
    "head_education": "初中", "wage_income": 36000, "business_income": 8000, "property_income": 500,
    "transfer_income": 3500, "production_expense": 2400, "per_capita_net_income": 11400,
    "medical_out_of_pocket": 800, "migrant_work_months": 18, "housing_safe": "是",
    "drinking_water_safe": "是", "compulsory_education_ok": "是", "medical_insured_all": "是",
    "relocated": "否", "dibao": "否", "tekun": "否", "assistance_measures": "就业帮扶、健康帮扶",
    "project_id": "XM2024001", "project_name": "示例村茶叶种植基地", "category": "产业发展", "funds_wan": 50,
    "fund_source": "中央衔接资金", "disbursed_wan": 45, "status": "实施中", "beneficiary_households": 120,
    "indicator_code": "IND01", "value": 12.5, "threshold_yuan": 6666, "year": 2024,
}


def _example(column: Column) -> object:
    if column.id in _EXAMPLE_VALUES:
        return _EXAMPLE_VALUES[column.id]
    generic = {"code": "9" * (column.length or 12), "text": "示例", "int": 0, "float": 0, "bool": "否",
               "year": 2024, "yyyymm": "202403"}
    return column.allowed[0] if column.allowed else generic[column.kind]


def tabular() -> list[Table]:
    """The contract tables that travel as sheets (boundaries travel as GeoJSON/Shapefile)."""
    return [t for t in TABLES.values() if not t.geometry]


EXAMPLES: dict[str, dict[str, object]] = {t.name: {c.id: _example(c) for c in t.columns} for t in tabular()}


def describe(column: Column) -> str:
    if column.kind == "code":
        digits = f"{column.length} 位数字" if column.length else "12 位村代码或 9 位乡镇代码"
        return f"代码:{digits},按文本填写"
    return KIND_ZH[column.kind]


def instructions() -> pd.DataFrame:
    """Every column of every table: meaning, unit, allowed values; from the contract."""
    rows = [{
        "表(工作表)": table.zh, "中文列名": c.zh, "英文列名": c.id, "必填": "是" if c.required else "否",
        "类型": describe(c), "单位": c.unit, "允许的值": "、".join(c.allowed), "说明": c.doc,
    } for table in tabular() for c in table.columns]
    return pd.DataFrame(rows)


def _cell_value(value: object, column: Column) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if column.kind == "bool":
        return "是" if str(value).lower() in BOOL_TRUE else "否"
    if column.kind in ("int", "year"):
        return int(value)
    if column.kind == "float":
        return float(value)
    return str(value)


def _table_sheet(book: Workbook, table: Table, frame: pd.DataFrame | None) -> None:
    """A form to fill (bold frozen header, A4 landscape, no filters) or, with `frame`, a list."""
    ws = book.create_sheet(table.zh)
    rows = 1 if frame is None else len(frame)
    workbook_layout.lay_out(ws, header_row=1, columns=len(table.columns), rows=rows, title=f"{table.zh}(数据模板)",
                            filters=frame is not None)
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(28, len(column.zh) * 2.2 + 2))
        choices = ("是", "否") if column.kind == "bool" else column.allowed if column.kind == "enum" else ()
        if choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=not column.required)
            rule.add(f"{letter}2:{letter}1048576")
            ws.data_validations.append(rule)
    ws.append([workbook_layout.header_cell(ws, c.zh) for c in table.columns])
    if frame is None:
        ws.append([_text_cell(ws, EXAMPLES[table.name][c.id], c) for c in table.columns])
        return
    columns = [(c, frame[c.id].tolist() if c.id in frame else [None] * len(frame)) for c in table.columns]
    for values in zip(*(v for _, v in columns)):
        ws.append([_cell_value(v, c) for (c, _), v in zip(columns, values)])


def _text_cell(ws, value: object, column: Column) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if column.kind in ("code", "text", "yyyymm"):
        cell.number_format = "@"
    return cell


def _instructions_sheet(book: Workbook) -> None:
    ws = book.create_sheet(INSTRUCTIONS_SHEET)
    frame = instructions()
    widths = (14, 24, 26, 6, 30, 10, 40, 50)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    header_row = len(GENERAL) + 3
    workbook_layout.lay_out(ws, header_row=header_row, columns=len(frame.columns), rows=len(frame),
                            title="数据模板填写说明")
    heading = WriteOnlyCell(ws, value="数据模板填写说明")
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    for line in GENERAL:
        ws.append([line])
    ws.append([])
    ws.append([workbook_layout.header_cell(ws, h) for h in frame.columns])
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cells.append(cell)
        ws.append(cells)


def workbook_bytes(tables: dict[str, pd.DataFrame] | None = None) -> bytes:
    """The template (one example row per sheet), or the given tables in the template format."""
    book = Workbook(write_only=True)
    for table in tabular():
        if tables is None or table.name in tables:
            _table_sheet(book, table, None if tables is None else tables[table.name])
    _instructions_sheet(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame, table: str, encoding: str = "utf-8-sig") -> bytes:
    """A table as CSV with Chinese headers, yes/no as 是/否: the form county exports take."""
    spec = TABLES[table]
    out = pd.DataFrame({c.zh: [_cell_value(v, c) for v in frame[c.id]] for c in spec.columns if c.id in frame})
    return out.to_csv(index=False, lineterminator="\n").encode(encoding)


def export(tables: dict[str, pd.DataFrame], directory: Path, csv_tables: tuple[str, ...] = (),
           encoding: str = "gbk") -> list[Path]:
    """Write tables as import files: the tabular ones in one workbook (those in csv_tables as
    CSV in `encoding` instead) and the boundaries as GeoJSON with its CRS declared."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    in_book = {n: f for n, f in tables.items() if n not in csv_tables and not TABLES[n].geometry}
    if in_book:
        path = directory / "数据.xlsx"
        path.write_bytes(workbook_bytes(in_book))
        written.append(path)
    for name in csv_tables:
        if name in tables:
            path = directory / f"{TABLES[name].zh}.csv"
            path.write_bytes(csv_bytes(tables[name], name, encoding))
            written.append(path)
    if "boundaries" in tables:
        path = directory / BOUNDARY_FILE
        tables["boundaries"].to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
        written.append(path)
    return written
