"""python -m bench [--sizes 80000 300000 1000000] [--out FILE] [--sessions 20] [--changes 10]

Generates demo counties of each size, measures generation, snapshot load and every page (cold and
warm, with peak memory and map bytes) in fresh processes, the server's memory through an import
and a training started from 数据管理, and runs the concurrent-session load test on the first size. Prints a table and writes JSON with the date and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bench import import_year
from bench.load import load_test
from devtools import ROOT


def _worker(*args: str) -> object:
    out = subprocess.run([sys.executable, "-m", "bench.worker", *args], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cores": os.cpu_count(), "memory_gb": round(mem_kb / 2**20, 1), "python": platform.python_version(),
            "platform": platform.platform()}


def run(sizes: list[int], work: Path, sessions: int, changes: int) -> dict:
    results: dict = {"date": datetime.now().isoformat(timespec="seconds"), "machine": machine(), "sizes": {}}
    for size in sizes:
        store = work / f"county_{size}"
        shutil.rmtree(store, ignore_errors=True)
        row = {"generate": _worker("generate", str(store), str(size))}
        for kind in ("risk", "load", "import", "allocate", "stress", "pages", "server"):  # risk saves the model pages read
            row[kind] = _worker(kind, str(store))
        row["import_year"] = import_year.measure_size(size, work / "import_year")
        if sessions and size == sizes[0]:
            row["load_test"] = load_test(store, sessions, changes)
        results["sizes"][str(size)] = row
        print(table({str(size): row}), flush=True)
    return results


def table(sizes: dict) -> str:
    lines = []
    for size, row in sizes.items():
        g, ld = row["generate"], row["load"]
        lines.append(f"\n== {int(size):,} households ==")
        lines.append(f"generate {g['generate_s']} s (peak {g['peak_rss_mb']} MB, store {g['store_mb']} MB); "
                     f"load households {ld['load_households_s']} s, village_year {ld['load_village_year_s']} s, "
                     f"one township-year ({ld['township_year_rows']:,} rows) {ld['township_year_slice_s']} s")
        im, rk, al = row["import"], row["risk"], row["allocate"]
        if "import_year" in row:
            iy = row["import_year"]
            lines.append(f"import one year's household file ({iy.get('csv_mb')} MB GBK CSV): validate {iy.get('validate_s')} s, "
                         f"validate + import {iy.get('import_total_s')} s (peak {iy.get('peak_rss_mb')} MB)")
        lines.append(f"import (GBK CSV + xlsx + GeoJSON, {im.get('files_mb')} MB): validate {im.get('validate_s')} s, "
                     f"validate + import {im.get('import_total_s')} s (peak {im['peak_rss_mb']} MB)")
        lines.append(f"risk model on {rk['household_years']:,} household-years: train {rk['wall_s']['train_total']} s "
                     f"(peak {rk['peak_rss_mb']} MB), recall@workload model {rk['recall_at_workload']['model']} "
                     f"vs rules {rk['recall_at_workload']['baseline']}")
        projects = (f"whole projects ({al['projects_pool']:,} 储备 + {al['projects_continuing']:,} 续建, "
                    f"{al['projects_selected']:,} selected): solve {al['projects_solve_s']} s, "
                    f"gap {al['projects_gap']:.1e}, command {al['projects_command_s']} s"
                    if "projects_error" not in al else f"whole projects: {al['projects_error']}")
        lines.append(f"optimiser: solve {al['solve_s']} s, gap {al['gap']:.1e}, command {al['command_s']} s; {projects}")
        st = row["stress"]
        lines.append(f"stress test: baseline {st['baseline_s']} s, one run median {st['run_median_s']} s "
                     f"(max {st['run_max_s']} s), line what-if {st['line_range_s']} s; page cold {st['page_cold_s']} s, "
                     f"rerun with a new scenario {st['page_rerun_new_scenario_s']} s, cached {st['page_rerun_cached_s']} s")
        lines.append(f"{'page':<14}{'cold s':>8}{'warm s':>8}{'peak MB':>9}{'map KB':>8}{'errors':>7}")
        for p in row["pages"]:
            lines.append(f"{p['page']:<14}{p['cold_s']:>8}{p['warm_s']:>8}{p['peak_rss_mb']:>9}"
                         f"{p['map_bytes'] / 1024:>8.0f}{p['exceptions']:>7}")
        sv = row["server"]["server_rss"]
        lines.append("server RSS through an import and a training on 数据管理 (MB, first/max/last): " + ", ".join(
            f"{phase} {v['first_mb']}/{v['max_mb']}/{v['last_mb']}" for phase, v in sv.items())
            + f"; the jobs' own peaks: check {row['server']['check_job_peak_mb']}, "
              f"import {row['server']['import_job_peak_mb']}, "
              f"training {row['server']['training_job_peak_mb']}")
        if "load_test" in row:
            t = row["load_test"]
            lines.append(f"load test: {t['sessions']} sessions x {t['changes_per_session']} changes, "
                         f"median {t['rerun_median_s']} s, p95 {t['rerun_p95_s']} s, errors {t['errors']}, "
                         f"first page {t['first_page_s']} s, server peak {t['server_peak_mb']} MB, "
                         f"server CPU {t['server_cpu_per_rerun_s']} s per rerun; "
                         f"sign-in median {t['sign_in_median_s']} s, p95 {t['sign_in_p95_s']} s "
                         f"(server CPU {t['server_cpu_sign_in_s']} s for all sign-ins)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[80_000, 300_000, 1_000_000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/dashboard-bench"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    ap.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (0: no load test)")
    ap.add_argument("--changes", type=int, default=10, help="township changes per session")
    args = ap.parse_args(argv)
    results = run(args.sizes, args.work, args.sessions, args.changes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
