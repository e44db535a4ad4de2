"""On a phone the sidebar lies over the page: after the menu has opened another page, close it,
so the page the user asked for is what they see (Streamlit leaves it open). And a table's
toolbar (search, full screen), which a touch screen shows all the time, would lie over the
labels of the tabs above the table: on a phone a tab's content starts below it."""

from __future__ import annotations

import streamlit as st

PHONE_MAX_WIDTH = 768  # px: below this Streamlit draws the sidebar over the page, not beside it

# Runs in a frame of the app's own origin. The frame is drawn anew only when its text changes,
# i.e. when the page changes, so choosing a filter in the open sidebar does not close it. The tab
# remembers the last page it drew: the first page of a tab closes nothing, so a sidebar the user
# opened before this frame had loaded stays open.
_SCRIPT = """<script>
const doc = window.parent.document, store = window.parent.sessionStorage;
const before = store.getItem("phone_sidebar_page"), now = "%s";
store.setItem("phone_sidebar_page", now);
const side = doc.querySelector('[data-testid="stSidebar"]');
if (before !== null && before !== now && window.parent.innerWidth < %d && side
    && side.getBoundingClientRect().right > 0) {
  const close = doc.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (close) close.click();
}
</script>"""
# The frame's box is one pixel, out of the flow and unseen (not display:none: a browser test that
# scrolls each frame into view would wait for a box that never comes).
_CSS = f"""<style>.st-key-phone_sidebar {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  opacity: 0; pointer-events: none; }}
@media (max-width: {PHONE_MAX_WIDTH - 1}px) {{ [data-testid="stTabs"] [role="tabpanel"] {{ padding-top: 2.4rem; }} }}
</style>"""


def close_sidebar_after_navigating(page: st.Page) -> None:
    """Call once per run from app.py, with the page of the run."""
    st.html(_CSS)
    with st.container(key="phone_sidebar"):
        st.iframe(_SCRIPT % (page.url_path or "home", PHONE_MAX_WIDTH), height=1)
