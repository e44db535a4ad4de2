"""The app in Streamlit's AppTest, opened and signed in to as a user would."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from devtools import APP

TIMEOUT = 300  # seconds per run: generous, a first run loads the county on a busy machine


def app(query: dict[str, str] | None = None, timeout: float = TIMEOUT) -> AppTest:
    """app.py in AppTest, not run yet, with these URL query parameters."""
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
