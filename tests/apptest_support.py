"""AppTest helpers shared by the tests and the benchmark."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest


def metric(at: AppTest, label: str) -> str:
    """The value of the metric card with this label."""
    return next(m.value for m in at.metric if m.label == label)


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)
