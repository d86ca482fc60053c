"""Every page kind in the real Chromium, as a resident on a phone or at a kiosk sees it.

No script error, no request off the machine, never wider than the screen, no serious or
critical axe-core violation; a notice stuffed with script injection runs nothing; the
village home stays small; the poster's QR code decodes to the village's URL.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_util import (
    AS_OF,
    CHROMIUM_ARGS,
    REPORT_URL,
    build,
    chromium_or_skip,
    decode_qr,
    make_data,
    page_weight,
    serve,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
KIOSK = {"width": 1080, "height": 1920}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    exe = chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser")
    make_data(tmp / "data")
    build(tmp / "data", tmp / "site")
    out = tmp / "site"
    county = next(p for p in out.iterdir() if p.is_dir() and (p / "index.html").is_file()
                  and p.name != "static")
    town = next(p for p in county.iterdir() if (p / "index.html").is_file()
                and p.name not in {"search", "info", "static", "pagefind"})
    village = sorted(p for p in town.iterdir() if (p / "index.html").is_file())[0]
    vrel = village.relative_to(out).as_posix()
    ledger = sorted((village / "affairs" / "ledger").glob("*.html"))[0].stem
    welfare_month = sorted(p.stem for p in (village / "welfare").glob("20*.html"))[-1]
    pages = {
        "root": "",
        "county": f"{county.name}/",
        "search": f"{county.name}/search/?q=低保",
        "township": f"{town.relative_to(out).as_posix()}/",
        "village": f"{vrel}/",
        "powers": f"{vrel}/powers/",
        "assets": f"{vrel}/assets/",
        "affairs": f"{vrel}/affairs/",
        "ledger-month": f"{vrel}/affairs/ledger/{ledger}.html",
        "welfare": f"{vrel}/welfare/",
        "welfare-month": f"{vrel}/welfare/{welfare_month}.html",
        "projects": f"{vrel}/projects/",
        "services": f"{vrel}/services/",
        "notice": f"{vrel}/affairs/notices/2026-11-27-zhuru.html",
        "poster": f"{vrel}/poster/",
        "info": f"{county.name}/info/report/",
        "changes": f"{vrel}/changes/",
        "county-changes": f"{county.name}/changes/",
        "timeliness": f"{county.name}/timeliness/",
    }
    county_url = next(line.split(":", 1)[1].strip() for line in
                      (tmp / "data" / county.name / "county.yaml").read_text("utf-8").splitlines()
                      if line.startswith("网址"))
    with serve(out) as base:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                yield {"base": base, "out": out, "pages": pages, "browser": browser,
                       "village": village, "village_url": county_url + village.relative_to(county).as_posix() + "/"}
            finally:
                browser.close()


class Visit:
    """One page load with everything that went wrong recorded."""

    def __init__(self, browser, base: str, viewport: dict) -> None:
        self.context = browser.new_context(viewport=viewport, service_workers="block")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.offsite: list[str] = []
        host = urlsplit(base).netloc
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append("dialog: " + d.message), d.dismiss()))

        def route(r) -> None:
            u = urlsplit(r.request.url)
            if u.scheme in ("http", "https", "ws", "wss") and u.netloc != host:
                self.offsite.append(r.request.url)
                r.abort()
            else:
                r.continue_()

        self.context.route("**/*", route)

    def close(self) -> None:
        self.context.close()


def _check_page(site, kind: str, viewport: dict) -> None:
    from axe_playwright_python.sync_playwright import Axe

    v = Visit(site["browser"], site["base"], viewport)
    try:
        url = site["base"] + site["pages"][kind]
        resp = v.page.goto(url, wait_until="load")
        assert resp is not None and resp.ok, f"{kind}: HTTP {resp and resp.status}"
        if kind == "search":
            v.page.wait_for_selector("#results li, #search-status:not(:empty)", timeout=10000)
        v.page.wait_for_timeout(150)
        assert v.page.evaluate("document.documentElement.lang") == "zh-CN"
        wide = v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{kind} 在 {viewport['width']}px 宽的屏幕上比屏幕宽 {wide}px"
        result = Axe().run(v.page, options={"resultTypes": ["violations"],
                                             "runOnly": {"type": "tag", "values": [
                                                 "wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                 "best-practice"]}})
        bad = [f"{x['id']} ({x['impact']}): {x['help']} → "
               + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                           for n in x["nodes"][:3])
               for x in result.response["violations"] if x["impact"] in ("serious", "critical")]
        assert not bad, f"{kind} @ {viewport['width']}px axe:\n" + "\n".join(bad)
        assert not v.errors, f"{kind}: 浏览器报错 {v.errors}"
        assert not v.offsite, f"{kind}: 请求了本机以外的地址 {v.offsite}"
    finally:
        v.close()


KINDS = ["root", "county", "search", "township", "village", "powers", "assets", "affairs",
         "ledger-month", "welfare", "welfare-month", "projects", "services", "notice", "poster",
         "info", "changes", "county-changes", "timeliness"]


@pytest.mark.parametrize("kind", KINDS)
def test_page_kind_on_a_phone(site, kind: str) -> None:
    _check_page(site, kind, PHONE)


@pytest.mark.parametrize("kind", ["county", "village", "affairs", "ledger-month", "welfare-month",
                                  "projects", "poster"])
def test_page_kind_on_a_portrait_kiosk(site, kind: str) -> None:
    _check_page(site, kind, KIOSK)


def test_injected_script_in_a_notice_runs_nothing(site) -> None:
    v = Visit(site["browser"], site["base"], PHONE)
    try:
        v.page.goto(site["base"] + site["pages"]["notice"], wait_until="load")
        v.page.wait_for_timeout(200)
        for link in v.page.locator("main a").all():
            href = link.get_attribute("href") or ""
            assert not href.strip().lower().startswith("javascript:"), href
        v.page.locator("main").click(position={"x": 5, "y": 5})
        assert v.page.evaluate("window.__pwned") is None
        # the markup is shown as text, and the only scripts are the site's own files
        assert "window.__pwned" in v.page.locator("main").inner_text()
        srcs = v.page.evaluate("[...document.scripts].map(s => s.src || 'INLINE')")
        assert srcs and all("/static/" in s for s in srcs), srcs
        assert v.page.locator("main iframe, main img, main svg[onload]").count() == 0
        assert not v.errors and not v.offsite
    finally:
        v.close()


def test_elder_mode_is_one_tap_and_remembered(site) -> None:
    v = Visit(site["browser"], site["base"], PHONE)
    try:
        v.page.goto(site["base"] + site["pages"]["village"])
        before = v.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        v.page.get_by_role("button", name="长辈模式").click()
        v.page.goto(site["base"] + site["pages"]["welfare"])
        after = v.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert after >= before * 1.25
        assert v.page.get_by_role("button", name="长辈模式").get_attribute("aria-pressed") == "true"
        assert v.page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    finally:
        v.close()


def test_kiosk_mode_disables_offsite_links_and_goes_home_when_idle(site) -> None:
    v = Visit(site["browser"], site["base"], KIOSK)
    try:
        v.page.clock.install()
        v.page.goto(site["base"] + site["pages"]["services"] + "?kiosk=1")
        v.page.goto(site["base"] + site["pages"]["poster"])  # remembered without the flag
        assert v.page.evaluate("document.documentElement.classList.contains('kiosk')")
        hrefs = v.page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
        assert hrefs and all(h.startswith(site["base"]) for h in hrefs), hrefs
        assert REPORT_URL in v.page.locator("footer").inner_text() or \
            v.page.locator("footer .offsite").count() >= 1
        v.page.clock.run_for(4 * 60 * 1000)
        v.page.wait_for_url(site["base"] + site["pages"]["county"])
    finally:
        v.close()


def test_poster_qr_code_decodes_to_the_village_url(site, tmp_path: Path) -> None:
    v = Visit(site["browser"], site["base"], PHONE)
    try:
        v.page.goto(site["base"] + site["pages"]["poster"])
        codes = v.page.locator(".poster svg.qr")
        assert codes.count() == 2  # the village page and the county's 举报网址
        codes.nth(0).screenshot(path=str(tmp_path / "village.png"))
        codes.nth(1).screenshot(path=str(tmp_path / "report.png"))
    finally:
        v.close()
    assert decode_qr(tmp_path / "village.png") == [site["village_url"]]
    assert decode_qr(tmp_path / "report.png") == [REPORT_URL]
    home = (site["village"] / "index.html").read_text("utf-8")
    assert 'class="qr"' in home


def test_village_home_is_small_and_no_page_is_huge(site) -> None:
    home = site["village"] / "index.html"
    assert page_weight(home) <= 30 * 1024, f"村首页 gzip 后 {page_weight(home)} 字节"
    for p in site["out"].rglob("*.html"):
        size = len(gzip.compress(p.read_bytes(), 6))
        assert size <= 100 * 1024, f"{p} gzip 后 {size} 字节"


def test_static_files_are_fingerprinted(site) -> None:
    html = (site["village"] / "index.html").read_text("utf-8")
    import re

    refs = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html)
    assert refs
    for ref in refs:
        assert re.search(r"\.[0-9a-f]{10}\.(css|js)$", ref), ref


def test_as_of_shown(site) -> None:
    y, m, d = AS_OF.split("-")
    assert f"{int(y)}年{int(m)}月{int(d)}日" in (site["village"] / "index.html").read_text("utf-8")


@pytest.mark.parametrize("kind", ["county", "village", "affairs", "ledger-month", "welfare",
                                  "projects", "services", "notice"])
def test_readable_at_200_percent_zoom(site, kind: str) -> None:
    """WCAG 1.4.4/1.4.10: a 375 px phone zoomed to 200 % lays the page out at 188 CSS px
    (device scale factor 2): nothing may stick out sideways or be cut off."""
    v = Visit(site["browser"], site["base"], {"width": 188, "height": 406})
    try:
        v.page.goto(site["base"] + site["pages"][kind], wait_until="load")
        wide = v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{kind} 放大到 200% 时比屏幕宽 {wide}px"
        size = v.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16
        assert not v.errors
    finally:
        v.close()
