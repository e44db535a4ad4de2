"""Fund sources (资金来源) and the county-level items reserved before the village split: which
source pays for each line of a plan.

A county plans with several sources (中央衔接资金, 省级, 市县级) whose rules differ: the
industry share applies to the sources funds.industry_sources counts (the central funds) only.
Items such as 小额信贷贴息, 雨露计划, 公益岗位补助 and 项目管理费 are reserved at county level,
each paid by a named source; the villages share what is left (Constraints.budget_wan).

The split of each category line between sources, defined once here. Money is fungible between
sources except for the rule, so the counted sources put into the industry categories their
pro-rata part or, when the rule needs more, the amount the rule needs (allocation.industry_floor_wan);
the other sources take the rest of each part in proportion to what they have left. Within the
industry (or the other) categories every source follows the plan's category totals. This
always balances: each source spends exactly its budget and each line is paid in full.
"""

from __future__ import annotations

import numpy as np

from analytics import settings
from analytics.planning.allocation import Constraints, Context, fund_sources, industry_floor_wan

VILLAGE_LINE, RESERVE_LINE = "村级分配", "县级预留"


def reserve_categories() -> dict[str, str]:
    """The reserved items a planner picks from, with their project category (settings
    allocation.reserve_items)."""
    return {str(row[0]): str(row[1]) for row in settings.matrix("allocation.reserve_items")}


def left_after_reserves(context: Context, c: Constraints) -> dict[str, float]:
    """Each source's budget less the reserves it pays."""
    return {s: v - sum(r[3] for r in c.reserves if r[2] == s) for s, v in fund_sources(context, c)}


def village_split(context: Context, c: Constraints, by_category: np.ndarray) -> np.ndarray:
    """sources x categories: who pays each category total of the village split (module docstring)."""
    left = left_after_reserves(context, c)
    names = list(left)
    amount = np.array([left[s] for s in names], float)
    counted = np.array([s in context.industry_sources for s in names])
    industry = np.isin(np.arange(len(context.categories)), context.industry)
    totals = np.asarray(by_category, float)
    budget, ind_total = totals.sum(), totals[industry].sum()
    out = np.zeros((len(names), len(context.categories)))
    if budget <= 0:
        return out
    k_total = amount[counted].sum()
    k_industry = min(max(industry_floor_wan(context, c), ind_total * k_total / budget), k_total, ind_total)
    parts = ((counted, k_industry, k_total - k_industry),
             (~counted, ind_total - k_industry, (budget - ind_total) - (k_total - k_industry)))
    for members, ind_part, other_part in parts:
        weight = amount * members
        if weight.sum() <= 0:
            continue
        weight = weight / weight.sum()
        for mask, part in ((industry, ind_part), (~industry, other_part)):
            spread = totals * mask
            if spread.sum() > 0:
                out += np.outer(weight, spread / spread.sum() * max(part, 0.0))
    return out


def industry_share(context: Context, c: Constraints, by_category: np.ndarray) -> float:
    """The industry share the rule measures: of the village split with one budget and no
    reserves; else of the counted sources' funds, their industry reserves included."""
    totals = np.asarray(by_category, float)
    if not c.sources_wan and not c.reserves:
        total = totals.sum()
        return float(totals[context.industry].sum() / total) if total > 0 else 0.0
    names = [s for s, _ in fund_sources(context, c)]
    split = village_split(context, c, totals)
    counted_rows = [i for i, s in enumerate(names) if s in context.industry_sources]
    industry = split[np.ix_(counted_rows, context.industry)].sum()
    industry += sum(r[3] for r in c.reserves if r[2] in context.industry_sources and r[1] in context.industry_categories)
    base = sum(v for s, v in fund_sources(context, c) if s in context.industry_sources)
    return float(industry / base) if base > 0 else 0.0


def fund_plan(context: Context, c: Constraints, totals_by_category: dict[str, float]) -> dict:
    """The plan's lines by source, as `--json` prints and the page shows: `sources` (budget,
    reserved, left for villages per source), `lines` (each reserved item, then each category
    of the village split, with `by_source` in 万元) and `industry_share` of the counted sources."""
    totals = np.array([totals_by_category.get(cat, 0.0) for cat in context.categories], float)
    budgets = fund_sources(context, c)
    left = left_after_reserves(context, c)
    split = village_split(context, c, totals)
    names = [s for s, _ in budgets]
    lines = [{"kind": RESERVE_LINE, "item": item, "category": category, "funds_wan": float(amount),
              "by_source": {s: float(amount) if s == source else 0.0 for s in names}}
             for item, category, source, amount in c.reserves]
    lines += [{"kind": VILLAGE_LINE, "item": cat, "category": cat, "funds_wan": float(totals[j]),
               "by_source": {s: float(split[i, j]) for i, s in enumerate(names)}}
              for j, cat in enumerate(context.categories) if totals[j] > 1e-6]
    return {"sources": [{"source": s, "budget_wan": float(v), "reserved_wan": float(v - left[s]),
                         "villages_wan": float(left[s]), "counted": s in context.industry_sources}
                        for s, v in budgets],
            "lines": lines, "reserved_wan": c.reserved_wan,
            "industry_share": industry_share(context, c, totals),
            "industry_sources": list(context.industry_sources)}


def known_sources(context: Context) -> list[str]:
    """The sources a county names: the counted ones, then funds.other_sources."""
    return list(dict.fromkeys([*context.industry_sources, *settings.texts("funds.other_sources")]))


def match_source(name: str, context: Context) -> str:
    """A source by its full name or the start of it (中央 → 中央衔接资金); Chinese error otherwise."""
    known = known_sources(context)
    name = name.strip()
    if name in known:
        return name
    found = [s for s in known if s.startswith(name)] if name else []
    if len(found) == 1:
        return found[0]
    raise ValueError(f"资金来源“{name}”{'不唯一' if found else '未知'},可选:{'、'.join(known)}"
                     "(设置 funds.industry_sources、funds.other_sources)。")


def _amount(item: str, option: str, example: str) -> tuple[str, float]:
    name, _, value = item.partition("=")
    try:
        amount = float(value)
    except ValueError:
        amount = -1.0
    if not name.strip() or not np.isfinite(amount) or amount < 0:
        raise ValueError(f"{option} 的“{item}”有误:应写成 名称=万元(不小于 0),如 {example}。")
    return name.strip(), amount


def parse_amounts(items: list[str], option: str) -> tuple[tuple[str, float], ...]:
    """"类别=万元" pairs."""
    return tuple(_amount(item, option, "产业发展=6000") for item in items)


def parse_sources(items: list[str], context: Context) -> tuple[tuple[str, float], ...]:
    """"来源=万元" pairs, each source named once."""
    out: dict[str, float] = {}
    for item in items:
        name, amount = _amount(item, "--source", "中央=8000")
        source = match_source(name, context)
        if source in out:
            raise ValueError(f"--source 中资金来源“{source}”出现了两次。")
        out[source] = amount
    return tuple(out.items())


def parse_reserves(items: list[str], sources: list[str], context: Context) -> tuple[tuple[str, str, str, float], ...]:
    """"项目=万元[@来源]" items as Constraints.reserves; the source defaults to the first
    counted source of the plan (中央衔接资金), else its first source."""
    categories = reserve_categories()
    counted = [s for s in sources if s in context.industry_sources]
    default = (counted or sources)[0]
    out = []
    for item in items:
        text, _, source = item.partition("@")
        name, amount = _amount(text, "--reserve", "雨露计划=300")
        if name not in categories:
            raise ValueError(f"--reserve 中的预留项目“{name}”未知,可选:{'、'.join(categories)}"
                             "(设置 allocation.reserve_items)。")
        paid_by = match_source(source, context) if source else default
        out.append((name, categories[name], paid_by, amount))
    return tuple(out)


def describe(fund_plan_: dict) -> list[str]:
    """The source split in words, for the command's text output."""
    lines = ["资金来源(万元):" + ";".join(
        f"{s['source']} {s['budget_wan']:,.1f}(预留 {s['reserved_wan']:,.1f},分到各村 {s['villages_wan']:,.1f})"
        for s in fund_plan_["sources"]),
        f"{'、'.join(fund_plan_['industry_sources'])}产业占比 {fund_plan_['industry_share']:.1%}"]
    for line in fund_plan_["lines"]:
        paid = ",".join(f"{s} {v:,.1f}" for s, v in line["by_source"].items() if v > 0.05) or "-"
        lines.append(f"  [{line['kind']}] {line['item']}({line['category']}):{line['funds_wan']:,.1f}({paid})")
    return lines
