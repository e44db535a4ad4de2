"""Helpers for sign-in tests: a copy of the demo store with one account per role, signing in
through the real form in AppTest, and everything a rendered page holds as one string."""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from analytics.access import users
from analytics.data.store import Store
from tests.conftest import ROOT

TIMEOUT = 120
ROLES = {"admin01": users.ADMIN, "leader01": users.LEADER, "plan01": users.PLANNER, "town01": users.TOWNSHIP}


@dataclass(frozen=True)
class Accounts:
    store: Store
    passwords: dict[str, str]
    township: str  # the township of town01

    def role(self, name: str) -> str:
        return ROLES[name]


def make_accounts(source: Store, folder: Path, township: str) -> Accounts:
    """Copy a store and add one account per role, with fresh random passwords.

    Hashes use 4 bcrypt rounds to keep the tests quick; the cost is read from each hash, so
    the app checks them as it would check production ones.
    """
    shutil.copytree(source.root, folder)
    store = Store(folder)
    passwords = {name: secrets.token_urlsafe(12) for name in ROLES}
    rounds, users.BCRYPT_ROUNDS = users.BCRYPT_ROUNDS, 4
    try:
        for name, role in ROLES.items():
            users.add(store, name, role, passwords[name], (township,) if role == users.TOWNSHIP else (),
                      by="测试")
    finally:
        users.BCRYPT_ROUNDS = rounds
    return Accounts(store, passwords, township)


def app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def sign_in(name: str, password: str, query: dict[str, str] | None = None) -> AppTest:
    """Open the app, fill in the sign-in form and submit it, as a user would."""
    at = app(query).run()
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def haystack(at: AppTest) -> str:
    """Every text the run sent to the browser: element protos (maps' HTML, charts' JSON,
    labels, options) and the values of every table."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:
        value = frame.value
        parts.append(value.to_csv() if isinstance(value, pd.DataFrame) else str(value))
    return "\n".join(parts)


def capture_downloads(monkeypatch) -> list[tuple[str, bytes]]:
    """Replace the download button with one clicked at once: each file is generated, as the
    browser's click would make it, and kept as (file name, bytes)."""
    from ui import exports

    files: list[tuple[str, bytes]] = []

    def click(label, data, **kwargs):
        files.append((kwargs.get("file_name", ""), data() if callable(data) else data))
        return False

    monkeypatch.setattr(exports.st, "download_button", click)
    return files
