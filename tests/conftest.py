"""Shared fixtures: one small demo county per test session, used by unit, page and browser
tests alike. DASHBOARD_STORE points the app at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics.data.store import Store
from analytics.demo import county as demo

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


@pytest.fixture(scope="session")
def accounts(demo_store: Store, demo_tables: dict, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo store with one account per role (town01 sees townships[3] only).

    With accounts, the app always asks to sign in; point DASHBOARD_STORE at accounts.store.root."""
    from tests.auth_helpers import make_accounts

    township = demo_tables["townships"]["township_code"].iloc[3]
    return make_accounts(demo_store, tmp_path_factory.mktemp("accounts") / "store", township)
