"""A user's township scope, applied to a frame before anything shows, exports or prints it.

The app (ui.data) and the command line (`python -m analytics export --user NAME`) both scope
rows here, so the rule is written once: a 乡镇 user sees the rows of the listed townships,
identified by `township_code` or, failing that, by `village_code` (a project's village_code
may also be a township code, for township-wide projects).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.access.users import User

# Location columns by English id or Chinese header (exports may already carry the headers), and
# the columns that identify a household or a person: a frame holding those must carry a location.
_TOWNSHIP = ("township_code", "乡镇代码")
_VILLAGE = ("village_code", "村代码")
_ROW_IDENTIFYING = ("household_id", "head_name", "head_id_number", "户编号", "户主姓名", "户主证件号码")


class ScopeError(ValueError):
    """A frame that cannot be scoped because it has no township or village column."""


@dataclass(frozen=True)
class Scope:
    townships: tuple[str, ...] | None = None  # None: the whole county

    @classmethod
    def of(cls, user: User | None) -> Scope:
        """The user's scope; no user at all means no township (fail closed)."""
        return cls(()) if user is None else cls(user.allowed_townships)

    @property
    def whole_county(self) -> bool:
        return self.townships is None

    def village_codes(self, villages: pd.DataFrame) -> set[str]:
        allowed = set(self.townships or ())
        return set(villages.loc[villages["township_code"].isin(allowed), "village_code"]) | allowed

    def apply(self, frame: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
        """Rows of the frame inside the scope; `villages` is the unscoped village table."""
        if self.townships is None:
            return frame
        for column in _TOWNSHIP:
            if column in frame.columns:
                return frame[frame[column].isin(self.townships)]
        for column in _VILLAGE:
            if column in frame.columns:
                return frame[frame[column].isin(self.village_codes(villages))]
        if any(c in frame.columns for c in _ROW_IDENTIFYING):
            raise ScopeError("该表含户级数据但没有乡镇代码或村代码列,无法按用户范围筛选。")
        return frame  # county-wide reference data such as the monitoring lines
