"""The last leak-guard pass of a build: which staged files were not scanned before.

Village pages, downloads and attachments are scanned in the village workers; each search bundle
when it is built. What is left are the county-level pages, feeds, sitemaps and the site root
(the county-wide CSVs are the villages' download rows behind 乡镇 and 村 names that the village
pages show too).
"""

from __future__ import annotations

import logging
from pathlib import Path

from generator.publish import leakguard
from generator.site.opendata import DATA_DIR

log = logging.getLogger(__name__)

COUNTY_FOLDERS = ("search", "info")  # county folders whose every file is county-level


def unscanned_files(staging: Path) -> list[Path]:
    files: list[Path] = []
    for top in sorted(staging.iterdir()):
        if top.is_file():
            files.append(top)
            continue
        for p in top.iterdir():  # county home, feed, sitemap, robots
            if p.is_file():
                files.append(p)
        for sub in COUNTY_FOLDERS:
            if (top / sub).is_dir():
                files.extend(p for p in (top / sub).rglob("*") if p.is_file())
        for t in top.iterdir():  # township pages
            if (t / "index.html").is_file() and t.name not in (*COUNTY_FOLDERS, DATA_DIR):
                files.append(t / "index.html")
        if (top / DATA_DIR / "index.html").is_file():
            files.append(top / DATA_DIR / "index.html")
    return files


def guard_staging(staging: Path, hashes: frozenset[str]) -> list[leakguard.Leak]:
    """Leaks of the ID numbers behind ``hashes`` in the files not scanned before."""
    return leakguard.scan_tree(staging, unscanned_files(staging), hashes)
