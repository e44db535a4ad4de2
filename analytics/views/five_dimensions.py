"""Five-dimension scores as the 五大振兴 page and the meeting slide show them: means per
dimension, villages ranked with their names, and the comparison series of a trend or radar."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.data.contract import DIMENSIONS, DIMENSIONS_EN
from analytics.scoring.composite import OVERALL
from analytics.scoring.views import area_means


def dimension_names(english: bool) -> dict[str, str]:
    return {d: (DIMENSIONS_EN[d] if english else d) for d in DIMENSIONS}


def dimension_means(table: pd.DataFrame, year: int, english: bool = False) -> tuple[pd.Series, pd.Series | None]:
    """Average score per dimension in `year` and in the year before (None when not scored)."""
    names = dimension_names(english)
    now = table[table["year"] == year]
    before = table[table["year"] == year - 1]
    mean_now = now[list(DIMENSIONS)].mean().rename(index=names)
    return mean_now, before[list(DIMENSIONS)].mean().rename(index=names) if len(before) else None


def ranked_villages(scores: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame) -> pd.DataFrame:
    """One year's scored villages, best first, with village and township names."""
    ranked = scores.dropna(subset=[OVERALL]).sort_values("rank")
    return ranked.assign(
        village_name=ranked["village_code"].map(villages.set_index("village_code")["village_name"]),
        township_name=ranked["township_code"].map(townships.set_index("township_code")["township_name"]))


@dataclass(frozen=True)
class Group:
    """Villages a score is compared with: the whole area, a township, a tier or one village."""

    kind: str  # AREA, TOWN, TIER or VILLAGE
    key: str  # township code, tier name or village code ("" for the area)
    codes: tuple[str, ...] | None  # None: every village of the table


AREA, TOWN, TIER, VILLAGE = "area", "town", "tier", "village"


def comparison_groups(now: pd.DataFrame, villages: pd.DataFrame, town: str | None, village: str | None,
                      tier_names: list[str]) -> list[Group]:
    """The area always; with a township in view that township and the chosen village, else the
    first and last tiers of this year (`now`: one year's scores) when they hold villages."""
    groups = [Group(AREA, "", None)]
    if town:
        groups.append(Group(TOWN, town, tuple(villages.loc[villages["township_code"] == town, "village_code"])))
        if village:
            groups.append(Group(VILLAGE, village, (village,)))
        return groups
    for tier in (tier_names[0], tier_names[-1]):
        members = tuple(now.loc[now["tier"] == tier, "village_code"])
        if members:
            groups.append(Group(TIER, tier, members))
    return groups


def group_trends(table: pd.DataFrame, column: str, groups: list[Group]) -> list[tuple[Group, pd.Series]]:
    """Mean of `column` per year for each group."""
    return [(g, area_means(table, [column], g.codes)[column]) for g in groups]


def group_profiles(now: pd.DataFrame, groups: list[Group]) -> list[tuple[Group, np.ndarray]]:
    """Mean score per dimension this year for each group that has scored villages."""
    out = []
    for g in groups:
        means = area_means(now, list(DIMENSIONS), g.codes)
        if len(means):
            out.append((g, means.iloc[0].to_numpy()))
    return out


def ranking_rows(ranked: pd.DataFrame, codes: pd.Index | list[str], villages: pd.DataFrame,
                 townships: pd.DataFrame, robust_labels: dict[bool, str]) -> pd.DataFrame:
    """The ranking of the villages in view with names, the 5-95% rank interval as text (⚠ when
    not robust) and the robustness in words."""
    shown = ranked[ranked["village_code"].isin(codes)].copy()
    shown["village"] = shown["village_code"].map(villages.set_index("village_code")["village_name"])
    shown["town"] = shown["township_code"].map(townships.set_index("township_code")["township_name"])
    shown["interval"] = [f"{a}–{b}{'' if ok is not False else ' ⚠'}" if pd.notna(a) else "—"
                         for a, b, ok in zip(shown["rank_p05"], shown["rank_p95"], shown["robust"])]
    shown["robust_label"] = shown["robust"].map(robust_labels)
    return shown


def profile_rows(profile: pd.DataFrame, dimension_labels: dict[str, str], indicator_names: pd.Series,
                 directions: dict[str, str]) -> pd.DataFrame:
    """A village profile (scoring.views.profile) in the page's language: dimension and
    indicator names, "(lower is better)" after such indicators, the rank as "r / n"."""
    out = profile.copy()
    out["dimension"] = out["dimension"].map(lambda d: dimension_labels.get(d, d))
    out["name"] = out["indicator_code"].map(indicator_names).fillna(out["name"])
    out["name"] = [f"{n}({directions['lower']})" if d == "lower" else n for n, d in zip(out["name"], out["direction"])]
    out["direction"] = out["direction"].map(directions)
    out["rank_text"] = [f"{r} / {n}" if r is not None and r == r else "—" for r, n in zip(out["rank"], out["ranked"])]
    return out
