"""The build, stage by stage: load → validate → render → write → index → guard → swap.

``load_site`` is everything ``check`` needs; ``build_site`` adds rendering,
the search index and the atomic swap. Villages are processed in worker
processes; each village's output and each search bundle is cached (generator.publish.cache)
under a key that starts with the build fingerprint (generator.publish.fingerprint).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import pickle
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator import compat, personal
from generator.errors import DataErrors, Problem, ToolError, UsageError
from generator.ledger import log as ledger_log
from generator.model.records import City, County, Township
from generator.model.views import (
    VillageTotals,
    mask_name,
    name_pattern,
    village_totals,
    withdraw_names,
    withdrawn_names,
    without_attachments,
)
from generator.publish import cache as vcache
from generator.publish import changelog, guard, leakguard
from generator.publish.cache import cache_dir, model_digest, village_key
from generator.publish.fingerprint import build_fingerprint, county_fingerprint
from generator.publish.lock import BuildLock
from generator.publish.write import OutputWriter, clean_stale, staging_dir, swap_in
from generator.read.attachments import publishable_bytes
from generator.read.attachments import withdraw_names as withdraw_attachment_names
from generator.read.load import (
    CountySource,
    VillageIdent,
    VillageSource,
    check_villages,
    discover,
    load_city,
    load_county,
    load_village,
)
from generator.read.validate import Collector
from generator.search import directory
from generator.search.index import ServicePool, index_documents, pagefind_executable
from generator.search.searchdocs import INDEX_LANG, SearchDocs
from generator.search.shards import bundle_documents, search_shards
from generator.site import city as city_site
from generator.site import opendata
from generator.site.render import Renderer, Static, build_static, make_env
from generator.site.theme import Theme, theme_fault, theme_problems
from generator.workers import WorkerPool
from generator.workers import done as wait_done
from generator.workers import wait as worker_wait

log = logging.getLogger(__name__)

__all__ = ["Options", "Report", "VillageOutcome", "build_site", "cache_dir", "load_site",
           "model_digest", "village_key"]


@dataclass(frozen=True)
class Options:
    data: Path
    out: Path
    counties: tuple[str, ...] = ()
    as_of: dt.date = field(default_factory=dt.date.today)
    jobs: int = 1
    use_cache: bool = True
    progress: Callable[[int, int, float], None] | None = None  # (done, total, seconds)
    command: str = "build"  # named by the build lock to a second build that finds it held
    lock_wait: float | None = None  # seconds to wait for another build (None: lock.WAIT)
    previous: str | None = None  # where the previous change log is when --out has none
    new_ledger: bool = False  # start a new change log (the old checkpoints stop verifying)


@dataclass(frozen=True)
class VillageOutcome:
    source: VillageSource
    name: str | None
    totals: VillageTotals | None
    problems: tuple[Problem, ...]
    secret_hashes: frozenset[str]
    pages: int
    digest: str  # hash of the village's search documents (keys the township's search shard)
    cached: bool = False
    search_file: str = ""  # the village's search documents: a pickle in its cache entry
    search_bytes: int = 0  # their size (decides how a township's search index is split)
    feed: tuple[opendata.Entry, ...] = ()  # newest entries of the village's feed (with 网址)
    county_parts: str = ""  # its shares of the county-wide CSVs: a file in its cache entry
    # (search_file and county_parts are relative to the cache folder: it may be moved)
    written: tuple[str, ...] = ()  # its output files (leak-scanned in the worker)
    ledger_digest: str = ""  # keyed digest of its published records (ledger.log.digest)
    ledger_file: str = ""  # its records and seed for the change log: a file in its cache entry
    ledger_data: bytes = b""  # the same, inline, when there is no cache
    ident: VillageIdent | None = None  # 名称 and 代码 (checked across the county)


@dataclass(frozen=True)
class Report:
    counties: int
    villages: int
    records: int
    pages: int
    seconds: float
    warnings: tuple[Problem, ...]
    cached_villages: int = 0


# ----------------------------------------------------------------------------- workers
_WORKER: dict[str, object] = {}


def _renderer(county: County, as_of: dt.date, theme: Theme, fingerprint: str) -> Renderer:
    """The worker's renderer for this county; its Jinja environment (templates compiled
    once, never re-checked on disk) is made again when the county's templates changed
    (``fingerprint``: the county's, which follows its theme; a long-lived ``serve`` process)."""
    key = (county, as_of, fingerprint)
    r = _WORKER.get("renderer")
    if r is None or _WORKER.get("key") != key:
        envs: dict[str, tuple] = _WORKER.setdefault("envs", {})  # type: ignore[assignment]
        if fingerprint not in envs:
            if len(envs) >= 8:
                envs.clear()
            envs[fingerprint] = (make_env(theme), build_static(theme))
        env, static = envs[fingerprint]
        r = Renderer(county, as_of, static, env=env, theme=theme)
        _WORKER.update(renderer=r, key=key)
    return r  # type: ignore[return-value]


def _search_docs(county: County, as_of: dt.date) -> SearchDocs:
    key = (county, as_of)
    sd = _WORKER.get("search_docs")
    if sd is None or _WORKER.get("search_key") != key:
        sd = SearchDocs(county, as_of)
        _WORKER.update(search_docs=sd, search_key=key)
    return sd  # type: ignore[return-value]


@dataclass(frozen=True)
class VillageTask:
    source: VillageSource
    county: County | None  # None: check only
    town: Township | None
    as_of: dt.date
    staging: Path | None
    cache: Path | None
    fingerprint: str  # the county's (generator.publish.fingerprint)
    read_cache: bool = True  # False with --no-cache: results are still written to the cache
    key: str | None = None  # the cache key, when the main process computed it already
    model: bytes = b""  # model_digest(county, town), when the village is rendered
    theme: Path | None = None  # the county's theme folder


def process_village(task: VillageTask) -> VillageOutcome:
    src = task.source
    render = task.county is not None and task.staging is not None and task.town is not None
    entry = None
    if render and task.cache is not None:
        key = task.key or village_key(src, task.model, task.as_of, task.fingerprint)
        entry = vcache.village_entry(src, key)
        if task.read_cache:
            outcome = vcache.restore_village(task.cache, entry, task.staging)  # type: ignore[arg-type]
            if isinstance(outcome, VillageOutcome):
                return dataclasses.replace(outcome, source=src, cached=True)
    # check (nothing rendered) validates the tables as it reads them, keeping no rows
    result = load_village(src, keep_rows=render)
    hashes = personal.Secrets.of_ids(result.secrets)
    if result.village is None or not render:
        v = result.village
        return VillageOutcome(src, v.name if v else None, village_totals(v) if v else None,
                              result.problems, hashes, 0, "", ident=result.ident)
    renderer = _renderer(task.county, task.as_of, Theme(task.theme),  # type: ignore[arg-type]
                         task.fingerprint)
    # names of withdrawn welfare rows are masked in the other text the village publishes
    files = {stem: f"{stem}.xlsx" if (src.path / f"{stem}.xlsx").is_file() else f"{stem}.csv"
             for stem in ("welfare", "projects", "finance")}
    v, mentions = withdraw_names(result.village, task.as_of, task.county.privacy_days,  # type: ignore[union-attr]
                                 files)
    # attachments are published as copies (never links to the clerk's files), images
    # re-encoded without metadata; their text was checked when they were read. Withdrawn
    # names are masked in them too, and one that cannot be masked (a PDF) is not published
    names = withdrawn_names(result.village, task.as_of, task.county.privacy_days)  # type: ignore[union-attr]
    base = f"{src.county}/{src.township}/{src.slug}/"
    attachments: list[tuple[str, bytes]] = []
    withheld: set[str] = set()
    found_in_files: list[Problem] = []
    pattern = name_pattern(names) if names else None
    for name in v.files:
        if pattern is None:
            attachments.append((f"{base}files/{name}", publishable_bytes(src.path / "files" / name)))
            continue
        w = withdraw_attachment_names(src.path / "files" / name, pattern, mask_name)
        where = f"{src.rel}/files/{name}"
        for line, part, masked in w.found:
            found_in_files.append(Problem(where, line, "附件", (
                f"{part}含有个人信息公示期已过的领取人姓名“{masked}”，无法在文件中打码，这个附件不再公开"
                "（请换成打码后的文件）" if w.data is None else
                f"{part}含有个人信息公示期已过的领取人姓名，已显示为“{masked}”"), warning=True))
        if w.data is None:
            withheld.add(name)
        else:
            attachments.append((f"{base}files/{name}", w.data))
    if withheld:
        v = without_attachments(v, withheld)
    try:
        pages = list(renderer.village_pages(task.town, v))  # type: ignore[arg-type]
    except Exception as e:
        fault = theme_fault(e, task.theme, f"{src.county}/theme")
        if fault is None:
            raise
        return VillageOutcome(src, v.name, village_totals(v), (*result.problems, fault), hashes, 0, "",
                              ident=result.ident)
    files, entries = opendata.village_files(task.county, task.town, v, task.as_of)  # type: ignore[arg-type]
    pages.extend(files)
    problems = list(result.problems)
    problems += [Problem(f"{src.rel}/{m.file}", m.line, m.field,
                         f"含有个人信息公示期已过的领取人姓名，已显示为“{m.masked}”", warning=True)
                 for m in mentions]
    problems += found_in_files
    # leak guard on the rendered bytes this village publishes
    sources = {leakguard.id_hash(s): where for s, where in result.secret_sources}
    for leak in leakguard.leaks(pages, hashes, sources):
        problems.append(Problem(leak.file, 1, leak.kind,
                                f"输出文件中出现完整{leak.kind} {leak.masked}"
                                f"（来源：{leak.source or src.rel}），已停止发布"))
    # --- change log (generator.ledger): what the village publishes, record by record
    ledger = ledger_log.prepare(v, src.path, f"{src.township}/{src.slug}", task.as_of,
                                task.county.privacy_days)  # type: ignore[union-attr]
    for leak in changelog.scan_prepared(src.county, src.township, src.slug, ledger, hashes):
        problems.append(Problem(leak.file, 1, leak.kind,
                                f"输出文件中出现完整{leak.kind} {leak.masked}，已停止发布"))
    docs = list(_search_docs(task.county, task.as_of).village_docs(task.town, v))  # type: ignore[arg-type]
    digest = hashlib.sha256()
    for path, data in docs:
        digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    ledger_pickle = changelog.pack(ledger)
    outcome = VillageOutcome(src, v.name, village_totals(v), tuple(problems), hashes,
                             len(pages), digest.hexdigest(),
                             search_file=vcache.search_docs_file(entry) if entry else "",
                             search_bytes=sum(len(data) for _, data in docs), feed=entries,
                             county_parts=vcache.county_parts_file(entry) if entry else "",
                             written=tuple([path for path, _ in pages] + [rel for rel, _ in attachments]),
                             ledger_digest=ledger.digest,
                             ledger_file=vcache.ledger_file(entry) if entry else "",
                             ledger_data=b"" if entry else ledger_pickle,
                             ident=result.ident)
    if any(not p.warning for p in problems):
        return outcome
    if entry is not None:
        vcache.store_village(task.cache, entry, task.staging, outcome,  # type: ignore[arg-type]
                             pages, attachments, docs,
                             dict(opendata.county_parts(task.town, v, pages)),  # type: ignore[arg-type]
                             ledger_pickle, directory.pack_keys(directory.search_keys(docs)))
    else:
        writer = OutputWriter(task.staging)  # type: ignore[arg-type]
        for path, data in pages:
            writer.write(path, data)
        for rel, data in attachments:
            writer.write(rel, data)
    return outcome


def _in_worker(task: VillageTask) -> VillageOutcome:
    compat.crash_point(f"village:{task.source.slug}")  # test hook: a worker killed mid-build
    return process_village(task)


AHEAD = 8  # villages handed to the workers and not yet taken, per worker

# "a worker died, " + what it means for the build
WORKER_DIED = ("构建已停止，网站没有更新。请关闭其他占用内存的程序后重试，或加 --jobs 1 "
               "减少同时处理的村数")


def _map(tasks: list[VillageTask], jobs: int,
         workers: WorkerPool | None = None) -> Iterator[VillageOutcome]:
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield process_village(t)
        return
    if workers is not None:
        # villages are handed out a few at a time, so that a county's tail (handed to the
        # same workers when its last village is done) runs before the next counties'
        # villages rather than after all of them: with 16 counties, their tails (and the
        # memory they hold) no longer pile up at the end of the build
        yield from workers.map(_in_worker, tasks, WORKER_DIED, ahead=AHEAD * jobs)
        return
    pool = WorkerPool(min(jobs, len(tasks)))
    try:
        yield from pool.map(_in_worker, tasks, WORKER_DIED)
    finally:
        pool.close()


# ----------------------------------------------------------------------------- stages
@dataclass
class Loaded:
    counties: list[tuple[CountySource, County | None]]
    outcomes: list[VillageOutcome]
    problems: list[Problem]
    # search bundles started as soon as a township's villages were done: (county, bundle,
    # future of the bundle's directory keys, future of its leaks); the keys are known
    # before Pagefind has indexed the bundle
    index_jobs: list[tuple[str, str, Future[bytes], Future[list[Problem]]]] = field(
        default_factory=list)
    # each county's tail (``_county_tail``), started as soon as its villages were done
    county_jobs: dict[str, Future[tuple[int, list[leakguard.Leak]]]] = field(default_factory=dict)
    city: City = field(default_factory=City)


def _progress(opts: Options, done: int, total: int, started: float, last: list[float]) -> None:
    now = time.monotonic()
    if opts.progress and (now - last[0] >= 0.2 or done == total) and total > 20:
        last[0] = now
        opts.progress(done, total, now - started)


def _run(opts: Options, staging: Path | None, pool: ThreadPoolExecutor | None = None,
         services: ServicePool | None = None, finisher: ThreadPoolExecutor | None = None,
         static: Static | None = None, workers: WorkerPool | None = None) -> Loaded:
    sources, col = discover(opts.data, opts.counties)
    city = load_city(opts.data, col)
    counties: list[tuple[CountySource, County | None]] = []
    tasks: list[VillageTask] = []
    fingerprint = build_fingerprint() if staging is not None else ""
    cache = cache_dir(opts.out) if staging is not None else None
    prints: dict[str, str] = {}  # county → its fingerprint (the build's and its theme's)
    themes: dict[str, Theme] = {}
    for cs in sources:
        c = load_county(cs, col)
        if c is not None and not c.url:
            col.problems.append(opendata.missing_url_warning(cs.slug))
        themes[cs.slug] = Theme(cs.theme)
        if cs.theme is not None:
            found = theme_problems(cs.theme, f"{cs.slug}/theme", make_env(themes[cs.slug]))
            col.problems.extend(found)
            if any(not p.warning for p in found):
                c = None  # not rendered: the build fails on the theme's errors
        prints[cs.slug] = county_fingerprint(fingerprint, cs.theme) if staging is not None else ""
        counties.append((cs, c))
        towns = {t.slug: t for t in c.townships} if c else {}
        for ts in cs.townships:
            town = towns.get(ts.slug)
            ok = staging is not None and c is not None and town is not None
            model = model_digest(c, town) if ok else b""  # type: ignore[arg-type]
            for vs in ts.villages:
                tasks.append(VillageTask(vs, c if ok else None, town if ok else None, opts.as_of,
                                         staging if ok else None, cache, prints[cs.slug],
                                         opts.use_cache, model=model, theme=cs.theme))
    if staging is not None and cache is not None and opts.use_cache:
        tasks = _stale_townships_first(tasks)
    outcomes: list[VillageOutcome] = []
    jobs: list[tuple[str, str, Future[bytes], Future[list[Problem]]]] = []
    # a township's search bundle is built (in a thread: Pagefind is a subprocess) as soon
    # as its last village is done, while the other villages are still being processed
    models = {cs.slug: c for cs, c in counties if c is not None}
    waiting: dict[tuple[str, str], list[VillageOutcome]] = {}
    left: dict[tuple[str, str], int] = {}
    for cs, _c in counties:
        for ts in cs.townships:
            left[(cs.slug, ts.slug)] = len(ts.villages)
    indexing = pool is not None and staging is not None
    county_left = {cs.slug: sum(len(ts.villages) for ts in cs.townships) for cs, _c in counties}
    county_outs: dict[str, list[VillageOutcome]] = {}
    county_jobs: dict[str, Future[tuple[int, list[leakguard.Leak]]]] = {}

    def finish(county_slug: str) -> None:
        c = models.get(county_slug)
        outs = county_outs.pop(county_slug, [])
        if c is None or finisher is None or static is None or \
                any(not p.warning for o in outs for p in o.problems):
            return  # the build will fail on these errors (or finishes later)
        keys = {name: k for slug, name, k, _leaks in jobs if slug == county_slug}
        county_jobs[county_slug] = finisher.submit(
            _county_tail, _portable(opts), staging, themes[county_slug], c, outs, keys, workers)

    def start(county_slug: str, town_slug: str) -> None:
        c = models.get(county_slug)
        town = next((t for t in c.townships if t.slug == town_slug), None) if c else None
        outs = waiting.pop((county_slug, town_slug), [])
        if c is None or town is None or any(not p.warning for o in outs for p in o.problems):
            return  # the build will fail on these errors: no index needed
        for name, part in search_shards(town.slug, outs):
            keys: Future[bytes] = Future()
            jobs.append((county_slug, name, keys, pool.submit(  # type: ignore[union-attr]
                _index_shard, opts, staging, c, name, part, keys, services, prints[county_slug])))

    if indexing:
        for key, n in left.items():
            if n == 0:
                start(*key)
        for slug, n in county_left.items():
            if n == 0:
                finish(slug)
    started, last = time.monotonic(), [time.monotonic()]
    for i, o in enumerate(_map(tasks, opts.jobs, workers), 1):
        outcomes.append(o)
        _progress(opts, i, len(tasks), started, last)
        if indexing:
            key = (o.source.county, o.source.township)
            waiting.setdefault(key, []).append(o)
            left[key] -= 1
            if left[key] == 0:
                start(*key)
            county_outs.setdefault(o.source.county, []).append(o)
            county_left[o.source.county] -= 1
            if county_left[o.source.county] == 0:
                finish(o.source.county)
    problems = list(col.problems)
    for o in outcomes:
        problems.extend(o.problems)
    for cs, c in counties:
        codes = {t.slug: t.code for t in c.townships} if c else {}
        problems.extend(check_villages(
            [(o.ident, codes.get(o.source.township)) for o in outcomes
             if o.source.county == cs.slug and o.ident is not None]))
    return Loaded(counties, outcomes, problems, jobs, county_jobs, city)


def _stale_townships_first(tasks: list[VillageTask]) -> list[VillageTask]:
    """Put the townships whose villages changed first, so that their search bundles (the
    slowest part of a small edit) start while the unchanged villages are being restored."""
    keyed: list[VillageTask] = []
    stale: set[tuple[str, str]] = set()
    for t in tasks:
        if t.county is None or t.town is None or t.cache is None:
            keyed.append(t)
            continue
        key = village_key(t.source, t.model, t.as_of, t.fingerprint)
        keyed.append(dataclasses.replace(t, key=key))
        if not vcache.has_village(t.cache, vcache.village_entry(t.source, key)):
            stale.add((t.source.county, t.source.township))
    # stable: the order inside each group stays the data folder's order
    return sorted(keyed, key=lambda t: (t.source.county, t.source.township) not in stale)


def load_site(opts: Options) -> list[Problem]:
    """Load and validate everything (the ``check`` command). Raises DataErrors on errors."""
    loaded = _run(opts, None)
    problems = sorted(loaded.problems, key=lambda p: (p.path, p.line))
    if any(not p.warning for p in problems):
        raise DataErrors(problems)
    return problems


def build_site(opts: Options) -> Report:
    started = time.monotonic()
    pagefind_executable()  # fail early (exit 3) when the search tool is missing
    with BuildLock(opts.out, opts.command, opts.lock_wait):  # one build per --out and cache
        return _build_locked(opts, started)


def _build_locked(opts: Options, started: float) -> Report:
    clean_stale(opts.out)
    staging = staging_dir(opts.out)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        workers = WorkerPool(opts.jobs) if opts.jobs > 1 else None  # before any thread starts
        pool = ThreadPoolExecutor(max_workers=max(1, opts.jobs))
        finisher = ThreadPoolExecutor(max_workers=1)
        services = ServicePool()
        try:
            services.warm()
            static = build_static()
            loaded = _run(opts, staging, pool, services, finisher, static, workers)
            # (dict.fromkeys: a theme template's fault is found by every village of its county)
            problems = sorted(dict.fromkeys(loaded.problems), key=lambda p: (p.path, p.line))
            if any(not p.warning for p in problems):
                raise DataErrors(problems)
            pages = _finish(opts, staging, loaded, static, workers)
        finally:
            finisher.shutdown(wait=True, cancel_futures=True)
            pool.shutdown(wait=True, cancel_futures=True)
            services.close()
            if workers is not None:
                workers.close()
        swap_in(staging, opts.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    villages = [o for o in loaded.outcomes if o.totals is not None]
    return Report(
        counties=len(loaded.counties), villages=len(villages),
        records=sum(o.totals.records for o in villages if o.totals),
        pages=pages + sum(o.pages for o in villages),
        seconds=time.monotonic() - started,
        warnings=tuple(p for p in problems if p.warning),
        cached_villages=sum(o.cached for o in villages),
    )


def _village_names(outs: Sequence[VillageOutcome]) -> dict[str, dict[str, str]]:
    """township slug → village slug → 村 name, of the villages built."""
    names: dict[str, dict[str, str]] = {}
    for o in outs:
        if o.totals is not None and o.name is not None:
            names.setdefault(o.source.township, {})[o.source.slug] = o.name
    return names


def _county_renderer(opts: Options, theme: Theme, county: County) -> Renderer:
    return Renderer(county, opts.as_of, build_static(theme), env=make_env(theme), theme=theme)


def _finish_county(opts: Options, staging: Path, theme: Theme, county: County,
                   outs: list[VillageOutcome]) -> int:
    """One county's own pages (home, townships, search, info, change log), its static files
    and what the city portal reads; called once all its villages are in ``staging``.
    Returns its pages."""
    writer = OutputWriter(staging, previous=opts.out)  # unchanged files linked from the live site
    summaries: dict[str, dict[str, VillageTotals]] = {}
    for o in outs:
        if o.totals is not None and o.name is not None:
            summaries.setdefault(o.source.township, {})[o.source.slug] = o.totals
    shards = [name for t in county.townships for name, _ in search_shards(t.slug, outs)]
    renderer = _county_renderer(opts, theme, county)
    # --- change log: append this build's changes, its pages, the posters' fingerprints
    ledger = changelog.publish(opts.out, opts.previous, opts.new_ledger, writer, renderer, outs)
    try:
        county_pages = list(renderer.county_pages(summaries, _village_names(outs), shards,
                                                  ledger.checkpoint))
    except Exception as e:
        fault = theme_fault(e, theme.folder, f"{county.slug}/theme")
        if fault is None:
            raise
        raise DataErrors([fault]) from e
    for path, data in county_pages:
        writer.write(path, data)
    for rel, data in renderer.static.contents.items():
        writer.write(f"{county.slug}/{rel}", data)
    # what the city portal reads (site/city.py): the same whether this county is built with
    # the others or alone and merged (build.py merge)
    writer.write(f"{county.slug}/{city_site.SUMMARY}", city_site.county_summary(
        county, opts.as_of, [o.totals for o in outs if o.totals is not None and o.name],
        shards))
    return len(county_pages) + ledger.pages


def _portable(opts: Options) -> Options:
    """``opts`` as a worker process receives them (the progress callback stays here)."""
    return dataclasses.replace(opts, progress=None)


def _finish_county_in_worker(opts: Options, staging: Path, theme: Theme, county: County,
                             outs: list[VillageOutcome]) -> int:
    compat.crash_point(f"county:{county.slug}")  # test hook: a worker killed in a county's tail
    return _finish_county(opts, staging, theme, county, outs)


def _county_tables(staging: Path, county: County,
                   names: dict[str, dict[str, str]], parts: dict[tuple[str, str], Path],
                   hashes: frozenset[str]) -> tuple[list[opendata.CountyFile], list[leakguard.Leak]]:
    """The county-wide CSVs (tens of MB), joined from the villages' shares and leak-scanned
    in a worker beside the change log: (the files, the leaks in them)."""
    files = opendata.write_county_tables(staging, OutputWriter(staging), county, names, parts)
    paths = [staging / county.slug / f.path for f in files]
    return files, leakguard.scan_tree(staging, paths, hashes)


def _county_tail(opts: Options, staging: Path, theme: Theme, county: County,
                 outs: list[VillageOutcome], keys: dict[str, Future[bytes]],
                 workers: WorkerPool | None) -> tuple[int, list[leakguard.Leak]]:
    """What a county needs once its villages are done, run from a thread of the main process
    (``finisher``) while other counties' villages go on: its change log and pages
    (``_finish_county``), its bundle directory (from the bundles' keys, known before
    Pagefind has indexed them) and its county-wide CSVs (``_county_tables``, scanned where
    they are written) side by side in the workers; then the 数据下载 page, feed and sitemap
    here, and the leak guard over the county's files not scanned before. Without workers
    (``--jobs 1``) each step runs here. Returns (the county's pages, the leaks found)."""
    # the change log and pages do not read the villages' feed entries or file lists: most of
    # the outcomes' bytes, which would otherwise be pickled to the worker first
    light = [dataclasses.replace(o, feed=(), written=()) for o in outs]
    finished = _submit(workers, _finish_county_in_worker if workers is not None
                       else _finish_county, opts, staging, theme, county, light)
    names = [name for t in county.townships for name, _ in search_shards(t.slug, outs)]
    directory_done = _submit(workers, _county_directory, opts, staging, county.slug,
                             [(name, keys[name].result()) for name in names])
    hashes = personal.Secrets.union(*(o.secret_hashes for o in outs))
    village_names = _village_names(outs)
    cache = cache_dir(opts.out)
    parts = {(o.source.township, o.source.slug): cache / o.county_parts
             for o in outs if o.county_parts}
    tables = _submit(workers, _county_tables, staging, county, village_names, parts, hashes)
    pages = worker_wait(finished, WORKER_DIED)
    worker_wait(directory_done, WORKER_DIED)
    files, leaks = worker_wait(tables, WORKER_DIED)
    # every other page of the county is in staging now (the sitemap lists them)
    pages += opendata.write_county_index(staging, OutputWriter(staging, previous=opts.out),
                                         _county_renderer(opts, theme, county), files,
                                         [e for o in outs for e in o.feed])
    # skipped: the search bundles (scanned when each was built), the change log's files
    # (scanned by generator.publish.changelog: its hex hashes and salts are the log's own,
    # and blanked before that scan) and the county-wide CSVs (scanned where they were written)
    skip = {f"{county.slug}/pagefind/{name}" for name in names} | {f"{county.slug}/ledger"}
    scanned = {rel for o in outs for rel in o.written} | {f"{county.slug}/{f.path}" for f in files}
    files_left = worker_wait(_submit(workers, guard.unscanned, staging, scanned, skip, county.slug),
                             WORKER_DIED)
    # scanned side by side: after a one-village edit this is on the way to the new site
    scans = [_submit(workers, leakguard.scan_tree, staging, run, hashes)
             for run in guard.runs(files_left, opts.jobs)]
    return pages, leaks + [leak for scan in scans for leak in worker_wait(scan, WORKER_DIED)]


def _submit(workers: WorkerPool | None, fn: Callable[..., object], *args: object) -> Future:
    """``fn(*args)`` in a worker, or here and now without workers (``--jobs 1``); take the
    result with ``worker_wait``."""
    return workers.submit(fn, *args) if workers is not None else wait_done(fn, *args)


def _finish(opts: Options, staging: Path, loaded: Loaded, static: Static,
            workers: WorkerPool | None = None) -> int:
    """Wait for the search bundles and county tails started in ``_run`` (and their leak
    scans); then the site root (the city portal) and its static files, and the leak guard
    over everything beside the county folders. Returns the number of pages."""
    leaks = [p for _c, _name, _keys, job in loaded.index_jobs for p in job.result()]
    if leaks:
        raise DataErrors(leaks)
    live = [county for _cs, county in loaded.counties if county is not None]
    pages = 0
    found: list[leakguard.Leak] = []
    for county in live:  # every county with a model was started in _run
        n, county_leaks = loaded.county_jobs[county.slug].result()
        pages += n
        found += county_leaks
    pages += write_city_root(staging, loaded.city, static, previous=opts.out, workers=workers,
                             jobs=opts.jobs)
    hashes = personal.Secrets.union(*(o.secret_hashes for o in loaded.outcomes))
    found += guard.guard_staging(staging, hashes, set(), {c.slug for c in live})
    if found:
        raise DataErrors(_leak_problems(found))
    return pages


def write_city_root(site: Path, city: City, static: Static, previous: Path | None = None,
                    workers: WorkerPool | None = None, jobs: int = 1) -> int:
    """The city portal at the root of ``site`` (home, cross-county search, static files),
    made from the county folders it holds: the last step of a build and of a merge.
    ``previous``: the site being replaced (its unchanged directory files are linked);
    ``workers``: join the city's search directory in them, ``jobs`` parts side by side.
    Returns the number of pages."""
    writer = OutputWriter(site)
    for rel, data in static.contents.items():
        writer.write(rel, data)
    cards = city_site.county_cards(site)
    pages = city_site.city_pages(city, cards, static)
    for path, data in pages:
        writer.write(path, data)
    # the city search's bundle directory: the counties' own, joined (no bundle is re-read)
    try:
        files = directory.city_directory([(c.slug, c.name, site / c.slug) for c in cards],
                                         _in_workers(workers), jobs if workers else 1)
    except (OSError, ValueError, KeyError) as e:
        raise ToolError(f"县的搜索目录（<县>/{directory.DIR}/）无法读取：{e}；"
                        "这个县的文件夹不是一次完整构建的结果，请重新构建") from e
    # with one county the city's bucket files are the county's own: linked, not written twice
    directory.write_directory(writer, directory.DIR, files,
                              site / cards[0].slug if len(cards) == 1 else previous)
    return len(pages)


def _in_workers(workers: WorkerPool | None) -> directory.Mapper:
    """A ``directory.Mapper`` that runs each part in a worker (here without workers)."""
    def run(fn: Callable[..., object], args: list[tuple]) -> list:
        futures = [_submit(workers, fn, *a) for a in args]
        return [worker_wait(f, WORKER_DIED) for f in futures]
    return run


def _index_shard(opts: Options, staging: Path, county: County, name: str,
                 mine: list[VillageOutcome], keys_out: Future[bytes],
                 services: ServicePool | None = None, fingerprint: str = "") -> list[Problem]:
    """One Pagefind bundle (pagefind/<name>/, see ``search_shards``), built from its villages'
    index-only search documents (generator.search.searchdocs) and cached by the county's
    fingerprint and their content, so an edit re-indexes only its bundle. Its directory keys
    (the union of its villages') go to ``keys_out`` before Pagefind starts. A bundle built
    afresh is leak-scanned here (a cached one was scanned when it was built); returns the
    leaks found."""
    try:
        return _index_bundle(opts, staging, county, name, mine, keys_out, services, fingerprint)
    except BaseException as e:
        if not keys_out.done():  # it failed before the keys were known
            keys_out.set_exception(e)
        raise


def _index_bundle(opts: Options, staging: Path, county: County, name: str,
                  mine: list[VillageOutcome], keys_out: Future[bytes],
                  services: ServicePool | None, fingerprint: str) -> list[Problem]:
    cache = cache_dir(opts.out)
    target = staging / county.slug / "pagefind" / name
    entry = vcache.bundle_entry(cache, county.slug, name,
                                vcache.bundle_key(fingerprint, (o.digest for o in mine)))
    if opts.use_cache:
        cached = vcache.restore_bundle(entry, target)
        if cached is not None:
            keys_out.set_result(cached)
            return []
    village_docs = []
    keys: set[str] = set()
    for o in mine:
        try:
            village_docs.append(vcache.load_search_docs(cache, o.search_file))
            keys.update(directory.unpack_keys(vcache.load_search_keys(cache, o.search_file)))
        except (OSError, pickle.PickleError, EOFError) as e:
            raise ToolError(f"缓存中的搜索文档无法读取（{cache / o.search_file}）：{e}；"
                            "请加 --no-cache 重新构建") from e
    packed = directory.pack_keys(keys)
    keys_out.set_result(packed)
    docs = bundle_documents(county.slug, name, village_docs)
    shutil.rmtree(target, ignore_errors=True)
    index_documents(docs, target, services)
    hashes = personal.Secrets.union(*(o.secret_hashes for o in mine))
    files = [p for p in target.rglob("*") if p.is_file()]
    leaks = leakguard.scan_tree(staging, files, hashes)
    if leaks:
        return _leak_problems(leaks)
    vcache.store_bundle(target, entry, packed)
    return []


PRIMARY = "primary.0"  # an empty bundle: the search page's Pagefind instances start from it


def _county_directory(opts: Options, staging: Path, county_slug: str,
                      bundles: list[tuple[str, bytes]]) -> None:
    """A county's bundle directory (generator.search.directory) from its bundles' keys,
    and its empty primary bundle (``<county>/pagefind/primary.0/``: the search page loads
    Pagefind's program and WebAssembly from one place whichever bundles a query needs)."""
    names, packed = [name for name, _ in bundles], [keys for _, keys in bundles]
    folder = f"{county_slug}/{directory.DIR}"
    fingerprint = build_fingerprint()
    entry = vcache.directory_entry(cache_dir(opts.out), county_slug)
    old = vcache.load_directory(entry, fingerprint) if opts.use_cache else None
    # after an edit only the buckets of the keys that came or went are made again
    update = directory.update_county(old, entry / "files", names, packed) if old else None
    writer = OutputWriter(staging, previous=opts.out)
    if update is None:
        files, snapshot = directory.build_county(names, packed)
        directory.write_directory(writer, folder, files)
    else:
        changed, snapshot = update
        for name, data in changed:
            if data is None:
                writer.link_or_copy(f"{folder}/{name}", entry / "files" / name)
            else:
                writer.write(f"{folder}/{name}", data)
    vcache.store_directory(entry, fingerprint, snapshot, staging / folder)
    _primary_bundle(opts, staging, county_slug, fingerprint)


def _primary_bundle(opts: Options, staging: Path, county_slug: str, fingerprint: str) -> None:
    cache = cache_dir(opts.out)
    target = staging / county_slug / "pagefind" / PRIMARY
    entry = vcache.bundle_entry(cache, county_slug, PRIMARY, vcache.bundle_key(fingerprint, []))
    if opts.use_cache and vcache.restore_bundle(entry, target) is not None:
        return
    shutil.rmtree(target, ignore_errors=True)
    # one page of one word no query holds ("_": search.js compact() removes it): Pagefind
    # writes no index without a page with words, and no query may find this one
    index_documents([("primary/index.html", f'<!doctype html><html lang="{INDEX_LANG}"><body>'
                      '<main data-pagefind-body><p>_</p></main></body></html>'.encode())], target)
    vcache.store_bundle(target, entry)


def _leak_problems(leaks: list[leakguard.Leak]) -> list[Problem]:
    return [Problem(leak.file, 1, leak.kind, f"输出文件中出现完整{leak.kind} {leak.masked}，已停止发布")
            for leak in leaks]


def preview_changes(opts: Options) -> list[tuple[str, str, list[dict] | None]]:
    """The ``changes`` command: per village ("county/township/village", name, items), what the
    next build would append to the change log; items None: the log would start with it.
    Loads and validates like ``check``; writes nothing."""
    sources, col = discover(opts.data, opts.counties)
    problems = list(col.problems)
    out: list[tuple[str, str, list[dict] | None]] = []
    for cs in sources:
        c = load_county(cs, col)
        problems = list(col.problems)
        inputs: list[ledger_log.VillageInput] = []
        for ts in cs.townships:
            for vs in ts.villages:
                result = load_village(vs)
                problems.extend(result.problems)
                v = result.village
                if v is None or c is None:
                    continue
                pre = ledger_log.prepare(v, vs.path, f"{ts.slug}/{vs.slug}", opts.as_of,
                                         c.privacy_days)
                inputs.append(ledger_log.VillageInput(ts.slug, vs.slug, v.name, pre.digest,
                                                      lambda p=pre: p))
        if any(not p.warning for p in problems):
            raise DataErrors(sorted(problems, key=lambda p: (p.path, p.line)))
        if c is None:
            continue
        src, full = changelog.previous_source(opts.out, c.slug, opts.previous, opts.new_ledger)
        prev = ledger_log.load_previous(src, full=full) if src is not None else None
        from generator.model.views import withdrawal_cutoff
        res = ledger_log.update(c.slug, inputs, opts.as_of, prev,
                                withdrawal_cutoff(opts.as_of, c.privacy_days), c.stale_edit_days,
                                sink=lambda *_: None)
        for vi in inputs:
            name = f"{vi.town}/{vi.slug}"
            hist = res.histories.get(name, [])
            if not res.appended or not hist or hist[0].get("checkpoint") != (
                    res.checkpoint.as_dict() if res.checkpoint else None):
                continue
            out.append((f"{c.slug}/{name}", vi.name, None if hist[0].get("initial")
                        else hist[0].get("items", [])))
    return out


# ----------------------------------------------------------------------------- merge
@dataclass(frozen=True)
class MergeReport:
    counties: int
    villages: int
    records: int
    seconds: float
    warnings: tuple[Problem, ...]


def _shard_cards(shard: Path) -> list[tuple[Path, city_site.CountyCard]]:
    """The finished county folders of a shard: the folder a ``build --county X --out
    SHARD`` wrote (its county folders below it), or one county folder itself."""
    if not shard.is_dir():
        raise UsageError(f"{shard} 不存在或不是文件夹")
    own = city_site.read_summary(shard) if (shard / city_site.SUMMARY).is_file() else None
    if own is not None:
        if own.slug != shard.name:
            raise UsageError(f"{shard} 是县 {own.slug} 的文件夹，文件夹名应为 {own.slug}")
        return [(shard, own)]
    found = [(shard / c.slug, c) for c in city_site.county_cards(shard)]
    if not found:
        raise UsageError(f"{shard} 里没有县的构建结果（找不到 <县>/{city_site.SUMMARY}）。"
                         "请先运行 python build.py build --county 县 --out 这个文件夹")
    return found


def merge_sites(shards: Sequence[Path], out: Path, data: Path | None,
                lock_wait: float | None = None, jobs: int = 1) -> MergeReport:
    """Join county folders built separately into one site at ``out``: the county folders
    (hard links, or copies where links are impossible), the city home and the city search
    from their summaries. Nothing of a county is rendered again; the result is the same
    bytes as one build of all the counties (``write_city_root`` is a build's last step)."""
    started = time.monotonic()
    found: dict[str, tuple[Path, city_site.CountyCard]] = {}
    for shard in shards:
        for folder, card in _shard_cards(shard):
            if card.slug in found:
                raise UsageError(f"县 {card.slug} 出现了两次：{found[card.slug][0]} 和 {folder}")
            found[card.slug] = (folder, card)
    for what, attr in (("数据日期（--as-of）", "as_of"), ("生成器版本", "generator")):
        values: dict[str, list[str]] = {}
        for slug, (_f, card) in sorted(found.items()):
            values.setdefault(str(getattr(card, attr)), []).append(slug)
        if len(values) > 1:
            detail = "；".join(f"{v[:16]}：{'、'.join(s)}" for v, s in sorted(values.items()))
            raise UsageError(f"各县用不同的{what}构建，不能合并（{detail}）。"
                             "请用同一版本、同一 --as-of 重新构建这些县")
    out_abs = out.absolute()
    for folder, _card in found.values():
        if folder.absolute() == out_abs or folder.absolute().is_relative_to(out_abs):
            raise UsageError(f"--out {out} 不能是要合并的文件夹（{folder}）或包含它")
    col_problems: list[Problem] = []
    city = City()
    if data is not None:
        if not data.is_dir():
            raise UsageError(f"数据文件夹 {data} 不存在")
        col = Collector()
        city = load_city(data, col)
        col_problems = sorted(col.problems, key=lambda p: (p.path, p.line))
        if any(not p.warning for p in col_problems):
            raise DataErrors(col_problems)
    with BuildLock(out, "merge", lock_wait):
        clean_stale(out)
        staging = staging_dir(out)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            for slug, (folder, _card) in sorted(found.items()):
                vcache.link_tree(folder, staging / slug)
            workers = WorkerPool(jobs) if jobs > 1 and len(found) > 1 else None
            try:
                write_city_root(staging, city, build_static(), workers=workers, jobs=jobs)
            finally:
                if workers is not None:
                    workers.close()
            swap_in(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    cards = [c for _f, c in found.values()]
    return MergeReport(len(cards), sum(c.villages for c in cards), sum(c.records for c in cards),
                       time.monotonic() - started, tuple(col_problems))
