"""The last leak-guard pass of a build: every staged file that was not scanned before.

Village pages, downloads and attachments are scanned in the village workers (their paths come
back in ``VillageOutcome.written``); each search bundle when it is built. Everything else —
county and city pages, county-wide downloads, feeds, sitemaps, static files, whatever a later
stage adds — is found by walking the staging folder, so a new kind of output is covered
without anyone listing it here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence, Set
from pathlib import Path

from generator.publish import leakguard

log = logging.getLogger(__name__)


def guard_staging(staging: Path, hashes: frozenset[str], scanned: Set[str],
                  bundles: Set[str], under: str = "") -> list[leakguard.Leak]:
    """Leaks in the staged files not in ``scanned`` (paths relative to ``staging``) and not
    under a folder in ``bundles`` (search bundles, folders guarded already); ``under``: only
    below that folder (a county's, guarded in a worker once the county is complete)."""
    return leakguard.scan_tree(staging, unscanned(staging, scanned, bundles, under), hashes)


def unscanned(staging: Path, scanned: Set[str], bundles: Set[str], under: str = "") -> list[Path]:
    """The files ``guard_staging`` scans, in path order."""
    return leakguard.walk(staging, set(scanned), set(bundles), under)


def runs(files: Sequence[Path], n: int) -> list[list[Path]]:
    """``files`` cut into at most ``n`` runs of consecutive files of about equal size, to be
    scanned side by side (a county's are mostly its ten county-wide CSVs): their leaks,
    joined in run order, come in the order of ``files``."""
    sizes = [os.stat(p, follow_symlinks=False).st_size for p in files]
    total = sum(sizes)
    out: list[list[Path]] = []
    run: list[Path] = []
    done = 0
    for path, size in zip(files, sizes, strict=True):
        run.append(path)
        done += size
        if done * n >= total * (len(out) + 1) and len(out) < n - 1:
            out.append(run)
            run = []
    if run:
        out.append(run)
    return out
