"""Snapshots are atomic and immutable; rollback is recorded."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.store import Store, StoreError


def _tables(n: int) -> dict[str, pd.DataFrame]:
    return {"townships": pd.DataFrame({"township_code": [f"99012110{i}" for i in range(n)],
                                       "township_name": [f"乡{i}" for i in range(n)]})}


def test_write_then_rollback(tmp_path):
    store = Store(tmp_path)
    first = store.write_snapshot(_tables(2), kind="import", source="a.xlsx", user="张三")
    second = store.write_snapshot(_tables(3), kind="import", source="b.xlsx", user="张三", base=first)
    assert store.current_id() == second and len(store.table("townships")) == 3
    store.rollback(first, user="李四")
    assert store.current_id() == first and len(store.table("townships")) == 2
    history = store.history()
    assert list(history["action"]) == ["import", "import", "rollback"]
    assert history.iloc[-1]["user"] == "李四"


def test_failed_write_leaves_nothing(tmp_path):
    store = Store(tmp_path)
    first = store.write_snapshot(_tables(2), kind="import", source="a.xlsx")
    broken = {"townships": pd.DataFrame({"township_code": [object()]})}  # not writable as Parquet
    with pytest.raises(Exception):  # noqa: B017 - any failure must leave the store unchanged
        store.write_snapshot(broken, kind="import", source="bad.xlsx")
    assert store.current_id() == first
    assert list((tmp_path / "tmp").iterdir()) == []
    assert len(store.snapshots()) == 1


def test_partial_write_carries_other_tables(tmp_path):
    store = Store(tmp_path)
    lines = pd.DataFrame({"year": [2025], "threshold_yuan": [8000.0]})
    first = store.write_snapshot({**_tables(2), "monitoring_lines": lines}, kind="import", source="a")
    store.write_snapshot(_tables(4), kind="import", source="b", base=first)
    assert len(store.table("townships")) == 4
    assert store.table("monitoring_lines")["threshold_yuan"].tolist() == [8000.0]


def test_empty_store_gives_a_chinese_message(tmp_path):
    with pytest.raises(StoreError, match="还没有数据"):
        Store(tmp_path).info()
