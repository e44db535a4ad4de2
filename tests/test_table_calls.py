"""Read-only tables go through ui.tables.show, so every one masks personal data and shows its
numbers with thousands separators in their declared formats. A direct st.dataframe stays only
where show cannot do what the table needs, each named here with its reason."""

from __future__ import annotations

import re

from devtools import ROOT

CALL = re.compile(r"\bst\.dataframe\(")
ALLOWED = {
    # a row is picked to open the village (selection_mode/on_select), which show does not offer;
    # its money column has the separators (%,.1f) and its share is 0-100
    "app_pages/township.py": 1,
    # the ranking fits a half-width column with fixed widths (all values below 1,000), and the
    # village profile draws a progress bar and a trend line per row; both keep separators
    "app_pages/five_dimensions.py": 2,
}


def direct_calls() -> dict[str, int]:
    found: dict[str, int] = {}
    for root in ("app_pages", "ui"):
        for path in sorted((ROOT / root).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name == "ui/tables.py":
                continue
            count = len(CALL.findall(path.read_text(encoding="utf-8")))
            if count:
                found[name] = count
    return found


def test_no_read_only_table_bypasses_tables_show():
    assert direct_calls() == ALLOWED


def test_the_scan_sees_a_call_written_the_usual_way():
    assert CALL.search('    st.dataframe(frame, hide_index=True)') and not CALL.search("tables.show(frame)")
