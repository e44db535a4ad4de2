"""演示模式 (projector mode): a sidebar switch bound to the URL (?present=true) that hides the
sidebar and Streamlit's chrome, enlarges the type and raises contrast, for county meetings on
a projector. `viewport()` tells the slides how tall the screen is, so each slide fits it.
"""

from __future__ import annotations

import streamlit as st

from ui.text import pick

KEY = "present"  # session key and URL parameter: ?present=true
DEFAULT_VIEWPORT = (1024, 768)  # a common projector; used until the browser has reported its size

TEXT = {
    "zh": {"switch": "演示模式", "help": "投影用:隐藏侧栏和菜单、放大字体、提高对比度;链接中带 ?present=true 即直接进入",
           "exit": "退出演示"},
    "en": {"switch": "Projector mode", "help": "For a projector: hides the sidebar and menus, larger type, more "
                                              "contrast; a link with ?present=true opens in this mode",
           "exit": "Exit projector mode"},
}

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.stApp, [data-testid="stMain"] { background: #ffffff !important; color: #000000 !important; }
.block-container { padding: 0.5rem 1.4rem 0.3rem 1.4rem !important; max-width: 100% !important; }
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li { color: #000000;
     font-size: clamp(1rem, 1.15vw, 1.45rem); }
[data-testid="stHeading"] [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
h1 { font-size: clamp(1.7rem, 2.4vw, 3rem) !important; font-weight: 800 !important; color: #000 !important;
     padding: 0.1rem 0 0 0 !important; margin: 0 !important; line-height: 1.25 !important; }
h2, h3 { color: #000 !important; font-size: clamp(1.3rem, 1.8vw, 2.2rem) !important; padding: 0.2rem 0 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #222 !important;
     font-size: clamp(0.85rem, 0.95vw, 1.15rem) !important; }
[data-testid="stAlertContainer"] { padding: 0.2rem 0.8rem !important; min-height: 0 !important; }
[data-testid="stAlertContainer"] p { font-size: clamp(0.85rem, 0.95vw, 1.15rem) !important; }
[data-testid="stMetric"] { border: 2px solid #333 !important; padding: 0.5rem 0.8rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: clamp(2rem, 3.6vw, 4.4rem) !important;
     font-weight: 800 !important; color: #000 !important; line-height: 1.15 !important; }
[data-testid="stMetricValue"] span { font-size: 0.5em !important; font-weight: 600 !important; }
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div { font-size: clamp(1rem, 1.35vw, 1.75rem) !important; color: #111 !important;
     font-weight: 600 !important; }
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * { font-size: clamp(0.95rem, 1.2vw, 1.5rem) !important; }
[data-testid="stVerticalBlock"] { gap: 0.45rem !important; }
.st-key-projector_exit { position: fixed; top: 0.4rem; right: 0.8rem; z-index: 1000; width: auto !important; }
</style>
"""


def active() -> bool:
    return bool(st.session_state.get(KEY, False))


def turn_off() -> None:
    """For buttons (on_click): leave projector mode."""
    st.session_state[KEY] = False


def switch() -> bool:
    """The switch in the sidebar; when on, the chrome goes and an exit button stays in a corner.

    Call once per run from app.py, after the sidebar filters and before the page.
    """
    t = pick(TEXT)
    with st.sidebar:
        on = st.toggle(t["switch"], key=KEY, bind="query-params", help=t["help"])
    if on:
        st.html(CSS)
        with st.container(key="projector_exit"):
            st.button(t["exit"], on_click=turn_off, icon=":material/close_fullscreen:", key="projector_exit_button")
    return on


def turn_on() -> None:
    """For buttons (on_click): enter projector mode."""
    st.session_state[KEY] = True


_VIEWPORT_JS = """
export default function(component) {
  const { setStateValue, data } = component;
  const report = () => {
    const size = [window.innerWidth, window.innerHeight];
    if (!data || data[0] !== size[0] || data[1] !== size[1]) setStateValue('size', size);
  };
  report();
  let timer = null;
  const onResize = () => { clearTimeout(timer); timer = setTimeout(report, 250); };
  window.addEventListener('resize', onResize);
  return () => window.removeEventListener('resize', onResize);
}
"""
_VIEWPORT_CSS = ".st-key-viewport_probe { display: none !important; }"
_probe = st.components.v2.component("viewport_probe", js=_VIEWPORT_JS)


def viewport() -> tuple[int, int]:
    """The browser window's (width, height) in CSS pixels; DEFAULT_VIEWPORT until it reports."""
    state = st.session_state.get("viewport_probe")
    known = getattr(state, "size", None) or (state.get("size") if isinstance(state, dict) else None)
    st.html(f"<style>{_VIEWPORT_CSS}</style>")
    result = _probe(key="viewport_probe", data=known, default={"size": None}, on_size_change=lambda: None)
    size = getattr(result, "size", None) or known
    return (int(size[0]), int(size[1])) if size else DEFAULT_VIEWPORT
