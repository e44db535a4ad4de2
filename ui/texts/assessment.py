"""Texts of the assessment page (乡镇考核), Chinese and English with the same keys."""

TEXT = {
    "zh": {
        "title": "乡镇考核",
        "lead": "各项均为 0-100 的绝对值(不是名次),乘以权重相加即总分;权重取自“系统设置”中的乡镇考核权重,可在下方临时调整。",
        "weights": "权重(临时调整只影响本页,不改设置文件)",
        "normalised": "归一后的权重:{weights}",
        "bad_weights": "权重设置有误:{error}",
        "chart": "{year} 年乡镇考核得分(满分 100 分,按项分解)",
        "table": "排名与各项",
        "rank": "名次",
        "total": "总分",
        "incomplete": "缺项",
        "mean_score": "村均综合得分",
        "monitored": "监测对象(户)",
        "eliminated": "已消除风险(户)",
        "base": "计入消除率的监测户(户)",
        "genuine": "通过核查的消除(户)",
        "flagged": "被核查标记的消除(户)",
        "elimination_rate": "消除率(扣分前,%)",
        "deduction": "扣分",
        "industry_base_wan": "计入占比的资金(万元)",
        "deductions_title": "风险消除扣分明细",
        "deductions_caption": "每一户被数据核查标记的消除扣 {points:g} 分(“系统设置”中的风险消除扣分),"
                              "一户同时触发多条规则只扣一次;无劳动力兜底户不计入消除率的分母。",
        "rule": "核查规则",
        "households": "户数",
        "total_row": "合计(每户只扣一次)",
        "deduction_points": "扣分",
        "flagged_title": "被标记的消除户",
        "flagged_caption": "共 {n:,} 户。个人信息按账号权限脱敏。",
        "no_flags": "本乡镇没有被核查标记的消除。",
        "checks_link": "到“数据核查”页查看全部规则",
        "below_line": "低于监测标准(户)",
        "covered": "其中已纳入监测(户)",
        "funds_wan": "投入资金(万元)",
        "paid_wan": "已支付(万元)",
        "industry_wan": "其中产业类(万元)",
        "industry_share": "产业类占比(%)",
        "breakdown": "单个乡镇的得分构成",
        "pick": "乡镇",
        "vs_mean": "{town}与各乡镇平均(0-100)",
        "town_series": "本乡镇",
        "mean_series": "各乡镇平均",
        "points": "{name}:{value} × 权重 {weight} = {points} 分",
        "components": "五大振兴综合得分|风险消除率|及时识别率|资金执行率|产业资金占比达标",
        "scope": "{county}(全部乡镇)· {year}年度",
        "notes": ("说明:五大振兴综合得分取乡镇内各村综合得分的平均;风险消除率 = 通过数据核查的消除户 / "
                  "监测对象户(不含无劳动力兜底户)× 100,再减去每户被标记消除的扣分;"
                  "及时识别率 = 人均纯收入低于当年监测标准的农户中,已纳入监测且风险未消除的比例;"
                  "资金执行率 = 已支付 / 投入(实施中与已完工项目);产业资金占比达标 = 计入的资金来源中产业类占比 / 规定下限,"
                  "最高 100%。"),
    },
    "en": {
        "title": "Township assessment",
        "lead": ("Every component is an absolute 0-100 measure (not a rank); weighted and summed they give the "
                 "total. Weights come from the township assessment weights in System settings and can be tried out below."),
        "weights": "Weights (changes here apply to this page only, not to the settings file)",
        "normalised": "Normalised weights: {weights}",
        "bad_weights": "Invalid weights: {error}",
        "chart": "Township assessment {year} (out of 100, by component)",
        "table": "Ranking and components",
        "rank": "Rank",
        "total": "Total",
        "incomplete": "Missing",
        "mean_score": "Mean village score",
        "monitored": "Monitored households",
        "eliminated": "Risk eliminated (households)",
        "base": "Monitored, counted in the rate",
        "genuine": "Eliminations passing the checks",
        "flagged": "Eliminations flagged",
        "elimination_rate": "Rate before deductions (%)",
        "deduction": "Deduction",
        "industry_base_wan": "Funds counted in the share (10k yuan)",
        "deductions_title": "Deductions from risk elimination",
        "deductions_caption": "Each elimination the policy checks flag takes {points:g} points off "
                              "(set in System settings), once per household; social-protection households "
                              "without labour leave the denominator.",
        "rule": "Check",
        "households": "Households",
        "total_row": "Total (once per household)",
        "deduction_points": "Points",
        "flagged_title": "Flagged eliminations",
        "flagged_caption": "{n:,} households. Personal data masked as your role requires.",
        "no_flags": "No elimination in this township is flagged.",
        "checks_link": "All checks on the Policy checks page",
        "below_line": "Below the line (households)",
        "covered": "of which monitored",
        "funds_wan": "Funds (10k yuan)",
        "paid_wan": "Paid (10k yuan)",
        "industry_wan": "of which industry (10k yuan)",
        "industry_share": "Industry share (%)",
        "breakdown": "One township's result",
        "pick": "Township",
        "vs_mean": "{town} against the township average (0-100)",
        "town_series": "This township",
        "mean_series": "Township average",
        "points": "{name}: {value} × weight {weight} = {points} points",
        "notes": ("Notes: the five-dimension score is the mean overall score of the township's villages; risk "
                  "elimination = eliminations passing the checks / monitored households (social-protection "
                  "households without labour excluded), less the deductions for flagged eliminations; timely identification = the share of households "
                  "below the monitoring line that are monitored with the risk unresolved; fund execution = paid / "
                  "funds of projects under way or complete; industry = industry share of the counted fund sources / "
                  "the minimum, at most 100%."),
        "scope": "{county} (all townships) · {year}",
        "components": "Five-dimension score|Risk elimination|Timely identification|Fund execution|Industry share met",
    },
}

# Titles and headers of exported files only: exports always carry Chinese, whatever the page language.
EXPORT = {
    "export": "乡镇考核排名",
    "export_flagged": "乡镇考核被标记的消除户",
}
