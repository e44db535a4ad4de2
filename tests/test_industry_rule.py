"""The industry-share rule as counties apply it (analytics.data.funds.IndustryRule): only the
counted fund sources, the counted categories, both lines, and settings checked."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.data import funds
from analytics.data.funds import FundsRuleError, IndustryRule

RULE = IndustryRule(("中央衔接资金",), ("产业发展", "就业帮扶"), 0.55, 0.60)


def _projects(*rows: tuple[str, str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["fund_source", "category", "funds_wan", "township"])


def test_only_counted_sources_enter_numerator_and_denominator():
    p = _projects(("中央衔接资金", "产业发展", 50.0, "a"), ("中央衔接资金", "就业帮扶", 5.0, "a"),
                  ("中央衔接资金", "乡村建设", 45.0, "a"), ("省级衔接资金", "产业发展", 1000.0, "a"),
                  ("", "乡村建设", 500.0, "a"), ("某某专项", "乡村建设", 300.0, "a"))
    assert RULE.share(p) == pytest.approx(55 / 100)  # unknown and empty sources count as not central
    totals = RULE.totals(p, "township")
    assert totals.loc["a", "funds_wan"] == 100.0 and totals.loc["a", "industry_wan"] == 55.0


def test_shares_at_the_two_lines_and_without_counted_funds():
    at_rule = _projects(("中央衔接资金", "产业发展", 55.0, "a"), ("中央衔接资金", "其他", 45.0, "a"))
    at_target = _projects(("中央衔接资金", "产业发展", 60.0, "a"), ("中央衔接资金", "其他", 40.0, "a"))
    assert RULE.share(at_rule) >= RULE.minimum and RULE.share(at_rule) < RULE.target
    assert RULE.share(at_target) >= RULE.target
    assert RULE.share(_projects(("省级衔接资金", "产业发展", 10.0, "a"))) is None


def test_settings_are_read_and_bad_categories_refused(monkeypatch):
    rule = IndustryRule.from_settings()
    assert rule.sources == ("中央衔接资金",) and rule.categories == ("产业发展",)
    assert (rule.minimum, rule.target) == (0.55, 0.60)
    real = funds.settings.texts
    monkeypatch.setattr(funds.settings, "texts", lambda key: ("产业配套设施",) if key == "funds.industry_categories"
                        else real(key))
    with pytest.raises(FundsRuleError, match="funds.industry_categories"):
        IndustryRule.from_settings()
    monkeypatch.setattr(funds.settings, "texts", lambda key: () if key == "funds.industry_sources" else real(key))
    with pytest.raises(FundsRuleError, match="funds.industry_sources"):
        IndustryRule.from_settings()
