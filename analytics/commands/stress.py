"""`python -m analytics stress`: how many households a shock to income, medical spending or the
monitoring line would push below the line, where, and what it would take."""

from __future__ import annotations

import argparse
import json
import sys

from analytics.commands import options
from analytics.data.contract import HOUSEHOLD_TYPES
from analytics.data.store import Store
from analytics.planning import stress
from analytics.risk import saved
from analytics.risk.features import RiskDataError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stress", help="规模性返贫压力测试:收入下降、医疗支出变化或监测线上调后有多少户跌破监测线")
    options.year(p, "最近一年")
    p.add_argument("--line", type=float, help="替换该年监测收入标准(元/人·年),用于冲击后的统计")
    p.add_argument("--income-change", nargs="+", default=[], metavar="PART=CHANGE",
                   help="收入项相对变化,PART 为 wage/business/property/transfer,CHANGE 如 -0.3 表示下降 30%%")
    p.add_argument("--medical-change", type=float, default=0.0, help="合规自付医疗支出的相对变化,如 0.2")
    p.add_argument("--township", nargs="+", default=[], metavar="乡镇代码", help="只冲击这些乡镇的农户")
    p.add_argument("--village", nargs="+", default=[], metavar="村代码", help="只冲击这些村的农户(与 --township 取并集)")
    p.add_argument("--household-type", choices=list(HOUSEHOLD_TYPES), help="只冲击该类型的农户")
    options.json_output(p)
    p.set_defaults(run=run)


def _changes(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        part, _, value = item.partition("=")
        if part not in stress.PARTS:
            raise stress.StressError(f"--income-change “{item}”:收入项应为 {'、'.join(stress.PARTS)} 之一。")
        try:
            out[part] = float(value)
        except ValueError:
            raise stress.StressError(f"--income-change “{item}”:变化“{value}”不是数字(如 wage=-0.3)。") from None
    return out


def _check_codes(codes: list[str], known: set[str], option: str) -> None:
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise stress.StressError(f"{option} 中有不存在的代码:{'、'.join(unknown)}")


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    try:
        tables = saved.snapshot_tables(store, store.info().id)
        villages = tables["villages"]
        _check_codes(args.township, set(villages["township_code"]), "--township")
        _check_codes(args.village, set(villages["village_code"]), "--village")
        shock = stress.Shock(_changes(args.income_change), args.medical_change, tuple(args.township),
                             tuple(args.village), args.household_type)
        scenario = stress.Scenario((shock,), args.line)
        scenario.check()
        trained, _, notice = saved.for_snapshot(store)
        if notice:
            print(notice, file=sys.stderr)
        base = stress.baseline(tables, trained.model, args.year)
        result = stress.run(base, scenario, tables.get("townships"), villages)
    except (stress.StressError, RiskDataError) as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        print(_text(result))
    return 0


def _text(result: stress.Result) -> str:
    s = result.summary()
    lines = [f"{s['year']} 年压力测试 · 监测线 {s['line_before']:,.0f} → {s['line_after']:,.0f} 元 · 受冲击 {s['households']:,} 户",
             f"低于监测线:{s['below_line_before']:,} 户 {s['people_below_line_before']:,} 人 → "
             f"{s['below_line_after']:,} 户 {s['people_below_line_after']:,} 人(新增 {s['newly_below_line']:,} 户)",
             f"预计次年返贫:{s['expected_relapse_before']:,.1f} → {s['expected_relapse_after']:,.1f} 户",
             f"拉回监测线所需收入:{s['lift_cost_wan']:,.1f} 万元 · 新增入户核实:{s['extra_visits']:,} 户",
             "新增低于监测线最多的乡镇:"]
    for row in result.by_township.head(5).itertuples():
        lines.append(f"  {getattr(row, 'township_name', row.township_code)}:{row.newly_below_line:,} 户")
    lines += [f"注意:{w}" for w in s["extrapolation"]]
    return "\n".join(lines)
