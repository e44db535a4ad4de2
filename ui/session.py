"""Who is signed in, held server-side, and the store this server serves.

A registry (st.cache_resource) maps a random session token to the account, and st.session_state
holds only the token. Nothing a browser can send (URL parameters, widget values, a forged
session-state key) names a user or widens a scope. ui.data and ui.auth both read the user
from here, so neither imports the other.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass

import streamlit as st

from analytics import settings
from analytics.access import users
from analytics.access.users import User
from analytics.data import audit
from analytics.data.store import Store

STORE_ENV = "DASHBOARD_STORE"


def store() -> Store:
    """The store folder: DASHBOARD_STORE when set (tests, other deployments), else data/store."""
    return Store(os.environ[STORE_ENV]) if os.environ.get(STORE_ENV) else Store()


TOKEN_KEY = "_auth_token"
COOKIE = "dashboard_session"  # holds the registry's random token, nothing else
COOKIE_SET_KEY = "_cookie_token"  # the token this browser session has put in the cookie
DEMO_USER = User("演示用户", users.ADMIN, demo=True)
VIA_PASSWORD, VIA_OIDC, VIA_DEMO = "密码", "统一身份认证", "免登录体验"


@dataclass
class Session:
    user: User
    root: str
    via: str
    last_seen: float


@st.cache_resource(show_spinner=False)
def registry() -> tuple[dict[str, Session], threading.Lock]:
    """Server-side sessions of this process, by random token."""
    return {}, threading.Lock()


def idle_limit() -> float:
    return settings.integer("auth.idle_timeout_minutes") * 60


def client() -> str:
    """The browser's address for the audit log (empty when Streamlit cannot tell)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""


def found(store: Store) -> Session | None:
    """This browser session's server-side record, if it is one of this store's and still fresh.

    A new browser session (a reload, a new tab) takes the token from the cookie `remember` set,
    if the registry still holds it: the caller then checks idleness and the account as for any run."""
    token = st.session_state.get(TOKEN_KEY)
    sessions, _ = registry()
    if not isinstance(token, str):
        token = st.context.cookies.get(COOKIE)
        if not isinstance(token, str) or token not in sessions:
            return None
        st.session_state[TOKEN_KEY] = token
    found = sessions.get(token)
    if found is None or found.root != str(store.root):
        return None
    return found


def current_user() -> User | None:
    """The signed-in user, or None (then ui.data shows no row): read by ui.data on every load."""
    record = found(store())
    if record is None or time.monotonic() - record.last_seen > idle_limit():
        return None
    record.last_seen = time.monotonic()
    return record.user


def start(store: Store, user: User, via: str) -> Session:
    sessions, lock = registry()
    token = secrets.token_urlsafe(32)
    fresh = Session(user, str(store.root), via, time.monotonic())
    with lock:
        limit = idle_limit()
        for old in [k for k, s in sessions.items() if time.monotonic() - s.last_seen > limit]:
            del sessions[old]
        sessions[token] = fresh
    st.session_state[TOKEN_KEY] = token
    return fresh


def end(store: Store, reason: str = "") -> None:
    """Forget this browser's session and record the sign-out (demo sessions are not recorded)."""
    token = st.session_state.pop(TOKEN_KEY, None)
    sessions, lock = registry()
    with lock:
        ended = sessions.pop(token, None) if isinstance(token, str) else None
    if ended is not None and not ended.user.demo:
        audit.record(store, ended.user.name, "sign_out", users.scope_label(ended.user), reason, client())


def demo_mode_allowed(store: Store) -> bool:
    """No account exists and every snapshot ever written is the demo county."""
    if users.has_accounts(store) or not store.current_id():
        return False
    return bool((store.snapshots()["kind"] == "demo").all())


def still_valid(store: Store, record: Session) -> bool:
    """Re-read the account: disabled, removed or re-passworded accounts lose their sessions."""
    if record.user.demo:
        return demo_mode_allowed(store)
    account = users.get(store, record.user.name)
    if account is None or account.disabled:
        return False
    if record.via == VIA_PASSWORD and account.password_changed_at != record.user.password_changed_at:
        return False
    record.user = account  # role and township changes apply at once
    return True


# The cookie is written by the page's script: `streamlit run` offers no hook on HTTP responses, so
# it cannot be HttpOnly. It holds only the random registry token (no name, no role) with
# SameSite=Strict; the server can end it at any time by dropping the token from the registry.
_COOKIE_JS = """
export default function(component) {
  const { data } = component;
  if (!data) return;
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  const value = data.token ? encodeURIComponent(data.token) : '';
  const age = data.token ? '' : '; Max-Age=0';  // a browser-session cookie, or gone
  document.cookie = `${data.name}=${value}; Path=/; SameSite=Strict${age}${secure}`;
}
"""
_cookie = st.components.v2.component("session_cookie", js=_COOKIE_JS)


def remember() -> None:
    """Put this session's token in the browser's cookie once, so a reload or a new tab stays signed
    in while the server keeps the session (it ends idle ones); on the sign-in page (no token), clear a cookie left behind."""
    token = st.session_state.get(TOKEN_KEY)
    if token == st.session_state.get(COOKIE_SET_KEY):
        return
    if token is None and COOKIE not in st.context.cookies and COOKIE_SET_KEY not in st.session_state:
        return
    st.html("<style>.st-key-session_cookie { display: none !important; }</style>")
    _cookie(key="session_cookie", data={"name": COOKIE, "token": token})
    st.session_state[COOKIE_SET_KEY] = token
