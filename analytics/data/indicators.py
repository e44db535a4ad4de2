"""The indicator catalogue (data/indicators.csv) and the indicators derived from household data.

The catalogue is the single place to add or change an indicator. Its columns: code, dimension
(one of contract.DIMENSIONS), name_zh, name_en, unit, direction (higher/lower is better),
target (used by distance-to-target normalisation), source, population (who the indicator is
about: POPULATIONS), derivation (the name of a function in DERIVATIONS when the indicator is
computed from household data) and derivation_zh (that computation in words, for users). A
derived indicator is computed for every village and year when a snapshot is written, so
imported data gets it without a separate file.

A county's household table from the national monitoring system holds only 脱贫户 and
monitoring objects. Then an indicator about all households cannot be derived without bias:
`not_computable` names it with the reason, `derive` leaves it out (不可计算, never a biased
value) and the snapshot keeps the reasons (`notes`) for the pages.

Bottom-line items (义务教育, 住房, 饮水, 医保) are not in the catalogue: they are pass/fail
gates, shown on the 底线 board (analytics.views.guarantees.bottom_line), not ranking variables.
Nor is the share of monitored households: scoring it punished identification (README).

`values(village_indicators, derived_indicators)` is the one place where supplied and derived
values are put together; `load_values(store)` reads both from a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analytics import settings
from analytics.data.contract import DIMENSIONS

if TYPE_CHECKING:
    from analytics.data.store import Store

CATALOGUE_FILE = settings.DATA_DIR / "indicators.csv"


CATALOGUE_COLUMNS = ("code", "dimension", "name_zh", "name_en", "unit", "direction", "target", "source",
                     "population", "derivation", "derivation_zh")
DIRECTIONS = ("higher", "lower")
POPULATIONS: dict[str, str] = {
    "all": "全部农户",
    "poor_and_monitored": "脱贫户和监测对象",
    "village": "村级统计(不取自农户表)",
}
NOTES_TABLE = "indicator_notes"  # the snapshot table of indicators not computable, with the reason
PER_DIMENSION = (3, 6)


class CatalogueError(ValueError):
    """The catalogue file is wrong; the message names the file, row, column and value."""


@lru_cache(maxsize=2)
def catalogue(path: Path = CATALOGUE_FILE) -> pd.DataFrame:
    """The catalogue, indexed by code; `higher_is_better` is derived from `direction`."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    _validate(frame, Path(path))
    frame = frame.set_index("code")
    frame["target"] = pd.to_numeric(frame["target"])
    frame["higher_is_better"] = frame["direction"].eq("higher")
    return frame


def _validate(frame: pd.DataFrame, path: Path) -> None:
    """Refuse a catalogue a scorer could silently misread (file row = index + 2: header is row 1)."""
    missing = [c for c in CATALOGUE_COLUMNS if c not in frame.columns]
    if missing:
        raise CatalogueError(f"指标目录 {path} 缺少列:{'、'.join(missing)}")
    checks = (
        ("dimension", lambda v: v in DIMENSIONS, f"应为 {'/'.join(DIMENSIONS)} 之一"),
        ("direction", lambda v: v in DIRECTIONS, "应为 higher(越高越好)或 lower(越低越好)"),
        ("target", lambda v: pd.notna(pd.to_numeric(v, errors="coerce")), "应为数字"),
        ("population", lambda v: v in POPULATIONS, f"应为 {'/'.join(POPULATIONS)} 之一"),
        ("derivation", lambda v: v == "" or v in DERIVATIONS, f"应为空或 {'/'.join(DERIVATIONS)} 之一"),
        ("code", lambda v: v != "", "不能为空"),
    )
    for column, ok, rule in checks:
        for i, value in frame[column].items():
            if not ok(value):
                raise CatalogueError(f"指标目录 {path} 第 {i + 2} 行“{column}”列的值“{value}”无效:{rule}")
    duplicated = frame.loc[frame["code"].duplicated(), "code"]
    if len(duplicated):
        i = duplicated.index[0]
        raise CatalogueError(f"指标目录 {path} 第 {i + 2} 行“code”列的值“{duplicated.iloc[0]}”重复")
    counts = frame["dimension"].value_counts().reindex(list(DIMENSIONS), fill_value=0)
    low, high = PER_DIMENSION
    wrong = counts[(counts < low) | (counts > high)]
    if len(wrong):
        raise CatalogueError(
            f"指标目录 {path}:每个维度应有 {low}-{high} 个指标,"
            + "、".join(f"{d} 有 {n} 个" for d, n in wrong.items()))


def _share(mask: pd.Series, groups: list[pd.Series]) -> pd.Series:
    return mask.astype(float).groupby(groups, observed=True).mean() * 100


def _weighted_income(frame: pd.DataFrame, groups: list[str]) -> pd.Series:
    """Population-weighted per-capita income: total net income over total people."""
    total = (frame["per_capita_net_income"] * frame["household_size"]).groupby(
        [frame[g] for g in groups], observed=True).sum()
    people = frame.groupby(groups, observed=True)["household_size"].sum()
    return total / people


def _poor_income(frame: pd.DataFrame, groups: list[str]) -> pd.Series:
    columns = [*groups, "per_capita_net_income", "household_size"]  # not a copy of every column
    return _weighted_income(frame.loc[frame["household_type"] == "脱贫户", columns], groups)


DERIVATIONS: dict[str, Callable[[pd.DataFrame, list[str]], pd.Series]] = {
    "business_income_mean": lambda f, g: f.groupby(g, observed=True)["business_income"].mean(),
    "stable_work_share": lambda f, g: _share(f["migrant_work_months"] >= 6, [f[c] for c in g]),
    "income_mean": _weighted_income,
    "poor_income_mean": _poor_income,
}


def covers_all_households(households: pd.DataFrame) -> bool:
    """Whether the table holds every rural household, not only 脱贫户 and monitoring objects:
    it does when some 一般农户 was never monitored (in any year of the table)."""
    general = households.loc[households["household_type"] == "一般农户", ["household_id", "monitoring_category"]]
    ever = general["monitoring_category"].notna().groupby(general["household_id"]).any()
    return bool((~ever).any())


def not_computable(households: pd.DataFrame) -> dict[str, str]:
    """Derived indicators that cannot be computed from this household table, with the reason."""
    if covers_all_households(households):
        return {}
    cat = catalogue()
    about_all = cat[(cat["derivation"] != "") & (cat["population"] == "all")]
    return {code: f"不可计算:农户表只含脱贫户和监测对象(没有从未纳入监测的一般农户),"
                  f"“{row['name_zh']}”需要本村全部农户的数据,村表的户数与户籍人口无法补足分子"
            for code, row in about_all.iterrows()}


def notes(households: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's NOTES_TABLE: indicator_code and reason, one row per indicator not computable."""
    return pd.DataFrame(list(not_computable(households).items()), columns=["indicator_code", "reason"])


def load_notes(store: Store, snapshot_id: str | None = None) -> dict[str, str]:
    """{indicator_code: reason} of a snapshot (empty for a snapshot written before notes existed)."""
    if not store.has_table(NOTES_TABLE, snapshot_id):
        return {}
    table = store.table(NOTES_TABLE, snapshot_id)
    return dict(zip(table["indicator_code"], table["reason"]))


def derive(households: pd.DataFrame) -> pd.DataFrame:
    """Derived indicators in the long format of the village_indicators table, leaving out
    those `not_computable` from this table."""
    groups = ["village_code", "year"]
    skip = not_computable(households)
    parts = []
    for code, row in catalogue().iterrows():
        if not row["derivation"] or code in skip:
            continue
        values = DERIVATIONS[row["derivation"]](households, groups).rename("value").reset_index()
        values["indicator_code"] = code
        parts.append(values)
    out = pd.concat(parts, ignore_index=True)
    return out[["village_code", "year", "indicator_code", "value"]]


def values(village_indicators: pd.DataFrame, derived_indicators: pd.DataFrame) -> pd.DataFrame:
    """All indicator values of a snapshot, long format (village_code, year, indicator_code, value).

    For a derived indicator the household-derived value is used, so every village is measured
    the same way; a supplied value of such a code is ignored. Codes missing from the
    catalogue are dropped, since nobody could say what they mean or which way is better.
    """
    cat = catalogue()
    derived_codes = set(cat.index[cat["derivation"] != ""])
    supplied = village_indicators[~village_indicators["indicator_code"].isin(derived_codes)]
    out = pd.concat([supplied, derived_indicators], ignore_index=True)
    out = out[out["indicator_code"].isin(cat.index)]
    out = out[["village_code", "year", "indicator_code", "value"]].astype({"year": int, "value": float})
    return out.sort_values(["indicator_code", "year", "village_code"], ignore_index=True)


def load_values(store: Store, snapshot_id: str | None = None) -> pd.DataFrame:
    """`values` of a snapshot (default: the current one)."""
    supplied = store.table("village_indicators", snapshot_id)
    derived = (store.table("derived_indicators", snapshot_id) if store.has_table("derived_indicators", snapshot_id)
               else supplied.iloc[:0])
    return values(supplied, derived)
