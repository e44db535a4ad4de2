"""数据核查: the seven policy checks (analytics.data.checks) on the chosen year's households:
how many each rule flags, where, and the households behind each count, masked as the role
requires and downloadable."""

from __future__ import annotations

import streamlit as st

from analytics.data import checks
from ui import auth, data, exports, filters, layout, scope, tables
from ui.text import pick
from ui.texts.checks import TEXT

t = pick(TEXT)
zh = TEXT["zh"]  # exports always carry Chinese titles and headers
f = filters.current()
villages, townships = data.table("villages"), data.table("townships")
label = dict(zip([r.id for r in checks.RULES], t["labels"].split("|")))


@st.cache_data(show_spinner=False, max_entries=16)
def _checked(scope_key: tuple, year: int):
    households = scope.households(year, columns=[*checks.COLUMNS, *checks.PERSONAL_COLUMNS])
    return checks.run(households, data.table("monitoring_lines"), year, checks.Config.from_settings())


rows, flagged, skip = _checked(scope.key(), f.year)
config = checks.Config.from_settings()
line = checks.line_of(data.table("monitoring_lines"), f.year)
summary = checks.summary(rows, flagged, skip)

layout.header(t["title"], scope.label())
st.caption(t["lead"].format(year=f.year, line=layout.num(line, "元/人·年") if line is not None else t["no_line"]))
layout.cards([
    layout.Card(label[r["rule"]], t["not_checked"] if r["skipped"] else
                t["card_value"].format(households=int(r["households"]), people=int(r["people"])),
                help=config.describe(checks.BY_ID[r["rule"]]) + (f"({r['skipped']})" if r["skipped"] else ""))
    for _, r in summary.iterrows()
])

with st.expander(t["rules_title"]):
    rules = summary.assign(label=summary["rule"].map(label),
                           definition=[config.describe(checks.BY_ID[r]) for r in summary["rule"]])
    rule_labels = {k: t[k] for k in ("definition", "households", "people", "skipped")} | {"label": t["rule"]}
    tables.show(rules.drop(columns="rule"), rule_labels, hide=())

level = "village" if f.township else "township"
st.subheader(t["area_title_village"] if f.township else t["area_title_town"])
area = checks.by_area(rows, flagged, villages[villages["village_code"].isin(scope.village_codes())], townships, level)
area_labels = {**label, "total": t["total"]}
tables.show(area, area_labels)
exports.download(area, zh["export_area"], scope.label(), key="checks_area_xlsx",
                 headers={**{r.id: r.label for r in checks.RULES}, "total": zh["total"]})

st.subheader(t["list_title"])
rule = st.pills(t["pick_rule"], [r.id for r in checks.RULES], format_func=label.get, key="checks_rule",
                default=str(summary.loc[summary["households"].idxmax(), "rule"]) if summary["households"].max() > 0
                else checks.RULES[0].id)
shown = checks.listing(rows, flagged, (rule,), villages, townships) if rule else None
if rule in skip:
    st.info(t["skipped_rule"].format(reason=skip[rule]))
elif shown is not None and shown.empty:
    st.success(t["none"])
elif shown is not None:
    st.caption(t["list_caption"].format(label=label[rule], n=len(shown)))
    tables.show(shown, {"flags": t["flags"]})
    auth.audit_view(f"{zh['title']} · {checks.BY_ID[rule].label}", len(shown), scope.label())
    exports.download(shown, f"{zh['export_list']}_{checks.BY_ID[rule].label}", scope.label(), key="checks_list_xlsx",
                     headers={"flags": zh["flags"]})
