"""Closing the loop (issue 17): the visit list goes out, results come back through the ordinary
import, and `followup` counts exactly what was written; results outlive snapshots and rollbacks."""

from __future__ import annotations

import io
import json
import shutil
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analytics import settings
from analytics.__main__ import main
from analytics.access import users
from analytics.data import audit, visits
from analytics.data.store import Store
from analytics.followup import progress
from analytics.ingest import pipeline
from analytics.ingest.visits import parse_date

YEAR = 2025
HEADER_ROW = 4  # the export's title, subtitle and a blank row come first


@pytest.fixture
def store(accounts, tmp_path: Path) -> Store:
    """A copy of the accounts store for one test: these tests write listings and results."""
    shutil.copytree(accounts.store.root, tmp_path / "store")
    return Store(tmp_path / "store")


def _cli(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _export(monkeypatch, capsys, accounts, store: Store, name: str, out: Path) -> None:
    code, _, err = _cli(monkeypatch, capsys, ["export", "warning_list", "--user", name, "--year", str(YEAR),
                                              "--out", str(out), "--store", str(store.root)],
                        accounts.passwords[name] + "\n")
    assert code == 0, err


def _columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEADER_ROW]}


def _fill(path: Path, values: list[tuple[str | None, object]], out: Path) -> list[str]:
    """Write (核实结果, 核实日期) into the first rows, as a township would in Excel; returns their 户编号."""
    book = openpyxl.load_workbook(path)
    ws = book.active
    col = _columns(ws)
    ids = []
    for i, (result, day) in enumerate(values):
        row = HEADER_ROW + 1 + i
        ws.cell(row, col["核实结果"]).value = result
        ws.cell(row, col["核实人"]).value = "李明" if result else None
        ws.cell(row, col["核实日期"]).value = day
        ids.append(ws.cell(row, col["户编号"]).value)
    book.save(out)
    return ids


def _followup(monkeypatch, capsys, store: Store, *extra: str) -> dict:
    code, out, err = _cli(monkeypatch, capsys, ["followup", "--json", "--store", str(store.root), *extra])
    assert code == 0, err
    return json.loads(out)


def test_admin_list_filled_and_imported_gives_exact_counts(monkeypatch, capsys, accounts, store, tmp_path):
    listed = tmp_path / "list.xlsx"
    _export(monkeypatch, capsys, accounts, store, "admin01", listed)
    ws = openpyxl.load_workbook(listed).active
    exported = ws.max_row - HEADER_ROW
    assert exported > 10 and {"核实结果", "核实人", "核实日期", "备注", "户编号", "村代码", "年度"} <= set(_columns(ws))
    today = date.today()
    filled = tmp_path / "filled.xlsx"
    _fill(listed, [("纳入监测", datetime(today.year, today.month, today.day)),  # an Excel date cell
                   ("纳入监测", today.isoformat()),
                   ("未纳入", f"{today.year}/{today.month}/{today.day}"),
                   ("未纳入", f"{today.year}年{today.month}月{today.day}日"),
                   ("无法核实", today.isoformat()),
                   (None, None)], filled)
    code, out, err = _cli(monkeypatch, capsys, ["import", str(filled), "--store", str(store.root), "--user", "测试"])
    assert code == 0, out + err
    report = _followup(monkeypatch, capsys, store)
    assert report["listed"] == exported
    assert report["verified"] == 5 and report["pending"] == exported - 5
    assert report["outcomes"] == {"纳入监测": 2, "未纳入": 2, "无法核实": 1}
    assert report["median_days"] == 0 and report["overdue"] == 0
    assert sum(t["listed"] for t in report["townships"]) == exported
    assert sum(t["verified"] for t in report["townships"]) == 5
    assert "导入核实结果" in set(audit.read(store)["action"].map(audit.ACTIONS))


def test_township_user_gets_own_townships_with_names_and_masked_ids(monkeypatch, capsys, accounts, store, tmp_path):
    listed = tmp_path / "town.xlsx"
    _export(monkeypatch, capsys, accounts, store, "town01", listed)
    frame = pd.read_excel(listed, header=HEADER_ROW - 1, dtype=str)
    villages = store.table("villages")
    town_villages = set(villages.loc[villages["township_code"] == accounts.township, "village_code"])
    assert len(frame) > 0 and set(frame["村代码"]) <= town_villages
    households = store.table("households").set_index(["year", "household_id"])
    first = households.loc[(YEAR, frame["户编号"].iloc[0])]
    assert frame["户主姓名"].iloc[0] == first["head_name"]  # the visitor needs the whole name
    assert frame["户主证件号码"].iloc[0] != first["head_id_number"]
    assert frame["户主证件号码"].iloc[0].endswith(first["head_id_number"][-4:])
    filled = tmp_path / "filled.xlsx"
    _fill(listed, [("未纳入", date.today().isoformat())], filled)
    _cli(monkeypatch, capsys, ["import", str(filled), "--store", str(store.root)])
    report = _followup(monkeypatch, capsys, store, "--township", accounts.township)
    assert (report["listed"], report["verified"], report["outcomes"]["未纳入"]) == (len(frame), 1, 1)


def test_names_follow_the_setting(monkeypatch):
    town = users.User("t", users.TOWNSHIP, ("990121103",), False, True, "")
    leader = users.User("l", users.LEADER, (), False, True, "")
    assert town.can_see_names and not town.can_see_personal and not leader.can_see_names
    real = settings.get
    monkeypatch.setattr(settings, "get", lambda key: False if key == "privacy.township_sees_names" else real(key))
    assert not town.can_see_names


def test_wrong_value_refused_by_row_and_nothing_kept(monkeypatch, capsys, accounts, store, tmp_path):
    listed = tmp_path / "list.xlsx"
    _export(monkeypatch, capsys, accounts, store, "admin01", listed)
    filled = tmp_path / "bad.xlsx"
    today = date.today().isoformat()
    _fill(listed, [("纳入监测", today), ("已核实", today), ("未纳入", "15/01/2025")], filled)
    checked = pipeline.check([filled], store)
    problems = checked.report.frame()
    assert not checked.ok and len(problems) == 2
    wrong = problems[problems["column"] == "核实结果"].iloc[0]
    assert (wrong["row"], wrong["value"]) == (HEADER_ROW + 2, "已核实")
    assert "纳入监测、未纳入、无法核实" in wrong["reason"]
    day = problems[problems["column"] == "核实日期"].iloc[0]
    assert (day["row"], day["value"]) == (HEADER_ROW + 3, "15/01/2025") and "2025年1月15日" in day["reason"]
    code, _, _ = _cli(monkeypatch, capsys, ["import", str(filled), "--store", str(store.root)])
    assert code == 1 and visits.results(store).empty


def test_unknown_household_other_county_and_outside_townships_refused(monkeypatch, capsys, accounts, store, tmp_path):
    listed = tmp_path / "list.xlsx"
    _export(monkeypatch, capsys, accounts, store, "admin01", listed)
    book = openpyxl.load_workbook(listed)
    ws = book.active
    col = _columns(ws)
    today = date.today().isoformat()
    for row in range(HEADER_ROW + 1, ws.max_row + 1):
        ws.cell(row, col["核实结果"]).value, ws.cell(row, col["核实日期"]).value = "未纳入", today
    ws.cell(HEADER_ROW + 1, col["户编号"]).value = "9901219999990001"
    ws.cell(HEADER_ROW + 2, col["村代码"]).value = "120101001001"
    book.save(tmp_path / "filled.xlsx")
    problems = pipeline.check([tmp_path / "filled.xlsx"], store).report.frame()
    assert list(problems["row"].head(2)) == [HEADER_ROW + 1, HEADER_ROW + 2]
    assert "没有这个户编号" in problems["reason"].iloc[0] and "其他县" in problems["reason"].iloc[1]
    # the same list uploaded by a 乡镇 account: every row of another township refused by its row
    checked = pipeline.check([tmp_path / "filled.xlsx"], store, pipeline.Options(townships=(accounts.township,)))
    frame = pd.read_excel(tmp_path / "filled.xlsx", header=HEADER_ROW - 1, dtype=str)
    outside = frame.index[frame["村代码"].str[:9] != accounts.township] + HEADER_ROW + 1
    refused = checked.report.frame()
    refused = set(refused.loc[refused["reason"].str.contains("乡镇范围"), "row"])
    assert refused == set(outside) - {HEADER_ROW + 1, HEADER_ROW + 2}
    assert not checked.ok


def test_results_survive_new_snapshot_and_rollback_and_reuploads_keep_history(monkeypatch, capsys, accounts,
                                                                           store, tmp_path):
    listed = tmp_path / "list.xlsx"
    _export(monkeypatch, capsys, accounts, store, "admin01", listed)
    today = date.today().isoformat()
    first = tmp_path / "first.xlsx"
    ids = _fill(listed, [("纳入监测", today), ("未纳入", today), (None, None)], first)
    _cli(monkeypatch, capsys, ["import", str(first), "--store", str(store.root)])
    _cli(monkeypatch, capsys, ["import", str(first), "--store", str(store.root)])  # the same list twice
    assert len(visits.results(store, history=True)) == 2 and len(visits.uploads(store)) == 2
    second = tmp_path / "second.xlsx"
    _fill(listed, [("纳入监测", today), ("无法核实", today)], second)
    _cli(monkeypatch, capsys, ["import", str(second), "--store", str(store.root)])
    history = visits.results(store, history=True)
    assert list(history.loc[history["household_id"] == ids[1], "result"]) == ["未纳入", "无法核实"]

    before = store.current_id()
    households = store.table("households", before)
    pending = (households["year"] == YEAR) & (households["household_id"] == ids[2])
    households.loc[pending, ["monitoring_category", "monitoring_start"]] = ["边缘易致贫户", date.today().strftime("%Y%m")]
    store.write_snapshot(store.complete({"households": households}, before), kind="import", source="测试", base=before)
    report = _followup(monkeypatch, capsys, store)
    assert report["outcomes"] == {"纳入监测": 2, "未纳入": 0, "无法核实": 1} and report["inferred"] == 1
    store.rollback(before)
    report = _followup(monkeypatch, capsys, store)
    assert report["outcomes"] == {"纳入监测": 1, "未纳入": 0, "无法核实": 1} and report["verified"] == 2


def test_overdue_follows_the_setting(monkeypatch, capsys, store):
    listed_at = (datetime.now() - timedelta(days=20)).isoformat(timespec="seconds")
    row = store.rows("households", year=YEAR, columns=["household_id", "village_code"]).iloc[:1]
    row = row.assign(township_code=row["village_code"].str[:9], probability=0.5, rule_triggered=True)
    visits.record_listing(store, YEAR, row, "测试", listed_at)
    report = _followup(monkeypatch, capsys, store)
    assert report["overdue"] == 1
    assert [h["household_id"] for t in report["townships"] for h in t["overdue_households"]] == list(row["household_id"])
    real = settings.get
    monkeypatch.setattr(settings, "get", lambda key: 20 if key == "followup.overdue_days" else real(key))
    assert _followup(monkeypatch, capsys, store)["overdue"] == 0


def _listed(n: int, listed_at: str = "2025-03-10T09:00:00", rule: bool = True) -> pd.DataFrame:
    return pd.DataFrame({"year": YEAR, "household_id": [f"h{i}" for i in range(n)], "township_code": "t1",
                         "village_code": "v1", "probability": 0.5, "rule_triggered": rule,
                         "listed_at": listed_at, "listed_by": "x"})


_NO_RESULTS = pd.DataFrame(columns=["year", "household_id", "result", "visitor", "visited_on"])
_NO_MONITORING = pd.DataFrame(columns=progress.MONITORING_COLUMNS)


def test_overdue_boundary_on_hand_made_rows():
    rows = _listed(1)
    assert not progress.followed(rows, _NO_RESULTS, _NO_MONITORING, date(2025, 3, 25), 15)["overdue"].iloc[0]
    assert progress.followed(rows, _NO_RESULTS, _NO_MONITORING, date(2025, 3, 26), 15)["overdue"].iloc[0]
    visited = pd.DataFrame({"year": [YEAR], "household_id": ["h0"], "result": ["未纳入"], "visitor": [""],
                            "visited_on": ["2025-03-17"]})
    done = progress.followed(rows, visited, _NO_MONITORING, date(2025, 5, 1), 15)
    assert not done["overdue"].iloc[0] and done["days"].iloc[0] == 7


def test_confirmation_inferred_only_from_the_listing_month_on():
    rows = _listed(3)
    monitoring = pd.DataFrame({"household_id": ["h0", "h1", "h2"], "year": [YEAR, YEAR, YEAR - 1],
                               "monitoring_category": ["边缘易致贫户"] * 3,
                               "monitoring_start": ["202503", "202502", "202503"]})
    out = progress.followed(rows, _NO_RESULTS, monitoring, date(2025, 3, 20), 15)
    assert list(out["inferred"]) == [True, False, False]
    assert list(out["outcome"].fillna("")) == ["纳入监测", "", ""]


def test_model_against_rules_warns_below_thirty_visits():
    def judged(n: int) -> pd.Series:
        rows = pd.concat([_listed(n, rule=True), _listed(n, rule=False).assign(
            household_id=lambda f: "m" + f["household_id"])])
        results = pd.DataFrame({"year": YEAR, "household_id": rows["household_id"], "visitor": "", "visited_on":
                                "2025-03-12", "result": ["纳入监测" if i % 2 == 0 and h.startswith("h") else "未纳入"
                                                         for i, h in enumerate(rows["household_id"])]})
        return progress.judge(progress.followed(rows, results, _NO_MONITORING, date(2025, 4, 1), 15),
                              {"t1": "一镇"}).iloc[0]

    few = judged(29)
    assert (few["model_visits"], few["rule_visits"], bool(few["enough"])) == (58, 29, False)
    assert few["rule_confirmed"] == pytest.approx(15 / 29) and few["model_confirmed"] == pytest.approx(15 / 58)
    assert bool(judged(30)["enough"])


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-01-15", date(2025, 1, 15)), ("2025/1/15", date(2025, 1, 15)), ("2025年1月15日", date(2025, 1, 15)),
    (datetime(2025, 1, 15, 0, 0), date(2025, 1, 15)), ("2025-13-01", None), ("15/01/2025", None),
    ("2025.1.15", None), ("", None)])
def test_visit_dates(text, expected):
    assert parse_date(text) == expected


def test_a_filled_list_saved_as_csv_imports_and_mixing_with_tables_is_refused(monkeypatch, capsys, accounts, store,
                                                                             tmp_path):
    listed = tmp_path / "list.xlsx"
    _export(monkeypatch, capsys, accounts, store, "admin01", listed)
    frame = pd.read_excel(listed, header=HEADER_ROW - 1, dtype=str)
    frame.loc[:2, "核实结果"] = ["纳入监测", "未纳入", "无法核实"]
    frame.loc[:2, "核实日期"] = date.today().strftime("%Y/%-m/%-d")
    frame.to_csv(tmp_path / "filled.csv", index=False, encoding="gbk")
    checked = pipeline.check([tmp_path / "filled.csv"], store)
    assert checked.ok and list(checked.visits["result"]) == ["纳入监测", "未纳入", "无法核实"]
    lines = store.table("monitoring_lines")
    lines.to_csv(tmp_path / "lines.csv", index=False)
    mixed = pipeline.check([tmp_path / "filled.csv", tmp_path / "lines.csv"], store)
    assert not mixed.ok and "单独导入" in mixed.report.text()
