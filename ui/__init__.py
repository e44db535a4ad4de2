"""Shared Streamlit pieces: data loading and scope, filters, maps, charts, layout and text.

Pages import from here; analytics never imports from here."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

# While a server process has not yet run st.navigation, Streamlit's legacy multipage mode runs a
# page file named by the URL directly, skipping app.py and its sign-in gate (pages/ exists). That
# is the first request after every restart. Every page imports this package, so turn the legacy
# mode off here and start the run again: it then goes through app.py.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()
