"""The audit log: append-only, tamper-evident, and fed by every action the issue lists."""

from __future__ import annotations

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from analytics.access import users
from analytics.data import aggregates, audit
from analytics.data.store import Store
from analytics.demo import county as demo
from devtools import ROOT
from devtools.apptest import app, sign_in
from ui import session, signin

GUARANTEES = "app_pages/guarantees.py"


def _since(store: Store, seq: int):
    log = audit.read(store)
    return log[log["seq"] > seq].sort_values("seq")


def _last_seq(store: Store) -> int:
    log = audit.read(store)
    return int(log["seq"].max()) if len(log) else 0


@pytest.fixture
def small(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    demo.build(s, households=300, seed=3)
    return s


def test_records_cannot_be_changed_or_deleted(small):
    audit.record(small, "甲", "export", "全县", "名单 · 10 行")
    with small.db() as con, pytest.raises(sqlite3.DatabaseError, match="只能追加"):
        con.execute("UPDATE audit SET user='乙'")
    with small.db() as con, pytest.raises(sqlite3.DatabaseError, match="只能追加"):
        con.execute("DELETE FROM audit")
    assert audit.read(small)["user"].iloc[0] == "甲"


@pytest.mark.parametrize("tamper", [
    "UPDATE audit SET detail='改过' WHERE seq=2",
    "DELETE FROM audit WHERE seq=2",
])
def test_an_edit_behind_the_apps_back_breaks_the_digest_chain(small, tamper):
    for n in range(3):
        audit.record(small, f"用户{n}", "sign_in", "全县")
    assert audit.verify(small).ok
    with small.db() as con:
        con.execute("DROP TRIGGER audit_no_update")
        con.execute("DROP TRIGGER audit_no_delete")
        con.execute(tamper)
    check = audit.verify(small)
    assert not check.ok and check.first_bad_seq in (2, 3)


def test_imports_and_rollbacks_are_recorded_with_their_user(small):
    first = small.current_id()
    assert audit.read(small, actions=["import"])["detail"].str.contains(first).any()
    second = small.write_snapshot(small.complete({}, first), kind="import", source="乡镇上报.xlsx", user="管理员甲", base=first)
    small.rollback(first, user="管理员甲")
    log = audit.read(small, users=["管理员甲"])
    assert list(log.sort_values("seq")["action"]) == ["import", "rollback"]
    assert log["detail"].str.contains(second).any() and log["detail"].str.contains("乡镇上报.xlsx").any()


def test_unknown_actions_are_refused(small):
    with pytest.raises(ValueError, match="未知的审计操作"):
        audit.record(small, "甲", "coffee")


def test_the_app_records_sign_in_list_views_exports_and_sign_out(with_accounts, downloads):
    store, start = with_accounts.store, _last_seq(with_accounts.store)
    at = sign_in("leader01", with_accounts.passwords["leader01"])
    at.switch_page(GUARANTEES).run()
    assert not at.exception and downloads
    at.run()  # the same list again on the same scope is not recorded twice
    at.button(key="_sign_out").click().run()
    assert at.title[0].value == "登录"
    log = _since(store, start)
    assert log["user"].eq("leader01").all()
    actions = list(log["action"])
    assert actions[0] == "sign_in" and actions[-1] == "sign_out"
    assert actions.count("view_households") == 1
    assert actions.count("export") == len(downloads)  # one record for each file generated
    exported = log[log["action"] == "export"]
    assert exported["detail"].str.contains("个人信息已脱敏").all() and exported["scope"].str.len().gt(0).all()


def test_a_failed_sign_in_is_recorded_without_the_typed_name(with_accounts):
    start = _last_seq(with_accounts.store)
    at = sign_in("no-such-person", "whatever-typed-here")
    assert any("登录失败" in e.value for e in at.error)
    log = _since(with_accounts.store, start)
    assert list(log["action"]) == ["sign_in_failed"] and log["user"].iloc[0] == users.UNKNOWN_ACCOUNT
    assert "no-such-person" not in log.to_csv() and "whatever-typed-here" not in log.to_csv()


def test_an_idle_session_expires_and_is_recorded(with_accounts, monkeypatch):
    start = _last_seq(with_accounts.store)
    at = sign_in("plan01", with_accounts.passwords["plan01"])
    assert at.title[0].value != "登录"
    monkeypatch.setattr(session, "idle_limit", lambda: -1.0)
    at.run()
    assert at.title[0].value == "登录" and any("长时间未操作" in i.value for i in at.info)
    log = _since(with_accounts.store, start)
    assert log.iloc[-1]["action"] == "sign_out" and log.iloc[-1]["detail"] == "空闲超时"


def test_disabling_an_account_ends_its_session_at_the_next_click(with_accounts, fast_bcrypt):
    store = with_accounts.store
    if users.get(store, "temp01") is None:
        users.add(store, "temp01", users.LEADER, "Temporary-pass-1", by="测试")
    users.set_disabled(store, "temp01", False, by="测试")
    at = sign_in("temp01", "Temporary-pass-1")
    assert at.title[0].value != "登录"
    users.set_disabled(store, "temp01", True, by="测试")
    at.run()
    assert at.title[0].value == "登录" and any("已停用" in i.value for i in at.info)


def test_admins_read_filter_and_export_the_log(with_accounts, downloads):
    at = sign_in("admin01", with_accounts.passwords["admin01"])
    at.switch_page("app_pages/audit_log.py").run()
    assert not at.exception and at.title[0].value == "审计日志"
    assert any("完整性校验通过" in s.value for s in at.success)
    at.multiselect(key="audit_actions").set_value(["sign_in"]).run()
    table = at.dataframe[0].value
    assert set(table["操作"]) == {"登录"} and "admin01" in set(table["用户"])
    assert downloads and downloads[-1][0].startswith("审计日志")


def test_other_roles_cannot_reach_the_log(with_accounts):
    at = sign_in("town01", with_accounts.passwords["town01"])
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/audit_log.py")  # not in the navigation of this role at all


def test_the_log_page_run_on_its_own_shows_nothing(with_accounts):
    """Run without app.py (and its gate), nobody is signed in: auth.require_admin refuses."""
    at = AppTest.from_file(str(ROOT / "app_pages" / "audit_log.py"), default_timeout=60).run()
    assert any("无权打开" in e.value for e in at.error)
    assert not at.dataframe and not at.title


def test_without_accounts_a_store_with_imported_data_asks_for_the_first_admin(tmp_path, app_on, fast_bcrypt):
    s = Store(tmp_path / "store")
    demo.build(s, households=300, seed=3)
    s.write_snapshot(aggregates.with_derived(s.complete({}, s.current_id())), kind="import", source="real.xlsx", user="命令行", base=s.current_id())
    app_on(s)
    at = app().run()
    assert at.title[0].value.startswith("首次使用")
    code = users.setup_code_path(s).read_text(encoding="utf-8").strip()
    for box, value in zip(at.text_input, [code, "chief", "Chief-admin-pass-1", "Chief-admin-pass-1"]):
        box.input(value)
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "总览"
    assert users.get(s, "chief").is_admin
    assert list(audit.read(s, users=["chief"])["action"]) == ["sign_in"]
    assert audit.read(s, actions=["user_add"])["user"].iloc[0] == "首次设置"


class _Identity:
    """What st.user holds after a round trip to an OIDC provider."""

    def __init__(self, **claims) -> None:
        self.claims = claims
        self.is_logged_in = True

    def to_dict(self) -> dict:
        return dict(self.claims)

    def get(self, key, default=None):
        return self.claims.get(key, default)


def test_oidc_identity_signs_in_with_the_role_from_the_apps_table(with_accounts, monkeypatch):
    import streamlit as st

    monkeypatch.setattr(signin, "_oidc_configured", lambda: True)
    monkeypatch.setattr(st, "user", _Identity(preferred_username="town01", email="t@example.invalid"))
    start = _last_seq(with_accounts.store)
    at = app().run()
    assert at.title[0].value != "登录"
    assert at.selectbox(key="town").options[1:] == ["白岩镇"]  # the app's own table decides the scope
    log = _since(with_accounts.store, start)
    sign_ins = log[log["action"] == "sign_in"]  # the desk a 乡镇 account opens on also records its lists
    assert len(sign_ins) == 1 and sign_ins["detail"].iloc[0] == "统一身份认证"


def test_oidc_identity_without_an_account_sees_nothing(with_accounts, monkeypatch):
    import streamlit as st

    monkeypatch.setattr(signin, "_oidc_configured", lambda: True)
    monkeypatch.setattr(st, "user", _Identity(preferred_username="stranger", email="stranger@example.invalid"))
    at = app().run()
    assert at.title[0].value == "登录" and any("stranger@example.invalid" in e.value for e in at.error)
    assert not at.metric and not at.dataframe


@pytest.mark.slow
def test_changing_the_password_keeps_this_session_and_ends_the_others(with_accounts, fast_bcrypt):
    store = with_accounts.store
    if users.get(store, "pw01") is None:
        users.add(store, "pw01", users.PLANNER, "First-password-1", by="测试")
    users.set_password(store, "pw01", "First-password-1", by="测试")
    other = sign_in("pw01", "First-password-1")
    at = sign_in("pw01", "First-password-1")
    current, new, again = at.sidebar.text_input
    current.input("First-password-1")
    new.input("Second-password-2")
    again.input("Second-password-2")
    next(b for b in at.sidebar.button if b.label == "保存新密码").click().run()
    assert any("密码已修改" in s.value for s in at.success)
    at.run()
    assert at.title[0].value != "登录"
    other.run()
    assert other.title[0].value == "登录"
    assert users.authenticate(store, "pw01", "Second-password-2").user is not None


def test_an_idle_oidc_session_also_signs_out_at_the_provider(with_accounts, monkeypatch):
    import streamlit as st

    calls: list[str] = []
    monkeypatch.setattr(signin, "_oidc_configured", lambda: True)
    monkeypatch.setattr(st, "user", _Identity(preferred_username="leader01"))
    monkeypatch.setattr(st, "logout", lambda: calls.append("logout"))
    at = app().run()
    assert at.title[0].value != "登录" and not calls
    monkeypatch.setattr(session, "idle_limit", lambda: -1.0)
    at.run()
    assert calls == ["logout"]
