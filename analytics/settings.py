"""Settings that vary by province, county or year, declared once with their type and documentation.

Values live in data/settings.toml (the one settings file, the shipped defaults); this module
declares what each key means and what type it holds, so that a wrong value in the file stops the
app at start-up with the key named, the README and the tests can check that every setting is
documented, and call sites read a typed value (`number`, `integer`, `text`, ...) instead of
casting. Convention: analytics functions take explicit arguments; the `from_settings()`
constructors and the command line are where settings are read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"  # the files the project ships, and the default store
SETTINGS_FILE = DATA_DIR / "settings.toml"


class Kind(Enum):
    """What a setting holds; the name is shown in the README's settings table."""
    NUMBER = "数值"
    INTEGER = "整数"
    TEXT = "文本"
    FLAG = "是/否"
    NUMBERS = "数值列表"
    TEXTS = "文本列表"
    BY_YEAR = "按年份的数值"
    MATRIX = "矩阵"


NUMBER, INTEGER, TEXT, FLAG = Kind.NUMBER, Kind.INTEGER, Kind.TEXT, Kind.FLAG
NUMBERS, TEXTS, BY_YEAR, MATRIX = Kind.NUMBERS, Kind.TEXTS, Kind.BY_YEAR, Kind.MATRIX


class SettingsError(ValueError):
    """The settings file does not match the declaration (message in Chinese, naming the key)."""


@dataclass(frozen=True)
class Setting:
    key: str
    kind: Kind
    doc: str
    unit: str = ""
    low: float | None = None  # allowed range of a number, or of each number in a list
    high: float | None = None
    county: bool = False  # a value each county must confirm for itself after its first real import
    label: str = ""  # a short Chinese name for pages leaders read (a key such as funds.disbursement_schedule
    # means nothing in a meeting); every county-owned setting has one

    def check(self, value: Any) -> None:
        """Refuse a value of the wrong type or outside its range, naming the key: a typo must not
        reach a page."""
        if not _fits(self.kind, value):
            raise SettingsError(f"设置 {self.key} 应为{self.kind.value},给出的值是 {value!r}")
        for number in _numbers_in(self.kind, value):
            if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
                raise SettingsError(f"设置 {self.key} 的取值范围是 {self.range_text()},给出的值是 {value!r}")

    def range_text(self) -> str:
        low = "" if self.low is None else f"{self.low:g}"
        high = "" if self.high is None else f"{self.high:g}"
        return f"{low} ~ {high}" if low or high else ""


def _numbers_in(kind: Kind, value: Any) -> list[float]:
    if kind in (NUMBER, INTEGER):
        return [value]
    if kind is NUMBERS:
        return list(value)
    if kind is BY_YEAR:
        return list(value.values())
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fits(kind: Kind, value: Any) -> bool:
    if kind is NUMBER:
        return _is_number(value)
    if kind is INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is TEXT:
        return isinstance(value, str)
    if kind is FLAG:
        return isinstance(value, bool)
    if kind is NUMBERS:
        return isinstance(value, list) and all(_is_number(v) for v in value)
    if kind is TEXTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind is BY_YEAR:
        return isinstance(value, dict) and all(str(k).isdigit() and _is_number(v) for k, v in value.items())
    return isinstance(value, list) and all(isinstance(row, list) for row in value)  # MATRIX


DECLARED: tuple[Setting, ...] = (
    Setting("funds.industry_min_share", NUMBER,
            "衔接资金用于产业发展的最低比例(0-1);2022 年要求 55%",
            unit="比例", low=0, high=1, county=True, label="产业发展资金占比下限"),
    Setting("funds.industry_target_share", NUMBER, "衔接资金用于产业发展的“力争”比例(0-1);2023 年中央一号文件为 60%",
            unit="比例", low=0, high=1, county=True, label="产业发展资金力争占比"),
    Setting("funds.industry_sources", TEXTS,
            "产业占比规则所统计的“资金来源”(默认只统计中央衔接资金);其他来源及未填来源不计入分子和分母",
            county=True, label="计入产业占比的资金来源"),
    Setting("funds.other_sources", TEXTS,
            "其他已知的资金来源(不计入产业占比);导入时不在此列、也不在 funds.industry_sources 中的来源给出警告",
            county=True, label="其他资金来源"),
    Setting("funds.industry_categories", TEXTS,
            "计为产业的项目类别(默认“产业发展”;有的县把“产业配套基础设施”等也计入)", county=True, label="产业类项目类别"),
    Setting("map.tile_url", TEXT,
            "底图瓦片地址(内网瓦片服务器);留空则不加载底图,保证不向外网发请求"),
    Setting("map.tile_attribution", TEXT, "底图版权说明,与 map.tile_url 一同使用"),
    Setting("map.simplify_tolerance_deg", NUMBER, "村界简化容差(度),越大地图越轻",
            unit="度", low=0, high=0.1),
    Setting("allocation.township_min_share", NUMBER, "资金推演:每个乡镇至少分得预算的比例(0-1),可在页面上逐乡镇修改",
            unit="比例", low=0, high=1),
    Setting("allocation.township_max_share", NUMBER, "资金推演:每个乡镇至多分得预算的比例(0-1),可在页面上逐乡镇修改",
            unit="比例", low=0, high=1),
    Setting("allocation.village_cap_ratio", NUMBER,
            "资金推演:每村资金上限为全县村均资金(预算 ÷ 村数)的该倍数;0 表示不设上限。页面上可改为万元数",
            unit="倍", low=0, high=100),
    Setting("allocation.key_village_min_ratio", NUMBER,
            "资金推演:每个重点帮扶村至少安排全县村均资金的该倍数。页面上可改为万元数",
            unit="倍", low=0, high=100),
    Setting("allocation.blend_risk_weight", NUMBER,
            "资金推演“两者加权”目标中“减少返贫致贫风险户”的权重(0-1),其余为“提高滞后村得分”",
            unit="比例", low=0, high=1),
    Setting("allocation.interval_level", NUMBER, "资金效果区间的置信水平(0-1),默认 0.95",
            unit="比例", low=0.5, high=0.999),
    Setting("allocation.max_share_change", NUMBER,
            "资金推演稳健方案:每个资金类别占比与上年相比最多增减多少(0-1),默认 0.10",
            unit="比例", low=0, high=1),
    Setting("allocation.uncertain_share_rise", NUMBER,
            "资金推演稳健方案:效果区间包含 0 的类别,占比最多比上年提高多少(0-1),默认 0(不提高)",
            unit="比例", low=0, high=1),
    Setting("allocation.village_max_change", NUMBER,
            "资金推演:每村资金与上年相比最多增减的比例(0-1,如 0.3 即 ±30%;只约束上年有资金的村);0 表示不设。页面上可改",
            unit="比例", low=0, high=1),
    Setting("allocation.management_fee_max_share", NUMBER,
            "资金推演:县级预留的“项目管理费”至多占中央衔接资金(funds.industry_sources 所列来源)的比例;"
            "依据《中央财政衔接推进乡村振兴补助资金管理办法》(财农〔2021〕19号)“不超过 1%”,以本省细则为准",
            unit="比例", low=0, high=0.1, county=True, label="项目管理费占比上限"),
    Setting("allocation.reserve_items", MATRIX,
            "资金推演:村级分配前在县级预留的项目及其项目类别,每行 [项目, 类别];默认 小额信贷贴息、雨露计划、"
            "公益岗位补助、项目管理费", county=True, label="县级预留项目及其类别"),
    Setting("allocation.factor_weights.poor_people", NUMBER, "因素法权重:脱贫人口",
            unit="权重", low=0),
    Setting("allocation.factor_weights.monitored", NUMBER, "因素法权重:未消除风险的监测户",
            unit="权重", low=0),
    Setting("allocation.factor_weights.income_gap", NUMBER, "因素法权重:收入差距(人口 × 全县人均纯收入 ÷ 本村人均纯收入)",
            unit="权重", low=0),
    Setting("allocation.factor_weights.key_village", NUMBER, "因素法权重:是否重点帮扶村",
            unit="权重", low=0),
    Setting("allocation.factor_weights.relocated", NUMBER, "因素法权重:易地搬迁户",
            unit="权重", low=0),
    Setting("auth.idle_timeout_minutes", INTEGER, "登录后无操作超过该分钟数,会话失效,需重新登录",
            unit="分钟", low=1, high=1440),
    Setting("auth.lockout_threshold", INTEGER, "同一用户名连续登录失败达到该次数后暂时锁定",
            unit="次", low=1, high=100),
    Setting("auth.lockout_minutes", INTEGER, "锁定时长(分钟);期间该用户名的登录一律拒绝,不校验密码",
            unit="分钟", low=1, high=1440),
    Setting("auth.backoff_base_seconds", NUMBER,
            "登录失败后的等待秒数,每多失败一次翻倍(第 n 次失败后须等待 基数×2^(n-1) 秒)",
            unit="秒", low=0, high=60),
    Setting("auth.backoff_max_seconds", NUMBER, "登录失败后等待时间的上限(秒)",
            unit="秒", low=0, high=3600),
    Setting("auth.password_min_length", INTEGER, "密码最少字符数",
            unit="字符", low=8, high=128),
    Setting("scoring.normalisation", TEXT, "五大振兴评分的默认标准化方法:minmax(最小-最大值)、zscore(标准分数)、target(距目标值)"),
    Setting("scoring.weights", TEXT, "五大振兴评分的默认赋权方法:equal(等权)、entropy(熵权法)、ahp(层次分析法)"),
    Setting("scoring.tier_names", TEXTS, "村庄分档名称,从高到低,例如 [\"领先\", \"达标\", \"滞后\"];比分界点多一个"),
    Setting("scoring.tier_cuts", NUMBERS, "分档分界点(综合得分 0-100,从高到低),得分 ≥ 第一个分界点为第一档,依此类推",
            unit="分", low=0, high=100),
    Setting("scoring.min_indicator_share", NUMBER,
            "缺失值规则:某村某维度有值指标的权重合计低于该维度权重的该比例(0-1)时,该维度得分记为缺失",
            unit="比例", low=0, high=1),
    Setting("scoring.ahp_matrix", MATRIX,
            "层次分析法的五维两两比较判断矩阵(顺序:产业兴旺、生态宜居、乡风文明、治理有效、生活富裕),"
            "可写 \"1/3\";一致性比率 CR ≥ 0.1 时拒绝使用"),
    Setting("scoring.robustness_draws", INTEGER, "排名稳健性分析的随机抽样次数(随机扰动权重并切换标准化方法)",
            unit="次", low=10, high=10000),
    Setting("scoring.robustness_weight_spread", NUMBER, "稳健性分析中每个权重乘以 U(1-该值, 1+该值) 后重新归一",
            unit="比例", low=0, high=0.99),
    Setting("scoring.robust_max_width", NUMBER, "排名 5%-95% 区间宽度超过参评村数的该比例时,标记为“排名不稳健”",
            unit="比例", low=0, high=1),
    Setting("poverty.k", NUMBER, "多维贫困(Alkire-Foster)识别临界值 k(0-1]:加权剥夺得分 ≥ k 的农户视为多维贫困;0.2 即任一维度被剥夺",
            unit="比例", low=0.01, high=1),
    Setting("poverty.weights.income", NUMBER, "多维贫困维度权重:收入(两不愁,人均纯收入低于当年监测标准为剥夺);各维度权重会归一",
            unit="权重", low=0),
    Setting("poverty.weights.housing", NUMBER, "多维贫困维度权重:住房安全有保障",
            unit="权重", low=0),
    Setting("poverty.weights.water", NUMBER, "多维贫困维度权重:饮水安全有保障",
            unit="权重", low=0),
    Setting("poverty.weights.education", NUMBER, "多维贫困维度权重:义务教育有保障",
            unit="权重", low=0),
    Setting("poverty.weights.medical", NUMBER, "多维贫困维度权重:基本医疗保险全员参保",
            unit="权重", low=0),
    Setting("risk.income_near_line_ratio", NUMBER,
            "规则预警:人均纯收入低于当年监测标准的该倍数即触发(收入接近或低于监测线)",
            unit="倍", low=0.5, high=3),
    Setting("risk.medical_share_former_poor", NUMBER,
            "规则预警:脱贫户年度合规自付医疗支出超过上年全省农村居民人均可支配收入的该比例即触发",
            unit="比例", low=0, high=5, county=True, label="脱贫户医疗支出预警比例"),
    Setting("risk.medical_share_others", NUMBER, "规则预警:其他农户医疗支出触发比例,含义同上",
            unit="比例", low=0, high=5, county=True, label="其他农户医疗支出预警比例"),
    Setting("risk.provincial_rural_income", BY_YEAR,
            "全省农村居民人均可支配收入(元),按统计年份;t 年的医疗支出比较用 t-1 年的数值",
            unit="元", low=1000, high=100000, county=True, label="全省农村居民人均可支配收入"),
    Setting("risk.workload", NUMBER, "入户核实工作量:按预测风险排在前该比例(0-1)的农户列入预警名单,基线规则截取同样户数",
            unit="比例", low=0.001, high=1),
    Setting("risk.high_risk_probability", NUMBER, "预测返贫概率达到该值即视为高风险户(监测页与地图)",
            unit="概率", low=0, high=1),
    Setting("risk.label_line_ratio", NUMBER, "返贫定义:次年人均纯收入低于次年监测标准的该倍数即算发生(默认 1)",
            unit="倍", low=0.5, high=3),
    Setting("risk.label_counts_identified", FLAG, "返贫定义:次年被识别为监测对象是否也算发生(true/false)"),
    Setting("risk.sample_above_rows", INTEGER,
            "返贫模型训练:有结果的户年超过该行数时,保留全部返贫户年并按比例抽取未返贫户年、以抽样率的倒数加权"
            "(King 与 Zeng 2001 的病例对照加权),使大县训练的内存有上限",
            unit="行", low=10_000),
    Setting("funds.disbursement_schedule", NUMBERS,
            "衔接资金支出进度要求:当年项目资金到 1-12 月各月末应累计支付的比例(12 个数,0-1);"
            "实施中项目低于截至月份的要求即标记“进度滞后”",
            unit="比例", low=0, high=1, county=True, label="资金支出序时进度"),
    Setting("funds.scale_flag_ratio", NUMBER,
            "项目资金超过所在村(或乡镇)其他年份年度资金中位数的该倍数时,标记“超出本村常规规模”",
            unit="倍", low=1, high=100),
    Setting("funds.lag_severity_points", NUMBERS,
            "项目督查分级:实施中项目的支付进度落后于序时进度(funds.disbursement_schedule)达到这三个百分点数时,"
            "依次为“一般”“较重”“严重”;落后不足第一个数的项目不列入督查",
            unit="百分点", low=0, high=100),
    Setting("funds.scale_severity_ratios", NUMBERS,
            "项目督查分级:超出本村常规规模(funds.scale_flag_ratio)的项目,资金达到常规规模的这两个倍数时"
            "依次为“较重”“严重”,不到第一个数为“一般”",
            unit="倍", low=1, high=100),
    Setting("relocation.employed_min_months", INTEGER,
            "易地搬迁户全户务工月数达到该值即视为“有人就业”;有劳动力而不足该值的搬迁户计入“无人就业户”(目标为 0)",
            unit="月", low=0, high=12),
    Setting("stress.extrapolation_change", NUMBER,
            "压力测试:某项收入或医疗支出的变化幅度超过该比例(0-1)即标为“外推”,模型未见过这么大的冲击",
            unit="比例", low=0, high=1),
    Setting("assessment.weights.scores", NUMBER, "乡镇考核权重:村庄五大振兴综合得分(乡镇内各村平均);各项权重会归一",
            unit="权重", low=0),
    Setting("assessment.weights.elimination", NUMBER, "乡镇考核权重:监测对象风险消除率",
            unit="权重", low=0),
    Setting("assessment.weights.identification", NUMBER,
            "乡镇考核权重:及时识别率(人均纯收入低于监测标准的农户中已纳入监测且风险未消除的比例)",
            unit="权重", low=0),
    Setting("assessment.weights.execution", NUMBER, "乡镇考核权重:衔接资金执行率(已支付 / 投入,不含储备项目)",
            unit="权重", low=0),
    Setting("assessment.weights.industry", NUMBER,
            "乡镇考核权重:产业发展资金占比达标程度(占比 / funds.industry_min_share,最高 100%)",
            unit="权重", low=0),
    Setting("assessment.flag_deduction", NUMBER,
            "乡镇考核:风险消除率中,每有一户消除被数据核查规则标记(消除过快、已消除但收入低于监测线、"
            "已消除但三保障/饮水未保障、无劳动力兜底户标记消除),扣减的百分点",
            unit="百分点", low=0, high=100),
    Setting("checks.min_months_to_eliminate", INTEGER,
            "数据核查“消除过快”:从识别监测到风险消除不足该月数(按 年×12+月 计)即标记;政策要求原则上不少于半年",
            unit="月", low=0, high=36),
    Setting("checks.measure_map", MATRIX,
            "数据核查“措施与风险不匹配”:每行第一项为风险类型,其后为对应的常规帮扶措施;"
            "未消除的监测户有该风险而没有其中任何一项措施即标记"),
    Setting("followup.overdue_days", INTEGER,
            "跟踪核实:预警名单导出后超过该天数仍未录入核实结果的农户列为“逾期未核实”", unit="天", low=1, high=365),
    Setting("privacy.township_sees_names", FLAG,
            "乡镇账户在本乡镇范围内查看入户核实名单时是否显示完整姓名(证件号码仍脱敏);每次查看记入审计日志"),
    Setting("import.max_file_mb", NUMBER,
            "导入时单个文件的大小上限(MB),超过即拒绝并提示按年度或乡镇拆分;检查 CSV 所需内存约为文件大小的 7 倍",
            unit="MB", low=1, high=2000),
    Setting("import.weak_labor_counts", FLAG,
            "导入人员信息时,劳动技能为“弱劳动力或半劳动力”的成员是否计入劳动力人数(默认否:只计技能劳动力和普通劳动力)"),
    Setting("audit.key_file", TEXT,
            "审计日志密钥文件的路径;空表示数据仓库目录下的 audit.key。应只有运行本系统的账户可读"),
    Setting("import.max_uncompressed_mb", NUMBER,
            "导入时 .xlsx 或压缩的 Shapefile 解压后的大小上限(MB):防止很小的文件解压出巨大的内容",
            unit="MB", low=1, high=20000),
    Setting("import.max_rows", INTEGER, "导入时一张工作表的行数上限(按文件中声明的范围和实际单元格计)",
            unit="行", low=1, high=1048576),
    Setting("import.max_columns", INTEGER, "导入时一张工作表的列数上限(按文件中声明的范围和实际单元格计)",
            unit="列", low=1, high=16384),
    Setting("import.reader_memory_mb", NUMBER,
            "读取导入文件的子进程可用的内存上限(MB);超过即中止读取并提示,服务器不受影响",
            unit="MB", low=500, high=65536),
    Setting("import.chunk_rows", INTEGER,
            "导入时每次检查的行数:大文件分块转换与检查,所需内存随块大小而不是文件大小增长",
            unit="行", low=1, high=10_000_000),
    Setting("import.max_cell_chars", INTEGER, "导入时一个单元格的字符数上限(Excel 单元格最多 32767 个字符)",
            unit="字符", low=1, high=32767),
    Setting("import.simplify_tolerance_deg", NUMBER,
            "导入村界时一次性简化的容差(度,约 1 度 = 100 公里);共用边界保持一致,0 表示不简化",
            unit="度", low=0, high=0.1),
    Setting("jobs.memory_mb", NUMBER,
            "数据管理页启动的导入和模型训练在子进程中运行,该子进程可用的内存上限(MB);超过即中止并提示,服务器不受影响",
            unit="MB", low=1000, high=262144),
    Setting("ledger.plan_start", INTEGER, "任务台账:方案执行期的第一个月(年月,如 202101);早于它的进展报告被拒绝",
            unit="年月", low=200001, high=209912, county=True, label="方案执行期起始月"),
    Setting("ledger.plan_end", INTEGER, "任务台账:方案执行期的最后一个月(年月);晚于它的进展报告与完成时限被拒绝",
            unit="年月", low=200001, high=209912, county=True, label="方案执行期结束月"),
    Setting("ledger.amber_behind_points", NUMBER,
            "任务台账:有完成时限的任务,报告进度落后按时间应达进度超过该百分点即为黄色",
            unit="百分点", low=0, high=100),
    Setting("ledger.red_behind_points", NUMBER, "任务台账:落后超过该百分点即为红色",
            unit="百分点", low=0, high=100),
    Setting("ledger.indicator_amber_gap", NUMBER,
            "任务台账:关联指标未达目标、但与目标相差不超过目标值的该比例(0-1)时为黄色,超过为红色",
            unit="比例", low=0, high=1),
    Setting("ledger.notice_reply_days", INTEGER, "督办单:牵头单位书面回复整改情况的期限(工作日)",
            unit="工作日", low=1, high=60),
)


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not all(str(k).isdigit() for k in value):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@lru_cache(maxsize=4)
def load(path: Path = SETTINGS_FILE) -> dict[str, Any]:
    """All settings as a flat mapping {"funds.industry_min_share": 0.55, ...}.

    Unknown or missing keys are refused, so a typo in the file cannot silently fall back.
    """
    with open(path, "rb") as fh:
        flat = _flatten(tomllib.load(fh))
    declared = {s.key for s in DECLARED}
    unknown, missing = set(flat) - declared, declared - set(flat)
    if unknown or missing:
        raise SettingsError(
            f"设置文件 {path} 与声明不符:未声明的键 {sorted(unknown)},缺少的键 {sorted(missing)}"
        )
    for setting in DECLARED:
        setting.check(flat[setting.key])
    return flat


BY_KEY: dict[str, Setting] = {s.key: s for s in DECLARED}


def label(key: str) -> str:
    """A setting's short Chinese name for pages outside the admin and model pages (the key where none)."""
    found = BY_KEY.get(key)
    return found.label if found is not None and found.label else key


_overlay: dict[str, Any] = {}  # the county's own values, over the shipped defaults (see `use`)


def use(values: dict[str, Any]) -> None:
    """Put a county's own values (kept in its store, set on the 系统设置 page) over the shipped
    defaults: app.py and the command line call this with the store's values before anything
    reads a setting. Keys no longer declared are ignored; a value of the wrong kind is refused."""
    checked = {key: value for key, value in values.items() if key in BY_KEY}
    for key, value in checked.items():
        BY_KEY[key].check(value)
    global _overlay
    _overlay = checked


def in_force() -> dict[str, Any]:
    """Every setting as it applies now: the county's values over the shipped defaults."""
    return {**load(), **_overlay}


def get(key: str) -> Any:
    """The raw value of a declared setting (use the typed readers below where they fit)."""
    return _overlay[key] if key in _overlay else load()[key]


def _typed(key: str, kind: Kind) -> Any:
    if BY_KEY[key].kind is not kind:
        raise TypeError(f"{key} is declared as {BY_KEY[key].kind.name}, not {kind.name}")
    return get(key)


def number(key: str) -> float:
    return float(_typed(key, NUMBER))


def integer(key: str) -> int:
    return int(_typed(key, INTEGER))


def text(key: str) -> str:
    return str(_typed(key, TEXT))


def flag(key: str) -> bool:
    return bool(_typed(key, FLAG))


def numbers(key: str) -> tuple[float, ...]:
    return tuple(float(v) for v in _typed(key, NUMBERS))


def texts(key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in _typed(key, TEXTS))


def by_year(key: str) -> dict[int, float]:
    return {int(k): float(v) for k, v in _typed(key, BY_YEAR).items()}


def matrix(key: str) -> list[list[Any]]:
    return [list(row) for row in _typed(key, MATRIX)]
