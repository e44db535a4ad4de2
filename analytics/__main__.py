"""The command line: python -m analytics <command> [--store DIR] ...

Exit codes (README 命令行退出码): 0 done; 1 refused or failed, nothing changed (for import: nothing
imported); 2 wrong arguments, or (allocate) rules that cannot all hold; 3 import committed but the
risk model could not be trained afterwards. Errors print one Chinese line, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import sqlite3
import sys

from analytics.commands import COMMAND_MODULES
from analytics.data import county_settings
from analytics.data.store import DEFAULT_STORE, Store, StoreError, private_umask


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=str(DEFAULT_STORE), help="数据仓库目录(默认 data/store)")
    top = argparse.ArgumentParser(prog="python -m analytics", description="乡村振兴决策支持:命令行")
    sub = top.add_subparsers(dest="command", required=True)
    wrapped = _CommonParsers(sub, common)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(wrapped)
    return top


class _CommonParsers:
    """Adds the shared --store option to every command a module registers."""

    def __init__(self, sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
        self._sub, self._common = sub, common

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        return self._sub.add_parser(name, parents=[self._common], **kwargs)


def main(argv: list[str] | None = None) -> int:
    private_umask()
    args = parser().parse_args(argv)
    try:
        county_settings.apply(Store(args.store))  # the county's own settings over the shipped defaults
        return args.run(args)
    except StoreError as exc:
        print(f"错误:{exc}", file=sys.stderr)
    except OSError as exc:
        print(f"错误:{os_message(exc)}", file=sys.stderr)
    except sqlite3.Error as exc:
        print(f"错误:数据仓库的数据库出错({exc}):请确认 {args.store}/state.db 未被其他程序锁住或损坏,"
              "必要时从备份恢复", file=sys.stderr)
    return 1


def os_message(exc: OSError) -> str:
    """An operating-system error in Chinese, naming the file when known."""
    where = f"“{exc.filename}”" if exc.filename else ""
    reasons = {errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "磁盘配额已用完", errno.EACCES: "没有权限",
               errno.EPERM: "没有权限", errno.ENOENT: "找不到文件或目录", errno.EROFS: "文件系统是只读的",
               errno.EIO: "磁盘读写出错"}
    reason = reasons.get(exc.errno, f"系统错误({exc.strerror or exc})")
    return f"{reason}{where}:操作未完成,数据未改变。"


if __name__ == "__main__":
    sys.exit(main())
