"""AppTest helpers for the page tests: open a page through app.py as the menu does, and read
what it shows by label."""

from __future__ import annotations

import json

import pandas as pd
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button, Metric

from devtools.apptest import app


def open_page(path: str, *, query: dict[str, str] | None = None, town: str | None = None) -> AppTest:
    """Open the page at `path` (as in ui/nav.py's PAGES) as a link to it does, with these URL
    parameters, choose a township if given, and check that no run raised."""
    at = app(query).switch_page(path).run()
    if town:
        at.selectbox(key="town").set_value(town).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_card(at: AppTest, label: str) -> Metric:
    """The metric card with this label (value, delta)."""
    return next(m for m in at.metric if m.label == label)


def metric(at: AppTest, label: str) -> str:
    """The value of the metric card with this label."""
    return metric_card(at, label).value


def button(at: AppTest, label: str) -> Button:
    """The button with this label."""
    return next(b for b in at.button if b.label == label)


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first dataframe on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def county_map(at: AppTest) -> dict:
    """The arguments of the page's county map (st_folium's component): its Leaflet `script`,
    `html` (the legend), `js_links` and `css_links`."""
    return next(args for c in at.get("component_instance")
                if "js_links" in (args := json.loads(c.proto.json_args)))

