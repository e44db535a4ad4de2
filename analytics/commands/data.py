"""`python -m analytics validate|import|snapshots|rollback|template`: a county's own data in and
out of the store from the command line, with the same checks as the 数据管理 page."""

from __future__ import annotations

import argparse
import getpass
import json
import sqlite3
import sys
import time
from pathlib import Path

from analytics.data.store import StaleSnapshot, Store
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates
from analytics.ingest import visits as visit_import
from analytics.ingest.boundaries import CRS_CHOICES
from analytics.ledger import workbook as ledger_workbook
from analytics.risk import saved as risk_model_store

CRS_HELP = ("村界文件没有声明坐标系时:declared(拒绝,默认)、wgs84(注明坐标是 WGS84 经纬度)、"
            "gcj02(坐标来自高德、腾讯等网络地图,换算为 WGS84)")
KIND_ZH = {"demo": "示范县", "import": "导入", "rollback": "回滚"}


def register(sub: argparse._SubParsersAction) -> None:
    for name, help_text in (("validate", "检查要导入的文件,打印检查报告;没有错误时退出码为 0,有错误为 1"),
                            ("import", "检查后导入为新的数据快照;有错误、或检查后数据已被他人更新时什么也不导入,退出码为 1;"
                                      "已导入但风险模型训练失败时退出码为 3")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("paths", nargs="+", type=Path, help="Excel、CSV、GeoJSON 或压缩的 Shapefile 文件")
        p.add_argument("--crs", choices=CRS_CHOICES, default="declared", help=CRS_HELP)
        p.add_argument("--replace", action="store_true", help="整表替换(默认:带年度的表只替换导入的年度)")
        p.add_argument("--year", type=int, help="人员信息文件的年度(标题行和文件名中都没有年度时必须指定;有则须一致)")
        p.add_argument("--show-personal", action="store_true", help="报告中显示完整的姓名和证件号码(默认脱敏)")
        p.add_argument("--county-name", default="", help="县名:仅当县代码不在国家行政区划代码表中(新设或虚构)时需要")
        p.add_argument("--keep-county-name", action="store_true", help="县代码在区划表中时仍使用 --county-name 填写的名称")
        if name == "import":
            p.add_argument("--user", default=getpass.getuser(), help="记入历史的操作人(默认当前系统用户)")
        p.set_defaults(run=run_import if name == "import" else run_validate)
    p = sub.add_parser("snapshots", help="列出数据快照与操作历史(谁、何时、导入了什么、行数)")
    p.set_defaults(run=run_snapshots)
    p = sub.add_parser("rollback", help="把较早的数据快照重新设为当前数据(回滚本身也记入历史)")
    p.add_argument("snapshot", help="快照编号(见 snapshots 命令)")
    p.add_argument("--user", default=getpass.getuser(), help="记入历史的操作人")
    p.set_defaults(run=run_rollback)
    p = sub.add_parser("template", help="写出导入模板(.xlsx:每张表一个工作表、示例行和“说明”工作表)")
    p.add_argument("out", type=Path, nargs="?", default=Path("数据导入模板.xlsx"), help="输出文件(默认 数据导入模板.xlsx)")
    p.set_defaults(run=run_template)


def _check(args: argparse.Namespace) -> ingest.Checked:
    started = time.perf_counter()
    checked = ingest.check(args.paths, Store(args.store), ingest.Options(
        crs=args.crs, replace=args.replace, year=args.year, county_name=args.county_name,
        keep_county_name=args.keep_county_name))
    print(checked.report.text(personal_visible=args.show_personal))
    print(f"检查用时 {time.perf_counter() - started:.1f} 秒")
    return checked


def _ledger(args: argparse.Namespace, commit: bool) -> int | None:
    """Ledger files (任务台账 / 任务进展 sheets) are checked and kept in state.db, not in a
    snapshot; None when the import holds none. Mixed with data files, nothing is imported."""
    ledger = [p for p in args.paths if ledger_workbook.is_ledger_file(p)]
    if not ledger:
        return None
    if len(ledger) < len(args.paths):
        print("错误:任务台账、任务进展文件请与其他数据文件分开导入;未导入任何数据。")
        return 1
    checked = ledger_workbook.check(ledger, Store(args.store), getattr(args, "user", getpass.getuser()))
    print(checked.report.text())
    if not checked.ok:
        print("未导入任何数据。")
        return 1
    if commit:
        print(ledger_workbook.commit(checked, Store(args.store)))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    ledger = _ledger(args, commit=False)
    if ledger is not None:
        return ledger
    return 0 if _check(args).ok else 1


def run_import(args: argparse.Namespace) -> int:
    ledger = _ledger(args, commit=True)
    if ledger is not None:
        return ledger
    checked = _check(args)
    if not checked.ok:
        print("未导入任何数据。")
        return 1
    started = time.perf_counter()
    store = Store(args.store)
    if checked.visits is not None:  # visit results are kept outside snapshots: no new snapshot, no retraining
        changed = visit_import.save(store, checked.visits, args.user, checked.files, "全县", "命令行")
        print(f"已导入入户核实结果 {len(checked.visits):,} 户(新增或更改 {changed:,} 户),"
              "用 python -m analytics followup 查看跟踪核实进度。")
        return 0
    try:
        snapshot = ingest.commit(checked, store, args.user)
    except StaleSnapshot as exc:
        print(f"未导入任何数据:{exc}(检查之后,有人导入了数据或回滚了快照)。")
        return 1
    print(f"已导入为新的数据快照 {snapshot}(写入用时 {time.perf_counter() - started:.1f} 秒),现为当前数据。")
    for name, rows in store.info(snapshot).row_counts.items():
        print(f"  {name}: {rows:,} 行")
    try:
        print(risk_model_store.prepare(store))
    except (OSError, sqlite3.Error, MemoryError) as exc:
        print(f"数据已导入,但返贫风险模型训练失败({type(exc).__name__}: {exc}):"
              "请处理后运行 python -m analytics risk train;退出码 3。", file=sys.stderr)
        return 3
    return 0


def run_snapshots(args: argparse.Namespace) -> int:
    store = Store(args.store)
    frame = store.snapshots()
    if frame.empty:
        print(f"数据仓库 {store.root} 中还没有数据快照。")
        return 0
    print("数据快照(新的在前;* 为当前数据):")
    for row in frame.itertuples():
        counts = json.loads(row.row_counts)
        rows = "、".join(f"{k} {v:,}" for k, v in counts.items())
        print(f"{'*' if row.current else ' '} {row.id}  {row.created_at}  {row.created_by}  "
              f"{KIND_ZH.get(row.kind, row.kind)}  {row.source}\n      行数:{rows}")
    print("\n操作历史:")
    for row in store.history().itertuples():
        print(f"  {row.at}  {row.user}  {KIND_ZH.get(row.action, row.action)}  {row.snapshot_id}  {row.detail}")
    return 0


def run_rollback(args: argparse.Namespace) -> int:
    store = Store(args.store)
    store.rollback(args.snapshot, user=args.user)
    print(f"已回滚:当前数据为快照 {args.snapshot}。")
    return 0


def run_template(args: argparse.Namespace) -> int:
    args.out.write_bytes(templates.workbook_bytes())
    print(f"已写出导入模板 {args.out}(村界请另附 GeoJSON 或压缩的 Shapefile,见“说明”工作表)。")
    return 0
