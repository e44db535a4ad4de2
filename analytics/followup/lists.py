"""The visit list (预警名单 for 入户核实): the households the model ranks in the visiting workload,
with why and what to offer, and blank columns for what the visit finds.

The 预警名单 page's download and `python -m analytics export warning_list` both build the list
here, so a township gets the same list from either, and its filled copy comes back through the
ordinary import (analytics.ingest.visits recognises it by VISIT_HEADERS)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

import pandas as pd

from analytics import settings
from analytics.access.scope import Scope
from analytics.access.users import User
from analytics.data import visits
from analytics.data.store import Store
from analytics.risk import explain as risk_explain
from analytics.risk import metrics as risk_metrics
from analytics.risk import saved as risk_model_store

HOUSEHOLD_COLUMNS = ["household_id", "head_name", "head_id_number", "household_type", "per_capita_net_income",
                     "labor_count", "household_size"]
# Chinese headers of the list's own columns (contract columns keep the contract's headers); the
# import reads a filled list back by these.
VISIT_HEADERS: dict[str, str] = {
    "rank": "排序", "year": "年度", "township_name": "乡镇", "village_name": "村",
    "probability": "预测返贫概率(%)", "drivers": "主要风险因素", "risk_types": "风险类型", "measures": "建议帮扶措施",
    "rule_triggered": "规则预警已触发", "check_result": "核实结果", "checked_by": "核实人", "checked_on": "核实日期",
    "note": "备注",
}
FILL_COLUMNS = ("check_result", "checked_by", "checked_on", "note")
TITLE = "返贫风险预警名单(入户核实)"
Reader = Callable[..., pd.DataFrame]  # reads scored rows: (columns=..., where=...) -> frame


def ordered(scored: pd.DataFrame) -> pd.DataFrame:
    """Highest probability first; ties by household id, so the cut is the same every time."""
    return scored.sort_values(["probability", "household_id"], ascending=[False, True], kind="stable")


def workload_rows(read: Reader, total: int, share: float) -> pd.DataFrame:
    """The `share` of `total` households with the highest probability. The n-th highest
    probability bounds the rows read: a few thousand, not all."""
    n = risk_metrics.visit_count(total, share)
    ranked = read(columns=["probability"])["probability"].nlargest(n)
    floor = float(ranked.min()) if len(ranked) else 2.0
    return ordered(read(where=(("probability", ">=", floor),))).head(n)


def build(scored: pd.DataFrame, households: pd.DataFrame, township_names: dict[str, str],
          village_names: dict[str, str], yes_no: tuple[str, str] = ("是", "否")) -> pd.DataFrame:
    """The list as shown and exported, in `scored` order: what a visitor needs first comes first.
    `households` holds HOUSEHOLD_COLUMNS for the scored households (one year)."""
    rows = households.set_index("household_id").loc[scored["household_id"]]
    yes, no = yes_no
    return pd.DataFrame({
        "rank": range(1, len(scored) + 1),
        "head_name": rows["head_name"].to_numpy(),
        "township_name": scored["township_code"].map(township_names).to_numpy(),
        "village_name": scored["village_code"].map(village_names).to_numpy(),
        "probability": (scored["probability"] * 100).round(1).to_numpy(),
        "drivers": risk_explain.driver_texts(scored),
        "risk_types": scored["risk_types"].to_numpy(),
        "measures": scored["measures"].to_numpy(),
        "rule_triggered": [yes if v else no for v in scored["rule_triggered"]],
        "household_type": rows["household_type"].to_numpy(),
        "per_capita_net_income": rows["per_capita_net_income"].round(0).to_numpy(),
        "labor_count": rows["labor_count"].to_numpy(),
        "household_size": rows["household_size"].to_numpy(),
        "household_id": scored["household_id"].to_numpy(),
        "head_id_number": rows["head_id_number"].to_numpy(),
        "township_code": scored["township_code"].to_numpy(),
        "village_code": scored["village_code"].to_numpy(),
    })


def sheet(shown: pd.DataFrame, year: int) -> pd.DataFrame:
    """The list as a visitor fills it in: the year (results are matched by household and year),
    the village code next to the village, and blank columns for the visit."""
    out = shown.drop(columns=["township_code"]).assign(**{c: "" for c in FILL_COLUMNS})
    out.insert(1, "year", year)
    village = out.pop("village_code")
    out.insert(out.columns.get_loc("village_name") + 1, "village_code", village)
    return out


def record(store: Store, year: int, scored: pd.DataFrame, user: str) -> int:
    """Note that these households were put on the year's visit list now (when overdue counts from)."""
    listed = scored[["household_id", "township_code", "village_code", "probability", "rule_triggered"]]
    return visits.record_listing(store, year, listed, user, datetime.now().isoformat(timespec="seconds"))


def for_user(store: Store, user: User, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workload list of `year` for the user's whole scope from the current snapshot's model:
    the scored rows and the list built from them (personal data not yet masked)."""
    info = store.info()
    _, meta, _ = risk_model_store.for_snapshot(store, info.id)
    villages = store.table("villages", info.id)
    scope = Scope.of(user)
    codes = None if scope.whole_county else sorted(scope.village_codes(villages))
    village_year = scope.apply(store.table("village_year", info.id), villages)
    total = int(village_year.loc[village_year["year"] == year, "households"].sum())
    read = partial(risk_model_store.predictions, store.root, meta["id"], year=year, villages=codes)
    scored = workload_rows(read, total, settings.number("risk.workload"))
    households = store.rows("households", info.id, year=year, columns=HOUSEHOLD_COLUMNS,
                            where=(("household_id", "in", list(scored["household_id"])),))
    townships = store.table("townships", info.id)
    shown = build(scored, households, dict(zip(townships["township_code"], townships["township_name"])),
                  dict(zip(villages["village_code"], villages["village_name"])))
    return scored, shown
