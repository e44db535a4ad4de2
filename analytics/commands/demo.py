"""`python -m analytics demo`: generate the demo county into a store."""

from __future__ import annotations

import argparse
import time

from analytics.data.store import Store
from analytics.demo import county as demo
from analytics.risk import saved as risk_model_store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="生成示范县(模拟数据)并设为当前数据")
    p.add_argument("--households", type=int, default=80_000, help="农户数(默认 80000)")
    p.add_argument("--seed", type=int, default=2024, help="随机种子(相同种子生成相同数据)")
    p.add_argument("--if-empty", action="store_true", help="仓库已有数据时什么也不做")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    if args.if_empty and store.current_id():
        print(f"数据仓库 {store.root} 已有数据(当前快照 {store.current_id()}),未生成示范县。")
        return 0
    started = time.perf_counter()
    snapshot = demo.build(store, households=args.households, seed=args.seed)
    counts = store.info(snapshot).row_counts
    print(f"已生成示范县快照 {snapshot},用时 {time.perf_counter() - started:.1f} 秒")
    for name, rows in counts.items():
        print(f"  {name}: {rows} 行")
    started = time.perf_counter()
    print(f"{risk_model_store.prepare(store)}(用时 {time.perf_counter() - started:.1f} 秒)")
    return 0
