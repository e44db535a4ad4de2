"""The store under concurrency, disk failures and prying local accounts: commits are
compare-and-swap (two imports at once: both applied or one refused, never one lost), a full disk
changes nothing and speaks Chinese, killed writes leave nothing behind, files are fsynced before a
snapshot is registered, and everything is private to the service account."""

from __future__ import annotations

import errno
import multiprocessing
import os
import stat
import subprocess
import sys
import types

import pandas as pd
import pytest

from analytics.__main__ import main
from analytics.data import store as store_module
from analytics.data.store import STALE, StaleSnapshot, Store
from analytics.ingest import pipeline as ingest
from tests.import_helpers import as_text, copy_store, csv_bytes, write


def _townships(n: int) -> dict[str, pd.DataFrame]:
    return {"townships": pd.DataFrame({"township_code": [f"99012110{i}" for i in range(n)],
                                       "township_name": [f"乡{i}" for i in range(n)]})}


def _lines(folder, demo_tables, threshold: int, name: str) -> str:
    text = as_text(demo_tables["monitoring_lines"], "monitoring_lines")
    text.loc[text["年度"] == "2025", "监测收入标准(元/人·年)"] = str(threshold)
    return str(write(folder, name, csv_bytes(text)))


# --- compare-and-swap --------------------------------------------------------------------------
def test_a_commit_against_a_snapshot_that_is_no_longer_current_is_refused(tmp_path, demo_tables, demo_store):
    """Check, someone else imports, then 导入: the second import is refused, the first one stays."""
    store = copy_store(demo_store, tmp_path / "store")
    first = ingest.check([_lines(tmp_path, demo_tables, 8100, "a.csv")], store)
    second = ingest.check([_lines(tmp_path, demo_tables, 8200, "b.csv")], store)
    assert first.ok and second.ok and first.base == second.base
    winner = ingest.commit(first, store, "张三")
    with pytest.raises(StaleSnapshot, match=STALE):
        ingest.commit(second, store, "李四")
    assert store.current_id() == winner
    assert store.table("monitoring_lines").set_index("year").loc[2025, "threshold_yuan"] == 8100
    assert list((store.root / "tmp").iterdir()) == []
    assert len(store.snapshots()) == 2  # the demo snapshot and the winner; the refused one left no folder
    assert sorted(p.name for p in (store.root / "snapshots").iterdir()) == sorted(store.snapshots()["id"])


def test_a_rollback_after_the_check_also_makes_the_commit_stale(tmp_path):
    store = Store(tmp_path)
    first = store.write_snapshot(_townships(2), kind="import", source="a")
    second = store.write_snapshot(_townships(3), kind="import", source="b", base=first, if_current=True)
    store.rollback(first)
    with pytest.raises(StaleSnapshot):
        store.write_snapshot(_townships(4), kind="import", source="c", base=second, if_current=True)
    assert store.current_id() == first


def _committer(tasks, barrier, results) -> None:
    """One user's process: each check it is handed is committed at the same instant as the other's."""
    for checked, root in iter(tasks.get, None):
        barrier.wait()
        try:
            results.put(("ok", ingest.commit(checked, Store(root), str(os.getpid()))))
        except StaleSnapshot as exc:
            results.put(("stale", str(exc)))


@pytest.mark.slow
def test_two_processes_importing_at_once_never_lose_one(tmp_path, demo_tables, demo_store, monkeypatch):
    """Both check against the same snapshot, then commit at the same instant from two processes:
    exactly one is applied and the other refused with the Chinese message, whatever the order.
    Four rounds, each on a fresh copy of the store, in the same two processes (a round's winner
    is whichever process gets there first)."""
    context = multiprocessing.get_context("spawn")  # fresh processes, as two users' commands would be
    # a spawned child runs the parent's __main__ first: after an AppTest in this worker, a page script
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    barrier, results = context.Barrier(2), context.Queue()
    tasks = [context.Queue() for _ in range(2)]
    workers = [context.Process(target=_committer, args=(q, barrier, results)) for q in tasks]
    for w in workers:
        w.start()
    try:
        for round_ in range(4):
            store = copy_store(demo_store, tmp_path / f"store{round_}")
            base = store.current_id()
            for i, q in enumerate(tasks):
                q.put((ingest.check([_lines(tmp_path, demo_tables, 8100 + i, f"{round_}-{i}.csv")], store),
                       str(store.root)))
            outcomes = sorted(results.get(timeout=120) for _ in workers)
            assert [o[0] for o in outcomes] == ["ok", "stale"] and outcomes[1][1] == STALE, round_
            assert store.current_id() == outcomes[0][1]
            assert store.info().parent == base
            threshold = store.table("monitoring_lines").set_index("year").loc[2025, "threshold_yuan"]
            assert threshold in (8100, 8101)
            assert list((store.root / "tmp").iterdir()) == []
    finally:
        for q in tasks:
            q.put(None)
        for w in workers:
            w.join(timeout=60)
            w.kill()  # only if a failed round left it waiting at the barrier


def test_the_import_command_refuses_a_stale_commit_with_exit_1(tmp_path, demo_tables, demo_store, capsys,
                                                               monkeypatch):
    store = copy_store(demo_store, tmp_path / "store")
    real_check = ingest.check

    def check_then_someone_imports(*args, **kwargs):
        checked = real_check(*args, **kwargs)
        other = real_check([_lines(tmp_path, demo_tables, 9000, "other.csv")], store)
        ingest.commit(other, store, "他人")
        return checked

    monkeypatch.setattr(ingest, "check", check_then_someone_imports)
    code = main(["import", _lines(tmp_path, demo_tables, 8100, "mine.csv"), "--store", str(store.root)])
    assert code == 1
    assert f"未导入任何数据:{STALE}" in capsys.readouterr().out
    assert store.table("monitoring_lines").set_index("year").loc[2025, "threshold_yuan"] == 9000


# --- disk failures ---------------------------------------------------------------------------
def test_a_full_disk_during_an_import_changes_nothing_and_speaks_chinese(tmp_path, demo_tables, demo_store,
                                                                         capsys, monkeypatch):
    store = copy_store(demo_store, tmp_path / "store")
    before = store.current_id()
    real_write = store_module._write
    written = []

    def fill_up(name, frame, path):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(name)
        real_write(name, frame, path)

    monkeypatch.setattr(store_module, "_write", fill_up)
    code = main(["import", _lines(tmp_path, demo_tables, 8100, "a.csv"), "--store", str(store.root)])
    err = capsys.readouterr().err
    assert code == 1
    assert "错误:磁盘空间已满" in err and "操作未完成,数据未改变" in err and "Traceback" not in err
    assert store.current_id() == before and len(store.snapshots()) == 1
    assert list((store.root / "tmp").iterdir()) == []


def test_a_database_error_speaks_chinese_with_exit_1(tmp_path, capsys):
    (tmp_path / "state.db").write_bytes(b"this is not a database" * 100)
    assert main(["snapshots", "--store", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "数据仓库的数据库出错" in err and "Traceback" not in err


def test_a_failed_model_training_after_a_committed_import_exits_3(tmp_path, demo_tables, demo_store, capsys,
                                                                  monkeypatch):
    store = copy_store(demo_store, tmp_path / "store")
    before = store.current_id()

    def no_space(_store):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("analytics.risk.saved.prepare", no_space)
    code = main(["import", _lines(tmp_path, demo_tables, 8100, "a.csv"), "--store", str(store.root)])
    assert code == 3
    assert store.current_id() != before  # the data is in
    assert "数据已导入,但返贫风险模型训练失败" in capsys.readouterr().err


# --- snapshot writes ---------------------------------------------------------------------------
def test_files_and_folder_are_fsynced_before_the_snapshot_is_registered(tmp_path, monkeypatch):
    store = Store(tmp_path)
    events: list[str] = []
    real_fsync, real_set = store_module._fsync, Store._set_current
    monkeypatch.setattr(store_module, "_fsync", lambda path: (events.append(f"fsync {path.name}"), real_fsync(path)))
    monkeypatch.setattr(Store, "_set_current", staticmethod(lambda con, sid: (events.append("register"),
                                                                                real_set(con, sid))))
    sid = store.write_snapshot(_townships(2), kind="import", source="a")
    assert events[0] == "fsync townships.parquet"
    assert events[1].startswith(f"fsync {sid}.")  # the tmp folder
    assert events[2:] == ["fsync snapshots", "register"]


def test_tmp_folders_of_killed_writes_are_removed_before_the_next_write(tmp_path):
    store = Store(tmp_path)
    store.write_snapshot(_townships(2), kind="import", source="a")
    dead = subprocess.Popen(["true"])
    dead.wait()
    tmp = tmp_path / "tmp"
    (tmp / f"20260101-000000-aaaaaa.{dead.pid}").mkdir()
    (tmp / "20250101-000000-bbbbbb").mkdir()  # written before tmp folders named their writer
    (tmp / f"20260101-000000-cccccc.{os.getpid()}").mkdir()  # a write still under way
    store.write_snapshot(_townships(3), kind="import", source="b")
    assert [p.name for p in tmp.iterdir()] == [f"20260101-000000-cccccc.{os.getpid()}"]


# --- private store -----------------------------------------------------------------------------
def test_the_store_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        store = Store(tmp_path / "store")
        sid = store.write_snapshot(_townships(2), kind="import", source="a")
    finally:
        os.umask(old)

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    root = store.root
    assert mode(root) == 0o700 and mode(root / "state.db") == 0o600
    assert mode(root / "snapshots") == 0o700 and mode(root / "snapshots" / sid) == 0o700
    assert mode(root / "snapshots" / sid / "townships.parquet") == 0o600
    assert all(mode(p) == 0o600 for p in root.glob("state.db*"))
    assert store.loose_permissions() == []
    os.chmod(root / "state.db", 0o644)
    assert store.loose_permissions() == [f"{root / 'state.db'} (644)"]
