"""Named 资金推演 scenarios, kept in the store's database so they survive restarts.

Nothing is lost: saving under an existing name adds a new version, and every version stays
readable. A scenario keeps what was asked (rules, objective, overrides) and what came out
(the figures of the plan and of the baselines), with the snapshot it was computed on, so it
reads the same after the data changes.

A scenario belongs to the data scope it was made in (the whole county, or a set of
townships): it lists and loads only in that scope, so a plan's figures never reach a user who
may not see the villages it covers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from analytics.data.store import Store, now

MAX_NAME = 40
COUNTY = ""  # the scope of a county-wide scenario

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scenarios (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    snapshot_id TEXT NOT NULL,
    request TEXT NOT NULL,
    result TEXT NOT NULL,
    UNIQUE (scope, name, version)
);
"""


def _ensure(con) -> None:
    """Create the table; a table from before scopes (every scenario then was county-wide) is
    rebuilt with its rows kept."""
    con.executescript(_SCHEMA)
    if "scope" in {row[1] for row in con.execute("PRAGMA table_info(scenarios)")}:
        return
    con.executescript("ALTER TABLE scenarios RENAME TO scenarios_unscoped;" + _SCHEMA + """
        INSERT INTO scenarios (seq, scope, name, version, saved_at, saved_by, snapshot_id, request, result)
        SELECT seq, '', name, version, saved_at, saved_by, snapshot_id, request, result FROM scenarios_unscoped;
        DROP TABLE scenarios_unscoped;""")


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


def scope_key(townships: tuple[str, ...] | None, kind: str = "") -> str:
    """The scope a user works in: COUNTY, or the township codes joined. Another planner than the
    fund planner (the stress test, say) names its `kind`, so its scenarios list apart."""
    key = COUNTY if townships is None else ",".join(sorted(townships))
    return f"{kind}:{key}" if kind else key


def _clean(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ScenarioError("方案名称不能为空。")
    if len(cleaned) > MAX_NAME:
        raise ScenarioError(f"方案名称最长 {MAX_NAME} 个字,当前 {len(cleaned)} 个字:“{cleaned}”。")
    return cleaned


def save(store: Store, name: str, request: dict, result: dict, snapshot_id: str, user: str,
         scope: str = COUNTY) -> int:
    """Save a scenario as the next version of `name` in `scope`; returns that version (1, 2, ...)."""
    name = _clean(name)
    with store.db() as con:
        _ensure(con)
        con.execute("BEGIN IMMEDIATE")  # the next version number and the insert, atomically
        version = con.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM scenarios WHERE scope = ? AND name = ?",
                              (scope, name)).fetchone()[0]
        con.execute(
            "INSERT INTO scenarios (scope, name, version, saved_at, saved_by, snapshot_id, request, result) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (scope, name, version, now(), user, snapshot_id, json.dumps(request, ensure_ascii=False),
             json.dumps(result, ensure_ascii=False)))
        return int(version)


def listing(store: Store, scope: str = COUNTY) -> pd.DataFrame:
    """One row per name in `scope`, newest first: its latest version, when, by whom, on which snapshot."""
    with store.db() as con:
        _ensure(con)
        return pd.read_sql_query(
            "SELECT s.name, s.version, s.saved_at, s.saved_by, s.snapshot_id FROM scenarios s "
            "JOIN (SELECT name, MAX(version) AS version FROM scenarios WHERE scope = ? GROUP BY name) latest "
            "USING (name, version) WHERE s.scope = ? ORDER BY s.seq DESC", con, params=(scope, scope))


def versions(store: Store, name: str, scope: str = COUNTY) -> pd.DataFrame:
    """Every saved version of one name, newest first."""
    with store.db() as con:
        _ensure(con)
        return pd.read_sql_query(
            "SELECT version, saved_at, saved_by, snapshot_id FROM scenarios WHERE scope = ? AND name = ? "
            "ORDER BY version DESC", con, params=(scope, _clean(name)))


def load(store: Store, name: str, version: int | None = None, scope: str = COUNTY) -> Scenario:
    """A saved scenario of `scope`: the latest version of `name`, or the given version."""
    name = _clean(name)
    columns = "name, version, saved_at, saved_by, snapshot_id, request, result"
    with store.db() as con:
        _ensure(con)
        if version is None:
            row = con.execute(f"SELECT {columns} FROM scenarios WHERE scope = ? AND name = ? "
                              "ORDER BY version DESC LIMIT 1", (scope, name)).fetchone()
        else:
            row = con.execute(f"SELECT {columns} FROM scenarios WHERE scope = ? AND name = ? AND version = ?",
                              (scope, name, int(version))).fetchone()
    if row is None:
        which = "" if version is None else f"第 {version} 版"
        raise ScenarioError(f"找不到名为“{name}”的方案{which}。")
    return Scenario(row[0], int(row[1]), row[2], row[3], row[4], json.loads(row[5]), json.loads(row[6]))
