"""资金项目: the pool, progress and industry share add up, assets follow completion, and the
inspection flags catch exactly the lagging and out-of-scale projects."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data.funds import IndustryRule
from analytics.views import projects

SCHEDULE = [0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.65, 0.7, 0.8, 0.9, 1.0, 1.0]
SEVERITY = projects.Severity(lag_points=(10, 25, 40), scale_ratios=(2.5, 4))


@pytest.fixture(scope="module")
def pool(demo_tables) -> pd.DataFrame:
    return projects.with_places(demo_tables["projects"], demo_tables["villages"], demo_tables["townships"])


def test_places_and_paid_share(pool, demo_tables):
    assert pool["township_name"].notna().all()
    township_wide = pool["village_code"].str.len() == 9
    assert township_wide.any() and (pool.loc[township_wide, "village_name"] == "(全乡镇)").all()
    row = pool[pool["funds_wan"] > 0].iloc[0]
    assert row["paid_share"] == pytest.approx(row["disbursed_wan"] / row["funds_wan"] * 100)


def test_library_sums_to_the_pool(pool):
    year = int(pool["year"].max()) - 1
    now = pool[pool["year"] == year]
    funds = projects.library(now)
    assert funds["合计"].sum() == pytest.approx(now["funds_wan"].sum())
    counts = projects.library(now, "count")
    assert counts["合计"].sum() == len(now)
    assert "储备" not in funds.columns or funds["储备"].sum() > 0  # an all-zero status is dropped


def test_progress_leaves_reserve_out_and_sums(pool):
    by_town = projects.progress(pool, "township_name")
    active = pool[pool["status"] != "储备"]
    assert by_town["funds_wan"].sum() == pytest.approx(active["funds_wan"].sum())
    assert list(by_town["paid_share"]) == sorted(by_town["paid_share"])


def test_industry_share_per_year_counts_central_funds_only(pool):
    rule = IndustryRule(("中央衔接资金",), ("产业发展",), 0.55, 0.60)
    shares = projects.industry_share(pool, rule).set_index("year")
    year = int(pool["year"].min())
    now = pool[pool["year"] == year]
    central = now[now["fund_source"] == "中央衔接资金"]
    expected = central.loc[central["category"] == "产业发展", "funds_wan"].sum() / central["funds_wan"].sum()
    assert len(central) < len(now)  # the demo county has other sources, left out of the share
    assert shares.loc[year, "share"] == pytest.approx(expected)
    assert shares.loc[year, "other_sources_wan"] == pytest.approx(now["funds_wan"].sum() - central["funds_wan"].sum())
    assert shares.loc[year, "meets_rule"] == (expected >= 0.55)
    assert shares.loc[year, "meets_target"] == (expected >= 0.60)


def test_assets_come_from_completed_asset_forming_projects(pool):
    assets = projects.assets(pool)
    done = pool[(pool["status"] == "已完工") & (pool["category"].map(projects.ASSET_CLASSES) != projects.NO_ASSET)]
    assert assets["funds_wan"].sum() == pytest.approx(done["funds_wan"].sum())
    assert projects.NO_ASSET not in set(assets["asset_class"])


def test_expected_share_follows_the_calendar():
    assert projects.expected_share(2025, (2025, 6), SCHEDULE) == 0.6
    assert projects.expected_share(2024, (2025, 1), SCHEDULE) == 1.0  # a past year's project is due in full
    assert projects.expected_share(2026, (2025, 12), SCHEDULE) == 0.0


def _project(pid, year, code, funds, paid, status, category="产业发展"):
    return {"project_id": pid, "year": year, "village_code": code, "funds_wan": funds, "disbursed_wan": paid,
            "status": status, "category": category, "project_name": pid}


def test_flags_lag_and_scale():
    rows = pd.DataFrame([
        # a village that usually gets 10 a year, then one project of 40 in 2025
        _project("a1", 2022, "990000000001", 10, 10, "已完工"),
        _project("a2", 2023, "990000000001", 12, 12, "已完工"),
        _project("a3", 2024, "990000000001", 8, 8, "已完工"),
        _project("big", 2025, "990000000001", 40, 40, "已完工"),
        # under way in 2025: paid 50% when 80% is due by September, and one on schedule
        _project("slow", 2025, "990000000002", 10, 5, "实施中"),
        _project("ok", 2025, "990000000003", 10, 9, "实施中"),
        _project("reserve", 2026, "990000000003", 10, 0, "储备"),
    ])
    flagged = projects.flags(rows[rows["year"] >= 2025], (2025, 9), SCHEDULE, 1.5, SEVERITY, history=rows).set_index(
        "project_id")
    assert set(flagged.index) == {"big", "slow"}
    assert flagged.loc["big", "flag"] == projects.SCALE
    assert flagged.loc["big", "usual_wan"] == pytest.approx(10.0)  # median of 10, 12, 8
    assert flagged.loc["big", "excess_wan"] == pytest.approx(30.0)
    assert flagged.loc["slow", "flag"] == projects.LAG
    assert flagged.loc["slow", "gap"] == pytest.approx(30.0)
    assert flagged.loc["slow", "shortfall_wan"] == pytest.approx(3.0)
    assert flagged.loc["big", "severity"] == "严重" and flagged.loc["slow", "severity"] == "较重"  # 4.0x; 30 points
    assert list(flagged.index) == ["big", "slow"]  # most severe first


def test_flagged_projects_rank_by_severity_then_amount_and_a_small_lag_is_not_flagged():
    # September: 80% due. Gaps of 9.9 (tolerated), 10 (一般), 25 (较重), 40 (严重) points, on funds that make the
    # smallest severe shortfall (1 万元) far below the minor one (100 万元): severity comes first.
    rows = pd.DataFrame([
        _project("tolerated", 2025, "990000000001", 1000, 701, "实施中"),
        _project("minor", 2025, "990000000002", 1000, 700, "实施中"),
        _project("moderate", 2025, "990000000003", 10, 5.5, "实施中"),
        _project("severe", 2025, "990000000004", 2.5, 1, "实施中"),
        _project("done", 2025, "990000000005", 10, 1, "已完工"),  # completed: not a disbursement lag
    ])
    flagged = projects.flags(rows, (2025, 9), SCHEDULE, 1.5, SEVERITY)
    assert list(flagged["project_id"]) == ["severe", "moderate", "minor"]
    assert list(flagged["severity"]) == ["严重", "较重", "一般"]
    assert list(flagged["gap"]) == [40.0, 25.0, 10.0]


def test_scale_severity_steps_up_at_its_ratios():
    history = [_project(f"h{y}", y, "990000000001", 10, 10, "已完工") for y in (2022, 2023, 2024)]
    for funds, level in ((15.1, "一般"), (25, "较重"), (39.9, "较重"), (40, "严重")):
        rows = pd.DataFrame([*history, _project("p", 2025, "990000000001", funds, funds, "已完工")])
        flagged = projects.flags(rows[rows["year"] == 2025], (2025, 12), SCHEDULE, 1.5, SEVERITY, history=rows)
        assert list(flagged["severity"]) == [level], funds
    rows = pd.DataFrame([*history, _project("p", 2025, "990000000001", 15, 15, "已完工")])  # exactly 1.5x: not above
    assert projects.flags(rows[rows["year"] == 2025], (2025, 12), SCHEDULE, 1.5, SEVERITY, history=rows).empty


def test_paid_share_reads_against_the_schedule_line_of_the_month():
    # June: 60% due. 81% paid is ahead of the line, not red; 55% is within 10 points; 49.9% is well behind.
    progress = pd.DataFrame({"paid_share": [81.0, 60.0, 55.0, 50.1, 49.9]})
    expected = projects.expected_share(2025, (2025, 6), SCHEDULE) * 100
    status = projects.schedule_status(progress, expected, 10)
    assert list(status) == [projects.ON_SCHEDULE, projects.ON_SCHEDULE, projects.NEAR_SCHEDULE,
                            projects.NEAR_SCHEDULE, projects.BEHIND_SCHEDULE]
    december = projects.schedule_status(progress, projects.expected_share(2025, (2025, 12), SCHEDULE) * 100, 10)
    assert december.iloc[0] == projects.BEHIND_SCHEDULE  # 81% at the year's end is 19 points short of 100%


def test_usual_scale_needs_two_other_years():
    rows = pd.DataFrame([_project("x", 2024, "v", 5, 5, "已完工"), _project("y", 2025, "v", 50, 50, "已完工")])
    assert projects.usual_scale(rows)["usual_wan"].isna().all()
    assert projects.flags(rows, (2025, 12), SCHEDULE, 1.5, SEVERITY).empty
