"""`python -m analytics score`: each village's five-dimension scores, overall score, rank and
5-95% rank interval for one year."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import pandas as pd

from analytics.commands import options
from analytics.data import indicators
from analytics.data.contract import DIMENSIONS
from analytics.data.store import Store
from analytics.scoring import composite as scoring


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="五大振兴评分:各村维度得分、综合得分、排名与排名区间")
    options.year(p, "最近一年")
    p.add_argument("--weights", choices=["equal", "entropy", "ahp"], help="赋权方法(默认见 settings.toml)")
    p.add_argument("--normalisation", choices=list(scoring.NORMALISATIONS), help="标准化方法(默认见 settings.toml)")
    options.json_output(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    store = Store(args.store)
    default = scoring.Method.from_settings()
    try:
        method = replace(default, normalisation=args.normalisation or default.normalisation,
                         weights=args.weights or default.weights)
        values = indicators.load_values(store)
        villages = store.table("villages")
        year = args.year if args.year is not None else int(values["year"].max())
        if year not in set(values["year"]):
            years = "、".join(str(y) for y in sorted(values["year"].unique()))
            raise scoring.ScoringError(f"没有 {year} 年的指标数据;可选年度:{years}")
        scorer = scoring.CompositeScorer.from_settings(method).fit(values)
        table = scoring.score_villages(values, villages, scorer, scoring.Tiers.from_settings())
        table = table[table["year"] == year]
        intervals = scoring.robustness(values, villages, scoring.CompositeScorer.from_settings(method), year,
                                       scoring.Robustness.from_settings())
    except (scoring.ScoringError, indicators.CatalogueError) as exc:
        print(f"错误:{exc}", file=sys.stderr)
        return 1
    rows = table.merge(intervals[["village_code", "rank_p05", "rank_p95", "robust"]], on="village_code")
    rows = rows.merge(villages[["village_code", "village_name"]], on="village_code")
    for note in scorer.notes_:
        print(f"提示:{note}", file=sys.stderr)
    if args.json:
        print(json.dumps(_json(rows, year, method, scorer), ensure_ascii=False, indent=1))
    else:
        _print(rows, year, method, scorer)
    return 0


def _num(value: object) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    return round(float(value), 2) if isinstance(value, float) else int(value)


def _json(rows: pd.DataFrame, year: int, method: scoring.Method, scorer: scoring.CompositeScorer) -> dict:
    dims = list(scorer.dimension_weights_.index)
    return {
        "year": year,
        "normalisation": method.normalisation,
        "weights": method.weights,
        "dimension_weights": {d: round(float(w), 4) for d, w in scorer.dimension_weights_.items()},
        "villages": [
            {
                "village_code": r["village_code"], "village_name": r["village_name"],
                "township_code": r["township_code"],
                "scores": {d: _num(r[d]) for d in dims},
                "overall": _num(r[scoring.OVERALL]), "rank": _num(r["rank"]),
                "rank_interval": [_num(r["rank_p05"]), _num(r["rank_p95"])],
                "robust": None if pd.isna(r["robust"]) else bool(r["robust"]),
                "tier": r["tier"] if isinstance(r["tier"], str) else None,
                "change": _num(r["change"]),
            }
            for _, r in rows.iterrows()
        ],
    }


def _print(rows: pd.DataFrame, year: int, method: scoring.Method, scorer: scoring.CompositeScorer) -> None:
    weights = " ".join(f"{d}{w:.0%}" for d, w in scorer.dimension_weights_.items())
    print(f"{year} 年五大振兴评分 · {method.label()} · 权重:{weights}")
    header = ["村代码", "村名称", *DIMENSIONS, "综合", "排名", "排名区间", "档次"]
    print("\t".join(header))
    for _, r in rows.iterrows():
        interval = f"{_num(r['rank_p05'])}-{_num(r['rank_p95'])}" if pd.notna(r["rank_p05"]) else "-"
        if pd.notna(r["robust"]) and not r["robust"]:
            interval += "(不稳健)"
        cells = [r["village_code"], r["village_name"],
                 *(f"{r[d]:.1f}" if pd.notna(r[d]) else "-" for d in DIMENSIONS),
                 f"{r[scoring.OVERALL]:.1f}" if pd.notna(r[scoring.OVERALL]) else "-",
                 str(_num(r["rank"]) or "-"), interval, r["tier"] if isinstance(r["tier"], str) else "-"]
        print("\t".join(cells))
