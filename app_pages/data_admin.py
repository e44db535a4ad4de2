"""数据管理: import a county's files (check, then commit a snapshot or nothing), the snapshot
history with rollback, and the import templates. Admins only."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.data.contract import TABLES
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates
from analytics.ingest.boundaries import CRS_CHOICES
from analytics.ingest.report import HEADERS
from analytics.risk import saved as risk_model_store
from ui import auth, data, exports, layout
from ui.text import pick

TEXT = {
    "zh": {
        "title": "数据管理",
        "tab_import": "导入数据",
        "tab_history": "数据快照与回滚",
        "tab_templates": "下载模板",
        "intro": "上传本县的数据文件(Excel、CSV、GeoJSON 或压缩的 Shapefile),先检查、后导入。"
                 "导入会生成新的数据快照;有错误时什么也不会改变,原有快照始终可以回滚。",
        "upload": "选择文件(可多选)",
        "crs": "村界文件没有声明坐标系时",
        "crs_declared": "拒绝导入",
        "crs_wgs84": "坐标是 WGS84 经纬度",
        "crs_gcj02": "坐标是 GCJ-02(高德、腾讯等网络地图),换算为 WGS84",
        "replace": "整表替换",
        "replace_help": "默认只替换导入文件中出现的年度(如只导入 2025 年农户,其他年度保留);勾选后带年度的表也整表替换。",
        "check": "检查",
        "trial": ("免登录体验只能检查文件,不能导入或回滚。请先在服务器上创建管理员账户"
                  "(`python -m analytics users add 用户名 --role 管理员`),登录后再导入。"),
        "checking": "正在检查……",
        "result": "检查结果",
        "notes": "识别结果与导入方式",
        "problems": "问题清单(错误在前;行号即 Excel 中的行号)",
        "no_problems": "没有发现任何问题。",
        "report_title": "数据检查报告",
        "import": "导入为新的数据快照",
        "importing": "正在写入数据快照,并按新数据训练返贫风险模型……",
        "imported": "已导入:新的数据快照 {id} 现为当前数据。",
        "stale": "所选文件已改变,请重新检查。",
        "snapshots": "数据快照(新的在前)",
        "history": "操作历史",
        "rollback": "回滚到较早的快照",
        "rollback_pick": "快照",
        "rollback_confirm": "我确认要把所选快照设为当前数据(回滚会记入历史,可以再次回滚)",
        "rollback_go": "回滚",
        "rolled_back": "已回滚:当前数据为快照 {id}。",
        "only_one": "只有一个数据快照,无可回滚。",
        "template_intro": "模板是一个 Excel 文件:每张数据表一个工作表(中文表头、一行示例),“说明”工作表列出每一列的含义、"
                          "单位和允许的值。村界请另附 GeoJSON 或压缩的 Shapefile。",
        "template_download": "下载导入模板",
        "columns": "各列说明",
        "col_id": "快照编号", "col_time": "时间", "col_user": "操作人", "col_kind": "类型", "col_source": "来源",
        "col_rows": "各表行数", "col_current": "当前", "col_action": "操作", "col_detail": "说明",
        "kind_demo": "示范县", "kind_import": "导入", "kind_rollback": "回滚",
    },
    "en": {
        "title": "Data management",
        "tab_import": "Import",
        "tab_history": "Snapshots and rollback",
        "tab_templates": "Templates",
        "intro": "Upload the county's files (Excel, CSV, GeoJSON or zipped Shapefile): check, then import. An import "
                 "creates a new snapshot; with errors nothing changes, and earlier snapshots can always be restored.",
        "upload": "Choose files",
        "crs": "When a boundary file declares no CRS",
        "crs_declared": "Refuse",
        "crs_wgs84": "Coordinates are WGS84",
        "crs_gcj02": "Coordinates are GCJ-02 (Chinese web maps): convert to WGS84",
        "replace": "Replace whole tables",
        "replace_help": "By default only the years present in the files are replaced; tick to replace whole tables.",
        "check": "Check",
        "trial": ("The trial without sign-in can check files but not import or roll back. Create the "
                  "administrator on the server first (`python -m analytics users add NAME --role 管理员`), then sign in."),
        "checking": "Checking…",
        "result": "Result",
        "notes": "What was recognised and how it will be imported",
        "problems": "Problems (errors first; row numbers as in Excel)",
        "no_problems": "No problem found.",
        "report_title": "Validation report",
        "import": "Import as a new snapshot",
        "importing": "Writing the snapshot and training the relapse-risk model on it…",
        "imported": "Imported: snapshot {id} is now current.",
        "stale": "The chosen files changed: check again.",
        "snapshots": "Snapshots (newest first)",
        "history": "History",
        "rollback": "Roll back to an earlier snapshot",
        "rollback_pick": "Snapshot",
        "rollback_confirm": "I confirm: make the chosen snapshot current (recorded; can be rolled back again)",
        "rollback_go": "Roll back",
        "rolled_back": "Rolled back: snapshot {id} is current.",
        "only_one": "Only one snapshot: nothing to roll back to.",
        "template_intro": "One Excel file: a sheet per table with Chinese headers and an example row, and a 说明 sheet "
                          "with every column's meaning, unit and allowed values. Boundaries go in a separate GeoJSON "
                          "or zipped Shapefile.",
        "template_download": "Download the template",
        "columns": "Columns",
        "col_id": "Snapshot", "col_time": "Time", "col_user": "By", "col_kind": "Kind", "col_source": "Source",
        "col_rows": "Rows per table", "col_current": "Current", "col_action": "Action", "col_detail": "Detail",
        "kind_demo": "Demo county", "kind_import": "Import", "kind_rollback": "Rollback",
    },
}
UPLOAD_TYPES = ["xlsx", "xlsm", "xls", "csv", "txt", "geojson", "json", "zip"]

auth.require_admin()
t = pick(TEXT)
store = data.store()
layout.header(t["title"])
for message in st.session_state.pop("data_admin_done", []):
    st.success(message, icon=":material/check_circle:")


@st.cache_data(show_spinner=False)
def _template() -> bytes:
    return templates.workbook_bytes()


def _kind(kind: str) -> str:
    return t.get(f"kind_{kind}", kind)


def _check(files: list, crs: str, replace: bool) -> ingest.Checked:
    """Uploaded files go to a private temporary folder under their own names, then to the checker."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, upload in enumerate(files):
            path = Path(folder) / f"{i}{Path(upload.name).suffix.lower()}"
            path.write_bytes(upload.getvalue())
            paths.append(path)
        return ingest.check(paths, store, ingest.Options(crs=crs, replace=replace), names=[f.name for f in files])


def _show_report(checked: ingest.Checked) -> None:
    report = checked.report
    verdict = report.verdict()
    if not report.ok:
        st.error(verdict, icon=":material/error:")
    elif report.warnings:
        st.warning(verdict, icon=":material/warning:")
    else:
        st.success(verdict, icon=":material/check_circle:")
    with st.expander(t["notes"], expanded=report.ok):
        st.markdown("\n".join(f"- {line}" for line in report.notes) or "-")
    problems = report.frame(personal_visible=data.can_see_personal())
    st.markdown(f"**{t['problems']}**")
    if problems.empty:
        st.caption(t["no_problems"])
        return
    order = ["level", "file", "row", "column", "value", "reason"] + (["sheet"] if problems["sheet"].ne("").any() else [])
    widths = {"level": 48, "file": 120, "row": 56, "column": 110, "value": 120, "reason": "large", "sheet": 90}
    st.dataframe(problems[order].rename(columns=HEADERS), hide_index=True, width="stretch",
                 height=min(400, 36 * (len(problems) + 1) + 14),
                 column_config={HEADERS[c]: st.column_config.Column(width=widths[c]) for c in order})
    exports.download(problems, t["report_title"], "、".join(checked.files), key="data_admin_report", headers=HEADERS)


trial = data.is_trial()  # anyone may open the trial, so it may check files but never write
tab_import, tab_history, tab_templates = st.tabs([t["tab_import"], t["tab_history"], t["tab_templates"]])

with tab_import:
    st.markdown(t["intro"])
    files = st.file_uploader(t["upload"], type=UPLOAD_TYPES, accept_multiple_files=True, key="data_admin_files")
    left, right = st.columns([3, 2])
    crs = left.radio(t["crs"], CRS_CHOICES, format_func=lambda c: t[f"crs_{c}"], key="data_admin_crs")
    replace = right.checkbox(t["replace"], help=t["replace_help"], key="data_admin_replace")
    signature = [(f.name, f.size) for f in files or []], crs, replace
    if st.button(t["check"], type="primary", disabled=not files, key="data_admin_check"):
        with st.spinner(t["checking"]):
            st.session_state["data_admin_checked"] = (signature, _check(files, crs, replace))
    held = st.session_state.get("data_admin_checked")
    if held is not None and held[0] != signature:
        st.info(t["stale"])
        held = None
    if held is not None:
        checked = held[1]
        st.subheader(t["result"])
        _show_report(checked)
        if checked.ok and trial:
            st.info(t["trial"], icon=":material/lock:")
        elif checked.ok and st.button(t["import"], type="primary", key="data_admin_import"):
            with st.spinner(t["importing"]):
                snapshot = ingest.commit(checked, store, data.current_user())
                model = risk_model_store.prepare(store)
            del st.session_state["data_admin_checked"]
            st.session_state["data_admin_done"] = [t["imported"].format(id=snapshot), model]
            st.rerun()

with tab_history:
    snapshots = store.snapshots()
    counts = snapshots["row_counts"].map(json.loads)
    shown = pd.DataFrame({
        t["col_current"]: snapshots["current"].map({True: "✔", False: ""}),
        t["col_id"]: snapshots["id"],
        t["col_time"]: snapshots["created_at"].str.replace("T", " "),
        t["col_user"]: snapshots["created_by"],
        t["col_kind"]: snapshots["kind"].map(_kind),
        t["col_rows"]: counts.map(lambda c: ",".join(f"{TABLES[k].zh if k in TABLES else k} {v:,}" for k, v in c.items())),
        t["col_source"]: snapshots["source"],
    })
    st.markdown(f"**{t['snapshots']}**")
    st.dataframe(shown, hide_index=True, width="stretch")
    st.markdown(f"**{t['rollback']}**")
    earlier = snapshots.loc[~snapshots["current"], "id"].tolist()
    if not earlier:
        st.caption(t["only_one"])
    elif trial:
        st.info(t["trial"], icon=":material/lock:")
    else:
        labels = dict(zip(snapshots["id"], snapshots["created_at"].str.replace("T", " ") + " · "
                          + snapshots["kind"].map(_kind) + " · " + snapshots["created_by"]))
        target = st.selectbox(t["rollback_pick"], earlier, format_func=lambda s: f"{s}({labels[s]})",
                              key="data_admin_target")
        sure = st.checkbox(t["rollback_confirm"], key="data_admin_sure")
        if st.button(t["rollback_go"], disabled=not sure, key="data_admin_rollback"):
            store.rollback(target, user=data.current_user())
            st.session_state["data_admin_done"] = [t["rolled_back"].format(id=target)]
            st.session_state.pop("data_admin_sure", None)
            st.rerun()
    history = store.history().iloc[::-1]
    st.markdown(f"**{t['history']}**")
    st.dataframe(pd.DataFrame({
        t["col_time"]: history["at"].str.replace("T", " "),
        t["col_user"]: history["user"],
        t["col_action"]: history["action"].map(_kind),
        t["col_id"]: history["snapshot_id"],
        t["col_detail"]: history["detail"],
    }), hide_index=True, width="stretch")

with tab_templates:
    st.markdown(t["template_intro"])
    st.download_button(t["template_download"], _template(), file_name="数据导入模板.xlsx",
                       icon=":material/download:", on_click="ignore", key="data_admin_template",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.markdown(f"**{t['columns']}**")
    st.dataframe(templates.instructions(), hide_index=True, width="stretch", height=420)
