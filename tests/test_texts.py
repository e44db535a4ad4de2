"""Every page text exists in Chinese and English: the two languages of each text table hold
exactly the same keys (nested tables included), so switching language never falls back or fails."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import ui
import ui.texts
from tests.conftest import ROOT
from ui import text


def _tables() -> dict[str, dict]:
    """COMMON, every page's text module, and every ui module that keeps its own TEXT (sign-in, projector)."""
    tables = {"ui.text.COMMON": text.COMMON}
    for module in pkgutil.iter_modules(ui.texts.__path__):
        tables[f"ui.texts.{module.name}"] = importlib.import_module(f"ui.texts.{module.name}").TEXT
    for module in pkgutil.iter_modules(ui.__path__):
        held = getattr(importlib.import_module(f"ui.{module.name}"), "TEXT", None)
        if not module.ispkg and held is not None:
            tables[f"ui.{module.name}.TEXT"] = held
    return tables


def _keys(texts: dict, prefix: str = "") -> set[str]:
    """Keys of a text table, nested tables as dotted paths."""
    keys = set()
    for key, value in texts.items():
        keys.add(prefix + key)
        if isinstance(value, dict):
            keys |= _keys(value, f"{prefix}{key}.")
    return keys


def test_the_ui_modules_own_texts_are_checked_too():
    assert {"ui.projector.TEXT", "ui.signin.TEXT"} <= set(_tables())


def test_every_page_keeps_its_texts_in_a_text_module():
    pages = {p.stem for p in (ROOT / "app_pages").glob("*.py")} - {"__init__"}
    modules = {m.name for m in pkgutil.iter_modules(ui.texts.__path__)}
    assert pages <= modules
    inline = [p.name for p in (ROOT / "app_pages").glob("*.py") if "\nTEXT = {" in p.read_text(encoding="utf-8")]
    assert not inline, f"pages still holding their texts: {inline}"


@pytest.mark.parametrize("name", sorted(_tables()))
def test_chinese_and_english_have_the_same_keys(name):
    texts = _tables()[name]
    assert set(texts) == {"zh", "en"}
    zh, en = _keys(texts["zh"]), _keys(texts["en"])
    assert zh == en, f"{name}: only Chinese {sorted(zh - en)}, only English {sorted(en - zh)}"


def test_a_missing_english_key_is_caught():
    assert _keys({"a": "x", "b": {"c": "y"}}) != _keys({"a": "x", "b": {}})
