"""易地搬迁后续扶持: employment of relocated labour per resettlement site, relocated households
with labour but nobody employed (aim: zero), and how their income moves."""

from __future__ import annotations

import streamlit as st

from analytics import settings
from analytics.reports import figures
from analytics.views import relocation
from ui import auth, charts, data, exports, filters, layout, scope, tables
from ui.text import pick
from ui.texts.relocation import EXPORT, TEXT

t = pick(TEXT)
zh = TEXT["zh"]  # exports always carry Chinese titles and headers
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
min_months = settings.integer("relocation.employed_min_months")
households = scope.households(columns=list(relocation.COLUMNS), where=(("relocated", "==", True),))

layout.header(t["title"], scope.label())
st.caption(t["lead"])
sites = relocation.sites(households, villages, townships, f.year, min_months)
if sites.empty:
    st.info(t["none"])
    st.stop()

total = relocation.totals(sites)
trend = relocation.income_trend(households, scope.village_year(), data.table("monitoring_lines"),
                                min_months).set_index("year")
all_income = trend["all_income"].get(f.year)
layout.cards([
    layout.Card(t["households"], layout.num(total["households"])),
    layout.Card(t["with_labour"], layout.num(total["with_labour"])),
    layout.Card(t["employed_share"], layout.pct(total["employed_share"] / 100 if total["employed_share"] is not None else None)),
    layout.Card(t["jobless"], layout.num(total["jobless"]), help=t["jobless_help"].format(months=min_months)),
    layout.Card(t["income"], layout.num(total["income_per_person"]),
                t["vs_all"].format(value=layout.num(all_income)) if all_income is not None else None,
                delta_color="off"),
], per_row=5)

st.subheader(t["sites_title"])
site_names = sites["village_name"].where(sites["is_relocation_site"].fillna(False).astype(bool),
                                         sites["village_name"] + "*")
labels = [t["site_label"].format(n=n, share=share) for n, share in zip(sites["jobless"], sites["employed_share"])]
charts.show(figures.jobless_by_site(site_names, sites["jobless"], labels, t["unit_households"]), height=330,
            title=t["sites_chart"])
site_labels = {k: t[k] for k in ("is_relocation_site", "people", "labour", "employed", "months_per_labourer",
                                 "income_per_person")}
site_labels.update({"households": t["households"], "with_labour": t["with_labour"], "jobless": t["jobless"],
                    "employed_share": t["employed_series"]})
tables.show(sites, site_labels, formats={"employed_share": "%.1f", "months_per_labourer": "%.1f",
                                             "income_per_person": "%,.0f"})
exports.download(sites, EXPORT["export_sites"], scope.label(), key="relocation_sites_xlsx",
                 headers={**{k: zh[k] for k in ("is_relocation_site", "people", "labour", "employed",
                                                "months_per_labourer", "income_per_person")},
                          "households": zh["households"], "with_labour": zh["with_labour"],
                          "jobless": zh["jobless"], "employed_share": zh["employed_series"]})

left, right = st.columns(2)
with left:
    charts.show(figures.relocation_income(trend, t), height=300, title=t["trend_title"])
with right:
    charts.show(figures.relocation_employment(trend, {"jobless": t["jobless_series"],
                                                      "employed_share": t["employed_series"]}),
                height=300, title=t["employment_trend"])

st.subheader(t["list_title"])
jobless = relocation.jobless(households, villages, townships, f.year, min_months)
if jobless.empty:
    st.success(t["zero"])
else:
    st.caption(t["list_caption"].format(n=len(jobless)))
    tables.show(jobless)
    auth.audit_view(t["list_title"], len(jobless), scope.label())
    exports.download(jobless, EXPORT["export_list"], scope.label(), key="relocation_list_xlsx")
