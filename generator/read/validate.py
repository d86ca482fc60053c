"""Apply the declared schema (generator.schema) to raw YAML mappings and table rows.

Produces typed values keyed by attribute name, and collects every problem
instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator import personal
from generator.errors import BadValue, Problem
from generator.read import schema as S
from generator.read import values
from generator.read.values import (
    parse_date,
    parse_id,
    parse_int,
    parse_money,
    parse_month,
    parse_number,
    scrub_text,
)

log = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9-]+$")
# fast paths match with fullmatch (``$`` would also match before a final newline), ASCII digits
# only (``\d`` alone matches ٣ and ３, which Decimal() and int() accept and the parsers do not)
_PLAIN_MONEY = re.compile(r"\d{1,15}(?:\.\d{1,2})?", re.ASCII)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ASCII_DIGITS = re.compile(r"[0-9]+")
# 2025/3/5, 2025.3.5, 2025-3-5, 2025年3月5日: what clerks and Excel's "text" dates look like
_OTHER_DATE = re.compile(r"(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|年(\d{1,2})月(\d{1,2})日?)",
                         re.ASCII)
# 1,234.50, ￥1,234.50, ¥1234, 1234.50元: grouped money, or a currency sign or unit around
# plain or grouped money
_DECORATED_MONEY = re.compile(
    r"(?:￥|¥|RMB)?\s*(\d{1,15}|[1-9]\d{0,2}(?:,\d{3}){1,4})(\.\d{1,2})?\s*(?:元)?", re.ASCII)
_CENT = Decimal("0.01")
_DIGITS = re.compile(r"^\d+$")


@dataclass
class Collector:
    """Collects problems for one file tree; ``secrets`` gathers full ID numbers for the leak guard."""

    problems: list[Problem] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    secret_sources: dict[str, str] = field(default_factory=dict)  # ID → "path:line" of its record

    def error(self, path: str, line: int, fld: str, msg: str) -> None:
        self.problems.append(Problem(path, line, fld, msg))

    def warn(self, path: str, line: int, fld: str, msg: str) -> None:
        self.problems.append(Problem(path, line, fld, msg, warning=True))

    @property
    def has_errors(self) -> bool:
        return any(not p.warning for p in self.problems)


@dataclass(frozen=True)
class FileContext:
    """Where attachments of one village live (``files/``)."""

    files_dir: Path | None  # absolute path of files/ (None: no attachments possible)
    rel_files: str  # data-relative path of files/ for messages
    mobiles: bool = False  # also mask mobile numbers in free text of this file


def _as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def check_file_ref(name: str, ctx: FileContext) -> str:
    """Validate a reference to a file in ``files/``; return the name or raise BadValue."""
    if (not name or "/" in name or "\\" in name or name in (".", "..") or name.startswith(".")
            or os.path.isabs(name) or "\x00" in name):
        raise BadValue(f'"{name}" 不是 files/ 中的文件名（只写文件名，不能包含路径）')
    if ctx.files_dir is None:
        raise BadValue(f"files/{name} 不存在（本村没有 files/ 文件夹）")
    found = personal.scan_text(name)
    if found:
        raise BadValue(f"文件名“{name}”含有完整{found[0].kind}，会出现在网址中，请给文件改名")
    p = ctx.files_dir / name
    if p.is_symlink():
        target = p.resolve()
        if not target.is_relative_to(ctx.files_dir.resolve()):
            raise BadValue(f"files/{name} 是指向 files/ 之外的链接，不能发布")
    if not p.exists():
        raise BadValue(f"files/{name} 不存在")
    if not p.is_file():
        raise BadValue(f"files/{name} 不是普通文件")
    return name


def _url_numbers(s: str) -> None:
    """A web address is published as a link, a QR code and in feeds: one that holds a full ID
    or card (also %-encoded) is refused rather than masked (a masked address is broken)."""
    found = personal.scan_text(urllib.parse.unquote(s))
    if found:
        raise BadValue(f"网址中含有完整{found[0].kind}，不能公开，请换一个网址")


_URL_START = re.compile(r"https?://", re.I)


def scrub(value: str, path: str, line: int, label: str, col: Collector, *, mobiles: bool,
          markdown: bool = False) -> str:
    if not markdown and _URL_START.search(value) and values.could_hold_number(value):
        try:
            _url_numbers(value)
        except BadValue as e:
            col.error(path, line, label, str(e))
            return value
    masked, kinds = scrub_text(value, mobiles=mobiles, markdown=markdown)
    for kind in dict.fromkeys(kinds):
        col.warn(path, line, label, f"发现{kind}，已打码公开（请不要在此填写个人信息）")
    return masked


def scrub_body(text: str, path: str, first_line: int, label: str, col: Collector) -> str:
    """``scrub`` for a whole Markdown text (a notice body starting at ``first_line``): a
    number split over lines is found, each one reported on the line where it starts."""
    masked, found = personal.scrub(text, markdown=True)
    for f in found:
        col.warn(path, first_line + text.count("\n", 0, f.start), label,
                 f"发现{f.kind}，已打码公开（请不要在此填写个人信息）")
    return masked


def number_in_name(rel: str, name: str, col: Collector, field: str) -> bool:
    """A folder or file name becomes a URL, a file name and a feed entry: it may not hold a
    full ID or card number (reported as an error)."""
    found = personal.scan_text(name)
    if found:
        col.error(rel, 0 if field == "文件夹" else 1, field,
                  f"名称“{name}”含有完整{found[0].kind}，会出现在网址中，请改名")
        return True
    return False


def _masked_id(full: str, path: str, line: int, col: Collector) -> str:
    """The published form of a valid 身份证号; the full number is kept for the leak guard."""
    col.secrets.add(full)
    col.secret_sources.setdefault(full, f"{path}:{line}")
    return values.mask_id(full)


def convert(fld: S.Field, raw: Any, path: str, line: int, col: Collector,
            ctx: FileContext) -> Any:
    """Convert one raw value; report and return None when it is bad or empty."""
    if type(raw) is str and raw:
        fast = _fast_value(fld, raw)
        if fast is not _SLOW:
            return fast
    return convert_plain(fld, raw, path, line, col, ctx)


def _fast_value(fld: S.Field, raw: str) -> Any:
    """``convert`` for the plain forms that make up nearly all real data (a plain amount, an
    ISO date, a listed choice, short text without surrounding spaces); ``_SLOW`` for anything
    else. Gives what ``convert_plain`` gives, without its cost (tests/test_fast_paths.py)."""
    kind = fld.kind
    if kind == S.MONEY:
        if _PLAIN_MONEY.fullmatch(raw):
            return Decimal(raw).quantize(_CENT)
    elif kind == S.DATE:
        if _ISO_DATE.fullmatch(raw):
            try:
                d = dt.date.fromisoformat(raw)
            except ValueError:
                return _SLOW  # the full parser gives the message
            if values.MIN_YEAR <= d.year <= values.MAX_YEAR:
                return d
    elif kind == S.ENUM:
        if raw in fld.choices:
            return raw
    elif (kind == S.TEXT and not fld.digits and len(raw) < 11  # too short for an ID, card, mobile
          and not raw[0].isspace() and not raw[-1].isspace()):  # nothing to strip ("   ")
        return raw
    return _SLOW


def convert_plain(fld: S.Field, raw: Any, path: str, line: int, col: Collector,
                  ctx: FileContext) -> Any:
    """The plain rule for one value (the ``values.parse_*`` parsers), which every fast path
    must agree with: the converted value, or None with the problem reported."""
    kind = fld.kind
    if kind in (S.TEXTLIST, S.FILES):
        items = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        lines = getattr(raw, "item_lines", None) or [line] * len(items)
        out = []
        for item, ln in zip(items, lines, strict=False):
            if not isinstance(item, str):
                col.error(path, ln, fld.label, "每一项应为一行文字")
                continue
            if not item.strip():
                continue
            if kind == S.FILES:
                try:
                    out.append(check_file_ref(item.strip(), ctx))
                except BadValue as e:
                    col.error(path, ln, fld.label, str(e))
            else:
                out.append(scrub(item.strip(), path, ln, fld.label, col, mobiles=False))
        return tuple(out)
    if kind == S.RECORDS:
        return raw  # handled by caller
    if isinstance(raw, (dict, list)):
        col.error(path, line, fld.label, "应为一个值，不能是列表或多层结构")
        return None
    text = _as_text(raw) if not isinstance(raw, (dt.date, int, float)) else raw
    if text == "" or text is None:
        return None
    try:
        if kind == S.TEXT:
            s = _as_text(text)
            if fld.digits:
                if not _DIGITS.match(s) or len(s) != fld.digits:
                    raise BadValue(f'"{s}" 应为 {fld.digits} 位数字')
                return s
            return scrub(s, path, line, fld.label, col, mobiles=ctx.mobiles and fld.free_text)
        if kind == S.MARKDOWN:
            return _as_text(text)
        if kind == S.MONEY:
            return parse_money(text)
        if kind == S.DATE:
            return parse_date(text)
        if kind == S.MONTH:
            return parse_month(text)
        if kind == S.INT:
            return parse_int(text, fld.lo, fld.hi)
        if kind == S.NUMBER:
            return parse_number(text)
        if kind == S.IDNO:
            return _masked_id(parse_id(text), path, line, col)
        if kind == S.ENUM:
            s = _as_text(text)
            if s not in fld.choices:
                raise BadValue(f'"{s}" 不是可选值（只能填：{"、".join(fld.choices)}）')
            return s
        if kind == S.FILE:
            return check_file_ref(_as_text(text), ctx)
        if kind == S.URL:
            s = _as_text(text)
            if not re.match(r"^https?://[^\s/]+\.[^\s]*$", s):
                raise BadValue(f'"{s}" 不是有效网址（应以 http:// 或 https:// 开头）')
            _url_numbers(s)
            return s
    except BadValue as e:
        col.error(path, line, fld.label, str(e))
        return None
    raise AssertionError(f"unknown field kind {kind}")


def validate_mapping(spec_fields: Iterable[S.Field], data: Any, path: str, col: Collector,
                     ctx: FileContext, *, what: str = "") -> dict[str, Any] | None:
    """Validate a YAML mapping against fields; returns attr → value (None if unusable)."""
    fields = {f.label: f for f in spec_fields}
    start = getattr(data, "line", 1)
    if not isinstance(data, dict):
        col.error(path, start, what or "YAML", "应为“字段: 值”形式的内容")
        return None
    key_lines: dict[str, int] = getattr(data, "key_lines", {})
    out: dict[str, Any] = {}
    before = len(col.problems)
    for key, raw in data.items():
        ln = key_lines.get(key, start)
        fld = fields.get(key)
        if fld is None:
            col.error(path, ln, str(key), f"未知的字段（可用的字段：{'、'.join(fields)}）")
            continue
        if fld.kind == S.RECORDS:
            out[fld.attr] = validate_records(fld.sub, raw, path, ln, fld.label, col, ctx)
            continue
        out[fld.attr] = convert(fld, raw, path, ln, col, ctx)
    for fld in fields.values():
        if fld.required and out.get(fld.attr) in (None, "", ()):
            if col_has_error(col, before, fld.label):
                continue  # the bad value was reported already
            if fld.label in data:
                col.error(path, key_lines.get(fld.label, start), fld.label, "必填，不能为空")
            else:
                col.error(path, start, fld.label, "缺少必填字段")
    return out


def validate_records(fields: tuple[S.Field, ...], raw: Any, path: str, line: int, label: str,
                     col: Collector, ctx: FileContext) -> list[tuple[int, dict[str, Any]]]:
    """A YAML list of mappings (干部, powers.yaml, services.yaml)."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        col.error(path, line, label, "应为列表（每项以“- ”开头）")
        return []
    lines = getattr(raw, "item_lines", None) or [line] * len(raw)
    out = []
    for item, ln in zip(raw, lines, strict=False):
        values = validate_mapping(fields, item, path, col, ctx, what=label)
        if values is not None:
            out.append((getattr(item, "line", ln), values))
    return out


@dataclass(frozen=True)
class TableResult:
    rows: tuple[tuple[int, dict[str, Any]], ...]
    bad_lines: frozenset[int]  # rows that had at least one error


_SLOW = object()  # marks a cell the column fast path leaves to ``convert``


def _fast_date(raw: Any) -> Any:
    """``parse_date`` for the forms nearly all data uses; ``_SLOW`` for anything else."""
    t = type(raw)
    if t is str:
        if _ISO_DATE.fullmatch(raw):
            try:
                d = dt.date.fromisoformat(raw)
            except ValueError:
                return _SLOW
        else:
            m = _OTHER_DATE.fullmatch(raw)
            if m is None:
                return _SLOW
            y, mo, da = m.group(1), m.group(3) or m.group(5), m.group(4) or m.group(6)
            try:
                d = dt.date(int(y), int(mo), int(da))
            except ValueError:
                return _SLOW
    elif t is dt.datetime:  # an Excel date cell
        d = raw.date()
    elif t is dt.date:
        d = raw
    else:
        return _SLOW
    return d if values.MIN_YEAR <= d.year <= values.MAX_YEAR else _SLOW


_ISO_SHAPE = bytes.maketrans(b"0123456789", b"0000000000")


def _iso_column(raws: list[Any]) -> list[Any] | None:
    """A date column whose cells are all empty or YYYY-MM-DD text in the allowed years
    (nearly every column), converted at once: what ``_fast_date`` gives each cell. None
    for any other column (then cell by cell)."""
    try:
        joined = "\x00".join(raws).encode()
    except (TypeError, UnicodeEncodeError):  # Excel date cells; a lone surrogate
        return None
    if not set(joined.translate(_ISO_SHAPE).split(b"\x00")) <= {b"", b"0000-00-00"}:
        return None
    fromiso = dt.date.fromisoformat
    try:
        out = [None if r == "" else fromiso(r) for r in raws]
    except ValueError:  # such as 2025-02-30: the cell path reports it
        return None
    present = [d for d in out if d is not None]
    if present and not (values.MIN_YEAR <= min(present).year and max(present).year <= values.MAX_YEAR):
        return None
    return out


def _fast_money(raw: Any) -> Any:
    """``parse_money`` for grouped or decorated text (``1,234.50``, ``￥12``, ``12元``) and
    Excel numbers; ``_SLOW`` otherwise (plain text is handled in the column comprehension)."""
    t = type(raw)
    if t is str:
        m = _DECORATED_MONEY.fullmatch(raw)
        if m is not None:
            return Decimal(m.group(1).replace(",", "") + (m.group(2) or "")).quantize(_CENT)
        return _SLOW
    if t is int or t is float:
        d = values.decimal_from_number(raw)
        if d is None or d < 0 or values.decimal_places(d) > 2:
            return _SLOW
        return abs(d).quantize(_CENT)  # -0.0 is 0.00
    return _SLOW


def _padded_cells(texts: list[str]) -> list[int]:
    """Indexes of the cells that begin or end with a space (``str.strip`` would change them).
    The reader strips cells, so nearly always none: one ``strip`` per cell, compared at C
    speed (``strip`` returns the same object when there is nothing to strip)."""
    stripped = list(map(str.strip, texts))
    if stripped == texts:
        return []
    return [i for i, (s, t) in enumerate(zip(stripped, texts, strict=True)) if s != t]


def _fast_column(fld: S.Field, raws: list[Any], mobiles: bool) -> list[Any]:
    """One column converted where the cell has the plain form nearly all real data uses
    (ISO date, plain money, a listed choice, short or digit-free text); ``_SLOW`` where
    ``convert`` must look (and possibly report). Same results as ``convert``, in bulk."""
    kind, slow = fld.kind, _SLOW
    if kind in (S.TEXTLIST, S.FILES, S.RECORDS):
        return [slow] * len(raws)
    if kind == S.MONEY:
        money, cent, dec = _PLAIN_MONEY.fullmatch, _CENT, Decimal
        return [None if r == "" else dec(r).quantize(cent) if type(r) is str and money(r)
                else _fast_money(r) for r in raws]
    if kind == S.DATE:
        whole = _iso_column(raws)
        return whole if whole is not None else [None if r == "" else _fast_date(r) for r in raws]
    if kind == S.ENUM:
        choices = frozenset(fld.choices)
        return [None if r == "" else r if type(r) is str and r in choices else slow for r in raws]
    if kind == S.TEXT:
        if fld.digits:
            n, digits = fld.digits, _ASCII_DIGITS.fullmatch
            return [None if r == "" else r if type(r) is str and len(r) == n and digits(r) else slow
                    for r in raws]
        out = [None if r == "" else r if type(r) is str else slow for r in raws]
        mobiles = mobiles and fld.free_text
        texts = [r if type(r) is str else "" for r in raws]
        for i in _padded_cells(texts):
            out[i] = slow  # spaces to strip, or nothing but spaces: ``convert`` strips
        for i in values.cells_that_could_hold_numbers(texts):
            if values.scrub_text(texts[i], mobiles=mobiles)[1]:
                out[i] = slow  # a number to mask: ``convert`` masks it and says so
        return out
    if kind == S.INT:
        lo, hi = fld.lo, fld.hi
        return [None if r == "" else int(r) if (
                    (type(r) is int and abs(r) < 10**15 or type(r) is str and r.isascii()
                     and r.isdigit() and len(r) < 16)  # an Excel number cell is an int
                    and (lo is None or int(r) >= lo) and (hi is None or int(r) <= hi)) else slow
                for r in raws]
    return [None if r == "" else slow for r in raws]


def _fast_ids(raws: list[Any], vals: list[Any], lines: list[int], path: str,
              col: Collector) -> None:
    """身份证号 cells already written as 18 ASCII characters with a valid check digit: masked
    here, the full number kept for the leak guard (what ``convert`` does, without its cost)."""
    masked: dict[str, str] = {}  # the same person is paid every month: check each ID once
    for i, r in enumerate(raws):
        if type(r) is str and len(r) == 18 and r.isascii():
            m = masked.get(r)
            if m is None:
                full = r.upper()
                if not values.id_check_ok(full):
                    continue
                m = masked[r] = _masked_id(full, path, lines[i], col)
            vals[i] = m


def validate_table(spec: S.FileSpec, table: Any, col: Collector,
                   ctx: FileContext) -> TableResult:
    """Validate a generator.tables.Table against a table spec, column by column."""
    path = table.path
    fields = spec.by_label()
    header_line = getattr(table, "header_line", 1)
    usable: list[S.Field] = []
    for name in table.header:
        if name not in fields:
            col.error(path, header_line, name, f"未知的列（可用的列：{'、'.join(fields)}）")
    for fld in spec.fields:
        if fld.label in table.header:
            usable.append(fld)
        elif fld.required:
            col.error(path, header_line, fld.label, "缺少必填列")
    rows = table.rows
    lines = [r.line for r in rows]
    column = {name: j for j, name in enumerate(table.header)}
    columns: list[list[Any]] = []
    bad: set[int] = set()
    for fld in usable:
        label = fld.label
        j = column[label]
        raws = [r.values[j] for r in rows]
        vals = _fast_column(fld, raws, ctx.mobiles)
        if fld.kind == S.IDNO:
            _fast_ids(raws, vals, lines, path, col)
        errored: set[int] = set()  # rows where this cell was reported as an error
        for i in [i for i, v in enumerate(vals) if v is _SLOW]:
            before = len(col.problems)
            vals[i] = convert(fld, raws[i], path, lines[i], col, ctx)
            if any(not p.warning for p in col.problems[before:]):
                errored.add(i)
        if fld.required:
            for i in [i for i, v in enumerate(vals) if v is None]:
                if i not in errored:
                    col.error(path, lines[i], label, "必填，不能为空")
                    errored.add(i)
        if fld.unique:
            seen: dict[Any, int] = {}
            for i, v in enumerate(vals):
                if v is None:
                    continue
                prev = seen.get(v)
                if prev is not None:
                    col.error(path, lines[i], label, f'"{v}" 与第 {prev} 行重复，{label}不能重复')
                    errored.add(i)
                else:
                    seen[v] = lines[i]
        bad.update(lines[i] for i in errored)
        columns.append(vals)
    attrs = [f.attr for f in usable]
    out = tuple((ln, dict(zip(attrs, vs, strict=True)))
                for ln, vs in zip(lines, zip(*columns, strict=True) if columns else [()] * len(lines),
                                  strict=True))
    return TableResult(out, frozenset(bad))


def col_has_error(col: Collector, since: int, label: str) -> bool:
    return any(p.field == label and not p.warning for p in col.problems[since:])


def check_date_order(rows: Iterable[tuple[int, dict[str, Any]]], path: str, col: Collector,
                     start_attr: str, end_attr: str, start_label: str, end_label: str) -> None:
    for line, v in rows:
        s, e = v.get(start_attr), v.get(end_attr)
        if s is not None and e is not None and e < s:
            col.error(path, line, end_label, f"{end_label} {e.isoformat()} 早于{start_label} {s.isoformat()}")


def check_balances(rows: tuple[tuple[int, dict[str, Any]], ...], path: str, col: Collector,
                   finance: tuple[tuple[int, dict[str, Any]], ...] | None,
                   finance_bad: frozenset[int], finance_path: str) -> None:
    """The three balance rules of DATA-FORMAT.md."""
    ledger: dict[str, dict[str, Decimal]] = {}
    tainted: set[str] = set()
    for line, v in finance or ():
        d = v.get("date")
        if d is None:
            continue
        m = f"{d.year:04d}-{d.month:02d}"
        if line in finance_bad:
            tainted.add(m)
            continue
        if v.get("amount") is None or v.get("kind") is None:
            tainted.add(m)
            continue
        t = ledger.setdefault(m, {"收入": Decimal(0), "支出": Decimal(0)})
        t[v["kind"]] += v["amount"]
    prev: tuple[str, Decimal | None] | None = None
    for line, v in rows:
        month = v.get("month")
        o, i, e, c = (v.get(k) for k in ("opening", "income", "expense", "closing"))
        if month is None:
            prev = None
            continue
        if prev is not None:
            expected = _next_month(prev[0])
            if month != expected:
                col.error(path, line, "月份", f"月份不连续：上一行是 {prev[0]}，这一行应为 {expected}，却是 {month}")
            elif prev[1] is not None and o is not None and o != prev[1]:
                col.error(path, line, "期初余额", f"期初余额 {_fmt(o)} 与上月期末余额 {_fmt(prev[1])} 不符")
        if None not in (o, i, e, c):
            calc = o + i - e
            if calc != c:
                col.error(path, line, "期末余额",
                          f"期初余额 {_fmt(o)} + 本月收入 {_fmt(i)} − 本月支出 {_fmt(e)} = {_fmt(calc)}，与期末余额 {_fmt(c)} 不符")
        if finance is not None and month in ledger and month not in tainted:
            t = ledger[month]
            if i is not None and i != t["收入"]:
                col.error(path, line, "本月收入", f"本月收入 {_fmt(i)} 与 {finance_path} 中 {month} 的收入合计 {_fmt(t['收入'])} 不符")
            if e is not None and e != t["支出"]:
                col.error(path, line, "本月支出", f"本月支出 {_fmt(e)} 与 {finance_path} 中 {month} 的支出合计 {_fmt(t['支出'])} 不符")
        prev = (month, c)


def _next_month(m: str) -> str:
    y, mo = int(m[:4]), int(m[5:7])
    return f"{y + (mo == 12):04d}-{mo % 12 + 1:02d}"


def _fmt(d: Decimal) -> str:
    return f"{d:,.2f}"
