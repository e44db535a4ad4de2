"""Named scenarios live in the store's database: versions are kept, nothing is overwritten,
and a new Store (a restarted app) reads them back."""

from __future__ import annotations

import pytest

from analytics.data.store import Store
from analytics.planning import scenarios


def test_saving_a_name_again_adds_a_version_and_keeps_the_old_one(tmp_path):
    store = Store(tmp_path)
    assert scenarios.save(store, "方案甲", {"budget": 1}, {"total_wan": 1.0}, "snap1", "张三") == 1
    assert scenarios.save(store, "方案甲", {"budget": 2}, {"total_wan": 2.0}, "snap2", "李四") == 2
    assert scenarios.save(store, "方案乙", {"budget": 3}, {"total_wan": 3.0}, "snap2", "李四") == 1
    restarted = Store(tmp_path)  # a new process opens the same folder
    latest = scenarios.load(restarted, "方案甲")
    assert (latest.version, latest.request, latest.saved_by, latest.snapshot_id) == (2, {"budget": 2}, "李四", "snap2")
    assert scenarios.load(restarted, "方案甲", 1).result == {"total_wan": 1.0}
    listing = scenarios.listing(restarted)
    assert list(listing["name"]) == ["方案乙", "方案甲"] and list(listing["version"]) == [1, 2]
    assert list(scenarios.versions(restarted, "方案甲")["version"]) == [2, 1]


def test_names_are_trimmed_and_checked_in_chinese(tmp_path):
    store = Store(tmp_path)
    scenarios.save(store, "  方案   丙 ", {}, {}, "s", "u")
    assert scenarios.load(store, "方案 丙").name == "方案 丙"
    with pytest.raises(scenarios.ScenarioError, match="不能为空"):
        scenarios.save(store, "   ", {}, {}, "s", "u")
    with pytest.raises(scenarios.ScenarioError, match="最长"):
        scenarios.save(store, "长" * (scenarios.MAX_NAME + 1), {}, {}, "s", "u")
    with pytest.raises(scenarios.ScenarioError, match="找不到名为“方案丁”的方案"):
        scenarios.load(store, "方案丁")
    with pytest.raises(scenarios.ScenarioError, match="第 9 版"):
        scenarios.load(store, "方案 丙", 9)


def test_scenarios_share_the_database_with_the_snapshot_registry(tmp_path):
    store = Store(tmp_path)
    scenarios.save(store, "方案", {"a": 1}, {"b": 2}, "s", "u")
    assert (tmp_path / "state.db").exists()
    with store.db() as con:
        assert con.execute("SELECT COUNT(*) FROM scenarios").fetchone()[0] == 1


def test_a_scenario_lists_and_loads_only_in_the_scope_it_was_made_in(tmp_path):
    store = Store(tmp_path)
    town = scenarios.scope_key(("990121103",))
    scenarios.save(store, "全县方案", {"a": 1}, {"b": 1}, "s", "规划员")
    scenarios.save(store, "乡镇方案", {"a": 2}, {"b": 2}, "s", "乡镇员", town)
    assert list(scenarios.listing(store)["name"]) == ["全县方案"]
    assert list(scenarios.listing(store, town)["name"]) == ["乡镇方案"]
    with pytest.raises(scenarios.ScenarioError):
        scenarios.load(store, "全县方案", scope=town)
    assert scenarios.scope_key(None) == scenarios.COUNTY
    assert scenarios.scope_key(("b", "a")) == "a,b"


def test_a_table_from_before_scopes_is_kept_as_county_scenarios(tmp_path):
    store = Store(tmp_path)
    with store.db() as con:
        con.execute("CREATE TABLE scenarios (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "
                    "version INTEGER NOT NULL, saved_at TEXT NOT NULL, saved_by TEXT NOT NULL, "
                    "snapshot_id TEXT NOT NULL, request TEXT NOT NULL, result TEXT NOT NULL, UNIQUE (name, version))")
        con.execute("INSERT INTO scenarios (name, version, saved_at, saved_by, snapshot_id, request, result) "
                    "VALUES ('旧方案', 1, '2026-11-29T07:00:00', '张三', 's', '{\"a\": 1}', '{}')")
    assert list(scenarios.listing(store)["name"]) == ["旧方案"]
    assert scenarios.load(store, "旧方案").request == {"a": 1}
    assert scenarios.save(store, "旧方案", {"a": 2}, {}, "s", "李四") == 2
