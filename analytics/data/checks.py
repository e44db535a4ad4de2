"""数据核查: the policy checks inspections run on a year's household rows.

Seven rules, each flagging households, defined exactly as below (issue 15), so that the page,
the command line, the township desk and the assessment count the same households:

- early_elimination 消除过快: monitored, eliminated, and fewer than `min_months` months from
  识别监测时间 to 风险消除时间 (months counted as year x 12 + month);
- eliminated_below_line 已消除但收入低于监测线: monitored, eliminated, 人均纯收入 < the year's line;
- eliminated_with_gap 已消除但三保障/饮水未保障: monitored, eliminated, any guarantee = 否;
- eliminated_without_labour 无劳动力兜底户标记消除: monitored, eliminated, 劳动力人数 = 0 and
  低保 or 特困供养 (兜底 households are not marked eliminated);
- unidentified_below_line 应纳未纳: not monitored and 人均纯收入 < the year's line;
- unresolved_without_measures 监测户无帮扶措施: monitored, not eliminated, no 帮扶措施;
- measure_mismatch 措施与风险不匹配: monitored, not eliminated, and a risk type of the measure map
  without any of its measures.

A year without a monitoring line cannot run the two income rules: they are reported as
skipped with the reason, never as zero. The thresholds are settings (checks.*).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics import settings
from analytics.data.contract import ASSISTANCE_MEASURES, GUARANTEE_COLUMNS, RISK_TYPES, split_multi


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    definition: str  # the rule in words, for the page and the README
    needs_line: bool = False
    elimination: bool = False  # flags an elimination (the assessment deducts these)


RULES: tuple[Rule, ...] = (
    Rule("early_elimination", "消除过快", "监测户已消除风险,且从识别监测到风险消除不足 {months} 个月", elimination=True),
    Rule("eliminated_below_line", "已消除但收入低于监测线", "监测户已消除风险,但人均纯收入低于当年监测标准",
         needs_line=True, elimination=True),
    Rule("eliminated_with_gap", "已消除但三保障/饮水未保障",
         "监测户已消除风险,但住房安全、饮水安全、义务教育或基本医疗参保任一项未保障", elimination=True),
    Rule("eliminated_without_labour", "无劳动力兜底户标记消除",
         "监测户已消除风险,但无劳动力且享受低保或特困供养(兜底户不应标记消除)", elimination=True),
    Rule("unidentified_below_line", "应纳未纳", "不是监测对象,但人均纯收入低于当年监测标准", needs_line=True),
    Rule("unresolved_without_measures", "监测户无帮扶措施", "监测户风险未消除,且没有任何帮扶措施"),
    Rule("measure_mismatch", "措施与风险不匹配", "监测户风险未消除,有某类风险却没有对应的常规帮扶措施:{pairs}"),
)
BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
ELIMINATION_RULES = tuple(r.id for r in RULES if r.elimination)

COLUMNS = ("year", "household_id", "village_code", "monitoring_category", "monitoring_start", "risk_eliminated",
           "risk_eliminated_at", "risk_types", "per_capita_net_income", "labor_count", "dibao", "tekun",
           "assistance_measures", "household_size", *GUARANTEE_COLUMNS)
PERSONAL_COLUMNS = ("head_name", "head_id_number")  # read only where households are listed, not to count
LIST_COLUMNS = ("village_name", "head_name", "monitoring_category", "monitoring_start", "risk_eliminated_at",
                "per_capita_net_income", "risk_types", "assistance_measures", "household_size", "labor_count",
                "township_name", "household_id", "head_id_number", "village_code", "township_code")


class ChecksError(ValueError):
    """A setting or an argument the user must correct; the message is Chinese."""


@dataclass(frozen=True)
class Config:
    min_months: int
    measure_map: tuple[tuple[str, tuple[str, ...]], ...]  # (risk type, the measures that answer it); hashable

    @classmethod
    def from_settings(cls) -> Config:
        rows = settings.matrix("checks.measure_map")
        for row in rows:
            if len(row) < 2 or row[0] not in RISK_TYPES or any(m not in ASSISTANCE_MEASURES for m in row[1:]):
                raise ChecksError(f"设置 checks.measure_map 的一行 {row} 无效:第一项应为风险类型"
                                  f"({'、'.join(RISK_TYPES)}),其后为帮扶措施({'、'.join(ASSISTANCE_MEASURES)})")
        return cls(settings.integer("checks.min_months_to_eliminate"),
                   tuple((str(r[0]), tuple(str(m) for m in r[1:])) for r in rows))

    def describe(self, rule: Rule) -> str:
        pairs = ";".join(f"{risk}而无{'或'.join(measures)}" for risk, measures in self.measure_map)
        return rule.definition.format(months=self.min_months, pairs=pairs)


def _months(yyyymm: pd.Series) -> pd.Series:
    """YYYYMM as a month count (year x 12 + month); missing stays missing."""
    value = pd.to_numeric(yyyymm, errors="coerce")
    return (value // 100) * 12 + value % 100


def _has(cells: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    wanted_set = set(wanted)
    return cells.map(lambda v: bool(wanted_set & set(split_multi(v)))).astype(bool)


def flags(rows: pd.DataFrame, line: float | None, config: Config) -> pd.DataFrame:
    """One boolean column per rule, aligned with `rows` (one year's households). Without a
    monitoring line the income rules are left out (see `skipped`)."""
    category = rows["monitoring_category"].fillna("").astype(str).str.strip() != ""
    eliminated = rows["risk_eliminated"].astype("boolean").fillna(False).astype(bool)
    done = category & eliminated
    open_ = category & ~eliminated
    elapsed = _months(rows["risk_eliminated_at"]) - _months(rows["monitoring_start"])
    gap = pd.concat([~rows[c].astype(bool) for c in GUARANTEE_COLUMNS], axis=1).any(axis=1)
    no_labour = (rows["labor_count"] == 0) & (rows["dibao"].astype(bool) | rows["tekun"].astype(bool))
    measures = rows["assistance_measures"].map(split_multi)
    mismatch = pd.Series(False, index=rows.index)
    for risk, answers in config.measure_map:
        mismatch |= _has(rows["risk_types"], (risk,)) & ~_has(rows["assistance_measures"], answers)
    out = {
        "early_elimination": done & (elapsed < config.min_months).fillna(False).astype(bool),
        "eliminated_with_gap": done & gap,
        "eliminated_without_labour": done & no_labour,
        "unresolved_without_measures": open_ & (measures.map(len) == 0),
        "measure_mismatch": open_ & mismatch,
    }
    if line is not None:
        below = (rows["per_capita_net_income"] < line).fillna(False).astype(bool)
        out["eliminated_below_line"] = done & below
        out["unidentified_below_line"] = ~category & below
    return pd.DataFrame({r.id: out[r.id] for r in RULES if r.id in out}, index=rows.index)


def line_of(lines: pd.DataFrame, year: int) -> float | None:
    """The year's monitoring line (元/人·年), or None when the monitoring_lines table has none."""
    match = lines.loc[lines["year"] == year, "threshold_yuan"]
    return float(match.iloc[0]) if len(match) else None


def skipped(line: float | None, year: int) -> dict[str, str]:
    """The rules that cannot run for want of a monitoring line, with the reason in Chinese."""
    if line is not None:
        return {}
    return {r.id: f"监测标准表中没有 {year} 年的监测收入标准,本规则未核查" for r in RULES if r.needs_line}


def counts(rows: pd.DataFrame, flagged: pd.DataFrame, villages: pd.DataFrame, year: int,
           skip: dict[str, str]) -> dict:
    """The --json shape: {"year", "rules": {id: {"count", "label", "by_township"}}}; a skipped
    rule has count None and the reason under "skipped". by_township lists every township of
    `villages` (zeros included) so a zero is seen to be a zero."""
    town = rows["village_code"].map(villages.set_index("village_code")["township_code"])
    towns = sorted(villages["township_code"].unique())
    out: dict = {"year": int(year), "rules": {}}
    for rule in RULES:
        if rule.id in skip:
            out["rules"][rule.id] = {"count": None, "label": rule.label, "by_township": {},
                                     "skipped": skip[rule.id]}
            continue
        per_town = flagged[rule.id].groupby(town).sum().reindex(towns, fill_value=0)
        out["rules"][rule.id] = {"count": int(flagged[rule.id].sum()), "label": rule.label,
                                 "by_township": {str(k): int(v) for k, v in per_town.items()}}
    return out


def summary(rows: pd.DataFrame, flagged: pd.DataFrame, skip: dict[str, str]) -> pd.DataFrame:
    """One row per rule: households and people flagged (户数与人数), NaN for a skipped rule."""
    size = rows["household_size"]
    return pd.DataFrame([
        {"rule": r.id, "label": r.label,
         "households": float("nan") if r.id in skip else int(flagged[r.id].sum()),
         "people": float("nan") if r.id in skip else int(size[flagged[r.id]].sum()),
         "skipped": skip.get(r.id, "")}
        for r in RULES
    ])


def by_area(rows: pd.DataFrame, flagged: pd.DataFrame, villages: pd.DataFrame, townships: pd.DataFrame,
            level: str = "township") -> pd.DataFrame:
    """Households flagged per rule for each township (or village of `villages`), every area
    listed, the most flagged first; skipped rules have no column."""
    areas = villages[["village_code", "village_name", "township_code"]].merge(
        townships[["township_code", "township_name"]], on="township_code", how="left")
    key = f"{level}_code"
    area_of = rows["village_code"] if level == "village" else rows["village_code"].map(
        areas.set_index("village_code")[key])
    counts = flagged.groupby(area_of).sum().astype(int)
    names = areas[[key, f"{level}_name"]].drop_duplicates(key).set_index(key)
    out = names.join(counts).fillna(0)
    out[list(flagged.columns)] = out[list(flagged.columns)].astype(int)
    out["total"] = out[list(flagged.columns)].sum(axis=1)
    return out.reset_index().sort_values(["total", key], ascending=[False, True], ignore_index=True)


def listing(rows: pd.DataFrame, flagged: pd.DataFrame, rules: tuple[str, ...], villages: pd.DataFrame,
            townships: pd.DataFrame) -> pd.DataFrame:
    """The households any of `rules` flags, with village and township names and `flags`, the
    labels of every rule that flags each. Personal columns are returned as they are: the caller
    masks them unless the role may see them."""
    present = [r for r in rules if r in flagged.columns]
    if not present:
        return pd.DataFrame(columns=["flags", *LIST_COLUMNS])
    hit = rows[flagged[present].any(axis=1)].copy()
    hit["flags"] = flagged.loc[hit.index].apply(
        lambda r: "、".join(BY_ID[c].label for c in flagged.columns if r[c]), axis=1).astype(str) \
        if len(hit) else pd.Series(dtype=str)
    hit = hit.merge(villages[["village_code", "village_name", "township_code"]], on="village_code", how="left")
    hit = hit.merge(townships[["township_code", "township_name"]], on="township_code", how="left")
    hit = hit.sort_values(["township_code", "village_code", "household_id"])
    return hit[["flags", *(c for c in LIST_COLUMNS if c in hit.columns)]].reset_index(drop=True)


def run(households: pd.DataFrame, lines: pd.DataFrame, year: int,
        config: Config) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The year's rows, their flags and the skipped rules; `households` may hold other years."""
    rows = households[households["year"] == year].reset_index(drop=True)
    line = line_of(lines, year)
    return rows, flags(rows, line, config), skipped(line, year)
