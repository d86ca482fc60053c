#!/usr/bin/env python3
"""The search page's screenshots in docs/screenshots/ (375 px phone, Chromium): a name, 低保
and a name nobody has, on a built site (the demo data by default)::

    python build.py --out OUT --as-of 2026-11-28
    python tools/search_screenshots.py --site OUT [--county qinghe-xian] [--out docs/screenshots]

Each picture starts at the search status line (what the resident reads first).
Needs playwright and Chromium.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from localsite import SEARCH_DONE, serve

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
SHOTS = (("search-name-phone.png", "冯建国"), ("search-dibao-phone.png", "低保"),
         ("search-not-found-phone.png", "张伟"))


def shoot(site: Path, county: str, out: Path, chromium: str = "/usr/bin/chromium") -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for name, q in SHOTS:
            page = browser.new_page(viewport={"width": 375, "height": 812})
            page.goto(f"{base}{county}/search/?q={quote(q)}")
            page.wait_for_function(SEARCH_DONE, timeout=60000)
            page.wait_for_load_state("networkidle")
            top = page.locator("#search-status").bounding_box()
            y = int(top["y"]) - 8 if top else 0
            page.screenshot(path=str(out / name), full_page=True,
                            clip={"x": 0, "y": y, "width": 375, "height": 812})
            written.append(out / name)
            page.close()
        browser.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="搜索页截图（375 像素宽的手机）")
    ap.add_argument("--site", type=Path, required=True, help="已生成的网站文件夹（build 的 --out）")
    ap.add_argument("--county", default="qinghe-xian", help="县的文件夹名")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="截图保存到哪里")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for p in shoot(args.site, args.county, args.out):
        log.info("%s", p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
