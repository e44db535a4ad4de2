"""资金推演: split next year's 衔接资金 across villages and categories, see what it would likely
achieve, compare it with the baselines and saved scenarios, and keep named scenarios."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import settings
from analytics.data.store import Store
from analytics.planning import plan as planning
from analytics.planning import response, scenarios
from analytics.planning.allocation import BASELINES, Constraints, Context, township_shares
from analytics.planning.response import RELAPSE, Override, outcome_info
from analytics.scoring.composite import ScoringError
from ui import auth, charts, data, exports, filters, layout, maps, scope, tables
from ui.text import pick
from ui.texts.allocation import EXPORT, TEXT


@st.cache_resource(show_spinner="正在依据历史数据估计资金效果……", max_entries=4)
def _fitted(root: str, snapshot_id: str) -> tuple[Context, response.ResponseModel]:
    """The county and the response model: once per snapshot (all villages: effects are
    county-wide estimates; each user then plans within their own scope)."""
    tables_ = planning.snapshot_tables(Store(root), snapshot_id)
    return planning.build_context(tables_), response.fit_snapshot(tables_)


def _context() -> Context:
    info = data.snapshot()
    context, _ = _fitted(str(data.store().root), info.id)
    return context.within(data.table("villages")["village_code"])


@st.cache_data(show_spinner="正在求解……", max_entries=64)
def _plan(root: str, snapshot_id: str, townships: tuple[str, ...] | None, request_json: str) -> dict:
    """A solved plan (or {"error": message}) for one request, cached per snapshot and scope."""
    context, model = _fitted(root, snapshot_id)
    context = context.within(data.table("villages")["village_code"])
    request, overrides = planning.request_from_dict(json.loads(request_json))
    try:
        return planning.run(context, response.Effects(model, overrides), request)
    except ValueError as exc:  # AllocationError and bad overrides carry a Chinese message
        return {"error": str(exc)}


def _defaults(context: Context) -> dict:
    """Default inputs: last year's budget and the county's rules from settings."""
    budget = context.default_budget() or 1000.0
    rules = Constraints.from_settings(budget, sorted(context.township_names), len(context.villages))
    return {"alloc_budget": budget, "alloc_objective": "risk",
            "alloc_blend": settings.number("allocation.blend_risk_weight"),
            "alloc_share": rules.industry_min_share, "alloc_cap": rules.village_cap_wan or 0.0,
            "alloc_keymin": rules.key_village_min_wan, "alloc_pool": False, "alloc_keep": []}


def _town_frame(context: Context, low: dict[str, float], high: dict[str, float]) -> pd.DataFrame:
    codes = sorted(context.township_names)
    return pd.DataFrame({"township_code": codes, "town": [context.township_names[c] for c in codes],
                         "min": [low[c] for c in codes], "max": [high[c] for c in codes]})


def _request(context: Context, towns: pd.DataFrame) -> dict:
    """The request the inputs describe, as plain data (what a scenario keeps)."""
    s = st.session_state
    budget = float(s["alloc_budget"])
    rules = Constraints(
        budget_wan=budget, industry_min_share=float(s["alloc_share"]),
        village_cap_wan=float(s["alloc_cap"]) or None, key_village_min_wan=float(s["alloc_keymin"]),
        township_min_wan=tuple((c, float(v) / 100 * budget) for c, v in zip(towns["township_code"], towns["min"])
                               if pd.notna(v) and v > 0),
        township_max_wan=tuple((c, float(v) / 100 * budget) for c, v in zip(towns["township_code"], towns["max"])
                               if pd.notna(v) and v < 100),
        keep_last_year=tuple(s["alloc_keep"]), pool_only=bool(s["alloc_pool"]))
    request = planning.Request(rules, s["alloc_objective"], float(s["alloc_blend"]))
    overrides = tuple(Override(**o) for items in s["alloc_overrides"].values() for o in items)
    return planning.request_to_dict(request, overrides)


def _load(name: str) -> None:
    """Put a saved scenario's inputs into the widgets (runs before they are drawn)."""
    saved = scenarios.load(data.store(), name, scope=_scope())
    request = saved.request
    c = request["constraints"]
    budget = float(c["budget_wan"])
    s = st.session_state
    s.update({"alloc_budget": budget, "alloc_objective": request["objective"],
              "alloc_blend": float(request["blend_weight"]), "alloc_share": float(c["industry_min_share"]),
              "alloc_cap": float(c["village_cap_wan"] or 0.0), "alloc_keymin": float(c["key_village_min_wan"]),
              "alloc_pool": bool(c["pool_only"]), "alloc_keep": list(c["keep_last_year"])})
    context = _context()
    low = {code: 0.0 for code in context.township_names} | {t: v / budget * 100 for t, v in c["township_min_wan"]}
    high = {code: 100.0 for code in context.township_names} | {t: v / budget * 100 for t, v in c["township_max_wan"]}
    s["alloc_towns_base"] = _town_frame(context, low, high)
    s["alloc_towns_version"] = s.get("alloc_towns_version", 0) + 1
    s["alloc_overrides"] = {}
    s["alloc_override_version"] = s.get("alloc_override_version", 0) + 1  # editors start from the loaded values
    for o in request.get("overrides", []):
        s["alloc_overrides"].setdefault(o["outcome"], []).append(o)
    s["alloc_submitted"] = json.dumps(request, ensure_ascii=False, sort_keys=True)
    s["alloc_loaded"] = (saved.name, saved.version, saved.saved_at, saved.saved_by, saved.snapshot_id)


def _scope() -> str:
    """Scenarios are kept per data scope: a user sees those made in their own scope."""
    return scenarios.scope_key(data.allowed_townships())


def _clear_overrides() -> None:
    st.session_state["alloc_overrides"] = {}
    st.session_state["alloc_override_version"] = st.session_state.get("alloc_override_version", 0) + 1


t = pick(TEXT)
zh = TEXT["zh"]
f = filters.current()
info = data.snapshot()
layout.header(t["title"], scope.label())
try:
    context = _context()
    _, model = _fitted(str(data.store().root), info.id)
except (ValueError, ScoringError) as exc:
    st.error(t["no_data"].format(error=exc))
    st.stop()

for key, value in _defaults(context).items():
    st.session_state.setdefault(key, value)
st.session_state.setdefault("alloc_overrides", {})
if "alloc_towns_base" not in st.session_state:
    codes = list(context.township_names)
    low_share, high_share = township_shares(len(codes))
    st.session_state["alloc_towns_base"] = _town_frame(context, dict.fromkeys(codes, low_share * 100),
                                                       dict.fromkeys(codes, high_share * 100))
years = f"{min(model.years_)}—{max(model.years_) + 1}" if model.years_ else "-"
st.caption(t["intro"].format(year=context.year, villages=len(context.villages), years=years))

# --- inputs ----------------------------------------------------------------------------------
names = context.villages.set_index("village_code")["village_name"]
towns_of = context.villages.set_index("village_code")["township_code"].map(context.township_names)
summary = t["inputs_summary"].format(budget=layout.num(st.session_state["alloc_budget"], digits=1),
                                    objective=t["objectives"][st.session_state["alloc_objective"]],
                                    share=layout.pct(st.session_state["alloc_share"], 0))
with st.expander(f"{t['inputs']}({summary})"), st.form("alloc_form", border=False):
    a, b, c = st.columns([1, 1.4, 1])
    a.number_input(t["budget"], min_value=0.0, step=100.0, format="%.1f", key="alloc_budget", help=t["budget_help"])
    b.radio(t["objective"], list(t["objectives"]), format_func=lambda k: t["objectives"][k], key="alloc_objective",
            horizontal=True)
    c.slider(t["blend"], 0.0, 1.0, step=0.05, key="alloc_blend")
    a, b, c = st.columns(3)
    a.slider(t["share"], 0.0, 1.0, step=0.01, key="alloc_share", format="%.2f")
    b.number_input(t["cap"], min_value=0.0, step=10.0, format="%.1f", key="alloc_cap")
    c.number_input(t["keymin"], min_value=0.0, step=5.0, format="%.1f", key="alloc_keymin")
    left, right = st.columns([1, 1])
    with left:
        towns = st.data_editor(
            st.session_state["alloc_towns_base"], key=f"alloc_towns_{st.session_state.get('alloc_towns_version', 0)}",
            hide_index=True, width="stretch", height=220, disabled=["town"],
            column_order=["town", "min", "max"],
            column_config={"town": st.column_config.TextColumn(t["town"]),
                           "min": st.column_config.NumberColumn(t["town_min"], min_value=0.0, max_value=100.0, format="%.1f"),
                           "max": st.column_config.NumberColumn(t["town_max"], min_value=0.0, max_value=100.0, format="%.1f")})
        st.caption(t["towns"])
    with right:
        st.multiselect(t["keep"], list(names.index), key="alloc_keep", help=t["keep_help"],
                       placeholder=t["keep_placeholder"],
                       format_func=lambda code: f"{names[code]}({towns_of[code]})")
        st.checkbox(t["pool"], key="alloc_pool", help=t["pool_help"])
        submitted = st.form_submit_button(t["submit"], type="primary", icon=":material/calculate:")

with st.expander(t["overrides"]):
    outcomes = [RELAPSE, *[o for o in model.influence_ if o != RELAPSE]]
    outcome = st.selectbox(t["override_outcome"], outcomes, key="alloc_override_outcome",
                           format_func=lambda o: f"{outcome_info(o).label}({outcome_info(o).unit})")
    st.caption(t["override_caption"])
    estimated = model.effects_[model.effects_["outcome"] == outcome].set_index("category")
    current = {o["category"]: o for o in st.session_state["alloc_overrides"].get(outcome, [])}
    frame = pd.DataFrame({
        "category": list(model.categories_),
        "estimate": estimated["estimate"].reindex(model.categories_).to_numpy(),
        "low": estimated["low"].reindex(model.categories_).to_numpy(),
        "high": estimated["high"].reindex(model.categories_).to_numpy(),
        "set": [current.get(c, {}).get("value") for c in model.categories_],
        "set_low": [current.get(c, {}).get("low") for c in model.categories_],
        "set_high": [current.get(c, {}).get("high") for c in model.categories_],
    }).astype({"set": float, "set_low": float, "set_high": float})
    number = {k: st.column_config.NumberColumn(t[k], format="%.3f") for k in ("estimate", "low", "high", "set",
                                                                           "set_low", "set_high")}
    edited = st.data_editor(frame, hide_index=True, width="stretch", disabled=["category", "estimate", "low", "high"],
                            column_config={"category": st.column_config.TextColumn(t["category"]), **number},
                            key=f"alloc_override_{outcome}_{st.session_state.get('alloc_override_version', 0)}")
    chosen = [{"outcome": outcome, "category": r["category"], "value": float(r["set"]),
               "low": None if pd.isna(r["set_low"]) else float(r["set_low"]),
               "high": None if pd.isna(r["set_high"]) else float(r["set_high"])}
              for _, r in edited.iterrows() if pd.notna(r["set"])]
    st.session_state["alloc_overrides"] = {**st.session_state["alloc_overrides"], outcome: chosen}
    active = [f"{o['category']}→{outcome_info(o['outcome']).label} = {o['value']:g}"
              for items in st.session_state["alloc_overrides"].values() for o in items]
    if active:
        st.info(t["active_overrides"].format(n=len(active), items=";".join(active)))
        st.button(t["clear_overrides"], on_click=_clear_overrides)

if submitted or "alloc_submitted" not in st.session_state:
    st.session_state["alloc_submitted"] = json.dumps(_request(context, towns), ensure_ascii=False, sort_keys=True)
    if submitted:
        st.session_state.pop("alloc_loaded", None)
request_data = json.loads(st.session_state["alloc_submitted"])
request_data["overrides"] = [o for items in st.session_state["alloc_overrides"].values() for o in items]
request_json = json.dumps(request_data, ensure_ascii=False, sort_keys=True)
if "alloc_loaded" in st.session_state:
    name, version, at, by, snapshot_id = st.session_state["alloc_loaded"]
    st.success(t["loaded"].format(name=name, version=version, at=at, by=by, snapshot=snapshot_id))

result = _plan(str(data.store().root), info.id, data.allowed_townships(), request_json)
if "error" in result:
    st.error(f"**{t['infeasible']}**:{result['error']}", icon=":material/block:")
    st.stop()
request, _ = planning.request_from_dict(request_data)
rule = request.constraints.industry_min_share

# --- headline --------------------------------------------------------------------------------
effects = {e["key"]: e for e in result["effects"]}


def _effect_card(key: str, label: str, digits: int) -> layout.Card:
    e = effects[key]
    return layout.Card(label, layout.num(e["estimate"], digits=digits),
                       t["interval"].format(low=layout.num(e["low"], digits=digits),
                                            high=layout.num(e["high"], digits=digits)),
                       help=t["interval_help"].format(level=e["level"]), delta_color="off")


solver = result["solver"]
layout.cards([
    _effect_card("relapse_households", t["kpi_risk"], 0),
    _effect_card("lagging_score", t["kpi_lagging"], 1),
    layout.Card(t["kpi_share"], layout.pct(result["industry_share"]), t["rule"].format(rule=layout.pct(rule, 0)),
                delta_color="normal" if result["industry_share"] >= rule - 1e-9 else "inverse"),
    layout.Card(t["kpi_solver"], t["solver_value"].format(seconds=solver["seconds"]),
                help=t["solver_help"].format(gap=solver["gap"], objective=t["objectives"][solver["objective"]])),
])
if result["notes"]:
    st.caption(t["notes"].format(notes=";".join(result["notes"])))

plans = {t["current"]: result}
plans.update({t["baseline"].format(label=BASELINES[k]): v for k, v in result["baselines"].items()})
saved_names = {t["saved"].format(name=n): n for n in scenarios.listing(data.store(), _scope())["name"]}

tab_map, tab_towns, tab_effects, tab_compare, tab_saved = st.tabs(
    [t["tab_map"], t["tab_towns"], t["tab_effects"], t["tab_compare"], t["tab_saved"]])

with tab_map:
    table = planning.allocation_table(context, result["allocation"])
    shown = table if not f.township else table[table["township_code"] == f.township]
    shapes = data.shapes()
    shapes = shapes[shapes["village_code"].isin(shown["village_code"])]
    totals = shown.set_index("village_code")["total_wan"]
    maps.show(maps.choropleth(shapes, totals, names, title=t["map_title"], unit="万元", fmt=",.1f",
                              highlight=f.village), height=400)
    st.markdown(f"**{t['table_title']}**")
    labels = {k: t[k] for k in ("last_year_wan", "total_wan", "is_key_village", "households")}
    labels |= {"township_name": t["town"]}
    money = {c: "%.1f" for c in ("last_year_wan", "total_wan", *context.categories)}
    tables.show(shown, labels, height=320, formats=money)
    exports.download(shown, EXPORT["export_plan"], scope.label(), key="alloc_plan_xlsx",
                     headers={k: zh[k] for k in ("last_year_wan", "total_wan", "is_key_village", "households")}
                     | {"township_name": zh["town"]})

with tab_towns:
    towns_table = planning.township_table(context, result, request.constraints)
    fig = go.Figure([
        go.Bar(x=towns_table["township_name"], y=towns_table["funds_wan"], name=t["funds_series"]),
        go.Scatter(x=towns_table["township_name"], y=towns_table["min_wan"], name=t["min_series"], mode="markers",
                   marker={"symbol": "line-ew-open", "size": 18, "line": {"width": 3}}),
        go.Scatter(x=towns_table["township_name"], y=towns_table["max_wan"], name=t["max_series"], mode="markers",
                   marker={"symbol": "line-ew-open", "size": 18, "line": {"width": 3}}),
    ])
    charts.show(fig, height=330, title=t["town_chart"])
    left, right = st.columns([3, 2])
    with left:
        towns_table["share"] = towns_table["share"] * 100
        town_labels = {"township_name": t["town"], "funds_wan": t["funds_wan"], "share": t["share_col"],
                       "min_wan": t["min_wan"], "max_wan": t["max_wan"]}
        tables.show(towns_table, town_labels, height=300,
                    formats={"funds_wan": "%.1f", "min_wan": "%.1f", "max_wan": "%.1f", "share": "%.1f%%"})
        exports.download(towns_table, EXPORT["export_towns"], scope.label(), key="alloc_towns_xlsx",
                         headers={k: zh[k] if k != "township_name" else zh["town"] for k in town_labels})
    with right:
        mix = pd.Series(result["totals_by_category"])
        fig = go.Figure(go.Bar(y=mix.index[::-1], x=mix.to_numpy()[::-1], orientation="h",
                               marker_color=[charts.COLOURS[2] if c == "产业发展" else charts.COLOURS[1]
                                             for c in mix.index[::-1]],
                               text=[f"{v:,.0f}" for v in mix.to_numpy()[::-1]], textposition="auto"))
        charts.show(fig, height=300, title=t["category_chart"])
        ok = result["industry_share"] >= rule - 1e-9
        (st.success if ok else st.error)(t["share_ok" if ok else "share_bad"].format(
            share=layout.pct(result["industry_share"]), rule=layout.pct(rule, 0)))


def _effect_chart(chosen: dict[str, dict], keys: list[str], title: str) -> None:
    fig = go.Figure()
    for name, plan in chosen.items():
        rows = [e for e in plan["effects"] if e["key"] in keys]
        fig.add_bar(y=[e["label"] for e in rows], x=[e["estimate"] for e in rows], name=name, orientation="h",
                    error_x={"type": "data", "symmetric": False,
                             "array": [e["high"] - e["estimate"] for e in rows],
                             "arrayminus": [e["estimate"] - e["low"] for e in rows]})
    fig.update_layout(barmode="group")
    fig.update_yaxes(autorange="reversed")
    charts.show(fig, height=max(230, 120 + 32 * len(keys) * len(chosen)), title=title)


score_keys = [e["key"] for e in result["effects"] if e["key"] != "relapse_households"]
with tab_compare:
    picked = st.multiselect(t["compare_pick"], [*plans, *saved_names], default=[t["current"], t["baseline"].format(
        label=BASELINES["factor"])], max_selections=3, key="alloc_compare")
    chosen = {k: plans[k] if k in plans else scenarios.load(data.store(), saved_names[k], scope=_scope()).result
              for k in picked} or {t["current"]: result}
    compared = planning.comparison(chosen)
    tables.show(compared, height=36 * (len(compared) + 1) + 4)
    exports.download(compared, EXPORT["export_compare"], scope.label(), key="alloc_compare_xlsx")
    _effect_chart(chosen, ["relapse_households"], t["effects_households"])
    _effect_chart(chosen, ["lagging_score", "county_score"], t["effects_scores"])

with tab_effects:
    assumed = sorted({a for e in result["effects"] for a in e["assumed"]})
    _effect_chart({t["current"]: result}, ["relapse_households"], t["effects_households"])
    _effect_chart({t["current"]: result}, score_keys, t["effects_scores"])
    st.caption(t["effects_caption"].format(level=result["effects"][0]["level"],
                                           assumed="、".join(assumed) if assumed else t["none_assumed"]))
    st.markdown(f"**{t['sources_title']}**")
    sources = pd.DataFrame(result["effect_sources"])
    sources = sources[sources["outcome"].isin(["relapse", "overall"])]
    sources["text"] = [f"{e:.3f}({lo:.3f} ~ {hi:.3f})" for e, lo, hi in
                       zip(sources["estimate"], sources["low"], sources["high"])]
    wide = sources.pivot(index="category", columns="outcome", values="text").reindex(list(context.categories))
    origin = sources.groupby("category")["source_zh"].agg(lambda s: "设定" if (s == "设定").any() else "估计")
    effect_frame = pd.DataFrame({"category": wide.index, "relapse": wide["relapse"].to_numpy(),
                                 "overall": wide["overall"].to_numpy(), "source": origin.reindex(wide.index).to_numpy()})
    tables.show(effect_frame, {"category": t["category"], "relapse": t["relapse_effect"],
                               "overall": t["score_effect"], "source": t["source"]})

with tab_saved:
    left, right = st.columns(2)
    with left, st.form("alloc_save_form", border=False):
        name = st.text_input(t["save_name"], key="alloc_save_name", max_chars=scenarios.MAX_NAME)
        allowed = auth.can_save_scenarios()
        if st.form_submit_button(t["save"], disabled=not allowed, icon=":material/save:"):
            try:
                version = scenarios.save(data.store(), name, request_data, result, info.id, data.current_user(),
                                         _scope())
                st.success(t["saved_ok"].format(name=" ".join(name.split()), version=version))
            except scenarios.ScenarioError as exc:
                st.error(str(exc))
        if not allowed:
            st.caption(t["cannot_save"])
    with right:
        saved_list = scenarios.listing(data.store(), _scope())
        if saved_list.empty:
            st.info(t["no_saved"])
        else:
            pick_name = st.selectbox(t["load_pick"], list(saved_list["name"]), key="alloc_load_name")
            st.button(t["load"], on_click=_load, args=(pick_name,), icon=":material/upload:")
    if not saved_list.empty:
        st.markdown(f"**{t['saved_list']}**")
        tables.show(saved_list, {"name": t["col_name"], "version": t["col_version"], "saved_at": t["col_at"],
                                 "saved_by": t["col_by"], "snapshot_id": t["col_snapshot"]}, height=220)

