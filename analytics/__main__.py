"""The command line: python -m analytics <command> [--store DIR] ..."""

from __future__ import annotations

import argparse
import importlib
import sys

from analytics.commands import COMMAND_MODULES
from analytics.data import county_settings
from analytics.data.store import DEFAULT_STORE, Store, StoreError


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
    args = parser().parse_args(argv)
    try:
        county_settings.apply(Store(args.store))  # the county's own settings over the shipped defaults
        return args.run(args)
    except StoreError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
