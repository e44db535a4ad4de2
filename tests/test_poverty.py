"""Alkire-Foster against the worked example of its authors, its decomposition properties, and
its application to the households' guarantees and income."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from analytics.scoring import poverty

# Alkire, S. and Foster, J. (2011), "Counting and multidimensional poverty measurement",
# Journal of Public Economics 95(7-8), 476-487, the illustration of Sections 2-3: four persons,
# four dimensions (income, years of schooling, a health indicator, access to health insurance
# 1/0), cutoffs z = (13, 12, 3, 1). Person counts of deprivations: 0, 2, 4, 1. With the dual
# cutoff k = 2 (of 4 equally weighted dimensions, i.e. k = 0.5) the paper reports H = 1/2,
# A = 3/4 and M0 = HA = 3/8; the union approach (k = 1 dimension) identifies persons 2, 3 and 4,
# the intersection approach (k = 4) person 3 only.
AF2011 = pd.DataFrame({
    "income": [13.1, 15.2, 12.5, 20.0],
    "schooling": [14, 7, 10, 11],
    "health": [4, 5, 1, 3],
    "insurance": [1, 0, 0, 1],
})
AF2011_CUTOFFS = {"income": 13, "schooling": 12, "health": 3, "insurance": 1}


def test_alkire_foster_2011_example_published_figures():
    r = poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=0.5)
    assert pytest.approx(1 / 2) == r.H
    assert pytest.approx(3 / 4) == r.A
    assert pytest.approx(3 / 8) == r.M0
    assert list(r.poor) == [False, True, True, False]
    assert list(r.score) == pytest.approx([0, 0.5, 1.0, 0.25])


def test_alkire_foster_2011_example_union_and_intersection():
    union = poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=0.25)
    assert list(union.poor) == [False, True, True, True]
    assert pytest.approx((3 / 4, 7 / 12, 7 / 16)) == (union.H, union.A, union.M0)
    intersection = poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=1.0)
    assert list(intersection.poor) == [False, False, True, False]
    assert pytest.approx((1 / 4, 1, 1 / 4)) == (intersection.H, intersection.A, intersection.M0)


def test_censored_headcounts_and_contributions_by_hand():
    """k = 0.5: the censored matrix keeps persons 2 and 3. Censored headcounts: income 1/4
    (person 3), schooling 2/4, health 1/4, insurance 2/4. Contribution of d = w_d x h_d / M0:
    (1/4 x 1/4) / (3/8) = 1/6 for income and health, 1/3 for schooling and insurance."""
    r = poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=0.5)
    assert r.censored_headcount.to_dict() == pytest.approx({"income": .25, "schooling": .5, "health": .25,
                                                            "insurance": .5})
    assert r.uncensored_headcount["schooling"] == pytest.approx(3 / 4)  # person 4 too, before censoring
    assert r.contribution.to_dict() == pytest.approx({"income": 1 / 6, "schooling": 1 / 3, "health": 1 / 6,
                                                      "insurance": 1 / 3})
    assert (r.weights * r.censored_headcount).sum() == pytest.approx(r.M0)


def test_a_value_equal_to_the_cutoff_is_not_deprived():
    r = poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=0.25)
    assert not r.deprived.loc[3, "health"]  # person 4 has exactly 3 = the cutoff


def test_boolean_column_counts_false_as_deprived():
    data = AF2011.assign(insurance=AF2011["insurance"].astype(bool))
    r = poverty.alkire_foster(data, {k: v for k, v in AF2011_CUTOFFS.items() if k != "insurance"}, k=0.5)
    assert pytest.approx((1 / 2, 3 / 4, 3 / 8)) == (r.H, r.A, r.M0)


def test_weights_are_normalised_and_change_identification():
    """Weights 2:1:1:0 -> 0.5, 0.25, 0.25, 0. Scores: person 1: 0; person 2: schooling .25;
    person 3: .5 + .25 + .25 = 1; person 4: .25. With k = 0.5 only person 3 is poor:
    H = 1/4, A = 1, M0 = 1/4 (worked by hand)."""
    w = {"income": 2, "schooling": 1, "health": 1, "insurance": 0}
    r = poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=0.5, weights=w)
    assert r.weights.to_dict() == pytest.approx({"income": .5, "schooling": .25, "health": .25, "insurance": 0})
    assert list(r.score) == pytest.approx([0, .25, 1, .25])
    assert pytest.approx((1 / 4, 1, 1 / 4)) == (r.H, r.A, r.M0)


def test_subgroup_decomposition_by_hand():
    """Persons 1-2 in group a, 3-4 in b (k = 0.5). a: H 1/2, A 1/2, M0 1/4. b: H 1/2, A 1,
    M0 1/2. Population-weighted: 1/2 x 1/4 + 1/2 x 1/2 = 3/8 = M0; b contributes 2/3."""
    r = poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=0.5)
    table = r.decompose(["a", "a", "b", "b"]).set_index("group")
    assert table.loc["a", ["H", "A", "M0"]].tolist() == pytest.approx([.5, .5, .25])
    assert table.loc["b", ["H", "A", "M0"]].tolist() == pytest.approx([.5, 1, .5])
    assert table["contribution_to_M0"].tolist() == pytest.approx([1 / 3, 2 / 3])
    assert (table["population_share"] * table["M0"]).sum() == pytest.approx(r.M0)
    assert table.loc["a", "contribution_schooling"] == pytest.approx(.5)


@settings(max_examples=60, deadline=None)
@given(
    matrix=hnp.arrays(np.int8, st.tuples(st.integers(1, 40), st.just(4)), elements=st.integers(0, 3)),
    groups=st.lists(st.sampled_from("xyz"), min_size=40, max_size=40),
    k=st.sampled_from([0.25, 0.4, 0.5, 0.75, 1.0]),
    weights=st.lists(st.integers(1, 5), min_size=4, max_size=4),
)
def test_decomposition_adds_up(matrix, groups, k, weights):
    data = pd.DataFrame(matrix, columns=list("abcd"))
    r = poverty.alkire_foster(data, dict.fromkeys("abcd", 2), k, dict(zip("abcd", weights)))
    table = r.decompose(groups[:len(data)])
    assert (table["population_share"] * table["M0"]).sum() == pytest.approx(r.M0)
    assert pytest.approx(r.H * r.A) == r.M0
    assert pytest.approx((r.weights * r.censored_headcount).sum()) == r.M0
    if r.M0 > 0:
        assert r.contribution.sum() == pytest.approx(1.0)
        assert table["contribution_to_M0"].sum() == pytest.approx(1.0)
    assert 0 <= r.M0 <= r.H + 1e-12 <= 1 + 1e-12 and (r.A == 0 or k - 1e-9 <= r.A <= 1 + 1e-12)  # up to rounding


def test_incomplete_units_are_left_out_and_counted():
    data = AF2011.astype(float)
    data.loc[0, "income"] = np.nan
    r = poverty.alkire_foster(data, AF2011_CUTOFFS, k=0.5)
    assert r.n == 3 and r.excluded == 1
    assert pytest.approx(2 / 3) == r.H


def test_bad_input_gets_a_chinese_message():
    with pytest.raises(poverty.PovertyError, match="k 应在"):
        poverty.alkire_foster(AF2011, AF2011_CUTOFFS, k=0)
    with pytest.raises(poverty.PovertyError, match="“schooling”.*需要给出剥夺临界值"):
        poverty.alkire_foster(AF2011, {"income": 13, "health": 3, "insurance": 1}, k=0.5)
    with pytest.raises(poverty.PovertyError, match="没有的维度:age"):
        poverty.alkire_foster(AF2011, {**AF2011_CUTOFFS, "age": 3}, k=0.5)
    with pytest.raises(poverty.PovertyError, match="不是数字"):
        poverty.alkire_foster(AF2011.assign(income=["13", "x", "1", "2"]), AF2011_CUTOFFS, k=0.5)


# --- the households ------------------------------------------------------------------------------
def test_household_union_measure_counts_every_gap(demo_tables):
    """k = the smallest weight (union): poor = below the monitoring line or any guarantee gap.
    Checked against the raw columns, not against the method."""
    h = demo_tables["households"]
    lines = demo_tables["monitoring_lines"]
    now = h[h["year"] == 2024].reset_index(drop=True)
    r = poverty.households_af(now, lines, k=0.2, weights=dict.fromkeys(poverty.HOUSEHOLD_DIMENSIONS, 1.0))
    line = lines.set_index("year").at[2024, "threshold_yuan"]
    gaps = ~now[["housing_safe", "drinking_water_safe", "compulsory_education_ok", "medical_insured_all"]]
    expected = (now["per_capita_net_income"] < line) | gaps.any(axis=1)
    assert pytest.approx(expected.mean()) == r.H
    assert r.uncensored_headcount["income"] == pytest.approx((now["per_capita_net_income"] < line).mean())
    assert r.censored_headcount["water"] == pytest.approx((~now["drinking_water_safe"]).mean())
    intensity = (gaps.sum(axis=1) + (now["per_capita_net_income"] < line)) / 5
    assert pytest.approx(intensity[expected].mean()) == r.A


def test_household_measure_by_township_and_village_adds_up(demo_tables):
    h = demo_tables["households"]
    now = h[h["year"] == 2025].reset_index(drop=True)
    villages = demo_tables["villages"]
    result, towns, per_village = poverty.by_area(now, demo_tables["monitoring_lines"], villages, 0.4,
                                                     poverty.household_weights())
    assert towns["n"].sum() == per_village["n"].sum() == len(now)
    assert set(towns["group"]) <= set(villages["township_code"])
    for table in (towns, per_village):
        assert (table["population_share"] * table["M0"]).sum() == pytest.approx(result.M0)
    assert result.k == 0.4
    assert {f"contribution_{d}" for d in poverty.HOUSEHOLD_DIMENSIONS} <= set(towns.columns)


def test_missing_monitoring_line_is_named(demo_tables):
    h = demo_tables["households"].iloc[:10]
    with pytest.raises(poverty.PovertyError, match="缺少年度 2021"):
        poverty.household_dimensions(h, demo_tables["monitoring_lines"].query("year != 2021"))
