"""`python -m analytics tasks`: the plan's tasks with section, title, 牵头单位, status and reason;
`tasks-template` writes the ledger's Excel (progress template, or the plan to edit with --plan).
Ledger files are imported by the ordinary `python -m analytics import`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from analytics.commands import options
from analytics.data.store import Store
from analytics.ledger import plan as ledger_plan
from analytics.ledger import progress as ledger_progress
from analytics.ledger import status as ledger_status
from analytics.ledger import workbook

STATUSES = (ledger_status.RED, ledger_status.AMBER, ledger_status.GREEN, ledger_status.OVERDUE)
JSON_COLUMNS = ("task_id", "section", "task", "measure", "lead", "status", "reason", "basis", "overdue",
                "overdue_reason", "last_report")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tasks", help="任务台账:各项任务的章节、任务、牵头单位、状态(红/黄/绿)与原因")
    p.add_argument("--status", choices=STATUSES, help="只列出该状态(overdue:逾期未报)")
    p.add_argument("--department", help="只列出该单位牵头或配合的任务")
    p.add_argument("--as-of", type=int, metavar="YYYYMM", help="按该年月评估状态与逾期(默认本月),如会议所在月份")
    options.json_output(p)
    p.set_defaults(run=run)
    p = sub.add_parser("tasks-template", help="写出任务进展填报模板(.xlsx);加 --plan 写出可编辑的任务台账")
    p.add_argument("out", type=Path, nargs="?", help="输出文件(默认 任务进展模板.xlsx 或 任务台账.xlsx)")
    p.add_argument("--plan", action="store_true", help="写出任务台账本身(供县里按本县方案修改后导入)")
    p.set_defaults(run=run_template)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    if args.as_of is not None and workbook.month_of(str(args.as_of)) is None:
        print(f"错误:--as-of 应为年月(6 位,如 202512),而不是“{args.as_of}”", file=sys.stderr)
        return 1
    table = ledger_status.evaluate(ledger_plan.load(store), ledger_progress.read(store), ledger_status.measured(store),
                                   args.as_of or date.today())
    known = set(table["lead"]) | {p for ps in table["partners"] for p in ps.split("、") if p}
    if args.department and args.department not in known:
        print(f"错误:任务台账中没有单位“{args.department}”;牵头单位有:{'、'.join(ledger_status.departments(table))}",
              file=sys.stderr)
        return 1
    rows = ledger_status.select(table, status=args.status, department=args.department)
    if args.json:
        out = rows[list(JSON_COLUMNS)].astype(object).where(rows[list(JSON_COLUMNS)].notna(), None)
        print(json.dumps({"tasks": out.to_dict("records"), "count": len(out),
                          "by_status": {s: int((table["status"] == s).sum()) for s in STATUSES[:3]},
                          "overdue": int(table["overdue"].sum())}, ensure_ascii=False, indent=1))
        return 0
    counts = "、".join(f"{ledger_status.STATUS_ZH[s]} {(table['status'] == s).sum()}" for s in STATUSES[:3])
    print(f"任务台账共 {len(table)} 项({counts};逾期未报 {int(table['overdue'].sum())});列出 {len(rows)} 项:")
    for r in rows.itertuples():
        flag = " [逾期未报]" if r.overdue else ""
        print(f"[{r.status_zh}] {r.task_id} {r.section} {r.task} · {r.measure}\n"
              f"      牵头:{r.lead} · {r.reason}{flag}")
    return 0


def run_template(args: argparse.Namespace) -> int:
    out = args.out or Path("任务台账.xlsx" if args.plan else "任务进展模板.xlsx")
    out.write_bytes(workbook.template_bytes(ledger_plan.load(Store(args.store)), plan=args.plan))
    print(f"已写出 {out};填好后用 python -m analytics import {out} --user 账户名 导入。")
    return 0
