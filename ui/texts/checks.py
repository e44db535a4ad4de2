"""Texts of the 数据核查 page (app_pages/checks.py)."""

TEXT = {
    "zh": {
        "title": "数据核查",
        "lead": "按 {year} 年农户数据逐户核查消除是否真实、应纳是否尽纳、措施是否对应风险。"
                "监测收入标准:{line}。口径见下表,阈值在设置 checks.* 中。",
        "no_line": "监测标准表中没有该年的标准",
        "card": "{label}",
        "card_value": "{households:,}户{people:,}人",
        "not_checked": "未核查",
        "rules_title": "核查规则",
        "rule": "规则",
        "definition": "口径",
        "households": "户数",
        "people": "人数",
        "skipped": "未核查原因",
        "area_title_town": "分乡镇(户)",
        "area_title_village": "分村(户)",
        "total": "合计",
        "list_title": "农户名单",
        "pick_rule": "规则",
        "flags": "被哪些规则标记",
        "list_caption": "{label}:共 {n:,} 户。个人信息按账号权限脱敏。",
        "none": "当前范围内没有被该规则标记的农户。",
        "skipped_rule": "该规则未核查:{reason}",
        "export_area": "数据核查分区统计",
        "export_list": "数据核查名单",
        "export_rules": "数据核查规则与结果",
        "labels": "消除过快|已消除但收入低于监测线|已消除但三保障/饮水未保障|无劳动力兜底户标记消除|应纳未纳|"
                  "监测户无帮扶措施|措施与风险不匹配",
    },
    "en": {
        "title": "Policy checks",
        "lead": "Household by household for {year}: are eliminations genuine, is everyone below the line "
                "identified, do measures match risks? Monitoring line: {line}. Definitions below; thresholds "
                "are the checks.* settings.",
        "no_line": "no line for this year in the monitoring-lines table",
        "card": "{label}",
        "card_value": "{households:,} hh / {people:,} people",
        "not_checked": "Not checked",
        "rules_title": "Rules",
        "rule": "Rule",
        "definition": "Definition",
        "households": "Households",
        "people": "People",
        "skipped": "Why not checked",
        "area_title_town": "By township (households)",
        "area_title_village": "By village (households)",
        "total": "Total",
        "list_title": "Households",
        "pick_rule": "Rule",
        "flags": "Flagged by",
        "list_caption": "{label}: {n:,} households. Personal data masked as your role requires.",
        "none": "No household in this scope is flagged by this rule.",
        "skipped_rule": "This rule was not checked: {reason}",
        "export_area": "Policy checks by area",
        "export_list": "Policy checks list",
        "export_rules": "Policy checks: rules and results",
        "labels": "Eliminated too fast|Eliminated, income below line|Eliminated with a guarantee gap|"
                  "No labour, social protection, marked eliminated|Below line, not identified|"
                  "Monitored without measures|Measures do not match risks",
    },
}
