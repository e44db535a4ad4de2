"""The 压力测试 page's inputs and caches: the year's baseline in the user's selection (built once
per snapshot, model, scope and year), each scenario's run (once per scenario), the preset
editors that turn widgets into an analytics.planning.stress.Scenario, and the meeting deck's
slide of the scenario last set."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.data.contract import HOUSEHOLD_TYPES
from analytics.planning import scenarios, stress
from analytics.reports import figures
from analytics.risk.features import RiskDataError
from ui import data, filters, layout, risk, scope
from ui.text import pick
from ui.texts.stress import TEXT

CURRENT = "stress_current"  # session key of the scenario last set on the page


@st.cache_resource(show_spinner="正在准备压力测试基准(每个数据快照和范围只需一次)……", max_entries=4)
def _baseline(scope_key: tuple, model_key: str, year: int) -> stress.Baseline:
    households = data.households(None, scope.selected_villages(), where=(("year", "in", [year - 1, year]),))
    tables = {"households": households, "monitoring_lines": data.table("monitoring_lines"),
              "villages": data.table("villages"), "projects": data.table("projects")}
    return stress.baseline(tables, risk.trained()[0].model, year)


def baseline(year: int) -> stress.Baseline:
    """The recorded households of `year` (and the year before) that the filters select, scored."""
    return _baseline(scope.key(), risk.model_key(), year)


@st.cache_data(show_spinner=False, max_entries=32)
def _run(scope_key: tuple, model_key: str, year: int, request: str) -> stress.Result:
    return stress.run(baseline(year), stress.Scenario.from_dict(json.loads(request)),
                      data.table("townships"), data.table("villages"))


def run(year: int, scenario: stress.Scenario) -> stress.Result:
    return _run(scope.key(), risk.model_key(), year, json.dumps(scenario.to_dict(), sort_keys=True))


@st.cache_data(show_spinner=False, max_entries=16)
def _line_range(scope_key: tuple, model_key: str, year: int, top: float) -> pd.DataFrame:
    base = baseline(year)
    return stress.line_range(base, stress.line_steps(base.line, top), data.table("townships"))


def line_range(year: int, top: float) -> pd.DataFrame:
    return _line_range(scope.key(), risk.model_key(), year, top)


def scenario_scope() -> str:
    """Stress scenarios list apart from the fund planner's, in the same store and scope rules."""
    return scenarios.scope_key(data.allowed_townships(), stress.SCENARIO_KIND)


def _names() -> tuple[dict[str, str], dict[str, str]]:
    towns, villages = data.table("townships"), data.table("villages")
    return (dict(zip(towns["township_code"], towns["township_name"])),
            dict(zip(villages["village_code"], villages["village_name"])))


def editors(t: dict[str, str], line: float) -> stress.Scenario:
    """The preset pills and, for each chosen preset, its editable size and scope."""
    town_names, village_names = _names()
    villages = data.table("villages")
    chosen = st.pills(t["presets"], list(stress.PRESETS), selection_mode="multi", default=[next(iter(stress.PRESETS))],
                      format_func=lambda n: t[f"preset_{n}"], key="stress_presets", help=t["presets_help"])
    shocks, new_line = [], None
    for name in chosen:
        preset = stress.PRESETS[name]
        with st.expander(t["edit"].format(name=t[f"preset_{name}"])):
            if "line_rise" in preset:
                new_line = line + st.number_input(t["line_rise"], value=preset["line_rise"], step=100.0,
                                                  key=f"stress_{name}_rise")
                continue
            part, change = next(iter(preset["changes"].items()))
            left, middle, right = st.columns(3)
            part = left.selectbox(t["part"], list(stress.PARTS), index=list(stress.PARTS).index(part),
                                  format_func=lambda p: t[f"part_{p}"], key=f"stress_{name}_part")
            pct = middle.number_input(t["change"], -100.0, 200.0, value=change * 100, step=5.0,
                                      key=f"stress_{name}_change")
            medical = right.number_input(t["medical"], -100.0, 500.0, value=0.0, step=10.0, key=f"stress_{name}_medical")
            default_towns, default_villages = stress.preset_scope(name, villages)
            left, middle, right = st.columns(3)
            picked_towns = left.multiselect(t["townships"], list(town_names),
                                            default=[c for c in default_towns if c in town_names],
                                            format_func=town_names.get, key=f"stress_{name}_towns")
            picked_villages = middle.multiselect(t["villages"], list(village_names),
                                                 default=[c for c in default_villages if c in village_names],
                                                 format_func=village_names.get, key=f"stress_{name}_villages")
            types = ["", *HOUSEHOLD_TYPES]
            kind = right.selectbox(t["household_type"], types, index=types.index(preset.get("household_type", "")),
                                   format_func=lambda v: v or t["any_type"], key=f"stress_{name}_type")
        shocks.append(stress.Shock({part: pct / 100}, medical / 100, tuple(picked_towns), tuple(picked_villages),
                                   kind or None, name))
    chosen_scenario = stress.Scenario(tuple(shocks), new_line)
    st.session_state[CURRENT] = chosen_scenario.to_dict()  # the meeting deck shows it
    return chosen_scenario


def describe(t: dict[str, str], scenario: stress.Scenario, line: float) -> str:
    """One line per scenario in words: each shock's size, places and type, and the line."""
    town_names, village_names = _names()
    notes = []
    for shock in scenario.shocks:
        label = t.get(f"preset_{shock.name}", shock.name)
        changes = "、".join(f"{t[f'part_{p}']} {c:+.0%}" for p, c in shock.changes.items())
        places = [town_names.get(c, c) for c in shock.townships] + [village_names.get(c, c) for c in shock.villages]
        where = "、".join(places[:4]) + ("…" if len(places) > 4 else "") if places else t["everywhere"]
        notes.append(f"{label}:{changes}" + (f",{t['medical_short']} {shock.medical:+.0%}" if shock.medical else "")
                     + f",{where}" + (f",{shock.household_type}" if shock.household_type else ""))
    if scenario.line is not None:
        notes.append(f"{t['preset_监测线上调']}:{scenario.line - line:+,.0f} {t['yuan']}")
    return " · ".join(notes)


def current() -> stress.Scenario:
    """The scenario last set on the 压力测试 page in this session, or the default one: the
    meeting deck shows it."""
    saved = st.session_state.get(CURRENT)
    return stress.default_scenario(data.table("villages")) if saved is None else stress.Scenario.from_dict(saved)


def slide(height: int, show: Callable[[go.Figure, int, str | None], None]) -> None:
    """The meeting deck's slide of the current scenario: the before/after cards, the scenario in
    words and the townships where households fall below the line; the chart takes `height`
    pixels and is drawn by the deck's `show`."""
    t, year = pick(TEXT), filters.current().year
    try:
        base = baseline(year)
        scenario = current()
        result = run(year, scenario)
    except (RiskDataError, stress.StressError) as exc:
        st.error(str(exc))
        return
    s = result.summary()
    layout.cards([
        layout.Card(t["below_households"], layout.num(s["below_line_after"]),
                    t["before"].format(v=layout.num(s["below_line_before"])), delta_color="off"),
        layout.Card(t["below_people"], layout.num(s["people_below_line_after"]),
                    t["before"].format(v=layout.num(s["people_below_line_before"])), delta_color="off"),
        layout.Card(t["relapse"], layout.num(s["expected_relapse_after"], digits=1),
                    t["before"].format(v=layout.num(s["expected_relapse_before"], digits=1)), delta_color="off"),
        layout.Card(t["lift"], layout.num(s["lift_cost_wan"], digits=1),
                    t["visits_note"].format(n=s["extra_visits"]), delta_color="off"),
    ])
    st.caption(describe(t, scenario, base.line) + "".join(f" · {w}" for w in result.extrapolation))
    show(figures.before_after(result.by_township, {"before": t["below_line_before"], "after": t["below_line_after"]},
                              top=10), height, t["slide_chart"])
