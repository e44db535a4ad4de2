"""`python -m analytics audit verify`: check the audit log's keyed chain and print its head digest,
to be written down outside the server (README 审计日志的校验)."""

from __future__ import annotations

import argparse

from analytics.data import audit
from analytics.data.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="审计日志:校验防篡改链")
    actions = p.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="校验审计日志;完整时退出码 0 并打印最新摘要,发现改动时退出码 1")
    verify.add_argument("--store", default=argparse.SUPPRESS, help="数据仓库目录(默认 data/store)")
    verify.add_argument("--anchor", metavar="序号:摘要",
                        help="以前留存的一行(如 1520:k1:3fa4…):核对这条记录仍在且摘要相同,可发现被截断或重写的日志")
    verify.set_defaults(run=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    store = Store(args.store)
    result = audit.verify(store)
    if not result.ok:
        print(f"审计日志校验失败:第 {result.first_bad_seq} 条记录({result.reason})。"
              f"共 {result.records:,} 条记录;从这一条起的记录不可信,请保留现场并与备份和留存的摘要核对。")
        return 1
    if args.anchor and not _matches_anchor(store, args.anchor):
        return 1
    legacy = f";其中前 {result.legacy:,} 条是启用密钥之前写入的,只能发现误改" if result.legacy else ""
    print(f"审计日志完整:共 {result.records:,} 条记录{legacy}。")
    print(f"最新一条:{result.head_seq}:{result.head}")
    print("请把这一行(序号:摘要)记在服务器以外的地方,例如每月打印进会议纪要;"
          "以后用 --anchor 序号:摘要 校验,可发现留存之后被截断或整体重写的日志。")
    return 0


def _matches_anchor(store: Store, anchor: str) -> bool:
    seq, _, digest = anchor.partition(":")
    found = audit.digest_of(store, int(seq)) if seq.strip().isdigit() else None
    if found is not None and found == digest.strip():
        print(f"与留存的摘要一致:第 {int(seq)} 条记录。")
        return True
    what = "不存在" if found is None else "的摘要不同"
    print(f"审计日志与留存的摘要不符:第 {seq} 条记录{what}。日志在留存之后被截断或整体重写过,请保留现场并与备份核对。")
    return False
