"""The build, stage by stage: load → validate → render → write → index → guard → swap.

``load_site`` is everything ``check`` needs; ``build_site`` adds rendering,
the search index and the atomic swap. Villages are processed in worker
processes; each village's rendered pages are cached by the content hash of its
inputs, the templates and the generator version (cache outside ``--out``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import logging
import multiprocessing as mp
import os
import pickle
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.errors import DataErrors, Problem, ToolError
from generator.model.records import County, Township
from generator.model.views import VillageTotals, village_totals
from generator.publish import leakguard
from generator.publish.write import OutputWriter, clean_stale, staging_dir, swap_in, write_bytes
from generator.read.load import (
    CountySource,
    VillageIdent,
    VillageSource,
    check_villages,
    discover,
    load_county,
    load_village,
)
from generator.search.index import ServicePool, index_documents, pagefind_executable
from generator.search.searchdocs import INDEX_LANG, SearchDocs
from generator.site import opendata
from generator.site.render import (
    Renderer,
    Static,
    build_static,
    make_env,
    render_root,
    template_digest,
)

log = logging.getLogger(__name__)

SEARCH_DOCS = "search.pickle"  # in a village's cache entry: [(path, index-only HTML), …]
COUNTY_PARTS = "county.pickle"  # in a village's cache entry: opendata.county_parts, {name: bytes}
# Search text per Pagefind bundle: about 1 CPU-second of indexing on the 2-core reference
# machine, which bounds what a one-village edit re-indexes (BENCHMARKS.md).
SHARD_BYTES = 2_000_000


@dataclass(frozen=True)
class Options:
    data: Path
    out: Path
    counties: tuple[str, ...] = ()
    as_of: dt.date = field(default_factory=dt.date.today)
    jobs: int = 1
    use_cache: bool = True
    progress: Callable[[int, int, float], None] | None = None  # (done, total, seconds)


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


def _renderer(county: County, as_of: dt.date, tdigest: str) -> Renderer:
    """The worker's renderer for this county; its Jinja environment (templates compiled
    once, never re-checked on disk) is made again when the templates changed (``tdigest``:
    a long-lived ``serve`` process)."""
    key = (county, as_of)
    r = _WORKER.get("renderer")
    if _WORKER.get("tdigest") != tdigest:
        _WORKER.update(env=make_env(), static=build_static(), tdigest=tdigest, renderer=None)
        r = None
    if r is None or _WORKER.get("key") != key:
        r = Renderer(county, as_of, _WORKER["static"], env=_WORKER["env"])  # type: ignore[arg-type]
        _WORKER.update(renderer=r, key=key)
    return r  # type: ignore[return-value]


def _search_docs(county: County, as_of: dt.date) -> SearchDocs:
    key = (county, as_of)
    sd = _WORKER.get("search_docs")
    if sd is None or _WORKER.get("search_key") != key:
        sd = SearchDocs(county, as_of)
        _WORKER.update(search_docs=sd, search_key=key)
    return sd  # type: ignore[return-value]


def model_digest(county: County, town: Township) -> bytes:
    """What a village's key takes from the county and township models (their settings and
    names are on its pages): computed once per township, where the tasks are made."""
    return hashlib.sha256(pickle.dumps((county, town), protocol=4)).digest()


def _input_files(root: str) -> list[tuple[str, str]]:
    """(path relative to ``root``, path) of every file and symbolic link below ``root`` (not
    into linked folders), in path order: os.scandir, with plain strings — a key is computed
    for every village of every build, and pathlib's objects cost more than the hashing."""
    out: list[tuple[str, str]] = []
    stack = [("", root)]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append((f"{rel}{e.name}/", e.path))
                elif e.is_symlink() or e.is_file():
                    out.append((f"{rel}{e.name}", e.path))
    out.sort(key=lambda f: f[0].split("/"))
    return out


def village_key(src: VillageSource, model: bytes, as_of: dt.date, tdigest: str) -> str:
    """The cache key of a village's results: the generator (version, code and templates:
    ``tdigest``), the date, the county and township settings (``model_digest``), and the
    name and bytes of every file in its folder."""
    h = hashlib.sha256()
    h.update(f"{__version__}\0{tdigest}\0{as_of.isoformat()}\0".encode())
    h.update(model)
    for rel, path in _input_files(str(src.path)):
        h.update(rel.encode() + b"\0")
        try:
            with open(path, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


@dataclass(frozen=True)
class VillageTask:
    source: VillageSource
    county: County | None  # None: check only
    town: Township | None
    as_of: dt.date
    staging: Path | None
    cache: Path | None
    tdigest: str
    read_cache: bool = True  # False with --no-cache: results are still written to the cache
    key: str | None = None  # the cache key, when the main process computed it already
    model: bytes = b""  # model_digest(county, town), when the village is rendered


def _cache_dir(cache: Path, src: VillageSource) -> Path:
    return cache / "villages" / src.county / src.township / src.slug


def process_village(task: VillageTask) -> VillageOutcome:
    src = task.source
    render = task.county is not None and task.staging is not None and task.town is not None
    key = entry = None
    if render and task.cache is not None:
        key = task.key or village_key(src, task.model, task.as_of, task.tdigest)
        entry = _cache_dir(task.cache, src) / key
        meta = entry / "meta.pickle"
        if task.read_cache and meta.is_file():
            try:
                outcome, manifest = pickle.loads(meta.read_bytes())
                _link_entry(entry, manifest, task.staging)  # type: ignore[arg-type]
                return dataclasses.replace(outcome, source=src, cached=True)
            except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
                shutil.rmtree(entry, ignore_errors=True)
    result = load_village(src)
    hashes = frozenset(leakguard.id_hash(s) for s in result.secrets)
    if result.village is None or not render:
        v = result.village
        return VillageOutcome(src, v.name if v else None, village_totals(v) if v else None,
                              result.problems, hashes, 0, "", ident=result.ident)
    renderer = _renderer(task.county, task.as_of, task.tdigest)  # type: ignore[arg-type]
    v = result.village
    pages = list(renderer.village_pages(task.town, v))  # type: ignore[arg-type]
    files, entries = opendata.village_files(task.county, task.town, v, task.as_of)  # type: ignore[arg-type]
    pages.extend(files)
    base = f"{src.county}/{src.township}/{src.slug}/"
    attachments = [(f"{base}files/{name}", src.path / "files" / name) for name in v.files]
    problems = list(result.problems)
    # leak guard on what this village publishes (rendered bytes and attachments that are text)
    sources = dict(result.secret_sources)
    found = leakguard.scan_many(pages, hashes)
    found += [(rel, s) for rel, p in attachments for s in dict.fromkeys(leakguard.scan_file(p, hashes))]
    for path, s in found:
        problems.append(Problem(path, 1, "身份证号",
                                f"输出文件中出现完整身份证号 {leakguard.mask_id(s)}"
                                f"（来源：{sources.get(s.upper(), src.rel)}），已停止发布"))
    docs = list(_search_docs(task.county, task.as_of).village_docs(task.town, v))  # type: ignore[arg-type]
    digest = hashlib.sha256()
    for path, data in docs:
        digest.update(path.encode() + b"\0" + hashlib.sha256(data).digest())
    outcome = VillageOutcome(src, v.name, village_totals(v), tuple(problems), hashes,
                             len(pages), digest.hexdigest(),
                             search_file=str(entry / SEARCH_DOCS) if entry is not None else "",
                             search_bytes=sum(len(data) for _, data in docs), feed=entries,
                             county_parts=str(entry / COUNTY_PARTS) if entry is not None else "",
                             ident=result.ident)
    if any(not p.warning for p in problems):
        return outcome
    if entry is not None:
        tmp = entry.with_name(entry.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        # the entry's files are numbered in manifest order, all in one folder: a village's
        # output has a dozen folders, and making a folder costs more than writing a page
        (tmp / "files").mkdir(parents=True)
        cw = OutputWriter(tmp / "files")
        for i, (_path, data) in enumerate(pages):
            cw.write(str(i), data)
        for i, (_rel, p) in enumerate(attachments, len(pages)):
            cw.link_or_copy(str(i), p)
        write_bytes(tmp / SEARCH_DOCS, pickle.dumps(docs, protocol=4))
        write_bytes(tmp / COUNTY_PARTS, pickle.dumps(
            dict(opendata.county_parts(task.town, v, pages)), protocol=4))  # type: ignore[arg-type]
        manifest = [path for path, _ in pages] + [rel for rel, _ in attachments]
        (tmp / "meta.pickle").write_bytes(pickle.dumps((outcome, manifest), protocol=4))
        for old in entry.parent.glob("*"):
            if old != tmp:
                shutil.rmtree(old, ignore_errors=True)
        os.rename(tmp, entry)
        _link_entry(entry, manifest, task.staging)  # type: ignore[arg-type]
    else:
        writer = OutputWriter(task.staging)  # type: ignore[arg-type]
        for path, data in pages:
            writer.write(path, data)
        for rel, p in attachments:
            writer.link_or_copy(rel, p)
    return outcome


def _link_entry(entry: Path, manifest: list[str], staging: Path) -> None:
    """Hard-link a village's cached files into staging: file ``files/<i>`` of the entry is
    the output path ``manifest[i]``."""
    writer = OutputWriter(staging)
    files = f"{entry}/files/"
    for i, rel in enumerate(manifest):
        writer.link_or_copy(rel, f"{files}{i}")


def _worker_init() -> None:
    """A village allocates ~100,000 small objects (rows, cells, page parts) and frees them
    all at the end; the default young-generation threshold (700) ran the cycle collector
    hundreds of times per village for nothing (~3 % of a worker's time). Still collected,
    just less often."""
    gc.set_threshold(20_000, 50, 50)


def _map(tasks: list[VillageTask], jobs: int) -> Iterator[VillageOutcome]:
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield process_village(t)
        return
    ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context()
    with ctx.Pool(min(jobs, len(tasks)), initializer=_worker_init) as pool:
        yield from pool.imap(process_village, tasks, chunksize=1)


# ----------------------------------------------------------------------------- stages
@dataclass
class Loaded:
    counties: list[tuple[CountySource, County | None]]
    outcomes: list[VillageOutcome]
    problems: list[Problem]
    # search bundles started as soon as a township's villages were done: (county, future)
    index_jobs: list[tuple[str, Future[list[Problem]]]] = field(default_factory=list)
    # county pages and county-wide files, started as soon as a county's villages were done
    county_jobs: dict[str, Future[int]] = field(default_factory=dict)


def _progress(opts: Options, done: int, total: int, started: float, last: list[float]) -> None:
    now = time.monotonic()
    if opts.progress and (now - last[0] >= 0.2 or done == total) and total > 20:
        last[0] = now
        opts.progress(done, total, now - started)


def _run(opts: Options, staging: Path | None, pool: ThreadPoolExecutor | None = None,
         services: ServicePool | None = None, finisher: ThreadPoolExecutor | None = None,
         static: Static | None = None) -> Loaded:
    sources, col = discover(opts.data, opts.counties)
    counties: list[tuple[CountySource, County | None]] = []
    tasks: list[VillageTask] = []
    tdigest = template_digest() if staging is not None else ""
    cache = cache_dir(opts.out) if staging is not None else None
    for cs in sources:
        c = load_county(cs, col)
        if c is not None and not c.url:
            col.problems.append(opendata.missing_url_warning(cs.slug))
        counties.append((cs, c))
        towns = {t.slug: t for t in c.townships} if c else {}
        for ts in cs.townships:
            town = towns.get(ts.slug)
            ok = staging is not None and c is not None and town is not None
            model = model_digest(c, town) if ok else b""  # type: ignore[arg-type]
            for vs in ts.villages:
                tasks.append(VillageTask(vs, c if ok else None, town if ok else None, opts.as_of,
                                         staging if ok else None, cache, tdigest, opts.use_cache,
                                         model=model))
    if staging is not None and cache is not None and opts.use_cache:
        tasks = _stale_townships_first(tasks)
    outcomes: list[VillageOutcome] = []
    jobs: list[tuple[str, Future[list[Problem]]]] = []
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
    county_jobs: dict[str, Future[int]] = {}

    def finish(county_slug: str) -> None:
        c = models.get(county_slug)
        outs = county_outs.pop(county_slug, [])
        if c is None or finisher is None or static is None or \
                any(not p.warning for o in outs for p in o.problems):
            return  # the build will fail on these errors (or finishes later)
        county_jobs[county_slug] = finisher.submit(
            _finish_county, opts, staging, static, c, outs)  # type: ignore[arg-type]

    def start(county_slug: str, town_slug: str) -> None:
        c = models.get(county_slug)
        town = next((t for t in c.townships if t.slug == town_slug), None) if c else None
        outs = waiting.pop((county_slug, town_slug), [])
        if c is None or town is None or any(not p.warning for o in outs for p in o.problems):
            return  # the build will fail on these errors: no index needed
        for name, part in search_shards(town.slug, outs):
            jobs.append((county_slug, pool.submit(  # type: ignore[union-attr]
                _index_shard, opts, staging, c, name, part, services)))

    if indexing:
        for key, n in left.items():
            if n == 0:
                start(*key)
        for slug, n in county_left.items():
            if n == 0:
                finish(slug)
    started, last = time.monotonic(), [time.monotonic()]
    for i, o in enumerate(_map(tasks, opts.jobs), 1):
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
    return Loaded(counties, outcomes, problems, jobs, county_jobs)


def _stale_townships_first(tasks: list[VillageTask]) -> list[VillageTask]:
    """Put the townships whose villages changed first, so that their search bundles (the
    slowest part of a small edit) start while the unchanged villages are being restored."""
    keyed: list[VillageTask] = []
    stale: set[tuple[str, str]] = set()
    for t in tasks:
        if t.county is None or t.town is None or t.cache is None:
            keyed.append(t)
            continue
        key = village_key(t.source, t.model, t.as_of, t.tdigest)
        keyed.append(dataclasses.replace(t, key=key))
        if not (_cache_dir(t.cache, t.source) / key / "meta.pickle").is_file():
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


def cache_dir(out: Path) -> Path:
    out = out.absolute()
    return out.parent / f".{out.name}.cache"


def build_site(opts: Options) -> Report:
    started = time.monotonic()
    pagefind_executable()  # fail early (exit 3) when the search tool is missing
    clean_stale(opts.out)
    staging = staging_dir(opts.out)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    pool = ThreadPoolExecutor(max_workers=max(1, opts.jobs))
    finisher = ThreadPoolExecutor(max_workers=1)
    services = ServicePool()
    services.warm()
    static = build_static()
    try:
        try:
            loaded = _run(opts, staging, pool, services, finisher, static)
            problems = sorted(loaded.problems, key=lambda p: (p.path, p.line))
            if any(not p.warning for p in problems):
                raise DataErrors(problems)
            pages = _finish(opts, staging, loaded, static)
        finally:
            finisher.shutdown(wait=True, cancel_futures=True)
            pool.shutdown(wait=True, cancel_futures=True)
            services.close()
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


def _finish_county(opts: Options, staging: Path, static: Static, county: County,
                   outs: list[VillageOutcome]) -> int:
    """One county's own pages (home, townships, search, info), its static files and its
    county-wide files; called once all its villages are in ``staging``. Returns its pages."""
    writer = OutputWriter(staging)
    summaries: dict[str, dict[str, VillageTotals]] = {}
    names: dict[str, dict[str, str]] = {}
    for o in outs:
        if o.totals is not None and o.name is not None:
            summaries.setdefault(o.source.township, {})[o.source.slug] = o.totals
            names.setdefault(o.source.township, {})[o.source.slug] = o.name
    shards = [name for t in county.townships for name, _ in search_shards(t.slug, outs)]
    renderer = Renderer(county, opts.as_of, static, env=make_env())  # one env per thread
    county_pages = list(renderer.county_pages(summaries, names, shards))
    for path, data in county_pages:
        writer.write(path, data)
    for rel, data in static.contents.items():
        writer.write(f"{county.slug}/{rel}", data)
    parts = {(o.source.township, o.source.slug): Path(o.county_parts)
             for o in outs if o.county_parts}
    return len(county_pages) + opendata.write_county_files(
        staging, writer, renderer, names, [e for o in outs for e in o.feed], parts)


def _finish(opts: Options, staging: Path, loaded: Loaded, static: Static) -> int:
    """Wait for the county pages and search bundles started in ``_run`` (and their leak
    scans); the site root and its static files; leak guard over county-level files.
    Returns the number of pages."""
    writer = OutputWriter(staging)
    pages = 0
    counties: list[County] = []
    for cs, county in loaded.counties:
        if county is not None:  # every county with a model was started in _run
            counties.append(county)
            pages += loaded.county_jobs[cs.slug].result()
    for rel, data in static.contents.items():
        writer.write(rel, data)
    path, data = render_root(counties, static)
    writer.write(path, data)
    pages += 1
    leaks = [p for _county, job in loaded.index_jobs for p in job.result()]
    if leaks:
        raise DataErrors(leaks)
    _guard_county_files(staging, loaded)
    return pages


def search_shards(town_slug: str, outs: Sequence[VillageOutcome]
                  ) -> list[tuple[str, list[VillageOutcome]]]:
    """A township's search bundles as (name, villages) — its villages that built, taken from
    ``outs`` (any villages): one, named after the township, while
    its villages' search documents stay under ``SHARD_BYTES``; otherwise ``ceil(bytes /
    SHARD_BYTES)`` runs of neighbouring villages (by slug) of equal count, named
    ``<township>``, ``<township>.2``, … (``.`` is not allowed in a slug: no clash with a real
    township). Equal counts rather than equal bytes: an edit that makes one village's text
    longer re-indexes its own bundle, not every bundle after it."""
    villages = sorted((o for o in outs if o.source.township == town_slug and o.totals is not None),
                      key=lambda o: o.source.slug)
    total = sum(o.search_bytes for o in villages)
    n = max(1, min(len(villages), -(-total // SHARD_BYTES)))
    shards: list[tuple[str, list[VillageOutcome]]] = []
    start = 0
    for k in range(n):
        size = len(villages) // n + (1 if k < len(villages) % n else 0)
        shards.append((town_slug if k == 0 else f"{town_slug}.{k + 1}", villages[start:start + size]))
        start += size
    return shards


def _index_shard(opts: Options, staging: Path, county: County, name: str,
                 mine: list[VillageOutcome], services: ServicePool | None = None
                 ) -> list[Problem]:
    """One Pagefind bundle (pagefind/<name>/, see ``search_shards``), built from its villages'
    index-only search documents (generator.searchdocs) and cached by their content, so an
    edit re-indexes only its bundle. A bundle built afresh is leak-scanned here (a cached
    one was scanned when it was built); returns the leaks found."""
    digests = sorted(o.digest for o in mine)
    key = hashlib.sha256((__version__ + "\0" + "\0".join(digests)).encode()).hexdigest()
    target = staging / county.slug / "pagefind" / name
    entry = cache_dir(opts.out) / "search" / county.slug / name / key
    if opts.use_cache and (entry / "pagefind-entry.json").is_file():
        _link_tree(entry, target)
        return []
    prefix = f"{county.slug}/"
    docs: list[tuple[str, bytes]] = []
    for o in mine:
        try:
            village_docs = pickle.loads(Path(o.search_file).read_bytes())
        except (OSError, pickle.PickleError, EOFError) as e:
            raise ToolError(f"缓存中的搜索文档无法读取（{o.search_file}）：{e}；请加 --no-cache 重新构建") from e
        docs.extend((path.removeprefix(prefix), data) for path, data in village_docs)
    if not docs:  # a township without villages still gets an (empty) bundle
        docs.append((f"{name.partition('.')[0]}/index.html",
                     f'<!doctype html><html lang="{INDEX_LANG}"><body></body></html>'.encode()))
    shutil.rmtree(target, ignore_errors=True)
    index_documents(docs, target, services)
    hashes = frozenset().union(*(o.secret_hashes for o in mine)) if mine else frozenset()
    files = [p for p in target.rglob("*") if p.is_file()]
    leaks = leakguard.scan_tree(staging, files, hashes)
    if leaks:
        return _leak_problems(leaks)
    tmp = entry.with_name(entry.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    _link_tree(target, tmp)
    if entry.parent.is_dir():
        for old in entry.parent.iterdir():
            if old != tmp:
                shutil.rmtree(old, ignore_errors=True)
    os.rename(tmp, entry)
    return []


def _link_tree(src: Path, dst: Path) -> None:
    """Hard-link every file of ``src`` into ``dst`` (copy where links are impossible)."""
    stack = [(str(src), str(dst))]
    while stack:
        s, d = stack.pop()
        os.makedirs(d, exist_ok=True)
        with os.scandir(s) as it:
            for e in it:
                t = f"{d}/{e.name}"
                if e.is_dir(follow_symlinks=False):
                    stack.append((e.path, t))
                else:
                    try:
                        os.link(e.path, t)
                    except OSError:
                        shutil.copyfile(e.path, t)


def _guard_county_files(staging: Path, loaded: Loaded) -> None:
    """Leak guard over what was not scanned before: the county-level pages, feeds and
    sitemaps. Village pages and downloads were scanned in the village workers (the county-wide
    CSVs are those downloads' rows behind 乡镇 and 村 names that the village pages show too);
    each search bundle was scanned by ``_index_shard`` when it was built."""
    hashes: frozenset[str] = frozenset().union(*(o.secret_hashes for o in loaded.outcomes)) \
        if loaded.outcomes else frozenset()
    files: list[Path] = []
    for top in sorted(staging.iterdir()):
        if top.is_file():
            files.append(top)
            continue
        for p in top.iterdir():  # county home, feed, sitemap, robots
            if p.is_file():
                files.append(p)
        for sub in ("search", "info"):
            if (top / sub).is_dir():
                files.extend(p for p in (top / sub).rglob("*") if p.is_file())
        for t in top.iterdir():  # township pages
            if (t / "index.html").is_file() and t.name not in ("search", "info", "data"):
                files.append(t / "index.html")
        if (top / opendata.DATA_DIR / "index.html").is_file():
            files.append(top / opendata.DATA_DIR / "index.html")
    leaks = leakguard.scan_tree(staging, files, hashes)
    if leaks:
        raise DataErrors(_leak_problems(leaks))


def _leak_problems(leaks: list[leakguard.Leak]) -> list[Problem]:
    return [Problem(leak.file, 1, "身份证号", f"输出文件中出现完整身份证号 {leak.masked}，已停止发布")
            for leak in leaks]
