"""Named 资金推演 scenarios, kept in the store's database so they survive restarts.

Nothing is lost: saving under an existing name adds a new version, and every version stays
readable. A scenario keeps what was asked (rules, objective, overrides) and what came out
(the figures of the plan and of the baselines), with the snapshot it was computed on, so it
reads the same after the data changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from analytics.store import Store, now

MAX_NAME = 40

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    snapshot_id TEXT NOT NULL,
    request TEXT NOT NULL,
    result TEXT NOT NULL,
    UNIQUE (name, version)
);
"""


class ScenarioError(ValueError):
    """A scenario request the user must correct; the message is Chinese."""


@dataclass(frozen=True)
class Scenario:
    name: str
    version: int
    saved_at: str
    saved_by: str
    snapshot_id: str
    request: dict
    result: dict


def _clean(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ScenarioError("方案名称不能为空。")
    if len(cleaned) > MAX_NAME:
        raise ScenarioError(f"方案名称最长 {MAX_NAME} 个字,当前 {len(cleaned)} 个字:“{cleaned}”。")
    return cleaned


def save(store: Store, name: str, request: dict, result: dict, snapshot_id: str, user: str) -> int:
    """Save a scenario as the next version of `name`; returns that version number (1, 2, ...)."""
    name = _clean(name)
    with store.db() as con:
        con.executescript(_SCHEMA)
        con.execute("BEGIN IMMEDIATE")  # the next version number and the insert, atomically
        version = con.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM scenarios WHERE name = ?",
                              (name,)).fetchone()[0]
        con.execute(
            "INSERT INTO scenarios (name, version, saved_at, saved_by, snapshot_id, request, result) "
            "VALUES (?,?,?,?,?,?,?)",
            (name, version, now(), user, snapshot_id, json.dumps(request, ensure_ascii=False),
             json.dumps(result, ensure_ascii=False)))
        return int(version)


def listing(store: Store) -> pd.DataFrame:
    """One row per name, newest first: its latest version, when, by whom, on which snapshot."""
    with store.db() as con:
        con.executescript(_SCHEMA)
        return pd.read_sql_query(
            "SELECT s.name, s.version, s.saved_at, s.saved_by, s.snapshot_id FROM scenarios s "
            "JOIN (SELECT name, MAX(version) AS version FROM scenarios GROUP BY name) latest "
            "USING (name, version) ORDER BY s.seq DESC", con)


def versions(store: Store, name: str) -> pd.DataFrame:
    """Every saved version of one name, newest first."""
    with store.db() as con:
        con.executescript(_SCHEMA)
        return pd.read_sql_query(
            "SELECT version, saved_at, saved_by, snapshot_id FROM scenarios WHERE name = ? "
            "ORDER BY version DESC", con, params=(_clean(name),))


def load(store: Store, name: str, version: int | None = None) -> Scenario:
    """A saved scenario: the latest version of `name`, or the given version."""
    name = _clean(name)
    columns = "name, version, saved_at, saved_by, snapshot_id, request, result"
    with store.db() as con:
        con.executescript(_SCHEMA)
        if version is None:
            row = con.execute(f"SELECT {columns} FROM scenarios WHERE name = ? ORDER BY version DESC LIMIT 1",
                              (name,)).fetchone()
        else:
            row = con.execute(f"SELECT {columns} FROM scenarios WHERE name = ? AND version = ?",
                              (name, int(version))).fetchone()
    if row is None:
        which = "" if version is None else f"第 {version} 版"
        raise ScenarioError(f"找不到名为“{name}”的方案{which}。")
    return Scenario(row[0], int(row[1]), row[2], row[3], row[4], json.loads(row[5]), json.loads(row[6]))
