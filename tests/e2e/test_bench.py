"""The benchmark runs end to end at a tiny size; it reports timings, this test asserts none."""

from __future__ import annotations

import json
import subprocess
import sys

from devtools import ROOT
from ui.nav import PAGES


def test_benchmark_runs_at_a_tiny_size(tmp_path, chromium_path):
    out = tmp_path / "bench.json"
    # A process of its own: the session's Playwright browser already runs an event loop here.
    subprocess.run([sys.executable, "-m", "bench", "--sizes", "600", "--work", str(tmp_path / "work"),
                    "--out", str(out), "--sessions", "2", "--changes", "2"], cwd=ROOT, check=True)
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["machine"]["cores"] >= 1
    row = results["sizes"]["600"]
    assert row["generate"]["generate_s"] > 0 and row["load"]["load_households_s"] >= 0
    assert 0 < row["load"]["township_year_rows"] < 600  # a page reads one township-year, not the table
    assert row["import"]["household_rows"] == 600 * 5 and row["import"]["import_total_s"] > 0
    assert row["import_year"]["households"] == 600 and row["import_year"]["peak_rss_mb"] > 0
    assert row["risk"]["household_years"] == 600 * 5 and row["risk"]["wall_s"]["train_total"] > 0
    assert row["allocate"]["solve_s"] > 0 and row["allocate"]["gap"] < 1e-3
    assert [p["path"] for p in row["pages"]] == [p.path for p in PAGES]
    assert all(p["exceptions"] == 0 for p in row["pages"])
    overview = next(p for p in row["pages"] if p["path"] == "app_pages/overview.py")
    assert overview["map_bytes"] > 10_000  # 220 village polygons went to the browser
    load = row["load_test"]
    assert load["reruns"] == 4 and load["errors"] == 0 and load["rerun_p95_s"] > 0 and load["server_cpu_s"] > 0
    assert load["sign_in_p95_s"] >= load["sign_in_median_s"] > 0 and load["server_cpu_sign_in_s"] > 0
