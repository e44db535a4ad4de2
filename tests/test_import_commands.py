"""The command line (validate, import, snapshots, rollback, template) and the template itself:
every contract table and column, written from the contract, read back by the importer."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from analytics.__main__ import main
from analytics.data.contract import TABLES
from analytics.ingest import pipeline as ingest
from analytics.ingest import templates
from analytics.ingest.reading import ROW, Sheet
from analytics.ingest.report import Report
from analytics.ingest.validation import Current, Validator
from tests.import_helpers import as_text, csv_bytes, sample, write


def _lines_file(tmp_path, demo_tables, threshold: str = "8100") -> str:
    text = as_text(demo_tables["monitoring_lines"], "monitoring_lines")
    text.loc[text["年度"] == "2025", "监测收入标准(元/人·年)"] = threshold
    return str(write(tmp_path, "监测标准2025.csv", csv_bytes(text, "gbk")))


def test_validate_exits_1_with_errors_and_0_without(tmp_path, demo_tables, demo_store, capsys):
    store = ["--store", str(demo_store.root)]
    assert main(["validate", _lines_file(tmp_path, demo_tables, "无"), *store]) == 1
    out = capsys.readouterr().out
    assert "监测标准2025.csv 第 6 行 列“监测收入标准(元/人·年)” 值“无”" in out and "有错误,不能导入" in out
    assert main(["validate", _lines_file(tmp_path, demo_tables), *store]) == 0
    assert "没有发现问题" in capsys.readouterr().out


@pytest.mark.slow
def test_import_commits_a_snapshot_or_nothing_and_rollback_restores(tmp_path, demo_tables, demo_store, store_copy,
                                                                   capsys):
    store = store_copy
    first = store.current_id()
    args = ["--store", str(store.root), "--user", "李四"]
    assert main(["import", _lines_file(tmp_path, demo_tables, "—"), *args]) == 1
    assert "未导入任何数据" in capsys.readouterr().out
    assert store.current_id() == first and len(store.snapshots()) == 1
    assert main(["import", _lines_file(tmp_path, demo_tables), *args]) == 0
    second = store.current_id()
    assert second != first
    assert store.table("monitoring_lines").set_index("year")["threshold_yuan"][2025] == 8100.0
    assert store.table("households").equals(demo_store.table("households"))  # carried over untouched
    info = store.info()
    assert (info.created_by, info.parent) == ("李四", first) and "监测标准2025.csv" in info.source
    assert main(["rollback", first, "--store", str(store.root), "--user", "王五"]) == 0
    assert store.current_id() == first
    history = store.history()
    assert history["action"].tolist()[-2:] == ["import", "rollback"] and history["user"].iloc[-1] == "王五"
    capsys.readouterr()
    assert main(["snapshots", "--store", str(store.root)]) == 0
    out = capsys.readouterr().out
    assert f"* {first}" in out and second in out and "李四" in out and "回滚" in out


def test_an_unknown_snapshot_cannot_be_rolled_back_to(store_copy, capsys):
    store = store_copy
    assert main(["rollback", "nope", "--store", str(store.root)]) == 1
    assert "找不到数据快照" in capsys.readouterr().err


def test_template_has_every_table_and_column_and_the_importer_reads_it(tmp_path):
    out = tmp_path / "模板.xlsx"
    assert main(["template", str(out)]) == 0
    book = load_workbook(out)
    tabular = [t for t in TABLES.values() if not t.geometry]
    assert book.sheetnames == [t.zh for t in tabular] + [templates.INSTRUCTIONS_SHEET]
    for table in tabular:
        ws = book[table.zh]
        assert [c.value for c in ws[1]] == [c.zh for c in table.columns]
        assert ws.max_row == 2  # one example row
    notes = pd.read_excel(out, sheet_name=templates.INSTRUCTIONS_SHEET, header=None, dtype=str)
    listed = set(notes[2].dropna())
    assert {c.id for t in tabular for c in t.columns} <= listed
    households = notes[notes[2] == "household_type"].iloc[0]
    assert households[6] == "脱贫户、一般农户"
    assert notes[notes[2] == "wage_income"].iloc[0][5] == "元"
    checked = ingest.check([out])
    examples = [p for p in checked.report.problems if "示例行" in p.reason]
    assert sorted(p.sheet for p in examples) == sorted(t.zh for t in tabular)  # every sheet and column recognised


def test_the_example_rows_are_valid_data():
    """The example rows, taken as data, pass every check: they show a correct row."""
    report = Report()
    sheets = [Sheet(f"{TABLES[n].zh}.csv", "", n, 1, {}, pd.DataFrame([example]).assign(**{ROW: 2}))
              for n, example in templates.EXAMPLES.items()]
    validator = Validator(report, Current(None, None))
    typed = validator.typed(sheets)
    validator.rules(typed)
    validator.duplicates(typed)
    validator.references(typed)
    assert report.problems == [], report.text()


def test_a_demo_sample_validates_cleanly_from_the_command_line(tmp_path, demo_tables, demo_store, capsys):
    path = write(tmp_path, "农户.csv", csv_bytes(as_text(sample(demo_tables), "households"), "gbk"))
    assert main(["validate", str(path), "--store", str(demo_store.root)]) == 0
    assert "检查用时" in capsys.readouterr().out
