"""AppTest of the 五大振兴 and 多维贫困 pages: figures equal what analytics computes, the method
panel changes and shows the weights, a village opens its profile, the map stays offline, and a
township user sees county ranks of their own villages only."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import DIMENSIONS
from analytics.scoring import composite as scoring
from analytics.scoring import poverty
from devtools.apptest import sign_in
from tests.apptest_support import frame, metric, open_page

PAGE = "app_pages/five_dimensions.py"


@pytest.fixture(scope="module")
def expected(demo_store) -> pd.DataFrame:
    values = indicators.load_values(demo_store)
    return scoring.score_villages(values, demo_store.table("villages"), scoring.CompositeScorer.from_settings(scoring.Method.from_settings()).fit(values), scoring.Tiers.from_settings())


def test_cards_and_ranking_match_the_scores(expected):
    at = open_page(PAGE)
    year = int(expected["year"].max())
    now = expected[expected["year"] == year]
    assert metric(at, "全县平均综合得分") == f"{now['overall'].mean():,.1f}"
    for tier, count in now["tier"].value_counts().items():
        assert metric(at, f"{tier}村(个)") == f"{count:,}"
    ranking = frame(at, "interval")
    assert len(ranking) == len(now)
    assert list(ranking["rank"]) == sorted(now["rank"])
    top = now.sort_values("rank").iloc[0]
    assert ranking["score"].iloc[0] == pytest.approx(top["overall"])
    low, high = ranking["interval"].iloc[0].split(" ")[0].split("–")
    assert 1 <= int(low) <= int(high) <= len(now)


def test_weights_in_use_are_always_shown_and_follow_the_method(demo_store):
    at = open_page(PAGE)
    assert any("当前权重" in m.value and "产业兴旺 **20%**" in m.value for m in at.markdown)
    at.selectbox(key="fd_weights").set_value("entropy").run()
    fitted = scoring.CompositeScorer(scoring.Method("minmax", "entropy")).fit(indicators.load_values(demo_store))
    line = next(m.value for m in at.markdown if "当前权重" in m.value)
    for dim, weight in fitted.dimension_weights_.items():
        assert f"{dim} **{weight:.0%}**" in line
    at.selectbox(key="fd_weights").set_value("ahp").run()
    assert any("CR =" in c.value for c in at.caption)
    assert not at.exception


@pytest.mark.slow
def test_custom_weights_rank_by_the_weighted_dimension(expected):
    at = open_page(PAGE)
    at.selectbox(key="fd_weights").set_value("custom").run()
    for i in range(1, len(DIMENSIONS)):
        at.number_input(key=f"fd_custom_{i}").set_value(0).run()
    line = next(m.value for m in at.markdown if "当前权重" in m.value)
    assert "产业兴旺 **100%**" in line
    ranking = frame(at, "interval")
    now = expected[expected["year"] == expected["year"].max()]
    assert ranking["score"].iloc[0] == pytest.approx(now["产业兴旺"].max())


def test_a_dimension_and_another_normalisation_can_be_chosen(demo_store):
    at = open_page(PAGE)
    at.selectbox(key="fd_column").set_value("生态宜居").run()
    at.selectbox(key="fd_norm").set_value("target").run()
    assert not at.exception
    values = indicators.load_values(demo_store)
    table = scoring.score_villages(values, demo_store.table("villages"),
                                   scoring.CompositeScorer(scoring.Method("target", "equal")).fit(values), scoring.Tiers())
    now = table[table["year"] == table["year"].max()]
    assert metric(at, "全县平均生态宜居") == f"{now['生态宜居'].mean():,.1f}"
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text") for c in at.get("plotly_chart")]
    assert "生态宜居趋势" in titles


def test_choosing_a_village_opens_its_profile(demo_store, demo_tables, expected):
    villages = demo_tables["villages"]
    village = villages.iloc[40]
    at = open_page(PAGE)
    at.selectbox(key="village").set_value(village["village_code"]).run()
    assert not at.exception
    assert any(f"村庄画像:{village['village_name']}" in s.value for s in at.subheader)
    year = int(expected["year"].max())
    mine = expected[(expected["village_code"] == village["village_code"]) & (expected["year"] == year)].iloc[0]
    assert metric(at, f"{village['village_name']}综合得分") == f"{mine['overall']:,.1f}"
    assert metric(at, f"{village['village_name']}排名") == f"{mine['rank']} / {len(villages)}"
    profile = frame(at, "trend")
    assert len(profile) == len(indicators.catalogue())
    values = indicators.load_values(demo_store)
    mine_values = values[(values["village_code"] == village["village_code"]) & (values["year"] == year)]
    shown = dict(zip(profile["name"].str.replace("(越低越好)", "", regex=False), profile["value"]))
    cat = indicators.catalogue()
    for _, row in mine_values.iterrows():
        assert shown[cat.at[row["indicator_code"], "name_zh"]] == pytest.approx(row["value"])
    assert all(len(t) == len(demo_tables["households"]["year"].unique()) for t in profile["trend"])


def test_map_is_clickable_and_uses_only_local_leaflet():
    at = open_page(PAGE)
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    assert args["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert args["css_links"] == ["/app/static/leaflet/leaflet.css"]
    assert args["returned_objects"] == ["last_active_drawing"]
    payload = json.dumps(args)
    assert "http://" not in payload and "https://" not in payload
    assert "village_code" in args["script"]


@pytest.mark.slow
def test_township_user_sees_county_ranks_of_their_villages_only(with_accounts, expected, demo_tables, downloads):
    at = sign_in("town01", with_accounts.passwords["town01"])
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    ranking = frame(at, "interval")
    own = demo_tables["villages"].query("township_code == @with_accounts.township").iloc[0]
    at.selectbox(key="village").set_value(own["village_code"]).run()
    n = len(demo_tables["villages"])
    mine = expected[(expected["year"] == expected["year"].max()) & (expected["village_code"] == own["village_code"])]
    assert metric(at, f"{own['village_name']}排名") == f"{mine['rank'].iloc[0]} / {n}"
    year = int(expected["year"].max())
    values = indicators.load_values(with_accounts.store)
    county = values[values["year"] == year].groupby("indicator_code").size()
    profile = frame(at, "trend")  # every indicator ranked among the county's villages that have it
    denominators = profile["rank_text"].str.split(" / ").str[1].astype(int)
    assert list(denominators) == list(county.reindex(indicators.catalogue().index))
    at.switch_page("app_pages/multidimensional.py").run()
    assert not at.exception, [e.value for e in at.exception]
    villages = demo_tables["villages"]
    mine = villages.loc[villages["township_code"] == with_accounts.township, "village_name"]
    assert set(ranking["village"]) == set(mine)
    now = expected[(expected["year"] == expected["year"].max())
                   & expected["township_code"].eq(with_accounts.township)]
    assert sorted(ranking["rank"]) == sorted(now["rank"])  # county ranks, not 1..n of the township
    others = set(villages.loc[villages["township_code"] != with_accounts.township, "village_name"])
    assert downloads
    for name, payload in downloads:
        text = "\n".join(",".join(str(v) for v in row) for ws in openpyxl.load_workbook(io.BytesIO(payload)).worksheets
                         for row in ws.iter_rows(values_only=True))
        assert not [v for v in others if v in text], name


def test_multidimensional_page_matches_alkire_foster(demo_tables):
    at = open_page("app_pages/multidimensional.py")
    h = demo_tables["households"]
    year = int(h["year"].max())
    result = poverty.households_af(h[h["year"] == year].reset_index(drop=True), demo_tables["monitoring_lines"],
                                   settings.number("poverty.k"), poverty.household_weights())
    assert result.k == settings.number("poverty.k")
    assert metric(at, "多维贫困发生率 H") == f"{result.H * 100:.2f}%"
    assert metric(at, "平均剥夺强度 A") == f"{result.A * 100:.1f}%"
    assert metric(at, "多维贫困户(户)") == f"{int(result.poor.sum()):,}"
    at.slider(key="md_k").set_value(1.0).run()
    strict = poverty.households_af(h[h["year"] == year].reset_index(drop=True), demo_tables["monitoring_lines"], 1.0,
                                   poverty.household_weights())
    assert metric(at, "多维贫困户(户)") == f"{int(strict.poor.sum()):,}"
    towns = frame(at, "M0")
    assert len(towns) == demo_tables["townships"].shape[0]
