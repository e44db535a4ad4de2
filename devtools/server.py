"""The app served by `streamlit run` on a free port of 127.0.0.1, and the Chromium that may open it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devtools import APP, ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# headless, and nothing of its own leaves the machine (no sync, updates or QUIC probes)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class Server:
    process: subprocess.Popen
    url: str
    startup_s: float  # from the start of the process until /_stcore/health answered


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(store: Path, timeout_s: float = 60) -> Server:
    """Start the app on `store`; returns once Streamlit says it is healthy."""
    port = free_port()
    env = dict(os.environ, DASHBOARD_STORE=str(store))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < timeout_s:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return Server(process, url, time.perf_counter() - started)
        except OSError:
            time.sleep(0.1)
    stop(Server(process, url, 0.0))
    raise RuntimeError(f"the app did not answer /_stcore/health within {timeout_s:.0f} s")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@contextmanager
def serve(store: Path, timeout_s: float = 60) -> Iterator[Server]:
    """The app served on `store` until the block ends."""
    server = start(store, timeout_s)
    try:
        yield server
    finally:
        stop(server)
