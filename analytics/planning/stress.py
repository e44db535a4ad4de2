"""规模性返贫 stress test: what a fall in an income part, a change of medical spending or a new
monitoring line would do to the households of one year, before it happens.

The arithmetic is on recorded incomes: for a household in a shock's scope, per-capita net income
after the shock = (wage×(1+w) + business×(1+b) + property×(1+p) + transfer×(1+t) − production
expense) / household size; the production expense is unchanged and households outside every
shock's scope keep their income. It is computed as the recorded per-capita income plus the change
of the parts over the household size, which is the same number (the data contract requires the
recorded income to agree with its parts) and leaves a shock of 0 exactly at the recorded figure.

The model's response: the shocked rows are fed through the relapse model's own features
(`features.reprice`, everything else as recorded), so `expected_relapse_after` is the model's
expected number of relapses next year under the shock. It knows nothing of behaviour (households
finding other work), and it was fitted on past years: a change beyond `stress.extrapolation_change`
is flagged as extrapolation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data.contract import HOUSEHOLD_TYPES, INCOME_PARTS, is_unresolved, township_of
from analytics.risk import features as risk_features
from analytics.risk.features import LabelSpec
from analytics.risk.model import RiskModel

PARTS = dict(zip(("wage", "business", "property", "transfer"), INCOME_PARTS))  # command-line name -> column
PART_ZH = {"wage": "工资性收入", "business": "生产经营性收入", "property": "财产性收入", "transfer": "转移性收入"}
SCENARIO_KIND = "压力测试"  # the scenario store's kind for stress scenarios (planning.scenarios)


class StressError(ValueError):
    """A stress request the user must correct; the message is Chinese and names the value."""


@dataclass(frozen=True)
class Shock:
    """Relative changes (-0.3 is a 30% fall) of income parts and of medical spending, for the
    households in scope: in any of `townships` or `villages` (all places when both are empty),
    and of `household_type` when given."""

    changes: dict[str, float] = field(default_factory=dict)  # wage/business/property/transfer -> change
    medical: float = 0.0
    townships: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()
    household_type: str | None = None
    name: str = ""

    def check(self) -> None:
        for part, change in self.changes.items():
            if part not in PARTS:
                raise StressError(f"收入项“{part}”不存在,应为 {'、'.join(PARTS)} 之一。")
            if not np.isfinite(change) or change < -1:
                raise StressError(f"{PART_ZH[part]}的变化 {change} 无效:应为不小于 -1 的比例(-0.3 表示下降 30%)。")
        if not np.isfinite(self.medical) or self.medical < -1:
            raise StressError(f"医疗支出的变化 {self.medical} 无效:应为不小于 -1 的比例。")
        if self.household_type is not None and self.household_type not in HOUSEHOLD_TYPES:
            raise StressError(f"户类型“{self.household_type}”无效,应为 {'、'.join(HOUSEHOLD_TYPES)} 之一。")

    def in_scope(self, rows: pd.DataFrame) -> pd.Series:
        places = pd.Series(not (self.townships or self.villages), index=rows.index)
        if self.townships:
            places |= township_of(rows["village_code"]).isin(self.townships).to_numpy()
        if self.villages:
            places |= rows["village_code"].isin(self.villages)
        if self.household_type:
            places &= rows["household_type"].eq(self.household_type)
        return places

    def largest(self) -> float:
        return max([abs(c) for c in self.changes.values()] + [abs(self.medical)])

    def to_dict(self) -> dict:
        return {"changes": dict(self.changes), "medical": self.medical, "townships": list(self.townships),
                "villages": list(self.villages), "household_type": self.household_type, "name": self.name}

    @classmethod
    def from_dict(cls, d: dict) -> Shock:
        return cls({k: float(v) for k, v in d.get("changes", {}).items()}, float(d.get("medical", 0.0)),
                   tuple(d.get("townships", ())), tuple(d.get("villages", ())), d.get("household_type"),
                   d.get("name", ""))


@dataclass(frozen=True)
class Scenario:
    """Shocks (a household in several scopes takes each: changes multiply) and, optionally, a
    monitoring line that replaces the year's own for the "after" figures."""

    shocks: tuple[Shock, ...] = ()
    line: float | None = None

    def check(self) -> None:
        for shock in self.shocks:
            shock.check()
        if self.line is not None and (not np.isfinite(self.line) or self.line <= 0):
            raise StressError(f"监测线 {self.line} 元无效:应大于 0。")

    def to_dict(self) -> dict:
        return {"shocks": [s.to_dict() for s in self.shocks], "line": self.line}

    @classmethod
    def from_dict(cls, d: dict) -> Scenario:
        line = d.get("line")
        return cls(tuple(Shock.from_dict(s) for s in d.get("shocks", ())), None if line is None else float(line))


@dataclass(frozen=True)
class Baseline:
    """One year's households as recorded, their features and the model's probabilities: what
    every run of the year compares with (build it once, run many scenarios on it)."""

    year: int
    line: float
    rows: pd.DataFrame  # households of the year, index 0..n-1
    previous: pd.DataFrame  # households of the year before (for the model's change features)
    frame: pd.DataFrame  # the model's feature rows, aligned with `rows`
    probability: np.ndarray  # the model's probability of relapse next year (eligible rows; 0 otherwise)
    model: RiskModel


def baseline(tables: dict[str, pd.DataFrame], model: RiskModel, year: int | None = None) -> Baseline:
    """`tables`: households (at least the year and the one before), monitoring_lines and
    optionally villages and projects (as the model was trained with)."""
    h = tables["households"]
    year = int(h["year"].max()) if year is None else int(year)
    lines = tables["monitoring_lines"].set_index(tables["monitoring_lines"]["year"].astype(int))["threshold_yuan"]
    if year not in lines.index or not (h["year"] == year).any():
        raise StressError(f"{year} 年没有农户数据或监测收入标准,无法做压力测试。")
    both = h[h["year"].isin([year - 1, year])].reset_index(drop=True)
    built = risk_features.build({**tables, "households": both}, LabelSpec.from_settings())
    now = (both["year"] == year).to_numpy()
    frame = built.frame[now].reset_index(drop=True)
    rows = both[now].reset_index(drop=True)
    return Baseline(year, float(lines[year]), rows, both[~now].reset_index(drop=True), frame,
                    _probability(model, frame), model)


def _probability(model: RiskModel, frame: pd.DataFrame) -> np.ndarray:
    """The model scores households not under unresolved monitoring; the others count 0."""
    return np.where(frame["eligible"].to_numpy(), model.predict_proba(frame)[:, 1], 0.0)


def shocked_rows(rows: pd.DataFrame, scenario: Scenario) -> tuple[pd.DataFrame, pd.Series]:
    """The household rows after the scenario's shocks, and which rows any shock reached."""
    factors = {part: np.ones(len(rows)) for part in PARTS}
    medical = np.ones(len(rows))
    reached = pd.Series(False, index=rows.index)
    for shock in scenario.shocks:
        scope = shock.in_scope(rows)
        reached |= scope
        where = scope.to_numpy()
        for part, change in shock.changes.items():
            factors[part][where] *= 1 + change
        medical[where] *= 1 + shock.medical
    out = rows.copy()
    size = rows["household_size"].clip(lower=1).astype(float)
    delta = sum(rows[column].astype(float) * (factors[part] - 1) for part, column in PARTS.items())
    out["per_capita_net_income"] = risk_features.net_income(rows) + delta / size
    for part, column in PARTS.items():
        out[column] = rows[column].astype(float) * factors[part]
    out["medical_out_of_pocket"] = rows["medical_out_of_pocket"].astype(float) * medical
    return out, reached


FIGURES = ("households", "people", "below_line_before", "below_line_after", "newly_below_line",
           "people_below_line_before", "people_below_line_after", "newly_people_below_line",
           "expected_relapse_before", "expected_relapse_after", "lift_cost_wan", "extra_visits")


@dataclass(frozen=True)
class Result:
    """A run's figures: `totals` over every household of the baseline (FIGURES), the same by
    township and village, and the households newly below the line for the desk."""

    year: int
    line_before: float
    line_after: float
    households_in_scope: int
    totals: dict[str, float]
    by_township: pd.DataFrame
    by_village: pd.DataFrame
    newly_below: pd.DataFrame  # household_id, village_code, income before/after, gap, monitored
    extrapolation: tuple[str, ...]

    def summary(self) -> dict:
        """The headline figures, as plain data (what a saved scenario keeps and a slide shows)."""
        t = self.totals
        return {"year": self.year, "line_before": self.line_before, "line_after": self.line_after,
                "households": self.households_in_scope, "households_total": int(t["households"]),
                "people_total": int(t["people"]),
                **{k: int(t[k]) for k in ("below_line_before", "below_line_after", "newly_below_line",
                                          "people_below_line_before", "people_below_line_after",
                                          "newly_people_below_line", "extra_visits")},
                "expected_relapse_before": round(float(t["expected_relapse_before"]), 1),
                "expected_relapse_after": round(float(t["expected_relapse_after"]), 1),
                "lift_cost_wan": round(float(t["lift_cost_wan"]), 2),
                "extrapolation": list(self.extrapolation)}

    def to_json(self) -> dict:
        return {**self.summary(), "by_township": _records(self.by_township),
                "by_village": _records(self.by_village)}


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (round(float(v), 2) if isinstance(v, float | np.floating) else
                 int(v) if isinstance(v, np.integer) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def run(base: Baseline, scenario: Scenario, townships: pd.DataFrame | None = None,
        villages: pd.DataFrame | None = None) -> Result:
    """Before and after figures of every household of the baseline's year, in 户 and 人, for the
    county and by township and village (named from `townships` / `villages` when given)."""
    scenario.check()
    rows = base.rows
    line_after = base.line if scenario.line is None else float(scenario.line)
    after_rows, reached = shocked_rows(rows, scenario)
    before, after = risk_features.net_income(rows), after_rows["per_capita_net_income"]
    if scenario.shocks or line_after != base.line:
        frame = risk_features.reprice(base.frame, after_rows, base.previous, line_after)
        probability = _probability(base.model, frame)
    else:
        probability = base.probability
    people = rows["household_size"].astype(float)
    below_before, below_after = before < base.line, after < line_after
    newly = below_after & ~below_before
    gap_yuan = ((line_after - after) * people).where(newly, 0.0)
    unmonitored = ~is_unresolved(rows)
    per_row = pd.DataFrame({
        "township_code": township_of(rows["village_code"]).to_numpy(), "village_code": rows["village_code"],
        "households": 1, "people": people,
        "below_line_before": below_before.astype(int), "below_line_after": below_after.astype(int),
        "newly_below_line": newly.astype(int),
        "people_below_line_before": people.where(below_before, 0.0),
        "people_below_line_after": people.where(below_after, 0.0),
        "newly_people_below_line": people.where(newly, 0.0),
        "expected_relapse_before": base.probability, "expected_relapse_after": probability,
        "lift_cost_wan": gap_yuan / 10_000, "extra_visits": (newly & unmonitored).astype(int),
    })
    by_township = _by(per_row, "township_code", townships, "township_name")
    by_village = _by(per_row, ["township_code", "village_code"], villages, "village_name")
    listed = pd.DataFrame({
        "household_id": rows["household_id"], "village_code": rows["village_code"],
        **{c: rows[c] for c in ("head_name",) if c in rows},
        "household_type": rows["household_type"], "household_size": rows["household_size"],
        "income_before": before.round(0), "income_after": after.round(0),
        "gap_yuan": (line_after - after).round(0), "monitored": ~unmonitored,
    })[newly.to_numpy()].sort_values("gap_yuan", ascending=False).reset_index(drop=True)
    in_scope = int(reached.sum()) if scenario.shocks else len(rows)  # a line alone reaches everyone
    return Result(base.year, base.line, line_after, in_scope,
                  per_row[list(FIGURES)].sum().to_dict(), by_township, by_village, listed,
                  extrapolation(scenario))


def _by(per_row: pd.DataFrame, keys: str | list[str], names: pd.DataFrame | None, name: str) -> pd.DataFrame:
    out = per_row.groupby(keys, observed=True)[list(FIGURES)].sum().reset_index()
    code = keys if isinstance(keys, str) else keys[-1]
    if names is not None:
        out.insert(out.columns.get_loc(code) + 1, name, out[code].map(dict(zip(names[code], names[name]))))
    people = [c for c in out.columns if c.startswith("people")]
    out[people] = out[people].astype(int)
    return out.sort_values(["newly_below_line", code], ascending=[False, True]).reset_index(drop=True)


def extrapolation(scenario: Scenario) -> tuple[str, ...]:
    """Chinese warnings for changes larger than the model has seen (stress.extrapolation_change)."""
    limit = settings.number("stress.extrapolation_change")
    out = []
    for shock in scenario.shocks:
        named = {PART_ZH[p]: c for p, c in shock.changes.items()} | {"医疗支出": shock.medical}
        for label, change in named.items():
            if abs(change) > limit:
                out.append(f"{shock.name or '冲击'}:{label}变化 {change:+.0%},超出 ±{limit:.0%},"
                           "远超模型训练所见的幅度,预计返贫数为外推,仅供参考。")
    return tuple(out)


def line_range(base: Baseline, lines: list[float], townships: pd.DataFrame | None = None) -> pd.DataFrame:
    """Monitoring-line what-if on recorded incomes: for each line, per township, households and
    people below it and those of them not yet monitoring objects (the extra monitoring workload)."""
    rows = base.rows
    value = risk_features.net_income(rows).to_numpy()
    people = rows["household_size"].to_numpy(dtype=float)
    town = township_of(rows["village_code"]).to_numpy()
    unmonitored = (~is_unresolved(rows)).to_numpy()
    parts = []
    for line in lines:
        below = value < line
        parts.append(pd.DataFrame({"line": float(line), "township_code": town, "below_line": below.astype(int),
                                   "people_below_line": np.where(below, people, 0.0),
                                   "extra_visits": (below & unmonitored).astype(int)}))
    out = pd.concat(parts).groupby(["line", "township_code"], observed=True).sum().reset_index()
    out["people_below_line"] = out["people_below_line"].astype(int)
    if townships is not None:
        out.insert(2, "township_name", out["township_code"].map(dict(zip(townships["township_code"],
                                                                          townships["township_name"]))))
    return out


def line_steps(line: float, top: float = 0.2, steps: int = 5) -> list[float]:
    """The current line up to +`top` in `steps` equal steps, rounded to 10 yuan."""
    return [round(line * (1 + top * i / steps) / 10) * 10 for i in range(steps + 1)]


# Presets a county recognises; each is a starting point the page lets the user edit.
PRESETS: dict[str, dict] = {
    "务工收入下降": {"changes": {"wage": -0.3}, "scope": "townships"},
    "自然灾害": {"changes": {"business": -0.5}, "scope": "villages"},
    "政策退坡": {"changes": {"transfer": -0.2}, "household_type": "脱贫户"},
    "监测线上调": {"line_rise": 500.0},
}


def preset_scope(name: str, villages: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Default places of a preset: migrant work falls in the townships where most villages are
    山区; a flood hits the 平原 villages of the township that has most of them (along the river).
    The user edits them."""
    kind = PRESETS[name].get("scope")
    if kind == "townships":
        mountain = villages.assign(m=villages["terrain"].eq("山区")).groupby("township_code")["m"].mean()
        return tuple(sorted(mountain[mountain > 0.5].index)), ()
    if kind == "villages":
        plain = villages[villages["terrain"].eq("平原")]
        if plain.empty:
            return (), ()
        town = plain["township_code"].value_counts().sort_index().idxmax()
        return (), tuple(sorted(plain.loc[plain["township_code"].eq(town), "village_code"]))
    return (), ()


def default_scenario(villages: pd.DataFrame) -> Scenario:
    """The first preset with its default places: what the page opens with, and what the meeting
    deck shows before anyone has chosen a scenario."""
    name = next(iter(PRESETS))
    towns, places = preset_scope(name, villages)
    preset = PRESETS[name]
    return Scenario((Shock(dict(preset["changes"]), 0.0, towns, places, preset.get("household_type"), name),))
