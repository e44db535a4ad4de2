"""The response model finds the fund effects built into the demo county, with honest intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.data import aggregates, indicators
from analytics.data.contract import PROJECT_CATEGORIES
from analytics.demo import county as demo
from analytics.planning import response
from analytics.risk.features import LabelSpec

HOUSEHOLDS = 30_000  # enough households per village for household-derived outcomes
SEED = 7


@pytest.fixture(scope="module")
def county() -> dict[str, pd.DataFrame]:
    tables = demo.generate(HOUSEHOLDS, SEED)
    derived = aggregates.derive(tables)
    tables["indicator_values"] = indicators.values(tables["village_indicators"], derived["derived_indicators"])
    return tables


@pytest.fixture(scope="module")
def x(county) -> pd.DataFrame:
    return response.intensity_panel(county["projects"], county["villages"])


def _fit(panel: pd.DataFrame, x: pd.DataFrame, villages: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    return response.ResponseModel(level=level).fit(panel, x, villages).effects_.set_index(["outcome", "category"])


def _simulated(county) -> pd.DataFrame:
    values = county["indicator_values"].rename(columns={"indicator_code": "outcome"})
    return values[values["outcome"].isin(list(demo._SIMULATED))]


TRUE = {(indicator, category): beta for category, effects in demo.TRUE_EFFECTS.items()
        for indicator, beta in effects.items()}


@pytest.mark.slow
def test_every_built_in_indicator_effect_lies_in_its_interval(county, x):
    effects = _fit(_simulated(county), x, county["villages"], level=0.99)
    for (indicator, category), beta in TRUE.items():
        row = effects.loc[(indicator, category)]
        assert row["source"] == response.ESTIMATED
        assert row["low"] <= beta <= row["high"], (indicator, category, beta, row["low"], row["high"])


@pytest.mark.slow
def test_intervals_cover_the_truth_at_about_their_level(county, x):
    """Over all 8 categories x 18 simulated indicators (most true effects are zero), 95%
    intervals must contain the truth about 95% of the time; a model that ignored the
    clustering of villages or the lag would cover far less."""
    effects = _fit(_simulated(county), x, county["villages"]).reset_index()
    truth = np.array([TRUE.get((o, c), 0.0) for o, c in zip(effects["outcome"], effects["category"])])
    covered = (effects["low"] <= truth) & (truth <= effects["high"])
    assert len(effects) == 8 * len(demo._SIMULATED)
    assert covered.mean() >= 0.88
    # and informative where funds vary a lot: the large effects of the two biggest categories
    # exclude zero (公共服务 and 乡村治理 funds are small and rare, so theirs are wide)
    big = effects[[TRUE.get((o, c), 0.0) >= 3 and c in ("产业发展", "乡村建设")
                   for o, c in zip(effects["outcome"], effects["category"])]]
    assert len(big) == 5 and (big["low"] > 0).all()


def _business_effect(tables: dict[str, pd.DataFrame]) -> pd.Series:
    values = tables["indicator_values"]
    business = values[values["indicator_code"] == "IND04"]
    panel = pd.DataFrame({"village_code": business["village_code"], "year": business["year"],
                          "outcome": "log_business", "value": np.log(business["value"])})
    x = response.intensity_panel(tables["projects"], tables["villages"])
    return _fit(panel, x, tables["villages"], level=0.99).loc[("log_business", "产业发展")]


@pytest.mark.slow
def test_business_income_effect_is_recovered(county):
    """产业发展 funds raise business income by BUSINESS_EFFECT per unit x, a one-year effect:
    on log business income per household it is a fading effect, which the lag term handles.

    One county is one draw (seed 7 alone puts the truth just above its 99% interval), so five
    counties are fitted: their 99% intervals must hold the truth in at least four (at 99%
    coverage that fails once in a thousand), and every one must find a positive effect."""
    rows = [_business_effect(county)]
    for seed in range(SEED + 1, SEED + 5):
        tables = demo.generate(HOUSEHOLDS, seed)
        derived = aggregates.derive(tables)
        tables["indicator_values"] = indicators.values(tables["village_indicators"], derived["derived_indicators"])
        rows.append(_business_effect(tables))
    covered = [row["low"] <= demo.BUSINESS_EFFECT <= row["high"] for row in rows]
    assert sum(covered) >= 4, [(row["low"], row["high"]) for row in rows]
    assert all(row["low"] > 0 for row in rows)


@pytest.mark.slow
def test_employment_effect_on_migrant_work_is_recovered(county, x):
    """就业帮扶 funds raise each labourer's target migrant months by WORK_EFFECT per unit x;
    the demo moves months 40% of the way to the target each year, so next year's effect is
    0.4 x WORK_EFFECT."""
    h = county["households"]
    g = h.groupby(["village_code", "year"])
    months = (g["migrant_work_months"].sum() / g["labor_count"].sum()).rename("value").reset_index()
    row = _fit(months.assign(outcome="months"), x, county["villages"]).loc[("months", "就业帮扶")]
    assert row["low"] <= 0.4 * demo.WORK_EFFECT <= row["high"]
    assert row["low"] > 0


def test_relapse_rates_follow_the_risk_label():
    """Two households, two years: one falls below the line, one was already monitored."""
    h = pd.DataFrame({
        "household_id": ["a", "b", "c", "a", "b", "c"],
        "year": [2024, 2024, 2024, 2025, 2025, 2025],
        "village_code": ["990121100201"] * 6,
        "per_capita_net_income": [9000.0, 5000.0, 9000.0, 7000.0, 5000.0, 9000.0],
        "monitoring_category": [None, "脱贫不稳定户", None, None, "脱贫不稳定户", "边缘易致贫户"],
        "risk_eliminated": [None, False, None, None, False, False],
        "monitoring_start": [None, "202403", None, None, "202403", "202506"],
    })
    lines = pd.DataFrame({"year": [2024, 2025], "threshold_yuan": [7600.0, 8000.0]})
    rates = response.relapse_rates(h, lines, LabelSpec(line_ratio=1.0, count_identified=True)).set_index("year")
    # eligible in 2025: a and c (b is under unresolved monitoring); a is below the line, c identified
    assert rates.loc[2025, "eligible"] == 2 and rates.loc[2025, "relapsed"] == 2
    only_income = response.relapse_rates(h, lines, LabelSpec(line_ratio=1.0, count_identified=False)).set_index("year")
    assert only_income.loc[2025, "relapsed"] == 1 and only_income.loc[2025, "value"] == pytest.approx(50.0)


@pytest.mark.slow
def test_a_category_never_funded_is_assumed_zero_not_estimated(county, x):
    never = x.assign(其他=0.0)
    effects = _fit(_simulated(county), never, county["villages"])
    row = effects.loc[("ECO01", "其他")]
    assert row["source"] == response.ASSUMED and row["estimate"] == 0.0 and "无法估计" in row["note"]


@pytest.mark.slow
def test_override_replaces_the_estimate_and_is_marked_assumed(county, x):
    model = response.ResponseModel().fit(_simulated(county), x, county["villages"])
    plain = response.Effects(model)
    changed = response.Effects(model, [response.Override("ECO01", "乡村建设", 2.0, 1.0, 3.0)])
    row = changed.table.set_index(["outcome", "category"]).loc[("ECO01", "乡村建设")]
    assert row["source"] == response.ASSUMED and row["estimate"] == 2.0
    weights = {"ECO01": np.eye(len(PROJECT_CATEGORIES))[PROJECT_CATEGORIES.index("乡村建设")]}
    estimate, low, high = changed.combine(weights)
    assert estimate == pytest.approx(2.0) and low == pytest.approx(1.0) and high == pytest.approx(3.0)
    assert changed.assumed_terms(weights) == ["乡村建设→卫生厕所普及率"]
    assert plain.assumed_terms(weights) == []
    assert plain.combine(weights, raw=True)[0] == pytest.approx(model.effects_.set_index(["outcome", "category"])
                                                     .loc[("ECO01", "乡村建设"), "estimate"])


@pytest.mark.slow
def test_override_with_an_unknown_outcome_is_refused_in_chinese(county, x):
    model = response.ResponseModel().fit(_simulated(county), x, county["villages"])
    with pytest.raises(ValueError, match="无法设定效果"):
        response.Effects(model, [response.Override("NOPE", "乡村建设", 1.0)])


@pytest.mark.slow
def test_combined_interval_matches_the_sandwich_of_one_coefficient(county, x):
    """A single coefficient through `combine` gets exactly its own interval."""
    model = response.ResponseModel().fit(_simulated(county), x, county["villages"])
    effects = response.Effects(model)
    row = model.effects_.set_index(["outcome", "category"]).loc[("IND03", "产业发展")]
    estimate, low, high = effects.combine({"IND03": np.eye(8)[0]}, raw=True)
    assert (estimate, low, high) == pytest.approx((row["estimate"], row["low"], row["high"]))


def _effects_rows(estimates: list[float], se: list[float], source: str = response.ESTIMATED) -> pd.DataFrame:
    rows = pd.DataFrame({"outcome": "Y", "category": [f"c{i}" for i in range(len(estimates))],
                         "estimate": estimates, "se": se, "source": source})
    return rows.assign(low=rows["estimate"] - 2 * rows["se"], high=rows["estimate"] + 2 * rows["se"])


def test_estimates_that_spread_no_more_than_their_noise_shrink_to_zero():
    """τ² = mean(b² - se²) = mean(1 - 1, 0.25 - 1) < 0 → 0: every effect is 0, intervals keep their width."""
    out = response.shrink(_effects_rows([1.0, -0.5], [1.0, 1.0]))
    assert out["estimate"].tolist() == [0.0, 0.0] and out["shrink_factor"].tolist() == [0.0, 0.0]
    assert out["low"].tolist() == [-2.0, -2.0] and out["high"].tolist() == [2.0, 2.0]
    assert out["raw_estimate"].tolist() == [1.0, -0.5]


def test_a_clear_effect_is_shrunk_less_than_a_noisy_one():
    """b = (4, 4), se = (1, 3): τ² = mean(16 - 1, 16 - 9) = 11; factors 11/12 and 11/20."""
    out = response.shrink(_effects_rows([4.0, 4.0], [1.0, 3.0]))
    assert out["shrink_factor"].tolist() == pytest.approx([11 / 12, 11 / 20])
    assert out["estimate"].tolist() == pytest.approx([4 * 11 / 12, 4 * 11 / 20])
    assert out["high"].tolist() == pytest.approx([4 * 11 / 12 + 2, 4 * 11 / 20 + 6])


def test_assumed_effects_are_not_shrunk():
    out = response.shrink(_effects_rows([0.7], [0.0], source=response.ASSUMED))
    assert out["estimate"].tolist() == [0.7] and out["shrink_factor"].tolist() == [1.0]
