"""The city portal at the site root: ``index.html`` (city totals, one card per county) and
``search/`` (every county's search bundles merged in the browser, with a 县 filter).

It is made ONLY from what the county folders hold — each county build writes a small
machine-readable summary (``<county>/data/summary.json``, ``county_summary``) — so that one
build of all counties and a merge of county folders built separately (``build.py merge``)
make the same bytes: both call ``city_pages`` over the finished county folders.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

import jinja2

from generator import __version__
from generator.errors import ToolError
from generator.model import views
from generator.model.records import City, County
from generator.site.opendata import DATA_DIR
from generator.site.render import CSP, Page, Static, make_env

log = logging.getLogger(__name__)

SUMMARY = f"{DATA_DIR}/summary.json"  # below a county folder
# below a county folder, when the change log (generator/ledger) writes it: {"ok": N, "judged": M}
TIMELINESS = "timeliness/summary.json"
SUMMARY_FORMAT = 1
MONEY = ("income", "expense", "welfare", "projects")


def county_summary(county: County, as_of: dt.date,
                   totals: Sequence[views.VillageTotals], shards: Sequence[str]) -> bytes:
    """The county's summary for the city portal (deterministic JSON): what built it (generator
    version and ``--as-of``: a merge refuses to join different ones), its totals and its
    search bundles."""
    doc = {
        "format": SUMMARY_FORMAT,
        "generator": __version__,
        "as_of": as_of.isoformat(),
        "slug": county.slug,
        "name": county.name,
        "url": county.url or "",
        "townships": len(county.townships),
        "villages": len(totals),
        "records": sum(t.records for t in totals),
        "income": str(sum((t.income for t in totals), views.ZERO)),
        "expense": str(sum((t.expense for t in totals), views.ZERO)),
        "welfare": str(sum((t.welfare for t in totals), views.ZERO)),
        "projects": str(sum((t.projects_budget for t in totals), views.ZERO)),
        "search": list(shards),
    }
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


@dataclass(frozen=True)
class CountyCard:
    slug: str
    name: str
    generator: str
    as_of: str
    townships: int
    villages: int
    records: int
    income: Decimal
    expense: Decimal
    welfare: Decimal
    projects: Decimal
    search: tuple[str, ...]
    on_time: str = ""  # "93%（56/60）" when the county has timeliness data


def read_summary(county_dir: Path) -> CountyCard | None:
    """A county folder's summary, or None when it has none (not a county folder).
    A summary that cannot be read is a ToolError (the folder is not a finished county)."""
    path = county_dir / SUMMARY
    if not path.is_file():
        return None
    try:
        d = json.loads(path.read_bytes())
        card = CountyCard(
            slug=str(d["slug"]), name=str(d["name"]), generator=str(d["generator"]),
            as_of=str(d["as_of"]), townships=int(d["townships"]),
            villages=int(d["villages"]), records=int(d["records"]),
            **{k: Decimal(str(d[k])) for k in MONEY},
            search=tuple(str(s) for s in d["search"]),
        )
    except (OSError, ValueError, KeyError, TypeError, InvalidOperation) as e:
        raise ToolError(f"{path} 无法读取或不完整（{e}），这个县的文件夹不是一次完整构建的结果") from e
    if card.slug != county_dir.name:
        raise ToolError(f"{path} 属于县 {card.slug}，却在文件夹 {county_dir.name}/ 里")
    return _with_timeliness(card, county_dir)


def _with_timeliness(card: CountyCard, county_dir: Path) -> CountyCard:
    path = county_dir / TIMELINESS
    if not path.is_file():
        return card
    try:
        d = json.loads(path.read_bytes())
        ok, judged = int(d["ok"]), int(d["judged"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        log.warning("%s: unreadable (%s), on-time rate not shown", path, e)
        return card
    if judged <= 0 or not 0 <= ok <= judged:
        return card
    return replace(card, on_time=f"{ok * 100 / judged:.0f}%（{ok}/{judged}）")


def county_cards(site: Path) -> list[CountyCard]:
    """The summaries of every county folder directly below ``site``, by folder name."""
    cards = []
    for p in sorted(site.iterdir(), key=lambda p: p.name):
        if p.is_dir() and not p.name.startswith("."):
            card = read_summary(p)
            if card is not None:
                cards.append(card)
    return cards


def city_pages(city: City, cards: Sequence[CountyCard], static: Static,
               env: jinja2.Environment | None = None) -> list[Page]:
    """The city root's pages: home and cross-county search."""
    env = env or make_env()
    head = {
        "counties": len(cards),
        "villages": sum(c.villages for c in cards),
        "records": sum(c.records for c in cards),
        **{k: sum((getattr(c, k) for c in cards), views.ZERO) for k in MONEY},
    }
    as_of = cards[0].as_of if cards else ""
    as_of_date = dt.date.fromisoformat(as_of) if as_of else None
    common = {"city": city, "static": static.files, "CSP": CSP, "as_of": as_of_date}
    home = env.get_template("root.html").render(root="", cards=cards, head=head, **common)
    shards = [f"{c.slug}/{s}" for c in cards for s in c.search]
    names = {c.slug: c.name for c in cards}
    search = env.get_template("city_search.html").render(
        root="../", shards=shards, names=json.dumps(names, ensure_ascii=False, sort_keys=True),
        **common)
    return [("index.html", home.encode("utf-8")), ("search/index.html", search.encode("utf-8"))]
