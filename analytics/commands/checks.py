"""`python -m analytics checks`: the seven 数据核查 rules (analytics.data.checks) on one year's
household rows, county-wide or for one township."""

from __future__ import annotations

import argparse
import json
import sys

from analytics.commands import options
from analytics.data import checks
from analytics.data.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("checks", help="数据核查:消除过快、应纳未纳等七条规则标记的农户数")
    options.year(p, "最近一年")
    options.township(p)
    options.json_output(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    try:
        config = checks.Config.from_settings()
        villages = store.table("villages")
        if args.township is not None:
            villages = villages[villages["township_code"] == args.township]
            if villages.empty:
                raise checks.ChecksError(f"没有乡镇代码为 {args.township} 的乡镇")
        years = sorted(store.rows("households", columns=["year"])["year"].unique())
        year = args.year if args.year is not None else int(years[-1])
        if year not in years:
            raise checks.ChecksError(f"农户表中没有 {year} 年的数据;可选年度:{'、'.join(str(y) for y in years)}")
        households = store.rows("households", year=year, villages=list(villages["village_code"]),
                                columns=list(checks.COLUMNS))
        rows, flagged, skip = checks.run(households, store.table("monitoring_lines"), year, config)
    except checks.ChecksError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(checks.counts(rows, flagged, villages, year, skip), ensure_ascii=False, indent=1))
        return 0
    print(f"{year} 年数据核查({'乡镇 ' + args.township if args.township else '全县'},{len(rows):,} 户)")
    for _, r in checks.summary(rows, flagged, skip).iterrows():
        result = f"未核查:{r['skipped']}" if r["skipped"] else f"{int(r['households']):,}户{int(r['people']):,}人"
        print(f"  {r['label']}\t{result}")
    return 0
