"""Right after a server start, before any session had run app.py's st.navigation, Streamlit used to
run a deep-linked page file on its own (its legacy pages/ mode, while the pages sat in pages/).
The pages now sit in app_pages/, which Streamlit never runs on its own; this stays as the
regression test: sessions arriving together at a fresh server must meet the sign-in gate and
then see the page they asked for."""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor

from analytics.access import users
from devtools import server
from devtools.protocol import Session

SESSIONS = 6


async def _deep_link(url: str, name: str, password: str) -> tuple[list[str], list[str]]:
    session = await Session.open(url, "township")
    before = [kind for kind, _ in session.widgets.values()]
    await session.sign_in(name, password)
    after = session.headings
    await session.close()
    return before, after


def test_simultaneous_deep_links_on_a_fresh_server_meet_the_gate_then_the_page(store_copy, fast_bcrypt):
    store = store_copy
    people = {f"cold{i}": secrets.token_urlsafe(12) for i in range(SESSIONS)}  # one each: sign-ins are throttled per name
    for name, password in people.items():
        users.add(store, name, users.LEADER, password, (), by="测试")
    with server.serve(store.root) as app:
        async def together():
            return await asyncio.gather(*(_deep_link(app.url, name, pw) for name, pw in people.items()))

        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API may hold this thread's event loop
            results = pool.submit(asyncio.run, together()).result()
    for before, after in results:
        assert before.count("text_input") == 2  # the sign-in form, not the page
        assert any(heading.startswith("乡镇工作台") for heading in after)
