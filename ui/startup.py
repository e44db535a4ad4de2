"""Checks made when the server starts, before any page: the store holds the names and ID numbers
of a whole county, so it must be readable by the service account only."""

from __future__ import annotations

import sys

import streamlit as st

from analytics.data.store import Store, private_umask
from ui import session
from ui.text import pick

TEXT = {
    "zh": {"loose": "数据仓库的权限过宽,服务器上的其他账户可以读取其中的个人信息:{paths}。"
                    "请在服务器上运行 `chmod -R go-rwx {root}`(修正后最多 10 分钟此提示消失)。"},
    "en": {"loose": "The store is readable by other accounts on the server: {paths}. "
                    "Run `chmod -R go-rwx {root}` on the server (this notice goes within 10 minutes)."},
}
_SHOWN = 5


@st.cache_resource(show_spinner=False, ttl=600)
def loose(root: str) -> list[str]:
    """Store paths others may read; once per process (and every 10 minutes), also in the server log."""
    private_umask()  # whatever this server creates from now on is private
    paths = Store(root).loose_permissions()
    if paths:
        print(f"警告:数据仓库 {root} 的权限过宽:{'、'.join(paths[:_SHOWN])}", file=sys.stderr)
    return paths


def check_store() -> None:
    """Admins see a warning on every page while the store is readable by others."""
    store = session.store()
    paths = loose(str(store.root))
    user = session.current_user()
    if paths and user is not None and user.is_admin:
        more = f" …(+{len(paths) - _SHOWN})" if len(paths) > _SHOWN else ""
        st.warning(pick(TEXT)["loose"].format(paths="、".join(paths[:_SHOWN]) + more, root=store.root),
                   icon=":material/lock_open:")
