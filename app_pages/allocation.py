"""资金推演: split next year's 衔接资金 across villages and categories, see what it would likely
achieve, compare it with the baselines and saved scenarios, and keep named scenarios."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analytics.data.funds import IndustryRule
from analytics.planning import plan as planning
from analytics.planning import scenarios
from analytics.planning.allocation import BASELINES
from analytics.reports import exports as exports_plan
from analytics.reports import figures
from analytics.scoring.composite import ScoringError
from analytics.views import allocation
from ui import auth, charts, data, exports, filters, layout, lookback, maps, plan_funds, planner, scope, tables
from ui.text import pick, value
from ui.texts.allocation import EXPORT, TEXT


def effect_card(effect: dict, label: str, digits: int, t: dict) -> layout.Card:
    """An expected effect with its interval."""
    return layout.Card(label, layout.num(effect["estimate"], digits=digits),
                       t["interval"].format(low=layout.num(effect["low"], digits=digits),
                                            high=layout.num(effect["high"], digits=digits)),
                       help=t["interval_help"].format(level=effect["level"]), delta_color="off")


def effect_chart(plans: dict[str, dict], keys: list[str], title: str) -> None:
    charts.show(figures.plan_effects(plans, keys), height=max(230, 120 + 32 * len(keys) * len(plans)), title=title)


t = pick(TEXT)
zh = TEXT["zh"]
f = filters.current()
info = data.snapshot()
layout.header(t["title"], scope.label())
try:
    context, model = planner.fitted()
except (ValueError, ScoringError) as exc:
    st.error(t["no_data"].format(error=exc))
    st.stop()

planner.start(context)
years = f"{min(model.years_)}—{max(model.years_) + 1}" if model.years_ else "-"
st.caption(t["intro"].format(year=context.year, villages=len(context.villages), years=years))
towns, submitted = planner.inputs(t, context)
planner.overrides(t, model)
request_data = planner.request(towns, submitted)
if "alloc_loaded" in st.session_state:
    name, version, at, by, snapshot_id = st.session_state["alloc_loaded"]
    st.success(t["loaded"].format(name=name, version=version, at=at, by=by, snapshot=snapshot_id))

result = planner.plan(json.dumps(request_data, ensure_ascii=False, sort_keys=True))
if isinstance(result, str):  # the rules conflict: the message names them
    st.error(f"**{t['infeasible']}**:{result}", icon=":material/block:")
    st.stop()
request, _ = planning.request_from_dict(request_data)
rule = request.constraints.industry_min_share
scenario = st.session_state["alloc_loaded"][0] if "alloc_loaded" in st.session_state else zh["current"]
notes = exports_plan.plan_notes(context.year, request.constraints.budget_wan, scenario, result.rules)

# --- headline --------------------------------------------------------------------------------
solver = result.solver
layout.cards([
    effect_card(result.effect("relapse_households"), t["kpi_risk"], 0, t),
    effect_card(result.effect("lagging_score"), t["kpi_lagging"], 1, t),
    layout.Card(t["kpi_share"], layout.pct(result.industry_share), t["rule"].format(rule=layout.pct(rule, 0)),
                delta_color="normal" if result.industry_share >= rule - 1e-9 else "inverse"),
    layout.Card(t["kpi_solver"], t["solver_value"].format(seconds=solver["seconds"]),
                help=t["solver_help"].format(gap=solver["gap"], objective=t["objectives"][solver["objective"]])),
])
if result.notes:
    st.caption(t["notes"].format(notes=";".join(result.notes)))

plain = result.to_dict()  # what a saved scenario keeps: plans compare as plain data
plans = {t["current"]: plain}
plans.update({t["baseline"].format(label=value(BASELINES[k])): v.to_dict() for k, v in result.baselines.items()})
saved_names = {t["saved"].format(name=n): n for n in scenarios.listing(data.store(), planner.scope_key())["name"]}

tab_map, tab_plan, tab_towns, tab_effects, tab_compare, tab_saved = st.tabs(
    [t["tab_map"], t["tab_plan"], t["tab_towns"], t["tab_effects"], t["tab_compare"], t["tab_saved"]])

with tab_map:
    table = planning.allocation_table(context, result.allocation)
    shown = table if not f.township else table[table["township_code"] == f.township]
    shapes = data.shapes()
    shapes = shapes[shapes["village_code"].isin(shown["village_code"])]
    totals = shown.set_index("village_code")["total_wan"]
    names = context.villages.set_index("village_code")["village_name"]
    maps.show(maps.choropleth(shapes, totals, names, title=t["map_title"], unit="万元", fmt=",.1f",
                              highlight=f.village), height=400)
    st.markdown(f"**{t['table_title']}**")
    labels = {k: t[k] for k in ("last_year_wan", "total_wan", "is_key_village", "households")}
    labels |= {"township_name": t["town"]}
    money = {c: "%.1f" for c in ("last_year_wan", "total_wan", *context.categories)}
    tables.show(shown, labels | {c: value(c) for c in context.categories}, formats=money)
    exports.download(shown, f"{context.year}年{EXPORT['export_plan']}", scope.label(), key="alloc_plan_xlsx",
                     notes=notes,
                     headers={k: zh[k] for k in ("last_year_wan", "total_wan", "is_key_village", "households")}
                     | {"township_name": zh["town"]})

with tab_plan:
    planner.plan_sheet(t, context, result, request.constraints.budget_wan)

with tab_towns:
    towns_table = planning.township_table(context, result, request.constraints)
    charts.show(figures.township_bounds(towns_table, {"funds": t["funds_series"], "min": t["min_series"],
                                                      "max": t["max_series"]}), height=330, title=t["town_chart"])
    left, right = st.columns([3, 2])
    with left:
        town_labels = {"township_name": t["town"], "funds_wan": t["funds_wan"], "share": t["share_col"],
                       "min_wan": t["min_wan"], "max_wan": t["max_wan"]}
        tables.show(towns_table.assign(share=towns_table["share"] * 100), town_labels,
                    formats={"funds_wan": "%.1f", "min_wan": "%.1f", "max_wan": "%.1f", "share": "%.1f%%"})
        exports.download(towns_table, f"{context.year}年{EXPORT['export_towns']}", scope.label(),
                         key="alloc_towns_xlsx", notes=notes,
                         headers={k: zh[k] if k != "township_name" else zh["town"] for k in town_labels})
    with right:
        charts.show(figures.category_mix(pd.Series(result.totals_by_category), context.industry_categories),
                    height=300, title=t["category_chart"])
        ok = result.industry_share >= rule - 1e-9
        (st.success if ok else st.error)(t["share_ok" if ok else "share_bad"].format(
            share=layout.pct(result.industry_share), rule=layout.pct(rule, 0),
            target=layout.pct(IndustryRule.from_settings().target, 0)))
    plan_funds.lines(result, rule)


score_keys = [e["key"] for e in result.effects if e["key"] != "relapse_households"]
with tab_compare:
    picked = st.multiselect(t["compare_pick"], [*plans, *saved_names], default=[t["current"], t["baseline"].format(
        label=value(BASELINES["factor"]))], max_selections=3, key="alloc_compare")
    chosen = {k: plans[k] if k in plans else scenarios.load(data.store(), saved_names[k], scope=planner.scope_key()).result
              for k in picked} or {t["current"]: plain}
    compared = planning.comparison(chosen)
    tables.show(compared, {"指标": t["figure"]})
    exports.download(compared, f"{context.year}年{EXPORT['export_compare']}", scope.label(), key="alloc_compare_xlsx",
                     notes=notes[:1])
    effect_chart(chosen, ["relapse_households"], t["effects_households"])
    effect_chart(chosen, ["lagging_score", "county_score"], t["effects_scores"])

with tab_effects:
    assumed = sorted({a for e in result.effects for a in e["assumed"]})
    effect_chart({t["current"]: plain}, ["relapse_households"], t["effects_households"])
    effect_chart({t["current"]: plain}, score_keys, t["effects_scores"])
    st.caption(t["effects_caption"].format(level=result.effects[0]["level"],
                                           assumed="、".join(assumed) if assumed else t["none_assumed"]))
    st.markdown(f"**{t['sources_title']}**")
    used = t["used"] if result.cautious else t["used_free"]
    st.caption(used.format(used=t["used_names"][result.effects_used]))
    effect_frame = allocation.effect_sources(plain, context.categories)
    tables.show(effect_frame, {"category": t["category"], "relapse": t["relapse_effect"],
                               "relapse_raw": t["relapse_raw"], "overall": t["score_effect"],
                               "overall_raw": t["score_raw"], "supported": t["supported"], "source": t["source"]})
    with st.expander(t["rules_title"]):
        st.markdown("\n".join(f"- {rule}" for rule in result.rules))

with tab_saved:
    left, right = st.columns(2)
    with left, st.form("alloc_save_form", border=False):
        name = st.text_input(t["save_name"], key="alloc_save_name", max_chars=scenarios.MAX_NAME)
        allowed = auth.can_save_scenarios()
        if st.form_submit_button(t["save"], disabled=not allowed, icon=":material/save:"):
            try:
                version = scenarios.save(data.store(), name, request_data, plain, info.id, data.current_user(),
                                         planner.scope_key())
                st.success(t["saved_ok"].format(name=" ".join(name.split()), version=version))
            except scenarios.ScenarioError as exc:
                st.error(str(exc))
        if not allowed:
            st.caption(t["cannot_save"])
    with right:
        saved_list = scenarios.listing(data.store(), planner.scope_key())
        if saved_list.empty:
            st.info(t["no_saved"])
        else:
            pick_name = st.selectbox(t["load_pick"], list(saved_list["name"]), key="alloc_load_name")
            st.button(t["load"], on_click=planner.load, args=(pick_name,), icon=":material/upload:")
    if not saved_list.empty:
        st.markdown(f"**{t['saved_list']}**")
        tables.show(saved_list, {"name": t["col_name"], "version": t["col_version"], "saved_at": t["col_at"],
                                 "saved_by": t["col_by"], "snapshot_id": t["col_snapshot"]})

lookback.show()
