"""The audit's output per county: findings.csv (UTF-8 with BOM, for Excel) and findings.html
(sortable, filterable, printable; a 内部资料 banner). Both deterministic: rows in a fixed
order, no clock time (the as-of date is printed instead)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator.audit.rules import Finding
from generator.model.views import esc

log = logging.getLogger(__name__)

COLUMNS = ("规则", "乡镇", "村", "文件", "行", "说明", "身份证号", "证据文件", "证据行", "证据")
BANNER = "内部资料 · 注意保密 · 不得公开、不得上传到网站"


@dataclass(frozen=True)
class RuleStatus:
    rule: str
    count: int
    skipped: str = ""  # why the rule did not run ("" when it ran)


def _csv_chunks(findings: Sequence[Finding]) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for k, f in enumerate(findings, 1):
        w.writerow((f.rule, f.town, f.village, f.file, f.line, f.message, f.idno,
                    f.evidence_file, f.evidence_line or "", f.evidence))
        if k % 2000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def csv_bytes(findings: Sequence[Finding]) -> bytes:
    """findings.csv: UTF-8 with BOM (Excel opens it as UTF-8), CRLF line ends."""
    return "".join(_csv_chunks(findings)).encode("utf-8-sig")


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _row_html(k: int, f: Finding) -> Markup:
    """The table row of finding number ``k``. Made here rather than in the template: a
    county can have 100,000 findings, and the template's per-cell lookups and escapes took
    most of the report's time."""
    at = f"{f.evidence_file}:{f.evidence_line}" if f.evidence_line else f.evidence_file
    return Markup(
        f'<tr data-rule="{esc(f.rule)}"><td class="num">{k}</td><td>{esc(f.rule)}</td>'
        f'<td>{esc(f.town)}</td><td>{esc(f.village)}</td><td class="file">{esc(f.file)}</td>'
        f'<td class="num">{f.line}</td><td>{esc(f.message)}</td>'
        f'<td class="mono">{esc(f.idno)}</td><td class="file">{esc(at)}</td>'
        f'<td>{esc(f.evidence)}</td></tr>')


def _html_chunks(county: str, as_of: dt.date, findings: Sequence[Finding],
                 statuses: Sequence[RuleStatus], references: Sequence[str]) -> Iterator[str]:
    rows = (_row_html(k, f) for k, f in enumerate(findings, 1))
    return _ENV.get_template("findings.html").generate(
        county=county, as_of=as_of.isoformat(), rows=rows, statuses=statuses,
        references=references, banner=BANNER, total=len(findings))


def html_bytes(county: str, as_of: dt.date, findings: Sequence[Finding],
               statuses: Sequence[RuleStatus], references: Sequence[str]) -> bytes:
    return "".join(_html_chunks(county, as_of, findings, statuses, references)).encode("utf-8")


def write_report(folder: Path, county: str, as_of: dt.date, findings: Sequence[Finding],
                 statuses: Sequence[RuleStatus], references: Sequence[str]) -> None:
    """findings.csv and findings.html into ``folder``, written as they are rendered (a
    county with 100,000 findings never holds its whole report in memory)."""
    write_chunks(folder / "findings.csv", _csv_chunks(findings), "utf-8-sig")
    write_chunks(folder / "findings.html",
                 _html_chunks(county, as_of, findings, statuses, references), "utf-8")


def write_chunks(path: Path, chunks: Iterable[str], encoding: str) -> None:
    """Write text chunks (binary, so line ends stay as rendered) through a temporary file
    and rename, so a report is never half written."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        if encoding == "utf-8-sig":
            fh.write(codecs.BOM_UTF8)
        # the template yields a few words at a time (millions of pieces on a large county):
        # encode and write them in batches
        batch: list[str] = []
        for chunk in chunks:
            batch.append(chunk)
            if len(batch) >= 20_000:
                fh.write("".join(batch).encode("utf-8"))
                batch.clear()
        fh.write("".join(batch).encode("utf-8"))
    os.replace(tmp, path)
