"""The colours a layer below analytics.reports needs (the Excel writers of the ledger and the
import templates). analytics.reports.palette re-exports them, so each colour is still written
once and the palette still lists every colour of the product."""

from __future__ import annotations

HEADER_FILL = "#f3d9d7"  # the header row of every workbook we write
