"""The township assessment (乡镇考核) for a year, cached per snapshot, user scope and weights, and
shared by the assessment page, the ranking slide and the meeting briefing.

It always compares every township in the user's scope, whatever the 乡镇/村 filter says: a
ranking of one township is no ranking.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.scoring.composite import Method
from analytics.views import assessment
from ui import data, scores


def default_weights() -> dict[str, float]:
    """The weights in settings (`assessment.weights.*`), normalised."""
    return assessment.weights({c: settings.number(f"assessment.weights.{c}") for c in assessment.COMPONENTS})


@st.cache_data(show_spinner=False, max_entries=32)
def _components(snapshot_id: str, allowed: tuple[str, ...] | None, year: int) -> pd.DataFrame:
    households = data.households(year, columns=list(assessment.IDENTIFICATION_COLUMNS))
    coverage = assessment.identification(households, data.table("monitoring_lines"), year)
    return assessment.components(year, data.table("villages"), data.table("townships"), data.table("village_year"),
                                 coverage, data.table("projects"), settings.number("funds.industry_min_share"),
                                 scores.scores(Method.default()))


def components(year: int) -> pd.DataFrame:
    """Raw measures and the five components (0-100) per township in the user's scope."""
    return _components(data.snapshot().id, data.allowed_townships(), year)


def table(year: int, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Components, weighted points, total and rank per township (best first)."""
    return assessment.rank(components(year), weights or default_weights())
