#!/usr/bin/env python3
"""Scale benchmark: our generator against Hugo + Pagefind on the same rows.

    python tools/bench.py [--data DIR] [--runs 3] [--seed-scale] [--skip-hugo]
                          [--jobs N] [--json OUT] [--work DIR] [--keep]

One round, per repetition (the rounds compared):

1. Hugo baseline (unless ``--skip-hugo``): every table row (CSV in UTF-8 or GB18030,
   or .xlsx) of the data folder as
   Markdown tables, ~100 rows per page, under
   ``content/<county>/<township>/<village>/<module>/<file>-<n>.md`` with a minimal
   layout (``<html lang="zh-CN">``, ``data-pagefind-body``); then ``hugo --quiet``
   and the Pagefind extended binary over ``public/``. Conversion is not timed.
2. Ours, cold: ``build.py --no-cache`` into a fresh folder.

Then, for the first ``--full-runs`` rounds, after every round is done:

3. Ours cold again into another folder (the two trees must be byte-identical:
   determinism), with the process tree's memory sampled.
4. Ours with the cache: a first cached build (fills the cache), an unchanged
   rebuild, then ``tools/synth.py --edit-village`` on one village (of a copy of the data)
   and a rebuild into the same ``--out``; then a fresh ``--no-cache`` build of the edited
   data into another folder, continuing the change log of the site as it was before the
   edit (``--previous``), compared byte for byte with the incremental result.

Timed commands use Python's bytecode cache, as an installed package does (the modules are
compiled once first; ``PYTHONDONTWRITEBYTECODE`` is dropped from their environment).
Every command runs under ``/usr/bin/time -v`` (wall time, CPU time, the largest single
process's max RSS). Memory of a whole process tree (our build forks worker processes and
runs Pagefind as a child) is sampled by a thread summing RSS and PSS
(``/proc/<pid>/smaps_rollup``) every 50 ms, but only in the steps that measure memory
(step 3 and the seed scale): reading smaps_rollup walks the page tables of the process
under the process's memory lock, which slows what is measured (Hugo, at 4 GB, by 60 %),
so the rounds compared are timed without it.

With ``--seed-scale``, the 16-county seed data is generated into the work folder
and built once, cold; the data is deleted afterwards.

Stdlib only (plus the project itself, run as a subprocess).
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import io
import json
import logging
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
AS_OF = "2026-11-28"
GNU_TIME = "/usr/bin/time"
HUGO = "/usr/bin/hugo"
ROWS_PER_PAGE = 100
SAMPLE_SECONDS = 0.05

# data file stem → module folder (DESIGN.md's six modules)
MODULE_OF = {
    "finance": "affairs",
    "balances": "affairs",
    "assets": "assets",
    "resources": "assets",
    "contracts": "assets",
    "welfare": "welfare",
    "projects": "projects",
}


# ----------------------------------------------------------------------------- measuring
@dataclass(frozen=True)
class Measurement:
    """One timed command."""

    label: str
    wall_s: float  # GNU time's "Elapsed (wall clock)"
    max_rss_kib: int  # GNU time: largest single process of the tree
    tree_pss_kib: int  # sampled peak of the summed PSS over the process tree
    tree_rss_kib: int  # sampled peak of the summed RSS (counts shared pages repeatedly)
    max_procs: int  # most processes seen at once in the tree
    returncode: int
    cpu_s: float = 0.0  # user + system seconds of the whole waited-for tree (GNU time)
    stderr_tail: str = ""


def _ppid_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat.rpartition(b")")[2].split()
        if len(rest) > 1:
            children.setdefault(int(rest[1]), []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children = _ppid_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _rollup(pid: int) -> tuple[int, int]:
    """(Rss, Pss) in KiB of one process, (0, 0) if it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
                    break
    except (OSError, ValueError):
        return 0, 0
    return rss, pss


class TreeSampler(threading.Thread):
    """Peak summed RSS/PSS of a process tree, sampled every ``interval`` seconds."""

    def __init__(self, root: int, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_pss = self.peak_rss = self.max_procs = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def sample(self) -> None:
        pids = _tree(self.root)
        rss = pss = 0
        for pid in pids:
            r, p = _rollup(pid)
            rss += r
            pss += p
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.max_procs = max(self.max_procs, len(pids))

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _parse_elapsed(text: str) -> float:
    m = re.search(r"Elapsed \(wall clock\) time.*?: (?:(\d+):)?(\d+):([\d.]+)", text)
    if not m:
        raise ValueError("no elapsed time in GNU time output")
    h, mi, s = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + float(s)


def _parse_cpu(text: str) -> float:
    total = 0.0
    for key in ("User time (seconds)", "System time (seconds)"):
        m = re.search(re.escape(key) + r": ([\d.]+)", text)
        total += float(m.group(1)) if m else 0.0
    return round(total, 2)


def _parse_maxrss(text: str) -> int:
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    return int(m.group(1)) if m else 0


def timed_env() -> dict[str, str]:
    """The environment timed commands run in: Python's default bytecode cache. Some machines
    (and many Docker images) set ``PYTHONDONTWRITEBYTECODE=1``, and then every build
    compiles the generator's modules from source again (about 0.1 s); an installed package
    has its bytecode compiled once, at installation (``compile_bytecode`` makes it here)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def compile_bytecode() -> None:
    """Compile the generator's modules once, untimed, as ``pip install`` does."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", "generator", "tools"], cwd=REPO, check=True,
                   env=timed_env(), stdout=subprocess.DEVNULL)


def run_timed(label: str, cmd: Sequence[str], *, cwd: Path = REPO, check: bool = True,
              sample: bool = False) -> Measurement:
    """Run ``cmd`` under ``/usr/bin/time -v``; ``sample``: with the process-tree memory
    sampler (which slows the command: see the module's docstring). The previous step's
    written files are flushed to disk first (not timed): each tool is timed on a quiet
    disk, not while the kernel writes back what the step before it wrote."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        time_file = Path(tf.name)
    full = [GNU_TIME, "-v", "-o", str(time_file), *cmd]
    logger.info("run %s: %s", label, " ".join(cmd))
    os.sync()
    started = time.monotonic()
    with tempfile.TemporaryFile("w+b") as err:
        proc = subprocess.Popen(full, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=timed_env())
        sampler = TreeSampler(proc.pid)
        if sample:
            sampler.start()
        rc = proc.wait()
        if sample:
            sampler.stop()
        mono = time.monotonic() - started
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-1500:]
    report = time_file.read_text(encoding="utf-8", errors="replace")
    time_file.unlink(missing_ok=True)
    try:
        wall = _parse_elapsed(report)
    except ValueError:
        wall = mono
    m = Measurement(label, round(wall, 2), _parse_maxrss(report), sampler.peak_pss,
                    sampler.peak_rss, sampler.max_procs, rc, cpu_s=_parse_cpu(report),
                    stderr_tail=tail.strip())
    if check and rc != 0:
        raise RuntimeError(f"{label} failed (exit {rc}): {' '.join(cmd)}\n{tail}")
    pss = f"   tree PSS {_mib(m.tree_pss_kib):7.0f} MiB" if sample else ""
    print(f"  {label:<24} {m.wall_s:8.2f} s (CPU {m.cpu_s:7.2f} s)   max RSS {_mib(m.max_rss_kib):7.0f} MiB"
          f"{pss}", file=sys.stderr, flush=True)
    return m


def _mib(kib: int) -> float:
    return kib / 1024


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a display width (CJK characters take two columns)."""
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    fill = " " * max(0, width - w)
    return fill + text if right else text + fill


# ----------------------------------------------------------------------------- trees
@dataclass(frozen=True)
class TreeStats:
    files: int
    html: int
    bytes: int  # apparent size, sum of st_size
    disk_kib: int  # du -sk


def tree_stats(root: Path) -> TreeStats:
    files = html = size = 0
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            files += 1
            html += n.endswith(".html")
            size += os.lstat(os.path.join(dirpath, n)).st_size
    du = subprocess.run(["du", "-sk", str(root)], capture_output=True, text=True, check=False)
    disk = int(du.stdout.split()[0]) if du.returncode == 0 and du.stdout else 0
    return TreeStats(files, html, size, disk)


def _rel_files(root: Path) -> set[str]:
    out = set()
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(dirpath, n), root))
    return out


def compare_trees(a: Path, b: Path, limit: int = 10) -> list[str]:
    """Relative paths that differ between two trees (missing on one side or other bytes)."""
    fa, fb = _rel_files(a), _rel_files(b)
    diffs = [f"仅在 {a.name}: {p}" for p in sorted(fa - fb)[:limit]]
    diffs += [f"仅在 {b.name}: {p}" for p in sorted(fb - fa)[:limit]]
    for p in sorted(fa & fb):
        if len(diffs) >= limit:
            break
        if not filecmp.cmp(a / p, b / p, shallow=False):
            diffs.append(f"内容不同: {p}")
    return diffs[:limit]


# ----------------------------------------------------------------------------- hugo site
BASEOF = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body><main data-pagefind-body>{{ block "main" . }}{{ end }}</main></body>
</html>
"""
SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}{{ end }}
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""
CONFIG = """baseURL = "/"
languageCode = "zh-CN"
defaultContentLanguage = "zh"
hasCJKLanguage = true
title = "一点通基准"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
"""


def _cell(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ").strip()


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _table_files(data: Path) -> Iterator[tuple[Path, Path]]:
    """(village folder, table file) for every .csv and .xlsx three levels below ``data``."""
    files = [*data.glob("*/*/*/*.csv"), *data.glob("*/*/*/*.xlsx")]
    for f in sorted(files):
        yield f.parent, f


def _table_rows(f: Path) -> tuple[list[str], list[list[str]]]:
    """Header and non-empty rows of one table file, read as DATA-FORMAT.md allows it written:
    CSV in UTF-8 (with or without BOM) or GB18030, any line ends; or an .xlsx's first sheet."""
    if f.suffix == ".xlsx":
        from python_calamine import CalamineWorkbook  # a dependency of the project itself

        workbook = CalamineWorkbook.from_path(str(f))
        try:
            records = [[_xlsx_cell(v) for v in r] for r in workbook.get_sheet_by_index(0).to_python()]
        finally:
            workbook.close()
    else:
        raw = f.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        records = list(csv.reader(io.StringIO(text, newline="")))
    rows = [r for r in records if any(c.strip() for c in r)]
    if not rows:
        return [], []
    return rows[0], rows[1:]


def _xlsx_cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@dataclass(frozen=True)
class HugoSite:
    root: Path
    pages: int
    rows: int


def make_hugo_site(data: Path, root: Path, rows_per_page: int = ROWS_PER_PAGE) -> HugoSite:
    """Write the data folder's table rows as paginated Markdown tables for Hugo."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in (("baseof.html", BASEOF), ("single.html", SINGLE), ("list.html", LIST)):
        (root / "layouts" / "_default" / name).write_text(text, encoding="utf-8")
    pages = rows_total = 0
    for village, f in _table_files(data):
        header, rows = _table_rows(f)
        if not header:
            continue
        rows_total += len(rows)
        rel = village.relative_to(data)
        folder = root / "content" / rel / MODULE_OF.get(f.stem, f.stem)
        folder.mkdir(parents=True, exist_ok=True)
        chunks = [rows[i:i + rows_per_page] for i in range(0, len(rows), rows_per_page)] or [[]]
        for n, chunk in enumerate(chunks, 1):
            title = f"{rel.as_posix()} {f.stem} 第 {n}/{len(chunks)} 页"
            body = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n\n" + _table(header, chunk)
            (folder / f"{f.stem}-{n:03d}.md").write_text(body, encoding="utf-8")
            pages += 1
    return HugoSite(root, pages, rows_total)


def pagefind_extended() -> str:
    from pagefind_bin_extended import get_executable

    return str(get_executable())


# ----------------------------------------------------------------------------- one repetition
def build_cmd(data: Path, out: Path, *, cache: bool, jobs: int | None) -> list[str]:
    cmd = [PYTHON, "build.py", "--data", str(data), "--out", str(out), "--as-of", AS_OF]
    if not cache:
        cmd.append("--no-cache")
    if jobs:
        cmd += ["--jobs", str(jobs)]
    return cmd


def pick_village(data: Path) -> Path:
    villages = sorted(p.parent for p in data.glob("*/*/*/finance.csv"))
    if not villages:
        raise SystemExit(f"{data} 里没有带 finance.csv 的村文件夹（改一个村的步骤要改它）")
    return villages[len(villages) // 2]


@dataclass
class RunResult:
    index: int
    steps: dict[str, Measurement] = field(default_factory=dict)
    hugo_pages: int = 0
    hugo_rows: int = 0
    hugo_html: TreeStats | None = None
    ours: TreeStats | None = None
    deterministic: bool | None = None
    determinism_diffs: list[str] = field(default_factory=list)
    incremental_identical: bool | None = None
    incremental_diffs: list[str] = field(default_factory=list)
    edited_village: str = ""


def one_run(index: int, data: Path, work: Path, *, hugo: HugoSite | None,
            jobs: int | None) -> RunResult:
    """One round of the comparison: Hugo, Pagefind over Hugo's output, our cold build."""
    print(f"第 {index} 轮", file=sys.stderr, flush=True)
    res = RunResult(index)
    # Nothing is deleted until every round is done: a rebuild replaces the old site and
    # deletes it (``full_run``), and on this machine's ext4 (mounted without a journal)
    # creating a file then skips, one by one, the inodes freed in the last minutes, so a
    # step run right after a big deletion pays for it.
    out = work / f"out-{index}"
    if hugo is not None:
        public = hugo.root / f"public-{index}"
        res.hugo_pages, res.hugo_rows = hugo.pages, hugo.rows
        res.steps["hugo"] = run_timed("hugo", [HUGO, "--quiet", "--source", str(hugo.root),
                                               "--destination", str(public)], cwd=hugo.root)
        res.steps["pagefind"] = run_timed(
            "pagefind (hugo)", [pagefind_extended(), "--site", str(public), "--silent"], cwd=hugo.root)
        res.hugo_html = tree_stats(public)
    res.steps["cold"] = run_timed("ours cold", build_cmd(data, out / "cold-a", cache=False, jobs=jobs))
    res.ours = tree_stats(out / "cold-a")
    return res


def full_run(res: RunResult, source: Path, work: Path, *, jobs: int | None) -> None:
    """The rest of a full round, after every round's comparison: a second cold build
    (determinism, and the memory of the process tree), then the cache and one-village-edit
    steps, on a copy of the data (they edit it)."""
    print(f"第 {res.index} 轮：确定性、内存、缓存与改一个村", file=sys.stderr, flush=True)
    out = work / f"out-{res.index}"
    cold_a, cold_b = out / "cold-a", out / "cold-b"
    res.steps["cold2"] = run_timed("ours cold (again)",
                                   build_cmd(source, cold_b, cache=False, jobs=jobs), sample=True)
    res.determinism_diffs = compare_trees(cold_a, cold_b)
    res.deterministic = not res.determinism_diffs
    print(f"  两次冷构建逐字节相同: {'是' if res.deterministic else '否'} {res.determinism_diffs[:3]}",
          file=sys.stderr, flush=True)
    data = work / f"data-{res.index}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(source, data)
    inc = out / "inc"
    res.steps["fill"] = run_timed("ours cache fill", build_cmd(data, inc, cache=True, jobs=jobs))
    res.steps["warm"] = run_timed("ours warm, unchanged", build_cmd(data, inc, cache=True, jobs=jobs))
    # the site before the edit: the fresh build below continues its change log from it
    # (same data, same --as-of and same previous log → the same bytes)
    before = out / "before"
    shutil.copytree(inc, before, copy_function=os.link)
    village = pick_village(data)
    res.edited_village = village.relative_to(data).as_posix()
    subprocess.run([PYTHON, "tools/synth.py", "--edit-village", str(village)], cwd=REPO,
                   check=True, capture_output=True)
    res.steps["edit"] = run_timed("ours one village edited", build_cmd(data, inc, cache=True, jobs=jobs))
    fresh = out / "fresh"
    res.steps["fresh"] = run_timed("ours cold after edit",
                                   build_cmd(data, fresh, cache=False, jobs=jobs)
                                   + ["--previous", str(before)])
    res.incremental_diffs = compare_trees(inc, fresh)
    res.incremental_identical = not res.incremental_diffs
    print(f"  改一个村后增量构建与冷构建逐字节相同: {'是' if res.incremental_identical else '否'} "
          f"{res.incremental_diffs[:3]}", file=sys.stderr, flush=True)


def seed_scale(work: Path, jobs: int | None) -> tuple[Measurement, TreeStats, int]:
    data = work / "seed-data"
    shutil.rmtree(data, ignore_errors=True)
    print("生成 16 个县的种子规模数据……", file=sys.stderr, flush=True)
    subprocess.run([PYTHON, "tools/synth.py", "--out", str(data), "--counties", "16"], cwd=REPO,
                   check=True, capture_output=True)
    rows = sum(len(_table_rows(f)[1]) for _, f in _table_files(data))
    out = work / "seed-out" / "site"
    try:
        m = run_timed("ours seed scale cold", build_cmd(data, out, cache=False, jobs=jobs),
                      sample=True)
        stats = tree_stats(out)
    finally:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(out.parent, ignore_errors=True)
    return m, stats, rows


# ----------------------------------------------------------------------------- report
def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        hugo = subprocess.run([HUGO, "version"], capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:  # not installed (--skip-hugo)
        hugo = "not installed"
    return {"nproc": str(os.cpu_count()), "ram": mem, "cpu": cpu, "kernel": platform.release(),
            "python": platform.python_version(), "hugo": hugo,
            "load_before": " ".join(Path("/proc/loadavg").read_text().split()[:3])}


def _median(runs: list[RunResult], step: str, attr: str) -> float | None:
    vals = [getattr(r.steps[step], attr) for r in runs if step in r.steps]
    return statistics.median(vals) if vals else None


def summarise(runs: list[RunResult]) -> dict[str, object]:
    med = {}
    for step in ("hugo", "pagefind", "cold", "cold2", "fill", "warm", "edit", "fresh"):
        if any(step in r.steps for r in runs):
            med[step] = {a: _median(runs, step, a) for a in ("wall_s", "cpu_s", "max_rss_kib",
                                                              "tree_pss_kib", "tree_rss_kib")}
    hp = [r.steps["hugo"].wall_s + r.steps["pagefind"].wall_s for r in runs if "hugo" in r.steps]
    ratios = [r.steps["cold"].wall_s / (r.steps["hugo"].wall_s + r.steps["pagefind"].wall_s)
              for r in runs if "hugo" in r.steps]
    cpu_ratios = [r.steps["cold"].cpu_s / (r.steps["hugo"].cpu_s + r.steps["pagefind"].cpu_s)
                  for r in runs if "hugo" in r.steps]
    return {"median": med,
            "hugo_plus_pagefind_wall_s": statistics.median(hp) if hp else None,
            "cold_over_hugo_pagefind": statistics.median(ratios) if ratios else None,
            "cold_over_hugo_pagefind_cpu": statistics.median(cpu_ratios) if cpu_ratios else None,
            "deterministic": _all_measured(r.deterministic for r in runs),
            "incremental_identical": _all_measured(r.incremental_identical for r in runs)}


def _all_measured(results: Iterable[bool | None]) -> bool | None:
    """True when every measured check held; None when none was measured (``--full-runs 0``)."""
    measured = [r for r in results if r is not None]
    return all(measured) if measured else None


def _yes_no(ok: bool | None) -> str:
    return "未测（--full-runs 0）" if ok is None else "是" if ok else "否"


def print_table(runs: list[RunResult], summary: dict[str, object], seed: dict[str, object] | None) -> None:
    names = {"hugo": "Hugo 0.111", "pagefind": "Pagefind（Hugo 输出）", "cold": "一点通 冷构建 --no-cache",
             "cold2": "一点通 冷构建（第二次）", "fill": "一点通 首次带缓存构建", "warm": "一点通 未改动重建",
             "edit": "一点通 改一个村后重建", "fresh": "一点通 改后冷构建"}
    med = summary["median"]
    assert isinstance(med, dict)
    if runs:
        print(f"\n中位数（{len(runs)} 轮）")
        heads = ("墙钟(s)", "CPU(s)", "单进程最大RSS(MiB)", "进程树PSS峰值(MiB)", "进程树RSS峰值(MiB)")
        print(_pad("步骤", 30) + "".join(_pad(h, 22, right=True) for h in heads))
    for step, m in med.items():
        cells = (f"{m['wall_s']:.2f}", f"{m['cpu_s']:.2f}", f"{_mib(m['max_rss_kib']):.0f}",
                 *(f"{_mib(m[k]):.0f}" if m[k] else "—" for k in ("tree_pss_kib", "tree_rss_kib")))
        print(_pad(names[step], 30) + "".join(_pad(c, 22, right=True) for c in cells))
    if summary["hugo_plus_pagefind_wall_s"] is not None:
        print(f"Hugo + Pagefind 墙钟中位数: {summary['hugo_plus_pagefind_wall_s']:.2f} s；"
              f"一点通冷构建 / (Hugo + Pagefind) 中位数: 墙钟 {summary['cold_over_hugo_pagefind']:.2f}，"
              f"CPU {summary['cold_over_hugo_pagefind_cpu']:.2f}")
    r0 = runs[0] if runs else RunResult(0)
    if r0.hugo_html:
        print(f"Hugo: {r0.hugo_pages} 个 Markdown 页（{r0.hugo_rows} 行），输出 {r0.hugo_html.html} 个 .html，"
              f"{r0.hugo_html.files} 个文件，{r0.hugo_html.bytes / 1e6:.1f} MB（du {r0.hugo_html.disk_kib / 1024:.0f} MiB）")
    if r0.ours:
        print(f"一点通: {r0.ours.html} 个 .html，{r0.ours.files} 个文件，{r0.ours.bytes / 1e6:.1f} MB"
              f"（du {r0.ours.disk_kib / 1024:.0f} MiB）")
    if runs:
        print(f"两次冷构建逐字节相同: {_yes_no(summary['deterministic'])}")  # type: ignore[arg-type]
        print(f"改一个村后增量构建 与 冷构建逐字节相同: {_yes_no(summary['incremental_identical'])}")  # type: ignore[arg-type]
    for r in runs:
        for d in r.determinism_diffs + r.incremental_diffs:
            print(f"  第 {r.index} 轮: {d}")
    if seed:
        print(f"种子规模（16 县，{seed['rows']} 行，1 次冷构建）: {seed['wall_s']:.1f} s，单进程最大 RSS "
              f"{_mib(seed['max_rss_kib']):.0f} MiB，进程树 PSS 峰值 {_mib(seed['tree_pss_kib']):.0f} MiB，"
              f"{seed['html']} 个 .html")


# ----------------------------------------------------------------------------- main
def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="一点通 与 Hugo + Pagefind 的规模基准")
    p.add_argument("--data", type=Path, help="数据文件夹（默认：用 tools/synth.py 生成一个县到临时目录）")
    p.add_argument("--runs", type=int, default=3, help="重复轮数，取中位数（默认 3；0 = 只跑 --seed-scale）")
    p.add_argument("--full-runs", type=int, default=None,
                   help="前几轮另外测确定性、缓存与改一个村（默认：每一轮都测）")
    p.add_argument("--seed-scale", action="store_true", help="另外生成并冷构建 16 个县的种子规模（1 次）")
    p.add_argument("--skip-hugo", action="store_true", help="不跑 Hugo + Pagefind 对照")
    p.add_argument("--jobs", type=int, default=None, help="传给 build.py 的 --jobs（默认：CPU 数）")
    p.add_argument("--json", type=Path, help="把原始数字写到这个 JSON 文件")
    p.add_argument("--work", type=Path, help="工作目录（默认：/tmp 下的临时目录，结束后删除）")
    p.add_argument("--keep", action="store_true", help="保留工作目录")
    return p


def _write_json(path: Path, info: dict[str, str], jobs: int | None, runs: list[RunResult],
                seed: dict[str, object] | None) -> None:
    path.write_text(json.dumps(
        {"machine": info, "as_of": AS_OF, "jobs": jobs or os.cpu_count(),
         "runs": [asdict(r) for r in runs], "summary": summarise(runs), "seed_scale": seed},
        ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = make_parser().parse_args(argv)
    if args.full_runs is None:
        args.full_runs = args.runs
    if not Path(GNU_TIME).is_file():
        raise SystemExit("需要 GNU time（/usr/bin/time）")
    if not args.skip_hugo and not Path(HUGO).is_file():
        raise SystemExit("找不到 /usr/bin/hugo；可用 --skip-hugo 跳过对照")
    work = args.work.absolute() if args.work else Path(tempfile.mkdtemp(prefix="ydt-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    compile_bytecode()
    print(f"机器: {info['nproc']} 核 {info['cpu']}，内存 {info['ram']}，负载 {info['load_before']}",
          file=sys.stderr)
    try:
        source = args.data.absolute() if args.data else None
        if source is None:
            source = work / "one-county"
            shutil.rmtree(source, ignore_errors=True)
            subprocess.run([PYTHON, "tools/synth.py", "--out", str(source)], cwd=REPO, check=True,
                           capture_output=True)
        hugo = None if args.skip_hugo or args.runs < 1 else make_hugo_site(source, work / "hugo")
        runs: list[RunResult] = []
        for i in range(1, args.runs + 1):
            runs.append(one_run(i, source, work, hugo=hugo, jobs=args.jobs))
            if args.json:  # keep what we have if a later run is interrupted
                _write_json(args.json, info, args.jobs, runs, None)
        for res in runs[:args.full_runs]:
            full_run(res, source, work, jobs=args.jobs)
            if args.json:
                _write_json(args.json, info, args.jobs, runs, None)
        summary = summarise(runs)
        seed = None
        if args.seed_scale:
            m, stats, rows = seed_scale(work, args.jobs)
            seed = {**asdict(m), "html": stats.html, "files": stats.files, "bytes": stats.bytes,
                    "rows": rows}
        print_table(runs, summary, seed)
        if args.json:
            _write_json(args.json, info, args.jobs, runs, seed)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
