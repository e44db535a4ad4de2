"""The validation report of an import, in Chinese.

Every problem names the file, the worksheet, the row number as Excel shows it, the column
header, the value and the reason. Errors block the import; warnings do not. A check that fires
on many rows lists the first MAX_LISTED of them and counts the rest, so a badly broken
300,000-row file still gets a complete, readable answer quickly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analytics.access.privacy import mask_id_number, mask_name
from analytics.data.contract import TABLES

ERROR, WARNING = "error", "warning"
LEVEL_ZH = {ERROR: "错误", WARNING: "警告"}
MAX_LISTED = 200
_PERSONAL_MASKS = {"head_name": mask_name, "head_id_number": mask_id_number}
HEADERS = {"level": "级别", "file": "文件", "sheet": "工作表", "row": "行号", "column": "列",
           "value": "值", "reason": "问题"}


@dataclass(frozen=True)
class Problem:
    level: str
    file: str
    reason: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    column_id: str = ""  # the contract column, so personal values can be masked
    count: int = 1  # more than 1 for a line that stands for occurrences not listed one by one


def display(value: object, limit: int = 60) -> str:
    """A cell as the user typed it: 12 not 12.0, empty for missing, long text cut short."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, level: str, file: str, reason: str, **where: object) -> None:
        self.problems.append(Problem(level, file, reason, **where))

    def add_rows(self, level: str, rows: pd.DataFrame, reason: str | pd.Series, *, column: str,
                 column_id: str = "") -> None:
        """One problem per row of `rows` (columns file, sheet, row, value), the first
        MAX_LISTED listed and the rest counted on one line per file."""
        if rows.empty:
            return
        reasons = reason if isinstance(reason, pd.Series) else pd.Series(reason, index=rows.index)
        listed = rows.head(MAX_LISTED)
        for (_, r), why in zip(listed.iterrows(), reasons.loc[listed.index]):
            row = r["row"]
            self.problems.append(Problem(
                level, str(r["file"]), str(why), sheet=str(r["sheet"]),
                row=None if pd.isna(row) else int(row), column=column,
                value=display(r["value"]), column_id=column_id))
        rest = rows.iloc[MAX_LISTED:]
        for file, group in rest.groupby("file", sort=False):
            self.problems.append(Problem(
                level, str(file), f"{reasons.loc[group.index[0]]}(同样的问题另有 {len(group):,} 处,未逐一列出)",
                sheet=str(group["sheet"].iloc[0]), column=column, column_id=column_id, count=len(group)))

    def extend(self, other: Report) -> None:
        self.problems.extend(other.problems)
        self.notes.extend(other.notes)

    def count(self, level: str) -> int:
        return sum(p.count for p in self.problems if p.level == level)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def verdict(self) -> str:
        if self.errors:
            return f"发现错误 {self.errors:,} 处、警告 {self.warnings:,} 处:有错误,不能导入,请改正后重新检查。"
        if self.warnings:
            return f"没有错误;警告 {self.warnings:,} 处(不影响导入,请核对)。"
        return "没有发现问题,可以导入。"

    def frame(self, personal_visible: bool = False) -> pd.DataFrame:
        """The problems as a table (English column ids; HEADERS gives the Chinese labels),
        errors first, personal values masked unless the viewer may see them."""
        rows = []
        for p in sorted(self.problems, key=lambda p: p.level != ERROR):
            value = p.value
            if not personal_visible and p.column_id in _PERSONAL_MASKS:
                value = _PERSONAL_MASKS[p.column_id](value)
            rows.append({"level": LEVEL_ZH[p.level], "file": p.file, "sheet": p.sheet,
                         "row": p.row, "column": p.column, "value": value, "reason": p.reason})
        frame = pd.DataFrame(rows, columns=list(HEADERS))
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def text(self, personal_visible: bool = False) -> str:
        """The report as lines of plain text, for the command line."""
        lines = [*self.notes, ""]
        for r in self.frame(personal_visible).itertuples():
            where = r.file + (f" 工作表“{r.sheet}”" if r.sheet else "")
            if pd.notna(r.row):
                where += f" 第 {r.row} 行"
            if r.column:
                where += f" 列“{r.column}”"
            value = f" 值“{r.value}”" if r.value else ""
            lines.append(f"[{r.level}] {where}{value}:{r.reason}")
        lines += ["", self.verdict()]
        return "\n".join(lines)


def table_zh(name: str) -> str:
    return TABLES[name].zh
