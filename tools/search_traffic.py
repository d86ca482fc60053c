#!/usr/bin/env python3
"""Bytes a resident's phone downloads to search: the search page opened, a first query, a
second one — in Chromium with the DevTools network conditions of a slow 3G line, counted
as the bytes the local server (127.0.0.1) sends, the page's and its web worker's requests
alike (the browser's cache on, as on a phone)::

    python tools/search_traffic.py --site OUT --county heyang-xian 王秀英 低保
    python tools/search_traffic.py --site OUT 王秀英 低保      (the city search, site/search/)

The local server sends files as they are (no gzip): HTML, CSS and JS count uncompressed,
so the numbers are an upper bound of what a gzip-serving host transfers. Pagefind's index
and fragment files are gzip files themselves. Needs playwright and Chromium.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from localsite import SEARCH_DONE, serve

log = logging.getLogger(__name__)

# Chromium DevTools' "Slow 3G" preset
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 500 * 1000 / 8 * 0.8,
           "uploadThroughput": 500 * 1000 / 8 * 0.8}


def measure(site: Path, county: str, queries: Sequence[str], chromium: str = "/usr/bin/chromium",
            throttle: bool = True) -> list[tuple[str, int, int, float]]:
    """[(step, requests, bytes, seconds)] for opening the search page and each query."""
    from playwright.sync_api import sync_playwright

    served: list[int] = []  # body bytes of every response (the page's and its workers')

    out = []
    with serve(site, served) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 375, "height": 800})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        if throttle:
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)

        def step(name: str, action) -> None:
            served.clear()
            t0 = time.perf_counter()
            action()
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            out.append((name, len(served), sum(served), time.perf_counter() - t0))

        def open_page() -> None:
            page.goto(f"{base}{county}/search/" if county else f"{base}search/")
            page.wait_for_selector("#filters:not([hidden])", timeout=120000)

        step("打开搜索页", open_page)
        for k, q in enumerate(queries, 1):
            def ask(q: str = q) -> None:
                page.evaluate("document.getElementById('search-status').textContent = ''")
                page.fill("#q", q)
                page.click("#search-form button[type=submit]")
                page.wait_for_function(SEARCH_DONE, timeout=120000)
            step(f"第 {k} 次搜索“{q}”", ask)
        browser.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="测量搜索的下载流量（Chromium 开发者工具网络记录，慢速 3G）")
    ap.add_argument("--site", type=Path, required=True, help="已生成的网站文件夹（build 的 --out）")
    ap.add_argument("--county", default="", help="县的文件夹名（不写：网站根目录的全市搜索）")
    ap.add_argument("--no-throttle", action="store_true", help="不模拟慢速 3G")
    ap.add_argument("queries", nargs="+", help="依次搜索的内容")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name, n, size, secs in measure(args.site, args.county, args.queries,
                                        throttle=not args.no_throttle):
        print(f"{name:24} {n:4} 个请求 {size / 1024:9.1f} KiB {secs:7.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
