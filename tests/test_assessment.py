"""乡镇考核: weights are normalised and checked, each component is the documented rate, the
points add up to the total, and one township's result does not depend on another's data."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data import aggregates
from analytics.views import assessment

EQUAL = {c: 1.0 for c in assessment.COMPONENTS}


def test_weights_are_normalised_and_bad_weights_refused():
    w = assessment.weights({"scores": 3, "elimination": 1, "identification": 1, "execution": 0, "industry": 0})
    assert w["scores"] == pytest.approx(0.6) and sum(w.values()) == pytest.approx(1.0)
    with pytest.raises(assessment.AssessmentError, match="不能为负数"):
        assessment.weights({**EQUAL, "execution": -1})
    with pytest.raises(assessment.AssessmentError, match="大于 0"):
        assessment.weights({c: 0 for c in assessment.COMPONENTS})
    with pytest.raises(assessment.AssessmentError, match="缺少权重"):
        assessment.weights({"scores": 1})


@pytest.fixture(scope="module")
def table(demo_tables):
    t = demo_tables
    year = int(t["households"]["year"].max())
    vy = aggregates.village_year(t["households"], t["monitoring_lines"])
    coverage = assessment.identification(t["households"], t["monitoring_lines"], year)
    scores = pd.DataFrame({"village_code": t["villages"]["village_code"], "year": year,
                           "overall": [i * 100 / len(t["villages"]) for i in range(len(t["villages"]))]})
    return year, assessment.components(year, t["villages"], t["townships"], vy, coverage, t["projects"], 0.55,
                                       scores)


def test_components_are_the_documented_rates(demo_tables, table):
    year, comp = table
    t = demo_tables
    town = comp.iloc[0]
    codes = t["villages"].loc[t["villages"]["township_code"] == town["township_code"], "village_code"]
    h = t["households"]
    now = h[(h["year"] == year) & h["village_code"].isin(codes)]
    monitored = now["monitoring_category"].notna()
    eliminated = now["risk_eliminated"].fillna(False).astype(bool)
    assert town["elimination"] == pytest.approx((monitored & eliminated).sum() / monitored.sum() * 100)
    line = t["monitoring_lines"].set_index("year")["threshold_yuan"][year]
    below = now["per_capita_net_income"] < line
    assert town["identification"] == pytest.approx((below & monitored & ~eliminated).sum() / below.sum() * 100)
    p = t["projects"]
    p = p[(p["year"] == year) & (p["status"] != "储备") & (p["village_code"].str[:9] == town["township_code"])]
    assert town["execution"] == pytest.approx(p["disbursed_wan"].sum() / p["funds_wan"].sum() * 100)
    share = p.loc[p["category"] == "产业发展", "funds_wan"].sum() / p["funds_wan"].sum()
    assert town["industry"] == pytest.approx(min(share / 0.55, 1.0) * 100)
    n = len(t["villages"])
    village_scores = pd.Series([i * 100 / n for i in range(n)], index=t["villages"]["village_code"])
    assert town["scores"] == pytest.approx(village_scores[codes].mean())


def test_points_add_up_and_rank_follows_total(table):
    _, comp = table
    w = assessment.weights({"scores": 0.3, "elimination": 0.2, "identification": 0.2, "execution": 0.15,
                            "industry": 0.15})
    ranked = assessment.rank(comp, w)
    points = ranked[[f"points_{c}" for c in assessment.COMPONENTS]].sum(axis=1)
    assert (points - ranked["total"]).abs().max() < 1e-9
    assert list(ranked["total"]) == sorted(ranked["total"], reverse=True)
    assert ranked["rank"].iloc[0] == 1 and ranked["total"].max() <= 100


def test_a_township_result_does_not_move_when_another_changes(table):
    _, comp = table
    w = assessment.weights(EQUAL)
    before = assessment.rank(comp, w).set_index("township_code")["total"]
    changed = comp.copy()
    changed.loc[changed.index[-1], "execution"] = 0.0
    after = assessment.rank(changed, w).set_index("township_code")["total"]
    others = before.index.drop(comp["township_code"].iloc[-1])
    assert (before[others] == after[others]).all()


def test_a_missing_component_is_named_not_hidden(table):
    _, comp = table
    gap = comp.copy()
    gap.loc[gap.index[0], "scores"] = float("nan")
    ranked = assessment.rank(gap, assessment.weights(EQUAL)).set_index("township_code")
    assert ranked.loc[gap["township_code"].iloc[0], "incomplete"] == assessment.COMPONENTS["scores"]
