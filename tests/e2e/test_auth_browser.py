"""Sign-in in a real browser, on a store with accounts: a 乡镇 user reads only their township in
every page and downloaded file, even when the URL names another; a masked role sees no full
name or ID number anywhere; nothing shows before signing in, whatever the URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from devtools import server
from tests.auth_helpers import FullNames, Outside, pages_for, workbook_text
from tests.e2e.conftest import goto, new_tab, rerun, settle
from ui.nav import PAGES


@pytest.fixture(scope="module")
def auth_url(accounts) -> Iterator[str]:
    """The app served on the store with accounts (so signing in is required)."""
    with server.serve(accounts.store.root) as app:
        yield app.url


@pytest.fixture
def tab(browser, auth_url):
    """A fresh browser context (no cookie, no session) that records outside requests."""
    ctx, page = new_tab(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield page
    ctx.close()


def _url_path(path: str) -> str:
    spec = next(p for p in PAGES if p.path == path)
    return "/" if spec.default else "/" + Path(path).stem


def _open(page, url: str) -> None:
    """Go to a URL of the app, which must answer with the sign-in form (the first request to a
    fresh server is rerun through app.py first, so wait for the form as well as for the run). The
    session cookie is dropped first: it would sign the tab straight back in, as it does for a user."""
    page.context.clear_cookies()
    goto(page, url)
    page.get_by_label("用户名").wait_for(timeout=120_000)
    settle(page)


def _sign_in(page, name: str, password: str, *, refused: bool = False) -> None:
    """Submit the form and wait for the answer: the page's menu (signed in) or, when `refused`,
    an alert under the form. Load the form afresh before each attempt."""
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码", exact=True).fill(password)
    # a bcrypt check and a first page run on a busy machine
    rerun(page, page.get_by_role("button", name="登录").click, 180)
    answer = page.locator('[data-testid="stAlert"]') if refused else page.locator('[data-testid="stSidebarNav"]')
    answer.first.wait_for(timeout=180_000)


def _body(page) -> str:
    return page.locator("body").inner_text()


def _download_all(page, folder: Path) -> list[str]:
    """Click every visible download button of the page; the text of each file downloaded
    (every download, in every tab, is also generated and checked by tests/test_scope.py)."""
    texts: list[str] = []
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    for i in range(buttons.count()):
        if not buttons.nth(i).is_visible():
            continue
        buttons.nth(i).scroll_into_view_if_needed()
        with page.expect_download(timeout=120_000) as info:
            buttons.nth(i).click()
        target = folder / f"{len(list(folder.iterdir()))}-{info.value.suggested_filename}"
        info.value.save_as(target)
        payload = target.read_bytes()
        texts.append(workbook_text(payload))  # a workbook, a Word file (督办单) or the HTML briefing
        settle(page, 180)
    return texts


def test_nothing_shows_before_signing_in_whatever_the_url(tab, auth_url, demo_tables):
    for path in ("/audit_log", "/guarantees", "/?town=990121100"):
        _open(tab, auth_url + path)
        text = _body(tab)
        assert "登录" in text and "用户名" in text, path
        assert not any(name in text for name in demo_tables["townships"]["township_name"]), path
        assert "审计日志" not in text and "三保障" not in text
    assert tab.outside == []


def test_township_user_reads_only_own_township_in_pages_and_files(tab, auth_url, accounts, demo_tables, tmp_path):
    outside = Outside(demo_tables, accounts.township)
    towns, villages = demo_tables["townships"], demo_tables["villages"]
    other = towns.loc[towns["township_code"] != accounts.township, "township_code"].iloc[0]
    other_village = villages.loc[villages["township_code"] == other, "village_code"].iloc[0]
    own_name = towns.set_index("township_code").loc[accounts.township, "township_name"]
    files: list[str] = []
    for path in pages_for("乡镇"):
        _open(tab, f"{auth_url}{_url_path(path)}?town={other}&village={other_village}")
        _sign_in(tab, "town01", accounts.passwords["town01"])
        text = _body(tab)
        assert own_name in text and "town01" in text, path
        assert "Page not found" not in text, path  # every page's own address, the desk's too (served at /)
        assert not outside.leaks(text), (path, outside.leaks(text)[:5])
        assert tab.locator('[data-testid="stException"]').count() == 0, path
        files += _download_all(tab, tmp_path)
    assert files, "no page offered a download"
    for text in files:
        assert not outside.leaks(text)
    assert "审计日志" not in _body(tab)
    assert tab.outside == []


def test_township_head_signed_in_opens_the_desk_at_its_own_address(tab, auth_url, accounts, demo_tables):
    """The desk is a 乡镇 head's home, served at /; its own address (a bookmark, a link from a county
    user) opens it too, not Streamlit's "Page not found"."""
    own_name = demo_tables["townships"].set_index("township_code").loc[accounts.township, "township_name"]
    _open(tab, auth_url + "/")
    _sign_in(tab, "town01", accounts.passwords["town01"])
    goto(tab, auth_url + "/township")  # a new session, signed in by its cookie
    tab.locator("h1").filter(has_text=own_name).wait_for(timeout=120_000)
    assert "乡镇工作台" in tab.locator("h1").first.inner_text()
    assert "Page not found" not in _body(tab) and urlparse(tab.url).path == "/township"
    assert tab.outside == []


def test_masked_role_sees_no_full_name_or_id_number_in_pages_or_files(tab, auth_url, accounts, demo_tables,
                                                                      tmp_path):
    personal = FullNames(demo_tables)
    files: list[str] = []
    for path in pages_for("县领导"):
        _open(tab, auth_url + _url_path(path))
        _sign_in(tab, "leader01", accounts.passwords["leader01"])
        text = _body(tab)
        assert "leader01" in text and not personal.leaks(text), (path, personal.leaks(text)[:3])
        files += _download_all(tab, tmp_path)
    assert files
    for text in files:
        assert not personal.leaks(text)
    assert tab.outside == []


def test_wrong_password_gives_the_same_answer_as_an_unknown_name(tab, auth_url, accounts):
    _open(tab, auth_url + "/")
    _sign_in(tab, "plan01", "definitely-not-it", refused=True)
    first = tab.locator('[data-testid="stAlert"]').inner_text()
    _open(tab, auth_url + "/")
    _sign_in(tab, "nobody-here", "definitely-not-it", refused=True)
    second = tab.locator('[data-testid="stAlert"]').inner_text()
    assert "登录失败" in first and first == second


LINES = """e => { const r = document.createRange(); r.selectNodeContents(e.querySelector('[data-heading-text]'));
    return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"""  # a heading's lines of text


def test_the_first_run_page_reads_on_a_projector(browser, tmp_path):
    """On a 1024x768 projector the first-run page's title stands on one line and its form is not a
    narrow strip (a third of the width made the title three lines)."""
    (tmp_path / "store").mkdir()
    with server.serve(tmp_path / "store") as app:
        ctx, page = new_tab(browser, viewport={"width": 1024, "height": 768})
        try:
            goto(page, app.url)
            title = page.get_by_role("heading", name="首次使用")
            title.wait_for()
            lines = title.evaluate(LINES)
            form = page.locator('[data-testid="stForm"]').bounding_box()
        finally:
            ctx.close()
    assert lines == 1
    assert form["width"] >= 500, form
