"""python -m bench.import_speed [--households 60000] [--xlsx]

How long a county-sized import takes: the demo county with 60,000 households (300,000 household
rows over five years) is written as import files (households as GBK CSV, or as .xlsx with
--xlsx; the other tables in one workbook; boundaries as GeoJSON), then validated and imported
into a fresh store. Prints wall-clock and CPU seconds (on a shared machine the CPU figure is
the one that does not depend on the neighbours); asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from analytics.data.store import Store
from analytics.demo import county as demo
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=60_000)
    parser.add_argument("--xlsx", action="store_true", help="households in the workbook instead of a GBK CSV")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tables = demo.generate(args.households, seed=2024)
        started = time.perf_counter()
        files = templates.export(tables, Path(tmp) / "files", csv_tables=() if args.xlsx else ("households",))
        print(f"files written in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{f.name} {f.stat().st_size / 1e6:.1f} MB" for f in files))
        store = Store(Path(tmp) / "store")
        started, cpu = time.perf_counter(), time.process_time()
        checked = ingest.check(files, store, ingest.Options(county_name=demo.NAME))
        validated = time.perf_counter() - started
        assert checked.ok, checked.report.text()
        snapshot = ingest.commit(checked, store, user="bench")
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = store.info(snapshot).row_counts["households"]
        print(f"{rows:,} household rows ({'xlsx' if args.xlsx else 'GBK CSV'}): "
              f"validate {validated:.1f} s, commit {total - validated:.1f} s, validate + import {total:.1f} s "
              f"(CPU time of this process {cpu:.1f} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
