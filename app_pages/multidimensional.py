"""多维贫困: the Alkire-Foster measure of the households' guarantees and income (H, A, M0)
for the county, each township and each village, with each dimension's contribution."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.data.formats import M0_FORMAT
from analytics.reports import figures
from analytics.scoring import poverty
from analytics.views import multidimensional as poverty_views
from analytics.views.multidimensional import LABELS
from ui import charts, data, exports, filters, layout, maps, scores, tables
from ui.text import pick
from ui.texts.multidimensional import TEXT

t = pick(TEXT)
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
town_names = townships.set_index("township_code")["township_name"]
village_names = villages.set_index("village_code")["village_name"]
weights = poverty.household_weights()
total = sum(weights.values())

layout.header(t["title"], f.label(townships, villages))
st.caption(t["intro"])
left, right = st.columns([1, 2])
smallest = min(w for w in weights.values() if w > 0) / total
k = left.slider(t["k"], 0.05, 1.0, settings.number("poverty.k"), 0.05, key="md_k", help=t["k_help"].format(smallest=smallest))
right.markdown(f"{t['weights']}:" + " · ".join(f"{LABELS[d]} **{w / total:.0%}**" for d, w in weights.items()))


def scope_row(year: int, k: float, weights: dict[str, float], township: str | None, village: str | None) -> dict:
    """H, A, M0 and contributions of the chosen scope (village, township or all in scope)."""
    return poverty_views.scope_row(*scores.multidimensional(year, k, weights), township, village)


result, towns, per_village = scores.multidimensional(f.year, k, weights)
now = scope_row(f.year, k, weights, f.township, f.village)
layout.cards([
    layout.Card(t["H"], layout.pct(now["H"], 2), help=t["H_help"]),
    layout.Card(t["A"], layout.pct(now["A"], 1), help=t["A_help"]),
    layout.Card(t["M0"], f"{now['M0']:.{M0_FORMAT.digits}f}", help=t["M0_help"]),
    layout.Card(t["poor"], layout.num(now["H"] * now["n"])),
])
if result.excluded:
    st.caption(t["excluded"].format(n=result.excluded))

left, right = st.columns(2)
with left:
    contributions = [now.get(f"contribution_{d}", 0.0) * 100 for d in LABELS]
    charts.show(figures.poverty_contributions(list(LABELS.values()), contributions), height=320,
                title=t["contrib_title"])
with right:
    rows = [scope_row(year, k, weights, f.township, f.village) for year in f.years]
    charts.show(figures.poverty_trend(list(f.years), rows), height=320, title=t["trend_title"])


headers = {"group": "代码", "name": t["group"], "n": t["n"], "H": "H", "A": "A", "M0": "M0",
           "contribution_to_M0": t["share"], **{f"contribution_{d}": f"{label}贡献" for d, label in LABELS.items()}}
SHOWN = ["name", "n", "H", "A", "M0"]


def show_table(frame: pd.DataFrame, key: str, title: str, scope_label: str, headers: dict[str, str]) -> None:
    """H, A and M0 on screen (percent for H and A); every contribution in the Excel file."""
    shown = frame[SHOWN].assign(H=frame["H"] * 100, A=frame["A"] * 100)
    tables.show(shown, {c: headers[c] for c in SHOWN}, rows=9, formats={"H": "%.2f%%", "A": "%.1f%%"})
    exports.download(frame, title, scope_label, key=key, headers=headers)


st.subheader(t["town_title"])
town_rows = poverty_views.area_table(towns, town_names, [f.township] if f.township else None)
left, right = st.columns(2)
with left:
    charts.show(figures.poverty_by_area(town_rows, LABELS), height=max(360, 24 * len(town_rows) + 150),
                title=t["stack_title"])
with right:
    show_table(town_rows, "md_export_town", t["export_town"], f.label(townships, villages), headers)

st.subheader(t["village_title"].format(year=f.year))
codes = f.village_codes(villages) if f.township else villages["village_code"]
left, right = st.columns(2)
with left:
    shapes = data.shapes()
    shapes = shapes[shapes["village_code"].isin(codes)]
    m0 = per_village.set_index("group")["M0"]
    maps.show(maps.choropleth(shapes, m0, village_names, title="M0", unit=t["m0_unit"], fmt=f".{M0_FORMAT.digits}f",
                              highlight=f.village), height=400)
with right:
    show_table(poverty_views.area_table(per_village, village_names, codes), "md_export_village", t["export_village"],
               f.label(townships, villages), headers)
