"""Snapshots are atomic and immutable; rollback is recorded."""

from __future__ import annotations

import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from analytics.data import store as store_module
from analytics.data.store import Store, StoreError


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
    store.write_snapshot(store.complete(_tables(4), first), kind="import", source="b", base=first)
    assert len(store.table("townships")) == 4
    assert store.table("monitoring_lines")["threshold_yuan"].tolist() == [8000.0]


def test_empty_store_gives_a_chinese_message(tmp_path):
    with pytest.raises(StoreError, match="还没有数据"):
        Store(tmp_path).info()


def _households(n_villages: int = 6, years: tuple[int, ...] = (2023, 2021, 2022), per_village: int = 3) -> pd.DataFrame:
    rows = [{"year": y, "village_code": f"{v:012d}", "household_id": f"{v}-{i}", "relocated": i == 0}
            for y in years for v in reversed(range(n_villages)) for i in range(per_village)]
    return pd.DataFrame(rows)


def test_households_are_written_sorted_so_a_slice_skips_row_groups(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "SLICE_ROW_GROUP", 6)
    path = tmp_path / "households.parquet"
    store_module.write_sliced(_households(), path)
    back = pd.read_parquet(path)
    keys = list(back[["year", "village_code"]].itertuples(index=False, name=None))
    assert keys == sorted(keys)
    assert pq.ParquetFile(path).metadata.num_row_groups == 9
    fragment = next(ds.dataset(path).get_fragments())
    kept = fragment.subset((ds.field("year") == 2022) & ds.field("village_code").isin(["000000000002"]))
    assert len(kept.row_groups) == 1  # min/max statistics let a reader skip the other eight groups


def test_read_slice_filters_by_year_villages_columns_and_where(tmp_path):
    path = tmp_path / "households.parquet"
    store_module.write_sliced(_households(), path)
    part = store_module.read_slice(path, year=2022, villages=["000000000001", "000000000004"], columns=["household_id"])
    assert list(part.columns) == ["household_id"]
    assert sorted(part["household_id"]) == ["1-0", "1-1", "1-2", "4-0", "4-1", "4-2"]
    moved = store_module.read_slice(path, where=(("relocated", "==", True),))
    assert len(moved) == 18 and moved["relocated"].all()
    both = store_module.read_slice(path, year=2021, where=ds.field("household_id") == "5-2")
    assert both[["year", "household_id"]].values.tolist() == [[2021, "5-2"]]
    none = store_module.read_slice(path, villages=[], columns=["household_id", "year"])
    assert none.empty and list(none.columns) == ["household_id", "year"]


def test_rows_of_a_missing_table_is_a_chinese_message(tmp_path):
    store = Store(tmp_path)
    store.write_snapshot(_tables(2), kind="demo", source="test")
    with pytest.raises(StoreError, match="没有表"):
        store.rows("households")
