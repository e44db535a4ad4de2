"""`python -m analytics export TABLE --user NAME --out FILE.xlsx`: one table, as a user sees it;
`export warning_list --year Y` writes the year's visit list, as the 预警名单 page downloads it.

The user signs in with the password on standard input (with the same backoff and lockout as
the app); the rows are cut to the user's townships, personal data is masked unless the role
may see it, and the export is recorded in the audit log.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.access import privacy, users
from analytics.access.scope import Scope
from analytics.commands.users import read_password
from analytics.data import audit
from analytics.data.contract import TABLES
from analytics.data.store import GEO_TABLES, Store
from analytics.followup import lists as visit_lists
from analytics.reports.exports import excel_bytes
from analytics.risk.features import RiskDataError
from analytics.views import warning

VISIT_LIST = "warning_list"
EXPORTABLE = (*(name for name in (*TABLES, "village_year") if name not in GEO_TABLES), VISIT_LIST)
CLIENT = "命令行"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="以某用户的身份导出一张表(按其乡镇范围筛选,按角色脱敏;密码从标准输入读取)")
    p.add_argument("table", choices=EXPORTABLE, help="表名;warning_list 为入户核实预警名单(默认最近年度)")
    p.add_argument("--user", required=True, help="用户名:导出的范围与脱敏按此用户的角色")
    p.add_argument("--out", required=True, type=Path, help="输出的 .xlsx 文件")
    p.add_argument("--year", type=int, help="只导出这一年度")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    signed_in = users.authenticate(store, args.user, read_password(), client=CLIENT)
    if signed_in.user is None:
        wait = f"请 {signed_in.wait_seconds} 秒后再试。" if signed_in.wait_seconds else ""
        print(f"错误:登录失败:用户名或密码不正确,或账户暂不可用。{wait}", file=sys.stderr)
        return 1
    user = signed_in.user
    info = store.info()
    if args.table == VISIT_LIST:
        return _visit_list(store, user, args)
    frame = store.table(args.table, info.id)
    if args.year is not None and "year" in frame.columns:
        frame = frame[frame["year"] == args.year]
    frame = Scope.of(user).apply(frame, store.table("villages", info.id))
    scope = users.scope_label(user) + (f" · {args.year}年度" if args.year is not None else "")
    title = TABLES[args.table].zh if args.table in TABLES else args.table
    args.out.write_bytes(excel_bytes(frame, title, f"范围:{scope} · 数据快照 {info.id}",
                                     personal_visible=user.can_see_personal, names_visible=user.can_see_names))
    audit.record(store, user.name, "export", scope,
                 f"{title} · {len(frame)} 行 · {privacy.note(user.can_see_personal, user.can_see_names)}", CLIENT)
    audit.record(store, user.name, "sign_out", users.scope_label(user), "命令行导出结束", CLIENT)
    print(f"已导出 {len(frame)} 行到 {args.out}(范围:{scope})。")
    return 0


def _visit_list(store: Store, user: users.User, args: argparse.Namespace) -> int:
    """The year's visit list for the user's scope; its households are noted as listed now."""
    info = store.info()
    year = args.year if args.year is not None else int(store.table("village_year", info.id)["year"].max())
    try:
        scored = visit_lists.for_user(store, user, year)
    except RiskDataError as exc:
        print(f"错误:无法计算返贫风险:{exc}", file=sys.stderr)
        return 1
    households = store.rows("households", info.id, year=year, columns=list(warning.HOUSEHOLD_COLUMNS),
                            where=(("household_id", "in", list(scored["household_id"])),)).set_index("household_id")
    shown = warning.visit_list(scored, households, store.table("townships", info.id),
                               store.table("villages", info.id), {True: "是", False: "否"})
    scope = f"{users.scope_label(user)} · {year}年度"
    args.out.write_bytes(excel_bytes(visit_lists.sheet(shown, scored, year), visit_lists.TITLE,
                                     f"范围:{scope} · 数据快照 {info.id}", personal_visible=user.can_see_personal,
                                     names_visible=user.can_see_names, headers=visit_lists.headers(year)))
    visit_lists.record(store, year, scored, user.name)
    audit.record(store, user.name, "export", scope,
                 f"{visit_lists.TITLE} · {len(shown)} 行 · {privacy.note(user.can_see_personal, user.can_see_names)}",
                 CLIENT)
    audit.record(store, user.name, "sign_out", users.scope_label(user), "命令行导出结束", CLIENT)
    print(f"已导出 {len(shown)} 户到 {args.out}(范围:{scope});填写核实结果后可用 import 命令导回。")
    return 0
