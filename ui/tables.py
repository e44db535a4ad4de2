"""On-screen tables: personal data masked unless the user may see it, headers in the chosen
language (contract headers for contract columns, the page's own labels for the rest)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.access.privacy import mask_frame
from analytics.reports.exports import chinese_headers
from ui import data
from ui.text import lang

HIDDEN = ("township_code", "village_code")  # kept in frames (scoping, exports), not worth screen width
MISSING = "—"  # shown for a missing number (a paid share without funds), instead of Streamlit's "None"


def english_headers(table: pd.DataFrame) -> dict[str, str]:
    """In the English UI a column without a page label reads as its id ("per_capita_income" →
    "Per capita income"): the contract's headers are Chinese only."""
    return {c: str(c).replace("_", " ").capitalize() for c in table.columns}


def show(frame: pd.DataFrame, labels: dict[str, str] | None = None, *, height: int | str = "auto",
         formats: dict[str, str] | None = None, key: str | None = None, hide: tuple[str, ...] = HIDDEN) -> None:
    """Show a table the way every page should: masked, labelled, without the index.

    `labels` maps column ids to headers and wins over the contract's Chinese headers;
    `formats` maps column ids to printf-style number formats ("%.1f%%"); `hide` columns are
    left off the screen.
    """
    table = frame.drop(columns=[c for c in hide if c in frame.columns])
    table = table if data.can_see_personal() else mask_frame(table, keep_names=data.can_see_names())
    text = [c for c in table.columns if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
    table = table.fillna({c: "" for c in text})  # an empty cell reads better than "None"
    config = {c: st.column_config.NumberColumn(format=fmt) for c, fmt in (formats or {}).items()
              if c in table.columns}
    renamed = table.rename(columns={**english_headers(table), **(labels or {})}) if lang() == "en" \
        else chinese_headers(table, labels)
    config = {renamed.columns[list(table.columns).index(c)]: v for c, v in config.items()}
    st.dataframe(renamed, hide_index=True, height=height, column_config=config, key=key,
                 width="stretch", placeholder=MISSING)
