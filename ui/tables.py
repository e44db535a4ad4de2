"""On-screen tables: personal data masked unless the user may see it, headers in the chosen
language (contract headers for contract columns, the page's own labels for the rest), every
number with thousands separators in its declared format (analytics.data.formats), and as tall
as their rows up to about a screen."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from analytics.access.privacy import mask_frame
from analytics.data import formats as declared
from analytics.reports.exports import chinese_headers
from ui import data
from ui.text import lang

HIDDEN = ("township_code", "village_code")  # kept in frames (scoping, exports), not worth screen width
MISSING = "—"  # shown for a missing number (a paid share without funds), instead of Streamlit's "None"
ROW, HEAD = 35, 38  # px of a row and of the header in st.dataframe
MAX_ROWS = 18  # a taller table scrolls: 18 rows fill a 1080p screen below the page header
MIN_ROWS = 3
_PRINTF = re.compile(r"%(\+?)(0|'.)?(-?)(?!,)(\d*(?:\.\d+)?[dfiu])")


def english_headers(table: pd.DataFrame) -> dict[str, str]:
    """In the English UI a column without a page label reads as its id ("per_capita_income" →
    "Per capita income"): the contract's headers are Chinese only."""
    return {c: str(c).replace("_", " ").capitalize() for c in table.columns}


def with_separators(fmt: str) -> str:
    """A printf number format with thousands separators ("%.1f" → "%,.1f"; sprintf-js reads
    the comma after the sign, padding and alignment flags)."""
    return _PRINTF.sub(r"%\1\2\3,\4", fmt)


def column_config(table: pd.DataFrame, page: dict[str, str] | None = None) -> dict[str, object]:
    """The number format of every number column: the page's own printf format where it gives
    one, else the column's declared format; both with thousands separators."""
    config = {}
    for column in table.columns:
        fmt = declared.of(column, table[column])
        given = (page or {}).get(column)
        if given is not None:
            config[column] = st.column_config.NumberColumn(format=with_separators(given))
        elif fmt is not None and fmt.screen:
            config[column] = st.column_config.NumberColumn(format=fmt.screen)
    return config


def height(rows: int, cap: int = MAX_ROWS) -> int:
    """Pixels that show every row up to `cap` rows, so short tables leave no blank band and long
    ones fill the screen instead of a fixed 6-14 rows."""
    return HEAD + ROW * max(MIN_ROWS, min(rows, cap)) + 2


def show(frame: pd.DataFrame, labels: dict[str, str] | None = None, *, rows: int = MAX_ROWS,
         formats: dict[str, str] | None = None, key: str | None = None, hide: tuple[str, ...] = HIDDEN) -> None:
    """Show a table the way every page should: masked, labelled, without the index.

    `labels` maps column ids to headers and wins over the contract's Chinese headers;
    `formats` maps column ids to printf-style number formats ("%.1f%%") where the declared one
    does not fit; `rows` caps the height; `hide` columns are left off the screen.
    """
    table = frame.drop(columns=[c for c in hide if c in frame.columns])
    table = table if data.can_see_personal() else mask_frame(table, keep_names=data.can_see_names())
    text = [c for c in table.columns if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
    table = table.fillna({c: "" for c in text})  # an empty cell reads better than "None"
    config = column_config(table, formats)
    renamed = table.rename(columns={**english_headers(table), **(labels or {})}) if lang() == "en" \
        else chinese_headers(table, labels)
    config = {renamed.columns[list(table.columns).index(c)]: v for c, v in config.items()}
    st.dataframe(renamed, hide_index=True, height=height(len(renamed), rows), column_config=config, key=key,
                 width="stretch", placeholder=MISSING)
