"""python -m bench.risk --store DIR: time the relapse-risk model on a store's current snapshot.

Measures loading the tables, building the features, the temporal evaluation (fit on years up
to t-1, score year t), the final fit on every labelled year (time-ordered CV for C, Platt
calibration, refit) and scoring every eligible household-year with drivers, in wall and CPU
seconds. Prints JSON.
Generate a large county first, e.g. `python -m analytics demo --households 200000 --store
/tmp/big` (1,000,000 household-years).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from analytics import settings
from analytics.data.store import Store
from analytics.risk import features as risk_features
from analytics.risk import saved as risk_model_store
from analytics.risk import training as risk_training
from analytics.risk.baseline import RuleTriggers
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
    clock = _Clock()
    tables = clock.run("load", lambda: risk_model_store.snapshot_tables(store, snapshot))
    features = clock.run("features", lambda: risk_features.build(tables, risk_features.LabelSpec.from_settings()))
    labelled = features.labelled()
    evaluation = clock.run("evaluate", lambda: risk_training.evaluate(features, workload))
    model = clock.run("final_fit", lambda: RiskModel().fit(labelled, labelled["label"], labelled["year"]))
    rules = RuleTriggers.from_settings().fit(labelled, labelled["label"])
    scored = clock.run("score", lambda: risk_training.score(model, rules, features.frame[features.frame["eligible"]]))
    training = ("features", "evaluate", "final_fit", "score")
    return {
        "snapshot": snapshot,
        "household_years": len(tables["households"]),
        "labelled_rows": len(labelled),
        "scored_rows": len(scored),
        "wall_s": clock.wall | {"train_total": round(sum(clock.wall[k] for k in training), 2)},
        "cpu_s": clock.cpu | {"train_total": round(sum(clock.cpu[k] for k in training), 2)},
        "load_average": round(os.getloadavg()[0], 1),
        "recall_at_workload": {"model": evaluation.model["recall_at_workload"],
                               "baseline": evaluation.baseline["recall_at_workload"]},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.risk", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True)
    print(json.dumps(measure(ap.parse_args(argv).store), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
