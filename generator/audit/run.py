"""``build.py audit``: cross-check the villages' disclosures against reference tables and
write an internal report per county (REPORTS/<county>/findings.csv + findings.html).

Load (same validation as build, with full ID numbers) → reference files → rules → report.
The report is never written into a built site or into the data folder.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.audit import rules as R
from generator.audit.published import first_seen
from generator.audit.reference import CADRES, COMPANIES, DEATHS, PAYROLL, STANDARDS, load_reference
from generator.audit.report import RuleStatus, write_report
from generator.audit.source import CountyData, iter_counties
from generator.errors import DataErrors, Problem, UsageError
from generator.workers import GC_THRESHOLD, WorkerPool

log = logging.getLogger(__name__)

SITE_MARKER = ".yidiantong-site"
NO_SITE = "未指定 --site（已生成或已发布的网站，读它的更新记录），跳过"

# rule → the reference files it needs
NEEDS: dict[str, tuple[str, ...]] = {
    R.DEATH_AFTER: (DEATHS.stem,),
    R.PAYROLL: (PAYROLL.stem,),
    R.CADRE_WELFARE: (CADRES.stem,),
    R.RELATED_COMPANY: (COMPANIES.stem, CADRES.stem),
    R.SPLIT_PAYMENT: (),
    R.DUPLICATE: (),
    R.OVER_STANDARD: (STANDARDS.stem,),
    R.MISSING_MONTH: (),
}


@dataclass
class CountyReport:
    slug: str
    name: str
    villages: int
    statuses: list[RuleStatus]
    findings: int
    csv: Path
    html: Path


@dataclass
class AuditResult:
    counties: list[CountyReport] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # reference-file warnings
    data_warnings: int = 0


def looks_like_site(folder: Path) -> bool:
    """A folder holding a built site: a marker file, or a home page next to the site's
    own asset folders (``static/`` at the top, ``pagefind/`` in a county folder)."""
    if (folder / SITE_MARKER).exists():
        return True
    return (folder / "index.html").is_file() and any(
        (folder / d).is_dir() for d in ("static", "pagefind"))


def check_out(out: Path, data: Path, refdir: Path) -> None:
    """Refuse an --out that is, or is inside, a built site, the data folder or REFDIR."""
    target = out.resolve()
    for name, folder in (("数据文件夹", data), ("参考资料文件夹", refdir)):
        f = folder.resolve()
        if target == f or target.is_relative_to(f):
            raise UsageError(f"--out {out} 在{name} {folder} 之内；比对报告是内部资料，请写到别处")
    for folder in (target, *target.parents):
        if folder.is_dir() and looks_like_site(folder):
            raise UsageError(f"--out {out} 是（或在）已生成的网站文件夹 {folder} 之内；"
                             "比对报告是内部资料，不能放进网站，请写到别处")


def _run_rules(cd: CountyData, ref_frames: dict, missing: set[str], shown: str,
               site: str | None = None) -> tuple[list[R.Finding], list[RuleStatus]]:
    f = cd.frames
    threshold = int(cd.major_amount * 100)
    calls: dict[str, Callable[[], list[R.Finding]]] = {
        R.DEATH_AFTER: lambda: R.death_after(f["welfare"], ref_frames[DEATHS.stem]),
        R.PAYROLL: lambda: R.payroll_recipient(f["welfare"], ref_frames[PAYROLL.stem]),
        R.CADRE_WELFARE: lambda: R.cadre_welfare(f["welfare"], ref_frames[CADRES.stem]),
        R.RELATED_COMPANY: lambda: R.related_company(f["contracts"], ref_frames[COMPANIES.stem],
                                                     ref_frames[CADRES.stem]),
        R.SPLIT_PAYMENT: lambda: R.split_payment(f["finance"], threshold),
        R.DUPLICATE: lambda: R.duplicate_payment(f["welfare"]),
        R.OVER_STANDARD: lambda: R.over_standard(f["welfare"], ref_frames[STANDARDS.stem]),
        R.MISSING_MONTH: lambda: R.missing_ledger_month(f["balances"], f["finance"],
                                                        cd.has_finance),
    }
    findings: list[R.Finding] = []
    statuses: list[RuleStatus] = []
    for rule, call in calls.items():
        absent = [s for s in NEEDS[rule] if s in missing]
        if absent:
            files = "、".join(f"{shown}/{s}.csv（或 .xlsx）" for s in absent)
            statuses.append(RuleStatus(rule, 0, f"缺少 {files}，跳过"))
            continue
        found = call()
        findings.extend(found)
        statuses.append(RuleStatus(rule, len(found)))
    if site is None:
        statuses.append(RuleStatus(R.LATE, 0, NO_SITE))
    else:
        seen = first_seen(site, cd.slug)
        if seen is None:
            statuses.append(RuleStatus(R.LATE, 0, f"{site} 中没有本县的更新记录（ledger/），跳过"))
        else:
            found = R.late_publication(f["finance"], f["notices"], seen.ledger, seen.notices,
                                       cd.deadline_day)
            findings.extend(found)
            statuses.append(RuleStatus(R.LATE, len(found)))
    findings.sort(key=R.Finding.sort_key)
    return findings, statuses


def audit(data: Path, refdir: Path, out: Path, counties: tuple[str, ...], as_of: dt.date,
          jobs: int = 1, site: str | None = None) -> AuditResult:
    """Run the whole audit, one county in memory at a time. Reports are written into a
    staging folder beside ``out`` and moved into place only when the data and the reference
    files have no errors; otherwise DataErrors (all problems) and nothing is written.
    ``site`` (folder or URL of a built/published site) gives rule 9 its first-seen dates."""
    if not refdir.is_dir():
        raise UsageError(f"参考资料文件夹 {refdir} 不存在")
    if site is not None and not site.startswith(("http://", "https://", "s3://")) \
            and not Path(site).is_dir():
        raise UsageError(f"--site 指定的网站文件夹 {site} 不存在")
    check_out(out, data, refdir)
    threshold = gc.get_threshold()
    # a county allocates millions of short-lived objects and keeps hundreds of thousands
    # (its tables, the reference tables): with the default threshold (700) the collector ran
    # thousands of times over them for nothing (a fifth of the loading's CPU with --jobs 1)
    gc.set_threshold(*GC_THRESHOLD)
    # the workers start now, small (before the reference tables are read), and read the
    # villages while this process reads the reference tables
    workers = WorkerPool(jobs) if jobs > 1 else None
    try:
        return _audit(data, refdir, out, counties, as_of, jobs, site, workers)
    finally:
        if workers is not None:
            workers.close()
        gc.set_threshold(*threshold)


def _audit(data: Path, refdir: Path, out: Path, counties: tuple[str, ...], as_of: dt.date,
           jobs: int, site: str | None, workers: WorkerPool | None) -> AuditResult:
    loaded = iter_counties(data, counties, jobs, workers)
    first = next(loaded)  # the folder's problems; the workers begin on the villages
    ref = load_reference(refdir)
    shown = refdir.name or "ref"
    result = AuditResult(warnings=[p for p in ref.problems if p.warning])
    missing = set(ref.missing)
    references = [ref.files[s.stem] for s in (DEATHS, PAYROLL, CADRES, COMPANIES, STANDARDS)
                  if s.stem in ref.files]
    errors = [p for p in ref.problems if not p.warning]
    data_errors: list[Problem] = []
    out = out.absolute()
    staging = out.parent / f".{out.name}.audit-staging-{os.getpid()}"
    try:
        for cd, problems in itertools.chain([first], loaded):
            data_errors.extend(p for p in problems if not p.warning)
            result.data_warnings += sum(p.warning for p in problems)
            if cd is None or data_errors or errors:
                continue  # keep loading: every problem is listed at once
            findings, statuses = _run_rules(cd, ref.frames, missing, shown, site)
            folder = staging / cd.slug
            folder.mkdir(parents=True, exist_ok=True)
            write_report(folder, cd.name, as_of, findings, statuses, references)
            result.counties.append(CountyReport(cd.slug, cd.name, cd.villages, statuses,
                                                len(findings), out / cd.slug / "findings.csv",
                                                out / cd.slug / "findings.html"))
            del cd, findings
        if data_errors or errors:
            # the villages' errors (their warnings are for clerks: `check` lists them), then
            # every problem of the reference files in file order
            raise DataErrors(data_errors + ref.problems)
        for c in result.counties:
            (out / c.slug).mkdir(parents=True, exist_ok=True)
            for name in ("findings.csv", "findings.html"):
                os.replace(staging / c.slug / name, out / c.slug / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result
