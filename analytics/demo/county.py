"""The deterministic demo county 岚溪县 (fictional: the place, the codes and the people).

Every table of the data contract is generated for 2021-2025 from one seed. The data has a
known causal structure, so that the risk model and the fund planner have real signal to find
and the tests know the truth:

Villages
- Each village has a latent development level. Mountain villages (山区) develop less; the
  least developed third are 脱贫村, the least developed of those 重点帮扶村. A few villages
  near township seats are 易地搬迁安置点 and hold most relocated households.

Funds move village indicators, with diminishing returns and a one-year lag
- Funds of category c in village v and year t enter as x = log(1 + funds per household in
  thousands of yuan). The change of indicator i from t to t+1 is
  drift_i + sum_c TRUE_EFFECTS[c][i] * x_c(t) + noise. Funds are drawn at random around a
  need-based level, so their effect is identifiable from the history.
- 产业发展 funds also raise household business income in t+1 (BUSINESS_EFFECT per unit x),
  就业帮扶 and 易地搬迁后扶 funds raise migrant-work months in t+1 (WORK_EFFECT), and 巩固三保障
  and 乡村建设 funds raise the chance that an unmet guarantee is fixed in t+1.

Shocks drive relapse; their chances are visible in year t-1
- Serious illness: more likely with chronic illness, old age and disability. It adds large
  out-of-pocket medical spending and halves migrant work that year.
- Natural disaster: a village-wide event, more frequent in mountains; cuts business income
  and may make a house unsafe.
- Accident: rare, medical spending and lost work.
- Job loss: more likely for households whose migrant work already fell the year before and
  for less educated heads.
- Failure of a household's industry project: more likely in mountain villages.

Protection
- Labour, the head's education, migrant work and the village's development raise income.
- Assistance measures given at identification raise the next year's income (industry,
  employment, public-welfare jobs, social protection) or cut medical spending (health).

Monitoring (防止返贫动态监测)
- A household whose per-capita net income falls below the monitoring line, or that has a
  shock with large medical spending, qualifies. Only IDENTIFY_RATE of qualifying households
  are identified in the same year: not every household at risk is found in time.
- Monitored households with income well above the line, labour, and all guarantees met are
  eliminated with a chance; households without labour (兜底) are not eliminated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.data import aggregates
from analytics.data import county as identity
from analytics.data.contract import (
    ASSISTANCE_MEASURES,
    EDUCATION_LEVELS,
    HOUSEHOLDS,
    MONITORING_CATEGORIES,
    PROJECT_CATEGORIES,
    RISK_TYPES,
    TERRAINS,
    id_check_digit,
)
from analytics.data.funds import fund_intensity
from analytics.data.store import Store
from analytics.demo import geography

YEARS = tuple(range(2021, 2026))
MONITORING_LINES = {2021: 6000.0, 2022: 6600.0, 2023: 7100.0, 2024: 7600.0, 2025: 8000.0}
COUNTY_CODE = "990121"  # province code 99 does not exist: clearly fictional
NAME, PROVINCE = "岚溪县", "示范省"
N_TOWNSHIPS = 16
N_VILLAGES = 220
IDENTIFY_RATE = 0.7

# Effect on indicator change in t+1 per unit of x = log(1 + thousand yuan per household).
TRUE_EFFECTS: dict[str, dict[str, float]] = {
    "产业发展": {"IND01": 3.0, "IND02": 0.8, "IND03": 5.0},
    "乡村建设": {"ECO01": 6.0, "ECO02": 5.0, "ECO03": 4.0, "ECO04": 1.5},
    "公共服务": {"CUL01": 6.0, "CUL04": 2.0, "GOV03": 2.5},
    "乡村治理": {"GOV01": 6.0, "GOV02": 3.0, "GOV04": 1.5, "CUL02": 3.0, "CUL05": 5.0},
    "巩固三保障": {},
    "就业帮扶": {},
    "易地搬迁后扶": {},
    "其他": {},
}
BUSINESS_EFFECT = 0.10  # business income x (1 + 0.10 x) in t+1
WORK_EFFECT = 0.9  # migrant months per labourer + 0.9 x in t+1
FIX_EFFECT = 0.15  # chance to fix an unmet guarantee + 0.15 x in t+1

# Simulated indicators: 2021 level = base + slope * development + noise; then yearly drift.
_SIMULATED = {  # code: (base, slope, noise, drift, lower, upper)
    "IND01": (8.0, 5.0, 3.0, 0.6, 0.0, 200.0),
    "IND02": (3.0, 1.5, 1.2, 0.2, 0.0, 60.0),
    "IND03": (45.0, 12.0, 8.0, 1.0, 0.0, 100.0),
    "ECO01": (62.0, 10.0, 8.0, 1.5, 0.0, 100.0),
    "ECO02": (70.0, 9.0, 8.0, 1.5, 0.0, 100.0),
    "ECO03": (25.0, 10.0, 8.0, 1.0, 0.0, 100.0),
    "ECO04": (24.0, 4.0, 5.0, 0.4, 0.0, 100.0),
    "ECO05": (65.0, 7.0, 7.0, 1.5, 0.0, 100.0),
    "CUL01": (78.0, 8.0, 8.0, 1.5, 0.0, 100.0),
    "CUL02": (28.0, 8.0, 6.0, 1.0, 0.0, 100.0),
    "CUL04": (6.0, 2.0, 2.0, 0.3, 0.0, 60.0),
    "CUL05": (60.0, 10.0, 10.0, 2.0, 0.0, 100.0),
    "GOV01": (55.0, 12.0, 10.0, 2.0, 0.0, 100.0),
    "GOV02": (72.0, 6.0, 6.0, 0.8, 0.0, 100.0),
    "GOV03": (85.0, 4.0, 4.0, 0.6, 0.0, 100.0),
    "GOV04": (90.0, 3.0, 3.0, 0.4, 0.0, 100.0),
    "GOV05": (80.0, 5.0, 5.0, 0.8, 0.0, 100.0),
    "LIV05": (36.0, -3.0, 2.5, -0.6, 15.0, 70.0),
}
_FUND_BASE_WAN = {  # mean funds per village-year for a village of 360 households
    "产业发展": 34.0, "就业帮扶": 4.0, "乡村建设": 14.0, "公共服务": 3.5,
    "易地搬迁后扶": 30.0, "巩固三保障": 3.5, "乡村治理": 1.8, "其他": 1.0,
}
_FUND_CHANCE = {
    "产业发展": 0.8, "就业帮扶": 0.5, "乡村建设": 0.6, "公共服务": 0.35,
    "易地搬迁后扶": 1.0, "巩固三保障": 0.4, "乡村治理": 0.3, "其他": 0.15,
}
_PROJECT_NAMES = {
    "产业发展": ("茶叶种植基地", "食用菌大棚", "肉牛养殖场", "中药材种植", "农产品冷链仓储", "精品水果园"),
    "就业帮扶": ("就业帮扶车间", "劳务输出补助", "公益岗位补助", "技能培训"),
    "乡村建设": ("通组路硬化", "人饮巩固提升工程", "人居环境整治", "农村厕所改造", "村内道路亮化"),
    "公共服务": ("村综合文化服务中心", "村卫生室改造", "幼儿园改扩建"),
    "易地搬迁后扶": ("安置点扶贫车间", "安置社区配套设施", "搬迁群众技能培训"),
    "巩固三保障": ("农村危房改造", "饮水安全巩固", "控辍保学资助"),
    "乡村治理": ("新时代文明实践站", "村规民约宣传", "积分制管理"),
    "其他": ("项目管理费", "小额信贷贴息"),
}
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林梁郑谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢龙")
_GIVEN = list("华明国建军平志红英芳秀兰桂珍文云海玉福生德成永春金荣贵强勇兴富顺安祥世光")
_TOWN_NAMES = ("城关镇", "石门镇", "龙泉镇", "白岩镇", "青岗乡", "河坝镇", "松林乡", "大坪镇",
               "新场镇", "高峰乡", "柳溪镇", "马场乡", "双河镇", "桃源乡", "云雾镇", "长坡乡",
               "茶园乡", "凤凰镇", "金竹乡", "岩脚镇")
_VILLAGE_PARTS = (list("上下大小新老东西南北高前后中"),
                  list("寨坪湾坝沟岭坡塘田庄岩冲湾桥溪林山坳"))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _village_names(n: int, rng: np.random.Generator) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(_VILLAGE_PARTS[0]) + rng.choice(_GIVEN) + rng.choice(_VILLAGE_PARTS[1]) + "村"
        if name not in names:
            names.append(name)
    return names


def _geography(rng: np.random.Generator, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    shape = geography.outline(rng)
    cells = geography.villages(shape, N_VILLAGES, rng)
    labels = geography.township_labels(cells, N_TOWNSHIPS, seed)
    # Number townships from north-west to south-east so codes read like a real county's.
    centres = cells.groupby(labels)[["x", "y"]].mean()
    order = (-centres["y"] * 2 + centres["x"]).rank(method="first").astype(int) - 1
    cells["town"] = order.loc[labels].to_numpy()
    cells = cells.sort_values(["town", "y", "x"], ascending=[True, False, True]).reset_index(drop=True)
    townships = pd.DataFrame({
        "township_code": [f"{COUNTY_CODE}{100 + i:03d}" for i in range(N_TOWNSHIPS)],
        "township_name": list(_TOWN_NAMES[:N_TOWNSHIPS]),
    })
    seq = cells.groupby("town").cumcount() + 201
    cells["village_code"] = [f"{COUNTY_CODE}{100 + t:03d}{s:03d}" for t, s in zip(cells["town"], seq)]
    cells["township_code"] = [f"{COUNTY_CODE}{100 + t:03d}" for t in cells["town"]]
    return townships, cells, shape


def _villages(cells: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    # Mountains in the south and west: elevation proxy from position plus noise.
    x = (cells["x"] - geography.CENTER[0]) / geography.RADIUS[0]
    y = (cells["y"] - geography.CENTER[1]) / geography.RADIUS[1]
    elevation = -0.6 * x - 0.5 * y + rng.normal(0, 0.45, len(cells))
    terrain = np.where(elevation > 0.35, TERRAINS[0], np.where(elevation > -0.45, TERRAINS[1], TERRAINS[2]))
    development = -0.7 * elevation + rng.normal(0, 0.6, len(cells))
    development = (development - development.mean()) / development.std()
    former_poor = development <= np.quantile(development, 0.36)
    key = former_poor & (development <= np.quantile(development, 0.09))
    # Resettlement sites: one of the most developed villages in every second township.
    site = np.zeros(len(cells), bool)
    for town in range(0, N_TOWNSHIPS, 2):
        members = np.flatnonzero(cells["town"].to_numpy() == town)
        site[members[np.argmax(development[members])]] = True
    return pd.DataFrame({
        "village_code": cells["village_code"],
        "village_name": _village_names(len(cells), rng),
        "township_code": cells["township_code"],
        "is_former_poor_village": former_poor,
        "is_key_village": key,
        "is_relocation_site": site,
        "terrain": pd.Categorical(terrain, categories=TERRAINS),
        "development": development,
    })


def _funds(villages: pd.DataFrame, sizes: np.ndarray, rng: np.random.Generator,
           years: tuple[int, ...]) -> np.ndarray:
    """funds[v, t, c] in 万元, random around a need-based level so effects are identifiable."""
    need = 1.0 + 1.1 * villages["is_former_poor_village"].to_numpy() + 0.9 * villages["is_key_village"].to_numpy()
    scale = need * sizes / 360.0
    out = np.zeros((len(villages), len(years), len(PROJECT_CATEGORIES)))
    for c, cat in enumerate(PROJECT_CATEGORIES):
        eligible = villages["is_relocation_site"].to_numpy() if cat == "易地搬迁后扶" else np.ones(len(villages), bool)
        drawn = rng.random((len(villages), len(years))) < _FUND_CHANCE[cat]
        amount = _FUND_BASE_WAN[cat] * scale[:, None] * rng.lognormal(-0.3, 0.75, (len(villages), len(years)))
        out[:, :, c] = np.round(np.where(drawn & eligible[:, None], amount, 0.0), 1)
    return out


def _indicator_panel(villages: pd.DataFrame, x: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Simulated (not household-derived) indicators with the true fund effects."""
    dev = villages["development"].to_numpy()
    rows = []
    cat_index = {c: i for i, c in enumerate(PROJECT_CATEGORIES)}
    for code, (base, slope, noise, drift, lo, hi) in _SIMULATED.items():
        level = np.clip(base + slope * dev + rng.normal(0, noise, len(dev)), lo, hi)
        for t, year in enumerate(YEARS):
            if t > 0:
                effect = sum(beta * x[:, t - 1, cat_index[cat]]
                             for cat, betas in TRUE_EFFECTS.items() for ind, beta in betas.items() if ind == code)
                level = np.clip(level + drift + effect + rng.normal(0, noise * 0.25, len(dev)), lo, hi)
            rows.append(pd.DataFrame({"village_code": villages["village_code"], "year": year,
                                      "indicator_code": code, "value": np.round(level, 2)}))
    return pd.concat(rows, ignore_index=True)


def _projects(villages: pd.DataFrame, townships: pd.DataFrame, funds: np.ndarray,
              rng: np.random.Generator) -> pd.DataFrame:
    v_idx, t_idx, c_idx = np.nonzero(funds)
    years = np.array(YEARS + (YEARS[-1] + 1,))[t_idx]
    cats = np.array(PROJECT_CATEGORIES)[c_idx]
    amount = funds[v_idx, t_idx, c_idx]
    frame = pd.DataFrame({
        "year": years,
        "village_code": villages["village_code"].to_numpy()[v_idx],
        "category": cats,
        "funds_wan": amount,
    })
    # Township-wide employment training, coded with the township code.
    town_rows = pd.DataFrame({
        "year": np.repeat(YEARS, len(townships)),
        "village_code": np.tile(townships["township_code"].to_numpy(), len(YEARS)),
        "category": "就业帮扶",
        "funds_wan": np.round(rng.uniform(15, 45, len(YEARS) * len(townships)), 1),
    })
    frame = pd.concat([frame, town_rows], ignore_index=True).sort_values(["year", "village_code"], kind="stable")
    names = dict(zip(villages["village_code"], villages["village_name"]))
    names.update(zip(townships["township_code"], townships["township_name"]))
    frame["project_name"] = [
        f"{names[v]}{rng.choice(_PROJECT_NAMES[c])}" for v, c in zip(frame["village_code"], frame["category"])
    ]
    last = YEARS[-1]
    status = np.where(frame["year"] < last, "已完工",
                      np.where(frame["year"] == last, np.where(rng.random(len(frame)) < 0.45, "已完工", "实施中"), "储备"))
    paid = np.where(status == "已完工", rng.uniform(0.96, 1.0, len(frame)),
                    np.where(status == "实施中", rng.uniform(0.1, 0.9, len(frame)), 0.0))
    frame["status"] = status
    frame["disbursed_wan"] = np.round(frame["funds_wan"] * paid, 1)
    frame["fund_source"] = rng.choice(["中央衔接资金", "省级衔接资金", "县级衔接资金"], len(frame), p=[0.6, 0.25, 0.15])
    frame["beneficiary_households"] = np.maximum(1, (frame["funds_wan"] * rng.uniform(1.0, 4.0, len(frame)))).astype(int)
    frame["project_id"] = [f"XM{y}{i:05d}" for i, y in enumerate(frame["year"], start=1)]
    cols = ["project_id", "year", "village_code", "project_name", "category", "funds_wan",
            "fund_source", "disbursed_wan", "status", "beneficiary_households"]
    return _project_library(frame[cols].reset_index(drop=True), townships, names, rng)


def _project_library(frame: pd.DataFrame, townships: pd.DataFrame, names: dict[str, str],
                     rng: np.random.Generator) -> pd.DataFrame:
    """The plan year's 项目库 as a county keeps it: each village's 储备 funds of a category split
    into one to three projects (their sums, the pool per village and category, unchanged), one or
    two township-wide 储备 projects per township (9-digit code), and 续建: about a third of last
    year's projects under way continue with a second-year amount (status 实施中 in the plan year).
    Drawn after every other draw of the county, so nothing else changes."""
    plan_year = YEARS[-1] + 1
    past, pool = frame[frame["year"] < plan_year], frame[frame["year"] == plan_year]
    parts = 1 + rng.binomial(2, 0.3, len(pool))
    split = pool.loc[pool.index.repeat(parts)].reset_index(drop=True)
    shares = np.concatenate([rng.dirichlet(np.full(k, 2.0)) for k in parts])
    split["funds_wan"] = np.round(split["funds_wan"].to_numpy() * shares, 1)
    first = np.r_[0, np.cumsum(parts)[:-1]]  # the first piece takes the rounding rest
    split.loc[first, "funds_wan"] = (pool["funds_wan"].to_numpy()
                                     - split.groupby(np.repeat(np.arange(len(pool)), parts))["funds_wan"].sum().to_numpy()
                                     + split.loc[first, "funds_wan"].to_numpy()).round(1)
    piece = np.concatenate([np.arange(k) for k in parts])
    split["project_name"] = [name if i == 0 else f"{names[v]}{rng.choice(_PROJECT_NAMES[c])}"
                             for name, v, c, i in zip(split["project_name"], split["village_code"],
                                                      split["category"], piece)]
    again = split.groupby(["village_code", "project_name"]).cumcount().to_numpy()
    split["project_name"] += np.array(["", "(二期)", "(三期)"])[again]
    towns = townships.loc[townships.index.repeat(1 + rng.binomial(1, 0.5, len(townships)))]
    town_cats = rng.choice(["就业帮扶", "乡村建设", "产业发展"], len(towns), p=[0.5, 0.3, 0.2])
    town_rows = pd.DataFrame({
        "year": plan_year, "village_code": towns["township_code"].to_numpy(), "category": town_cats,
        "project_name": [f"{n}{rng.choice(_PROJECT_NAMES[c])}" for n, c in zip(towns["township_name"], town_cats)],
        "funds_wan": np.round(rng.uniform(15, 60, len(towns)), 1), "status": "储备",
        "fund_source": rng.choice(["中央衔接资金", "省级衔接资金", "县级衔接资金"], len(towns), p=[0.6, 0.25, 0.15]),
    })
    under_way = past[(past["year"] == YEARS[-1]) & (past["status"] == "实施中")]
    going_on = under_way[rng.random(len(under_way)) < 0.35]
    going_on = going_on.assign(year=plan_year, project_name=going_on["project_name"] + "(续建)",
                               funds_wan=np.round(going_on["funds_wan"] * rng.uniform(0.3, 0.6, len(going_on)), 1))
    library = pd.concat([split, town_rows, going_on], ignore_index=True)
    library["disbursed_wan"] = 0.0
    library["beneficiary_households"] = np.maximum(
        1, library["funds_wan"] * rng.uniform(1.0, 4.0, len(library))).astype(int)
    library = library.sort_values(["village_code", "category"], kind="stable", ignore_index=True)
    library["project_id"] = [f"XM{plan_year}{i:05d}" for i in range(len(past) + 1, len(past) + len(library) + 1)]
    return pd.concat([past, library[frame.columns]], ignore_index=True)


def household_ids(village_codes: np.ndarray, village: np.ndarray) -> np.ndarray:
    """户编号: the village code and a serial within the village, for households sorted by village.
    Four digits, widened for every household when a village has 10,000 or more (a prefecture-sized
    demo does), so that no two households share a code."""
    serial = np.arange(len(village)) - np.searchsorted(village, village) + 1
    width = max(4, len(str(int(serial.max())))) if len(serial) else 4
    return np.char.add(village_codes.astype(str), np.char.zfill(serial.astype(str), width))


def _people(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Head names and valid 18-digit ID numbers (fictional county code, correct check digit)."""
    surname = rng.choice(_SURNAMES, n)
    given = rng.choice(_GIVEN, (n, 2))
    two = rng.random(n) < 0.7
    names = np.char.add(np.char.add(surname, given[:, 0]), np.where(two, given[:, 1], ""))
    birth = pd.Timestamp("1941-01-01") + pd.to_timedelta(rng.integers(0, 365 * 55, n), unit="D")
    seq = rng.integers(0, 1000, n)
    first17 = [f"{COUNTY_CODE}{b:%Y%m%d}{s:03d}" for b, s in zip(birth, seq)]
    ids = np.array([f + id_check_digit(f) for f in first17])
    return names, ids


class _Households:
    """The household panel, simulated one year at a time (so 1,000,000 households fit)."""

    def __init__(self, villages: pd.DataFrame, n: int, rng: np.random.Generator) -> None:
        self.rng = rng
        nv = len(villages)
        weights = rng.lognormal(0, 0.35, nv) * np.where(villages["is_relocation_site"], 2.2, 1.0)
        village = rng.choice(nv, n, p=weights / weights.sum())
        village.sort(kind="stable")
        self.village = village
        v = villages.iloc[village]
        self.village_code = v["village_code"].to_numpy()
        self.dev = v["development"].to_numpy()
        self.mountain = (v["terrain"] == TERRAINS[0]).to_numpy()
        former_poor_village = v["is_former_poor_village"].to_numpy()
        site = v["is_relocation_site"].to_numpy()
        self.relocated = site & (rng.random(n) < 0.55)
        self.poor = self.relocated | (rng.random(n) < np.where(former_poor_village, 0.32, 0.11))
        self.size = np.clip(1 + rng.poisson(np.where(self.poor, 2.6, 2.2)), 1, 9)
        self.elderly = np.minimum(self.size, rng.binomial(2, np.where(self.size <= 2, 0.45, 0.2)))
        room = self.size - self.elderly
        self.students = np.minimum(room, rng.binomial(2, 0.3, n) * (room >= 2))
        self.labor = np.maximum(0, room - self.students - rng.binomial(1, 0.15, n) * (room - self.students > 1))
        self.education = np.clip(np.round(1.6 + 0.35 * self.dev - 0.4 * self.poor + rng.normal(0, 0.9, n)), 0, 4).astype(int)
        self.chronic = np.minimum(self.size, rng.binomial(1 + self.elderly, 0.16 + 0.05 * self.poor))
        self.disabled = np.minimum(self.size, rng.binomial(1, 0.05 + 0.04 * self.poor, n))
        self.job_attach = rng.lognormal(0, 0.35, n)
        self.family_support = rng.lognormal(np.log(3800), 0.5, n)  # 赡养费 from children
        self.biz_base = rng.lognormal(np.log(7000), 0.55, n) * (self.labor > 0) + 1500
        self.months = np.minimum(12.0 * self.labor, self.labor * (3.5 + 1.1 * self.education) * self.job_attach)
        self.months_prev = self.months.copy()
        self.tekun = (self.size == 1) & (self.labor == 0) & (rng.random(n) < 0.6)
        self.dibao = self.tekun | ((self.labor == 0) & self.poor & (rng.random(n) < 0.7))
        self.guarantee = {
            "housing_safe": rng.random(n) > 0.004 + 0.006 * self.poor,
            "drinking_water_safe": rng.random(n) > 0.002 + 0.012 * self.mountain,
            "compulsory_education_ok": ~((self.students > 0) & (rng.random(n) < 0.008)),
            "medical_insured_all": rng.random(n) > 0.005,
        }
        self.category = np.zeros(n, np.int8)  # 0 = not monitored, 1..3 = MONITORING_CATEGORIES
        self.start = np.zeros(n, np.int32)  # YYYYMM
        self.eliminated = np.zeros(n, bool)
        self.method = np.zeros(n, np.int8)  # 0 none, 1 帮扶消除, 2 自然消除
        self.eliminated_at = np.zeros(n, np.int32)
        self.risks = np.zeros((n, len(RISK_TYPES)), bool)
        self.measures = np.zeros((n, len(ASSISTANCE_MEASURES)), bool)
        self.missed = np.zeros(n, bool)
        self.names, self.ids = _people(n, rng)
        self.household_id = household_ids(self.village_code, village)

    def year(self, t: int, year: int, x: np.ndarray, line: float) -> pd.DataFrame:
        rng, n = self.rng, len(self.village)
        cat = {c: i for i, c in enumerate(PROJECT_CATEGORIES)}
        xv = x[self.village, t - 1, :] if t > 0 else np.zeros((n, len(PROJECT_CATEGORIES)))
        growth = 1.065 ** t
        unresolved = (self.category > 0) & ~self.eliminated
        measure = {m: self.measures[:, i] & unresolved for i, m in enumerate(ASSISTANCE_MEASURES)}

        # Chronic illness accumulates; shocks drawn with chances known a year ahead.
        self.chronic = np.minimum(self.size, self.chronic + (rng.random(n) < 0.015 * (1 + self.elderly)))
        serious = rng.random(n) < _sigmoid(-4.6 + 1.4 * self.chronic + 0.35 * self.elderly + 0.4 * self.disabled)
        village_disaster = rng.random(x.shape[0]) < np.where(
            np.bincount(self.village, self.mountain, minlength=x.shape[0]) > 0, 0.12, 0.05)
        disaster = village_disaster[self.village] & (rng.random(n) < 0.35)
        accident = rng.random(n) < 0.007
        fell = self.months_prev - self.months > 1.5
        job_loss = (self.months > 0) & (rng.random(n) < _sigmoid(-2.9 + 1.4 * fell - 0.3 * self.education))
        project_fail = (self.biz_base > 9000) & (rng.random(n) < 0.012 + 0.025 * self.mountain)

        # Migrant work: persistent, lifted by employment funds and measures, cut by shocks.
        target = self.labor * (3.5 + 1.1 * self.education) * self.job_attach
        target = target + self.labor * WORK_EFFECT * (xv[:, cat["就业帮扶"]] + xv[:, cat["易地搬迁后扶"]] * self.relocated)
        target = target + 2.5 * self.labor * measure["就业帮扶"]
        months = 0.6 * self.months + 0.4 * target + rng.normal(0, 0.8, n) * (self.labor > 0)
        months = np.where(job_loss, months * 0.25, months)
        months = np.where(serious | accident, months * 0.5, months)
        months = np.clip(months, 0, 12.0 * self.labor)
        self.months_prev, self.months = self.months, months

        wage = (months * (2600 + 380 * self.education) + self.labor * 4200 * rng.uniform(0.5, 1.0, n)) * growth
        wage += 6000 * measure["公益岗位帮扶"]
        business = self.biz_base * (1 + 0.22 * self.dev) * growth * rng.lognormal(0, 0.2, n)
        business *= 1 + BUSINESS_EFFECT * xv[:, cat["产业发展"]]
        business += 2500 * measure["产业帮扶"] + 1200 * measure["金融帮扶"]
        business = np.where(disaster, business * 0.35, business)
        expense = np.round(0.3 * business, 0)
        business = np.where(project_fail, -0.4 * self.biz_base, business)
        prop = np.round(rng.lognormal(np.log(350), 0.6, n), 0)
        self.dibao = self.dibao | measure["综合保障"]
        transfer = self.elderly * (2000 + self.family_support) * growth + self.dibao * 4200 * self.size + self.tekun * 6000
        transfer += 500 * self.poor + 400 * self.students
        medical = 120 * self.chronic + 60 * self.size + rng.exponential(150, n)
        medical += serious * rng.lognormal(np.log(14000), 0.6, n) + accident * rng.lognormal(np.log(9000), 0.5, n)
        medical *= np.where(self.guarantee["medical_insured_all"], 1.0, 1.8)
        medical *= np.where(measure["健康帮扶"], 0.5, 1.0)
        wage, business, transfer = np.round(wage, 0), np.round(business, 0), np.round(transfer, 0)
        net = wage + business + prop + transfer - expense
        pcni = np.round(net / self.size, 2)

        self._guarantees(xv, cat, disaster)
        self._monitor(year, pcni, line, medical, serious, disaster, accident, job_loss, project_fail)
        return self._frame(year, wage, business, prop, transfer, expense, pcni, medical, months)

    def _guarantees(self, xv: np.ndarray, cat: dict[str, int], disaster: np.ndarray) -> None:
        rng, n = self.rng, len(self.village)
        fix = 0.45 + FIX_EFFECT * (xv[:, cat["巩固三保障"]] + 0.5 * xv[:, cat["乡村建设"]])
        new = {"housing_safe": disaster * 0.03, "drinking_water_safe": 0.0005 + 0.001 * self.mountain,
               "compulsory_education_ok": 0.0005 * (self.students > 0), "medical_insured_all": 0.0008}
        for name, ok in self.guarantee.items():
            fixed = ~ok & (rng.random(n) < fix)
            broken = ok & (rng.random(n) < new[name])
            self.guarantee[name] = (ok | fixed) & ~broken

    def _monitor(self, year: int, pcni: np.ndarray, line: float, medical: np.ndarray,
                 serious: np.ndarray, disaster: np.ndarray, accident: np.ndarray,
                 job_loss: np.ndarray, project_fail: np.ndarray) -> None:
        rng, n = self.rng, len(self.village)
        month = rng.integers(1, 13, n)
        unresolved = (self.category > 0) & ~self.eliminated
        guarantees_ok = np.logical_and.reduce(list(self.guarantee.values()))
        # Elimination of households identified in an earlier year.
        older = unresolved & (self.start // 100 < year)
        can = older & (pcni >= 1.15 * line) & (self.labor > 0) & guarantees_ok
        elim = can & (rng.random(n) < 0.75)
        early = elim & (rng.random(n) < 0.02)  # a few eliminated too soon: a data-quality flag
        start_months = (self.start // 100) * 12 + self.start % 100 - 1
        at_months = np.maximum(start_months + np.where(early, 3, 6) + rng.integers(0, 6, n), (year * 12) + month - 1 - 11)
        at_months = np.maximum(at_months, year * 12)
        at_months = np.minimum(at_months, year * 12 + 11)
        self.eliminated |= elim
        self.eliminated_at = np.where(elim, (at_months // 12) * 100 + at_months % 12 + 1, self.eliminated_at)
        helped = self.measures.any(axis=1) & (rng.random(n) < 0.9)
        self.method = np.where(elim, np.where(helped, 1, 2), self.method).astype(np.int8)

        # Identification of households not under unresolved monitoring.
        heavy_spending = medical > 0.5 * np.maximum(pcni * self.size, 1)
        shock = serious | disaster | accident | job_loss | project_fail
        below = pcni < line
        qualifies = ~unresolved & ~elim & (below | (shock & heavy_spending) | (pcni < 1.08 * line) & (rng.random(n) < 0.05))
        chance = np.where(self.missed, 0.85, IDENTIFY_RATE)
        found = qualifies & (rng.random(n) < chance)
        self.missed = qualifies & ~found
        category = np.where(below | (pcni < 1.08 * line), np.where(self.poor, 1, 2), 3)
        self.category = np.where(found, category, self.category).astype(np.int8)
        self.start = np.where(found, year * 100 + month, self.start)
        self.eliminated &= ~found
        self.method = np.where(found, 0, self.method).astype(np.int8)
        self.eliminated_at = np.where(found, 0, self.eliminated_at)
        risk = np.column_stack([
            serious | (self.chronic > 0) & below,  # 因病
            (self.disabled > 0) & below,  # 因残
            (self.students >= 2) & below,  # 因学
            disaster,  # 因自然灾害
            accident,  # 因意外事故
            self.labor == 0,  # 因缺劳动力
            project_fail,  # 因产业项目失败
            job_loss,  # 因务工就业不稳
            np.zeros(n, bool),  # 其他
        ])
        risk[:, -1] = ~risk[:, :-1].any(axis=1)
        self.risks = np.where(found[:, None], risk, self.risks)
        m = {name: i for i, name in enumerate(ASSISTANCE_MEASURES)}
        measures = np.zeros_like(self.measures)
        has_labor = self.labor > 0
        measures[:, m["健康帮扶"]] = risk[:, 0]
        measures[:, m["综合保障"]] = ~has_labor | risk[:, 1]
        measures[:, m["就业帮扶"]] = has_labor & (risk[:, 7] | (rng.random(n) < 0.4))
        measures[:, m["产业帮扶"]] = has_labor & (risk[:, 3] | risk[:, 6] | (rng.random(n) < 0.5))
        measures[:, m["公益岗位帮扶"]] = has_labor & (self.months < 2) & (rng.random(n) < 0.4)
        measures[:, m["金融帮扶"]] = has_labor & (rng.random(n) < 0.15)
        measures[:, m["义务教育保障"]] = risk[:, 2]
        measures[:, m["住房安全保障"]] = risk[:, 3] & ~self.guarantee["housing_safe"]
        self.measures = np.where(found[:, None], measures, self.measures)

    def _frame(self, year: int, wage, business, prop, transfer, expense, pcni, medical, months) -> pd.DataFrame:
        monitored = self.category > 0
        cats = np.array([None, *MONITORING_CATEGORIES], dtype=object)[self.category]
        methods = np.array([None, "帮扶消除", "自然消除"], dtype=object)[self.method]
        frame = pd.DataFrame({
            "year": year,
            "household_id": self.household_id,
            "village_code": self.village_code,
            "head_name": self.names,
            "head_id_number": self.ids,
            "household_type": np.where(self.poor, "脱贫户", "一般农户"),
            "monitoring_category": cats,
            "monitoring_start": np.where(monitored, self.start.astype(str), None),
            "risk_eliminated": pd.array(np.where(monitored, self.eliminated, None), dtype="boolean"),
            "risk_elimination_method": np.where(monitored & self.eliminated, methods, None),
            "risk_eliminated_at": np.where(monitored & self.eliminated, self.eliminated_at.astype(str), None),
            "risk_types": np.where(monitored, _join(self.risks, RISK_TYPES), None),
            "household_size": self.size,
            "labor_count": self.labor,
            "elderly_count": self.elderly,
            "students_count": self.students,
            "chronic_illness_count": self.chronic,
            "serious_illness_count": (medical > 8000).astype(int),
            "disabled_count": self.disabled,
            "head_education": np.array(EDUCATION_LEVELS)[self.education],
            "wage_income": wage,
            "business_income": business,
            "property_income": prop,
            "transfer_income": transfer,
            "production_expense": expense,
            "per_capita_net_income": pcni,
            "medical_out_of_pocket": np.round(medical, 0),
            "migrant_work_months": np.round(months, 1),
            **{k: v.copy() for k, v in self.guarantee.items()},
            "relocated": self.relocated,
            "dibao": self.dibao,
            "tekun": self.tekun,
            "assistance_measures": np.where(monitored, _join(self.measures, ASSISTANCE_MEASURES), None),
        }, copy=False)  # a block per column, for `_stack`; no array given here is changed in place later
        return frame[HOUSEHOLDS.ids]


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The years' frames one below the other, as pd.concat stacks them, a column at a time: each
    year's column is freed once stacked, so the panel is not held twice (at a million households
    that was a gigabyte more at the peak). Empties `frames`."""
    columns = {name: pd.concat([frame.pop(name) for frame in frames], ignore_index=True)
               for name in list(frames[0].columns)}
    return pd.DataFrame(columns, copy=False)


def _join(flags: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """Boolean flag matrix -> 、-joined names per row (None where no flag is set)."""
    out = np.full(len(flags), "", dtype=object)
    for i, name in enumerate(names):
        out = np.where(flags[:, i], np.where(out == "", name, out + "、" + name), out)
    return np.where(out == "", None, out)


def generate(households: int = 80_000, seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Every table of the demo county, deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    townships, cells, _ = _geography(rng, seed)
    villages = _villages(cells, rng)
    panel = _Households(villages, households, rng)
    sizes = np.bincount(panel.village, minlength=len(villages))
    villages["households"] = sizes
    villages["population"] = np.bincount(panel.village, panel.size, minlength=len(villages)).astype(int)
    funds = _funds(villages, sizes, rng, YEARS + (YEARS[-1] + 1,))
    x = fund_intensity(funds, sizes[:, None, None])
    frames = [panel.year(t, year, x, MONITORING_LINES[year]) for t, year in enumerate(YEARS)]
    boundaries = cells[["village_code", "geometry"]].copy()
    return {
        "townships": townships,
        "villages": villages.drop(columns="development"),
        "boundaries": boundaries,
        "village_indicators": _indicator_panel(villages, x, rng),
        "households": _stack(frames),
        "projects": _projects(villages, townships, funds, rng),
        "monitoring_lines": pd.DataFrame({"year": list(MONITORING_LINES),
                                          "threshold_yuan": list(MONITORING_LINES.values())}),
    }


def build(store: Store, households: int = 80_000, seed: int = 2024) -> str:
    """Generate the demo county and commit it as a snapshot; returns its id."""
    return write(store, generate(households, seed), f"示范县 households={households} seed={seed}")


def write(store: Store, tables: dict[str, pd.DataFrame], source: str) -> str:
    """Commit generated demo tables as the current snapshot, with their aggregates and the demo
    county's identity (its fictional name; its code from its data)."""
    tables = aggregates.with_derived(tables)
    tables[identity.TABLE] = identity.demo(tables, NAME, PROVINCE).frame()
    return store.write_snapshot(tables, kind="demo", source=source)
