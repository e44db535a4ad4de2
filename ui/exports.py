"""The download button every table gets: Excel, Chinese headers, masked, titled with scope
and snapshot."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from analytics.reports.exports import excel_bytes
from ui import auth, data
from ui.text import common


def download(frame: pd.DataFrame, title: str, scope: str, *, key: str,
             headers: dict[str, str] | None = None, label: str | None = None,
             on_download: Callable[[], None] | None = None, notes: Sequence[str] = ()) -> None:
    """The file is generated when the user clicks, and each download is recorded in the audit log
    (and `on_download` called: the visit list notes its households as listed). `notes` are rows
    above the table (a plan's budget, rules and scenario: analytics.reports.exports.plan_notes)."""
    info = data.snapshot()
    subtitle = f"{common()['scope']}:{scope} · {common()['snapshot']} {info.id if info else '-'}"
    if data.unconfirmed_settings():
        subtitle += f" · {common()['unconfirmed_mark']}"
    frame = data.in_scope(frame)  # a second lock: no export leaves the user's townships
    visible, names = data.can_see_personal(), data.can_see_names()
    record = auth.export_recorder(title, scope, len(frame), visible, names)

    def payload() -> bytes:
        record()
        if on_download is not None:
            on_download()
        return excel_bytes(frame, title, subtitle, personal_visible=visible, headers=headers, names_visible=names,
                           notes=notes)

    filename = re.sub(r"[\\/:*?\"<>| ]+", "_", f"{title}_{scope}") + ".xlsx"
    # on_click="ignore": a download needs no rerun, and a rerun racing the download could lose it
    st.download_button(label or common()["download_excel"], payload, file_name=filename, key=key, icon=":material/download:", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
