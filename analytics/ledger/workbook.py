"""The ledger's Excel: the template (the plan as an editable 任务台账 sheet, an empty 任务进展
sheet, a 任务清单 to look task numbers up, and a 说明 sheet) and its import.

A ledger file is recognised by its sheet names (or a CSV's file name), so it goes through the
ordinary `python -m analytics import`; `check` validates every row against the plan, the plan
period and the reporter's scope, and `commit` writes all of it or nothing. Every cell written
is inert text (a value starting with = + - @ gets a leading apostrophe).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from analytics import settings
from analytics.access import users
from analytics.data import workbook_layout
from analytics.data.store import Store
from analytics.ingest import reading
from analytics.ingest.report import ERROR, Report
from analytics.ledger import plan as ledger_plan
from analytics.ledger import progress as ledger_progress

PLAN_SHEET, PROGRESS_SHEET, LIST_SHEET, HELP_SHEET = "任务台账", "任务进展", "任务清单", "说明"
EXCEL = (".xlsx", ".xlsm", ".xls")
_FORMULA_START = ("=", "+", "-", "@")
_MONTH = re.compile(r"(\d{4})\D{0,2}(\d{1,2})")


@dataclass
class Checked:
    report: Report
    plan: pd.DataFrame | None = None
    progress: pd.DataFrame | None = None
    reporter: ledger_progress.Reporter | None = None
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report.ok and (self.plan is not None or self.progress is not None)


# --- recognising and reading ------------------------------------------------------------------
def _kind(name: str) -> str | None:
    text = reading.norm(name)
    for kind in (PLAN_SHEET, PROGRESS_SHEET):
        if text.startswith(kind):
            return kind
    return None


def is_ledger_file(path: Path) -> bool:
    """A workbook with a 任务台账 or 任务进展 sheet, or a CSV named after one."""
    if path.suffix.lower() in EXCEL and path.is_file():
        try:
            return any(_kind(s) for s in CalamineWorkbook.from_path(str(path)).sheet_names)
        except Exception:  # not readable as Excel: the ordinary import reports it
            return False
    return path.suffix.lower() == ".csv" and _kind(path.stem) is not None


def _sheets(path: Path, name: str, report: Report) -> list[tuple[str, str, list[list[object]]]]:
    """(kind, sheet name, grid) of each ledger sheet of a file."""
    if path.suffix.lower() == ".csv":
        try:
            text, _ = reading.decode(path.read_bytes())
        except ValueError as exc:
            report.add(ERROR, name, str(exc))
            return []
        grid = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None).values.tolist()
        return [(_kind(path.stem), "", grid)]
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for damaged files
        report.add(ERROR, name, f"无法打开 Excel 文件:{exc}")
        return []
    return [(_kind(s), s, book.get_sheet_by_name(s).to_python(skip_empty_area=False))
            for s in book.sheet_names if _kind(s)]


def _frame(grid: list[list[object]], headers: dict[str, str], name: str, sheet: str,
           report: Report) -> pd.DataFrame | None:
    """Rows by column id plus `row` (the Excel row number); None when the header is wrong."""
    rows = grid
    first = next((i for i, r in enumerate(rows) if any(str(c).strip() for c in r)), None)
    if first is None:
        return pd.DataFrame(columns=[*dict.fromkeys(headers.values()), "row"])
    mapping = {j: headers[str(c).strip()] for j, c in enumerate(rows[first]) if str(c).strip() in headers}
    wanted = set(headers.values())
    missing = [h for h, cid in headers.items() if cid in wanted - set(mapping.values()) and not h.isascii()]
    if missing:
        report.add(ERROR, name, f"表头缺少列:{'、'.join(missing)}", sheet=sheet, row=first + 1)
        return None
    body = [(i + 1, r) for i, r in enumerate(rows) if i > first and any(str(c).strip() for c in r)]
    frame = pd.DataFrame({cid: [_text(r[j]) if j < len(r) else "" for _, r in body] for j, cid in mapping.items()})
    frame["row"] = [i for i, _ in body]
    return frame


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return f"{value.year}{value.month:02d}"
    return str(value).strip()


def month_of(text: str) -> int | None:
    """202611, 2026-11, 2026年11月 or an Excel date as YYYYMM; None when it is none of those."""
    match = _MONTH.fullmatch(text.replace("年", "-").replace("月", "").strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return year * 100 + month if 1 <= month <= 12 else None


def _number(text: str) -> float | None:
    try:
        return float(text.rstrip("%").strip())
    except ValueError:
        return None


# --- validation -------------------------------------------------------------------------------
def _period() -> tuple[int, int]:
    return settings.integer("ledger.plan_start"), settings.integer("ledger.plan_end")


def _say(month: int) -> str:
    return f"{month // 100} 年 {month % 100} 月"


def _known_townships(store: Store | None) -> set[str] | None:
    if store is None or not store.current_id():
        return None
    return set(store.table("townships")["township_code"])


def check_plan(frame: pd.DataFrame, name: str, sheet: str, report: Report, store: Store | None) -> pd.DataFrame:
    """The edited plan, refused row by row when a cell is wrong."""
    start, end = _period()
    towns = _known_townships(store)
    header = {c.id: c.zh for c in ledger_plan.COLUMNS}
    for column in ledger_plan.COLUMNS:
        if column.id not in frame:
            frame[column.id] = ""
    frame["section"] = frame["section"].str.replace("\uff08", "(").str.replace("\uff09", ")")
    seen: set[str] = set()
    for r in frame.itertuples(index=False):
        def bad(cid: str, why: str, value: str, row: int = r.row) -> None:
            report.add(ERROR, name, why, sheet=sheet, row=row, column=header[cid], value=value)
        for column in ledger_plan.COLUMNS:
            if column.required and not getattr(r, column.id):
                bad(column.id, "必填,不能为空", "")
        if r.task_id and not ledger_plan.TASK_ID.fullmatch(r.task_id):
            bad("task_id", "编号只能由字母、数字、_ 或 - 组成,最长 20 位", r.task_id)
        if r.task_id in seen:
            bad("task_id", "任务编号重复", r.task_id)
        seen.add(r.task_id)
        if r.section and not ledger_plan.SECTION.fullmatch(r.section):
            bad("section", "章节应为方案中的 三(一)1-3、三(二)1-4、三(三)1-3 或 四(一)-(四)", r.section)
        if r.frequency and r.frequency not in ledger_plan.FREQUENCIES:
            bad("frequency", f"应为 {'、'.join(ledger_plan.FREQUENCIES)} 之一", r.frequency)
        if r.deadline:
            month = month_of(r.deadline)
            if month is None:
                bad("deadline", "应为年月,如 202612", r.deadline)
            elif not start <= month <= end:
                bad("deadline", f"不在方案执行期({_say(start)}至{_say(end)})内", r.deadline)
        if r.target_value and _number(r.target_value) is None:
            bad("target_value", "应为数字", r.target_value)
        why = ledger_plan.link_problem(r.link)
        if why:
            bad("link", why, r.link)
        named = ledger_plan.townships_of(r.townships) or ()
        unknown = [t for t in named if towns is not None and t not in towns]
        if unknown:
            bad("townships", f"当前数据中没有这些乡镇代码:{'、'.join(unknown)}", r.townships)
    out = frame[[c.id for c in ledger_plan.COLUMNS]].copy()
    out["deadline"] = [str(month_of(d)) if month_of(d) else "" for d in out["deadline"]]
    return out


def check_progress(frame: pd.DataFrame, name: str, sheet: str, report: Report, tasks: pd.DataFrame,
                   reporter: ledger_progress.Reporter, store: Store | None, today: date) -> pd.DataFrame:
    """Progress rows, refused by row and column: unknown task, percent outside 0-100, a month
    outside the plan period (or still to come), a township outside the reporter's scope."""
    start, end = _period()
    now = today.year * 100 + today.month
    towns = _known_townships(store)
    header = {cid: zh for cid, zh, _, _ in ledger_progress.COLUMNS}
    by_id = tasks.set_index("task_id")
    for cid, _, _, _ in ledger_progress.COLUMNS:
        if cid not in frame:
            frame[cid] = ""
    out, seen = [], set()
    for r in frame.itertuples(index=False):
        def bad(cid: str, why: str, value: str, row: int = r.row) -> None:
            report.add(ERROR, name, why, sheet=sheet, row=row, column=header[cid], value=value)
        for cid, _, required, _ in ledger_progress.COLUMNS:
            if required and not getattr(r, cid):
                bad(cid, "必填,不能为空", "")
        task = by_id.loc[r.task_id] if r.task_id in by_id.index else None
        if r.task_id and task is None:
            bad("task_id", "任务台账中没有这个任务编号", r.task_id)
        month = month_of(r.month) if r.month else None
        if r.month and month is None:
            bad("month", "应为年月,如 202611", r.month)
        elif month is not None and not start <= month <= min(end, now):
            bad("month", f"不在方案执行期({_say(start)}至{_say(min(end, now))})内", r.month)
        percent, number = _number(r.percent) if r.percent else None, _number(r.number) if r.number else None
        if r.percent and (percent is None or not 0 <= percent <= 100):
            bad("percent", "完成进度应为 0 到 100 之间的数字", r.percent)
        if r.number and number is None:
            bad("number", "完成数量应为数字", r.number)
        town = r.township_code
        if town:
            if towns is not None and town not in towns:
                bad("township_code", "当前数据中没有这个乡镇代码", town)
            elif reporter.townships is not None and town not in reporter.townships:
                bad("township_code", f"不在账户 {reporter.account} 的乡镇范围({'、'.join(reporter.townships)})内",
                    town)
            elif task is not None and town not in (ledger_plan.townships_of(task["townships"]) or (town,)):
                bad("township_code", f"任务 {r.task_id} 的责任乡镇不含这个乡镇", town)
        elif reporter.townships is not None:
            bad("township_code", "乡镇账户上报须填写本乡镇代码", "")
        key = (r.task_id, month, town)
        if key in seen:
            bad("task_id", "同一任务、月份和乡镇重复上报", r.task_id)
        seen.add(key)
        out.append({"task_id": r.task_id, "month": month, "township_code": town, "text": r.text,
                    "percent": percent, "number": number, "evidence": r.evidence, "reporter": r.reporter})
    return pd.DataFrame(out, columns=[c[0] for c in ledger_progress.COLUMNS])


def check(paths: list[Path], store: Store, account: str, *, names: list[str] | None = None,
          today: date | None = None) -> Checked:
    """Validate ledger files as one import: an edited plan, progress reports, or both."""
    report = Report()
    names = names or [p.name for p in paths]
    user = users.get(store, account) if (store.root / "state.db").exists() else None
    reporter = ledger_progress.Reporter.of(user, account)
    checked = Checked(report, reporter=reporter, files=list(names))
    grids = [(kind, sheet, grid, name) for path, name in zip(paths, names)
             for kind, sheet, grid in _sheets(Path(path), name, report)]
    plans = [(g, s, n) for k, s, g, n in grids if k == PLAN_SHEET]
    reports = [(g, s, n) for k, s, g, n in grids if k == PROGRESS_SHEET]
    if plans:
        if reporter.townships is not None or not reporter.may_report:
            report.add(ERROR, plans[0][2], "只有规划或管理员账户可以修改任务台账", sheet=plans[0][1])
        if len(plans) > 1:
            report.add(ERROR, "、".join(n for _, _, n in plans), "一次只能导入一张任务台账")
        grid, sheet, name = plans[0]
        frame = _frame(grid, ledger_plan.BY_HEADER, name, sheet, report)
        if frame is not None:
            checked.plan = check_plan(frame, name, sheet, report, store)
            if checked.plan.empty:
                report.add(ERROR, name, "任务台账是空的", sheet=sheet)
    tasks = checked.plan if checked.plan is not None else ledger_plan.load(store)
    if reports and not reporter.may_report:
        report.add(ERROR, reports[0][2], ledger_progress.READ_ONLY, sheet=reports[0][1])
    parts = []
    for grid, sheet, name in reports:
        frame = _frame(grid, ledger_progress.BY_HEADER, name, sheet, report)
        if frame is not None:
            parts.append(check_progress(frame, name, sheet, report, tasks, reporter, store, today or date.today()))
    if parts:
        checked.progress = pd.concat(parts, ignore_index=True)
        if checked.progress.empty and checked.plan is None:
            report.add(ERROR, reports[0][2], "任务进展工作表没有填写任何一行", sheet=reports[0][1])
    if not grids and report.ok:
        report.add(ERROR, "、".join(names), f"没有“{PLAN_SHEET}”或“{PROGRESS_SHEET}”工作表")
    if not report.ok:
        checked.plan = checked.progress = None
    return checked


def commit(checked: Checked, store: Store) -> str:
    """Write the checked plan and reports (all or nothing); the answer says what was written."""
    if not checked.ok or checked.reporter is None:
        raise ValueError(checked.report.verdict())
    source = "、".join(checked.files)
    said = []
    if checked.plan is not None:
        ledger_plan.save(store, checked.plan, user=checked.reporter.account, source=source)
        said.append(f"任务台账 {len(checked.plan)} 项")
    if checked.progress is not None and not checked.progress.empty:
        ledger_progress.save(store, checked.progress, checked.reporter, source=source)
        said.append(f"任务进展 {len(checked.progress)} 条")
    return "已导入" + "、".join(said) + "(保存在数据仓库的 state.db 中,不随数据快照变化)。"


# --- writing ----------------------------------------------------------------------------------
def inert(value: object) -> object:
    """A cell that Excel never evaluates: text that looks like a formula gets a leading apostrophe."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_sheet(book: Workbook, title: str, frame: pd.DataFrame, widths: dict[str, int] | None = None, *,
                heading: str = "", scope: str = "", filters: bool = True) -> None:
    """One sheet of text cells in the field-ready layout (analytics.data.workbook_layout): bold
    frozen header, filters unless it is a form to fill, A4 landscape with `heading` (else the
    sheet's name) and `scope` in the page header."""
    ws = book.create_sheet(title)
    ws.append(list(frame.columns))
    workbook_layout.style_header(ws, 1)
    workbook_layout.lay_out(ws, header_row=1, columns=len(frame.columns), rows=len(frame), title=heading or title,
                            subtitle=scope, filters=filters)
    for row in frame.itertuples(index=False):
        ws.append([inert(v) for v in row])
    for i, column in enumerate(frame.columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(column, 14)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def template_bytes(tasks: pd.DataFrame, *, plan: bool) -> bytes:
    """The progress template (an empty 任务进展 sheet and the task list) or, with plan=True, the
    plan itself as an editable 任务台账 sheet; both with the 说明 sheet."""
    book = Workbook()
    book.remove(book.active)
    wide = {"具体措施": 40, "目标": 28, "任务": 24, "进展情况": 40, "佐证材料": 28}
    if plan:
        write_sheet(book, PLAN_SHEET, tasks.rename(columns={c.id: c.zh for c in ledger_plan.COLUMNS}), wide)
    else:
        write_sheet(book, PROGRESS_SHEET, pd.DataFrame(columns=[zh for _, zh, _, _ in ledger_progress.COLUMNS]), wide,
                    filters=False)
        listed = tasks[["task_id", "section", "task", "measure", "lead", "townships", "frequency", "target"]]
        write_sheet(book, LIST_SHEET, listed.rename(columns={c.id: c.zh for c in ledger_plan.COLUMNS}), wide)
    start, end = _period()
    rows = [(PLAN_SHEET, c.zh, "是" if c.required else "否", c.doc) for c in ledger_plan.COLUMNS] if plan else \
        [(PROGRESS_SHEET, zh, "是" if req else "否", doc) for _, zh, req, doc in ledger_progress.COLUMNS]
    if plan:
        rows += [("关联", f"rule:{k}", "", v) for k, v in ledger_plan.RULES.items()]
    rows.append(("", "", "", f"方案执行期 {_say(start)} 至 {_say(end)}。导入:python -m analytics import 本文件 "
                             "--user 账户名,或在“任务推进”页上传。有任何错误时整个文件都不导入。"))
    write_sheet(book, HELP_SHEET, pd.DataFrame(rows, columns=["工作表", "列", "必填", "说明"]), {"说明": 70, "列": 22})
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
