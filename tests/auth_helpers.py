"""Helpers for sign-in and scope tests: a copy of the demo store with one account per role,
everything a rendered page holds as one string, the files it offers for download, and what
would give away another township's rows or a person's full name."""

from __future__ import annotations

import io
import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from analytics.access import users
from analytics.data.store import Store
from devtools.apptest import app, sign_in  # noqa: F401  (their home before devtools: tests import them here)
from ui.nav import PAGES

ROLES = {"admin01": users.ADMIN, "leader01": users.LEADER, "plan01": users.PLANNER, "town01": users.TOWNSHIP}
ID_NUMBER = re.compile(r"\d{17}[\dX]")
DIGITS = re.compile(r"\d{9,}")


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
    browser's click would make it, and kept as (file name, bytes). The `downloads` fixture."""
    from ui import exports

    files: list[tuple[str, bytes]] = []

    def click(label, data, **kwargs):
        files.append((kwargs.get("file_name", ""), data() if callable(data) else data))
        return False

    monkeypatch.setattr(exports.st, "download_button", click)
    return files


def pages_for(role: str) -> list[str]:
    """The pages of the menu this role may open."""
    return [p.path for p in PAGES if p.open_to(role)]


def workbook_text(payload: bytes) -> str:
    """A downloaded file as text: every cell of a workbook, or the file itself (the briefing)."""
    if not payload.startswith(b"PK"):  # not a workbook: the HTML briefing, read as text
        return payload.decode("utf-8", errors="replace")
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        if "word/document.xml" in archive.namelist():  # a Word file (督办单): its text, tags removed
            return re.sub(r"<[^>]+>", " ", archive.read("word/document.xml").decode("utf-8"))
    book = openpyxl.load_workbook(io.BytesIO(payload), read_only=True)
    return "\n".join(",".join("" if v is None else str(v) for v in row)
                     for ws in book.worksheets for row in ws.iter_rows(values_only=True))


class Outside:
    """What another township's rows would give away: names and codes of its places."""

    def __init__(self, tables: dict, township: str) -> None:
        towns, villages = tables["townships"], tables["villages"]
        self.township = township
        self.names = set(towns.loc[towns["township_code"] != township, "township_name"])
        self.names |= set(villages.loc[villages["township_code"] != township, "village_name"])

    def leaks(self, text: str) -> list[str]:
        found = [n for n in self.names if n in text]
        # codes of the county (990121...) of 9 digits or more: villages 12, households 16
        found += [d for d in DIGITS.findall(text) if d.startswith("990121") and d[:9] != self.township]
        return found


class FullNames:
    """Unmasked personal data: 18-digit ID numbers and three-character names of heads; with
    `outside`, only the names of heads outside that township (a 乡镇 account sees its own)."""

    def __init__(self, tables: dict, outside: str | None = None) -> None:
        heads = tables["households"][["village_code", "head_name"]]
        names = {n for n in heads["head_name"] if len(n) == 3}
        if outside is not None:
            names -= set(heads.loc[heads["village_code"].str[:9] == outside, "head_name"])
        names = sorted(names)
        self.pattern = re.compile("|".join(map(re.escape, names)))
        self.ids = set(tables["households"]["head_id_number"])

    def leaks(self, text: str) -> list[str]:
        return [i for i in ID_NUMBER.findall(text) if i in self.ids] + self.pattern.findall(text)
