"""The heavy work 数据管理 starts, each as a job (analytics.jobs.runner): checking uploaded files,
committing a checked import (then training the new snapshot's model, as an import always did, in a
fresh image of the job's process) and training the model.

A check job leaves in its folder the check without its rows (checked.pkl: the report, the
files, the county, a visit list's results, each table's columns only; what the page shows) and the tables apart
(tables.pkl, a column at a time: see _write_tables), so the page reads the report without the tables,
and the import job reads the tables from disk; all private, the tables removed once committed."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from analytics.data.store import StaleSnapshot, Store, StoreError
from analytics.ingest import pipeline as ingest
from analytics.jobs import runner
from analytics.jobs.runner import Job, JobFailed, Progress
from analytics.risk import saved as risk_model_store
from analytics.risk.features import RiskDataError
from analytics.risk.model import RiskModel

CHECK, IMPORT, TRAIN = "check", "import", "train"
TITLES = {CHECK: "数据检查", IMPORT: "数据导入", TRAIN: "返贫风险模型训练"}
STAGES = {CHECK: ("check",), IMPORT: ("commit", "train"), TRAIN: ("train",)}  # in order; each job reports these keys
CHECKED, TABLES = "checked.pkl", "tables.pkl"


def start_check(store: Store, uploads: Sequence[tuple[str, bytes | memoryview]], options: ingest.Options, user: str) -> Job:
    """Check uploaded files (name, content) in a child process; they are saved in the job's folder
    under a numbered name with their own suffix, and checked under their own names."""
    saved = [(f"{i}{Path(name).suffix.lower()}", content) for i, (name, content) in enumerate(uploads)]
    return runner.start(store, CHECK, f"{__name__}:check_upload", user, TITLES[CHECK],
                        {"names": [name for name, _ in uploads], "saved": [s for s, _ in saved], "options": options},
                        files=saved)


def check_upload(store: Store, inputs: dict, progress: Progress) -> dict:
    progress("check", 0.0)
    folder = Path(inputs["folder"])
    paths = [folder / "files" / name for name in inputs["saved"]]
    try:
        checked = ingest.check(paths, store, inputs["options"], names=inputs["names"])
    finally:
        for path in paths:  # personal data: the uploads go as soon as they are read
            path.unlink(missing_ok=True)
    _write_tables(folder / TABLES, checked.tables)
    _write(folder / CHECKED, replace(checked, tables={n: f.iloc[:0] for n, f in checked.tables.items()}))
    return {"ok": checked.ok, "errors": checked.report.errors, "warnings": checked.report.warnings}


def _write(path: Path, value: object) -> None:
    with runner.private_file(path, "wb") as fh:
        pickle.dump(value, fh, protocol=5)


def _write_tables(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """The tables a column at a time, each its own pickle: one pickle of a frame keeps a copy of
    every text column until it ends (0.8 GB at a million households), and Parquet read back
    held 1.2 GB more than the frame it gave."""
    with runner.private_file(path, "wb") as fh:
        for name, frame in tables.items():
            whole = isinstance(frame, gpd.GeoDataFrame)  # boundaries: a few hundred rows
            pickle.dump((name, whole, frame if whole else list(frame.columns)), fh, protocol=5)
            for column in [] if whole else frame.columns:
                pickle.dump(frame[column].reset_index(drop=True), fh, protocol=5)


def _read_tables(path: Path) -> dict[str, pd.DataFrame]:
    tables: dict[str, pd.DataFrame] = {}
    with open(path, "rb") as fh:
        while fh.peek(1):
            name, whole, content = pickle.load(fh)
            tables[name] = content if whole else pd.DataFrame({c: pickle.load(fh) for c in content}, copy=False)
    return tables


def _read(path: Path) -> object:
    with open(path, "rb") as fh:
        return pickle.load(fh)


def checked(root: Path | str, job_id: str) -> ingest.Checked | None:
    """A finished check's report, files and county, without its tables (None once gone)."""
    path = runner.jobs_dir(root) / job_id / CHECKED
    return _read(path) if path.exists() else None


def start_import(store: Store, check_id: str, user: str) -> Job:
    """Commit the tables of a finished check job in a child process; they are read from its folder."""
    return runner.start(store, IMPORT, f"{__name__}:commit_import", user, TITLES[IMPORT],
                        {"check": check_id, "user": user})


def start_training(store: Store, user: str) -> Job:
    """Train the current snapshot's model again (after a settings change, say) in a child process."""
    return runner.start(store, TRAIN, f"{__name__}:train_model", user, TITLES[TRAIN])


def commit_import(store: Store, inputs: dict, progress: Progress) -> runner.Then:
    progress("commit", 0.0)
    folder = runner.jobs_dir(store.root) / inputs["check"]
    if not (folder / TABLES).exists():  # committed already, or pruned
        raise JobFailed("这次检查的结果已不在(已导入过或已清理),请重新检查后再导入。", code="gone")
    checked = replace(_read(folder / CHECKED), tables=_read_tables(folder / TABLES))
    (folder / TABLES).unlink()  # a check commits once
    try:
        snapshot = ingest.commit(checked, store, inputs["user"])
    except StaleSnapshot as exc:  # someone imported or rolled back after this check
        raise JobFailed(str(exc), code="stale") from exc
    except (ingest.ImportRefused, StoreError) as exc:
        raise JobFailed(str(exc)) from exc
    # the training reads the snapshot back, in a fresh image of this process: on top of what the
    # commit left in the allocators it reached 3,018 MB at a million households, 2,752 MB without
    return runner.Then(f"{__name__}:train_after_import", None, {"snapshot": snapshot})


def train_after_import(store: Store, inputs: None, progress: Progress) -> dict:
    progress("train", 0.5)
    try:
        model = risk_model_store.prepare(store)
    except MemoryError:  # the snapshot is in: the import is done, only its model waits for more memory
        model = f"返贫风险模型未训练:{runner.memory_message()}"
    return {"model": model}


def train_model(store: Store, inputs: None, progress: Progress) -> dict:
    progress("train", 0.0)
    try:
        _, meta = risk_model_store.train_and_save(store, RiskModel.from_settings())
    except (RiskDataError, StoreError) as exc:
        raise JobFailed(f"返贫风险模型未训练:{exc}") from exc
    return {"model": meta.id, "snapshot": meta.snapshot_id, "n_train": meta.n_train, "fit_seconds": meta.fit_seconds}
