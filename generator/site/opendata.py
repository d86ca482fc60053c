"""Open data: CSV/JSON downloads, Atom feeds, sitemap.xml and robots.txt.

Every download holds exactly what the pages publish: the same masked 身份证号,
the same welfare expiry (rows withdrawn by 个人信息公示天数 appear only as
counts and totals in ``welfare-summary``), values formatted as on the pages
(money with two decimals, ISO dates). Bytes are deterministic: no timestamps
other than the as-of date and the records' own dates.

Village files are pure ``(path, bytes)`` pages rendered in the worker that
renders the village. County-wide CSVs are joined in the county's tail from the shares
each village's worker made of its downloads (乡镇 and 村 put in front of each row), one
village at a time, so memory stays bounded however large the county.

Without county.yaml's 网址 the absolute-URL features (feeds, sitemap, robots)
are skipped and :func:`missing_url_warning` reports it once per county.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import itertools
import json
import logging
import operator
import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring as _json_str  # what json.dumps(ensure_ascii=False) uses
from pathlib import Path
from typing import Protocol

from generator.errors import Problem
from generator.model import views
from generator.model.records import County, Township, Village
from generator.read import schema as S

log = logging.getLogger(__name__)

Page = tuple[str, bytes]
BOM = b"\xef\xbb\xbf"
DATA_DIR = "data"  # <county>/data/: county-wide downloads and their page
FEED = "feed.xml"
FEED_ENTRIES = 50
SITEMAP_MAX = 50_000  # URLs per sitemap file (sitemaps.org limit)
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
TZ = "+08:00"
LIST_SEP = "；"  # joins list values (流程, 附件 …) in one CSV cell
PLACE_COLUMNS = ("乡镇", "村")  # leading columns of the county-wide CSVs
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_NEWLINE = re.compile("\n[" + re.escape("".join(_FORMULA_START)) + "]")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_KINDS = {S.TEXT, S.ENUM, S.FILE, S.FILES, S.TEXTLIST, S.URL, S.MARKDOWN}
URL_WARNING = "未填写网址，二维码、网站地图和订阅（Atom）将不生成"


class PageRenderer(Protocol):
    """What the county files need of the site renderer (site.render.Renderer)."""

    county: County
    as_of: dt.date

    def page(self, template: str, path: str, **ctx: object) -> tuple[str, bytes]: ...


class FileWriter(Protocol):
    """What the county files need of the output writer (publish.write.OutputWriter)."""

    def target(self, rel: str) -> Path: ...

    def write(self, rel: str, data: bytes) -> None: ...


def missing_url_warning(county_slug: str) -> Problem:
    """The one warning a county without 网址 gets (QR codes, sitemap and feeds are skipped)."""
    return Problem(f"{county_slug}/county.yaml", 1, "网址", URL_WARNING, warning=True)


# ----------------------------------------------------------------------------- tables
F = S.Field
_NOTICE_COLUMNS = (
    *(f for f in S.NOTICE.fields if f.attr != "attachments"),
    F("公示状态", "status", S.ENUM, choices=("未开始", "公示中", "已结束"),
      help="按数据截止日期计算；没有公示结束日期的为空"),
    F("正文", "body", help="公告正文（纯文字）"),
    F("附件", "attachments", S.FILES, help="附件文件名，多个用“；”分隔"),
)
_WELFARE_SUMMARY_COLUMNS = (
    F("月份", "month", S.MONTH, help="发放月份"),
    S.WELFARE.by_label()["项目"],
    F("人数", "people", S.INT, unit="人", help="按姓名和打码身份证号去重的人数"),
    F("笔数", "rows", S.INT, unit="笔", help="发放笔数"),
    F("金额", "total", S.MONEY, unit="元", help="发放金额合计"),
    F("名单已撤下笔数", "withdrawn", S.INT, unit="笔",
      help="超过个人信息公示期、不再公开姓名和身份证号的笔数（只计入人数和金额）"),
)


@dataclass(frozen=True)
class Table:
    """One download: ``<village>/<module>/<name>.csv`` and ``.json``."""

    module: str
    name: str
    title: str
    columns: tuple[S.Field, ...]
    note: str = ""

    @property
    def csv(self) -> str:
        return f"{self.name}.csv"

    @property
    def json(self) -> str:
        return f"{self.name}.json"


def _spec_table(module: str, spec: S.FileSpec, note: str = "") -> Table:
    return Table(module, spec.stem, spec.label, spec.fields, note)


TABLES: tuple[Table, ...] = (
    _spec_table("powers", S.POWERS, "列表内容（流程、风险点、防控措施）在 CSV 中用“；”分隔"),
    _spec_table("assets", S.BALANCES),
    _spec_table("assets", S.ASSETS),
    _spec_table("assets", S.RESOURCES),
    _spec_table("assets", S.CONTRACTS),
    Table("affairs", "notices", "党务村务财务公告", _NOTICE_COLUMNS),
    _spec_table("affairs", S.FINANCE),
    _spec_table("welfare", S.WELFARE,
                "只含仍在个人信息公示期内的发放记录；更早的记录已撤下姓名和身份证号，"
                "只计入“惠民资金按月按项目汇总”"),
    Table("welfare", "welfare-summary", "惠民资金按月按项目汇总", _WELFARE_SUMMARY_COLUMNS,
          "含全部发放记录（包括已撤下名单的记录）的人数、笔数和金额"),
    _spec_table("projects", S.PROJECTS),
    _spec_table("services", S.SERVICES, "列表内容（材料、流程）在 CSV 中用“；”分隔"),
)
TABLES_BY_MODULE: dict[str, tuple[Table, ...]] = {}
for _t in TABLES:
    TABLES_BY_MODULE[_t.module] = TABLES_BY_MODULE.get(_t.module, ()) + (_t,)


def _attr_rows(items: Iterable[object], cols: tuple[S.Field, ...]) -> list[tuple]:
    if len(cols) == 1:
        return [(getattr(it, cols[0].attr),) for it in items]
    return list(map(operator.attrgetter(*(f.attr for f in cols)), items))


def _notice_rows(v: Village, as_of: dt.date) -> list[tuple]:
    out = []
    for n in v.notices:
        values = {"title": n.title, "category": n.category, "date": n.date, "start": n.start,
                  "end": n.end, "status": n.status(as_of), "body": n.body_text,
                  "attachments": n.attachments}
        out.append(tuple(values[f.attr] for f in _NOTICE_COLUMNS))
    return out


def _welfare_summary_rows(v: Village, as_of: dt.date, privacy_days: int | None) -> list[tuple]:
    """Per month (oldest first) and 项目 (in schema order): the figures the welfare pages show."""
    withdrawn: dict[tuple[str, str], int] = {}
    for r in v.welfare:
        if views.is_withdrawn(r, as_of, privacy_days):
            withdrawn[(r.month, r.program)] = withdrawn.get((r.month, r.program), 0) + 1
    order = {p: i for i, p in enumerate(S.WELFARE.by_label()["项目"].choices)}
    out = []
    for m in reversed(views.welfare_months(v.welfare, as_of, privacy_days)):
        for p in sorted(m.programs, key=lambda p: (order.get(p.program, len(order)), p.program)):
            out.append((m.month, p.program, p.people, p.rows, p.total,
                        withdrawn.get((m.month, p.program), 0)))
    return out


def table_rows(table: Table, v: Village, as_of: dt.date, privacy_days: int | None) -> list[tuple]:
    """The raw values of one download, in the order of ``table.columns``."""
    getters: dict[str, Callable[[], list[tuple]]] = {
        "powers": lambda: _attr_rows(v.powers, table.columns),
        "balances": lambda: _attr_rows(v.balances, table.columns),
        "assets": lambda: _attr_rows(v.assets, table.columns),
        "resources": lambda: _attr_rows(v.resources, table.columns),
        "contracts": lambda: _attr_rows(v.contracts, table.columns),
        "notices": lambda: _notice_rows(v, as_of),
        "finance": lambda: _attr_rows(v.finance, table.columns),
        "welfare": lambda: _attr_rows(views.published_welfare(v.welfare, as_of, privacy_days),
                                      table.columns),
        "welfare-summary": lambda: _welfare_summary_rows(v, as_of, privacy_days),
        "projects": lambda: _attr_rows(v.projects, table.columns),
        "services": lambda: _attr_rows(v.services, table.columns),
    }
    return getters[table.name]()


# ----------------------------------------------------------------------------- cells
def _number(d: Decimal) -> str:
    return views.num(d).replace(",", "")


def cell_text(kind: str, value: object) -> str:
    """A value as the pages show it, without thousands separators (for CSV)."""
    if value is None or value == () or value == "":
        return ""
    if kind == S.MONEY:
        return f"{value:.2f}"
    if kind == S.DATE:
        return value.isoformat()  # type: ignore[union-attr]
    if kind == S.NUMBER:
        return _number(value)  # type: ignore[arg-type]
    if kind in (S.TEXTLIST, S.FILES):
        return LIST_SEP.join(str(x) for x in value)  # type: ignore[union-attr]
    return str(value)


def _texts(kind: str, values: list) -> list[str]:
    """``cell_text`` over one column (a comprehension per kind: downloads hold every row
    of a village, so this is the hot loop of the open-data step)."""
    if kind in (S.TEXT, S.ENUM, S.FILE, S.URL, S.IDNO, S.MONTH, S.MARKDOWN):
        return ["" if x is None else str(x) for x in values]
    if kind == S.MONEY:
        return ["" if x is None else f"{x:.2f}" for x in values]
    if kind == S.DATE:
        return ["" if x is None else x.isoformat() for x in values]
    return [cell_text(kind, x) for x in values]


def _csv_guard(kind: str, texts: list[str]) -> list[str]:
    """A cell Excel would run as a formula is shown as text (OWASP CSV injection)."""
    if kind not in _TEXT_KINDS:
        return texts
    if _FORMULA_AFTER_NEWLINE.search("\n" + "\n".join(texts)) is None:  # the whole column at once
        return texts
    return ["'" + t if t.startswith(_FORMULA_START) else t for t in texts]


def _json_values(kind: str, values: list, texts: list[str]) -> list[str]:
    """One column as JSON literals (what ``json.dumps(..., ensure_ascii=False)`` writes)."""
    if kind in (S.TEXTLIST, S.FILES):
        return ["null" if x is None or x == "" else json.dumps([str(i) for i in x], ensure_ascii=False)
                for x in values]
    if kind == S.INT:
        return ["null" if t == "" else str(int(x)) for x, t in zip(values, texts, strict=True)]
    return ["null" if t == "" else _json_str(t) for t in texts]


class _Line:
    """A file-like object whose ``write`` hands the line back: csv.writer.writerow then
    returns each row's CSV line, so one village's rows are formatted once and reused for
    the village download and the county-wide one."""

    def write(self, s: str) -> str:
        return s


_LINE_WRITER = csv.writer(_Line(), lineterminator="\r\n")
# what makes csv.writer (QUOTE_MINIMAL) quote a cell: the delimiter, the quote character,
# a line break
_CSV_SPECIAL = re.compile('[,"\r\n]')


def _csv_lines(rows: Iterable[Iterable[str]]) -> bytes:
    return "".join(_LINE_WRITER.writerow(r) for r in rows).encode()


def csv_rows(columns: list[list[str]]) -> list[str]:
    """The CSV lines (CRLF) of the rows made of these columns, as csv.writer writes them."""
    if len(columns) > 1 and _CSV_SPECIAL.search("\x00".join(itertools.chain(*columns))) is None:
        # no cell needs quoting (nearly always): a row is its cells joined by commas
        return [",".join(r) + "\r\n" for r in zip(*columns, strict=True)]
    writerow = _LINE_WRITER.writerow
    return [writerow(r) for r in zip(*columns, strict=True)]


@dataclass(frozen=True)
class Formatted:
    """One download's rows, formatted once: CSV lines and JSON object lines."""

    csv_lines: list[str]
    json_lines: list[str]


def format_rows(table: Table, rows: list[tuple]) -> Formatted:
    if not rows:
        return Formatted([], [])
    columns = list(zip(*rows, strict=True))
    csv_cols, json_cols = [], []
    for f, values in zip(table.columns, columns, strict=True):
        texts = _texts(f.kind, list(values))
        csv_cols.append(_csv_guard(f.kind, texts))
        json_cols.append(_json_values(f.kind, values, texts))
    csv_lines = csv_rows(csv_cols)
    keys = [_json_str(f.label).replace("{", "{{").replace("}", "}}") + ": {}" for f in table.columns]
    template = "  {{" + ", ".join(keys) + "}}"
    json_lines = [template.format(*r) for r in zip(*json_cols, strict=True)]
    return Formatted(csv_lines, json_lines)


def csv_bytes(table: Table, lines: list[str], prefix: tuple[str, ...] = ()) -> bytes:
    """UTF-8 with BOM (so Excel shows Chinese), CRLF, header = the schema's Chinese labels."""
    header = [*prefix, *(f.label for f in table.columns)]
    return BOM + _csv_lines([header]) + "".join(lines).encode()


def county_rows(village_csv: bytes, place: tuple[str, str]) -> bytes:
    """The rows of a village download (BOM and header line dropped) with 乡镇 and 村 in
    front: its part of the county-wide CSV. Each row is prefixed without parsing when every
    CRLF ends a row: no quoted cell, or none that holds a CRLF (a line cut inside a quoted
    cell has an odd number of ``"``: the opening one, and the doubled ones come in pairs);
    otherwise it is read as CSV."""
    _header, sep, body = village_csv.partition(b"\r\n")
    if not sep or not body:
        return b""
    place_cells = _csv_guard(S.TEXT, list(place))
    if b'"' not in body or not any(line.count(b'"') & 1 for line in body.split(b"\r\n")):
        lead = _LINE_WRITER.writerow([*place_cells, ""])[:-2].encode()  # "乡镇,村,"
        return lead + body[:-2].replace(b"\r\n", b"\r\n" + lead) + b"\r\n"
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    return _csv_lines([*place_cells, *r] for r in rows)


def column_meta(f: S.Field) -> dict[str, object]:
    meta: dict[str, object] = {"name": f.label, "key": f.attr, "type": f.kind,
                               "type_label": S.KIND_LABELS.get(f.kind, f.kind)}
    if f.unit:
        meta["unit"] = f.unit
    if f.choices:
        meta["choices"] = list(f.choices)
    if f.help:
        meta["description"] = f.help
    return meta


@functools.cache
def _columns_json(table: Table) -> str:
    """``columns`` of a table's JSON download, as ``json.dumps(..., indent=1)`` writes it one
    level down (inside the document)."""
    return json.dumps([column_meta(f) for f in table.columns], ensure_ascii=False,
                      indent=1).replace("\n", "\n ")


def json_bytes(table: Table, lines: list[str], county: County, town: Township, v: Village,
               as_of: dt.date) -> bytes:
    page = f"{town.slug}/{v.slug}/{table.module}/"
    doc: dict[str, object] = {
        "title": f"{v.name} {table.title}",
        "county": {"name": county.name, "code": county.code, "slug": county.slug},
        "township": {"name": town.name, "code": town.code, "slug": town.slug},
        "village": {"name": v.name, "code": v.code, "slug": v.slug},
        "module": table.module,
        "table": table.name,
        "as_of": as_of.isoformat(),
        "page": county.url + page if county.url else page,
        "csv": table.csv,
        "note": "金额单位为元（两位小数的文字）；日期为 YYYY-MM-DD；身份证号只公开前 6 位和后 4 位。"
                + (table.note and table.note + "。"),
    }
    # the column list is the same in every village's file: written once per table
    head = (json.dumps(doc, ensure_ascii=False, indent=1)[:-2]  # without the closing "\n}"
            + ',\n "columns": ' + _columns_json(table))
    # one row per line: readable in a browser, still one JSON document
    rows_text = "\n" + ",\n".join(lines) + "\n " if lines else ""
    return (head + ',\n "rows": [' + rows_text + "]\n}\n").encode()


# ----------------------------------------------------------------------------- feeds
@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: str  # RFC 3339
    link: str
    summary: str
    category: str = ""


def _stamp(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00{TZ}"


def _xml_text(s: str) -> str:
    return _XML_BAD.sub("", s)


def _excerpt(text: str, n: int = 200) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n] + "…"


def village_entries(county: County, town: Township, v: Village, as_of: dt.date) -> list[Entry]:
    """Notices, ledger months and welfare months of one village, newest first."""
    assert county.url
    base = f"{county.url}{town.slug}/{v.slug}/"
    who = f"{town.name}{v.name}"
    out = []
    for n in v.notices:
        url = base + views.notice_page(n.slug)
        out.append(Entry(url, f"{who}：{n.title}", _stamp(n.date), url, _excerpt(n.body_text),
                         f"{n.category}公开"))
    for m in views.ledger_months(v.finance):
        url = base + views.ledger_page(m.month)
        out.append(Entry(url, f"{who}：{m.label}财务收支明细", _stamp(max(r.date for r in m.rows)),
                         url, f"{m.label}收入 {views.yuan(m.income)} 元，支出 {views.yuan(m.expense)} 元，"
                              f"共 {len(m.rows)} 笔。", "财务公开"))
    last_paid: dict[str, dt.date] = {}
    for r in v.welfare:
        last_paid[r.month] = max(r.paid, last_paid.get(r.month, r.paid))
    for wm in views.welfare_months(v.welfare, as_of, county.privacy_days):
        url = base + views.welfare_page(wm.month)
        progs = "、".join(f"{p.program} {p.people} 人" for p in wm.programs)
        paid = last_paid[wm.month]
        out.append(Entry(url, f"{who}：{wm.label}惠民资金发放", _stamp(paid), url,
                         f"{wm.label}发放 {wm.people} 人、{views.yuan(wm.total)} 元：{progs}。"
                         + ("名单已超过个人信息公示期，已撤下。" if wm.withdrawn else ""),
                         "惠民资金"))
    return sort_entries(out)


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)


def _xml_escape(s: str) -> str:
    """Text content as ElementTree writes it (``&``, ``<``, ``>``)."""
    s = _xml_text(s)
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    return s


def _xml_attr(s: str) -> str:
    """An attribute value as ElementTree writes it."""
    s = _xml_escape(s)
    for ch, ref in (('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;")):
        if ch in s:
            s = s.replace(ch, ref)
    return s


def feed_bytes(feed_id: str, title: str, self_url: str, alt_url: str, author: str,
               entries: list[Entry], as_of: dt.date) -> bytes:
    """An Atom 1.0 document; ``updated`` is the newest entry's date (never the build time).
    Written line by line, exactly as ElementTree (``ET.indent(root, space="")``) would write
    it, at a fraction of the cost: a county has hundreds of feeds."""
    a = _xml_attr

    def el(tag: str, text: str, attrs: str = "") -> str:
        text = _xml_escape(text)
        return f"<{tag}{attrs}>{text}</{tag}>" if text else f"<{tag}{attrs} />"

    out = ["<?xml version='1.0' encoding='utf-8'?>",
           f'<feed xmlns="{ATOM_NS}" xml:lang="zh-CN">',
           el("id", feed_id), el("title", title),
           el("updated", entries[0].updated if entries else _stamp(as_of)),
           f'<link rel="self" type="application/atom+xml" href="{a(self_url)}" />',
           f'<link rel="alternate" type="text/html" href="{a(alt_url)}" />',
           "<author>", el("name", author), "</author>"]
    for e in entries:
        out.append("<entry>")
        out.append(el("id", e.id))
        out.append(el("title", e.title))
        out.append(el("updated", e.updated))
        out.append(f'<link rel="alternate" type="text/html" href="{a(e.link)}" />')
        if e.category:
            out.append(f'<category term="{a(e.category)}" />')
        out.append(el("summary", e.summary, ' type="text"'))
        out.append("</entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- village
def village_files(county: County, town: Township, v: Village, as_of: dt.date
                  ) -> tuple[list[Page], tuple[Entry, ...]]:
    """Every download of one village and, with 网址, its Atom feed (paths relative to the
    output root); and the feed's entries, which the county feed is merged from."""
    base = f"{county.slug}/{town.slug}/{v.slug}/"
    pages: list[Page] = []
    for t in TABLES:
        rows = format_rows(t, table_rows(t, v, as_of, county.privacy_days))
        pages.append((f"{base}{t.module}/{t.csv}", csv_bytes(t, rows.csv_lines)))
        pages.append((f"{base}{t.module}/{t.json}", json_bytes(t, rows.json_lines, county, town, v, as_of)))
    entries: tuple[Entry, ...] = ()
    if county.url:
        vurl = f"{county.url}{town.slug}/{v.slug}/"
        entries = tuple(village_entries(county, town, v, as_of)[:FEED_ENTRIES])
        pages.append((f"{base}{FEED}", feed_bytes(
            vurl, f"{town.name}{v.name} 公开信息更新", vurl + FEED, vurl,
            f"{county.name}{town.name}{v.name}", list(entries), as_of)))
    return pages, entries


# ----------------------------------------------------------------------------- county
@dataclass(frozen=True)
class CountyFile:
    table: Table
    path: str  # relative to the county folder
    size: int

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(self.size / 1024, 0.1):.1f} KB"


def county_file_name(t: Table) -> str:
    return f"{DATA_DIR}/{t.csv}"


def _village_order(county: County) -> Iterator[tuple[str, str]]:
    for t in county.townships:
        for s in t.village_slugs:
            yield t.slug, s


def county_parts(town: Township, v: Village, pages: Iterable[tuple[str, bytes]]
                 ) -> list[tuple[str, bytes]]:
    """A village's share of each county-wide CSV (``county_rows`` of its downloads in
    ``pages``), as (file name, bytes): made where the village is built, in a worker, so that
    joining the county's files is only copying."""
    base = f"{town.slug}/{v.slug}/"
    wanted = {f"{base}{t.module}/{t.csv}": t.csv for t in TABLES}
    out = []
    for path, data in pages:
        name = wanted.get(path.partition("/")[2])
        if name is not None:
            part = county_rows(data, (town.name, v.name))
            if part:
                out.append((name, part))
    return out


def write_county_tables(staging: Path, writer: FileWriter, county: County,
                        names: dict[str, dict[str, str]],
                        parts: dict[tuple[str, str], Path] | None = None) -> list[CountyFile]:
    """The county-wide CSVs, joined from the villages' ``parts`` ((township slug, village
    slug) → the file of its ``county_parts``, a pickled {file name: bytes}; a village without
    that file is read from its downloads in ``staging``; ``names``: township slug → village
    slug → 村 name). Needs only the villages' files: the build writes them beside the change
    log. Returns them as the 数据下载 page lists them."""
    towns = {t.slug: t.name for t in county.townships}
    parts = parts or {}
    targets = [writer.target(f"{county.slug}/{county_file_name(t)}") for t in TABLES]
    with contextlib.ExitStack() as stack:
        outs = [stack.enter_context(open(target, "wb")) for target in targets]
        for t, out in zip(TABLES, outs, strict=True):
            out.write(csv_bytes(t, [], PLACE_COLUMNS))
        for town, village in _village_order(county):  # each built village once, in county order
            name = names.get(town, {}).get(village)
            if name is None:
                continue
            shares = _shares(parts.get((town, village)))
            for t, out in zip(TABLES, outs, strict=True):
                if shares is not None:  # made when it was built (no entry: no rows)
                    out.write(shares.get(t.csv, b""))
                    continue
                src = staging / county.slug / town / village / t.module / t.csv
                if src.is_file():
                    out.write(county_rows(src.read_bytes(), (towns[town], name)))
    return [CountyFile(t, county_file_name(t), target.stat().st_size)
            for t, target in zip(TABLES, targets, strict=True)]


def write_county_index(staging: Path, writer: FileWriter, renderer: PageRenderer,
                       files: list[CountyFile], entries: Iterable[Entry] = ()) -> int:
    """The 数据下载 page (listing ``files``), and (with 网址) the county feed (from the
    villages' feed ``entries``), sitemap.xml and robots.txt. Call after every other page of
    the county is in ``staging``. Returns the number of HTML pages written."""
    county = renderer.county
    path, data = renderer.page("data.html", f"{DATA_DIR}/", files=files, feed=FEED,
                                crumbs=[(county.name, ""), ("数据下载", None)])
    writer.write(path, data)
    if county.url:
        writer.write(f"{county.slug}/{FEED}", feed_bytes(
            county.url, f"{county.name} 公开信息更新", county.url + FEED, county.url, county.name,
            sort_entries(entries)[:FEED_ENTRIES], renderer.as_of))
        for rel, data in sitemap_files(county.url, html_paths(staging / county.slug)):
            writer.write(f"{county.slug}/{rel}", data)
        writer.write(f"{county.slug}/robots.txt", robots_txt(county.url))
    return 1


def _shares(path: Path | None) -> dict[str, bytes] | None:
    """A village's ``county_parts`` as its worker stored them, or None when the file is gone
    (a cache pruned by hand) or unreadable: the caller joins its downloads instead."""
    if path is None:
        return None
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
        return None


def html_paths(site: Path) -> list[str]:
    """Every HTML page under a county folder, as its public path (``x/`` for ``x/index.html``)."""
    out = []
    stack = [""]
    while stack:  # os.scandir: a county has tens of thousands of pages
        rel_dir = stack.pop()
        with os.scandir(site / rel_dir if rel_dir else site) as it:
            for e in it:
                rel = f"{rel_dir}{e.name}"
                if e.is_dir(follow_symlinks=False):
                    if rel not in ("pagefind", "static"):
                        stack.append(rel + "/")
                elif e.name.endswith(".html"):
                    out.append(rel[: -len("index.html")] if e.name == "index.html" else rel)
    return sorted(out)


def sitemap_files(base_url: str, paths: list[str]) -> list[Page]:
    """sitemap.xml (an index of sitemap-N.xml when there are more than 50,000 pages)."""
    def urlset(chunk: list[str]) -> bytes:
        body = "".join(f"<url><loc>{_xml_escape(base_url + p)}</loc></url>\n" for p in chunk)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
                f"{body}</urlset>\n").encode()

    if len(paths) <= SITEMAP_MAX:
        return [("sitemap.xml", urlset(paths))]
    chunks = [paths[i:i + SITEMAP_MAX] for i in range(0, len(paths), SITEMAP_MAX)]
    out = [(f"sitemap-{i}.xml", urlset(c)) for i, c in enumerate(chunks, 1)]
    body = "".join(f"<sitemap><loc>{_xml_escape(base_url + name)}</loc></sitemap>\n" for name, _ in out)
    index = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
             f"{body}</sitemapindex>\n").encode()
    return [("sitemap.xml", index), *out]


def robots_txt(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n".encode()
