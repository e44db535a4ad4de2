"""Drill-down as in the BI tools, in a real browser: a click on a township of the 总览 map filters
the page to it (?town= in the URL), a click on one of its villages opens that village's 村庄画像,
and the breadcrumb's 全县 goes back to the whole county. On a phone, the sidebar closes after
the menu has opened a page, and no tab label lies under anything."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.e2e.conftest import rerun

CRUMBS = ".st-key-breadcrumb"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def test_township_then_village_then_back_to_the_county(visit, demo_tables):
    villages, townships = demo_tables["villages"], demo_tables["townships"]
    town_names = dict(zip(townships["township_code"], townships["township_name"]))
    v = visit("/", 1280, 900)
    page = v.page
    frame = v.map_frame(len(villages))
    assert "town" not in _query(page.url)

    rerun(page, lambda: frame.locator("path.leaflet-interactive").nth(40).click(force=True))
    town = _query(page.url).get("town")
    assert town in town_names.values()  # the URL names the township, as the sidebar filter does
    code = next(c for c, name in town_names.items() if name == town)
    in_town = villages[villages["township_code"] == code]
    frame = v.map_frame(len(in_town))  # the map now shows that township's villages only
    assert page.locator(CRUMBS).inner_text().split() == ["全县", "›", town]
    assert f"岚溪县 {town}" in page.locator('[data-testid="stCaptionContainer"]').first.inner_text()
    town_filter = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="乡镇")
    assert town_filter.input_value() == town  # the sidebar's 乡镇 filter moved with the click

    rerun(page, lambda: frame.locator("path.leaflet-interactive").nth(0).click(force=True))
    page.locator("h1").filter(has_text="村庄画像:").wait_for(timeout=60_000)
    assert urlparse(page.url).path == "/village_profile"
    village = page.locator("h1").first.inner_text().split(":", 1)[1]
    assert village in set(in_town["village_name"])
    assert _query(page.url) == {"town": town, "village": village}
    assert page.locator(CRUMBS).inner_text().split() == ["全县", "›", town, "›", village]

    rerun(page, page.locator(CRUMBS).get_by_role("button", name="全县").click)
    page.locator("h1").filter(has_text="总览").wait_for(timeout=60_000)
    assert urlparse(page.url).path == "/" and "town" not in _query(page.url)
    assert page.locator(CRUMBS).inner_text().split() == ["全县"]
    v.map_frame(len(villages))  # the whole county again
    assert page.locator('[data-testid="stException"]').count() == 0
    assert v.outside == []


def _sidebar_open(page) -> bool:
    return page.evaluate("() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right > 0")


def test_phone_sidebar_closes_after_navigating_and_no_tab_label_is_covered(visit, demo_tables):
    town = demo_tables["townships"]["township_name"].iloc[0]
    v = visit(f"/?town={town}", 390, 844)
    page = v.page
    assert not _sidebar_open(page)  # a phone starts with the sidebar closed
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().left >= 0")
    assert _sidebar_open(page)
    rerun(page, page.locator('[data-testid="stSidebarNav"] a').filter(has_text="乡镇工作台").click)
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').getBoundingClientRect().right <= 0")
    assert urlparse(page.url).path == "/township"
    assert town in page.locator("h1").first.inner_text()

    page.locator('[data-testid="stTabs"]').wait_for(timeout=120_000)  # the lists come after the risk model
    tabs = page.locator('[data-testid="stTab"]')
    assert tabs.count() >= 3
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        tab.scroll_into_view_if_needed()
        box = tab.bounding_box()
        on_top = page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('[data-testid=stTab]')",
                               [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert on_top, f"something lies over the tab label {tab.inner_text()!r}"
    assert v.outside == []
