"""会议汇报材料: a one-file briefing for a county or township meeting, for one year.

`sections` says what the briefing holds (headings, sentences, cards, charts, tables, the map) as
blocks; `build` renders them as HTML and `analytics.reports.briefing_docx` as a Word file, so
both carry the same sections. The HTML file is self-contained: plotly.js is embedded inline once (never a CDN script tag),
the village map is inline SVG, fonts are the reader's own, so it opens on a machine without
network and prints to PDF from any browser (A4, sections kept on one page where they fit).
It holds aggregates and project lists only, never a household's name or ID number.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from analytics.data import checks
from analytics.data.contract import DIMENSIONS, GUARANTEE_COLUMNS
from analytics.data.funds import IndustryRule
from analytics.reports import figures
from analytics.reports.palette import (
    BRAND,
    CHOROPLETH,
    COLORWAY,
    EDGE,
    GRID,
    INK,
    INK_SOFT,
    MISSING,
    PAPER_HEAD,
    PAPER_NOTE,
    PAPER_NOTE_EDGE,
    WHITE,
)
from analytics.risk import overview as risk_overview
from analytics.scoring.composite import OVERALL
from analytics.views import assessment, guarantees, overview, projects, relocation
from analytics.views.overview import households_people as hp

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
WIDTH = 700  # px: fits A4 portrait with 15 mm margins
PALETTE = CHOROPLETH  # as on screen


HOUSEHOLD_COLUMNS = sorted({*risk_overview.KPI_COLUMNS, *assessment.HOUSEHOLD_COLUMNS, *relocation.SITE_COLUMNS})


@dataclass
class Inputs:
    """Everything the briefing shows, already cut to the user's scope (the township, if one is
    chosen, is cut here). `scores` (scoring.score_villages) and `predictions` (the risk
    model's scored households) may be None when unavailable; their sections then say so.
    `households` need hold only the year and HOUSEHOLD_COLUMNS; `predictions` only the rows at
    or above the high-risk cutoff, with risk_overview.SCORED_COLUMNS."""

    county: str
    year: int
    snapshot_id: str
    is_demo: bool
    townships: pd.DataFrame
    villages: pd.DataFrame
    village_year: pd.DataFrame
    households: pd.DataFrame
    projects: pd.DataFrame
    lines: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    rule: IndustryRule
    flag_deduction: float
    checks: checks.Config
    schedule: list[float]
    scale_ratio: float
    severity: projects.Severity
    employed_min_months: float
    high_risk_probability: float
    weights: dict[str, float]
    township: str | None = None
    scores: pd.DataFrame | None = None
    predictions: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    unconfirmed: tuple[str, ...] = ()  # names of county-owned settings still at the demo's values


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None or value != value else f"{value:,.{digits}f}"


def _pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None or value != value else f"{value * 100:.{digits}f}%"


@dataclass
class Text:
    """A sentence or paragraph; `kind` is summary (body text), note (small print) or bold (a table's title)."""
    text: str
    kind: str = "summary"


@dataclass
class Kpis:
    """Cards: (label, value, unit, note) each."""
    items: list[tuple[str, str, str, str]]
    five: bool = False


@dataclass
class Chart:
    figure: go.Figure
    title: str
    height: int = 320


@dataclass
class Table:
    """`columns` maps frame columns to Chinese headers, in order; `formats` are format specs."""
    frame: pd.DataFrame
    columns: dict[str, str]
    formats: dict[str, str] = field(default_factory=dict)

    def cells(self) -> list[list[tuple[str, bool]]]:
        """Each row's cells as (text, is_number)."""
        rows = []
        for _, row in self.frame.iterrows():
            cells = []
            for c in self.columns:
                value = row[c]
                numeric = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
                if c in self.formats and numeric and value == value:
                    text = format(value, self.formats[c])
                elif value is None or (isinstance(value, float) and value != value):
                    text = "—"
                else:
                    text = str(value)
                cells.append((text, numeric))
            rows.append(cells)
        return rows


@dataclass
class Map:
    """Village polygons coloured by `values` (indexed by village_code)."""
    shapes: gpd.GeoDataFrame
    values: pd.Series
    title: str
    unit: str


Block = Text | Kpis | Chart | Table | Map


@dataclass
class Section:
    title: str
    blocks: list[Block]
    long: bool = False  # may break across pages


@dataclass
class Briefing:
    """What the briefing holds, whatever the file format."""
    title: str
    meta: str
    demo: bool
    sections: list[Section]
    unconfirmed: str  # the footer, empty when every county setting is confirmed


class _Figures:
    """Numbers each embedded figure, so the file is the same for the same inputs."""

    def __init__(self) -> None:
        self.count = 0

    def html(self, chart: Chart) -> str:
        self.count += 1
        fig = go.Figure(chart.figure)  # a copy: the docx renders the same figure
        fig.update_layout(width=WIDTH, height=chart.height, title={"text": chart.title, "x": 0, "font": {"size": 15}},
                          font={"family": FONT, "size": 12, "color": INK}, paper_bgcolor=WHITE,
                          plot_bgcolor=WHITE, margin={"l": 10, "r": 20, "t": 45, "b": 10},
                          legend={"orientation": "h", "y": -0.15, "x": 0}, colorway=COLORWAY)
        fig.update_xaxes(automargin=True, showgrid=False)
        fig.update_yaxes(automargin=True, gridcolor=GRID)
        return fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"figure-{self.count}",
                           config={"displaylogo": False, "displayModeBar": False, "responsive": False})


def _table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for label in table.columns.values())
    rows = ["<tr>" + "".join(f'<td class="{"num" if numeric else ""}">{html.escape(text)}</td>' for text, numeric in row)
            + "</tr>" for row in table.cells()]
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def classes(values: pd.Series, reverse: bool = False) -> tuple[np.ndarray, Callable[[float], str]]:
    """Quantile class edges of `values` and the colour of a value (MISSING for none): one
    colouring for the HTML map and the Word file's map."""
    finite = values.dropna()
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, len(PALETTE) + 1))) if len(finite) else np.array([0, 1])
    if len(edges) < 2:
        edges = np.array([edges[0], edges[0] + 1])
    palette = PALETTE[::-1] if reverse else PALETTE

    def colour(v: float | None) -> str:
        if v is None or v != v:
            return MISSING
        i = int(np.clip(np.searchsorted(edges, v, side="right") - 1, 0, len(edges) - 2))
        return palette[round(i * (len(palette) - 1) / max(len(edges) - 2, 1))]
    return edges, colour


def svg_map(shapes: gpd.GeoDataFrame, values: pd.Series, title: str, unit: str, reverse: bool = False,
            width: int = WIDTH, height: int = 420) -> str:
    """Village polygons coloured by quantile class of `values` (indexed by village_code), with a
    legend, as inline SVG: no script, no tiles, prints sharp."""
    frame = shapes.to_crs("EPSG:4326")
    minx, miny, maxx, maxy = frame.total_bounds
    lat = np.radians((miny + maxy) / 2)
    sx = (maxx - minx) * np.cos(lat)
    sy = maxy - miny
    scale = min((width - 190) / sx, (height - 20) / sy) if sx and sy else 1.0
    edges, colour = classes(values, reverse)

    def path(geom) -> str:
        polys = getattr(geom, "geoms", [geom])
        parts = []
        for poly in polys:
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)
                px = 10 + (xy[:, 0] - minx) * np.cos(lat) * scale
                py = 10 + (maxy - xy[:, 1]) * scale
                parts.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py)) + "Z")
        return "".join(parts)

    body = [f'<path d="{path(g)}" fill="{colour(values.get(code))}" stroke="{INK_SOFT}" stroke-width="0.5"/>'
            for code, g in zip(frame["village_code"], frame.geometry)]
    legend_x = width - 170
    legend = [f'<text x="{legend_x}" y="30" class="legend-title">{html.escape(title)}({html.escape(unit)})</text>']
    for i in range(len(edges) - 1):
        y = 45 + i * 22
        legend.append(f'<rect x="{legend_x}" y="{y}" width="16" height="12" fill="{colour((edges[i] + edges[i + 1]) / 2)}" '
                      f'stroke="{EDGE}"/><text x="{legend_x + 22}" y="{y + 11}">{edges[i]:,.1f} – {edges[i + 1]:,.1f}</text>')
    y = 45 + (len(edges) - 1) * 22
    legend.append(f'<rect x="{legend_x}" y="{y}" width="16" height="12" fill="{MISSING}" stroke="{EDGE}"/>'
                  f'<text x="{legend_x + 22}" y="{y + 11}">无数据</text>')
    return (f'<svg class="map" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">'
            f'{"".join(body)}{"".join(legend)}</svg>')


CSS = f"""
@page {{ size: A4 portrait; margin: 15mm; }}
body {{ font-family: {FONT}; color: {INK}; max-width: {WIDTH + 40}px; margin: 0 auto; padding: 16px; line-height: 1.6; }}
h1 {{ font-size: 24px; margin: 0 0 4px 0; }}
h2 {{ font-size: 19px; border-left: 5px solid {BRAND}; padding-left: 8px; margin: 28px 0 8px 0; }}
.meta {{ color: {INK_SOFT}; font-size: 13px; }}
.demo {{ background: {PAPER_NOTE}; border: 1px solid {PAPER_NOTE_EDGE}; padding: 6px 10px; margin: 10px 0; font-size: 14px; }}
section {{ break-inside: avoid; page-break-inside: avoid; }}
section.long {{ break-inside: auto; page-break-inside: auto; }}
.kpis {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 8px 0; }}
.kpis.five {{ grid-template-columns: repeat(5, 1fr); }}
.kpi {{ border: 1px solid {EDGE}; border-radius: 6px; padding: 6px 8px; }}
.kpi .label {{ font-size: 12px; color: {INK_SOFT}; }}
.kpi .value {{ font-size: 22px; font-weight: 700; }}
.kpi .unit {{ font-size: 12px; font-weight: 400; margin-left: 2px; }}
.kpi .note {{ font-size: 11px; color: {INK_SOFT}; }}
table {{ border-collapse: collapse; width: 100%; font-size: 12px; margin: 6px 0; }}
th, td {{ border: 1px solid {EDGE}; padding: 3px 6px; text-align: left; }}
th {{ background: {PAPER_HEAD}; }}
td.num {{ text-align: right; }}
.summary {{ font-size: 14px; }}
.note {{ color: {INK_SOFT}; font-size: 12px; }}
.legend-title {{ font-weight: 700; }}
svg.map text {{ font-family: {FONT}; font-size: 12px; }}
.plotly-graph-div {{ margin: 4px 0; }}
"""


def _kpi_html(label: str, value: str, unit: str = "", note: str = "") -> str:
    unit_html = f'<span class="unit">{html.escape(unit)}</span>' if unit and value != "—" else ""
    note_html = f'<div class="note">{html.escape(note)}</div>' if note else ""
    return (f'<div class="kpi"><div class="label">{html.escape(label)}</div>'
            f'<div class="value">{html.escape(value)}{unit_html}</div>{note_html}</div>')


def _kpi(label: str, value: str, unit: str = "", note: str = "") -> tuple[str, str, str, str]:
    return label, value, unit, note


def _block_html(block: Block, fig: _Figures) -> str:
    if isinstance(block, Text):
        text = html.escape(block.text)
        return f"<p><b>{text}</b></p>" if block.kind == "bold" else f'<p class="{block.kind}">{text}</p>'
    if isinstance(block, Kpis):
        cards = "".join(_kpi_html(*item) for item in block.items)
        return f'<div class="kpis{" five" if block.five else ""}">{cards}</div>'
    if isinstance(block, Chart):
        return fig.html(block)
    if isinstance(block, Table):
        return _table(block)
    return svg_map(block.shapes, block.values, block.title, block.unit)


def _section_html(section: Section, fig: _Figures) -> str:
    body = "".join(_block_html(b, fig) for b in section.blocks)
    return f'<section class="{"long" if section.long else ""}"><h2>{html.escape(section.title)}</h2>{body}</section>'


PRIVACY_NOTE = "本材料只含汇总数字和项目信息,不含农户姓名、证件号码等个人信息。"


def sections(inputs: Inputs, generated_at: datetime | None = None) -> Briefing:
    """What the briefing holds: title, scope line, sections and notes (the last section, 说明)."""
    data = _restrict(inputs)
    year = inputs.year
    town_name = (dict(zip(inputs.townships["township_code"], inputs.townships["township_name"])).get(inputs.township)
                 if inputs.township else None)
    place = inputs.county + (town_name or "")
    vy, h, pool = data["village_year"], data["households"], data["projects"]
    k = overview.kpis(vy, pool, year, inputs.rule)
    trend = overview.trend(vy, inputs.lines)
    stamp = (generated_at or datetime.now()).strftime("%Y-%m-%d %H:%M")
    notes = inputs.notes + (["乡镇考核排名未含五大振兴得分(得分不可用)。"] if inputs.scores is None else [])
    return Briefing(
        title=f"{place}巩固拓展脱贫攻坚成果同乡村振兴有效衔接 {year} 年工作汇报材料",
        meta=f"范围:{place} · 年度:{year} · 数据快照 {inputs.snapshot_id} · 生成时间 {stamp}",
        demo=inputs.is_demo,
        sections=[
            _overview(k, place, inputs.rule),
            _monitoring(inputs, trend, h),
            _guarantees(inputs, vy, data["villages"]),
            _relocation(inputs, h, data["villages"]),
            _funds(inputs, pool),
            _dimensions(inputs, data["villages"]),
            _ranking(inputs),
            _map(inputs, vy, data),
            Section("说明", [Text(n, "note") for n in [PRIVACY_NOTE, *notes]]),
        ],
        unconfirmed=_unconfirmed_footer(inputs.unconfirmed),
    )


DEMO_NOTE = "模拟数据:本材料由虚构的示范县数据生成,数字不代表任何真实地区。"
PRINT_NOTE = "用浏览器打开后按 Ctrl+P(Mac 为 ⌘+P),选择“另存为 PDF”即可得到 PDF;无需联网。"


def build(inputs: Inputs, generated_at: datetime | None = None) -> str:
    """The briefing as one HTML document (str)."""
    brief, fig = sections(inputs, generated_at), _Figures()
    *body, about = brief.sections
    notes = "".join(f"<li>{html.escape(b.text)}</li>" for b in about.blocks[:1] + [Text(PRINT_NOTE)] + about.blocks[1:])
    demo = f'<div class="demo">{DEMO_NOTE}</div>' if brief.demo else ""
    footer = f'<footer class="unconfirmed">{html.escape(brief.unconfirmed)}</footer>' if brief.unconfirmed else ""
    return (
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(brief.title)}</title><style>{CSS}</style>"
        f"<script>{plotly.offline.get_plotlyjs()}</script></head><body>"
        f"<h1>{html.escape(brief.title)}</h1>"
        f'<div class="meta">{html.escape(brief.meta)}</div>{demo}'
        + "".join(_section_html(s, fig) for s in body)
        + f'<section><h2>{html.escape(about.title)}</h2><ul class="note">{notes}</ul></section>{footer}</body></html>'
    )


def _unconfirmed_footer(names: tuple[str, ...]) -> str:
    if not names:
        return ""
    return f"参数未确认:{'、'.join(names)} 仍为示范县的数值,本材料中依赖它们的数字仅供参考。"


def _restrict(inputs: Inputs) -> dict[str, pd.DataFrame]:
    villages = inputs.villages
    if inputs.township:
        villages = villages[villages["township_code"] == inputs.township]
    codes = set(villages["village_code"])
    return {
        "villages": villages,
        "village_year": inputs.village_year[inputs.village_year["village_code"].isin(codes)],
        "households": inputs.households[inputs.households["village_code"].isin(codes)],
        "projects": overview.projects_in_scope(inputs.projects, list(codes),
                                               [inputs.township] if inputs.township else
                                               list(inputs.townships["township_code"])),
        "boundaries": inputs.boundaries[inputs.boundaries["village_code"].isin(codes)],
    }


def _overview(k: overview.Kpis, place: str, rule: IndustryRule) -> Section:
    categories = ",".join(f"{c} {n:,} 户" for c, n in k.monitored_by_category.items())
    growth = f",比上年增长 {_pct(k.poor_income_growth)}" if k.poor_income_growth is not None else ""
    industry = (("达到" if (k.industry_share or 0) >= rule.minimum else "未达到") + f"不低于 {_pct(rule.minimum, 0)} 的要求,"
                + ("达到" if (k.industry_share or 0) >= rule.target else "未达到") + f"力争的 {_pct(rule.target, 0)}")
    summary = (
        f"{k.year} 年,{place}共有农户 {hp(k.households, k.people)},其中脱贫户 {hp(k.poor_households, k.poor_people)}。"
        f"纳入防止返贫监测的对象 {hp(k.monitored, k.monitored_people)}({categories}),其中风险尚未消除 "
        f"{hp(k.monitored_unresolved, k.monitored_unresolved_people)},"
        f"风险消除率 {_pct(k.eliminated_rate)}。脱贫户人均纯收入 {_num(k.poor_income)} 元{growth}。"
        f"住房、饮水、义务教育、基本医疗任一项未保障的农户 {hp(k.guarantee_problem, k.guarantee_problem_people)}。"
        f"全年衔接资金项目投入 {_num(k.funds_wan, 1)} 万元;{'、'.join(rule.sources)}中产业类占比 "
        f"{_pct(k.industry_share)},{industry}。"
    )
    cards = [
        _kpi("农户", _num(k.households), "户", f"{_num(k.people)} 人"),
        _kpi("脱贫户", _num(k.poor_households), "户", f"{_num(k.poor_people)} 人"),
        _kpi("监测对象", _num(k.monitored), "户",
             f"{_num(k.monitored_people)} 人;未消除风险 {hp(k.monitored_unresolved, k.monitored_unresolved_people)}"),
        _kpi("风险消除率", _pct(k.eliminated_rate)),
        _kpi("三保障及饮水问题户", _num(k.guarantee_problem), "户", f"{_num(k.guarantee_problem_people)} 人"),
        _kpi("脱贫户人均纯收入", _num(k.poor_income), "元", f"同比 {_pct(k.poor_income_growth)}"),
        _kpi("衔接资金", _num(k.funds_wan, 1), "万元"),
        _kpi("产业发展资金占比", _pct(k.industry_share),
             note=f"{'、'.join(rule.sources)};规定 ≥ {_pct(rule.minimum, 0)},力争 ≥ {_pct(rule.target, 0)}"),
    ]
    return Section("一、总体情况", [Text(summary), Kpis(cards)])


def _monitoring(inputs: Inputs, trend: pd.DataFrame, h: pd.DataFrame) -> Section:
    blocks: list[Block] = [Chart(figures.income_vs_line(trend), "脱贫户人均纯收入与监测收入标准(元/人)", 300),
                           Chart(figures.monitoring_trend(trend), "监测对象变化(户)", 300)]
    if inputs.predictions is None:
        blocks.append(Text("返贫风险模型不可用,本节不含预测。", "note"))
    else:
        scored = inputs.predictions[inputs.predictions["village_code"].isin(set(h["village_code"]))]
        scored = scored[scored["year"] == inputs.year]
        cutoff = inputs.high_risk_probability
        mk = risk_overview.kpis(h[h["year"] == inputs.year], scored, inputs.year, cutoff)
        types = risk_overview.predicted_by_risk_type(scored, cutoff).head(8)
        blocks.append(Text(f"模型预测 {inputs.year + 1} 年返贫概率 ≥ {cutoff:.0%}、目前尚未纳入监测的农户 "
                           f"{_num(mk.high_risk_unmonitored)} 户,建议逐户入户核实。"))
        if len(types):
            blocks.append(Chart(figures.counts_bar(list(types.index), list(types), "户"),
                                "预测高风险户的主要风险类型(户)", 280))
    return Section("二、防止返贫动态监测", blocks)


def _guarantees(inputs: Inputs, vy: pd.DataFrame, villages: pd.DataFrame) -> Section:
    now = guarantees.by_type(vy, inputs.year)
    cards = Kpis([_kpi("任一项未保障", _num(now[guarantees.ANY]), "户")]
                 + [_kpi(guarantees.GAP_LABELS[c], _num(now[c]), "户") for c in GUARANTEE_COLUMNS], five=True)
    chart = Chart(figures.guarantee_trend(guarantees.trend(vy)), "两不愁三保障及饮水安全问题户动态清零进度(户)", 300)
    level = "village" if inputs.township else "township"
    area = guarantees.by_area(vy, villages, inputs.townships, inputs.year, level).head(10)
    name = {"township": "乡镇", "village": "村"}[level]
    table = Table(area, {f"{level}_name": name, guarantees.ANY: "问题户(户)",
                         **{c: guarantees.GAP_LABELS[c] for c in GUARANTEE_COLUMNS}, "per_thousand": "每千户"},
                  {"per_thousand": ".1f"})
    return Section("三、两不愁三保障及饮水安全", [cards, chart, table])


def _relocation(inputs: Inputs, h: pd.DataFrame, villages: pd.DataFrame) -> Section:
    sites = relocation.sites(h, villages, inputs.townships, inputs.year, inputs.employed_min_months)
    if sites.empty:
        return Section("四、易地搬迁后续扶持", [Text("本范围内没有易地搬迁户。", "note")])
    total = relocation.totals(sites)
    summary = (f"搬迁户 {_num(total['households'])} 户,其中有劳动力的 {_num(total['with_labour'])} 户,"
               f"有人就业的占 {_num(total['employed_share'], 1)}%;有劳动力但无人就业(全户务工不足 "
               f"{inputs.employed_min_months:g} 个月)的 {_num(total['jobless'])} 户,目标为 0。"
               f"搬迁户人均纯收入 {_num(total['income_per_person'])} 元。")
    table = Table(sites.head(10), {"township_name": "乡镇", "village_name": "安置点", "households": "搬迁户",
                                   "with_labour": "有劳动力户", "employed": "有人就业户", "jobless": "无人就业户",
                                   "employed_share": "就业率(%)", "income_per_person": "人均纯收入(元)"},
                  {"employed_share": ".1f", "income_per_person": ",.0f"})
    return Section("四、易地搬迁后续扶持", [Text(summary), table])


def _funds(inputs: Inputs, pool: pd.DataFrame) -> Section:
    year = pool[pool["year"] == inputs.year]
    if year.empty:
        return Section("五、衔接资金和项目", [Text("本范围内当年没有项目。", "note")])
    funds, paid = float(year["funds_wan"].sum()), float(year["disbursed_wan"].sum())
    shares = projects.industry_share(pool, inputs.rule)
    blocks: list[Block] = [
        Text(f"{inputs.year} 年项目 {len(year):,} 个,投入资金 {_num(funds, 1)} 万元,已支付 {_num(paid, 1)} 万元,"
             f"支付进度 {_pct(paid / funds if funds else None)}。"),
        Chart(figures.funds_by_category(year), f"{inputs.year} 年分类别资金(万元)", 300),
        Chart(figures.industry_share(shares, inputs.rule), "各年度产业发展资金占比", 280),
    ]
    placed = projects.with_places(pool, inputs.villages, inputs.townships)
    flagged = projects.flags(placed[placed["year"] == inputs.year], (inputs.year, 12), inputs.schedule,
                             inputs.scale_ratio, inputs.severity, history=placed)
    if len(flagged):
        serious = int((flagged["severity"] == projects.SEVERITIES[0]).sum())
        blocks += [
            Text(f"需关注的项目 {len(flagged):,} 个,其中严重 {serious:,} 个。下表列出最需要关注的 10 个"
                 "(先按严重程度,再按涉及金额)。"),
            Table(flagged.head(10),
                  {"severity": "严重程度", "flag": "关注原因", "project_name": "项目名称", "township_name": "乡镇",
                   "funds_wan": "资金(万元)", "disbursed_wan": "已支付(万元)", "gap": "落后序时进度(百分点)",
                   "scale_ratio": "为常规规模倍数"},
                  {"funds_wan": ",.1f", "disbursed_wan": ",.1f", "gap": ".1f", "scale_ratio": ".1f"}),
        ]
    return Section("五、衔接资金和项目", blocks, long=True)


def _dimensions(inputs: Inputs, villages: pd.DataFrame) -> Section:
    if inputs.scores is None:
        return Section("六、乡村振兴五大维度", [Text("五大振兴得分不可用。", "note")])
    scores = inputs.scores[inputs.scores["village_code"].isin(set(villages["village_code"]))]
    now, before = scores[scores["year"] == inputs.year], scores[scores["year"] == inputs.year - 1]
    chart = Chart(figures.dimension_bars(now[list(DIMENSIONS)].mean(),
                                         before[list(DIMENSIONS)].mean() if len(before) else None,
                                         {"now": f"{inputs.year} 年", "before": f"{inputs.year - 1} 年"}),
                  "各维度平均得分(0-100 分)", 300)
    ranked = now.dropna(subset=[OVERALL]).sort_values("rank").merge(
        inputs.villages[["village_code", "village_name"]], on="village_code")
    columns = {"rank": "全县排名", "village_name": "村", OVERALL: "综合得分", "tier": "分档"}
    return Section("六、乡村振兴五大维度", [chart, Text("综合得分前 5 名与后 5 名", "bold"),
                                            Table(pd.concat([ranked.head(5), ranked.tail(5)]), columns,
                                                  {OVERALL: ".1f"})])


def _ranking(inputs: Inputs) -> Section:
    coverage = assessment.identification(inputs.households, inputs.lines, inputs.year)
    elimination = assessment.eliminations(inputs.households, inputs.lines, inputs.year, inputs.checks)
    table = assessment.components(inputs.year, inputs.villages, inputs.townships, coverage, elimination,
                                  inputs.projects, inputs.rule, inputs.scores, inputs.flag_deduction)
    ranked = assessment.rank(table, inputs.weights)
    blocks: list[Block] = [Chart(figures.township_ranking(ranked, assessment.COMPONENTS),
                                 f"{inputs.year} 年乡镇考核得分(满分 100 分)", max(300, 24 * len(ranked) + 110))]
    if inputs.township:
        row = ranked[ranked["township_code"] == inputs.township]
        if len(row):
            r = row.iloc[0]
            blocks.append(Text(f"{r['township_name']}总分 {r['total']:.1f} 分,"
                               f"在 {len(ranked)} 个乡镇中排第 {int(r['rank'])} 名。"))
    weights = ",".join(f"{assessment.COMPONENTS[c]} {w:.0%}" for c, w in inputs.weights.items())
    blocks.append(Text(f"权重:{weights}。各项为 0-100 的绝对值,乘以权重相加即总分。", "note"))
    return Section("七、乡镇考核排名", blocks)


def _map(inputs: Inputs, vy: pd.DataFrame, data: dict[str, pd.DataFrame]) -> Section:
    values = overview.village_metric(vy, inputs.year, "monitored_unresolved_share")
    label, unit = overview.MAP_METRICS["monitored_unresolved_share"]
    return Section(f"附:分村{label}", [Map(data["boundaries"], values, label, unit)])
