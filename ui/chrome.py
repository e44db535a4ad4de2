"""The sidebar's order, and library strings in the Chinese UI.

The language switch and the filters (乡镇, 村, 年度) come first in the sidebar, above the page menu,
so they are in sight at 1024x768 without scrolling (Streamlit draws its menu above the app's own
sidebar content; CSS reverses that).

Library strings in the Chinese UI: Streamlit's uploader says "Upload" and "200MB per file", and
Plotly's toolbar has English tooltips with no Chinese locale bundled. CSS relabels the uploader
and hides the toolbar (zoom by dragging and double-click to reset still work); the English UI
keeps both as they are."""

from __future__ import annotations

import streamlit as st

from ui.text import lang

_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
    content: "选择文件"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
    content: "单个文件不超过 %dMB"; font-size: 0.8rem; }
.modebar-container { display: none !important; }
</style>"""


_SIDEBAR = """<style>
[data-testid="stSidebarContent"] { display: flex; flex-direction: column; }
[data-testid="stSidebarUserContent"] { order: -1; padding-top: 0.5rem; padding-bottom: 0.5rem; }
[data-testid="stSidebarHeader"] { order: -2; }
</style>"""


def library_texts() -> None:
    """Call once per run (app.py): the sidebar order, and the Chinese UI's relabelled strings."""
    st.html(_SIDEBAR)
    if lang() == "zh":
        st.html(_CSS % int(st.get_option("server.maxUploadSize")))
