"""五大振兴: which villages lead and which lag on the five requirements, on a map, over time,
with the method (normalisation and weights) in view and each rank's robustness."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.data.contract import DIMENSIONS, DIMENSIONS_EN
from analytics.scoring import composite as scoring
from analytics.scoring import views as score_views
from ui import charts, data, exports, filters, layout, maps, scores
from ui.text import lang, pick
from ui.texts.five_dimensions import TEXT

t = pick(TEXT)
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
town_names = townships.set_index("township_code")["township_name"]
village_names = villages.set_index("village_code")["village_name"]
village_town = villages.set_index("village_code")["township_code"]
name_column = "name_en" if lang() == "en" else "name_zh"
METHOD_NAMES = {**scoring.NORMALISATIONS, **scoring.WEIGHTINGS,
                **dict(item.split("=") for item in t["methods"].split("|") if item)}


def dim_label(column: str) -> str:
    if column == scoring.OVERALL:
        return t["overall"]
    return DIMENSIONS_EN[column] if lang() == "en" else column


def choose_village(code: str) -> None:
    """Map click: select the village in the shared sidebar filter (runs before the rerun)."""
    st.session_state["village"] = code
    if st.session_state.get("town") and village_town.get(code) != st.session_state["town"]:
        st.session_state["town"] = village_town.get(code, "")


layout.header(t["title"], f.label(townships, villages))

# --- the method panel ---------------------------------------------------------------------
with st.container(border=True):
    st.markdown(f"**{t['method']}**")
    c1, c2, c3 = st.columns(3)
    column = c1.selectbox(t["column"], [scoring.OVERALL, *DIMENSIONS], key="fd_column", format_func=dim_label,
                          bind="query-params")
    norms = list(scoring.NORMALISATIONS)
    normalisation = c2.selectbox(t["normalisation"], norms, key="fd_norm", bind="query-params",
                                 index=norms.index(settings.text("scoring.normalisation")),
                                 format_func=METHOD_NAMES.get)
    weightings = list(scoring.WEIGHTINGS)
    weighting = c3.selectbox(t["weights"], weightings, key="fd_weights", bind="query-params",
                             index=weightings.index(settings.text("scoring.weights")),
                             format_func=METHOD_NAMES.get)
    custom: tuple[tuple[str, float], ...] = ()
    if weighting == "custom":
        st.caption(t["custom_title"])
        inputs = st.columns(len(DIMENSIONS))
        custom = tuple((d, float(col.number_input(dim_label(d), 0, 100, 20, 5, key=f"fd_custom_{i}")))
                       for i, (d, col) in enumerate(zip(DIMENSIONS, inputs)))
    try:
        method = scoring.Method(normalisation, weighting, custom)
        fitted = scores.scorer(method)
    except scoring.ScoringError as exc:
        st.error(str(exc))
        st.stop()
    weights_line = " · ".join(f"{dim_label(d)} **{w:.0%}**" for d, w in fitted.dimension_weights_.items())
    st.markdown(f"{t['weights_in_use']}:{weights_line}")
    if weighting == "ahp":
        result = scoring.ahp(scoring.parse_matrix(settings.matrix("scoring.ahp_matrix")))
        st.caption(t["cr"].format(cr=result.cr))
    elif weighting == "entropy":
        st.caption(t["entropy_note"])
    with st.expander(t["indicator_weights"]):
        cat = fitted.catalogue_
        st.dataframe({t["p_dimension"]: cat["dimension"].map(dim_label), t["p_name"]: cat[name_column],
                      t["weights"]: (fitted.weights_ * 100).round(2)}, hide_index=True, width="stretch",
                     column_config={t["weights"]: st.column_config.NumberColumn(format="%.2f%%")})
        if weighting == "ahp":
            st.caption(t["ahp_matrix"])
            st.dataframe([[str(v) for v in row] for row in settings.matrix("scoring.ahp_matrix")],
                         hide_index=True)
    for note in fitted.notes_:
        st.warning(note)

table = scores.scores(method)
codes = f.village_codes(villages)
area_codes = codes if not f.village else villages.loc[villages["township_code"] == village_town[f.village],
                                                      "village_code"]
now = table[table["year"] == f.year]
if now.empty:
    st.info(t["no_scores"].format(year=f.year))
    st.stop()
area = t["county"] if data.allowed_townships() is None else t["in_scope"]
county_means = score_views.area_means(table, [*DIMENSIONS, scoring.OVERALL])
label = dim_label(column)

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
            layout.Card(t["tier"], row["tier"] if isinstance(row["tier"], str) else "—"),
        ]
else:
    in_view = ranked[ranked["village_code"].isin(codes)]
    counts = in_view["tier"].value_counts()
    items += [layout.Card(t["tier_count"].format(tier=name), layout.num(int(counts.get(name, 0))))
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
    maps.clickable(fmap, key="fd_map", height=440, on_click=choose_village)
    st.caption(t["map_hint"])
with right:
    st.subheader(t["ranking"])
    shown = ranked[ranked["village_code"].isin(codes if not f.village else area_codes)].copy()
    shown["village"] = shown["village_code"].map(village_names)
    shown["town"] = shown["township_code"].map(town_names)
    shown["interval"] = [f"{a}–{b}{'' if ok is not False else ' ⚠'}" if pd.notna(a) else "—"
                         for a, b, ok in zip(shown["rank_p05"], shown["rank_p95"], shown["robust"])]
    shown["robust_label"] = shown["robust"].map({True: t["yes"], False: t["no"]})
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
left, right = st.columns(2)
with left:
    lines = [go.Scatter(x=county_means.index, y=county_means[column], name=t["county_series"].format(area=area),
                        mode="lines+markers", line={"dash": "dash"})]
    if town:
        town_mean = score_views.area_means(table, [column], villages.loc[villages["township_code"] == town,
                                                                       "village_code"])[column]
        lines.append(go.Scatter(x=town_mean.index, y=town_mean, mode="lines+markers",
                                name=t["town_series"].format(name=town_names.get(town, town))))
    if not town:
        for tier_name in (settings.texts("scoring.tier_names")[0], settings.texts("scoring.tier_names")[-1]):
            group = now.loc[now["tier"] == tier_name, "village_code"]
            if len(group):
                group_mean = score_views.area_means(table, [column], group)[column]
                lines.append(go.Scatter(x=group_mean.index, y=group_mean, mode="lines+markers",
                                        name=t["leading_mean"].format(tier=tier_name, year=f.year)))
    if f.village:
        mine = table[table["village_code"] == f.village].sort_values("year")
        lines.append(go.Scatter(x=mine["year"], y=mine[column], mode="lines+markers", line={"width": 4},
                                name=t["village_series"].format(name=village_names.get(f.village, f.village))))
    trend = go.Figure(lines)
    trend.update_xaxes(dtick=1)
    trend.update_yaxes(range=[0, 100])
    charts.show(trend, height=340, title=t["trend_title"].format(column=label))
with right:
    axes = [dim_label(d) for d in DIMENSIONS]
    series = [(t["county_series"].format(area=area), county_means.loc[f.year, list(DIMENSIONS)].to_numpy())]
    if town:
        town_now = score_views.area_means(now, list(DIMENSIONS), villages.loc[villages["township_code"] == town,
                                                                               "village_code"])
        series.append((t["town_series"].format(name=town_names.get(town, town)), town_now.iloc[0].to_numpy()))
    if f.village and (now["village_code"] == f.village).any():
        series.append((village_names.get(f.village, f.village),
                       now.loc[now["village_code"] == f.village, list(DIMENSIONS)].iloc[0].to_numpy()))
    if not town:
        for tier_name in (settings.texts("scoring.tier_names")[0], settings.texts("scoring.tier_names")[-1]):
            members = now[now["tier"] == tier_name]
            if len(members):
                series.append((t["leading_mean"].format(tier=tier_name, year=f.year),
                               members[list(DIMENSIONS)].mean().to_numpy()))
    radar = go.Figure([go.Scatterpolar(r=[*r, r[0]], theta=[*axes, axes[0]], name=name, mode="lines+markers")
                       for name, r in series])
    radar.update_layout(polar={"radialaxis": {"range": [0, 100], "tickvals": [25, 50, 75, 100], "angle": 54,
                                              "tickfont": {"size": 11, "color": "#777"}},
                               "angularaxis": {"tickfont": {"size": 15}, "direction": "clockwise"}})
    charts.show(radar, height=340, title=t["radar_title"].format(year=f.year))

# --- the village profile -------------------------------------------------------------------------
if f.village:
    name = village_names.get(f.village, f.village)
    st.subheader(t["profile"].format(name=name, town=town_names.get(village_town.get(f.village), "")))
    prof = scores.profile(method, f.village, f.year)
    prof["dimension"] = prof["dimension"].map(dim_label)
    prof["name"] = prof["indicator_code"].map(fitted.catalogue_[name_column]).fillna(prof["name"])
    prof["name"] = [f"{n}({t['lower']})" if d == "lower" else n for n, d in zip(prof["name"], prof["direction"])]
    prof["direction"] = prof["direction"].map({"higher": t["higher"], "lower": t["lower"]})
    prof["rank_text"] = [f"{r} / {n}" if r is not None and r == r else "—" for r, n in zip(prof["rank"], prof["ranked"])]
    years = sorted(table["year"].unique())
    st.dataframe(
        prof[["dimension", "name", "unit", "value", "change", "score", "rank_text", "trend", "target"]],
        hide_index=True, width="stretch", height=35 * (len(prof) + 1) + 3,
        column_config={
            "dimension": st.column_config.TextColumn(t["p_dimension"], width=70),
            "name": st.column_config.TextColumn(t["p_name"], width=170),
            "unit": st.column_config.TextColumn(t["p_unit"], width=40),
            "value": st.column_config.NumberColumn(t["p_value"].format(year=f.year), format="%.1f", width=76),
            "change": st.column_config.NumberColumn(t["p_change"], format="%+.1f", width=62),
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
