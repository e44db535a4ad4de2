"""The data contract: every table the product reads, its columns, Chinese headers, types and
allowed values.

This module is the one definition. The importer validates against it, the demo county is
generated to it, the templates are written from it, and the pages take their column labels
from it. Codes are strings because leading zeros matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

DIMENSIONS: tuple[str, ...] = ("产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕")
DIMENSIONS_EN: dict[str, str] = {
    "产业兴旺": "Thriving industry",
    "生态宜居": "Ecological livability",
    "乡风文明": "Civility",
    "治理有效": "Effective governance",
    "生活富裕": "Prosperity",
}
HOUSEHOLD_TYPES = ("脱贫户", "一般农户")
MONITORING_CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
ELIMINATION_METHODS = ("帮扶消除", "自然消除")
TERRAINS = ("山区", "丘陵", "平原")
RISK_TYPES = (
    "因病", "因残", "因学", "因自然灾害", "因意外事故", "因缺劳动力",
    "因产业项目失败", "因务工就业不稳", "其他",
)
ASSISTANCE_MEASURES = (
    "产业帮扶", "就业帮扶", "金融帮扶", "公益岗位帮扶", "健康帮扶", "义务教育保障",
    "其他教育帮扶", "综合保障", "住房安全保障", "饮水安全保障", "社会帮扶", "搬迁",
    "生产生活条件改善", "基础设施建设",
)
PROJECT_CATEGORIES = (
    "产业发展", "就业帮扶", "乡村建设", "公共服务", "易地搬迁后扶", "巩固三保障", "乡村治理", "其他",
)
PROJECT_STATUSES = ("储备", "实施中", "已完工")
# English names of the category values above (and of the default tier names and baselines), declared
# once for the English UI: pages show VALUES_EN.get(value, value), so a county's own value reads as is.
VALUES_EN: dict[str, str] = {
    "脱贫户": "Formerly poor", "一般农户": "Other household",
    "脱贫不稳定户": "Unstable formerly poor", "边缘易致贫户": "Marginal, prone to poverty",
    "突发严重困难户": "Sudden severe hardship",
    "帮扶消除": "Removed with assistance", "自然消除": "Removed naturally",
    "山区": "Mountain", "丘陵": "Hills", "平原": "Plain",
    "因病": "Illness", "因残": "Disability", "因学": "Schooling", "因自然灾害": "Natural disaster",
    "因意外事故": "Accident", "因缺劳动力": "Lack of labour", "因产业项目失败": "Failed business project",
    "因务工就业不稳": "Unstable employment",
    "产业发展": "Industry", "就业帮扶": "Employment", "乡村建设": "Village construction",
    "公共服务": "Public services", "易地搬迁后扶": "Post-relocation support", "巩固三保障": "Three guarantees",
    "乡村治理": "Governance", "其他": "Other",
    "储备": "Reserve", "实施中": "Under way", "已完工": "Completed",
    "领先": "Leading", "达标": "On track", "滞后": "Lagging",
    "文盲或半文盲": "Illiterate or semi-literate", "小学": "Primary school", "初中": "Lower secondary",
    "高中": "Upper secondary", "大专及以上": "College or above",
    "产业帮扶": "Industry support", "金融帮扶": "Financial support", "公益岗位帮扶": "Public-welfare job",
    "健康帮扶": "Health support", "义务教育保障": "Compulsory-education guarantee",
    "其他教育帮扶": "Other education support", "综合保障": "Social protection", "住房安全保障": "Housing safety",
    "饮水安全保障": "Drinking-water safety", "社会帮扶": "Social assistance", "搬迁": "Relocation",
    "生产生活条件改善": "Better living conditions", "基础设施建设": "Infrastructure",
    "经营性资产": "Productive assets", "公益性资产": "Public assets",
    "严重": "Severe", "较重": "Moderate", "一般": "Minor",
    "进度滞后": "Behind schedule", "超出本村常规规模": "Beyond the village's usual scale",
    "达到序时进度": "On schedule", "略低于序时进度": "Slightly behind", "明显落后": "Well behind",
    "中央衔接资金": "Central linkage funds", "省级衔接资金": "Provincial linkage funds",
    "市级衔接资金": "Prefecture linkage funds", "县级衔接资金": "County linkage funds", "其他资金": "Other funds",
    "小额信贷贴息": "Microcredit interest subsidy", "雨露计划": "Yulu vocational subsidy",
    "公益岗位补助": "Public-welfare job subsidy", "项目管理费": "Project management fee",
    "上年分配格局等比例缩放": "Last year's split, scaled", "各村平均分配": "Equal per village", "因素法": "Factor method",
}
EDUCATION_LEVELS = ("文盲或半文盲", "小学", "初中", "高中", "大专及以上")
GUARANTEE_COLUMNS = (
    "housing_safe", "drinking_water_safe", "compulsory_education_ok", "medical_insured_all",
)
INCOME_PARTS = ("wage_income", "business_income", "property_income", "transfer_income")
MULTI_SEPARATORS = ("、", ";", ";", ",", ",")


@dataclass(frozen=True)
class Column:
    """One column: its English id, Chinese header, kind and what values it may hold.

    kind is one of: code (digits string of fixed length), text, int, float, bool, year,
    yyyymm, enum (one of allowed), multi (several of allowed, separated by 、 or ;).
    """

    id: str
    zh: str
    kind: str
    required: bool = True
    allowed: tuple[str, ...] = ()
    length: int | None = None
    unit: str = ""
    doc: str = ""
    personal: bool = False


@dataclass(frozen=True)
class Table:
    """A table of the contract; key lists the columns that identify a row."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str = ""
    geometry: bool = False
    aliases: dict[str, str] = field(default_factory=dict)

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.columns]

    @property
    def headers(self) -> dict[str, str]:
        """English id -> Chinese header."""
        return {c.id: c.zh for c in self.columns}


def _code(id_: str, zh: str, length: int, doc: str = "", required: bool = True) -> Column:
    return Column(id_, zh, "code", required=required, length=length, doc=doc)


def _yes_no(id_: str, zh: str, doc: str = "", required: bool = True) -> Column:
    return Column(id_, zh, "bool", required=required, doc=doc or "是/否,也接受 1/0、Y/N、true/false")


def _count(id_: str, zh: str, doc: str = "") -> Column:
    return Column(id_, zh, "int", unit="人", doc=doc)


def _yuan(id_: str, zh: str, doc: str = "", required: bool = True) -> Column:
    return Column(id_, zh, "float", unit="元", doc=doc, required=required)


TOWNSHIPS = Table(
    "townships", "乡镇",
    (
        _code("township_code", "乡镇代码", 9, "9 位行政区划代码"),
        Column("township_name", "乡镇名称", "text"),
    ),
    key=("township_code",),
)

VILLAGES = Table(
    "villages", "行政村",
    (
        _code("village_code", "村代码", 12, "12 位行政区划代码,前 9 位为乡镇代码"),
        Column("village_name", "村名称", "text"),
        _code("township_code", "乡镇代码", 9),
        _yes_no("is_former_poor_village", "是否脱贫村"),
        _yes_no("is_key_village", "是否重点帮扶村"),
        _yes_no("is_relocation_site", "是否易地搬迁安置点"),
        Column("terrain", "地形", "enum", allowed=TERRAINS),
        Column("population", "户籍人口", "int", unit="人"),
        Column("households", "户数", "int", unit="户"),
    ),
    key=("village_code",),
)

BOUNDARIES = Table(
    "boundaries", "村界",
    (_code("village_code", "村代码", 12),),
    key=("village_code",),
    doc="GeoJSON 或压缩的 Shapefile,每个要素带 village_code;WGS84 (EPSG:4326) 或文件声明的坐标系",
    geometry=True,
)

VILLAGE_INDICATORS = Table(
    "village_indicators", "村级指标",
    (
        _code("village_code", "村代码", 12),
        Column("year", "年度", "year"),
        Column("indicator_code", "指标代码", "text", doc="指标目录 data/indicators.csv 中的代码"),
        Column("value", "数值", "float", doc="单位见指标目录"),
    ),
    key=("village_code", "year", "indicator_code"),
)

HOUSEHOLDS = Table(
    "households", "农户",
    (
        Column("year", "年度", "year"),
        Column("household_id", "户编号", "text"),
        _code("village_code", "村代码", 12),
        Column("head_name", "户主姓名", "text", personal=True),
        Column("head_id_number", "户主证件号码", "text", personal=True,
               doc="18 位居民身份证号码,末位为校验码"),
        Column("household_type", "户类型", "enum", allowed=HOUSEHOLD_TYPES),
        Column("monitoring_category", "监测对象类别", "enum", required=False,
               allowed=MONITORING_CATEGORIES, doc="非监测对象留空"),
        Column("monitoring_start", "识别监测时间", "yyyymm", required=False),
        _yes_no("risk_eliminated", "风险是否已消除", required=False),
        Column("risk_elimination_method", "风险消除方式", "enum", required=False,
               allowed=ELIMINATION_METHODS),
        Column("risk_eliminated_at", "风险消除时间", "yyyymm", required=False),
        Column("risk_types", "致贫返贫风险", "multi", required=False, allowed=RISK_TYPES,
               doc="可多项,以 、 或 ; 分隔"),
        _count("household_size", "家庭人口数"),
        _count("labor_count", "劳动力人数"),
        _count("elderly_count", "65岁及以上人数"),
        _count("students_count", "在校生人数"),
        _count("chronic_illness_count", "慢性病人数"),
        _count("serious_illness_count", "大病人数"),
        _count("disabled_count", "残疾人数"),
        Column("head_education", "户主文化程度", "enum", allowed=EDUCATION_LEVELS),
        _yuan("wage_income", "工资性收入"),
        _yuan("business_income", "生产经营性收入", "经营亏损时可为负"),
        _yuan("property_income", "财产性收入"),
        _yuan("transfer_income", "转移性收入"),
        _yuan("production_expense", "生产经营性支出"),
        _yuan("per_capita_net_income", "人均纯收入", required=False,
              doc="(四项收入 - 生产经营性支出) / 家庭人口数;填写时须与各项一致"),
        _yuan("medical_out_of_pocket", "合规自付医疗支出"),
        Column("migrant_work_months", "务工月数", "float", unit="月", doc="全户劳动力外出务工月数之和"),
        _yes_no("housing_safe", "住房安全有保障"),
        _yes_no("drinking_water_safe", "饮水安全有保障"),
        _yes_no("compulsory_education_ok", "义务教育有保障"),
        _yes_no("medical_insured_all", "基本医疗保险全员参保"),
        _yes_no("relocated", "是否易地搬迁户"),
        _yes_no("dibao", "是否低保"),
        _yes_no("tekun", "是否特困供养"),
        Column("assistance_measures", "帮扶措施", "multi", required=False,
               allowed=ASSISTANCE_MEASURES, doc="可多项,以 、 或 ; 分隔"),
    ),
    key=("household_id", "year"),
)

PROJECTS = Table(
    "projects", "资金项目",
    (
        Column("project_id", "项目编号", "text"),
        Column("year", "年度", "year"),
        Column("village_code", "村代码", "code", doc="村代码(12 位),全乡镇项目填乡镇代码(9 位)"),
        Column("project_name", "项目名称", "text"),
        Column("category", "项目类别", "enum", allowed=PROJECT_CATEGORIES),
        Column("funds_wan", "投入资金(万元)", "float", unit="万元"),
        Column("fund_source", "资金来源", "text", required=False),
        Column("disbursed_wan", "已支付(万元)", "float", unit="万元"),
        Column("status", "项目状态", "enum", allowed=PROJECT_STATUSES),
        Column("beneficiary_households", "受益户数", "int", unit="户", required=False),
    ),
    key=("project_id",),
)

MONITORING_LINES = Table(
    "monitoring_lines", "监测标准",
    (
        Column("year", "年度", "year"),
        Column("threshold_yuan", "监测收入标准(元/人·年)", "float", unit="元/人·年"),
    ),
    key=("year",),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (TOWNSHIPS, VILLAGES, BOUNDARIES, VILLAGE_INDICATORS, HOUSEHOLDS, PROJECTS,
              MONITORING_LINES)
}

BOOL_TRUE = frozenset({"是", "1", "y", "yes", "true", "t", "是的", "有"})
BOOL_FALSE = frozenset({"否", "0", "n", "no", "false", "f", "无"})


TOWNSHIP_CODE_LENGTH = 9  # a village code (12 digits) starts with its township's code


def township_of(village_codes: pd.Series) -> pd.Series:
    """The township code of each village code (or of a township code, which is its own)."""
    return village_codes.astype("string").str[:TOWNSHIP_CODE_LENGTH]


def year_of(yyyymm: pd.Series) -> pd.Series:
    """The year of YYYYMM values (识别监测时间, 风险消除时间), as a nullable number; blanks stay missing."""
    return pd.to_numeric(yyyymm.astype("string").str[:4], errors="coerce")


def is_unresolved(households: pd.DataFrame) -> pd.Series:
    """Monitored and risk not yet eliminated: the households the monitoring system still follows."""
    eliminated = households["risk_eliminated"].astype("boolean").fillna(False).astype(bool)
    return households["monitoring_category"].notna() & ~eliminated


def header(table: str, column_id: str) -> str:
    """The Chinese header of a column, for labels and exports."""
    return TABLES[table].column(column_id).zh


def split_multi(value: object) -> list[str]:
    """Split a multi-valued cell (risk types, measures) on any accepted separator."""
    if value is None or value != value:  # None or NaN
        return []
    text = str(value)
    for sep in MULTI_SEPARATORS[1:]:
        text = text.replace(sep, MULTI_SEPARATORS[0])
    return [part.strip() for part in text.split(MULTI_SEPARATORS[0]) if part.strip()]


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643, digit by digit
ID_CHECKS = "10X98765432"  # the check character by the weighted sum modulo 11


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of an 18-digit resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECKS[total % 11]


def valid_id_number(value: str) -> bool:
    v = str(value).strip().upper()
    return len(v) == 18 and v[:17].isascii() and v[:17].isdigit() and id_check_digit(v[:17]) == v[17]
