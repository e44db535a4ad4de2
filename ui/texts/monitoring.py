"""Texts of the monitoring page (防返贫监测), Chinese and English with the same keys."""

TEXT = {
    "zh": {
        "title": "防返贫监测",
        "people": "{n:,} 人",
        "lead": "及时发现、提前干预:监测对象现状,以及模型预测 {next} 年可能返贫、但尚未纳入监测的农户。",
        "category": "{category}(户)",
        "category_help": "{year} 年底仍登记为该类别的监测对象(含已消除风险的),其中未消除风险的共 {unresolved:,} 户",
        "eliminated": "当年消除风险(户)",
        "eliminated_help": "风险消除时间在 {year} 年内的监测对象",
        "newly": "当年新识别(户)",
        "newly_help": "识别监测时间在 {year} 年内的监测对象",
        "high_risk": "预测高风险、未纳入监测(户)",
        "high_risk_help": "不在未消除风险监测中,且模型预测 {next} 年返贫概率 ≥ {cutoff:.0%} 的农户,占农户 {share};名单见“预警名单”",
        "map_title": "分村:预测高风险户占比",
        "map_metric": "高风险未监测户占比",
        "types_title": "风险类型",
        "identified_trend": "新识别监测对象的风险类型(户)",
        "identified_caption": "左:各年新识别的监测对象登记的致贫返贫风险(一户可有多项);右:模型预测的高风险户按最主要的风险因素归类。",
        "predicted_types": "预测高风险户(≥{cutoff:.0%})的主要风险类型(户)",
        "no_high_risk": "当前范围内没有预测返贫概率 ≥ {cutoff:.0%} 的农户。",
        "model_notice": "返贫风险模型:{notice}",
        "cannot_train": "无法计算返贫风险:{error}",
    },
    "en": {
        "title": "Relapse monitoring",
        "people": "{n:,} people",
        "lead": "Find early, act early: monitored households now, and households the model expects to fall back "
                "in {next} that are not yet monitored.",
        "category": "{category}",
        "category_help": "Monitoring objects of this category at the end of {year} (resolved included); "
                         "{unresolved:,} unresolved in all",
        "eliminated": "Risk eliminated this year",
        "eliminated_help": "Monitored households whose risk was eliminated in {year}",
        "newly": "Newly identified",
        "newly_help": "Households identified as monitoring objects in {year}",
        "high_risk": "Predicted high risk, not monitored",
        "high_risk_help": "Not under unresolved monitoring, predicted relapse probability in {next} ≥ {cutoff:.0%} "
                          "({share} of households); see the early-warning list",
        "map_title": "Villages: share of predicted high-risk households",
        "map_metric": "High risk, not monitored",
        "types_title": "Risk types",
        "identified_trend": "Newly identified, by risk type",
        "identified_caption": "Left: recorded risk types of households identified each year (several per household); "
                              "right: predicted high-risk households by their strongest driver.",
        "predicted_types": "Predicted high risk (≥{cutoff:.0%}) by main risk type",
        "no_high_risk": "No household in this scope has a predicted probability ≥ {cutoff:.0%}.",
        "model_notice": "Risk model: {notice}",
        "cannot_train": "Cannot compute relapse risk: {error}",
    },
}
