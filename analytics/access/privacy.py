"""Masking of personal information (PIPL): names, ID numbers and phone numbers.

Every household view, export and briefing passes its frame through `mask_frame` unless the
signed-in role may see personal data; the contract marks which columns are personal.
"""

from __future__ import annotations

import pandas as pd

from analytics.data.contract import TABLES


def mask_name(name: object) -> object:
    """张三丰 -> 张*丰, 张三 -> 张*; keeps the first and (for 3+ characters) the last character."""
    if not isinstance(name, str) or not name:
        return name
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(value: object) -> object:
    """First 6 and last 4 characters kept: 990121********123X."""
    if not isinstance(value, str) or len(value) <= 10:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: object) -> object:
    """First 3 and last 4 digits kept: 138****5678."""
    if not isinstance(value, str) or len(value) <= 7:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


_MASKERS = {"head_name": mask_name, "head_id_number": mask_id_number, "phone": mask_phone}


def personal_columns(table: str = "households") -> list[str]:
    return [c.id for c in TABLES[table].columns if c.personal]


def mask_frame(frame: pd.DataFrame, *, keep_names: bool = False) -> pd.DataFrame:
    """A copy with every personal column masked (by English id or by Chinese header); with
    `keep_names`, names stay whole and only ID numbers and phones are masked."""
    out = frame.copy()
    headers = {c.zh: c.id for t in TABLES.values() for c in t.columns if c.personal}
    for column in out.columns:
        key = headers.get(column, column)
        if key in _MASKERS and not (keep_names and key == "head_name"):
            out[column] = out[column].map(_MASKERS[key])
    return out


def note(personal_visible: bool, names_visible: bool = False) -> str:
    """How an export or view shows personal data, in the words the audit log records."""
    if personal_visible:
        return "含完整个人信息"
    return "含完整姓名,证件号码已脱敏" if names_visible else "个人信息已脱敏"
