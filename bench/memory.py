"""python -m bench.memory [--sizes 80000 300000 1000000] [--work DIR] [--out FILE]

Peak memory and time of the two heavy jobs around the pages, at each size: generating the demo
county (`demo.build`) and training the risk model on it as `risk train` does (bench.risk, which
saves the model). Each runs in a fresh process (bench.worker), so a peak (VmHWM) is that job's
own. Sizes run one after another, never side by side. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from datetime import datetime
from pathlib import Path

from bench.__main__ import _worker, machine
from devtools import ROOT


def run(sizes: list[int], work: Path) -> dict:
    results: dict = {"date": datetime.now().isoformat(timespec="seconds"), "machine": machine(), "sizes": {}}
    for size in sizes:
        store = work / f"county_{size}"
        shutil.rmtree(store, ignore_errors=True)
        generate = _worker("generate", str(store), str(size))
        risk = _worker("risk", str(store))
        results["sizes"][str(size)] = {"generate": generate, "risk": risk}
        print(line(size, generate, risk), flush=True)
    return results


def line(size: int, generate: dict, risk: dict) -> str:
    return (f"{size:>9,} households: demo {generate['generate_s']} s, peak {generate['peak_rss_mb']:.0f} MB; "
            f"train {risk['wall_s']['train_total']} s (CPU {risk['cpu_s']['train_total']} s), "
            f"peak {risk['peak_rss_mb']:.0f} MB, {risk['fitted_rows']:,} of {risk['labelled_rows']:,} rows fitted, "
            f"ROC AUC {risk['roc_auc']:.3f}, recall@workload {risk['recall_at_workload']['model']:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[80_000, 300_000, 1_000_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/dashboard-bench"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "memory.json")
    args = ap.parse_args(argv)
    results = run(args.sizes, args.work)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
