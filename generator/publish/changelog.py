"""Publishing the change log of one county: find the previous log, append this build's
changes (generator.ledger.log), write the ledger files, and render what residents read —
each village's 更新记录 page, the county's recent changes (+ Atom), 公开情况 (timeliness) —
and put the fingerprint of each village's last changing checkpoint on its poster.

Runs once per county (in a worker process, or a thread with ``--jobs 1``) after its villages
are done: the log's head depends on every village, so nothing here can be rendered with one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import logging
import os
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Protocol

from generator import personal
from generator.errors import DataErrors, Problem, ToolError
from generator.ledger import log as L
from generator.ledger.records import MODULE_LABELS
from generator.ledger.source import CHECKPOINT, FolderSource, Source, open_source
from generator.model import views
from generator.model.records import County
from generator.publish import leakguard
from generator.publish.cache import cache_dir
from generator.publish.write import OutputWriter
from generator.site import city, opendata
from generator.site.render import LEDGER_MARK

log = logging.getLogger(__name__)

OP_LABELS = {"add": "新增", "change": "修改", "remove": "删除"}
TIMELY_MONTHS = 12


class PageRenderer(Protocol):
    county: County
    as_of: dt.date

    def page(self, template: str, path: str, **ctx: object) -> tuple[str, bytes]: ...


class VillageResult(Protocol):
    """What this stage needs of a village's outcome (pipeline.VillageOutcome)."""

    name: str | None
    ledger_digest: str
    ledger_file: str
    ledger_data: bytes
    secret_hashes: frozenset[str]

    @property
    def source(self): ...  # noqa: ANN201 - VillageSource (county, township, slug)


@dataclass(frozen=True)
class Published:
    checkpoint: L.Checkpoint | None
    pages: int
    appended: int


def pack(pre: L.Prepared) -> bytes:
    """A village's prepared ledger data as its cache entry keeps it (without the texts only
    the leak guard reads)."""
    return pickle.dumps(dataclasses.replace(pre, scan=b""), protocol=4)


def scan_prepared(county: str, town: str, village: str, pre: L.Prepared,
                  hashes: frozenset[str]) -> list[leakguard.Leak]:
    """The leak guard over what a village adds to the log (in its worker): its state file as
    ``_scan`` reads one, the log's own hex salts blanked (``Prepared.scan``). That file holds
    every text of its records (keys, titles, links, values); the entries add only the keys,
    the module and hashes."""
    return leakguard.leaks([(f"{county}/{L.state_path(town, village)}", pre.scan)], hashes)


def _loader(o: VillageResult, cache: Path):
    def load() -> L.Prepared:
        try:
            data = o.ledger_data or (cache / o.ledger_file).read_bytes()
            return pickle.loads(data)
        except (OSError, pickle.PickleError, EOFError) as e:
            raise ToolError(f"缓存中的更新记录数据无法读取（{o.ledger_file}）：{e}；"
                            "请加 --no-cache 重新构建") from e
    return load


def previous_source(out: Path, county: str, previous: str | None, new_ledger: bool
                    ) -> tuple[Source | None, bool]:
    """(where the previous log is, whether it must be checked in full): the log in ``out``
    first, else ``previous``; None for a new log."""
    if new_ledger:
        return None, False
    here = out / county
    if (here / CHECKPOINT).is_file():
        return FolderSource(here), False
    if previous:
        return open_source(previous, county), True
    return None, False


def fingerprint_text(cp: L.Checkpoint | None) -> str:
    return cp.fingerprint if cp else "尚无"


def publish(out: Path, previous: str | None, new_ledger: bool, writer: OutputWriter,
            renderer: PageRenderer, outs: Sequence[VillageResult]
            ) -> Published:
    started = time.thread_time()
    county = renderer.county
    as_of = renderer.as_of
    src, full = previous_source(out, county.slug, previous, new_ledger)
    prev = L.load_previous(src, full=full) if src is not None else None
    by_place = {(o.source.township, o.source.slug): o for o in outs if o.name is not None}
    cache = cache_dir(out)
    inputs: list[L.VillageInput] = []
    for t in county.townships:
        for slug in t.village_slugs:
            o = by_place.get((t.slug, slug))
            if o is not None:
                inputs.append(L.VillageInput(t.slug, slug, o.name or slug, o.ledger_digest,
                                             _loader(o, cache)))
    cutoff = views.withdrawal_cutoff(as_of, county.privacy_days)
    hashes = personal.Secrets.union(*(o.secret_hashes for o in outs))
    base = f"{county.slug}/"

    def sink(rel: str, data: bytes, scanned: bool) -> None:
        # a state file made here (a diff) is scanned decompressed; one made in a worker
        # was scanned there
        leaks = [] if scanned else _scan([(base + rel, gzip.decompress(data))], hashes)
        if leaks:
            raise DataErrors(_leak_problems(leaks))
        writer.write(base + rel, data)

    result = L.update(county.slug, inputs, as_of, prev, cutoff, county.stale_edit_days, sink)
    files: list[tuple[str, bytes]] = [(base + rel, data) for rel, data in result.writes]
    for rel in result.copies:
        if src is None or not src.copy(rel, writer.target(base + rel)):
            raise ToolError(f"以前的更新记录不完整：缺少 {rel}；构建已停止，什么也没有写入")
    pages = list(_village_pages(renderer, result))
    pages += _county_pages(renderer, result)
    # the entry files are not scanned again: an entry holds a date, the village's slug, the
    # module, the record's key (scanned with its record: in the worker, or in ``sink``) and
    # hashes — and scanning 76 MB of hex was 0.9 s of a county's cold build
    leaks = _scan([f for f in files if f"/{L.LEDGER}/entries/" not in f[0]] + pages, hashes)
    if leaks:
        raise DataErrors(_leak_problems(leaks))
    for path, data in files + pages:
        writer.write(path, data)
    _patch_posters(writer, county, result)
    log.debug("change log of %s: %d entries appended, %d pages, %.2f CPU-s in its thread",
              county.slug, result.appended, len(pages), time.thread_time() - started)
    return Published(result.checkpoint, sum(p.endswith(".html") for p, _ in pages),
                     result.appended)


def _scan(items: list[tuple[str, bytes]], hashes: frozenset[str]) -> list[leakguard.Leak]:
    """The leak guard over the ledger's files and pages, the log's own hex hashes and salts
    blanked first (``ledger.log.blank_hex``)."""
    return leakguard.leaks(((p, L.blank_hex(d)) for p, d in items), hashes)


def _leak_problems(leaks: list[leakguard.Leak]) -> list[Problem]:
    return [Problem(leak.file, 1, leak.kind, f"输出文件中出现完整{leak.kind} {leak.masked}，已停止发布")
            for leak in leaks]


def _line(it: dict) -> dict:
    fields = [(label, _short(old), _short(new)) for label, old, new in it.get("f", [])]
    return {"op": it["op"], "op_label": OP_LABELS.get(it["op"], it["op"]),
            "module": MODULE_LABELS.get(it["m"], it["m"]), "title": it["t"],
            "link": it.get("l", ""), "fields": fields, "old": bool(it.get("old")),
            "first": it.get("first", "")}


def _short(s: str, n: int = 120) -> str:
    return s if len(s) <= n else s[:n] + "…"


def _village_pages(r: PageRenderer, result: L.Result):
    county = r.county
    towns = {t.slug: t for t in county.townships}
    for name, history in result.histories.items():
        town_slug, _, slug = name.partition("/")
        town = towns.get(town_slug)
        if town is None:
            continue
        vname = result.index.get(name, {}).get("name", slug)
        vbase = f"{town_slug}/{slug}/"
        v = SimpleNamespace(name=vname, slug=slug)
        builds = []
        for b in history:
            cp = L.Checkpoint.parse(b["checkpoint"])
            builds.append({"date": b["date"], "initial": b.get("initial", False),
                           "count": b.get("count", 0), "more": b.get("more", 0),
                           "withdrawn": b.get("withdrawn", 0), "fingerprint": cp.fingerprint,
                           "lines": [_line(it) for it in b.get("items", [])]})
        years = sorted({b["date"][:4] for b in builds}, reverse=True) or [str(r.as_of.year)]
        current = years[0]
        changed = result.changed.get(name)
        crumbs = [(county.name, ""), (town.name, f"{town_slug}/"), (vname, vbase)]
        for y in years:
            path = vbase + "changes/" + ("" if y == current else f"{y}/")
            yield r.page("changes.html", path, town=town, v=v, vbase=vbase, module="changes",
                         builds=[b for b in builds if b["date"][:4] == y], years=years,
                         year=y, current_year=current,
                         fingerprint=changed.fingerprint if changed else "",
                         crumbs=crumbs + [("更新记录", None)])


def _county_pages(r: PageRenderer, result: L.Result) -> list[tuple[str, bytes]]:
    county = r.county
    towns = {t.slug: t for t in county.townships}
    groups: dict[tuple[str, str], dict] = {}
    for it in result.recent:
        key = (it["date"], it["village"])
        g = groups.get(key)
        if g is None:
            town_slug = it["village"].partition("/")[0]
            g = groups[key] = {"date": it["date"], "vbase": it["village"] + "/",
                               "vname": it.get("vname", ""),
                               "town": towns[town_slug].name if town_slug in towns else "",
                               "lines": []}
        g["lines"].append(_line(it))
    ordered = sorted(groups.values(), key=lambda g: (g["date"], g["vbase"]), reverse=True)
    crumbs = [(county.name, ""), ("全县更新记录", None)]
    out = [r.page("county_changes.html", "changes/", groups=ordered, days=L.RECENT_DAYS,
                  checkpoint=result.checkpoint, crumbs=crumbs)]
    if county.url:
        entries = []
        for g in ordered[:opendata.FEED_ENTRIES]:
            url = f"{county.url}{g['vbase']}changes/"
            counts: dict[str, int] = {}
            for line in g["lines"]:
                counts[line["op_label"]] = counts.get(line["op_label"], 0) + 1
            summary = "；".join(
                f"{line['op_label']} {line['module']} {line['title']}"
                + "".join(f"，{f[0]} {f[1]} → {f[2]}" for f in line["fields"])
                + ("（修改旧记录）" if line["old"] else "") for line in g["lines"][:20])
            entries.append(opendata.Entry(
                f"{url}#{g['date']}", f"{g['town']}{g['vname']} {g['date']} 更新："
                + "、".join(f"{k} {n} 条" for k, n in counts.items()),
                f"{g['date']}T00:00:00{opendata.TZ}", url, summary, "更新记录"))
        out.append((f"{county.slug}/changes/feed.xml", opendata.feed_bytes(
            county.url + "changes/", f"{county.name} 公开记录更新记录",
            county.url + "changes/feed.xml", county.url + "changes/", county.name,
            entries, r.as_of)))
    out += _timeliness(r, result)
    return out


def _month_add(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7]) + n
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    return f"{y:04d}-{m:02d}"


def _timeliness(r: PageRenderer, result: L.Result) -> list[tuple[str, bytes]]:
    """公开情况: the page, and ``timeliness/summary.json`` (``{"judged": M, "ok": N}``, the
    county's on-time months over the same twelve months) that the city home shows."""
    county = r.county
    as_of = r.as_of
    this_month = f"{as_of.year:04d}-{as_of.month:02d}"
    months = [_month_add(this_month, -k) for k in range(TIMELY_MONTHS, 0, -1)]
    start = ""
    if result.index:
        firsts = [b["date"] for h in result.histories.values() for b in h if b.get("date")]
        start = min(firsts) if firsts else ""
    towns = []
    total_ok = total_judged = 0
    for t in county.townships:
        rows = []
        ok = judged = 0
        for slug in t.village_slugs:
            row = result.index.get(f"{t.slug}/{slug}")
            if row is None:
                continue
            seen = row.get("months", {})
            cells = []
            for m in months:
                nxt = _month_add(m, 1)
                deadline = dt.date(int(nxt[:4]), int(nxt[5:7]), county.deadline_day)
                got = seen.get(m, {})
                dates = [got.get("finance"), got.get("balances")]
                if start and deadline.isoformat() < start:
                    cells.append({"kind": "before", "text": "建档前"})
                    continue
                if all(dates):
                    last = max(dt.date.fromisoformat(d) for d in dates)  # type: ignore[arg-type]
                    late = (last - deadline).days
                    judged += 1
                    if late <= 0:
                        ok += 1
                        cells.append({"kind": "ok", "text": "按时"})
                    else:
                        cells.append({"kind": "late", "text": f"晚 {late} 天"})
                elif as_of > deadline:
                    judged += 1
                    cells.append({"kind": "missing",
                                  "text": f"未公开（已超期 {(as_of - deadline).days} 天）"})
                else:
                    cells.append({"kind": "pending", "text": "未到期"})
            published = [m for m, got in seen.items() if got.get("finance")]
            rows.append({"name": row.get("name", slug), "vbase": f"{t.slug}/{slug}/",
                         "last": max(published) if published else "", "cells": cells})
        towns.append({"slug": t.slug, "name": t.name, "rows": rows, "rate": _rate(ok, judged)})
        total_ok += ok
        total_judged += judged
    page = r.page("timeliness.html", "timeliness/", towns=towns, months=months, start=start,
                  county_rate=_rate(total_ok, total_judged),
                  crumbs=[(county.name, ""), ("公开情况", None)])
    summary = (f"{county.slug}/{city.TIMELINESS}",
               L.dumps({"judged": total_judged, "ok": total_ok}))
    return [page, summary]


def _rate(ok: int, judged: int) -> str:
    return f"{ok * 100 / judged:.0f}%（{ok}/{judged}）" if judged else "—"


def _patch_posters(writer: OutputWriter, county: County, result: L.Result) -> None:
    """Each village's poster gets the fingerprint of its last changing checkpoint (the
    worker rendered ``LEDGER_MARK``). The staged file may be a hard link into the build
    cache: it is replaced, never written through."""
    for name in result.index:
        rel = f"{county.slug}/{name}/poster/index.html"
        path = writer.root / rel
        try:
            data = path.read_bytes()
        except OSError:
            continue
        new = data.replace(LEDGER_MARK.encode(),
                           fingerprint_text(result.changed.get(name)).encode())
        if new != data:
            os.unlink(path)
            writer.write(rel, new)
