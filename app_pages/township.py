"""乡镇工作台: a township head picks the township (one click; none when the account has one
township) and sees every village and the household lists to act on, also on a phone."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from analytics.views import township as views
from ui import auth, data, desk, exports, filters, followup, layout, scope, tables
from ui.text import pick
from ui.texts.township import EXPORT, TEXT

t = pick(TEXT)
zh = TEXT["zh"]
f = filters.current()
townships, villages = data.table("townships"), data.table("villages")
town_names = dict(zip(townships["township_code"], townships["township_name"]))


def _choose_town(code: str) -> None:
    st.session_state["town"], st.session_state["village"] = code, ""


def _select_village(codes: tuple[str, ...]) -> None:
    """A row picked in the village table narrows every list (and the URL) to that village."""
    rows = st.session_state["township_table"].selection.rows
    st.session_state["village"] = codes[rows[0]] if rows else ""


def _all_villages() -> None:
    st.session_state["village"] = ""


town = f.township or (townships["township_code"].iloc[0] if len(townships) == 1 else None)
desk.prewarm(f.year)  # another year's lists, in the background, while this head picks a township
layout.header(t["title"] + (f":{town_names[town]}" if town else ""), scope.label())
if town is None:
    st.markdown(t["pick"])
    with st.container(horizontal=True, key="township_buttons"):
        for code, name in town_names.items():
            st.button(name, key=f"township_{code}", on_click=_choose_town, args=(code,), width=130)
    st.stop()


mine = villages[villages["township_code"] == town]
chosen = desk.desk(town, f.year)
followup.desk_line(town, f.year)  # the visit list's pending and overdue households (跟踪核实)

st.subheader(t["villages_title"].format(year=f.year))
first = st.segmented_control(t["sort"], views.SORTS, default="guarantee_problem", required=True, key="desk_sort",
                             format_func=lambda c: t[f"sort_{c}"], label_visibility="collapsed")
table = views.sort_villages(chosen.villages, first)
st.caption(t["villages_caption"])
st.dataframe(
    table.drop(columns="village_code"), hide_index=True, selection_mode="single-row", key="township_table",
    placeholder=tables.MISSING,
    on_select=partial(_select_village, tuple(table["village_code"])), width="stretch",
    column_config={c: st.column_config.Column(t[c]) for c in desk.VILLAGE_COLUMNS if c != "village_code"} | {
        "funds_wan": st.column_config.NumberColumn(t["funds_wan"], format="%,.1f"),
        "paid_share": st.column_config.NumberColumn(t["paid_share"], format="%.0f")})
exports.download(table, EXPORT["export_villages"], scope.label(), key="township_villages_xlsx",
                 headers={c: zh[c] for c in desk.VILLAGE_COLUMNS if c != "village_code"})

village_names = dict(zip(mine["village_code"], mine["village_name"]))
only = f.village if f.village in village_names else None
st.subheader(t["lists_title"] + (f" · {village_names[only]}" if only else ""))
if only:
    st.button(t["all_villages"], on_click=_all_villages, icon=":material/filter_alt_off:", key="township_all")


def narrow(frame: pd.DataFrame, only: str | None) -> pd.DataFrame:
    return frame[frame["village_code"] == only] if only else frame


TABS = (  # per list: tab title, export title, the page's own column labels
    ("tab_guarantees", "export_guarantees", {"gaps": "gaps", "years_in_a_row": "years_in_a_row"}),
    ("tab_open", "export_open", {}),
    ("tab_warning", "export_warning", {"probability_pct": "probability_pct", "measures": "measures"}),
    ("tab_jobless", "export_jobless", {}),
    ("tab_checks", "export_checks", {"flags": "flags"}),
)
lists = [narrow(frame, only) if frame is not None else None for frame in chosen.lists]
tabs = st.tabs([t[title].format(n=t["count"].format(h=len(frame), p=int(frame["household_size"].sum()))
                                 if frame is not None else "—") for frame, (title, _, _) in zip(lists, TABS)])
for tab, frame, (_, export_key, own_labels) in zip(tabs, lists, TABS):
    with tab:
        if frame is None:
            st.error(t["no_model"].format(error=chosen.model_error))
        elif frame.empty:
            st.success(t["empty"])
        else:
            labels = {c: t[key] for c, key in own_labels.items()}
            tables.show(frame, labels, formats={"probability_pct": "%.1f"})
            exports.download(frame, EXPORT[export_key], scope.label(), key=f"township_{export_key}_xlsx",
                             headers={c: zh[key] for c, key in own_labels.items()})
auth.audit_views([(EXPORT[key], len(frame)) for frame, (_, key, _) in zip(lists, TABS) if frame is not None and len(frame)],
                 scope.label())
st.caption(t["masked"])
