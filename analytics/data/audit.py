"""The audit log: who did what, when, and on which scope, kept in the store's database.

Household data is personal information (PIPL), so every sign-in, failed sign-in, sign-out,
import, rollback, export, view of a household-level list and change to an account is recorded.
The log is append-only: SQLite triggers refuse UPDATE and DELETE, and each record carries an
HMAC-SHA256 digest of its sequence number, its fields and the previous digest, keyed with a secret
kept outside state.db (the file audit.key_file, default <store>/audit.key, mode 0600). Whoever can
write state.db but not read the key cannot edit, insert or renumber records without `verify`
finding the first broken one; sequence numbers must be contiguous. What the chain cannot show
alone: the newest records deleted by someone who also holds the key or simply truncates the tail
(every record left still verifies). That is what anchoring the head digest outside the server is
for (README 审计日志的校验): `python -m analytics audit verify` prints it.

Records written before the chain was keyed (plain SHA-256) are accepted only below the sequence
number the key file says it signs from, and counted separately.

Records never hold a password, and never a name typed at sign-in that matches no account
(people type their password into the name field).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analytics import settings

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
KEYED = "k1:"  # marks an HMAC digest, so a reader of the table sees which records are keyed


class AuditKeyError(Exception):
    """The key of a keyed log is missing or unreadable; the message is Chinese."""


@dataclass(frozen=True)
class Integrity:
    """Result of `verify`: ok, how many records were checked, the first broken one and why, the
    newest record's sequence number and digest (the head to anchor), and the unkeyed prefix."""

    ok: bool
    records: int
    first_bad_seq: int | None = None
    reason: str = ""
    head_seq: int = 0
    head: str = _GENESIS
    legacy: int = 0


def ensure_schema(con: sqlite3.Connection) -> None:
    """Create the table and its triggers; Store.db() calls this on every connection."""
    con.executescript(_SCHEMA)


def key_path(database: Path) -> Path:
    """Where the key of the log in `database` (a store's state.db) is kept."""
    configured = settings.text("audit.key_file")
    return Path(configured).expanduser() if configured else database.parent / "audit.key"


def _key(database: Path, first_seq: int | None = None) -> tuple[bytes, int]:
    """The log's key and the first sequence number it signs; created (with `first_seq`, the next
    record's number) when missing. Kept outside state.db, so that whoever can only write the
    database can neither forge digests nor pass off a rewritten log as written before the key."""
    path = key_path(database)
    if first_seq is not None and not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(f"{secrets.token_hex(32)}\n{first_seq}\n")
    try:
        key, first = path.read_text().split()
        return bytes.fromhex(key), int(first)
    except (OSError, ValueError) as exc:
        raise AuditKeyError(f"无法读取审计日志的密钥文件 {path}({exc}):没有它就无法校验审计日志") from None


def _database(con: sqlite3.Connection) -> Path:
    return Path(next(row[2] for row in con.execute("PRAGMA database_list") if row[1] == "main"))


def _payload(*fields: object) -> bytes:
    return json.dumps(list(fields), ensure_ascii=False).encode("utf-8")


def _digest(previous: str, at: str, user: str, action: str, scope: str, detail: str, client: str) -> str:
    """The unkeyed digest of records written before the key (verified, never written)."""
    return hashlib.sha256(_payload(previous, at, user, action, scope, detail, client)).hexdigest()


def _keyed(key: bytes, seq: int, previous: str, *fields: str) -> str:
    return KEYED + hmac.new(key, _payload(seq, previous, *fields), hashlib.sha256).hexdigest()


def append(con: sqlite3.Connection, user: str, action: str, scope: str = COUNTY, detail: str = "",
           client: str = "", at: str | None = None) -> None:
    """Add one record inside the caller's transaction (the store records imports this way)."""
    if action not in ACTIONS:
        raise ValueError(f"未知的审计操作:{action}")
    if not con.in_transaction:
        con.execute("BEGIN IMMEDIATE")  # read the last digest and append under one write lock
    row = con.execute("SELECT seq, digest FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, previous = (row[0] + 1, row[1]) if row else (1, _GENESIS)
    key, _ = _key(_database(con), first_seq=seq)
    stamp = at or datetime.now().isoformat(timespec="seconds")
    digest = _keyed(key, seq, previous, stamp, user, action, scope, detail, client)
    con.execute(
        "INSERT INTO audit (seq, at, user, action, scope, detail, client, digest) VALUES (?,?,?,?,?,?,?,?)",
        (seq, stamp, user, action, scope, detail, client, digest),
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


def digest_of(store: Store, seq: int) -> str | None:
    """The digest of one record, to compare with a head digest written down earlier."""
    with store.db() as con:
        row = con.execute("SELECT digest FROM audit WHERE seq=?", (seq,)).fetchone()
    return row[0] if row else None


def verify(store: Store) -> Integrity:
    """Recompute the chain; the first record that does not follow (wrong digest, a gap or a repeat
    in the sequence numbers, an unkeyed record after keyed ones) is reported with the reason."""
    with store.db() as con:
        rows = con.execute(
            "SELECT seq, at, user, action, scope, detail, client, digest FROM audit ORDER BY seq").fetchall()
        database = _database(con)
    try:
        key, first_keyed = _key(database) if rows else (b"", 1)
    except AuditKeyError as exc:
        return Integrity(False, len(rows), rows[0][0], str(exc))
    previous, expected = _GENESIS, 1
    for seq, at, user, action, scope, detail, client, digest in rows:
        fields = (at, user, action, scope, detail, client)
        if seq != expected:
            return Integrity(False, len(rows), seq, f"序号不连续:应为 {expected},这里是 {seq}(记录被删除或插入)")
        if seq >= first_keyed:
            good = hmac.compare_digest(digest, _keyed(key, seq, previous, *fields))
        else:
            good = digest == _digest(previous, *fields)
        if not good:
            return Integrity(False, len(rows), seq, "摘要不符:这条记录或它之前的记录被改动过")
        previous, expected = digest, seq + 1
    return Integrity(True, len(rows), head_seq=expected - 1, head=previous, legacy=min(first_keyed - 1, len(rows)))
