"""`python -m analytics allocate`: the fund plan for a budget, next to the baselines."""

from __future__ import annotations

import argparse
import json
import sys

from analytics import settings
from analytics.commands import options
from analytics.data.store import Store
from analytics.planning import lookback, projects, response
from analytics.planning import plan as planning
from analytics.planning import sources as funding
from analytics.planning.allocation import AllocationError, Constraints


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("allocate", help="资金推演:按目标和约束分配衔接资金,并与基准方案比较")
    p.add_argument("--budget", type=float, help="总预算(万元;给出 --source 时可省略,为各来源之和)")
    p.add_argument("--source", nargs="+", default=[], metavar="来源=万元",
                   help="按资金来源给出预算,如 中央=8000 省级=2000 县级=1000(来源名可写开头几个字);"
                        "产业占比规则只统计 funds.industry_sources 所列来源")
    p.add_argument("--reserve", nargs="+", default=[], metavar="项目=万元[@来源]",
                   help="村级分配前县级预留的项目,如 雨露计划=300 项目管理费=80@中央(默认由中央衔接资金列支;"
                        "项目见设置 allocation.reserve_items)")
    p.add_argument("--category-min-wan", nargs="+", default=[], metavar="类别=万元", help="类别资金下限(万元)")
    p.add_argument("--category-max-wan", nargs="+", default=[], metavar="类别=万元", help="类别资金上限(万元)")
    p.add_argument("--village-max-change", type=float,
                   help="每村资金与上年相比最多增减的比例 0-1(如 0.3;默认取设置 allocation.village_max_change,0 为不设)")
    p.add_argument("--look-back", action="store_true",
                   help="回头看:上一个已有结果的年度,模型预测的资金效果与数据后来显示的效果对比")
    options.year(p, "项目库储备项目所在的规划年度")
    p.add_argument("--min-industry-share", type=float, help="产业发展资金最低占比 0-1(默认取设置 funds.industry_min_share)")
    p.add_argument("--mode", choices=list(planning.MODES), default="fractional",
                   help="fractional 按村按类别分配资金;projects 从项目库中整项目选择储备项目(续建项目优先)")
    p.add_argument("--objective", choices=list(planning.OBJECTIVES), default="risk",
                   help="目标:risk 减少返贫致贫风险户;score 提高滞后村得分;blend 两者加权")
    p.add_argument("--blend-weight", type=float, help="blend 目标中减少风险户的权重 0-1(默认取设置)")
    p.add_argument("--village-cap", type=float, help="每村上限(万元;默认为村均 × 设置的倍数,0 表示不设)")
    p.add_argument("--key-village-min", type=float, help="每个重点帮扶村的下限(万元;默认为村均 × 设置的倍数)")
    p.add_argument("--keep-last-year", nargs="+", default=[], metavar="村代码", help="这些村不少于上年")
    p.add_argument("--pool-only", action="store_true", help="只安排项目库中的储备项目")
    p.add_argument("--category-min", nargs="+", default=[], metavar="类别=占比", help="类别资金下限(占预算比例 0-1)")
    p.add_argument("--category-max", nargs="+", default=[], metavar="类别=占比", help="类别资金上限(占预算比例 0-1)")
    p.add_argument("--raw-effects", action="store_true",
                   help="按原始估计求最优,不收缩效果、不设占比稳定约束(结果可能是角点方案)")
    options.json_output(p)
    p.set_defaults(run=run)


def _constraints(args: argparse.Namespace, context) -> Constraints:
    sources_wan = funding.parse_sources(args.source, context)
    total = sum(v for _, v in sources_wan) if sources_wan else args.budget
    if total is None:
        raise AllocationError("请给出总预算 --budget 或各来源预算 --source。")
    if sources_wan and args.budget is not None and abs(args.budget - total) > 0.05:
        raise AllocationError(f"--budget {args.budget:g} 与 --source 各来源之和 {total:g} 万元不符。")
    if total <= 0:
        raise AllocationError(f"总预算应大于 0 万元,当前为 {total}。")
    reserves = funding.parse_reserves(args.reserve, [s for s, _ in sources_wan] or [context.industry_sources[0]],
                                      context)
    known = set(context.villages["village_code"])
    unknown = [c for c in args.keep_last_year if c not in known]
    if unknown:
        raise AllocationError(f"--keep-last-year 中有不存在的村代码:{'、'.join(unknown)}")
    changes = {"keep_last_year": tuple(args.keep_last_year), "pool_only": args.pool_only,
               "category_min_share": _shares(args.category_min, "--category-min"),
               "category_max_share": _shares(args.category_max, "--category-max"),
               "category_min_wan": funding.parse_amounts(args.category_min_wan, "--category-min-wan"),
               "category_max_wan": funding.parse_amounts(args.category_max_wan, "--category-max-wan"),
               "sources_wan": sources_wan, "reserves": reserves}
    if args.village_max_change is not None:
        if not 0 <= args.village_max_change <= 1:
            raise AllocationError(f"--village-max-change 应在 0 到 1 之间(如 0.3),当前为 {args.village_max_change}。")
        changes["village_max_change"] = args.village_max_change or None
    if args.min_industry_share is not None:
        if not 0 <= args.min_industry_share <= 1:
            raise AllocationError(f"产业发展资金最低占比应在 0 到 1 之间,当前为 {args.min_industry_share}。")
        changes["industry_min_share"] = args.min_industry_share
    if args.village_cap is not None:
        changes["village_cap_wan"] = args.village_cap or None
    if args.key_village_min is not None:
        changes["key_village_min_wan"] = args.key_village_min
    towns = sorted(set(context.villages["township_code"]))
    village_budget = total - sum(r[3] for r in reserves)
    return Constraints.from_settings(village_budget, towns, len(context.villages), **changes)


def _shares(items: list[str], option: str) -> tuple[tuple[str, float], ...]:
    """"类别=占比" pairs; a bad item gets a Chinese message naming it."""
    out = []
    for item in items:
        category, _, value = item.partition("=")
        try:
            share = float(value)
        except ValueError:
            share = -1.0
        if not 0 <= share <= 1:
            raise AllocationError(f"{option} 的“{item}”有误:应写成 类别=占比,占比在 0 到 1 之间,如 产业发展=0.6。")
        out.append((category.strip(), share))
    return tuple(out)


def run(args: argparse.Namespace) -> int:
    tables = planning.snapshot_tables(Store(args.store))
    if args.look_back:
        return _look_back(args, tables)
    try:
        context = planning.build_context(tables, args.year)
        effects = response.Effects(response.fit_snapshot(tables, response.ResponseModel.from_settings()), shrunk=not args.raw_effects)
        blend = args.blend_weight if args.blend_weight is not None else settings.number("allocation.blend_risk_weight")
        request = planning.Request(_constraints(args, context), args.objective, float(blend),
                                   cautious=not args.raw_effects, mode=args.mode)
        result = projects.solve(context, effects, request, tables["projects"])
    except (AllocationError, ValueError) as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(_text(result, context.township_names))
    return 0


def _text(result: planning.Plan, towns: dict[str, str]) -> str:
    solver = result.solver
    lines = [f"{result.year} 年资金推演 · 目标:{solver['objective_zh']} · 总额 {result.total_wan:,.1f} 万元",
             f"产业发展占比 {result.industry_share:.1%} · 求解 {solver['seconds']:.2f} 秒,最优性差距 {solver['gap']:.1e}",
             "分类别(万元):" + ",".join(f"{c} {v:,.1f}" for c, v in result.totals_by_category.items() if v > 0),
             "分乡镇(万元):" + ",".join(f"{towns.get(t, t)} {v:,.1f}" for t, v in result.totals_by_township.items()),
             "所用效果:" + ("收缩后的效果(稳健方案,只有数据支持有效的类别计入目标:"
                            + ("、".join(c for c, ok in result.supported.items() if ok) or "无") + ")"
                            if result.cautious else "原始估计(不设占比稳定约束)"),
             "预计效果(区间为 {:.0%} 置信区间):".format(result.effects[0]["level"])]
    for e in result.effects:
        lines.append(f"  {e['label']}:{e['estimate']:,.1f} {e['unit']}({e['low']:,.1f} ~ {e['high']:,.1f})")
    chosen = [p for p in result.projects or [] if p["selected"]]
    if chosen:
        lines.append(f"选中的项目({len(chosen)} 个,万元):")
        lines.extend(f"  {p['project_id']} {p['village_name']} {p['project_name']}({p['category']}) "
                     f"{p['funds_wan']:,.1f}{'(续建)' if p['continuing'] else ''}" for p in chosen)
    lines.append("各类资金每单位效果 · 返贫致贫风险发生率(百分点):收缩后 / 原始估计")
    for e in result.effect_sources:
        if e["outcome"] == "relapse":
            lines.append(f"  {e['category']}:{e['estimate']:.3f}({e['low']:.3f} ~ {e['high']:.3f}) / "
                         f"{e['raw_estimate']:.3f}({e['raw_low']:.3f} ~ {e['raw_high']:.3f})")
    lines.extend(funding.describe(result.fund_plan))
    lines.append("约束:" + ";".join(result.rules))
    lines.extend(f"说明:{note}" for note in result.notes)
    lines.append("基准方案:")
    for b in result.baselines.values():
        first = b.effects[0]
        broken = ";违反:" + ";".join(b.violations) if b.violations else ""
        lines.append(f"  {b.label}:{first['label']} {first['estimate']:,.1f} {first['unit']},"
                     f"产业发展占比 {b.industry_share:.1%}{broken}")
    return "\n".join(lines)


def _look_back(args: argparse.Namespace, tables: dict) -> int:
    """Predicted against observed effects of the latest year whose results are in the data."""
    try:
        context = planning.build_context(tables, args.year)
        saved = lookback.saved_plan(Store(args.store), lookback.look_back_year(tables))
        found = lookback.LookBack.from_settings().fit(tables, context.score_points.get("overall"), saved=saved)
    except ValueError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=1))
    else:
        print("\n".join([found.headline(), *found.sentences()]))
    return 0
