"""The last leak-guard pass of a build: every staged file that was not scanned before.

Village pages, downloads and attachments are scanned in the village workers (their paths come
back in ``VillageOutcome.written``); each search bundle when it is built. Everything else —
county and city pages, county-wide downloads, feeds, sitemaps, static files, whatever a later
stage adds — is found by walking the staging folder, so a new kind of output is covered
without anyone listing it here.
"""

from __future__ import annotations

import logging
from collections.abc import Set
from pathlib import Path

from generator.publish import leakguard

log = logging.getLogger(__name__)


def guard_staging(staging: Path, hashes: frozenset[str], scanned: Set[str],
                  bundles: Set[str], under: str = "") -> list[leakguard.Leak]:
    """Leaks in the staged files not in ``scanned`` (paths relative to ``staging``) and not
    under a folder in ``bundles`` (search bundles, folders guarded already); ``under``: only
    below that folder (a county's, guarded in a worker once the county is complete)."""
    files = leakguard.walk(staging, set(scanned), set(bundles), under)
    return leakguard.scan_tree(staging, files, hashes)
