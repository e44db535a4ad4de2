"""`python -m analytics followup [--year Y] [--township CODE] [--json]`: how far the visit lists
have been followed: listed, verified, pending, what the visits found, days to visit, overdue
households by township, and the model's warnings against the rule triggers on what visits found."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from analytics import settings
from analytics.commands import options
from analytics.data.store import Store
from analytics.followup import progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("followup", help="入户核实跟踪:名单户数、已核实、待核实、核实结果、逾期未核实,及模型与规则预警的核实对比")
    options.year(p, "最近导出过走访名单的年度")
    options.township(p)
    options.json_output(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    info = store.info()  # a clear message when the store is empty
    towns = store.table("townships", info.id)
    names = dict(zip(towns["township_code"], towns["township_name"]))
    if args.township is not None and args.township not in names:
        print(f"错误:本县没有乡镇代码 {args.township}。", file=sys.stderr)
        return 1
    result = progress.report(store, args.year, (args.township,) if args.township else None, date.today(),
                             settings.integer("followup.overdue_days"), names)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False, indent=2, default=str))
        return 0
    print(_text(result))
    return 0


def _text(result: progress.Report) -> str:
    o = result.overall
    if not o["listed"]:
        return "还没有导出过入户核实名单(预警名单页或 python -m analytics export warning_list)。"
    days = "—" if o["median_days"] is None else f"{o['median_days']:.0f} 天"
    lines = [f"{result.year} 年度入户核实名单:{o['listed']:,} 户,已核实 {o['verified']:,} 户,待核实 {o['pending']:,} 户,"
             f"逾期未核实 {o['overdue']:,} 户(超过 {settings.integer('followup.overdue_days')} 天)",
             "核实结果:" + "、".join(f"{k} {v:,} 户" for k, v in o["outcomes"].items())
             + (f"(其中 {o['inferred']:,} 户未回填结果,按监测数据推定为纳入监测)" if o["inferred"] else ""),
             f"从导出名单到入户核实的天数(中位数):{days}", "", "各乡镇:"]
    for t in result.townships:
        lines.append(f"  {t['township_name']}({t['township_code']}):名单 {t['listed']:,},已核实 {t['verified']:,},"
                     f"待核实 {t['pending']:,},逾期 {t['overdue']:,}")
        for h in t["overdue_households"][:20]:
            lines.append(f"      逾期:户编号 {h['household_id']},村 {h['village_code']},已等待 {h['waiting']} 天")
    lines += ["", "模型预警与规则预警的核实结果(不含无法核实):"]
    for r in result.judged.itertuples():
        warn = "" if r.enough else f"(核实不足 {progress.MIN_VISITS} 户,比较意义有限)"
        lines.append(f"  {r.township_name}:模型预警 {r.model_visits} 户中纳入监测 {_pct(r.model_confirmed)};"
                     f"规则预警 {r.rule_visits} 户中纳入监测 {_pct(r.rule_confirmed)}{warn}")
    return "\n".join(lines)


def _pct(share: float | None) -> str:
    return "—" if share is None or share != share else f"{share:.0%}"
