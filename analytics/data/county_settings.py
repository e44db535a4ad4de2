"""A county's own settings: values an administrator set or confirmed, kept in the store's database
over the shipped defaults of data/settings.toml, each change audited with who, when, the old and
the new value.

A setting's origin is one of: the shipped default; a demo value (a county-owned setting, marked
`county=True` in analytics/settings.py, that nobody has confirmed: the demo county's number, which a
real county must replace or confirm); or confirmed by someone at a time. Only declared settings
can be set, each checked against its declared kind and range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from analytics import settings
from analytics.data import audit
from analytics.data.store import Store, now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS county_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
"""
SHIPPED, DEMO_VALUE, CONFIRMED = "默认值", "示范值(未确认)", "已确认"


@dataclass(frozen=True)
class InForce:
    """One setting as it applies now, with where its value comes from."""

    key: str
    value: Any
    origin: str  # SHIPPED, DEMO_VALUE or CONFIRMED
    by: str = ""
    at: str = ""

    def origin_text(self) -> str:
        return f"{self.by} 于 {self.at} 确认" if self.origin == CONFIRMED else self.origin


def _rows(store: Store) -> dict[str, tuple[Any, str, str]]:
    if not (store.root / "state.db").exists():
        return {}
    with store.db() as con:
        con.executescript(_SCHEMA)
        rows = con.execute("SELECT key, value, set_by, set_at FROM county_settings").fetchall()
    return {key: (json.loads(value), by, at) for key, value, by, at in rows}


def values(store: Store) -> dict[str, Any]:
    """The county's own values, for `settings.use`."""
    return {key: value for key, (value, _, _) in _rows(store).items() if key in settings.BY_KEY}


def apply(store: Store) -> None:
    """Make this store's values the settings in force (app.py each run, the command line once)."""
    settings.use(values(store))


def has_real_data(store: Store) -> bool:
    """Whether a county's own data was ever imported (not only the demo county)."""
    return store.current_id() is not None and bool((store.snapshots()["kind"] != "demo").any())


def in_force(store: Store) -> list[InForce]:
    """Every declared setting with its value and origin, in declaration order."""
    own, shipped = _rows(store), settings.load()
    out = []
    for s in settings.DECLARED:
        if s.key in own:
            value, by, at = own[s.key]
            out.append(InForce(s.key, value, CONFIRMED, by, at))
        else:
            out.append(InForce(s.key, shipped[s.key], DEMO_VALUE if s.county else SHIPPED))
    return out


def unconfirmed(store: Store) -> list[str]:
    """County-owned settings still at the demo's value after a real import: the banner lists them
    and briefings, decks and exports say 参数未确认 until none is left."""
    if not has_real_data(store):
        return []
    return [s.key for s in in_force(store) if s.origin == DEMO_VALUE]


def set_value(store: Store, key: str, value: Any, by: str, client: str = "") -> None:
    """Set (or, with the value in force, confirm) one declared setting; refused with a Chinese
    message when the key is not declared or the value is not of its kind and range."""
    declared = settings.BY_KEY.get(key)
    if declared is None:
        raise settings.SettingsError(f"没有名为 {key} 的设置,未修改。")
    declared.check(value)
    old = next(s.value for s in in_force(store) if s.key == key)
    with store.db() as con:
        con.executescript(_SCHEMA)
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO county_settings (key, value, set_by, set_at) VALUES (?,?,?,?) "
                    "ON CONFLICT(key) DO UPDATE SET value=excluded.value, set_by=excluded.set_by, "
                    "set_at=excluded.set_at", (key, json.dumps(value, ensure_ascii=False), by, now()))
        verb = "确认" if old == value else "修改"
        audit.append(con, by, "settings_change", audit.COUNTY,
                     f"{verb}设置 {key}:原值 {json.dumps(old, ensure_ascii=False)} → "
                     f"新值 {json.dumps(value, ensure_ascii=False)}", client)


def parse(key: str, text: str) -> Any:
    """A value typed on the page or the command line, read as its declared kind (JSON for lists,
    year tables and matrices); refused with a Chinese message naming the key."""
    declared = settings.BY_KEY.get(key)
    if declared is None:
        raise settings.SettingsError(f"没有名为 {key} 的设置。")
    raw = text.strip()
    try:
        if declared.kind is settings.TEXT:
            value: Any = raw
        elif declared.kind is settings.FLAG:
            value = {"是": True, "true": True, "1": True, "否": False, "false": False, "0": False}[raw.lower()]
        elif declared.kind is settings.INTEGER:
            value = int(raw)
        elif declared.kind is settings.NUMBER:
            value = float(raw)
        else:
            value = json.loads(raw)
    except (ValueError, KeyError) as exc:
        raise settings.SettingsError(f"设置 {key} 应为{declared.kind.value},无法读取“{raw}”。") from exc
    declared.check(value)
    return value
