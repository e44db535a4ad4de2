"""演示: the deck for county meetings. One slide per screen, previous/next (also PageUp and
PageDown, as a presenter's clicker sends), optional auto-advance, every chart sized to the
window so nothing scrolls, no table over ten rows, every number with its unit."""

from __future__ import annotations

import time

import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.data.contract import DIMENSIONS, DIMENSIONS_EN, GUARANTEE_COLUMNS
from analytics.reports import figures
from analytics.risk import overview as risk_overview
from analytics.risk.features import RiskDataError
from analytics.scoring.composite import OVERALL, Method
from analytics.views import assessment, guarantees, overview, projects
from ui import (
    charts,
    data,
    filters,
    layout,
    maps,
    projector,
    scope,
    scores,
    tables,
)
from ui import ranking as ranking_table
from ui import risk as relapse
from ui.text import lang, pick
from ui.texts.slides import TEXT

SLIDES = ("kpis", "map", "dimensions", "risk", "guarantees", "funds", "ranking")
INTERVALS = (10, 20, 30, 60)


t = pick(TEXT)
names = dict(zip(SLIDES, t["names"].split("|")))
series = dict(zip(("poor_income", "line", "monitored_unresolved", "newly_identified", "eliminated", "share", "rule"),
                  t["series"].split("|")))  # legends of the shared figures, in the chosen language
components = dict(zip(assessment.COMPONENTS, t["components"].split("|")))
titles = dict(zip(SLIDES, t["titles"].split("|")))
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
presenting = projector.active()


def _step(offset: int) -> None:
    current = st.session_state.get("slide") or SLIDES[0]
    st.session_state["slide"] = SLIDES[(SLIDES.index(current) + offset) % len(SLIDES)]


if st.session_state.pop("_slides_advance", False):
    _step(1)
width, height = projector.viewport()

# --- the control bar ------------------------------------------------------------------------
st.html("<style>.st-key-projector_exit { display: none !important; } "
        ".st-key-slides_prev kbd, .st-key-slides_next kbd { display: none !important; }</style>")
if not presenting:  # clear of the Streamlit header that sits over the top of the page
    st.html("<style>.block-container { padding-top: 3.6rem !important; }</style>")
bar = st.columns([0.7, 13, 0.7, 0.8, 2.4] if presenting else [0.7, 5, 0.7, 0.8, 3.2], vertical_alignment="center",
                 gap="small")
bar[0].button("", icon=":material/chevron_left:", help=f"{t['prev']} (PageUp)", on_click=_step, args=(-1,),
              key="slides_prev", shortcut="PageUp")
if st.session_state.get("slide") not in SLIDES:  # first run here: the slide named in the link
    st.session_state["slide"] = st.query_params.get("slide") if st.query_params.get("slide") in SLIDES else SLIDES[0]
with bar[1]:  # all slide names in a row on the projector; a compact list beside the sidebar
    if presenting:
        slide = st.segmented_control(t["slide"], SLIDES, required=True, key="slide", format_func=names.get,
                                     label_visibility="collapsed")
    else:
        slide = st.selectbox(t["slide"], SLIDES, key="slide", format_func=names.get, label_visibility="collapsed")
st.query_params["slide"] = slide  # ?slide=map: a copied link opens the same slide
bar[2].button("", icon=":material/chevron_right:", help=f"{t['next']} (PageDown)", on_click=_step, args=(1,),
              key="slides_next", shortcut="PageDown")
with bar[3].popover("", icon=":material/play_circle:", help=t["auto"]):
    auto = st.toggle(t["auto"], key="slides_auto")
    every = st.selectbox(t["every"], INTERVALS, index=1, key="slides_every",
                         format_func=lambda n: t["seconds"].format(n=n))
if presenting:
    bar[4].button(t["exit"], on_click=projector.turn_off, icon=":material/close_fullscreen:", key="slides_exit")
else:
    bar[4].button(t["start"], on_click=projector.turn_on, icon=":material/co_present:", key="slides_start")
if auto:
    st.session_state["_slides_shown_at"] = time.time()

    @st.fragment(run_every=every)
    def _tick() -> None:
        if time.time() - st.session_state.get("_slides_shown_at", 0.0) >= every - 0.5:
            st.session_state["_slides_advance"] = True
            st.rerun()

    _tick()

layout.header(titles[slide], scope.label())
# Height left for the slide body: the window less the control bar, title, banner and scope line.
# Type scales with the window width (see the CSS in ui.projector and ui.layout), so these are
# linear in the width, fitted on Chromium at 1024, 1280, 1366 and 1920 px wide with a few px to
# spare; the browser tests check that no slide scrolls at 1024x768 and 1920x1080.
HEADER = (135 + 0.045 * width) if presenting else (300 + 0.02 * width)
CARD_ROW = (80 + 0.0703 * width) if presenting else (112 + 0.02 * width)
body = max(int(height - HEADER - 16), 320 if presenting else 540)  # beside the sidebar the page may scroll
font = int(min(24, max(15, height / 42)))


def show(fig: go.Figure, h: int, title: str | None = None) -> None:
    """A chart in projector type: the size follows the window, dark text, no Streamlit theme."""
    fig = charts.style(fig, h, title)
    fig.update_layout(font={"family": charts.FONT, "size": font, "color": "#111"},
                      title={"x": 0, "xanchor": "left", "font": {"size": font + 2, "color": "#000"}},
                      legend={"orientation": "h", "yanchor": "top", "y": -0.16, "x": 0, "font": {"size": font - 1}},
                      margin={"l": 10, "r": 30, "t": font * 3 if title else 10, "b": 10})
    fig.update_xaxes(tickfont={"size": font - 2, "color": "#111"}, automargin=True)
    fig.update_yaxes(tickfont={"size": font - 2, "color": "#111"}, gridcolor="#d0d0d0", automargin=True)
    st.plotly_chart(fig, config=charts.CONFIG, width="stretch", theme=None, key=f"slide_{slide}_{title}")


def unit(value: str, u: str) -> str:
    """A big number with its unit in smaller type (the metric value is markdown)."""
    return f"{value} :small[{u}]" if value != "—" and u else value


def cards_height(rows: int = 1) -> int:
    """Height of `rows` rows of metric cards, with the gaps between them and below."""
    return int(rows * (CARD_ROW + 7))


# --- the slides -----------------------------------------------------------------------------
codes = scope.village_codes()
vy = scope.village_year()
pool = projects.with_places(scope.projects(), villages, townships)
rule = settings.number("funds.industry_min_share")


def kpis() -> None:
    k = overview.kpis(vy, pool, f.year)
    growth = t["growth"].format(growth=layout.pct(k.poor_income_growth)) if k.poor_income_growth is not None else None
    layout.cards([
        layout.Card(t["households"], unit(layout.num(k.households), t["u_hh"])),
        layout.Card(t["poor"], unit(layout.num(k.poor_households), t["u_hh"])),
        layout.Card(t["monitored"], unit(layout.num(k.monitored), t["u_hh"]),
                    t["unresolved"].format(n=k.monitored_unresolved), delta_color="off"),
        layout.Card(t["eliminated"], layout.pct(k.eliminated_rate)),
        layout.Card(t["guarantee"], unit(layout.num(k.guarantee_problem), t["u_hh"])),
        layout.Card(t["poor_income"], unit(layout.num(k.poor_income), t["u_yuan"]), growth),
        layout.Card(t["funds"], unit(layout.num(k.funds_wan), t["u_wan"])),
        layout.Card(t["industry"], layout.pct(k.industry_share), t["rule"].format(rule=layout.pct(rule, 0)),
                    delta_color="normal" if (k.industry_share or 0) >= rule else "inverse"),
    ])
    rest = body - cards_height(2)
    if rest >= 180:
        trend = overview.trend(vy, data.table("monitoring_lines"))
        left, right = st.columns(2)
        with left:
            show(figures.income_vs_line(trend, series), rest, t["income_chart"])
        with right:
            show(figures.monitoring_trend(trend, series), rest, t["monitor_chart"])


def county_map() -> None:
    metric = st.session_state.get("slides_map_metric") or "monitored_unresolved_share"
    label, u = overview.MAP_METRICS[metric]
    values = overview.village_metric(vy, f.year, metric)
    village_names = villages.set_index("village_code")["village_name"]
    left, right = st.columns([5, 3])
    with left:
        shapes = data.shapes()
        shapes = shapes[shapes["village_code"].isin(codes)] if f.township else shapes
        maps.show(maps.choropleth(shapes, values, village_names, title=label, unit=u,
                                  fmt=",.1f" if u == "%" else ",.0f", highlight=f.village,
                                  reverse=metric in ("poor_income", "eliminated_rate")), height=body)
    with right:
        st.selectbox(label, list(overview.MAP_METRICS), key="slides_map_metric",
                     format_func=lambda m: overview.MAP_METRICS[m][0], label_visibility="collapsed")
        high = values.dropna().sort_values(ascending=metric in ("poor_income", "eliminated_rate")).head(8)
        st.markdown(f"**{t['top_villages'].format(metric=label)}**")
        frame = high.rename("value").reset_index()
        frame["village_name"] = frame["village_code"].map(village_names)
        frame["value"] = [f"{v:,.1f} {u}" if u == "%" else f"{v:,.0f} {u}" for v in frame["value"]]
        tables.show(frame[["village_name", "value", "village_code"]], {"village_name": t["village"], "value": label})


def dimensions() -> None:
    table = scores.scores(Method.default())
    now = table[table["year"] == f.year]
    before = table[table["year"] == f.year - 1]
    dim_names = {d: (DIMENSIONS_EN[d] if lang() == "en" else d) for d in DIMENSIONS}
    mean_now = now[list(DIMENSIONS)].mean().rename(index=dim_names)
    mean_before = before[list(DIMENSIONS)].mean().rename(index=dim_names) if len(before) else None
    left, right = st.columns([3, 2])
    with left:
        show(figures.dimension_bars(mean_now, mean_before, {"now": t["now"].format(year=f.year),
                                                             "before": t["before"].format(year=f.year - 1)}),
             body - 10, t["dims_chart"])
    with right:
        ranked = now.dropna(subset=[OVERALL]).sort_values("rank")
        ranked = ranked.assign(village_name=ranked["village_code"].map(villages.set_index("village_code")["village_name"]),
                               township_name=ranked["township_code"].map(townships.set_index("township_code")["township_name"]))
        columns = ["rank", "village_name", "township_name", OVERALL, "village_code"]
        labels = {"rank": t["rank"], "village_name": t["village"], "township_name": t["town"], OVERALL: t["overall"]}
        n = 5 if body > 540 else 4  # two tables of n rows and their headings fill the column
        st.markdown(f"**{t['best'].format(n=n)}**")
        tables.show(ranked[columns].head(n), labels, formats={OVERALL: "%.1f"})
        st.markdown(f"**{t['worst'].format(n=n)}**")
        tables.show(ranked[columns].tail(n), labels, formats={OVERALL: "%.1f"})
        tiers = now["tier"].value_counts()
        st.caption(t["tiers"].format(tiers=",".join(f"{k} {v}" for k, v in tiers.items())))


def risk() -> None:
    cutoff = settings.number("risk.high_risk_probability")
    try:
        scored = relapse.high_risk(f.year, cutoff)
    except RiskDataError as error:
        st.error(t["no_model"].format(error=error))
        return
    k = relapse.kpis(f.year, cutoff)
    layout.cards([
        layout.Card(t["unresolved_n"], unit(layout.num(k.unresolved), t["u_hh"])),
        layout.Card(t["newly"], unit(layout.num(k.newly_identified), t["u_hh"])),
        layout.Card(t["eliminated_n"], unit(layout.num(k.eliminated_this_year), t["u_hh"])),
        layout.Card(t["high_risk"], unit(layout.num(k.high_risk_unmonitored), t["u_hh"]),
                    t["cutoff"].format(next=f.year + 1, cutoff=cutoff), delta_color="off"),
    ])
    rest = body - cards_height()
    high = scored[scored["probability"] >= cutoff]
    left, right = st.columns(2)
    with left:
        types = risk_overview.predicted_by_risk_type(scored, cutoff).head(8)
        show(figures.counts_bar(list(types.index), list(types), t["u_hh"]), rest, t["risk_types_chart"])
    with right:
        by_town = high.groupby("township_code").size().sort_values(ascending=False).head(10)
        town_names = townships.set_index("township_code")["township_name"]
        show(figures.counts_bar(list(by_town.index.map(town_names)), list(by_town), t["u_hh"], figures.COLOURS[1]),
             rest, t["by_town_chart"])


def guarantee() -> None:
    gap_names = dict(zip(GUARANTEE_COLUMNS, t["gap_labels"].split("|")))
    now = guarantees.by_type(vy, f.year)
    before = guarantees.by_type(vy, f.year - 1) if f.year - 1 in f.years else None
    delta = int(now[guarantees.ANY] - before[guarantees.ANY]) if before is not None else None
    layout.cards([
        layout.Card(t["any_gap"], unit(layout.num(now[guarantees.ANY]), t["u_hh"]),
                    f"{delta:+,} {t['u_hh']}" if delta is not None else None, delta_color="inverse"),
        *[layout.Card(gap_names[c], unit(layout.num(now[c]), t["u_hh"])) for c in GUARANTEE_COLUMNS],
    ], per_row=5)
    rest = body - cards_height()
    left, right = st.columns([3, 2])
    with left:
        show(figures.guarantee_trend(guarantees.trend(vy), {**gap_names, guarantees.ANY: t["any_series"]}), rest,
             t["gap_trend"])
    with right:
        show(figures.gap_bars(now, gap_names, t["u_hh"]), rest, t["gap_types"].format(year=f.year))


def funds() -> None:
    year = pool[pool["year"] == f.year]
    if year.empty:
        st.info(t["no_projects"])
        return
    total, paid = float(year["funds_wan"].sum()), float(year["disbursed_wan"].sum())
    shares = projects.industry_share(pool, rule)
    share = shares.set_index("year")["share"].get(f.year)
    schedule = list(settings.numbers("funds.disbursement_schedule"))
    flagged = projects.flags(year, (f.year, 12), schedule, settings.number("funds.scale_flag_ratio"), history=pool)
    layout.cards([
        layout.Card(t["funds"], unit(layout.num(total), t["u_wan"])),
        layout.Card(t["paid"], unit(layout.num(paid), t["u_wan"]),
                    t["paid_share"].format(share=layout.pct(paid / total if total else None)), delta_color="off"),
        layout.Card(t["industry"], layout.pct(share), t["rule"].format(rule=layout.pct(rule, 0)),
                    delta_color="normal" if (share or 0) >= rule else "inverse"),
        layout.Card(t["flagged"], unit(layout.num(len(flagged)), t["u_projects"])),
    ])
    rest = body - cards_height()
    left, right = st.columns(2)
    with left:
        show(figures.funds_by_category(year, t["u_wan"], t["paid"]), rest, t["by_category"].format(year=f.year))
    with right:
        show(figures.industry_share(shares, rule, series), rest, t["share_chart"])


def ranking() -> None:
    weight = ranking_table.default_weights()
    ranked = ranking_table.table(f.year, weight)
    show(figures.township_ranking(ranked, components), body - 2 * font - 20, t["ranking_chart"].format(year=f.year))
    st.caption(t["weights"].format(weights=",".join(f"{components[c]} {w:.0%}" for c, w in weight.items())))

{"kpis": kpis, "map": county_map, "dimensions": dimensions, "risk": risk, "guarantees": guarantee,
 "funds": funds, "ranking": ranking}[slide]()
