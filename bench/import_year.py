"""python -m bench.import_year [--households 80000 300000 1000000] [--code DIR] [--files DIR]

Peak memory and time of validating and importing one year's household file, as a county brings it
every year: one GBK CSV of N households (the demo county's last year, replicated with new 户编号
and valid, unique 证件号码, so 1,000,000 households need no demo county of that size) with the
townships, villages, projects and monitoring lines in one workbook, into a fresh store. Each
measurement runs in a child process of its own, so its peak (VmHWM) is the import's alone;
`--code /path/to/checkout` measures another checkout's importer on the same files (before/after).
The files are written once into --files and reused. Prints JSON lines; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data.contract import ID_CHECKS, ID_WEIGHTS
from analytics.data.store import Store
from analytics.demo import county as demo
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates

BASE_HOUSEHOLDS = 20_000  # the demo county replicated; its villages, townships and projects are kept
HOUSEHOLDS_CSV = "农户.csv"
ROOT = Path(__file__).resolve().parent.parent


def _id_numbers(count: int) -> np.ndarray:
    """Distinct valid 18-digit ID numbers: a fixed region, a birth date and a serial per household."""
    born = pd.Timestamp("1940-01-01") + pd.to_timedelta(np.arange(count) // 1000, unit="D")
    first17 = np.char.add(np.char.add("990199", born.strftime("%Y%m%d").to_numpy().astype(str)),
                          np.char.zfill((np.arange(count) % 1000).astype(str), 3))
    digits = np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(count, 17) - 48
    checks = np.array(list(ID_CHECKS))[(digits.astype(np.int64) @ np.array(ID_WEIGHTS)) % 11]
    return np.char.add(first17, checks)


def write_files(households: int, folder: Path) -> list[Path]:
    """The context workbook and one year's household CSV (written unless already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    book, rows = folder / "数据.xlsx", folder / HOUSEHOLDS_CSV
    if book.exists() and rows.exists():
        return [book, rows]
    tables = demo.generate(min(BASE_HOUSEHOLDS, households), seed=2024)
    context = {n: tables[n] for n in ("townships", "villages", "projects", "monitoring_lines")}
    templates.export(context, folder)
    base = tables["households"]
    base = base[base["year"] == base["year"].max()].sort_values("village_code", ignore_index=True)
    ids = _id_numbers(households)
    with open(rows, "wb") as out:
        for copy, start in enumerate(range(0, households, len(base))):
            part = base.iloc[: min(len(base), households - start)].copy()
            serial = np.arange(len(part)) - np.searchsorted(part["village_code"].to_numpy(), part["village_code"].to_numpy())
            part["household_id"] = (part["village_code"] + f"{copy:03d}"
                                    + pd.Series(serial + 1).astype(str).str.zfill(4).to_numpy())
            part["head_id_number"] = ids[start:start + len(part)]
            data = templates.csv_bytes(part, "households", "gbk")
            out.write(data if copy == 0 else data.split(b"\n", 1)[1])
    return [book, rows]


def measure(folder: Path) -> dict:
    """Check and commit the folder's files into a fresh store (what the child process runs)."""
    settings.use({"import.max_file_mb": 2000})  # a year at 1,000,000 households is a ~330 MB CSV
    files = sorted(p for p in folder.iterdir() if p.suffix in (".xlsx", ".csv"))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        started, cpu = time.perf_counter(), time.process_time()
        checked = ingest.check(files, store, ingest.Options(county_name=demo.NAME))
        validate_s = time.perf_counter() - started
        if not checked.ok:
            return {"error": checked.report.text()[:2000]}
        ingest.commit(checked, store, user="bench")
        total_s, cpu = time.perf_counter() - started, time.process_time() - cpu
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {"validate_s": round(validate_s, 1), "import_total_s": round(total_s, 1), "cpu_s": round(cpu, 1),
            "peak_rss_mb": round(int(status["VmHWM"].split()[0]) / 1024),
            "csv_mb": round((folder / HOUSEHOLDS_CSV).stat().st_size / 2**20, 1)}


def run(households: int, folder: Path, code: Path = ROOT) -> dict:
    """One measurement in a fresh interpreter importing `code`'s analytics package."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", str(folder)], cwd=code,
                         env=env, check=True, capture_output=True, text=True)
    return {"households": households, "code": str(code), **json.loads(out.stdout.strip().splitlines()[-1])}


def measure_size(households: int, files: Path, code: Path = ROOT) -> dict:
    """Write (or reuse) the files for `households` under `files`, then measure their import."""
    folder = files / str(households)
    write_files(households, folder)
    return run(households, folder, code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, nargs="+", default=[80_000, 300_000, 1_000_000])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose importer is measured")
    parser.add_argument("--files", type=Path, default=Path(tempfile.gettempdir()) / "import_year_files")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False))
        return
    for households in args.households:
        print(json.dumps(measure_size(households, args.files, args.code), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
