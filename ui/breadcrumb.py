"""The breadcrumb above each page (全县 › 乡镇 › 村), as in the BI tools county staff know: it
says where the filters have taken the page, and each level above the current one is a button
that goes back to it (`ui.filters.go_up`)."""

from __future__ import annotations

import streamlit as st

from analytics.access.users import ADMIN
from analytics.reports.palette import INK_SOFT
from ui import data, filters, projector
from ui.nav import PAGES
from ui.text import pick
from ui.texts.breadcrumb import TEXT

_CSS = f"""<style>
.st-key-breadcrumb {{ gap: 0.15rem !important; align-items: center; min-height: 0; margin-bottom: -0.6rem; }}
.st-key-breadcrumb button {{ padding: 0 0.2rem !important; min-height: 1.6rem !important; }}
.st-key-breadcrumb [data-testid="stMarkdownContainer"] p {{ margin: 0; color: {INK_SOFT}; }}
</style>"""
# Pages only an administrator opens (imports, users, settings): no township filter applies there.
_ADMIN_PAGES = {spec.path.rsplit("/", 1)[-1].removesuffix(".py") for spec in PAGES if spec.roles == (ADMIN,)}


def show(page: st.Page) -> None:
    """Note the page of this run (a map click returns here from 村庄画像) and draw the trail;
    call once per run from app.py, after the filters. Not on admin pages, nor on a projector."""
    st.session_state[filters.HERE] = page
    if st.session_state.get(projector.KEY) or page.url_path in _ADMIN_PAGES:
        return
    t = pick(TEXT)
    f = filters.current()
    townships, villages = data.table("townships"), data.table("villages")
    root = t["county"] if data.allowed_townships() is None else t["mine"]
    levels = [("county", root)]
    if f.township:
        levels.append(("town", dict(zip(townships["township_code"], townships["township_name"]))
                       .get(f.township, f.township)))
    if f.village:
        levels.append(("village", dict(zip(villages["village_code"], villages["village_name"]))
                       .get(f.village, f.village)))
    st.html(_CSS)
    with st.container(horizontal=True, key="breadcrumb", gap=None, vertical_alignment="center"):
        for i, (level, label) in enumerate(levels):
            if i:
                st.markdown("›")
            if i < len(levels) - 1:
                st.button(label, key=f"breadcrumb_{level}", type="tertiary", on_click=filters.go_up,
                          args=(level,), help=t["up"].format(level=label))
            else:
                st.markdown(f"**{label}**")
