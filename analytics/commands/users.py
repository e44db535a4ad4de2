"""`python -m analytics users ...`: create, list, disable, enable accounts and set passwords.

Passwords are read from standard input (asked twice, hidden, at a terminal; the first line
otherwise), never from the command line, where they would stay in the shell history.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from analytics.access import users
from analytics.data.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="账户管理:新增、列出、停用、启用、修改密码")
    actions = p.add_subparsers(dest="users_command", required=True)
    store_help = "数据仓库目录(默认 data/store)"

    add = actions.add_parser("add", help="新增账户(密码从标准输入读取)")
    add.add_argument("name", help="用户名")
    add.add_argument("--role", required=True, choices=list(users.ROLES),
                     help="; ".join(f"{r}:{d}" for r, d in users.ROLES.items()))
    add.add_argument("--township", action="append", default=[], metavar="CODE",
                     help="乡镇代码(乡镇角色必填,可重复)")
    add.add_argument("--oidc-only", action="store_true", help="只通过单位统一身份认证登录,不设本地密码")
    add.set_defaults(users_run=_add)
    for name, helptext, handler in (("list", "列出账户", _list),
                                ("disable", "停用账户(立即退出其所有会话)", _disable),
                                ("enable", "重新启用账户", _enable),
                                ("passwd", "设置账户密码(从标准输入读取)", _passwd)):
        q = actions.add_parser(name, help=helptext)
        if name != "list":
            q.add_argument("name", help="用户名")
        q.set_defaults(users_run=handler)
    for q in actions.choices.values():
        q.add_argument("--store", default=argparse.SUPPRESS, help=store_help)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        return args.users_run(Store(args.store), args)
    except users.UserError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1


def operator() -> str:
    """Who acts on the command line, for the audit log."""
    return f"命令行:{os.environ.get('SUDO_USER') or os.environ.get('USER') or getpass.getuser()}"


def read_password(prompt: str = "密码:") -> str:
    """At a terminal: asked twice without echo. Otherwise: the first line of standard input."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("再次输入:") != first:
            raise users.UserError("两次输入的密码不一致。")
        return first
    line = sys.stdin.readline()
    if not line:
        raise users.UserError("没有从标准输入读到密码。")
    return line.rstrip("\r\n")


def _add(store: Store, args: argparse.Namespace) -> int:
    password = None if args.oidc_only else read_password()
    user = users.add(store, args.name, args.role, password, tuple(args.township), by=operator())
    scope = "全县" if user.allowed_townships is None else "、".join(user.allowed_townships)
    print(f"已新增用户 {user.name}(角色 {user.role},范围 {scope})。")
    return 0


def _list(store: Store, args: argparse.Namespace) -> int:
    accounts = users.all_users(store)
    if not accounts:
        print("还没有任何账户。")
        return 0
    print("用户名\t角色\t乡镇\t状态\t登录方式")
    for u in accounts:
        print("\t".join([u.name, u.role, "、".join(u.townships) or "全县", "已停用" if u.disabled else "正常",
                         "密码" if u.has_password else "统一身份认证"]))
    return 0


def _disable(store: Store, args: argparse.Namespace) -> int:
    users.set_disabled(store, args.name, True, by=operator())
    print(f"已停用用户 {args.name}。")
    return 0


def _enable(store: Store, args: argparse.Namespace) -> int:
    users.set_disabled(store, args.name, False, by=operator())
    print(f"已启用用户 {args.name}。")
    return 0


def _passwd(store: Store, args: argparse.Namespace) -> int:
    users.set_password(store, args.name, read_password("新密码:"), by=operator())
    print(f"已修改用户 {args.name} 的密码;其已登录的会话将失效。")
    return 0
