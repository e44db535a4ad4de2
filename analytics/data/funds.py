"""How fund amounts enter every response (the diminishing-returns scale, funds per village)
and the industry-share rule of the 衔接资金, each defined once, here.

The demo county generates its effects on the fund scale and the response model estimates them
on it. The industry-share rule (at least 55%, 力争 60%) applies to the central linkage funds,
not to every source: `IndustryRule` says which 资金来源 and which project categories count
(settings funds.industry_*), and projects, the overview, the deck, the planner and the
assessment all measure the share through it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data.contract import PROJECT_CATEGORIES

VILLAGE_CODE_LENGTH = 12  # township-wide projects carry a 9-digit township code instead


def fund_intensity(funds_wan: np.ndarray, households: np.ndarray) -> np.ndarray:
    """x = log(1 + thousand yuan per household): the diminishing-returns scale of every effect."""
    return np.log1p(np.asarray(funds_wan) * 10.0 / np.maximum(households, 1))


def village_funds(projects: pd.DataFrame, statuses: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Funds (万元) per village and year, one column per project category, zeros where none.

    Township-wide projects are left out: they cannot be attributed to one village.
    """
    rows = projects[projects["village_code"].astype(str).str.len() == VILLAGE_CODE_LENGTH]
    if statuses is not None:
        rows = rows[rows["status"].isin(statuses)]
    table = rows.pivot_table(index=["village_code", "year"], columns="category", values="funds_wan",
                             aggfunc="sum", fill_value=0.0, observed=True)
    return table.reindex(columns=list(PROJECT_CATEGORIES), fill_value=0.0).astype(float)


class FundsRuleError(ValueError):
    """A funds setting the county must correct; the message is Chinese and names the key."""


@dataclass(frozen=True)
class IndustryRule:
    """Industry share = funds of counted sources in industry categories / funds of counted
    sources. Projects of other sources, or with no source, are in neither part."""

    sources: tuple[str, ...]
    categories: tuple[str, ...]
    minimum: float  # the rule (0.55)
    target: float  # the 力争 line (0.60)

    @classmethod
    def from_settings(cls) -> IndustryRule:
        categories = settings.texts("funds.industry_categories")
        unknown = [c for c in categories if c not in PROJECT_CATEGORIES]
        if unknown or not categories:
            raise FundsRuleError(f"设置 funds.industry_categories 的值 {list(categories)} 无效:"
                                 f"应为项目类别({'、'.join(PROJECT_CATEGORIES)})中的一项或多项")
        sources = settings.texts("funds.industry_sources")
        if not sources:
            raise FundsRuleError("设置 funds.industry_sources 不能为空:至少列出一个计入产业占比的资金来源")
        return cls(sources, categories, settings.number("funds.industry_min_share"),
                   settings.number("funds.industry_target_share"))

    def counted(self, projects: pd.DataFrame) -> pd.Series:
        """Rows whose fund source the rule counts (an unknown or empty source does not)."""
        return projects["fund_source"].isin(self.sources)

    def industry(self, projects: pd.DataFrame) -> pd.Series:
        return self.counted(projects) & projects["category"].isin(self.categories)

    def totals(self, projects: pd.DataFrame, by: str | pd.Series | None = None) -> pd.DataFrame:
        """`funds_wan` (counted sources) and `industry_wan` per group of `by` (a column of
        `projects` or a Series aligned with it; None: one row), with `share` (0-1, NaN without
        counted funds)."""
        frame = pd.DataFrame({"funds_wan": projects["funds_wan"].where(self.counted(projects), 0.0),
                              "industry_wan": projects["funds_wan"].where(self.industry(projects), 0.0)})
        if by is None:
            out = frame.sum().to_frame().T
        else:
            out = frame.groupby(projects[by] if isinstance(by, str) else by).sum()
        out["share"] = (out["industry_wan"] / out["funds_wan"]).where(out["funds_wan"] > 0)
        return out

    def share(self, projects: pd.DataFrame) -> float | None:
        value = self.totals(projects)["share"].iloc[0]
        return None if pd.isna(value) else float(value)

    def describe(self) -> str:
        """The rule in words, for captions and the briefing."""
        return (f"{'、'.join(self.sources)}中{'、'.join(self.categories)}类项目资金占比,"
                f"不低于 {self.minimum:.0%},力争 {self.target:.0%}")
