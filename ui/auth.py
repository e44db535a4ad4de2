"""Sign-in and the signed-in user: the one place the app learns who is acting.

Who is signed in is held server-side: a registry (st.cache_resource) maps a random session
token to the account, and st.session_state holds only the token. Nothing a browser can send
(URL parameters, widget values, a forged session-state key) names a user or widens a scope.
Each full run re-reads the account from the store, so disabling an account, changing its
password or its townships takes effect at the next click; idle sessions expire.

Without any account, a store that holds only the demo county opens in a clearly marked demo
mode (免登录体验; 演示模式 is the projector mode); any other store asks for the first admin account (with a one-time code from the server)
and then always asks to sign in.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from analytics import settings
from analytics.access import users
from analytics.access.users import User
from analytics.data import audit
from analytics.data.store import Store
from ui import data
from ui.nav import PAGES, PageSpec
from ui.text import common, pick

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
        "first_intro": ("数据仓库中已有导入的数据,但还没有任何账户。请创建第一个管理员账户。"
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
        "forbidden": "您的账户无权打开此页面。",
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
        "first_intro": ("The store holds imported data but no account exists. The one-time setup code is "
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
        "forbidden": "Your account may not open this page.",
    },
}

TOKEN_KEY = "_auth_token"
NOTICE_KEY = "_auth_notice"
DEMO_USER = User("演示用户", users.ADMIN, demo=True)
VIA_PASSWORD, VIA_OIDC, VIA_DEMO = "密码", "统一身份认证", "免登录体验"


@dataclass
class _Session:
    user: User
    root: str
    via: str
    last_seen: float


@st.cache_resource(show_spinner=False)
def _registry() -> tuple[dict[str, _Session], threading.Lock]:
    """Server-side sessions of this process, by random token."""
    return {}, threading.Lock()


def _idle_limit() -> float:
    return settings.integer("auth.idle_timeout_minutes") * 60


def _client() -> str:
    """The browser's address for the audit log (empty when Streamlit cannot tell)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""


def _session(store: Store) -> _Session | None:
    """This browser session's server-side record, if it is one of this store's and still fresh."""
    token = st.session_state.get(TOKEN_KEY)
    if not isinstance(token, str):
        return None
    sessions, _ = _registry()
    found = sessions.get(token)
    if found is None or found.root != str(store.root):
        return None
    return found


def current_user() -> User | None:
    """The signed-in user, or None (then ui.data shows no row): used by ui.data on every load."""
    found = _session(data.store())
    if found is None or time.monotonic() - found.last_seen > _idle_limit():
        return None
    found.last_seen = time.monotonic()
    return found.user


def _start(store: Store, user: User, via: str) -> _Session:
    sessions, lock = _registry()
    token = secrets.token_urlsafe(32)
    fresh = _Session(user, str(store.root), via, time.monotonic())
    with lock:
        limit = _idle_limit()
        for old in [k for k, s in sessions.items() if time.monotonic() - s.last_seen > limit]:
            del sessions[old]
        sessions[token] = fresh
    st.session_state[TOKEN_KEY] = token
    return fresh


def _end(store: Store, reason: str = "") -> None:
    """Forget this browser's session and record the sign-out (demo sessions are not recorded)."""
    token = st.session_state.pop(TOKEN_KEY, None)
    sessions, lock = _registry()
    with lock:
        ended = sessions.pop(token, None) if isinstance(token, str) else None
    if ended is not None and not ended.user.demo:
        audit.record(store, ended.user.name, "sign_out", users.scope_label(ended.user), reason, _client())


def demo_mode_allowed(store: Store) -> bool:
    """No account exists and every snapshot ever written is the demo county."""
    if users.has_accounts(store) or not store.current_id():
        return False
    return bool((store.snapshots()["kind"] == "demo").all())


def _still_valid(store: Store, found: _Session) -> bool:
    """Re-read the account: disabled, removed or re-passworded accounts lose their sessions."""
    if found.user.demo:
        return demo_mode_allowed(store)
    account = users.get(store, found.user.name)
    if account is None or account.disabled:
        return False
    if found.via == VIA_PASSWORD and account.password_changed_at != found.user.password_changed_at:
        return False
    found.user = account  # role and township changes apply at once
    return True


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
    store = data.store()
    found = _session(store)
    if found is not None:
        expired = time.monotonic() - found.last_seen > _idle_limit()
        if expired or not _still_valid(store, found):
            _end(store, "空闲超时" if expired else "账户已停用或密码已修改")
            st.session_state[NOTICE_KEY] = "expired" if expired else "ended"
            if found.via == VIA_OIDC:
                st.logout()  # or the provider's cookie would sign the browser straight back in
            found = None
    if found is None and _oidc_configured() and st.user.is_logged_in:
        account = _oidc_account(store)
        if account is not None:
            found = _start(store, account, VIA_OIDC)
            audit.record(store, account.name, "sign_in", users.scope_label(account), "统一身份认证", _client())
    if found is None and demo_mode_allowed(store):
        found = _start(store, DEMO_USER, VIA_DEMO)
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
    return st.columns([1, 2, 1])[1]


def _sign_in_page() -> None:
    t, store = pick(TEXT), data.store()
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
            result = users.authenticate(store, name, password, client=_client())
            if result.user is not None:
                _start(store, result.user, VIA_PASSWORD)
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
    t, store = pick(TEXT), data.store()
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
                user = users.create_first_admin(store, code, name, password, client=_client())
            except users.UserError as exc:
                st.error(str(exc))
                return
            audit.record(store, user.name, "sign_in", users.scope_label(user), "首次设置后登录", _client())
            _start(store, user, VIA_PASSWORD)
            st.rerun()


def _sign_out(store: Store, via: str) -> None:
    _end(store, "用户退出")
    st.session_state[NOTICE_KEY] = "signed_out"
    if via == VIA_OIDC:
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
    check = users.authenticate(store, user.name, current, client=_client(), record_success=False)
    if check.user is None:
        st.error(t["wait"].format(seconds=check.wait_seconds) if check.wait_seconds else t["wrong_current"])
        return
    try:
        users.set_password(store, user.name, new, by=user.name, client=_client())
    except users.UserError as exc:
        st.error(str(exc))
        return
    found = _session(store)
    if found is not None:
        found.user = users.get(store, user.name) or user
    st.success(t["password_changed"])


def _sidebar(store: Store, found: _Session) -> None:
    t, user = pick(TEXT), found.user
    with st.sidebar:
        if user.demo:
            st.warning(t["demo"], icon=":material/science:")
            return
        allowed = user.allowed_townships
        scope = t["county"] if allowed is None else "、".join(_township_names(allowed))
        st.caption(f"{t['user']}:**{user.name}**({user.role})  \n{t['scope']}:{scope}")
        if found.via == VIA_PASSWORD:
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


# --- what pages call ---------------------------------------------------------------------------
def require_admin() -> None:
    """Stop a page that only admins may open (the navigation hides it; this is the second lock)."""
    user = current_user()
    if user is None or not user.is_admin:
        st.error(pick(TEXT)["forbidden"])
        st.stop()


def visible(pages: tuple[PageSpec, ...]) -> list[PageSpec]:
    """The pages the signed-in user's role may open (PageSpec.roles limits some)."""
    user = current_user()
    if user is None:
        return []
    return [p for p in pages if p.open_to(user.role)]


def can_save_scenarios() -> bool:
    """Planners and admins may save fund-allocation scenarios."""
    user = current_user()
    return user is not None and user.can_save_scenarios


def audit_view(what: str, rows: int, scope: str) -> None:
    """Record that the signed-in user was shown a household-level list.

    One line per page that lists households: `auth.audit_view("预警名单", len(shown), scope_label)`.
    A rerun showing the same list on the same scope is not recorded again.
    """
    audit_views([(what, rows)], scope)


def audit_views(lists: list[tuple[str, int]], scope: str) -> None:
    """audit_view for a page that shows several lists at once: one record each, one transaction."""
    user = current_user()
    if user is None or user.demo or not lists:
        return
    marker = (tuple(lists), scope)
    if st.session_state.get("_audit_last_view") == marker:
        return
    st.session_state["_audit_last_view"] = marker
    audit.record(data.store(), user.name, "view_households", scope, [f"{what} · {rows} 户" for what, rows in lists],
                 _client())


def export_recorder(title: str, scope: str, rows: int, personal_visible: bool) -> Callable[[], None]:
    """A callable that records a download; ui.exports calls it when the file is generated.

    Downloads are generated on another thread, without the session, so who and where are
    captured now.
    """
    user, store, client = current_user(), data.store(), _client()

    def record() -> None:
        if user is not None and not user.demo:
            audit.record(store, user.name, "export", scope,
                         f"{title} · {rows} 行 · {'含完整个人信息' if personal_visible else '个人信息已脱敏'}", client)

    return record
