"""The rows the shared filters (乡镇, 村) select, on top of the user's scope from ui.data.

Pages that show households, projects or village aggregates take them from here, so every page
narrows the same way, and `key()` names the selection for st.cache_data.
"""

from __future__ import annotations

import pandas as pd

from analytics.views import overview
from ui import data, filters


def key() -> tuple:
    """Everything that decides which rows the filters select: use it in cache keys."""
    f = filters.current()
    info = data.snapshot()
    return (info.id if info else None, data.allowed_townships(), f.township, f.village)


def village_codes() -> pd.Index:
    return filters.current().village_codes(data.table("villages"))


def village_year() -> pd.DataFrame:
    vy = data.table("village_year")
    return vy[vy["village_code"].isin(village_codes())]


def selected_villages() -> pd.Index | None:
    """The villages the filters select, or None when they select the user's whole scope (so a
    read of household rows needs no village filter)."""
    f = filters.current()
    return village_codes() if f.township or f.village else None


def households(year: int | None = None, *, columns: list[str] | None = None, where: tuple = ()) -> pd.DataFrame:
    """Household rows of the selected villages (all years, or one), read for this call: name
    the columns a county-wide view uses. Arguments as ui.data.households."""
    return data.households(year, selected_villages(), columns=columns, where=where)


def projects() -> pd.DataFrame:
    """Projects of the selected villages, plus township-wide ones unless a village is chosen."""
    f = filters.current()
    townships = [] if f.village else f.township_codes(data.table("townships"))
    return overview.projects_in_scope(data.table("projects"), village_codes(), townships)


def label() -> str:
    """The scope in words: county, township, village and year."""
    return filters.current().label(data.table("townships"), data.table("villages"))
