"""Work for the job runner's tests, imported by the job's child process (`tests` is a package at
the repository root, where the child starts), and a wait for a job to end."""

from __future__ import annotations

import os
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from analytics.data.store import Store
from analytics.jobs import runner, work
from analytics.jobs.runner import Job, JobFailed, Progress, Then

TIMEOUT_S = 300


def succeed(store: Store, inputs: dict, progress: Progress) -> dict:
    progress("count", 0.5)
    return {"rows": sum(inputs["numbers"]), "store": str(store.root)}


def fail_in_chinese(store: Store, inputs: None, progress: Progress) -> dict:
    raise JobFailed("第 3 行“年度”的值“二〇二五”不是年份", code="bad_year")


def hog_memory(store: Store, inputs: None, progress: Progress) -> dict:
    progress("hog", 0.1)
    blocks = [bytearray(256 * 1024 * 1024) for _ in range(64)]  # 16 GB, far over the test's cap
    return {"blocks": len(blocks)}


BALLAST_MB = 300
_image = {"fresh": True}  # a module-level fact that only a fresh image of the process has


def hand_on(store: Store, inputs: None, progress: Progress) -> Then:
    """A first stage that holds BALLAST_MB for a moment and hands on (see handed_on)."""
    progress("first", 0.3)
    ballast = b"x" * (BALLAST_MB * 2**20)  # written, so resident
    _image["fresh"] = False
    return Then(f"{__name__}:handed_on", {"first_pid": os.getpid()}, {"first_pid": os.getpid(), "held": len(ballast)})


def handed_on(store: Store, inputs: dict, progress: Progress) -> dict:
    progress("second", 0.6)
    return {"second_pid": os.getpid(), "inputs": inputs["first_pid"], "fresh_image": _image["fresh"]}


def wait_for_release(store: Store, inputs: dict, progress: Progress) -> dict:
    """Runs, at stage `inputs.get("stage")`, until the test creates the file `inputs["release"]`: a job
    that is surely still running; returns `inputs.get("result")`."""
    progress(inputs.get("stage", "waiting"), 0.2)
    release = Path(inputs["release"])
    given_up = time.monotonic() + TIMEOUT_S  # a test that failed before releasing it leaves no child behind
    while not release.exists() and time.monotonic() < given_up:
        time.sleep(0.05)
    return inputs.get("result", {"released": True})


def check_when_released(store: Store, inputs: dict, progress: Progress) -> dict:
    """The check job's work, once the test creates `inputs["release"]`: a check surely still running."""
    wait_for_release(store, {**inputs, "stage": "check"}, progress)
    return work.check_upload(store, inputs, progress)


def finished(root: Path | str, job_id: str) -> Job:
    """The job once it has ended (a test that hangs here fails at TIMEOUT_S, saying which job)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        job = runner.get(root, job_id)
        if not job.running:
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} still running after {TIMEOUT_S} s")


def at_stage(root: Path | str, job_id: str, stage: str) -> Job:
    """The job once its child has reported `stage` (a child starts in a second or more)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        job = runner.get(root, job_id)
        if job.stage == stage:
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} did not reach stage {stage} within {TIMEOUT_S} s")


def checked(at: AppTest) -> AppTest:
    """Click 开始检查 and wait for the check job the page started: the page then shows the report."""
    return landed(at.button(key="data_admin_check").click().run())


def landed(at: AppTest) -> AppTest:
    """Wait for the job the page started on the app's store to end, then rerun the page, which
    shows its outcome (as the fragment's poll would, in a browser)."""
    root = os.environ["DASHBOARD_STORE"]
    finished(root, runner.latest(root).id)
    return at.run()
