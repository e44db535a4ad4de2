"""Features know only the end of year t; the label alone reads year t+1, as documented."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import settings
from analytics.data.contract import HOUSEHOLDS
from analytics.risk import features as risk_features
from analytics.risk.features import LabelSpec, RiskDataError
from analytics.risk.model import FEATURE_IDS

FUTURE = 2024  # scrambled year; its features and everything before must not move (except labels)


@pytest.fixture(scope="module")
def small(demo_tables) -> dict[str, pd.DataFrame]:
    """A slice of the demo county (about 1,200 households, every year) to rebuild quickly."""
    h = demo_tables["households"]
    ids = h["household_id"].drop_duplicates().iloc[::5]
    return {**demo_tables, "households": h[h["household_id"].isin(ids)].reset_index(drop=True)}


@pytest.fixture(scope="module")
def small_before(small) -> pd.DataFrame:
    """The slice's features before year FUTURE, computed once for every scramble to compare with."""
    return _features_before(small, FUTURE)


def _features_before(tables: dict, year: int) -> pd.DataFrame:
    frame = risk_features.build(tables, LabelSpec()).frame
    return frame.loc[frame["year"] < year, ["household_id", "year", *FEATURE_IDS, "eligible"]].reset_index(drop=True)


def _scramble(frame: pd.DataFrame, column: str, year: int, seed: int = 0) -> pd.DataFrame:
    """The column's values of `year` shuffled among that year's rows."""
    out = frame.copy()
    rows = np.flatnonzero(out["year"].to_numpy() == year)
    values = out[column].to_numpy(copy=True)
    values[rows] = values[np.random.default_rng(seed).permutation(rows)]
    out[column] = values
    return out


@pytest.mark.parametrize("column", [c for c in HOUSEHOLDS.ids if c != "year"])
def test_scrambling_a_year_t_plus_1_column_leaves_earlier_features_unchanged(small, small_before, column):
    scrambled = {**small, "households": _scramble(small["households"], column, FUTURE)}
    pd.testing.assert_frame_equal(_features_before(scrambled, FUTURE), small_before)


def test_scrambling_next_year_funds_and_line_leaves_earlier_features_unchanged(small, small_before):
    projects = small["projects"].copy()
    projects.loc[projects["year"] == FUTURE, "funds_wan"] *= 25
    lines = small["monitoring_lines"].copy()
    lines.loc[lines["year"] == FUTURE, "threshold_yuan"] *= 3
    pd.testing.assert_frame_equal(_features_before({**small, "projects": projects, "monitoring_lines": lines}, FUTURE),
                                  small_before)


def test_the_scramble_reaches_the_label(small):
    """The same scramble that leaves features alone does change year t's label: it is live."""
    label = risk_features.build(small, LabelSpec()).frame
    scrambled = {**small, "households": _scramble(small["households"], "per_capita_net_income", FUTURE)}
    moved = risk_features.build(scrambled, LabelSpec()).frame
    last = label["year"] == FUTURE - 1
    assert (label.loc[last, "label"] != moved.loc[last, "label"]).sum() > 10


def test_label_follows_its_definition(demo_tables):
    fs = risk_features.build(demo_tables, LabelSpec())
    h = demo_tables["households"]
    line = h["year"].map(demo_tables["monitoring_lines"].set_index("year")["threshold_yuan"])
    identified = h["monitoring_start"].astype("string").str[:4].eq(h["year"].astype(str)).fillna(False)
    event = (h["per_capita_net_income"] < line) | identified
    nxt = pd.Series(event.to_numpy(), index=pd.MultiIndex.from_arrays([h["household_id"], h["year"] - 1]))
    frame = fs.frame
    expected = nxt.reindex(pd.MultiIndex.from_arrays([frame["household_id"], frame["year"]])).to_numpy()
    assert np.array_equal(frame["label"].isna().to_numpy(), pd.isna(expected))
    known = frame["label"].notna().to_numpy()
    assert np.array_equal(frame["label"].to_numpy()[known], expected[known].astype(float))
    assert frame.loc[frame["year"] == frame["year"].max(), "label"].isna().all()
    unresolved = h["monitoring_category"].notna() & ~h["risk_eliminated"].fillna(False).astype(bool)
    assert np.array_equal(frame["eligible"].to_numpy(), ~unresolved.to_numpy())
    assert 0.01 < fs.labelled()["label"].mean() < 0.2


def test_label_options_change_the_events(demo_tables):
    base = risk_features.build(demo_tables, LabelSpec()).labelled()["label"]
    income_only = risk_features.build(demo_tables, LabelSpec(count_identified=False)).labelled()["label"]
    wider = risk_features.build(demo_tables, LabelSpec(line_ratio=1.2)).labelled()["label"]
    assert income_only.sum() < base.sum() < wider.sum()
    assert (income_only <= base).all()
    assert "1.2 倍" in LabelSpec(line_ratio=1.2).describe()


def test_label_spec_comes_from_settings():
    spec = LabelSpec.from_settings()
    assert spec.line_ratio == settings.number("risk.label_line_ratio")
    assert spec.count_identified == settings.flag("risk.label_counts_identified")


def test_income_is_computed_from_its_parts_when_left_empty(small):
    h = small["households"].copy()
    full = risk_features.build(small, LabelSpec()).frame["income_to_line"]
    h["per_capita_net_income"] = np.nan
    rebuilt = risk_features.build({**small, "households": h}, LabelSpec()).frame["income_to_line"]
    assert np.allclose(full, rebuilt, atol=1e-3)


def test_missing_column_is_refused_by_name(small):
    h = small["households"].drop(columns="labor_count")
    with pytest.raises(RiskDataError, match="劳动力人数"):
        risk_features.build({**small, "households": h}, LabelSpec())


def test_missing_monitoring_line_is_refused_by_year(small):
    lines = small["monitoring_lines"][small["monitoring_lines"]["year"] != 2023]
    with pytest.raises(RiskDataError, match="2023"):
        risk_features.build({**small, "monitoring_lines": lines}, LabelSpec())


def test_a_year_outside_the_provincial_income_table_is_stretched_with_a_warning(small, monkeypatch):
    real = settings.get

    def fake(key):
        return {"2020": 12800, "2021": 14000} if key == "risk.provincial_rural_income" else real(key)

    monkeypatch.setattr(settings, "get", fake)
    fs = risk_features.build(small, LabelSpec())
    assert any("2024" in w and "2021" in w for w in fs.warnings)
    h = small["households"]
    row = fs.frame["year"] == 2025
    expected = h.loc[h["year"] == 2025, "medical_out_of_pocket"].to_numpy() / 14000
    assert np.allclose(fs.frame.loc[row, "medical_to_provincial"], expected, rtol=1e-5)


def test_features_read_year_t_and_t_minus_1(small):
    fs = risk_features.build(small, LabelSpec()).frame.set_index(["household_id", "year"])
    h = small["households"].set_index(["household_id", "year"])
    hid = h.index.get_level_values(0)[0]
    now, before = h.loc[(hid, 2023)], h.loc[(hid, 2022)]
    lines = small["monitoring_lines"].set_index("year")["threshold_yuan"]
    expected = (now["per_capita_net_income"] - before["per_capita_net_income"]) / lines[2023]
    assert fs.loc[(hid, 2023), "income_change"] == pytest.approx(np.clip(expected, -3, 3), rel=1e-5)
    assert fs.loc[(hid, 2021), "no_previous_year"] == 1 and np.isnan(fs.loc[(hid, 2021), "income_change"])
