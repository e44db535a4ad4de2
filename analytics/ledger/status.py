"""Each task's status, red / amber / green with the reason in words.

A task linked to something the product measures takes its colour from the data: 三保障动态清零
(and each of its items) is red while any household still has a gap; the industry share is red when it misses the
IndustryRule (analytics.data.funds); funds are red when they fell below last year; a linked indicator is
green at its target, amber within ledger.indicator_amber_gap of it and red beyond. Any other
task takes it from the reported progress against its deadline (ledger.amber_behind_points,
ledger.red_behind_points). Independently, a task whose last report is older than its
frequency requires is flagged overdue (逾期未报).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from analytics import settings
from analytics.data import indicators
from analytics.data.contract import PROJECT_STATUSES, township_of
from analytics.data.funds import IndustryRule
from analytics.data.store import Store
from analytics.ledger import plan as ledger_plan
from analytics.views.projects import industry_share

RED, AMBER, GREEN = "red", "amber", "green"
STATUS_ZH = {RED: "红", AMBER: "黄", GREEN: "绿"}
ORDER = {RED: 0, AMBER: 1, GREEN: 2}
OVERDUE = "overdue"
# Rules on the guarantee gaps: rule id -> (village_year column, the gap in words)
GAP_RULES: dict[str, tuple[str, str]] = {
    "guarantee_gaps": ("guarantee_problem", "三保障及饮水安全问题"),
    "housing_gaps": ("housing_safe_problem", "住房安全问题"),
    "water_gaps": ("drinking_water_safe_problem", "饮水安全问题"),
    "education_gaps": ("compulsory_education_ok_problem", "义务教育保障问题"),
    "medical_gaps": ("medical_insured_all_problem", "基本医疗参保问题"),
}
COUNTY_LEVEL = ""  # township_code of a report made for the whole county (by the lead department)


@dataclass(frozen=True)
class Measured:
    """What the data says, for the linked tasks, over one scope (the county or townships)."""

    where: str = "全县"
    year: int | None = None
    gaps: dict[str, int] = field(default_factory=dict)  # village_year gap column -> households in `year`
    funds: pd.DataFrame = field(default_factory=pd.DataFrame)  # views.projects.industry_share() per year
    industry_rule: IndustryRule | None = None
    indicator_values: dict[str, float] = field(default_factory=dict)  # code -> village mean in `year`


def measured(store: Store, townships: tuple[str, ...] | None = None, where: str = "全县") -> Measured:
    """Read the current snapshot's measures over the townships (None: the county), up to the
    latest year of household data; reserve (储备) projects have no budget yet and are left out."""
    if not store.current_id():
        return Measured(where)
    vy = store.table("village_year")
    projects = store.table("projects")
    values = indicators.load_values(store)
    if townships is not None:
        vy = vy[township_of(vy["village_code"]).isin(townships)]
        projects = projects[township_of(projects["village_code"]).isin(townships)]
        values = values[township_of(values["village_code"]).isin(townships)]
    year = int(vy["year"].max()) if not vy.empty else None
    projects = projects[(projects["status"] != PROJECT_STATUSES[0]) & (projects["year"] <= (year or 0))]
    latest = values[values["year"] == values["year"].max()] if not values.empty else values
    return Measured(
        where=where, year=year,
        gaps={c: int(vy.loc[vy["year"] == year, c].sum()) for c, _ in GAP_RULES.values()} if year else {},
        funds=industry_share(projects, rule := IndustryRule.from_settings()), industry_rule=rule,
        indicator_values=latest.groupby("indicator_code")["value"].mean().to_dict(),
    )


def month_index(yyyymm: int) -> int:
    return yyyymm // 100 * 12 + yyyymm % 100 - 1


def from_index(index: int) -> int:
    return index // 12 * 100 + index % 12 + 1


def say(yyyymm: int) -> str:
    return f"{yyyymm // 100}年{yyyymm % 100}月"


def due_month(frequency: str, as_of: int) -> int:
    """The last month a report must exist for: the end of the last completed reporting period."""
    every = ledger_plan.FREQUENCIES.get(frequency, 3)
    return from_index(month_index(as_of) // every * every - 1)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _from_data(task: pd.Series, m: Measured, reports: pd.DataFrame) -> tuple[str, str] | None:
    """(status, reason) from the linked measure, or None when the task has none or no data."""
    kind, ref = ledger_plan.split_link(task["link"])
    gap = settings.number("ledger.indicator_amber_gap")
    if kind == "rule" and ref in GAP_RULES and GAP_RULES[ref][0] in m.gaps:
        column, words = GAP_RULES[ref]
        if m.gaps[column]:
            return RED, f"{m.where} {m.year} 年仍有 {m.gaps[column]:,} 户{words}未清零"
        return GREEN, f"{m.where} {m.year} 年{words}已清零"
    funds = m.funds.dropna(subset=["share"]) if not m.funds.empty else m.funds
    if kind == "rule" and ref == "industry_share" and not funds.empty and m.industry_rule is not None:
        last, rule = funds.iloc[-1], m.industry_rule
        words = (f"{m.where} {int(last['year'])} 年衔接资金产业占比 {last['share']:.1%},"
                 f"规定不低于 {rule.minimum:.0%}(力争 {rule.target:.0%})")
        return (GREEN, words) if last["meets_rule"] else (RED, words)
    if kind == "rule" and ref == "funds_growth" and len(funds) >= 2:
        totals = funds["funds_wan"] + funds["other_sources_wan"]  # every source: 财政投入 as a whole
        last, before, year = totals.iloc[-1], totals.iloc[-2], int(funds["year"].iloc[-1])
        change = last / before - 1
        words = f"{m.where} {year} 年衔接资金 {last:,.0f} 万元,比上年{'增长' if change >= 0 else '减少'} {abs(change):.1%}"
        return (GREEN, words) if change >= 0 else (RED, words)
    if kind == "indicator" and ref in m.indicator_values:
        row = indicators.catalogue().loc[ref]
        return _against_target(m.indicator_values[ref], row, f"{row['name_zh']}({m.where}村均,{m.year} 年)", gap)
    if kind == "reported" and ref in ledger_plan.reported_catalogue().index:
        numbers = reports[pd.notna(reports["number"])]
        county = numbers[numbers["township_code"] == COUNTY_LEVEL]
        if not county.empty:
            last = county.iloc[-1]
            row = ledger_plan.reported_catalogue().loc[ref]
            return _against_target(float(last["number"]), row,
                                   f"{row['name_zh']}({say(int(last['month']))}上报)", gap)
    return None


def _against_target(value: float, row: pd.Series, label: str, gap: float) -> tuple[str, str]:
    target, unit = float(row["target"]), row["unit"]
    digits = 0 if float(value).is_integer() else 1
    words = f"{label} {value:,.{digits}f}{unit},目标 {target:,.0f}{unit}"
    met = value >= target if row["higher_is_better"] else value <= target
    if met:
        return GREEN, words + ",已达到"
    near = target != 0 and abs(target - value) <= gap * abs(target)
    return (AMBER, words + ",接近目标") if near else (RED, words + ",未达到")


def _from_progress(task: pd.Series, latest: pd.DataFrame, as_of: int) -> tuple[str, str]:
    """(status, reason) from the reported progress against the deadline."""
    if latest.empty:
        return RED, "尚无进展报告"
    county = latest[latest["township_code"] == COUNTY_LEVEL]
    basis = county if not county.empty else latest
    percents = basis.dropna(subset=["percent"])
    slowest = percents.loc[percents["percent"].idxmin()] if not percents.empty else None
    month = int(basis["month"].max())
    if slowest is None:
        return GREEN, f"{say(month)}已报告进展(未填进度)"
    percent = float(slowest["percent"])
    who = f"{slowest['township_code']} " if slowest["township_code"] else ""
    if percent >= 100:
        return GREEN, f"{who}已完成({say(int(slowest['month']))}报告 100%)"
    deadline = _number(task["deadline"])
    if deadline is None:
        return GREEN, f"{who}进度 {percent:.0f}%({say(int(slowest['month']))}报告),长期任务"
    deadline = int(deadline)
    if as_of > deadline:
        return RED, f"已过完成时限 {say(deadline)},{who}最新进度 {percent:.0f}%"
    start = settings.integer("ledger.plan_start")
    span = max(month_index(deadline) - month_index(start) + 1, 1)
    expected = min(100.0, (month_index(as_of) - month_index(start) + 1) / span * 100)
    behind = expected - percent
    words = f"{who}进度 {percent:.0f}%,按时限 {say(deadline)} 此时应达 {expected:.0f}%"
    if behind > settings.number("ledger.red_behind_points"):
        return RED, words + f",落后 {behind:.0f} 个百分点"
    if behind > settings.number("ledger.amber_behind_points"):
        return AMBER, words + f",落后 {behind:.0f} 个百分点"
    return GREEN, words


def _overdue(task: pd.Series, latest: pd.DataFrame, as_of: int) -> str:
    """Why the task's reports are overdue, or '' when they are not."""
    due = due_month(task["frequency"], as_of)
    if due < settings.integer("ledger.plan_start"):
        return ""
    named = ledger_plan.townships_of(task["townships"])
    units = list(named) if named else [None]
    late = []
    for unit in units:
        mine = latest if unit is None else latest[latest["township_code"] == unit]
        if mine.empty or int(mine["month"].max()) < due:
            late.append(unit or task["lead"])
    if not late:
        return ""
    return f"{'、'.join(late)}逾期未报:应{task['frequency']}报告,{say(due)}的进展尚未报"


def evaluate(tasks: pd.DataFrame, reports: pd.DataFrame, m: Measured, as_of: date | int) -> pd.DataFrame:
    """One row per task: the plan columns plus status, reason, basis, overdue, last report."""
    now = as_of if isinstance(as_of, int) else as_of.year * 100 + as_of.month
    reports = reports.sort_values(["month"]) if not reports.empty else reports
    rows = []
    for _, task in tasks.iterrows():
        mine = reports[reports["task_id"] == task["task_id"]] if not reports.empty else reports
        latest = mine.groupby("township_code", as_index=False).tail(1) if not mine.empty else mine
        data = _from_data(task, m, mine)
        status, reason = data if data is not None else _from_progress(task, latest, now)
        late = _overdue(task, latest, now)
        rows.append({**task.to_dict(), "status": status, "status_zh": STATUS_ZH[status], "reason": reason,
                     "basis": "数据" if data is not None else "进展报告", "overdue": bool(late), "overdue_reason": late,
                     "last_report": int(mine["month"].max()) if not mine.empty else None,
                     "reports": len(mine)})
    out = pd.DataFrame(rows)
    return out.astype({"last_report": "Int64"}) if not out.empty else out


def select(frame: pd.DataFrame, *, status: str | None = None, department: str | None = None,
           township: str | None = None) -> pd.DataFrame:
    """Rows of `evaluate` for a status (or 'overdue'), a department (lead or partner) and a township."""
    out = frame
    if status == OVERDUE:
        out = out[out["overdue"]]
    elif status:
        out = out[out["status"] == status]
    if department:
        out = out[(out["lead"] == department) | out["partners"].str.contains(department, regex=False)]
    if township:
        out = out[[ledger_plan.townships_of(t) is None or township in ledger_plan.townships_of(t)
                   for t in out["townships"]]]
    return out


def for_townships(reports: pd.DataFrame, townships: tuple[str, ...] | None) -> pd.DataFrame:
    """The townships' own reports (what a township view shows); all reports for None."""
    return reports if townships is None else reports[reports["township_code"].isin(townships)]


def departments(tasks: pd.DataFrame) -> list[str]:
    return sorted(set(tasks["lead"]))


def worst(statuses: pd.Series) -> str:
    """The worst colour among tasks (red before amber before green)."""
    return min(statuses, key=ORDER.__getitem__) if len(statuses) else GREEN


def tree(table: pd.DataFrame) -> list[tuple[str, str, list[tuple[str, str, pd.DataFrame]]]]:
    """The plan's outline: (group such as 三(一), its title, [(section, task heading, its rows)])."""
    out: list[tuple[str, str, list[tuple[str, str, pd.DataFrame]]]] = []
    for section, rows in table.groupby("section", sort=False):
        group = section[:4] if section.startswith("三") else section[:1]
        if not out or out[-1][0] != group:
            out.append((group, rows["section_title"].iloc[0], []))
        out[-1][2].append((section, rows["task"].iloc[0], rows))
    return out


def history(reports: pd.DataFrame, task_id: str) -> pd.DataFrame:
    """One task's reports, newest first."""
    mine = reports[reports["task_id"] == task_id]
    return mine.sort_values(["month", "township_code"], ascending=[False, True]).reset_index(drop=True)
