"""Contract and demo-county invariants, including the documented causal structure."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from analytics.data.contract import HOUSEHOLDS, INCOME_PARTS, TABLES, valid_id_number
from analytics.data.indicators import catalogue
from analytics.data.store import Store
from analytics.demo import county as demo
from tests.conftest import SMALL_HOUSEHOLDS


def test_sizes(demo_tables):
    assert len(demo_tables["townships"]) == demo.N_TOWNSHIPS
    assert len(demo_tables["villages"]) == demo.N_VILLAGES
    assert len(demo_tables["boundaries"]) == demo.N_VILLAGES
    h = demo_tables["households"]
    assert len(h) == SMALL_HOUSEHOLDS * len(demo.YEARS)
    assert h.groupby("year").size().eq(SMALL_HOUSEHOLDS).all()
    assert sorted(demo_tables["monitoring_lines"]["year"]) == list(demo.YEARS)


def test_every_contract_column_is_generated(demo_tables):
    for name, table in TABLES.items():
        assert set(table.ids) <= set(demo_tables[name].columns), name


def test_codes_are_unique_and_well_formed(demo_tables):
    towns, villages = demo_tables["townships"], demo_tables["villages"]
    assert towns["township_code"].is_unique and villages["village_code"].is_unique
    assert towns["township_code"].str.fullmatch(r"\d{9}").all()
    assert villages["village_code"].str.fullmatch(r"\d{12}").all()
    assert (villages["village_code"].str[:9] == villages["township_code"]).all()
    assert set(villages["township_code"]) == set(towns["township_code"])
    h = demo_tables["households"]
    assert not h.duplicated(list(HOUSEHOLDS.key)).any()
    assert h["head_id_number"].drop_duplicates().map(valid_id_number).all()


def test_per_capita_income_agrees_with_parts(demo_tables):
    h = demo_tables["households"]
    net = h[list(INCOME_PARTS)].sum(axis=1) - h["production_expense"]
    assert np.allclose(h["per_capita_net_income"], net / h["household_size"], atol=0.01)


def test_household_counts_are_possible(demo_tables):
    h = demo_tables["households"]
    members = h[["labor_count", "elderly_count", "students_count"]].sum(axis=1)
    assert (h["household_size"] >= 1).all() and (members <= h["household_size"]).all()
    assert (h["migrant_work_months"] <= 12 * h["labor_count"]).all()


def test_rates_within_0_100(demo_tables):
    cat = catalogue()
    ind = demo_tables["village_indicators"].merge(cat[["unit"]], left_on="indicator_code", right_index=True)
    rates = ind.loc[ind["unit"] == "%", "value"]
    assert len(rates) and rates.between(0, 100).all()
    assert set(demo_tables["village_indicators"]["indicator_code"]) <= set(cat.index)


def test_boundaries_cover_villages_without_overlap(demo_tables):
    b = demo_tables["boundaries"].to_crs("EPSG:32648")  # UTM 48N: areas in m²
    assert b.geometry.is_valid.all() and (b.geometry.area > 0).all()
    overlap = b.geometry.union_all().area
    assert overlap == pytest.approx(b.geometry.area.sum(), rel=1e-6)


def _digest(store: Store) -> dict[str, str]:
    folder = store.path("households").parent
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))}


@pytest.mark.slow
def test_same_seed_gives_identical_files(tmp_path):
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    demo.build(a, households=800, seed=11)
    demo.build(b, households=800, seed=11)
    assert _digest(a) == _digest(b)
    c = Store(tmp_path / "c")
    demo.build(c, households=800, seed=12)
    assert _digest(a)["households.parquet"] != _digest(c)["households.parquet"]


def _next_year(h: pd.DataFrame) -> pd.DataFrame:
    """Each household-year joined to the same household's next year."""
    nxt = h[["household_id", "year", "per_capita_net_income", "monitoring_start"]].copy()
    nxt["year"] -= 1
    return h.merge(nxt, on=["household_id", "year"], suffixes=("", "_next"))


def test_serious_illness_shock_drives_relapse(demo_tables):
    h = demo_tables["households"]
    lines = demo_tables["monitoring_lines"].set_index("year")["threshold_yuan"]
    h = h.assign(line=h["year"].map(lines))
    pairs = _next_year(h)
    fell = pairs["per_capita_net_income_next"] < (pairs["year"] + 1).map(lines)
    newly = pairs["monitoring_start_next"].astype("string").str[:4] == (pairs["year"] + 1).astype(str)
    relapse = fell | newly.fillna(False)
    chronic = pairs["chronic_illness_count"] > 0
    assert relapse[chronic].mean() > 1.3 * relapse[~chronic].mean()
    # Same year: a serious-illness shock brings households under monitoring.
    shocked = h["serious_illness_count"] > 0
    monitored_new = h["monitoring_start"].astype("string").str[:4] == h["year"].astype(str)
    assert monitored_new[shocked].mean() > 3 * monitored_new[~shocked].mean()


def test_labour_and_migrant_work_protect(demo_tables):
    h = demo_tables["households"]
    lines = demo_tables["monitoring_lines"].set_index("year")["threshold_yuan"]
    below = h["per_capita_net_income"] < h["year"].map(lines)
    assert below[h["labor_count"] >= 2].mean() < below[h["labor_count"] == 0].mean()
    assert below[h["migrant_work_months"] >= 6].mean() < below[h["migrant_work_months"] == 0].mean()


def test_funds_move_indicators_with_a_lag(demo_tables):
    """Villages with more 乡村建设 funds in t improve their sanitary-toilet rate more in t+1."""
    p = demo_tables["projects"]
    villages = demo_tables["villages"].set_index("village_code")
    funds = p[p["category"] == "乡村建设"].groupby(["village_code", "year"])["funds_wan"].sum()
    ind = demo_tables["village_indicators"]
    toilet = ind[ind["indicator_code"] == "ECO01"].set_index(["village_code", "year"])["value"]
    change = (toilet.groupby(level=0).shift(-1) - toilet).dropna().rename("change").reset_index()
    change["funds"] = [funds.get((v, y), 0.0) for v, y in zip(change["village_code"], change["year"])]
    change["x"] = demo.fund_intensity(change["funds"].to_numpy(), villages.loc[change["village_code"], "households"].to_numpy())
    slope = np.polyfit(change["x"], change["change"], 1)[0]
    assert slope == pytest.approx(demo.TRUE_EFFECTS["乡村建设"]["ECO01"], rel=0.35)


def test_not_every_household_at_risk_is_identified_in_time(demo_tables):
    h = demo_tables["households"]
    lines = demo_tables["monitoring_lines"].set_index("year")["threshold_yuan"]
    below = h["per_capita_net_income"] < h["year"].map(lines)
    unmonitored = h["monitoring_category"].isna()
    share_missed = (below & unmonitored).sum() / below.sum()
    assert 0.05 < share_missed < 0.6


def test_household_codes_stay_unique_when_a_village_has_over_ten_thousand_households():
    village = np.repeat([0, 1], [10_050, 3])
    codes = demo.household_ids(np.where(village == 0, "990121100201", "990121100202"), village)
    assert len(set(codes)) == len(codes) == 10_053
    assert codes[0] == "99012110020100001" and codes[-1] == "99012110020200003"
