"""乡镇考核: township results from configurable weights of five components, each on 0-100.

Components (weights in settings `assessment.weights.*`, normalised to sum to 1):
- scores: mean five-dimension overall score (0-100) of the township's villages that year;
- elimination: the rate of genuine eliminations, %, less a deduction per flagged one. Only
  eliminations that pass the elimination checks of analytics.data.checks count (not too fast,
  income not below the line, no guarantee gap, not a 兜底 household without labour); each
  flagged household takes `deduction` points off (setting assessment.flag_deduction, floor 0);
  兜底 households without labour (劳动力人数 = 0 and 低保 or 特困) leave the denominator, since
  policy does not mark them eliminated. Eliminating on paper lowers the result, never raises it;
- identification: timely identification, the share of households whose per-capita net income
  is below that year's monitoring line that are monitored with the risk not yet eliminated
  (应纳尽纳), %;
- execution: fund execution, paid / funds of the year's projects under way or complete, %;
- industry: industry share of the year's funds as funds.IndustryRule measures it (counted
  sources and categories only) against the rule, min(share / rule, 1) x 100.

Every component is an absolute 0-100 measure, not a rank among townships, so a township's
result does not move when another township changes, and `points_<c>` = weight x value adds
up to `total`.
"""

from __future__ import annotations

import pandas as pd

from analytics.data import checks
from analytics.data.contract import is_unresolved, township_of
from analytics.data.funds import IndustryRule

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


FLAG_COLUMNS = tuple(f"flag_{r}" for r in checks.ELIMINATION_RULES)  # households per elimination rule
HOUSEHOLD_COLUMNS = tuple(dict.fromkeys((*IDENTIFICATION_COLUMNS, *checks.COLUMNS)))  # what the components read


def eliminations(households: pd.DataFrame, lines: pd.DataFrame, year: int, config: checks.Config) -> pd.DataFrame:
    """Per village (additive counts): `monitored`; `base`, the monitored households the
    elimination rate counts (兜底 households without labour leave it); `eliminated`; `genuine`,
    eliminated in the base and flagged by no elimination rule; `flagged`, eliminated households
    flagged by any elimination rule (each once); and `flag_<rule>` per rule."""
    rows, flagged, _ = checks.run(households, lines, year, config)
    monitored = rows["monitoring_category"].fillna("").astype(str).str.strip() != ""
    eliminated = monitored & rows["risk_eliminated"].astype("boolean").fillna(False).astype(bool)
    without_labour = (rows["labor_count"] == 0) & (rows["dibao"].astype(bool) | rows["tekun"].astype(bool))
    rules = [r for r in checks.ELIMINATION_RULES if r in flagged.columns]
    any_flag = flagged[rules].any(axis=1)
    base = monitored & ~without_labour
    out = pd.DataFrame({"village_code": rows["village_code"], "monitored": monitored, "base": base,
                        "eliminated": eliminated, "genuine": eliminated & base & ~any_flag,
                        "flagged": eliminated & any_flag,
                        **{f"flag_{r}": flagged[r] if r in flagged.columns else False
                           for r in checks.ELIMINATION_RULES}})
    return out.groupby("village_code", as_index=False).sum()


def components(year: int, villages: pd.DataFrame, townships: pd.DataFrame, coverage: pd.DataFrame,
               elimination: pd.DataFrame, projects: pd.DataFrame, rule: IndustryRule,
               scores: pd.DataFrame | None, deduction: float) -> pd.DataFrame:
    """One row per township: the raw measures behind each component and the components (0-100).

    `coverage` is `identification(...)`, `elimination` is `eliminations(...)`; `scores` is
    scoring.score_villages output (village_code, year, overall); `deduction` the points one
    flagged elimination takes off. A component without data for a township is NaN (shown, not
    zeroed).
    """
    town_of = villages.set_index("village_code")["township_code"]
    counts = ["monitored", "base", "eliminated", "genuine", "flagged", *FLAG_COLUMNS]
    by_town = elimination.assign(township_code=elimination["village_code"].map(town_of)).groupby("township_code")[
        counts].sum()
    cov = coverage.assign(township_code=coverage["village_code"].map(town_of)).groupby("township_code")[
        ["below_line", "covered"]].sum()
    active = projects[(projects["year"] == year) & (projects["status"] != "储备")]
    town = township_of(active["village_code"]).rename("township_code")
    funds = active.groupby(town).agg(funds_wan=("funds_wan", "sum"), paid_wan=("disbursed_wan", "sum"))
    industry = rule.totals(active, town).rename(columns={"funds_wan": "industry_base_wan"})[
        ["industry_base_wan", "industry_wan"]]
    out = townships.set_index("township_code")[["township_name"]].join([by_town, cov, funds, industry])
    out["industry_wan"] = out["industry_wan"].fillna(0.0)
    if scores is not None:
        now = scores[scores["year"] == year]
        out["mean_score"] = now.assign(township_code=now["village_code"].map(town_of)).groupby(
            "township_code")["overall"].mean()
    else:
        out["mean_score"] = float("nan")
    out["scores"] = out["mean_score"]
    out["elimination_rate"] = (out["genuine"] / out["base"] * 100).where(out["base"] > 0)
    out["deduction"] = out["flagged"] * deduction
    out["elimination"] = (out["elimination_rate"] - out["deduction"]).clip(lower=0.0)
    out["identification"] = (out["covered"] / out["below_line"] * 100).where(out["below_line"] > 0)
    out["execution"] = (out["paid_wan"] / out["funds_wan"] * 100).where(out["funds_wan"] > 0)
    share = (out["industry_wan"] / out["industry_base_wan"]).where(out["industry_base_wan"] > 0)
    out["industry_share"] = share * 100
    out["industry"] = (share / rule.minimum).clip(upper=1.0) * 100
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


def deductions(row: pd.Series, deduction: float) -> pd.DataFrame:
    """One township's deductions from the elimination rate: households per elimination rule,
    then the total, where a household flagged by several rules deducts once."""
    out = pd.DataFrame([{"rule": r, "label": checks.BY_ID[r].label, "households": int(row[f"flag_{r}"])}
                        for r in checks.ELIMINATION_RULES])
    total = pd.DataFrame([{"rule": "total", "label": "合计(每户只扣一次)", "households": int(row["flagged"])}])
    out = pd.concat([out, total], ignore_index=True)
    out["points"] = out["households"] * deduction
    return out
