"""The optimiser, the rules and the baselines of 资金推演 (fund allocation).

The problem. Funds f[v, c] (万元) of category c in village v buy, next year, a[v, c] × g(f)
with g = log(1 + thousand yuan per household) (analytics.data.funds): a concave, diminishing return.
a[v, c] is the objective per unit of g (analytics.planning.plan builds it from the effects). The
rules are linear: the whole budget is spent; industry share (the categories of
funds.IndustryRule; the planned budget is the linkage funds the rule counts) at least the minimum; township
minimum and maximum; village cap; a minimum per 重点帮扶村; no less than last year for chosen
villages; optionally only the 储备 projects of the 项目库 (a continuous relaxation: a project
may be funded in part); 易地搬迁后扶 only at resettlement sites.

The solver, and why. A separable concave objective under linear rules is solved exactly, up
to a certified gap, by linear programmes (HiGHS through scipy.optimize.linprog, already
installed): each g is replaced by its chords between grid points, written incrementally
(f = sum of segments bounded by their widths; concavity orders the slopes, so no integer
variables are needed). The LP solution keeps every rule, so its true objective is a lower
bound; the LP's row prices give a Lagrangian upper bound on the true concave problem. A round
refines the grid around the solution until the bounds meet within `tol`; the gap is reported.
Tangent cutting planes (Kelley) reach the same answer but needed 10-30 LP solves here against
2-3; a convex solver (CVXPY) would be a new dependency without a certified gap in the result.

Ties. Where the objective does not tell uses apart (a category with no effect on it), a tiny
term (tie_break × the objective's scale) follows last year's pattern, so funds the rules force
there are spread like last year instead of landing in an arbitrary corner of the LP.

Infeasible rules. A deletion filter over the rules finds an irreducible conflicting set: the
message names those rules, and relaxing any one of them makes a plan possible.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from analytics import settings
from analytics.data.contract import PROJECT_CATEGORIES
from analytics.data.funds import IndustryRule, fund_intensity

RELOCATION_CATEGORY = "易地搬迁后扶"
FACTORS = {
    "poor_people": "脱贫人口",
    "monitored": "未消除风险监测户",
    "income_gap": "收入差距(人口 × 全县人均收入 ÷ 本村人均收入)",
    "key_village": "重点帮扶村",
    "relocated": "易地搬迁户",
}
BASELINES = {"last_year": "上年分配格局等比例缩放", "equal": "各村平均分配", "factor": "因素法"}
_TINY = 1e-9


class AllocationError(ValueError):
    """The plan cannot be made; the message is Chinese and names the conflicting rules."""

    def __init__(self, message: str, conflicts: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.conflicts = conflicts


@dataclass(frozen=True)
class Constraints:
    """The rules of one plan. Amounts in 万元; township bounds keyed by township code."""

    budget_wan: float
    industry_min_share: float
    village_cap_wan: float | None = None
    key_village_min_wan: float = 0.0
    township_min_wan: tuple[tuple[str, float], ...] = ()
    township_max_wan: tuple[tuple[str, float], ...] = ()
    keep_last_year: tuple[str, ...] = ()
    pool_only: bool = False
    # Per category share of the budget (0-1): floors and ceilings, the planner's or the stability
    # rules of a cautious plan (analytics.planning.plan.stability_rules).
    category_min_share: tuple[tuple[str, float], ...] = ()
    category_max_share: tuple[tuple[str, float], ...] = ()
    # The same in 万元 (a category may have both; the tighter holds).
    category_min_wan: tuple[tuple[str, float], ...] = ()
    category_max_wan: tuple[tuple[str, float], ...] = ()
    # Each village's total at most this fraction (0-1) above or below last year's (villages that
    # had funds last year; None: no such rule).
    village_max_change: float | None = None
    # The budget per fund source (资金来源, 万元), and county-level items reserved off the top
    # before the village split as (item, category, source, 万元). budget_wan is what is left for
    # the villages. No sources: the whole budget (and the reserves) counts for the industry share.
    sources_wan: tuple[tuple[str, float], ...] = ()
    reserves: tuple[tuple[str, str, str, float], ...] = ()
    # 项目管理费 at most this share of the industry-counted sources (allocation.management_fee_max_share).
    management_fee_max_share: float = 0.01

    def __post_init__(self) -> None:
        """Pairs read back from JSON (a saved scenario) are lists: make them tuples again."""
        for name in ("category_min_wan", "category_max_wan", "sources_wan", "reserves"):
            object.__setattr__(self, name, tuple(tuple(item) for item in getattr(self, name)))

    def category_shares(self, kind: str) -> dict[str, float]:
        """The planner's floors (`min`) or ceilings (`max`) per category as shares of the budget,
        shares and 万元 merged (the higher floor, the lower ceiling)."""
        shares = dict(self.category_min_share if kind == "min" else self.category_max_share)
        budget = max(self.budget_wan, _TINY)
        pick = max if kind == "min" else min
        for category, amount in (self.category_min_wan if kind == "min" else self.category_max_wan):
            share = min(amount / budget, 1.0)
            shares[category] = pick(shares.get(category, share), share)
        return shares

    @property
    def reserved_wan(self) -> float:
        return float(sum(r[3] for r in self.reserves))

    @classmethod
    def from_settings(cls, budget_wan: float, township_codes: list[str], villages: int,
                      **changes) -> Constraints:
        """The county's default rules (data/settings.toml) for a budget and a county of
        `villages` villages (caps are multiples of the average per village); `changes` override."""
        low, high = township_shares(len(township_codes))
        average = budget_wan / max(villages, 1)
        base = cls(
            budget_wan=float(budget_wan),
            industry_min_share=settings.number("funds.industry_min_share"),
            village_cap_wan=round(settings.number("allocation.village_cap_ratio") * average, 1) or None,
            key_village_min_wan=round(settings.number("allocation.key_village_min_ratio") * average, 1),
            township_min_wan=tuple((t, low * budget_wan) for t in township_codes if low > 0),
            township_max_wan=tuple((t, high * budget_wan) for t in township_codes if high < 1),
            village_max_change=settings.number("allocation.village_max_change") or None,
            management_fee_max_share=settings.number("allocation.management_fee_max_share"),
        )
        return replace(base, **changes)


def township_shares(townships: int) -> tuple[float, float]:
    """Default minimum and maximum share of the budget per township, from settings, widened
    when the plan covers so few townships that they could not hold (a township user's plan
    covers one: then there is no bound)."""
    if townships <= 1:
        return 0.0, 1.0
    low = settings.number("allocation.township_min_share")
    high = settings.number("allocation.township_max_share")
    return min(low, 0.5 / townships), max(high, min(1.0, 1.5 / townships))


@dataclass
class Context:
    """Everything about the county a plan needs, in one village order (rows of every array)."""

    year: int
    villages: pd.DataFrame
    township_names: dict[str, str]
    last_year: np.ndarray
    pool: np.ndarray
    at_risk: np.ndarray
    lagging: np.ndarray
    score_points: pd.DataFrame
    factors: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    categories: tuple[str, ...] = PROJECT_CATEGORIES
    # The categories the industry-share rule counts (funds.industry_categories): one definition
    # with the projects page, the overview and the assessment.
    industry_categories: tuple[str, ...] = field(default_factory=lambda: IndustryRule.from_settings().categories)
    # The fund sources the industry-share rule counts (funds.industry_sources: 中央衔接资金).
    industry_sources: tuple[str, ...] = field(default_factory=lambda: IndustryRule.from_settings().sources)

    @property
    def households(self) -> np.ndarray:
        return self.villages["households"].to_numpy(float)

    @property
    def industry(self) -> list[int]:
        """Column indices of the industry categories."""
        return [self.categories.index(c) for c in self.industry_categories if c in self.categories]

    def industry_label(self) -> str:
        return "、".join(self.industry_categories)

    def intensity(self, funds: np.ndarray) -> np.ndarray:
        return fund_intensity(funds, self.households[:, None])

    def default_budget(self) -> float:
        """Last year's village funds, the natural starting point of a plan."""
        return float(round(self.last_year.sum(), 1))

    def within(self, village_codes) -> Context:
        """The same county cut to some villages (a township user's scope)."""
        keep = self.villages["village_code"].isin(village_codes).to_numpy()
        villages = self.villages[keep].reset_index(drop=True)
        towns = set(villages["township_code"])
        return replace(self, villages=villages, last_year=self.last_year[keep], pool=self.pool[keep],
                       at_risk=self.at_risk[keep], lagging=self.lagging[keep], factors=self.factors[keep],
                       township_names={t: n for t, n in self.township_names.items() if t in towns})


def objective_value(context: Context, weights: np.ndarray, funds: np.ndarray) -> float:
    return float((weights * context.intensity(funds)).sum())


# --- constraints ----------------------------------------------------------------------------
@dataclass
class _Group:
    """One rule: rows with lo <= rows @ f <= hi, or upper bounds on f (flattened V x C)."""

    name: str
    rows: sparse.csr_array | None = None
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None
    upper: np.ndarray | None = None


def _wan(value: float) -> str:
    return f"{value:,.1f} 万元"


# --- fund sources and reserves --------------------------------------------------------------
MANAGEMENT_FEE = "项目管理费"


def fund_sources(context: Context, c: Constraints) -> list[tuple[str, float]]:
    """The budget per source before reserves; without sources, the whole budget is one source
    the industry rule counts (the first of funds.industry_sources)."""
    if c.sources_wan:
        return [(str(s), float(v)) for s, v in c.sources_wan]
    return [(context.industry_sources[0], c.budget_wan + c.reserved_wan)]


def counted_wan(context: Context, c: Constraints) -> float:
    """Funds of the sources the industry-share rule counts (中央衔接资金), reserves included."""
    return sum(v for s, v in fund_sources(context, c) if s in context.industry_sources)


def industry_floor_wan(context: Context, c: Constraints) -> float:
    """The least the village split must put into industry categories: the rule's share of the
    counted funds, less the counted reserves that are industry items themselves."""
    reserved = sum(r[3] for r in c.reserves if r[2] in context.industry_sources and r[1] in context.industry_categories)
    return c.industry_min_share * counted_wan(context, c) - reserved


def check_funds(context: Context, c: Constraints) -> None:
    """Refuse sources and reserves that cannot make a plan, in Chinese and naming the figure:
    a reserve of an unknown category or source, a source's reserves above its budget, 项目管理费
    above its cap (allocation.management_fee_max_share of the counted funds), budgets that do not
    add up, counted funds too small for the industry share."""
    sources = dict(fund_sources(context, c))
    for source, amount in sources.items():
        if amount < 0:
            raise AllocationError(f"资金来源“{source}”的预算应不小于 0 万元,当前为 {amount:g}。")
    for item, category, source, amount in c.reserves:
        if category not in context.categories:
            raise AllocationError(f"预留项目“{item}”的类别“{category}”不存在,可选:{'、'.join(context.categories)}。")
        if source not in sources:
            raise AllocationError(f"预留项目“{item}”的资金来源“{source}”不在本次预算的来源中"
                                  f"({'、'.join(sources)})。")
        if amount < 0:
            raise AllocationError(f"预留项目“{item}”的金额应不小于 0 万元,当前为 {amount:g}。")
    for source, amount in sources.items():
        taken = sum(r[3] for r in c.reserves if r[2] == source)
        if taken > amount + 1e-6:
            raise AllocationError(f"资金来源“{source}”的预留项目合计 {_wan(taken)},超过其预算 {_wan(amount)}。",
                                  (f"{source}预算 {_wan(amount)}", "预留项目"))
    if c.sources_wan and abs(sum(sources.values()) - c.reserved_wan - c.budget_wan) > 0.05:
        raise AllocationError(f"各资金来源合计 {_wan(sum(sources.values()))} 减去预留项目 {_wan(c.reserved_wan)},"
                              f"应等于分到各村的预算 {_wan(c.budget_wan)}。")
    cap = c.management_fee_max_share
    fee = sum(r[3] for r in c.reserves if r[0] == MANAGEMENT_FEE)
    counted = counted_wan(context, c)
    if fee > cap * counted + 1e-6:
        raise AllocationError(f"{MANAGEMENT_FEE} {_wan(fee)} 超过上限:{'、'.join(context.industry_sources)}"
                              f" {_wan(counted)} 的 {cap:.1%}({_wan(cap * counted)};设置 "
                              "allocation.management_fee_max_share,依据财农〔2021〕19号)。",
                              (MANAGEMENT_FEE, f"{MANAGEMENT_FEE}上限"))
    counted_left = counted - sum(r[3] for r in c.reserves if r[2] in context.industry_sources)
    if c.reserves or c.sources_wan:
        floor = industry_floor_wan(context, c)
        if floor > counted_left + 1e-6:
            raise AllocationError(f"{'、'.join(context.industry_sources)}扣除预留项目后只剩 {_wan(counted_left)},"
                                  f"不够{context.industry_label()}占比不低于 {c.industry_min_share:.0%} 所需的 "
                                  f"{_wan(floor)}:请减少由其列支的非产业预留项目。", ("产业占比", "预留项目"))


def _groups(context: Context, c: Constraints) -> list[_Group]:
    """Every rule as a named group, in the order the conflict search tries to drop them."""
    check_funds(context, c)
    v_count, c_count = len(context.villages), len(context.categories)
    n = v_count * c_count
    village_of = np.repeat(np.arange(v_count), c_count)
    townships = context.villages["township_code"].to_numpy()
    names = context.township_names
    groups: list[_Group] = []
    for kind, bounds in (("min", c.township_min_wan), ("max", c.township_max_wan)):
        for town, amount in bounds:
            members = np.flatnonzero(townships[village_of] == town)
            row = sparse.csr_array((np.ones(len(members)), (np.zeros(len(members), int), members)), shape=(1, n))
            label = names.get(town, town)
            if kind == "min":
                groups.append(_Group(f"{label}不少于 {_wan(amount)}", row, np.array([amount]), np.array([np.inf])))
            else:
                groups.append(_Group(f"{label}不超过 {_wan(amount)}", row, np.array([-np.inf]), np.array([amount])))
    if c.pool_only:
        industry_pool = context.pool[:, context.industry].sum()
        groups.append(_Group(f"只安排项目库内的储备项目(共 {_wan(context.pool.sum())},"
                             f"其中{context.industry_label()} {_wan(industry_pool)})",
                             upper=context.pool.ravel().copy()))
    sites = context.villages["is_relocation_site"].astype(bool).to_numpy()
    if RELOCATION_CATEGORY in context.categories:
        upper = np.full((v_count, c_count), np.inf)
        upper[~sites, context.categories.index(RELOCATION_CATEGORY)] = 0.0
        groups.append(_Group(f"{RELOCATION_CATEGORY}资金只安排到易地搬迁安置点(共 {int(sites.sum())} 个)",
                             upper=upper.ravel()))
    per_village = sparse.csr_array((np.ones(n), (village_of, np.arange(n))), shape=(v_count, n))
    chosen = np.flatnonzero(context.villages["village_code"].isin(c.keep_last_year).to_numpy())
    if len(chosen):
        floor = context.last_year.sum(axis=1)[chosen]
        groups.append(_Group(f"指定的 {len(chosen)} 个村不少于上年(合计 {_wan(floor.sum())})",
                             per_village[chosen], floor, np.full(len(chosen), np.inf)))
    key = np.flatnonzero(context.villages["is_key_village"].astype(bool).to_numpy())
    if c.key_village_min_wan > 0 and len(key):
        groups.append(_Group(
            f"重点帮扶村每村不少于 {_wan(c.key_village_min_wan)}({len(key)} 个村,合计 {_wan(c.key_village_min_wan * len(key))})",
            per_village[key], np.full(len(key), c.key_village_min_wan), np.full(len(key), np.inf)))
    if c.village_cap_wan is not None:
        groups.append(_Group(
            f"每村不超过 {_wan(c.village_cap_wan)}({v_count} 个村合计至多 {_wan(c.village_cap_wan * v_count)})",
            per_village, np.full(v_count, -np.inf), np.full(v_count, c.village_cap_wan)))
    if c.village_max_change is not None:
        before = context.last_year.sum(axis=1)
        had = np.flatnonzero(before > 0)
        if len(had):
            r = c.village_max_change
            groups.append(_Group(f"每村资金与上年相比增减不超过 {r:.0%}(上年有资金的 {len(had)} 个村)",
                                 per_village[had], before[had] * (1 - r), before[had] * (1 + r)))
    for kind, bounds in (("min", c.category_min_wan), ("max", c.category_max_wan)):
        for category, amount in bounds:
            if category not in context.categories:
                raise AllocationError(f"资金类别“{category}”不存在,可选:{'、'.join(context.categories)}。")
            if kind == "min" and amount > c.budget_wan + 1e-6:
                raise AllocationError(f"{category}的下限 {_wan(amount)} 超过分到各村的预算 {_wan(c.budget_wan)}:"
                                      "请降低该下限或增加预算。", (f"{category}下限", "总预算"))
            column = np.zeros(n)
            column[context.categories.index(category)::c_count] = 1.0
            row = sparse.csr_array(column[None, :])
            if kind == "min":
                groups.append(_Group(f"{category}不少于 {_wan(amount)}", row, np.array([amount]), np.array([np.inf])))
            else:
                groups.append(_Group(f"{category}不超过 {_wan(amount)}", row, np.array([-np.inf]), np.array([amount])))
    for kind, bounds in (("min", c.category_min_share), ("max", c.category_max_share)):
        for category, share in bounds:
            if category not in context.categories:
                raise AllocationError(f"资金类别“{category}”不存在,可选:{'、'.join(context.categories)}。")
            column = np.zeros(n)
            column[context.categories.index(category)::c_count] = 1.0
            amount = share * c.budget_wan
            if kind == "min":
                groups.append(_Group(f"{category}不少于预算的 {share:.1%}({_wan(amount)})",
                                     sparse.csr_array(column[None, :]), np.array([amount]), np.array([np.inf])))
            else:
                groups.append(_Group(f"{category}不超过预算的 {share:.1%}({_wan(amount)})",
                                     sparse.csr_array(column[None, :]), np.array([-np.inf]), np.array([amount])))
    groups.append(_industry_group(context, c, n))
    groups.append(_Group(f"总预算 {_wan(c.budget_wan)} 全部分配", sparse.csr_array(np.ones((1, n))),
                         np.array([c.budget_wan]), np.array([c.budget_wan])))
    return groups


def _industry_group(context: Context, c: Constraints, n: int) -> _Group:
    """The industry-share rule. With one budget and no reserves it is a share of the village
    split (the homogeneous row keeps the conflict search exact); with sources or reserves it
    is an amount: the share of the counted sources' funds, less their industry reserves."""
    c_count = len(context.categories)
    if not c.sources_wan and not c.reserves:
        industry = np.full(n, c.industry_min_share)
        for column in context.industry:
            industry[column::c_count] -= 1.0
        return _Group(f"{context.industry_label()}资金占比不低于 {c.industry_min_share:.0%}",
                      sparse.csr_array(industry[None, :]), np.array([-np.inf]), np.array([0.0]))
    industry = np.zeros(n)
    for column in context.industry:
        industry[column::c_count] = 1.0
    floor = max(industry_floor_wan(context, c), 0.0)
    return _Group(f"{'、'.join(context.industry_sources)}中{context.industry_label()}资金占比不低于 "
                  f"{c.industry_min_share:.0%}(村级分配中至少 {_wan(floor)})",
                  sparse.csr_array(industry[None, :]), np.array([floor]), np.array([np.inf]))


def rule_names(context: Context, constraints: Constraints) -> list[str]:
    """Every rule of a plan in words, as a planner would list it on a slide."""
    return [g.name for g in _groups(context, constraints)]


def _linear_parts(groups: list[_Group], n: int) -> tuple:
    """A_ub, b_ub, A_eq, b_eq and the upper bounds of f from a list of groups."""
    ub_rows, ub_rhs, eq_rows, eq_rhs = [], [], [], []
    upper = np.full(n, np.inf)
    for g in groups:
        if g.upper is not None:
            upper = np.minimum(upper, g.upper)
            continue
        equal = np.isclose(g.lo, g.hi)
        if equal.any():
            eq_rows.append(g.rows[np.flatnonzero(equal)])
            eq_rhs.append(g.lo[equal])
        for sign, bound in ((1.0, g.hi), (-1.0, g.lo)):
            use = np.isfinite(bound) & ~equal
            if use.any():
                ub_rows.append(sign * g.rows[np.flatnonzero(use)])
                ub_rhs.append(sign * bound[use])
    return (_stack(ub_rows), np.concatenate(ub_rhs) if ub_rhs else None,
            _stack(eq_rows), np.concatenate(eq_rhs) if eq_rhs else None, upper)


def _stack(rows: list) -> sparse.csr_array | None:
    return sparse.vstack(rows).tocsr() if rows else None


def _feasible(groups: list[_Group], n: int) -> bool:
    a_ub, b_ub, a_eq, b_eq, upper = _linear_parts(groups, n)
    res = linprog(np.zeros(n), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                  bounds=np.column_stack([np.zeros(n), upper]), method="highs")
    return res.status != 2


def conflicts(context: Context, constraints: Constraints) -> list[str]:
    """An irreducible set of rules that cannot hold together (empty when the rules are feasible).

    Deletion filter: drop each rule in turn and keep it out if the rest still conflict; what
    remains conflicts, and relaxing any one of its rules removes the conflict."""
    n = len(context.villages) * len(context.categories)
    groups = _groups(context, constraints)
    if _feasible(groups, n):
        return []
    kept = list(groups)
    for g in groups:
        trial = [k for k in kept if k is not g]
        if not _feasible(trial, n):
            kept = trial
    return [g.name for g in kept]


def violations(context: Context, constraints: Constraints, funds: np.ndarray, tol: float = 1e-6) -> list[str]:
    """The rules an allocation breaks (Chinese names); empty when it keeps every rule."""
    f = np.asarray(funds, float).ravel()
    broken = [] if (f >= -tol).all() else ["资金不能为负"]
    for g in _groups(context, constraints):
        if g.upper is not None:
            ok = (f <= g.upper + tol * np.maximum(1.0, np.abs(np.where(np.isfinite(g.upper), g.upper, 0)))).all()
        else:
            value = g.rows @ f
            slack = tol * np.maximum(1.0, np.abs(np.where(np.isfinite(g.hi), g.hi, np.where(np.isfinite(g.lo), g.lo, 0))))
            ok = bool(((value >= g.lo - slack) & (value <= g.hi + slack)).all())
        if not ok:
            broken.append(g.name)
    return broken


# --- solver ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Solution:
    funds: np.ndarray
    objective: float
    upper_bound: float
    gap: float
    iterations: int
    seconds: float


def _tie_weights(context: Context, weights: np.ndarray, budget: float, tie_break: float) -> np.ndarray:
    """A small pull toward last year's pattern on pairs the objective does not value."""
    if tie_break <= 0:
        return np.zeros_like(weights)
    spread = context.intensity(np.full_like(weights, budget / weights.size))
    scale = float((weights * spread).sum())
    share, scale = (tie_break, scale) if scale > 0 else (1.0, 1.0)  # nothing valued: the pattern decides
    pattern = context.last_year + 0.01 * max(context.last_year.mean(), _TINY)
    pattern = np.where(weights > 0, 0.0, pattern)
    total = float((pattern * spread).sum())
    return pattern * (share * scale / total) if total > 0 else pattern


def optimise(context: Context, weights: np.ndarray, constraints: Constraints, tol: float = 1e-5,
             tie_break: float = 1e-3, coarse_step: float = 0.4, refine: float = 6.0,
             max_rounds: int = 6) -> Solution:
    """Maximise Σ weights × g(f) under the rules; raises AllocationError naming the conflicting
    rules when no allocation keeps them all.

    Each round solves the chord LP on a grid of x = g values (a coarse grid over the whole
    range plus fine points around the last solution): its solution is feasible, so its true
    objective is a lower bound; the LP's duals give an upper bound (`_dual_bound`). Rounds stop
    when the two are within `tol` (relative); the gap is reported."""
    started = time.perf_counter()
    shape = weights.shape
    n = weights.size
    a_ub, b_ub, a_eq, b_eq, upper = _linear_parts(_groups(context, constraints), n)
    scale = np.repeat(10.0 / np.maximum(context.households, 1), shape[1])  # g = log(1 + scale × f)
    usable = np.where(upper.reshape(shape) > 0, weights, 0.0)  # value where no funds may go is no value
    combined = usable.ravel() + _tie_weights(context, usable, constraints.budget_wan, tie_break).ravel()
    unit = float(combined.max()) if combined.max() > 0 else 1.0
    combined = combined / unit  # slopes of order 1 keep HiGHS's absolute tolerances meaningful
    reach = np.minimum(upper, constraints.budget_wan)
    if constraints.village_cap_wan is not None:
        reach = np.minimum(reach, constraints.village_cap_wan)
    x_reach = np.log1p(scale * reach)
    coarse = [np.linspace(0.0, r, max(int(np.ceil(r / coarse_step)), 1) + 1) for r in x_reach]
    grids = coarse
    best, lower, bound = np.zeros(n), -np.inf, np.inf
    for rounds in range(1, max_rounds + 1):
        funds, duals = _solve_pwl(combined, scale, grids, a_ub, b_ub, a_eq, b_eq, upper)
        if funds is None:
            raise _infeasible(context, constraints)
        value = float(combined @ np.log1p(scale * funds))
        if value > lower:
            best, lower = funds, value
        bound = min(bound, _dual_bound(combined, scale, reach, duals, a_ub, b_ub, a_eq, b_eq))
        if bound - lower <= tol * max(abs(bound), _TINY):
            break
        step = coarse_step / refine ** rounds
        around = np.log1p(scale * funds)[:, None] + step * np.arange(-4, 5)[None, :]
        grids = [np.concatenate([g, a]) for g, a in zip(coarse, around)]
    gap = max(bound - lower, 0.0) / max(abs(bound), _TINY)
    shaped = best.reshape(shape)
    return Solution(shaped, objective_value(context, weights, shaped), bound * unit, gap, rounds,
                    time.perf_counter() - started)


def _solve_pwl(weights: np.ndarray, scale: np.ndarray, grids: list[np.ndarray], a_ub, b_ub, a_eq, b_eq,
               upper: np.ndarray) -> tuple[np.ndarray | None, tuple]:
    """The LP with each g replaced by its chords between grid points (in x = g space), written
    incrementally: f = Σ segments, each bounded by its width; concavity orders the slopes, so
    the LP fills them in order and needs no integer variables. Returns f and the row duals."""
    n = len(weights)
    valued = (weights > 0) & (upper > 0)
    owner, width, slope = [], [], []
    for p in range(n):
        if valued[p]:
            x_points = np.clip(grids[p], 0.0, np.log1p(scale[p] * upper[p]))
            f_points = np.unique(np.round(np.expm1(x_points) / scale[p], 9))
            x_points = np.log1p(scale[p] * f_points)
            owner.append(np.full(len(f_points) - 1, p))
            width.append(np.diff(f_points))
            slope.append(weights[p] * np.diff(x_points) / np.diff(f_points))
        else:
            owner.append(np.array([p]))
            width.append(np.array([upper[p]]))
            slope.append(np.array([0.0]))
    owner, width, slope = np.concatenate(owner), np.concatenate(width), np.concatenate(slope)
    to_f = sparse.csr_array((np.ones(len(owner)), (owner, np.arange(len(owner)))), shape=(n, len(owner)))
    res = linprog(-slope, A_ub=(a_ub @ to_f) if a_ub is not None else None, b_ub=b_ub,
                  A_eq=(a_eq @ to_f) if a_eq is not None else None, b_eq=b_eq,
                  bounds=np.column_stack([np.zeros(len(owner)), width]), method="highs",
                  options={"presolve": False})  # measured: presolve costs more than it saves here
    if res.status == 2:
        return None, ()
    if res.status != 0:
        raise AllocationError(f"求解器未能完成求解:{res.message}")
    funds = np.clip(to_f @ res.x, 0.0, None)
    y = -res.ineqlin.marginals if a_ub is not None else None
    z = -res.eqlin.marginals if a_eq is not None else None
    return funds, (y, z)


def _dual_bound(weights: np.ndarray, scale: np.ndarray, reach: np.ndarray, duals: tuple, a_ub, b_ub,
                a_eq, b_eq) -> float:
    """Lagrangian upper bound: for row prices y >= 0 (and any z on equalities), the optimum is at
    most y·b + z·d + Σ max over 0 <= f <= reach of [w g(f) - price f]. Valid for any prices, so
    the LP's duals certify the gap of the true concave problem."""
    y, z = duals
    price = np.zeros(len(weights))
    total = 0.0
    if y is not None:
        y = np.clip(y, 0.0, None)
        price += a_ub.T @ y
        total += float(y @ b_ub)
    if z is not None:
        price += a_eq.T @ z
        total += float(z @ b_eq)
    with np.errstate(divide="ignore", invalid="ignore"):
        best = np.where(price > 0, weights / price - 1.0 / scale, np.inf)
    f = np.clip(np.nan_to_num(best, posinf=np.inf), 0.0, reach)
    f = np.where(weights > 0, f, np.where(price < 0, reach, 0.0))
    return total + float((weights * np.log1p(scale * f) - price * f).sum())


def _infeasible(context: Context, constraints: Constraints) -> AllocationError:
    found = conflicts(context, constraints)
    listed = ";".join(found) if found else "(未能定位具体约束)"
    return AllocationError(f"按当前约束无法分配资金。以下约束相互冲突,放宽其中任何一项即可求解:{listed}。",
                           tuple(found))


# --- baselines ------------------------------------------------------------------------------
def _mix(context: Context) -> np.ndarray:
    """Last year's county-wide category mix per village (relocation funds only at sites)."""
    totals = context.last_year.sum(axis=0)
    mix = np.tile(totals / totals.sum() if totals.sum() > 0 else np.full(len(totals), 1 / len(totals)),
                  (len(context.villages), 1))
    if RELOCATION_CATEGORY in context.categories:
        sites = context.villages["is_relocation_site"].astype(bool).to_numpy()
        mix[~sites, context.categories.index(RELOCATION_CATEGORY)] = 0.0
    return mix / mix.sum(axis=1, keepdims=True)


def baseline_equal(context: Context, budget: float) -> np.ndarray:
    """Every village the same amount, split by last year's county-wide category mix."""
    return budget / len(context.villages) * _mix(context)


def baseline_last_year(context: Context, budget: float) -> np.ndarray:
    """Last year's allocation, every amount scaled so that the total is the budget."""
    total = context.last_year.sum()
    return context.last_year * (budget / total) if total > 0 else baseline_equal(context, budget)


def factor_weights() -> dict[str, float]:
    return {k: settings.number(f"allocation.factor_weights.{k}") for k in FACTORS}


def baseline_factor(context: Context, budget: float, weights: dict[str, float] | None = None) -> np.ndarray:
    """因素法: each village's share is the weighted sum of its shares of each factor."""
    weights = weights or factor_weights()
    share = np.zeros(len(context.villages))
    used = 0.0
    for name, w in weights.items():
        column = context.factors[name].to_numpy(float)
        if w > 0 and column.sum() > 0:
            share += w * column / column.sum()
            used += w
    if used == 0:
        return baseline_equal(context, budget)
    return budget * (share / used)[:, None] * _mix(context)


def baselines(context: Context, budget: float) -> dict[str, np.ndarray]:
    return {"last_year": baseline_last_year(context, budget), "equal": baseline_equal(context, budget),
            "factor": baseline_factor(context, budget)}
