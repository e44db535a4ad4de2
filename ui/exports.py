"""The download button every table gets: Excel, Chinese headers, masked, titled with scope
and snapshot."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from analytics.exports import excel_bytes
from ui import data
from ui.text import common


def download(frame: pd.DataFrame, title: str, scope: str, *, key: str,
             headers: dict[str, str] | None = None, label: str = "下载 Excel") -> None:
    info = data.snapshot()
    subtitle = f"{common()['scope']}:{scope} · {common()['snapshot']} {info.id if info else '-'}"
    payload = excel_bytes(frame, title, subtitle, personal_visible=data.can_see_personal(), headers=headers)
    filename = re.sub(r"[\\/:*?\"<>| ]+", "_", f"{title}_{scope}") + ".xlsx"
    st.download_button(label, payload, file_name=filename, key=key, icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
