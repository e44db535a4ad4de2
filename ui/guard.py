"""No English error box: an uncaught error in a page (or in one section of it) shows a Chinese
message with a short reference, and the same reference goes to the server log with the
traceback, so the county's IT staff can find it from a screenshot or a phone call."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui.text import pick

LOG = logging.getLogger("dashboard")

TEXT = {
    "zh": {"failed": "这部分内容暂时无法显示。请刷新页面重试;如仍出现,请把编号 **{ref}** 告诉系统管理员。"},
    "en": {"failed": "This part could not be shown. Reload the page; if it happens again, give the "
                     "administrator the reference **{ref}**."},
}


def report(exc: Exception) -> str:
    """Log the error with a new reference and show the message; returns the reference."""
    ref = secrets.token_hex(3).upper()
    LOG.error("页面错误 %s: %s", ref, exc, exc_info=exc)
    st.error(pick(TEXT)["failed"].format(ref=ref), icon=":material/error:")
    return ref


@contextmanager
def section() -> Iterator[None]:
    """One section of a page: an error ends this section only, the rest of the page still renders.
    (Streamlit's st.stop and st.rerun are not Exceptions, so they pass through.)"""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - every error of a section ends up here, reported
        report(exc)


def run(page: st.Page) -> None:
    """page.run(), with any uncaught error shown in Chinese instead of Streamlit's box."""
    with section():
        page.run()
