"""Texts of the 系统设置 page."""

TEXT = {
    "zh": {
        "title": "系统设置",
        "identity": "本县:**{province} {name}**(代码 {code},名称来源:{source})",
        "no_identity": "当前数据快照没有记录县的身份(数据写于记录县名之前):重新导入一次即可记录。",
        "all_confirmed": "本县参数均已确认。",
        "table": "全部设置",
        "key": "设置", "doc": "含义", "kind": "类型", "unit": "单位", "range": "允许范围", "value": "当前值",
        "origin": "来源", "county": "须本县确认",
        "edit": "修改或确认一项设置",
        "choose": "设置",
        "new_value": "新值(列表、按年份的数值用 JSON 书写,例如 {\"2024\": 17100})",
        "save": "保存(与当前值相同即为确认)",
        "saved": "已保存 {key},并记入审计日志。",
        "explain": "这里只能修改已声明的设置;每次修改记录操作人、时间、原值与新值。data/settings.toml 保持为出厂默认值。",
        "yes": "是", "no": "",
    },
    "en": {
        "title": "System settings",
        "identity": "County: **{province} {name}** (code {code}, name from: {source})",
        "no_identity": "The current snapshot records no county identity (written before counties were recorded); "
                       "import once more to record it.",
        "all_confirmed": "Every county parameter is confirmed.",
        "table": "All settings",
        "key": "Setting", "doc": "Meaning", "kind": "Type", "unit": "Unit", "range": "Allowed range", "value": "Value",
        "origin": "Origin", "county": "County must confirm",
        "edit": "Change or confirm a setting",
        "choose": "Setting",
        "new_value": "New value (lists and values by year as JSON, e.g. {\"2024\": 17100})",
        "save": "Save (the same value confirms it)",
        "saved": "Saved {key}; recorded in the audit log.",
        "explain": "Only declared settings can be changed; each change records who, when, the old and the new value. "
                   "data/settings.toml stays the shipped defaults.",
        "yes": "yes", "no": "",
    },
}
