"""五大振兴: which villages lead and which lag on the five requirements, on a map, over time,
with the method (normalisation and weights) in view and each rank's robustness."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.data.contract import DIMENSIONS
from analytics.reports import figures
from analytics.scoring import composite as scoring
from analytics.scoring import views as score_views
from analytics.views import five_dimensions as dimension_views
from ui import charts, data, exports, filters, layout, maps, scores
from ui.text import lang, pick, value
from ui.texts.five_dimensions import TEXT


def choose_village(code: str, village_town: pd.Series) -> None:
    """Map click: select the village in the shared sidebar filter (runs before the rerun)."""
    st.session_state["village"] = code
    if st.session_state.get("town") and village_town.get(code) != st.session_state["town"]:
        st.session_state["town"] = village_town.get(code, "")


def group_label(group: dimension_views.Group, names: dict[str, str], town_names: pd.Series,
                village_names: pd.Series, year: int, short: bool = False) -> str:
    """A comparison group's legend: the area, "<township>", "<tier> villages of <year>", or
    "<village>" (the village alone when `short`)."""
    if group.kind == dimension_views.TOWN:
        return names[group.kind].format(name=town_names.get(group.key, group.key))
    if group.kind == dimension_views.TIER:
        return names[group.kind].format(tier=value(group.key), year=year)
    if group.kind == dimension_views.VILLAGE:
        name = village_names.get(group.key, group.key)
        return name if short else names[group.kind].format(name=name)
    return names[group.kind]


t = pick(TEXT)
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
town_names = townships.set_index("township_code")["township_name"]
village_names = villages.set_index("village_code")["village_name"]
village_town = villages.set_index("village_code")["township_code"]
labels = {scoring.OVERALL: t["overall"], **dimension_views.dimension_names(lang() == "en")}
method_names = {**scoring.NORMALISATIONS, **scoring.WEIGHTINGS,
                **dict(item.split("=") for item in t["methods"].split("|") if item)}

layout.header(t["title"], f.label(townships, villages))
column, method, fitted = scores.method_panel(t, labels, method_names)

table = scores.scores(method)
codes = f.village_codes(villages)
area_codes = codes if not f.village else villages.loc[villages["township_code"] == village_town[f.village],
                                                      "village_code"]
now = table[table["year"] == f.year]
if now.empty:
    st.info(t["no_scores"].format(year=f.year))
    st.stop()
area = t["county"] if data.allowed_townships() is None else t["in_scope"]
label = labels[column]

# --- cards ----------------------------------------------------------------------------------
mean_codes = codes if f.township and not f.village else None
means = score_views.area_means(table, [column], mean_codes)[column]
mean_area = town_names.get(f.township, area) if mean_codes is not None else area
mean_now, mean_before = means.get(f.year), means.get(f.year - 1)
items = [layout.Card(t["mean"].format(area=mean_area, column=label), layout.num(mean_now, digits=1),
                     t["vs_last"].format(delta=mean_now - mean_before) if mean_before is not None else None)]
ranked = score_views.ranking(table, f.year, column)
if f.village:
    mine = ranked[ranked["village_code"] == f.village]
    name = village_names.get(f.village, f.village)
    if len(mine):
        row = mine.iloc[0]
        n = scores.ranked_count(method, f.year, column)
        rank_delta = table.loc[(table["village_code"] == f.village) & (table["year"] == f.year), "rank_change"]
        items += [
            layout.Card(t["village_score"].format(name=name, column=label), layout.num(row["score"], digits=1),
                        t["vs_last"].format(delta=row["change"]) if row["change"] == row["change"] else None),
            layout.Card(t["village_rank"].format(name=name),
                        t["rank_of"].format(rank=row["rank"], n=n) if pd.notna(row["rank"]) else "—",
                        t["rank_delta"].format(delta=int(rank_delta.iloc[0]))
                        if column == scoring.OVERALL and len(rank_delta) and rank_delta.notna().iloc[0] else None),
            layout.Card(t["tier"], value(row["tier"]) if isinstance(row["tier"], str) else "—"),
        ]
else:
    in_view = ranked[ranked["village_code"].isin(codes)]
    counts = in_view["tier"].value_counts()
    items += [layout.Card(t["tier_count"].format(tier=value(name)), layout.num(int(counts.get(name, 0))))
              for name in settings.texts("scoring.tier_names")]
layout.cards(items, per_row=4)

# --- map and ranking --------------------------------------------------------------------------
intervals = scores.robustness(method, f.year, column)
ranked = score_views.ranking(table, f.year, column, intervals)
left, right = st.columns(2)
with left:
    st.subheader(t["map_title"].format(column=label, year=f.year))
    shapes = data.shapes()
    shapes = shapes[shapes["village_code"].isin(codes if not f.village else area_codes)] if f.township else shapes
    values = now.set_index("village_code")[column]
    fmap = maps.choropleth(shapes, values, village_names, title=label, unit=t["unit"], fmt=".1f",
                           highlight=f.village, reverse=True)
    maps.clickable(fmap, key="fd_map", height=440, on_click=partial(choose_village, village_town=village_town))
    st.caption(t["map_hint"])
with right:
    st.subheader(t["ranking"])
    shown = dimension_views.ranking_rows(ranked, codes if not f.village else area_codes, villages, townships,
                                         {True: t["yes"], False: t["no"]})
    st.dataframe(
        shown[["rank", "village", "score", "change", "interval", "tier"]], hide_index=True, height=440,
        width="stretch",
        column_config={
            "rank": st.column_config.NumberColumn(t["rank"], width=44),
            "village": st.column_config.TextColumn(t["village"], width=76),
            "score": st.column_config.NumberColumn(t["score"], format="%.1f", width=50),
            "change": st.column_config.NumberColumn(t["change"], format="%+.1f", width=56),
            "interval": st.column_config.TextColumn(t["interval"], width=82),
            "tier": st.column_config.TextColumn(t["tier"], width=44),
        })
    st.caption(t["robust_help"].format(spread=settings.number("scoring.robustness_weight_spread"),
                                       draws=settings.integer("scoring.robustness_draws"),
                                       width=settings.number("scoring.robust_max_width")))
    exports.download(
        shown[["rank", "village_code", "village", "town", "score", "change", "tier", "rank_p05", "rank_p95",
               "robust_label"]],
        f"{t['export_ranking']}_{label}_{method.label()}", f.label(townships, villages), key="fd_export_ranking",
        headers={"rank": t["rank"], "village_code": "村代码", "village": t["village"], "town": t["town"],
                 "score": t["score"], "change": t["change"], "tier": t["tier"], "rank_p05": "排名区间下限(5%)",
                 "rank_p95": "排名区间上限(95%)", "robust_label": t["robust"]})

# --- trends and radar ------------------------------------------------------------------------
town = f.township or (village_town.get(f.village) if f.village else None)
groups = dimension_views.comparison_groups(now, villages, town, f.village, list(settings.texts("scoring.tier_names")))
names = {dimension_views.AREA: t["county_series"].format(area=area), dimension_views.TIER: t["leading_mean"],
         dimension_views.TOWN: t["town_series"], dimension_views.VILLAGE: t["village_series"]}
trends = [(group_label(g, names, town_names, village_names, f.year), series)
          for g, series in dimension_views.group_trends(table, column, groups)]
profiles = [(group_label(g, names, town_names, village_names, f.year, short=True), r)
            for g, r in dimension_views.group_profiles(now, groups)]
left, right = st.columns(2)
with left:
    charts.show(figures.score_trends(trends, dashed=(0,), bold=tuple(i for i, g in enumerate(groups)
                                                                     if g.kind == dimension_views.VILLAGE)),
                height=340, title=t["trend_title"].format(column=label))
with right:
    charts.show(figures.dimension_radar([labels[d] for d in DIMENSIONS], profiles), height=340,
                title=t["radar_title"].format(year=f.year))

# --- the village profile -------------------------------------------------------------------------
if f.village:
    name = village_names.get(f.village, f.village)
    st.subheader(t["profile"].format(name=name, town=town_names.get(village_town.get(f.village), "")))
    prof = dimension_views.profile_rows(scores.profile(method, f.village, f.year), labels,
                                        fitted.catalogue_["name_en" if lang() == "en" else "name_zh"],
                                        {"higher": t["higher"], "lower": t["lower"]})
    years = sorted(table["year"].unique())
    st.dataframe(
        prof[["dimension", "name", "unit", "value", "change", "score", "rank_text", "trend", "target"]],
        hide_index=True, width="stretch", height=35 * (len(prof) + 1) + 3,
        column_config={
            "dimension": st.column_config.TextColumn(t["p_dimension"], width=70),
            "name": st.column_config.TextColumn(t["p_name"], width=170),
            "unit": st.column_config.TextColumn(t["p_unit"], width=40),
            "value": st.column_config.NumberColumn(t["p_value"].format(year=f.year), format="%,.1f", width=76),
            "change": st.column_config.NumberColumn(t["p_change"], format="%+,.1f", width=62),
            "score": st.column_config.ProgressColumn(t["p_score"], format="%.0f", min_value=0, max_value=100,
                                                     width=90),
            "rank_text": st.column_config.TextColumn(t["p_rank"], width=72),
            "trend": st.column_config.LineChartColumn(f"{t['p_trend']} {years[0]}–{years[-1]}", width=100),
            "target": st.column_config.NumberColumn(t["p_target"], format="%g", width=56),
        })
    exports.download(
        prof[["indicator_code", "dimension", "name", "unit", "value", "change", "score", "rank_text", "target",
              "direction"]],
        f"{t['export_profile']}_{name}", f.label(townships, villages), key="fd_export_profile",
        headers={"indicator_code": "指标代码", "dimension": t["p_dimension"], "name": t["p_name"],
                 "unit": t["p_unit"], "value": t["p_value"].format(year=f.year), "change": t["p_change"],
                 "score": t["p_score"], "rank_text": t["p_rank"], "target": t["p_target"],
                 "direction": t["p_direction"]})

with st.expander(t["notes"]):
    st.markdown(t["policy"].format(share=fitted.min_share_))
