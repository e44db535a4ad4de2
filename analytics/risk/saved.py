"""Trained risk models, versioned inside the store.

    <store>/models/<id>/model.joblib       the fitted RiskModel and RuleTriggers
    <store>/models/<id>/meta.json          snapshot, label, settings fingerprint, scikit-learn version
    <store>/models/<id>/metrics.json       the temporal evaluation against the baseline
    <store>/models/<id>/predictions.parquet  a scored row per eligible household-year

A model folder is written to a temporary name and renamed, so a reader never sees half a
model. A pickled scikit-learn model is only safe with the version that wrote it, so a model
from another version is refused with a message that says how to retrain.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path

import joblib
import pandas as pd
import sklearn

from analytics import settings
from analytics.data.store import Store, make_private, read_slice, write_sliced
from analytics.risk import features as risk_features
from analytics.risk import training as risk_training
from analytics.risk.features import FEATURES, LabelSpec
from analytics.risk.model import RiskModel
from analytics.risk.training import TrainedRisk

FORMAT = 3  # bump when the saved layout or the feature code changes meaning
DISPLAY_ONLY = {"risk.high_risk_probability"}  # settings a saved model does not depend on


class ModelVersionError(Exception):
    """A saved model written by another scikit-learn version; the message is Chinese."""


def fingerprint(label: LabelSpec, model: RiskModel) -> str:
    """What a saved model must share with the current code and settings to be reused."""
    risk_settings = {k: v for k, v in settings.in_force().items() if k.startswith("risk.") and k not in DISPLAY_ONLY}
    payload = json.dumps({"format": FORMAT, "label": vars(label), "settings": risk_settings,
                          "features": [f.id for f in FEATURES], "params": model.get_params()},
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def models_dir(root: Path | str) -> Path:
    return Path(root) / "models"


def save(root: Path | str, trained: TrainedRisk, snapshot_id: str, print_: str) -> str:
    """Write a trained model under a new id and return the id."""
    model_id = datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    base = models_dir(root)
    tmp = base / f".tmp-{model_id}"
    tmp.mkdir(parents=True)
    try:
        joblib.dump({"model": trained.model, "baseline": trained.baseline}, tmp / "model.joblib", compress=3)
        meta = {
            "id": model_id, "snapshot_id": snapshot_id, "trained_at": datetime.now().isoformat(timespec="seconds"),
            "sklearn_version": sklearn.__version__, "format": FORMAT, "fingerprint": print_,
            "label": vars(trained.label), "label_zh": trained.label.describe(),
            "train_years": trained.model.train_years_, "n_train": trained.model.n_train_,
            "chosen_C": trained.model.C_, "calibration": list(trained.model.calibration_),
            "fit_seconds": round(trained.fit_seconds, 2), "warnings": trained.warnings,
        }
        _write_json(tmp / "meta.json", meta)
        _write_json(tmp / "metrics.json", trained.evaluation)
        write_sliced(trained.predictions, tmp / "predictions.parquet")
        make_private(tmp)  # scored rows hold household ids: as private as the snapshots
        os.replace(tmp, base / model_id)
        os.chmod(base, 0o700)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return model_id


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")


def saved(root: Path | str) -> list[dict]:
    """Meta of every saved model, newest first."""
    base = models_dir(root)
    if not base.exists():
        return []
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in base.glob("*/meta.json") if not p.parent.name.startswith(".")]
    return sorted(metas, key=lambda m: m["id"], reverse=True)


def find(root: Path | str, snapshot_id: str, wanted: str) -> str | None:
    """The newest saved model of this snapshot with this fingerprint, whatever its version."""
    return next((m["id"] for m in saved(root) if m["snapshot_id"] == snapshot_id and m["fingerprint"] == wanted), None)


def load(root: Path | str, model_id: str) -> tuple[TrainedRisk, dict]:
    """A saved model and its meta, without its scored rows (four million at a million
    households): read the slice needed with `predictions`. Refuses a model written by another
    scikit-learn version."""
    folder = models_dir(root) / model_id
    if not (folder / "meta.json").exists():
        raise FileNotFoundError(f"找不到模型 {model_id}({folder})。")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["sklearn_version"] != sklearn.__version__:
        raise ModelVersionError(
            f"模型 {model_id} 由 scikit-learn {meta['sklearn_version']} 训练,当前安装的是 {sklearn.__version__},"
            f"版本不一致的模型可能给出错误结果,已拒绝加载。请运行 python -m analytics risk train 重新训练。")
    parts = joblib.load(folder / "model.joblib")
    evaluation = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    trained = TrainedRisk(
        model=parts["model"], baseline=parts["baseline"], evaluation=evaluation,
        predictions=None, label=LabelSpec(**meta["label"]),
        fit_seconds=meta["fit_seconds"], warnings=meta["warnings"])
    return trained, meta


def predictions(root: Path | str, model_id: str, **where: object) -> pd.DataFrame:
    """A slice of a saved model's scored rows: arguments as `store.read_slice`."""
    return read_slice(models_dir(root) / model_id / "predictions.parquet", **where)


SOURCE_TABLES = ("households", "monitoring_lines", "villages", "projects", "townships")


def snapshot_tables(store: Store, snapshot_id: str) -> dict[str, pd.DataFrame]:
    """The tables the model reads; optional ones are skipped when the snapshot lacks them."""
    return {name: store.table(name, snapshot_id) for name in SOURCE_TABLES if store.has_table(name, snapshot_id)}


def township_names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    towns = tables.get("townships")
    return {} if towns is None else dict(zip(towns["township_code"], towns["township_name"]))


def train_and_save(store: Store, snapshot_id: str | None = None,
                   model: RiskModel | None = None) -> tuple[TrainedRisk, dict]:
    """Train on a snapshot (default: the current one) and save the model in the store."""
    snapshot_id = snapshot_id or store.info().id
    template = model or RiskModel()
    label = LabelSpec.from_settings()
    tables = snapshot_tables(store, snapshot_id)
    features = risk_features.build(tables, label)
    trained = risk_training.train(features, settings.number("risk.workload"), template,
                                  township_names(tables))
    model_id = save(store.root, trained, snapshot_id, fingerprint(label, template))
    return load(store.root, model_id)


def current_fingerprint() -> str:
    """The fingerprint a model trained now, with today's settings, would have."""
    return fingerprint(LabelSpec.from_settings(), RiskModel())


def current(root: Path | str, snapshot_id: str) -> str | None:
    """The id of the newest model saved for this snapshot under the current settings, if any."""
    return find(root, snapshot_id, current_fingerprint())


def for_snapshot(store: Store, snapshot_id: str | None = None) -> tuple[TrainedRisk, dict, str | None]:
    """The saved model matching the snapshot and settings, else a newly trained one. The
    third value explains, in Chinese, why a saved model was not used (or is None)."""
    snapshot_id = snapshot_id or store.info().id
    found = current(store.root, snapshot_id)
    notice = None
    if found:
        try:
            trained, meta = load(store.root, found)
            return trained, meta, None
        except ModelVersionError as exc:
            notice = f"{exc}(已自动重新训练)"
    trained, meta = train_and_save(store, snapshot_id)
    return trained, meta, notice


def prepare(store: Store) -> str:
    """Train the current snapshot's model now, after an import, so that no page makes a user wait
    for it (about 13 s at 80,000 households). Returns one Chinese line for the operator."""
    snapshot_id = store.info().id
    if current(store.root, snapshot_id):
        return "返贫风险模型:当前快照已有训练好的模型。"
    try:
        train_and_save(store, snapshot_id)
    except risk_features.RiskDataError as exc:
        return f"返贫风险模型未训练:{exc}"
    return "返贫风险模型已按当前快照训练并保存。"
