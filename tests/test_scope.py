"""Township scope and masking, enforced in the data layer: a 乡镇 user gets no other
township's row through any page, URL parameter, session-state edit, export or the command
line, and a masked role sees no full name or ID number anywhere."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics.__main__ import main
from analytics.access.scope import Scope, ScopeError
from analytics.data import audit, county
from devtools.apptest import sign_in
from tests.auth_helpers import FullNames, Outside, haystack, pages_for, workbook_text
from tests.import_helpers import copy_store
from ui import session


# --- the rule itself ---------------------------------------------------------------------------
def test_scope_keeps_only_the_listed_townships(demo_tables):
    town = demo_tables["townships"]["township_code"].iloc[3]
    villages = demo_tables["villages"]
    scope = Scope((town,))
    own = set(villages.loc[villages["township_code"] == town, "village_code"])
    assert set(scope.apply(villages, villages)["village_code"]) == own
    assert set(scope.apply(demo_tables["households"], villages)["village_code"]) <= own
    projects = scope.apply(demo_tables["projects"], villages)
    assert set(projects["village_code"]) <= own | {town} and len(projects)
    assert len(scope.apply(demo_tables["monitoring_lines"], villages)) == len(demo_tables["monitoring_lines"])
    renamed = demo_tables["households"].rename(columns={"village_code": "村代码"})
    assert set(scope.apply(renamed, villages)["村代码"]) <= own
    assert Scope(None).apply(villages, villages) is villages
    assert Scope.of(None).apply(villages, villages).empty  # nobody signed in: nothing at all


def test_a_household_frame_without_a_location_cannot_be_scoped(demo_tables):
    bare = demo_tables["households"][["household_id", "head_name"]]
    with pytest.raises(ScopeError):
        Scope(("990121103",)).apply(bare, demo_tables["villages"])


# --- every page, as a 乡镇 user ------------------------------------------------------------------
@pytest.mark.slow
def test_township_user_sees_only_own_township_on_every_page_and_download(with_accounts, demo_tables, downloads):
    outside = Outside(demo_tables, with_accounts.township)
    at = sign_in("town01", with_accounts.passwords["town01"])
    assert at.selectbox(key="town").options[1:] == ["白岩镇"]
    for path in pages_for("乡镇"):
        at.switch_page(path).run()
        assert not at.exception, (path, [e.value for e in at.exception])
        text = haystack(at)
        assert not outside.leaks(text), (path, outside.leaks(text)[:5])
    assert downloads, "no page offered a download"
    for name, payload in downloads:
        assert not outside.leaks(workbook_text(payload)), name


def test_the_scope_line_names_the_users_township_not_the_whole_county(with_accounts, demo_tables):
    """With 全部乡镇 chosen, a 乡镇 user's titles and exports say their township, not the county."""
    towns = demo_tables["townships"].set_index("township_code")["township_name"]
    at = sign_in("town01", with_accounts.passwords["town01"])
    assert at.selectbox(key="town").value == ""
    lines = [c.value for c in at.caption if c.value.startswith("范围:")]
    assert lines and lines[0].split(" · ")[0] == f"范围:{county.read(with_accounts.store).name} {towns[with_accounts.township]}"


@pytest.mark.slow
def test_url_parameters_cannot_reach_another_township(with_accounts, demo_tables, downloads):
    towns, villages = demo_tables["townships"], demo_tables["villages"]
    other = towns.loc[towns["township_code"] != with_accounts.township, "township_code"].iloc[0]
    other_village = villages.loc[villages["township_code"] == other, "village_code"].iloc[0]
    outside = Outside(demo_tables, with_accounts.township)
    at = sign_in("town01", with_accounts.passwords["town01"], query={"town": other, "village": other_village})
    assert at.selectbox(key="town").value != other and at.selectbox(key="village").value != other_village
    for path in pages_for("乡镇"):
        at.switch_page(path).run()
        assert not at.exception and not outside.leaks(haystack(at)), path
    for name, payload in downloads:
        assert not outside.leaks(workbook_text(payload)), name


@pytest.mark.slow
def test_edited_session_state_cannot_widen_scope_or_unmask(with_accounts, demo_tables, downloads):
    township = with_accounts.township
    outside, personal = Outside(demo_tables, township), FullNames(demo_tables, outside=township)
    at = sign_in("town01", with_accounts.passwords["town01"])
    for key, value in {"scope_townships": None, "can_see_personal": True, "user_name": "admin01",
                       "role": "管理员", "town": ""}.items():
        at.session_state[key] = value
    for path in pages_for("乡镇"):
        at.switch_page(path).run()
        text = haystack(at)
        assert not at.exception and not outside.leaks(text) and not personal.leaks(text), path
    for _, payload in downloads:
        assert not personal.leaks(workbook_text(payload))
    at.session_state[session.TOKEN_KEY] = "forged-" + "x" * 40
    at.run()
    assert at.title[0].value == "登录" and not outside.leaks(haystack(at))


# --- masking, for a masked role; full data for the admin -----------------------------------------
@pytest.mark.slow
def test_masked_role_sees_no_full_name_or_id_number_anywhere(with_accounts, demo_tables, downloads):
    personal = FullNames(demo_tables)
    at = sign_in("leader01", with_accounts.passwords["leader01"])
    for path in pages_for("县领导"):
        at.switch_page(path).run()
        text = haystack(at)
        assert not at.exception and not personal.leaks(text), (path, personal.leaks(text)[:3])
    assert downloads
    for name, payload in downloads:
        assert not personal.leaks(workbook_text(payload)), name


def test_admin_downloads_hold_full_personal_data(with_accounts, demo_tables, downloads):
    at = sign_in("admin01", with_accounts.passwords["admin01"])
    at.switch_page("app_pages/guarantees.py").run()
    texts = "\n".join(workbook_text(p) for _, p in downloads)
    assert FullNames(demo_tables).leaks(texts)  # the admin's files carry full names and ID numbers
    log = audit.read(with_accounts.store, users=["admin01"], actions=["export"])
    assert log["detail"].str.contains("含完整个人信息").any()


# --- the command line, run with a user ------------------------------------------------------------
def _export(monkeypatch, store, user: str, password: str, out) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    return main(["export", "households", "--user", user, "--out", str(out), "--store", str(store.root),
                 "--year", "2025"])


@pytest.mark.slow
def test_command_line_export_follows_the_users_scope_and_role(with_accounts, demo_tables, monkeypatch, tmp_path,
                                                               capsys):
    # a copy: the wrong password below puts plan01 in sign-in backoff, which other tests must not meet
    store, town = copy_store(with_accounts.store, tmp_path / "store"), with_accounts.township
    assert _export(monkeypatch, store, "town01", with_accounts.passwords["town01"], tmp_path / "t.xlsx") == 0
    frame = pd.read_excel(tmp_path / "t.xlsx", skiprows=3, dtype=str)
    villages = demo_tables["villages"]
    own = set(villages.loc[villages["township_code"] == town, "village_code"])
    assert len(frame) and set(frame["村代码"]) <= own
    # a 乡镇 account visits these households: whole names (privacy.township_sees_names), ID numbers masked
    assert frame["户主证件号码"].str.contains(r"\*").all() and not frame["户主姓名"].str.contains(r"\*").any()
    assert _export(monkeypatch, store, "admin01", with_accounts.passwords["admin01"], tmp_path / "a.xlsx") == 0
    full = pd.read_excel(tmp_path / "a.xlsx", skiprows=3, dtype=str)
    assert len(full) > len(frame) and not full["户主证件号码"].str.contains(r"\*").any()
    assert _export(monkeypatch, store, "plan01", "not-the-password", tmp_path / "p.xlsx") == 1
    assert not (tmp_path / "p.xlsx").exists() and "登录失败" in capsys.readouterr().err
    log = audit.read(store, actions=["export"])
    assert {"town01", "admin01"} <= set(log.loc[log["client"] == "命令行", "user"])


def test_downloads_are_cut_to_scope_even_when_a_page_passes_county_rows(with_accounts, demo_tables, downloads):
    """ui.exports.download is a second lock: county-wide rows handed to it by mistake leave
    cut to the user's townships, by village code or, without one, by household id."""

    def script():
        from analytics.access import users
        from analytics.data.store import Store
        from ui import data, exports, session

        store = data.store()
        session.start(store, users.get(store, "town01"), session.VIA_PASSWORD)
        county = Store(store.root).table("households")
        county = county[county["year"] == county["year"].max()]
        exports.download(county[["household_id", "village_code", "head_name"]], "全县名单", "全县", key="a")
        exports.download(county[["household_id", "head_name"]], "无村代码名单", "全县", key="b")

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    outside = Outside(demo_tables, with_accounts.township)
    h = demo_tables["households"]
    own_ids = set(h.loc[h["village_code"].str.startswith(with_accounts.township), "household_id"])
    assert len(downloads) == 2
    for _, payload in downloads:
        frame = pd.read_excel(io.BytesIO(payload), skiprows=3, dtype=str)
        assert len(frame) > 0 and set(frame["户编号"]) <= own_ids
        assert not outside.leaks(workbook_text(payload))


def test_pages_cannot_hold_the_whole_household_table():
    """Five million rows at a million households: pages read slices through data.households."""
    from ui import data

    with pytest.raises(ValueError, match="data.households"):
        data.table("households")
