"""Entry point: page config, navigation and the filters shared by every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, breadcrumb, chrome, data, desk, filters, guard, nav, phone, projector, signin, startup
from ui.nav import PAGES
from ui.text import LANGUAGES, common

st.set_page_config(page_title=common()["app_title"], page_icon=str(Path(__file__).parent / "static" / "icon.png"),
                   layout="wide", initial_sidebar_state="auto")  # auto: collapsed on a phone
with st.sidebar:  # 中文 / English, before anything is drawn so every text follows it (?lang=English)
    st.segmented_control(common()["language"], list(LANGUAGES), default="zh", required=True, key="lang",
                         format_func=LANGUAGES.get, bind="query-params", label_visibility="collapsed")

snapshot = data.pin_snapshot()  # one snapshot for the whole run, read once
data.apply_county_settings()  # the county's own settings over the shipped defaults
desk.prewarm()  # once per snapshot, from the first sign-in page on: the township desk's lists, in the background
user = signin.gate()  # the sign-in page until someone is signed in (demo mode on a demo-only store)
startup.check_store()  # the store must be private: admins are warned while it is not
if snapshot is None:  # no data yet: an administrator imports the county's first files on 数据管理
    if not auth.is_admin():
        st.title(common()["app_title"])
        st.error(common()["no_data"])
        st.stop()
    st.info(common()["no_data_admin"], icon=":material/upload_file:")
    guard.run(nav.navigation([spec for spec in PAGES if spec.path == nav.FIRST_IMPORT_PAGE], user.role))
    st.stop()

page = nav.navigation(auth.visible(PAGES), user.role)
if auth.is_admin() and (pending := data.unconfirmed_settings()):
    st.warning(common()["unconfirmed"].format(keys="、".join(data.setting_label(k) for k in pending)), icon=":material/tune:")
with st.sidebar:
    st.markdown(f"### {data.county_name()}")
filters.sidebar()
chrome.library_texts()  # the uploader and chart toolbar in Chinese (or hidden)
projector.switch()  # 演示模式: ?present=true hides the chrome for a projector
phone.close_sidebar_after_navigating(page)  # a phone's sidebar lies over the page it has just opened
breadcrumb.show(page)  # 全县 › 乡镇 › 村 above the page; each level goes back
guard.run(page)  # an error shows a Chinese message with a reference, never Streamlit's box
