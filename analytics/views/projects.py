"""资金资产项目管理 and 监督检查: the project pool, disbursement, the industry share, the assets
formed, and the projects an inspector should look at first.

A project's `village_code` is a 12-digit village code, or a 9-digit township code for a
township-wide project; either way its first 9 digits are the township.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data.contract import PROJECT_CATEGORIES, PROJECT_STATUSES, township_of
from analytics.data.funds import IndustryRule

# What a completed project leaves behind, following the usual classification of 扶贫项目资产:
# 经营性资产 earn income (plantations, workshops, cold stores), 公益性资产 serve the public
# (roads, water works, service centres, resettlement facilities); subsidies, training and
# management fees form no asset.
NO_ASSET = "不形成资产"
ASSET_CLASSES: dict[str, str] = {
    "产业发展": "经营性资产",
    "乡村建设": "公益性资产",
    "公共服务": "公益性资产",
    "易地搬迁后扶": "公益性资产",
    "巩固三保障": "公益性资产",
    "就业帮扶": NO_ASSET,
    "乡村治理": NO_ASSET,
    "其他": NO_ASSET,
}
LAG = "进度滞后"
SCALE = "超出本村常规规模"
ON_SCHEDULE, NEAR_SCHEDULE, BEHIND_SCHEDULE = "达到序时进度", "略低于序时进度", "明显落后"


def with_places(projects: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame) -> pd.DataFrame:
    """Projects with township code and name, village name (empty for township-wide) and paid share."""
    out = projects.copy()
    out["township_code"] = township_of(out["village_code"])
    out = out.merge(townships[["township_code", "township_name"]], on="township_code", how="left")
    names = villages.set_index("village_code")["village_name"]
    out["village_name"] = out["village_code"].map(names).fillna("(全乡镇)")
    out["paid_share"] = (out["disbursed_wan"] / out["funds_wan"] * 100).where(out["funds_wan"] > 0)
    return out


def library(projects: pd.DataFrame, value: str = "funds_wan") -> pd.DataFrame:
    """The project pool: categories x statuses, funds (万元) or project counts (value="count")."""
    if value == "count":
        table = projects.pivot_table(index="category", columns="status", values="project_id", aggfunc="count")
    else:
        table = projects.pivot_table(index="category", columns="status", values=value, aggfunc="sum")
    table = table.reindex(index=list(PROJECT_CATEGORIES), columns=list(PROJECT_STATUSES)).fillna(0)
    table = table.loc[:, table.sum() > 0]
    table["合计"] = table.sum(axis=1)
    return table[table["合计"] > 0]


def progress(projects: pd.DataFrame, by: str) -> pd.DataFrame:
    """Funds, paid and paid share (%) per `by` (township_name, village_name, category, ...),
    least paid first. Reserve (储备) projects are left out: they have no budget yet."""
    active = projects[projects["status"] != "储备"]
    keys = [by] if by != "village_name" else ["township_name", "village_name"]
    out = active.groupby(keys, as_index=False).agg(
        projects=("project_id", "count"), funds_wan=("funds_wan", "sum"), disbursed_wan=("disbursed_wan", "sum"))
    out["paid_share"] = (out["disbursed_wan"] / out["funds_wan"] * 100).where(out["funds_wan"] > 0)
    return out.sort_values("paid_share").reset_index(drop=True)


def industry_share(projects: pd.DataFrame, rule: IndustryRule) -> pd.DataFrame:
    """Per year: funds of the sources the rule counts, their industry part, the share (0-1),
    whether it meets the rule and the 力争 line, and the funds of other sources (not counted)."""
    out = rule.totals(projects, projects["year"].rename("year"))
    out["other_sources_wan"] = projects.groupby("year")["funds_wan"].sum() - out["funds_wan"]
    out["meets_rule"] = out["share"] >= rule.minimum
    out["meets_target"] = out["share"] >= rule.target
    return out.reset_index()


def assets(projects: pd.DataFrame) -> pd.DataFrame:
    """Assets formed by completed projects: funds (万元) and projects per year and asset class
    (projects that form no asset are left out)."""
    done = projects[projects["status"] == "已完工"].assign(asset_class=lambda d: d["category"].map(ASSET_CLASSES))
    done = done[done["asset_class"] != NO_ASSET]
    out = done.groupby(["year", "asset_class"], as_index=False).agg(
        projects=("project_id", "count"), funds_wan=("funds_wan", "sum"))
    return out


def expected_share(year: int, as_of: tuple[int, int], schedule: list[float]) -> float:
    """Share of a year-`year` project's funds that should be paid by (as_of year, month)."""
    as_of_year, month = as_of
    if as_of_year > year:
        return 1.0
    if as_of_year < year:
        return 0.0
    return float(schedule[month - 1])


def usual_scale(projects: pd.DataFrame) -> pd.DataFrame:
    """Per place (village or township-wide code) and year: the median yearly total funds of that
    place over its OTHER years with projects, the usual scale a project is compared with. NaN
    where the place has fewer than two other years."""
    wide = projects.pivot_table(index="village_code", columns="year", values="funds_wan", aggfunc="sum")
    values = wide.to_numpy()
    usual = {}
    for i, year in enumerate(wide.columns):
        other = np.delete(values, i, axis=1)
        enough = (~np.isnan(other)).sum(axis=1) >= 2
        with np.errstate(all="ignore"):
            usual[year] = np.where(enough, np.nanmedian(np.where(enough[:, None], other, 0.0), axis=1), np.nan)
    out = pd.DataFrame(usual, index=wide.index).stack().rename("usual_wan").reset_index()
    return out.rename(columns={"level_1": "year"})


SEVERITIES = ("严重", "较重", "一般")  # most severe first


@dataclass(frozen=True)
class Severity:
    """Where a flagged project's severity steps up. `lag_points`: the three gaps (percentage
    points behind the schedule line) from which a project under way is 一般, 较重, 严重; a smaller
    gap is within tolerance and not flagged. `scale_ratios`: the two multiples of its place's
    usual yearly funds from which a project above the usual scale is 较重, 严重."""

    lag_points: tuple[float, ...]
    scale_ratios: tuple[float, ...]

    @classmethod
    def from_settings(cls) -> Severity:
        return cls(tuple(settings.numbers("funds.lag_severity_points")),
                   tuple(settings.numbers("funds.scale_severity_ratios")))

    def lag_level(self, gap: pd.Series) -> pd.Series:
        """0 (not flagged) to 3 (严重) per gap in percentage points."""
        return sum((gap >= p).astype(int) for p in self.lag_points)

    def scale_level(self, ratio: pd.Series, flagged: pd.Series) -> pd.Series:
        """1 (一般) to 3 (严重) per flagged ratio to the usual scale, 0 where not flagged."""
        return (1 + sum((ratio >= r).astype(int) for r in self.scale_ratios)).where(flagged, 0)


def flags(projects: pd.DataFrame, as_of: tuple[int, int], schedule: list[float], scale_ratio: float,
          severity: Severity, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Projects an inspector should look at, most severe first (then the largest amount at
    stake), each with its reasons (Chinese) in `flag` and its level in `severity` (SEVERITIES).

    - 进度滞后: under way (实施中) and paid share behind the schedule line (what
      `schedule` expects by the as-of month) by at least the first of `severity.lag_points`;
      `gap` is that distance in percentage points, `shortfall_wan` in 万元.
    - 超出本村常规规模: funds above `scale_ratio` times the usual yearly funds of its place;
      `excess_wan` is the part above the usual scale.
    A project's severity is the higher of its two flags' levels (`Severity`). `history` holds
    every year's projects of the same places (default: `projects`), so the usual scale of a year
    is judged against the other years.
    """
    usual = usual_scale(projects if history is None else history)
    out = projects.merge(usual, on=["village_code", "year"], how="left")
    expected = out["year"].map(lambda y: expected_share(int(y), as_of, schedule)) * 100
    paid = (out["disbursed_wan"] / out["funds_wan"] * 100).where(out["funds_wan"] > 0, 100.0)
    behind = (expected - paid).where(out["status"].eq("实施中"), 0.0)
    lag_level = severity.lag_level(behind.round(1))
    lag = lag_level > 0
    ratio = out["funds_wan"] / out["usual_wan"]
    scale = out["usual_wan"].notna() & (out["funds_wan"] > scale_ratio * out["usual_wan"])
    level = np.maximum(lag_level, severity.scale_level(ratio, scale))
    out["expected_share"] = expected.round(1)
    out["gap"] = behind.where(lag).round(1)
    out["shortfall_wan"] = (out["funds_wan"] * out["gap"] / 100).round(1)
    out["scale_ratio"] = ratio.where(scale).round(1)
    out["excess_wan"] = (out["funds_wan"] - out["usual_wan"]).where(scale).round(1)
    out["flag"] = ["、".join(name for name, hit in ((LAG, a), (SCALE, b)) if hit) for a, b in zip(lag, scale)]
    out["severity"] = [SEVERITIES[3 - v] if v else "" for v in level]
    out = out.assign(_level=level, _stake=out[["shortfall_wan", "excess_wan"]].max(axis=1))[lag | scale]
    return out.sort_values(["_level", "_stake", "project_id"], ascending=[False, False, True]).drop(
        columns=["_level", "_stake"]).reset_index(drop=True)


def schedule_status(progress: pd.DataFrame, expected: float, tolerance: float) -> pd.Series:
    """Each row's paid share (%) against the schedule line `expected` (%): 达到序时进度 at or
    above it, 略低于序时进度 within `tolerance` points below, 明显落后 further below."""
    gap = expected - progress["paid_share"]
    return pd.Series(np.select([gap <= 0, gap < tolerance], [ON_SCHEDULE, NEAR_SCHEDULE], BEHIND_SCHEDULE),
                     index=progress.index)


def funds_by_status(projects: pd.DataFrame) -> pd.DataFrame:
    """Funds (万元) per year (rows) and status (columns, in the contract's order, 0 where none)."""
    return projects.pivot_table(index="year", columns="status", values="funds_wan", aggfunc="sum").reindex(
        columns=list(PROJECT_STATUSES)).fillna(0)


def assets_by_class(assets: pd.DataFrame) -> pd.DataFrame:
    """Funds (万元) of the assets formed per year (rows) and asset class (columns, in the
    order of ASSET_CLASSES, leaving out projects that form none)."""
    classes = [c for c in dict.fromkeys(ASSET_CLASSES.values()) if c != NO_ASSET]
    return assets.pivot_table(index="year", columns="asset_class", values="funds_wan", aggfunc="sum").reindex(
        columns=classes)
