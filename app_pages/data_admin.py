"""数据管理: import a county's files (check, then commit a snapshot or nothing), the snapshot
history with rollback, the risk model's training, and the import templates. Admins only.

The check, the commit and the training run as jobs outside the server (ui.jobs, analytics.jobs): the page
starts one and follows it, one job at a time per store."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from analytics.data import audit
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates
from analytics.ingest import visits as visit_import
from analytics.ingest.boundaries import CRS_CHOICES
from analytics.jobs import work
from analytics.risk import saved as risk_model_store
from analytics.views import snapshots as snapshot_views
from ui import auth, data, import_check, jobs, layout, session, tables
from ui.text import pick
from ui.texts.data_admin import TEXT

UPLOAD_TYPES = ["xlsx", "xlsm", "xls", "csv", "txt", "geojson", "json", "zip"]

auth.require_admin()
t = pick(TEXT)
store = data.store()
layout.header(t["title"])
for message in st.session_state.pop("data_admin_done", []):
    st.success(message, icon=":material/check_circle:")
if refused := st.session_state.pop("data_admin_refused", None):
    st.error(refused, icon=":material/sync_problem:")
jobs.panel(store, t)
busy = jobs.running(store)  # one import or training at a time: the buttons wait for it


@st.cache_data(show_spinner=False)
def _template() -> bytes:
    return templates.workbook_bytes()


def _kind(kind: str, t: dict[str, str]) -> str:
    return t.get(f"kind_{kind}", kind)


kind_label = partial(_kind, t=t)
trial = data.is_trial()  # anyone may open the trial, so it may check files but never write
tab_import, tab_history, tab_model, tab_templates = st.tabs(
    [t["tab_import"], t["tab_history"], t["tab_model"], t["tab_templates"]])

with tab_import:
    st.markdown(t["intro"])
    files = st.file_uploader(t["upload"], type=UPLOAD_TYPES, accept_multiple_files=True,
                             key=import_check.uploader_key())
    left, middle, right = st.columns([3, 2, 2])
    crs = left.radio(t["crs"], CRS_CHOICES, format_func={c: t[f"crs_{c}"] for c in CRS_CHOICES}.get, key="data_admin_crs")
    replace = middle.checkbox(t["replace"], help=t["replace_help"], key="data_admin_replace")
    year = right.number_input(t["year"], min_value=1990, max_value=2100, value=None, step=1, placeholder=t["year_auto"],
                              help=t["year_help"], key="data_admin_year")
    name_col, keep_col = st.columns([3, 4])
    county_name = name_col.text_input(t["county_name"], help=t["county_name_help"], max_chars=40, key="data_admin_county")
    keep = keep_col.checkbox(t["keep_county_name"], help=t["keep_county_name_help"], key="data_admin_keep_county")
    options = ingest.Options(crs=crs, replace=replace, year=year, county_name=county_name, keep_county_name=keep)
    signature = [(f.name, f.size) for f in files or []], options
    if st.button(t["check"], type="primary", disabled=not files or busy is not None, key="data_admin_check"):
        jobs.start(lambda: import_check.start(store, files, options, signature), t)
    held = import_check.held(store, signature, t)
    if held is not None:
        check_id, checked = held
        st.subheader(t["result"])
        import_check.show_report(checked, t)
        if checked.ok and trial:
            st.info(t["trial"], icon=":material/lock:")
        elif checked.ok and checked.visits is not None:  # a filled visit list: small, kept outside snapshots
            if st.button(t["import"], type="primary", key="data_admin_import"):
                import_check.forget()
                changed = visit_import.save(store, checked.visits, data.current_user(), checked.files,
                                            audit.COUNTY, session.client())
                st.session_state["data_admin_done"] = [t["visits_imported"].format(n=len(checked.visits),
                                                                                   changed=changed)]
                st.rerun()
        elif checked.ok:
            if busy is not None:
                st.info(jobs.busy_text(busy, t), icon=":material/hourglass_top:")
            if st.button(t["import"], type="primary", key="data_admin_import", disabled=busy is not None):
                import_check.forget()
                jobs.start(lambda: work.start_import(store, check_id, data.current_user()), t)

with tab_history:
    snapshots = store.snapshots()
    shown = pd.DataFrame({
        "current": snapshots["current"].map({True: "✔", False: ""}),
        "id": snapshots["id"],
        "time": snapshots["created_at"].str.replace("T", " "),
        "user": snapshots["created_by"],
        "kind": snapshots["kind"].map(kind_label),
        "rows": snapshots["row_counts"].map(snapshot_views.row_counts),
        "source": snapshots["source"],
    })
    st.markdown(f"**{t['snapshots']}**")
    tables.show(shown, {c: t[f"col_{c}"] for c in shown.columns}, rows=8)
    st.markdown(f"**{t['rollback']}**")
    earlier = snapshots.loc[~snapshots["current"], "id"].tolist()
    if not earlier:
        st.caption(t["only_one"])
    elif trial:
        st.info(t["trial"], icon=":material/lock:")
    else:
        labels = dict(zip(snapshots["id"], snapshots["created_at"].str.replace("T", " ") + " · "
                          + snapshots["kind"].map(kind_label) + " · " + snapshots["created_by"]))
        target = st.selectbox(t["rollback_pick"], earlier, format_func={s: f"{s}({labels[s]})" for s in earlier}.get,
                              key="data_admin_target")
        sure = st.checkbox(t["rollback_confirm"], key="data_admin_sure")
        if st.button(t["rollback_go"], disabled=not sure, key="data_admin_rollback"):
            store.rollback(target, user=data.current_user())
            st.session_state["data_admin_done"] = [t["rolled_back"].format(id=target)]
            st.session_state.pop("data_admin_sure", None)
            st.rerun()
    history = store.history().iloc[::-1]
    st.markdown(f"**{t['history']}**")
    log = pd.DataFrame({
        "time": history["at"].str.replace("T", " "),
        "user": history["user"],
        "action": history["action"].map(kind_label),
        "id": history["snapshot_id"],
        "detail": history["detail"],
    })
    tables.show(log, {c: t[f"col_{c}"] for c in log.columns}, rows=10)

with tab_model:
    st.markdown(t["model_intro"])
    current = store.current_id()
    model_id = risk_model_store.current(store.root, current) if current else None
    meta = next((m for m in risk_model_store.saved(store.root) if m.id == model_id), None)
    st.markdown(t["model_current"].format(snapshot=current, model=model_id, at=meta.trained_at.replace("T", " "),
                                          n=meta.n_train) if meta else t["model_none"])
    if trial:
        st.info(t["trial"], icon=":material/lock:")
    else:
        if busy is not None:
            st.info(jobs.busy_text(busy, t), icon=":material/hourglass_top:")
        if st.button(t["train"], disabled=busy is not None or current is None, key="data_admin_train"):
            jobs.start(lambda: work.start_training(store, data.current_user()), t)

with tab_templates:
    st.markdown(t["template_intro"])
    st.download_button(t["template_download"], _template(), file_name="数据导入模板.xlsx",
                       icon=":material/download:", on_click="ignore", key="data_admin_template",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.markdown(f"**{t['columns']}**")
    guide = templates.instructions()
    keys = ("guide_table", "guide_zh", "guide_id", "guide_required", "guide_kind", "guide_unit", "guide_allowed",
            "guide_doc")
    tables.show(guide, {c: t[k] for c, k in zip(guide.columns, keys)}, rows=11)
