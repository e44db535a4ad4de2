"""回头看 (look back): would last year's numbers have held? The effects the model predicted for
the latest year whose results are in the data, against what that year's data then showed.

Why: a planner deciding whether to trust this year's effects should see how the same model
did the last time it could be checked. Funds of year T act on the change from T to T+1, so the
latest checkable year is T = (latest data year) - 1; the plan for the year after has no result yet.

- predicted: the response model (analytics.planning.response) fitted on the changes before T
  only, i.e. what the planner would have been shown when planning T; or, when a scenario saved
  for year T exists, the per-unit effects it recorded (its raw estimates; indicators it did not
  record come from the refit);
- observed: the same regression on the change from T to T+1 alone, with its own interval;
- held: the difference observed - predicted lies within its interval (the two come from
  disjoint years, so their variances add); a single year is one noisy draw, so "not held"
  means the model's number was off by more than its own uncertainty allows.

Per unit x = log(1 + thousand yuan per household), and for last year's funds (x averaged over
the villages, the funds actually spent in T), per category and outcome: each catalogue
indicator, the relapse rate and, given the scorer's points, the overall score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data.store import Store
from analytics.planning import response, scenarios
from analytics.planning.response import RELAPSE, Effects, ResponseModel, outcome_info

OVERALL = "overall"
HEADLINE = (RELAPSE, OVERALL)  # the outcomes the page's sentences speak of
_SAVED_OUTCOMES = {"relapse": RELAPSE, "overall": OVERALL}  # effect_sources keys of a saved plan


def look_back_year(tables: dict[str, pd.DataFrame]) -> int:
    """The latest funds year whose next-year outcomes are in the data."""
    return int(tables["village_year"]["year"].max()) - 1


def saved_plan(store: Store, year: int, scope: str = scenarios.COUNTY) -> dict | None:
    """The newest scenario of `scope` saved as a plan for `year` (its result), or None."""
    for name in scenarios.listing(store, scope)["name"]:
        result = scenarios.load(store, name, scope=scope).result
        if int(result.get("year", -1)) == year:
            return {"name": name, **result}
    return None


def _outcome_label(code: str) -> tuple[str, str]:
    if code == OVERALL:
        return "综合得分", "分"
    info = outcome_info(code)
    return info.label, ("百分点" if code == RELAPSE else info.unit)


class LookBack:
    """Predicted against observed effects (module docstring).

    Fitted attributes: year_ (T), source_ ("refit" or the saved scenario's name), table_ (one
    row per category and outcome: predicted, pred_low, pred_high, observed, obs_low, obs_high,
    mean_x, the same for last year's funds as *_funds, held), level_."""

    def __init__(self, year: int | None = None, level: float = 0.95) -> None:
        self.year = year  # None: the latest year the data can check
        self.level = level

    @classmethod
    def from_settings(cls, year: int | None = None) -> LookBack:
        """At the county's interval level (allocation.interval_level)."""
        return cls(year, settings.number("allocation.interval_level"))

    def fit(self, tables: dict[str, pd.DataFrame], score_points: pd.Series | None = None,
            saved: dict | None = None) -> LookBack:
        """tables as planning.snapshot_tables gives them; score_points: overall-score points per
        indicator unit (Context.score_points["overall"]); saved: a saved plan's result for T."""
        year = look_back_year(tables) if self.year is None else int(self.year)
        level = float(self.level)
        villages = tables["villages"]
        x = response.intensity_panel(tables["projects"], villages)
        panel = response.outcome_panel(tables["indicator_values"], tables["relapse"])
        fund_year = x.index.get_level_values("year")
        if year not in set(fund_year) or not (panel["year"] == year + 1).any():
            raise ValueError(f"无法回头看 {year} 年:需要该年的资金项目和 {year + 1} 年的指标。")
        before = ResponseModel(level=level).fit(panel[panel["year"] <= year], x[fund_year < year], villages)
        after = ResponseModel(level=level).fit(panel[panel["year"].between(year, year + 1)],
                                               x[fund_year.isin([year - 1, year])], villages)
        mean_x = x.xs(year, level="year").reindex(villages["village_code"]).fillna(0.0).mean()
        rows = self._rows(Effects(before, shrunk=False), Effects(after, shrunk=False), mean_x, score_points)
        table = pd.DataFrame(rows)
        if saved is not None:
            table = _from_saved(table, saved)
        q = before.quantile_
        se = np.hypot((table["pred_high"] - table["predicted"]) / q, (table["obs_high"] - table["observed"]) / q)
        table["held"] = (table["observed"] - table["predicted"]).abs() <= q * se + 1e-12
        for column in ("predicted", "pred_low", "pred_high", "observed", "obs_low", "obs_high"):
            table[f"{column}_funds"] = table[column] * table["mean_x"]
        self.year_, self.level_, self.table_ = year, level, table
        self.source_ = saved["name"] if saved is not None else "refit"
        return self

    @staticmethod
    def _rows(before: Effects, after: Effects, mean_x: pd.Series, score_points: pd.Series | None) -> list[dict]:
        eye = np.eye(len(before.categories))
        outcomes = [o for o in before.outcomes if o in after.outcomes]
        combos = [(o, lambda e, o=o: {o: e}) for o in outcomes]
        if score_points is not None:
            points = {code: pts for code, pts in score_points.items() if pts and code in outcomes}
            combos.append((OVERALL, lambda e: {code: pts * e for code, pts in points.items()}))
        rows = []
        for i, category in enumerate(before.categories):
            for outcome, weights in combos:
                pred, obs = before.combine(weights(eye[i])), after.combine(weights(eye[i]))
                label, unit = _outcome_label(outcome)
                rows.append({"category": category, "outcome": outcome, "label": label, "unit": unit,
                             "predicted": pred[0], "pred_low": pred[1], "pred_high": pred[2],
                             "observed": obs[0], "obs_low": obs[1], "obs_high": obs[2],
                             "mean_x": float(mean_x.get(category, 0.0)), "source": "refit"})
        return rows

    def headline_table(self) -> pd.DataFrame:
        """The rows the page shows: relapse rate and overall score per category."""
        return self.table_[self.table_["outcome"].isin(HEADLINE)].reset_index(drop=True)

    def headline(self) -> str:
        source = "重新拟合(只用该年以前的数据)" if self.source_ == "refit" else f"保存的方案“{self.source_}”"
        return (f"回头看 {self.year_} 年资金:预测来自{source},实际来自 {self.year_}→{self.year_ + 1} 年的变化;"
                f"区间为 {self.level_:.0%} 置信区间,按该年各村实际资金(村均)折算。")

    def sentences(self) -> list[str]:
        """One plain sentence per category: did the prediction hold on the headline outcomes?"""
        out = []
        for category, rows in self.headline_table().groupby("category", sort=False):
            parts = [f"{r.label}预测 {_span(r.predicted_funds, r.pred_low_funds, r.pred_high_funds)},"
                     f"实际 {_span(r.observed_funds, r.obs_low_funds, r.obs_high_funds)}{r.unit}"
                     for r in rows.itertuples()]
            if rows["mean_x"].iloc[0] <= 0:
                verdict = "该年没有安排此类资金,无从检验"
            elif rows["held"].all():
                unsure = (rows["pred_low"] <= 0) & (rows["pred_high"] >= 0)
                verdict = ("预测成立(实际与预测之差在误差范围内),但预测区间含 0,效果本身不确定" if unsure.all()
                           else "预测成立(实际与预测之差在误差范围内)")
            else:
                missed = "、".join(rows.loc[~rows["held"], "label"])
                verdict = f"预测未成立:{missed}的实际值与预测之差超出误差范围,今年对此类效果要更谨慎"
            out.append(f"{category}:{verdict}。" + ";".join(parts) + "。")
        return out

    def to_dict(self) -> dict:
        return {"year": self.year_, "source": self.source_, "level": self.level_,
                "rows": self.table_.to_dict("records"), "sentences": self.sentences()}


def _span(estimate: float, low: float, high: float) -> str:
    return f"{estimate:+.2f}({low:+.2f} ~ {high:+.2f})"


def _from_saved(table: pd.DataFrame, saved: dict) -> pd.DataFrame:
    """Replace the refit's predictions by those a saved plan recorded (raw estimates)."""
    table = table.copy()
    for e in saved.get("effect_sources", []):
        outcome = _SAVED_OUTCOMES.get(e["outcome"])
        row = (table["category"] == e["category"]) & (table["outcome"] == outcome)
        if outcome is None or not row.any():
            continue
        values = [e.get(f"raw_{k}", e[k]) for k in ("estimate", "low", "high")]
        table.loc[row, ["predicted", "pred_low", "pred_high", "source"]] = [*values, saved["name"]]
    return table
