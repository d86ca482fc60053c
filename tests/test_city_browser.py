"""The city portal in the real Chromium: the city home and the cross-county search meet the
county pages' bars (375 px, kiosk, axe, no third-party request, 长辈模式), the search finds a
county's own words from the city page with the right county shown and filters by 县, and
what a query downloads is measured against the same query on the county's own search."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_util import CHROMIUM_ARGS, build, chromium_or_skip, page_weight, serve
from city_util import COUNTIES, make_counties
from test_browser import KIOSK, PHONE, Visit, _check_page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory):
    exe = chromium_or_skip()
    tmp = tmp_path_factory.mktemp("city-browser")
    make_counties(tmp / "data")
    build(tmp / "data", tmp / "site")
    pages = {"root": "", "search": "search/?q=龙王庙"}
    with serve(tmp / "site") as base:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                yield {"base": base, "out": tmp / "site", "pages": pages, "browser": browser}
            finally:
                browser.close()


@pytest.mark.parametrize("kind", ["root", "search"])
def test_city_page_on_a_phone(city, kind: str) -> None:
    _check_page(city, kind, PHONE)


@pytest.mark.parametrize("kind", ["root", "search"])
def test_city_page_on_a_portrait_kiosk(city, kind: str) -> None:
    _check_page(city, kind, KIOSK)


def test_city_home_is_small(city) -> None:
    home = city["out"] / "index.html"
    assert page_weight(home) <= 30 * 1024, f"城市首页 gzip 后 {page_weight(home)} 字节"


def test_city_home_elder_mode_and_county_links(city) -> None:
    v = Visit(city["browser"], city["base"], PHONE)
    try:
        v.page.goto(city["base"])
        before = v.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        v.page.get_by_role("button", name="长辈模式").click()
        after = v.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert after >= before * 1.25
        assert v.page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        v.page.get_by_role("link", name=COUNTIES[1][1]).click()
        v.page.wait_for_url(city["base"] + COUNTIES[1][0] + "/")
        assert COUNTIES[1][1] in v.page.locator("h1").inner_text()
        assert not v.errors and not v.offsite
    finally:
        v.close()


def _search(city, path: str, q: str) -> tuple[list[str], list[str], int, Visit]:
    """Results (text, href) of a search page and the bytes of search files it downloaded."""
    v = Visit(city["browser"], city["base"], PHONE)
    sizes: list[int] = []
    v.page.on("requestfinished", lambda r: "/pagefind/" in r.url and sizes.append(
        r.sizes()["responseBodySize"]))
    v.page.goto(city["base"] + path + "?q=" + q, wait_until="load")
    v.page.wait_for_selector("#results li", timeout=15000)
    v.page.wait_for_load_state("networkidle")
    texts = v.page.locator("#results li").all_inner_texts()
    hrefs = [a.get_attribute("href") or "" for a in v.page.locator("#results li > a").all()]
    return texts, hrefs, sum(sizes), v


def test_cross_county_search_shows_the_county_and_filters_by_it(city) -> None:
    slug, name = COUNTIES[1][0], COUNTIES[1][1]
    texts, hrefs, city_bytes, v = _search(city, "search/", "龙王庙")
    try:
        assert texts and texts[0].startswith(f"【{name}】"), texts
        assert hrefs[0].startswith(f"/{slug}/"), hrefs
        assert all(h.startswith(f"/{slug}/") for h in hrefs)
        options = v.page.locator("#f-county option").all_inner_texts()
        assert options[0] == "全部县" and sorted(options[1:]) == sorted(c[1] for c in COUNTIES)
        # every county's words are found from the city page, each under its own county
        for cslug, cname, *_rest, memo in COUNTIES:
            v.page.fill("#q", memo)
            v.page.click("#search-form button[type=submit]")
            v.page.wait_for_selector("#results li")
            first = v.page.locator("#results li").first
            assert first.inner_text().startswith(f"【{cname}】")
            assert (first.locator(":scope > a").get_attribute("href") or "").startswith(f"/{cslug}/")
        # the 县 filter narrows to one county
        v.page.fill("#q", "村")
        v.page.select_option("#f-county", COUNTIES[2][1])
        v.page.wait_for_selector("#results li")
        v.page.wait_for_timeout(300)
        got = [a.get_attribute("href") or "" for a in v.page.locator("#results li > a").all()]
        assert got and all(h.startswith(f"/{COUNTIES[2][0]}/") for h in got), got
        assert not v.errors and not v.offsite
        if os.environ.get("YDT_SCREENSHOTS"):  # refresh docs/screenshots/
            SCREENSHOTS.mkdir(exist_ok=True)
            v.page.select_option("#f-county", "")
            v.page.fill("#q", "龙王庙")
            v.page.click("#search-form button[type=submit]")
            v.page.wait_for_selector("#results li")
            v.page.screenshot(path=str(SCREENSHOTS / "city-search.png"), full_page=True)
            v.page.goto(city["base"])
            v.page.screenshot(path=str(SCREENSHOTS / "city-home.png"), full_page=True)
    finally:
        v.close()
    _t, _h, county_bytes, v2 = _search(city, f"{slug}/search/", "龙王庙")
    v2.close()
    print(f"search bytes for one query: city {city_bytes}, county {county_bytes}, "
          f"{len(COUNTIES)} counties")
    # the city's bundle directory: a query fetches only the bundles that can hold it
    assert county_bytes > 0 and city_bytes <= 2 * county_bytes
