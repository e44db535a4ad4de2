"""A risk driver as a sentence a township head reads aloud: "人均纯收入只有监测线的 37%", not
"人均纯收入/监测标准 0.37".

`explain` finds the drivers (feature id and the household's value); this module only words them,
in Chinese and English. Ratios read as percentages of what they compare with, counts as people,
yes/no features as a statement, categories by their name, fund intensities back in yuan per
household. "只有" is said only when the rounded percentage is below 100, so an income exactly at the
line reads "为监测线的 100%".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from analytics.data.contract import EDUCATION_LEVELS, VALUES_EN
from analytics.risk.explain import TOP
from analytics.risk.features import CATEGORY_LEVELS, FEATURE_BY_ID, NO_CATEGORY

SEPARATOR = {"zh": "；", "en": "; "}
Phrase = Callable[[float, str], str]


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def _en(value: str) -> str:
    return VALUES_EN.get(value, value)


def _share_of(zh_what: str, en_what: str, zh_of: str, en_of: str, only: bool = False,
              none: tuple[str, str] | None = None) -> Phrase:
    """"<what> 只有/为 <of> 的 N%": `only` says 只有 below 100%; `none` (zh, en) is said at 0%."""
    def phrase(v: float, lang: str) -> str:
        if none and round(v * 100) == 0:
            return none[1] if lang == "en" else none[0]
        below = only and round(v * 100) < 100
        if lang == "en":
            return f"{en_what} {'only ' if below else ''}{_pct(v)} of {en_of}"
        return f"{zh_what}{'只有' if below else '为'}{zh_of}的 {_pct(v)}"
    return phrase


def _people(zh: str, en: str, zh_none: str, en_none: str) -> Phrase:
    """A count of people: zh and en hold {n}; the *_none texts are said for zero."""
    def phrase(v: float, lang: str) -> str:
        n = int(round(v))
        if n == 0:
            return en_none if lang == "en" else zh_none
        return (en if lang == "en" else zh).format(n=n, s="" if n == 1 else "s")
    return phrase


def _yes_no(zh_yes: str, en_yes: str, zh_no: str, en_no: str) -> Phrase:
    def phrase(v: float, lang: str) -> str:
        if lang == "en":
            return en_yes if v >= 0.5 else en_no
        return zh_yes if v >= 0.5 else zh_no
    return phrase


def _change(zh_what: str, en_what: str, zh_unit: str = "", en_unit: str = "") -> Phrase:
    """A change since last year, `v` in the unit given or, without one, a rate: 比上年减少/增加 <amount>."""
    def phrase(v: float, lang: str) -> str:
        amount = _pct(abs(v)) if not zh_unit else f"{abs(v):.1f} {en_unit if lang == 'en' else zh_unit}"
        if lang == "en":
            return f"{en_what} {'fell' if v < 0 else 'rose'} by {amount} on last year"
        return f"{zh_what}比上年{'减少' if v < 0 else '增加'} {amount}"
    return phrase


def _category(driver: str, zh: str, en: str) -> Phrase:
    def phrase(v: float, lang: str) -> str:
        level = CATEGORY_LEVELS[driver][int(v)]
        return en.format(level=_en(level)) if lang == "en" else zh.format(level=level)
    return phrase


def _funds(zh_what: str, en_what: str) -> Phrase:
    """The feature is log(1 + thousand yuan per household): said back in yuan per household."""
    def phrase(v: float, lang: str) -> str:
        yuan = math.expm1(v) * 1000
        if lang == "en":
            return f"{en_what}: {yuan:,.0f} yuan per household"
        return f"本村户均{zh_what} {yuan:,.0f} 元"
    return phrase


def _education(v: float, lang: str) -> str:
    level = EDUCATION_LEVELS[min(max(int(round(v)), 0), len(EDUCATION_LEVELS) - 1)]
    return f"Head of household's schooling: {_en(level)}" if lang == "en" else f"户主文化程度为{level}"


def _past_category(v: float, lang: str) -> str:
    level = CATEGORY_LEVELS["past_category"][int(v)]
    if level == NO_CATEGORY:
        return "Never monitored before" if lang == "en" else "此前从未纳入监测"
    return f"Monitored before as {_en(level)}, risk removed" if lang == "en" else f"曾是监测对象({level}),风险已消除"


def _income(v: float, lang: str) -> str:
    if v <= 0:
        return "Income per person is zero or below" if lang == "en" else "人均纯收入为零或负数"
    return _share_of("人均纯收入", "Income per person is", "监测线", "the monitoring line", only=True)(v, lang)


def _had(measure: str) -> Phrase:
    return _yes_no(f"曾享受{measure}", f"Assisted before: {_en(measure)}",
                   f"未享受过{measure}", f"Never assisted: {_en(measure)}")


def _village_business(v: float, lang: str) -> str:
    return _change("本村户均经营收入", "The village's business income per household")(v, lang)


PHRASES: dict[str, Phrase] = {
    "household_size": _people("家庭 {n} 口人", "{n} member{s} in the household", "家庭人口为 0", "No one in the household"),
    "labor_count": _people("家中劳动力 {n} 人", "{n} member{s} of working age", "家中没有劳动力",
                           "No one in the household can work"),
    "labor_share": _share_of("劳动力", "Working-age members are", "家庭人口", "the household"),
    "elderly_count": _people("家中有 {n} 位 65 岁以上老人", "{n} member{s} aged 65 or over",
                             "家中没有 65 岁以上老人", "No one aged 65 or over"),
    "students_count": _people("家中有 {n} 名在校生", "{n} member{s} in school", "家中没有在校生", "No one in school"),
    "chronic_illness_count": _people("家中有 {n} 人患慢性病", "{n} member{s} with a chronic illness",
                                     "家中无人患慢性病", "No one with a chronic illness"),
    "serious_illness_count": _people("家中有 {n} 人患大病", "{n} member{s} with a serious illness",
                                     "家中无人患大病", "No one with a serious illness"),
    "disabled_count": _people("家中有 {n} 位残疾人", "{n} member{s} with a disability",
                              "家中没有残疾人", "No one with a disability"),
    "head_education_level": _education,
    "income_to_line": _income,
    "no_previous_year": _yes_no("上年没有该户的记录", "No record of the household last year",
                                "上年有该户的记录", "Recorded last year"),
    "income_change": lambda v, lang: (f"Income per person {'fell' if v < 0 else 'rose'} by {_pct(abs(v))} of the "
                                      "monitoring line on last year" if lang == "en" else
                                      f"人均纯收入比上年{'减少' if v < 0 else '增加'},幅度相当于监测线的 {_pct(abs(v))}"),
    "wage_share": _share_of("工资性收入", "Wages are", "总收入", "income", none=("没有工资性收入", "No wage income")),
    "business_share": _share_of("经营性收入", "Business income is", "总收入", "income",
                                none=("没有经营性收入", "No business income")),
    "transfer_share": _share_of("转移性收入", "Transfers are", "总收入", "income",
                                none=("没有转移性收入", "No transfer income")),
    "business_loss": _yes_no("生产经营亏损", "The household business made a loss", "生产经营没有亏损",
                             "The household business made no loss"),
    "work_months_per_labour": lambda v, lang: (f"{v:.1f} months of migrant work per worker" if lang == "en"
                                               else f"劳动力人均务工 {v:.1f} 个月"),
    "work_months_change": _change("务工月数", "Months of migrant work", "个月", "months"),
    "medical_to_provincial": _share_of("合规自付医疗支出", "Out-of-pocket medical costs are",
                                       "全省农村人均收入", "the province's rural income per person"),
    "medical_to_income": _share_of("合规自付医疗支出", "Out-of-pocket medical costs are",
                                   "家庭纯收入", "the household's net income"),
    "housing_unsafe": _yes_no("住房不安全", "Housing is not safe", "住房安全", "Housing is safe"),
    "water_unsafe": _yes_no("饮水不安全", "Drinking water is not safe", "饮水安全", "Drinking water is safe"),
    "education_gap": _yes_no("义务教育没有保障", "Compulsory schooling is not secured",
                             "义务教育有保障", "Compulsory schooling is secured"),
    "insurance_gap": _yes_no("家中有人没参加基本医保", "Not everyone has basic medical insurance",
                             "全家参加了基本医保", "Everyone has basic medical insurance"),
    "dibao": _yes_no("享受低保", "Receives the minimum living allowance (dibao)", "未享受低保",
                     "No minimum living allowance"),
    "tekun": _yes_no("特困供养", "Supported as extremely poor (tekun)", "非特困供养", "Not supported as extremely poor"),
    "relocated": _yes_no("易地搬迁户", "Relocated household", "非易地搬迁户", "Not relocated"),
    "past_category": _past_category,
    "measures_count": _people("已享受 {n} 项帮扶措施", "{n} assistance measure{s} received so far",
                              "还没有享受过帮扶措施", "No assistance received so far"),
    "household_type": _category("household_type", "户类型为{level}", "Household type: {level}"),
    "terrain": _category("terrain", "所在村地处{level}", "Village terrain: {level}"),
    "former_poor_village": _yes_no("所在村是脱贫村", "The village is a formerly poor village",
                                   "所在村不是脱贫村", "The village was not a poor village"),
    "key_village": _yes_no("所在村是重点帮扶村", "The village is a key assistance village",
                           "所在村不是重点帮扶村", "The village is not a key assistance village"),
    "relocation_site": _yes_no("所在村是易地搬迁安置点", "The village is a relocation site",
                               "所在村不是安置点", "The village is not a relocation site"),
    "village_below_share": lambda v, lang: (f"{_pct(v)} of the village's households are below the line"
                                            if lang == "en" else f"本村 {_pct(v)} 的农户收入低于监测线"),
    "village_income_to_line": _share_of("本村人均收入", "The village's income per person is", "监测线",
                                        "the monitoring line"),
    "village_business_change": _village_business,
    "village_industry_funds": _funds("产业发展资金", "Industry funds in the village"),
    "village_employment_funds": _funds("就业帮扶与搬迁后扶资金", "Employment and relocation funds in the village"),
    "village_guarantee_funds": _funds("三保障与乡村建设资金", "Guarantee and construction funds in the village"),
    **{f.id: _had(f.id.removeprefix("had_")) for f in FEATURE_BY_ID.values() if f.id.startswith("had_")},
}


def sentence(driver: str, value: float | None, lang: str = "zh") -> str:
    """One driver of one household in words, in `lang` ("zh" or "en")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f"{driver.replace('_', ' ').capitalize()}: not recorded" if lang == "en" \
            else f"{FEATURE_BY_ID[driver].zh}(未填报)"
    return PHRASES[driver](float(value), lang)


def sentences(scored: pd.DataFrame, lang: str = "zh", k: int = TOP) -> list[str]:
    """The drivers of each scored household (driver_i, value_i) as sentences joined by SEPARATOR."""
    names = [f"driver_{i + 1}" for i in range(k)]
    values = [f"value_{i + 1}" for i in range(k)]
    return [SEPARATOR[lang].join(sentence(d, float(v), lang) for d, v in zip(row[:k], row[k:]) if isinstance(d, str))
            for row in scored[names + values].itertuples(index=False)]

