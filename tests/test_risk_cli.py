"""python -m analytics risk evaluate|train on a second county (another seed and size)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sklearn

from analytics.__main__ import main
from analytics.data.store import Store
from analytics.demo import county as demo

KEYS = ("roc_auc", "pr_auc", "brier", "recall_at_workload", "precision_at_workload")


@pytest.fixture(scope="module")
def second_county(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("second_county"))
    demo.build(store, households=2500, seed=99)
    return store


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_evaluate_prints_the_figures_as_json(second_county, capsys):
    code, out, _ = _run(capsys, "risk", "evaluate", "--store", str(second_county.root), "--workload", "0.1", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["workload"] == 0.1
    assert result["train_years"] == [2021, 2022, 2023] and result["test_year"] == 2024
    h = second_county.table("households")
    now = h[h["year"] == 2024]
    unresolved = now["monitoring_category"].notna() & ~now["risk_eliminated"].fillna(False).astype(bool)
    has_next = now["household_id"].isin(h.loc[h["year"] == 2025, "household_id"])
    assert result["n_test"] == int((~unresolved & has_next).sum())
    for who in ("model", "baseline"):
        assert set(KEYS) <= set(result[who])
        for key in KEYS:
            assert result[who][key] is None or 0 <= result[who][key] <= 1
        assert result[who]["visited"] == round(0.1 * result["n_test"])
    assert len(result["calibration"]) == 10


def test_store_option_also_works_before_the_action(second_county, capsys):
    code, out, _ = _run(capsys, "risk", "--store", str(second_county.root), "evaluate")
    assert code == 0
    assert "ROC AUC" in out and "工作量内召回率" in out and "规则基线" in out


def test_train_saves_a_versioned_model(second_county, capsys):
    code, out, _ = _run(capsys, "risk", "train", "--store", str(second_county.root))
    assert code == 0 and "已训练并保存模型" in out
    models = list((second_county.root / "models").iterdir())
    assert len(models) == 1
    meta = json.loads((models[0] / "meta.json").read_text(encoding="utf-8"))
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["snapshot_id"] == second_county.info().id
    assert meta["train_years"] == [2021, 2022, 2023, 2024]
    metrics = json.loads((models[0] / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test_year"] == 2024 and np.isfinite(metrics["model"]["roc_auc"])


def test_bad_workload_and_empty_store_get_chinese_messages(second_county, tmp_path, capsys):
    code, _, err = _run(capsys, "risk", "evaluate", "--store", str(second_county.root), "--workload", "5")
    assert code == 1 and "--workload" in err and "0 与 1 之间" in err
    code, _, err = _run(capsys, "risk", "train", "--store", str(tmp_path / "empty"))
    assert code == 1 and "还没有数据" in err
