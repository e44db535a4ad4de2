"""Validation of values and of rows: each test plants one problem in otherwise valid demo data
and checks that the report names its file, row, column, value and reason, and that a partial
import combines with the current snapshot as documented."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data.contract import TABLES, id_check_digit
from analytics.ingest import pipeline as ingest
from analytics.ingest.reading import ROW, Sheet
from analytics.ingest.report import MAX_LISTED, Report
from analytics.ingest.validation import SRC, Current, Validator, contract_types
from tests.import_helpers import as_text, check, csv_bytes, one, problems, sample


def _households(tmp_path, demo_tables, demo_store, edit, n: int = 40, **kwargs) -> ingest.Checked:
    text = as_text(sample(demo_tables, n=n), "households")
    edit(text)
    return check(tmp_path, {"农户.csv": csv_bytes(text, "gbk")}, demo_store, **kwargs)


def _cell(column: str, row: int, value: str):
    def edit(text: pd.DataFrame) -> None:
        text.loc[row - 2, column] = value  # Excel row 2 is the first data row
    return edit


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("家庭人口数", "无", "不能填“无”"),
    ("工资性收入", "—", "不能填“—”"),
    ("工资性收入", "12万", "不能带“万”"),
    ("转移性收入", "3500元", "不是一个数字"),
    ("劳动力人数", "两人", "数值列中出现了文字"),
    ("家庭人口数", "2.5", "应为整数"),
    ("财产性收入", "99999999999999999999", "数值过大"),
    ("财产性收入", "1e400", "数值过大"),
    ("年度", "2025年", "年度应写成 4 位数字"),
    ("识别监测时间", "2023-3", "应为 6 位年月"),
    ("识别监测时间", "202313", "应为 6 位年月"),
    ("户类型", "贫困户", "只能填:脱贫户、一般农户"),
    ("致贫返贫风险", "因病、因懒", "“因懒”不在可选项中"),
    ("住房安全有保障", "也许", "只能填 是/否"),
    ("村代码", "9.90121E+11", "科学计数法"),
    ("村代码", "99012110020", "应为 12 位数字,这里是 11 位"),
    ("户主证件号码", "9.90121E+17", "科学计数法"),
    ("户主证件号码", "99012119850315", "应为 18 位"),
])
def test_a_bad_cell_is_an_error_naming_the_cell(tmp_path, demo_tables, demo_store, column, value, reason):
    checked = _households(tmp_path, demo_tables, demo_store, _cell(column, 7, value))
    problem = one(checked, reason)
    assert (problem["file"], problem["row"], problem["column"], problem["value"]) == ("农户.csv", 7, column, value)
    assert not checked.ok and checked.tables == {}


def test_a_wrong_id_check_digit_is_named(tmp_path, demo_tables, demo_store):
    first17 = "99012119850315001"
    wrong = first17 + ("0" if id_check_digit(first17) != "0" else "1")
    problem = one(_households(tmp_path, demo_tables, demo_store, _cell("户主证件号码", 4, wrong)), "校验位不对")
    assert (problem["row"], problem["value"]) == (4, wrong)


def test_a_blank_required_cell_is_named(tmp_path, demo_tables, demo_store):
    problem = one(_households(tmp_path, demo_tables, demo_store, _cell("户类型", 5, "")), "必填")
    assert (problem["row"], problem["column"]) == (5, "户类型")


@pytest.mark.parametrize(("yes", "no"), [("是", "否"), ("1", "0"), ("Y", "N"), ("true", "false"), ("TRUE", "False")])
def test_yes_no_columns_accept_every_spelling(tmp_path, demo_tables, demo_store, yes, no):
    def edit(text):
        text["是否低保"] = [yes if i % 2 else no for i in range(len(text))]
    checked = _households(tmp_path, demo_tables, demo_store, edit)
    assert checked.ok, checked.report.text()
    got = checked.tables["households"]
    dibao = got.loc[got["year"] == 2025, "dibao"].reset_index(drop=True)
    assert dibao.dtype == bool and list(dibao) == [bool(i % 2) for i in range(len(dibao))]


def test_duplicate_household_and_year_names_the_first_row(tmp_path, demo_tables, demo_store):
    def edit(text):
        text.loc[10, "户编号"] = text.loc[2, "户编号"]
    problem = one(_households(tmp_path, demo_tables, demo_store, edit), "重复")
    assert problem["row"] == 12 and "农户.csv 第 4 行" in problem["reason"]


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("家庭人口数", "0", "家庭人口数至少为 1"),
    ("家庭人口数", "-2", "人数不能为负数"),
    ("劳动力人数", "9", "劳动力人数大于家庭人口数"),
    ("工资性收入", "-100", "不能为负数"),
])
def test_impossible_values_are_errors(tmp_path, demo_tables, demo_store, column, value, reason):
    problem = one(_households(tmp_path, demo_tables, demo_store, _cell(column, 9, value)), reason)
    assert (problem["row"], problem["column"], problem["value"]) == (9, column, value)


def test_business_losses_may_be_negative(tmp_path, demo_tables, demo_store):
    def edit(text):
        row = text.iloc[3]
        parts = sum(float(row[c]) for c in ("工资性收入", "财产性收入", "转移性收入"))
        text.loc[3, "生产经营性收入"] = "-2000"
        net = parts - 2000 - float(row["生产经营性支出"])
        text.loc[3, "人均纯收入"] = f"{net / int(row['家庭人口数']):.2f}"
    checked = _households(tmp_path, demo_tables, demo_store, edit)
    assert checked.ok, checked.report.text()


def test_per_capita_income_must_agree_with_its_parts(tmp_path, demo_tables, demo_store):
    h = sample(demo_tables)
    expected = (h.loc[5, ["wage_income", "business_income", "property_income", "transfer_income"]].sum()
                - h.loc[5, "production_expense"]) / h.loc[5, "household_size"]
    problem = one(_households(tmp_path, demo_tables, demo_store, _cell("人均纯收入", 7, "99999")), "与各项收入不一致")
    assert problem["row"] == 7 and f"应为 {round(expected, 2)}" in problem["reason"]


def test_blank_per_capita_income_is_computed_from_its_parts(tmp_path, demo_tables, demo_store):
    checked = _households(tmp_path, demo_tables, demo_store, _cell("人均纯收入", 3, ""))
    assert checked.ok, checked.report.text()
    got = checked.tables["households"]
    got = got[got["year"] == 2025].reset_index(drop=True)
    assert got.loc[1, "per_capita_net_income"] == pytest.approx(sample(demo_tables).loc[1, "per_capita_net_income"], abs=0.01)
    assert any("已按各项收入计算" in note for note in checked.report.notes)


def test_monitoring_dates_must_be_in_order(tmp_path, demo_tables, demo_store):
    h = sample(demo_tables, n=400)
    row = int(h.index[h["risk_eliminated_at"].notna()][0]) + 2
    start = h.loc[row - 2, "monitoring_start"]

    year, month = divmod(int(start), 100)
    month_before = f"{year - 1}12" if month == 1 else f"{year}{month - 1:02d}"

    def edit(text):
        text.loc[row - 2, "风险消除时间"] = month_before
    problem = one(_households(tmp_path, demo_tables, demo_store, edit, n=400), "早于识别监测时间")
    assert problem["row"] == row


def test_unknown_village_is_named(tmp_path, demo_tables, demo_store):
    problem = one(_households(tmp_path, demo_tables, demo_store, _cell("村代码", 6, "990121999999")), "行政村表中没有这个村代码")
    assert (problem["row"], problem["value"]) == (6, "990121999999")


def test_unknown_township_of_a_village_is_named(tmp_path, demo_tables, demo_store):
    text = as_text(demo_tables["villages"], "villages")
    text.loc[3, "乡镇代码"] = "990121555"
    checked = check(tmp_path, {"行政村.csv": csv_bytes(text)}, demo_store)
    problem = one(checked, "乡镇表中没有这个乡镇代码")
    assert (problem["row"], problem["value"]) == (5, "990121555")


def test_a_year_without_a_monitoring_line_is_an_error(tmp_path, demo_tables, demo_store):
    def edit(text):
        text["年度"] = "2026"
    checked = _households(tmp_path, demo_tables, demo_store, edit, n=3)
    assert len(problems(checked, "错误")) == 3
    assert problems(checked, "错误")["reason"].str.contains("没有监测收入标准").all()


def test_partial_import_replaces_only_the_years_it_holds(tmp_path, demo_tables, demo_store):
    checked = _households(tmp_path, demo_tables, demo_store, lambda text: None, n=40)
    assert checked.ok
    got = checked.tables["households"]
    assert got.groupby("year").size().to_dict() == {2021: 6000, 2022: 6000, 2023: 6000, 2024: 6000, 2025: 40}
    whole = _households(tmp_path, demo_tables, demo_store, lambda text: None, n=40,
                        options=ingest.Options(replace=True))
    assert len(whole.tables["households"]) == 40


@pytest.mark.parametrize("year", [2022, 2025])  # before kept years (sorted in), and after them
def test_a_year_stacked_on_the_kept_years_a_column_at_a_time_is_the_whole_table_concatenated(
        tmp_path, demo_tables, demo_store, year):
    text = as_text(sample(demo_tables, year=year, n=40), "households")
    checked = check(tmp_path, {"农户.csv": csv_bytes(text, "gbk")}, demo_store)
    assert checked.ok, checked.report.text()
    got = checked.tables["households"]
    current = demo_store.table("households")
    kept = current[current["year"] != year]
    imported = got[got["year"] == year]
    expected = contract_types(pd.concat([kept, imported], ignore_index=True)
                              .sort_values("year", kind="stable", ignore_index=True), "households")
    pd.testing.assert_frame_equal(got, expected)
    assert len(imported) == 40 and got["year"].is_monotonic_increasing


def test_replacing_villages_checks_the_households_kept_from_the_current_snapshot(tmp_path, demo_tables, demo_store):
    villages = demo_tables["villages"].iloc[1:]  # the first village disappears
    checked = check(tmp_path, {"行政村.csv": csv_bytes(as_text(villages, "villages"))}, demo_store)
    problem = one(checked, "行农户属于导入后已不存在的行政村")
    assert demo_tables["villages"]["village_code"].iloc[0] in problem["reason"]
    assert problem["file"] == "当前数据"


def test_villages_without_boundaries_are_warnings(tmp_path, demo_tables, demo_store):
    villages = as_text(demo_tables["villages"], "villages")
    extra = villages.iloc[[0]].assign(村代码="990121100299", 村名称="新设村")
    checked = check(tmp_path, {"行政村.csv": csv_bytes(pd.concat([villages, extra]))}, demo_store)
    assert checked.ok, checked.report.text()
    problem = one(checked, "没有村界", level="警告")
    assert (problem["value"], problem["row"]) == ("990121100299", len(villages) + 2)


def test_first_import_into_an_empty_store_needs_every_table_but_indicators_and_boundaries(tmp_path, demo_tables):
    checked = check(tmp_path, {"监测标准.csv": csv_bytes(as_text(demo_tables["monitoring_lines"], "monitoring_lines"))})
    missing = one(checked, "第一次导入须包含")["reason"].split("缺少:")[1]
    assert "农户" in missing and "村界" not in missing and "村级指标" not in missing


def test_unknown_indicator_codes_and_projects_are_checked(tmp_path, demo_tables, demo_store):
    indicators = as_text(demo_tables["village_indicators"].head(20), "village_indicators")
    indicators.loc[2, "指标代码"] = "XYZ99"
    projects = as_text(demo_tables["projects"].head(20), "projects")
    projects.loc[4, "已支付(万元)"] = "99999"
    checked = check(tmp_path, {"村级指标.csv": csv_bytes(indicators), "资金项目.csv": csv_bytes(projects)}, demo_store)
    assert one(checked, "指标目录")["row"] == 4
    assert one(checked, "已支付金额大于投入资金", level="警告")["row"] == 6


def test_many_bad_rows_are_counted_exactly_and_listed_up_to_the_cap(tmp_path, demo_tables, demo_store):
    def edit(text):
        text["家庭人口数"] = "无"
    n = MAX_LISTED + 150
    checked = _households(tmp_path, demo_tables, demo_store, edit, n=n)
    assert checked.report.errors == n
    listed = problems(checked, "错误")
    assert len(listed) == MAX_LISTED + 1
    assert "另有 150 处" in listed["reason"].iloc[-1]


def test_personal_values_are_masked_in_the_report_by_default(tmp_path, demo_tables, demo_store):
    checked = _households(tmp_path, demo_tables, demo_store, _cell("户主证件号码", 4, "990121198503150011"))
    assert "990121198503150011" not in checked.report.frame()["value"].tolist()
    assert "990121198503150011" in checked.report.frame(personal_visible=True)["value"].tolist()


def test_an_unknown_fund_source_is_a_warning_and_counts_as_not_central(tmp_path, demo_tables, demo_store):
    projects = as_text(demo_tables["projects"].head(20), "projects")
    projects.loc[3, "资金来源"] = "某某专项资金"
    checked = check(tmp_path, {"资金项目.csv": csv_bytes(projects)}, demo_store)
    warning = one(checked, "未知的资金来源", level="警告")
    assert warning["row"] == 5 and warning["value"] == "某某专项资金" and "不计入产业发展资金占比" in warning["reason"]
    assert checked.report.errors == 0


def _repeats(table: str, rows: list[tuple]) -> pd.DataFrame:
    """The duplicates the validator finds in hand-made rows: (key values..., sheet or -1 for a row
    kept from the current snapshot, row number)."""
    key = list(TABLES[table].key)
    frame = pd.DataFrame(rows, columns=[*key, SRC, ROW])
    validator = Validator(Report(), Current(None, None))
    validator.sheets = [Sheet("新.csv", "", table, 1, {}, frame.iloc[:0])]
    validator.duplicates({table: frame})
    return validator.report.frame()


def test_only_new_rows_repeating_a_key_are_duplicates_whichever_row_came_first():
    found = _repeats("households", [
        ("H1", 2024, -1, 0), ("H1", 2024, -1, 0),  # kept rows repeating each other: not this import's doing
        ("H1", 2025, 0, 2), ("H2", 2025, 0, 3),  # new rows of households kept in 2024: no repeat
        ("H2", 2025, 0, 4),  # repeats row 3 of the import
        ("H3", 2024, 0, 5),  # repeats nothing: H3 has no kept 2024 row
    ])
    assert found[["row", "value"]].values.tolist() == [[4, "H2 / 2025"]]
    assert "新.csv 第 3 行" in found["reason"].iloc[0]


def test_a_new_row_repeating_a_kept_rows_key_says_it_is_in_the_current_data():
    found = _repeats("projects", [("P1", -1, 0), ("P2", -1, 0), ("P2", 0, 2), ("P3", 0, 3), ("P3", 0, 4)])
    assert sorted(found["row"]) == [2, 4]
    reasons = dict(zip(found["row"], found["reason"]))
    assert "已在当前数据的其他年度中" in reasons[2] and "新.csv 第 3 行" in reasons[4]
