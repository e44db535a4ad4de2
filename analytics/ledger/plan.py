"""The plan's tasks: one row per task and measure, shipped in data/plan_tasks.csv and replaced by
the county's own edited table when it imports one (kept in state.db, so it outlives snapshots).

A task links to what the product measures (`link`): `indicator:CODE` (data/indicators.csv),
`reported:CODE` (data/reported_indicators.csv, a department-reported figure), or `rule:ID`
(RULES below). Its status is then computed from the data; otherwise from reported progress.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analytics import settings
from analytics.data import audit, indicators
from analytics.data.store import Store

PLAN_FILE = settings.DATA_DIR / "plan_tasks.csv"
REPORTED_FILE = settings.DATA_DIR / "reported_indicators.csv"
ALL_TOWNSHIPS = "全部"
FREQUENCIES: dict[str, int] = {"每月": 1, "每季度": 3, "每半年": 6, "每年": 12}  # months between reports
RULES: dict[str, str] = {
    "guarantee_gaps": "三保障及饮水安全问题动态清零:仍有问题户即为红色",
    "housing_gaps": "住房安全问题清零:仍有住房不安全的户即为红色",
    "water_gaps": "饮水安全问题清零:仍有饮水不安全的户即为红色",
    "education_gaps": "义务教育保障问题清零:仍有未保障的户即为红色",
    "medical_gaps": "基本医疗保险参保问题清零:仍有未全员参保的户即为红色",
    "industry_share": "衔接资金用于产业发展的比例不低于系统设置中的产业发展资金占比下限",
    "funds_growth": "衔接资金总额不低于上一年度(财政投入逐年增长)",
}
LINK_KINDS = ("indicator", "reported", "rule")
SECTION = re.compile(r"三\(一\)[1-3]|三\(二\)[1-4]|三\(三\)[1-3]|四\([一二三四]\)")  # (一) typed full-width is normalised
TASK_ID = re.compile(r"[A-Za-z0-9_-]{1,20}")


@dataclass(frozen=True)
class Column:
    id: str
    zh: str
    required: bool
    doc: str


COLUMNS: tuple[Column, ...] = (
    Column("task_id", "任务编号", True, "本县自定的唯一编号,进展报告按它对应任务"),
    Column("section", "章节", True, "方案中的章节,如 三(一)1、三(二)4、四(三)"),
    Column("section_title", "章节标题", True, "如 巩固拓展脱贫攻坚成果"),
    Column("task", "任务", True, "方案中的任务(小标题)"),
    Column("measure", "具体措施", True, "一行一项措施"),
    Column("lead", "牵头单位", True, "一个单位;督办单按它分发"),
    Column("partners", "配合单位", False, "多个单位用“、”分隔"),
    Column("townships", "责任乡镇", True, "“全部”或乡镇代码,多个用“、”分隔;所列乡镇须逐一上报进展"),
    Column("deadline", "完成时限", False, "年月(6 位,如 202612);长期任务留空"),
    Column("frequency", "报告频次", True, "每月、每季度、每半年或每年"),
    Column("target", "目标", True, "目标的文字表述"),
    Column("target_value", "目标值", False, "可量化时填数字"),
    Column("target_unit", "单位", False, "目标值的单位"),
    Column("link", "关联", False, "indicator:指标代码、reported:部门上报指标代码或 rule:规则(见说明)"),
    Column("page", "关联页面", False, "平台中查看该项数据的页面"),
)
BY_HEADER = {c.zh: c.id for c in COLUMNS} | {c.id: c.id for c in COLUMNS}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_plan (
    position INTEGER PRIMARY KEY,
    task TEXT NOT NULL
);
"""


@lru_cache(maxsize=1)
def reported_catalogue(path: Path = REPORTED_FILE) -> pd.DataFrame:
    """Department-reported indicators (not scored; see README), indexed by code."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).set_index("code")
    frame["target"] = pd.to_numeric(frame["target"])
    frame["higher_is_better"] = frame["direction"].eq("higher")
    return frame


def shipped() -> pd.DataFrame:
    """The plan as shipped (from the county plan's own text)."""
    return pd.read_csv(PLAN_FILE, dtype=str, keep_default_na=False)


def ensure(con: sqlite3.Connection) -> None:
    con.executescript(_SCHEMA)


def load(store: Store | None) -> pd.DataFrame:
    """The county's plan: the imported one if any, else the shipped one."""
    if store is not None and (store.root / "state.db").exists():
        with store.db() as con:
            ensure(con)
            rows = con.execute("SELECT task FROM ledger_plan ORDER BY position").fetchall()
        if rows:
            return pd.DataFrame([json.loads(r[0]) for r in rows], columns=[c.id for c in COLUMNS])
    return shipped()


def save(store: Store, plan: pd.DataFrame, *, user: str, source: str) -> None:
    """Replace the county's plan (one transaction, audited)."""
    with store.db() as con:
        ensure(con)
        con.execute("BEGIN IMMEDIATE")
        con.execute("DELETE FROM ledger_plan")
        con.executemany("INSERT INTO ledger_plan VALUES (?, ?)",
                        [(i, json.dumps({c.id: str(r[c.id]) for c in COLUMNS}, ensure_ascii=False))
                         for i, (_, r) in enumerate(plan.iterrows())])
        audit.append(con, user, "ledger_plan", audit.COUNTY, f"{source}:任务台账 {len(plan)} 项")


def townships_of(value: str) -> tuple[str, ...] | None:
    """The townships a task names; None for all."""
    value = value.strip()
    if value in ("", ALL_TOWNSHIPS):
        return None
    return tuple(t for t in re.split(r"[、;;,,\s]+", value) if t)


def split_link(link: str) -> tuple[str, str]:
    kind, _, ref = link.partition(":")
    return kind.strip(), ref.strip()


def link_problem(link: str) -> str | None:
    """Why a link cannot be followed, or None when it can (or is empty)."""
    if not link.strip():
        return None
    kind, ref = split_link(link)
    known = {"indicator": set(indicators.catalogue().index), "reported": set(reported_catalogue().index),
             "rule": set(RULES)}
    if kind not in known:
        return f"关联应写成 {'、'.join(k + ':代码' for k in LINK_KINDS)}"
    if ref not in known[kind]:
        return f"没有这个{ {'indicator': '指标', 'reported': '部门上报指标', 'rule': '规则'}[kind] }代码"
    return None


def link_label(link: str) -> str:
    """The link in words for tables and notices."""
    kind, ref = split_link(link)
    if kind == "indicator" and ref in indicators.catalogue().index:
        return f"指标 {indicators.catalogue().loc[ref, 'name_zh']}"
    if kind == "reported" and ref in reported_catalogue().index:
        return f"部门上报指标 {reported_catalogue().loc[ref, 'name_zh']}"
    if kind == "rule" and ref in RULES:
        return f"规则 {RULES[ref]}"
    return ""
