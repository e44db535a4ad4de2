"""The plan as a ledger (issue 21): the shipped plan covers the plan's text, status computed from
data or from hand-made progress at its boundaries, progress imports refused by row and column,
kept in state.db and audited, and the `tasks` command's JSON."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from analytics import settings
from analytics.__main__ import main
from analytics.data import audit, indicators
from analytics.data.funds import IndustryRule
from analytics.data.store import Store
from analytics.ingest.report import Report
from analytics.ledger import notices, workbook
from analytics.ledger import plan as ledger_plan
from analytics.ledger import progress as ledger_progress
from analytics.ledger import status as ledger_status
from analytics.views.projects import industry_share
from tests.import_helpers import copy_store, xlsx_bytes

# The ten sub-task headings of 三 in the county plan (000_f592dc03d4eaaa5f.txt), with their sections.
HEADINGS = {
    "三(一)1": "持续推进“两不愁三保障”及饮水安全问题动态清零",
    "三(一)2": "健全防止返贫动态监测和帮扶机制",
    "三(一)3": "强化易地扶贫搬迁后续扶持",
    "三(二)1": "大力发展乡村特色产业",
    "三(二)2": "加强乡村基础设施建设和公共服务供给",
    "三(二)3": "推动乡村文化振兴",
    "三(二)4": "完善乡村治理体系",
    "三(三)1": "落实财政金融支持政策",
    "三(三)2": "强化土地政策支持",
    "三(三)3": "加强人才队伍建设",
}
DUTIES = {"四(三)": "严格考核评估", "四(四)": "强化监督检查"}
PROGRESS_HEADER = [zh for _, zh, _, _ in ledger_progress.COLUMNS]
AS_OF = 202606  # inside the shipped plan period (202101-202712)


def _task(**overrides: str) -> dict[str, str]:
    row = {c.id: "" for c in ledger_plan.COLUMNS}
    row.update(task_id="X1", section="三(三)2", section_title="强化政策支持和要素保障", task="强化土地政策支持",
               measure="测试措施", lead="自然资源局", townships="全部", frequency="每季度", target="测试目标")
    row.update(overrides)
    return row


def _reports(*rows: tuple) -> pd.DataFrame:
    """(task_id, month, township_code, percent, number) rows as stored reports."""
    frame = pd.DataFrame(rows, columns=["task_id", "month", "township_code", "percent", "number"])
    frame["text"], frame["evidence"], frame["reporter"] = "进展", "", "张三"
    return frame


def _status(task: dict[str, str], reports: pd.DataFrame, measured: ledger_status.Measured | None = None,
            as_of: int = AS_OF) -> pd.Series:
    return ledger_status.evaluate(pd.DataFrame([task]), reports, measured or ledger_status.Measured(), as_of).iloc[0]


NO_REPORTS = _reports()


# --- the shipped plan ---------------------------------------------------------------------------
def test_shipped_plan_holds_every_sub_task_of_three_and_the_duties_of_four() -> None:
    tasks = ledger_plan.shipped()
    for section, heading in {**HEADINGS, **DUTIES}.items():
        mine = tasks[tasks["section"] == section]
        assert not mine.empty, section
        assert set(mine["task"]) == {heading}, (section, set(mine["task"]))
    assert {"四(一)", "四(二)"} <= set(tasks["section"])
    assert tasks["task_id"].is_unique


def test_shipped_plan_passes_its_own_import_checks_and_every_link_resolves() -> None:
    tasks = ledger_plan.shipped()
    assert all(ledger_plan.link_problem(link) is None for link in tasks["link"])
    assert (tasks["link"] != "").sum() >= 15  # most measures are tied to a measure the product has
    grid = [[c.zh for c in ledger_plan.COLUMNS]]
    grid += tasks[[c.id for c in ledger_plan.COLUMNS]].values.tolist()
    report = Report()
    frame = workbook._frame(grid, ledger_plan.BY_HEADER, "台账.xlsx", "任务台账", report)
    checked = workbook.check_plan(frame, "台账.xlsx", "任务台账", report, None)
    assert report.ok, report.text()
    pd.testing.assert_frame_equal(checked.reset_index(drop=True), tasks.reset_index(drop=True))


# --- status from reported progress ------------------------------------------------------------
def test_due_month_is_the_end_of_the_last_completed_period() -> None:
    assert ledger_status.due_month("每月", 202606) == 202605
    assert ledger_status.due_month("每季度", 202606) == 202603
    assert ledger_status.due_month("每季度", 202607) == 202606
    assert ledger_status.due_month("每半年", 202601) == 202512
    assert ledger_status.due_month("每年", 202612) == 202512


def test_a_task_without_any_report_is_red_and_overdue() -> None:
    row = _status(_task(), NO_REPORTS)
    assert (row["status"], row["overdue"]) == ("red", True)
    assert "尚无进展报告" in row["reason"] and "2026年3月" in row["overdue_reason"]


def test_on_time_progress_is_green_and_a_report_for_the_due_month_is_not_overdue() -> None:
    # 202101..202612 is 72 months; at 202606 (66 months in) 91.7% is expected.
    row = _status(_task(deadline="202612"), _reports(("X1", 202603, "", 85.0, None)))
    assert (row["status"], row["overdue"]) == ("green", False), row["reason"]
    assert "应达 92%" in row["reason"]


def test_progress_behind_by_more_than_the_amber_and_red_points() -> None:
    expected = 66 / 72 * 100
    amber = expected - settings.number("ledger.amber_behind_points") - 1
    red = expected - settings.number("ledger.red_behind_points") - 1
    assert _status(_task(deadline="202612"), _reports(("X1", 202603, "", amber, None)))["status"] == "amber"
    row = _status(_task(deadline="202612"), _reports(("X1", 202603, "", red, None)))
    assert row["status"] == "red" and "落后" in row["reason"]


def test_a_passed_deadline_below_100_is_red_and_100_is_green() -> None:
    late = _status(_task(deadline="202512"), _reports(("X1", 202603, "", 99.0, None)))
    assert late["status"] == "red" and "已过完成时限 2025年12月" in late["reason"]
    done = _status(_task(deadline="202512"), _reports(("X1", 202603, "", 100.0, None)))
    assert done["status"] == "green" and "已完成" in done["reason"]


def test_a_late_report_turns_an_ongoing_task_into_overdue() -> None:
    on_time = _status(_task(), _reports(("X1", 202603, "", 40.0, None)))
    late = _status(_task(), _reports(("X1", 202602, "", 40.0, None)))
    assert not on_time["overdue"] and late["overdue"]
    assert "2026年3月的进展尚未报" in late["overdue_reason"]


def test_each_named_township_must_report_and_the_slowest_sets_the_progress() -> None:
    task = _task(townships="990199101、990199102", deadline="202612")
    one_missing = _status(task, _reports(("X1", 202603, "990199101", 95.0, None)))
    assert one_missing["overdue"] and "990199102逾期未报" in one_missing["overdue_reason"]
    both = _status(task, _reports(("X1", 202603, "990199101", 95.0, None), ("X1", 202604, "990199102", 50.0, None)))
    assert not both["overdue"] and both["status"] == "red" and "990199102 进度 50%" in both["reason"]


# --- status from the data ---------------------------------------------------------------------
def test_guarantee_gaps_are_red_while_any_gap_remains_whatever_the_reports_say() -> None:
    task = _task(link="rule:guarantee_gaps")
    reported_done = _reports(("X1", 202605, "", 100.0, None))
    row = _status(task, reported_done, ledger_status.Measured(year=2025, gaps={"guarantee_problem": 1}))
    assert (row["status"], row["basis"]) == ("red", "数据") and "仍有 1 户" in row["reason"]
    assert _status(task, NO_REPORTS, ledger_status.Measured(year=2025, gaps={"guarantee_problem": 0}))["status"] == "green"
    water = _task(link="rule:water_gaps")
    only_housing = ledger_status.Measured(year=2025, gaps={"guarantee_problem": 2, "housing_safe_problem": 2,
                                                           "drinking_water_safe_problem": 0})
    assert _status(water, NO_REPORTS, only_housing)["status"] == "green"
    assert _status(_task(link="rule:housing_gaps"), NO_REPORTS, only_housing)["reason"].endswith("2 户住房安全问题未清零")


def test_industry_share_at_the_rule_is_green_and_below_it_red() -> None:
    rule = IndustryRule.from_settings()
    task = _task(link="rule:industry_share")

    def share(industry_wan: float) -> ledger_status.Measured:
        """Counted funds of 100 万元, `industry_wan` of them in an industry category."""
        projects = pd.DataFrame({"year": [2025, 2025], "fund_source": [rule.sources[0]] * 2,
                                 "category": [rule.categories[0], "基础设施"],
                                 "funds_wan": [industry_wan, 100.0 - industry_wan]})
        return ledger_status.Measured(year=2025, funds=industry_share(projects, rule), industry_rule=rule)

    at_rule = _status(task, NO_REPORTS, share(rule.minimum * 100))
    assert at_rule["status"] == "green", at_rule["reason"]
    row = _status(task, NO_REPORTS, share(rule.minimum * 100 - 0.1))
    assert row["status"] == "red" and f"规定不低于 {rule.minimum:.0%}" in row["reason"]


def test_funds_falling_below_last_year_is_red() -> None:
    funds = pd.DataFrame({"year": [2024, 2025], "funds_wan": [80.0, 80.0], "other_sources_wan": [20.0, 19.0],
                          "share": [0.6, 0.6]})
    row = _status(_task(link="rule:funds_growth"), NO_REPORTS, ledger_status.Measured(year=2025, funds=funds))
    assert row["status"] == "red" and "减少 1.0%" in row["reason"]
    funds.loc[1, "other_sources_wan"] = 20.0
    assert _status(_task(link="rule:funds_growth"), NO_REPORTS,
                   ledger_status.Measured(year=2025, funds=funds))["status"] == "green"


def test_a_linked_indicator_at_near_and_far_from_its_target() -> None:
    task = _task(link="indicator:ECO01")  # 卫生厕所普及率, higher is better
    target = float(indicators.catalogue().loc["ECO01", "target"])
    gap = settings.number("ledger.indicator_amber_gap")

    def at(value: float) -> str:
        return _status(task, NO_REPORTS, ledger_status.Measured(year=2025, indicator_values={"ECO01": value}))["status"]

    assert (at(target), at(target * (1 - gap)), at(target * (1 - gap) - 0.1)) == ("green", "amber", "red")


def test_a_reported_indicator_takes_the_county_figure_and_without_one_falls_back_to_progress() -> None:
    task = _task(link="reported:ECN01")  # 集体经济薄弱村数量, lower is better, target 0
    row = _status(task, _reports(("X1", 202605, "", None, 3.0)))
    assert row["status"] == "red" and "3个,目标 0个" in row["reason"]
    assert _status(task, _reports(("X1", 202605, "", None, 0.0)))["status"] == "green"
    fallback = _status(task, _reports(("X1", 202605, "990199101", 30.0, 2.0)))
    assert fallback["basis"] == "进展报告"


# --- import -----------------------------------------------------------------------------------
@pytest.fixture()
def ledger_store(accounts, tmp_path: Path) -> Store:
    return copy_store(accounts.store, tmp_path / "store")


def _progress_file(folder: Path, rows: list[list[object]], name: str = "进展.xlsx") -> Path:
    path = folder / name
    path.write_bytes(xlsx_bytes({workbook.PROGRESS_SHEET: [PROGRESS_HEADER, *rows]}))
    return path


def test_bad_progress_rows_are_refused_by_row_and_column_and_nothing_is_kept(ledger_store: Store, accounts,
                                                                             tmp_path: Path) -> None:
    mine = accounts.township
    other = next(t for t in ledger_store.table("townships")["township_code"] if t != mine)
    path = _progress_file(tmp_path, [
        ["T1101", "202605", mine, "正常一行", "50", "", "", "李四"],
        ["T9999", "202605", mine, "未知任务", "50", "", "", "李四"],
        ["T1101", "202604", mine, "超过 100", "101", "", "", "李四"],
        ["T1101", "202001", mine, "执行期以前", "10", "", "", "李四"],
        ["T1101", "202605", other, "别的乡镇", "10", "", "", "李四"],
    ])
    checked = workbook.check([path], ledger_store, "town01", today=date(2026, 6, 15))
    found = checked.report.frame()
    found = found[found["level"] == "错误"]
    assert set(zip(found["row"], found["column"])) == {(3, "任务编号"), (4, "完成进度(%)"), (5, "月份"), (6, "乡镇代码")}
    assert not checked.ok
    with pytest.raises(ValueError):
        workbook.commit(checked, ledger_store)
    assert ledger_progress.read(ledger_store).empty


def test_a_leader_account_may_not_report_and_a_township_account_may_not_edit_the_plan(
        ledger_store: Store, accounts, tmp_path: Path) -> None:
    path = _progress_file(tmp_path, [["T1101", "202605", "", "全县", "50", "", "", "王五"]])
    refused = workbook.check([path], ledger_store, "leader01", today=date(2026, 6, 15))
    assert not refused.ok and "只能查看" in refused.report.text()
    plan = tmp_path / "台账.xlsx"
    plan.write_bytes(workbook.template_bytes(ledger_plan.shipped(), plan=True))
    assert "只有规划或管理员" in workbook.check([plan], ledger_store, "town01").report.text()


def test_the_ordinary_import_command_keeps_reports_in_state_db_with_an_audit_record(
        ledger_store: Store, accounts, tmp_path: Path) -> None:
    path = _progress_file(tmp_path, [
        ["T1201", "202605", accounts.township, "本月新识别监测户 3 户", "60", "3", "会议纪要.pdf、名单.xlsx", "李四"],
    ])
    snapshots = len(ledger_store.snapshots())
    assert main(["import", str(path), "--user", "town01", "--store", str(ledger_store.root)]) == 0
    kept = ledger_progress.read(ledger_store)
    assert kept[["task_id", "month", "township_code", "percent", "account"]].values.tolist() == [
        ["T1201", 202605, accounts.township, 60.0, "town01"]]
    assert len(ledger_store.snapshots()) == snapshots  # no new snapshot: reports outlive them
    record = audit.read(ledger_store, actions=["ledger_progress"]).iloc[0]
    assert record["user"] == "town01" and "T1201" in record["detail"]
    # the same task, month and township again replaces the earlier report
    _progress_file(tmp_path, [["T1201", "202605", accounts.township, "更正", "70", "", "", "李四"]])
    assert main(["import", str(path), "--user", "town01", "--store", str(ledger_store.root)]) == 0
    assert ledger_progress.read(ledger_store)["percent"].tolist() == [70.0]


def test_an_edited_plan_replaces_the_shipped_one(ledger_store: Store, tmp_path: Path) -> None:
    plan = tmp_path / "台账.xlsx"
    plan.write_bytes(workbook.template_bytes(ledger_plan.shipped().head(3), plan=True))
    assert main(["import", str(plan), "--user", "plan01", "--store", str(ledger_store.root)]) == 0
    assert ledger_plan.load(ledger_store)["task_id"].tolist() == ledger_plan.shipped()["task_id"].head(3).tolist()


def test_the_written_template_filled_in_imports_and_left_empty_is_refused(ledger_store: Store,
                                                                        tmp_path: Path) -> None:
    path = tmp_path / "任务进展模板.xlsx"
    assert main(["tasks-template", str(path), "--store", str(ledger_store.root)]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [workbook.PROGRESS_SHEET, workbook.LIST_SHEET, workbook.HELP_SHEET]
    assert [c.value for c in book[workbook.PROGRESS_SHEET][1]] == PROGRESS_HEADER
    empty = workbook.check([path], ledger_store, "plan01")
    assert not empty.ok and "没有填写任何一行" in empty.report.text()
    book[workbook.PROGRESS_SHEET].append(["T4302", "202605", "", "督查发现问题 14 个", "64", "", "督查通报.pdf", "陈某"])
    book.save(path)
    assert main(["import", str(path), "--user", "plan01", "--store", str(ledger_store.root)]) == 0
    assert ledger_progress.read(ledger_store)["task_id"].tolist() == ["T4302"]


def test_template_cells_are_inert_text(tmp_path: Path) -> None:
    tasks = pd.DataFrame([_task(measure="=HYPERLINK(\"http://x\")", target="+1")])
    book = openpyxl.load_workbook(io.BytesIO(workbook.template_bytes(tasks, plan=True)))
    values = [c.value for row in book[workbook.PLAN_SHEET].iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(\"http://x\")" in values and "'+1" in values
    assert all(c.data_type == "s" for row in book[workbook.PLAN_SHEET].iter_rows() for c in row if c.value)


# --- the command ------------------------------------------------------------------------------
def test_tasks_command_json_lists_status_and_reason_from_the_store(demo_store: Store) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["tasks", "--json", "--store", str(demo_store.root)]) == 0
    answer = json.loads(out.getvalue())
    assert answer["count"] == len(ledger_plan.shipped()) == sum(answer["by_status"].values())
    by_id = {t["task_id"]: t for t in answer["tasks"]}
    vy = demo_store.table("village_year")
    gaps = int(vy.loc[vy["year"] == vy["year"].max(), "guarantee_problem"].sum())
    assert by_id["T1101"]["status"] == ("red" if gaps else "green")
    assert f"{gaps:,} 户" in by_id["T1101"]["reason"] or not gaps
    assert by_id["T1201"]["status"] == "red" and by_id["T1201"]["reason"] == "尚无进展报告"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["tasks", "--json", "--status", "red", "--department", "财政局",
                     "--store", str(demo_store.root)]) == 0
    filtered = json.loads(out.getvalue())["tasks"]
    assert all(t["status"] == "red" for t in filtered)
    assert {t["task_id"] for t in filtered} <= {k for k, t in by_id.items() if t["status"] == "red"}


def test_tasks_command_refuses_an_unknown_department_in_chinese(demo_store: Store) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["tasks", "--department", "不存在局", "--store", str(demo_store.root)]) == 1
    assert "没有单位“不存在局”" in err.getvalue()


# --- 督办单 and the deck's list ------------------------------------------------------------------
def _evaluated(n_red: int, n_overdue_green: int, n_green: int) -> pd.DataFrame:
    rows = [{**_task(task_id=f"R{i:02d}"), "status": "red", "overdue": False} for i in range(n_red)]
    rows += [{**_task(task_id=f"O{i:02d}"), "status": "green", "overdue": True} for i in range(n_overdue_green)]
    rows += [{**_task(task_id=f"G{i:02d}"), "status": "green", "overdue": False} for i in range(n_green)]
    frame = pd.DataFrame(rows)
    frame["status_zh"] = frame["status"].map(ledger_status.STATUS_ZH)
    frame["reason"], frame["overdue_reason"] = "原因", ""
    return frame


def test_the_slide_lists_at_most_ten_red_or_overdue_tasks_red_first_and_counts_the_rest() -> None:
    rows, rest = notices.slide(_evaluated(8, 5, 4))
    assert len(rows) == notices.SLIDE_LIMIT == 10 and rest == 3
    assert rows["task_id"].tolist()[:8] == [f"R{i:02d}" for i in range(8)]
    assert not rows["task_id"].str.startswith("G").any()
    rows, rest = notices.slide(_evaluated(2, 1, 4))
    assert len(rows) == 3 and rest == 0


def test_the_notice_names_the_department_its_tasks_and_the_reply_period() -> None:
    table = _evaluated(2, 1, 1)
    table.loc[0, "lead"] = "别的局"
    rows = notices.for_department(table, "自然资源局")
    assert rows["task_id"].tolist() == ["R01", "O00"]
    document = docx.Document(io.BytesIO(notices.docx_bytes(rows, "岚溪县", "自然资源局", date(2026, 6, 30))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "岚溪县乡村振兴任务督办单(自然资源局)" in text and "2026年06月30日" in text
    assert f"{settings.integer('ledger.notice_reply_days')} 个工作日内" in text
    assert [r.cells[0].text for r in document.tables[0].rows[1:]] == ["R01", "O00"]
    sheet = openpyxl.load_workbook(io.BytesIO(notices.xlsx_bytes(rows, "自然资源局"))).active
    assert [c.value for c in sheet["A"]][1:] == ["R01", "O00"]


def test_hand_made_plan_and_progress_files_give_the_status_through_the_commands(ledger_store: Store,
                                                                               tmp_path: Path) -> None:
    """On time, late, missing and linked to a failing rule, as of December 2025."""
    vy = ledger_store.table("village_year")
    assert vy.loc[vy["year"] == vy["year"].max(), "guarantee_problem"].sum() > 0  # the rule fails on this data
    header = [c.zh for c in ledger_plan.COLUMNS]
    plan_rows = [[_task(task_id=i, deadline=d, link=link)[c.id] for c in ledger_plan.COLUMNS]
                 for i, d, link in (("ONTIME", "202612", ""), ("LATE", "202506", ""), ("MISSING", "", ""),
                                    ("RULE", "", "rule:guarantee_gaps"))]
    plan_file = tmp_path / "任务台账.xlsx"
    plan_file.write_bytes(xlsx_bytes({workbook.PLAN_SHEET: [header, *plan_rows]}))
    # 202101..202612 is 72 months; at 202512 (60 months in) 83% is expected: 75% is within the amber points
    progress_file = _progress_file(tmp_path, [
        ["ONTIME", "202509", "", "按计划推进", "75", "", "", "甲"],
        ["LATE", "202509", "", "尚未完成", "60", "", "", "乙"],
        ["RULE", "202509", "", "已全部整改", "100", "", "", "丙"],
    ])
    for path in (plan_file, progress_file):
        assert main(["import", str(path), "--user", "plan01", "--store", str(ledger_store.root)]) == 0

    def tasks(*extra: str) -> dict[str, dict]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["tasks", "--json", "--as-of", "202512", "--store", str(ledger_store.root), *extra]) == 0
        return {t["task_id"]: t for t in json.loads(out.getvalue())["tasks"]}

    found = tasks()
    assert {k: (v["status"], v["overdue"]) for k, v in found.items()} == {
        "ONTIME": ("green", False), "LATE": ("red", False), "MISSING": ("red", True), "RULE": ("red", False)}
    assert "已过完成时限 2025年6月" in found["LATE"]["reason"] and "未清零" in found["RULE"]["reason"]
    assert found["RULE"]["basis"] == "数据" and found["ONTIME"]["last_report"] == 202509
    assert set(tasks("--status", "overdue")) == {"MISSING"}
