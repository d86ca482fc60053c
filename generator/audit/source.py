"""The villages' disclosures as tables for the audit's joins.

Villages are read through the same loader and validation as ``build``
(``generator.read.load.load_village``), asking it for the full ID numbers
(``full_ids=True``): they stay in these audit tables and never enter the site model.
Amounts are integer cents and dates are proleptic ordinals (``date.toordinal()``), so
the joins compare exact integers.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from generator import compat
from generator.errors import Problem
from generator.read.load import (
    CountySource,
    VillageSource,
    discover,
    load_county,
    load_village,
)
from generator.read.validate import Collector
from generator.workers import WorkerPool

log = logging.getLogger(__name__)

DEFAULT_MAJOR_AMOUNT = Decimal(5000)

# columns of each table (besides the village's: town, village, vcode, vrel, file)
WELFARE_COLS = ("line", "program", "name", "idno", "cents", "paid", "note")
FINANCE_COLS = ("line", "date", "kind", "memo", "handler", "cents")
BALANCE_COLS = ("line", "month", "income", "expense")
CONTRACT_COLS = ("line", "code", "title", "party", "cents", "signed")
NOTICE_COLS = ("line", "slug", "date")
VILLAGE_COLS = ("town", "village", "vcode", "vrel", "file")
TABLES = {"welfare": WELFARE_COLS, "finance": FINANCE_COLS, "balances": BALANCE_COLS,
          "contracts": CONTRACT_COLS, "notices": NOTICE_COLS}


@dataclass(frozen=True)
class VillageRows:
    """What the audit needs of one village (picklable, compact: tuples only)."""

    source: VillageSource
    name: str
    code: str
    problems: tuple[Problem, ...]
    files: dict[str, str]  # stem → file name (welfare.csv or welfare.xlsx)
    rows: dict[str, list[tuple[Any, ...]]]


@dataclass
class CountyData:
    """One county's disclosures as DataFrames (columns: VILLAGE_COLS + TABLES[stem])."""

    slug: str
    name: str
    major_amount: Decimal
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    villages: int = 0
    has_finance: frozenset[str] = frozenset()  # vrel of villages that have finance.csv/.xlsx
    deadline_day: int = 10  # county.yaml 财务公开期限日


def _cents(d: Decimal) -> int:
    return int(d * 100)


def _file_name(path: Path, stem: str) -> str:
    return f"{stem}.xlsx" if (path / f"{stem}.xlsx").exists() and not (
        path / f"{stem}.csv").exists() else f"{stem}.csv"


def _date_line(path: Path) -> int:
    """The line of a notice's ``日期`` in its front matter (what rule 9 points at); 1 when
    it cannot be found."""
    try:
        lines = path.read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    for i, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        if line.lstrip().startswith("日期"):
            return i
    return 1


def village_rows(src: VillageSource, *, pages: bool = False) -> VillageRows:
    """Load one village (same reading and validation as build) and keep the rows the rules
    join. The audit writes no pages, so Markdown is checked but not rendered (``pages``:
    render it anyway, to show that the rows do not depend on it)."""
    result = load_village(src, full_ids=True, pages=pages)
    v = result.village
    if v is None:
        return VillageRows(src, "", "", result.problems, {}, {})
    ids = {line: idno for stem, line, idno in result.full_ids if stem == "welfare"}
    rows: dict[str, list[tuple[Any, ...]]] = {
        "welfare": [(r.line, r.program, r.name, ids.get(r.line), _cents(r.amount),
                     r.paid.toordinal(), r.note or "") for r in v.welfare],
        "finance": [(r.line, r.date.toordinal(), r.kind, r.memo, r.handler or "",
                     _cents(r.amount)) for r in v.finance],
        "balances": [(r.line, r.month, _cents(r.income), _cents(r.expense)) for r in v.balances],
        "contracts": [(r.line, r.code, r.name, r.party, _cents(r.amount), r.signed.toordinal())
                      for r in v.contracts],
        "notices": [(_date_line(src.path / "notices" / f"{n.slug}.md"), n.slug,
                     n.date.toordinal()) for n in v.notices],
    }
    files = {stem: _file_name(src.path, stem) for stem in ("welfare", "finance", "balances",
                                                            "contracts") if stem in v.present}
    return VillageRows(src, v.name, v.code, result.problems, files, rows)


# "a worker died, " + what it means for the audit
WORKER_DIED = ("比对已停止，没有写报告。请关闭其他占用内存的程序后重试，或加 --jobs 1 "
               "减少同时处理的村数")


def _in_worker(src: VillageSource) -> VillageRows:
    compat.crash_point(f"village:{src.slug}")  # test hook: a worker killed mid-audit
    return village_rows(src)


def _map(items: list[VillageSource], jobs: int,
         workers: WorkerPool | None = None) -> Iterator[VillageRows]:
    """``village_rows`` over ``items``, in order: in the build's worker processes, which
    read the next county's villages while the caller runs the rules on this one. Given
    ``workers``, every village is handed to them now."""
    if jobs <= 1 or len(items) <= 1:
        return map(village_rows, items)
    if workers is not None:
        return workers.map(_in_worker, items, WORKER_DIED, _ahead(items, jobs))
    return _own_pool(items, jobs)


def _ahead(items: list[VillageSource], jobs: int) -> int:
    """How many villages the workers may read ahead of the caller: the largest county's,
    so they keep busy while the caller runs the rules on one county, and the rows waiting
    in memory are never more than about one county's."""
    per_county: dict[str, int] = {}
    for vs in items:
        per_county[vs.county] = per_county.get(vs.county, 0) + 1
    return max(max(per_county.values()), 4 * jobs)


def _own_pool(items: list[VillageSource], jobs: int) -> Iterator[VillageRows]:
    pool = WorkerPool(min(jobs, len(items)))
    try:
        yield from pool.map(_in_worker, items, WORKER_DIED, _ahead(items, jobs))
    finally:
        pool.close()


def _county_data(cs: CountySource, results: Iterator[VillageRows]
                 ) -> tuple[CountyData, list[Problem]]:
    """One county as audit tables from its villages' rows (taken from ``results``, which
    yields them in the order of ``cs``'s villages), with every problem found in it."""
    col = Collector()
    county = load_county(cs, col)
    towns = {t.slug: t.name for t in county.townships} if county else {}
    cd = CountyData(cs.slug, county.name if county else cs.slug,
                    (county.major_amount if county and county.major_amount is not None
                     else DEFAULT_MAJOR_AMOUNT),
                    deadline_day=county.deadline_day if county else 10)
    columns: dict[str, dict[str, list[Any]]] = {
        stem: {c: [] for c in VILLAGE_COLS + cols} for stem, cols in TABLES.items()}
    has_finance: set[str] = set()
    for _ in range(sum(len(ts.villages) for ts in cs.townships)):
        vr = next(results)
        col.problems.extend(vr.problems)
        if not vr.name:
            continue
        cd.villages += 1
        src = vr.source
        if "finance" in vr.files:
            has_finance.add(src.rel)
        town = towns.get(src.township, src.township)
        for stem, cols in TABLES.items():
            rows = vr.rows[stem]
            if not rows:
                continue
            c = columns[stem]
            n = len(rows)
            c["town"].extend([town] * n)
            c["village"].extend([vr.name] * n)
            c["vcode"].extend([vr.code] * n)
            c["vrel"].extend([src.rel] * n)
            if stem == "notices":
                c["file"].extend(f"{src.rel}/notices/{r[1]}.md" for r in rows)
            else:
                c["file"].extend([f"{src.rel}/{vr.files.get(stem, stem + '.csv')}"] * n)
            for k, name in enumerate(cols):
                c[name].extend(r[k] for r in rows)
    cd.frames = {stem: pd.DataFrame(c, columns=list(c)) for stem, c in columns.items()}
    cd.has_finance = frozenset(has_finance)
    return cd, col.problems


def iter_counties(data: Path, only: tuple[str, ...], jobs: int,
                  workers: WorkerPool | None = None
                  ) -> Iterator[tuple[CountyData | None, list[Problem]]]:
    """The folder-level problems first (with None), then each county in turn: one county's
    tables in memory at a time. One pool of workers (``workers``, or one made here) reads
    the villages of all counties in order, so the next county's villages are being read
    while the caller runs the rules on this one; given ``workers``, they start reading
    when the folder-level problems are taken."""
    sources, col = discover(data, only)
    villages = [vs for cs in sources for ts in cs.townships for vs in ts.villages]
    results = _map(villages, jobs, workers)
    try:
        yield None, col.problems
        for cs in sources:
            yield _county_data(cs, results)
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops the workers when the caller gives up early


def load_counties(data: Path, only: tuple[str, ...], jobs: int
                  ) -> tuple[list[CountyData], list[Problem]]:
    """Every county at once (tests, small data)."""
    out: list[CountyData] = []
    problems: list[Problem] = []
    for cd, found in iter_counties(data, only, jobs):
        problems.extend(found)
        if cd is not None:
            out.append(cd)
    return out, problems


@functools.lru_cache(maxsize=1 << 16)
def day(ordinal: int) -> str:
    """``YYYY-MM-DD`` of a date ordinal (a county's findings name a few thousand dates)."""
    return dt.date.fromordinal(int(ordinal)).isoformat()
