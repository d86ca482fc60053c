"""First-seen dates for rule 9 (公开不及时), read from a built or published site's change log
(``<county>/ledger/``, written by generator/ledger/): when each month's ledger and each notice
first appeared on the site.

Reading the log is read-only and the log is a lower stage than publishing (see
tests/test_layers.py). A record first seen in its village's first logged build is left out:
when it was really first published (before the log began) is not known.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from generator.errors import ToolError
from generator.ledger.log import LEDGER, decode_state, state_path
from generator.ledger.source import Source, find_source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FirstSeen:
    """(village rel, "YYYY-MM") → the day the month's finance rows first appeared, and
    (village rel, notice slug) → the day the notice first appeared."""

    label: str
    ledger: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    notices: dict[tuple[str, str], dt.date] = field(default_factory=dict)


def _json(src: Source, rel: str) -> object:
    data = src.read(rel)
    if data is None:
        raise ToolError(f"{src.label} 的更新记录不完整：缺少 {rel}")
    try:
        return json.loads(data)
    except ValueError as e:
        raise ToolError(f"{src.label} 的更新记录已损坏：{rel}：{e}") from e


def first_seen(site: str, county: str) -> FirstSeen | None:
    """The county's first-seen dates from the site ``site`` (folder, http(s) or s3 URL of the
    county or of the site above it); None when it holds no change log for the county."""
    src = find_source(site, county)
    if src is None:
        return None
    index = _json(src, f"{LEDGER}/index.json")
    villages = index.get("villages") if isinstance(index, dict) else None
    if not isinstance(villages, dict):
        raise ToolError(f"{src.label} 的更新记录已损坏：{LEDGER}/index.json 格式不对")
    out = FirstSeen(src.label)
    for name in sorted(villages):
        town, _, slug = name.partition("/")
        vrel = f"{county}/{name}"
        data = src.read(state_path(town, slug))
        if data is None:
            raise ToolError(f"{src.label} 的更新记录不完整：缺少 {state_path(town, slug)}")
        try:
            records = decode_state(data)
            months = {m: got["finance"] for m, got in villages[name].get("months", {}).items()
                      if got.get("finance")}
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise ToolError(f"{src.label} 的更新记录已损坏：{state_path(town, slug)}：{e}") from e
        firsts = [r["first"] for r in records] + list(months.values())
        if not firsts:
            continue
        start = min(firsts)  # the village's first logged build
        for month, first in months.items():
            if first > start:
                out.ledger[(vrel, month)] = dt.date.fromisoformat(first)
        for r in records:
            if r["m"] == "notices" and r["first"] > start:
                out.notices[(vrel, r["k"])] = dt.date.fromisoformat(r["first"])
    log.debug("first-seen dates of %s from %s: %d months, %d notices", county, src.label,
              len(out.ledger), len(out.notices))
    return out
