"""What the relapse-risk model may know about a household at the end of year t, and what
counts as relapse in year t+1.

Every feature is computed from rows of year t and t-1 only (and village context of year t);
the label is the only thing read from year t+1. `FEATURES` is the one list of features: the
model card, the explanations and the measures suggested to visitors all read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from analytics import settings
from analytics.data.contract import (
    EDUCATION_LEVELS,
    HOUSEHOLD_TYPES,
    HOUSEHOLDS,
    INCOME_PARTS,
    MONITORING_CATEGORIES,
    MULTI_SEPARATORS,
    TERRAINS,
    is_unresolved,
    township_of,
    year_of,
)
from analytics.data.funds import fund_intensity

PLACES = ("village_code", "township_code")  # categorical in the feature frame: 2 bytes a row, not 20
NO_CATEGORY = "从未监测"
FUND_GROUPS = {  # feature id -> project categories whose year-t funds act in t+1
    "village_industry_funds": ("产业发展",),
    "village_employment_funds": ("就业帮扶", "易地搬迁后扶"),
    "village_guarantee_funds": ("巩固三保障", "乡村建设"),
}
PAST_MEASURES = ("健康帮扶", "就业帮扶", "产业帮扶", "公益岗位帮扶", "综合保障")


@dataclass(frozen=True)
class Feature:
    """One model input: what it means, and which risk type and measure it points to when it
    is among a household's top drivers. `measure_no_labour` applies to households without
    labour (兜底 rather than development measures)."""

    id: str
    zh: str
    doc: str
    risk_type: str
    measure: str
    measure_no_labour: str | None = None
    categorical: bool = False
    unit: str = ""
    of: str | None = None  # the feature this one re-expresses; drivers count them together

    @property
    def driver(self) -> str:
        return self.of or self.id


def _f(id_: str, zh: str, doc: str, risk_type: str, measure: str, no_labour: str | None = None,
       categorical: bool = False, unit: str = "", of: str | None = None) -> Feature:
    return Feature(id_, zh, doc, risk_type, measure, no_labour, categorical, unit, of)


FEATURES: tuple[Feature, ...] = (
    # Household composition and labour
    _f("household_size", "家庭人口数", "t 年末家庭人口", "因缺劳动力", "公益岗位帮扶", "综合保障", unit="人"),
    _f("labor_count", "劳动力人数", "t 年末劳动力人数", "因缺劳动力", "公益岗位帮扶", "综合保障", unit="人"),
    _f("labor_share", "劳动力占比", "劳动力人数 / 家庭人口", "因缺劳动力", "公益岗位帮扶", "综合保障"),
    _f("elderly_count", "65岁及以上人数", "t 年末 65 岁及以上人数", "因缺劳动力", "公益岗位帮扶", "综合保障", unit="人"),
    _f("students_count", "在校生人数", "t 年末在校生人数", "因学", "其他教育帮扶", unit="人"),
    # Health
    _f("chronic_illness_count", "慢性病人数", "t 年末慢性病人数", "因病", "健康帮扶", unit="人"),
    _f("serious_illness_count", "大病人数", "t 年大病人数", "因病", "健康帮扶", unit="人"),
    _f("disabled_count", "残疾人数", "t 年末残疾人数", "因残", "综合保障", unit="人"),
    # Education
    _f("head_education_level", "户主文化程度", "0 文盲或半文盲 … 4 大专及以上", "因务工就业不稳", "就业帮扶", "综合保障"),
    # Income level, change and sources
    _f("income_to_line", "人均纯收入/监测标准", "t 年人均纯收入除以 t 年监测收入标准", "其他", "就业帮扶", "综合保障"),
    _f("income_log", "人均纯收入/监测标准(对数)", "上项的自然对数(低于 0.25 按 0.25 计):收入越接近监测线,风险上升越快", "其他", "就业帮扶", "综合保障", of="income_to_line"),
    _f("income_gap", "距 1.5 倍监测标准的差距", "max(0, 1.5 - 人均纯收入/监测标准)", "其他", "就业帮扶", "综合保障", of="income_to_line"),
    _f("below_line", "当年低于监测标准", "t 年人均纯收入低于监测标准但未在监测中(是=1)", "其他", "就业帮扶", "综合保障", of="income_to_line"),
    _f("no_previous_year", "无上年记录", "t-1 年没有该户记录,变化类特征无法计算(是=1)", "其他", "就业帮扶", "综合保障"),
    _f("income_change", "人均纯收入变化", "(t 年 - t-1 年人均纯收入) / t 年监测标准;首年缺失", "其他", "就业帮扶", "综合保障"),
    _f("wage_share", "工资性收入占比", "工资性收入 / 四项收入之和", "因务工就业不稳", "就业帮扶", "综合保障"),
    _f("business_share", "经营性收入占比", "生产经营性收入 / 四项收入之和", "因产业项目失败", "产业帮扶", "综合保障"),
    _f("transfer_share", "转移性收入占比", "转移性收入 / 四项收入之和", "其他", "就业帮扶", "综合保障"),
    _f("business_loss", "生产经营亏损", "生产经营性收入低于生产经营性支出(是=1)", "因产业项目失败", "产业帮扶", "综合保障"),
    # Work
    _f("work_months_per_labour", "劳均务工月数", "务工月数 / 劳动力人数", "因务工就业不稳", "就业帮扶", "综合保障", unit="月"),
    _f("work_months_change", "务工月数变化", "t 年 - t-1 年务工月数;首年缺失", "因务工就业不稳", "就业帮扶", "综合保障", unit="月"),
    # Medical spending
    _f("medical_to_provincial", "医疗自付/省农村人均收入", "合规自付医疗支出 / 上年全省农村居民人均可支配收入", "因病", "健康帮扶"),
    _f("medical_to_income", "医疗自付占家庭纯收入", "合规自付医疗支出 / 家庭纯收入(纯收入≤0 时按 1 元计,上限 5)", "因病", "健康帮扶"),
    # Guarantees
    _f("housing_unsafe", "住房不安全", "住房安全未保障(是=1)", "其他", "住房安全保障"),
    _f("water_unsafe", "饮水不安全", "饮水安全未保障(是=1)", "其他", "饮水安全保障"),
    _f("education_gap", "义务教育未保障", "义务教育未保障(是=1)", "因学", "义务教育保障"),
    _f("insurance_gap", "医保未全员参保", "基本医疗保险未全员参保(是=1)", "因病", "健康帮扶"),
    # Protection and relocation
    _f("dibao", "低保", "享受低保(是=1)", "因缺劳动力", "综合保障"),
    _f("tekun", "特困供养", "特困供养(是=1)", "因缺劳动力", "综合保障"),
    _f("relocated", "易地搬迁户", "易地搬迁户(是=1)", "其他", "就业帮扶", "综合保障"),
    # Monitoring history and assistance received
    _f("past_category", "既往监测类别", "t 年末已消除风险的监测对象的类别;从未监测为“从未监测”", "其他", "就业帮扶", "综合保障", categorical=True),
    _f("measures_count", "已获帮扶措施数", "既往登记的帮扶措施项数", "其他", "就业帮扶", "综合保障"),
    *(_f(f"had_{m}", f"曾获{m}", f"既往帮扶措施含{m}(是=1)", "其他", m) for m in PAST_MEASURES),
    # Household type and village context
    _f("household_type", "户类型", "脱贫户 / 一般农户", "其他", "就业帮扶", "综合保障", categorical=True),
    _f("terrain", "地形", "所在村地形:山区 / 丘陵 / 平原", "因自然灾害", "产业帮扶", "综合保障", categorical=True),
    _f("former_poor_village", "脱贫村", "所在村是脱贫村(是=1)", "其他", "产业帮扶", "综合保障"),
    _f("key_village", "重点帮扶村", "所在村是重点帮扶村(是=1)", "其他", "产业帮扶", "综合保障"),
    _f("relocation_site", "安置点", "所在村是易地搬迁安置点(是=1)", "其他", "就业帮扶", "综合保障"),
    _f("village_below_share", "本村低于标准户占比", "t 年本村人均纯收入低于监测标准的户占比", "其他", "产业帮扶", "综合保障"),
    _f("village_income_to_line", "本村人均收入/监测标准", "t 年本村人均纯收入(按人口加权)除以监测标准", "其他", "产业帮扶", "综合保障"),
    _f("village_business_change", "本村经营收入变化", "t 年相对 t-1 年本村户均生产经营性收入的变化率(灾害年份明显下降)", "因自然灾害", "产业帮扶", "综合保障"),
    _f("village_industry_funds", "本村产业资金强度", "log(1 + t 年本村产业发展资金千元/户)", "因产业项目失败", "产业帮扶", "综合保障"),
    _f("village_employment_funds", "本村就业资金强度", "log(1 + t 年本村就业帮扶与搬迁后扶资金千元/户)", "因务工就业不稳", "就业帮扶", "综合保障"),
    _f("village_guarantee_funds", "本村三保障与建设资金强度", "log(1 + t 年本村巩固三保障与乡村建设资金千元/户)", "其他", "住房安全保障"),
)
FEATURE_BY_ID = {f.id: f for f in FEATURES}
NUMERIC = tuple(f.id for f in FEATURES if not f.categorical)
CATEGORICAL = tuple(f.id for f in FEATURES if f.categorical)
CATEGORY_LEVELS = {  # the first level of each is the reference the others are compared with
    "past_category": (NO_CATEGORY, *MONITORING_CATEGORIES),
    "household_type": tuple(reversed(HOUSEHOLD_TYPES)),
    "terrain": tuple(reversed(TERRAINS)),
}


@dataclass(frozen=True)
class LabelSpec:
    """What counts as relapse in t+1 for a household not under unresolved monitoring at the
    end of year t: per-capita net income below `line_ratio` x the t+1 monitoring line, or
    (when `count_identified`) being identified as a monitoring object in t+1."""

    line_ratio: float = 1.0
    count_identified: bool = True

    @classmethod
    def from_settings(cls) -> LabelSpec:
        return cls(settings.number("risk.label_line_ratio"), settings.flag("risk.label_counts_identified"))

    def describe(self) -> str:
        income = "人均纯收入低于当年监测标准" if self.line_ratio == 1 else f"人均纯收入低于当年监测标准的 {self.line_ratio:g} 倍"
        identified = "或被识别为监测对象" if self.count_identified else ""
        return f"t 年末不是未消除风险的监测对象,且 t+1 年{income}{identified}"


SYSTEM_POPULATION_NOTE = (
    "农户数据只含脱贫户和监测对象(全国防返贫监测信息系统的导出,没有其他农户):“次年返贫”只在这些户中定义和检验。"
    "从未纳入监测的一般农户不在数据中,模型既学不到也不会预测他们;边缘易致贫户要等被识别为监测对象后才出现在数据里,"
    "所以预警名单中是未在监测中的脱贫户和已消除风险的监测户,新的边缘户仍须靠排查和部门预警发现。")


def system_population(households: pd.DataFrame) -> bool:
    """Whether the households are only those the national monitoring system holds (脱贫户 and
    monitoring objects), as in a person-level import: the label then rests on them alone."""
    kept = households["household_type"].eq("脱贫户") | households["monitoring_category"].notna()
    return bool(kept.all())


@dataclass(frozen=True)
class FeatureSet:
    """Household-years with features, eligibility and the label of `label`.

    `eligible`: not under unresolved monitoring at the end of t (the population at risk).
    `label`: 1/0 relapse in t+1, NaN when the household has no row in t+1.
    `warnings`: Chinese notes on settings that had to be stretched (e.g. a missing year).
    """

    frame: pd.DataFrame
    label: LabelSpec
    warnings: tuple[str, ...]

    def labelled_mask(self) -> np.ndarray:
        """Eligible rows with a known outcome: what the model learns from and is tested on."""
        return self.frame["eligible"].to_numpy() & self.frame["label"].notna().to_numpy()

    def labelled(self) -> pd.DataFrame:
        return self.frame[self.labelled_mask()]

    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frame["year"].unique())


class RiskDataError(ValueError):
    """Data the risk model cannot use; the message is Chinese and names what is wrong."""


def _complete(households: pd.DataFrame) -> pd.DataFrame:
    """The household table with every column the model reads; optional columns that are
    absent are empty, a missing required column is refused by name."""
    needed = [c for c in HOUSEHOLDS.columns if c.required and not c.personal]
    missing = [f"{c.zh}({c.id})" for c in needed if c.id not in households.columns]
    if missing:
        raise RiskDataError(f"农户表缺少列:{'、'.join(missing)},无法计算返贫风险。")
    h = households.reset_index(drop=True)
    absent = {c.id: pd.Series(pd.NA, index=h.index, dtype="object") for c in HOUSEHOLDS.columns
              if not c.required and not c.personal and c.id not in h.columns}
    return h.assign(**absent) if absent else h


def net_income(h: pd.DataFrame) -> pd.Series:
    """Per-capita net income; filled from its parts where the optional column is empty."""
    parts = h[list(INCOME_PARTS)].sum(axis=1) - h["production_expense"]
    computed = parts / h["household_size"].clip(lower=1)
    if "per_capita_net_income" not in h:
        return computed
    return h["per_capita_net_income"].astype(float).fillna(computed)


def monitoring_state(h: pd.DataFrame) -> pd.DataFrame:
    """Per row: monitored at all, under unresolved monitoring, identified in that year."""
    monitored = h["monitoring_category"].notna()
    return pd.DataFrame({
        "monitored": monitored,
        "unresolved": is_unresolved(h),
        "identified": monitored & year_of(h["monitoring_start"]).eq(h["year"]).fillna(False).astype(bool),
    }, index=h.index)


def lines_by_year(lines: pd.DataFrame, years: list[int]) -> pd.Series:
    """The monitoring line for each year; a missing year is refused with a clear message."""
    by_year = lines.set_index(lines["year"].astype(int))["threshold_yuan"].astype(float)
    missing = [y for y in years if y not in by_year.index]
    if missing:
        raise RiskDataError(f"监测标准表(monitoring_lines)缺少年度 {missing} 的监测收入标准,无法计算返贫风险。")
    return by_year


def provincial_income(years: list[int]) -> tuple[pd.Series, list[str]]:
    """Last year's provincial rural per-capita disposable income for each year t, from
    settings; a year outside the table takes the nearest year given, with a warning."""
    table = settings.by_year("risk.provincial_rural_income")
    known = sorted(table)
    values, warnings = {}, []
    for year in years:
        wanted = year - 1
        nearest = min(known, key=lambda k: (abs(k - wanted), -k))
        if nearest != wanted:
            warnings.append(f"设置 risk.provincial_rural_income 中没有 {wanted} 年的数值,{year} 年的医疗支出比较沿用 {nearest} 年。")
        values[year] = table[nearest]
    return pd.Series(values, dtype=float), warnings


def _share(part: pd.Series, total: pd.Series) -> pd.Series:
    return (part / total.where(total > 0)).clip(-1, 2)


def _measures(h: pd.DataFrame) -> pd.DataFrame:
    """Flags of assistance measures recorded in the household's row (any separator)."""
    text = h["assistance_measures"].astype("string").fillna("").str.strip()
    for sep in MULTI_SEPARATORS[1:]:
        text = text.str.replace(sep, MULTI_SEPARATORS[0], regex=False)
    out = {f"had_{m}": text.str.contains(m, regex=False).astype(float) for m in PAST_MEASURES}
    out["measures_count"] = text.str.count(MULTI_SEPARATORS[0]).astype(float) + text.ne("").astype(float)
    return pd.DataFrame(out, index=h.index)


def _village_levels(h: pd.DataFrame, income: pd.Series, line: pd.Series) -> pd.DataFrame:
    """Per village and year: the share below the line, the mean income (by people) and the
    mean business income per household, the income-driven part of the village context."""
    frame = pd.DataFrame({
        "village_code": h["village_code"], "year": h["year"],
        "below": (income < line).astype(float), "income_total": income * h["household_size"],
        "people": h["household_size"], "business": h["business_income"], "households": 1.0,
    })
    v = frame.groupby(["village_code", "year"], observed=True).sum()
    v["village_below_share"] = v["below"] / v["households"]
    v["village_income"] = v["income_total"] / v["people"].where(v["people"] > 0)
    v["business_mean"] = v["business"] / v["households"]
    return v[["village_below_share", "village_income", "business_mean", "households"]]


def _business_change(now: pd.Series, before: pd.Series) -> pd.Series:
    """Village business income per household against the year before (a disaster shows here);
    both indexed by (village_code, year), `before` by its own year."""
    previous = before.rename(lambda y: y + 1, level="year").reindex(now.index)
    return (now / previous - 1).clip(-1, 2)


def _village_context(levels: pd.DataFrame, business_before: pd.Series | None, villages: pd.DataFrame | None,
                     projects: pd.DataFrame | None) -> pd.DataFrame:
    """Per village of one year (`levels`, from `_village_levels`): the share below the line, the
    mean income, the change of business income against `business_before` (the year before's
    business_mean, None in the first year) and the funds of the year per household."""
    v = levels.copy()
    v["village_business_change"] = (np.nan if business_before is None
                                    else _business_change(v["business_mean"], business_before))
    v = v.drop(columns="business_mean").reset_index()
    for feature, categories in FUND_GROUPS.items():
        v[feature] = _funds(projects, categories, v)
    if villages is not None:
        attrs = villages[["village_code", "township_code", "terrain", "is_former_poor_village",
                          "is_key_village", "is_relocation_site"]].copy()
        v = v.merge(attrs, on="village_code", how="left")
    else:
        v["township_code"] = township_of(v["village_code"])
        v["terrain"], v["is_former_poor_village"], v["is_key_village"], v["is_relocation_site"] = (
            np.nan, np.nan, np.nan, np.nan)
    v["township_code"] = v["township_code"].fillna(township_of(v["village_code"]))
    return v.drop(columns="households")


def _funds(projects: pd.DataFrame | None, categories: tuple[str, ...], v: pd.DataFrame) -> pd.Series:
    """log(1 + thousand yuan per household) of year-t funds of the given categories."""
    if projects is None or projects.empty:
        return pd.Series(0.0, index=v.index)
    p = projects[projects["category"].isin(categories) & projects["status"].ne("储备")]
    wan = p.groupby(["village_code", "year"])["funds_wan"].sum()
    key = pd.MultiIndex.from_frame(v[["village_code", "year"]])
    amount = wan.reindex(key).fillna(0.0).to_numpy()
    return pd.Series(fund_intensity(amount, v["households"].to_numpy()), index=v.index)


def _bool(series: pd.Series) -> pd.Series:
    return series.astype("boolean").fillna(False).astype(float)


def build(tables: dict[str, pd.DataFrame], label: LabelSpec) -> FeatureSet:
    """Features, eligibility and label for every household-year of a snapshot, in the order of
    its household rows.

    Needs `households` and `monitoring_lines`; `villages` and `projects` add village context
    and are optional. A year's features read only that year and the year before; the label
    alone reads year t+1.
    """
    _require(tables)
    h = tables["households"]
    if "year" not in h.columns:
        _complete(h.head(0))  # names the missing column
    year = h["year"].to_numpy(dtype=np.int64)
    order = np.argsort(year, kind="stable")
    distinct, first, counts = np.unique(year[order], return_index=True, return_counts=True)
    where = {int(y): order[s:s + c] for y, s, c in zip(distinct, first, counts)}
    built = build_by_year({y: len(rows) for y, rows in where.items()}, lambda y: h.iloc[where[y]], tables, label)
    if np.array_equal(order, np.arange(len(order))):
        return built
    back = np.empty_like(order)
    back[order] = np.arange(len(order))  # year-ordered rows back to the households' order
    return FeatureSet(built.frame.take(back).reset_index(drop=True), built.label, built.warnings)


def _require(tables: dict[str, pd.DataFrame], names: tuple[str, ...] = ("households", "monitoring_lines")) -> None:
    for name in names:
        if name not in tables or tables[name] is None or tables[name].empty:
            raise RiskDataError(f"数据快照中没有“{name}”表或该表为空,无法计算返贫风险。")


@dataclass
class _Before:
    """What year t needs of year t-1: incomes and work months by household, village business."""

    year: int
    ids: pd.Index
    income: np.ndarray
    months: np.ndarray
    business: pd.Series  # village business income per household, indexed by (village_code, year)


FILL_COLUMNS = 16  # features per block in _Columns.fill: 64 bytes of a row, 64 MB at a million households


class _Columns:
    """The feature table, filled a year at a time into preallocated float32 and integer-code
    blocks: a million households never pass through a wide float64 frame with object columns."""

    def __init__(self, n: int) -> None:
        self.numeric = np.empty((n, len(NUMERIC)), dtype=np.float32)
        self.codes = np.empty((n, len(CATEGORICAL)), dtype=np.int8)
        self.year = np.empty(n, dtype=np.int64)
        self.unresolved = np.empty(n, dtype=bool)
        self.label = np.full(n, np.nan)
        self.keys: list[pd.DataFrame] = []

    def fill(self, rows: slice, keys: pd.DataFrame, values: dict[str, object], categories: dict[str, pd.Series],
             unresolved: np.ndarray) -> None:
        for first in range(0, len(NUMERIC), FILL_COLUMNS):
            # a few columns at a time into a column-major block, then one copy into the row-major
            # table: each column written straight in would stride across the whole table
            group = NUMERIC[first:first + FILL_COLUMNS]
            block = np.empty((rows.stop - rows.start, len(group)), dtype=np.float32, order="F")
            for j, name in enumerate(group):
                block[:, j] = np.asarray(values[name], dtype=np.float32)
            self.numeric[rows, first:first + len(group)] = block
        for j, name in enumerate(CATEGORICAL):
            self.codes[rows, j] = pd.Categorical(categories[name], categories=CATEGORY_LEVELS[name]).codes
        self.year[rows] = keys["year"].to_numpy()
        self.unresolved[rows] = unresolved
        self.keys.append(keys[["household_id", *PLACES]])  # the year is in self.year

    def frame(self) -> pd.DataFrame:
        ids = pd.concat([k["household_id"] for k in self.keys], ignore_index=True) if self.keys else pd.Series([], dtype="str")
        places = {c: union_categoricals([k[c] for k in self.keys], sort_categories=True) if self.keys
                  else pd.Categorical([], categories=pd.Index([], dtype="str")) for c in PLACES}
        return pd.concat([
            pd.DataFrame({"household_id": ids, "year": self.year, **places}),
            pd.DataFrame(self.numeric, columns=list(NUMERIC), copy=False),  # one float32 block: cheap to hand to numpy
            pd.DataFrame({c: pd.Categorical.from_codes(self.codes[:, j], categories=CATEGORY_LEVELS[c])
                          for j, c in enumerate(CATEGORICAL)}),
            pd.DataFrame({"eligible": ~self.unresolved, "unresolved": self.unresolved, "label": self.label}),
        ], axis=1)


def build_by_year(counts: dict[int, int], rows_of: Callable[[int], pd.DataFrame], tables: dict[str, pd.DataFrame],
                  label: LabelSpec) -> FeatureSet:
    """Features of every household-year, in year order, from `rows_of(year)`: the household rows
    of one year at a time (`counts` says how many), so that the household table never has to be
    held whole (the saved model reads a snapshot's years one by one). `tables` gives
    `monitoring_lines` and, optionally, `villages` and `projects`."""
    _require(tables, ("monitoring_lines",))
    years = sorted(counts)
    lines = lines_by_year(tables["monitoring_lines"], years)
    provincial, warnings = provincial_income(years)
    out = _Columns(sum(counts.values()))
    starts = dict(zip(years, np.cumsum([0, *(counts[y] for y in years)])))
    before: _Before | None = None
    system = True
    for year in years:
        h = _complete(rows_of(year))
        if len(h) != counts[year]:
            raise RiskDataError(f"{year} 年的农户行数与快照记录不一致,无法计算返贫风险。")
        system = system and system_population(h)
        previous = before if before is not None and before.year == year - 1 else None
        del before  # one year back is all a year reads
        before, event = _year_into(out, slice(starts[year], starts[year] + counts[year]), h, previous,
                                   float(lines[year]), float(provincial[year]), tables, label)
        if previous is not None:  # the year before's label is this year's event
            out.label[starts[year - 1]:starts[year - 1] + counts[year - 1]] = _lookup(before.ids, event, previous.ids)
        del h, previous
    if system and years:
        warnings.append(SYSTEM_POPULATION_NOTE)
    return FeatureSet(out.frame(), label, tuple(warnings))


def _lookup(ids: pd.Index, values: np.ndarray, wanted: pd.Index) -> np.ndarray:
    """values of `ids` at `wanted` (NaN where a household is absent)."""
    if not ids.is_unique:
        keep = ~ids.duplicated()
        ids, values = ids[keep], values[keep]
    at = ids.get_indexer(wanted)
    return np.where(at >= 0, np.asarray(values, dtype=float)[np.maximum(at, 0)], np.nan)


def _year_into(out: _Columns, rows: slice, h: pd.DataFrame, before: _Before | None, line_value: float,
               provincial_value: float, tables: dict[str, pd.DataFrame], label: LabelSpec) -> tuple[_Before, np.ndarray]:
    """One year's features written into `out`; returns what the next year needs of this one, and
    this year's events (what the label of the year before reads)."""
    year = int(h["year"].iloc[0]) if len(h) else 0
    ids = pd.Index(h["household_id"])
    line = pd.Series(line_value, index=h.index)
    income = net_income(h)
    state = monitoring_state(h)
    size = h["household_size"].clip(lower=1).astype(float)
    labour = h["labor_count"].astype(float)
    months = h["migrant_work_months"].astype(float)
    income_prev = pd.Series(np.nan if before is None else _lookup(before.ids, before.income, ids), index=h.index)
    months_prev = np.nan if before is None else _lookup(before.ids, before.months, ids)
    education = h["head_education"].map({e: i for i, e in enumerate(EDUCATION_LEVELS)})
    values: dict[str, object] = {
        "household_size": size,
        "labor_count": labour,
        "labor_share": labour / size,
        "elderly_count": h["elderly_count"].astype(float),
        "students_count": h["students_count"].astype(float),
        "chronic_illness_count": h["chronic_illness_count"].astype(float),
        "serious_illness_count": h["serious_illness_count"].astype(float),
        "disabled_count": h["disabled_count"].astype(float),
        "head_education_level": education.astype(float),
        **_income_features(h, income, line, income_prev, pd.Series(provincial_value, index=h.index)),
        "no_previous_year": income_prev.isna().astype(float).to_numpy(),
        "work_months_per_labour": (months / labour.where(labour > 0)).fillna(0.0),
        "work_months_change": months - months_prev,
        "housing_unsafe": 1 - _bool(h["housing_safe"]),
        "water_unsafe": 1 - _bool(h["drinking_water_safe"]),
        "education_gap": 1 - _bool(h["compulsory_education_ok"]),
        "insurance_gap": 1 - _bool(h["medical_insured_all"]),
        "dibao": _bool(h["dibao"]),
        "tekun": _bool(h["tekun"]),
        "relocated": _bool(h["relocated"]),
        **_measures(h),
    }
    levels = _village_levels(h, income, line)
    business = levels["business_mean"]
    village = _village_context(levels, None if before is None else before.business, tables.get("villages"),
                               tables.get("projects"))
    context = h[["village_code", "year"]].merge(village, on=["village_code", "year"], how="left")
    values["former_poor_village"] = _bool(context["is_former_poor_village"]).to_numpy()
    values["key_village"] = _bool(context["is_key_village"]).to_numpy()
    values["relocation_site"] = _bool(context["is_relocation_site"]).to_numpy()
    values.update(_village_features(context, line))
    for feature in FUND_GROUPS:
        values[feature] = context[feature].to_numpy()
    categories = {
        "past_category": h["monitoring_category"].astype("string").where(state["monitored"], NO_CATEGORY),
        "household_type": h["household_type"],
        "terrain": context["terrain"],
    }
    keys = pd.DataFrame({"household_id": h["household_id"], "year": h["year"].astype(np.int64),
                         "village_code": pd.Categorical(h["village_code"]),
                         "township_code": pd.Categorical(context["township_code"])})
    out.fill(rows, keys, values, categories, state["unresolved"].to_numpy())
    event = income < label.line_ratio * line
    if label.count_identified:
        event = event | state["identified"]
    return _Before(year, ids, income.to_numpy(dtype=float), months.to_numpy(), business), event.to_numpy(dtype=float)


# The features an income or a monitoring line moves; `reprice` recomputes these and only these.
INCOME_DRIVEN = ("income_to_line", "income_log", "income_gap", "below_line", "income_change", "wage_share",
                 "business_share", "transfer_share", "business_loss", "medical_to_provincial", "medical_to_income",
                 "village_below_share", "village_income_to_line", "village_business_change")


def _income_features(h: pd.DataFrame, income: pd.Series, line: pd.Series, income_prev: pd.Series,
                     provincial: pd.Series) -> dict[str, pd.Series]:
    """The household's income-driven features (all aligned on h's index)."""
    gross = h[list(INCOME_PARTS)].sum(axis=1)
    family_net = income * h["household_size"].clip(lower=1).astype(float)
    return {
        "income_to_line": income / line,
        "income_log": np.log((income / line).clip(lower=0.25)),
        "income_gap": (1.5 - income / line).clip(lower=0),
        "below_line": (income < line).astype(float),
        "income_change": ((income - income_prev) / line).clip(-3, 3),
        "wage_share": _share(h["wage_income"], gross),
        "business_share": _share(h["business_income"], gross),
        "transfer_share": _share(h["transfer_income"], gross),
        "business_loss": (h["business_income"] < h["production_expense"]).astype(float),
        "medical_to_provincial": h["medical_out_of_pocket"] / provincial,
        "medical_to_income": (h["medical_out_of_pocket"] / family_net.clip(lower=1)).clip(upper=5),
    }


def _village_features(context: pd.DataFrame, line: pd.Series) -> dict[str, np.ndarray]:
    """The village's income-driven features from its context rows (one per household)."""
    return {
        "village_below_share": context["village_below_share"].to_numpy(),
        "village_income_to_line": context["village_income"].to_numpy() / np.asarray(line, dtype=float),
        "village_business_change": context["village_business_change"].to_numpy(),
    }


def reprice(frame: pd.DataFrame, rows: pd.DataFrame, previous: pd.DataFrame, line: float) -> pd.DataFrame:
    """Feature rows of one year (`frame`, from `build`) with the income-driven features recomputed
    from `rows`: that year's household rows in the same order, with changed income parts,
    per-capita income or medical spending, against the monitoring line `line`. `previous` holds
    the year before's household rows (for the changes). Everything else stays as recorded: this
    is how a stress test feeds shocked incomes through the model's own features."""
    year = int(rows["year"].iloc[0])
    h, before = _complete(rows), _complete(previous)
    income = net_income(h)
    lines = pd.Series(float(line), index=h.index)
    provincial, _ = provincial_income([year])
    income_prev = h["household_id"].map(pd.Series(net_income(before).to_numpy(), index=before["household_id"]))
    out = frame.copy()
    for name, values in _income_features(h, income, lines, income_prev, pd.Series(provincial[year], index=h.index)).items():
        out[name] = values.to_numpy(dtype=np.float32)
    now = _village_levels(h, income, lines)
    prior = _village_levels(before, net_income(before), pd.Series(np.inf, index=before.index))["business_mean"]
    now["village_business_change"] = _business_change(now["business_mean"], prior)
    context = h[["village_code", "year"]].merge(now.reset_index(), on=["village_code", "year"], how="left")
    for name, values in _village_features(context, lines).items():
        out[name] = values.astype(np.float32)
    return out
