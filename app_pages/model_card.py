"""模型说明: the relapse-risk model's card: data, label, features and odds ratios, how it
compares with the rule triggers in a year it never saw, calibration, and its limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.risk.features import CATEGORY_LEVELS, FEATURE_BY_ID, FEATURES, RiskDataError
from ui import (
    charts,
    exports,
    layout,
    risk,
    scope,
    tables,
)
from ui.text import pick

TEXT = {
    "zh": {
        "title": "模型说明",
        "lead": "返贫风险预警模型的说明书:用什么数据、预测什么、效果如何、哪些事情它无法知道。",
        "data_title": "数据与训练",
        "facts": ("- 数据快照 `{snapshot}`,模型编号 `{model}`,训练于 {trained_at}(scikit-learn {sklearn})\n"
                  "- 训练数据:{years} 年底的 {n:,} 个户年,其结果取自各自的下一年\n"
                  "- 模型:逻辑回归(缺失值填补、标准化、类别独热编码);正则化强度 C = {C:g},"
                  "由按时间顺序的交叉验证(用较早年份训练、下一年检验)选出\n"
                  "- 概率校准:用交叉验证中“预测下一年”的结果拟合 Platt 校准(斜率 {slope:.2f},截距 {offset:.2f});"
                  "校准是对数几率的线性变换,所以每户的风险因素分解仍然精确"),
        "label_title": "预测的是什么",
        "label": "**返贫(标签)**:{label}。可在设置 `risk.label_line_ratio`、`risk.label_counts_identified` 中调整。",
        "population": "只对年末**不在未消除风险监测中**的农户预测;已在监测中的农户由帮扶责任人跟踪,不进入预警名单。",
        "eval_title": "与规则预警对比:时间外检验",
        "eval_lead": ("用 {train} 年的数据训练,检验 {test} 年底 {n:,} 户在 {outcome} 年的实际结果(返贫 {events:,} 户)。"
                      "两者都按风险从高到低只走访前 {workload:.0%} 的农户({visited:,} 户)。"),
        "no_eval": "数据年度不足,无法做时间外检验(至少需要三个连续年度)。",
        "model_recall": "模型:工作量内找到的返贫户",
        "rule_recall": "规则预警:工作量内找到的返贫户",
        "model_recall_rate": "模型召回率",
        "rule_recall_rate": "规则预警召回率",
        "metric": "指标",
        "model": "模型",
        "baseline": "规则预警",
        "metric_names": "ROC AUC(排序能力)|PR AUC(稀有事件排序)|Brier 分数(越小越好)|工作量内召回率|工作量内精确率",
        "rules": ("**规则预警(基线)**:人均纯收入低于监测标准的 {ratio:g} 倍,或合规自付医疗支出超过上年全省农村居民人均"
                  "可支配收入的 {former:.0%}(脱贫户)/ {other:.0%}(其他农户);按触发强度排序后截取同样工作量。"
                  "在检验年共触发 {triggered:,} 户。阈值见设置 `risk.*`。"),
        "calibration_title": "校准:预测概率与实际发生率(按预测概率十等分)",
        "predicted": "平均预测概率(%)",
        "observed": "实际返贫率(%)",
        "ideal": "完全校准",
        "bin": "分组",
        "n": "户数",
        "difference": "差(百分点)",
        "predicted_short": "预测(%)",
        "observed_short": "实际(%)",
        "max_gap": "每组约 {n:,} 户;十个分组中预测与实际最大相差 {gap:.1f} 个百分点。",
        "towns_title": "分乡镇:同一工作量下各乡镇找到的返贫户",
        "township_name": "乡镇",
        "events": "返贫户",
        "model_hits": "模型找到",
        "baseline_hits": "规则找到",
        "model_recall_col": "模型召回率",
        "baseline_recall_col": "规则召回率",
        "model_roc_auc": "模型 ROC AUC",
        "features_title": "特征与系数",
        "features_lead": ("全部特征只取自 t 年底已知的信息(t 年及 t-1 年的农户记录、所在村的情况与 t 年资金)。"
                          "优势比 > 1 表示风险更高:数值特征为每增加一个标准差,类别特征为相对于基准类别"
                          "({reference})。收入水平由三项共同刻画(比值、对数、距 1.5 倍监测标准的差距)及“当年低于监测标准”,"
                          "单项优势比须合起来看:收入越接近或低于监测线,风险越高;风险因素分解中它们合为一项。"),
        "feature": "特征",
        "level": "类别",
        "doc": "含义",
        "odds_ratio": "优势比",
        "sd": "一个标准差",
        "risk_type": "对应风险类型",
        "measure": "建议措施",
        "limits_title": "模型无法知道的事情",
        "limits": (
            "- **次年的突发事件本身**:大病、自然灾害、意外事故、失业在发生前只能看到其可能性(慢性病、年龄、山区、"
            "务工下降等),所以大多数突发严重困难户无法提前精确点名。\n"
            "- **没有登记的收入与支出**:未如实申报的收入、人情往来、借贷等不在数据中。\n"
            "- **识别本身并不完整**:标签中的“被识别为监测对象”取决于过去的排查力度,漏识别的农户会被当作未返贫,"
            "模型也会学到过去排查的偏差。\n"
            "- **政策变化**:次年监测标准的调整、新的帮扶政策,模型只能从历史年份间接学习。\n"
            "- **因果关系**:系数描述的是关联,不是帮扶措施的效果;不能用来评价某项措施。\n"
            "- 概率是对一类农户的平均判断,不是对某一户的认定;预警名单须入户核实,按程序识别纳入。"),
        "notice": "返贫风险模型:{notice}",
        "cannot_train": "无法计算返贫风险:{error}",
        "export_features": "返贫风险模型特征与系数",
        "export_towns": "返贫风险模型分乡镇检验",
    },
    "en": {
        "title": "Model card",
        "lead": "The relapse-risk model: its data, what it predicts, how well, and what it cannot know.",
        "data_title": "Data and training",
        "facts": ("- Snapshot `{snapshot}`, model `{model}`, trained {trained_at} (scikit-learn {sklearn})\n"
                  "- Training data: {n:,} household-years at the end of {years}, outcomes from the year after\n"
                  "- Model: logistic regression (imputation, scaling, one-hot); C = {C:g} chosen by time-ordered "
                  "cross-validation (train on earlier years, test on the next)\n"
                  "- Calibration: Platt scaling of the out-of-time predictions (slope {slope:.2f}, offset {offset:.2f}); "
                  "linear in the logit, so each household's breakdown stays exact"),
        "label_title": "What it predicts",
        "label": "**Relapse (label)**: {label}. Settings `risk.label_line_ratio`, `risk.label_counts_identified`.",
        "population": "Only households not under unresolved monitoring at year end are scored.",
        "eval_title": "Against the rule triggers, out of time",
        "eval_lead": ("Trained on {train}, tested on {n:,} households at the end of {test} against what happened in "
                      "{outcome} ({events:,} relapsed). Both visit only the top {workload:.0%} ({visited:,} households)."),
        "no_eval": "Too few years for an out-of-time test (three consecutive years needed).",
        "model_recall": "Model: relapsed households found",
        "rule_recall": "Rules: relapsed households found",
        "model_recall_rate": "Model recall",
        "rule_recall_rate": "Rules recall",
        "metric": "Metric",
        "model": "Model",
        "baseline": "Rules",
        "metric_names": "ROC AUC|PR AUC|Brier score (lower is better)|Recall at workload|Precision at workload",
        "rules": ("**Rule triggers (baseline)**: income below {ratio:g} x the line, or out-of-pocket medical costs above "
                  "{former:.0%} (formerly poor) / {other:.0%} (others) of last year's provincial rural income; ranked by "
                  "trigger strength and cut to the same workload. {triggered:,} triggered in the test year."),
        "calibration_title": "Calibration: predicted vs observed, by decile of prediction",
        "predicted": "Mean predicted (%)",
        "observed": "Observed (%)",
        "ideal": "Perfect calibration",
        "bin": "Decile",
        "n": "Households",
        "difference": "Gap (points)",
        "predicted_short": "Predicted (%)",
        "observed_short": "Observed (%)",
        "max_gap": "About {n:,} households per decile; largest gap {gap:.1f} percentage points.",
        "towns_title": "By township, same workload",
        "township_name": "Township",
        "events": "Relapsed",
        "model_hits": "Found by model",
        "baseline_hits": "Found by rules",
        "model_recall_col": "Model recall",
        "baseline_recall_col": "Rules recall",
        "model_roc_auc": "Model ROC AUC",
        "features_title": "Features and coefficients",
        "features_lead": ("Every feature is known at the end of year t. Odds ratio > 1 raises risk: per standard deviation "
                          "for numbers, against the reference level for categories ({reference}). Income enters through "
                          "its ratio to the line, its log, its gap to 1.5 lines and a below-the-line flag: read them together."),
        "feature": "Feature",
        "level": "Level",
        "doc": "Meaning",
        "odds_ratio": "Odds ratio",
        "sd": "One SD",
        "risk_type": "Risk type",
        "measure": "Measure",
        "limits_title": "What the model cannot know",
        "limits": ("- Next year's shocks themselves (illness, disaster, accident, job loss), only their likelihood.\n"
                   "- Unrecorded income and spending.\n"
                   "- Identification is incomplete: missed households count as no relapse.\n"
                   "- Policy changes such as next year's line.\n"
                   "- Coefficients are associations, not the effect of measures.\n"
                   "- A probability is not a finding: every warning needs a visit."),
        "notice": "Risk model: {notice}",
        "cannot_train": "Cannot compute relapse risk: {error}",
    },
}

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
years = meta["train_years"]
st.markdown(t["facts"].format(
    snapshot=meta["snapshot_id"], model=meta["id"], trained_at=meta["trained_at"].replace("T", " "),
    sklearn=meta["sklearn_version"], years=f"{years[0]}—{years[-1]}" if len(years) > 1 else years[0],
    n=meta["n_train"], C=meta["chosen_C"], slope=meta["calibration"][0], offset=meta["calibration"][1]))

st.subheader(t["label_title"])
st.markdown(t["label"].format(label=meta["label_zh"]))
st.markdown(t["population"])

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
    keys = ("roc_auc", "pr_auc", "brier", "recall_at_workload", "precision_at_workload")
    metrics = pd.DataFrame({"metric": t["metric_names"].split("|"), "model": [m[k] for k in keys],
                            "baseline": [b[k] for k in keys]})
    tables.show(metrics, {k: t[k] for k in ("metric", "model", "baseline")}, formats={"model": "%.3f", "baseline": "%.3f"})
    st.markdown(t["rules"].format(ratio=settings.number("risk.income_near_line_ratio"),
                                  former=settings.number("risk.medical_share_former_poor"),
                                  other=settings.number("risk.medical_share_others"), triggered=b["triggered"]))

    st.subheader(t["calibration_title"])
    cal = pd.DataFrame(ev["calibration"])
    cal_pct = cal.assign(predicted=cal["predicted"] * 100, observed=cal["observed"] * 100,
                         difference=cal["difference"] * 100)
    left, right = st.columns([5, 4])
    with left:
        top = float(max(cal_pct["predicted"].max(), cal_pct["observed"].max())) * 1.05
        fig = go.Figure([
            go.Scatter(x=[0, top], y=[0, top], mode="lines", name=t["ideal"], line={"dash": "dash", "color": "#888"}),
            go.Scatter(x=cal_pct["predicted"], y=cal_pct["observed"], mode="lines+markers", name=t["observed"],
                       marker={"size": 10, "color": charts.COLOURS[0]}),
        ])
        fig.update_xaxes(title=t["predicted"], rangemode="tozero")
        fig.update_yaxes(title=t["observed"], rangemode="tozero")
        charts.show(fig, height=360)
    with right:
        tables.show(cal_pct[["bin", "predicted", "observed", "difference"]],
                    {"bin": t["bin"], "predicted": t["predicted_short"], "observed": t["observed_short"],
                     "difference": t["difference"]},
                    formats={"predicted": "%.2f", "observed": "%.2f", "difference": "%+.2f"}, height=390)
    st.caption(t["max_gap"].format(n=int(cal["n"].median()), gap=float(np.abs(cal_pct["difference"]).max())))

    st.subheader(t["towns_title"])
    towns = risk.townships_in_scope(pd.DataFrame(ev["townships"]))
    town_cols = ["township_name", "n", "events", "model_hits", "baseline_hits", "model_recall", "baseline_recall",
                 "model_roc_auc"]
    town_labels = {**{k: t[k] for k in ("township_name", "n", "events", "model_hits", "baseline_hits", "model_roc_auc")},
                   "model_recall": t["model_recall_col"], "baseline_recall": t["baseline_recall_col"]}
    towns = towns.reindex(columns=town_cols)
    tables.show(towns, town_labels, formats={"model_recall": "%.2f", "baseline_recall": "%.2f", "model_roc_auc": "%.3f"},
                height=320)
    exports.download(towns, zh["export_towns"], scope.label(), key="model_card_towns_xlsx",
                     headers={**{k: zh[k] for k in ("township_name", "n", "events", "model_hits", "baseline_hits",
                                                    "model_roc_auc")},
                              "model_recall": zh["model_recall_col"], "baseline_recall": zh["baseline_recall_col"]})

st.subheader(t["features_title"])
reference = "、".join(f"{FEATURE_BY_ID[c].zh}:{levels[0]}" for c, levels in CATEGORY_LEVELS.items())
st.caption(t["features_lead"].format(reference=reference))
coef = model.coefficients()
order = {f.id: i for i, f in enumerate(FEATURES)}
features = pd.DataFrame({
    "feature": [FEATURE_BY_ID[f].zh for f in coef["feature"]],
    "level": coef["level"].to_numpy(),
    "odds_ratio": coef["odds_ratio"].round(3).to_numpy(),
    "sd": coef["sd"].round(3).to_numpy(),
    "risk_type": [FEATURE_BY_ID[f].risk_type for f in coef["feature"]],
    "measure": [FEATURE_BY_ID[f].measure for f in coef["feature"]],
    "doc": [FEATURE_BY_ID[f].doc for f in coef["feature"]],
    "order": [order[f] for f in coef["feature"]],
}).sort_values("order", kind="stable").drop(columns="order")
feature_labels = {k: t[k] for k in ("feature", "level", "odds_ratio", "sd", "risk_type", "measure", "doc")}
tables.show(features, feature_labels, formats={"odds_ratio": "%.3f", "sd": "%.3f"}, height=420)
exports.download(features, zh["export_features"], scope.label(), key="model_card_features_xlsx",
                 headers={k: zh[k] for k in ("feature", "level", "odds_ratio", "sd", "risk_type", "measure", "doc")})

st.subheader(t["limits_title"])
st.markdown(t["limits"])
