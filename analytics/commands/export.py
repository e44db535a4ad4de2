"""`python -m analytics export TABLE --user NAME --out FILE.xlsx`: one table, as a user sees it.

The user signs in with the password on standard input (with the same backoff and lockout as
the app); the rows are cut to the user's townships, personal data is masked unless the role
may see it, and the export is recorded in the audit log.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.access import users
from analytics.access.scope import Scope
from analytics.commands.users import read_password
from analytics.data import audit
from analytics.data.contract import TABLES
from analytics.data.store import GEO_TABLES, Store
from analytics.reports.exports import excel_bytes

EXPORTABLE = tuple(name for name in (*TABLES, "village_year") if name not in GEO_TABLES)
CLIENT = "命令行"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="以某用户的身份导出一张表(按其乡镇范围筛选,按角色脱敏;密码从标准输入读取)")
    p.add_argument("table", choices=EXPORTABLE, help="表名")
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
    frame = store.table(args.table, info.id)
    if args.year is not None and "year" in frame.columns:
        frame = frame[frame["year"] == args.year]
    frame = Scope.of(user).apply(frame, store.table("villages", info.id))
    scope = users.scope_label(user) + (f" · {args.year}年度" if args.year is not None else "")
    title = TABLES[args.table].zh if args.table in TABLES else args.table
    args.out.write_bytes(excel_bytes(frame, title, f"范围:{scope} · 数据快照 {info.id}",
                                     personal_visible=user.can_see_personal))
    audit.record(store, user.name, "export", scope,
                 f"{title} · {len(frame)} 行 · {'含完整个人信息' if user.can_see_personal else '个人信息已脱敏'}",
                 CLIENT)
    audit.record(store, user.name, "sign_out", users.scope_label(user), "命令行导出结束", CLIENT)
    print(f"已导出 {len(frame)} 行到 {args.out}(范围:{scope})。")
    return 0
