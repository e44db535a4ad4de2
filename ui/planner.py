"""The inputs of 资金推演 and their session state: the fitted county and response model (once
per snapshot), the solved plan (once per request), the input form, the effect overrides, and
loading a saved scenario into the inputs. The page itself only lays out the results."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.data.store import Store
from analytics.planning import filing, projects, response, scenarios
from analytics.planning import plan as planning
from analytics.planning.allocation import Constraints, Context
from analytics.planning.response import RELAPSE, Override, outcome_info
from analytics.views import allocation
from ui import data, exports, layout, plan_funds, scope, tables
from ui.texts.allocation import FILING

INPUTS = ("budget", "objective", "blend", "share", "cap", "keymin", "pool", "keep")  # alloc_<name> widgets


@st.cache_resource(show_spinner="正在依据历史数据估计资金效果……", max_entries=4)
def _fitted(root: str, snapshot_id: str) -> tuple[Context, response.ResponseModel]:
    """The county and the response model: once per snapshot (all villages: effects are
    county-wide estimates; each user then plans within their own scope)."""
    tables_ = planning.snapshot_tables(Store(root), snapshot_id)
    return planning.build_context(tables_), response.fit_snapshot(tables_, response.ResponseModel.from_settings())


def fitted() -> tuple[Context, response.ResponseModel]:
    """The county within the user's villages, and the county-wide response model."""
    data.require("village_indicators")  # the plan weighs villages by their indicators
    context, model = _fitted(str(data.store().root), data.snapshot().id)
    return context.within(data.table("villages")["village_code"]), model


@st.cache_data(show_spinner="正在求解……", max_entries=64)
def _plan(root: str, snapshot_id: str, townships: tuple[str, ...] | None, request_json: str) -> planning.Plan | str:
    """A solved plan (or the Chinese message naming why not) for one request, cached per
    snapshot and scope."""
    context, model = _fitted(root, snapshot_id)
    context = context.within(data.table("villages")["village_code"])
    request, overrides = planning.request_from_dict(json.loads(request_json))
    try:
        effects = response.Effects(model, overrides, shrunk=request.cautious)
        return projects.solve(context, effects, request, data.table("projects"))
    except ValueError as exc:  # AllocationError and bad overrides carry a Chinese message
        return str(exc)


def plan(request_json: str) -> planning.Plan | str:
    return _plan(str(data.store().root), data.snapshot().id, data.allowed_townships(), request_json)


def scope_key() -> str:
    """Scenarios are kept per data scope: a user sees those made in their own scope."""
    return scenarios.scope_key(data.allowed_townships())


def start(context: Context) -> None:
    """Default inputs on a first visit: last year's budget and the county's rules from settings."""
    budget = context.default_budget() or 1000.0
    rules = Constraints.from_settings(budget, sorted(context.township_names), len(context.villages))
    defaults = {"budget": budget, "objective": "risk", "blend": settings.number("allocation.blend_risk_weight"),
                "share": rules.industry_min_share, "cap": rules.village_cap_wan or 0.0,
                "keymin": rules.key_village_min_wan, "pool": False, "keep": [], "cautious": True, "mode": "fractional"}
    for key, value in defaults.items():
        st.session_state.setdefault(f"alloc_{key}", value)
    st.session_state.setdefault("alloc_overrides", {})
    if "alloc_towns_base" not in st.session_state:
        st.session_state["alloc_towns_base"] = allocation.default_bounds(context)


def _bump(key: str) -> None:
    """A new widget key, so an editor starts again from its base frame."""
    st.session_state[key] = st.session_state.get(key, 0) + 1


def load(name: str) -> None:
    """Put a saved scenario's inputs into the widgets (an on_click callback: runs before they are drawn)."""
    saved = scenarios.load(data.store(), name, scope=scope_key())
    request = saved.request
    c = request["constraints"]
    s = st.session_state
    s.update({"alloc_budget": float(c["budget_wan"]), "alloc_objective": request["objective"],
              "alloc_blend": float(request["blend_weight"]), "alloc_share": float(c["industry_min_share"]),
              "alloc_cap": float(c["village_cap_wan"] or 0.0), "alloc_keymin": float(c["key_village_min_wan"]),
              "alloc_pool": bool(c["pool_only"]), "alloc_keep": list(c["keep_last_year"]),
              "alloc_cautious": bool(request.get("cautious", True)), "alloc_mode": request.get("mode", "fractional")})
    s["alloc_towns_base"] = allocation.saved_bounds(fitted()[0], c)
    plan_funds.load(fitted()[0], c)
    _bump("alloc_towns_version")
    s["alloc_overrides"] = {}
    _bump("alloc_override_version")  # editors start from the loaded values
    for o in request.get("overrides", []):
        s["alloc_overrides"].setdefault(o["outcome"], []).append(o)
    s["alloc_submitted"] = json.dumps(request, ensure_ascii=False, sort_keys=True)
    s["alloc_loaded"] = (saved.name, saved.version, saved.saved_at, saved.saved_by, saved.snapshot_id)


def clear_overrides() -> None:
    st.session_state["alloc_overrides"] = {}
    _bump("alloc_override_version")


def inputs(t: dict, context: Context) -> tuple[pd.DataFrame, bool]:
    """The form of budget, objective and rules; returns the edited township bounds and
    whether the form was submitted."""
    s = st.session_state
    names = context.villages.set_index("village_code")["village_name"]
    towns_of = context.villages.set_index("village_code")["township_code"].map(context.township_names)
    summary = t["inputs_summary"].format(budget=layout.num(s["alloc_budget"], digits=1),
                                        objective=t["objectives"][s["alloc_objective"]],
                                        share=layout.pct(s["alloc_share"], 0))
    with st.expander(f"{t['inputs']}({summary})"), st.form("alloc_form", border=False):
        st.radio(t["mode"], list(t["modes"]), format_func=lambda k: t["modes"][k], key="alloc_mode",
                 horizontal=True, help=t["mode_help"])
        a, b, c = st.columns([1, 1.4, 1])
        a.number_input(t["budget"], min_value=0.0, step=100.0, format="%.1f", key="alloc_budget",
                       help=t["budget_help"])
        b.radio(t["objective"], list(t["objectives"]), format_func=lambda k: t["objectives"][k],
                key="alloc_objective", horizontal=True)
        c.slider(t["blend"], 0.0, 1.0, step=0.05, key="alloc_blend")
        a, b, c = st.columns(3)
        a.slider(t["share"], 0.0, 1.0, step=0.01, key="alloc_share", format="%.2f")
        b.number_input(t["cap"], min_value=0.0, step=10.0, format="%.1f", key="alloc_cap")
        c.number_input(t["keymin"], min_value=0.0, step=5.0, format="%.1f", key="alloc_keymin")
        plan_funds.inputs(context)
        left, right = st.columns([1, 1])
        with left:
            percent = {"min_value": 0.0, "max_value": 100.0, "format": "%.1f"}
            towns = st.data_editor(
                s["alloc_towns_base"], key=f"alloc_towns_{s.get('alloc_towns_version', 0)}",
                hide_index=True, width="stretch", height=220, disabled=["town"], column_order=["town", "min", "max"],
                column_config={"town": st.column_config.TextColumn(t["town"]),
                               "min": st.column_config.NumberColumn(t["town_min"], **percent),
                               "max": st.column_config.NumberColumn(t["town_max"], **percent)})
            st.caption(t["towns"])
        with right:
            st.multiselect(t["keep"], list(names.index), key="alloc_keep", help=t["keep_help"],
                           placeholder=t["keep_placeholder"],
                           format_func=lambda code: f"{names[code]}({towns_of[code]})")
            st.checkbox(t["pool"], key="alloc_pool", help=t["pool_help"])
            st.checkbox(t["cautious"], key="alloc_cautious", help=t["cautious_help"])
            submitted = st.form_submit_button(t["submit"], type="primary", icon=":material/calculate:")
    return towns, submitted


def overrides(t: dict, model: response.ResponseModel) -> None:
    """The editor of assumed effects, one outcome at a time; keeps them in session state."""
    s = st.session_state
    with st.expander(t["overrides"]):
        outcomes = [RELAPSE, *[o for o in model.influence_ if o != RELAPSE]]
        outcome = st.selectbox(t["override_outcome"], outcomes, key="alloc_override_outcome",
                               format_func=lambda o: f"{outcome_info(o).label}({outcome_info(o).unit})")
        st.caption(t["override_caption"])
        frame = allocation.override_frame(model, outcome, s["alloc_overrides"].get(outcome, []))
        number = {k: st.column_config.NumberColumn(t[k], format="%.3f")
                  for k in ("estimate", "low", "high", "set", "set_low", "set_high")}
        edited = st.data_editor(frame, hide_index=True, width="stretch",
                                disabled=["category", "estimate", "low", "high"],
                                column_config={"category": st.column_config.TextColumn(t["category"]), **number},
                                key=f"alloc_override_{outcome}_{s.get('alloc_override_version', 0)}")
        s["alloc_overrides"] = {**s["alloc_overrides"], outcome: allocation.overrides_from_frame(edited, outcome)}
        active = [f"{o['category']}→{outcome_info(o['outcome']).label} = {o['value']:g}"
                  for items in s["alloc_overrides"].values() for o in items]
        if active:
            st.info(t["active_overrides"].format(n=len(active), items=";".join(active)))
            st.button(t["clear_overrides"], on_click=clear_overrides)


def request(towns: pd.DataFrame, submitted: bool) -> dict:
    """The request to solve, as plain data (what a scenario keeps): the inputs as last
    submitted (or loaded), with the overrides as they stand now."""
    s = st.session_state
    if submitted or "alloc_submitted" not in s:
        rules = plan_funds.constraints({k: s[f"alloc_{k}"] for k in INPUTS}, towns)
        chosen = planning.Request(rules, s["alloc_objective"], float(s["alloc_blend"]), bool(s["alloc_cautious"]),
                                  s["alloc_mode"])
        listed = tuple(Override(**o) for items in s["alloc_overrides"].values() for o in items)
        s["alloc_submitted"] = json.dumps(planning.request_to_dict(chosen, listed), ensure_ascii=False,
                                          sort_keys=True)
        if submitted:
            s.pop("alloc_loaded", None)
    request_data = json.loads(s["alloc_submitted"])
    request_data["overrides"] = [o for items in s["alloc_overrides"].values() for o in items]
    return request_data



def plan_sheet(t: dict, context: Context, result: planning.Plan, budget_wan: float) -> None:
    """The plan as counties file it (年度项目计划): in the projects mode every project of the 项目库
    with whether it is funded, then the filing table and its Excel download (the plan year in its
    title and file name; scenario, budget and rules in its header rows)."""
    if result.mode == "projects":
        listed = pd.DataFrame(result.projects)
        st.caption(t["projects_caption"].format(chosen=int(listed["selected"].sum()), total=len(listed),
                                                going=int(listed["continuing"].sum()),
                                                town=int((listed["township_wide"] & listed["selected"]).sum())))
        listed = listed.sort_values(["selected", "continuing", "value"], ascending=False)
        columns = ["selected", "continuing", "project_id", "village_name", "project_name", "category", "funds_wan",
                   "value"]
        tables.show(listed[columns], {k: t[f"col_{k}"] for k in columns},
                    formats={"funds_wan": "%.1f", "value": "%.3f"})
    sheet = filing.rows(context, result)
    loaded = st.session_state.get("alloc_loaded")
    scenario = loaded[0] if loaded else FILING["unsaved"]
    st.markdown(f"**{t['sheet_title'].format(year=context.year, n=len(sheet))}**")
    tables.show(sheet, {k: t[f"col_{k}"] for k in filing.COLUMNS if k != "township_code"},
                formats={"funds_wan": "%.1f"})
    exports.download(sheet, filing.title(context.year), scope.label(), key="alloc_filing_xlsx",
                     headers=filing.COLUMNS, notes=filing.header_lines(result, budget_wan, scenario))
