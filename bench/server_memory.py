"""The Streamlit server's memory through an import and a training started from 数据管理.

A real browser signs in as an administrator, uploads the latest year's households (GBK CSV, as a
county brings them), checks, imports, then trains the model again on the 返贫风险模型 tab; a thread
samples the server's resident memory (/proc) every SAMPLE_S and tags each sample with the phase.
The check, the import commit and the training run as jobs in their own process (analytics.jobs):
their peaks are the jobs' own, read from the job status. The upload itself is held by Streamlit in
the server (st.file_uploader), so it is a phase of its own.

python -m bench.worker server STORE
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from analytics.access import users
from analytics.data import county
from analytics.data.store import Store
from analytics.ingest import templates
from analytics.jobs import runner
from bench.measure import add_accounts
from devtools import server
from devtools.server import CHROMIUM, CHROMIUM_ARGS

SAMPLE_S = 0.2
STEP_TIMEOUT_MS = 3_600_000  # a million households: minutes per step on a shared machine


class Sampler:
    """Samples a process's VmRSS in a thread; `phase` tags what the browser is doing."""

    def __init__(self, pid: int) -> None:
        self.pid, self.phase = pid, "start"
        self.samples: list[tuple[str, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((self.phase, self.rss_mb()))
            time.sleep(SAMPLE_S)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        phases: dict[str, list[float]] = {}
        for phase, mb in self.samples:
            phases.setdefault(phase, []).append(mb)
        return {phase: {"first_mb": round(v[0]), "max_mb": round(max(v)), "last_mb": round(v[-1]), "samples": len(v)}
                for phase, v in phases.items()}


def _year_file(store: Store, folder: Path) -> tuple[Path, str]:
    """The latest year's households as the county's CSV, and the county's name (the demo's code is
    in no division table, so the page needs it typed)."""
    households = store.table("households")
    latest = households[households["year"] == households["year"].max()]
    (path,) = templates.export({"households": latest}, folder, csv_tables=("households",))
    return path, county.read(store).name


def _job_peak(root: Path, kind: str) -> float:
    """The newest job of this kind's own peak memory (its status file)."""
    found = sorted(runner.jobs_dir(root).glob("*/status.json"), reverse=True)
    job = next((j for j in (runner.get(root, f.parent.name) for f in found) if j.kind == kind), None)
    return job.peak_mb if job is not None else float("nan")


def measure(store_dir: Path) -> dict:
    from playwright.sync_api import sync_playwright

    store = Store(store_dir)
    name, password = next(iter(add_accounts(store_dir, users.ADMIN, 1).items()))
    with tempfile.TemporaryDirectory() as tmp:
        upload, county_name = _year_file(store, Path(tmp))
        upload_mb = round(upload.stat().st_size / 2**20, 1)
        with server.serve(store_dir, timeout_s=600) as app, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.goto(app.url + "/data_admin")
            page.get_by_label("用户名").fill(name)
            page.get_by_label("密码", exact=True).fill(password)
            page.get_by_role("button", name="登录").click()
            page.get_by_role("tab", name="导入数据").wait_for()
            sampler = Sampler(app.process.pid)
            seconds: dict[str, float] = {}

            def step(phase: str, action, done) -> None:
                sampler.phase = phase
                started = time.perf_counter()
                action()
                done()
                seconds[phase] = round(time.perf_counter() - started, 1)

            time.sleep(3)  # the idle server, signed in, on the page
            try:
                _drive(page, step, upload, county_name)
            except Exception:
                page.screenshot(path=str(store_dir / "bench_server_failed.png"), full_page=True)  # what it showed
                raise
            peaks = {f"{name}_job_peak_mb": _job_peak(store_dir, kind)
                     for name, kind in (("check", "check"), ("import", "import"), ("training", "train"))}
            sampler.phase = "after"
            time.sleep(3)
            phases = sampler.stop()
            browser.close()
    return {"server_rss": phases, "seconds": seconds, "upload_mb": upload_mb, **peaks}


def _drive(page, step, upload: Path, county_name: str) -> None:
    """Upload, check, import, then train again: each a phase of the sampler."""
    check = page.get_by_role("button", name="检查", exact=True)
    step("upload", lambda: (page.locator('input[type="file"]').set_input_files(str(upload)),
                            page.locator('input[aria-label="县名(仅新设或虚构的县代码需要)"]').fill(county_name),
                            page.keyboard.press("Enter")),
         page.get_by_text(upload.name).wait_for)
    step("check_job", check.click, lambda: page.get_by_role("button", name="导入为新的数据快照").wait_for())
    step("import_job", page.get_by_role("button", name="导入为新的数据快照").click,
         lambda: page.get_by_text("已导入:新的数据快照").wait_for())
    page.get_by_role("tab", name="返贫风险模型").click()
    step("training_job", page.get_by_role("button", name="按当前快照重新训练").click,
         lambda: page.get_by_text("已按快照").wait_for())
