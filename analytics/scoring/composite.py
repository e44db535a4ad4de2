"""Five-dimension village scores (产业兴旺, 生态宜居, 乡风文明, 治理有效, 生活富裕), 0-100.

Public API (stable; the fund planner and the township and village pages build on it):

    values = indicators.load_values(store)              # long: village_code, year, indicator_code, value
    scorer = scoring.CompositeScorer.from_settings(scoring.Method.from_settings()).fit(values)
    table = scoring.score_villages(values, villages, scorer, scoring.Tiers.from_settings())

Settings are read by the caller (`Method.from_settings()`, `CompositeScorer.from_settings`,
`Tiers.from_settings()`, `Robustness.from_settings()`); the classes and functions here take
plain values, so a test or a what-if can pass its own.

`score_villages` returns one row per village and year with village_code, township_code, year,
one column per dimension (named as in contract.DIMENSIONS) and `overall`, all 0-100 (higher is
better); `rank` (1 = best overall in that year), `rank_<dimension>` per dimension, `tier`
(names and cut points in settings), `change` and `rank_change` against the previous year
(positive = better), and `n_missing` (indicators without a value).

`robustness(values, villages, scorer, year, Robustness())` adds each village's 5-95% rank interval under
random weights and switched normalisation (OECD/JRC Handbook on Constructing Composite
Indicators, 2008, step 7), with `robust` False when the interval is wide.

To value a change (e.g. the indicator gains that funds would buy), fit a `CompositeScorer` on
the history and `transform` the changed values: its normalisation bounds stay fixed, so the
difference in `overall` is the real gain; `points_per_unit_` is that gain per unit of each
indicator while no bound is crossed.

Method choices
- Normalisation, pooled over every village and year given to `fit`, so that a trend is a real
  change and not a re-ranking: `minmax` (x - min) / (max - min); `zscore` as 50 + 10 z, clipped
  to 0-100; `target` (x - worst) / (target - worst), 100 once the catalogue target is met.
  Lower-is-better indicators are reversed, so 100 is always best.
- Weights: `equal` (each dimension 1/5, indicators equal inside it); `entropy` (熵权法 over
  every indicator; a dimension weighs the sum of its indicators); `ahp` (dimension weights
  from the pairwise matrix in settings, refused when CR >= 0.1; indicators equal inside);
  `custom` (weights by dimension, or by indicator code, normalised to sum to 1).
- Missing values are not imputed. A dimension score is the weighted mean of the indicators
  the village has, provided they carry at least `scoring.min_indicator_share` of the
  dimension's weight; otherwise the dimension score is missing, and so is the overall score
  and the rank. Catalogue indicators absent from the data are left out and named in `notes_`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import DIMENSIONS

OVERALL = "overall"
NORMALISATIONS: dict[str, str] = {"minmax": "最小-最大值标准化", "zscore": "标准分数(z 分数)", "target": "距目标值"}
WEIGHTINGS: dict[str, str] = {"equal": "等权", "entropy": "熵权法", "ahp": "层次分析法(AHP)", "custom": "自定义"}
# Saaty's random consistency index RI by matrix order (Saaty 1980, The Analytic Hierarchy Process).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
CR_LIMIT = 0.1
KEY = ["village_code", "year"]


class ScoringError(ValueError):
    """A scoring input the user must correct; the message is Chinese and complete."""


def rank_column(dimension: str) -> str:
    """The rank column of a dimension in `score_villages` output (`rank` for the overall score)."""
    return "rank" if dimension == OVERALL else f"rank_{dimension}"


@dataclass(frozen=True)
class Method:
    """How scores are made: a normalisation and a weighting (see the module docstring)."""

    normalisation: str = "minmax"
    weights: str = "equal"
    custom: tuple[tuple[str, float], ...] = ()
    ahp_matrix: tuple[tuple[float | str, ...], ...] | None = None  # entries may be fractions such as "1/3"

    def __post_init__(self) -> None:
        if self.normalisation not in NORMALISATIONS:
            raise ScoringError(f"未知的标准化方法“{self.normalisation}”,可选:{'、'.join(NORMALISATIONS)}")
        if self.weights not in WEIGHTINGS:
            raise ScoringError(f"未知的赋权方法“{self.weights}”,可选:{'、'.join(WEIGHTINGS)}")
        if self.weights == "custom" and not self.custom:
            raise ScoringError("自定义权重为空:请为各维度(或各指标)给出权重。")
        if self.weights == "ahp" and not self.ahp_matrix:
            raise ScoringError("层次分析法需要判断矩阵:请在参数设置中填写 scoring.ahp_matrix。")

    @classmethod
    def from_settings(cls) -> Method:
        """The county's method, with its AHP judgement matrix (used when weights is `ahp`)."""
        return cls(settings.text("scoring.normalisation"), settings.text("scoring.weights"),
                   ahp_matrix=tuple(tuple(row) for row in settings.matrix("scoring.ahp_matrix")))

    def label(self) -> str:
        return f"{NORMALISATIONS[self.normalisation]} · {WEIGHTINGS[self.weights]}"


@dataclass(frozen=True)
class Ahp:
    """AHP result: weights (principal eigenvector), λmax, CI = (λmax - n)/(n - 1), CR = CI/RI."""

    weights: pd.Series
    lambda_max: float
    ci: float
    cr: float


def parse_matrix(rows: list[list[object]] | tuple) -> np.ndarray:
    """A pairwise matrix from numbers or strings such as "1/3" (as written in settings)."""
    try:
        return np.array([[float(Fraction(str(v))) for v in row] for row in rows], dtype=float)
    except (ValueError, ZeroDivisionError) as exc:
        raise ScoringError(f"AHP 判断矩阵中有无法识别的值:{exc}") from exc


def ahp(matrix: np.ndarray | list, labels: tuple[str, ...] = DIMENSIONS, *, refuse: bool = True) -> Ahp:
    """Weights from a reciprocal pairwise comparison matrix; refused when CR >= 0.1."""
    a = parse_matrix(matrix) if not isinstance(matrix, np.ndarray) else matrix.astype(float)
    n = len(labels)
    if a.shape != (n, n):
        raise ScoringError(f"AHP 判断矩阵应为 {n}×{n}(对应 {'、'.join(labels)}),实际为 {a.shape[0]}×{a.shape[1]}。")
    if (a <= 0).any():
        raise ScoringError("AHP 判断矩阵的元素必须为正数。")
    bad = np.argwhere(~np.isclose(a * a.T, 1.0, rtol=1e-3))
    if len(bad):
        i, j = bad[0]
        raise ScoringError(
            f"AHP 判断矩阵不互反:第 {i + 1} 行第 {j + 1} 列为 {a[i, j]:.4g},"
            f"第 {j + 1} 行第 {i + 1} 列应为其倒数 {1 / a[i, j]:.4g},实际为 {a[j, i]:.4g}。")
    eigenvalues, vectors = np.linalg.eig(a)
    top = int(np.argmax(eigenvalues.real))
    vector = np.abs(vectors[:, top].real)
    lambda_max = float(eigenvalues[top].real)
    ci = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    cr = ci / RANDOM_INDEX[n] if RANDOM_INDEX.get(n) else 0.0
    if refuse and cr >= CR_LIMIT:
        raise ScoringError(
            f"AHP 判断矩阵一致性不足:一致性比率 CR = {cr:.3f} ≥ {CR_LIMIT},权重不可用。"
            "请调整两两比较的判断(例如 A 比 B 重要、B 比 C 重要时,A 应比 C 更重要),使 CR < 0.1。")
    return Ahp(pd.Series(vector / vector.sum(), index=list(labels)), lambda_max, ci, cr)


def entropy_weights(wide: pd.DataFrame, higher_is_better: pd.Series) -> pd.Series:
    """熵权法: min-max each column (reversed when lower is better), p = x / Σx,
    e = -Σ p ln p / ln n (0 ln 0 = 0), weight ∝ 1 - e. Rows with a missing value are skipped
    per column; a constant column carries no information and gets weight 0."""
    out = {}
    for code in wide.columns:
        x = wide[code].dropna().to_numpy(float)
        span = x.max() - x.min() if len(x) else 0.0
        if len(x) < 2 or span == 0:
            out[code] = 0.0
            continue
        scaled = (x - x.min()) / span if higher_is_better[code] else (x.max() - x) / span
        p = scaled / scaled.sum()
        nonzero = p[p > 0]
        entropy = -(nonzero * np.log(nonzero)).sum() / np.log(len(x))
        out[code] = 1.0 - entropy
    d = pd.Series(out, dtype=float)
    if d.sum() <= 0:
        return pd.Series(1.0 / len(d), index=d.index)
    return d / d.sum()


def _wide(values: pd.DataFrame) -> pd.DataFrame:
    return values.pivot_table(index=KEY, columns="indicator_code", values="value", aggfunc="first")


class CompositeScorer:
    """Normalise indicators, weight them and aggregate to dimension and overall scores.

    fit learns, from the values given (all villages and years), the normalisation bounds
    (`stats_`), the weights (`weights_` per indicator summing to 1, `within_` inside each
    dimension, `dimension_weights_`) and `notes_` (Chinese remarks on data left out)."""

    def __init__(self, method: Method = Method(), catalogue: pd.DataFrame | None = None,
                 min_indicator_share: float = 0.5) -> None:
        self.method = method
        self.catalogue = catalogue
        self.min_indicator_share = min_indicator_share

    @classmethod
    def from_settings(cls, method: Method) -> CompositeScorer:
        """A scorer with the county's missing-value rule (scoring.min_indicator_share)."""
        return cls(method, min_indicator_share=settings.number("scoring.min_indicator_share"))

    # --- fit ------------------------------------------------------------------------------
    def fit(self, values: pd.DataFrame) -> CompositeScorer:
        method = self.method
        cat = self.catalogue if self.catalogue is not None else indicators.catalogue()
        wide = _wide(values)
        present = [c for c in cat.index if c in wide.columns and wide[c].notna().any()]
        self.notes_ = []
        absent = [c for c in cat.index if c not in present]
        if absent:
            self.notes_.append("数据中没有以下指标,评分时不计入:" + "、".join(
                f"{c} {cat.at[c, 'name_zh']}" for c in absent))
        if not present:
            raise ScoringError("数据中没有指标目录里的任何指标,无法评分。")
        self.catalogue_ = cat.loc[present]
        wide = wide[present]
        self.stats_ = pd.DataFrame({
            "min": wide.min(), "max": wide.max(), "mean": wide.mean(), "std": wide.std(ddof=0),
            "target": self.catalogue_["target"], "higher_is_better": self.catalogue_["higher_is_better"],
        })
        constant = self.stats_.index[self.stats_["max"] == self.stats_["min"]]
        if len(constant) and method.normalisation != "target":
            self.notes_.append("以下指标所有村取值相同,不区分村庄,计为 50 分:" + "、".join(constant))
        self.min_share_ = float(self.min_indicator_share)
        self.method_ = method
        self._fit_weights(wide, method)
        return self

    def _fit_weights(self, wide: pd.DataFrame, method: Method) -> None:
        dims = self.catalogue_["dimension"]
        equal_within = dims.groupby(dims).transform(lambda s: 1.0 / len(s)).astype(float)
        dim_present = [d for d in DIMENSIONS if d in set(dims)]
        if method.weights == "entropy":
            w = entropy_weights(wide, self.stats_["higher_is_better"])
            dim_w = w.groupby(dims).sum().reindex(dim_present)
            within = (w / dims.map(dim_w)).where(dims.map(dim_w) > 0, equal_within)
        elif method.weights == "ahp":
            matrix = method.ahp_matrix
            dim_w = ahp(parse_matrix(matrix)).weights.reindex(dim_present)
            within = equal_within
        elif method.weights == "custom":
            dim_w, within = self._custom(method, dims, equal_within, dim_present)
        else:
            dim_w = pd.Series(1.0, index=dim_present)
            within = equal_within
        dim_w = dim_w.fillna(0.0)
        if dim_w.sum() <= 0:
            raise ScoringError("权重之和为 0:至少一个维度的权重应大于 0。")
        self.dimension_weights_ = dim_w / dim_w.sum()
        self.within_ = within
        self.weights_ = within * dims.map(self.dimension_weights_)

    def _custom(self, method: Method, dims: pd.Series, equal_within: pd.Series,
                dim_present: list[str]) -> tuple[pd.Series, pd.Series]:
        given = dict(method.custom)
        if any(w < 0 for w in given.values()):
            raise ScoringError("自定义权重不能为负数。")
        unknown = [k for k in given if k not in DIMENSIONS and k not in dims.index]
        if unknown:
            raise ScoringError(f"自定义权重中有未知的维度或指标代码:{'、'.join(unknown)}")
        if all(k in DIMENSIONS for k in given):
            return pd.Series(given, dtype=float).reindex(dim_present).fillna(0.0), equal_within
        if any(k in DIMENSIONS for k in given):
            raise ScoringError("自定义权重请全部按维度给出,或全部按指标代码给出,不要混用。")
        w = pd.Series(given, dtype=float).reindex(dims.index).fillna(0.0)
        dim_w = w.groupby(dims).sum().reindex(dim_present)
        within = (w / dims.map(dim_w)).where(dims.map(dim_w) > 0, equal_within)
        return dim_w, within

    # --- transform ------------------------------------------------------------------------
    def normalise(self, values: pd.DataFrame, normalisation: str | None = None) -> pd.DataFrame:
        """Indicator scores 0-100 (100 best), indexed by village_code and year."""
        wide = _wide(values).reindex(columns=self.stats_.index)
        return normalise(wide, self.stats_, normalisation or self.method_.normalisation)

    def transform(self, values: pd.DataFrame) -> pd.DataFrame:
        """Dimension scores, overall score and the count of missing indicators per village-year."""
        scores = self.normalise(values)
        dims = self.catalogue_["dimension"]
        out = pd.DataFrame(index=scores.index)
        for d in self.dimension_weights_.index:
            out[d] = _dimension_score(scores[dims.index[dims == d]], self.within_, self.min_share_)
        weights = self.dimension_weights_
        used = weights.index[weights > 0]
        out[OVERALL] = (out[used] * weights[used]).sum(axis=1, min_count=len(used)).where(
            out[used].notna().all(axis=1))
        out["n_missing"] = scores.isna().sum(axis=1).astype(int)
        return out.reset_index()

    @property
    def points_per_unit_(self) -> pd.Series:
        """Overall-score points per unit of each indicator (signed), inside the bounds."""
        s = self.stats_
        if self.method_.normalisation == "minmax":
            per = 100.0 / (s["max"] - s["min"])
        elif self.method_.normalisation == "zscore":
            per = 10.0 / s["std"]  # score = 50 + 10 z
        else:
            worst = s["min"].where(s["higher_is_better"], s["max"])
            per = 100.0 / (s["target"] - worst).abs()
        sign = np.where(s["higher_is_better"], 1.0, -1.0)
        return (per.replace([np.inf, -np.inf], 0.0).fillna(0.0) * sign * self.weights_).rename("points_per_unit")


def normalise(wide: pd.DataFrame, stats: pd.DataFrame, how: str) -> pd.DataFrame:
    """Indicator values -> 0-100 with 100 best, by min-max, z-score (50 + 10 z) or target.

    An indicator that cannot separate villages (constant, or a target every village meets)
    gives every village with a value the same score: 50, or 100 under `target`."""
    stats = stats.reindex(wide.columns)
    x = wide.to_numpy(float)
    hib = stats["higher_is_better"].astype(bool).to_numpy()
    lo, hi = stats["min"].to_numpy(float), stats["max"].to_numpy(float)
    sign = np.where(hib, 1.0, -1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if how == "minmax":
            span = hi - lo
            scaled = np.where(hib, x - lo, hi - x) / span * 100
            flat = 50.0
        elif how == "zscore":
            z = (x - stats["mean"].to_numpy(float)) / stats["std"].to_numpy(float)
            scaled = 50 + 10 * sign * z
            flat = 50.0
        elif how == "target":
            worst = np.where(hib, lo, hi)
            gap = sign * (stats["target"].to_numpy(float) - worst)
            scaled = sign * (x - worst) / np.where(gap > 0, gap, np.nan) * 100
            flat = 100.0
        else:
            raise ScoringError(f"未知的标准化方法“{how}”")
    out = np.where(np.isfinite(scaled), scaled, flat)
    out = np.where(np.isnan(x), np.nan, np.clip(out, 0, 100))
    return pd.DataFrame(out, index=wide.index, columns=wide.columns)


def _dimension_score(scores: pd.DataFrame, within: pd.Series, min_share: float) -> pd.Series:
    w = within.reindex(scores.columns)
    have = scores.notna()
    weight_present = have.mul(w, axis=1).sum(axis=1)
    total = (scores.fillna(0.0) * w).sum(axis=1)
    share = weight_present / w.sum() if w.sum() > 0 else weight_present
    return (total / weight_present).where((share >= min_share - 1e-12) & (weight_present > 0))


def _rank(values: pd.Series) -> pd.Series:
    return values.rank(ascending=False, method="min").astype("Int64")


@dataclass(frozen=True)
class Tiers:
    """Tier names by descending cut points: score >= cuts[0] -> names[0], ..., below all -> names[-1]."""

    cuts: tuple[float, ...] = (65.0, 45.0)
    names: tuple[str, ...] = ("领先", "达标", "滞后")

    def __post_init__(self) -> None:
        if len(self.names) != len(self.cuts) + 1 or sorted(self.cuts, reverse=True) != list(self.cuts):
            raise ScoringError("分档设置有误:分档名称应比分界点多一个,分界点应从高到低排列。")

    @classmethod
    def from_settings(cls) -> Tiers:
        return cls(tuple(settings.numbers("scoring.tier_cuts")), tuple(settings.texts("scoring.tier_names")))

    @property
    def last(self) -> str:
        """The lagging tier (滞后 by default)."""
        return self.names[-1]

    def assign(self, scores: pd.Series) -> pd.Series:
        out = pd.Series(self.names[-1], index=scores.index, dtype=object)
        for cut, name in reversed(list(zip(self.cuts, self.names))):
            out = out.mask(scores >= cut, name)
        return out.where(scores.notna())


def score_villages(values: pd.DataFrame, villages: pd.DataFrame, fitted: CompositeScorer,
                   tiers: Tiers) -> pd.DataFrame:
    """Scores, ranks, tiers and year-on-year change of every village and year (see module doc),
    by a `fitted` scorer, whose bounds and weights come from the history it was fitted on.

    Ranks compare the villages given, so pass the whole county for county ranks."""
    table = fitted.transform(values[values["village_code"].isin(villages["village_code"])])
    table = villages[["village_code", "township_code"]].merge(table, on="village_code", how="inner")
    by_year = table.groupby("year")
    for column in (*fitted.dimension_weights_.index, OVERALL):
        table[rank_column(column)] = by_year[column].transform(_rank)
    table["tier"] = tiers.assign(table[OVERALL])
    table = table.sort_values(["village_code", "year"], ignore_index=True)
    previous = table.groupby("village_code")[[OVERALL, "rank"]].shift()
    table["change"] = table[OVERALL] - previous[OVERALL].where(table["year"].diff().eq(1))
    table["rank_change"] = (previous["rank"] - table["rank"]).where(table["year"].diff().eq(1))
    return table.sort_values(["year", "rank", "village_code"], ignore_index=True, na_position="last")


@dataclass
class _Draws:
    """Perturbed dimension and within-dimension weights and a normalisation per draw."""

    dimension: np.ndarray
    within: np.ndarray
    normalisation: np.ndarray
    names: list[str] = field(default_factory=list)


def _draws(fitted: CompositeScorer, n: int, spread: float, rng: np.random.Generator) -> _Draws:
    dims = fitted.dimension_weights_.to_numpy()
    within = fitted.within_.to_numpy()
    d = dims * rng.uniform(1 - spread, 1 + spread, (n, len(dims)))
    w = within * rng.uniform(1 - spread, 1 + spread, (n, len(within)))
    codes = fitted.catalogue_["dimension"].to_numpy()
    for dim in fitted.dimension_weights_.index:
        idx = codes == dim
        total = w[:, idx].sum(axis=1, keepdims=True)
        w[:, idx] = np.where(total > 0, w[:, idx] / np.where(total > 0, total, 1), 1.0 / idx.sum())
    names = list(NORMALISATIONS)
    return _Draws(d / d.sum(axis=1, keepdims=True), w, rng.integers(0, len(names), n), names)


@dataclass(frozen=True)
class Robustness:
    """How rank intervals are drawn: `draws` random methods, weights multiplied by
    U(1 - spread, 1 + spread); a rank is robust when its 5-95% interval is at most
    `max_width` x the number of ranked villages wide."""

    draws: int = 500
    spread: float = 0.5
    max_width: float = 0.15
    seed: int = 0

    @classmethod
    def from_settings(cls) -> Robustness:
        return cls(settings.integer("scoring.robustness_draws"), settings.number("scoring.robustness_weight_spread"),
                   settings.number("scoring.robust_max_width"))


def robustness(values: pd.DataFrame, villages: pd.DataFrame, scorer: CompositeScorer, year: int,
               rules: Robustness, dimension: str | None = None) -> pd.DataFrame:
    """Each village's overall rank (or the rank of one `dimension`) in `year` under the random
    methods of `rules`, around the (unfitted) `scorer`'s method, fitted here on the villages
    given; normalisation drawn among min-max, z-score and target. Returns village_code, rank,
    rank_p05, rank_p95, width, robust."""
    values = values[values["village_code"].isin(villages["village_code"])]
    fitted = copy.copy(scorer).fit(values)
    now = values[values["year"] == year]
    base = score_villages(now, villages, fitted, Tiers()).set_index("village_code")  # ranks only
    plan = _draws(fitted, rules.draws, rules.spread, np.random.default_rng(rules.seed))
    overall = np.full((len(base), rules.draws), np.nan)
    for k, how in enumerate(plan.names):
        chosen = plan.normalisation == k
        if not chosen.any():
            continue
        scores = fitted.normalise(now, how).reset_index(level="year", drop=True).reindex(base.index)
        overall[:, chosen] = _overall(scores.to_numpy(), plan, chosen, fitted, dimension)
    ranks = pd.DataFrame(overall).rank(ascending=False, method="min").to_numpy()
    ranked = np.isfinite(overall).any(axis=1)
    base_rank = base[rank_column(dimension or OVERALL)]
    out = pd.DataFrame({"village_code": base.index, "rank": base_rank.to_numpy()})
    p05 = np.full(len(base), np.nan)
    p95 = np.full(len(base), np.nan)
    if ranked.any():
        p05[ranked] = np.nanpercentile(ranks[ranked], 5, axis=1, method="lower")
        p95[ranked] = np.nanpercentile(ranks[ranked], 95, axis=1, method="higher")
    out["rank_p05"] = pd.array(p05, dtype="Float64").astype("Int64")
    out["rank_p95"] = pd.array(p95, dtype="Float64").astype("Int64")
    out["width"] = out["rank_p95"] - out["rank_p05"]
    n_ranked = int(base_rank.notna().sum())
    out["robust"] = (out["width"] <= rules.max_width * n_ranked).astype("boolean")
    return out


def _overall(scores: np.ndarray, plan: _Draws, chosen: np.ndarray, fitted: CompositeScorer,
             only: str | None = None) -> np.ndarray:
    """Overall scores (or the `only` dimension's) for villages x chosen draws under the drawn
    weights, with the same missing-value policy as `CompositeScorer.transform`."""
    codes = fitted.catalogue_["dimension"].to_numpy()
    have = np.isfinite(scores)
    filled = np.where(have, scores, 0.0)
    total = np.zeros((len(scores), chosen.sum()))
    complete = np.ones_like(total, dtype=bool)
    for j, dim in enumerate(fitted.dimension_weights_.index):
        idx = codes == dim
        w = plan.within[chosen][:, idx]  # draws x indicators
        present = have[:, idx].astype(float) @ w.T
        score = (filled[:, idx] @ w.T) / np.where(present > 0, present, np.nan)
        ok = (present / w.sum(axis=1) >= fitted.min_share_ - 1e-12) & (present > 0)
        if dim == only:
            return np.where(ok, score, np.nan)
        dim_weight = plan.dimension[chosen][:, j]
        complete &= ok | (dim_weight == 0)
        total += np.where(ok, np.nan_to_num(score) * dim_weight, 0.0)
    return np.where(complete, total, np.nan)
