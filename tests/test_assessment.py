"""乡镇考核: weights are normalised and checked, each component is the documented rate, the
points add up to the total, and one township's result does not depend on another's data."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data import checks
from analytics.data.funds import IndustryRule
from analytics.views import assessment

EQUAL = {c: 1.0 for c in assessment.COMPONENTS}
RULE = IndustryRule(("中央衔接资金",), ("产业发展",), 0.55, 0.60)
CONFIG = checks.Config(6, (("因病", ("健康帮扶",)),))


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
    coverage = assessment.identification(t["households"], t["monitoring_lines"], year)
    elimination = assessment.eliminations(t["households"], t["monitoring_lines"], year, CONFIG)
    scores = pd.DataFrame({"village_code": t["villages"]["village_code"], "year": year,
                           "overall": [i * 100 / len(t["villages"]) for i in range(len(t["villages"]))]})
    return year, assessment.components(year, t["villages"], t["townships"], coverage, elimination, t["projects"],
                                       RULE, scores, 1.0)


def test_components_are_the_documented_rates(demo_tables, table):
    year, comp = table
    t = demo_tables
    town = comp.iloc[0]
    codes = t["villages"].loc[t["villages"]["township_code"] == town["township_code"], "village_code"]
    h = t["households"]
    now = h[(h["year"] == year) & h["village_code"].isin(codes)]
    monitored = now["monitoring_category"].notna()
    eliminated = now["risk_eliminated"].fillna(False).astype(bool)
    line = t["monitoring_lines"].set_index("year")["threshold_yuan"][year]
    no_labour = (now["labor_count"] == 0) & (now["dibao"] | now["tekun"])
    months = now["risk_eliminated_at"].astype(float) // 100 * 12 + now["risk_eliminated_at"].astype(float) % 100 \
        - (now["monitoring_start"].astype(float) // 100 * 12 + now["monitoring_start"].astype(float) % 100)
    gap = ~(now["housing_safe"] & now["drinking_water_safe"] & now["compulsory_education_ok"]
            & now["medical_insured_all"])
    flagged = monitored & eliminated & ((months < 6) | (now["per_capita_net_income"] < line) | gap | no_labour)
    base = monitored & ~no_labour
    genuine = monitored & eliminated & base & ~flagged
    expected = max(genuine.sum() / base.sum() * 100 - flagged.sum() * 1.0, 0.0)
    assert town["elimination"] == pytest.approx(expected)
    below = now["per_capita_net_income"] < line
    assert town["identification"] == pytest.approx((below & monitored & ~eliminated).sum() / below.sum() * 100)
    p = t["projects"]
    p = p[(p["year"] == year) & (p["status"] != "储备") & (p["village_code"].str[:9] == town["township_code"])]
    assert town["execution"] == pytest.approx(p["disbursed_wan"].sum() / p["funds_wan"].sum() * 100)
    central = p[p["fund_source"] == "中央衔接资金"]
    share = central.loc[central["category"] == "产业发展", "funds_wan"].sum() / central["funds_wan"].sum()
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


# --- an elimination rate that cannot be gamed, on hand-made rows ----------------------------------
TOWN, VILLAGE = "990121100", "990121100001"
LINE = pd.DataFrame({"year": [2025], "threshold_yuan": [8000.0]})


def _household(hid: str, **changes: object) -> dict:
    """A monitored household, eliminated genuinely (after 12 months, above the line, no gap)."""
    row = {"year": 2025, "household_id": hid, "village_code": VILLAGE, "head_name": "张三", "head_id_number": "",
           "monitoring_category": "边缘易致贫户", "monitoring_start": "202401", "risk_eliminated": True,
           "risk_eliminated_at": "202501", "risk_types": "因病", "per_capita_net_income": 9000.0, "labor_count": 2,
           "dibao": False, "tekun": False, "assistance_measures": "健康帮扶", "household_size": 3,
           "housing_safe": True, "drinking_water_safe": True, "compulsory_education_ok": True,
           "medical_insured_all": True}
    row.update(changes)
    return row


def _elimination(*rows: dict, deduction: float = 1.0) -> pd.Series:
    households = pd.DataFrame(list(rows))
    households["risk_eliminated"] = households["risk_eliminated"].astype("boolean")
    villages = pd.DataFrame({"village_code": [VILLAGE], "township_code": [TOWN]})
    townships = pd.DataFrame({"township_code": [TOWN], "township_name": ["城关镇"]})
    projects = pd.DataFrame(columns=["year", "status", "village_code", "funds_wan", "disbursed_wan", "category",
                                     "fund_source"])
    table = assessment.components(2025, villages, townships, assessment.identification(households, LINE, 2025),
                                  assessment.eliminations(households, LINE, 2025, CONFIG), projects, RULE, None,
                                  deduction)
    return table.iloc[0]


def test_only_genuine_eliminations_count_and_each_flagged_one_deducts():
    open_case = _household("open", risk_eliminated=False, risk_eliminated_at=None)
    honest = _elimination(_household("a"), open_case)
    assert honest["elimination"] == pytest.approx(50.0) and honest["flagged"] == 0
    early = _household("b", monitoring_start="202408", risk_eliminated_at="202501")  # 5 months
    six = _household("c", monitoring_start="202407", risk_eliminated_at="202501")  # 6 months: genuine
    row = _elimination(_household("a"), open_case, early, six)
    assert row["genuine"] == 2 and row["base"] == 4 and row["flagged"] == 1 and row["flag_early_elimination"] == 1
    assert row["elimination"] == pytest.approx(2 / 4 * 100 - 1.0)
    # marking the open case eliminated on paper, with income below the line, lowers the result
    paper = _household("open", per_capita_net_income=7999.0)
    gamed = _elimination(_household("a"), paper)
    assert gamed["elimination"] == pytest.approx(50.0 - 1.0) and gamed["elimination"] < honest["elimination"]
    at_line = _elimination(_household("a"), _household("open", per_capita_net_income=8000.0))
    assert at_line["elimination"] == pytest.approx(100.0)  # equal to the line is not below it
    assert _elimination(_household("a"), open_case, early, deduction=80.0)["elimination"] == 0.0  # floor 0


def test_social_protection_households_without_labour_leave_the_denominator():
    doubao = _household("d", labor_count=0, dibao=True, risk_eliminated=False, risk_eliminated_at=None)
    row = _elimination(_household("a"), doubao)
    assert row["base"] == 1 and row["monitored"] == 2 and row["elimination"] == pytest.approx(100.0)
    marked = _elimination(_household("a"), _household("d", labor_count=0, tekun=True))
    assert marked["flag_eliminated_without_labour"] == 1 and marked["elimination"] == pytest.approx(99.0)


def test_the_breakdown_lists_each_deduction_and_counts_a_household_once():
    twice = _household("b", monitoring_start="202408", per_capita_net_income=100.0)  # early and below the line
    row = _elimination(_household("a"), twice, deduction=2.0)
    table = assessment.deductions(row, 2.0).set_index("rule")
    assert table.loc["early_elimination", "households"] == 1 and table.loc["eliminated_below_line", "households"] == 1
    assert table.loc["total", "households"] == 1 and table.loc["total", "points"] == 2.0
    assert row["elimination"] == pytest.approx(50.0 - 2.0)
