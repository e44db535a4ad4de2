"""Indicators that tell the truth: no monitored share and no bottom-line item in the composite,
every indicator states its population, and a household table of only 脱贫户 and monitoring
objects makes the all-household indicators 不可计算 with the reason, never a biased value."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data import aggregates, indicators
from analytics.scoring import composite as scoring


def test_the_composite_holds_no_monitored_share_and_no_bottom_line_item():
    cat = indicators.catalogue()
    assert not {"LIV03", "LIV04", "LIV06", "CUL03"} & set(cat.index)
    names = " ".join(cat["name_zh"])
    for word in ("监测对象", "义务教育", "住房", "饮水", "医疗", "医保"):
        assert word not in names, word
    assert set(cat["population"]) <= set(indicators.POPULATIONS)
    derived = cat[cat["derivation"] != ""]
    assert (derived["population"] != "village").all() and (cat.loc[cat["derivation"] == "", "population"] == "village").all()


def test_a_catalogue_without_a_valid_population_is_refused(tmp_path):
    text = indicators.CATALOGUE_FILE.read_text(encoding="utf-8")
    path = tmp_path / "indicators.csv"
    path.write_text(text.replace(",农户数据,all,business_income_mean,", ",农户数据,everyone,business_income_mean,"),
                    encoding="utf-8")
    with pytest.raises(indicators.CatalogueError, match="第 5 行“population”列的值“everyone”"):
        indicators.catalogue(path)


def _households(rows: list[tuple[str, str, str | None, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["household_id", "household_type", "monitoring_category", "year"])
    return frame.assign(village_code="990121100001", business_income=1000.0, migrant_work_months=7.0,
                        per_capita_net_income=9000.0, household_size=3)


def test_coverage_is_told_by_a_general_household_never_monitored():
    full = _households([("a", "脱贫户", None, 2024), ("b", "一般农户", None, 2024), ("c", "一般农户", "边缘易致贫户", 2024)])
    assert indicators.covers_all_households(full) and indicators.not_computable(full) == {}
    # b was monitored in 2023: every 一般农户 in the table is a monitoring object
    partial = _households([("a", "脱贫户", None, 2024), ("b", "一般农户", None, 2024), ("b", "一般农户", "边缘易致贫户", 2023)])
    assert not indicators.covers_all_households(partial)
    reasons = indicators.not_computable(partial)
    cat = indicators.catalogue()
    assert set(reasons) == set(cat.index[(cat["derivation"] != "") & (cat["population"] == "all")])
    assert all(r.startswith("不可计算") for r in reasons.values())


def test_a_partial_table_derives_only_what_it_can_and_keeps_the_reasons():
    partial = _households([("a", "脱贫户", None, 2024), ("b", "一般农户", "边缘易致贫户", 2024)])
    derived = indicators.derive(partial)
    assert set(derived["indicator_code"]) == {"LIV02"}  # 脱贫户 income: its population is in the table
    tables = aggregates.derive({"households": partial})
    assert set(tables[indicators.NOTES_TABLE]["indicator_code"]) == {"IND04", "IND05", "LIV01"}


def test_the_demo_county_covers_all_households_and_scores(demo_store):
    assert indicators.load_notes(demo_store) == {}
    table = scoring.score_villages(values := indicators.load_values(demo_store), demo_store.table("villages"),
                                   scoring.CompositeScorer.from_settings(scoring.Method.from_settings()).fit(values), scoring.Tiers.from_settings())
    assert table[scoring.OVERALL].notna().all()


@pytest.mark.slow
def test_the_five_dimensions_page_names_the_indicators_not_computable(demo_tables, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from analytics.data.store import Store
    from tests.conftest import ROOT

    h = demo_tables["households"]
    ever = h.groupby("household_id")["monitoring_category"].transform(lambda s: s.notna().any())
    only = h[(h["household_type"] == "脱贫户") | ever]  # what the national monitoring system exports
    tables = {name: frame for name, frame in demo_tables.items() if name != "households"} | {"households": only}
    store = Store(tmp_path / "store")
    store.write_snapshot(aggregates.with_derived(tables), kind="demo", source="test")  # demo: no sign-in
    monkeypatch.setenv("DASHBOARD_STORE", str(store.root))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/five_dimensions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    warned = " ".join(w.value for w in at.warning)
    for code in ("IND04", "IND05", "LIV01"):
        assert f"{code}:不可计算" in warned, code
