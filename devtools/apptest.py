"""The app in Streamlit's AppTest, opened and signed in to as a user would."""

from __future__ import annotations

import functools

from streamlit.testing.v1 import AppTest

from devtools import APP

TIMEOUT = 300  # seconds per run: generous, a first run loads the county on a busy machine


@functools.cache
def scan_components_once() -> None:
    """Every new AppTest scans each installed package for Streamlit components: 0.2-0.4 s of CPU,
    more than most page runs, and no part of the page. A served app scans once per server; so does
    this process, from the first call on (the packages installed cannot change meanwhile)."""
    from streamlit.components.v2 import manifest_scanner

    found = manifest_scanner.scan_component_manifests()
    manifest_scanner.scan_component_manifests = lambda max_workers=None: found


def app(query: dict[str, str] | None = None, timeout: float = TIMEOUT) -> AppTest:
    """app.py in AppTest, not run yet, with these URL query parameters."""
    scan_components_once()
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def sign_in(name: str, password: str, query: dict[str, str] | None = None, timeout: float = TIMEOUT) -> AppTest:
    """Open the app, fill in the sign-in form and submit it, as a user would."""
    at = app(query, timeout).run()
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at
