"""系统设置: the administrator sees every declared setting with its meaning, type, unit, range, value
and origin, and changes or confirms one, validated and audited."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analytics import settings
from analytics.data import county, county_settings
from ui import auth, data, layout, session, tables
from ui.text import pick
from ui.texts.settings import TEXT

auth.require_admin()
t = pick(TEXT)
store = data.store()
layout.header(t["title"])
if saved := st.session_state.pop("_setting_saved", None):
    st.success(t["saved"].format(key=saved))

identity = county.read(store, data.snapshot().id)
st.markdown(t["identity"].format(**vars(identity)) if identity else t["no_identity"])
if not county_settings.unconfirmed(store):  # the ones still to confirm are listed in the banner above
    st.success(t["all_confirmed"])

rows = county_settings.in_force(store)
table = pd.DataFrame([{
    "key": r.key, "doc": settings.BY_KEY[r.key].doc, "kind": settings.BY_KEY[r.key].kind.value,
    "unit": settings.BY_KEY[r.key].unit, "range": settings.BY_KEY[r.key].range_text(),
    "value": json.dumps(r.value, ensure_ascii=False), "origin": r.origin_text(),
    "county": t["yes"] if settings.BY_KEY[r.key].county else t["no"],
} for r in rows])
st.subheader(t["table"])
tables.show(table, {c: t[c] for c in table.columns}, rows=11)

st.subheader(t["edit"])
st.caption(t["explain"])
current = {r.key: r.value for r in rows}
key = st.selectbox(t["choose"], [r.key for r in rows], key="setting_key",
                   format_func=lambda k: f"{k} · {settings.BY_KEY[k].doc[:40]}")
with st.form("setting_edit"):
    text = st.text_input(t["new_value"], value=json.dumps(current[key], ensure_ascii=False)
                         if not isinstance(current[key], str) else current[key])
    if st.form_submit_button(t["save"], type="primary"):
        try:
            county_settings.set_value(store, key, county_settings.parse(key, text), by=data.current_user(),
                                      client=session.client())
        except settings.SettingsError as exc:
            st.error(str(exc))
        else:
            st.session_state["_setting_saved"] = key
            st.rerun()
