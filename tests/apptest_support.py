"""AppTest helpers shared by the tests and the benchmark."""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test


class _NavigationPagesManager(PagesManager):
    """AppTest (Streamlit 1.67) re-detects the legacy pages/ folder on every run and then
    executes the page file alone, skipping app.py. The server stops doing so once app.py has
    called st.navigation; this mirrors that, so reruns execute app.py as in production."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@contextmanager
def navigation_pages_manager():
    original = app_test.PagesManager
    app_test.PagesManager = _NavigationPagesManager
    try:
        yield
    finally:
        app_test.PagesManager = original


def metric(at: AppTest, label: str) -> str:
    """The value of the metric card with this label."""
    return next(m.value for m in at.metric if m.label == label)


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)
