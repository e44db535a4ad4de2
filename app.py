"""Entry point: page config, navigation and the filters shared by every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, data, desk, filters, nav, projector
from ui.nav import PAGES, SECTIONS_EN, TITLES_EN
from ui.text import LANGUAGES, common, lang

st.set_page_config(page_title=common()["app_title"], page_icon=str(Path(__file__).parent / "static" / "icon.png"),
                   layout="wide", initial_sidebar_state="auto")  # auto: collapsed on a phone
with st.sidebar:  # 中文 / English, before anything is drawn so every text follows it (?lang=English)
    st.segmented_control(common()["language"], list(LANGUAGES), default="zh", required=True, key="lang",
                         format_func=LANGUAGES.get, bind="query-params", label_visibility="collapsed")

snapshot = data.pin_snapshot()  # one snapshot for the whole run, read once
desk.prewarm()  # once per snapshot, from the first sign-in page on: the township desk's lists, in the background
auth.gate()  # the sign-in page until someone is signed in (demo mode on a demo-only store)
if snapshot is None:
    st.title(common()["app_title"])
    st.error(common()["no_data"])
    st.stop()

english = lang() == "en"
sections: dict[str, list] = {}
for spec in auth.visible(PAGES):
    sections.setdefault(SECTIONS_EN.get(spec.section, spec.section) if english else spec.section, []).append(
        st.Page(spec.path, title=TITLES_EN.get(spec.path, spec.title) if english else spec.title, icon=spec.icon,
                default=spec.default))
page = st.navigation(sections, expanded=True)  # every page listed, none behind "View more"
with st.sidebar:
    st.markdown(f"### {data.county_name()}")
filters.sidebar()
projector.switch()  # 演示模式: ?present=true hides the chrome for a projector
nav.run(page)
