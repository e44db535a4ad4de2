"""One measurement per function: each returns plain numbers for the results table."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.access import users
from analytics.data import county
from analytics.data.contract import TABLES
from analytics.data.store import Store
from analytics.demo import county as demo
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates
from devtools import ROOT, apptest
from ui import desk
from ui.nav import PAGES


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def rss_mb() -> float:
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    return _status_kb("VmHWM") / 1024


def reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets the high-water mark VmHWM for this process."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _status_kb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return float("nan")


def generate(store_dir: Path, households: int, seed: int = 2024) -> dict:
    """The demo county alone, so its peak memory is its own (the `risk` measurement trains and saves
    the model the pages read)."""
    store = Store(store_dir)
    seconds, _ = timed(lambda: demo.build(store, households=households, seed=seed))
    return {"generate_s": round(seconds, 2), "store_mb": round(_folder_mb(store_dir), 1)}


def load_snapshot(store_dir: Path) -> dict:
    """The whole household table (what imports and training read) against what a page reads:
    one year of one township's villages."""
    store = Store(store_dir)
    seconds, frame = timed(lambda: store.table("households"))
    aggregate_s, _ = timed(lambda: store.table("village_year"))
    villages = store.table("villages")
    codes = list(villages.loc[villages["township_code"] == villages["township_code"].iloc[0], "village_code"])
    year = int(frame["year"].max())
    slice_s, part = timed(lambda: store.rows("households", year=year, villages=codes))
    return {"load_households_s": round(seconds, 2), "load_village_year_s": round(aggregate_s, 3),
            "households_frame_mb": round(frame.memory_usage(deep=True).sum() / 2**20, 1),
            "township_year_slice_s": round(slice_s, 3), "township_year_rows": len(part)}


def import_files(store_dir: Path) -> dict:
    """Export the snapshot as a county would bring it (households as GBK CSV, the other tables
    in one workbook, boundaries as GeoJSON), then validate and import it into a fresh store."""
    source = Store(store_dir)
    tables = {name: source.table(name) for name in TABLES if source.has_table(name)}
    with tempfile.TemporaryDirectory() as tmp:
        files = templates.export(tables, Path(tmp) / "files", csv_tables=("households",))
        target = Store(Path(tmp) / "store")
        named = ingest.Options(county_name=county.read(source).name)  # the demo's code is in no division table
        validate_s, checked = timed(lambda: ingest.check(files, target, named))
        if not checked.ok:
            return {"error": checked.report.text()[:500]}
        files_mb = sum(f.stat().st_size for f in files) / 2**20
        commit_s, _ = timed(lambda: ingest.commit(checked, target, user="bench"))
    return {"validate_s": round(validate_s, 2), "import_total_s": round(validate_s + commit_s, 2),
            "household_rows": len(tables["households"]), "files_mb": round(files_mb, 1)}


def allocate(store_dir: Path) -> dict:
    """One optimiser solve for next year's budget (last year's total), through the command line, in
    each mode: fractions per village and category, and whole projects from the 项目库 (MILP)."""
    projects = Store(store_dir).table("projects")
    plan_year = projects.loc[projects["status"] == "储备", "year"].max()
    budget = float(projects.loc[projects["year"] == plan_year - 1, "funds_wan"].sum())
    out: dict = {"budget_wan": round(budget)}
    for mode, prefix in (("fractional", ""), ("projects", "projects_")):
        command = [sys.executable, "-m", "analytics", "allocate", "--store", str(store_dir),
                   "--budget", f"{budget:.0f}", "--mode", mode, "--json"]
        check = mode == "fractional"
        wall, run = timed(lambda command=command, check=check: subprocess.run(command, cwd=ROOT, capture_output=True,
                                                                              text=True, check=check))
        if run.returncode:  # a tiny county's 项目库 may not meet its own rules: say so, time the rest
            out[f"{prefix}error"] = run.stderr.strip().splitlines()[-1][:200]
            continue
        result = json.loads(run.stdout)
        out |= {f"{prefix}solve_s": round(result["solver"]["seconds"], 3), f"{prefix}gap": result["solver"]["gap"],
                f"{prefix}command_s": round(wall, 2)}
        if mode == "projects":
            out["projects_pool"] = sum(not p["continuing"] for p in result["projects"])
            out["projects_continuing"] = sum(p["continuing"] for p in result["projects"])
            out["projects_selected"] = sum(p["selected"] for p in result["projects"])
    return out


def _map_bytes(at: AppTest) -> int:
    """Bytes of every map sent to the browser: static iframes and st_folium components."""
    sizes = [len(el.proto.srcdoc.encode()) for el in at.get("iframe")]
    sizes += [len(el.proto.json_args.encode()) for el in at.get("component_instance")]
    return sum(sizes)


def clear_data_caches() -> None:
    """Empty every cached loader of ui/ but the sign-in registry, so a cold run keeps its user."""
    from streamlit.runtime.caching.cache_utils import CachedFunc

    st.cache_data.clear()
    for name, module in list(sys.modules.items()):
        if not name.startswith("ui.") or name == "ui.session":
            continue
        for value in vars(module).values():
            if isinstance(value, CachedFunc):
                value.clear()


def add_accounts(store_dir: Path, role: str, count: int) -> dict[str, str]:
    """Accounts for the benchmark (the store is the benchmark's own); returns name -> password."""
    store = Store(store_dir)
    accounts = {f"bench{i}_{secrets.token_hex(3)}": secrets.token_urlsafe(12) for i in range(count)}
    for name, password in accounts.items():
        users.add(store, name, role, password, (), by="基准测试")
    return accounts


def pages(store_dir: Path) -> list[dict]:
    """Every page of ui/nav.py, signed in as an admin (who may open them all): a cold run with
    empty caches, then a warm rerun after a township change (乡镇工作台: the first township chosen,
    its lists computed then)."""
    os.environ["DASHBOARD_STORE"] = str(store_dir)
    desk.prewarm = lambda year=None: None  # each page is timed alone; the load test runs with the desk's prewarm
    township = Store(store_dir).table("townships")["township_code"].iloc[0]
    ((name, password),) = add_accounts(store_dir, users.ADMIN, 1).items()
    rows = []
    for spec in PAGES:
        at = apptest.sign_in(name, password, timeout=600)
        clear_data_caches()
        reset_peak_rss()
        cold, _ = timed(lambda at=at, spec=spec: at.switch_page(spec.path).run())
        county_map_bytes = _map_bytes(at)
        warm, _ = timed(lambda at=at: at.selectbox(key="town").set_value(township).run())
        rows.append({
            "page": spec.title, "path": spec.path, "cold_s": round(cold, 2), "warm_s": round(warm, 3),
            "peak_rss_mb": round(peak_rss_mb(), 0), "map_bytes": county_map_bytes,
            "exceptions": len(at.exception),
        })
    return rows


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
