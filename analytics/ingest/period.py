"""The year a person-level export stands for.

The national monitoring system's exports carry no year column: the year is in the title row
("XX县脱贫户和监测对象家庭成员信息（2023年度）") or in the file name ("成员信息2023年度.xls",
"members_2023.csv"), or the user states it (`--year`, the year field of the 数据管理 page).
Every source that names a year must name the same one, so a file with a wrong title or a
wrong name stops the import instead of landing in another year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# A title year: "2023年度", else "2023年" that is not the start of a date ("2024年3月5日").
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度")
_TITLE_YEAR_LOOSE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
# A file-name year: 2023年度, 2023年, or four digits standing alone (_2023, 2023-, (2023)).
_NAME_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年度?|(?!\d))")
# Title lines about the export itself (导出时间、打印日期) name the day of export, not the year.
_EXPORT_LINE = re.compile(r"(导出|打印|制表|填报|统计)(时间|日期)|日期[::]")


@dataclass(frozen=True)
class Year:
    """The year taken for a file and why; `problem` is set (Chinese) when no single year holds."""

    year: int | None
    source: str
    problem: str = ""


def _found(pattern: re.Pattern[str], text: str) -> list[int]:
    return sorted({int(m) for m in pattern.findall(unicodedata.normalize("NFKC", text))})


def from_title(title: str) -> list[int]:
    """Years named in the rows above the header, leaving out export-date lines."""
    parts = [p for p in re.split(r"\s{2,}|\n", title) if p and not _EXPORT_LINE.search(p)]
    text = " ".join(parts)
    return _found(_TITLE_YEAR, text) or _found(_TITLE_YEAR_LOOSE, text)


def from_name(file: str) -> list[int]:
    return _found(_NAME_YEAR, Path(file).stem)


def resolve(file: str, title: str, given: int | None) -> Year:
    """The year of one file from the user's year, the title rows and the file name."""
    named = {"标题行": from_title(title), "文件名": from_name(file)}
    for where, years in named.items():
        if len(years) > 1:
            return Year(None, where, f"{where}中有多个年度({'、'.join(map(str, years))}),无法判断是哪一年:"
                                     "请在导入时指定年度(命令行 --year,或数据管理页面的“年度”)")
    found = {where: years[0] for where, years in named.items() if years}
    if len(set(found.values())) > 1:
        return Year(None, "标题行", f"标题行写的是 {found['标题行']} 年,文件名写的是 {found['文件名']} 年,两者矛盾:"
                                 "请核对后改正标题或文件名")
    if given is not None:
        for where, year in found.items():
            if year != given:
                return Year(None, where, f"指定的年度是 {given} 年,但{where}写的是 {year} 年:请核对文件,或改正指定的年度")
        return Year(given, "指定的年度")
    if found:
        where, year = next(iter(found.items()))
        return Year(year, where)
    return Year(None, "", "标题行和文件名中都没有年度(如“2023年度”):请在导入时指定年度"
                          "(命令行 --year 2023,或数据管理页面的“年度”)")
