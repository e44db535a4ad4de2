"""模型说明: the relapse-risk model's card: data, label, features and odds ratios, how it
compares with the rule triggers in a year it never saw, calibration, and its limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from analytics import settings
from analytics.reports import figures
from analytics.risk.features import SYSTEM_POPULATION_NOTE, RiskDataError
from analytics.views import model_card
from ui import (
    charts,
    exports,
    filters,
    followup,
    layout,
    risk,
    scope,
    tables,
)
from ui.text import pick
from ui.texts.model_card import EXPORT, TEXT

t = pick(TEXT)
zh = TEXT["zh"]
layout.header(t["title"], scope.label())
try:
    trained, meta, notice = risk.trained()
except RiskDataError as exc:
    st.error(t["cannot_train"].format(error=exc))
    st.stop()
if notice:
    st.info(t["notice"].format(notice=notice))
st.caption(t["lead"])
model, ev = trained.model, trained.evaluation

st.subheader(t["data_title"])
years = meta.train_years
st.markdown(t["facts"].format(
    snapshot=meta.snapshot_id, model=meta.id, trained_at=meta.trained_at.replace("T", " "),
    sklearn=meta.sklearn_version, years=f"{years[0]}—{years[-1]}" if len(years) > 1 else years[0],
    n=meta.n_train, C=meta.chosen_C, slope=meta.calibration[0], offset=meta.calibration[1]))

st.subheader(t["label_title"])
st.markdown(t["label"].format(label=meta.label_zh))
st.markdown(t["population"])
if SYSTEM_POPULATION_NOTE in meta.warnings:  # imported from the national system: 脱贫户 and monitoring objects only
    st.info(t["system_population"], icon=":material/info:")

st.subheader(t["eval_title"])
if not ev:
    st.info(t["no_eval"])
else:
    m, b = ev["model"], ev["baseline"]
    st.markdown(t["eval_lead"].format(train="、".join(map(str, ev["train_years"])), test=ev["test_year"],
                                      outcome=ev["outcome_year"], n=ev["n_test"], events=ev["events"],
                                      workload=ev["workload"], visited=m["visited"]))
    layout.cards([
        layout.Card(t["model_recall"], f"{m['hits']:,} / {ev['events']:,}"),
        layout.Card(t["model_recall_rate"], layout.pct(m["recall_at_workload"])),
        layout.Card(t["rule_recall"], f"{b['hits']:,} / {ev['events']:,}"),
        layout.Card(t["rule_recall_rate"], layout.pct(b["recall_at_workload"])),
    ], per_row=4)
    metrics = model_card.metrics(m, b, t["metric_names"].split("|"))
    tables.show(metrics, {k: t[k] for k in ("metric", "model", "baseline")}, formats={"model": "%.3f", "baseline": "%.3f"})
    st.markdown(t["rules"].format(ratio=settings.number("risk.income_near_line_ratio"),
                                  former=settings.number("risk.medical_share_former_poor"),
                                  other=settings.number("risk.medical_share_others"), triggered=b["triggered"]))

    st.subheader(t["calibration_title"])
    cal_pct = model_card.calibration_percent(ev["calibration"])
    left, right = st.columns([5, 4])
    with left:
        charts.show(figures.calibration(cal_pct, t), height=360)
    with right:
        tables.show(cal_pct[["bin", "predicted", "observed", "difference"]],
                    {"bin": t["bin"], "predicted": t["predicted_short"], "observed": t["observed_short"],
                     "difference": t["difference"]},
                    formats={"predicted": "%.2f", "observed": "%.2f", "difference": "%+.2f"})
    st.caption(t["max_gap"].format(n=int(cal_pct["n"].median()), gap=float(np.abs(cal_pct["difference"]).max())))

    st.subheader(t["towns_title"])
    towns = risk.townships_in_scope(pd.DataFrame(ev["townships"]))
    town_cols = ["township_name", "n", "events", "model_hits", "baseline_hits", "model_recall", "baseline_recall",
                 "model_roc_auc"]
    town_labels = {**{k: t[k] for k in ("township_name", "n", "events", "model_hits", "baseline_hits", "model_roc_auc")},
                   "model_recall": t["model_recall_col"], "baseline_recall": t["baseline_recall_col"]}
    towns = towns.reindex(columns=town_cols)
    tables.show(towns, town_labels, formats={"model_recall": "%.2f", "baseline_recall": "%.2f", "model_roc_auc": "%.3f"})
    exports.download(towns, EXPORT["export_towns"], scope.label(), key="model_card_towns_xlsx",
                     headers={**{k: zh[k] for k in ("township_name", "n", "events", "model_hits", "baseline_hits",
                                                    "model_roc_auc")},
                              "model_recall": zh["model_recall_col"], "baseline_recall": zh["baseline_recall_col"]})

followup.judged(followup.rows(filters.current().year))  # the model on what visits found (跟踪核实)

st.subheader(t["features_title"])
st.caption(t["features_lead"].format(reference=model_card.reference_levels()))
features = model_card.features(model.coefficients())
feature_labels = {k: t[k] for k in ("feature", "level", "odds_ratio", "sd", "risk_type", "measure", "doc")}
tables.show(features, feature_labels, formats={"odds_ratio": "%.3f", "sd": "%.3f"})
exports.download(features, EXPORT["export_features"], scope.label(), key="model_card_features_xlsx",
                 headers={k: zh[k] for k in ("feature", "level", "odds_ratio", "sd", "risk_type", "measure", "doc")})

st.subheader(t["limits_title"])
st.markdown(t["limits"])
