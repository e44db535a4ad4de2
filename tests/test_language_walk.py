"""Every page in both languages (AppTest): no error box, no page error turned into the Chinese
message of ui.guard, and in English no Chinese left in the labels people read.

What counts as a label: titles and headings, widget labels and button texts, metric labels,
tab labels and table column headers. Data values (county, township and village names, which
are Chinese in either language) are removed before the check; captions, markdown and cells are
not labels."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.auth_helpers import app
from ui import guard
from ui.nav import PAGES

HAN = re.compile(r"[\u3400-\u9fff]")
WIDGETS = ("button", "selectbox", "multiselect", "radio", "toggle", "checkbox", "text_input", "number_input",
           "slider", "select_slider", "date_input", "text_area", "segmented_control", "pills")


def labels(at: AppTest) -> list[str]:
    """The labels of the page drawn (see the module docstring)."""
    found: list[str] = []
    for kind in ("title", "header", "subheader"):
        found += [e.value for e in getattr(at, kind)]
    for kind in WIDGETS:
        found += [str(w.label) for w in getattr(at, kind)]
    found += [m.label for m in at.metric]
    found += [t.label for t in at.tabs]
    for table in at.dataframe:
        found += [str(c) for c in table.value.columns]
    return found


def names(tables: dict) -> list[str]:
    """Data values that stay Chinese in English: the places' names, longest first."""
    places = [*tables["townships"]["township_name"], *tables["villages"]["village_name"]]
    return sorted({*places, "岚溪县"}, key=len, reverse=True)


def _failed_prefix(language: str) -> str:
    return guard.TEXT[language]["failed"].split("{")[0][:8]


def _cases() -> list:
    return [pytest.param(spec.path, language, id=f"{spec.path}-{language}")
            for spec in PAGES for language in ("zh", "en")]


@pytest.mark.parametrize(("page", "language"), _cases())
def test_every_page_draws_in_both_languages(page, language, demo_tables):
    at = app({"lang": "English"} if language == "en" else None).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if _failed_prefix(language) in e.value]
    if language == "zh":
        return
    known = names(demo_tables)
    wrong = []
    for label in labels(at):
        for name in known:
            label = label.replace(name, "")
        if HAN.search(label):
            wrong.append(label)
    assert not wrong, " | ".join(wrong)
