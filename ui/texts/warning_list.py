"""Texts of the warning_list page (预警名单), Chinese and English with the same keys."""

TEXT = {
    "zh": {
        "title": "预警名单",
        "lead": ("按模型预测的 {next} 年返贫概率从高到低排列,均为目前不在未消除风险监测中的农户。"
                 "概率不是认定结论:请入户核实,符合条件的按程序纳入监测。"),
        "show": "显示",
        "workload": "工作量前 {share:.0%}",
        "high": "高风险(≥{cutoff:.0%})",
        "all": "全部",
        "caption": "共 {n:,} 户(范围内农户 {total:,} 户)。个人信息已脱敏。",
        "caption_visible": "共 {n:,} 户(范围内农户 {total:,} 户)。",
        "rank": "排序",
        "township_name": "乡镇",
        "village_name": "村",
        "probability": "预测返贫概率(%)",
        "rule_triggered": "规则预警已触发",
        "drivers": "主要风险因素",
        "risk_types": "风险类型",
        "measures": "建议帮扶措施",
        "outcome": "{next} 年实际是否返贫",
        "yes": "是",
        "no": "否",
        "past_year": "{year} 年的结果已经知道:最后一列是 {next} 年的实际情况,可用来回看预警是否准确(该年在模型训练数据内)。",
        "empty": "当前范围内没有符合条件的农户。",
        "cannot_train": "无法计算返贫风险:{error}",
    },
    "en": {
        "title": "Early-warning list",
        "lead": ("Households not under unresolved monitoring, by predicted probability of relapse in {next}. "
                 "A probability is not a finding: visit, check, and identify by the usual procedure."),
        "show": "Show",
        "workload": "Top {share:.0%} (workload)",
        "high": "High risk (≥{cutoff:.0%})",
        "all": "All",
        "caption": "{n:,} households ({total:,} in scope). Personal data masked.",
        "caption_visible": "{n:,} households ({total:,} in scope).",
        "rank": "Rank",
        "township_name": "Township",
        "village_name": "Village",
        "probability": "Predicted probability (%)",
        "rule_triggered": "Rule trigger",
        "drivers": "Main drivers",
        "risk_types": "Risk types",
        "measures": "Suggested measures",
        "outcome": "Relapsed in {next}",
        "yes": "yes",
        "no": "no",
        "past_year": "The outcome of {year} is known: the last column shows {next}, to look back at the warnings "
                     "(that year is in the model's training data).",
        "empty": "No household in this scope qualifies.",
        "cannot_train": "Cannot compute relapse risk: {error}",
    },
}

# Titles and headers of exported files only: exports always carry Chinese, whatever the page language.
EXPORT = {
    "check_result": "核实结果",
    "checked_by": "核实人",
    "checked_on": "核实日期",
    "export_title": "返贫风险预警名单(入户核实)",
}
