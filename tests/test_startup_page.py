"""The app warns admins, on every page, while the store is readable by other local accounts."""

from __future__ import annotations

import os
import shutil

from analytics.data.store import Store
from tests.auth_helpers import Accounts, sign_in


def _open_copy(accounts: Accounts, folder) -> Accounts:
    shutil.copytree(accounts.store.root, folder)
    os.chmod(folder / "state.db", 0o644)
    return Accounts(Store(folder), accounts.passwords, accounts.township)


def test_admins_are_warned_of_a_world_readable_store(accounts, tmp_path, monkeypatch):
    opened = _open_copy(accounts, tmp_path / "store")
    monkeypatch.setenv("DASHBOARD_STORE", str(opened.store.root))
    at = sign_in("admin01", opened.passwords["admin01"])
    warnings = [w.value for w in at.warning if "数据仓库的权限过宽" in w.value]
    assert len(warnings) == 1 and f"{opened.store.root / 'state.db'} (644)" in warnings[0]
    leader = sign_in("leader01", opened.passwords["leader01"])
    assert not [w for w in leader.warning if "权限过宽" in w.value]


def test_no_warning_for_a_private_store(accounts, tmp_path, monkeypatch):
    shutil.copytree(accounts.store.root, tmp_path / "store")
    store = Store(tmp_path / "store")
    for path in [store.root, *store.root.rglob("*")]:
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    monkeypatch.setenv("DASHBOARD_STORE", str(store.root))
    at = sign_in("admin01", accounts.passwords["admin01"])
    assert not at.exception
    assert not [w for w in at.warning if "权限过宽" in w.value]
