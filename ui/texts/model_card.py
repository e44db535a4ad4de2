"""Texts of the model_card page (模型说明), Chinese and English with the same keys."""

from analytics.risk.features import SYSTEM_POPULATION_NOTE

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
        "system_population": SYSTEM_POPULATION_NOTE,
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
        "system_population": ("The households are only former-poor households and monitoring objects (an export of "
                              "the national monitoring system): relapse is defined and tested among them alone. Ordinary "
                              "households never monitored are not in the data, so the model neither learns from nor "
                              "scores them; edge households appear only once identified, and new ones must still be found "
                              "by village checks and department alerts."),
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

# Titles and headers of exported files only: exports always carry Chinese, whatever the page language.
EXPORT = {
    "export_features": "返贫风险模型特征与系数",
    "export_towns": "返贫风险模型分乡镇检验",
}
