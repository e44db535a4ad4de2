"""易地搬迁后扶: site employment agrees with the household rows and the jobless list is exactly
the relocated households with labour and too few work months."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data import aggregates
from analytics.views import relocation

MIN_MONTHS = 3.0


@pytest.fixture(scope="module")
def year(demo_tables) -> int:
    return int(demo_tables["households"]["year"].max())


def test_sites_count_relocated_labour_and_employment(demo_tables, year):
    h = demo_tables["households"]
    sites = relocation.sites(h, demo_tables["villages"], demo_tables["townships"], year, MIN_MONTHS)
    moved = h[(h["year"] == year) & h["relocated"].astype(bool)]
    assert sites["households"].sum() == len(moved) > 0
    with_labour = moved[moved["labor_count"] > 0]
    employed = with_labour["migrant_work_months"] >= MIN_MONTHS
    assert sites["with_labour"].sum() == len(with_labour)
    assert sites["employed"].sum() == int(employed.sum())
    assert sites["jobless"].sum() == int((~employed).sum())
    assert (sites["jobless"] == sites["with_labour"] - sites["employed"]).all()
    assert sites["is_relocation_site"].all()  # the demo county houses relocated households at its sites


def test_totals_recompute_shares_from_sums(demo_tables, year):
    sites = relocation.sites(demo_tables["households"], demo_tables["villages"], demo_tables["townships"], year,
                             MIN_MONTHS)
    total = relocation.totals(sites)
    assert total["employed_share"] == pytest.approx(total["employed"] / total["with_labour"] * 100)


def test_jobless_list_is_exactly_labour_without_enough_work(demo_tables, year):
    h = demo_tables["households"]
    listed = relocation.jobless(h, demo_tables["villages"], demo_tables["townships"], year, MIN_MONTHS)
    now = h[(h["year"] == year) & h["relocated"].astype(bool)]
    expected = now[(now["labor_count"] > 0) & (now["migrant_work_months"] < MIN_MONTHS)]
    assert set(listed["household_id"]) == set(expected["household_id"])
    assert list(listed["migrant_work_months"]) == sorted(listed["migrant_work_months"])
    # a higher threshold can only add households
    more = relocation.jobless(h, demo_tables["villages"], demo_tables["townships"], year, MIN_MONTHS + 3)
    assert set(listed["household_id"]) <= set(more["household_id"]) and len(more) > len(listed)


def test_income_trend_weights_by_people():
    rows = pd.DataFrame({
        "year": [2024, 2024, 2024], "household_id": ["a", "b", "c"], "relocated": [True, True, False],
        "household_size": [1, 3, 2], "per_capita_net_income": [10000.0, 6000.0, 20000.0],
        "labor_count": [1, 1, 0], "migrant_work_months": [6.0, 0.0, 0.0],
    })
    lines = pd.DataFrame({"year": [2024], "threshold_yuan": [7600.0]})
    everyone = pd.DataFrame({"year": [2024], "income_total": [10000 + 3 * 6000 + 2 * 20000.0], "people": [6]})
    out = relocation.income_trend(rows, everyone, lines, MIN_MONTHS).set_index("year").loc[2024]
    assert out["relocated_income"] == pytest.approx((10000 + 3 * 6000) / 4)
    assert out["all_income"] == pytest.approx((10000 + 3 * 6000 + 2 * 20000) / 6)
    assert out["employed_share"] == pytest.approx(50.0) and out["jobless"] == 1 and out["line"] == 7600


def test_income_trend_from_relocated_rows_agrees_with_every_household(demo_tables):
    """The page reads only relocated rows; the all-household income from village_year must be
    what every household row gives."""
    h, lines = demo_tables["households"], demo_tables["monitoring_lines"]
    out = relocation.income_trend(h[h["relocated"]], aggregates.village_year(h, lines), lines, MIN_MONTHS)
    income = (h["per_capita_net_income"] * h["household_size"]).groupby(h["year"]).sum()
    expected = income / h.groupby("year")["household_size"].sum()
    assert out.set_index("year")["all_income"].to_numpy() == pytest.approx(expected.to_numpy())
    moved = h[h["relocated"]]
    moved_income = (moved["per_capita_net_income"] * moved["household_size"]).groupby(moved["year"]).sum()
    assert out.set_index("year")["relocated_income"].to_numpy() == pytest.approx(
        (moved_income / moved.groupby("year")["household_size"].sum()).to_numpy())
