"""Person-level exports of the national monitoring system, aggregated to the household table.

Counties download one row per person (户编号, 与户主关系, 证件号码, 劳动技能, 健康状况 ...), with
the household's own fields repeated on every member's row and the village given by name. The
reader (analytics.ingest.reading) keeps such a sheet's columns by letter; this module recognises
the columns, takes the year (analytics.ingest.period) and the village code
(analytics.ingest.places), and builds one household row per 户编号 with the rules below, written
once here and listed in the README:

- 家庭人口数 = the household's member rows; 户主姓名 / 户主证件号码 / 户主文化程度 from the row whose
  与户主关系 is 户主 (exactly one per household);
- 劳动力人数 = members whose 劳动技能 is 技能劳动力 or 普通劳动力, and 弱劳动力或半劳动力 too when the
  setting import.weak_labor_counts is on;
- 65岁及以上人数 = members born on or before 31 December of (year - 65), by the ID number's birth date;
- 在校生人数 = members whose 在校生状况 is filled and not one of NOT_STUDENT;
- 慢性病 / 大病 / 残疾人数 = members whose 健康状况 names 慢性病 / 大病 / 残疾 (one member may count in several);
- 务工月数 = the sum of the members' 务工时间(月);
- 基本医疗保险全员参保, when the file has no household column for it, = every member's 参保 flag is 是;
- every other household field is taken from the members' rows; a blank cell (a merged cell reads
  as blank below its first row) takes the household's value, and two members with different
  values is an error naming the 户编号, the rows and the column.

Only the household rows leave this module: the person rows are never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data.contract import BOOL_TRUE, HOUSEHOLDS
from analytics.ingest import period
from analytics.ingest.places import Places
from analytics.ingest.reading import PERSONS, ROW, Sheet, match, norm
from analytics.ingest.report import ERROR, MAX_LISTED, WARNING, Report
from analytics.ingest.validation import Current, as_text, valid_ids

# Person columns and the headers they go by (compared after reading.norm: full-width, spaces).
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "relation": ("与户主关系",),
    "name": ("姓名", "成员姓名"),
    "id_number": ("证件号码", "身份证号码", "身份证号", "公民身份号码"),
    "person_id": ("人编号", "成员编号"),
    "sex": ("性别",),
    "education": ("文化程度",),
    "schooling": ("在校生状况", "在校生情况", "在校情况"),
    "health": ("健康状况",),
    "labor": ("劳动技能", "劳动能力"),
    "work_months": ("务工时间(月)", "务工时间", "外出务工时间(月)", "务工时长(月)"),
    "insured": ("参加城乡居民基本医疗保险", "是否参加城乡居民基本医疗保险", "是否参加基本医疗保险", "参加基本医疗保险"),
    "county": ("县", "县(市、区)", "县(市区)", "县区"),
    "township": ("乡(镇)", "乡镇", "乡镇名称", "乡(镇、街道)", "乡镇(街道)", "所属乡镇"),
    "village": ("行政村", "村", "行政村名称", "村名称", "所属行政村"),
    "natural_village": ("自然村", "自然村(组)", "村民小组"),
}
REQUIRED = ("relation", "name", "id_number", "education", "schooling", "health", "labor", "work_months", "village")
HEAD = "户主"
FULL_LABOR = ("技能劳动力", "普通劳动力")
WEAK_LABOR = "弱劳动力或半劳动力"
NO_LABOR = ("丧失劳动力", "无劳动力")
LABOR_VARIANTS = {"弱劳动力": WEAK_LABOR, "半劳动力": WEAK_LABOR, "弱劳动力/半劳动力": WEAK_LABOR,
                  "丧失劳动能力": "丧失劳动力", "无劳动能力": "无劳动力"}
NOT_STUDENT = ("非在校生", "否", "无", "不在校", "失学", "辍学", "失学辍学", "失学或辍学", "已毕业")
HEALTH = {"chronic_illness_count": "慢性病", "serious_illness_count": "大病", "disabled_count": "残疾"}
HEALTHY = "健康"
# 文化程度 as the national system writes it, to the contract's five levels.
EDUCATION_VARIANTS = {"文盲": "文盲或半文盲", "半文盲": "文盲或半文盲", "学龄前儿童": "文盲或半文盲",
                      "中专": "高中", "中职": "高中", "技校": "高中", "高中(含中专)": "高中",
                      "大专": "大专及以上", "本科": "大专及以上", "本科及以上": "大专及以上",
                      "硕士": "大专及以上", "研究生": "大专及以上", "研究生及以上": "大专及以上"}
ELDERLY_AGE = 65
# Household columns built from the members, whatever the file says about them.
COMPUTED = ("head_name", "head_id_number", "head_education", "household_size", "labor_count", "elderly_count",
            "students_count", *HEALTH, "migrant_work_months", "year", "village_code")
_PERSON_LOOKUP = {norm(alias): field for field, aliases in PERSON_COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class Summary:
    """What one person-level sheet gave: shown before committing, in the report and on the page."""

    file: str
    sheet: str
    year: int | None
    year_source: str
    people: int
    households: int
    county: str = ""  # the 县 the rows name, when they all name the same one

    def line(self) -> str:
        where = self.file + (f" 工作表“{self.sheet}”" if self.sheet else "")
        year = f"{self.year} 年(取自{self.year_source})" if self.year else "年度未定"
        return f"{where}:人员信息,{year},{self.people:,} 人,{self.households:,} 户"


def summary_frame(summaries: Sequence[Summary]) -> pd.DataFrame:
    """The per-file summaries as a table (English column ids), for the 数据管理 page."""
    columns = ["file", "sheet", "year", "year_source", "people", "households", "county"]
    return pd.DataFrame([vars(s) for s in summaries], columns=columns).astype({"year": "Int64"})


def person_column(header: str) -> str | None:
    text = norm(header)
    return _PERSON_LOOKUP.get(text) or _PERSON_LOOKUP.get(text.split("(")[0] if text.endswith(")") else text)


def to_households(sheets: Sequence[Sheet], current: Current, year: int | None,
                  report: Report) -> tuple[list[Sheet], list[Summary]]:
    """Every person-level sheet replaced by the household sheet it aggregates to; other sheets
    pass through. `year` is the user's year, for files that name none."""
    if not any(s.table == PERSONS for s in sheets):
        return list(sheets), []
    places = _places(sheets, current)
    out, summaries = [], []
    for sheet in sheets:
        if sheet.table != PERSONS:
            out.append(sheet)
            continue
        if places is None:
            report.add(ERROR, sheet.file, "人员信息按乡(镇)和行政村名称确定所属的村,需要行政村表和乡镇表:"
                                          "请把它们与人员信息一起导入,或先单独导入", sheet=sheet.sheet)
            continue
        households, summary = aggregate(sheet, year, places, report)
        summaries.append(summary)
        report.notes.append(summary.line())
        if households is not None:
            out.append(households)
    return out, summaries


def _places(sheets: Sequence[Sheet], current: Current) -> Places | None:
    """The villages and townships to match names against: the import's own, else the current snapshot's."""
    def table(name: str, columns: list[str]) -> pd.DataFrame | None:
        own = [s.frame for s in sheets if s.table == name and set(columns) <= set(s.frame.columns)]
        if own:
            frame = pd.concat(own, ignore_index=True)
            return pd.DataFrame({c: as_text(frame[c]) for c in columns})
        return current.table(name, columns) if current.has(name) else None

    villages = table("villages", ["village_code", "village_name", "township_code"])
    townships = table("townships", ["township_code", "township_name"])
    return None if villages is None or townships is None else Places(villages, townships)


def _columns(sheet: Sheet, report: Report) -> tuple[dict[str, str], dict[str, str], bool]:
    """Letter -> field for person columns and household columns; False when a required one is missing."""
    people, households, unused = {}, {}, []
    where = {"sheet": sheet.sheet, "row": sheet.header_row}
    for letter, header in sheet.headers.items():
        field = person_column(header)
        target = people
        if field is None and (field := match("households", header)) is not None:
            target = households
        if field is None:
            unused.append(header)
            continue
        if field in people.values() or field in households.values():
            report.add(ERROR, sheet.file, f"列“{header}”出现了两次(第 {letter} 列),请删去多余的一列", column=header, **where)
            continue
        target[letter] = field
    ok = True
    have = set(people.values())
    for field in REQUIRED:
        if field not in have:
            ok = False
            report.add(ERROR, sheet.file, f"人员信息缺少列“{PERSON_COLUMNS[field][0]}”", column=PERSON_COLUMNS[field][0], **where)
    if "household_id" not in households.values():
        ok = False
        report.add(ERROR, sheet.file, "人员信息缺少列“户编号”", column="户编号", **where)
    if unused:
        report.notes.append(f"{sheet.file}:以下列不属于数据约定,未导入:{'、'.join(unused)}")
    return people, households, ok


def _cells(frame: pd.DataFrame, letters: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({field: frame[letter] for letter, field in letters.items()}, index=frame.index)


def _blank(values: pd.Series) -> pd.Series:
    """Empty cells (a cell of spaces counts as filled here; as_text strips it where values are compared)."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.isna()
    return values.isna() | values.eq("")


def aggregate(sheet: Sheet, given_year: int | None, places: Places, report: Report) -> tuple[Sheet | None, Summary]:
    """One person-level sheet as a household sheet (raw cells by contract column, like any
    household file, so the validator checks it the same way)."""
    year = period.resolve(sheet.file, sheet.title, given_year)
    summary = Summary(sheet.file, sheet.sheet, year.year, year.source, 0, 0)
    people_cols, household_cols, ok = _columns(sheet, report)
    if year.problem:
        report.add(ERROR, sheet.file, year.problem, sheet=sheet.sheet, value=sheet.title.split("\n")[0][:60])
    if not ok or year.problem:
        return None, summary
    frame = sheet.frame
    # a member row names the person; blank separator rows and a totals row at the end do not
    member = ~np.logical_and.reduce([_blank(frame[letter]).to_numpy() for letter, f in people_cols.items()
                                     if f in ("relation", "name", "id_number")])
    rest = frame[~member]
    other = rest[ROW][~np.logical_and.reduce([_blank(rest[c]).to_numpy() for c in rest.columns if c != ROW])]
    if len(other):
        report.add(WARNING, sheet.file, f"共 {len(other)} 行没有姓名、证件号码和与户主关系(如合计行),不是成员行,已忽略",
                   sheet=sheet.sheet, row=int(other.iloc[0]))
    frame = frame[member]
    p = _cells(frame, people_cols)
    h = _cells(frame, household_cols)
    rows = frame[ROW].to_numpy()
    text = {c: as_text(p[c]) for c in p}
    relation = text["relation"].str.replace(r"\s+", "", regex=True)
    where = _Where(sheet, report, rows)

    # 户编号: a merged cell is blank below its first row, so a blank one belongs to the household above
    hid = as_text(h["household_id"])
    blank_head = hid.isna() & relation.eq(HEAD)
    where.rows(blank_head, "household_id", "户主所在行的户编号为空", hid)
    where.rows(hid.ffill().isna() & ~blank_head, "household_id", "户编号为空(上方也没有可归属的户)", hid)
    hid = hid.ffill()
    keep = hid.notna().to_numpy() & ~blank_head.to_numpy()
    if not keep.all():
        frame, p, h, rows, hid, relation = frame[keep], p[keep], h[keep], rows[keep], hid[keep], relation[keep]
        text = {c: t[keep] for c, t in text.items()}
        where = _Where(sheet, report, rows)
    codes, ids = pd.factorize(hid, sort=False)
    n = len(ids)
    summary = Summary(sheet.file, sheet.sheet, year.year, year.source, len(frame), n)
    if n == 0:
        return None, summary

    out: dict[str, object] = {"household_id": ids.astype(str)}
    headers = {"household_id": _header(sheet, household_cols, "household_id")}
    heads = _heads(relation, codes, n, ids, where)
    head_at = np.full(n, -1)
    head_at[codes[heads]] = np.flatnonzero(heads)
    first_at = np.unique(codes, return_index=True)[1]  # factorize numbers households by first row
    at = np.where(head_at >= 0, head_at, first_at)

    def of_head(values: pd.Series) -> np.ndarray:
        return np.where(head_at >= 0, values.to_numpy(dtype=object)[at], None)

    out["head_name"] = of_head(text["name"])
    out["head_id_number"] = of_head(text["id_number"])
    education = text["education"].replace(EDUCATION_VARIANTS)
    out["head_education"] = of_head(education)
    out["household_size"] = np.bincount(codes, minlength=n)
    out["labor_count"] = _count(codes, n, _labor(text["labor"], where))
    out["elderly_count"] = _count(codes, n, _elderly(text["id_number"], year.year, where))
    schooling = text["schooling"].str.replace(r"\s+", "", regex=True)
    out["students_count"] = _count(codes, n, schooling.notna() & ~schooling.isin(NOT_STUDENT))
    for column, flag in _health(text["health"], where).items():
        out[column] = _count(codes, n, flag)
    out["migrant_work_months"] = np.bincount(codes, weights=_months(text["work_months"], where), minlength=n)
    if "insured" in p and "medical_insured_all" not in household_cols.values():
        insured = text["insured"].str.lower().isin(BOOL_TRUE)
        out["medical_insured_all"] = np.where(np.bincount(codes, weights=~insured, minlength=n) == 0, "是", "否")
        headers["medical_insured_all"] = _header(sheet, people_cols, "insured")
    people_headers = {"head_name": "name", "head_id_number": "id_number", "head_education": "education",
                      "household_size": "relation", "labor_count": "labor", "elderly_count": "id_number",
                      "students_count": "schooling", **dict.fromkeys(HEALTH, "health"),
                      "migrant_work_months": "work_months"}
    headers |= {c: _header(sheet, people_cols, f) for c, f in people_headers.items()}

    # the household's own fields, and the names of its place
    shared = {f: h[f] for f in household_cols.values() if f not in COMPUTED and f != "household_id"}
    shared |= {f: p[f] for f in ("township", "village", "county") if f in p}
    values = _agree(shared, codes, n, ids, sheet, {**household_cols, **people_cols}, where)
    for field, column in values.items():
        if field in HOUSEHOLDS.ids:
            out[field] = column
            headers[field] = _header(sheet, household_cols, field)
    town = values.get("township", pd.Series([""] * n)).fillna("").map(str)
    village = values["village"].fillna("").map(str)
    found, problems = places.codes(pd.DataFrame({"t": town.to_numpy(), "v": village.to_numpy()}))
    for (t, v), problem in problems.items():
        members = np.flatnonzero((town.to_numpy() == t) & (village.to_numpy() == v))
        report.add(ERROR, sheet.file, f"{problem}(涉及 {len(members):,} 户)", sheet=sheet.sheet,
                   row=int(rows[at[members[0]]]), column=_header(sheet, people_cols, "village"),
                   value=f"{t} {v}".strip())
    counties = values["county"].dropna().map(str).str.strip().unique() if "county" in values else []
    if len(counties) == 1:
        summary = replace(summary, county=counties[0])
    out["village_code"] = found.to_numpy()
    headers["village_code"] = "、".join(_header(sheet, people_cols, f) for f in ("township", "village") if f in people_cols.values())
    out["year"] = year.year
    headers["year"] = f"年度(取自{year.source})"
    households = pd.DataFrame(out)
    households[ROW] = rows[at]
    households = households[found.notna().to_numpy() & (head_at >= 0)].reset_index(drop=True)
    return Sheet(sheet.file, sheet.sheet, "households", sheet.header_row, headers, households, sheet.encoding), summary


class _Where:
    """Reports problems on person rows, naming the file, sheet, row and header."""

    def __init__(self, sheet: Sheet, report: Report, rows: np.ndarray) -> None:
        self.sheet, self.report, self.row_numbers = sheet, report, rows

    def rows(self, mask: pd.Series, field: str, reason: str | pd.Series, values: pd.Series,
             column_id: str = "") -> None:
        mask = mask.fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            return
        found = pd.DataFrame({"file": self.sheet.file, "sheet": self.sheet.sheet, "row": self.row_numbers[mask],
                              "value": values.to_numpy(dtype=object)[mask]})
        why = reason[mask].reset_index(drop=True) if isinstance(reason, pd.Series) else reason
        header = next((h for h in self.sheet.headers.values()
                       if person_column(h) == field or match("households", h) == field), field)
        self.report.add_rows(ERROR, found, why, column=header, column_id=column_id)


def _header(sheet: Sheet, letters: dict[str, str], field: str) -> str:
    return next((sheet.headers[letter] for letter, f in letters.items() if f == field), field)


def _count(codes: np.ndarray, n: int, flags: pd.Series) -> np.ndarray:
    return np.bincount(codes, weights=flags.fillna(False).to_numpy(dtype=bool), minlength=n).astype(int)


def _heads(relation: pd.Series, codes: np.ndarray, n: int, ids: pd.Index, where: _Where) -> np.ndarray:
    """Each household's 户主 row; none or two is an error naming the household's rows."""
    heads = relation.eq(HEAD).fillna(False).to_numpy(dtype=bool)
    per = np.bincount(codes[heads], minlength=n)
    wrong = np.flatnonzero(per != 1)
    if len(wrong):
        members = pd.Series(np.isin(codes, wrong), index=relation.index)
        first = members & ~pd.Series(codes, index=relation.index).duplicated()
        lines = {c: "、".join(map(str, where.row_numbers[codes == c][:8])) for c in wrong[:200]}
        reasons = pd.Series([f"户编号 {ids[c]} 有 {per[c]} 个“户主”(成员在第 {lines.get(c, '…')} 行):每户须有且只有一名户主"
                             for c in codes], index=relation.index)
        where.rows(first, "relation", reasons, relation)
        heads &= ~members.to_numpy()
    return heads


def _labor(labor: pd.Series, where: _Where) -> pd.Series:
    value = labor.str.replace(r"\s+", "", regex=True).replace(LABOR_VARIANTS)
    known = (*FULL_LABOR, WEAK_LABOR, *NO_LABOR)
    where.rows(value.notna() & ~value.isin(known), "labor",
               f"劳动技能只能是:{'、'.join(known)}", labor)
    counted = FULL_LABOR + ((WEAK_LABOR,) if settings.flag("import.weak_labor_counts") else ())
    return value.isin(counted)


def _elderly(id_numbers: pd.Series, year: int, where: _Where) -> pd.Series:
    """65 or older at the end of `year`, by the birth date in the ID number (18 digits, or the
    old 15-digit numbers with a two-digit year)."""
    ids = id_numbers.str.strip().str.upper()
    long_ok = valid_ids(ids)
    short = ids.str.fullmatch(r"\d{15}").fillna(False).astype(bool)
    birth = ids.str[6:14].where(long_ok, ("19" + ids.str[6:12]).where(short))
    date = pd.to_datetime(birth, format="%Y%m%d", errors="coerce")
    bad = ids.notna() & date.isna()
    where.rows(bad, "id_number", "证件号码无效(应为 18 位居民身份证号码,末位为校验码),无法据此判断年龄:请核对",
               id_numbers, column_id="head_id_number")
    where.rows(ids.isna(), "id_number", "证件号码为空,无法据此判断年龄", id_numbers)
    return birth.le(f"{year - ELDERLY_AGE}1231")


def _health(health: pd.Series, where: _Where) -> dict[str, pd.Series]:
    value = health.str.replace(r"\s+", "", regex=True)
    flags = {column: value.str.contains(word, regex=False) for column, word in HEALTH.items()}
    named = np.logical_or.reduce([f.fillna(False).to_numpy(dtype=bool) for f in flags.values()])
    where.rows(value.notna() & ~named & value.ne(HEALTHY), "health",
               "健康状况只能是:健康、长期慢性病、患有大病、残疾(可多项,以 、 分隔)", health)
    return flags


def _months(text: pd.Series, where: _Where) -> np.ndarray:
    months = pd.to_numeric(text, errors="coerce")
    where.rows(text.notna() & months.isna(), "work_months", "务工时间应为月数(0 到 12 的数字)", text)
    where.rows(months.notna() & ~months.between(0, 12), "work_months", "务工时间应在 0 到 12 个月之间", text)
    return months.where(months.between(0, 12)).fillna(0.0).to_numpy(dtype=float)


def _agree(columns: dict[str, pd.Series], codes: np.ndarray, n: int, ids: pd.Index, sheet: Sheet,
           letters: dict[str, str], where: _Where) -> dict[str, pd.Series]:
    """Each household's value of each shared field: the first filled one; members with
    different filled values is an error naming the 户编号, the rows and the column."""
    out = {}
    key = pd.Series(codes)
    members: dict[int, np.ndarray] | None = None
    for field, raw in columns.items():
        cells = raw.reset_index(drop=True)
        cells = cells.where(~_blank(cells))
        grouped = cells.groupby(key, sort=True)
        out[field] = grouped.first().reindex(range(n)).reset_index(drop=True)
        if not (grouped.nunique(dropna=True) > 1).any():
            continue
        text = as_text(cells)  # compared as text, so 1200 and "1200" or "是 " and "是" agree
        distinct = text.groupby(key, sort=True).nunique(dropna=True).reindex(range(n), fill_value=0)
        wrong = np.flatnonzero(distinct.to_numpy() > 1)
        if not len(wrong):
            continue
        members = members if members is not None else key.groupby(key).indices
        header = _header(sheet, letters, field)
        for c in wrong[:MAX_LISTED]:
            rows = members[c]
            parts = "、".join(f"第 {r} 行“{v}”" for r, v in zip(where.row_numbers[rows], text.iloc[rows].fillna("(空)")))
            where.report.add(ERROR, sheet.file, f"户编号 {ids[c]} 的成员在“{header}”上不一致:{parts}。"
                                                "同一户的户级信息在每位成员的行上应相同", sheet=sheet.sheet,
                             row=int(where.row_numbers[rows[0]]), column=header, value=str(ids[c]))
        if len(wrong) > MAX_LISTED:
            where.report.add(ERROR, sheet.file, f"另有 {len(wrong) - MAX_LISTED:,} 户的成员在“{header}”上不一致,未逐一列出",
                             sheet=sheet.sheet, column=header, count=len(wrong) - MAX_LISTED)
    return out
