"""`python -m analytics risk evaluate|train`: the relapse-risk model from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata

from analytics import settings
from analytics.commands import options
from analytics.data.store import Store
from analytics.risk import features as risk_features
from analytics.risk import saved as risk_model_store
from analytics.risk import training as risk_training
from analytics.risk.features import LabelSpec, RiskDataError
from analytics.risk.model import RiskModel

_STORE_HELP = "数据仓库目录(默认 data/store;也可写在 risk 之后)"
_NAMES = {"roc_auc": "ROC AUC", "pr_auc": "PR AUC", "brier": "Brier 分数",
          "recall_at_workload": "工作量内召回率", "precision_at_workload": "工作量内精确率"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("risk", help="返贫风险模型:时间外评估与训练")
    actions = p.add_subparsers(dest="action", required=True)
    ev = actions.add_parser("evaluate", help="用 t-1 年及以前训练、在 t 年检验,与规则预警基线对比")
    ev.add_argument("--store", default=argparse.SUPPRESS, help=_STORE_HELP)
    ev.add_argument("--workload", type=float, default=None, help="入户核实工作量(前 k 比例,默认取设置 risk.workload)")
    ev.add_argument("--test-year", type=int, default=None, help="检验年度(默认最后一个有次年结果的年度)")
    options.json_output(ev)
    ev.set_defaults(run=run)
    tr = actions.add_parser("train", help="在全部有结果的年度上训练并保存到数据仓库")
    tr.add_argument("--store", default=argparse.SUPPRESS, help=_STORE_HELP)
    tr.set_defaults(run=run)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    try:
        if args.action == "evaluate":
            return _evaluate(store, args)
        return _train(store)
    except RiskDataError as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1


def _evaluate(store: Store, args: argparse.Namespace) -> int:
    workload = args.workload if args.workload is not None else settings.number("risk.workload")
    if not 0 < workload <= 1:
        raise RiskDataError(f"--workload 应在 0 与 1 之间(例如 0.05 表示前 5%),收到 {workload}。")
    snapshot = store.info().id
    tables = risk_model_store.snapshot_tables(store, snapshot)
    features = risk_features.build(tables, LabelSpec.from_settings())
    result = risk_training.evaluate(features, workload, RiskModel.from_settings(), args.test_year,
                                    township_names=risk_model_store.township_names(tables)).as_json()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"快照 {snapshot}:用 {result['train_years']} 年训练,检验 {result['test_year']} 年"
          f"({result['n_test']} 户,次年返贫 {result['events']} 户),工作量前 {workload:.0%}")
    print(_pad("指标", 16) + _pad("模型", 10, right=True) + _pad("规则基线", 12, right=True))
    for key, name in _NAMES.items():
        print(_pad(name, 16) + _pad(_fmt(result["model"][key]), 10, right=True)
              + _pad(_fmt(result["baseline"][key]), 12, right=True))
    for warning in result["warnings"]:
        print(f"提示:{warning}")
    return 0


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad to a terminal width where a Chinese character takes two columns."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    space = " " * max(0, width - used)
    return space + text if right else text + space


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _train(store: Store) -> int:
    started = time.perf_counter()
    trained, meta = risk_model_store.train_and_save(store, RiskModel.from_settings())
    ev = trained.evaluation
    print(f"已训练并保存模型 {meta.id}(快照 {meta.snapshot_id},scikit-learn {meta.sklearn_version})")
    print(f"  训练年度 {list(meta.train_years)},{meta.n_train} 户年;最终拟合 {meta.fit_seconds:.1f} 秒,"
          f"共用时 {time.perf_counter() - started:.1f} 秒")
    if ev:
        print(f"  时间外检验 {ev['test_year']} 年:工作量内召回率 模型 {_fmt(ev['model']['recall_at_workload'])},"
              f"规则基线 {_fmt(ev['baseline']['recall_at_workload'])}")
    for warning in meta.warnings:
        print(f"提示:{warning}")
    return 0
