"""两不愁三保障 dynamic zero: counts agree with the household rows, the flow adds up, and the
list to resolve holds exactly the households with a gap, longest-standing first."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data import aggregates
from analytics.data.contract import GUARANTEE_COLUMNS
from analytics.views import guarantees


@pytest.fixture(scope="module")
def vy(demo_tables):
    return aggregates.village_year(demo_tables["households"], demo_tables["monitoring_lines"])


def _gap(frame: pd.DataFrame) -> pd.Series:
    return pd.concat([~frame[c].astype(bool) for c in GUARANTEE_COLUMNS], axis=1).any(axis=1)


def test_counts_by_type_match_the_household_rows(demo_tables, vy):
    h = demo_tables["households"]
    year = int(h["year"].max())
    now = h[h["year"] == year]
    counts = guarantees.by_type(vy, year)
    for c in GUARANTEE_COLUMNS:
        assert counts[c] == int((~now[c].astype(bool)).sum())
    assert counts[guarantees.ANY] == int(_gap(now).sum())
    assert counts[guarantees.ANY] > 0


def test_by_township_adds_up_to_the_county(demo_tables, vy):
    year = int(demo_tables["households"]["year"].max())
    area = guarantees.by_area(vy, demo_tables["villages"], demo_tables["townships"], year)
    assert area[guarantees.ANY].sum() == guarantees.by_type(vy, year)[guarantees.ANY]
    assert list(area[guarantees.ANY]) == sorted(area[guarantees.ANY], reverse=True)
    by_village = guarantees.by_area(vy, demo_tables["villages"], demo_tables["townships"], year, "village")
    assert by_village[guarantees.ANY].sum() == area[guarantees.ANY].sum()


def test_flow_new_plus_carried_is_this_years_count(demo_tables, vy):
    flow = guarantees.flow(demo_tables["households"]).set_index("year")
    trend = guarantees.trend(vy).set_index("year")
    assert (flow["new"] + flow["carried"] == trend[guarantees.ANY]).all()
    first = flow.index.min()
    assert flow.loc[first, "carried"] == 0 and flow.loc[first, "resolved"] == 0
    # resolved = last year's gap households without a gap now: last year's count = carried + resolved here
    # (every household is present each year in the demo county)
    for year in flow.index[1:]:
        assert trend.loc[year - 1, guarantees.ANY] == flow.loc[year, "carried"] + flow.loc[year, "resolved"]


def test_years_in_a_row_counts_only_consecutive_years():
    rows = []
    for hid, gap_years in (("a", {2021, 2022, 2023}), ("b", {2021, 2023}), ("c", {2023})):
        for year in (2021, 2022, 2023):
            ok = year not in gap_years
            rows.append({"household_id": hid, "year": year, **{c: True for c in GUARANTEE_COLUMNS},
                         "housing_safe": ok})
    runs = guarantees.years_in_a_row(pd.DataFrame(rows), 2023)
    assert runs.to_dict() == {"a": 3, "b": 1, "c": 1}


def test_list_to_resolve_is_every_gap_household_longest_first(demo_tables):
    h = demo_tables["households"]
    year = int(h["year"].max())
    listed = guarantees.to_resolve(h, demo_tables["villages"], demo_tables["townships"], year)
    now = h[h["year"] == year]
    assert set(listed["household_id"]) == set(now.loc[_gap(now), "household_id"])
    assert list(listed["years_in_a_row"]) == sorted(listed["years_in_a_row"], reverse=True)
    assert listed["gaps"].str.len().gt(0).all()
    assert listed["village_code"].notna().all()  # exports need a location to scope the rows
    one = listed.iloc[0]
    row = now.set_index("household_id").loc[one["household_id"]]
    expected = [guarantees.GAP_LABELS[c] for c in GUARANTEE_COLUMNS if not row[c]]
    assert one["gaps"] == "、".join(expected) and one["gap_count"] == len(expected)


def test_gap_rows_read_from_the_store_give_the_same_flow_and_list(demo_tables, demo_store):
    """The page reads only gap rows (and the households that ever had a gap), not every row:
    flow and to_resolve must come out exactly as from the whole table."""
    h = demo_tables["households"]
    year, years = int(h["year"].max()), sorted(int(y) for y in h["year"].unique())
    ever = demo_store.rows("households", columns=["household_id"], where=guarantees.gap_filter())["household_id"]
    rows = demo_store.rows("households", columns=["household_id", "year", *GUARANTEE_COLUMNS],
                           where=(("household_id", "in", list(ever.unique())),))
    assert len(rows) < len(h)
    pd.testing.assert_frame_equal(guarantees.flow(rows, years), guarantees.flow(h))
    gap_rows = demo_store.rows("households", where=guarantees.gap_filter(year))
    assert len(gap_rows) < len(h[h["year"] <= year]) / 2
    v, t = demo_tables["villages"], demo_tables["townships"]
    pd.testing.assert_frame_equal(guarantees.to_resolve(gap_rows, v, t, year), guarantees.to_resolve(h, v, t, year),
                                  check_dtype=False)
