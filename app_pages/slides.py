"""演示: the deck for county meetings. One slide per screen, previous/next (also PageUp and
PageDown, as a presenter's clicker sends), optional auto-advance, every chart sized to the
window so nothing scrolls, no table over ten rows, every number with its unit."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.data.contract import GUARANTEE_COLUMNS
from analytics.data.funds import IndustryRule
from analytics.reports import figures
from analytics.reports.palette import COLOURS
from analytics.risk import overview as risk_overview
from analytics.risk.features import RiskDataError
from analytics.scoring.composite import OVERALL, Method
from analytics.views import assessment, guarantees, overview, projects
from analytics.views.five_dimensions import dimension_means, ranked_villages
from analytics.views.township import high_risk_by_township
from ui import cards, data, filters, layout, ledger, maps, projector, scope, scores, tables
from ui import ranking as ranking_table
from ui import risk as relapse
from ui import stress as stress_test
from ui.text import lang, pick
from ui.texts.slides import TEXT

SLIDES = ("kpis", "map", "dimensions", "risk", "stress", "guarantees", "funds", "tasks", "ranking")
INTERVALS = (10, 20, 30, 60)


def kpis(d: projector.Deck) -> None:
    layout.cards(cards.kpis(overview.kpis(d.village_year, d.pool, d.f.year, d.rule), d.rule, d.t, projector=True))
    rest = d.screen.body - d.screen.cards_height(2)
    if rest >= 180:
        trend = overview.trend(d.village_year, data.table("monitoring_lines"))
        left, right = st.columns(2)
        with left:
            d.show(figures.income_vs_line(trend, d.series()), rest, d.t["income_chart"])
        with right:
            d.show(figures.monitoring_trend(trend, d.series()), rest, d.t["monitor_chart"])


def county_map(d: projector.Deck) -> None:
    t, f = d.t, d.f
    metric = st.session_state.get("slides_map_metric") or "monitored_unresolved_share"
    label, u = overview.MAP_METRICS[metric]
    values = overview.village_metric(d.village_year, f.year, metric)
    village_names = d.villages.set_index("village_code")["village_name"]
    left, right = st.columns([5, 3])
    with left:
        shapes = data.shapes()
        shapes = shapes[shapes["village_code"].isin(scope.village_codes())] if f.township else shapes
        maps.show(maps.choropleth(shapes, values, village_names, title=label, unit=u,
                                  fmt=",.1f" if u == "%" else ",.0f", highlight=f.village,
                                  reverse=metric in overview.HIGHER_IS_BETTER), height=d.screen.body)
    with right:
        st.selectbox(label, list(overview.MAP_METRICS), key="slides_map_metric",
                     format_func=lambda m: overview.MAP_METRICS[m][0], label_visibility="collapsed")
        st.markdown(f"**{t['top_villages'].format(metric=label)}**")
        tables.show(overview.worst_villages(values, metric, village_names, 8),
                    {"village_name": t["village"], "value": label})


def dimensions(d: projector.Deck) -> None:
    t, f, body = d.t, d.f, d.screen.body
    table = scores.scores(Method.from_settings())
    now = table[table["year"] == f.year]
    mean_now, mean_before = dimension_means(table, f.year, english=lang() == "en")
    left, right = st.columns([3, 2])
    with left:
        d.show(figures.dimension_bars(mean_now, mean_before, {"now": t["now"].format(year=f.year),
                                                               "before": t["before"].format(year=f.year - 1)}),
               body - 10, t["dims_chart"])
    with right:
        ranked = ranked_villages(now, d.villages, d.townships)
        columns = ["rank", "village_name", "township_name", OVERALL, "village_code"]
        labels = {"rank": t["rank"], "village_name": t["village"], "township_name": t["town"], OVERALL: t["overall"]}
        n = 5 if body > 540 else 4  # two tables of n rows and their headings fill the column
        st.markdown(f"**{t['best'].format(n=n)}**")
        tables.show(ranked[columns].head(n), labels, formats={OVERALL: "%.1f"})
        st.markdown(f"**{t['worst'].format(n=n)}**")
        tables.show(ranked[columns].tail(n), labels, formats={OVERALL: "%.1f"})
        tiers = now["tier"].value_counts()
        st.caption(t["tiers"].format(tiers=",".join(f"{k} {v}" for k, v in tiers.items())))


def risk(d: projector.Deck) -> None:
    t, year = d.t, d.f.year
    cutoff = settings.number("risk.high_risk_probability")
    try:
        scored = relapse.high_risk(year, cutoff)
    except RiskDataError as error:
        st.error(t["no_model"].format(error=error))
        return
    k = relapse.kpis(year, cutoff)
    hh = t["u_hh"]
    layout.cards([
        layout.Card(t["unresolved_n"], layout.with_unit(layout.num(k.unresolved), hh)),
        layout.Card(t["newly"], layout.with_unit(layout.num(k.newly_identified), hh)),
        layout.Card(t["eliminated_n"], layout.with_unit(layout.num(k.eliminated_this_year), hh)),
        layout.Card(t["high_risk"], layout.with_unit(layout.num(k.high_risk_unmonitored), hh),
                    t["cutoff"].format(next=year + 1, cutoff=cutoff), delta_color="off"),
    ])
    rest = d.screen.body - d.screen.cards_height()
    left, right = st.columns(2)
    with left:
        types = risk_overview.predicted_by_risk_type(scored, cutoff).head(8)
        d.show(figures.counts_bar(list(types.index), list(types), hh), rest, t["risk_types_chart"])
    with right:
        by_town = high_risk_by_township(scored, cutoff, d.townships, 10)
        d.show(figures.counts_bar(list(by_town.index), list(by_town), hh, COLOURS[1]), rest, t["by_town_chart"])


def guarantee(d: projector.Deck) -> None:
    t, f, hh = d.t, d.f, d.t["u_hh"]
    gap_names = dict(zip(GUARANTEE_COLUMNS, t["gap_labels"].split("|")))
    now = guarantees.by_type(d.village_year, f.year)
    before = guarantees.by_type(d.village_year, f.year - 1) if f.year - 1 in f.years else None
    delta = int(now[guarantees.ANY] - before[guarantees.ANY]) if before is not None else None
    layout.cards([
        layout.Card(t["any_gap"], layout.with_unit(layout.num(now[guarantees.ANY]), hh),
                    f"{delta:+,} {hh}" if delta is not None else None, delta_color="inverse"),
        *[layout.Card(gap_names[c], layout.with_unit(layout.num(now[c]), hh)) for c in GUARANTEE_COLUMNS],
    ], per_row=5)
    rest = d.screen.body - d.screen.cards_height()
    left, right = st.columns([3, 2])
    with left:
        d.show(figures.guarantee_trend(guarantees.trend(d.village_year), {**gap_names, guarantees.ANY: t["any_series"]}),
               rest, t["gap_trend"])
    with right:
        level = "village" if f.township else "township"
        board = guarantees.bottom_line(d.village_year, d.villages[d.villages["village_code"].isin(
            d.village_year["village_code"])], d.townships, f.year, level)
        d.show(figures.bottom_line_board(board, f"{level}_name", {**gap_names, guarantees.ANY: t["any_series"]}),
               rest, t["board_title"])


def funds(d: projector.Deck) -> None:
    t, year, rule, pool = d.t, d.f.year, d.rule, d.pool
    in_year = pool[pool["year"] == year]
    if in_year.empty:
        st.info(t["no_projects"])
        return
    total, paid = float(in_year["funds_wan"].sum()), float(in_year["disbursed_wan"].sum())
    shares = projects.industry_share(pool, rule)
    share = shares.set_index("year")["share"].get(year)
    schedule = list(settings.numbers("funds.disbursement_schedule"))
    flagged = projects.flags(in_year, (year, 12), schedule, settings.number("funds.scale_flag_ratio"),
                             projects.Severity.from_settings(), history=pool)
    layout.cards([
        layout.Card(t["funds"], layout.with_unit(layout.num(total), t["u_wan"])),
        layout.Card(t["paid"], layout.with_unit(layout.num(paid), t["u_wan"]),
                    t["paid_share"].format(share=layout.pct(paid / total if total else None)), delta_color="off"),
        layout.Card(t["industry"], layout.pct(share),
                    t["rule"].format(rule=layout.pct(rule.minimum, 0), target=layout.pct(rule.target, 0)),
                    delta_color="normal" if (share or 0) >= rule.minimum else "inverse"),
        layout.Card(t["flagged"], layout.with_unit(layout.num(len(flagged)), t["u_projects"])),
    ])
    rest = d.screen.body - d.screen.cards_height()
    left, right = st.columns(2)
    with left:
        d.show(figures.funds_by_category(in_year, t["u_wan"], t["paid"]), rest, t["by_category"].format(year=year))
    with right:
        d.show(figures.industry_share(shares, rule, d.series()), rest, t["share_chart"])


def tasks(d: projector.Deck) -> None:
    ledger.slide(d.f.township, d.screen.body)


def ranking(d: projector.Deck) -> None:
    t, year = d.t, d.f.year
    components = dict(zip(assessment.COMPONENTS, t["components"].split("|")))
    weight = ranking_table.default_weights()
    d.show(figures.township_ranking(ranking_table.table(year, weight), components),
           d.screen.body - 2 * d.screen.font - 20, t["ranking_chart"].format(year=year))
    st.caption(t["weights"].format(weights=",".join(f"{components[c]} {w:.0%}" for c, w in weight.items())))


def stress_scenario(d: projector.Deck) -> None:
    """The scenario last set on 压力测试 (the default one otherwise); built in ui.stress."""
    stress_test.slide(d.screen.body - d.screen.cards_height() - 40, d.show)


t = pick(TEXT)
names = dict(zip(SLIDES, t["names"].split("|")))
titles = dict(zip(SLIDES, t["titles"].split("|")))
slide, screen = projector.controls(t, SLIDES, names, INTERVALS)
layout.header(titles[slide], scope.label())
villages, townships = data.table("villages"), data.table("townships")
deck = projector.Deck(t, filters.current(), screen, slide, scope.village_year(),
            projects.with_places(scope.projects(), villages, townships), villages, townships,
            IndustryRule.from_settings())
{"kpis": kpis, "map": county_map, "dimensions": dimensions, "risk": risk, "guarantees": guarantee,
 "funds": funds, "tasks": tasks, "ranking": ranking, "stress": stress_scenario}[slide](deck)
