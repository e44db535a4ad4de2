"""Texts of the breadcrumb above each page (全县 › 乡镇 › 村), Chinese and English with the same keys."""

TEXT = {
    "zh": {
        "county": "全县",
        "mine": "全部乡镇",
        "up": "返回{level}",
    },
    "en": {
        "county": "Whole county",
        "mine": "All my townships",
        "up": "Back to {level}",
    },
}
