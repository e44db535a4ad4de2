"""Settings are declared once, documented in the README, and refused when mistyped."""

from __future__ import annotations

import ast

import pytest

from analytics import settings
from tests.conftest import ROOT


def test_settings_file_matches_declarations():
    values = settings.load()
    assert set(values) == {s.key for s in settings.DECLARED}


def test_readme_documents_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.key for s in settings.DECLARED if f"`{s.key}`" not in readme]
    assert not missing, f"README does not document: {missing}"


def test_unknown_key_is_refused(tmp_path):
    bad = tmp_path / "settings.toml"
    bad.write_text((settings.SETTINGS_FILE.read_text(encoding="utf-8")) + '\ntypo_key = 1\n', encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="typo_key"):
        settings.load(bad)


def test_a_value_of_the_wrong_type_is_refused_with_its_key(tmp_path):
    bad = tmp_path / "settings.toml"
    text = settings.SETTINGS_FILE.read_text(encoding="utf-8").replace("workload = 0.05", 'workload = "5%"')
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="risk.workload"):
        settings.load(bad)


def test_a_typed_reader_refuses_a_setting_of_another_kind():
    with pytest.raises(TypeError, match="map.tile_url"):
        settings.number("map.tile_url")
    assert settings.text("map.tile_url") == ""
    assert settings.integer("auth.lockout_threshold") == int(settings.get("auth.lockout_threshold"))


def test_a_value_outside_its_declared_range_is_refused_with_the_range(tmp_path):
    bad = tmp_path / "settings.toml"
    text = settings.SETTINGS_FILE.read_text(encoding="utf-8").replace("industry_min_share = 0.55", "industry_min_share = 55")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="funds.industry_min_share 的取值范围是 0 ~ 1"):
        settings.load(bad)


def test_a_county_value_applies_over_the_default_until_cleared():
    shipped = settings.number("risk.workload")
    try:
        settings.use({"risk.workload": 0.08, "no.longer.declared": 1})
        assert settings.number("risk.workload") == 0.08 and settings.in_force()["risk.workload"] == 0.08
        with pytest.raises(settings.SettingsError, match="risk.workload"):
            settings.use({"risk.workload": "8%"})
    finally:
        settings.use({})
    assert settings.number("risk.workload") == shipped


def _reads_settings(node: ast.AST) -> bool:
    """Whether an expression calls a settings reader or a `from_settings()` constructor."""
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            owner = call.func.value
            if call.func.attr == "from_settings" or (isinstance(owner, ast.Name) and owner.id == "settings"):
                return True
    return False


def test_settings_are_read_by_the_caller_never_behind_a_none_default():
    """One convention: a function takes its parameters, and the caller that wants the county's
    values passes `settings.number(...)` or `X.from_settings()`; "None means the setting"
    (`x if x is not None else settings...`, `x or X.from_settings()`) hides which one applies."""
    found = []
    for path in (ROOT / "analytics").rglob("*.py"):
        if path.parent.name == "commands":  # a command line's absent flag means the setting: the caller's choice
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            fallback = (isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare)
                        and any(isinstance(c, ast.Constant) and c.value is None for c in node.test.comparators)
                        and (_reads_settings(node.body) or _reads_settings(node.orelse)))
            fallback |= isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) \
                and isinstance(node.values[0], ast.Name) and any(_reads_settings(v) for v in node.values[1:])
            if fallback:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"settings behind a None default: {found}"
