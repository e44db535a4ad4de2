"""Texts of the briefing page (会议汇报材料), Chinese and English with the same keys."""

TEXT = {
    "zh": {
        "title": "会议汇报材料",
        "lead": ("一键生成县或乡镇某一年度的汇报材料,两种格式内容相同:网页(HTML)含可交互图表,断网也能打开,用浏览器打开后按 "
                 "Ctrl+P 选择“另存为 PDF”即可打印;Word 文件(.docx)图表和地图为图片,可在 WPS 或 Word 中修改后印发。"
                 "材料只含汇总数字和项目信息,不含农户个人信息。"),
        "place": "范围",
        "county": "全县",
        "year": "年度",
        "contents": "包括:一、总体情况(8 项指标和文字概述);二、防止返贫动态监测(收入与监测标准、监测对象变化、模型预测的高风险户);"
                    "三、两不愁三保障及饮水安全(动态清零进度、分乡镇或分村);四、易地搬迁后续扶持;五、衔接资金和项目"
                    "(分类别资金、产业占比、需关注项目);六、乡村振兴五大维度;七、乡镇考核排名;附:分村地图。",
        "download": "下载网页版(HTML)",
        "download_docx": "下载 Word 版(.docx)",
        "no_scores": "五大振兴得分不可用:{error}",
        "no_model": "返贫风险模型不可用:{error}",
    },
    "en": {
        "title": "Meeting briefing",
        "lead": ("One click gives the briefing of the county or a township for a year, in two formats with the same "
                 "contents: a web page (HTML) with interactive charts that opens without network and prints to PDF "
                 "(Ctrl+P), and a Word file (.docx) with the charts and the map as pictures, to edit in WPS or Word. "
                 "It holds aggregates and projects only, no personal data. The briefing itself is in Chinese."),
        "place": "Scope",
        "county": "Whole county",
        "year": "Year",
        "contents": "Contents: overview (8 indicators and a summary); monitoring against relapse; basic guarantees "
                    "and safe water; relocation follow-up; funds and projects; five dimensions; township ranking; "
                    "village map.",
        "download": "Download as a web page (HTML)",
        "download_docx": "Download as Word (.docx)",
        "no_scores": "Five-dimension scores are not available: {error}",
        "no_model": "The relapse-risk model is not available: {error}",
    },
}

# Titles and headers of exported files only: exports always carry Chinese, whatever the page language.
EXPORT = {
    "file": "{place}_{year}年_汇报材料.html",
    "file_docx": "{place}_{year}年_汇报材料.docx",
    "title_docx": "会议汇报材料(Word)",
}
