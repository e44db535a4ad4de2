"""Five-dimension scoring: weights against hand and published examples, the properties a
composite score must have (monotone, unit-free), the missing-value policy, ranks, tiers,
robustness and the command line."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.__main__ import main
from analytics.data import indicators
from analytics.data.contract import DIMENSIONS
from analytics.scoring import composite as scoring


@pytest.fixture(scope="module")
def values(demo_store) -> pd.DataFrame:
    return indicators.load_values(demo_store)


@pytest.fixture(scope="module")
def villages(demo_store) -> pd.DataFrame:
    return demo_store.table("villages")


def _catalogue(codes_dims: dict[str, str], lower: tuple[str, ...] = ()) -> pd.DataFrame:
    cat = pd.DataFrame({"dimension": codes_dims, "name_zh": {c: c for c in codes_dims},
                        "target": dict.fromkeys(codes_dims, 100.0)})
    cat["direction"] = ["lower" if c in lower else "higher" for c in cat.index]
    cat["higher_is_better"] = cat["direction"].eq("higher")
    return cat


def _long(wide: dict[str, list[float]], year: int = 2025) -> pd.DataFrame:
    frame = pd.DataFrame(wide)
    frame["village_code"] = [f"V{i}" for i in range(len(frame))]
    frame["year"] = year
    return frame.melt(["village_code", "year"], var_name="indicator_code", value_name="value").dropna()


# --- weights --------------------------------------------------------------------------------
def test_entropy_weights_match_a_hand_computed_example():
    """Three villages, two indicators. A (higher is better) = 10, 20, 30 -> min-max 0, .5, 1
    -> p = 0, 1/3, 2/3 -> e_A = -(1/3 ln 1/3 + 2/3 ln 2/3) / ln 3 = 0.636514 / 1.098612 = 0.579380.
    B (lower is better) = 5, 5, 9 -> reversed min-max 1, 1, 0 -> p = 1/2, 1/2, 0
    -> e_B = ln 2 / ln 3 = 0.630930. d = 1 - e: 0.420620 and 0.369070, sum 0.789690,
    so w_A = 0.532639 and w_B = 0.467361 (worked by hand, to six decimals)."""
    wide = pd.DataFrame({"A": [10.0, 20.0, 30.0], "B": [5.0, 5.0, 9.0]})
    w = scoring.entropy_weights(wide, pd.Series({"A": True, "B": False}))
    assert w["A"] == pytest.approx(0.532639, abs=2e-6)
    assert w["B"] == pytest.approx(0.467361, abs=2e-6)
    assert w["B"] == pytest.approx((1 - 0.630930) / 0.789690, abs=2e-6)


def test_entropy_gives_a_constant_indicator_no_weight():
    wide = pd.DataFrame({"A": [1.0, 2.0, 4.0], "C": [7.0, 7.0, 7.0]})
    w = scoring.entropy_weights(wide, pd.Series({"A": True, "C": True}))
    assert w["C"] == 0 and w["A"] == pytest.approx(1.0)


def test_ahp_reproduces_saatys_published_drinks_example():
    """Saaty, T. L. (2008), "Decision making with the analytic hierarchy process",
    Int. J. Services Sciences 1(1), 83-98, Table 2 "Which drink is consumed more in the US?":
    published priorities coffee .177, wine .019, tea .042, beer .116, sodas .190, milk .129,
    water .327 and consistency ratio C.R. = .022."""
    names = ("coffee", "wine", "tea", "beer", "sodas", "milk", "water")
    matrix = [
        [1, 9, 5, 2, 1, 1, "1/2"],
        ["1/9", 1, "1/3", "1/9", "1/9", "1/9", "1/9"],
        ["1/5", 3, 1, "1/3", "1/4", "1/3", "1/9"],
        ["1/2", 9, 3, 1, "1/2", 1, "1/3"],
        [1, 9, 4, 2, 1, 2, "1/2"],
        [1, 9, 3, 1, "1/2", 1, "1/3"],
        [2, 9, 9, 3, 2, 3, 1],
    ]
    result = scoring.ahp(matrix, labels=names)
    assert round(result.cr, 3) == 0.022
    published = {"coffee": .177, "wine": .019, "tea": .042, "beer": .116, "sodas": .190, "milk": .129, "water": .327}
    for name, weight in published.items():
        assert result.weights[name] == pytest.approx(weight, abs=6e-4), name
    assert result.lambda_max > len(names)


def test_ahp_refuses_an_inconsistent_matrix_in_chinese():
    # A beats B strongly, B beats C strongly, yet C beats A strongly: a cycle.
    cyclic = [[1, 9, "1/9"], ["1/9", 1, 9], [9, "1/9", 1]]
    with pytest.raises(scoring.ScoringError, match="一致性比率 CR = .* ≥ 0.1"):
        scoring.ahp(cyclic, labels=("A", "B", "C"))
    assert scoring.ahp(cyclic, labels=("A", "B", "C"), refuse=False).cr > 0.1


def test_ahp_refuses_a_matrix_that_is_not_reciprocal():
    with pytest.raises(scoring.ScoringError, match="第 1 行第 2 列.*不互反|不互反"):
        scoring.ahp([[1, 3, 1], [3, 1, 1], [1, 1, 1]], labels=("A", "B", "C"))


def test_default_ahp_matrix_in_settings_is_consistent():
    result = scoring.ahp(scoring.parse_matrix(scoring.settings.matrix("scoring.ahp_matrix")))
    assert result.cr < 0.1
    assert result.weights.sum() == pytest.approx(1.0)


def test_custom_weights_by_dimension_are_normalised(values):
    method = scoring.Method("minmax", "custom", (("产业兴旺", 3.0), ("生活富裕", 1.0)))
    fitted = scoring.CompositeScorer(method).fit(values)
    assert fitted.dimension_weights_["产业兴旺"] == pytest.approx(0.75)
    assert fitted.dimension_weights_["生态宜居"] == 0
    assert fitted.weights_.sum() == pytest.approx(1.0)


def test_custom_weights_refuse_mixed_keys(values):
    method = scoring.Method("minmax", "custom", (("产业兴旺", 1.0), ("IND01", 1.0)))
    with pytest.raises(scoring.ScoringError, match="不要混用"):
        scoring.CompositeScorer(method).fit(values)


AHP = scoring.Method.from_settings().ahp_matrix  # the county's judgement matrix, for the AHP weighting


def test_every_weighting_sums_to_one(values):
    for weights in ("equal", "entropy", "ahp"):
        fitted = scoring.CompositeScorer(scoring.Method("minmax", weights, ahp_matrix=AHP)).fit(values)
        assert fitted.weights_.sum() == pytest.approx(1.0), weights
        assert fitted.dimension_weights_.sum() == pytest.approx(1.0), weights
        within = fitted.within_.groupby(fitted.catalogue_["dimension"]).sum()
        assert np.allclose(within, 1.0), weights


# --- properties of the scores ----------------------------------------------------------------
FIXED_WEIGHTS = [scoring.Method(n, w, c, AHP) for n in scoring.NORMALISATIONS
                 for w, c in (("equal", ()), ("ahp", ()), ("custom", (("产业兴旺", 2.0), ("生活富裕", 1.0))))]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_improving_an_indicator_never_lowers_the_village_score(values, data):
    method = data.draw(st.sampled_from(FIXED_WEIGHTS))
    row = data.draw(st.integers(0, len(values) - 1))
    target = values.iloc[row]
    cat = indicators.catalogue()
    better = 1.0 if cat.at[target["indicator_code"], "higher_is_better"] else -1.0
    step = data.draw(st.floats(0.01, 5.0)) * max(abs(target["value"]), 1.0)
    changed = values.copy()
    changed.loc[changed.index[row], "value"] = target["value"] + better * step

    def score(frame: pd.DataFrame) -> pd.Series:
        table = scoring.CompositeScorer(method).fit(frame).transform(frame).set_index(["village_code", "year"])
        return table.loc[(target["village_code"], target["year"])]

    before, after = score(values), score(changed)
    dimension = cat.at[target["indicator_code"], "dimension"]
    assert after[scoring.OVERALL] >= before[scoring.OVERALL] - 1e-9
    assert after[dimension] >= before[dimension] - 1e-9


@pytest.mark.parametrize("weights", ["equal", "entropy"])
def test_changing_an_indicators_unit_leaves_minmax_scores_unchanged(values, weights):
    method = scoring.Method("minmax", weights)
    rescaled = values.copy()
    income = rescaled["indicator_code"] == "LIV01"  # 元 -> 分 (x100)
    rescaled.loc[income, "value"] *= 100
    a = scoring.CompositeScorer(method).fit(values).transform(values)
    b = scoring.CompositeScorer(method).fit(rescaled).transform(rescaled)
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


def test_scores_are_within_0_and_100_for_every_method(values, villages):
    for normalisation in scoring.NORMALISATIONS:
        table = scoring.score_villages(values, villages, scoring.CompositeScorer(scoring.Method(normalisation, "equal")).fit(values),
                                       scoring.Tiers())
        scores = table[[*DIMENSIONS, scoring.OVERALL]]
        assert scores.notna().all().all() and (scores >= 0).all().all() and (scores <= 100).all().all()


@pytest.mark.parametrize("normalisation", list(scoring.NORMALISATIONS))
def test_points_per_unit_give_the_score_gain_of_a_change(values, normalisation):
    """The fund planner's question: how many overall points does +1 unit of an indicator buy?"""
    method = replace(scoring.Method.from_settings(), normalisation=normalisation, weights="ahp")
    fitted = scoring.CompositeScorer(method).fit(values)
    candidates = values[(values["indicator_code"] == "ECO01") & (values["year"] == 2024)]
    scores = fitted.normalise(candidates)["ECO01"]
    inside = scores[(scores > 5) & (scores < 95)].index  # no bound crossed by +1 unit
    row = candidates.set_index(["village_code", "year"]).loc[inside[0]]
    changed = values.copy()
    at = changed.index[(changed["village_code"] == inside[0][0]) & (changed["year"] == 2024)
                       & (changed["indicator_code"] == "ECO01")]
    changed.loc[at, "value"] = row["value"] + 1.0
    before = fitted.transform(values).set_index(["village_code", "year"]).loc[inside[0], scoring.OVERALL]
    after = fitted.transform(changed).set_index(["village_code", "year"]).loc[inside[0], scoring.OVERALL]
    assert after - before == pytest.approx(fitted.points_per_unit_["ECO01"])
    assert fitted.points_per_unit_["LIV05"] < 0  # lower is better: a higher Engel share costs points


def test_normalisations_on_a_small_example():
    cat = _catalogue({"A": "产业兴旺", "B": "产业兴旺", "C": "产业兴旺"}, lower=("B",))
    values = _long({"A": [0.0, 50.0, 100.0], "B": [10.0, 20.0, 30.0], "C": [40.0, 80.0, 120.0]})
    scorer = scoring.CompositeScorer(scoring.Method("minmax", "equal"), catalogue=cat).fit(values)
    minmax = scorer.normalise(values)
    assert list(minmax["A"]) == [0, 50, 100] and list(minmax["B"]) == [100, 50, 0]
    target = scorer.normalise(values, "target")  # targets 100: C reaches it at 100 and is capped
    assert list(target["C"]) == pytest.approx([0, 40 / 60 * 100, 100])
    assert list(target["B"]) == [100, 100, 100]  # lower is better and every value is below its target
    z = scorer.normalise(values, "zscore")
    sd = np.std([0.0, 50.0, 100.0])
    assert list(z["A"]) == pytest.approx([50 - 10 * 50 / sd, 50, 50 + 10 * 50 / sd])


def test_missing_values_follow_the_stated_policy():
    """A dimension is the mean of the indicators a village has while they carry at least half
    of its weight (scoring.min_indicator_share = 0.5); below that it is missing, and so is the
    overall score and the rank."""
    dims = {"A1": "产业兴旺", "A2": "产业兴旺", "A3": "产业兴旺", "A4": "产业兴旺",
            **{f"{d}1": d for d in DIMENSIONS[1:]}}
    cat = _catalogue(dims)
    nan = math.nan
    wide = {"A1": [0.0, 100.0, 50.0], "A2": [0.0, 100.0, nan], "A3": [0.0, 100.0, nan], "A4": [0.0, 100.0, nan],
            **{f"{d}1": [0.0, 100.0, 50.0] for d in DIMENSIONS[1:]}}
    values = _long(wide)
    scorer = scoring.CompositeScorer(scoring.Method("minmax", "equal"), catalogue=cat, min_indicator_share=0.5)
    out = scorer.fit(values).transform(values).set_index("village_code")
    assert out.loc["V2", "产业兴旺"] != out.loc["V2", "产业兴旺"]  # 1 of 4 indicators: missing
    assert pd.isna(out.loc["V2", scoring.OVERALL]) and out.loc["V2", "n_missing"] == 3
    assert out.loc["V2", "生态宜居"] == 50
    wide["A2"][2] = 50.0  # 2 of 4 indicators = half the weight: scored from those two
    values = _long(wide)
    out = scorer.fit(values).transform(values).set_index("village_code")
    assert out.loc["V2", "产业兴旺"] == 50 and out.loc["V2", scoring.OVERALL] == 50
    villages = pd.DataFrame({"village_code": ["V0", "V1", "V2"], "township_code": "T"})
    table = scoring.score_villages(_long({**wide, "A2": [0.0, 100.0, nan]}), villages, scorer, scoring.Tiers())
    assert table.set_index("village_code").loc["V2", "rank"] is pd.NA


def test_constant_indicator_is_named_in_the_notes():
    cat = _catalogue({"A": "产业兴旺", "K": "产业兴旺"})
    values = _long({"A": [1.0, 2.0], "K": [5.0, 5.0]})
    scorer = scoring.CompositeScorer(scoring.Method("minmax", "equal"), catalogue=cat).fit(values)
    assert any("K" in note for note in scorer.notes_)
    assert list(scorer.normalise(values)["K"]) == [50, 50]


def test_score_table_ranks_tiers_and_changes(values, villages):
    table = scoring.score_villages(values, villages, scoring.CompositeScorer().fit(values), scoring.Tiers())
    assert set(table.columns) >= {"village_code", "township_code", "year", *DIMENSIONS, "overall", "rank",
                                  "tier", "change", "rank_change", "n_missing"}
    for year, rows in table.groupby("year"):
        assert sorted(rows["rank"]) == list(range(1, len(villages) + 1)), year
        best = rows.loc[rows["rank"] == 1, "overall"].iloc[0]
        assert best == rows["overall"].max()
        order = rows.sort_values("overall", ascending=False)["rank_产业兴旺"]
        assert order.notna().all()
    one = table[table["village_code"] == villages["village_code"].iloc[0]].sort_values("year")
    assert one["change"].iloc[1:].to_numpy() == pytest.approx(np.diff(one["overall"].to_numpy()))
    assert pd.isna(one["change"].iloc[0])
    cuts = scoring.settings.numbers("scoring.tier_cuts")
    names = scoring.settings.texts("scoring.tier_names")
    assert (table.loc[table["overall"] >= cuts[0], "tier"] == names[0]).all()
    assert (table.loc[table["overall"] < cuts[-1], "tier"] == names[-1]).all()


def test_tier_cut_points_are_configurable():
    scores = pd.Series([95.0, 80.0, 79.9, 10.0, math.nan])
    tiers = scoring.Tiers((80, 50), ("A", "B", "C")).assign(scores)
    assert list(tiers[:4]) == ["A", "A", "B", "C"] and pd.isna(tiers.iloc[4])
    with pytest.raises(scoring.ScoringError, match="分档"):
        scoring.Tiers((50, 80), ("A", "B", "C"))


def test_unknown_method_is_refused_in_chinese():
    with pytest.raises(scoring.ScoringError, match="未知的标准化方法"):
        scoring.Method("rank")
    with pytest.raises(scoring.ScoringError, match="自定义权重为空"):
        scoring.Method("minmax", "custom")


# --- robustness ------------------------------------------------------------------------------
def test_a_dominant_village_has_a_rank_interval_of_one(monkeypatch):
    dims = {f"{d}{i}": d for d in DIMENSIONS for i in (1, 2, 3)}
    rng = np.random.default_rng(3)
    wide = {code: list(rng.uniform(0, 50, 30)) for code in dims}
    for code in dims:
        wide[code][0] = 100.0  # V0 is best on every indicator
    values = _long(wide)
    villages = pd.DataFrame({"village_code": [f"V{i}" for i in range(30)], "township_code": "T"})
    monkeypatch.setattr(indicators, "catalogue", lambda *a, **k: _catalogue(dims))
    out = scoring.robustness(values, villages, scoring.CompositeScorer(), 2025,
                             scoring.Robustness(draws=200, spread=0.5, max_width=0.15)).set_index("village_code")
    assert (out.loc["V0", ["rank", "rank_p05", "rank_p95"]] == 1).all()
    assert out.loc["V0", "robust"]
    assert ((out["rank_p05"] <= out["rank_p95"]) & (out["rank_p05"] >= 1) & (out["rank_p95"] <= 30)).all()
    assert (out["robust"] == (out["width"] <= 0.15 * 30)).all()


def test_robustness_is_reproducible_and_flags_wide_intervals(values, villages):
    a = scoring.robustness(values, villages, scoring.CompositeScorer(), 2025, scoring.Robustness(draws=100, seed=5))
    b = scoring.robustness(values, villages, scoring.CompositeScorer(), 2025, scoring.Robustness(draws=100, seed=5))
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == len(villages)
    narrow = scoring.robustness(values, villages, scoring.CompositeScorer(), 2025,
                                scoring.Robustness(draws=100, seed=5, max_width=0.0))
    assert not narrow["robust"].all()
    by_dimension = scoring.robustness(values, villages, scoring.CompositeScorer(), 2025, scoring.Robustness(draws=50),
                                      "生态宜居")
    ranks = scoring.score_villages(values, villages, scoring.CompositeScorer().fit(values),
                                   scoring.Tiers()).query("year == 2025").set_index("village_code")
    assert (by_dimension.set_index("village_code")["rank"] == ranks["rank_生态宜居"]).all()


# --- the catalogue and the value loader ----------------------------------------------------------
def test_catalogue_meets_the_issue():
    cat = indicators.catalogue()
    assert len(cat) >= 20
    counts = cat["dimension"].value_counts()
    assert set(counts.index) == set(DIMENSIONS) and counts.between(3, 6).all()
    derived = cat[cat["derivation"] != ""]
    assert len(derived) and (derived["derivation_zh"] != "").all()
    assert derived["derivation"].isin(list(indicators.DERIVATIONS)).all()
    assert cat["name_en"].ne("").all() and cat["unit"].ne("").all() and cat["source"].ne("").all()


def test_a_bad_catalogue_row_is_named(tmp_path):
    text = indicators.CATALOGUE_FILE.read_text(encoding="utf-8")
    assert text.count(",higher,90,住建局,") == 1  # ECO02, the 8th line of the file
    bad = text.replace(",higher,90,住建局,", ",upward,90,住建局,")
    path = tmp_path / "indicators.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(indicators.CatalogueError, match="第 8 行“direction”列的值“upward”"):
        indicators.catalogue(path)


def test_values_put_supplied_and_derived_indicators_together(demo_store, demo_tables):
    values = indicators.load_values(demo_store)
    cat = indicators.catalogue()
    n_villages, n_years = len(demo_tables["villages"]), demo_tables["households"]["year"].nunique()
    h = demo_tables["households"]
    has_poor = h[h["household_type"] == "脱贫户"].groupby(["village_code", "year"]).size()
    counts = values["indicator_code"].value_counts()
    assert (counts.drop("LIV02") == n_villages * n_years).all() and set(counts.index) == set(cat.index)
    assert counts["LIV02"] == len(has_poor)  # 脱贫户 income only where a village has 脱贫户
    assert not values.duplicated(["village_code", "year", "indicator_code"]).any()
    village = h["village_code"].iloc[0]
    mine = h[(h["village_code"] == village) & (h["year"] == 2023)]
    work = values.query("village_code == @village and year == 2023 and indicator_code == 'IND05'")["value"]
    assert work.iloc[0] == pytest.approx((mine["migrant_work_months"] >= 6).mean() * 100)


def test_a_supplied_value_of_a_derived_indicator_is_ignored(demo_store):
    supplied = demo_store.table("village_indicators")
    derived = demo_store.table("derived_indicators")
    fake = derived.iloc[:1].assign(value=-999.0)
    values = indicators.values(pd.concat([supplied, fake]), derived)
    assert (values["value"] != -999.0).all()


# --- command line ------------------------------------------------------------------------------
def test_score_command_prints_json_with_rank_intervals(demo_store, villages, capsys):
    assert main(["score", "--store", str(demo_store.root), "--year", "2024", "--weights", "entropy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["year"] == 2024 and out["weights"] == "entropy"
    assert len(out["villages"]) == len(villages)
    ranked = [v for v in out["villages"] if v["rank"] is not None]
    assert sorted(v["rank"] for v in ranked) == list(range(1, len(ranked) + 1))
    # Since LIV06 and the bottom-line items left 生活富裕, entropy weights put about half of it on
    # LIV02 (脱贫户 income): a village without 脱贫户 then has no 生活富裕 score by the missing-value
    # rule (scoring.min_indicator_share), and so no rank: shown as missing, never as zero.
    unranked = [v for v in out["villages"] if v["rank"] is None]
    assert all(v["scores"]["生活富裕"] is None and v["overall"] is None for v in unranked)
    assert len(unranked) < len(villages) / 10
    first = out["villages"][0]
    assert set(first["scores"]) == set(DIMENSIONS)
    assert first["rank_interval"][0] <= first["rank_interval"][1]
    assert sum(out["dimension_weights"].values()) == pytest.approx(1.0, abs=1e-3)


def test_score_command_text_and_a_missing_year(demo_store, capsys):
    assert main(["score", "--store", str(demo_store.root)]) == 0
    text = capsys.readouterr().out
    assert "排名区间" in text and "2025 年五大振兴评分" in text
    assert main(["score", "--store", str(demo_store.root), "--year", "1999"]) == 1
    assert "没有 1999 年的指标数据" in capsys.readouterr().err
