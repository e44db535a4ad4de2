"""Shared fixtures: one small demo county per test session, used by unit, page and browser
tests alike. DASHBOARD_STORE points the app at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics import demo
from analytics.store import Store

ROOT = Path(__file__).resolve().parent.parent
SMALL_HOUSEHOLDS = 6000
SEED = 7


@pytest.fixture(scope="session")
def demo_tables() -> dict:
    return demo.generate(SMALL_HOUSEHOLDS, SEED)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("store"))
    demo.build(store, households=SMALL_HOUSEHOLDS, seed=SEED)
    return store


@pytest.fixture(scope="session", autouse=True)
def _point_app_at_demo_store(demo_store: Store):
    previous = os.environ.get("DASHBOARD_STORE")
    os.environ["DASHBOARD_STORE"] = str(demo_store.root)
    yield
    if previous is None:
        os.environ.pop("DASHBOARD_STORE", None)
    else:
        os.environ["DASHBOARD_STORE"] = previous


@pytest.fixture(autouse=True)
def _apptest_follows_st_navigation(monkeypatch: pytest.MonkeyPatch):
    """AppTest (Streamlit 1.67) re-detects the legacy pages/ folder on every run and then
    executes the page file alone, skipping app.py. The server stops doing so once app.py has
    called st.navigation; mirror that here so reruns execute app.py as they do in production."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class _Manager(PagesManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", _Manager)
