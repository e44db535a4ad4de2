"""Validating imported tables against the data contract, in Chinese, cell by cell.

Every value is parsed to its contract type; a value that does not parse ("无", "—", "12万" in a
number column, 1.2E+11 in a code column) is an error that names the cell, never a crash and
never a silent zero. Then the rows are checked within each table (impossible values, duplicate
keys, ID check digits, per-capita income against its parts) and across tables, after the
import has been combined with the unchanged data of the current snapshot (unknown villages and
townships, years without a monitoring line, villages without a boundary).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import shapely

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import (
    BOOL_FALSE,
    BOOL_TRUE,
    ID_CHECKS,
    ID_WEIGHTS,
    INCOME_PARTS,
    TABLES,
    Column,
    split_multi,
)
from analytics.data.store import GEO_TABLES
from analytics.ingest.reading import ROW, Sheet
from analytics.ingest.report import ERROR, WARNING, Report, display

SRC = "_src"  # index of the sheet a row came from; -1 for rows kept from the current snapshot
CURRENT = "当前数据"  # how the report names rows kept from the current snapshot
LIMIT = 1e12  # larger magnitudes are typing slips or overflows, never a county figure
MIN_OVERLAP = 0.5  # new boundaries whose extent the current extent covers less than this are flagged
INCOME_TOLERANCE_YUAN = 1.0  # per-capita income may differ from its parts by rounding only
YEAR_RANGE = (1990, 2100)
COUNTS = ("household_size", "labor_count", "elderly_count", "students_count", "chronic_illness_count",
          "serious_illness_count", "disabled_count")
NON_NEGATIVE_MONEY = ("wage_income", "property_income", "transfer_income", "production_expense",
                      "medical_out_of_pocket")
# Enums stored as pandas categoricals in the contract's order, as the demo county stores them,
# so pages see the same types whichever way the data came in.
CATEGORICAL = {"terrain"}
FORMULA_PREFIXES = ("=", "+", "-", "@")  # after stripping; a leading tab or CR never reaches the store
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # C0 controls but tab, line feed and CR; DEL
_CONTROL_NAMES = {0x00: "空字符", 0x07: "响铃符", 0x08: "退格符", 0x0B: "垂直制表符", 0x0C: "换页符",
                  0x1B: "转义符 ESC", 0x7F: "删除符 DEL"}
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# The checks of a cell in the order a column's cells are checked: problems held while a sheet is
# parsed in chunks are reported in this order, column by column (Validator._parse_sheet).
CHECKS = ("full_width", "parse", "long", "control", "formula", "required")
_DASHES = {"无", "—", "——", "-", "--", "/", "空", "null", "none", "n/a", "na", "#n/a", "不详", "暂无"}


# --- cells to types --------------------------------------------------------------------------
def cell_text(value: object) -> str:
    """One raw cell as text, the way the user sees it in Excel (12, not 12.0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return display(value, limit=10_000)


def as_text(raw: pd.Series) -> pd.Series:
    """Stripped text with NA for blank cells; Excel numbers become digits without '.0'."""
    if raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=True) not in ("string", "empty"):
        raw = raw.map(cell_text, na_action="ignore")
    text = raw.astype("str").str.strip()
    return text.mask(text.eq("") | raw.isna())


def _number_reason(value: str, column: Column) -> str:
    unit = f"(单位:{column.unit})" if column.unit else ""
    lowered = value.lower()
    if lowered in _DASHES:
        return f"数值列不能填“{value}”:请填写数字{unit},没有就填 0"
    if value.startswith("#"):
        return "这是 Excel 的错误值(公式计算出错):请改正公式或直接填写数字"
    if re.search(r"\d", value) and re.search(r"[万千亿]", value):
        return f"数值里不能带“万”等字:请换算后只填数字{unit}"
    if re.search(r"\d", value):
        return f"“{value}”不是一个数字:{column.zh}只能填数字{unit},不能带单位或其他文字"
    return f"数值列中出现了文字:{column.zh}只能填数字{unit}"


def _code_reason(value: str, length: int | None) -> str:
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", value):
        return "代码被存成了数字、显示为科学计数法,后几位已经丢失:请把该列设为“文本”格式,重新填写后再导出"
    digits = re.sub(r"\.0+$", "", value)
    if not re.fullmatch(r"[0-9]+", digits):
        if any(ch.isdigit() for ch in digits):
            return "代码只能由半角数字 0-9 组成,这里含有其他文字的数字字符"
        return "代码只能由数字组成"
    expected = f"{length} 位" if length else "12 位(村)或 9 位(乡镇)"
    return f"代码应为 {expected}数字,这里是 {len(digits)} 位"


Parsed = tuple[pd.Series, pd.Series, pd.Series]  # typed values, bad-cell mask, reason per bad cell


def _numbers(raw: pd.Series, column: Column) -> Parsed:
    fast = raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=True) in ("floating", "integer", "mixed-integer-float")
    text = None if fast else as_text(raw)
    number = pd.to_numeric(raw if fast else text, errors="coerce").astype("float64")
    filled = raw.notna() if fast else text.notna()
    unparsed = number.isna() & filled
    if unparsed.any():  # 1,234.5: thousands separators from formatted exports are fine
        text = as_text(raw) if text is None else text
        grouped = text[unparsed].str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
        number[grouped[grouped].index] = pd.to_numeric(text[grouped[grouped].index].str.replace(",", ""))
        unparsed = number.isna() & filled
    reasons = pd.Series("", index=raw.index, dtype="object")
    if unparsed.any():
        reasons[unparsed] = [_number_reason(v, column) for v in text[unparsed]]
    huge = ~unparsed & filled & ~(number.abs() < LIMIT)
    reasons[huge] = "数值过大,超出合理范围(可能是输入错误或多填了数字)"
    bad = unparsed | huge
    if column.kind in ("int", "year"):
        fraction = ~bad & filled & (number % 1 != 0)
        reasons[fraction] = "应为整数"
        bad |= fraction
        if column.kind == "year":
            outside = ~bad & filled & ~number.between(*YEAR_RANGE)
            bad |= outside
            reasons[bad] = "年度应写成 4 位数字,如 2024"
    number = number.mask(bad)
    if column.kind in ("int", "year"):
        number = number.astype("int64") if number.notna().all() else number.astype("Int64")
    return number, bad, reasons


def _codes(text: pd.Series, column: Column) -> Parsed:
    pattern = rf"[0-9]{{{column.length}}}" if column.length else r"[0-9]{9}|[0-9]{12}"
    bad = text.notna() & ~text.str.fullmatch(pattern).fillna(False).astype(bool)
    reasons = pd.Series("", index=text.index, dtype="object")
    reasons[bad] = [_code_reason(v, column.length) for v in text[bad]]
    return text.mask(bad), bad, reasons


def _booleans(text: pd.Series, column: Column) -> Parsed:
    lowered = text.str.lower()
    yes, no = lowered.isin(BOOL_TRUE), lowered.isin(BOOL_FALSE)
    bad = text.notna() & ~yes & ~no
    value = pd.Series(pd.array(np.where(yes, True, np.where(no, False, pd.NA)), dtype="boolean"), index=text.index)
    if value.notna().all():
        value = value.astype(bool)
    reasons = pd.Series("只能填 是/否(也可写 1/0、Y/N、true/false)", index=text.index, dtype="object")
    return value, bad, reasons


def _months(text: pd.Series, column: Column) -> Parsed:
    parts = text.str.extract(r"^(\d{4})-?(\d{2})(?:-\d{2})?$")
    year, month = pd.to_numeric(parts[0]), pd.to_numeric(parts[1])
    ok = year.between(*YEAR_RANGE) & month.between(1, 12)
    bad = text.notna() & ~ok
    value = (parts[0] + parts[1]).astype("str").mask(bad | text.isna())
    reasons = pd.Series("应为 6 位年月,如 202403", index=text.index, dtype="object")
    return value, bad, reasons


def _choices(text: pd.Series, column: Column) -> Parsed:
    if column.kind == "enum":
        bad = text.notna() & ~text.isin(column.allowed)
        reasons = pd.Series(f"只能填:{'、'.join(column.allowed)}", index=text.index, dtype="object")
        return text.mask(bad), bad, reasons
    normal, unknown = {}, {}
    for value in text.dropna().unique():
        parts = split_multi(value)
        wrong = [p for p in parts if p not in column.allowed]
        if wrong:
            unknown[value] = f"“{'、'.join(wrong)}”不在可选项中;可选:{'、'.join(column.allowed)}"
        else:
            normal[value] = "、".join(parts)
    bad = text.isin(list(unknown))
    reasons = text.map(unknown).astype("object").fillna("")
    return text.map(normal).astype("str"), bad, reasons


def parse(raw: pd.Series, column: Column) -> Parsed:
    """A raw column to its contract type, with the cells that do not parse and why."""
    if column.kind in ("int", "float", "year"):
        return _numbers(raw, column)
    text = as_text(raw)
    if column.kind == "code":
        return _codes(text, column)
    if column.kind == "bool":
        return _booleans(text, column)
    if column.kind == "yyyymm":
        return _months(text, column)
    if column.kind in ("enum", "multi"):
        return _choices(text, column)
    return text, pd.Series(False, index=text.index), pd.Series("", index=text.index, dtype="object")


def contract_types(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The columns of the contract, in its order, with the types the product reads. A column that
    has its type already is kept as it is, and the columns are not copied into one block: at a
    million households a copy of the table is 1.5 GB."""
    out = {}
    for column in TABLES[table].columns:
        values = frame[column.id] if column.id in frame else pd.Series(pd.NA, index=frame.index)
        if column.kind in ("int", "year"):
            if values.dtype == "int64":
                out[column.id] = values
                continue
            values = values.astype("Int64")
            out[column.id] = values.astype("int64") if values.notna().all() else values
        elif column.kind == "float":
            out[column.id] = values.astype("float64")
        elif column.kind == "bool":
            values = values.astype("boolean")
            out[column.id] = values.astype(bool) if values.notna().all() else values
        elif column.id in CATEGORICAL:
            out[column.id] = pd.Categorical(values.astype("str"), categories=column.allowed)
        else:
            out[column.id] = values.astype("str")
    result = pd.DataFrame(out, index=frame.index, copy=False)
    if TABLES[table].geometry:
        result = gpd.GeoDataFrame(result, geometry=frame.geometry.values, crs=frame.crs)
    return result.reset_index(drop=True)


# --- the validator ---------------------------------------------------------------------------
class Current:
    """The current snapshot, read lazily: only the tables and columns a check needs."""

    def __init__(self, store: object | None, snapshot_id: str | None) -> None:
        self.store, self.id = store, snapshot_id

    def has(self, name: str) -> bool:
        return self.id is not None and self.store.has_table(name, self.id)

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        if columns is not None and name in GEO_TABLES:  # attributes only: no geometry needed
            return pd.read_parquet(self.store.path(name, self.id), columns=columns)
        return self.store.table(name, self.id, columns=columns)

    def rows(self, name: str) -> int:
        return pq.ParquetFile(self.store.path(name, self.id)).metadata.num_rows

    def columns(self, name: str) -> list[str]:
        return pq.read_schema(self.store.path(name, self.id)).names  # the store writes no index

    def column_without(self, name: str, column: str, years: list[int]) -> pd.Series:
        """One column of a table with a year, without the rows of `years`: read a column at a time,
        so a million households' earlier years are never held twice (see Validator.combine)."""
        path = self.store.path(name, self.id)
        return pd.read_parquet(path, columns=[column], filters=[("year", "not in", years)])[column]


class Validator:
    """Checks a set of sheets, combines them with the current snapshot and returns the tables
    to commit; every problem goes to `report`."""

    def __init__(self, report: Report, current: Current, replace: bool = False) -> None:
        self.report, self.current, self.replace = report, current, replace
        self.sheets: list[Sheet] = []
        self._held: dict[tuple[str, str], tuple[str, str, list]] | None = None  # see flag

    # where problems are ---------------------------------------------------------------------
    def flag(self, level: str, frame: pd.DataFrame, mask: pd.Series, column_id: str, table: str,
             reason: str | pd.Series, values: pd.Series | None = None, check: str = "") -> None:
        """Report the rows of `frame` where `mask` holds. While a sheet is parsed chunk by chunk
        the rows are held under `check` and reported once for the whole sheet (see _parse_sheet)."""
        mask = mask.fillna(False).astype(bool) if mask.dtype != bool else mask
        if not mask.any():
            return
        rows = frame.loc[mask]
        shown = (frame[column_id] if values is None else values).reindex(rows.index)
        src = rows[SRC].to_numpy()
        files = np.array([s.file for s in self.sheets] + [CURRENT], dtype=object)
        sheets = np.array([s.sheet for s in self.sheets] + [""], dtype=object)
        where = pd.DataFrame({"file": files[src], "sheet": sheets[src], "row": rows[ROW].to_numpy(),
                              "value": shown.to_numpy(), "src": src}, index=rows.index)
        reasons = reason if isinstance(reason, pd.Series) else pd.Series(reason, index=frame.index)
        if self._held is not None:
            self._held.setdefault((column_id, check), (level, table, []))[2].append((where, reasons.loc[where.index]))
            return
        self._report(level, where, reasons, column_id, table)

    def _report(self, level: str, where: pd.DataFrame, reasons: pd.Series, column_id: str, table: str) -> None:
        zh = TABLES[table].column(column_id).zh
        for s, group in where.groupby("src", sort=False):
            header = self.sheets[s].headers.get(column_id, zh) if s >= 0 else zh
            self.report.add_rows(level, group, reasons.loc[group.index], column=header, column_id=column_id)

    # stage 1: each sheet's cells to types -----------------------------------------------------
    def typed(self, sheets: list[Sheet]) -> dict[str, pd.DataFrame]:
        """Each sheet's cells to contract types; a sheet's raw cells are let go once typed, so the
        import never holds a large file twice."""
        self.sheets = list(sheets)
        parts: dict[str, list[pd.DataFrame]] = {}
        for i, sheet in enumerate(self.sheets):
            if TABLES[sheet.table].geometry:
                frame = sheet.frame.copy()
            else:
                frame = self._parse_sheet(i, sheet)
                sheet.frame = pd.DataFrame(columns=sheet.frame.columns)  # a slice would keep the cells
            frame[SRC] = i
            parts.setdefault(sheet.table, []).append(frame)
        return {name: pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
                for name, frames in parts.items()}

    def _parse_sheet(self, index: int, sheet: Sheet) -> pd.DataFrame:
        """A sheet's cells to types, import.chunk_rows rows at a time: the text copies and masks a
        chunk needs are freed before the next. The problems found are held and reported per column
        and check for the whole sheet, as a whole-sheet pass reports them (the same rows, listed
        MAX_LISTED at a time, in the same order)."""
        size = settings.integer("import.chunk_rows")
        self._held = {}
        try:
            parts = [self._parse_chunk(index, sheet, sheet.frame.iloc[start:start + size])
                     for start in range(0, max(len(sheet.frame), 1), size)]
            held = self._held
        finally:
            self._held = None
        order = {column.id: i for i, column in enumerate(TABLES[sheet.table].columns)}
        for (column_id, _), (level, table, pieces) in sorted(
                held.items(), key=lambda item: (order[item[0][0]], CHECKS.index(item[0][1]))):
            where = pd.concat([w for w, _ in pieces]) if len(pieces) > 1 else pieces[0][0]
            reasons = pd.concat([r for _, r in pieces]) if len(pieces) > 1 else pieces[0][1]
            self._report(level, where, reasons, column_id, table)
        return pd.concat(parts) if len(parts) > 1 else parts[0]

    def _parse_chunk(self, index: int, sheet: Sheet, chunk: pd.DataFrame) -> pd.DataFrame:
        table = TABLES[sheet.table]
        out = {ROW: chunk[ROW]}
        probe = pd.DataFrame({ROW: chunk[ROW], SRC: index})
        for column in table.columns:
            if column.id not in chunk:  # reported when read; empty here so later checks run
                out[column.id] = parse(pd.Series(pd.NA, index=chunk.index, dtype=object), column)[0]
                continue
            raw = chunk[column.id]
            if column.kind == "code":
                raw = self._full_width(raw, probe, column, table.name)
            value, bad, reasons = parse(raw, column)
            shown = raw.map(cell_text, na_action="ignore") if bad.any() else raw
            probe[column.id] = shown
            self.flag(ERROR, probe, bad, column.id, table.name, reasons, check="parse")
            if column.kind not in ("int", "float", "year"):
                self._text_cells(as_text(raw), bad, probe, column, table.name)
            if column.required:
                self.flag(ERROR, probe, value.isna() & ~bad, column.id, table.name, "必填,不能为空", check="required")
            out[column.id] = value
        return pd.DataFrame(out)

    def _full_width(self, raw: pd.Series, probe: pd.DataFrame, column: Column, table: str) -> pd.Series:
        """Full-width digits in a code (９９０１…) become ASCII digits, with a warning per cell."""
        text = as_text(raw)
        wide = text.str.contains("[０-９]", regex=True).fillna(False).astype(bool)
        if not wide.any():
            return raw
        probe[column.id] = text
        self.flag(WARNING, probe, wide, column.id, table, "代码中有全角数字,已换成半角数字(0-9)", check="full_width")
        return text.where(~wide, text.str.translate(FULL_WIDTH_DIGITS))

    def _text_cells(self, text: pd.Series, bad: pd.Series, probe: pd.DataFrame, column: Column,
                    table: str) -> None:
        """Control characters and over-long cells are errors; text that a spreadsheet could take
        for a formula is a warning (exports write it as text)."""
        filled = text.notna() & ~bad
        if not filled.any():
            return
        probe[column.id] = text
        limit = settings.integer("import.max_cell_chars")
        length = text.str.len()
        long = filled & length.gt(limit)
        self.flag(ERROR, probe, long, column.id, table,
                  "单元格有 " + length.astype("Int64").astype("str") + f" 个字符,超过上限 {limit:,} 个"
                  "(import.max_cell_chars):请核对是否误粘贴了大段内容", check="long")
        control = filled & ~long & text.str.contains(CONTROL, regex=True).fillna(False).astype(bool)
        if control.any():
            self.flag(ERROR, probe, control, column.id, table, text[control].map(_control_reason), check="control")
        formula = filled & ~long & ~control & text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
        if column.kind == "text" and formula.any():
            self.flag(WARNING, probe, formula, column.id, table,
                      "以“" + text[formula].str[0] + "”开头,电子表格可能把它当作公式:已按文字导入,"
                      "导出到 Excel 时也只作为文字显示;如不是有意为之请改正", check="formula")

    # stage 2: rules within a table -------------------------------------------------------------
    def rules(self, tables: dict[str, pd.DataFrame]) -> None:
        checks: dict[str, Callable[[pd.DataFrame], None]] = {
            "households": self._households, "villages": self._villages, "projects": self._projects,
            "monitoring_lines": self._lines, "village_indicators": self._indicators,
        }
        for name, frame in tables.items():
            if name in checks:
                checks[name](frame)

    def duplicates(self, tables: dict[str, pd.DataFrame]) -> None:
        """Rows sharing a key (household and year, project, village...) with an earlier row of
        the import or with a row kept from the current snapshot; found on one int64 code per row."""
        for table, frame in tables.items():
            key = list(TABLES[table].key)
            codes = key_codes(frame, key)
            complete = codes >= 0
            _, first_at, inverse = np.unique(codes, return_index=True, return_inverse=True)
            first_at = first_at[inverse]  # each row's first row with the same key
            dup = pd.Series(complete & (first_at < np.arange(len(frame))), index=frame.index) & frame[SRC].ge(0)
            if not dup.any():
                continue
            first = frame[[SRC, ROW]].iloc[first_at[dup.to_numpy()]]
            names = "、".join(TABLES[table].column(k).zh for k in key)
            files = [s.file for s in self.sheets]
            reasons = pd.Series([f"重复:{names}相同的行已出现在 {files[s]} 第 {r} 行" if s >= 0
                                 else f"重复:{names}相同的行已在当前数据的其他年度中" for s, r in zip(first[SRC], first[ROW])],
                                index=dup[dup].index)
            values = frame.loc[dup, key].astype("str").agg(" / ".join, axis=1)
            self.flag(ERROR, frame, dup, key[0], table, reasons, values)

    def _households(self, h: pd.DataFrame) -> None:
        t = "households"
        size = h.get("household_size")
        for c in COUNTS:
            if c in h:
                self.flag(ERROR, h, h[c] < 0, c, t, "人数不能为负数")
        if size is not None:
            self.flag(ERROR, h, size == 0, "household_size", t, "家庭人口数至少为 1")
            for c in COUNTS[1:]:
                if c in h:
                    over = h[c] > size
                    reason = f"{TABLES[t].column(c).zh}大于家庭人口数(" + size[over.fillna(False)].astype("str") + ")"
                    self.flag(ERROR, h, over, c, t, reason)
        for c in NON_NEGATIVE_MONEY:
            if c in h:
                self.flag(ERROR, h, h[c] < 0, c, t, "不能为负数(只有生产经营性收入在经营亏损时可以为负)")
        if "migrant_work_months" in h:
            months = h["migrant_work_months"]
            self.flag(ERROR, h, months < 0, "migrant_work_months", t, "务工月数不能为负数")
            if "labor_count" in h:
                self.flag(WARNING, h, months > 12 * h["labor_count"], "migrant_work_months", t,
                          "务工月数超过“劳动力人数 × 12”,请核对")
        self._income(h)
        self._ids(h)
        self._monitoring(h)

    def _income(self, h: pd.DataFrame) -> None:
        needed = [*INCOME_PARTS, "production_expense", "household_size"]
        if not set(needed) <= set(h.columns):
            return
        computed = (h[list(INCOME_PARTS)].sum(axis=1, min_count=4) - h["production_expense"]) / h["household_size"].where(h["household_size"] > 0)
        if "per_capita_net_income" not in h:
            h["per_capita_net_income"] = computed.round(2)
            self.report.notes.append("农户表没有“人均纯收入”列:已按(四项收入 − 生产经营性支出)÷ 家庭人口数计算。")
            return
        given = h["per_capita_net_income"]
        off = given.notna() & computed.notna() & ((given - computed).abs() > np.maximum(INCOME_TOLERANCE_YUAN, 0.005 * computed.abs()))
        reasons = "与各项收入不一致:按(四项收入 − 生产经营性支出)÷ 家庭人口数 应为 " + computed[off].round(2).astype("str")
        self.flag(ERROR, h, off, "per_capita_net_income", "households", reasons)
        blank = given.isna() & computed.notna()
        if blank.any():
            h.loc[blank, "per_capita_net_income"] = computed[blank].round(2)
            self.report.notes.append(f"农户表有 {int(blank.sum()):,} 行未填“人均纯收入”:已按各项收入计算。")

    def _ids(self, h: pd.DataFrame) -> None:
        if "head_id_number" not in h:
            return
        ids = h["head_id_number"]
        bad = ids.notna() & ~valid_ids(ids.str.upper())
        reasons = ids[bad].map(_id_reason)
        self.flag(ERROR, h, bad, "head_id_number", "households", reasons)
        if {"household_id", "year"} <= set(h.columns):
            person = key_codes(h, ["year", "head_id_number"], missing_equal=True)
            household = key_codes(h, ["household_id"], missing_equal=True)
            valid = (ids.notna() & ~bad).to_numpy()
            pairs = np.unique(np.stack([person[valid], household[valid]]), axis=1)  # distinct (person, household)
            people, households = np.unique(pairs[0], return_counts=True)
            shared = np.isin(person, people[households > 1])
            self.flag(WARNING, h, pd.Series(shared, index=h.index), "head_id_number", "households",
                      "同一年度中,同一个证件号码出现在不同户编号下,请核对")

    def _monitoring(self, h: pd.DataFrame) -> None:
        t = "households"
        cols = set(h.columns)
        if "monitoring_category" not in cols:
            return
        monitored = h["monitoring_category"].notna()
        if "monitoring_start" in cols:
            start = pd.to_numeric(h["monitoring_start"], errors="coerce")
            self.flag(ERROR, h, monitored & start.isna(), "monitoring_start", t, "监测对象必须填写识别监测时间")
            self.flag(WARNING, h, ~monitored & start.notna(), "monitoring_start", t, "不是监测对象(监测对象类别为空),却填写了识别监测时间")
            if "year" in cols:
                self.flag(ERROR, h, start > h["year"] * 100 + 12, "monitoring_start", t, "识别监测时间晚于本条记录的年度")
            if "risk_eliminated_at" in cols:
                ended = pd.to_numeric(h["risk_eliminated_at"], errors="coerce")
                self.flag(ERROR, h, ended < start, "risk_eliminated_at", t, "风险消除时间早于识别监测时间")
        if "risk_eliminated" in cols:
            done = h["risk_eliminated"].astype("boolean")
            self.flag(WARNING, h, ~monitored & done.notna(), "risk_eliminated", t, "不是监测对象,却填写了风险是否已消除")
            if "risk_elimination_method" in cols:
                self.flag(WARNING, h, done.fillna(False) & h["risk_elimination_method"].isna(),
                          "risk_elimination_method", t, "风险已消除,但没有填写风险消除方式")
        if "household_type" in cols:
            kind, category = h["household_type"], h["monitoring_category"]
            self.flag(WARNING, h, category.eq("脱贫不稳定户") & kind.eq("一般农户"), "monitoring_category", t,
                      "脱贫不稳定户应是脱贫户,这里户类型为一般农户")
            self.flag(WARNING, h, category.eq("边缘易致贫户") & kind.eq("脱贫户"), "monitoring_category", t,
                      "边缘易致贫户应是一般农户(未建档立卡),这里户类型为脱贫户")

    def _villages(self, v: pd.DataFrame) -> None:
        t = "villages"
        if {"village_code", "township_code"} <= set(v.columns):
            prefix = v["village_code"].str[:9]
            self.flag(WARNING, v, v["township_code"].notna() & prefix.notna() & prefix.ne(v["township_code"]),
                      "village_code", t, "村代码的前 9 位与所属乡镇代码不一致,请核对")
        for c in ("population", "households"):
            if c in v:
                self.flag(ERROR, v, v[c] < 0, c, t, "不能为负数")
        if {"population", "households"} <= set(v.columns):
            self.flag(WARNING, v, v["population"] < v["households"], "population", t, "户籍人口少于户数,请核对")

    def _projects(self, p: pd.DataFrame) -> None:
        t = "projects"
        for c in ("funds_wan", "disbursed_wan", "beneficiary_households"):
            if c in p:
                self.flag(ERROR, p, p[c] < 0, c, t, "不能为负数")
        if {"funds_wan", "disbursed_wan"} <= set(p.columns):
            self.flag(WARNING, p, p["disbursed_wan"] > p["funds_wan"] + 0.05, "disbursed_wan", t, "已支付金额大于投入资金,请核对")
        if "fund_source" in p:
            counted = settings.texts("funds.industry_sources")
            known = (*counted, *settings.texts("funds.other_sources"))
            source = p["fund_source"].astype("string").str.strip()
            self.flag(WARNING, p, source.notna() & source.ne("") & ~source.isin(known), "fund_source", t,
                      f"未知的资金来源,按非{'、'.join(counted)}处理,不计入产业发展资金占比;已知来源:{'、'.join(known)}"
                      "(见设置 funds.industry_sources 与 funds.other_sources)")

    def _lines(self, m: pd.DataFrame) -> None:
        if "threshold_yuan" in m:
            self.flag(ERROR, m, m["threshold_yuan"] <= 0, "threshold_yuan", "monitoring_lines", "监测收入标准必须大于 0")

    def _indicators(self, i: pd.DataFrame) -> None:
        catalogue = indicators.catalogue()
        if "indicator_code" in i:
            self.flag(ERROR, i, i["indicator_code"].notna() & ~i["indicator_code"].isin(catalogue.index), "indicator_code",
                      "village_indicators", "指标目录(data/indicators.csv)中没有这个指标代码")
            if "value" in i:
                percent = i["indicator_code"].map(catalogue["unit"]).eq("%")
                self.flag(WARNING, i, percent & ~i["value"].between(0, 100) & i["value"].notna(), "value",
                          "village_indicators", "百分比指标应在 0 到 100 之间")

    # stage 3: combine with the current snapshot -----------------------------------------------
    def combine(self, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """New tables replace the current ones; tables with a year replace only the years they
        hold unless `replace` is set, so this year's households leave earlier years in place."""
        out = {}
        for name, frame in tables.items():
            zh = TABLES[name].zh
            years = sorted(int(y) for y in frame["year"].dropna().unique()) if "year" in frame else []
            if self.replace or not years or not self.current.has(name):
                out[name] = frame
                self.report.notes.append(f"{zh}:导入 {len(frame):,} 行,整表替换当前数据。")
                continue
            replaced = self.current.rows(name)
            out[name] = self._after_kept(name, frame, years)
            kept = len(out[name]) - len(frame)
            self.report.notes.append(
                f"{zh}:导入 {_years(years)} 年 {len(frame):,} 行,替换当前数据中这些年度的 {replaced - kept:,} 行;"
                f"其他年度 {kept:,} 行保留。")
        return out

    def _after_kept(self, name: str, frame: pd.DataFrame, years: list[int]) -> pd.DataFrame:
        """The current rows of the other years, then the imported rows, ordered by year: built a
        column at a time (at a million households the kept years are 1.2 GB; whole-frame
        concatenation and sorting held them three times over)."""
        columns = [c for c in self.current.columns(name) if c in frame]
        kept_years = self.current.column_without(name, "year", years)
        stacked_years = np.concatenate([kept_years.to_numpy(), frame["year"].to_numpy()])
        order = None if (np.diff(stacked_years) >= 0).all() else np.argsort(stacked_years, kind="stable")
        data = {}
        for column in [*columns, *(c for c in frame.columns if c not in columns)]:
            if column in columns:
                kept = kept_years if column == "year" else self.current.column_without(name, column, years)
            else:  # the import's bookkeeping (sheet and row) and columns the snapshot lacks
                kept = pd.Series(-1 if column == SRC else pd.NA, index=range(len(kept_years)))
            values = pd.concat([kept, frame[column]], ignore_index=True)
            data[column] = values if order is None else values.take(order).reset_index(drop=True)
        return pd.DataFrame(data, copy=False)

    # stage 4: rules across tables --------------------------------------------------------------
    def references(self, tables: dict[str, pd.DataFrame]) -> None:
        def codes(name: str, column: str) -> set[str] | None:
            if name in tables:
                return set(tables[name][column].dropna())
            if self.current.has(name):
                return set(self.current.table(name, [column])[column].dropna())
            return None

        townships, villages = codes("townships", "township_code"), codes("villages", "village_code")
        self._refer(tables, "villages", "township_code", townships, "乡镇表中没有这个乡镇代码", "乡镇")
        for name in ("households", "village_indicators", "boundaries"):
            level = WARNING if name == "boundaries" else ERROR
            self._refer(tables, name, "village_code", villages, "行政村表中没有这个村代码", "行政村", level)
        self._refer(tables, "projects", "village_code", (villages or set()) | (townships or set()),
                    "行政村表和乡镇表中都没有这个代码", "行政村或乡镇")
        boundaries = codes("boundaries", "village_code")
        if "villages" in tables and boundaries is not None:
            v = tables["villages"]
            self.flag(WARNING, v, ~v["village_code"].isin(boundaries) & v["village_code"].notna() & v[SRC].ge(0),
                      "village_code", "villages", "这个村没有村界,地图上不会显示")
        elif "boundaries" in tables and villages is not None:
            missing = villages - boundaries
            if missing:
                self.report.add(WARNING, next(s.file for s in self.sheets if s.table == "boundaries"),
                                f"{len(missing)} 个村没有村界,地图上不会显示(例如 {'、'.join(sorted(missing)[:5])})")
        self._years(tables)
        self._extent(tables)

    def _extent(self, tables: dict[str, pd.DataFrame]) -> None:
        """New boundaries that barely overlap the county's current ones: shifted, or another county."""
        new = tables.get("boundaries")
        if new is None or not self.current.has("boundaries"):
            return
        imported = new[new[SRC].ge(0)] if SRC in new else new
        if imported.empty:
            return
        shared = _overlap(imported.geometry.values, self.current.table("boundaries").geometry.values)
        if shared < MIN_OVERLAP:
            file = next(s.file for s in self.sheets if s.table == "boundaries")
            self.report.add(WARNING, file, f"新村界的范围与当前村界只重合 {shared:.0%}:请核对坐标系"
                                           "(是否整体平移),以及是否为本县的村界")

    def _refer(self, tables: dict[str, pd.DataFrame], name: str, column: str, valid: set[str] | None,
               reason: str, target: str, level: str = ERROR) -> None:
        if valid is None:
            return
        frame = tables.get(name)
        if frame is None:
            if not self.current.has(name):
                return
            frame = self.current.table(name, [column])
            frame[SRC] = -1
        unknown = frame[column].notna() & ~frame[column].isin(valid)
        imported = frame[SRC].ge(0)
        self.flag(level, frame, unknown & imported, column, name, reason)
        kept = frame.loc[unknown & ~imported, column]
        if len(kept):
            zh = TABLES[name].zh
            self.report.add(level, CURRENT, f"当前数据中有 {len(kept):,} 行{zh}属于导入后已不存在的{target}"
                            f"(例如 {'、'.join(kept.drop_duplicates().head(5))}):请在导入的表中保留这些{target},"
                            f"或一并导入新的{zh}", column=TABLES[name].column(column).zh)

    def _years(self, tables: dict[str, pd.DataFrame]) -> None:
        def years(name: str) -> set[int]:
            if name in tables:
                return set(tables[name]["year"].dropna().astype(int))
            return set(self.current.table(name, ["year"])["year"].astype(int)) if self.current.has(name) else set()

        lines, households = years("monitoring_lines"), years("households")
        data = lines | households
        if "households" in tables and lines:
            h = tables["households"]
            self.flag(ERROR, h, h["year"].notna() & ~h["year"].isin(lines) & h[SRC].ge(0), "year", "households",
                      "这一年度没有监测收入标准:请一并导入该年度的监测标准")
        if not data:
            return
        low, high = min(data), max(data)
        for name, last in (("village_indicators", high), ("projects", high + 1)):
            if name in tables:
                f = tables[name]
                self.flag(WARNING, f, f["year"].notna() & ~f["year"].between(low, last) & f[SRC].ge(0), "year", name,
                          f"年度超出数据范围({low}—{last})")


def key_codes(frame: pd.DataFrame, columns: list[str], missing_equal: bool = False) -> np.ndarray:
    """One int64 code per row for the values of `columns`, equal where the rows' values are: what the
    cross-row checks compare instead of tuples of strings. -1 where a value is missing, unless
    `missing_equal` makes a missing value one more value."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        part, uniques = pd.factorize(frame[column], use_na_sentinel=not missing_equal)
        combined = np.where((codes < 0) | (part < 0), -1, codes * (len(uniques) + 1) + part)
        codes, _ = pd.factorize(combined)  # renumbered 0..n-1, so the next column cannot overflow
        codes = np.where(combined < 0, -1, codes)
    return codes


def valid_ids(ids: pd.Series) -> pd.Series:
    """contract.valid_id_number for a whole column of stripped, upper-case text at once (the check
    digit of GB 11643), with no Python object per row."""
    shaped = ids.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).to_numpy(dtype=bool)
    ok = np.zeros(len(ids), dtype=bool)
    if shaped.any():
        digits = np.frombuffer(ids[shaped].to_numpy(dtype="S18").tobytes(), dtype=np.uint8).reshape(-1, 18)
        total = (digits[:, :17].astype(int) - 48) @ np.array(ID_WEIGHTS) % 11
        ok[shaped] = np.frombuffer(ID_CHECKS.encode("ascii"), dtype=np.uint8)[total] == digits[:, 17]
    return pd.Series(ok, index=ids.index)


def _overlap(new: np.ndarray, current: np.ndarray) -> float:
    """Share of the new boundaries' extent that the current boundaries' extent covers."""
    a, b = shapely.box(*shapely.total_bounds(new)), shapely.box(*shapely.total_bounds(current))
    return float(shapely.area(shapely.intersection(a, b)) / shapely.area(a)) if shapely.area(a) > 0 else 0.0


def _control_reason(value: str) -> str:
    code = ord(re.search(CONTROL, value).group())
    name = _CONTROL_NAMES.get(code, "控制字符")
    return f"含有不可见的{name}(U+{code:04X}),Excel 无法保存:请删去这个字符后再导入"


def _id_reason(value: str) -> str:
    text = str(value).strip().upper()
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", text):
        return "证件号码被存成了数字、显示为科学计数法,后几位已经丢失:请把该列设为“文本”格式后重新填写"
    if len(text) != 18:
        return f"身份证号码应为 18 位,这里是 {len(text)} 位"
    if not re.fullmatch(r"[0-9]{17}[0-9X]", text):
        return "身份证号码前 17 位应为数字,末位为数字或 X"
    return "身份证号码校验位不对(末位与前 17 位不符),请核对是否输错"


def _years(years: list[int]) -> str:
    return f"{years[0]}—{years[-1]}" if len(years) > 2 and years[-1] - years[0] == len(years) - 1 else "、".join(map(str, years))
