"""The options several commands share, worded once: the year, the township and JSON output."""

from __future__ import annotations

import argparse


def year(p: argparse.ArgumentParser, default: str) -> None:
    """`--year`, with what the command takes when it is left out."""
    p.add_argument("--year", type=int, help=f"年度(默认:{default})")


def township(p: argparse.ArgumentParser) -> None:
    p.add_argument("--township", help="只看这个乡镇(乡镇代码;默认全县)")


def json_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
