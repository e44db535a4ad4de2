"""A person-level county, as the national monitoring system exports it, built from the demo county.

Each demo household that the system would hold (脱贫户 and monitoring objects) becomes one row per
member, with the household's fields repeated on every row and the village given by name; the
members are made so that the import's aggregation rules give the household back. `expected` is
that household table, so a test can compare the import with it field by field.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import xlwt
from openpyxl import Workbook

from analytics.data.contract import id_check_digit, valid_id_number
from tests.import_helpers import as_text

RELATIONS = ("配偶", "之子", "之女", "之父", "之母", "之孙子", "之孙女", "之儿媳", "其他")
HEALTH_WORDS = {"chronic_illness_count": "长期慢性病", "serious_illness_count": "患有大病", "disabled_count": "残疾"}
NOT_LABOR = ("弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
SCHOOLS = ("小学", "初中", "普通高中一年级", "学前教育")
# Household columns the aggregation builds from the members; the rest is repeated on every row.
BUILT = ("year", "village_code", "head_name", "head_id_number", "head_education", "household_size",
         "labor_count", "elderly_count", "students_count", "chronic_illness_count", "serious_illness_count",
         "disabled_count", "migrant_work_months")


def in_system(households: pd.DataFrame) -> pd.DataFrame:
    """The households the national system holds: 脱贫户 and monitoring objects."""
    keep = households["household_type"].eq("脱贫户") | households["monitoring_category"].notna()
    return households[keep].reset_index(drop=True)


def _id(region: str, born: int, household: int, member: int) -> str:
    """A valid ID number born in `born`, distinct for every household and member (day and serial vary)."""
    first17 = f"{region}{born}{household % 12 + 1:02d}{household // 12 % 28 + 1:02d}{(household // 336 * 10 + member) % 1000:03d}"
    return first17 + id_check_digit(first17)


def _elderly(id_number: str, year: int) -> bool:
    return valid_id_number(id_number) and id_number[6:14] <= f"{year - 65}1231"


def members(households: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Person columns (one row per member, `_household` the row of `households`) and the
    households with the head's ID number as the members carry it."""
    out: dict[str, list] = {k: [] for k in ("_household", "人编号", "姓名", "证件号码", "与户主关系", "性别",
                                            "文化程度", "在校生状况", "健康状况", "劳动技能", "务工时间（月）")}
    heads = households["head_id_number"].to_numpy(dtype=object).copy()
    for i, h in enumerate(households.itertuples(index=False)):
        size, year = int(h.household_size), int(h.year)
        elderly = int(h.elderly_count)
        region = str(h.head_id_number)[:6]
        if _elderly(heads[i], year) != (elderly > 0):  # the head is the first elderly member, or none is
            heads[i] = _id(region, year - 70 if elderly else year - 40, i, 0)
        order = list(range(size))  # labour first among the younger members, school places last
        young = [m for m in order if m >= elderly]
        old = [m for m in order if m < elderly]
        labor = set((young + old)[: int(h.labor_count)])
        students = set((young[::-1] + old)[: int(h.students_count)])
        health: dict[int, list[str]] = {}
        k = 0
        for column, word in HEALTH_WORDS.items():
            for _ in range(int(getattr(h, column))):
                health.setdefault(k % size, []).append(word)
                k += 1
        months = float(h.migrant_work_months)
        share = {}
        for m in sorted(order, key=lambda m: m not in labor):
            share[m] = round(min(12.0, months), 1)
            months = round(months - share[m], 1)
        for m in order:
            out["_household"].append(i)
            out["人编号"].append(f"{h.household_id}{m + 1:02d}")
            out["姓名"].append(h.head_name if m == 0 else str(h.head_name)[0] + "家" + "一二三四五六七八九十"[m % 10])
            born = year - 70 - m if m < elderly else year - 64 + m
            out["证件号码"].append(heads[i] if m == 0 else _id(region, born, i, m))
            out["与户主关系"].append("户主" if m == 0 else RELATIONS[(m - 1) % len(RELATIONS)])
            out["性别"].append("男" if m % 2 == 0 else "女")
            out["文化程度"].append(h.head_education if m == 0 else "初中")
            out["在校生状况"].append(SCHOOLS[m % len(SCHOOLS)] if m in students else "非在校生")
            out["健康状况"].append("、".join(health.get(m, [])) or "健康")
            out["劳动技能"].append(("技能劳动力" if m % 2 else "普通劳动力") if m in labor else NOT_LABOR[m % 3])
            out["务工时间（月）"].append(share[m])
    return pd.DataFrame(out), households.assign(head_id_number=heads)


def person_rows(households: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame,
                county: str = "岚溪县") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The export's data rows under its Chinese headers, and the household table it should give."""
    people, expected = members(households)
    place = villages.set_index("village_code")
    town = townships.set_index("township_code")["township_name"]
    shared = as_text(expected.drop(columns=list(BUILT)), "households")
    at = people.pop("_household").to_numpy()
    codes = expected["village_code"].to_numpy()[at]
    front = pd.DataFrame({"县": county, "乡(镇)": town.reindex(place["township_code"].reindex(codes)).to_numpy(),
                          "行政村": place["village_name"].reindex(codes).to_numpy(),
                          "户编号": expected["household_id"].to_numpy()[at]})
    rows = pd.concat([front, people, shared.drop(columns="户编号").iloc[at].reset_index(drop=True)], axis=1)
    return rows, expected


def title(year: int, county: str = "岚溪县") -> list[list[object]]:
    return [[f"{county}脱贫户和监测对象家庭成员信息（{year}年度）"], ["导出单位:县乡村振兴局", "导出时间:2026年3月5日"]]


def xlsx_bytes(rows: pd.DataFrame, above: list[list[object]] = ()) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("家庭成员")
    for line in [*above, list(rows.columns), *rows.itertuples(index=False)]:
        sheet.append([None if v is None or v != v else v for v in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows: pd.DataFrame, above: list[list[object]] = ()) -> bytes:
    """An old .xls as counties still download it (xlwt writes BIFF8, the format calamine reads)."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("家庭成员")
    for r, line in enumerate([*above, list(rows.columns), *rows.itertuples(index=False)]):
        for c, value in enumerate(line):
            if value is not None and value == value and value != "":
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: pd.DataFrame, encoding: str = "gbk", above: list[list[object]] = ()) -> bytes:
    lines = [",".join(map(str, line)) + "\n" for line in above]
    return ("".join(lines) + rows.to_csv(index=False, lineterminator="\n")).encode(encoding)


def context_files(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """The county's other tables (townships, villages, projects, monitoring lines) as CSV files;
    no indicators and no boundaries, as a county starting out has them."""
    from tests.import_helpers import csv_bytes as table_csv

    paths = []
    for name, zh in (("townships", "乡镇"), ("villages", "行政村"), ("projects", "资金项目"),
                     ("monitoring_lines", "监测标准")):
        path = folder / f"{zh}.csv"
        path.write_bytes(table_csv(as_text(tables[name], name)))
        paths.append(path)
    return paths


def expected_households(expected: pd.DataFrame) -> pd.DataFrame:
    """The demo households as the import types them (sorted the way a comparison needs)."""
    return expected.sort_values(["year", "household_id"], ignore_index=True)


def sample_villages(households: pd.DataFrame, n: int, seed: int = 1) -> pd.DataFrame:
    """The households of n villages, for tests that need a small file."""
    codes = households["village_code"].drop_duplicates()
    chosen = codes.sample(n, random_state=np.random.RandomState(seed))
    return households[households["village_code"].isin(chosen)].reset_index(drop=True)
