"""户数与人数: the aggregates count people next to households, and the KPIs and the briefing
give both ("1,234户3,456人"), checked against the household rows."""

from __future__ import annotations

from analytics.data.funds import IndustryRule
from analytics.views import overview


def test_people_of_each_count_match_the_households(demo_store):
    h = demo_store.table("households")
    year = int(h["year"].max())
    now = h[h["year"] == year]
    k = overview.kpis(demo_store.table("village_year"), demo_store.table("projects"), year,
                      IndustryRule.from_settings())
    monitored = now["monitoring_category"].notna()
    unresolved = monitored & ~now["risk_eliminated"].eq(True)
    gap = ~(now["housing_safe"] & now["drinking_water_safe"] & now["compulsory_education_ok"]
            & now["medical_insured_all"])
    size = now["household_size"]
    assert (k.households, k.people) == (len(now), size.sum())
    assert (k.poor_households, k.poor_people) == ((now["household_type"] == "脱贫户").sum(),
                                                  size[now["household_type"] == "脱贫户"].sum())
    assert (k.monitored, k.monitored_people) == (monitored.sum(), size[monitored].sum())
    assert k.monitored_unresolved_people == size[unresolved].sum()
    assert (k.guarantee_problem, k.guarantee_problem_people) == (gap.sum(), size[gap].sum())
    assert overview.households_people(1234, 3456) == "1,234户3,456人"


def test_the_briefing_gives_households_and_people(demo_store, demo_tables):
    from analytics.reports import briefing
    from tests.test_briefing import _inputs

    inputs = _inputs(demo_store, demo_tables, with_scores=False)
    k = overview.kpis(demo_store.table("village_year"), demo_tables["projects"], inputs.year, inputs.rule)
    page = briefing.build(inputs)
    assert f"共有农户 {overview.households_people(k.households, k.people)}" in page
    assert overview.households_people(k.monitored, k.monitored_people) in page
