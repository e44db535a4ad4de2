"""What pages may do: which pages a role opens, the admin lock, saving scenarios, and the audit
records of household lists shown and files downloaded."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from analytics.access import privacy
from analytics.data import audit
from ui import session
from ui.nav import PageSpec
from ui.text import pick

TEXT = {
    "zh": {"forbidden": "您的账户无权打开此页面。"},
    "en": {"forbidden": "Your account may not open this page."},
}


def require_admin() -> None:
    """Stop a page that only admins may open (the navigation hides it; this is the second lock)."""
    user = session.current_user()
    if user is None or not user.is_admin:
        st.error(pick(TEXT)["forbidden"])
        st.stop()


def is_admin() -> bool:
    user = session.current_user()
    return user is not None and user.is_admin and not user.demo


def visible(pages: tuple[PageSpec, ...]) -> list[PageSpec]:
    """The pages the signed-in user's role may open (PageSpec.roles limits some)."""
    user = session.current_user()
    if user is None:
        return []
    return [p for p in pages if p.open_to(user.role)]


def can_save_scenarios() -> bool:
    """Planners and admins may save fund-allocation scenarios."""
    user = session.current_user()
    return user is not None and user.can_save_scenarios


def audit_view(what: str, rows: int, scope: str) -> None:
    """Record that the signed-in user was shown a household-level list.

    One line per page that lists households: `auth.audit_view("预警名单", len(shown), scope_label)`.
    A rerun showing the same list on the same scope is not recorded again.
    """
    audit_views([(what, rows)], scope)


def audit_views(lists: list[tuple[str, int]], scope: str) -> None:
    """audit_view for a page that shows several lists at once: one record each, one transaction."""
    user = session.current_user()
    if user is None or user.demo or not lists:
        return
    marker = (tuple(lists), scope)
    if st.session_state.get("_audit_last_view") == marker:
        return
    st.session_state["_audit_last_view"] = marker
    names = " · 含完整姓名" if user.can_see_names and not user.can_see_personal else ""
    audit.record(session.store(), user.name, "view_households", scope,
                 [f"{what} · {rows} 户{names}" for what, rows in lists], session.client())


def export_recorder(title: str, scope: str, rows: int, personal_visible: bool,
                    names_visible: bool = False) -> Callable[[], None]:
    """A callable that records a download; ui.exports calls it when the file is generated.

    Downloads are generated on another thread, without the session, so who and where are
    captured now.
    """
    user, store, client = session.current_user(), session.store(), session.client()

    def record() -> None:
        if user is not None and not user.demo:
            audit.record(store, user.name, "export", scope,
                         f"{title} · {rows} 行 · {privacy.note(personal_visible, names_visible)}", client)

    return record
