#!/usr/bin/env python3
"""CPU per village, by stage, in one process (no file writes, no Pagefind).

    python tools/village_cpu.py --data DIR [--villages 40] [--passes 3] [--code CHECKOUT]

Loads, renders, formats the downloads of, leak-scans, writes the search documents (and their
bundle-directory keys) of, and prepares the change-log records of the first ``--villages``
villages of the first county, ``--passes`` times, and prints the best pass per stage in
milliseconds per village (``time.process_time``). Whole builds on this
2-core VM drift by up to 30 % within minutes; this is steadier, and with ``--code`` it runs
another checkout's generator (e.g. a ``git worktree`` of the previous commit), so that two
versions can be compared in interleaved runs.

Stdlib only (plus the generator it measures).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

STAGES = ("load", "pages", "downloads", "leak guard", "search documents", "search keys",
          "change log")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="每个村在单进程里各阶段的 CPU 时间（毫秒）")
    p.add_argument("--data", type=Path, required=True, help="数据文件夹（如 tools/synth.py 的输出）")
    p.add_argument("--villages", type=int, default=40, help="测多少个村（默认 40）")
    p.add_argument("--passes", type=int, default=3, help="重复几遍，每个阶段取最快的一遍（默认 3）")
    p.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent,
                   help="要测的代码目录（默认本仓库）")
    p.add_argument("--as-of", default="2026-06-30", help="数据截至日期（默认 2026-06-30）")
    args = p.parse_args(argv)

    sys.path.insert(0, str(args.code.resolve()))
    from generator import personal, pipeline
    from generator.publish import leakguard
    from generator.read.load import discover, load_county, load_village
    from generator.site import opendata

    try:  # the bundle directory's keys and the change log (older versions have neither)
        from generator.ledger import log as ledger_log
        from generator.publish import changelog
        from generator.search import directory
    except ImportError:
        ledger_log = changelog = directory = None  # type: ignore[assignment]
    as_of = dt.date.fromisoformat(args.as_of)
    sources, col = discover(args.data, ())
    cs = sources[0]
    try:  # the county's theme (older versions of the generator have none)
        from generator.site.theme import Theme
        theme: tuple = (Theme(getattr(cs, "theme", None)),)
    except ImportError:
        theme = ()
    county = load_county(cs, col)
    if county is None:
        print(f"{cs.slug}: 县的资料有错误，先运行 build.py check", file=sys.stderr)
        return 1
    towns = {t.slug: t for t in county.townships}
    chosen = [(towns[ts.slug], vs) for ts in cs.townships for vs in ts.villages][:args.villages]
    passes: list[collections.Counter[str]] = []
    for _ in range(args.passes + 1):  # the first pass warms imports and template compilation
        spent: collections.Counter[str] = collections.Counter()
        for town, vs in chosen:
            t0 = time.process_time()
            result = load_village(vs)
            t1 = time.process_time()
            v = result.village
            if v is None:
                continue
            renderer = pipeline._renderer(county, as_of, *theme, "")
            pages = list(renderer.village_pages(town, v))
            t2 = time.process_time()
            files, _entries = opendata.village_files(county, town, v, as_of)
            t3 = time.process_time()
            hashes = personal.Secrets.of_ids(result.secrets)
            leakguard.scan_many(pages + files, hashes)
            t4 = time.process_time()
            docs = list(pipeline._search_docs(county, as_of).village_docs(town, v))
            t5 = time.process_time()
            if directory is not None:
                directory.pack_keys(directory.search_keys(docs))
            t6 = time.process_time()
            if ledger_log is not None:
                pre = ledger_log.prepare(v, vs.path, f"{town.slug}/{vs.slug}", as_of,
                                         county.privacy_days)
                changelog.scan_prepared(county.slug, town.slug, vs.slug, pre, hashes)
                changelog.pack(pre)
            t7 = time.process_time()
            for stage, seconds in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5,
                                               t7 - t6), strict=True):
                spent[stage] += seconds
        passes.append(spent)
    best = {s: min(spent[s] for spent in passes[1:]) for s in STAGES}
    n = len(chosen)
    print(f"{args.code}: {n} 个村，{args.passes} 遍中最快的一遍，每村毫秒（CPU）")
    for s in STAGES:
        print(f"  {s:<18} {best[s] / n * 1000:7.1f}")
    print(f"  {'total':<18} {sum(best.values()) / n * 1000:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
