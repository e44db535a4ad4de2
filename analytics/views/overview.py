"""The county-at-a-glance figures: KPIs, village map values and trends, all from the
village_year aggregates so that any scope (county, township, village) is a plain sum."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.data.contract import MONITORING_CATEGORIES
from analytics.data.funds import IndustryRule


def households_people(households: int, people: int) -> str:
    """A count as official reports give it (户数与人数): "1,234户3,456人"."""
    return f"{households:,}户{people:,}人"


@dataclass(frozen=True)
class Kpis:
    year: int
    households: int
    poor_households: int
    monitored: int
    monitored_unresolved: int
    monitored_by_category: dict[str, int]
    eliminated_rate: float | None
    guarantee_problem: int
    people: int  # the people of each count above (户数与人数)
    poor_people: int
    monitored_people: int
    monitored_unresolved_people: int
    guarantee_problem_people: int
    poor_income: float | None
    poor_income_growth: float | None
    funds_wan: float
    industry_share: float | None


def _poor_income(vy: pd.DataFrame) -> float | None:
    people = vy["poor_people"].sum()
    return float(vy["poor_income_total"].sum() / people) if people else None


def kpis(village_year: pd.DataFrame, projects: pd.DataFrame, year: int, rule: IndustryRule) -> Kpis:
    """KPIs for one year over whatever villages the frames hold; the industry share as `rule`
    measures it (counted sources only)."""
    now = village_year[village_year["year"] == year]
    before = village_year[village_year["year"] == year - 1]
    income, income_before = _poor_income(now), _poor_income(before)
    growth = income / income_before - 1 if income and income_before else None
    monitored = int(now["monitored"].sum())
    funds = projects[projects["year"] == year]
    total = float(funds["funds_wan"].sum())
    return Kpis(
        year=year,
        households=int(now["households"].sum()),
        poor_households=int(now["poor_households"].sum()),
        monitored=monitored,
        monitored_unresolved=int(now["monitored_unresolved"].sum()),
        monitored_by_category={c: int(now[f"monitored_{c}"].sum()) for c in MONITORING_CATEGORIES},
        eliminated_rate=float(now["eliminated"].sum() / monitored) if monitored else None,
        guarantee_problem=int(now["guarantee_problem"].sum()),
        people=int(now["people"].sum()),
        poor_people=int(now["poor_people"].sum()),
        monitored_people=int(now["monitored_people"].sum()),
        monitored_unresolved_people=int(now["monitored_unresolved_people"].sum()),
        guarantee_problem_people=int(now["guarantee_problem_people"].sum()),
        poor_income=income,
        poor_income_growth=growth,
        funds_wan=total,
        industry_share=rule.share(funds),
    )


# Map metrics: id -> (Chinese label, unit, how to compute from summed village_year columns).
MAP_METRICS: dict[str, tuple[str, str]] = {
    "monitored_unresolved_share": ("未消除风险监测对象占比", "%"),
    "poor_income": ("脱贫户人均纯收入", "元"),
    "guarantee_problem": ("三保障及饮水问题户", "户"),
    "eliminated_rate": ("风险消除率", "%"),
}


def metric_values(village_year: pd.DataFrame, metric: str) -> pd.Series:
    """A map metric per row of summed village_year columns (villages, townships or years)."""
    vy = village_year
    if metric == "monitored_unresolved_share":
        return vy["monitored_unresolved"] / vy["households"] * 100
    if metric == "poor_income":
        return (vy["poor_income_total"] / vy["poor_people"]).where(vy["poor_people"] > 0)
    if metric == "guarantee_problem":
        return vy["guarantee_problem"].astype(float)
    if metric == "eliminated_rate":
        return (vy["eliminated"] / vy["monitored"] * 100).where(vy["monitored"] > 0)
    raise KeyError(metric)


def village_metric(village_year: pd.DataFrame, year: int, metric: str) -> pd.Series:
    """Metric per village for the map, indexed by village_code."""
    now = village_year[village_year["year"] == year].set_index("village_code")
    return metric_values(now, metric)


def trend(village_year: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Per year: 脱贫户 income against the monitoring line, and monitoring counts."""
    by_year = village_year.drop(columns="village_code").groupby("year").sum()
    out = pd.DataFrame({
        "poor_income": metric_values(by_year, "poor_income"),
        "monitored_unresolved": by_year["monitored_unresolved"],
        "eliminated": by_year["eliminated"],
        "newly_identified": by_year["newly_identified"],
        "guarantee_problem": by_year["guarantee_problem"],
    })
    out["line"] = lines.set_index("year")["threshold_yuan"].reindex(out.index)
    return out.reset_index()


def projects_in_scope(projects: pd.DataFrame, village_codes: pd.Index | list[str],
                      township_codes: list[str]) -> pd.DataFrame:
    """Projects of the chosen villages, plus township-wide projects of the chosen townships."""
    codes = set(village_codes) | set(township_codes)
    return projects[projects["village_code"].isin(codes)]


HIGHER_IS_BETTER = ("poor_income", "eliminated_rate")  # map metrics where a low value is the concern


def worst_villages(values: pd.Series, metric: str, names: pd.Series, n: int) -> pd.DataFrame:
    """The `n` villages a map metric flags most (highest, or lowest where higher is better),
    with their names and the value written with the metric's unit."""
    unit = MAP_METRICS[metric][1]
    worst = values.dropna().sort_values(ascending=metric in HIGHER_IS_BETTER).head(n)
    return pd.DataFrame({"village_name": worst.index.map(names),
                         "value": [f"{v:,.1f} {unit}" if unit == "%" else f"{v:,.0f} {unit}" for v in worst],
                         "village_code": worst.index})
