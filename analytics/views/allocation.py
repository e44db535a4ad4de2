"""Tables of the 资金推演 page: township bounds as editable percentages of the budget, the
effects a planner may override, and where each effect of a plan came from."""

from __future__ import annotations

import pandas as pd

from analytics.planning.allocation import Constraints, Context, township_shares
from analytics.planning.response import ResponseModel


def township_bounds(context: Context, low: dict[str, float], high: dict[str, float]) -> pd.DataFrame:
    """One row per township: its name and minimum and maximum (percent of the budget)."""
    codes = sorted(context.township_names)
    return pd.DataFrame({"township_code": codes, "town": [context.township_names[c] for c in codes],
                         "min": [low[c] for c in codes], "max": [high[c] for c in codes]})


def default_bounds(context: Context) -> pd.DataFrame:
    """The county's default township bounds (settings), the same for every township."""
    codes = list(context.township_names)
    low, high = township_shares(len(codes))
    return township_bounds(context, dict.fromkeys(codes, low * 100), dict.fromkeys(codes, high * 100))


def saved_bounds(context: Context, constraints: dict) -> pd.DataFrame:
    """Township bounds of a saved request (万元) as percentages of its budget; a township the
    request does not bound gets 0 and 100."""
    budget = float(constraints["budget_wan"])
    codes = context.township_names
    low = dict.fromkeys(codes, 0.0) | {t: v / budget * 100 for t, v in constraints["township_min_wan"]}
    high = dict.fromkeys(codes, 100.0) | {t: v / budget * 100 for t, v in constraints["township_max_wan"]}
    return township_bounds(context, low, high)


def bounds_in_wan(bounds: pd.DataFrame, budget: float) -> tuple[tuple, tuple]:
    """Edited bounds (percent) as the (township, 万元) pairs of Constraints; 0 and 100 bound nothing."""
    rows = list(zip(bounds["township_code"], bounds["min"], bounds["max"]))
    low = tuple((c, float(v) / 100 * budget) for c, v, _ in rows if pd.notna(v) and v > 0)
    high = tuple((c, float(v) / 100 * budget) for c, _, v in rows if pd.notna(v) and v < 100)
    return low, high


def constraints(inputs: dict, bounds: pd.DataFrame) -> Constraints:
    """The rules the page's inputs describe (`inputs` keyed like Constraints, cap 0 = none)."""
    budget = float(inputs["budget"])
    low, high = bounds_in_wan(bounds, budget)
    return Constraints(budget_wan=budget, industry_min_share=float(inputs["share"]),
                       village_cap_wan=float(inputs["cap"]) or None, key_village_min_wan=float(inputs["keymin"]),
                       township_min_wan=low, township_max_wan=high, keep_last_year=tuple(inputs["keep"]),
                       pool_only=bool(inputs["pool"]))


def override_frame(model: ResponseModel, outcome: str, current: list[dict]) -> pd.DataFrame:
    """Per category: the estimated effect on `outcome` with its interval, and the planner's
    assumed value and interval where one is set (NaN where not)."""
    estimated = model.effects_[model.effects_["outcome"] == outcome].set_index("category")
    chosen = {o["category"]: o for o in current}
    categories = list(model.categories_)
    return pd.DataFrame({
        "category": categories,
        **{c: estimated[c].reindex(categories).to_numpy() for c in ("estimate", "low", "high")},
        **{column: [chosen.get(c, {}).get(key) for c in categories]
           for column, key in (("set", "value"), ("set_low", "low"), ("set_high", "high"))},
    }).astype({"set": float, "set_low": float, "set_high": float})


def overrides_from_frame(edited: pd.DataFrame, outcome: str) -> list[dict]:
    """The assumptions an edited override_frame holds: one per row with an assumed value."""
    def optional(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    return [{"outcome": outcome, "category": r["category"], "value": float(r["set"]),
             "low": optional(r["set_low"]), "high": optional(r["set_high"])}
            for _, r in edited.iterrows() if pd.notna(r["set"])]


def effect_sources(result: dict, categories: tuple[str, ...]) -> pd.DataFrame:
    """Per category: the effect on the relapse rate and on the overall score as
    "estimate(low ~ high)", planned with (shrunk) and raw side by side, whether the data
    supports a benefit on the plan's objective, and whether any effect was assumed (设定) or
    estimated (估计). Plans saved before shrinkage have no raw column: it repeats the estimate."""
    sources = pd.DataFrame(result["effect_sources"])
    sources = sources[sources["outcome"].isin(["relapse", "overall"])].copy()
    for column in ("estimate", "low", "high"):
        if f"raw_{column}" not in sources:
            sources[f"raw_{column}"] = sources[column]

    def text(prefix: str) -> list[str]:
        return [f"{e:.3f}({lo:.3f} ~ {hi:.3f})" for e, lo, hi in
                zip(sources[f"{prefix}estimate"], sources[f"{prefix}low"], sources[f"{prefix}high"])]

    sources["text"], sources["raw_text"] = text(""), text("raw_")
    wide = sources.pivot(index="category", columns="outcome", values="text").reindex(list(categories))
    raw = sources.pivot(index="category", columns="outcome", values="raw_text").reindex(list(categories))
    origin = sources.groupby("category")["source_zh"].agg(lambda s: "设定" if (s == "设定").any() else "估计")
    support = pd.Series(result.get("supported", {}), dtype=object).reindex(wide.index)
    return pd.DataFrame({"category": wide.index, "relapse": wide["relapse"].to_numpy(),
                         "relapse_raw": raw["relapse"].to_numpy(), "overall": wide["overall"].to_numpy(),
                         "overall_raw": raw["overall"].to_numpy(),
                         "supported": support.map({True: "是", False: "否"}).fillna("-").to_numpy(),
                         "source": origin.reindex(wide.index).to_numpy()})
