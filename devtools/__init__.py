"""Tools that drive the app from outside, as a user's browser or a server operator would: serve it
on a local port, speak Streamlit's websocket protocol, sign in through AppTest.

The tests and the benchmark both need them and must not import each other, so they live here, in
the project, beside the app they drive; the app itself (app.py, app_pages, ui, analytics) never
imports this package.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project: app.py, the Streamlit entry point
APP = ROOT / "app.py"
