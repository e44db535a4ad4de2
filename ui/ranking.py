"""The township assessment (乡镇考核) for a year, cached per snapshot, user scope and weights, and
shared by the assessment page, the ranking slide and the meeting briefing.

It always compares every township in the user's scope, whatever the 乡镇/村 filter says: a
ranking of one township is no ranking.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.data import checks
from analytics.data.funds import IndustryRule
from analytics.scoring.composite import Method
from analytics.views import assessment
from ui import data, scores


def default_weights() -> dict[str, float]:
    """The weights in settings (`assessment.weights.*`), normalised."""
    return assessment.weights({c: settings.number(f"assessment.weights.{c}") for c in assessment.COMPONENTS})


@st.cache_data(show_spinner=False, max_entries=32)
def _components(snapshot_id: str, allowed: tuple[str, ...] | None, year: int) -> pd.DataFrame:
    households = data.households(year, columns=list(assessment.HOUSEHOLD_COLUMNS))
    lines = data.table("monitoring_lines")
    coverage = assessment.identification(households, lines, year)
    elimination = assessment.eliminations(households, lines, year, checks.Config.from_settings())
    return assessment.components(year, data.table("villages"), data.table("townships"), coverage, elimination,
                                 data.table("projects"), IndustryRule.from_settings(), scores.scores(Method.from_settings()),
                                 settings.number("assessment.flag_deduction"))


@st.cache_data(show_spinner=False, max_entries=32)
def _flagged(snapshot_id: str, allowed: tuple[str, ...] | None, year: int, township: str) -> pd.DataFrame:
    villages = data.table("villages")
    own = villages[villages["township_code"] == township]
    households = data.households(year, own["village_code"], columns=[*checks.COLUMNS, *checks.PERSONAL_COLUMNS])
    rows, flagged, _ = checks.run(households, data.table("monitoring_lines"), year, checks.Config.from_settings())
    return checks.listing(rows, flagged, checks.ELIMINATION_RULES, own, data.table("townships"))


def flagged_eliminations(year: int, township: str) -> pd.DataFrame:
    """The township's eliminations the checks flag (the households behind its deductions);
    personal columns unmasked: show them through ui.tables."""
    return _flagged(data.snapshot().id, data.allowed_townships(), year, township)


def components(year: int) -> pd.DataFrame:
    """Raw measures and the five components (0-100) per township in the user's scope."""
    return _components(data.snapshot().id, data.allowed_townships(), year)


def table(year: int, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Components, weighted points, total and rank per township (best first)."""
    return assessment.rank(components(year), weights or default_weights())
