"""Snapshots on disk and the app-state database.

A store is a folder:
    store/state.db                 SQLite (WAL): the snapshot registry, the current pointer,
                                   and the state other modules keep (users, audit, scenarios,
                                   visit results: analytics.data.visits)
    store/snapshots/<id>/<table>.parquet   one immutable snapshot per import or demo run
    store/tmp/                     snapshots being written; renamed into place when complete

A snapshot is written whole into tmp/, fsynced, and then renamed and registered under the
database's write lock, so a failed or interrupted write (or a power cut) changes nothing, and no
snapshot is ever modified after its rename. A write may be compare-and-swap (`if_current`): two
imports at once end with both applied or one clearly refused, never one silently lost.

The store is private: folders 0700, files 0600, whatever the umask (`private_umask` makes the
commands and the app create everything else that way too); `loose_permissions` lists what is not.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from analytics import settings
from analytics.data import audit
from analytics.data.contract import TABLES

DEFAULT_STORE = settings.DATA_DIR / "store"
GEO_TABLES = {"boundaries", "township_boundaries"}
# Tables pages read a slice of (one year, some villages) rather than whole: written sorted by
# SLICE_ORDER in small row groups, so a slice touches few row groups (see `read_slice`).
SLICED_TABLES = {"households"}
SLICE_ORDER = ["year", "village_code"]
SLICE_ROW_GROUP = 20_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    row_counts TEXT NOT NULL,
    parent TEXT
);
CREATE TABLE IF NOT EXISTS history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    snapshot_id TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


_SCHEMA_READY: set[tuple[str, int, int]] = set()  # database files this process has created the schema in


class StoreError(Exception):
    """A store problem the user can act on; the message is Chinese and complete."""


class StaleSnapshot(StoreError):
    """The snapshot a check was based on is no longer current: someone else imported meanwhile."""


STALE = "数据已被他人更新,请重新检查"
DIR_MODE, FILE_MODE = 0o700, 0o600


def private_umask() -> None:
    """New files readable by the service account only (the store holds names and ID numbers)."""
    os.umask(0o077)


def _private_dir(path: Path) -> None:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)


def make_private(folder: Path) -> None:
    """A folder other modules write into the store (saved models), private as the store's own."""
    _private_dir(folder)
    for path in folder.rglob("*"):
        os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal exists too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class SnapshotInfo:
    id: str
    created_at: str
    created_by: str
    kind: str
    source: str
    row_counts: dict[str, int]
    parent: str | None

    @property
    def is_demo(self) -> bool:
        return self.kind == "demo"


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class Store:
    """One store folder. Cheap to construct; every call opens its own connection."""

    def __init__(self, root: Path | str = DEFAULT_STORE) -> None:
        self.root = Path(root)

    # --- database -------------------------------------------------------------------------
    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        path = self.root / "state.db"
        if not path.exists():
            _private_dir(self.root)
            path.touch(mode=FILE_MODE)  # sqlite gives its -wal and -shm files the database's mode
        con = sqlite3.connect(path, timeout=30)
        try:
            stat = path.stat()
            created = (str(path.resolve()), stat.st_dev, stat.st_ino)
            if created not in _SCHEMA_READY:  # pages open the database dozens of times a rerun
                con.execute("PRAGMA journal_mode=WAL")  # kept in the file once set
                con.executescript(_SCHEMA)
                audit.ensure_schema(con)
                _SCHEMA_READY.add(created)
            yield con
            con.commit()
        finally:
            con.close()

    def loose_permissions(self) -> list[str]:
        """Store paths others than the service account may read or enter (the app warns of them)."""
        loose = []
        for path in [self.root, *sorted(self.root.rglob("*"))] if self.root.exists() else []:
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                loose.append(f"{path} ({mode:o})")
        return loose

    def _record(self, con: sqlite3.Connection, user: str, action: str, snapshot_id: str,
                detail: str = "") -> None:
        con.execute(
            "INSERT INTO history (at, user, action, snapshot_id, detail) VALUES (?,?,?,?,?)",
            (now(), user, action, snapshot_id, detail),
        )
        # the audit log learns of every import and rollback in the same transaction
        audit.append(con, user, "rollback" if action == "rollback" else "import", audit.COUNTY,
                     f"快照 {snapshot_id} · {action}" + (f" · {detail}" if detail else ""))

    # --- registry -------------------------------------------------------------------------
    def current_id(self) -> str | None:
        if not (self.root / "state.db").exists():
            return None
        with self.db() as con:
            row = con.execute("SELECT value FROM state WHERE key='current_snapshot'").fetchone()
        return row[0] if row else None

    def current(self) -> SnapshotInfo | None:
        """The current snapshot, or None: one query, as every page asks on every rerun."""
        if not (self.root / "state.db").exists():
            return None
        with self.db() as con:
            row = con.execute("SELECT snapshots.* FROM state JOIN snapshots ON snapshots.id = state.value "
                              "WHERE state.key='current_snapshot'").fetchone()
        return None if row is None else _info(row)

    def info(self, snapshot_id: str | None = None) -> SnapshotInfo:
        sid = snapshot_id or self.current_id()
        if sid is None:
            raise StoreError(f"数据仓库 {self.root} 中还没有数据:请先生成示范县或导入数据。")
        with self.db() as con:
            row = con.execute("SELECT * FROM snapshots WHERE id=?", (sid,)).fetchone()
        if row is None:
            raise StoreError(f"找不到数据快照 {sid}。")
        return _info(row)

    def snapshots(self) -> pd.DataFrame:
        """The snapshot history, newest first, with which one is current."""
        with self.db() as con:
            frame = pd.read_sql_query(
                "SELECT id, created_at, created_by, kind, source, row_counts, parent "
                "FROM snapshots ORDER BY created_at DESC, id DESC", con)
        frame["current"] = frame["id"] == self.current_id()
        return frame

    def history(self) -> pd.DataFrame:
        with self.db() as con:
            return pd.read_sql_query("SELECT * FROM history ORDER BY seq", con)

    # --- writing --------------------------------------------------------------------------
    def complete(self, tables: dict[str, pd.DataFrame], base: str | None) -> dict[str, pd.DataFrame]:
        """The tables given, plus every source table of `base` they leave out (a partial import)."""
        full = dict(tables)
        if base:
            for name in TABLES:
                if name not in full and self.has_table(name, base):
                    full[name] = self.table(name, base)
        return full

    def write_snapshot(self, tables: dict[str, pd.DataFrame], *, kind: str, source: str,
                       user: str = "系统", base: str | None = None, if_current: bool = False) -> str:
        """Write these tables as a complete snapshot and make it current.

        The caller hands over every table the snapshot keeps, derived ones included
        (`complete` adds what a partial import leaves out): the store knows files, not the domain.
        With `if_current`, the write is refused with StaleSnapshot unless `base` is still the
        current snapshot when the snapshot is registered (commits are serialised by SQLite's
        write lock, so this compare-and-swap cannot race).
        """
        snapshot_id = datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        _private_dir(self.root / "tmp")
        self._remove_stale_tmp()
        tmp = self.root / "tmp" / f"{snapshot_id}.{os.getpid()}"
        final = self.root / "snapshots" / snapshot_id
        tmp.mkdir(mode=DIR_MODE)
        try:
            for name, frame in tables.items():
                path = tmp / f"{name}.parquet"
                _write(name, frame, path)
                os.chmod(path, FILE_MODE)
                _fsync(path)
            _fsync(tmp)
            counts = {name: int(len(frame)) for name, frame in tables.items() if name in TABLES}
            _private_dir(final.parent)
            with self.db() as con:
                con.execute("BEGIN IMMEDIATE")  # one writer at a time from here to the commit
                current = con.execute("SELECT value FROM state WHERE key='current_snapshot'").fetchone()
                if if_current and (current[0] if current else None) != base:
                    raise StaleSnapshot(STALE)
                os.replace(tmp, final)
                _fsync(final.parent)
                con.execute(
                    "INSERT INTO snapshots VALUES (?,?,?,?,?,?,?)",
                    (snapshot_id, now(), user, kind, source, json.dumps(counts, ensure_ascii=False), base),
                )
                self._set_current(con, snapshot_id)
                self._record(con, user, kind, snapshot_id, source)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            if final.exists() and snapshot_id not in self._registered():
                shutil.rmtree(final, ignore_errors=True)
            raise
        return snapshot_id

    def _registered(self) -> set[str]:
        with self.db() as con:
            return {row[0] for row in con.execute("SELECT id FROM snapshots")}

    def _remove_stale_tmp(self) -> None:
        """Folders left in tmp/ by a write that was killed: their writing process is gone."""
        for folder in (self.root / "tmp").iterdir():
            pid = folder.suffix.lstrip(".")
            if not (pid.isdigit() and pid_alive(int(pid))):
                shutil.rmtree(folder, ignore_errors=True)

    def rollback(self, snapshot_id: str, user: str = "系统") -> None:
        """Make an earlier snapshot current again; the rollback is itself recorded."""
        self.info(snapshot_id)  # raises a clear message when unknown
        with self.db() as con:
            con.execute("BEGIN IMMEDIATE")
            self._set_current(con, snapshot_id)
            self._record(con, user, "rollback", snapshot_id)

    @staticmethod
    def _set_current(con: sqlite3.Connection, snapshot_id: str) -> None:
        con.execute(
            "INSERT INTO state (key, value) VALUES ('current_snapshot', ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value", (snapshot_id,))

    # --- reading --------------------------------------------------------------------------
    def path(self, name: str, snapshot_id: str | None = None) -> Path:
        sid = snapshot_id or self.info().id
        return self.root / "snapshots" / sid / f"{name}.parquet"

    def has_table(self, name: str, snapshot_id: str | None = None) -> bool:
        return self.path(name, snapshot_id).exists()

    def table(self, name: str, snapshot_id: str | None = None,
              columns: list[str] | None = None) -> pd.DataFrame:
        path = self.path(name, snapshot_id)
        if not path.exists():
            raise StoreError(f"数据快照中没有表“{name}”。")
        if name in GEO_TABLES:
            return gpd.read_parquet(path, columns=columns)
        return pd.read_parquet(path, columns=columns)

    def rows(self, name: str, snapshot_id: str | None = None, **where: object) -> pd.DataFrame:
        """A slice of a sliced table (households): see `read_slice` for the arguments."""
        path = self.path(name, snapshot_id)
        if not path.exists():
            raise StoreError(f"数据快照中没有表“{name}”。")
        return read_slice(path, **where)


def _info(row: tuple) -> SnapshotInfo:
    return SnapshotInfo(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6])


def write_sliced(frame: pd.DataFrame, path: Path, *, batch_groups: int = 25) -> None:
    """Sorted by year and village in small row groups: Parquet keeps each group's min and max,
    so a reader of one year of one township skips every other group without reading it.

    Converted to Arrow `batch_groups` row groups at a time, not whole (five million rows at a
    million households), and taken in order a batch at a time, not sorted whole (a sorted copy
    is 1.5 GB): the file is byte for byte the one `to_parquet` writes of the whole sorted frame."""
    order = None
    if not _sorted(frame):
        keys = frame[SLICE_ORDER].reset_index(drop=True)
        order = keys.sort_values(SLICE_ORDER, kind="stable").index.to_numpy()
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    step = SLICE_ROW_GROUP * batch_groups
    with pq.ParquetWriter(path, schema, compression="snappy") as writer:
        for start in range(0, max(len(frame), 1), step):
            rows = slice(start, start + step) if order is None else order[start:start + step]
            part = pa.Table.from_pandas(frame.iloc[rows], schema=schema, preserve_index=False)
            writer.write_table(part, row_group_size=SLICE_ROW_GROUP)


def _sorted(frame: pd.DataFrame) -> bool:
    """Whether the rows are already in SLICE_ORDER (the demo's are): sorting would copy them all."""
    if frame[SLICE_ORDER].isna().any(axis=None):
        return False  # sorted as before, blanks last
    year, village = frame["year"].to_numpy(), frame["village_code"].array
    rising = np.asarray(village[1:] >= village[:-1], dtype=bool)
    return bool(((year[1:] > year[:-1]) | (year[1:] == year[:-1]) & rising).all())


def read_slice(path: Path, *, columns: list[str] | None = None, year: int | None = None,
               villages: list[str] | None = None, where: tuple | ds.Expression = ()) -> pd.DataFrame:
    """Rows of one year (or all) and of some villages (or all), with only `columns`.

    `where` adds filters: pyarrow triples such as ("relocated", "==", True), all of which must
    hold, or an Expression (guarantees.gap_filter). At a million households this is what keeps
    a page from holding five million rows to show a few thousand.
    """
    if villages is not None and len(villages) == 0:
        empty = pq.read_schema(path).empty_table().to_pandas()
        return empty[columns] if columns else empty
    triples = [] if isinstance(where, ds.Expression) else list(where)
    if year is not None:
        triples.append(("year", "==", int(year)))
    if villages is not None:
        triples.append(("village_code", "in", list(villages)))
    expression = pq.filters_to_expression(triples) if triples else None
    if isinstance(where, ds.Expression):
        expression = where if expression is None else expression & where
    return pd.read_parquet(path, columns=columns, filters=expression)


def _write(name: str, frame: pd.DataFrame, path: Path) -> None:
    if isinstance(frame, gpd.GeoDataFrame):
        frame.to_parquet(path, index=False)
    elif name in SLICED_TABLES:
        write_sliced(frame, path)
    else:
        frame.to_parquet(path, index=False, row_group_size=200_000)
