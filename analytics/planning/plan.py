"""A plan as planners see it: the county's data turned into the optimiser's inputs, the
objectives built from the effects, and the figures of an allocation and of the baselines.

analytics.planning.allocation holds the optimiser, the rules and the baselines; analytics.planning.response the
effects. `run` puts them together; its Plan is what the page shows, and Plan.to_dict what the command
prints and a saved scenario keeps.

Objectives, per unit of g = log(1 + thousand yuan per household) in village v, category c:
- risk: households at risk in v (not under unresolved monitoring) × the fall of the relapse
  rate; the total is the expected number of relapse-risk households avoided next year;
- score: 1 for lagging villages (the last tier of analytics.scoring.composite) × overall-score points,
  derived from the indicator effects with the scorer's points per indicator unit;
- blend: both, each divided by its value under the equal-per-village split, weighted.

Cautious plans (the default, Request.cautious). Effects are shrunk toward zero
(response.shrink) and only a category whose effect on the objective is supported by the data
(its interval excludes zero on the good side: `supported`) is valued; the others count as zero.
Stability rules (`stability_rules`) then keep every category near last year's share: a
supported one moves at most allocation.max_share_change; an unsupported one keeps at least half
its share (and at most that change less) and rises at most allocation.uncertain_share_rise,
unless the industry-share rule needs its categories to rise. So money moves away from last
year's pattern only where the evidence supports it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import DIMENSIONS, PROJECT_CATEGORIES
from analytics.data.funds import village_funds
from analytics.data.store import Store
from analytics.planning import sources
from analytics.planning.allocation import (
    BASELINES,
    AllocationError,
    Constraints,
    Context,
    baseline_equal,
    baselines,
    industry_floor_wan,
    objective_value,
    optimise,
    rule_names,
    violations,
)
from analytics.planning.response import HOUSEHOLD_COLUMNS as RESPONSE_COLUMNS
from analytics.planning.response import RELAPSE, SOURCE_ZH, Effects, Override, outcome_info, relapse_rates
from analytics.risk.features import LabelSpec
from analytics.scoring import composite as scoring

POOL_STATUS = "储备"
OBJECTIVES = {"risk": "减少返贫致贫风险户", "score": "提高滞后村综合得分", "blend": "两者加权"}
# How money is planned: fractions per village and category (run), or whole 储备 projects of the
# 项目库 (analytics.planning.projects).
MODES = {"fractional": "按村按类别分配资金", "projects": "从项目库整项目选择储备项目"}


@dataclass(frozen=True)
class Request:
    """What a planner asks: the rules, the objective and, for `blend`, the weight of risk."""

    constraints: Constraints
    objective: str = "risk"
    blend_weight: float = field(default_factory=lambda: settings.number("allocation.blend_risk_weight"))
    cautious: bool = True
    mode: str = "fractional"

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise AllocationError(f"未知的目标“{self.objective}”,可选:{'、'.join(OBJECTIVES)}(risk/score/blend)。")
        if self.mode not in MODES:
            raise AllocationError(f"未知的方式“{self.mode}”,可选:{'、'.join(MODES)}(fractional/projects)。")
        if not 0.0 <= self.blend_weight <= 1.0:
            raise AllocationError(f"加权目标中“减少风险户”的权重应在 0 到 1 之间,当前为 {self.blend_weight}。")


def request_to_dict(request: Request, overrides: tuple[Override, ...] = ()) -> dict:
    """A request and the planner's effect overrides as plain JSON data (for saved scenarios)."""
    return {"constraints": asdict(request.constraints), "objective": request.objective,
            "blend_weight": request.blend_weight, "cautious": request.cautious, "mode": request.mode,
            "overrides": [asdict(o) for o in overrides]}


def request_from_dict(data: dict) -> tuple[Request, tuple[Override, ...]]:
    """The inverse of `request_to_dict`."""
    c = dict(data["constraints"])
    for key in ("township_min_wan", "township_max_wan", "category_min_share", "category_max_share"):
        c[key] = tuple((str(t), float(v)) for t, v in c.get(key, ()))
    c["keep_last_year"] = tuple(c.get("keep_last_year", ()))
    request = Request(Constraints(**c), data.get("objective", "risk"), float(data.get("blend_weight", 0.5)),
                      bool(data.get("cautious", True)), str(data.get("mode", "fractional")))
    return request, tuple(Override(**o) for o in data.get("overrides", ()))


@dataclass(frozen=True)
class Figures:
    """The figures of one allocation, the optimiser's or a baseline's (`label` names a baseline):
    funds per village and category, totals, the expected effects with intervals, the objectives
    and the rules it breaks."""

    allocation: list[dict]  # village_code, category, funds_wan (pairs with funds only)
    totals_by_category: dict[str, float]
    totals_by_township: dict[str, float]
    total_wan: float
    industry_share: float
    effects: list[dict]  # key, label, unit, estimate, low, high, level, assumed
    objectives: dict[str, float]
    violations: list[str]
    label: str | None = None

    def effect(self, key: str) -> dict:
        return next(e for e in self.effects if e["key"] == key)

    def to_dict(self) -> dict:
        """Plain JSON data (a baseline's label first, as `allocate --json` prints it)."""
        out = {f.name: getattr(self, f.name) for f in fields(Figures) if f.name != "label"}
        return {"label": self.label, **out} if self.label is not None else out


@dataclass(frozen=True, kw_only=True)
class Plan(Figures):
    """A solved plan: its figures, the rules it kept, the effects it used and why, the solver's
    report, the baselines beside it and the notes a planner reads. `to_dict` is what the command
    prints and a scenario keeps; `mode` "projects" adds the 项目库 with what is funded."""

    rules: list[str]
    cautious: bool
    effects_used: str  # "shrunk" or "raw"
    supported: dict[str, bool]
    solver: dict  # objective, objective_zh, value, upper_bound, gap, iterations, seconds
    baselines: dict[str, Figures]
    effect_sources: list[dict]
    overrides: list[dict]
    year: int
    notes: list[str]
    fund_plan: dict = field(default_factory=dict)  # per source: budget, reserved, left for villages; lines by source
    mode: str = "fractional"
    projects: list[dict] | None = None  # the projects mode: every project in scope, `selected` or not

    def to_dict(self) -> dict:
        out = Figures.to_dict(self)
        for f in fields(Plan):
            if f.name not in out and f.name != "label" and not (f.name in ("mode", "projects")
                                                                 and self.mode == "fractional"):
                out[f.name] = getattr(self, f.name)
        out["baselines"] = {name: b.to_dict() for name, b in self.baselines.items()}
        return out


def snapshot_tables(store: Store, snapshot_id: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables a plan reads from a snapshot. Household rows are never held whole: `relapse`
    (response.relapse_rates) is counted two years at a time, and `households` keeps only the
    last year's village and relocation flag."""
    tables = {name: store.table(name, snapshot_id) for name in
              ("villages", "townships", "projects", "village_year", "monitoring_lines")}
    years = sorted(int(y) for y in tables["village_year"]["year"].unique())
    tables["relapse"] = _relapse(store, snapshot_id, years, tables["monitoring_lines"])
    tables["households"] = store.rows("households", snapshot_id, year=years[-1] if years else None,
                                      columns=["year", "village_code", "relocated"])
    tables["indicator_values"] = indicators.load_values(store, snapshot_id)
    return tables


def _relapse(store: Store, snapshot_id: str | None, years: list[int], lines: pd.DataFrame) -> pd.DataFrame:
    """relapse_rates two years at a time: each pair gives its second year's rates, so no more
    than two years of household rows are held at once (two million at a million households)."""
    def rows(**where: object) -> pd.DataFrame:
        return store.rows("households", snapshot_id, columns=list(RESPONSE_COLUMNS), **where)

    label = LabelSpec.from_settings()
    parts = [relapse_rates(rows(where=(("year", "in", [year, year + 1]),)), lines, label) for year in years[:-1]]
    return pd.concat(parts, ignore_index=True) if parts else relapse_rates(rows(villages=[]), lines, label)


def plan_year(projects: pd.DataFrame, households: pd.DataFrame) -> int:
    """The year being planned: the year of the 储备 projects, else the year after the data."""
    pool = projects.loc[projects["status"] == POOL_STATUS, "year"]
    return int(pool.max()) if len(pool) else int(households["year"].max()) + 1


def build_context(tables: dict[str, pd.DataFrame], year: int | None = None) -> Context:
    """The county as the planner sees it in `year` (default: the year of the 储备 projects).

    tables: villages, townships, projects, village_year, households (at least year,
    village_code, relocated) and indicator_values (analytics.data.indicators.values)."""
    villages = tables["villages"].sort_values("village_code", ignore_index=True)
    codes = villages["village_code"]
    projects, households = tables["projects"], tables["households"]
    year = int(year if year is not None else plan_year(projects, households))
    funds = village_funds(projects)
    last_year = _year_matrix(funds, codes, year - 1)
    pool = _year_matrix(village_funds(projects, (POOL_STATUS,)), codes, year)
    vy = tables["village_year"]
    latest = vy[vy["year"] == vy["year"].max()].set_index("village_code").reindex(codes)
    at_risk = (latest["households"] - latest["monitored_unresolved"]).fillna(villages.set_index("village_code")["households"])
    lagging, points, notes = _scores(tables["indicator_values"], villages)
    return Context(
        year=year,
        villages=villages[["village_code", "village_name", "township_code", "households", "is_key_village",
                           "is_relocation_site"]].copy(),
        township_names=dict(zip(tables["townships"]["township_code"], tables["townships"]["township_name"])),
        last_year=last_year, pool=pool, at_risk=at_risk.to_numpy(float), lagging=lagging,
        score_points=points, factors=_factors(villages, latest, households), notes=notes,
    )


def _year_matrix(funds: pd.DataFrame, codes: pd.Series, year: int) -> np.ndarray:
    rows = funds.xs(year, level="year") if year in funds.index.get_level_values("year") else funds.iloc[:0]
    return rows.reindex(codes, fill_value=0.0).reindex(columns=list(PROJECT_CATEGORIES), fill_value=0.0).to_numpy(float)


def _scores(values: pd.DataFrame, villages: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame, list[str]]:
    """Lagging villages in the latest year, and score points per indicator unit (overall and
    per dimension) from the county's scoring method, with bounds fixed on the history."""
    scorer = scoring.CompositeScorer.from_settings(scoring.Method.from_settings()).fit(values)
    latest = int(values["year"].max())
    tiers = scoring.Tiers.from_settings()
    table = scoring.score_villages(values[values["year"] == latest], villages, scorer, tiers)
    lagging = villages["village_code"].isin(table.loc[table["tier"] == tiers.last, "village_code"]).to_numpy()
    notes = list(scorer.notes_)
    if not lagging.any():
        notes.append(f"{latest} 年没有“{tiers.last}”档的村:“提高滞后村得分”按全部村计算。")
        lagging = np.ones(len(villages), bool)
    overall = scorer.points_per_unit_
    dims = scorer.catalogue_["dimension"]
    points = pd.DataFrame({"overall": overall})
    for d in DIMENSIONS:
        weight = scorer.dimension_weights_.get(d, 0.0)
        points[d] = (overall / weight).where(dims == d, 0.0) if weight > 0 else 0.0
    return lagging, points.fillna(0.0), notes


def _factors(villages: pd.DataFrame, latest: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """The factor-method inputs per village (in village order)."""
    codes = villages["village_code"]
    income = latest["income_total"] / latest["people"]
    county_income = latest["income_total"].sum() / latest["people"].sum()
    last = households[households["year"] == households["year"].max()]
    relocated = last.groupby("village_code")["relocated"].sum().reindex(codes).fillna(0)
    return pd.DataFrame({
        "poor_people": latest["poor_people"].to_numpy(float),
        "monitored": latest["monitored_unresolved"].to_numpy(float),
        "income_gap": (latest["people"] * county_income / income.where(income > 0)).fillna(0).to_numpy(float),
        "key_village": villages["is_key_village"].astype(float).to_numpy(),
        "relocated": relocated.to_numpy(float),
    }, index=codes.to_numpy())


def per_unit(context: Context, effects: Effects) -> dict[str, np.ndarray]:
    """Per category, per unit of g: fall of the relapse rate (points) and gain of the overall
    score and of each dimension score (points), derived from the indicator effects."""
    out = {"relapse": -effects.matrix(RELAPSE)}
    for column in context.score_points.columns:
        out[column] = sum((effects.matrix(code) * pts for code, pts in context.score_points[column].items()
                           if pts and code in effects.outcomes), np.zeros(len(context.categories)))
    return out


def objective_weights(context: Context, effects: Effects, objective: str, blend_weight: float = 0.5) -> np.ndarray:
    """a[v, c]: the objective per unit of g. Effects pointing the harmful way count as zero in
    the objective (funds are not assumed to do harm); they are still shown and predicted."""
    units = per_unit(context, effects)
    risk = context.at_risk[:, None] / 100 * np.clip(units["relapse"], 0, None)[None, :]
    score = context.lagging.astype(float)[:, None] * np.clip(units["overall"], 0, None)[None, :]
    if objective == "risk":
        return risk
    if objective == "score":
        return score
    reference = context.intensity(baseline_equal(context, context.default_budget() or 1.0))
    parts = [(blend_weight, risk), (1 - blend_weight, score)]
    return sum((w * a / ref for w, a in parts if (ref := float((a * reference).sum())) > 0),
               np.zeros_like(risk))


def supported(context: Context, effects: Effects, objective: str) -> np.ndarray:
    """Per category: does the data support a benefit on the objective? The fall of the relapse
    rate (risk) or the overall score gain (score) must have its whole interval above zero;
    blend needs either."""
    eye = np.eye(len(context.categories))
    risk = np.array([-effects.combine({RELAPSE: row})[2] > 0 for row in eye])
    score = np.array([effects.combine(_score_weights(context, "overall", row))[1] > 0 for row in eye])
    return {"risk": risk, "score": score}.get(objective, risk | score)


def stability_rules(context: Context, constraints: Constraints, support: np.ndarray) -> Constraints:
    """The planner's rules plus the stability band around last year's category shares (module
    docstring). A floor or ceiling the planner set replaces the band for its category; where a
    rule (the planner's bounds, the industry share) needs room, the band of the categories the
    planner left alone widens, in proportion to last year's shares, just enough to make it."""
    cats = list(context.categories)
    totals = context.last_year.sum(axis=0)
    share = totals / totals.sum() if totals.sum() > 0 else np.full(len(totals), 1 / len(totals))
    change = settings.number("allocation.max_share_change")
    rise = settings.number("allocation.uncertain_share_rise")
    low = np.where(support, share - change, share - np.minimum(change, share / 2)).clip(0, 1)
    high = np.where(support, share + change, share + rise).clip(0, 1)
    mins, maxs = constraints.category_shares("min"), constraints.category_shares("max")
    set_low = np.array([c in mins for c in cats])
    set_high = np.array([c in maxs for c in cats])
    low = np.where(set_low, [mins.get(c, 0.0) for c in cats], low)
    high = np.where(set_high, [maxs.get(c, 1.0) for c in cats], high)
    low = np.where(set_high & ~set_low, np.minimum(low, high), low)
    high = np.where(set_low & ~set_high, np.maximum(low, high), high)
    industry = np.isin(np.arange(len(cats)), context.industry)
    every = np.ones(len(cats), bool)
    need = min(max(industry_floor_wan(context, constraints) / max(constraints.budget_wan, 1e-9), 0.0), 1.0)
    _widen(high, need, industry, industry & ~set_high, share, up=True)
    _widen(low, 1.0 - need, ~industry, ~industry & ~set_low, share, up=False)
    _widen(high, 1.0, every, ~set_high, share, up=True)
    _widen(low, 1.0, every, ~set_low, share, up=False)
    return replace(constraints,
                   category_min_share=tuple((c, float(lo)) for c, lo in zip(cats, low)),
                   category_max_share=tuple((c, float(hi) + 1e-9) for c, hi in zip(cats, high)))


def _widen(bound: np.ndarray, target: float, over: np.ndarray, free: np.ndarray, share: np.ndarray,
           up: bool) -> None:
    """Move the `free` entries of `bound` (ceilings up, or floors down) until the sum over
    `over` reaches `target` (at least it for ceilings, at most it for floors)."""
    total = bound[over].sum()
    gap = target - total if up else total - target
    if gap <= 0 or not free.any():
        return
    if up:
        weights = np.where(free, share if share[free].sum() > 0 else 1.0, 0.0)
        bound += gap * weights / weights.sum()
    else:
        cut = min(gap / max(bound[free].sum(), 1e-12), 1.0)
        bound[free] *= 1 - cut


def corner_notes(context: Context, result: Figures) -> list[str]:
    """A plan at a corner says so: categories emptied that had funds last year, and a category
    taking far more than last year."""
    totals = context.last_year.sum(axis=0)
    last = totals / totals.sum() if totals.sum() > 0 else totals
    now = np.array([result.totals_by_category[c] for c in context.categories]) / max(result.total_wan, 1e-9)
    notes = []
    emptied = [c for c, a, b in zip(context.categories, last, now) if a > 0.01 and b < 1e-4]
    if emptied:
        notes.append(f"角点方案:{'、'.join(emptied)}上年有资金,本方案为 0。")
    for c, a, b in zip(context.categories, last, now):
        if b - a > 0.15:
            notes.append(f"角点方案:{c}占比由上年 {a:.0%} 升至 {b:.0%}。")
    return notes


def predicted_effects(context: Context, effects: Effects, funds: np.ndarray) -> list[dict]:
    """What the allocation is expected to achieve in the next year, with intervals."""
    x = context.intensity(funds)
    lagging = context.lagging.astype(float)
    items = [("relapse_households", "预计减少返贫致贫风险户", "户",
              {RELAPSE: -(context.at_risk @ x) / 100})]
    mean_lag, mean_all = lagging @ x / max(lagging.sum(), 1), x.mean(axis=0)
    items.append(("lagging_score", "滞后村综合得分平均提高", "分", _score_weights(context, "overall", mean_lag)))
    items.append(("county_score", "全县村均综合得分提高", "分", _score_weights(context, "overall", mean_all)))
    for d in DIMENSIONS:
        items.append((f"score_{d}", f"全县村均{d}得分提高", "分", _score_weights(context, d, mean_all)))
    out = []
    for key, label, unit, weights in items:
        estimate, low, high = effects.combine(weights)
        assumed = effects.assumed_terms(weights)
        out.append({"key": key, "label": label, "unit": unit, "estimate": estimate, "low": low, "high": high,
                    "level": effects.level, "assumed": assumed})
    return out


def _score_weights(context: Context, column: str, per_category: np.ndarray) -> dict[str, np.ndarray]:
    return {code: pts * per_category for code, pts in context.score_points[column].items() if pts}


def effect_table(context: Context, effects: Effects) -> pd.DataFrame:
    """Per category and unit of g: the relapse effect and the score effects, with intervals and
    their source. Score effects are derived from the indicator effects."""
    rows = []
    eye = np.eye(len(effects.categories))
    for i, category in enumerate(effects.categories):
        combos = [("relapse", outcome_info(RELAPSE).label + "(百分点)", {RELAPSE: eye[i]})]
        combos.append(("overall", "综合得分(分)", _score_weights(context, "overall", eye[i])))
        combos += [(d, f"{d}得分(分)", _score_weights(context, d, eye[i])) for d in DIMENSIONS]
        for key, label, weights in combos:
            estimate, low, high = effects.combine(weights)
            raw, raw_low, raw_high = effects.combine(weights, raw=True)
            assumed = effects.assumed_terms(weights)
            rows.append({"category": category, "outcome": key, "label": label, "estimate": estimate,
                         "low": low, "high": high, "raw_estimate": raw, "raw_low": raw_low, "raw_high": raw_high,
                         "source": "assumed" if assumed else "estimated",
                         "source_zh": SOURCE_ZH["assumed" if assumed else "estimated"]})
    return pd.DataFrame(rows)


def allocation_frame(context: Context, funds: np.ndarray) -> pd.DataFrame:
    """Long table: village_code, category, funds_wan (pairs with funds only)."""
    v = np.repeat(context.villages["village_code"].to_numpy(), len(context.categories))
    c = np.tile(np.array(context.categories), len(context.villages))
    frame = pd.DataFrame({"village_code": v, "category": c, "funds_wan": np.asarray(funds).ravel()})
    return frame[frame["funds_wan"] > 1e-4].reset_index(drop=True)


def summary(context: Context, effects: Effects, constraints: Constraints, funds: np.ndarray,
            label: str | None = None) -> Figures:
    """The figures of one allocation."""
    funds = np.where(np.asarray(funds) > 1e-6, funds, 0.0)
    by_category = funds.sum(axis=0)
    total = float(funds.sum())
    towns = pd.Series(funds.sum(axis=1), index=context.villages["township_code"]).groupby(level=0).sum()
    weights = {k: objective_weights(context, effects, k) for k in ("risk", "score")}
    return Figures(
        allocation=allocation_frame(context, funds).to_dict("records"),
        totals_by_category={c: float(v) for c, v in zip(context.categories, by_category)},
        totals_by_township={t: float(v) for t, v in towns.items()},
        total_wan=total,
        industry_share=sources.industry_share(context, constraints, by_category),
        effects=predicted_effects(context, effects, funds),
        objectives={k: objective_value(context, w, funds) for k, w in weights.items()},
        violations=violations(context, constraints, funds, tol=1e-4),
        label=label,
    )


def solved(context: Context, effects: Effects, request: Request, figures: Figures, **report) -> Plan:
    """A plan from its figures and the solver's report (rules, supported, solver, notes and, for
    whole projects, mode and projects), with the baselines and effect sources every plan shows."""
    notes = list(context.notes) + list(report.pop("notes", [])) + corner_notes(context, figures)
    if not context.lagging.any():
        notes.append("范围内没有“滞后”档的村:滞后村得分提高计为 0。")
    base = {name: summary(context, effects, request.constraints, funds, BASELINES[name])
            for name, funds in baselines(context, request.constraints.budget_wan).items()}
    return Plan(**{f.name: getattr(figures, f.name) for f in fields(Figures)}, cautious=request.cautious,
                effects_used="shrunk" if effects.shrunk else "raw", baselines=base,
                effect_sources=effect_table(context, effects).to_dict("records"),
                overrides=[asdict(o) for o in effects.overrides], year=context.year, notes=notes,
                fund_plan=sources.fund_plan(context, request.constraints, figures.totals_by_category), **report)


def run(context: Context, effects: Effects, request: Request, tol: float = 1e-5) -> Plan:
    """Solve the request and report it next to the baselines (each with the same figures)."""
    weights = objective_weights(context, effects, request.objective, request.blend_weight)
    rules = request.constraints
    support = supported(context, effects, request.objective)
    if request.cautious:
        weights = np.where(support[None, :], weights, 0.0)
        rules = stability_rules(context, rules, support)
    solution = optimise(context, weights, rules, tol=tol)
    return solved(context, effects, request, summary(context, effects, rules, solution.funds),
                  rules=rule_names(context, rules),
                  supported={c: bool(v) for c, v in zip(context.categories, support)},
                  solver={"objective": request.objective, "objective_zh": OBJECTIVES[request.objective],
                          "value": solution.objective, "upper_bound": solution.upper_bound, "gap": solution.gap,
                          "iterations": solution.iterations, "seconds": solution.seconds})


def funds_matrix(context: Context, allocation_rows: list[dict]) -> np.ndarray:
    """The V x C funds of an allocation list (as `summary` gives it), in the context's order."""
    frame = pd.DataFrame(allocation_rows, columns=["village_code", "category", "funds_wan"])
    wide = frame.pivot_table(index="village_code", columns="category", values="funds_wan", aggfunc="sum")
    wide = wide.reindex(index=context.villages["village_code"], columns=list(context.categories))
    return wide.fillna(0.0).to_numpy(float)


def allocation_table(context: Context, allocation_rows: list[dict]) -> pd.DataFrame:
    """One row per village: where it is, last year's funds, this plan's total and each category."""
    funds = funds_matrix(context, allocation_rows)
    v = context.villages
    table = pd.DataFrame({
        "township_code": v["township_code"],
        "township_name": v["township_code"].map(context.township_names),
        "village_code": v["village_code"],
        "village_name": v["village_name"],
        "is_key_village": v["is_key_village"].astype(bool),
        "households": v["households"],
        "last_year_wan": context.last_year.sum(axis=1),
        "total_wan": funds.sum(axis=1),
    })
    for i, category in enumerate(context.categories):
        table[category] = funds[:, i]
    return table.sort_values(["township_code", "village_code"], ignore_index=True)


def township_table(context: Context, result: Figures, constraints: Constraints) -> pd.DataFrame:
    """Per township: this plan's total, its share of the budget, and the township's bounds."""
    towns = pd.Series(result.totals_by_township, dtype=float)
    low, high = dict(constraints.township_min_wan), dict(constraints.township_max_wan)
    frame = pd.DataFrame({"township_code": towns.index, "funds_wan": towns.to_numpy()})
    frame["township_name"] = frame["township_code"].map(context.township_names)
    frame["share"] = frame["funds_wan"] / max(result.total_wan, 1e-9)
    frame["min_wan"] = frame["township_code"].map(low)
    frame["max_wan"] = frame["township_code"].map(high)
    return frame[["township_code", "township_name", "funds_wan", "share", "min_wan", "max_wan"]]


def comparison(plans: dict[str, dict]) -> pd.DataFrame:
    """Plans side by side (columns), one row per figure: totals, industry share, each effect
    with its interval, each category and the rules broken."""
    rows: dict[str, dict[str, str]] = {}
    for name, plan in plans.items():
        column = {"总额(万元)": f"{plan['total_wan']:,.1f}", "产业发展占比": f"{plan['industry_share']:.1%}",
                  "违反的约束": ";".join(v.split("(")[0] for v in plan.get("violations", [])) or "无"}
        for e in plan["effects"]:
            column[f"{e['label']}({e['unit']})"] = f"{e['estimate']:,.1f}({e['low']:,.1f} ~ {e['high']:,.1f})"
        for category, value in plan["totals_by_category"].items():
            column[f"{category}(万元)"] = f"{value:,.1f}"
        rows[name] = column
    return pd.DataFrame(rows).rename_axis("指标").reset_index()
