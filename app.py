"""Entry point: page config, navigation and the filters shared by every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, data, filters
from ui.nav import PAGES
from ui.text import common

st.set_page_config(page_title=common()["app_title"], page_icon=str(Path(__file__).parent / "static" / "icon.png"),
                   layout="wide", initial_sidebar_state="expanded")

auth.gate()  # the sign-in page until someone is signed in (demo mode on a demo-only store)
if data.snapshot() is None:
    st.title(common()["app_title"])
    st.error(common()["no_data"])
    st.stop()

sections: dict[str, list] = {}
for spec in auth.visible(PAGES):
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.default))
page = st.navigation(sections)
with st.sidebar:
    st.markdown(f"### {data.county_name()}")
filters.sidebar()
page.run()
