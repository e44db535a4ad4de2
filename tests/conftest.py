"""Shared fixtures: one small demo county per test session, used by unit, page and browser
tests alike. DASHBOARD_STORE points the app at it.

Every test gets exactly one tier marker (declared in pyproject.toml), so that `make test-fast`
can leave out the browser tier: a test marked by hand keeps its marker; otherwise tests/e2e is
`browser`, a test that drives the app through AppTest (itself, in a fixture or in a helper it
calls) is `page`, and everything else is `unit`.
"""

from __future__ import annotations

import inspect
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import CodeType, FunctionType, ModuleType

import pytest
from streamlit.testing.v1 import AppTest

from analytics.access import users
from analytics.data.store import Store
from analytics.demo import county as demo
from analytics.risk import saved as risk_model_store
from devtools import ROOT, apptest

SMALL_HOUSEHOLDS = 6000
SEED = 7
TIERS = ("unit", "page", "browser")
E2E = Path(__file__).resolve().parent / "e2e"
HELPERS = ("tests", "devtools")  # where a function that drives AppTest for a test may live

__all__ = ["ROOT", "SMALL_HOUSEHOLDS", "SEED"]


@pytest.fixture(scope="session")
def demo_tables() -> dict:
    """The demo county's source tables, generated once: the session's store is written from them."""
    return demo.generate(SMALL_HOUSEHOLDS, SEED)


@pytest.fixture(scope="session")
def demo_store(demo_tables: dict, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The store as `python -m analytics demo` leaves it: the county as the current snapshot and its
    risk model trained, so that no page test pays for (or times out on) the first training."""
    store = Store(tmp_path_factory.mktemp("store"))
    demo.write(store, demo_tables, f"示范县 households={SMALL_HOUSEHOLDS} seed={SEED}")
    risk_model_store.prepare(store)
    return store


@pytest.fixture(scope="session", autouse=True)
def _point_app_at_demo_store(demo_store: Store) -> Iterator[None]:
    previous = os.environ.get("DASHBOARD_STORE")
    os.environ["DASHBOARD_STORE"] = str(demo_store.root)
    yield
    if previous is None:
        os.environ.pop("DASHBOARD_STORE", None)
    else:
        os.environ["DASHBOARD_STORE"] = previous


@pytest.fixture(scope="session", autouse=True)
def _components_scanned_once() -> None:
    """Also for the tests that make their own AppTest (devtools.apptest.app does this itself)."""
    apptest.scan_components_once()


@pytest.fixture(autouse=True)
def _no_desk_prewarm(monkeypatch: pytest.MonkeyPatch) -> None:
    """The township desk's background warm-up (ui/desk.py) readies production for the monthly rush;
    in an AppTest it would only take CPU from the test and could outlive it, reading a store copy
    the test is done with. The desk is computed on demand instead, as its page tests check."""
    from ui import desk

    monkeypatch.setattr(desk, "prewarm", lambda year=None: None)


@pytest.fixture
def store_copy(demo_store: Store, tmp_path: Path) -> Store:
    """A copy of the session's store for a test that writes to it (imports, accounts, models)."""
    shutil.copytree(demo_store.root, tmp_path / "store")
    return Store(tmp_path / "store")


@pytest.fixture
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords a test sets are hashed with 4 bcrypt rounds: quick, and checked as production
    hashes are (the cost is read from each hash)."""
    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch):
    """Point the app at another store for this test: app_on(store) returns the store."""
    def point(store: Store) -> Store:
        monkeypatch.setenv("DASHBOARD_STORE", str(store.root))
        return store

    return point


@pytest.fixture(scope="session")
def accounts(demo_store: Store, demo_tables: dict, tmp_path_factory: pytest.TempPathFactory):
    """A copy of the demo store with one account per role (town01 sees townships[3] only).

    With accounts, the app always asks to sign in; point DASHBOARD_STORE at accounts.store.root
    (or request `with_accounts`)."""
    from tests.auth_helpers import make_accounts

    township = demo_tables["townships"]["township_code"].iloc[3]
    return make_accounts(demo_store, tmp_path_factory.mktemp("accounts") / "store", township)


@pytest.fixture
def with_accounts(accounts, app_on):
    """`accounts`, with the app pointed at its store for this test."""
    app_on(accounts.store)
    return accounts


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """Every file the page offers for download, generated as a click would: (name, bytes)."""
    from tests.auth_helpers import capture_downloads

    return capture_downloads(monkeypatch)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marked = {m.name for m in item.iter_markers() if m.name in TIERS}
        if len(marked) > 1:
            raise pytest.UsageError(f"{item.nodeid} has more than one tier: {sorted(marked)}")
        if not marked:
            item.add_marker(_tier(item))


def _tier(item: pytest.Item) -> str:
    if E2E in Path(item.path).resolve().parents:
        return "browser"
    functions = [item.function] if isinstance(item, pytest.Function) else []
    fixtures = getattr(item, "_fixtureinfo", None)
    for defs in (fixtures.name2fixturedefs.values() if fixtures else ()):
        functions += [d.func for d in defs]
    return "page" if any(_drives_apptest(f, set()) for f in functions) else "unit"


def _drives_apptest(function: object, seen: set[int]) -> bool:
    """Whether this function, or a helper it names (in tests/ or devtools/), uses AppTest."""
    function = inspect.unwrap(function) if callable(function) else function
    if not isinstance(function, FunctionType) or id(function) in seen:
        return False
    seen.add(id(function))
    if not function.__module__.startswith(HELPERS):
        return False
    names = _names(function.__code__)
    found = [function.__globals__.get(name) for name in names]
    for module in [f for f in found if isinstance(f, ModuleType) and f.__name__.startswith(HELPERS)]:
        found += [getattr(module, name, None) for name in names]  # helpers named as module.helper
    return any(f is AppTest for f in found) or any(_drives_apptest(f, seen) for f in found)


def _names(code: CodeType) -> set[str]:
    """The global names a function's code reads, nested functions and lambdas included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _names(const)
    return names
