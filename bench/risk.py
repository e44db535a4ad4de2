"""python -m bench.risk --store DIR: train the relapse-risk model on a store's current snapshot, as
`python -m analytics risk train` does, and time each stage.

Stages: the features (households read a year at a time); the temporal evaluation (fit on years
up to t-1, score year t) and the final fit on every labelled year (a weighted case-control sample
above `risk.sample_above_rows`; time-ordered CV for C, Platt calibration, refit), which run at
once on two cores as `risk train` runs them; and writing the scored rows of every eligible
household-year chunk by chunk (scored on two threads), in wall and CPU seconds. The model
is saved, so the pages measured next read it. Prints JSON; peak memory is added by bench.worker
(one fresh process per measurement).
Generate a large county first, e.g. `python -m analytics demo --households 200000 --store
/tmp/big` (1,000,000 household-years).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from analytics import settings
from analytics.data.store import Store
from analytics.risk import saved as risk_model_store
from analytics.risk import training as risk_training
from analytics.risk.features import LabelSpec
from analytics.risk.model import RiskModel


class _Clock:
    """Wall and CPU seconds per stage: on a shared machine CPU seconds show what an idle one
    would take (the fits run on one thread)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def run(self, stage: str, fn):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        self.wall[stage] = round(time.perf_counter() - wall, 2)
        self.cpu[stage] = round(time.process_time() - cpu, 2)
        return result


def measure(store_dir: str) -> dict:
    store = Store(store_dir)
    snapshot = store.info().id
    workload = settings.number("risk.workload")
    label, template = LabelSpec.from_settings(), RiskModel.from_settings()
    clock = _Clock()
    features, tables = clock.run("features", lambda: risk_model_store.snapshot_features(store, snapshot, label))
    towns = risk_model_store.township_names(tables)
    trained = clock.run("evaluate_and_fit", lambda: risk_training.train(features, workload, template,
                                                                       township_names=towns))
    model_id = clock.run("score_and_save", lambda: risk_model_store.save(
        store.root, trained, features, snapshot, risk_model_store.fingerprint(label, template)))
    labelled = np.flatnonzero(features.labelled_mask())
    evaluation = trained.evaluation
    training = ("features", "evaluate_and_fit", "score_and_save")
    return {
        "snapshot": snapshot,
        "model_id": model_id,
        "household_years": len(features.frame),
        "labelled_rows": len(labelled),
        "fitted_rows": trained.model.n_fitted_,
        "wall_s": clock.wall | {"train_total": round(sum(clock.wall[k] for k in training), 2)},
        "cpu_s": clock.cpu | {"train_total": round(sum(clock.cpu[k] for k in training), 2)},
        "load_average": round(os.getloadavg()[0], 1),
        "recall_at_workload": {"model": evaluation["model"]["recall_at_workload"],
                               "baseline": evaluation["baseline"]["recall_at_workload"]},
        "roc_auc": evaluation["model"]["roc_auc"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.risk", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True)
    print(json.dumps(measure(ap.parse_args(argv).store), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
