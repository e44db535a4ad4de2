"""Accounts: bcrypt hashes only, answers that never reveal an account, backoff and lockout,
first-run setup and the `users` command."""

from __future__ import annotations

import io
import logging
import sys
from datetime import datetime, timedelta

import bcrypt
import pytest

from analytics import settings
from analytics.__main__ import main
from analytics.access import users
from analytics.data import audit
from analytics.data.store import Store

pytestmark = pytest.mark.usefixtures("fast_bcrypt")
T0 = datetime(2026, 3, 2, 9, 0, 0)
PASSWORD = "Lanxi-county-2026"


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    users.add(s, "zhang", users.LEADER, PASSWORD, by="测试")
    return s


def _backoff(failures: int) -> float:
    base, cap = settings.number("auth.backoff_base_seconds"), settings.number("auth.backoff_max_seconds")
    return min(cap, base * 2 ** (failures - 1))


def _store_bytes(s: Store) -> bytes:
    return b"".join(p.read_bytes() for p in s.root.rglob("*") if p.is_file())


def test_passwords_are_stored_as_bcrypt_hashes_at_the_production_cost(tmp_path, monkeypatch):
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 12)
    s = Store(tmp_path)
    users.add(s, "admin", users.ADMIN, PASSWORD, by="测试")
    with s.db() as con:
        stored = con.execute("SELECT password_hash FROM users WHERE name='admin'").fetchone()[0]
    assert stored.startswith("$2b$12$")
    assert bcrypt.checkpw(PASSWORD.encode(), stored.encode())


def test_no_password_is_ever_stored_or_logged_in_clear(store, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    users.authenticate(store, "zhang", "Wrong-guess-123", at=T0)
    users.authenticate(store, PASSWORD, "x", at=T0)  # the password typed into the name field
    users.authenticate(store, "zhang", PASSWORD, at=T0 + timedelta(hours=1))
    users.set_password(store, "zhang", "Second-password-99", by="测试")
    blob = _store_bytes(store)
    logged = caplog.text + "".join(capsys.readouterr()) + audit.read(store).to_csv()
    for secret in (PASSWORD, "Wrong-guess-123", "Second-password-99"):
        assert secret.encode() not in blob, secret
        assert secret not in logged


def test_a_failed_sign_in_reads_the_same_for_every_reason(store):
    users.add(store, "gone", users.LEADER, PASSWORD, by="测试")
    users.set_disabled(store, "gone", True, by="测试")
    answers = [
        users.authenticate(store, "zhang", "not-the-password", at=T0),  # wrong password
        users.authenticate(store, "nobody", PASSWORD, at=T0),  # no such account
        users.authenticate(store, "gone", PASSWORD, at=T0),  # right password, disabled account
    ]
    assert answers == [users.SignIn(None)] * 3
    failed = audit.read(store, actions=["sign_in_failed"])
    assert set(failed["user"]) == {"zhang", users.UNKNOWN_ACCOUNT, "gone"}
    assert "nobody" not in failed.to_string()


def test_backoff_doubles_and_refuses_without_checking_the_password(store):
    at = T0
    for failures in (1, 2, 3):
        assert users.authenticate(store, "zhang", "bad", at=at).user is None
        wait = _backoff(failures)
        early = users.authenticate(store, "zhang", PASSWORD, at=at + timedelta(seconds=wait / 2))
        assert early.user is None and early.wait_seconds == pytest.approx(wait / 2, abs=1) and not early.locked
        at += timedelta(seconds=wait)
    assert users.authenticate(store, "zhang", PASSWORD, at=at).user is not None
    # success clears the count: the next failure waits the first step again
    users.authenticate(store, "zhang", "bad", at=at)
    assert users.authenticate(store, "zhang", PASSWORD, at=at).wait_seconds == pytest.approx(_backoff(1), abs=1)


def test_lockout_after_the_threshold_for_known_and_unknown_names_alike(store):
    threshold = settings.integer("auth.lockout_threshold")
    minutes = settings.integer("auth.lockout_minutes")
    for name in ("zhang", "nobody"):
        at = T0
        for failures in range(1, threshold + 1):
            assert users.authenticate(store, name, "bad", at=at).user is None
            at += timedelta(seconds=_backoff(failures))
        last = at - timedelta(seconds=_backoff(threshold))
        locked = users.authenticate(store, name, PASSWORD, at=at)
        assert locked.user is None and locked.locked
        assert locked.wait_seconds == pytest.approx(minutes * 60 - _backoff(threshold), abs=1)
        after = last + timedelta(minutes=minutes, seconds=1)
        assert (users.authenticate(store, name, PASSWORD, at=after).user is not None) == (name == "zhang")
    assert audit.read(store, actions=["sign_in_failed"])["detail"].str.contains("已锁定").any()


def test_disable_enable_and_password_change(store):
    users.set_disabled(store, "zhang", True, by="管理员甲")
    assert users.authenticate(store, "zhang", PASSWORD, at=T0).user is None
    users.set_disabled(store, "zhang", False, by="管理员甲")
    users.set_password(store, "zhang", "A-new-password-7", by="管理员甲")
    later = T0 + timedelta(hours=1)
    assert users.authenticate(store, "zhang", PASSWORD, at=later).user is None
    assert users.authenticate(store, "zhang", "A-new-password-7", at=later + timedelta(hours=1)).user.name == "zhang"
    actions = list(audit.read(store)["action"])
    for action in ("user_add", "user_disable", "user_enable", "user_password", "sign_in", "sign_in_failed"):
        assert action in actions


@pytest.mark.parametrize(("password", "message"), [
    ("shrt", "太短"),
    ("密" * 25, "太长"),  # 75 bytes in UTF-8: bcrypt would silently ignore the end
    ("Zhang", "不能与用户名相同"),
])
def test_weak_or_unusable_passwords_are_refused(store, password, message, monkeypatch):
    monkeypatch.setattr(settings, "get", lambda key: 5 if key == "auth.password_min_length" else None)
    with pytest.raises(users.UserError, match=message):
        users.add(store, "zhang2" if message != "不能与用户名相同" else "zhang", users.LEADER, password, by="测试")


def test_roles_and_townships_are_checked(store, accounts):
    with pytest.raises(users.UserError, match="至少一个乡镇"):
        users.add(store, "t1", users.TOWNSHIP, PASSWORD, by="测试")
    with pytest.raises(users.UserError, match="只有乡镇角色"):
        users.add(store, "t2", users.LEADER, PASSWORD, ("990121100",), by="测试")
    with pytest.raises(users.UserError, match="没有这些乡镇代码"):
        users.add(accounts.store, "t3", users.TOWNSHIP, PASSWORD, ("990121999",), by="测试")
    with pytest.raises(users.UserError, match="已存在"):
        users.add(store, "zhang", users.LEADER, PASSWORD, by="测试")
    assert users.get(accounts.store, "t3") is None


def test_roles_decide_scope_and_personal_data():
    town = users.User("t", users.TOWNSHIP, ("990121103",))
    assert town.allowed_townships == ("990121103",) and not town.can_see_personal
    assert users.User("l", users.LEADER).allowed_townships is None
    assert not users.User("l", users.LEADER).can_see_personal
    assert users.User("p", users.PLANNER).can_save_scenarios and not users.User("l", users.LEADER).can_save_scenarios
    assert users.User("a", users.ADMIN).can_see_personal
    assert not users.User("demo", users.ADMIN, demo=True).can_see_personal


def test_first_admin_needs_the_one_time_code(tmp_path):
    s = Store(tmp_path)
    path = users.issue_setup_code(s)
    code = path.read_text(encoding="utf-8").strip()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(users.UserError, match="初始化码不正确"):
        users.create_first_admin(s, "0000-0000", "root", PASSWORD)
    with pytest.raises(users.UserError, match="太短"):  # a refused password does not spend the code
        users.create_first_admin(s, code, "root", "short")
    admin = users.create_first_admin(s, code.lower(), "root", PASSWORD)
    assert admin.is_admin and not path.exists()
    with pytest.raises(users.UserError, match="初始化码不正确"):
        users.create_first_admin(s, code, "root2", PASSWORD)


def _cli(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_users_command_adds_lists_disables_and_sets_passwords(tmp_path, monkeypatch, capsys):
    s = str(tmp_path / "store")
    code, out, err = _cli(monkeypatch, capsys, ["users", "add", "li", "--role", "乡镇", "--township", "990121103",
                                                "--store", s], PASSWORD + "\n")
    assert code == 0 and "990121103" in out and PASSWORD not in out + err
    assert users.authenticate(Store(s), "li", PASSWORD, at=T0).user.townships == ("990121103",)
    code, out, _ = _cli(monkeypatch, capsys, ["users", "list", "--store", s])
    assert code == 0 and "li\t乡镇\t990121103\t正常\t密码" in out
    assert _cli(monkeypatch, capsys, ["users", "passwd", "li", "--store", s], "Another-pass-42\n")[0] == 0
    assert users.authenticate(Store(s), "li", "Another-pass-42", at=T0 + timedelta(hours=1)).user is not None
    assert _cli(monkeypatch, capsys, ["users", "disable", "li", "--store", s])[0] == 0
    assert users.get(Store(s), "li").disabled
    code, _, err = _cli(monkeypatch, capsys, ["users", "add", "li", "--role", "县领导", "--store", s], PASSWORD + "\n")
    assert code == 1 and "已存在" in err
    code, _, err = _cli(monkeypatch, capsys, ["users", "add", "wang", "--role", "县领导", "--store", s], "short\n")
    assert code == 1 and "太短" in err
    assert audit.read(Store(s))["user"].str.startswith("命令行").any()
