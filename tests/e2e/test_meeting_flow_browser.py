"""The three things that broke in front of people, done in a real browser as the user did them:
clicking 进入演示模式 on the deck, switching 中文 → English after signing in and opening a page
from the menu, and reloading (or opening a new tab) after signing in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from analytics.access import users
from devtools import server
from tests.e2e.conftest import settle, watch

ERROR_BOX = '[data-testid="stException"]'


@pytest.fixture(scope="module")
def signed_url(accounts) -> Iterator[str]:
    """The app on the store with accounts, so every visit must sign in."""
    with server.serve(accounts.store.root) as app:
        yield app.url


def _watched(context):
    """A new tab whose Streamlit runs `settle` can wait for."""
    page = context.new_page()
    watch(page)
    return page


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    yield ctx
    ctx.close()


def _sign_in(page, url: str, name: str, password: str) -> None:
    page.goto(url)
    page.get_by_label("用户名").wait_for(timeout=120_000)
    settle(page)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=180_000)
    settle(page, 180)


def _signed_in(page) -> bool:
    """After a load: the menu (signed in) or the sign-in form, whichever comes."""
    page.locator('[data-testid="stSidebarNav"], input[type="password"]').first.wait_for(timeout=120_000)
    settle(page, 120)
    return page.locator('[data-testid="stSidebarNav"]').count() > 0


def test_entering_projector_mode_from_the_deck_keeps_the_slide(visit):
    v = visit("/slides", 1280, 720)
    v.page.get_by_role("button", name="进入演示模式").click()
    settle(v.page)
    assert v.page.locator(ERROR_BOX).count() == 0
    assert "slide=None" not in v.page.url
    assert re.search(r"slide=kpis", v.page.url), v.page.url
    # projector mode is on: the sidebar slides out (it may still be moving when the run is done)
    v.page.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=30_000)
    assert v.page.get_by_role("button", name="退出演示").first.is_visible()


def test_english_after_signing_in_keeps_filters_and_data(context, signed_url, accounts):
    page = _watched(context)
    _sign_in(page, signed_url, "admin01", accounts.passwords["admin01"])
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    settle(page, 120)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Funds and projects").click()
    settle(page, 120)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Overview", exact=True).click()
    settle(page, 120)
    main = page.locator('[data-testid="stMain"]')
    assert page.locator(ERROR_BOX).count() == 0
    assert "全县" not in main.inner_text()  # the Chinese 全部 label kept as a township code
    assert "town=" not in page.url
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert values and any(re.search(r"[1-9]", v) for v in values), values


def test_reload_and_new_tab_stay_signed_in_until_the_account_is_disabled(context, signed_url, accounts):
    users.add(accounts.store, "keep01", users.PLANNER, "keep-password-01", by="test")
    page = _watched(context)
    _sign_in(page, signed_url, "keep01", "keep-password-01")
    page.wait_for_function("document.cookie.includes('dashboard_session=')", timeout=60_000)
    cookie = next(c for c in context.cookies() if c["name"] == "dashboard_session")
    assert cookie["sameSite"] == "Strict" and "keep01" not in cookie["value"]
    page.reload()
    assert _signed_in(page)
    other = _watched(context)
    other.goto(signed_url + "/projects")
    assert _signed_in(other)
    assert "keep01" in other.locator('[data-testid="stSidebar"]').inner_text()
    users.set_disabled(accounts.store, "keep01", True, by="test")
    page.reload()
    assert not _signed_in(page)
    users.set_disabled(accounts.store, "keep01", False, by="test")
    context.add_cookies([cookie])  # the old cookie, put back: the server has dropped its session
    other.reload()
    assert not _signed_in(other)


def test_signing_out_ends_the_cookie(context, signed_url, accounts):
    page = _watched(context)
    _sign_in(page, signed_url, "plan01", accounts.passwords["plan01"])
    page.get_by_role("button", name="退出登录").click()
    settle(page, 120)
    page.reload()
    assert not _signed_in(page)


def test_library_strings_are_chinese_in_the_chinese_ui(visit):
    """The uploader reads 选择文件 and 单个文件不超过 200MB; Plotly's English toolbar is hidden."""
    v = visit("/data_admin", 1280, 900)
    v.page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').first.wait_for(timeout=120_000)
    shown = v.page.evaluate("""() => [
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p',
        '[data-testid="stFileUploaderDropzoneInstructions"] span'].map(s => {
            const e = document.querySelector(s);
            return [getComputedStyle(e, '::after').content, getComputedStyle(e).fontSize]; })""")
    assert shown == [['"选择文件"', "0px"], ['"单个文件不超过 200MB"', "0px"]]
    v = visit("/", 1280, 900)
    v.page.locator(".modebar-container").first.wait_for(state="attached", timeout=120_000)
    bars = v.page.locator(".modebar-container")
    assert bars.count() > 0 and all(not bars.nth(i).is_visible() for i in range(bars.count()))


def test_township_head_lands_on_the_desk_with_filters_in_sight_at_1024x768(browser, signed_url, accounts):
    ctx = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    try:
        page = _watched(ctx)
        _sign_in(page, signed_url, "town01", accounts.passwords["town01"])
        assert page.locator("h1").first.inner_text().startswith("乡镇工作台:")
        sidebar = page.locator('[data-testid="stSidebar"]')
        for control in (sidebar.get_by_text("English", exact=True), sidebar.get_by_label("乡镇"),
                        sidebar.get_by_label("村", exact=True), sidebar.get_by_label("年度")):
            box = control.bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 768
        page.locator(".st-key-desk_sort button", has_text="预测高风险").click()
        settle(page, 120)
        assert page.locator(ERROR_BOX).count() == 0
    finally:
        ctx.close()
