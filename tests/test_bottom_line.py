"""The 底线 board: per area, each bottom-line item's households with a gap, red above zero
and green at zero, gaps first; checked against the household rows."""

from __future__ import annotations

import numpy as np

from analytics.data.contract import GUARANTEE_COLUMNS
from analytics.reports import figures
from analytics.views import guarantees


def test_board_counts_match_the_households_and_colour_by_zero(demo_store):
    vy, villages, townships = (demo_store.table(n) for n in ("village_year", "villages", "townships"))
    h = demo_store.table("households")
    year = int(h["year"].max())
    board = guarantees.bottom_line(vy, villages, townships, year)
    now = h[h["year"] == year].merge(villages[["village_code", "township_code"]], on="village_code")
    gaps = now.assign(**{c: ~now[c] for c in GUARANTEE_COLUMNS})
    expected = gaps.groupby("township_code")[list(GUARANTEE_COLUMNS)].sum()
    got = board.set_index("township_code")
    for c in GUARANTEE_COLUMNS:
        assert (got[c] == expected.loc[got.index, c]).all(), c
    any_gap = gaps[list(GUARANTEE_COLUMNS)].any(axis=1).groupby(gaps["township_code"]).sum()
    assert (got[guarantees.ANY] == any_gap[got.index]).all()
    assert (got["cleared"] == (any_gap[got.index] == 0)).all()
    assert board["cleared"].is_monotonic_increasing  # areas with gaps first
    assert board["cleared"].any() and not board["cleared"].all()  # the demo county has both

    fig = figures.bottom_line_board(board, "township_name")
    cells = fig.data[0]
    counts = np.asarray(cells.text)
    assert list(cells.y) == list(board["township_name"][::-1])
    assert ((np.asarray(cells.z) == 1) == (counts > 0)).all()  # red (1) exactly where a gap is counted
    assert counts[:, -1].tolist() == board[guarantees.ANY][::-1].tolist()


def test_village_board_lists_the_villages_of_the_frames(demo_store):
    vy, villages, townships = (demo_store.table(n) for n in ("village_year", "villages", "townships"))
    town = townships["township_code"].iloc[0]
    own = villages[villages["township_code"] == town]
    board = guarantees.bottom_line(vy[vy["village_code"].isin(own["village_code"])], own, townships,
                                   int(vy["year"].max()), "village")
    assert set(board["village_code"]) == set(own["village_code"])
