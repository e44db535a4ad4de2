"""The filters every page shares (乡镇, 村, 年度), drawn once in the sidebar by app.py and
bound to the URL so that a copied link reproduces the view, and the drill-down that moves them:
a click on a county map (`drill`) and the breadcrumb above each page (`ui.breadcrumb`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from ui import data
from ui.text import common

ALL = ""  # option value meaning "no restriction"
PROFILE = "app_pages/village_profile.py"  # where a click on a village leads
HERE = "drill_here"  # session key: the page of this run (set by app.py through ui.breadcrumb)
ORIGIN = "drill_origin"  # session key: the page a drill to a village profile started on
_GOTO = "drill_goto"  # session key: a page to open at the next run (a callback cannot switch pages)


@dataclass(frozen=True)
class Filters:
    township: str | None
    village: str | None
    year: int
    years: tuple[int, ...]

    def village_codes(self, villages: pd.DataFrame) -> pd.Index:
        """Codes of the villages the filters select (within the user's scope)."""
        rows = villages
        if self.township:
            rows = rows[rows["township_code"] == self.township]
        if self.village:
            rows = rows[rows["village_code"] == self.village]
        return pd.Index(rows["village_code"])

    def township_codes(self, townships: pd.DataFrame) -> list[str]:
        return [self.township] if self.township else list(townships["township_code"])

    def label(self, townships: pd.DataFrame, villages: pd.DataFrame) -> str:
        """Plain words for the scope, for titles and export headers."""
        t = common()
        names = [data.county_name()]
        if self.township:
            names.append(_names(townships, "township").get(self.township, self.township))
        elif data.allowed_townships() is not None:  # "all" means all of the user's townships, not the county
            names.append("、".join(townships["township_name"]))
        if self.village:
            names.append(_names(villages, "village").get(self.village, self.village))
        return " ".join(names) + f" · {self.year}{t['year']}"


def _names(frame: pd.DataFrame, kind: str) -> dict[str, str]:
    return dict(zip(frame[f"{kind}_code"], frame[f"{kind}_name"]))


def _label(code: str, names: dict[str, str], everything: str) -> str:
    """An option's label. The URL carries labels (bind="query-params"), and a label Streamlit reads
    back that is no option (the other language's "全县" after 中文 → English) must format as itself,
    so Streamlit resets it to 全部 instead of keeping it as a township code."""
    return everything if code == ALL else names.get(code, code)


def _reset_village() -> None:
    st.session_state["village"] = ALL


def drill(feature: dict) -> None:
    """A click on a county map, before the rerun. At the county level it chooses the clicked
    village's township (as the 乡镇 filter would, so the URL gets ?town=); within a township, or
    for an account that sees one township only, it opens the village's 村庄画像 (?village=)."""
    town, village = feature.get("township_code"), feature.get("village_code")
    if not town or not village:
        return
    townships = data.allowed_townships()
    county_level = not st.session_state.get("town") and (townships is None or len(townships) > 1)
    st.session_state["town"] = str(town)
    if county_level:
        st.session_state["village"] = ALL
        return
    st.session_state["village"] = str(village)
    st.session_state[ORIGIN] = st.session_state.get(HERE)
    st.session_state[_GOTO] = PROFILE


def go_up(level: str) -> None:
    """A breadcrumb's click, before the rerun: back to the whole scope ("county") or to the
    township ("town"); from a 村庄画像 reached by a map click, back to the page of that map."""
    if level == "county":
        st.session_state["town"] = ALL
    st.session_state["village"] = ALL
    origin = st.session_state.pop(ORIGIN, None)
    if origin is not None and st.session_state.get(HERE) is not None \
            and getattr(st.session_state[HERE], "url_path", None) == Path(PROFILE).stem:
        st.session_state[_GOTO] = origin


def sidebar() -> Filters:
    """Draw the shared filters in the sidebar; call once per run from app.py (before it, a
    pending drill-down opens its page)."""
    if (target := st.session_state.pop(_GOTO, None)) is not None:
        st.switch_page(target, query_params={})  # {}: the bound filters then write themselves back
    t = common()
    townships, villages = data.table("townships"), data.table("villages")
    years = tuple(sorted(int(y) for y in data.table("monitoring_lines")["year"]))
    town_names, village_names = _names(townships, "township"), _names(villages, "village")
    with st.sidebar:
        st.markdown(f"**{t['filters']}**")
        township = st.selectbox(
            t["town"], [ALL, *townships["township_code"]], key="town", bind="query-params",
            format_func=lambda c: _label(c, town_names, t["all_towns"]), on_change=_reset_village)
        in_town = villages if not township else villages[villages["township_code"] == township]
        village = st.selectbox(
            t["village"], [ALL, *in_town["village_code"]], key="village", bind="query-params",
            format_func=lambda c: _label(c, village_names, t["all"]))
        year = st.selectbox(t["year"], list(reversed(years)), key="year", bind="query-params")
    chosen = Filters(township or None, village or None, int(year), years)
    st.session_state["filters"] = chosen
    return chosen


def current() -> Filters:
    """The filters chosen in the sidebar for this run."""
    return st.session_state["filters"]
