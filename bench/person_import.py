"""python -m bench.person_import [--households 37000] [--format xlsx|xls|csv] [--files DIR]

How long a county's person-level exports take: the demo county's 脱贫户 and monitoring objects as
one person-level file per year (tests/person_county.py; about 40,000 people a year at 37,000
households), with the townships, villages, projects and monitoring lines, validated and imported
into a fresh store: first one year, then all five. Files are written once into --files and reused.
Prints wall-clock and CPU seconds; asserts nothing.
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
from tests import person_county


def write_files(households: int, fmt: str, folder: Path) -> tuple[list[Path], list[Path]]:
    """The context files and one person-level file per year (written unless already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    years = [folder / f"家庭成员信息_{year}.{fmt}" for year in demo.YEARS]
    context = [folder / f"{zh}.csv" for zh in ("乡镇", "行政村", "资金项目", "监测标准")]
    if all(p.exists() for p in years + context):
        return context, years
    tables = demo.generate(households, seed=2024)
    context = person_county.context_files(tables, folder)
    system = person_county.in_system(tables["households"])
    for year, path in zip(demo.YEARS, years):
        rows, _ = person_county.person_rows(system[system["year"] == year].reset_index(drop=True),
                                            tables["villages"], tables["townships"])
        above = person_county.title(year)
        data = (person_county.xlsx_bytes(rows, above) if fmt == "xlsx" else person_county.xls_bytes(rows, above)
                if fmt == "xls" else person_county.csv_bytes(rows, "gbk", above))
        path.write_bytes(data)
        print(f"{path.name}: {len(rows):,} people, {path.stat().st_size / 1e6:.1f} MB")
    return context, years


def measure(files: list[Path], label: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        started, cpu = time.perf_counter(), time.process_time()
        checked = ingest.check(files, store)
        validated = time.perf_counter() - started
        assert checked.ok, checked.report.text()
        ingest.commit(checked, store, user="bench")
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        people = sum(s.people for s in checked.person_files)
        households = sum(s.households for s in checked.person_files)
        print(f"{label}: {people:,} people -> {households:,} households; validate {validated:.1f} s, "
              f"validate + import {total:.1f} s (CPU {cpu:.1f} s; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=37_000)
    parser.add_argument("--format", choices=("xlsx", "xls", "csv"), default="xlsx")
    parser.add_argument("--files", type=Path, default=Path(tempfile.gettempdir()) / "person_import_files")
    args = parser.parse_args()
    context, years = write_files(args.households, args.format, args.files / f"{args.households}_{args.format}")
    measure(context + years[-1:], f"one year ({years[-1].name})")
    measure(context + years, f"five years ({args.format})")


if __name__ == "__main__":
    main()
