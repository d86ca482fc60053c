#!/usr/bin/env python3
"""Measure how often residents' queries find the right village in a built site.

Collects every published recipient name (welfare month pages), every project
name (projects pages) and four Chinese characters from every 200th ledger memo
(month pages) of one county of a built site, types each one into
Pagefind's own ``pagefind.js`` (run in Node, all township bundles merged as the
search page does), and counts how often a page of the record's own village is
among the first five results::

    python tools/search_eval.py --site site/ --county county-01 [--limit N]

Modes reported (each a separate Node process):

* ``before``  plain ``pagefind.search(q)`` — what a bare Pagefind page does;
* ``after``   ``findPages`` exported by templates/static/search.js — what our
  search page does (retries, re-ranking);
* ``after-no-segmenter``  the same without ``Intl.Segmenter`` (old kiosk WebViews).

Recipient names are read from the published HTML, so names withdrawn by
个人信息公示天数 are (correctly) not counted. Stdlib only; needs ``node`` (≥ 18).

Next to recall, each mode reports **precision**: of the results the search page calls
exact ("found"; for ``before``, every result of the first five), the share whose published page really contains the query (spaces
and separators ignored). The kind ``absent`` is names nobody in the county has, made of a
published surname and another person's given name (every character is in the index): its
"hits" are the queries for which nothing was reported found.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SEARCH_JS = ROOT / "templates" / "static" / "search.js"
TOP = 5
MEMO_QUERY = 4  # Chinese characters typed to find a ledger memo
MODES = ("before", "after", "after-no-segmenter")

_PEOPLE = re.compile(r'<table class="people">(.*?)</table>', re.S)
_ROW_NAME = re.compile(r'<th scope="row">(.*?)</th>', re.S)
_PROJECTS = re.compile(r'<ul class="cards projects">(.*?)</ul>', re.S)
_H2 = re.compile(r"<h2>(.*?)</h2>", re.S)

# Node side: fetch() over file: URLs (Pagefind fetches its chunks), every township
# bundle merged like search.js does, then one JSON line per query.
NODE_RUNNER = r"""
import { readFile, readdir } from "node:fs/promises";
import { pathToFileURL, fileURLToPath } from "node:url";
const [site, queriesPath, mode, searchJs, top] = process.argv.slice(2);
if (mode.endsWith("no-segmenter")) delete Intl.Segmenter;
// pagefind.js reads the language from <html lang>; without a DOM it would skip
// word segmentation entirely, so present the page's lang="zh-CN" to it.
globalThis.window = { location: {} };
globalThis.document = { querySelector: () => ({ getAttribute: () => "zh-CN" }), currentScript: null };
const realFetch = globalThis.fetch;
globalThis.fetch = async (u, o) => {
  const s = String(u);
  if (!s.startsWith("file:")) return realFetch(u, o);
  try { return new Response(await readFile(fileURLToPath(s.split("?")[0]))); }
  catch { return new Response("", { status: 404 }); }
};
const shards = (await readdir(site + "/pagefind", { withFileTypes: true }))
  .filter((d) => d.isDirectory() && d.name !== "primary.0").map((d) => d.name).sort();
const pf = await import(pathToFileURL(`${site}/pagefind/${shards[0]}/pagefind.js`).href);
await pf.options({ baseUrl: "/" });
for (const s of shards.slice(1)) {
  await pf.mergeIndex(pathToFileURL(`${site}/pagefind/${s}/`).href, { baseUrl: "/" });
}
const core = mode === "before" ? null : await import(pathToFileURL(searchJs).href);
const queries = JSON.parse(await readFile(queriesPath, "utf8"));
const n = Number(top);
// the search page's way: the bundle directory names the bundles that can hold a query,
// searched a few at a time (search.js searchBundles), each its own Pagefind instance
// started from the empty primary bundle
const get = async (u) => { try { return await readFile(u, "utf8"); } catch { return null; } };
const dirPath = site + "/search/dir/";
const dir = core && core.directory(JSON.parse(await readFile(dirPath + "meta.json", "utf8")), dirPath, get);
const primary = pathToFileURL(`${site}/pagefind/primary.0/`).href;
const instances = new Map();
const instance = (i) => {
  if (!instances.has(i)) {
    instances.set(i, (async () => {
      const p = pf.createInstance({ basePath: primary, baseUrl: "/" });
      await p.mergeIndex(pathToFileURL(`${site}/pagefind/${dir.meta.bundles[i]}/`).href, { baseUrl: "/" });
      return p;
    })());
  }
  return instances.get(i);
};
for (const q of queries) {
  let urls, exact = null;
  if (mode === "before") {
    const res = await pf.search(q);
    urls = (await Promise.all(res.results.slice(0, n).map((r) => r.data()))).map((d) => d.url);
  } else {
    const st = core.searchState(q);
    Object.assign(st, await core.orderedCandidates(dir, st.words));
    if (st.cand.length) await core.searchBundles(st, instance);
    const items = core.orderedItems(st);
    urls = items.slice(0, n).map((d) => d.url);
    exact = st.exact.map((d) => d.url);
  }
  process.stdout.write(JSON.stringify([q, urls, exact]) + "\n");
}
"""


@dataclass(frozen=True)
class Case:
    kind: str  # "recipient", "project", "memo" or "absent"
    query: str
    village: str  # "<township>/<village>/"
    villages: int = 1  # how many villages of the county have it (of its kind)


@dataclass(frozen=True)
class Score:
    mode: str
    kind: str
    hits: int
    total: int
    misses: tuple[Case, ...]
    # the same subset restricted to names found in at most TOP villages (others cannot
    # all be in the first five: the name alone does not say which village is meant)
    hits_distinct: int = 0
    total_distinct: int = 0
    # precision: results called exact ("found"), and how many of their pages hold the query
    found: int = 0
    found_ok: int = 0

    @property
    def precision(self) -> float:
        return self.found_ok / self.found if self.found else 1.0

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0

    @property
    def rate_distinct(self) -> float:
        return self.hits_distinct / self.total_distinct if self.total_distinct else 0.0


def _text(fragment: str) -> str:
    """Visible text only (drops the index-only ``<span hidden>`` copies)."""
    visible = re.sub(r"<span hidden>.*?</span>", "", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", visible)).strip()


_LEDGER = re.compile(r'<table class="ledger">(.*?)</table>', re.S)
_CJK_RUN = re.compile(r"[\u3400-\u9fff]{" + str(MEMO_QUERY) + ",}")


def _memo_query(memo: str) -> str | None:
    """What a resident might type to find a ledger row: MEMO_QUERY Chinese characters from the
    middle of the memo's longest run of them (a name, a place, a piece of work)."""
    runs = _CJK_RUN.findall(memo)
    if not runs:
        return None
    run = max(runs, key=len)
    start = (len(run) - MEMO_QUERY) // 2
    return run[start:start + MEMO_QUERY]


def collect_cases(county_dir: Path, memo_every: int = 200) -> list[Case]:
    """Every published recipient name and project name, and every ``memo_every``-th ledger
    memo's ``_memo_query``, with its village folder and how many villages have it."""
    cases: set[Case] = set()
    ledgers: dict[str, str] = {}  # village → all its memos
    n_memo = 0
    for village in sorted(p for p in county_dir.glob("*/*") if (p / "index.html").is_file()):
        vrel = f"{village.parent.name}/{village.name}/"
        memos = []
        for page in sorted(village.glob("affairs/ledger/*.html")):
            for table in _LEDGER.findall(page.read_text("utf-8")):
                memos += [_text(m) for m in _ROW_NAME.findall(table)]
        ledgers[vrel] = "\n".join(memos)
        for memo in memos:
            n_memo += 1
            query = _memo_query(memo) if n_memo % memo_every == 0 else None
            if query:
                cases.add(Case("memo", query, vrel))
        for page in village.glob("welfare/**/*.html"):  # welfare/<month>.html, …/<month>/2/…
            for table in _PEOPLE.findall(page.read_text("utf-8")):
                for name in _ROW_NAME.findall(table):
                    if _text(name):
                        cases.add(Case("recipient", _text(name), vrel))
        proj = village / "projects" / "index.html"
        if proj.is_file():
            for block in _PROJECTS.findall(proj.read_text("utf-8")):
                for name in _H2.findall(block):
                    if _text(name):
                        cases.add(Case("project", _text(name), vrel))
    cases |= absent_cases(county_dir, {c.query for c in cases if c.kind == "recipient"})
    places: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in cases:
        places[(c.kind, c.query)].add(c.village)
    for kind, query in [k for k in places if k[0] == "memo"]:
        places[(kind, query)] = {v for v, text in ledgers.items() if query in text}
    return sorted((Case(c.kind, c.query, c.village, len(places[(c.kind, c.query)]))
                   for c in cases), key=lambda c: (c.kind, c.village, c.query))


_SEPS = re.compile(r"[\s·・•．.,，、;；:：!！?？\"'“”‘’()（）【】《》\-—_/\\|]+")


def _plain(text: str) -> str:
    """A published page's text as the query is compared with it: tags, spaces and
    separators removed."""
    return _SEPS.sub("", html.unescape(re.sub(r"<[^>]+>", "", text)))


def absent_cases(county_dir: Path, names: set[str], n: int = 40) -> set[Case]:
    """Up to ``n`` names nobody in the county has: one published person's surname and
    another's given name, found in no page of the county."""
    plain = sorted(x for x in names if len(x) in (2, 3) and "·" not in x)
    candidates = list(dict.fromkeys(a[0] + b[1:] for a, b in zip(plain, reversed(plain), strict=True)
                                    if a[0] + b[1:] not in names))
    alive = set(candidates[: n * 2])
    for page in county_dir.rglob("*.html"):
        text = page.read_text("utf-8")
        alive = {c for c in alive if c not in text}
    return {Case("absent", c, "") for c in sorted(alive)[:n]}


def run_queries(county_dir: Path, queries: Sequence[str], mode: str,
                search_js: Path = SEARCH_JS, top: int = TOP,
                exact: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Top-``top`` result URLs (relative to the county folder) for each query; ``exact``,
    when given, is filled with the URLs of all results called exact."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("找不到 node：search_eval 需要 Node.js 18 以上")
    with tempfile.TemporaryDirectory() as tmp:
        runner = Path(tmp) / "runner.mjs"
        runner.write_text(NODE_RUNNER, "utf-8")
        core = Path(tmp) / "search.mjs"  # search.js is an ES module; Node wants .mjs
        shutil.copyfile(search_js, core)
        qfile = Path(tmp) / "queries.json"
        qfile.write_text(json.dumps(list(queries), ensure_ascii=False), "utf-8")
        proc = subprocess.run(
            [node, str(runner), str(county_dir.resolve()), str(qfile), mode,
             str(core), str(top)],
            capture_output=True, text=True, encoding="utf-8", check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"node failed ({proc.returncode}): {proc.stderr[-2000:]}")
    out: dict[str, list[str]] = {}
    for line in proc.stdout.splitlines():
        q, urls, found = json.loads(line)
        out[q] = [u.lstrip("/") for u in urls]
        if exact is not None and found is not None:
            exact[q] = [u.lstrip("/") for u in found]
    return out


def _holds(county_dir: Path, url: str, query: str, pages: dict[str, str]) -> bool:
    """Does the published page at ``url`` contain ``query`` (each space-separated word)?"""
    path = url.split("#")[0]
    if path.endswith("/") or not path:
        path += "index.html"
    if path not in pages:
        f = county_dir / path
        # a year's index-only document (what a bare Pagefind page links to): its month pages
        files = [f] if f.is_file() else sorted(f.parent.glob(f.stem + "-*.html"))
        pages[path] = "\n".join(_plain(x.read_text("utf-8")).lower() for x in files)
    return all(_SEPS.sub("", w).lower() in pages[path] for w in query.split())


def score(cases: Iterable[Case], answers: dict[str, list[str]], mode: str,
          exact: dict[str, list[str]] | None = None,
          county_dir: Path | None = None) -> list[Score]:
    by_kind: dict[str, list[Case]] = defaultdict(list)
    for c in cases:
        by_kind[c.kind].append(c)
    scores = []
    pages: dict[str, str] = {}
    for kind, items in sorted(by_kind.items()):
        found = found_ok = 0
        if exact is not None and county_dir is not None:
            for q in sorted({c.query for c in items}):
                for u in exact.get(q, []):
                    found += 1
                    found_ok += _holds(county_dir, u, q, pages)
        if kind == "absent":  # a hit: nothing reported found
            hits = sum(1 for c in items if not (exact or {}).get(c.query))
            scores.append(Score(mode, kind, hits, len(items), (), hits, len(items), found, found_ok))
            continue
        misses = tuple(c for c in items
                       if not any(u.startswith(c.village) for u in answers.get(c.query, [])))
        # counted over the whole county, not only the cases sampled (--limit)
        distinct = [c for c in items if c.villages <= TOP]
        missed_distinct = sum(1 for c in misses if c.villages <= TOP)
        scores.append(Score(mode, kind, len(items) - len(misses), len(items), misses,
                            len(distinct) - missed_distinct, len(distinct), found, found_ok))
    return scores


def evaluate(county_dir: Path, modes: Sequence[str] = MODES, limit: int | None = None,
             search_js: Path = SEARCH_JS, memo_every: int = 200) -> list[Score]:
    cases = collect_cases(county_dir, memo_every)
    if not cases:
        raise SystemExit(f"{county_dir} 中没有找到已公开的姓名或项目名称")
    if limit:
        step = max(1, len(cases) // limit)
        cases = cases[::step][:limit]
    queries = sorted({c.query for c in cases})
    results = []
    for mode in modes:
        t0 = time.perf_counter()
        exact: dict[str, list[str]] = {}
        answers = run_queries(county_dir, queries, mode, search_js, exact=exact)
        log.info("%s: %d queries in %.1f s", mode, len(queries), time.perf_counter() - t0)
        # a bare Pagefind page calls every result found
        results += score(cases, answers, mode, answers if mode == "before" else exact, county_dir)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="测量搜索命中率：已公开的领取人姓名、项目名称能否在前五条结果中找到本村页面")
    ap.add_argument("--site", type=Path, required=True, help="已生成的网站文件夹（build 的 --out）")
    ap.add_argument("--county", required=True, help="县的文件夹名")
    ap.add_argument("--mode", action="append", choices=MODES, help="只测这些模式（可重复）")
    ap.add_argument("--limit", type=int, default=None, help="最多测多少条（均匀抽样）")
    ap.add_argument("--search-js", type=Path, default=SEARCH_JS, help="要测的 search.js")
    ap.add_argument("--show-misses", type=int, default=10, help="每类列出多少条未命中")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    scores = evaluate(args.site / args.county, args.mode or MODES, args.limit, args.search_js)
    for s in scores:
        print(f"{s.mode:20} {s.kind:10} all {s.hits:6}/{s.total:<6} {100 * s.rate:6.2f}%   "
              f"in ≤{TOP} villages {s.hits_distinct:6}/{s.total_distinct:<6} "
              f"{100 * s.rate_distinct:6.2f}%   precision {s.found_ok}/{s.found} "
              f"{100 * s.precision:6.2f}%")
    for s in scores:
        for c in s.misses[: args.show_misses]:
            print(f"  未命中 [{s.mode}] {c.kind}: {c.query}  ({c.village})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
