"""村庄画像: one village on one page: indicators and scores against its township and the county,
its households, its projects and funds, and the households the risk model worries about."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import DIMENSIONS, DIMENSIONS_EN
from analytics.reports import figures
from analytics.risk.features import RiskDataError
from analytics.scoring.composite import OVERALL, Method
from analytics.views import projects, village_profile
from ui import auth, charts, data, exports, filters, layout, risk, scope, scores, tables
from ui.text import lang, pick
from ui.texts.village_profile import EXPORT, TEXT

t = pick(TEXT)
zh = TEXT["zh"]
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
town_names = townships.set_index("township_code")["township_name"]
in_scope = villages[villages["village_code"].isin(scope.village_codes())] if f.township else villages
village_names = dict(zip(villages["village_code"], villages["village_name"]))
village_town = dict(zip(villages["village_code"], villages["township_code"]))


def _open(key: str, village_town: dict[str, str]) -> None:
    """The in-page picker sets the shared filters (and so the URL), like the sidebar would."""
    code = st.session_state[key]
    if code:
        st.session_state["town"] = village_town[code]
        st.session_state["village"] = code


layout.header(t["title"] + (f":{village_names[f.village]}" if f.village else ""), scope.label())
options = [""] + list(in_scope["village_code"])
st.selectbox(t["pick"], options, index=options.index(f.village) if f.village in options else 0, key="profile_pick",
             format_func={c: f"{village_names[c]}({town_names.get(village_town[c], '')})" if c else "—" for c in options}.get,
             on_change=_open, args=("profile_pick", village_town), help=t["pick_help"])
if not f.village:
    st.info(t["choose"])
    st.stop()

code = f.village
row = villages.set_index("village_code").loc[code]
flags = (t["former_poor"] if row["is_former_poor_village"] else "") + (t["key"] if row["is_key_village"] else "") + \
    (t["site"] if row["is_relocation_site"] else "")
st.markdown(t["tags"].format(town=town_names.get(row["township_code"], ""), flags=flags, terrain=row["terrain"],
                             households=int(row["households"]), population=int(row["population"])))

# --- scores and indicators --------------------------------------------------------------------
st.subheader(t["scores_title"])
method = Method.from_settings()
table = scores.scores(method)
dims = village_profile.dimensions(table, code, f.year)
mine = table[(table["village_code"] == code) & (table["year"] == f.year)]
dim_label = {d: (DIMENSIONS_EN[d] if lang() == "en" else d) for d in DIMENSIONS}
if mine.empty or mine[OVERALL].isna().all():
    st.info(t["no_scores"].format(year=f.year))
else:
    me = mine.iloc[0]
    n = scores.ranked_count(method, f.year)  # ranks are county ranks, also for a township account
    left, right = st.columns([1, 3])
    with left:
        st.metric(t["overall"], f"{me[OVERALL]:.1f}",
                  t["change"].format(change=me["change"]) if me["change"] == me["change"] else None, border=True)
        st.caption(t["rank"].format(rank=int(me["rank"]), n=n, tier=me["tier"]))
    with right:
        shown = dims[dims["dimension"] != OVERALL]
        # a township account sees no other township's villages, so no county series
        compared = ("village", "township") + (("county",) if data.allowed_townships() is None else ())
        fig = figures.score_comparison([dim_label[d] for d in shown["dimension"]], {t[c]: shown[c] for c in compared})
        charts.show(fig, height=300, title=t["dims_chart"].format(year=f.year))

st.subheader(t["indicators_title"])
detail = village_profile.indicators(scores.indicator_values(), scores.normalised(method), indicators.catalogue(),
                                    code, f.year)
detail["dimension"] = detail["dimension"].map(dim_label)
name_col = "name_en" if lang() == "en" else "name_zh"
columns = ["code", "dimension", name_col, "unit", "value", "last_year", "change_col", "score", "target",
           "county_median", "meets_target"]
detail = detail.rename(columns={"change": "change_col"})
labels = {c: t["name" if c == name_col else c] for c in columns}
number = {c: "%.2f" for c in ("value", "last_year", "change_col", "target", "county_median")} | {"score": "%.1f"}
tables.show(detail[columns], labels, formats=number)
exports.download(detail[columns].assign(village_code=code), EXPORT["export_indicators"], scope.label(),
                 key="profile_indicators_xlsx", headers={c: zh["name" if c == name_col else c] for c in columns})

# --- households --------------------------------------------------------------------------------
st.subheader(t["households_title"].format(year=f.year))
line = data.table("monitoring_lines").set_index("year")["threshold_yuan"].get(f.year)
rows = data.households(f.year, [code])
h = village_profile.households(rows, line)
layout.cards([
    layout.Card(t["households"], layout.num(h.households), t["people"].format(n=h.people), delta_color="off"),
    layout.Card(t["poor"], layout.num(h.poor)),
    layout.Card(t["unresolved"], layout.num(h.unresolved),
                help=t["monitored_help"].format(categories=",".join(f"{c} {n}" for c, n in h.monitored.items()))),
    layout.Card(t["below_line"], layout.num(h.below_line),
                t["line"].format(line=h.line) if h.line is not None else None, delta_color="off"),
    layout.Card(t["gaps"], layout.num(h.guarantee_gaps)),
    layout.Card(t["relocated"], layout.num(h.relocated)),
    layout.Card(t["dibao"], f"{h.dibao:,} / {h.tekun:,}"),
    layout.Card(t["income"], layout.num(h.income),
                t["poor_income"].format(value=layout.num(h.poor_income)) if h.poor_income is not None else None,
                delta_color="off"),
])
with st.container(horizontal=True, vertical_alignment="center"):
    st.markdown(t["lists"])
    st.page_link("app_pages/guarantees.py", label=t["to_guarantees"], icon=":material/home_health:")
    st.page_link("app_pages/relocation.py", label=t["to_relocation"], icon=":material/apartment:")
    st.page_link("app_pages/warning_list.py", label=t["to_warning"], icon=":material/notifications:")

# --- projects and funds ------------------------------------------------------------------------
st.subheader(t["projects_title"])
pool = projects.with_places(scope.projects(), villages, townships)
if pool.empty:
    st.info(t["no_projects"])
else:
    left, right = st.columns([2, 3])
    with left:
        charts.show(figures.stacked_by_year(village_profile.funds(pool), scale=figures.WAN), height=340,
                    title=t["funds_chart"])
    with right:
        st.markdown(f"**{t['projects_table']}**")
        shown = pool.sort_values(["year", "project_id"], ascending=[False, True])[
            ["project_id", "year", "project_name", "category", "status", "funds_wan", "disbursed_wan", "paid_share",
             "village_code"]]
        tables.show(shown, {"paid_share": t["paid_share"]}, formats={"paid_share": "%.1f"})
        exports.download(shown, EXPORT["export_projects"], scope.label(), key="profile_projects_xlsx",
                         headers={"paid_share": zh["paid_share"]})

# --- relapse risk ------------------------------------------------------------------------------
st.subheader(t["risk_title"])
cutoff = settings.number("risk.high_risk_probability")
try:
    scored = risk.predictions(f.year, [code])
except RiskDataError as error:
    st.error(t["no_model"].format(error=error))
    st.stop()
count, top = village_profile.risk(scored, code, f.year, cutoff)
st.metric(t["high_risk"], layout.num(count), help=t["high_risk_help"].format(next=f.year + 1, cutoff=cutoff))
if not top.empty:
    top = village_profile.risk_list(top, rows, lang())
    columns = ["household_id", "head_name", "household_size", "probability_pct", "drivers", "risk_types", "measures",
               "village_code"]
    st.markdown(f"**{t['top_risk'].format(n=len(top))}**")
    risk_labels = {"probability_pct": t["probability"] + "(%)", "drivers": t["drivers"], "risk_types": t["risk_types"],
                   "measures": t["measures"]}
    tables.show(top[columns], risk_labels, formats={"probability_pct": "%.1f"})
    auth.audit_view(EXPORT["export_risk"], len(top), scope.label())
    exports.download(top[columns], EXPORT["export_risk"], scope.label(), key="profile_risk_xlsx",
                     headers={"probability_pct": zh["probability"] + "(%)", "drivers": zh["drivers"],
                              "risk_types": zh["risk_types"], "measures": zh["measures"]})
