"""Concurrent sessions against a local server: the monthly monitoring push, when about twenty
township heads use the app at once. Bounded in sessions, changes and time; it talks only to
127.0.0.1.

The twenty sessions speak Streamlit's websocket protocol (devtools.protocol) rather than drive
twenty Chromiums: in a county every head's browser runs on their own PC, and twenty browsers
rendering on the server's two cores would measure the browsers. One real browser times the
first page after the server starts."""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from analytics.access import users
from analytics.data.store import Store
from bench.measure import add_accounts
from devtools import server
from devtools.protocol import ProtocolError, Session
from devtools.server import CHROMIUM, CHROMIUM_ARGS

SESSION_TIMEOUT_S = 600
PAGE = "/township"  # 乡镇工作台: what township heads open during the monthly push


def server_cpu_s(proc: subprocess.Popen) -> float:
    """CPU seconds the server has used (user + system): what its reruns cost, apart from queueing
    and from the twenty browsers that share this machine's cores in the test."""
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_peak_mb(proc: subprocess.Popen) -> float:
    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024
    return float("nan")


async def _idle(page, timeout_s: float) -> None:
    """Wait until the page has a scope line and no rerun is running."""
    deadline = time.perf_counter() + timeout_s
    caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first
    while time.perf_counter() < deadline:
        if await caption.count() and not await page.locator('[data-testid="stStatusWidget"]').count():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("page did not settle")


async def _first_page(url: str, account: tuple[str, str]) -> float:
    """Seconds for a real browser to open the township desk and sign in, right after the start."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = await (await browser.new_context(viewport={"width": 1280, "height": 800})).new_page()
        start = time.perf_counter()
        await page.goto(url + PAGE)
        await page.locator('input[type="password"]').wait_for(timeout=SESSION_TIMEOUT_S * 1000)
        await page.locator('input[type="text"]').first.fill(account[0])
        await page.locator('input[type="password"]').fill(account[1])
        await page.locator('input[type="password"]').press("Enter")
        await page.locator('[data-testid="stSidebarNav"]').first.wait_for(timeout=SESSION_TIMEOUT_S * 1000)
        await _idle(page, SESSION_TIMEOUT_S)
        seconds = time.perf_counter() - start
        await browser.close()
    return seconds


async def _open(url: str, account: tuple[str, str], sign_ins: list[float], errors: list[str]) -> Session | None:
    """A signed-in session, or None when it failed (recorded in `errors`)."""
    start = time.perf_counter()
    try:
        session = await Session.open(url, PAGE.strip("/"))
        await session.sign_in(*account)
    except Exception as exc:  # a failed session is a result, not a crash of the benchmark
        errors.append(f"sign-in {type(exc).__name__}: {exc}"[:200])
        return None
    sign_ins.append(time.perf_counter() - start)
    return session


async def _changes(session: Session, names: list[str], changes: int, offset: int, times: list[float],
                   errors: list[str]) -> None:
    try:
        town = session.widget("selectbox", key="town")
        for i in range(changes):
            name = names[(offset + i) % len(names)]
            times.append(await session.rerun({town: ("string_value", name)}))
            if not any(name in heading for heading in session.headings):  # the rerun must show that township
                raise ProtocolError(f"{name} not shown after choosing it: {session.headings[:2]}")
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        await session.close()


async def _run(url: str, accounts: list[tuple[str, str]], names: list[str], changes: int,
               cpu: Callable[[], float]) -> dict:
    """Every session signs in at once; when all are in, every session changes the township at
    once. Sign-in (a bcrypt check and the first page) is timed apart from the reruns."""
    first_page = await _first_page(url, accounts[0])
    times: list[float] = []
    sign_ins: list[float] = []
    errors: list[str] = []
    cpu_start = cpu()
    sessions = await asyncio.wait_for(asyncio.gather(*(_open(url, a, sign_ins, errors) for a in accounts)),
                                      timeout=SESSION_TIMEOUT_S)
    cpu_signed_in = cpu()
    await asyncio.wait_for(asyncio.gather(*(
        _changes(session, names, changes, i, times, errors) for i, session in enumerate(sessions) if session)),
        timeout=SESSION_TIMEOUT_S)
    return {"times": times, "sign_ins": sign_ins, "errors": errors, "first_page": first_page,
            "cpu_sign_in": cpu_signed_in - cpu_start, "cpu_changes": cpu() - cpu_signed_in}


def _median_p95(values: list[float]) -> tuple[float | None, float | None]:
    ordered = sorted(values)
    if not ordered:
        return None, None
    return round(statistics.median(ordered), 3), round(ordered[math.ceil(len(ordered) * 0.95) - 1], 3)


def load_test(store: Path, sessions: int = 20, changes: int = 10) -> dict:
    names = list(Store(store).table("townships")["township_name"])
    accounts = list(add_accounts(store, users.LEADER, sessions).items())
    with server.serve(store, timeout_s=120) as app:
        run = asyncio.run(_run(app.url, accounts, names, changes, lambda: server_cpu_s(app.process)))
        peak = server_peak_mb(app.process)
        startup = app.startup_s
    times, errors = run["times"], run["errors"]
    median, p95 = _median_p95(times)
    sign_in_median, sign_in_p95 = _median_p95(run["sign_ins"])
    return {
        "sessions": sessions, "changes_per_session": changes, "reruns": len(times),
        "errors": len(errors), "error_samples": errors[:3],
        "server_start_s": round(startup, 2), "first_page_s": round(run["first_page"], 2),
        "sign_in_median_s": sign_in_median, "sign_in_p95_s": sign_in_p95,
        "rerun_median_s": median, "rerun_p95_s": p95,
        "server_peak_mb": round(peak, 0),
        "server_cpu_sign_in_s": round(run["cpu_sign_in"], 1),
        "server_cpu_s": round(run["cpu_changes"], 1),
        "server_cpu_per_rerun_s": round(run["cpu_changes"] / len(times), 3) if times else None,
    }
