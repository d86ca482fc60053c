"""Open data: CSV/JSON downloads, Atom feeds, sitemap.xml and robots.txt.

Every download holds exactly what the pages publish: the same masked 身份证号,
the same welfare expiry (rows withdrawn by 个人信息公示天数 appear only as
counts and totals in ``welfare-summary``), values formatted as on the pages
(money with two decimals, ISO dates). Bytes are deterministic: no timestamps
other than the as-of date and the records' own dates.

Village files are pure ``(path, bytes)`` pages rendered in the worker that
renders the village. County-wide CSVs are concatenated in ``_finish`` from
per-village row fragments (``_opendata/…``, removed again before the swap), so
memory stays bounded however large the county.

Without county.yaml's 网址 the absolute-URL features (feeds, sitemap, robots)
are skipped and :func:`missing_url_warning` reports it once per county.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from . import schema as S
from . import views
from .errors import Problem
from .model import County, Township, Village

if TYPE_CHECKING:
    from .render import Renderer
    from .write import OutputWriter

log = logging.getLogger(__name__)

Page = tuple[str, bytes]
BOM = b"\xef\xbb\xbf"
PARTS = "_opendata"  # staging-only folder of county-wide row fragments (never a county slug)
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
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_KINDS = {S.TEXT, S.ENUM, S.FILE, S.FILES, S.TEXTLIST, S.URL, S.MARKDOWN}
URL_WARNING = "未填写网址，二维码、网站地图和订阅（Atom）将不生成"


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
    return [tuple(getattr(it, f.attr) for f in cols) for it in items]


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


def _csv_cell(kind: str, value: object) -> str:
    s = cell_text(kind, value)
    # a cell Excel would run as a formula is shown as text (OWASP CSV injection)
    if kind in _TEXT_KINDS and s.startswith(_FORMULA_START):
        return "'" + s
    return s


def _json_cell(kind: str, value: object) -> object:
    if value is None or value == "":
        return None
    if kind == S.INT:
        return int(value)  # type: ignore[call-overload]
    if kind in (S.TEXTLIST, S.FILES):
        return [str(x) for x in value]  # type: ignore[union-attr]
    return cell_text(kind, value)


def _csv_lines(rows: Iterable[Iterable[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows(rows)
    return buf.getvalue().encode()


def csv_cells(table: Table, rows: list[tuple]) -> list[list[str]]:
    kinds = [f.kind for f in table.columns]
    return [[_csv_cell(k, x) for k, x in zip(kinds, r, strict=True)] for r in rows]


def csv_bytes(table: Table, cells: list[list[str]], prefix: tuple[str, ...] = ()) -> bytes:
    """UTF-8 with BOM (so Excel shows Chinese), CRLF, header = the schema's Chinese labels."""
    header = [*prefix, *(f.label for f in table.columns)]
    return BOM + _csv_lines([header]) + _csv_lines(cells)


def _part_bytes(cells: list[list[str]], place: tuple[str, ...]) -> bytes:
    """Rows of a county-wide CSV (no BOM, no header): 乡镇, 村, then the village's cells."""
    lead = [_csv_cell(S.TEXT, x) for x in place]
    return _csv_lines([*lead, *c] for c in cells)


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


def json_bytes(table: Table, rows: list[tuple], county: County, town: Township, v: Village,
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
        "columns": [column_meta(f) for f in table.columns],
    }
    head = json.dumps(doc, ensure_ascii=False, indent=1)[:-2]  # without the closing "\n}"
    body = ",\n".join(
        "  " + json.dumps({f.label: _json_cell(f.kind, x)
                           for f, x in zip(table.columns, r, strict=True)}, ensure_ascii=False)
        for r in rows)
    # one row per line: readable in a browser, still one JSON document
    rows_text = "\n" + body + "\n " if rows else ""
    return (head + ',\n "rows": [' + rows_text + "]\n}\n").encode()


def parts_path(county: str, town: str, village: str, table: Table) -> str:
    return f"{PARTS}/{county}/{town}/{village}/{table.name}.csv"


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


def feed_bytes(feed_id: str, title: str, self_url: str, alt_url: str, author: str,
               entries: list[Entry], as_of: dt.date) -> bytes:
    """An Atom 1.0 document; ``updated`` is the newest entry's date (never the build time)."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "zh-CN"})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, tag, attrs)
        if text is not None:
            el.text = _xml_text(text)
        return el

    sub(root, "id", feed_id)
    sub(root, "title", title)
    sub(root, "updated", entries[0].updated if entries else _stamp(as_of))
    sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(root, "link", rel="alternate", type="text/html", href=alt_url)
    sub(sub(root, "author"), "name", author)
    for e in entries:
        el = sub(root, "entry")
        sub(el, "id", e.id)
        sub(el, "title", e.title)
        sub(el, "updated", e.updated)
        sub(el, "link", rel="alternate", type="text/html", href=e.link)
        if e.category:
            sub(el, "category", term=e.category)
        sub(el, "summary", e.summary, type="text")
    ET.indent(root, space="")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def read_feed_entries(data: bytes) -> list[Entry]:
    ns = {"a": ATOM_NS}
    out = []
    for el in ET.fromstring(data).iterfind("a:entry", ns):
        link = el.find("a:link", ns)
        cat = el.find("a:category", ns)
        out.append(Entry(el.findtext("a:id", "", ns), el.findtext("a:title", "", ns),
                         el.findtext("a:updated", "", ns),
                         link.get("href", "") if link is not None else "",
                         el.findtext("a:summary", "", ns),
                         cat.get("term", "") if cat is not None else ""))
    return out


# ----------------------------------------------------------------------------- village
def village_files(county: County, town: Township, v: Village, as_of: dt.date) -> list[Page]:
    """Every download of one village, its row fragments for the county-wide CSVs and, with
    网址, its Atom feed. Paths are relative to the output root."""
    base = f"{county.slug}/{town.slug}/{v.slug}/"
    place = (town.name, v.name)
    pages: list[Page] = []
    for t in TABLES:
        rows = table_rows(t, v, as_of, county.privacy_days)
        cells = csv_cells(t, rows)
        pages.append((f"{base}{t.module}/{t.csv}", csv_bytes(t, cells)))
        pages.append((f"{base}{t.module}/{t.json}", json_bytes(t, rows, county, town, v, as_of)))
        pages.append((parts_path(county.slug, town.slug, v.slug, t), _part_bytes(cells, place)))
    if county.url:
        vurl = f"{county.url}{town.slug}/{v.slug}/"
        entries = village_entries(county, town, v, as_of)[:FEED_ENTRIES]
        pages.append((f"{base}{FEED}", feed_bytes(
            vurl, f"{town.name}{v.name} 公开信息更新", vurl + FEED, vurl,
            f"{county.name}{town.name}{v.name}", entries, as_of)))
    return pages


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


def write_county_files(staging: Path, writer: OutputWriter, renderer: Renderer) -> int:
    """County-wide CSVs, the 数据下载 page, and (with 网址) the county feed, sitemap.xml and
    robots.txt. Call after every other page of the county is in ``staging``. Returns the
    number of HTML pages written."""
    county = renderer.county
    parts_root = staging / PARTS / county.slug
    files = []
    for t in TABLES:
        rel = f"{county.slug}/{county_file_name(t)}"
        target = writer.target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            out.write(csv_bytes(t, [], PLACE_COLUMNS))
            for town, village in _village_order(county):
                part = parts_root / town / village / f"{t.name}.csv"
                if part.is_file():
                    with open(part, "rb") as f:
                        shutil.copyfileobj(f, out)
        files.append(CountyFile(t, county_file_name(t), target.stat().st_size))
    shutil.rmtree(parts_root, ignore_errors=True)
    try:
        (staging / PARTS).rmdir()
    except OSError:
        pass
    path, data = renderer._page("data.html", f"{DATA_DIR}/", files=files, feed=FEED,
                                crumbs=[(county.name, ""), ("数据下载", None)])
    writer.write(path, data)
    if county.url:
        _write_feed(staging, writer, county, renderer.as_of)
        for rel, data in sitemap_files(county.url, html_paths(staging / county.slug)):
            writer.write(f"{county.slug}/{rel}", data)
        writer.write(f"{county.slug}/robots.txt", robots_txt(county.url))
    return 1


def _write_feed(staging: Path, writer: OutputWriter, county: County, as_of: dt.date) -> None:
    assert county.url
    entries: list[Entry] = []
    for town, village in _village_order(county):
        p = staging / county.slug / town / village / FEED
        if p.is_file():
            entries = sort_entries([*entries, *read_feed_entries(p.read_bytes())])[:FEED_ENTRIES]
    writer.write(f"{county.slug}/{FEED}", feed_bytes(
        county.url, f"{county.name} 公开信息更新", county.url + FEED, county.url, county.name,
        entries, as_of))


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
        body = "".join(f"<url><loc>{escape(base_url + p)}</loc></url>\n" for p in chunk)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
                f"{body}</urlset>\n").encode()

    if len(paths) <= SITEMAP_MAX:
        return [("sitemap.xml", urlset(paths))]
    chunks = [paths[i:i + SITEMAP_MAX] for i in range(0, len(paths), SITEMAP_MAX)]
    out = [(f"sitemap-{i}.xml", urlset(c)) for i, c in enumerate(chunks, 1)]
    body = "".join(f"<sitemap><loc>{escape(base_url + name)}</loc></sitemap>\n" for name, _ in out)
    index = (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n'
             f"{body}</sitemapindex>\n").encode()
    return [("sitemap.xml", index), *out]


def robots_txt(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {base_url}sitemap.xml\n".encode()
