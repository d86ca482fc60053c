#!/usr/bin/env python3
"""When each step of one build starts and ends, in every process (main and workers).

    python tools/timeline.py build --data D --out O --as-of 2026-11-28 [--no-cache] …

Runs ``build.py`` with the given arguments in this process, with the county tail's steps,
the search bundles, the leak scans, the swap and every 50th village wrapped so that they
note the time (seconds since start) and process; prints the notes in time order when the
build ends. The worker processes are forked from this one and note into the same file, so
this works where the workers are forked (Linux, the default start method there).

Stdlib only (plus the generator it times). Timings from it are one run's: compare versions
with interleaved runs (BENCHMARKS.md).
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = time.monotonic()


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    from generator import cli, pipeline
    from generator.publish import changelog, guard, leakguard
    from generator.site import opendata

    fd, name = tempfile.mkstemp(prefix="ydt-timeline-", suffix=".txt")
    os.close(fd)
    notes = Path(name)

    def note(text: str) -> None:
        with open(notes, "a", encoding="utf-8") as f:  # one short append per note: no interleaving
            f.write(f"{time.monotonic() - START:8.3f} {os.getpid():>7} {text}\n")

    def wrap(module: object, attr: str, every: int = 1) -> None:
        fn: Callable[..., object] = getattr(module, attr)
        calls = [0]

        @functools.wraps(fn)
        def timed(*args: object, **kwargs: object) -> object:
            calls[0] += 1
            shown = calls[0] % every == 1 or every == 1
            if shown:
                note(f"> {attr}" + (f" #{calls[0]}" if every > 1 else ""))
            try:
                return fn(*args, **kwargs)
            finally:
                if shown:
                    note(f"< {attr}" + (f" #{calls[0]}" if every > 1 else ""))
        setattr(module, attr, timed)

    for module, attrs in ((pipeline, ("_county_tail", "_finish_county_in_worker", "_county_directory",
                                      "_finish", "write_city_root", "_index_shard", "swap_in",
                                      "_county_tables")),
                          (guard, ("unscanned", "guard_staging")),
                          (changelog, ("publish",)), (leakguard, ("scan_tree",)),
                          (opendata, ("write_county_tables", "write_county_index"))):
        for attr in attrs:
            wrap(module, attr)
    wrap(pipeline, "process_village", every=50)
    note("imported")
    try:
        code = cli.main(argv)
    finally:
        note("end")
        lines = notes.read_text("utf-8").splitlines()
        notes.unlink()
        print("\n".join(sorted(lines, key=lambda line: float(line.split()[0]))))
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
