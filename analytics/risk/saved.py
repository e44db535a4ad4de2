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

import dataclasses
import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import joblib
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sklearn

from analytics import settings
from analytics.data import memory
from analytics.data.contract import HOUSEHOLDS
from analytics.data.store import SLICE_ORDER, SLICE_ROW_GROUP, Store, make_private, read_slice
from analytics.risk import features as risk_features
from analytics.risk import training as risk_training
from analytics.risk.features import FEATURES, FeatureSet, LabelSpec
from analytics.risk.model import RiskModel
from analytics.risk.training import TrainedRisk

FORMAT = 3  # bump when the saved layout or the feature code changes meaning
DISPLAY_ONLY = {"risk.high_risk_probability"}  # settings a saved model does not depend on


class ModelVersionError(Exception):
    """A saved model written by another scikit-learn version; the message is Chinese."""


@dataclass(frozen=True)
class ModelMeta:
    """What meta.json says about a saved model: which snapshot and settings it belongs to, and
    what the model card shows. `as_json()` is the file (and a command's --json)."""

    id: str
    snapshot_id: str
    trained_at: str
    sklearn_version: str
    format: int
    fingerprint: str
    label: LabelSpec
    label_zh: str
    train_years: tuple[int, ...]
    n_train: int  # household-years the fit stands for
    chosen_C: float
    calibration: tuple[float, float]
    fit_seconds: float
    warnings: tuple[str, ...]
    n_fitted: int | None = None  # rows actually fitted (the case-control sample); None in older models

    def as_json(self) -> dict:
        return dataclasses.asdict(self) | {"train_years": list(self.train_years), "calibration": list(self.calibration),
                                           "warnings": list(self.warnings)}

    @classmethod
    def from_json(cls, value: dict) -> ModelMeta:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in value.items() if k in known} | {
            "label": LabelSpec(**value["label"]), "train_years": tuple(value["train_years"]),
            "calibration": tuple(value["calibration"]), "warnings": tuple(value["warnings"])})


def fingerprint(label: LabelSpec, model: RiskModel) -> str:
    """What a saved model must share with the current code and settings to be reused."""
    risk_settings = {k: v for k, v in settings.in_force().items() if k.startswith("risk.") and k not in DISPLAY_ONLY}
    payload = json.dumps({"format": FORMAT, "label": vars(label), "settings": risk_settings,
                          "features": [f.id for f in FEATURES], "params": model.get_params()},
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def models_dir(root: Path | str) -> Path:
    return Path(root) / "models"


def save(root: Path | str, trained: TrainedRisk, features: FeatureSet, snapshot_id: str, print_: str) -> str:
    """Write a trained model under a new id, scoring every eligible household-year of
    `features` into its predictions as the chunks are computed, and return the id."""
    model_id = datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    base = models_dir(root)
    tmp = base / f".tmp-{model_id}"
    tmp.mkdir(parents=True)
    try:
        joblib.dump({"model": trained.model, "baseline": trained.baseline}, tmp / "model.joblib", compress=3)
        meta = ModelMeta(
            id=model_id, snapshot_id=snapshot_id, trained_at=datetime.now().isoformat(timespec="seconds"),
            sklearn_version=sklearn.__version__, format=FORMAT, fingerprint=print_,
            label=trained.label, label_zh=trained.label.describe(),
            train_years=tuple(trained.model.train_years_), n_train=trained.model.n_train_,
            chosen_C=trained.model.C_, calibration=tuple(trained.model.calibration_),
            fit_seconds=round(trained.fit_seconds, 2), warnings=tuple(trained.warnings),
            n_fitted=trained.model.n_fitted_)
        _write_json(tmp / "meta.json", meta.as_json())
        _write_json(tmp / "metrics.json", trained.evaluation)
        write_scores(trained, features.frame, tmp / "predictions.parquet")
        make_private(tmp)  # scored rows hold household ids: as private as the snapshots
        os.replace(tmp, base / model_id)
        os.chmod(base, 0o700)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return model_id


def write_scores(trained: TrainedRisk, frame: pd.DataFrame, path: Path) -> None:
    """Every eligible household-year scored, a chunk at a time, into one Parquet file laid out
    as `store.write_sliced` lays it out (sorted by year and village, in row groups of
    SLICE_ROW_GROUP rows), so a reader of a slice skips the rest and memory stays bounded."""
    eligible = frame.loc[frame["eligible"].to_numpy(), SLICE_ORDER]
    rows = eligible.sort_values(SLICE_ORDER, kind="stable").index.to_numpy()
    chunk = SLICE_ROW_GROUP * max(1, risk_training.CHUNK_ROWS // SLICE_ROW_GROUP)
    writer: pq.ParquetWriter | None = None
    try:
        for part in risk_training.score_chunks(trained.model, trained.baseline, frame, rows, chunk):
            if writer is None:
                schema = pa.Schema.from_pandas(part, preserve_index=False)
                schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in schema],
                                   metadata=schema.metadata)
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(pa.Table.from_pandas(part, schema=writer.schema, preserve_index=False),
                               row_group_size=SLICE_ROW_GROUP)
        if writer is None:  # nothing eligible: an empty file with the columns
            empty = risk_training.score(trained.model, trained.baseline, frame.iloc[:0])
            empty.to_parquet(path, index=False)
    finally:
        if writer is not None:
            writer.close()


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")


def saved(root: Path | str) -> list[ModelMeta]:
    """Meta of every saved model, newest first."""
    base = models_dir(root)
    if not base.exists():
        return []
    metas = [ModelMeta.from_json(json.loads(p.read_text(encoding="utf-8")))
             for p in base.glob("*/meta.json") if not p.parent.name.startswith(".")]
    return sorted(metas, key=lambda m: m.id, reverse=True)


def find(root: Path | str, snapshot_id: str, wanted: str) -> str | None:
    """The newest saved model of this snapshot with this fingerprint, whatever its version."""
    return next((m.id for m in saved(root) if m.snapshot_id == snapshot_id and m.fingerprint == wanted), None)


def load(root: Path | str, model_id: str) -> tuple[TrainedRisk, ModelMeta]:
    """A saved model and its meta, without its scored rows (four million at a million
    households): read the slice needed with `predictions`. Refuses a model written by another
    scikit-learn version."""
    folder = models_dir(root) / model_id
    if not (folder / "meta.json").exists():
        raise FileNotFoundError(f"找不到模型 {model_id}({folder})。")
    meta = ModelMeta.from_json(json.loads((folder / "meta.json").read_text(encoding="utf-8")))
    if meta.sklearn_version != sklearn.__version__:
        raise ModelVersionError(
            f"模型 {model_id} 由 scikit-learn {meta.sklearn_version} 训练,当前安装的是 {sklearn.__version__},"
            f"版本不一致的模型可能给出错误结果,已拒绝加载。请运行 python -m analytics risk train 重新训练。")
    parts = joblib.load(folder / "model.joblib")
    evaluation = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    trained = TrainedRisk(model=parts["model"], baseline=parts["baseline"], evaluation=evaluation,
                          label=meta.label, fit_seconds=meta.fit_seconds, warnings=list(meta.warnings))
    return trained, meta


def predictions(root: Path | str, model_id: str, **where: object) -> pd.DataFrame:
    """A slice of a saved model's scored rows: arguments as `store.read_slice`."""
    return read_slice(models_dir(root) / model_id / "predictions.parquet", **where)


SOURCE_TABLES = ("households", "monitoring_lines", "villages", "projects", "townships")


def snapshot_tables(store: Store, snapshot_id: str) -> dict[str, pd.DataFrame]:
    """The tables the model reads; optional ones are skipped when the snapshot lacks them."""
    return {name: store.table(name, snapshot_id) for name in SOURCE_TABLES if store.has_table(name, snapshot_id)}


def snapshot_features(store: Store, snapshot_id: str, label: LabelSpec) -> tuple[FeatureSet, dict[str, pd.DataFrame]]:
    """The features of a snapshot, reading its households a year at a time and only the
    columns the model reads (no names or ID numbers); also the small tables read whole."""
    tables = {name: store.table(name, snapshot_id) for name in SOURCE_TABLES
              if name != "households" and store.has_table(name, snapshot_id)}
    if not store.has_table("households", snapshot_id):
        raise risk_features.RiskDataError("数据快照中没有“households”表或该表为空,无法计算返贫风险。")
    present = set(pq.read_schema(store.path("households", snapshot_id)).names)
    columns = [c.id for c in HOUSEHOLDS.columns if not c.personal and c.id in present]
    year = store.table("households", snapshot_id, columns=["year"])["year"].to_numpy()
    if len(year) == 0:
        raise risk_features.RiskDataError("数据快照中没有“households”表或该表为空,无法计算返贫风险。")
    distinct, counts = pd.unique(year), pd.Series(year).value_counts()
    features = risk_features.build_by_year(
        {int(y): int(counts[y]) for y in distinct},
        lambda y: store.rows("households", snapshot_id, year=y, columns=columns), tables, label)
    memory.give_back()  # the years read are freed: the fits that come next need the room
    return features, tables


def township_names(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    towns = tables.get("townships")
    return {} if towns is None else dict(zip(towns["township_code"], towns["township_name"]))


def train_and_save(store: Store, model: RiskModel, snapshot_id: str | None = None) -> tuple[TrainedRisk, ModelMeta]:
    """Train `model` (RiskModel.from_settings() for use) on a snapshot (default: the current
    one) and save it in the store."""
    snapshot_id = snapshot_id or store.info().id
    label = LabelSpec.from_settings()
    features, tables = snapshot_features(store, snapshot_id, label)
    trained = risk_training.train(features, settings.number("risk.workload"), model, township_names(tables))
    model_id = save(store.root, trained, features, snapshot_id, fingerprint(label, model))
    return load(store.root, model_id)


def current_fingerprint() -> str:
    """The fingerprint a model trained now, with today's settings, would have."""
    return fingerprint(LabelSpec.from_settings(), RiskModel.from_settings())


def current(root: Path | str, snapshot_id: str) -> str | None:
    """The id of the newest model saved for this snapshot under the current settings, if any."""
    return find(root, snapshot_id, current_fingerprint())


def for_snapshot(store: Store, snapshot_id: str | None = None) -> tuple[TrainedRisk, ModelMeta, str | None]:
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
    trained, meta = train_and_save(store, RiskModel.from_settings(), snapshot_id)
    return trained, meta, notice


def prepare(store: Store) -> str:
    """Train the current snapshot's model now, after an import, so that no page makes a user wait
    for it (about 13 s at 80,000 households). Returns one Chinese line for the operator."""
    snapshot_id = store.info().id
    if current(store.root, snapshot_id):
        return "返贫风险模型:当前快照已有训练好的模型。"
    try:
        train_and_save(store, RiskModel.from_settings(), snapshot_id)
    except risk_features.RiskDataError as exc:
        return f"返贫风险模型未训练:{exc}"
    return "返贫风险模型已按当前快照训练并保存。"
