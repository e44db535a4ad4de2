"""Shared Streamlit pieces: data loading and scope, filters, maps, charts, layout and text.

Pages import from here; analytics never imports from here."""
