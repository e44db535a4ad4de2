"""The snapshot history as 数据管理 shows it."""

from __future__ import annotations

import json

from analytics.data.contract import TABLES


def row_counts(stored: str) -> str:
    """A snapshot's row counts (stored as JSON {table: rows}) in words: "农户 6,000,村 220"; a
    table the contract does not know keeps its own name."""
    return ",".join(f"{TABLES[k].zh if k in TABLES else k} {v:,}" for k, v in json.loads(stored).items())
