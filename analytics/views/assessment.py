"""乡镇考核: township results from configurable weights of five components, each on 0-100.

Components (weights in settings `assessment.weights.*`, normalised to sum to 1):
- scores: mean five-dimension overall score (0-100) of the township's villages that year;
- elimination: risk elimination rate of monitored households (eliminated / monitored), %;
- identification: timely identification, the share of households whose per-capita net income
  is below that year's monitoring line that are monitored with the risk not yet eliminated
  (应纳尽纳), %;
- execution: fund execution, paid / funds of the year's projects under way or complete, %;
- industry: industry share of the year's funds against the rule, min(share / rule, 1) x 100.

Every component is an absolute 0-100 measure, not a rank among townships, so a township's
result does not move when another township changes, and `points_<c>` = weight x value adds
up to `total`.
"""

from __future__ import annotations

import pandas as pd

from analytics.data.contract import is_unresolved, township_of
from analytics.data.funds import INDUSTRY_CATEGORY

COMPONENTS: dict[str, str] = {
    "scores": "五大振兴综合得分",
    "elimination": "风险消除率",
    "identification": "及时识别率",
    "execution": "资金执行率",
    "industry": "产业资金占比达标",
}


class AssessmentError(ValueError):
    """Weights the user must correct; the message is Chinese."""


def weights(raw: dict[str, float]) -> dict[str, float]:
    """Weights per component, normalised to sum to 1; negative or all-zero weights are refused."""
    missing = [c for c in COMPONENTS if c not in raw]
    if missing:
        raise AssessmentError(f"乡镇考核缺少权重:{'、'.join(COMPONENTS[c] for c in missing)}")
    bad = {c: w for c, w in raw.items() if float(w) < 0}
    if bad:
        raise AssessmentError(f"乡镇考核权重不能为负数:{'、'.join(f'{COMPONENTS[c]}={w}' for c, w in bad.items())}")
    total = sum(float(raw[c]) for c in COMPONENTS)
    if total <= 0:
        raise AssessmentError("乡镇考核权重之和必须大于 0。")
    return {c: float(raw[c]) / total for c in COMPONENTS}


IDENTIFICATION_COLUMNS = ("year", "village_code", "per_capita_net_income", "monitoring_category", "risk_eliminated")


def identification(households: pd.DataFrame, lines: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per village: households below the monitoring line in `year`, and how many of them are
    monitored with the risk not eliminated (additive counts)."""
    now = households[households["year"] == year]
    line = lines.set_index("year")["threshold_yuan"].get(year)
    if line is None:
        raise AssessmentError(f"监测标准表中没有 {year} 年的监测收入标准,无法计算及时识别率。")
    below = now["per_capita_net_income"] < line
    covered = below & is_unresolved(now)
    return pd.DataFrame({"village_code": now["village_code"], "below_line": below.astype(int),
                         "covered": covered.astype(int)}).groupby("village_code", as_index=False).sum()


def components(year: int, villages: pd.DataFrame, townships: pd.DataFrame, village_year: pd.DataFrame,
               coverage: pd.DataFrame, projects: pd.DataFrame, rule: float,
               scores: pd.DataFrame | None) -> pd.DataFrame:
    """One row per township: the raw measures behind each component and the components (0-100).

    `coverage` is `identification(...)`; `scores` is scoring.score_villages output (village_code,
    year, overall). A component without data for a township is NaN (shown, not zeroed).
    """
    town_of = villages.set_index("village_code")["township_code"]
    vy = village_year[village_year["year"] == year]
    by_town = vy.assign(township_code=vy["village_code"].map(town_of)).groupby("township_code")[
        ["monitored", "eliminated"]].sum()
    cov = coverage.assign(township_code=coverage["village_code"].map(town_of)).groupby("township_code")[
        ["below_line", "covered"]].sum()
    active = projects[(projects["year"] == year) & (projects["status"] != "储备")]
    active = active.assign(township_code=township_of(active["village_code"]))
    funds = active.groupby("township_code").agg(funds_wan=("funds_wan", "sum"), paid_wan=("disbursed_wan", "sum"))
    industry = active[active["category"] == INDUSTRY_CATEGORY].groupby("township_code")["funds_wan"].sum()
    out = townships.set_index("township_code")[["township_name"]].join([by_town, cov, funds])
    out["industry_wan"] = industry.reindex(out.index).fillna(0.0)
    if scores is not None:
        now = scores[scores["year"] == year]
        out["mean_score"] = now.assign(township_code=now["village_code"].map(town_of)).groupby(
            "township_code")["overall"].mean()
    else:
        out["mean_score"] = float("nan")
    out["scores"] = out["mean_score"]
    out["elimination"] = (out["eliminated"] / out["monitored"] * 100).where(out["monitored"] > 0)
    out["identification"] = (out["covered"] / out["below_line"] * 100).where(out["below_line"] > 0)
    out["execution"] = (out["paid_wan"] / out["funds_wan"] * 100).where(out["funds_wan"] > 0)
    share = (out["industry_wan"] / out["funds_wan"]).where(out["funds_wan"] > 0)
    out["industry_share"] = share * 100
    out["industry"] = (share / rule).clip(upper=1.0) * 100
    return out.reset_index()


def rank(table: pd.DataFrame, weight: dict[str, float]) -> pd.DataFrame:
    """Add `points_<c>` (weight x component), `total` and `rank` (1 = best).

    A township missing a component gets no points for it and is flagged in `incomplete`
    (the names of the missing components), so a gap in the data is visible, not hidden.
    """
    out = table.copy()
    for c in COMPONENTS:
        out[f"points_{c}"] = out[c].fillna(0.0) * weight[c]
    out["total"] = out[[f"points_{c}" for c in COMPONENTS]].sum(axis=1)
    out["incomplete"] = out[list(COMPONENTS)].isna().apply(
        lambda r: "、".join(COMPONENTS[c] for c in COMPONENTS if r[c]), axis=1)
    out["rank"] = out["total"].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["rank", "township_name"]).reset_index(drop=True)
