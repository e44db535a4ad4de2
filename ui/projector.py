"""演示模式 (projector mode): a sidebar switch bound to the URL (?present=true) that hides the
sidebar and Streamlit's chrome, enlarges the type and raises contrast, for county meetings on
a projector. `viewport()` tells the slides how tall the screen is, so each slide fits it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.data.funds import IndustryRule
from analytics.reports.palette import BLACK, INK, RULE, WHITE
from ui import charts
from ui.filters import Filters
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

SHORT = 740  # px: a window this tall or less (a 1280x720 projector) gets the compact cards
CSS = f"""
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
.stApp, [data-testid="stMain"] {{ background: {WHITE} !important; color: {BLACK} !important; }}
.block-container {{ padding: 0.5rem 1.4rem 0.3rem 1.4rem !important; max-width: 100% !important; }}
[data-testid="stMainBlockContainer"] p, [data-testid="stMainBlockContainer"] li {{ color: {BLACK};
     font-size: clamp(1rem, 1.15vw, 1.45rem); }}
[data-testid="stHeading"] [data-testid="stMarkdownContainer"] {{ margin-bottom: 0 !important; }}
h1 {{ font-size: clamp(1.7rem, 2.4vw, 3rem) !important; font-weight: 800 !important; color: {BLACK} !important;
     padding: 0.1rem 0 0 0 !important; margin: 0 !important; line-height: 1.25 !important; }}
h2, h3 {{ color: {BLACK} !important; font-size: clamp(1.3rem, 1.8vw, 2.2rem) !important; padding: 0.2rem 0 !important; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {{ color: {INK} !important;
     font-size: clamp(0.85rem, 0.95vw, 1.15rem) !important; }}
[data-testid="stAlertContainer"] {{ padding: 0.2rem 0.8rem !important; min-height: 0 !important; }}
[data-testid="stAlertContainer"] p {{ font-size: clamp(0.85rem, 0.95vw, 1.15rem) !important; }}
[data-testid="stMetric"] {{ border: 2px solid {INK} !important; padding: 0.5rem 0.8rem !important; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: clamp(2rem, 3.6vw, 4.4rem) !important;
     font-weight: 800 !important; color: {BLACK} !important; line-height: 1.15 !important; }}
[data-testid="stMetricValue"] span {{ font-size: 0.5em !important; font-weight: 600 !important; }}
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {{ font-size: clamp(1rem, 1.35vw, 1.75rem) !important; color: {INK} !important;
     font-weight: 600 !important; }}
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {{ font-size: clamp(0.95rem, 1.2vw, 1.5rem) !important; }}
[data-testid="stVerticalBlock"] {{ gap: 0.45rem !important; }}
@media (max-height: {SHORT}px) {{  /* a 1280x720 projector: smaller cards, so the charts below them stay */
  [data-testid="stMetric"] {{ padding: 0.25rem 0.8rem !important; }}
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: clamp(1.6rem, 2.6vw, 3.2rem) !important; }}
}}
.st-key-projector_exit {{ position: fixed; top: 0.4rem; right: 0.8rem; z-index: 1000; width: auto !important; }}
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


@dataclass(frozen=True)
class Screen:
    """The window a slide fills, and the sizes that follow from it.

    Type scales with the window width (see the CSS here and in ui.layout), so the heights of
    the slide header and of a row of cards are linear in the width, fitted on Chromium at 1024,
    1280, 1366 and 1920 px wide with a few px to spare; the browser tests check that no slide
    scrolls at 1024x768 and 1920x1080.
    """

    width: int
    height: int
    presenting: bool

    @property
    def body(self) -> int:
        """Height left for the slide body: the window less the control bar, title, banner and
        scope line (beside the sidebar the page may scroll, so never less than 540)."""
        header = (135 + 0.045 * self.width) if self.presenting else (300 + 0.02 * self.width)
        if self.presenting and self.height <= SHORT:  # measured at 1280x720: the fit leaves 16 px to spare there
            header -= 16
        return max(int(self.height - header - 16), 320 if self.presenting else 540)

    @property
    def font(self) -> int:
        """Chart type in px: tick labels are two smaller and stay at charts.SMALLEST or above."""
        return int(min(24, max(charts.SMALLEST + 2, self.height / 42)))

    def cards_height(self, rows: int = 1) -> int:
        """Height of `rows` rows of metric cards, with the gaps between them and below."""
        if self.presenting and self.height <= SHORT:  # the smaller cards of the CSS's max-height rule
            row = 82 + 0.052 * self.width
        else:
            row = (80 + 0.0703 * self.width) if self.presenting else (112 + 0.02 * self.width)
        return int(rows * (row + 7))

    def chart(self, fig: go.Figure, height: int, title: str | None, key: str) -> None:
        """A chart in projector type: the size follows the window, dark text, no Streamlit theme."""
        font = self.font
        fig = charts.style(fig, height, title)
        fig.update_layout(font={"family": charts.FONT, "size": font, "color": INK},
                          title={"x": 0, "xanchor": "left", "font": {"size": font + 2, "color": BLACK}},
                          legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0,
                                  "font": {"size": font - 1}},  # below the tick labels, never over them
                          margin={"l": 10, "r": 30, "t": int(font * 2.4) if title else 10, "b": 10})
        fig.update_xaxes(tickfont={"size": font - 2, "color": INK}, automargin=True)
        fig.update_yaxes(tickfont={"size": font - 2, "color": INK}, gridcolor=RULE, automargin=True)
        charts.legible(fig)
        st.plotly_chart(fig, config=charts.CONFIG, width="stretch", theme=None, key=key)


def _step(slides: tuple[str, ...], offset: int) -> None:
    current = st.session_state.get("slide") or slides[0]
    st.session_state["slide"] = slides[(slides.index(current) + offset) % len(slides)]


def controls(t: dict[str, str], slides: tuple[str, ...], names: dict[str, str],
             intervals: tuple[int, ...]) -> tuple[str, Screen]:
    """The deck's control bar (previous/next, also PageUp and PageDown as a presenter's clicker
    sends; the slide list; auto-advance; projector mode); returns the slide to show and the
    screen it fills."""
    presenting = active()
    if st.session_state.pop("_slides_advance", False):
        _step(slides, 1)
    screen = Screen(*viewport(), presenting)
    st.html("<style>.st-key-projector_exit { display: none !important; } "
            ".st-key-slides_prev kbd, .st-key-slides_next kbd { display: none !important; }</style>")
    if not presenting:  # clear of the Streamlit header that sits over the top of the page
        st.html("<style>.block-container { padding-top: 3.6rem !important; }</style>")
    bar = st.columns([0.7, 13, 0.7, 0.8, 2.4] if presenting else [0.7, 5, 0.7, 0.8, 3.2],
                     vertical_alignment="center", gap="small")
    bar[0].button("", icon=":material/chevron_left:", help=f"{t['prev']} (PageUp)", on_click=_step,
                  args=(slides, -1), key="slides_prev", shortcut="PageUp")
    if st.session_state.get("slide") not in slides:  # first run here: the slide named in the link
        asked = st.query_params.get("slide")
        st.session_state["slide"] = asked if asked in slides else slides[0]
    else:  # the list below changes kind with projector mode, and a new kind of widget starts empty
        st.session_state["slide"] = st.session_state["slide"]  # (?slide=None): hand it the slide shown
    with bar[1]:  # all slide names in a row on the projector; a compact list beside the sidebar
        if presenting:
            slide = st.segmented_control(t["slide"], slides, required=True, key="slide", format_func=names.get,
                                         label_visibility="collapsed")
        else:
            slide = st.selectbox(t["slide"], slides, key="slide", format_func=names.get, label_visibility="collapsed")
    st.query_params["slide"] = slide  # ?slide=map: a copied link opens the same slide
    bar[2].button("", icon=":material/chevron_right:", help=f"{t['next']} (PageDown)", on_click=_step,
                  args=(slides, 1), key="slides_next", shortcut="PageDown")
    with bar[3].popover("", icon=":material/play_circle:", help=t["auto"]):
        auto = st.toggle(t["auto"], key="slides_auto")
        every = st.selectbox(t["every"], intervals, index=1, key="slides_every",
                             format_func=lambda n: t["seconds"].format(n=n))
    if presenting:
        bar[4].button(t["exit"], on_click=turn_off, icon=":material/close_fullscreen:", key="slides_exit")
    else:
        bar[4].button(t["start"], on_click=turn_on, icon=":material/co_present:", key="slides_start")
    if auto:
        _advance_after(every)
    return slide, screen


def _advance_after(every: int) -> None:
    """Auto-advance: the next slide once `every` seconds have passed since this one was shown."""
    st.session_state["_slides_shown_at"] = time.time()

    @st.fragment(run_every=every)
    def _tick() -> None:
        if time.time() - st.session_state.get("_slides_shown_at", 0.0) >= every - 0.5:
            st.session_state["_slides_advance"] = True
            st.rerun()

    _tick()


@dataclass(frozen=True)
class Deck:
    """What every slide reads: its texts, the filters, the screen and the data in scope."""

    t: dict
    f: Filters
    screen: Screen
    slide: str
    village_year: pd.DataFrame
    pool: pd.DataFrame
    villages: pd.DataFrame
    townships: pd.DataFrame
    rule: IndustryRule

    def show(self, fig: go.Figure, height: int, title: str | None = None) -> None:
        self.screen.chart(fig, height, title, key=f"slide_{self.slide}_{title}")

    def series(self) -> dict[str, str]:
        """Legends of the shared figures, in the chosen language."""
        keys = ("poor_income", "line", "monitored_unresolved", "newly_identified", "eliminated", "share", "rule",
                "target")
        return dict(zip(keys, self.t["series"].split("|")))
