"""The visit list (预警名单 for 入户核实): the households the model ranks in the visiting workload,
and the sheet a visitor fills in, with blank columns for what the visit finds.

The 预警名单 page's download and `python -m analytics export warning_list` both select the rows
with `workload_rows`, build them with analytics.views.warning.visit_list and lay the sheet out
with `sheet`, so a township gets the same list from either; its filled copy comes back through
the ordinary import (analytics.ingest.visits recognises it by its headers)."""

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
from analytics.ingest import visits as visit_import
from analytics.risk import metrics as risk_metrics
from analytics.risk import saved as risk_model_store

# Chinese headers of the list's own columns (contract columns keep the contract's headers); the
# import reads a filled list back by these.
VISIT_HEADERS: dict[str, str] = {
    "rank": "排序", "year": "年度", "township_name": "乡镇", "village_name": "村",
    "probability": "预测返贫概率(%)", "drivers": "主要风险因素", "risk_types": "风险类型", "measures": "建议帮扶措施",
    "rule_triggered": "规则预警已触发", **visit_import.FILL_HEADERS,
}
FILL_COLUMNS = tuple(visit_import.FILL_HEADERS)
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


def sheet(shown: pd.DataFrame, scored: pd.DataFrame, year: int) -> pd.DataFrame:
    """The list as a visitor fills it in (`shown` is analytics.views.warning.visit_list of
    `scored`): the year (results are matched by household and year), the village code next to
    the village, and blank columns for the visit."""
    out = shown.assign(**{c: "" for c in FILL_COLUMNS})
    out.insert(1, "year", year)
    out.insert(out.columns.get_loc("village_name") + 1, "village_code", scored["village_code"].to_numpy())
    return out


def headers(year: int) -> dict[str, str]:
    """The Chinese headers of a year's sheet (a past year's list also says what happened next)."""
    return {**VISIT_HEADERS, "outcome": f"{year + 1} 年实际是否返贫"}


def record(store: Store, year: int, scored: pd.DataFrame, user: str) -> int:
    """Note that these households were put on the year's visit list now (when overdue counts from)."""
    listed = scored[["household_id", "township_code", "village_code", "probability", "rule_triggered"]]
    return visits.record_listing(store, year, listed, user, datetime.now().isoformat(timespec="seconds"))


def for_user(store: Store, user: User, year: int) -> pd.DataFrame:
    """The scored rows of the year's workload list for the user's whole scope, from the current
    snapshot's model (trained now if none is saved), in list order."""
    info = store.info()
    _, meta, _ = risk_model_store.for_snapshot(store, info.id)
    villages = store.table("villages", info.id)
    scope = Scope.of(user)
    codes = None if scope.whole_county else sorted(scope.village_codes(villages))
    village_year = scope.apply(store.table("village_year", info.id), villages)
    total = int(village_year.loc[village_year["year"] == year, "households"].sum())
    read = partial(risk_model_store.predictions, store.root, meta.id, year=year, villages=codes)
    return workload_rows(read, total, settings.number("risk.workload"))
