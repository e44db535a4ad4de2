"""Browser tests: the app served on 127.0.0.1 and driven by Debian's Chromium via Playwright.

Under CI=true a missing Chromium fails the run instead of skipping, so CI cannot pass
without having drawn the pages."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run must install the chromium package")
    pytest.skip("Chromium is not installed (apt-get install chromium fonts-noto-cjk)")


@contextmanager
def serve(store: Path) -> Iterator[str]:
    """The app served on a free local port on `store`, until the block ends."""
    port = _free_port()
    env = dict(os.environ, DASHBOARD_STORE=str(store))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the app did not answer /_stcore/health within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="session")
def app_url(demo_store) -> Iterator[str]:
    with serve(demo_store.root) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=ARGS)
        yield b
        b.close()


@dataclass
class Visit:
    page: object
    outside: list[str] = field(default_factory=list)

    def map_polygons(self) -> int:
        for frame in self.page.locator("iframe").all():
            frame.scroll_into_view_if_needed()  # component frames may load lazily
        return sum(frame.locator("path.leaflet-interactive").count() for frame in self.page.frames)

    def text(self) -> str:
        return self.page.locator('[data-testid="stMain"]').inner_text()


def settle(page, timeout_s: float = 60) -> None:
    """Wait until Streamlit has rendered and stayed idle for a second."""
    deadline, idle_since = time.time() + timeout_s, None
    while time.time() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count() > 0
        rendered = page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').count() > 0
        if running or not rendered:
            idle_since = None
        elif idle_since is None:
            idle_since = time.time()
        elif time.time() - idle_since >= 1.0:
            return
        time.sleep(0.2)
    raise TimeoutError(f"page still running after {timeout_s} s")


@pytest.fixture
def visit(browser, app_url):
    """Open a path at a window size; records every request that leaves 127.0.0.1."""
    contexts = []

    def _open(path: str = "/", width: int = 1920, height: int = 1080) -> Visit:
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(ctx)
        page = ctx.new_page()
        v = Visit(page)
        page.on("request", lambda r: v.outside.append(r.url) if not r.url.startswith(LOCAL_PREFIXES) else None)
        page.goto(app_url + path)
        settle(page)
        return v

    yield _open
    for ctx in contexts:
        ctx.close()
