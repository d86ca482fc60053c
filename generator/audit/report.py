"""The audit's output per county: findings.csv (UTF-8 with BOM, for Excel) and findings.html
(sortable, filterable, printable; a 内部资料 banner). Both deterministic: rows in a fixed
order, no clock time (the as-of date is printed instead)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.audit.rules import RULES, Finding

log = logging.getLogger(__name__)

COLUMNS = ("规则", "乡镇", "村", "文件", "行", "说明", "身份证号", "证据文件", "证据行", "证据")
BANNER = "内部资料 · 注意保密 · 不得公开、不得上传到网站"


@dataclass(frozen=True)
class RuleStatus:
    rule: str
    count: int
    skipped: str = ""  # why the rule did not run ("" when it ran)


def csv_bytes(findings: Sequence[Finding]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for f in findings:
        w.writerow((f.rule, f.town, f.village, f.file, f.line, f.message, f.idno,
                    f.evidence_file, f.evidence_line or "", f.evidence))
    return buf.getvalue().encode("utf-8-sig")


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True,
)


def html_bytes(county: str, as_of: dt.date, findings: Sequence[Finding],
               statuses: Sequence[RuleStatus], references: Sequence[str]) -> bytes:
    rows = [{"rule": f.rule, "rule_no": RULES.index(f.rule) + 1, "town": f.town,
             "village": f.village, "file": f.file, "line": f.line, "message": f.message,
             "idno": f.idno, "evidence_at": (f"{f.evidence_file}:{f.evidence_line}"
                                             if f.evidence_line else f.evidence_file),
             "evidence": f.evidence} for f in findings]
    html = _ENV.get_template("findings.html").render(
        county=county, as_of=as_of.isoformat(), rows=rows, statuses=statuses,
        references=references, banner=BANNER, total=len(findings))
    return html.encode("utf-8")


def write_file(path: Path, data: bytes) -> None:
    """Write through a temporary file and rename, so a report is never half written."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
