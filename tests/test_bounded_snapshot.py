"""The snapshot's households and aggregates, written and derived in parts for bounded memory
(issue 22), are exactly what the whole-frame path gave: same file bytes, same values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.data import aggregates, store
from analytics.data.store import SLICE_ORDER, write_sliced
from analytics.demo import county


def _whole(frame: pd.DataFrame, path: Path) -> bytes:
    frame.sort_values(SLICE_ORDER, kind="stable").to_parquet(path, index=False, row_group_size=store.SLICE_ROW_GROUP)
    return path.read_bytes()


@pytest.mark.parametrize("order", ["as generated", "shuffled"])
def test_households_written_in_batches_are_the_whole_frame_file(demo_tables: dict, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 order: str) -> None:
    monkeypatch.setattr(store, "SLICE_ROW_GROUP", 700)  # many row groups and batches at a small size
    households = demo_tables["households"]
    if order == "shuffled":
        households = households.sample(frac=1.0, random_state=7)
    write_sliced(households, tmp_path / "batched.parquet", batch_groups=3)
    batched = (tmp_path / "batched.parquet").read_bytes()
    assert batched == _whole(households, tmp_path / "whole.parquet")
    assert len(households) > 3 * 700  # more than one batch was written


@pytest.mark.parametrize("order", [["year", "village_code"], ["household_id", "year"]])
def test_village_year_a_year_at_a_time_equals_the_whole_panel(demo_tables: dict, order: list[str]) -> None:
    households = demo_tables["households"].sort_values(order, kind="stable", ignore_index=True)
    lines = demo_tables["monitoring_lines"]
    whole = aggregates._village_year(households, lines)  # every year in one frame, as before issue 22
    yearly = aggregates.village_year(households, lines)
    pd.testing.assert_frame_equal(yearly, whole, check_exact=True)
    assert yearly["year"].nunique() == households["year"].nunique() > 1


def test_years_stacked_a_column_at_a_time_are_pd_concat(demo_tables: dict) -> None:
    households = demo_tables["households"]
    years = [households[households["year"] == year].reset_index(drop=True) for year in sorted(households["year"].unique())]
    expected = pd.concat(years, ignore_index=True)
    stacked = county._stack([frame.copy() for frame in years])
    pd.testing.assert_frame_equal(stacked, expected, check_exact=True)
    assert list(stacked.dtypes) == list(expected.dtypes)
