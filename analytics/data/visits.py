"""Visit lists and visit results (入户核实), kept in the store's database, not in a snapshot.

A visit result is a fact about a household found in the field; a later import of households or
a rollback to an earlier snapshot must not erase it, so it lives next to the audit log in
state.db. Three tables:
    visit_listings   which household was put on which year's visit list, first when and by whom
    visit_results    every result uploaded, never updated: the current result of a household
                     and year is its newest row, and the older rows are its history
    visit_uploads    every upload, with who, when, which file and how many rows it changed
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from analytics.data import audit

if TYPE_CHECKING:
    from analytics.data.store import Store

CONFIRMED, NOT_CONFIRMED, UNREACHABLE = "纳入监测", "未纳入", "无法核实"
RESULTS: tuple[str, ...] = (CONFIRMED, NOT_CONFIRMED, UNREACHABLE)
RESULT_COLUMNS = ["year", "household_id", "result", "visitor", "visited_on", "note"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS visit_listings (
    year INTEGER NOT NULL,
    household_id TEXT NOT NULL,
    township_code TEXT NOT NULL,
    village_code TEXT NOT NULL,
    probability REAL NOT NULL,
    rule_triggered INTEGER NOT NULL,
    listed_at TEXT NOT NULL,
    listed_by TEXT NOT NULL,
    PRIMARY KEY (year, household_id)
);
CREATE TABLE IF NOT EXISTS visit_uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    file TEXT NOT NULL,
    rows INTEGER NOT NULL,
    changed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS visit_results (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    household_id TEXT NOT NULL,
    result TEXT NOT NULL,
    visitor TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    note TEXT NOT NULL,
    upload INTEGER NOT NULL REFERENCES visit_uploads (id)
);
CREATE INDEX IF NOT EXISTS visit_results_household ON visit_results (year, household_id);
"""


@contextmanager
def _db(store: Store) -> Iterator[sqlite3.Connection]:
    """The store's database with this module's tables: the store itself knows nothing of visits."""
    with store.db() as con:
        ensure_schema(con)
        yield con


def ensure_schema(con: sqlite3.Connection) -> None:
    """Create the tables; Store.db() calls this with the store's own schema."""
    con.executescript(_SCHEMA)


def record_listing(store: Store, year: int, listed: pd.DataFrame, user: str, at: str) -> int:
    """Note the households of an exported visit list (household_id, township_code, village_code,
    probability, rule_triggered); a household already listed that year keeps its first date,
    from which overdue days count. Returns how many were newly listed."""
    rows = [(int(year), str(r.household_id), str(r.township_code), str(r.village_code), float(r.probability),
             int(bool(r.rule_triggered)), at, user) for r in listed.itertuples()]
    with _db(store) as con:
        before = con.total_changes
        con.executemany("INSERT OR IGNORE INTO visit_listings VALUES (?,?,?,?,?,?,?,?)", rows)
        return con.total_changes - before


def listings(store: Store, year: int | None = None) -> pd.DataFrame:
    """The households listed for visits (of one year, or all)."""
    sql = "SELECT * FROM visit_listings" + (" WHERE year = ?" if year is not None else "")
    with _db(store) as con:
        frame = pd.read_sql_query(sql + " ORDER BY year, household_id", con,
                                  params=[int(year)] if year is not None else [])
    frame["rule_triggered"] = frame["rule_triggered"].astype(bool)
    return frame


def save_results(store: Store, rows: pd.DataFrame, user: str, file: str, scope: str, client: str = "") -> int:
    """Keep an upload's results (RESULT_COLUMNS, dates as YYYY-MM-DD). A row that repeats a
    household's current result adds nothing; a different one becomes the current result and the
    earlier stays in the history. The upload and the audit record are written in one transaction.
    Returns how many results changed."""
    current = results(store).set_index(["year", "household_id"])
    fields = ["result", "visitor", "visited_on", "note"]
    keyed = rows.set_index(["year", "household_id"])[fields]
    known = keyed.index.isin(current.index)
    same = pd.Series(False, index=keyed.index)
    if known.any():
        old = current.loc[keyed.index[known], fields]
        same[known] = (old.to_numpy() == keyed[known].to_numpy()).all(axis=1)
    changed = keyed[~same.to_numpy()].reset_index()
    with _db(store) as con:
        audit.append(con, user, "visit_results", scope,
                     f"{file} · {len(rows)} 户 · 新增或更改 {len(changed)} 户", client)
        upload = con.execute("INSERT INTO visit_uploads (at, user, file, rows, changed) VALUES (?,?,?,?,?)",
                             (datetime.now().isoformat(timespec="seconds"), user, file, len(rows),
                              len(changed))).lastrowid
        con.executemany(
            "INSERT INTO visit_results (year, household_id, result, visitor, visited_on, note, upload) "
            "VALUES (?,?,?,?,?,?,?)",
            [(int(r.year), str(r.household_id), r.result, r.visitor, r.visited_on, r.note, upload)
             for r in changed.itertuples()])
    return len(changed)


def results(store: Store, *, history: bool = False) -> pd.DataFrame:
    """The current result of each household and year (its newest upload), or with `history`
    every result ever uploaded, with the upload's time, user and file."""
    sql = ("SELECT r.seq, r.year, r.household_id, r.result, r.visitor, r.visited_on, r.note, "
           "u.at AS uploaded_at, u.user AS uploaded_by, u.file FROM visit_results r "
           "JOIN visit_uploads u ON u.id = r.upload")
    if not history:
        sql += (" WHERE r.seq = (SELECT MAX(seq) FROM visit_results l "
                "WHERE l.year = r.year AND l.household_id = r.household_id)")
    with _db(store) as con:
        return pd.read_sql_query(sql + " ORDER BY r.seq", con)


def uploads(store: Store) -> pd.DataFrame:
    with _db(store) as con:
        return pd.read_sql_query("SELECT * FROM visit_uploads ORDER BY id", con)
