"""Person-level exports of the national monitoring system: the aggregation rules on hand-made
members at their boundaries, the year, the village names, the errors a county will meet, and a
whole generated county imported through `python -m analytics import` and compared field by field."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics.__main__ import main
from analytics.data import county
from analytics.data.store import Store
from analytics.ingest import period, persons
from analytics.ingest import pipeline as ingest
from analytics.ingest.places import Places
from analytics.ingest.validation import contract_types
from analytics.risk import features as risk_features
from tests import person_county
from tests.import_helpers import as_text, check, copy_store, one, problems, xlsx_bytes

YEAR = 2023


def _household(demo_tables: dict, year: int = YEAR) -> dict[str, str]:
    """One demo household's own fields (not those built from members) as the export writes them."""
    h = demo_tables["households"]
    row = h[(h["year"] == year) & h["monitoring_category"].isna() & h["household_size"].eq(3)].head(1)
    text = as_text(row.drop(columns=list(person_county.BUILT)), "households").iloc[0].to_dict()
    village = demo_tables["villages"].set_index("village_code").loc[row["village_code"].iloc[0]]
    town = demo_tables["townships"].set_index("township_code").loc[village["township_code"], "township_name"]
    return {"乡(镇)": town, "行政村": village["village_name"], **text, "户编号": "P0001"}


def _member(relation: str, id_number: str, **fields: str) -> dict[str, str]:
    return {"姓名": "王" + relation, "证件号码": id_number, "与户主关系": relation, "文化程度": "初中",
            "在校生状况": "非在校生", "健康状况": "健康", "劳动技能": "普通劳动力", "务工时间（月）": "0", **fields}


def _id(birth: str, serial: str = "001") -> str:
    from analytics.data.contract import id_check_digit

    return f"990121{birth}{serial}" + id_check_digit(f"990121{birth}{serial}")


def _csv(rows: list[dict[str, str]]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False, lineterminator="\n").encode("utf-8")


def _imported(checked: ingest.Checked, household_id: str = "P0001") -> pd.Series:
    assert checked.ok, checked.report.text()
    h = checked.tables["households"]
    return h[h["household_id"] == household_id].iloc[0]


def _three(demo_tables: dict) -> list[dict[str, str]]:
    base = _household(demo_tables)
    return [
        {**base, **_member("户主", _id("19581231"), 文化程度="中专", 健康状况="长期慢性病、残疾", **{"务工时间（月）": "3"})},
        {**base, **_member("配偶", _id("19590101", "002"), 劳动技能="弱劳动力或半劳动力", 健康状况="患有大病",
                           **{"务工时间（月）": "2.5"})},
        {**base, **_member("之子", _id("20100101", "003"), 劳动技能="无劳动力", 在校生状况="初中", **{"务工时间（月）": ""})},
    ]


def test_members_aggregate_to_the_household_by_the_written_rules(tmp_path, demo_tables, demo_store):
    rows = _three(demo_tables)
    h = _imported(check(tmp_path, {f"成员_{YEAR}.csv": _csv(rows)}, demo_store))
    assert (h["household_size"], h["labor_count"], h["students_count"]) == (3, 1, 1)
    # born 31 Dec 1958: 65 on the last day of 2023; born 1 Jan 1959: still 64
    assert h["elderly_count"] == 1
    assert (h["chronic_illness_count"], h["serious_illness_count"], h["disabled_count"]) == (1, 1, 1)
    assert h["migrant_work_months"] == 5.5
    assert (h["head_name"], h["head_id_number"], h["head_education"]) == ("王户主", _id("19581231"), "高中")
    assert h["year"] == YEAR and h["village_code"] == demo_tables["households"].query("year == @YEAR & household_size == 3").loc[
        lambda f: f["monitoring_category"].isna(), "village_code"].iloc[0]


def test_weak_labour_counts_when_the_setting_says_so(tmp_path, demo_tables, demo_store, monkeypatch):
    real = persons.settings.flag
    monkeypatch.setattr(persons.settings, "flag", lambda key: True if key == "import.weak_labor_counts" else real(key))
    h = _imported(check(tmp_path, {f"成员_{YEAR}.csv": _csv(_three(demo_tables))}, demo_store))
    assert h["labor_count"] == 2


def test_members_disagreeing_on_a_household_field_is_an_error_naming_household_rows_and_column(
        tmp_path, demo_tables, demo_store):
    rows = _three(demo_tables)
    rows[2]["户类型"] = "一般农户" if rows[0]["户类型"] == "脱贫户" else "脱贫户"
    checked = check(tmp_path, {f"成员_{YEAR}.csv": _csv(rows)}, demo_store)
    problem = one(checked, "不一致")
    assert problem["column"] == "户类型" and problem["row"] == 2 and problem["file"] == f"成员_{YEAR}.csv"
    assert "户编号 P0001" in problem["reason"] and "第 2 行" in problem["reason"] and "第 4 行" in problem["reason"]
    assert not checked.tables


def test_a_household_without_exactly_one_head_is_an_error(tmp_path, demo_tables, demo_store):
    rows = _three(demo_tables)
    rows[1]["与户主关系"] = "户主"
    problem = one(check(tmp_path, {f"成员_{YEAR}.csv": _csv(rows)}, demo_store), "有且只有一名户主")
    assert "2 个“户主”" in problem["reason"] and "第 2、3、4 行" in problem["reason"]


def test_unknown_village_names_the_file_row_names_and_closest_candidates(tmp_path, demo_tables, demo_store):
    rows = _three(demo_tables)
    village = rows[0]["行政村"]
    for row in rows:
        row["行政村"] = village[0] + "X" + village[1:]
    problem = one(check(tmp_path, {f"成员_{YEAR}.csv": _csv(rows)}, demo_store), "行政村表中找不到")
    assert problem["row"] == 2 and problem["column"] == "行政村" and problem["value"].endswith(village[0] + "X" + village[1:])
    assert f"{rows[0]['乡(镇)']} {village}" in problem["reason"].split("最接近的有:")[1]


def test_full_width_spaces_and_suffixes_still_find_the_village(tmp_path, demo_tables, demo_store):
    rows = _three(demo_tables)
    town, village = rows[0]["乡(镇)"], rows[0]["行政村"]
    for row in rows:
        row["乡(镇)"], row["行政村"] = town[:-1] + " ", "\u3000" + village.removesuffix("村")
    h = _imported(check(tmp_path, {f"成员_{YEAR}.csv": _csv(rows)}, demo_store))
    assert demo_tables["villages"].set_index("village_code").loc[h["village_code"], "village_name"] == village


def test_a_file_without_a_year_needs_one_and_the_year_given_must_agree(tmp_path, demo_tables, demo_store):
    files = {"家庭成员.csv": _csv(_three(demo_tables))}
    assert "标题行和文件名中都没有年度" in one(check(tmp_path, files, demo_store), "没有年度")["reason"]
    given = check(tmp_path, files, demo_store, ingest.Options(year=YEAR))
    assert _imported(given)["year"] == YEAR
    assert given.person_files[0].year_source == "指定的年度"
    wrong = check(tmp_path, {f"成员_{YEAR}.csv": _csv(_three(demo_tables))}, demo_store, ingest.Options(year=YEAR + 1))
    assert f"指定的年度是 {YEAR + 1} 年,但文件名写的是 {YEAR} 年" in one(wrong, "指定的年度")["reason"]


@pytest.mark.parametrize(("title", "name", "year"), [
    ("岚溪县脱贫户和监测对象家庭成员信息（2023年度）\n导出时间:2024年3月5日", "成员.xlsx", 2023),
    ("家庭成员信息 2022年", "x.xls", 2022),
    ("", "成员信息_2021.csv", 2021),
    ("", "2024年度成员信息.xlsx", 2024),
    ("", "成员20240305导出.xlsx", None),  # a date in the name is not a year
])
def test_year_from_title_or_file_name(title, name, year):
    assert period.resolve(name, title, None).year == year


def test_title_and_file_name_naming_different_years_is_an_error():
    found = period.resolve("成员_2022.xlsx", "家庭成员信息（2023年度）", None)
    assert found.year is None and "两者矛盾" in found.problem


def test_ambiguous_village_name_without_township_is_not_guessed():
    villages = pd.DataFrame({"village_code": ["990121100201", "990121101201"], "village_name": ["石门村", "石门村"],
                             "township_code": ["990121100", "990121101"]})
    townships = pd.DataFrame({"township_code": ["990121100", "990121101"], "township_name": ["城关镇", "青岗乡"]})
    places = Places(villages, townships)
    assert "对应多个行政村" in places.match("", "石门").problem
    assert places.match("青岗", "石门").code == "990121101201"
    assert places.match("ＣＧ", "石门").code is None


def test_title_rows_merged_cells_blank_rows_and_a_totals_row_in_xlsx(tmp_path, demo_tables, demo_store):
    rows = _three(demo_tables)
    header = list(rows[0])
    body = [[r[c] for c in header] for r in rows]
    at = header.index("户编号")
    for line in body[1:]:
        line[at] = None  # merged: only the first member's cell holds the value
    grid = [["岚溪县脱贫户和监测对象家庭成员信息（2023年度）"], ["导出时间:2026年3月5日"], header,
            body[0], body[1], [None] * len(header), body[2], ["合计", *[None] * (len(header) - 2), "5.5"]]
    files = {"成员.xlsx": xlsx_bytes({"家庭成员": grid}, {"家庭成员": ["A1:F1", f"{chr(65 + at)}4:{chr(65 + at)}7"]})}
    checked = check(tmp_path, files, demo_store)
    h = _imported(checked)
    assert (h["household_size"], h["year"]) == (3, YEAR)
    assert one(checked, "不是成员行", level="警告")["row"] == 8
    assert (checked.person_files[0].people, checked.person_files[0].households) == (3, 1)


def test_the_same_household_twice_in_one_year_across_files_is_an_error(tmp_path, demo_tables, demo_store):
    data = _csv(_three(demo_tables))
    checked = check(tmp_path, {f"城关_{YEAR}.csv": data, f"石门_{YEAR}.csv": data}, demo_store)
    assert "重复" in one(checked, "重复")["reason"] and not checked.tables


@pytest.mark.slow
def test_a_generated_county_imports_from_person_files_and_the_risk_model_trains_on_it(
        tmp_path, demo_tables, capsys):
    """Five yearly exports in the formats counties get (.xls, .xlsx with a title, GBK CSV with the
    year in its name, header and name variants) with the villages, lines and projects, into an
    empty store: the household table equals the aggregation of the person rows, field by field."""
    system = person_county.in_system(demo_tables["households"])
    files = person_county.context_files(demo_tables, tmp_path)
    expected = []
    for year in sorted(system["year"].unique()):
        rows, want = person_county.person_rows(system[system["year"] == year].reset_index(drop=True),
                                               demo_tables["villages"], demo_tables["townships"])
        expected.append(want)
        if year == 2021:
            path, data = tmp_path / "家庭成员信息.xls", person_county.xls_bytes(rows, person_county.title(year))
        elif year == 2023:
            path, data = tmp_path / f"家庭成员信息_{year}.csv", person_county.csv_bytes(rows, "gbk")
        else:
            if year == 2024:  # header variants and names as people type them
                rows = rows.rename(columns={"务工时间（月）": "务工时间(月)", "乡(镇)": "乡镇"})
                rows["乡镇"] = rows["乡镇"].str[:-1]
                rows["行政村"] = "\u3000" + rows["行政村"].str.removesuffix("村")
            if year == 2025:  # a file per township group, as townships download their own
                first = rows["乡(镇)"].isin(rows["乡(镇)"].drop_duplicates().head(5))
                extra = tmp_path / f"成员{year}_其他乡镇.xlsx"
                extra.write_bytes(person_county.xlsx_bytes(rows[~first], person_county.title(year)))
                files.append(extra)
                rows = rows[first]
            path, data = tmp_path / f"成员{year}.xlsx", person_county.xlsx_bytes(rows, person_county.title(year))
        path.write_bytes(data)
        files.append(path)
    store_dir = tmp_path / "store"
    assert main(["import", *map(str, files), "--store", str(store_dir), "--user", "测试"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "家庭成员信息.xls 工作表“家庭成员”:人员信息,2021 年(取自标题行)" in out
    assert "家庭成员信息_2023.csv:人员信息,2023 年(取自文件名)" in out
    store = Store(store_dir)
    got = store.table("households").sort_values(["year", "household_id"], ignore_index=True)
    want = contract_types(pd.concat(expected), "households").sort_values(["year", "household_id"], ignore_index=True)
    pd.testing.assert_frame_equal(got[want.columns], want, check_exact=False, atol=1e-6, check_categorical=False)
    assert not store.has_table("village_indicators") and not store.has_table("boundaries")
    assert county.read(store).name == "岚溪县"  # a fictional code: the name comes from the files' 县 column
    assert main(["risk", "evaluate", "--store", str(store_dir), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_test"] > 0 and result["model"]["roc_auc"] is not None
    assert risk_features.SYSTEM_POPULATION_NOTE in result["warnings"]  # the model card shows what the label rests on
    assert not risk_features.system_population(demo_tables["households"])  # the demo county holds every household


def test_person_rows_are_not_stored(tmp_path, demo_tables, demo_store):
    store = copy_store(demo_store, tmp_path / "store")
    checked = check(tmp_path, {f"成员_{YEAR}.csv": _csv(_three(demo_tables))}, store)
    ingest.commit(checked, store, "测试")
    kept = {p.stem for p in store.path("households").parent.iterdir()}
    assert "persons" not in kept and "证件号码" not in store.table("households").columns
    assert problems(checked, "错误").empty


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("劳动技能", "壮劳力", "劳动技能只能是"),
    ("健康状况", "良好", "健康状况只能是"),
    ("务工时间（月）", "13", "0 到 12 个月"),
    ("证件号码", "990121195901010021", "证件号码无效"),
])
def test_a_member_value_the_rules_cannot_read_names_its_row_and_column(tmp_path, demo_tables, demo_store,
                                                                        column, value, reason):
    rows = _three(demo_tables)
    rows[1][column] = value
    problem = one(check(tmp_path, {f"成员_{YEAR}.csv": _csv(rows)}, demo_store), reason)
    assert (problem["row"], problem["column"]) == (3, column)


def test_a_gbk_csv_with_a_title_line_blank_lines_blank_household_ids_and_a_totals_row(tmp_path, demo_tables, demo_store):
    frame = pd.DataFrame(_three(demo_tables))
    frame.loc[1:, "户编号"] = ""
    lines = frame.to_csv(index=False, lineterminator="\n").splitlines()
    text = "\n".join(["家庭成员信息（2023年度）", lines[0], lines[1], "", lines[2], lines[3], "合计,,,,3", ""])
    checked = check(tmp_path, {"成员.csv": text.encode("gbk")}, demo_store)
    h = _imported(checked)
    assert (h["household_size"], h["year"]) == (3, YEAR)
    assert one(checked, "不是成员行", level="警告")["row"] == 7


def test_person_files_without_any_villages_to_match_say_what_to_bring(tmp_path, demo_tables):
    checked = check(tmp_path, {f"成员_{YEAR}.csv": _csv(_three(demo_tables))})
    assert "需要行政村表和乡镇表" in one(checked, "需要行政村表和乡镇表")["reason"]
