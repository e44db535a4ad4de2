"""The heavy work 数据管理 starts, each as a job (analytics.jobs.runner): committing a checked
import (then training the new snapshot's model, as an import always did) and training the model."""

from __future__ import annotations

from analytics.data.store import StaleSnapshot, Store, StoreError
from analytics.ingest import pipeline as ingest
from analytics.jobs import runner
from analytics.jobs.runner import Job, JobFailed, Progress
from analytics.risk import saved as risk_model_store
from analytics.risk.features import RiskDataError
from analytics.risk.model import RiskModel

IMPORT, TRAIN = "import", "train"
TITLES = {IMPORT: "数据导入", TRAIN: "返贫风险模型训练"}
STAGES = {IMPORT: ("commit", "train"), TRAIN: ("train",)}  # in order; each job reports these keys


def start_import(store: Store, checked: ingest.Checked, user: str) -> Job:
    """Commit a checked import in a child process; the checked tables travel in the job's spec."""
    return runner.start(store, IMPORT, f"{__name__}:commit_import", user, TITLES[IMPORT],
                        {"checked": checked, "user": user})


def start_training(store: Store, user: str) -> Job:
    """Train the current snapshot's model again (after a settings change, say) in a child process."""
    return runner.start(store, TRAIN, f"{__name__}:train_model", user, TITLES[TRAIN])


def commit_import(store: Store, inputs: dict, progress: Progress) -> dict:
    progress("commit", 0.0)
    checked = inputs.pop("checked")
    try:
        snapshot = ingest.commit(checked, store, inputs["user"])
    except StaleSnapshot as exc:  # someone imported or rolled back after this check
        raise JobFailed(str(exc), code="stale") from exc
    except (ingest.ImportRefused, StoreError) as exc:
        raise JobFailed(str(exc)) from exc
    del checked  # the training reads the snapshot back: the checked tables need not stay
    progress("train", 0.5)
    try:
        model = risk_model_store.prepare(store)
    except MemoryError:  # the snapshot is in: the import is done, only its model waits for more memory
        model = f"返贫风险模型未训练:{runner.memory_message()}"
    return {"snapshot": snapshot, "model": model}


def train_model(store: Store, inputs: None, progress: Progress) -> dict:
    progress("train", 0.0)
    try:
        _, meta = risk_model_store.train_and_save(store, RiskModel.from_settings())
    except (RiskDataError, StoreError) as exc:
        raise JobFailed(f"返贫风险模型未训练:{exc}") from exc
    return {"model": meta.id, "snapshot": meta.snapshot_id, "n_train": meta.n_train, "fit_seconds": meta.fit_seconds}
