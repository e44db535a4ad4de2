"""One heavy job at a time per store, in a child process with its own memory cap.

    <store>/jobs/lock              who runs a job now: {"id", "pid", "ticks"}, created exclusively
    <store>/jobs/<id>/status.json  what, who, when; the stage, the fraction done; the result or the error
    <store>/jobs/<id>/spec.pkl     what the child works on (a check's options, the check to import), removed when read
    <store>/jobs/<id>/log.txt      the child's own output, for the operator
    <store>/jobs/<id>/files/       files the page handed over (uploads to check), private like the rest

An import commit or a model training peaks at gigabytes at a million households; in the Streamlit
server, which every user shares, one of them could take the server down. The child
(`python -m analytics.jobs <folder>`) caps its address space at jobs.memory_mb and writes its
progress to the status file, so any server process or tab can follow it and find it again after a
reload. A lock whose process has died (killed, out of memory) is stale: the next reader marks its
job failed and frees the store. A work of two heavy stages returns `Then` after the first: the
child replaces its own image (exec) and starts the second afresh, so the second does not stand on
what the first left in the allocators; the pid, and with it the lock, stay the same.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from analytics import settings
from analytics.data.store import Store, make_private, pid_alive
from analytics.ingest.isolation import limit_memory

RUNNING, DONE, FAILED = "running", "done", "failed"
KEEP = 20  # finished job folders kept for the operator; older ones are removed when a job starts
TORN_S = 10  # an unreadable lock older than this was left half-written by a crashed starter
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `python -m analytics.jobs` finds the package

Progress = Callable[[str, float], None]  # a job reports (stage, fraction of the whole job done)
Work = Callable[[Store, object, Progress], "dict | Then"]  # what a job runs: (store, its inputs, progress) -> result


class JobBusy(Exception):
    """Another job holds the store; the message (Chinese) says who started what, and when."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"{job.user} 于 {job.started_at.replace('T', ' ')} 开始的{job.title}仍在进行,"
                         "请等它完成后再试(同一时间只能运行一项检查、导入或训练)。")
        self.job = job


@dataclass(frozen=True)
class Then:
    """What a work returns to go on in a fresh image of its process: `target` ("module:function", a
    Work) runs next with `inputs`; `result` so far is kept and merged with the next one's."""

    target: str
    inputs: object
    result: dict


class JobFailed(Exception):
    """A job that cannot finish for a reason the user can act on; `code` lets a page say it its own way."""

    def __init__(self, message: str, code: str = "failed") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    title: str  # the kind in Chinese, for messages
    user: str
    started_at: str
    state: str = RUNNING
    stage: str = ""
    fraction: float = 0.0
    stage_started_at: str = ""
    finished_at: str = ""
    result: dict = field(default_factory=dict)
    error: str = ""
    error_code: str = ""
    memory_mb: float = 0.0  # the cap it ran under
    peak_mb: float = 0.0  # the child's own peak resident memory, for the operator and the benchmark

    @property
    def running(self) -> bool:
        return self.state == RUNNING


def jobs_dir(root: Path | str) -> Path:
    return Path(root) / "jobs"


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


# --- status ----------------------------------------------------------------------------------
def private_file(path: Path, mode: str = "w"):
    """A new file only the service account may read, whatever the umask (a job holds names)."""
    flags = os.O_CREAT | os.O_WRONLY | os.O_TRUNC
    return os.fdopen(os.open(path, flags, 0o600), mode, **({} if "b" in mode else {"encoding": "utf-8"}))


def _write_json(path: Path, value: dict) -> None:
    """Whole or not at all: a reader in another process never sees half a file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}")
    with private_file(tmp) as fh:
        json.dump(value, fh, ensure_ascii=False)
    os.replace(tmp, path)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save(folder: Path, job: Job) -> None:
    _write_json(folder / "status.json", vars(job))


def _load(folder: Path) -> Job | None:
    found = _read_json(folder / "status.json")
    return Job(**found) if found else None


def _update(folder: Path, **changes: object) -> Job:
    job = _load(folder)
    job = Job(**{**vars(job), **changes})
    _save(folder, job)
    return job


# --- the lock --------------------------------------------------------------------------------
def _ticks(pid: int) -> int | None:
    """When a process started (clock ticks since boot, from /proc), so that a reused pid is not
    taken for the job's; None where /proc has no such process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else int(fields[19])  # a zombie has finished


def _alive(pid: int, ticks: int | None) -> bool:
    if Path("/proc/self/stat").exists():
        return ticks is not None and _ticks(pid) == ticks
    return pid_alive(pid)  # no /proc (macOS): whether the pid exists is the best there is


def _lock_path(root: Path | str) -> Path:
    return jobs_dir(root) / "lock"


def _take_lock(root: Path | str, job: Job) -> bool:
    path = _lock_path(root)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:  # the starter holds it until the child does
        json.dump({"id": job.id, "pid": os.getpid(), "ticks": _ticks(os.getpid()), "job": vars(job)}, fh)
    return True


def _hand_lock(root: Path | str, job: Job, pid: int) -> None:
    _write_json(_lock_path(root), {"id": job.id, "pid": pid, "ticks": _ticks(pid), "job": vars(job)})


def _peak_mb(before: float = 0.0) -> float:
    """This process's peak resident memory (Linux /proc; 0 elsewhere), or `before`, the peak of
    the images it replaced (see `Then`), if higher: an exec starts the count again."""
    try:
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return before
    return max(before, round(int(line.split()[1]) / 1024, 1))


def _release(root: Path | str, job_id: str) -> None:
    held = _read_json(_lock_path(root))
    if held is not None and held.get("id") == job_id:
        _lock_path(root).unlink(missing_ok=True)


def _died_message(limit: float) -> str:
    return (f"任务进程意外结束,没有完成:可能超过了内存上限 {limit:,.0f} MB(jobs.memory_mb),或被系统终止。"
            "没有写入任何不完整的数据;请稍后重试,仍失败时请调高 jobs.memory_mb 或联系技术人员。")


def memory_message() -> str:
    limit = settings.number("jobs.memory_mb")
    return (f"任务所需的内存超过上限 {limit:,.0f} MB(jobs.memory_mb),已中止,没有写入任何不完整的数据;"
            "服务器不受影响。请在服务器内存允许时调高 jobs.memory_mb 后重试。")


def _holder(root: Path | str) -> Job | None:
    """The job holding the store, after clearing a lock whose process has died."""
    path = _lock_path(root)
    held = _read_json(path)
    if held is None:
        try:
            if time.time() - path.stat().st_mtime < TORN_S:  # a starter is writing it this very moment
                return Job("", "", "导入或训练", "另一位用户", _now())
            path.unlink()  # torn by a starter that crashed while writing it
        except FileNotFoundError:
            pass
        return None
    folder = jobs_dir(root) / held["id"]
    job = _load(folder)
    if job is None and _alive(held["pid"], held.get("ticks")):
        return Job(**held["job"])  # its starter has the lock and is writing the status
    if job is not None and job.running:
        if _alive(held["pid"], held.get("ticks")):
            return job
        job = _update(folder, state=FAILED, error=_died_message(job.memory_mb), error_code="died",
                      finished_at=_now())
    _release(root, held["id"])  # its job has ended (a finished child lets go a moment after saying so)
    return None


# --- reading ---------------------------------------------------------------------------------
def get(root: Path | str, job_id: str) -> Job | None:
    """A job as it stands; one whose process died without saying so is reported failed."""
    folder = jobs_dir(root) / job_id
    job = _load(folder)
    if job is not None and job.running:
        holder = _holder(root)
        if holder is None or holder.id != job_id:
            job = _load(folder)
            if job.running:  # not holding the lock and not finished: its process is gone
                job = _update(folder, state=FAILED, error=_died_message(job.memory_mb), error_code="died",
                              finished_at=_now())
    return job


def latest(root: Path | str) -> Job | None:
    """The newest job of the store, running or finished (job ids sort by their start)."""
    base = jobs_dir(root)
    ids = sorted((p.parent.name for p in base.glob("*/status.json")), reverse=True) if base.exists() else []
    return get(root, ids[0]) if ids else None


# --- starting --------------------------------------------------------------------------------
def start(store: Store, kind: str, target: str, user: str, title: str, inputs: object = None,
          files: Sequence[tuple[str, bytes | memoryview]] = ()) -> Job:
    """Start `target` ("module:function", a Work) in a child process; raises JobBusy when another
    job holds the store. `files` (name, content) are written to the job's files/ folder first; a
    work whose inputs are a dict finds its job folder under inputs["folder"]."""
    base = jobs_dir(store.root)
    base.mkdir(parents=True, exist_ok=True)
    make_private(base)
    job_id = datetime.now().strftime("%Y%m%d-%H%M%S-%f-") + uuid.uuid4().hex[:4]
    memory_mb = settings.number("jobs.memory_mb")
    job = Job(job_id, kind, title, user, _now(), stage_started_at=_now(), memory_mb=memory_mb)
    while not _take_lock(store.root, job):
        if (holder := _holder(store.root)) is not None:  # None: a stale lock was cleared, try again
            raise JobBusy(holder)
    folder = base / job_id
    try:
        folder.mkdir(mode=0o700)
        _save(folder, job)
        if files:
            (folder / "files").mkdir(mode=0o700)
        for name, content in files:
            with private_file(folder / "files" / name, "wb") as fh:
                fh.write(content)
        with private_file(folder / "spec.pkl", "wb") as fh:  # the settings in force here, county values included
            pickle.dump({"target": target, "store": str(store.root), "inputs": inputs,
                         "settings": settings.in_force(), "memory_mb": memory_mb}, fh, protocol=5)
        with private_file(folder / "log.txt", "wb") as log:
            child = subprocess.Popen([sys.executable, "-m", "analytics.jobs", str(folder)], cwd=PACKAGE_ROOT,
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # a server restart does not cut an import short
        _hand_lock(store.root, job, child.pid)
        threading.Thread(target=child.wait, daemon=True).start()  # reaped when it ends: no zombie holds the lock
    except BaseException:
        _release(store.root, job_id)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _prune(base, keep=job_id)
    return job


def _prune(base: Path, keep: str) -> None:
    finished = sorted((p.name for p in base.iterdir() if p.is_dir() and p.name != keep), reverse=True)
    for name in finished[KEEP:]:
        job = _load(base / name)
        if job is None or not job.running:
            shutil.rmtree(base / name, ignore_errors=True)


# --- the child -------------------------------------------------------------------------------
def _resolve(target: str) -> Work:
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)


def run(folder: Path) -> int:
    """The child's whole life: read the spec, cap the memory, run the work (and the works it hands
    on to, see `Then`), record how it ended, free the store. Returns the exit code (0 done, 1 failed)."""
    folder = Path(folder)
    spec_path = folder / "spec.pkl"
    with open(spec_path, "rb") as fh:
        spec = pickle.load(fh)
    spec_path.unlink()  # it may hold personal data: gone as soon as it is read
    root = spec["store"]
    settings.use(spec["settings"])
    before = spec.get("peak_mb", 0.0)
    try:
        work = _resolve(spec["target"])
        limit_memory(spec["memory_mb"])

        def progress(stage: str, fraction: float) -> None:
            _update(folder, stage=stage, fraction=round(min(max(fraction, 0.0), 1.0), 3), stage_started_at=_now())

        inputs = spec.pop("inputs")
        if isinstance(inputs, dict):
            inputs["folder"] = str(folder)
        result = work(Store(root), inputs, progress)  # a work pops what it holds, to free it early
        if isinstance(result, Then):
            _go_on(folder, spec, result)
        result = {**spec.get("result", {}), **result}
        _update(folder, state=DONE, fraction=1.0, result=result, finished_at=_now(), peak_mb=_peak_mb(before))
        return 0
    except JobFailed as exc:
        _update(folder, state=FAILED, error=str(exc), error_code=exc.code, finished_at=_now(),
                peak_mb=_peak_mb(before))
    except MemoryError:
        _update(folder, state=FAILED, error=memory_message(), error_code="memory", finished_at=_now(),
                peak_mb=_peak_mb(before))
    except Exception as exc:  # a bug reaches the page as a message and the log as a traceback
        traceback.print_exc()
        _update(folder, state=FAILED, error=f"内部错误:{type(exc).__name__}: {exc}", error_code="internal",
                finished_at=_now())
    finally:
        _release(root, folder.name)
    return 1


def _go_on(folder: Path, spec: dict, then: Then) -> NoReturn:
    """Hand on to `then.target` in a fresh image of this process: the spec of the next stage is
    written as the starter wrote the first, and the process execs itself. Never returns (an exec
    runs no `finally`: the lock stays held by this pid)."""
    with private_file(folder / "spec.pkl", "wb") as fh:
        pickle.dump({**spec, "target": then.target, "inputs": then.inputs, "peak_mb": _peak_mb(spec.get("peak_mb", 0.0)),
                     "result": {**spec.get("result", {}), **then.result}}, fh, protocol=5)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "analytics.jobs", str(folder)])
