"""Whole projects from the 项目库: which of the plan year's 储备 projects to fund, under the budget
and the same rules as the fractional plan, instead of spreading fractions of money.

Counties fund projects, not shares: a 储备 project is funded whole or not at all. This module
picks them with a mixed-integer programme (scipy.optimize.milp, HiGHS), one binary per project:

- 续建 (a plan-year project already under way, status 实施中) is funded first: its binary is
  fixed at 1 whatever its value, and its amount is taken from the budget before anything else.
- A township-wide project (9-digit township code) is part of the plan: it counts in the budget,
  its category and its township, and its value is spread over the township's villages by
  households. It is never dropped for having no village.
- Value of a project = the objective it buys on its own: a[v, c] × g(amount) with a the
  objective per unit of g = log(1 + thousand yuan per household) from plan.objective_weights
  (the shrunk effects; under a cautious request only supported categories count, as in the
  fractional mode). A tiny term proportional to the amount (`spend`) spends what the budget
  leaves once nothing valued fits, so unvalued projects break ties, not noise.
- Rules: total at most the budget; industry share of the planned total at least the minimum;
  village cap (village projects only); 重点帮扶村 minimum, keep-last-year villages, township and
  category floors (as shares of the budget), each capped at what the 项目库 can give there, said
  in the notes; township and category ceilings; 易地搬迁后扶 储备 projects only at resettlement
  sites. A cautious request adds plan.stability_rules' band around last year's category shares;
  if the 项目库 cannot meet the band, the plan is made without it and says so.

The plan's figures (effects with intervals, objectives, totals) come from plan.summary on the
village × category totals, township-wide projects spread by households, so both modes are
judged by the same numbers.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from analytics.data.funds import VILLAGE_CODE_LENGTH
from analytics.planning import plan as planning
from analytics.planning.allocation import RELOCATION_CATEGORY, AllocationError, Constraints, Context
from analytics.planning.response import Effects

CONTINUING_STATUS = "实施中"  # a plan-year project under way: 续建
STATUSES = (planning.POOL_STATUS, CONTINUING_STATUS)
COLUMNS = ("project_id", "project_name", "village_code", "category", "funds_wan", "fund_source", "status")
SPEND = 1e-3  # the amount term, relative to the largest value per 万元
# Proven within 0.1% of the best selection (reported as the gap): packing categories to their
# ceilings is a subset-sum, and proving 1e-4 took HiGHS 10 s on the demo county against 1 s.
GAP = 1e-3
TIME_LIMIT_S = 30.0  # a guard; the selection found by then is kept with its gap


def library(context: Context, projects: pd.DataFrame) -> pd.DataFrame:
    """The plan year's 储备 and 续建 projects within the context's villages and townships, with
    `continuing` and `township_wide` flags, in a fixed order."""
    rows = projects[(projects["year"] == context.year) & projects["status"].isin(STATUSES)]
    codes = rows["village_code"].astype(str)
    wide = codes.str.len() < VILLAGE_CODE_LENGTH
    inside = codes.isin(context.villages["village_code"]) | (wide & codes.isin(context.township_names))
    rows = rows[inside & (rows["funds_wan"] > 0)]
    out = rows.reindex(columns=list(COLUMNS)).assign(village_code=lambda f: f["village_code"].astype(str))
    out["continuing"] = rows["status"].eq(CONTINUING_STATUS).to_numpy()
    out["township_wide"] = out["village_code"].str.len() < VILLAGE_CODE_LENGTH
    return out.sort_values(["village_code", "category", "project_id"], ignore_index=True)


def spread(context: Context, pool: pd.DataFrame) -> np.ndarray:
    """P x V: how each project's money lands on the villages (a village project on its village, a
    township-wide one on the township's villages by households)."""
    codes = context.villages["village_code"].to_numpy()
    towns = context.villages["township_code"].to_numpy()
    households = np.maximum(context.households, 1)
    out = np.zeros((len(pool), len(codes)))
    for i, (code, wide) in enumerate(zip(pool["village_code"], pool["township_wide"])):
        members = towns == code if wide else codes == code
        if members.any():
            out[i, members] = households[members] / households[members].sum()
    return out


def values(context: Context, weights: np.ndarray, pool: pd.DataFrame, share: np.ndarray | None = None) -> np.ndarray:
    """Each project's objective on its own: Σ over the villages it lands on of a[v, c] × g(its
    part there). A township-wide project's part gives every village of it the same g."""
    share = spread(context, pool) if share is None else share
    column = pool["category"].map({c: i for i, c in enumerate(context.categories)}).to_numpy()
    amount = pool["funds_wan"].to_numpy(float)[:, None] * share
    g = context.intensity(amount.T).T  # households broadcast per village
    return (weights[:, column].T * g).sum(axis=1)


@dataclass(frozen=True)
class _Rule:
    """One rule over the project binaries: lo <= rows @ (amount × x) <= hi, named in Chinese."""

    name: str
    rows: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    kind: str = ""  # the rule as a planner sets it (one per village or township shares it)

    @property
    def label(self) -> str:
        return self.kind or self.name


def _wan(value: float) -> str:
    return f"{value:,.1f} 万元"


def rules(context: Context, c: Constraints, pool: pd.DataFrame, notes: list[str],
          allowed: np.ndarray | None = None) -> list[_Rule]:
    """The request's rules over the projects; floors the 项目库 cannot reach are capped at what it
    may give there (`allowed` projects and 续建), a village cap below a village's 续建 is raised to
    it, each with a note."""
    amount = pool["funds_wan"].to_numpy(float)
    continuing = pool["continuing"].to_numpy(bool)
    usable = amount * ((np.ones(len(pool), bool) if allowed is None else allowed) | continuing)
    every = np.ones(len(pool))
    village = pool["village_code"].to_numpy()
    town_of = dict(zip(context.villages["village_code"], context.villages["township_code"]))
    town = np.array([code if wide else town_of.get(code, "") for code, wide in zip(village, pool["township_wide"])])
    names = context.township_names
    village_names = dict(zip(context.villages["village_code"], context.villages["village_name"]))

    capped: list[str] = []

    def floor(name: str, member: np.ndarray, wanted: float, kind: str) -> _Rule:
        available = float(usable[member.astype(bool)].sum())
        if wanted > available + 1e-9:
            capped.append(f"{name}(项目库可安排 {_wan(available)},按此计)")
        return _Rule(name, member[None, :], np.array([min(wanted, available)]), np.array([np.inf]), kind)

    out = [_Rule(f"总额不超过预算 {_wan(c.budget_wan)}(续建项目优先安排)", every[None, :],
                 np.array([-np.inf]), np.array([c.budget_wan]))]
    industry = pool["category"].isin(context.industry_categories).to_numpy(float)
    out.append(_Rule(f"{context.industry_label()}资金占比不低于 {c.industry_min_share:.0%}",
                     (industry - c.industry_min_share)[None, :], np.array([0.0]), np.array([np.inf])))
    if c.village_cap_wan is not None:
        for code in np.unique(village[~pool["township_wide"].to_numpy()]):
            member = village == code
            cap = max(c.village_cap_wan, float(amount[member & continuing].sum()))
            if cap > c.village_cap_wan:
                capped.append(f"{village_names.get(code, code)}的续建项目已超过每村上限,上限按续建金额 {_wan(cap)} 计")
            out.append(_Rule(f"每村不超过 {_wan(c.village_cap_wan)}", member.astype(float)[None, :],
                             np.array([-np.inf]), np.array([cap]), f"每村不超过 {_wan(c.village_cap_wan)}"))
    v = context.villages
    last_year = context.last_year.sum(axis=1)
    for i, (code, name, key) in enumerate(zip(v["village_code"], v["village_name"], v["is_key_village"])):
        member = (village == code).astype(float)
        if c.key_village_min_wan > 0 and bool(key):
            out.append(floor(f"重点帮扶村{name}不少于 {_wan(c.key_village_min_wan)}", member, c.key_village_min_wan,
                             f"重点帮扶村每村不少于 {_wan(c.key_village_min_wan)}"))
        if code in c.keep_last_year:
            out.append(floor(f"{name}不少于上年({_wan(last_year[i])})", member, float(last_year[i]), "指定的村不少于上年"))
    for code, wanted in c.township_min_wan:
        out.append(floor(f"{names.get(code, code)}不少于 {_wan(wanted)}", (town == code).astype(float), wanted, "乡镇下限"))
    for code, most in c.township_max_wan:
        out.append(_Rule(f"{names.get(code, code)}不超过 {_wan(most)}", (town == code).astype(float)[None, :],
                         np.array([-np.inf]), np.array([most]), "乡镇上限"))
    for kind, bounds in (("min", c.category_min_share), ("max", c.category_max_share)):
        for category, share in bounds:
            if category not in context.categories:
                raise AllocationError(f"资金类别“{category}”不存在,可选:{'、'.join(context.categories)}。")
            member = pool["category"].eq(category).to_numpy(float)
            label = f"{category}{'不少于' if kind == 'min' else '不超过'}预算的 {share:.1%}"
            if kind == "min":
                out.append(floor(label, member, share * c.budget_wan, "类别下限"))
            else:
                out.append(_Rule(label, member[None, :], np.array([-np.inf]), np.array([share * c.budget_wan]),
                                 "类别上限"))
    if capped:
        more = f"等 {len(capped)} 项" if len(capped) > 3 else ""
        notes.append(f"按项目库调整的约束:{';'.join(capped[:3])}{more}。")
    return out


def violations(pool: pd.DataFrame, chosen: np.ndarray, groups: list[_Rule], tol: float = 1e-6) -> list[str]:
    """The rules a selection breaks (empty when it keeps them all)."""
    money = pool["funds_wan"].to_numpy(float) * chosen
    return [g.name for g in groups
            if not (((g.rows @ money) >= g.lo - tol) & ((g.rows @ money) <= g.hi + tol)).all()]


@dataclass(frozen=True)
class Selection:
    """The projects funded (`chosen`, in library order), the value the MILP maximised, an upper
    bound on it (HiGHS's dual bound, spend term included), the proven gap and the time."""

    chosen: np.ndarray
    value: float
    upper_bound: float
    gap: float
    seconds: float


def _solve(pool: pd.DataFrame, objective: np.ndarray, groups: list[_Rule], allowed: np.ndarray):
    """milp over the project binaries: 续建 fixed at 1, projects not `allowed` at 0."""
    amount = pool["funds_wan"].to_numpy(float)
    fixed = pool["continuing"].to_numpy(bool)
    bounds = Bounds(fixed.astype(float), np.where(allowed | fixed, 1.0, 0.0))
    rows = [LinearConstraint(sparse.csr_array(np.vstack([g.rows for g in groups]) * amount[None, :]),
                             np.concatenate([g.lo for g in groups]), np.concatenate([g.hi for g in groups]))]
    return milp(-objective, constraints=rows if groups else (), integrality=np.ones(len(pool)), bounds=bounds,
                options={"mip_rel_gap": GAP, "time_limit": TIME_LIMIT_S})


def select(pool: pd.DataFrame, value: np.ndarray, groups: list[_Rule], allowed: np.ndarray) -> Selection | None:
    """Maximise Σ value × x (plus the small spend term) under the rules; None when no selection
    keeps every rule."""
    started = time.perf_counter()
    if not len(pool):
        return Selection(np.zeros(0, bool), 0.0, 0.0, 0.0, time.perf_counter() - started)
    amount = pool["funds_wan"].to_numpy(float)
    scale = float(np.max(value / amount)) if (value > 0).any() else 1.0
    res = _solve(pool, value / scale + SPEND * amount / amount.max(), groups, allowed)
    if res.status == 2:
        return None
    if res.x is None:
        raise AllocationError(f"求解器未能完成求解:{res.message}")
    chosen = res.x > 0.5
    bound = -float(getattr(res, "mip_dual_bound", np.nan)) * scale
    return Selection(chosen, float(value[chosen].sum()), bound, float(getattr(res, "mip_gap", 0.0) or 0.0),
                     time.perf_counter() - started)


@dataclass(frozen=True)
class Choice:
    """A selection with the library it indexes, the rules it kept and the notes on them."""

    pool: pd.DataFrame
    selection: Selection
    value: np.ndarray
    rules: list[_Rule]
    notes: list[str]


def choose(context: Context, weights: np.ndarray, constraints: Constraints, projects: pd.DataFrame,
           fallback: Constraints | None = None) -> Choice:
    """The best selection of the 项目库 for objective weights a[v, c] under the rules; when none
    keeps them and a `fallback` is given (the planner's own rules without the stability band),
    under that, with a note. Raises AllocationError naming the conflicting rules."""
    pool = library(context, projects)
    continuing = float(pool.loc[pool["continuing"], "funds_wan"].sum())
    if continuing > constraints.budget_wan + 1e-9:
        raise AllocationError(f"续建项目共需 {_wan(continuing)},超过总预算 {_wan(constraints.budget_wan)}:"
                              "请提高预算或核减续建项目。")
    value = values(context, weights, pool)
    allowed = _allowed(context, pool)
    notes: list[str] = []
    groups = rules(context, constraints, pool, notes, allowed)
    solution = select(pool, value, groups, allowed)
    if solution is None and fallback is not None:
        notes = ["项目库无法满足各类资金占比保持在上年附近的稳定约束,本方案只按规划人员设定的约束选择项目。"]
        groups = rules(context, fallback, pool, notes, allowed)
        solution = select(pool, value, groups, allowed)
    if solution is None:
        found = conflicts(pool, groups, allowed)
        raise AllocationError("按当前约束无法从项目库中选出项目(续建项目须优先安排)。以下约束相互冲突,"
                              f"放宽其中任何一项即可求解:{';'.join(found) or '(未能定位具体约束)'}。", tuple(found))
    return Choice(pool, solution, value, groups, notes)


def conflicts(pool: pd.DataFrame, groups: list[_Rule], allowed: np.ndarray) -> list[str]:
    """An irreducible set of rules (as a planner sets them) that no selection keeps together,
    with 续建 funded: a deletion filter, as the fractional mode's."""
    def feasible(kept: list[str]) -> bool:
        res = _solve(pool, np.zeros(len(pool)), [g for g in groups if g.label in kept], allowed)
        return res.status != 2 and res.x is not None

    kept = list(dict.fromkeys(g.label for g in groups))
    for label in list(kept):
        trial = [k for k in kept if k != label]
        if not feasible(trial):
            kept = trial
    return kept


def _allowed(context: Context, pool: pd.DataFrame) -> np.ndarray:
    """易地搬迁后扶 储备 projects only at resettlement sites (a 续建 one is funded wherever it is)."""
    sites = set(context.villages.loc[context.villages["is_relocation_site"].astype(bool), "village_code"])
    return ~pool["category"].eq(RELOCATION_CATEGORY).to_numpy() | pool["village_code"].isin(sites).to_numpy()


def funds_matrix(context: Context, pool: pd.DataFrame, chosen: np.ndarray, share: np.ndarray) -> np.ndarray:
    """V x C funds of a selection, township-wide projects spread by households."""
    out = np.zeros((len(context.villages), len(context.categories)))
    column = pool["category"].map({c: i for i, c in enumerate(context.categories)}).to_numpy()
    money = pool["funds_wan"].to_numpy(float) * chosen
    for c in range(len(context.categories)):
        out[:, c] = (money * (column == c)) @ share
    return out


def run(context: Context, effects: Effects, request: planning.Request, projects: pd.DataFrame) -> planning.Plan:
    """The whole-project plan: the same figures as plan.run, with mode "projects" and `projects`
    (every project of the 项目库 in scope with `selected`, `continuing`, `township_wide`, `value`)."""
    weights = planning.objective_weights(context, effects, request.objective, request.blend_weight)
    support = planning.supported(context, effects, request.objective)
    asked, fallback = request.constraints, None
    if request.cautious:
        weights = np.where(support[None, :], weights, 0.0)
        asked, fallback = planning.stability_rules(context, asked, support), asked
    choice = choose(context, weights, asked, projects, fallback)
    pool, solution = choice.pool, choice.selection
    funds = funds_matrix(context, pool, solution.chosen, spread(context, pool))
    figures = replace(planning.summary(context, effects, request.constraints, funds),
                      violations=violations(pool, solution.chosen, choice.rules, tol=1e-4))
    left = request.constraints.budget_wan - figures.total_wan
    listed = pool.assign(selected=solution.chosen, value=choice.value)
    listed["village_name"] = listed["village_code"].map(
        {**context.township_names, **dict(zip(context.villages["village_code"], context.villages["village_name"]))})
    return planning.solved(
        context, effects, request, figures, mode="projects",
        projects=json.loads(listed.to_json(orient="records", force_ascii=False)),  # plain JSON types
        rules=list(dict.fromkeys(g.name for g in choice.rules)),
        supported={c: bool(v) for c, v in zip(context.categories, support)},
        solver={"objective": request.objective, "objective_zh": planning.OBJECTIVES[request.objective],
                "value": solution.value, "upper_bound": solution.upper_bound, "gap": solution.gap,
                "iterations": 1, "seconds": solution.seconds},
        notes=[*choice.notes, f"整项目方案:选中 {int(solution.chosen.sum())} / {len(pool)} 个项目"
               f"(续建 {int(pool['continuing'].sum())} 个优先安排),预算余 {_wan(max(left, 0.0))}。"])


def solve(context: Context, effects: Effects, request: planning.Request, projects: pd.DataFrame) -> planning.Plan:
    """The plan of a request in its mode: whole projects (run) or fractions (plan.run)."""
    return run(context, effects, request, projects) if request.mode == "projects" else planning.run(context, effects, request)
