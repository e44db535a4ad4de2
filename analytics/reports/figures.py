"""Plotly figures shared by the pages, the projector slides and the meeting briefing, so a chart
reads the same on screen, on the projector and on paper.

Each builder takes the frame an analytics function returned and a `names` mapping for the
series labels (Chinese by default; pages pass their own language). Styling for the screen is
ui.charts.style; the briefing styles for print.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.data.contract import GUARANTEE_COLUMNS
from analytics.data.formats import M0_FORMAT
from analytics.data.funds import IndustryRule
from analytics.reports.palette import (
    BAD,
    BOARD_GREEN,
    BOARD_RED,
    CATEGORY_COLOURS,
    COLOURS,
    GAP_COLOURS,
    GOOD,
    GREY,
    INK,
    INK_SOFT,
    SERIES,
    WARN,
)
from analytics.views.guarantees import ANY, GAP_LABELS

WAN = 1e4  # the scale of a 万元 axis: yuan per unit of the data
M0_TICKS = f".{M0_FORMAT.digits}f"  # plotly's spelling of formats.M0_FORMAT


def cn_number(value: float) -> str:
    """A number as Chinese reports write it: 8万, 1.38亿, 5,000; never 80k or 138M."""
    size = abs(value)
    if size >= 1e8:
        return f"{value / 1e8:.3g}亿"
    if size >= 1e4:
        return f"{value / 1e4:.4g}万"
    return f"{value:,.0f}" if float(value).is_integer() or size >= 100 else f"{value:.3g}"


def _nice(step: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above `step`."""
    if step <= 0:
        return 1.0
    base = 10 ** np.floor(np.log10(step))
    return float(next(m * base for m in (1, 2, 2.5, 5, 10) if m * base >= step * (1 - 1e-9)))


def cn_axis(fig: go.Figure, axis: str, top: float, bottom: float = 0.0, scale: float = 1.0,
            ticks: int = 5) -> go.Figure:
    """Ticks of a money or count axis ("x" or "y") from `bottom` to `top` labelled with 万 and
    亿 (`scale` turns a data unit into yuan or households: WAN for 万元). Plotly's own labels
    would read 10k and 1.5M, which a county meeting does not."""
    step = _nice((top - bottom) / ticks)
    values = np.arange(np.floor(bottom / step) * step, np.ceil(top / step - 1e-9) * step + step / 2, step)
    getattr(fig, f"update_{axis}axes")(tickmode="array", tickvals=[float(v) for v in values],
                                       ticktext=[cn_number(v * scale) for v in values])
    return fig


def _top(*series: pd.Series | np.ndarray) -> float:
    return float(max([1.0, *(np.nanmax(np.asarray(s, float)) for s in series if len(s))]))


def guarantee_trend(trend: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Households with any gap (thick) and with each gap, per year: the road to zero."""
    names = {**GAP_LABELS, ANY: "任一项", **(names or {})}
    fig = go.Figure(go.Scatter(x=trend["year"], y=trend[ANY], name=names[ANY], mode="lines+markers+text",
                               text=trend[ANY], textposition="top center", cliponaxis=False,
                               line={"width": 5, "color": COLOURS[0]}, marker={"size": 10}))
    for c in GUARANTEE_COLUMNS:
        fig.add_scatter(x=trend["year"], y=trend[c], name=names[c], mode="lines+markers",
                        line={"color": GAP_COLOURS[c], "width": 2.5})
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")
    return cn_axis(fig, "y", _top(trend[ANY]))


def gap_bars(counts: pd.Series, names: dict[str, str] | None = None, unit: str = "户") -> go.Figure:
    """Households with each gap in one year, as labelled horizontal bars."""
    names = {**GAP_LABELS, **(names or {})}
    columns = list(GUARANTEE_COLUMNS)[::-1]
    fig = go.Figure(go.Bar(y=[names[c] for c in columns], x=[int(counts[c]) for c in columns], orientation="h",
                           marker_color=[GAP_COLOURS[c] for c in columns],
                           text=[f"{int(counts[c]):,} {unit}" for c in columns], textposition="outside",
                           cliponaxis=False))
    fig.update_xaxes(range=[0, max(1, max(int(counts[c]) for c in columns)) * 1.3], showticklabels=False)
    return fig


def monitoring_trend(trend: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Monitored households per year: unresolved, newly identified, eliminated (overview.trend)."""
    names = {"monitored_unresolved": "未消除风险", "newly_identified": "当年新识别", "eliminated": "已消除风险",
             **(names or {})}
    fig = go.Figure([go.Bar(x=trend["year"], y=trend[c], name=names[c], marker_color=colour)
                     for c, colour in zip(("monitored_unresolved", "newly_identified", "eliminated"),
                                          (SERIES["未消除风险"], SERIES["当年新识别"], SERIES["已消除风险"]))])
    fig.update_xaxes(dtick=1)
    return cn_axis(fig, "y", _top(*(trend[c] for c in ("monitored_unresolved", "newly_identified", "eliminated"))))


def income_vs_line(trend: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Per-capita net income of 脱贫户 against the monitoring line (overview.trend)."""
    names = {"poor_income": "脱贫户人均纯收入", "line": "监测收入标准", **(names or {})}
    fig = go.Figure([
        go.Scatter(x=trend["year"], y=trend["poor_income"], name=names["poor_income"], mode="lines+markers+text",
                   text=[f"{v:,.0f}" for v in trend["poor_income"]], textposition="top center", cliponaxis=False,
                   line={"width": 4, "color": COLOURS[1]}),
        go.Scatter(x=trend["year"], y=trend["line"], name=names["line"], mode="lines",
                   line={"dash": "dash", "color": COLOURS[0], "width": 3}),
    ])
    years = trend["year"].astype(int)
    fig.update_xaxes(dtick=1, range=[years.min() - 0.5, years.max() + 0.5])  # room for the end labels
    top = float(max(trend["poor_income"].max(), trend["line"].max())) * 1.25
    fig.update_yaxes(range=[0, top])
    return cn_axis(fig, "y", top)


def line_whatif(table: pd.DataFrame, names: dict[str, str] | None = None) -> go.Figure:
    """Households below each monitoring line (bars, labelled) and those of them not yet monitoring
    objects (the extra workload, line): a projector reads the step from one line to the next.
    `table` is planning.stress.line_range (per line and township)."""
    names = {"below_line": "低于监测线(户)", "extra_visits": "其中尚非监测对象(户)", "line": "监测线(元)",
             **(names or {})}
    total = table.groupby("line")[["below_line", "extra_visits"]].sum().reset_index()
    labels = [f"{v:,.0f}" for v in total["line"]]
    fig = go.Figure([
        go.Bar(x=labels, y=total["below_line"], name=names["below_line"], marker_color=COLOURS[1],
               text=[f"{v:,}" for v in total["below_line"]], textposition="outside", cliponaxis=False),
        go.Scatter(x=labels, y=total["extra_visits"], name=names["extra_visits"], mode="lines+markers+text",
                   text=[f"{v:,}" for v in total["extra_visits"]], textposition="top center",
                   line={"width": 4, "color": COLOURS[0]}),
    ])
    fig.update_xaxes(type="category", title=names["line"])  # "8,320" is a label, not a number to re-tick
    top = float(total["below_line"].max() or 1) * 1.25
    fig.update_yaxes(range=[0, top])
    return cn_axis(fig, "y", top)


def before_after(by_township: pd.DataFrame, names: dict[str, str] | None = None, top: int = 12) -> go.Figure:
    """Households below the line before and after a stress scenario, for the townships with most
    newly below (planning.stress Result.by_township), first on top."""
    names = {"before": "冲击前", "after": "冲击后", **(names or {})}
    rows = by_township.head(top).iloc[::-1]
    label = rows["township_name"] if "township_name" in rows else rows["township_code"]
    fig = go.Figure([
        go.Bar(y=label, x=rows["below_line_before"], name=names["before"], orientation="h", marker_color=GREY),
        go.Bar(y=label, x=rows["below_line_after"], name=names["after"], orientation="h", marker_color=COLOURS[0],
               text=[f"+{v:,}" if v else "" for v in rows["newly_below_line"]], textposition="outside",
               constraintext="none", cliponaxis=False),  # the newly-below count, read from the back of the room
    ])
    return cn_axis(fig, "x", _top(rows["below_line_before"], rows["below_line_after"]))


def funds_by_category(projects: pd.DataFrame, unit: str = "万元", paid_label: str = "已付") -> go.Figure:
    """Funds of one year's projects per category, largest on top, paid share in the label."""
    by = projects.groupby("category").agg(funds=("funds_wan", "sum"), paid=("disbursed_wan", "sum"))
    by = by[by["funds"] > 0].sort_values("funds")
    labels = [f"{f:,.0f} {unit} · {paid_label} {p / f:.0%}" for f, p in zip(by["funds"], by["paid"])]
    fig = go.Figure(go.Bar(y=by.index, x=by["funds"], orientation="h", text=labels, textposition="outside",
                           cliponaxis=False, marker_color=[CATEGORY_COLOURS.get(c, GREY) for c in by.index]))
    fig.update_xaxes(range=[0, float(by["funds"].max()) * 1.9 if len(by) else 1], showticklabels=False)
    return fig


def industry_share(shares: pd.DataFrame, rule: IndustryRule, names: dict[str, str] | None = None) -> go.Figure:
    """Industry share per year (projects.industry_share) against the rule and the 力争 line."""
    names = {"share": "产业发展占比", "rule": "规定下限", "target": "力争", **(names or {})}
    percent = shares["share"] * 100
    fig = go.Figure([
        go.Bar(x=shares["year"], y=percent, name=names["share"], text=[f"{v:.1f}%" for v in percent],
               textposition="outside", cliponaxis=False,
               marker_color=[COLOURS[2] if ok else COLOURS[0] for ok in shares["meets_rule"]]),
        go.Scatter(x=shares["year"], y=[rule.minimum * 100] * len(shares), name=f"{names['rule']} {rule.minimum:.0%}",
                   mode="lines", line={"dash": "dash", "color": INK, "width": 3}),
        go.Scatter(x=shares["year"], y=[rule.target * 100] * len(shares), name=f"{names['target']} {rule.target:.0%}",
                   mode="lines", line={"dash": "dot", "color": INK_SOFT, "width": 2}),
    ])
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return fig


def _two_lines(label: str) -> str:
    """A column label over two lines ("住房<br>安全", "Housing<br>safety"), so a narrow chart
    keeps it level instead of turning it and losing rows' height."""
    if " " in label:
        return label.replace(" ", "<br>", 1)
    return label if len(label) < 4 else f"{label[:(len(label) + 1) // 2]}<br>{label[(len(label) + 1) // 2:]}"


def bottom_line_board(board: pd.DataFrame, name_column: str, names: dict[str, str] | None = None) -> go.Figure:
    """The 底线 board (guarantees.bottom_line): one row per area, one column per bottom-line
    item and any; red with the count of households where any household has a gap, green at 0."""
    names = {**GAP_LABELS, ANY: "任一项", **(names or {})}
    columns = [*GUARANTEE_COLUMNS, ANY]
    rows = board.iloc[::-1]  # plotly draws the first row at the bottom
    counts = rows[columns].to_numpy(int)
    fig = go.Figure(go.Heatmap(
        z=(counts > 0).astype(int), x=[names[c] for c in columns], y=list(rows[name_column]),
        text=counts, texttemplate="%{text}", textfont={"size": 14, "color": "white"}, zmin=0, zmax=1,
        colorscale=[[0, BOARD_GREEN], [1, BOARD_RED]], showscale=False, xgap=3, ygap=3,
        hovertemplate="%{y} · %{x}:%{text} 户<extra></extra>"))
    labels = [names[c] for c in columns]
    fig.update_xaxes(side="bottom", showgrid=False, tickangle=0, tickmode="array", tickvals=labels,
                     ticktext=[_two_lines(label) for label in labels])  # level and narrow: room for every row
    fig.update_yaxes(tickmode="array", tickvals=list(rows[name_column]), ticktext=list(rows[name_column]),
                     showgrid=False, automargin=True)  # every area named, none skipped for space
    return fig


def township_ranking(ranking: pd.DataFrame, components: dict[str, str]) -> go.Figure:
    """Township totals as stacked bars of weighted points per component, best on top.

    `ranking` has township_name, total and one `points_<component>` column per component;
    `components` maps component ids to their labels, in stacking order.
    """
    ordered = ranking.sort_values("total")
    fig = go.Figure([go.Bar(y=ordered["township_name"], x=ordered[f"points_{c}"], name=label, orientation="h",
                            marker_color=colour)
                     for (c, label), colour in zip(components.items(), COLOURS[1:] + COLOURS[:1])])
    fig.add_scatter(y=ordered["township_name"], x=ordered["total"], mode="text",
                    text=[f"{v:.1f}" for v in ordered["total"]], textposition="middle right", showlegend=False,
                    cliponaxis=False)
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(range=[0, 108])
    return fig


def dimension_bars(now: pd.Series, before: pd.Series | None, names: dict[str, str] | None = None) -> go.Figure:
    """Average score per dimension (0-100) this year, with last year beside it when known."""
    names = {"now": "本年", "before": "上年", **(names or {})}
    traces = []
    if before is not None:
        traces.append(go.Bar(x=list(before.index), y=before.to_numpy(), name=names["before"], marker_color=GREY,
                             text=[f"{v:.1f}" for v in before], textposition="outside", cliponaxis=False))
    traces.append(go.Bar(x=list(now.index), y=now.to_numpy(), name=names["now"], marker_color=COLOURS[1],
                         text=[f"{v:.1f}" for v in now], textposition="outside", cliponaxis=False))
    fig = go.Figure(traces)
    fig.update_yaxes(range=[0, 100])
    return fig


def counts_bar(labels: list[str], values: list[float], unit: str, colour: str = COLOURS[0]) -> go.Figure:
    """Labelled horizontal bars (most on top) for a short ranking: risk types, townships."""
    fig = go.Figure(go.Bar(y=labels[::-1], x=values[::-1], orientation="h", marker_color=colour,
                           text=[f"{v:,.0f} {unit}" for v in values[::-1]], textposition="outside",
                           cliponaxis=False))
    fig.update_xaxes(range=[0, max([1, *values]) * 1.3], showticklabels=False)
    return fig


def township_bounds(towns: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """A plan's funds per township (bars) between its minimum and maximum (ticks); `towns` is
    planning.township_table, `names` labels the series funds, min and max."""
    tick = {"symbol": "line-ew-open", "size": 18, "line": {"width": 3}}
    fig = go.Figure([
        go.Bar(x=towns["township_name"], y=towns["funds_wan"], name=names["funds"], marker_color=COLOURS[1]),
        go.Scatter(x=towns["township_name"], y=towns["min_wan"], name=names["min"], mode="markers",
                   marker={**tick, "color": GREY}),
        go.Scatter(x=towns["township_name"], y=towns["max_wan"], name=names["max"], mode="markers",
                   marker={**tick, "color": INK}),
    ])
    return cn_axis(fig, "y", _top(towns["funds_wan"], towns["max_wan"].replace(np.inf, np.nan).dropna()), scale=WAN)


def category_mix(totals: pd.Series, industry: tuple[str, ...]) -> go.Figure:
    """A plan's funds per category, first category on top, the industry categories (the
    planner's Context.industry_categories) in their own colour."""
    order = totals.iloc[::-1]
    fig = go.Figure(go.Bar(y=order.index, x=order.to_numpy(), orientation="h",
                           marker_color=[CATEGORY_COLOURS.get(c, GREY) for c in order.index],
                           marker_pattern_shape=["/" if c in industry else "" for c in order.index],
                           text=[f"{v:,.0f}" for v in order.to_numpy()], textposition="auto"))
    return cn_axis(fig, "x", _top(order), scale=WAN)


def plan_effects(plans: dict[str, dict], keys: list[str]) -> go.Figure:
    """Expected effects (`keys` of each plan's effects) with their intervals as error bars, one
    bar group per plan."""
    fig = go.Figure()
    for name, plan in plans.items():
        rows = [e for e in plan["effects"] if e["key"] in keys]
        fig.add_bar(y=[e["label"] for e in rows], x=[e["estimate"] for e in rows], name=name, orientation="h",
                    error_x={"type": "data", "symmetric": False,
                             "array": [e["high"] - e["estimate"] for e in rows],
                             "arrayminus": [e["estimate"] - e["low"] for e in rows]})
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    return fig


def score_trends(lines: list[tuple[str, pd.Series]], dashed: tuple[int, ...] = (0,),
                 bold: tuple[int, ...] = ()) -> go.Figure:
    """Mean scores (0-100) per year, one line per named series; the `dashed` lines are the
    reference (the area), the `bold` ones the village in view."""
    fig = go.Figure([go.Scatter(x=series.index, y=series, name=name, mode="lines+markers",
                                line={"dash": "dash"} if i in dashed else {"width": 4} if i in bold else None)
                     for i, (name, series) in enumerate(lines)])
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(range=[0, 100])
    return fig


def dimension_radar(axes: list[str], series: list[tuple[str, np.ndarray]]) -> go.Figure:
    """Scores per dimension (0-100) as closed polygons, one per named series."""
    fig = go.Figure([go.Scatterpolar(r=[*r, r[0]], theta=[*axes, axes[0]], name=name, mode="lines+markers")
                     for name, r in series])
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickvals": [25, 50, 75, 100], "angle": 54,
                                            "tickfont": {"size": 11, "color": INK_SOFT}},
                             "angularaxis": {"tickfont": {"size": 15}, "direction": "clockwise"}})
    return fig


def guarantee_flow(flows: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Households with a gap per year: carried over and new above zero, resolved below it
    (guarantees.flow; `names` labels carried, new and resolved)."""
    fig = go.Figure([
        go.Bar(x=flows["year"], y=flows["carried"], name=names["carried"], marker_color=WARN),
        go.Bar(x=flows["year"], y=flows["new"], name=names["new"], marker_color=BAD),
        go.Bar(x=flows["year"], y=-flows["resolved"], name=names["resolved"], customdata=flows["resolved"],
               marker_color=GOOD,
               hovertemplate="%{customdata:,}"),
    ])
    fig.update_layout(barmode="relative")
    fig.update_xaxes(dtick=1)
    return cn_axis(fig, "y", _top(flows["carried"] + flows["new"]), bottom=-_top(flows["resolved"]))


def gaps_by_area(areas: pd.DataFrame, name_column: str, names: dict[str, str] | None = None) -> go.Figure:
    """Households with each gap per area as stacked horizontal bars, first row on top."""
    names = {**GAP_LABELS, **(names or {})}
    ordered = areas.iloc[::-1]
    fig = go.Figure([go.Bar(y=ordered[name_column], x=ordered[c], name=names[c], orientation="h",
                            marker_color=GAP_COLOURS[c]) for c in GUARANTEE_COLUMNS])
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    return cn_axis(fig, "x", _top(areas[list(GUARANTEE_COLUMNS)].sum(axis=1)))


def stacked_by_year(wide: pd.DataFrame, colours: dict[str, str] | None = None, scale: float = 1.0) -> go.Figure:
    """Values per year (rows) stacked by column, one named bar segment per column in order,
    each in its series colour (project categories, statuses, risk types: palette.SERIES);
    `scale` is WAN when the values are 万元."""
    colours = {**SERIES, **(colours or {})}
    fig = go.Figure([go.Bar(x=wide.index, y=wide[c], name=c, marker_color=colours.get(c)) for c in wide.columns])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=1)
    return cn_axis(fig, "y", _top(wide.sum(axis=1)), scale=scale)


def paid_share_bars(progress: pd.DataFrame, name_column: str) -> go.Figure:
    """Paid share (%) per place as labelled horizontal bars, first row on top."""
    ordered = progress.iloc[::-1]
    fig = go.Figure(go.Bar(y=ordered[name_column], x=ordered["paid_share"], orientation="h",
                           text=[f"{v:.1f}%" for v in ordered["paid_share"]], textposition="outside", cliponaxis=False,
                           marker_color=COLOURS[1]))
    fig.update_xaxes(range=[0, 110])
    return fig


def counts_by_type(counts: pd.Series, colours: dict[str, str]) -> go.Figure:
    """Counts per type as labelled horizontal bars, the first type on top."""
    ordered = counts.iloc[::-1]
    fig = go.Figure(go.Bar(x=ordered.to_numpy(), y=ordered.index, orientation="h", text=ordered.to_numpy(),
                           textposition="outside", marker_color=[colours.get(r, GREY) for r in ordered.index]))
    fig.update_xaxes(range=[0, float(ordered.max()) * 1.18])
    return cn_axis(fig, "x", _top(ordered))


def calibration(bins: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Observed against predicted rate (percent) per probability bin, with the diagonal a
    perfectly calibrated model would follow; `names` labels ideal, observed and predicted."""
    top = float(max(bins["predicted"].max(), bins["observed"].max())) * 1.05
    fig = go.Figure([
        go.Scatter(x=[0, top], y=[0, top], mode="lines", name=names["ideal"], line={"dash": "dash", "color": GREY}),
        go.Scatter(x=bins["predicted"], y=bins["observed"], mode="lines+markers", name=names["observed"],
                   marker={"size": 10, "color": COLOURS[0]}),
    ])
    fig.update_xaxes(title=names["predicted"], rangemode="tozero")
    fig.update_yaxes(title=names["observed"], rangemode="tozero")
    return fig


def score_comparison(dimensions: list[str], series: dict[str, pd.Series]) -> go.Figure:
    """Scores per dimension (0-100) side by side for a village and the areas it is compared
    with (named series in order: village, township, county)."""
    fig = go.Figure([go.Bar(x=dimensions, y=values, name=name, text=values.round(1), textposition="outside",
                            cliponaxis=False, marker_color=colour)
                     for (name, values), colour in zip(series.items(), (COLOURS[0], COLOURS[1], GREY))])
    fig.update_yaxes(range=[0, 110])
    return fig


def components_vs_mean(labels: list[str], values: list[float], mean: list[float], names: dict[str, str]) -> go.Figure:
    """One township's assessment components (bars, first on top) against the mean of all
    townships (ticks); `names` labels the township and mean series."""
    fig = go.Figure([
        go.Bar(y=labels[::-1], x=values[::-1], name=names["town"], orientation="h", marker_color=COLOURS[1],
               text=[f"{v:,.1f}" if v == v else "—" for v in values[::-1]], textposition="outside", cliponaxis=False),
        go.Scatter(y=labels[::-1], x=mean[::-1], name=names["mean"], mode="markers",
                   marker={"symbol": "line-ns-open", "size": 34, "line": {"width": 4, "color": COLOURS[0]}}),
    ])
    fig.update_xaxes(range=[0, 115])
    return fig


def jobless_by_site(names: pd.Series, jobless: pd.Series, labels: list[str], unit: str) -> go.Figure:
    """Relocated households with labour but nobody employed, per site, labelled."""
    fig = go.Figure(go.Bar(x=names, y=jobless, text=labels, textposition="outside", cliponaxis=False,
                           marker_color=COLOURS[1]))
    fig.update_yaxes(rangemode="tozero", title=unit)
    return cn_axis(fig, "y", _top(jobless))


def relocation_income(trend: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Income per head of relocated and of all households against the monitoring line, per
    year (relocation.income_trend indexed by year)."""
    fig = go.Figure([
        go.Scatter(x=trend.index, y=trend["relocated_income"], name=names["relocated_income"], mode="lines+markers"),
        go.Scatter(x=trend.index, y=trend["all_income"], name=names["all_income"], mode="lines+markers"),
        go.Scatter(x=trend.index, y=trend["line"], name=names["line"], mode="lines",
                   line={"dash": "dash", "color": COLOURS[0]}),
    ])
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")
    return cn_axis(fig, "y", _top(trend["relocated_income"], trend["all_income"], trend["line"]))


def relocation_employment(trend: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    """Jobless relocated households (bars) and the employed share of labour (line, right
    axis in percent) per year."""
    fig = go.Figure([
        go.Bar(x=trend.index, y=trend["jobless"], name=names["jobless"]),
        go.Scatter(x=trend.index, y=trend["employed_share"], name=names["employed_share"], mode="lines+markers",
                   yaxis="y2"),
    ])
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "dtick": 25, "showgrid": False,
                              "ticksuffix": "%"})
    fig.update_xaxes(dtick=1)
    return cn_axis(fig, "y", _top(trend["jobless"]))


def poverty_contributions(labels: list[str], shares: list[float]) -> go.Figure:
    """Each dimension's contribution to M0 (percent), first on top."""
    fig = go.Figure(go.Bar(x=shares, y=labels, orientation="h", text=[f"{c:.1f}%" for c in shares],
                           textposition="auto"))
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    fig.update_yaxes(autorange="reversed")
    return fig


def poverty_trend(years: list[int], rows: list[dict]) -> go.Figure:
    """H and A (percent, left axis) and M0 (the index, 0.000, right axis) per year: M0 reads
    the same here as on the cards, tables and map (formats.M0_FORMAT)."""
    fig = go.Figure([go.Scatter(x=years, y=[r[key] * 100 for r in rows], name=key, mode="lines+markers")
                     for key in ("H", "A")])
    fig.add_scatter(x=years, y=[r["M0"] for r in rows], name="M0", mode="lines+markers", yaxis="y2",
                    line={"dash": "dash", "width": 3})
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False,
                              "tickformat": M0_TICKS})
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero", ticksuffix="%")
    return fig


def poverty_by_area(areas: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Each area's M0 (the index, as everywhere) split by the dimensions' contributions, first area on top."""
    ordered = areas.iloc[::-1]
    fig = go.Figure([go.Bar(y=ordered["name"], x=ordered["M0"] * ordered[f"contribution_{d}"], name=label,
                            orientation="h") for d, label in labels.items()])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat=M0_TICKS)
    fig.update_yaxes(type="category", dtick=1)
    return fig
