"""Progress reports on the plan's tasks: per task, month and (optionally) township, a short text,
a percentage or a number, the evidence named and the reporter. Kept in state.db like accounts
and scenarios, so they outlive every snapshot; each import is one audited transaction.

Who may report (`Reporter`): a 乡镇 account for its own townships only, and only on tasks whose
责任乡镇 are 全部 or include them; 规划 and 管理员 accounts (the plan office, which compiles the
departments' returns) for any task, county-level or any township; 县领导 accounts read only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.access.users import ADMIN, LEADER, PLANNER, TOWNSHIP, User
from analytics.data import audit
from analytics.data.store import Store

COLUMNS: tuple[tuple[str, str, bool, str], ...] = (  # id, header, required, meaning
    ("task_id", "任务编号", True, "任务台账中的任务编号(见“任务清单”工作表)"),
    ("month", "月份", True, "报告所属年月,6 位,如 202611;须在方案执行期内且不晚于本月"),
    ("township_code", "乡镇代码", False, "乡镇上报时必填(9 位);牵头部门上报全县情况时留空"),
    ("text", "进展情况", True, "简要文字"),
    ("percent", "完成进度(%)", False, "0-100 的数字"),
    ("number", "完成数量", False, "数字,单位同任务的目标值(如 人次、%)"),
    ("evidence", "佐证材料", False, "附件名称,多个用“、”分隔"),
    ("reporter", "填报人", True, "填报人姓名或单位"),
)
BY_HEADER = {zh: cid for cid, zh, _, _ in COLUMNS} | {cid: cid for cid, _, _, _ in COLUMNS}
STORED = [c[0] for c in COLUMNS] + ["account", "imported_at"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_progress (
    task_id TEXT NOT NULL,
    month INTEGER NOT NULL,
    township_code TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    percent REAL,
    number REAL,
    evidence TEXT NOT NULL DEFAULT '',
    reporter TEXT NOT NULL,
    account TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (task_id, month, township_code)
);
"""


@dataclass(frozen=True)
class Reporter:
    """The account an import is made under and the townships it may report for (None: any)."""

    account: str
    townships: tuple[str, ...] | None
    may_report: bool = True

    @classmethod
    def of(cls, user: User | None, account: str) -> Reporter:
        """No account of that name (the server operator at the command line): the whole county."""
        if user is None:
            return cls(account, None)
        if user.role == TOWNSHIP:
            return cls(user.name, user.townships)
        return cls(user.name, None, may_report=user.role in (PLANNER, ADMIN))


READ_ONLY = f"{LEADER}账户只能查看任务进展,不能上报;请由{PLANNER}、{ADMIN}或乡镇账户导入。"


def ensure(con: sqlite3.Connection) -> None:
    con.executescript(_SCHEMA)


def read(store: Store) -> pd.DataFrame:
    """Every report, oldest month first."""
    if not (store.root / "state.db").exists():
        return pd.DataFrame(columns=STORED)
    with store.db() as con:
        ensure(con)
        frame = pd.read_sql_query(f"SELECT {', '.join(STORED)} FROM ledger_progress ORDER BY month, task_id", con)
    return frame


def save(store: Store, rows: pd.DataFrame, reporter: Reporter, *, source: str) -> None:
    """Add the reports (a report for the same task, month and township replaces the earlier one)."""
    stamp = datetime.now().isoformat(timespec="seconds")
    with store.db() as con:
        ensure(con)
        con.execute("BEGIN IMMEDIATE")
        replaced = 0
        for r in rows.itertuples(index=False):
            key = (r.task_id, int(r.month), r.township_code or "")
            replaced += con.execute("SELECT COUNT(*) FROM ledger_progress WHERE task_id=? AND month=? "
                                    "AND township_code=?", key).fetchone()[0]
            con.execute("INSERT OR REPLACE INTO ledger_progress VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (*key, r.text, _num(r.percent), _num(r.number), r.evidence or "", r.reporter,
                         reporter.account, stamp))
        scope = audit.COUNTY if reporter.townships is None else "乡镇 " + "、".join(reporter.townships)
        tasks = "、".join(sorted(set(rows["task_id"])))
        audit.append(con, reporter.account, "ledger_progress", scope,
                     f"{source}:任务进展 {len(rows)} 条(其中替换 {replaced} 条);任务 {tasks}")


def _num(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
