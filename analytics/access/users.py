"""Local accounts: roles, township scope, bcrypt-hashed passwords, lockout and backoff.

Accounts live in the store's database. A password is only ever held as a bcrypt hash. A failed
sign-in gives the same answer, after the same work, whether or not the account exists, is
disabled or was mistyped: unknown names are checked against a dummy hash, and the failure
counters that drive backoff and lockout are kept for every name typed, under a keyed hash of the
name (so a password typed into the name field is never stored readable).

Every change and every sign-in attempt is written to the audit log (analytics.data.audit).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import bcrypt

from analytics import settings
from analytics.data import audit
from analytics.data.store import Store

LEADER, TOWNSHIP, PLANNER, ADMIN = "县领导", "乡镇", "规划", "管理员"
ROLES: dict[str, str] = {
    LEADER: "全县数据;个人信息脱敏",
    TOWNSHIP: "仅限指定乡镇的数据;个人信息脱敏",
    PLANNER: "全县数据;可保存资金推演方案;个人信息脱敏",
    ADMIN: "全县数据;数据导入与回滚、用户管理、审计日志;可查看完整个人信息",
}
BCRYPT_ROUNDS = 12
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; longer passwords are refused, not truncated
UNKNOWN_ACCOUNT = "未知账户"  # what the audit log records for a name that matches no account
SETUP_FILE = "setup-code.txt"
_NAME = re.compile(r"[\w.@\-]{1,64}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    townships TEXT NOT NULL DEFAULT '[]',
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    name_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure TEXT NOT NULL,
    locked_until TEXT
);
"""


class UserError(Exception):
    """A refused account change; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    townships: tuple[str, ...] = ()
    disabled: bool = False
    has_password: bool = True
    password_changed_at: str = ""
    demo: bool = False  # the demo-mode stand-in used when no account exists on a demo-only store

    @property
    def allowed_townships(self) -> tuple[str, ...] | None:
        """The townships whose rows this user may see; None means the whole county."""
        return self.townships if self.role == TOWNSHIP else None

    @property
    def can_see_personal(self) -> bool:
        return self.role == ADMIN and not self.demo

    @property
    def can_see_names(self) -> bool:
        """Full names on household lists: the admin, and a 乡镇 account within its own townships
        (it visits those households) unless privacy.township_sees_names is off. ID numbers stay
        masked for the 乡镇 account."""
        township = self.role == TOWNSHIP and not self.demo and settings.flag("privacy.township_sees_names")
        return self.can_see_personal or township

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def can_save_scenarios(self) -> bool:
        return self.role in (PLANNER, ADMIN)


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in attempt: the user, or why not and how long to wait.

    `wait_seconds` > 0 means the attempt was refused without looking at the password, because
    the name is in backoff or locked; it is the same for existing and unknown names.
    """

    user: User | None
    wait_seconds: int = 0
    locked: bool = False


def _now() -> datetime:
    return datetime.now()


def _ensure(con: sqlite3.Connection) -> None:
    con.executescript(_SCHEMA)


def _row_to_user(row: tuple) -> User:
    name, role, townships, password_hash, disabled, _created, changed = row
    return User(name, role, tuple(json.loads(townships)), bool(disabled), password_hash is not None, changed)


def get(store: Store, name: str) -> User | None:
    with store.db() as con:
        _ensure(con)
        row = con.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()
    return _row_to_user(row) if row else None


def all_users(store: Store) -> list[User]:
    with store.db() as con:
        _ensure(con)
        rows = con.execute("SELECT * FROM users ORDER BY role, name").fetchall()
    return [_row_to_user(r) for r in rows]


def has_accounts(store: Store) -> bool:
    if not (store.root / "state.db").exists():
        return False
    with store.db() as con:
        _ensure(con)
        return con.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def scope_label(user: User) -> str:
    """The user's data scope in words for the audit log."""
    allowed = user.allowed_townships
    return audit.COUNTY if allowed is None else "乡镇 " + "、".join(allowed)


# --- validation ------------------------------------------------------------------------------
def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise UserError(f"用户名“{name}”不可用:只能由 1-64 个汉字、字母、数字或 . _ - @ 组成。")


def check_password(password: str, name: str) -> None:
    """Refuse a password that is too short, too long for bcrypt, or the user's own name."""
    minimum = settings.integer("auth.password_min_length")
    if len(password) < minimum:
        raise UserError(f"密码太短:至少需要 {minimum} 个字符。")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise UserError(f"密码太长:最多 {MAX_PASSWORD_BYTES} 个字节(约 24 个汉字或 72 个字母)。")
    if password.strip().casefold() == name.casefold():
        raise UserError("密码不能与用户名相同。")


def _check_role(store: Store, role: str, townships: tuple[str, ...]) -> None:
    if role not in ROLES:
        raise UserError(f"未知角色“{role}”:可选 {'、'.join(ROLES)}。")
    if role == TOWNSHIP and not townships:
        raise UserError("乡镇角色必须用 --township 指定至少一个乡镇代码。")
    if role != TOWNSHIP and townships:
        raise UserError(f"只有乡镇角色可以指定乡镇;{role}角色可查看全县。")
    if townships and store.current_id():
        known = set(store.table("townships")["township_code"])
        unknown = [c for c in townships if c not in known]
        if unknown:
            raise UserError(f"当前数据中没有这些乡镇代码:{'、'.join(unknown)}。")


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


@lru_cache(maxsize=4)
def _dummy_hash(rounds: int) -> bytes:
    """A hash no password matches, checked for unknown names so they cost the same time."""
    return bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt(rounds))


# --- account changes ---------------------------------------------------------------------------
def add(store: Store, name: str, role: str, password: str | None, townships: tuple[str, ...] = (), *,
        by: str, client: str = "") -> User:
    """Create an account. password None makes an account that signs in only through OIDC."""
    name = name.strip()
    townships = tuple(dict.fromkeys(townships))
    _check_name(name)
    _check_role(store, role, townships)
    if password is not None:
        check_password(password, name)
    stamp = datetime.now().isoformat(timespec="microseconds")
    with store.db() as con:
        _ensure(con)
        if con.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
            raise UserError(f"用户“{name}”已存在。")
        con.execute("INSERT INTO users VALUES (?,?,?,?,?,?,?)",
                    (name, role, json.dumps(townships), _hash(password) if password is not None else None,
                     0, stamp, stamp))
        user = User(name, role, townships, False, password is not None, stamp)
        audit.append(con, by, "user_add", scope_label(user),
                     f"用户 {name} · 角色 {role}" + ("" if password is not None else " · 仅统一身份认证"), client)
    return user


def _existing(con: sqlite3.Connection, name: str) -> None:
    if not con.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone():
        raise UserError(f"没有用户“{name}”。")


def set_password(store: Store, name: str, password: str, *, by: str, client: str = "") -> None:
    """Replace the password; sessions opened with the old one end at their next request."""
    check_password(password, name)
    stamp = datetime.now().isoformat(timespec="microseconds")
    with store.db() as con:
        _ensure(con)
        _existing(con, name)
        con.execute("UPDATE users SET password_hash=?, password_changed_at=? WHERE name=?",
                    (_hash(password), stamp, name))
        con.execute("DELETE FROM sign_in_failures WHERE name_key=?", (_name_key(con, name),))
        audit.append(con, by, "user_password", audit.COUNTY, f"用户 {name}", client)


def set_disabled(store: Store, name: str, disabled: bool, *, by: str, client: str = "") -> None:
    """Disable (or enable again) an account; a disabled account's sessions end at once."""
    with store.db() as con:
        _ensure(con)
        _existing(con, name)
        con.execute("UPDATE users SET disabled=? WHERE name=?", (int(disabled), name))
        audit.append(con, by, "user_disable" if disabled else "user_enable", audit.COUNTY, f"用户 {name}", client)


# --- signing in --------------------------------------------------------------------------------
def _pepper(con: sqlite3.Connection) -> bytes:
    row = con.execute("SELECT value FROM state WHERE key='auth_pepper'").fetchone()
    if row:
        return bytes.fromhex(row[0])
    value = secrets.token_bytes(32)
    con.execute("INSERT OR IGNORE INTO state (key, value) VALUES ('auth_pepper', ?)", (value.hex(),))
    return bytes.fromhex(con.execute("SELECT value FROM state WHERE key='auth_pepper'").fetchone()[0])


def _name_key(con: sqlite3.Connection, name: str) -> str:
    """Keyed, deliberately slow hash of a typed name: the key of its failure counter."""
    return hashlib.pbkdf2_hmac("sha256", name.encode("utf-8"), _pepper(con), 20_000).hex()


def _refusal(failures: int, last_failure: datetime, locked_until: datetime | None, at: datetime) -> SignIn | None:
    """The refusal in force for a name with this failure record, or None when it may try."""
    if locked_until is not None and at < locked_until:
        return SignIn(None, max(1, int((locked_until - at).total_seconds() + 0.999)), locked=True)
    if failures <= 0 or locked_until is not None:
        return None
    base, cap = settings.number("auth.backoff_base_seconds"), settings.number("auth.backoff_max_seconds")
    ready = last_failure + timedelta(seconds=min(cap, base * 2 ** (failures - 1)))
    return SignIn(None, max(1, int((ready - at).total_seconds() + 0.999))) if at < ready else None


def authenticate(store: Store, name: str, password: str, *, client: str = "", record_success: bool = True,
                 at: datetime | None = None) -> SignIn:
    """Check a name and password, with backoff and lockout, and record the attempt.

    The attempt is counted as a failure before the password is checked (under the database's
    write lock), so parallel guesses cannot slip past the backoff; success clears the count.
    The answer for a wrong password, an unknown name, a disabled account or an OIDC-only
    account is the same SignIn(None), reached after one bcrypt check in every case.
    """
    at = at or _now()
    name = name.strip()
    with store.db() as con:
        _ensure(con)
        con.execute("BEGIN IMMEDIATE")
        key = _name_key(con, name)
        found = con.execute("SELECT * FROM users WHERE name=?", (name,)).fetchone()
        shown = found[0] if found else UNKNOWN_ACCOUNT
        row = con.execute("SELECT failures, last_failure, locked_until FROM sign_in_failures WHERE name_key=?",
                          (key,)).fetchone()
        failures = 0
        if row:
            locked_until = datetime.fromisoformat(row[2]) if row[2] else None
            refusal = _refusal(row[0], datetime.fromisoformat(row[1]), locked_until, at)
            if refusal is not None:
                audit.append(con, shown, "sign_in_failed", "",
                             "已锁定,未校验密码" if refusal.locked else "等待期内,未校验密码", client)
                return refusal
            failures = 0 if locked_until is not None else row[0]  # a lockout that ran out starts afresh
        failures += 1
        threshold = settings.integer("auth.lockout_threshold")
        locked_until = at + timedelta(minutes=settings.integer("auth.lockout_minutes")) \
            if failures >= threshold else None
        con.execute(
            "INSERT INTO sign_in_failures VALUES (?,?,?,?) ON CONFLICT(name_key) DO UPDATE SET "
            "failures=excluded.failures, last_failure=excluded.last_failure, locked_until=excluded.locked_until",
            (key, failures, at.isoformat(timespec="microseconds"),
             locked_until.isoformat(timespec="microseconds") if locked_until else None))
    user = _row_to_user(found) if found else None
    typed = password.encode("utf-8")
    stored = found[3].encode("ascii") if found and found[3] else _dummy_hash(BCRYPT_ROUNDS)
    matches = bcrypt.checkpw(typed if len(typed) <= MAX_PASSWORD_BYTES else b"", stored)
    ok = matches and len(typed) <= MAX_PASSWORD_BYTES and user is not None and user.has_password \
        and not user.disabled
    with store.db() as con:
        if ok:
            con.execute("DELETE FROM sign_in_failures WHERE name_key=?", (key,))
            if record_success:
                audit.append(con, user.name, "sign_in", scope_label(user), "密码登录", client)
            return SignIn(user)
        reason = f"第 {failures} 次连续失败" + (",已锁定" if locked_until else "")
        audit.append(con, shown, "sign_in_failed", "", reason, client)
    return SignIn(None)


# --- first run ---------------------------------------------------------------------------------
def setup_code_path(store: Store) -> Path:
    return store.root / SETUP_FILE


def issue_setup_code(store: Store) -> Path:
    """Write a one-time code to the store folder (readable by the server's operator only).

    Creating the first admin account in the browser asks for it, so that whoever reaches a
    fresh installation first over the network cannot claim it.
    """
    path = setup_code_path(store)
    with store.db() as con:
        if con.execute("SELECT 1 FROM state WHERE key='setup_code_hash'").fetchone() and path.exists():
            return path
        code = "-".join(secrets.token_hex(2).upper() for _ in range(6))
        con.execute("INSERT INTO state (key, value) VALUES ('setup_code_hash', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                    (hashlib.sha256(code.encode()).hexdigest(),))
    path.write_text(code + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def create_first_admin(store: Store, code: str, name: str, password: str, *, client: str = "") -> User:
    """Create the first admin account, given the one-time code; refused once any account exists.

    The code is checked and spent under one write lock, so two browsers racing on a fresh
    installation cannot both create an admin.
    """
    name = name.strip()
    _check_name(name)
    check_password(password, name)
    given = hashlib.sha256(code.strip().upper().encode()).hexdigest()
    with store.db() as con:
        _ensure(con)
        con.execute("BEGIN IMMEDIATE")
        row = con.execute("SELECT value FROM state WHERE key='setup_code_hash'").fetchone()
        if row is None or not hmac.compare_digest(row[0], given):
            raise UserError("初始化码不正确。初始化码在服务器上的数据仓库目录中的 setup-code.txt 文件里。")
        if con.execute("SELECT 1 FROM users LIMIT 1").fetchone():
            raise UserError("已有账户,不能再通过初始化创建管理员。")
        con.execute("DELETE FROM state WHERE key='setup_code_hash'")
    setup_code_path(store).unlink(missing_ok=True)
    return add(store, name, ADMIN, password, by="首次设置", client=client)
