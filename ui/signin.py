"""The sign-in, first-run and account pieces of the app: the gate app.py calls once per run, and
the user's box in the sidebar (scope, password change, sign-out).

Without any account, a store that holds only the demo county opens in a clearly marked demo
mode (免登录体验; 演示模式 is the projector mode); any other store asks for the first admin
account (with a one-time code from the server) and then always asks to sign in. Each full run
re-reads the account, so disabling it, changing its password or its townships takes effect at the
next click; idle sessions expire.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from analytics import settings
from analytics.access import users
from analytics.access.users import User
from analytics.data import audit
from analytics.data.store import Store
from ui import data, session
from ui.nav import PAGES
from ui.text import common, pick

NOTICE_KEY = "_auth_notice"
FORM_WIDTH = 600  # px: the sign-in and first-run forms, one line of title at 1024x768

TEXT = {
    "zh": {
        "sign_in_title": "登录",
        "sign_in_intro": "本平台含农户个人信息,仅限授权人员使用。请使用本人账户登录。",
        "name": "用户名",
        "password": "密码",
        "sign_in": "登录",
        "oidc": "使用单位统一身份认证登录",
        "failed": "登录失败:用户名或密码不正确,或账户暂不可用。",
        "wait": "尝试过于频繁,请 {seconds} 秒后再试。",
        "locked": "连续登录失败次数过多,该用户名已暂时锁定,请 {minutes} 分钟后再试。",
        "forgot": "忘记密码或账户被锁定,请联系系统管理员。",
        "expired": "长时间未操作,已自动退出,请重新登录。",
        "ended": "账户已停用或密码已修改,请重新登录。",
        "signed_out": "已退出登录。",
        "first_title": "首次使用:创建管理员账户",
        "first_intro": ("本平台还没有任何账户。请创建第一个管理员账户,之后由管理员导入本县数据、添加其他账户。"
                        "初始化码保存在服务器数据仓库目录下的 `setup-code.txt` 文件中(只有服务器管理员能读取);"
                        "也可以在服务器上运行 `python -m analytics users add 用户名 --role 管理员` 创建。"),
        "setup_code": "初始化码",
        "confirm": "再次输入密码",
        "create": "创建管理员并登录",
        "mismatch": "两次输入的密码不一致。",
        "min_length": "密码至少 {n} 个字符。",
        "user": "当前用户",
        "scope": "数据范围",
        "county": "全县",
        "sign_out": "退出登录",
        "change_password": "修改密码",
        "current_password": "当前密码",
        "new_password": "新密码",
        "save": "保存新密码",
        "wrong_current": "当前密码不正确。",
        "password_changed": "密码已修改。",
        "demo": "**免登录体验**:尚无账户且只有示范县模拟数据。导入真实数据后必须登录。",
        "oidc_unknown": "统一身份认证账户“{name}”未在本平台开通或已停用,请联系系统管理员。",
        "oidc_sign_out": "退出统一身份认证",
    },
    "en": {
        "sign_in_title": "Sign in",
        "sign_in_intro": "This platform holds personal data of households; authorised staff only.",
        "name": "User name",
        "password": "Password",
        "sign_in": "Sign in",
        "oidc": "Sign in with the organisation's identity provider",
        "failed": "Sign-in failed: wrong user name or password, or the account is unavailable.",
        "wait": "Too many attempts; try again in {seconds} s.",
        "locked": "Too many failed attempts; this name is locked for {minutes} min.",
        "forgot": "Forgot your password or locked out? Ask the administrator.",
        "expired": "Signed out after a period of inactivity; please sign in again.",
        "ended": "The account was disabled or its password changed; please sign in again.",
        "signed_out": "Signed out.",
        "first_title": "First run: create the administrator account",
        "first_intro": ("No account exists yet: create the first administrator, who then imports the county's data and adds accounts. The one-time setup code is "
                        "in `setup-code.txt` in the store folder on the server; or run "
                        "`python -m analytics users add NAME --role 管理员` on the server."),
        "setup_code": "Setup code",
        "confirm": "Repeat the password",
        "create": "Create the administrator and sign in",
        "mismatch": "The passwords differ.",
        "min_length": "At least {n} characters.",
        "user": "Signed in as",
        "scope": "Scope",
        "county": "whole county",
        "sign_out": "Sign out",
        "change_password": "Change password",
        "current_password": "Current password",
        "new_password": "New password",
        "save": "Save the new password",
        "wrong_current": "The current password is wrong.",
        "password_changed": "Password changed.",
        "demo": "**Trial without sign-in**: no account and only demo data. Real data requires signing in.",
        "oidc_unknown": "The identity “{name}” has no account here or it is disabled; ask the administrator.",
        "oidc_sign_out": "Sign out of the identity provider",
    },
}

def _oidc_configured() -> bool:
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _oidc_account(store: Store) -> User | None:
    """The account named by the identity provider's username or e-mail claim, if enabled."""
    claims = st.user.to_dict()
    for claim in ("preferred_username", "email"):
        name = claims.get(claim)
        account = users.get(store, str(name)) if name else None
        if account is not None and not account.disabled:
            return account
    return None


def gate() -> User:
    """The signed-in user; otherwise draw the sign-in (or first-run) page and stop the run.

    Call once per run from app.py, before st.navigation. Until someone is signed in, the
    navigation holds only the sign-in page (at every page's address), so no URL reaches a page.
    """
    store = session.store()
    found = session.found(store)
    if found is not None:
        expired = time.monotonic() - found.last_seen > session.idle_limit()
        if expired or not session.still_valid(store, found):
            session.end(store, "空闲超时" if expired else "账户已停用或密码已修改")
            st.session_state[NOTICE_KEY] = "expired" if expired else "ended"
            if found.via == session.VIA_OIDC:
                st.logout()  # or the provider's cookie would sign the browser straight back in
            found = None
    if found is None and _oidc_configured() and st.user.is_logged_in:
        account = _oidc_account(store)
        if account is not None:
            found = session.start(store, account, session.VIA_OIDC)
            audit.record(store, account.name, "sign_in", users.scope_label(account), "统一身份认证", session.client())
    if found is None and session.demo_mode_allowed(store):
        found = session.start(store, session.DEMO_USER, session.VIA_DEMO)
    with st.sidebar:
        session.remember()
    if found is None:
        page = _sign_in_page if users.has_accounts(store) else _first_run_page
        st.navigation(_at_every_address(page), position="hidden").run()
        st.stop()
    found.last_seen = time.monotonic()
    _sidebar(store, found)
    return found.user


# --- pages and sidebar -------------------------------------------------------------------------
def _at_every_address(page: Callable[[], None]) -> list[st.Page]:
    """The sign-in page under every page's address: a link to a page asks to sign in first and,
    once signed in, opens that page (if the role may)."""
    title = pick(TEXT)["sign_in_title"]
    return [st.Page(page, title=title, icon=":material/login:", default=True)] + [
        st.Page(page, title=title, icon=":material/login:", url_path=Path(spec.path).stem)
        for spec in PAGES if not spec.default]


def _notice(t: dict[str, str]) -> None:
    key = st.session_state.pop(NOTICE_KEY, None)
    if key in ("expired", "ended", "signed_out"):
        st.info(t[key])


def _narrow() -> DeltaGenerator:
    """A centred column of at most FORM_WIDTH px (narrower screens get their whole width): the
    middle half of the page, 270 px on a 1024 px projector, wrapped the title to three lines."""
    return st.container(horizontal_alignment="center").container(width=FORM_WIDTH)


def _sign_in_page() -> None:
    t, store = pick(TEXT), session.store()
    with _narrow():
        st.markdown(f"**{common()['app_title']}** · {data.county_name()}")
        st.title(t["sign_in_title"])
        st.caption(t["sign_in_intro"])
        _notice(t)
        with st.form("sign_in", clear_on_submit=True):
            name = st.text_input(t["name"], max_chars=64)
            password = st.text_input(t["password"], type="password", max_chars=128)
            submitted = st.form_submit_button(t["sign_in"], type="primary", width="stretch")
        if submitted:
            result = users.authenticate(store, name, password, client=session.client())
            if result.user is not None:
                session.start(store, result.user, session.VIA_PASSWORD)
                st.rerun()
            elif result.locked:
                st.error(t["locked"].format(minutes=max(1, round(result.wait_seconds / 60))))
            elif result.wait_seconds:
                st.error(t["wait"].format(seconds=result.wait_seconds))
            else:
                st.error(t["failed"])
        if _oidc_configured():
            if st.user.is_logged_in:  # signed in at the provider, but no account here
                st.error(t["oidc_unknown"].format(name=st.user.get("email") or st.user.get("name") or ""))
                st.button(t["oidc_sign_out"], on_click=st.logout)
            else:
                st.button(t["oidc"], on_click=st.login, icon=":material/badge:", width="stretch")
        st.caption(t["forgot"])


def _first_run_page() -> None:
    t, store = pick(TEXT), session.store()
    existed = users.setup_code_path(store).exists()
    path = users.issue_setup_code(store)
    if not existed:
        print(f"首次使用:管理员初始化码已写入 {path}", flush=True)  # for the operator's console
    with _narrow():
        st.markdown(f"**{common()['app_title']}** · {data.county_name()}")
        st.title(t["first_title"])
        st.markdown(t["first_intro"])
        with st.form("first_run", clear_on_submit=True):
            code = st.text_input(t["setup_code"], type="password")
            name = st.text_input(t["name"], max_chars=64)
            password = st.text_input(t["password"], type="password", max_chars=128,
                                     help=t["min_length"].format(n=settings.integer("auth.password_min_length")))
            again = st.text_input(t["confirm"], type="password", max_chars=128)
            submitted = st.form_submit_button(t["create"], type="primary", width="stretch")
        if submitted:
            if password != again:
                st.error(t["mismatch"])
                return
            try:
                user = users.create_first_admin(store, code, name, password, client=session.client())
            except users.UserError as exc:
                st.error(str(exc))
                return
            audit.record(store, user.name, "sign_in", users.scope_label(user), "首次设置后登录", session.client())
            session.start(store, user, session.VIA_PASSWORD)
            st.rerun()


def _sign_out(store: Store, via: str) -> None:
    session.end(store, "用户退出")
    st.session_state[NOTICE_KEY] = "signed_out"
    if via == session.VIA_OIDC:
        st.logout()


def _change_password(store: Store, user: User, t: dict[str, str]) -> None:
    with st.form("change_password", clear_on_submit=True):
        current = st.text_input(t["current_password"], type="password", max_chars=128)
        new = st.text_input(t["new_password"], type="password", max_chars=128,
                            help=t["min_length"].format(n=settings.integer("auth.password_min_length")))
        again = st.text_input(t["confirm"], type="password", max_chars=128)
        if not st.form_submit_button(t["save"]):
            return
    if new != again:
        st.error(t["mismatch"])
        return
    check = users.authenticate(store, user.name, current, client=session.client(), record_success=False)
    if check.user is None:
        st.error(t["wait"].format(seconds=check.wait_seconds) if check.wait_seconds else t["wrong_current"])
        return
    try:
        users.set_password(store, user.name, new, by=user.name, client=session.client())
    except users.UserError as exc:
        st.error(str(exc))
        return
    found = session.found(store)
    if found is not None:
        found.user = users.get(store, user.name) or user
    st.success(t["password_changed"])


def _sidebar(store: Store, found: session.Session) -> None:
    t, user = pick(TEXT), found.user
    with st.sidebar:
        if user.demo:
            st.warning(t["demo"], icon=":material/science:")
            return
        allowed = user.allowed_townships
        scope = t["county"] if allowed is None else "、".join(_township_names(allowed))
        st.caption(f"{t['user']}:**{user.name}**({user.role})  \n{t['scope']}:{scope}")
        if found.via == session.VIA_PASSWORD:
            with st.popover(t["change_password"], icon=":material/key:", width="stretch"):
                _change_password(store, user, t)
        st.button(t["sign_out"], key="_sign_out", on_click=_sign_out, args=(store, found.via),
                  icon=":material/logout:", width="stretch")


def _township_names(codes: tuple[str, ...]) -> list[str]:
    if data.snapshot() is None:
        return list(codes)
    towns = data.table("townships")
    names = dict(zip(towns["township_code"], towns["township_name"]))
    return [names.get(c, c) for c in codes]
