"""Plain language on the pages leaders and township heads read: drivers as sentences, setting
names instead of keys, categories in English in the English UI."""

from __future__ import annotations

import importlib
import re

import numpy as np
import pandas as pd
import pytest

from analytics import settings
from analytics.data.contract import MONITORING_CATEGORIES, PROJECT_CATEGORIES, PROJECT_STATUSES, VALUES_EN
from analytics.risk import phrasing
from analytics.risk.explain import DRIVERS
from analytics.risk.features import CATEGORY_LEVELS
from ui.nav import PAGES

HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize(("ratio", "zh", "en"), [
    (0.37, "人均纯收入只有监测线的 37%", "Income per person is only 37% of the monitoring line"),
    (1.0, "人均纯收入为监测线的 100%", "Income per person is 100% of the monitoring line"),  # at the line: not 只有
    (0.996, "人均纯收入为监测线的 100%", "Income per person is 100% of the monitoring line"),  # rounds to 100
    (0.994, "人均纯收入只有监测线的 99%", "Income per person is only 99% of the monitoring line"),
    (1.5, "人均纯收入为监测线的 150%", "Income per person is 150% of the monitoring line"),
    (0.0, "人均纯收入为零或负数", "Income per person is zero or below"),
])
def test_income_reads_as_a_share_of_the_line(ratio, zh, en):
    assert phrasing.sentence("income_to_line", ratio) == zh
    assert phrasing.sentence("income_to_line", ratio, "en") == en


def test_counts_yes_no_categories_and_funds_read_as_sentences():
    assert phrasing.sentence("labor_count", 0.0) == "家中没有劳动力"
    assert phrasing.sentence("chronic_illness_count", 2.0) == "家中有 2 人患慢性病"
    assert phrasing.sentence("chronic_illness_count", 1.0, "en") == "1 member with a chronic illness"
    assert phrasing.sentence("chronic_illness_count", 2.0, "en") == "2 members with a chronic illness"
    assert phrasing.sentence("housing_unsafe", 1.0) == "住房不安全"
    assert phrasing.sentence("housing_unsafe", 0.0) == "住房安全"
    mountain = CATEGORY_LEVELS["terrain"].index("山区")
    assert phrasing.sentence("terrain", float(mountain)) == "所在村地处山区"
    assert phrasing.sentence("terrain", float(mountain), "en") == "Village terrain: Mountain"
    assert phrasing.sentence("past_category", 0.0) == "此前从未纳入监测"
    assert phrasing.sentence("transfer_share", 0.004) == "没有转移性收入"  # rounds to 0%
    assert phrasing.sentence("transfer_share", 0.006, "en") == "Transfers are 1% of income"
    assert phrasing.sentence("work_months_change", -2.0) == "务工月数比上年减少 2.0 个月"
    assert phrasing.sentence("village_industry_funds", float(np.log1p(1.5))) == "本村户均产业发展资金 1,500 元"
    assert phrasing.sentence("income_to_line", float("nan")) == "人均纯收入/监测标准(未填报)"


@pytest.mark.parametrize("driver", DRIVERS)
def test_every_driver_has_a_sentence_in_both_languages_with_no_raw_ratio(driver):
    values = [float(i) for i in range(len(CATEGORY_LEVELS[driver]))] if driver in CATEGORY_LEVELS else [0, 0.37, 1, 2]
    for value in values:
        zh, en = phrasing.sentence(driver, value), phrasing.sentence(driver, value, "en")
        assert zh and en and not HAN.search(en), (driver, en)
        assert "/" not in zh and not re.search(r"\b0\.\d\d\b", zh), (driver, zh)  # no "收入/标准 0.37"


def test_a_households_drivers_join_in_order_and_skip_missing_slots():
    scored = pd.DataFrame({"driver_1": ["income_to_line", None], "value_1": [0.5, np.nan],
                           "driver_2": ["housing_unsafe", None], "value_2": [1.0, np.nan],
                           "driver_3": [None, None], "value_3": [np.nan, np.nan]})
    assert phrasing.sentences(scored) == ["人均纯收入只有监测线的 50%；住房不安全", ""]
    assert phrasing.sentences(scored, "en")[0] == "Income per person is only 50% of the monitoring line; Housing is not safe"


def test_every_county_setting_declares_a_short_name():
    assert all(s.label for s in settings.DECLARED if s.county)
    assert settings.label("funds.disbursement_schedule") == "资金支出序时进度"
    assert settings.label("risk.workload") == "risk.workload"  # no short name: the key


KEY = re.compile(r"\b(?:" + "|".join(sorted({k.split(".")[0] for k in settings.BY_KEY})) + r")\.[a-z_]+\b")
TECHNICAL_PAGES = {"settings", "model_card", "data_admin", "audit_log"}  # the admin and model pages


def test_no_settings_key_in_the_texts_of_pages_outside_admin_and_model():
    found = []
    for spec in PAGES:
        name = spec.path.split("/")[-1][:-3]
        if name in TECHNICAL_PAGES:
            continue
        try:
            texts = importlib.import_module(f"ui.texts.{name}").TEXT
        except ModuleNotFoundError:
            continue
        for language in texts.values():
            found += [f"{name}: {k}" for k, v in language.items() if isinstance(v, str) and KEY.search(v)]
    assert not found, found


def test_category_values_have_english_names():
    for value in (*MONITORING_CATEGORIES, *PROJECT_CATEGORIES, *PROJECT_STATUSES, "领先", "达标", "滞后"):
        assert value in VALUES_EN and not HAN.search(VALUES_EN[value]), value
