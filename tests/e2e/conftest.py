"""Browser tests: the app served on 127.0.0.1 and driven by Debian's Chromium via Playwright.

Under CI=true a missing Chromium fails the run instead of skipping, so CI cannot pass
without having drawn the pages.

Waiting: Streamlit's running indicator appears only half a second after a run starts, so a page
that looks idle may still be computing. The tests therefore read the page's own websocket
(`StreamlitRuns`): `settle` waits until Streamlit has *finished* a run (the run after an action,
when told how many had finished before it), the page has been quiet for a moment (a map or
a window-size component may ask for one more run; a late request would show up), and the page
shows content with no running indicator.
"""

from __future__ import annotations

import os
import shutil
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from devtools import server
from devtools.server import CHROMIUM, CHROMIUM_ARGS

LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
QUIET_S = 1.0  # no websocket message and no request in flight for this long: nothing more is coming
POLL_MS = 100
CONTENT = '[data-testid="stMain"] [data-testid="stElementContainer"]'
RUNNING = '[data-testid="stStatusWidget"]'
POLYGONS_IN_FRAMES = """() => [...document.querySelectorAll('iframe')].reduce((n, f) =>
    n + (f.contentDocument ? f.contentDocument.querySelectorAll('path.leaflet-interactive').length : 0), 0)"""


class StreamlitRuns:
    """What one browser page hears from Streamlit: how many runs have finished (a run ended early
    by st.rerun does not count: its rerun will) and when the page last saw any traffic."""

    def __init__(self, page) -> None:
        self.finished = 0
        self.in_flight = 0
        self.last_activity = time.monotonic()
        page.on("websocket", self._socket)
        page.on("request", lambda _: self._busy(+1))
        page.on("requestfinished", lambda _: self._busy(-1))
        page.on("requestfailed", lambda _: self._busy(-1))

    def _busy(self, change: int) -> None:
        self.in_flight = max(0, self.in_flight + change)
        self.last_activity = time.monotonic()

    def _socket(self, socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("framereceived", self._message)

    def _message(self, payload: bytes | str) -> None:
        self.last_activity = time.monotonic()
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        if (message.WhichOneof("type") == "script_finished"
                and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
            self.finished += 1

    def quiet(self) -> bool:
        return self.in_flight == 0 and time.monotonic() - self.last_activity >= QUIET_S


_RUNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def watch(page) -> StreamlitRuns:
    """Start listening to a fresh page (before its first goto)."""
    _RUNS[page] = StreamlitRuns(page)
    return _RUNS[page]


def settle(page, timeout_s: float = 120, after: int = 0) -> None:
    """Wait until more than `after` runs have finished on this page, nothing has moved for
    QUIET_S, and the page shows content without the running indicator."""
    runs = _RUNS[page]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (runs.finished > after and runs.quiet() and page.locator(RUNNING).count() == 0
                and page.locator(CONTENT).count() > 0):
            return
        page.wait_for_timeout(POLL_MS)  # a polling tick: Playwright delivers the socket's messages meanwhile
    raise TimeoutError(f"no finished, quiet Streamlit run within {timeout_s} s "
                       f"({runs.finished} finished, {runs.in_flight} requests in flight)")


def rerun(page, action: Callable[[], object], timeout_s: float = 300) -> None:
    """Do what makes Streamlit rerun (a click, a choice) and wait until that rerun has finished."""
    before = _RUNS[page].finished
    action()
    settle(page, timeout_s, after=before)


def goto(page, url: str, timeout_s: float = 120) -> None:
    """Open a URL (a new session of the app) and wait for its first run to finish."""
    before = _RUNS[page].finished
    page.goto(url)
    settle(page, timeout_s, after=before)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run must install the chromium package")
    pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")


@pytest.fixture(scope="session")
def app_url(demo_store) -> Iterator[str]:
    with server.serve(demo_store.root) as app:
        yield app.url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_tab(browser, **context: object):
    """A page in a fresh browser context (no cookie, no session), listened to by `settle`, that
    records every request leaving 127.0.0.1 in `page.outside`."""
    ctx = browser.new_context(locale="zh-CN", **context)
    page = ctx.new_page()
    page.set_default_timeout(120_000)
    watch(page)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(LOCAL_PREFIXES) else None)
    page.outside = outside
    return ctx, page


@dataclass
class Visit:
    page: object
    outside: list[str] = field(default_factory=list)

    def map_polygons(self) -> int:
        for frame in self.page.locator("iframe").all():
            frame.scroll_into_view_if_needed()  # component frames may load lazily
        return sum(frame.locator("path.leaflet-interactive").count() for frame in self.page.frames)

    def wait_for_polygons(self, expected: int, timeout_s: float = 30) -> int:
        """The polygons drawn in the page's map frames, once there are at least `expected`."""
        for frame in self.page.locator("iframe").all():
            frame.scroll_into_view_if_needed()
        self.page.wait_for_function(f"({POLYGONS_IN_FRAMES})() >= {expected}", timeout=timeout_s * 1000)
        return self.map_polygons()

    def text(self) -> str:
        return self.page.locator('[data-testid="stMain"]').inner_text()

    def map_frame(self, polygons: int | None = None, timeout_s: float = 60):
        """The frame of the page's clickable map (st_folium's component), once its polygons are
        drawn (exactly `polygons` of them, when given: a map redrawn after a click)."""
        self.page.locator('iframe[title="streamlit_folium.st_folium"]').last.scroll_into_view_if_needed()
        drawn = f"({POLYGONS_IN_FRAMES})() " + (f"== {polygons}" if polygons is not None else "> 0")
        self.page.wait_for_function(f"() => {drawn}", timeout=timeout_s * 1000)
        return next(frame for frame in self.page.frames if frame.locator("path.leaflet-interactive").count())


@pytest.fixture
def visit(browser, app_url):
    """Open a path at a window size and wait for its run; records every request that leaves
    127.0.0.1. Several pages train or score on their first run: the wait is patient."""
    contexts = []

    def _open(path: str = "/", width: int = 1920, height: int = 1080) -> Visit:
        ctx, page = new_tab(browser, viewport={"width": width, "height": height}, accept_downloads=True)
        contexts.append(ctx)
        v = Visit(page, page.outside)
        goto(page, app_url + path, 300)
        return v

    yield _open
    for ctx in contexts:
        ctx.close()

