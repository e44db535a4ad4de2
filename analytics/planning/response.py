"""What a category of funds buys: effects estimated from the snapshot's history, with intervals.

The model, for every outcome (each catalogue indicator and the relapse rate):

    y[v, t+1] - y[v, t] = year effect + controls + Σ_c β_c x_c[v, t] + Σ_c δ_c x_c[v, t-1] + e

where x_c = log(1 + thousand yuan of category c per household) (analytics.data.funds), so returns
diminish. β_c is the effect planned with: funds of year t change the outcome in t+1. The lag
term δ separates effects that last (an indicator that stays improved: δ ≈ 0) from effects that
fade (income in one year: δ ≈ -β); without it a fading effect would be biased by last year's
funds, which planners set by the same needs. Controls are the village's fixed attributes
(脱贫村, 重点帮扶村, 安置点, terrain), whose needs decide funds and may shape trends.

Intervals are cluster-robust by village (the same village appears every year). Per cluster
influence is kept for every outcome, so any linear combination of effects, across outcomes
too (a score gain adds up indicator effects), gets an exact sandwich interval.

Dimension and overall score effects are derived: the fitted scorer of analytics.scoring.composite turns
indicator units into score points, so a planner's override of an indicator effect flows into
the scores. Effects whose direction planners doubt can be overridden; every effect carries its
source, `estimated` or `assumed`.

Shrinkage. Maximising over noisy estimates selects the noise (the optimiser's curse), so the
effects planned with are shrunk toward zero (`shrink`): per outcome, the categories' estimates
are a sample from N(0, τ²) seen with their own noise se²; τ² is estimated by moments
(mean of estimate² - se², at least 0) and each estimate is multiplied by τ² / (τ² + se²).
When the estimates spread no more than their noise, τ² = 0 and every effect of that outcome is 0.
Intervals keep the raw width around the shrunk estimate: the posterior width would treat τ² as
known, and a plan should not look surer than the regression that fed it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import is_unresolved, year_of
from analytics.data.funds import fund_intensity, village_funds
from analytics.risk.features import LabelSpec

RELAPSE = "relapse_rate"
CONTROLS = ("is_former_poor_village", "is_key_village", "is_relocation_site", "terrain")
ESTIMATED, ASSUMED = "estimated", "assumed"
SOURCE_ZH = {ESTIMATED: "估计", ASSUMED: "设定"}
HOUSEHOLD_COLUMNS = ("household_id", "year", "village_code", "per_capita_net_income", "monitoring_category",
                     "risk_eliminated", "monitoring_start")


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    unit: str
    higher_is_better: bool


RELAPSE_OUTCOME = Outcome(RELAPSE, "返贫致贫风险发生率", "%", False)


def outcome_info(code: str) -> Outcome:
    """Label, unit and direction of an outcome code (a catalogue indicator or the relapse rate)."""
    if code == RELAPSE:
        return RELAPSE_OUTCOME
    row = indicators.catalogue().loc[code]
    return Outcome(code, str(row["name_zh"]), str(row["unit"]), bool(row["higher_is_better"]))


def relapse_rates(households: pd.DataFrame, lines: pd.DataFrame, label: LabelSpec) -> pd.DataFrame:
    """Per village and year t+1: the share (%) of households not under unresolved monitoring at
    the end of t that relapse in t+1, by the risk model's own `label` (LabelSpec.from_settings()
    for the county's), so the planner and the early warning speak of the same households."""
    ratio, identified = float(label.line_ratio), bool(label.count_identified)
    h = households
    line = h["year"].map(lines.set_index("year")["threshold_yuan"])
    start_year = year_of(h["monitoring_start"])
    unresolved = is_unresolved(h)
    fell = (h["per_capita_net_income"] < ratio * line).to_numpy(bool, copy=True)
    if identified:
        fell |= start_year.eq(h["year"]).fillna(False).to_numpy(bool)
    household = pd.factorize(h["household_id"])[0]  # integer keys: the merge of two million rows stays small
    before = pd.DataFrame({"household": household, "year": h["year"].to_numpy() + 1,
                           "eligible": ~unresolved.to_numpy(bool)})
    now = pd.DataFrame({"household": household, "year": h["year"].to_numpy(),
                        "village_code": h["village_code"].to_numpy(), "fell": fell})
    pairs = now.merge(before, on=["household", "year"])
    pairs = pairs[pairs["eligible"]]
    out = pairs.groupby(["village_code", "year"], observed=True).agg(
        eligible=("fell", "size"), relapsed=("fell", "sum")).reset_index()
    out["value"] = out["relapsed"] / out["eligible"] * 100
    return out


def outcome_panel(indicator_values: pd.DataFrame, relapse: pd.DataFrame) -> pd.DataFrame:
    """Long panel (village_code, year, outcome, value) of every outcome the model explains."""
    ind = indicator_values.rename(columns={"indicator_code": "outcome"})[["village_code", "year", "outcome", "value"]]
    rel = relapse.assign(outcome=RELAPSE)[["village_code", "year", "outcome", "value"]]
    return pd.concat([ind, rel], ignore_index=True)


def intensity_panel(projects: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """x per village and year (index) and category (columns), for every year with projects."""
    funds = village_funds(projects)
    years = sorted(int(y) for y in projects["year"].unique())
    index = pd.MultiIndex.from_product([villages["village_code"], years], names=["village_code", "year"])
    funds = funds.reindex(index, fill_value=0.0)
    households = villages.set_index("village_code")["households"].reindex(funds.index.get_level_values(0))
    x = fund_intensity(funds.to_numpy(), households.to_numpy()[:, None])
    return pd.DataFrame(x, index=funds.index, columns=funds.columns)


def _controls(villages: pd.DataFrame) -> pd.DataFrame:
    v = villages.set_index("village_code")
    parts = [v[c].astype(float).rename(c) for c in CONTROLS if c in v and c != "terrain"]
    if "terrain" in v:
        parts.append(pd.get_dummies(v["terrain"].astype(str), prefix="terrain", drop_first=True, dtype=float))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=v.index)


class ResponseModel:
    """Per-outcome distributed-lag change regressions; see the module docstring.

    Fitted attributes: effects_ (outcome, category, estimate, se, low, high, n_obs, source),
    influence_ {outcome: clusters x categories}, clusters_ (village codes), years_ (the years t
    whose change to t+1 was used), quantile_ (the t quantile of the intervals)."""

    def __init__(self, level: float = 0.95, lags: bool = True) -> None:
        self.level = level
        self.lags = lags

    @classmethod
    def from_settings(cls) -> ResponseModel:
        """The county's interval level (allocation.interval_level)."""
        return cls(level=settings.number("allocation.interval_level"))

    def fit(self, panel: pd.DataFrame, x: pd.DataFrame, villages: pd.DataFrame) -> ResponseModel:
        categories = list(x.columns)
        self.categories_ = categories
        self.clusters_ = pd.Index(sorted(villages["village_code"]))
        controls = _controls(villages)
        fund_years = set(x.index.get_level_values("year"))
        rows, influence = [], {}
        self.years_ = []
        for outcome, frame in panel.groupby("outcome", sort=True):
            design = self._design(frame, x, controls, fund_years)
            if design is None:
                continue
            fit = _cluster_ols(*design, categories, self.clusters_)
            if fit is None:
                continue
            estimates, se, infl, n_obs, years = fit
            influence[outcome] = infl
            self.years_ = sorted(set(self.years_) | years)
            rows.append(pd.DataFrame({"outcome": outcome, "category": categories, "estimate": estimates,
                                      "se": se, "n_obs": n_obs}))
        if not rows:
            raise ValueError("历史数据不足:至少需要两个相邻年度的指标和上一年度的资金项目,才能估计资金效果。")
        effects = pd.concat(rows, ignore_index=True)
        self.quantile_ = float(stats.t.ppf(0.5 + self.level / 2, max(len(self.clusters_) - 1, 1)))
        estimable = effects["se"].notna()
        effects["source"] = np.where(estimable, ESTIMATED, ASSUMED)
        effects["note"] = np.where(estimable, "", "历史数据中该类资金没有变化,无法估计,按 0 计")
        effects["estimate"] = effects["estimate"].where(estimable, 0.0)
        effects["se"] = effects["se"].fillna(0.0)
        effects["low"] = effects["estimate"] - self.quantile_ * effects["se"]
        effects["high"] = effects["estimate"] + self.quantile_ * effects["se"]
        self.effects_ = effects
        self.influence_ = influence
        return self

    def _design(self, frame: pd.DataFrame, x: pd.DataFrame, controls: pd.DataFrame,
                fund_years: set[int]) -> tuple | None:
        wide = frame.pivot_table(index="village_code", columns="year", values="value", aggfunc="first")
        change = (wide.shift(-1, axis=1) - wide).stack().dropna().rename("dy").reset_index()
        change = change[change["year"].isin(fund_years)]
        if self.lags:
            change = change[change["year"].sub(1).isin(fund_years)]
        if change.empty:
            return None
        key = pd.MultiIndex.from_frame(change[["village_code", "year"]])
        now = x.reindex(key).to_numpy()
        blocks = [now]
        if self.lags:
            lag_key = pd.MultiIndex.from_arrays([change["village_code"], change["year"] - 1])
            blocks.append(x.reindex(lag_key).to_numpy())
        years = sorted(change["year"].unique())
        intercept = sum(b.shape[1] for b in blocks)
        blocks.append(np.column_stack([np.ones(len(change))] + [(change["year"] == y).to_numpy(float) for y in years[1:]]))
        blocks.append(controls.reindex(change["village_code"]).fillna(0.0).to_numpy())
        design = np.column_stack(blocks)
        ok = np.isfinite(design).all(axis=1) & np.isfinite(change["dy"].to_numpy())
        return (design[ok], change["dy"].to_numpy()[ok], change["village_code"].to_numpy()[ok], intercept,
                set(int(y) for y in years))


def _cluster_ols(design: np.ndarray, y: np.ndarray, groups: np.ndarray, intercept: int, years: set[int],
                 categories: list[str], clusters: pd.Index) -> tuple | None:
    """OLS with CR1 cluster-robust covariance; returns the fund (x_t) coefficients only.

    Columns without variation (a category never funded) are dropped and reported as NaN."""
    n = len(design)
    keep = design.std(axis=0) > 0
    keep[intercept] = True
    xm = design[:, keep]
    n_par = xm.shape[1]
    if n <= n_par + 1:
        return None
    bread = np.linalg.pinv(xm.T @ xm)
    beta = bread @ xm.T @ y
    resid = y - xm @ beta
    codes = clusters.get_indexer(groups)
    n_clusters = len(np.unique(codes))
    scores = np.zeros((len(clusters), n_par))
    np.add.at(scores, codes, xm * resid[:, None])
    factor = n_clusters / max(n_clusters - 1, 1) * (n - 1) / max(n - n_par, 1)
    infl_all = scores @ bread * np.sqrt(factor)  # clusters x parameters
    position = np.cumsum(keep) - 1
    c = len(categories)
    estimates, se = np.full(c, np.nan), np.full(c, np.nan)
    influence = np.zeros((len(clusters), c))
    for j in range(c):
        if keep[j]:
            p = position[j]
            estimates[j] = beta[p]
            influence[:, j] = infl_all[:, p]
            se[j] = np.sqrt((infl_all[:, p] ** 2).sum())
    return estimates, se, influence, n, years


def shrink(effects: pd.DataFrame) -> pd.DataFrame:
    """Empirical-Bayes shrinkage toward zero, per outcome across categories (module docstring).

    Adds raw_estimate, raw_low, raw_high and shrink_factor (1 = kept, 0 = shrunk to nothing);
    estimate, low and high become the shrunk values. Assumed (not estimable) effects stay."""
    out = effects.copy()
    out["raw_estimate"], out["raw_low"], out["raw_high"] = out["estimate"], out["low"], out["high"]
    factor = pd.Series(1.0, index=out.index)
    for _, rows in out[out["source"] == ESTIMATED].groupby("outcome"):
        b, se = rows["estimate"].to_numpy(float), rows["se"].to_numpy(float)
        tau2 = max(float(np.mean(b ** 2 - se ** 2)), 0.0)
        factor[rows.index] = np.where(se > 0, tau2 / (tau2 + se ** 2) if tau2 > 0 else 0.0, 1.0)
    out["shrink_factor"] = factor
    half = out["raw_high"] - out["raw_estimate"]
    out["estimate"] = out["raw_estimate"] * factor
    out["low"], out["high"] = out["estimate"] - half, out["estimate"] + half
    return out


@dataclass(frozen=True)
class Override:
    """A planner's assumption for one effect (per unit x), with an optional interval."""

    outcome: str
    category: str
    value: float
    low: float | None = None
    high: float | None = None


class Effects:
    """The effects planned with: estimates (shrunk by default, `shrink`), with the planner's
    overrides applied; the table keeps the raw estimates beside them.

    `combine` gives the estimate and interval of any weighted sum of effects."""

    def __init__(self, model: ResponseModel, overrides: tuple[Override, ...] | list[Override] = (),
                 shrunk: bool = True) -> None:
        self.quantile = model.quantile_
        self.level = model.level
        self.categories = list(model.categories_)
        self.shrunk = shrunk
        table = shrink(model.effects_)
        if not shrunk:
            table[["estimate", "low", "high"]] = table[["raw_estimate", "raw_low", "raw_high"]].to_numpy()
        influence = {o: m.copy() for o, m in model.influence_.items()}
        table["assumed_se"] = 0.0
        for item in overrides:
            row = (table["outcome"] == item.outcome) & (table["category"] == item.category)
            if not row.any():
                raise ValueError(f"无法设定效果:没有结果指标“{item.outcome}”或资金类别“{item.category}”。")
            low = item.value if item.low is None else item.low
            high = item.value if item.high is None else item.high
            if not low <= item.value <= high:
                raise ValueError(f"设定的效果区间有误:{item.category} 对 {item.outcome} 的下限应 ≤ 设定值 ≤ 上限。")
            se = (high - low) / (2 * self.quantile)
            table.loc[row, ["estimate", "low", "high", "se", "assumed_se", "source", "note"]] = (
                item.value, low, high, se, se, ASSUMED, "规划人员设定")
            influence[item.outcome][:, self.categories.index(item.category)] = 0.0
        self.table = table
        self.influence = influence
        self.overrides = tuple(overrides)
        by_outcome = {o: f.set_index("category").reindex(self.categories) for o, f in table.groupby("outcome")}
        self._estimate = {o: f["estimate"].fillna(0.0).to_numpy(float) for o, f in by_outcome.items()}
        self._raw = {o: f["raw_estimate"].where(f["source"] == ESTIMATED, f["estimate"]).fillna(0.0).to_numpy(float)
                     for o, f in by_outcome.items()}
        self._assumed_se = {o: f["assumed_se"].fillna(0.0).to_numpy(float) for o, f in by_outcome.items()}
        self._assumed = {o: f["source"].ne(ESTIMATED).to_numpy() for o, f in by_outcome.items()}

    @property
    def outcomes(self) -> list[str]:
        return list(self._estimate)

    def matrix(self, outcome: str) -> np.ndarray:
        """The effects of each category on one outcome (per unit x), in category order."""
        return self._estimate.get(outcome, np.zeros(len(self.categories)))

    def combine(self, weights: dict[str, np.ndarray], raw: bool = False) -> tuple[float, float, float]:
        """Estimate, low, high of Σ_outcome Σ_category w[outcome][c] × effect[outcome, c]
        (`raw`: of the unshrunk estimates, with the same interval width).

        Estimated effects vary together as their regressions say (cluster influence); an
        assumed effect with an interval adds its own, independent variance."""
        estimate, infl, assumed_var = 0.0, 0.0, 0.0
        for outcome, w in weights.items():
            if outcome not in self._estimate:
                continue
            estimate += float((self._raw if raw else self._estimate)[outcome] @ w)
            infl = infl + self.influence[outcome] @ w
            assumed_var += float(((self._assumed_se[outcome] * w) ** 2).sum())
        sd = float(np.sqrt(np.sum(np.square(infl)) + assumed_var))
        return estimate, estimate - self.quantile * sd, estimate + self.quantile * sd

    def assumed_terms(self, weights: dict[str, np.ndarray]) -> list[str]:
        """The assumed effects (planner-set, or not estimable) a weighted sum relies on."""
        return [f"{category}→{outcome_info(outcome).label}"
                for outcome, w in weights.items() if outcome in self._assumed
                for category, weight, assumed in zip(self.categories, w, self._assumed[outcome])
                if assumed and abs(weight) > 1e-12]


def fit_snapshot(tables: dict[str, pd.DataFrame], model: ResponseModel) -> ResponseModel:
    """Fit on a snapshot's tables (planning.snapshot_tables): villages, projects, `relapse`
    (relapse_rates) and the indicator values (`indicator_values`, long format, supplied and
    derived together)."""
    villages = tables["villages"]
    x = intensity_panel(tables["projects"], villages)
    panel = outcome_panel(tables["indicator_values"], tables["relapse"])
    return model.fit(panel, x, villages)
