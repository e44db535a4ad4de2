"""数据核查: each of the seven rules on hand-made rows at its boundaries (5 vs 6 months, income
equal to the line), a year without a monitoring line, and `python -m analytics checks --json`
on a hand-made county and on the demo county against an independent pandas count."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analytics.__main__ import main
from analytics.data import checks
from analytics.data.store import Store

LINE = 8000.0
CONFIG = checks.Config(6, (("因病", ("健康帮扶",)), ("因务工就业不稳", ("就业帮扶",)),
                           ("因缺劳动力", ("综合保障", "公益岗位帮扶"))))
VILLAGE = "990121100001"


def household(hid: str, **changes: object) -> dict:
    """An eliminated monitored household that no rule flags; tests change one thing at a time."""
    row = {"year": 2025, "household_id": hid, "village_code": VILLAGE, "monitoring_category": "边缘易致贫户",
           "monitoring_start": "202301", "risk_eliminated": True, "risk_eliminated_at": "202401",
           "risk_types": "因病", "per_capita_net_income": 9000.0, "labor_count": 2, "dibao": False,
           "tekun": False, "assistance_measures": "健康帮扶", "household_size": 3, "housing_safe": True,
           "drinking_water_safe": True, "compulsory_education_ok": True, "medical_insured_all": True}
    row.update(changes)
    return row


def flagged(*rows: dict, line: float | None = LINE) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows))
    frame["risk_eliminated"] = frame["risk_eliminated"].astype("boolean")
    return checks.flags(frame, line, CONFIG).set_index(frame["household_id"])


def hits(*rows: dict, line: float | None = LINE) -> dict[str, list[str]]:
    f = flagged(*rows, line=line)
    return {c: list(f.index[f[c]]) for c in f.columns}


def test_a_clean_household_is_flagged_by_no_rule():
    assert all(v == [] for v in hits(household("ok")).values())
    assert all(v == [] for v in hits(household("open", risk_eliminated=False, risk_eliminated_at=None)).values())


def test_early_elimination_is_fewer_than_six_months_counted_as_year_times_twelve_plus_month():
    got = hits(household("5m", monitoring_start="202311", risk_eliminated_at="202404"),
               household("6m", monitoring_start="202311", risk_eliminated_at="202405"),
               household("0m", monitoring_start="202405", risk_eliminated_at="202405"),
               household("not_eliminated", monitoring_start="202403", risk_eliminated=False,
                         risk_eliminated_at="202404"),
               household("no_date", risk_eliminated_at=None))
    assert got["early_elimination"] == ["5m", "0m"]


def test_income_rules_flag_below_the_line_and_not_at_it():
    got = hits(household("below", per_capita_net_income=LINE - 0.01),
               household("equal", per_capita_net_income=LINE),
               household("open_below", per_capita_net_income=LINE - 1, risk_eliminated=False),
               household("plain_below", monitoring_category=None, risk_eliminated=None, risk_eliminated_at=None,
                         monitoring_start=None, per_capita_net_income=LINE - 1),
               household("plain_equal", monitoring_category=None, risk_eliminated=None, risk_eliminated_at=None,
                         monitoring_start=None, per_capita_net_income=LINE))
    assert got["eliminated_below_line"] == ["below"]
    assert got["unidentified_below_line"] == ["plain_below"]


@pytest.mark.parametrize("column", ["housing_safe", "drinking_water_safe", "compulsory_education_ok",
                                    "medical_insured_all"])
def test_eliminated_with_any_guarantee_gap(column):
    got = hits(household("gap", **{column: False}), household("open_gap", risk_eliminated=False, **{column: False}))
    assert got["eliminated_with_gap"] == ["gap"]


def test_eliminated_without_labour_needs_no_labour_and_dibao_or_tekun():
    got = hits(household("dibao", labor_count=0, dibao=True), household("tekun", labor_count=0, tekun=True),
               household("no_support", labor_count=0), household("one_worker", labor_count=1, dibao=True),
               household("open", labor_count=0, dibao=True, risk_eliminated=False))
    assert got["eliminated_without_labour"] == ["dibao", "tekun"]


def test_open_cases_without_measures():
    got = hits(household("none", risk_eliminated=False, assistance_measures=None),
               household("empty", risk_eliminated=False, assistance_measures=""),
               household("some", risk_eliminated=False, assistance_measures="产业帮扶"),
               household("eliminated", assistance_measures=None))
    assert got["unresolved_without_measures"] == ["none", "empty"]


def test_measure_mismatch_uses_the_measure_map():
    def open_case(hid: str, risks: str, measures: str) -> dict:
        return household(hid, risk_eliminated=False, risk_types=risks, assistance_measures=measures)
    got = hits(open_case("ill_no_health", "因病", "产业帮扶"), open_case("ill_health", "因病;因残", "健康帮扶"),
               open_case("work_no_job", "因病、因务工就业不稳", "健康帮扶"), open_case("work_job", "因务工就业不稳", "就业帮扶"),
               open_case("labour_post", "因缺劳动力", "公益岗位帮扶"), open_case("labour_none", "因缺劳动力", "产业帮扶"),
               open_case("other_risk", "因学", "产业帮扶"),
               household("eliminated_ill", risk_types="因病", assistance_measures="产业帮扶"))
    assert got["measure_mismatch"] == ["ill_no_health", "work_no_job", "labour_none"]


def test_without_a_monitoring_line_the_income_rules_are_skipped_not_zero():
    f = flagged(household("a", per_capita_net_income=1.0), line=None)
    assert "eliminated_below_line" not in f.columns and "unidentified_below_line" not in f.columns
    skip = checks.skipped(None, 2025)
    assert set(skip) == {"eliminated_below_line", "unidentified_below_line"} and "2025" in skip["eliminated_below_line"]
    assert checks.skipped(LINE, 2025) == {}


def test_a_bad_measure_map_setting_is_refused_in_chinese(monkeypatch):
    monkeypatch.setattr(checks.settings, "matrix", lambda key: [["因病", "看病"]])
    with pytest.raises(checks.ChecksError, match="checks.measure_map"):
        checks.Config.from_settings()


@pytest.fixture(scope="module")
def small_county(tmp_path_factory) -> Store:
    """A county that imports, not the demo: two townships, hand-made households, a line for 2025 only."""
    store = Store(tmp_path_factory.mktemp("checks_county"))
    villages = pd.DataFrame({"village_code": [VILLAGE, "990121101001"], "township_code": ["990121100", "990121101"],
                             "village_name": ["甲村", "乙村"]})
    rows = [household("a1", monitoring_start="202411", risk_eliminated_at="202504"),  # early
            household("a2", per_capita_net_income=LINE - 1),  # eliminated below the line
            household("a3", per_capita_net_income=LINE),  # at the line: not flagged
            household("b1", village_code="990121101001", monitoring_category=None, risk_eliminated=None,
                      risk_eliminated_at=None, monitoring_start=None, per_capita_net_income=100.0),
            household("b2", village_code="990121101001", risk_eliminated=False, assistance_measures=None)]
    households = pd.DataFrame(rows + [{**r, "year": 2024} for r in rows])
    households["risk_eliminated"] = households["risk_eliminated"].astype("boolean")
    lines = pd.DataFrame({"year": [2025], "threshold_yuan": [LINE]})
    store.write_snapshot({"villages": villages, "households": households, "monitoring_lines": lines},
                         kind="import", source="test")
    return store


def run_json(capsys, store: Store, *argv: str) -> dict:
    assert main(["checks", "--store", str(store.root), "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_command_counts_a_hand_made_county_by_township(small_county, capsys):
    out = run_json(capsys, small_county)
    assert out["year"] == 2025
    rules = out["rules"]
    assert set(rules) == {r.id for r in checks.RULES}
    assert rules["early_elimination"] == {"count": 1, "label": "消除过快",
                                          "by_township": {"990121100": 1, "990121101": 0}}
    assert rules["eliminated_below_line"]["count"] == 1
    assert rules["unidentified_below_line"]["by_township"] == {"990121100": 0, "990121101": 1}
    assert rules["unresolved_without_measures"]["by_township"] == {"990121100": 0, "990121101": 1}
    assert rules["measure_mismatch"]["count"] == 1  # b2: 因病 without 健康帮扶
    one = run_json(capsys, small_county, "--township", "990121101")
    assert one["rules"]["early_elimination"] == {"count": 0, "label": "消除过快", "by_township": {"990121101": 0}}


def test_command_skips_the_income_rules_for_a_year_without_a_line(small_county, capsys):
    rules = run_json(capsys, small_county, "--year", "2024")["rules"]
    assert rules["eliminated_below_line"]["count"] is None and "2024" in rules["eliminated_below_line"]["skipped"]
    assert rules["unidentified_below_line"]["count"] is None
    assert rules["early_elimination"]["count"] == 1  # the other rules still run
    assert main(["checks", "--store", str(small_county.root)]) == 0
    assert "未核查" not in capsys.readouterr().out  # 2025 has a line
    assert main(["checks", "--store", str(small_county.root), "--year", "2024"]) == 0
    assert "未核查" in capsys.readouterr().out


def test_command_refuses_unknown_year_and_township_in_chinese(small_county, capsys):
    assert main(["checks", "--store", str(small_county.root), "--year", "2019"]) == 1
    assert "没有 2019 年" in capsys.readouterr().err
    assert main(["checks", "--store", str(small_county.root), "--township", "123"]) == 1
    assert "没有乡镇代码为 123" in capsys.readouterr().err


def test_command_counts_on_the_demo_county_match_an_independent_count(demo_store, capsys):
    h = demo_store.table("households")
    year = int(h["year"].max())
    h = h[h["year"] == year]
    out = run_json(capsys, demo_store)
    assert out["year"] == year
    line = demo_store.table("monitoring_lines").set_index("year")["threshold_yuan"][year]
    town = h["village_code"].map(demo_store.table("villages").set_index("village_code")["township_code"])
    monitored = h["monitoring_category"].notna()
    eliminated = h["risk_eliminated"].eq(True)
    done, open_ = monitored & eliminated, monitored & ~eliminated

    def month(col: str) -> pd.Series:
        v = h[col].astype(float)
        return (v // 100) * 12 + v % 100

    def has(col: str, word: str) -> pd.Series:
        return h[col].fillna("").str.contains(word)

    expected = {
        "early_elimination": done & (month("risk_eliminated_at") - month("monitoring_start") < 6),
        "eliminated_below_line": done & (h["per_capita_net_income"] < line),
        "eliminated_with_gap": done & ~(h["housing_safe"] & h["drinking_water_safe"] & h["compulsory_education_ok"]
                                        & h["medical_insured_all"]),
        "eliminated_without_labour": done & (h["labor_count"] == 0) & (h["dibao"] | h["tekun"]),
        "unidentified_below_line": ~monitored & (h["per_capita_net_income"] < line),
        "unresolved_without_measures": open_ & h["assistance_measures"].fillna("").eq(""),
        "measure_mismatch": open_ & ((has("risk_types", "因病") & ~has("assistance_measures", "健康帮扶"))
                                     | (has("risk_types", "因务工就业不稳") & ~has("assistance_measures", "就业帮扶"))
                                     | (has("risk_types", "因缺劳动力") & ~has("assistance_measures", "综合保障")
                                        & ~has("assistance_measures", "公益岗位帮扶"))),
    }
    assert sum(int(m.sum()) for m in expected.values()) > 0  # the demo county has something to find
    for rule, mask in expected.items():
        assert out["rules"][rule]["count"] == int(mask.sum()), rule
        by_town = {k: v for k, v in out["rules"][rule]["by_township"].items() if v}
        assert by_town == {k: int(v) for k, v in mask.groupby(town).sum().items() if v}, rule
