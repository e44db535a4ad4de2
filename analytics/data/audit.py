"""The audit log: who did what, when, and on which scope, kept in the store's database.

Household data is personal information (PIPL), so every sign-in, failed sign-in, sign-out,
import, rollback, export, view of a household-level list and change to an account is recorded.
The log is append-only: SQLite triggers refuse UPDATE and DELETE, and each record carries a
SHA-256 digest chained to the previous one, so an edit made behind the app's back (for example
with the triggers dropped) is found by `verify`.

Records never hold a password, and never a name typed at sign-in that matches no account
(people type their password into the name field).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from analytics.data.store import Store

ACTIONS: dict[str, str] = {
    "sign_in": "登录",
    "sign_out": "退出登录",
    "sign_in_failed": "登录失败",
    "import": "导入数据",
    "rollback": "回滚数据",
    "export": "导出",
    "visit_results": "导入核实结果",
    "view_households": "查看户级名单",
    "user_add": "新增用户",
    "user_disable": "停用用户",
    "user_enable": "启用用户",
    "user_password": "修改密码",
    "settings_change": "修改设置",
    "ledger_plan": "导入任务台账",
    "ledger_progress": "上报任务进展",
}
COLUMNS_ZH: dict[str, str] = {
    "seq": "序号", "at": "时间", "user": "用户", "action": "操作", "scope": "范围",
    "detail": "详情", "client": "来源",
}
COUNTY = "全县"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    scope TEXT NOT NULL,
    detail TEXT NOT NULL,
    client TEXT NOT NULL,
    digest TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, '审计日志只能追加,不能修改'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, '审计日志只能追加,不能删除'); END;
"""
_GENESIS = "0" * 64


@dataclass(frozen=True)
class Integrity:
    """Result of `verify`: ok, how many records were checked, and the first broken one."""

    ok: bool
    records: int
    first_bad_seq: int | None = None


def ensure_schema(con: sqlite3.Connection) -> None:
    """Create the table and its triggers; Store.db() calls this on every connection."""
    con.executescript(_SCHEMA)


def _digest(previous: str, at: str, user: str, action: str, scope: str, detail: str, client: str) -> str:
    payload = json.dumps([previous, at, user, action, scope, detail, client], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(con: sqlite3.Connection, user: str, action: str, scope: str = COUNTY, detail: str = "",
           client: str = "", at: str | None = None) -> None:
    """Add one record inside the caller's transaction (the store records imports this way)."""
    if action not in ACTIONS:
        raise ValueError(f"未知的审计操作:{action}")
    if not con.in_transaction:
        con.execute("BEGIN IMMEDIATE")  # read the last digest and append under one write lock
    row = con.execute("SELECT digest FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    stamp = at or datetime.now().isoformat(timespec="seconds")
    digest = _digest(row[0] if row else _GENESIS, stamp, user, action, scope, detail, client)
    con.execute(
        "INSERT INTO audit (at, user, action, scope, detail, client, digest) VALUES (?,?,?,?,?,?,?)",
        (stamp, user, action, scope, detail, client, digest),
    )


def record(store: Store, user: str, action: str, scope: str = COUNTY, detail: str | list[str] = "",
           client: str = "") -> None:
    """Append one record in its own transaction, or one per detail given as a list (a page that
    shows several lists writes them in one transaction)."""
    with store.db() as con:
        for one in ([detail] if isinstance(detail, str) else detail):
            append(con, user, action, scope, one, client)


def read(store: Store, *, since: str | None = None, until: str | None = None,
         users: list[str] | None = None, actions: list[str] | None = None) -> pd.DataFrame:
    """Records, newest first, optionally limited to a time range (ISO strings), users and actions."""
    where, params = [], []
    if since:
        where.append("at >= ?")
        params.append(since)
    if until:
        where.append("at <= ?")
        params.append(until)
    for column, values in (("user", users), ("action", actions)):
        if values:
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    sql = "SELECT seq, at, user, action, scope, detail, client FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    with store.db() as con:
        return pd.read_sql_query(sql + " ORDER BY seq DESC", con, params=params)


def verify(store: Store) -> Integrity:
    """Recompute the digest chain; the first record whose digest does not follow is reported."""
    with store.db() as con:
        rows = con.execute(
            "SELECT seq, at, user, action, scope, detail, client, digest FROM audit ORDER BY seq").fetchall()
    previous = _GENESIS
    for seq, at, user, action, scope, detail, client, digest in rows:
        if _digest(previous, at, user, action, scope, detail, client) != digest:
            return Integrity(False, len(rows), seq)
        previous = digest
    return Integrity(True, len(rows))
