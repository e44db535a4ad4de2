"""Settings are declared once, documented in the README, and refused when mistyped."""

from __future__ import annotations

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
