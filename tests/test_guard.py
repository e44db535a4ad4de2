"""ui.guard: an error in a page section shows the Chinese message with a reference that is also
in the server log, and the sections after it still render."""

from __future__ import annotations

import logging
import re

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st

    from ui import guard

    with guard.section():
        st.write("before")
    with guard.section():
        raise KeyError("slide")
    st.write("after")


def test_a_failing_section_shows_a_reference_in_chinese_and_the_rest_renders(caplog):
    with caplog.at_level(logging.ERROR, logger="dashboard"):
        at = AppTest.from_function(_page).run()
    assert not at.exception
    message = at.error[0].value
    assert "这部分内容暂时无法显示" in message
    ref = re.search(r"\*\*([0-9A-F]{6})\*\*", message).group(1)
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)
    assert [m.value for m in at.markdown] == ["before", "after"]
