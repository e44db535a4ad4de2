"""村庄画像 and 乡镇工作台 figures: one village's summary, scores against its township and county,
indicator detail, and the township's village table and lists, checked against the rows."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data import aggregates, indicators
from analytics.data.contract import DIMENSIONS
from analytics.scoring import composite as scoring
from analytics.views import township, village_profile


@pytest.fixture(scope="module")
def year(demo_tables) -> int:
    return int(demo_tables["households"]["year"].max())


@pytest.fixture(scope="module")
def village(demo_tables) -> str:
    return demo_tables["villages"]["village_code"].iloc[10]


def test_household_summary_of_one_village(demo_tables, year, village):
    h = demo_tables["households"]
    rows = h[(h["year"] == year) & (h["village_code"] == village)]
    line = float(demo_tables["monitoring_lines"].set_index("year")["threshold_yuan"][year])
    s = village_profile.households(rows, line)
    assert s.households == len(rows) and s.people == rows["household_size"].sum()
    assert s.below_line == int((rows["per_capita_net_income"] < line).sum())
    assert sum(s.monitored.values()) == int(rows["monitoring_category"].notna().sum())
    assert s.income == pytest.approx((rows["per_capita_net_income"] * rows["household_size"]).sum()
                                     / rows["household_size"].sum())


def test_dimension_scores_against_township_and_county(demo_store, demo_tables, year, village):
    scores = scoring.score_villages(values := indicators.load_values(demo_store), demo_tables["villages"],
                                    scoring.CompositeScorer.from_settings(scoring.Method.from_settings()).fit(values), scoring.Tiers.from_settings())
    dims = village_profile.dimensions(scores, village, year).set_index("dimension")
    now = scores[scores["year"] == year]
    mine = now[now["village_code"] == village].iloc[0]
    town = now[now["township_code"] == mine["township_code"]]
    for d in DIMENSIONS:
        assert dims.loc[d, "village"] == pytest.approx(mine[d])
        assert dims.loc[d, "township"] == pytest.approx(town[d].mean())
        assert dims.loc[d, "county"] == pytest.approx(now[d].mean())
    assert dims.loc[scoring.OVERALL, "rank"] == mine["rank"]
    assert village_profile.dimensions(scores, "no-such-village", year).empty


def test_indicator_detail_covers_the_catalogue(demo_store, year, village):
    values = indicators.load_values(demo_store)
    scorer = scoring.CompositeScorer(scoring.Method()).fit(values)
    detail = village_profile.indicators(values, scorer.normalise(values), indicators.catalogue(), village, year)
    assert len(detail) == len(indicators.catalogue())
    row = detail.set_index("code").loc["LIV01"]
    mine = values[(values["village_code"] == village) & (values["indicator_code"] == "LIV01")].set_index("year")
    assert row["value"] == pytest.approx(mine.loc[year, "value"])
    assert row["change"] == pytest.approx(mine.loc[year, "value"] - mine.loc[year - 1, "value"])
    assert row["meets_target"] == (row["value"] >= row["target"])


def test_risk_top_households_and_count():
    scored = pd.DataFrame({"village_code": ["v"] * 4 + ["w"], "year": [2025] * 5,
                           "household_id": list("abcde"), "probability": [0.5, 0.1, 0.3, 0.25, 0.9]})
    count, top = village_profile.risk(scored, "v", 2025, 0.25, top=2)
    assert count == 3 and list(top["household_id"]) == ["a", "c"]


def test_township_village_table_and_lists(demo_tables, year):
    t = demo_tables
    town = t["townships"]["township_code"].iloc[2]
    mine = t["villages"][t["villages"]["township_code"] == town]
    h = t["households"][t["households"]["village_code"].isin(mine["village_code"])]
    vy = aggregates.village_year(h, t["monitoring_lines"])
    high = pd.Series({mine["village_code"].iloc[0]: 4})
    table = township.villages_table(vy, mine, year, high_risk=high, projects=t["projects"])
    assert len(table) == len(mine)
    assert table["households"].sum() == int((h["year"] == year).sum())
    assert table.set_index("village_code").loc[mine["village_code"].iloc[0], "high_risk"] == 4
    open_cases = township.open_cases(h, t["villages"], year)
    now = h[h["year"] == year]
    expected = now["monitoring_category"].notna() & ~now["risk_eliminated"].fillna(False).astype(bool)
    assert set(open_cases["household_id"]) == set(now.loc[expected, "household_id"])
    assert table["monitored_unresolved"].sum() == len(open_cases)
    scored = pd.DataFrame({"household_id": now["household_id"].iloc[:3], "year": year,
                           "village_code": now["village_code"].iloc[:3], "probability": [0.9, 0.1, 0.4],
                           "risk_types": "因病", "measures": "健康帮扶"})
    warned = township.warning(scored, h, t["villages"], year, 0.3)
    assert list(warned["probability_pct"]) == pytest.approx([90.0, 40.0])
    assert warned["head_name"].notna().all()
