"""Apply the declared schema (generator.schema) to raw YAML mappings and table rows.

Produces typed values keyed by attribute name, and collects every problem
instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import logging
import os
import re
import urllib.parse
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator import personal
from generator.errors import KNOCK_ON, BadValue, Problem
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
# Names become file and folder names of the site, with suffixes added (.html, .tmp…) and
# below deep folders: these limits keep every one under the file systems' 255 bytes per
# name (and Windows' path length), so a long name is refused by check, not at write time.
MAX_SLUG = 100
MAX_FILE_NAME_BYTES = 200
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
    keep_secrets: bool = True  # False in ``check``: nothing is published, no guard needs them

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
    if len(name.encode("utf-8")) > MAX_FILE_NAME_BYTES:
        raise BadValue(f"文件名过长（{len(name.encode('utf-8'))} 字节），最多 {MAX_FILE_NAME_BYTES} 字节"
                       f"（约 {MAX_FILE_NAME_BYTES // 3} 个汉字），请把 files/ 中的文件改个短名字")
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
    if col.keep_secrets:
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
        if kind in (S.INT, S.NUMBER):
            return _unit_number(fld, text)
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


_TRAILING_WORD = re.compile(r"\d\s*[^\d\s.,，．]+$")


def _unit_number(fld: S.Field, value: Any) -> Any:
    """An INT or NUMBER with the field's own unit allowed after it; a number followed by
    another word (``298人`` for 户数) is refused with the unit the field takes."""
    try:
        if fld.kind == S.INT:
            return parse_int(strip_unit(value, fld), fld.lo, fld.hi)
        return parse_number(strip_unit(value, fld))
    except BadValue as e:
        if fld.unit and isinstance(value, str) and _TRAILING_WORD.search(value.strip()):
            raise BadValue(f"{e}（{fld.label}的单位是“{fld.unit}”，只写数字，或数字后加“{fld.unit}”）") from None
        raise


def strip_unit(value: Any, fld: S.Field) -> Any:
    """``298户`` → ``298`` when 户 is the field's own unit (``100%`` for a percentage)."""
    if not isinstance(value, str) or not fld.unit:
        return value
    text = value.strip()
    for unit in (fld.unit, *fld.unit_aliases):
        if text.endswith(unit) and len(text) > len(unit):
            return text[: -len(unit)].strip()
    return value


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
            col.error(path, ln, str(key).strip("\u3000") or "YAML",
                      unknown_key_message(str(key), list(fields)))
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


def unknown_key_message(key: str, labels: list[str]) -> str:
    """An unknown YAML key; a full-width colon inside it (``户数：298``) gets its own hint."""
    if key.startswith("\u3000"):
        return "行首有中文全角空格，缩进请用英文半角空格"
    if "：" in key:
        return "请把中文冒号“：”改成英文冒号加空格（如“户数: 298”）"
    if ":" in key:
        return "冒号后面要加一个空格（如“户数: 298”）"
    return unknown_message(key, labels, "字段")


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


TITLE_ROW = "第 1 行是标题，请删除这一行，让表头在第 1 行"
SERIAL = "序号"  # a leading numbering column clerks add: ignored
_UNIT_HEADER = re.compile(r"^(.+?)[（(](.+)[)）]$")
_SPACES = re.compile(r"[\s\u3000]+")


def header_label(fields: dict[str, S.Field], name: str) -> str | None:
    """The schema label a header cell means: the label itself, written with spaces
    (``摘 要``) or with the field's own unit (``金额（元）``, ``面积(亩)``); else None."""
    if name in fields:
        return name
    name = _SPACES.sub("", name)
    if name in fields:
        return name
    m = _UNIT_HEADER.match(name)
    if m is not None:
        fld = fields.get(m.group(1))
        if fld is not None and fld.unit and m.group(2) in (fld.unit, *fld.unit_aliases):
            return fld.label
    return None


def _other_unit(fields: dict[str, S.Field], name: str) -> S.Field | None:
    """The field a header names with a unit other than its own (``金额（万元）``), or None."""
    m = _UNIT_HEADER.match(_SPACES.sub("", name))
    fld = fields.get(m.group(1)) if m is not None else None
    return fld if fld is not None and fld.unit else None


def header_columns(fields: dict[str, S.Field], header: tuple[str, ...]
                   ) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """(label → column index, [(index, name) of the columns no field takes]); a leading
    序号 column is neither."""
    column: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for j, name in enumerate(header):
        if j == 0 and name == SERIAL and SERIAL not in fields:
            continue
        label = header_label(fields, name)
        if label is None or label in column:
            unknown.append((j, name))
        else:
            column[label] = j
    return column, unknown


def near_label(name: str, labels: list[str]) -> list[str]:
    """The label ``name`` most likely misspells (金頟 → 金额), as a list of at most one."""
    return difflib.get_close_matches(_SPACES.sub("", name), labels, n=1, cutoff=0.5)


def unknown_message(name: str, labels: list[str], what: str) -> str:
    """"未知的列" with a did-you-mean for a near miss (金頟 → 金额) and the list of labels."""
    near = near_label(name, labels)
    hint = f"是不是“{near[0]}”？" if near else ""
    kind = "列" if what == "列" else "字段"
    return f"未知的{kind}（{hint}可用的{kind}：{'、'.join(labels)}）"


_TOTAL_WORDS = frozenset(
    w for word in ("合计", "总计", "小计", "累计", "本月合计", "本页合计", "本年累计", "本月小计")
    for w in (word, " ".join(word), "\u3000".join(word)))
TOTALS_ROW = "这一行是合计行，请删除这一行（网站会自动计算合计）"


def _without_totals(rows: tuple[Any, ...], path: str, col: Collector) -> tuple[Any, ...]:
    """The rows without the 合计/小计 rows clerks add at the end; each gets one message
    instead of a message for every cell that is not what its column wants."""
    totals = [r for r in rows if not _TOTAL_WORDS.isdisjoint(r.values)]
    if not totals:
        return rows
    for r in totals:
        col.error(path, r.line, "文件", TOTALS_ROW)
    skip = {r.line for r in totals}
    return tuple(r for r in rows if r.line not in skip)


def _title_row(fields: dict[str, S.Field], table: Any) -> bool:
    """Row 1 holds no column name but the next row holds several: a title above the header."""
    if not table.rows or any(header_label(fields, n) for n in table.header):
        return False
    below = [v for v in table.rows[0].values if isinstance(v, str)]
    return sum(header_label(fields, v) is not None for v in below) >= 2


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
    check = TableCheck(spec, table.path, table.header, getattr(table, "header_line", 1), col, ctx)
    result = check.feed(table.rows)
    check.finish()
    return result


class TableCheck:
    """``validate_table`` for a table that comes in chunks of rows (a large CSV in ``check``):
    each chunk is validated column by column as it comes, and only what the rules need
    between rows is kept (the values of the columns that must be unique). The problems
    are the same, and in the same order for each line, as for the whole table at once."""

    def __init__(self, spec: S.FileSpec, path: str, header: tuple[str, ...], header_line: int,
                 col: Collector, ctx: FileContext) -> None:
        self.spec, self.path, self.header, self.header_line = spec, path, header, header_line
        self.col, self.ctx = col, ctx
        self.fields = spec.by_label()
        self.started = False
        self.title = False  # row 1 was a title: nothing else is checked
        self.column: dict[str, int] = {}
        self.usable: list[S.Field] = []
        self.seen: dict[str, dict[Any, int]] = {}  # unique columns: value → first line

    def _start(self, first: Any) -> None:
        """The header's problems (reported once, before any row's): a title row above it,
        unknown and missing columns."""
        self.started = True
        fields, path, col, header_line = self.fields, self.path, self.col, self.header_line
        if _title_row(fields, _First(self.header, first)):
            col.error(path, 1, "表头", TITLE_ROW)
            self.title = True
            return
        column, unknown = header_columns(fields, self.header)
        meant: set[str] = set()  # labels a misspelt column was taken for: not "missing" too
        for j, name in unknown:
            other = next((lb for lb, k in column.items() if k != j and header_label(fields, name) == lb), None)
            if other is not None:
                col.error(path, header_line, name, f"与“{self.header[column[other]]}”是同一列，只能保留一个")
            elif (unit := _other_unit(fields, name)) is not None:
                meant.add(unit.label)
                col.error(path, header_line, name,
                          f"{unit.label}的单位是“{unit.unit}”，请换算成{unit.unit}后把列名改为“{unit.label}”")
            else:
                meant.update(near_label(name, [lb for lb in fields if lb not in column]))
                col.error(path, header_line, name, unknown_message(name, list(fields), "列"))
        for fld in self.spec.fields:
            if fld.label in column:
                self.usable.append(fld)
            elif fld.required and fld.label not in meant:
                col.error(path, header_line, fld.label, "缺少必填列")
        self.column = column
        self.seen = {fld.label: {} for fld in self.usable if fld.unique}

    def finish(self) -> None:
        """After the last chunk (a table without rows still has its header checked)."""
        if not self.started:
            self._start(None)

    def feed(self, rows: tuple[Any, ...]) -> TableResult:
        """Validate the next rows; their converted values and the lines with errors."""
        if not self.started:
            self._start(rows[0] if rows else None)
        if self.title:
            return TableResult((), frozenset())
        path, col, ctx, column, usable = self.path, self.col, self.ctx, self.column, self.usable
        cells = {fld.label: [r.values[column[fld.label]] for r in rows] for fld in usable}
        if not all(_TOTAL_WORDS.isdisjoint(raws) for raws in cells.values()):  # rare: look closer
            rows = _without_totals(rows, path, col)
            cells = {fld.label: [r.values[column[fld.label]] for r in rows] for fld in usable}
        lines = [r.line for r in rows]
        columns: list[list[Any]] = []
        bad: set[int] = set()
        for fld in usable:
            label = fld.label
            raws = cells.pop(label)
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
                seen = self.seen[label]
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


@dataclass(frozen=True)
class _First:
    """A table's header and its first row, as ``_title_row`` reads them."""

    header: tuple[str, ...]
    first: Any

    @property
    def rows(self) -> tuple[Any, ...]:
        return () if self.first is None else (self.first,)


def col_has_error(col: Collector, since: int, label: str) -> bool:
    return any(p.field == label and not p.warning for p in col.problems[since:])


def check_date_order(rows: Iterable[tuple[int, dict[str, Any]]], path: str, col: Collector,
                     start_attr: str, end_attr: str, start_label: str, end_label: str) -> None:
    for line, v in rows:
        s, e = v.get(start_attr), v.get(end_attr)
        if s is not None and e is not None and e < s:
            col.error(path, line, end_label, f"{end_label} {e.isoformat()} 早于{start_label} {s.isoformat()}")


class FinanceMonths:
    """What the balance rules need of the ledger (finance rows), gathered chunk by chunk:
    each month's income and expense, the months with a row that has errors, the first row
    of each month and the first row without a readable date."""

    def __init__(self) -> None:
        self.ledger: dict[str, dict[str, Decimal]] = {}
        self.tainted: set[str] = set()
        self.first_row: dict[str, int] = {}
        self.undated: int | None = None

    def add(self, rows: Iterable[tuple[int, dict[str, Any]]], bad_lines: frozenset[int]) -> None:
        for line, v in rows:
            d = v.get("date")
            if d is None:
                if self.undated is None:
                    self.undated = line
                continue
            m = f"{d.year:04d}-{d.month:02d}"
            self.first_row.setdefault(m, line)
            if line in bad_lines or v.get("amount") is None or v.get("kind") is None:
                self.tainted.add(m)
                continue
            t = self.ledger.setdefault(m, {"收入": Decimal(0), "支出": Decimal(0)})
            t[v["kind"]] += v["amount"]


class BalanceCheck:
    """The three balance rules of DATA-FORMAT.md over balances rows that come in chunks, and
    (with the ledger) the months one has and the other lacks (``finish``)."""

    def __init__(self, path: str, col: Collector, finance: FinanceMonths | None,
                 finance_path: str, finance_rel: str) -> None:
        """``finance_path``: the ledger's file name in messages; ``finance_rel``: where it is
        (data-relative), for the warnings on its lines."""
        self.path, self.col, self.finance, self.finance_path = path, col, finance, finance_path
        self.finance_rel = finance_rel
        self.prev: tuple[str, Decimal | None] | None = None
        self.months: dict[str, int] = {}  # balances month → its (last) line
        self._late: list[tuple[int, str]] = []  # (line, warning) given after the others
        fm = finance
        # a ledger row whose date could not be read belongs to some month: totals may be off
        self.blame = (f"（{KNOCK_ON} {finance_path} 第 {fm.undated} 行的日期有误）"
                      if fm is not None and fm.undated is not None else "")

    def feed(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        path, col, fm, blame, finance_path = self.path, self.col, self.finance, self.blame, self.finance_path
        first_row = fm.first_row if fm is not None else {}
        lo, hi = (min(first_row), max(first_row)) if first_row else ("", "")
        fname = finance_path.rsplit("/", 1)[-1]
        for line, v in rows:
            month = v.get("month")
            o, i, e, c = (v.get(k) for k in ("opening", "income", "expense", "closing"))
            if month is None:
                self.prev = None
                continue
            prev = self.prev
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
            if fm is not None and month in fm.ledger and month not in fm.tainted:
                t = fm.ledger[month]
                if i is not None and i != t["收入"]:
                    col.error(path, line, "本月收入", f"本月收入 {_fmt(i)} 与 {finance_path} 中 {month} 的收入合计 {_fmt(t['收入'])} 不符{blame}")
                if e is not None and e != t["支出"]:
                    col.error(path, line, "本月支出", f"本月支出 {_fmt(e)} 与 {finance_path} 中 {month} 的支出合计 {_fmt(t['支出'])} 不符{blame}")
            self.prev = (month, c)
            self.months[month] = line
            # a balances month with income or expense but no ledger row, inside the ledger's months
            if first_row and lo <= month <= hi and month not in first_row and (v.get("income") or v.get("expense")):
                self._late.append((line, f"本月有收入或支出，但 {fname} 中没有 {month} 的收支记录"))

    def finish(self) -> None:
        """Warnings for a month the ledger has but the balances lack (and, after them, the
        balances months the ledger lacks), as ``check_months`` gives them."""
        fm = self.finance
        late, self._late = self._late, []
        if fm is None or not fm.first_row or not self.months:
            return
        base = self.path.rsplit("/", 1)[-1]
        for month, line in sorted(fm.first_row.items(), key=lambda kv: kv[1]):
            if month not in self.months:
                self.col.warn(self.finance_rel, line, "日期",
                              f"{base} 中没有 {month} 的余额（本月的收支已公开，余额还没有填写？）")
        for line, message in late:
            self.col.warn(self.path, line, "月份", message)


def warn_duplicate_rows(table: Any, col: Collector) -> None:
    """An identical row (every cell the same) entered twice: a warning naming both lines."""
    dup = DuplicateRows(table.path, table.header)
    dup.feed(table.rows)
    dup.finish(col)


class DuplicateRows:
    """``warn_duplicate_rows`` over rows that come in chunks, keeping 16 bytes per row (a
    64-bit hash of its cells and its line) instead of the row: the hashes are sorted once at
    the end, and the rows whose hash comes twice are reported. The hash is Python's own
    (SipHash of the text, randomised per process): it is compared only within this one
    pass, and two different rows share one with a chance of 2⁻⁶⁴."""

    def __init__(self, path: str, header: tuple[str, ...]) -> None:
        self.path = path
        self.skip = 1 if header[:1] == (SERIAL,) else 0  # rows differ only by their 序号
        self.digests = array("q")
        self.lines = array("Q")

    def feed(self, rows: Iterable[Any]) -> None:
        skip, digests, lines = self.skip, self.digests, self.lines
        text = {str}
        for row in rows:
            values = row.values[skip:]
            if text.issuperset(map(type, values)):
                digests.append(hash(values))
            else:  # an .xlsx row: numbers and dates are not their text
                digests.append(hash(("\0", repr(values))))
            lines.append(row.line)

    def finish(self, col: Collector) -> None:
        ordered = sorted(self.digests)
        twice = {a for a, b in zip(ordered, itertools.islice(ordered, 1, None), strict=False) if a == b}
        del ordered
        if not twice:
            return
        seen: dict[int, int] = {}
        shown = 0
        more: list[int] = []  # past the first MAX_DUPLICATE_WARNINGS: one warning for the rest
        for digest, line in zip(self.digests, self.lines, strict=True):
            if digest not in twice:
                continue
            first = seen.setdefault(digest, line)
            if first == line:
                continue
            if shown >= MAX_DUPLICATE_WARNINGS:
                more.append(line)
                continue
            shown += 1
            col.warn(self.path, line, "文件", f"与第 {first} 行完全相同（重复录入？如确是两笔，请在摘要或备注中区分）")
        if more:
            col.warn(self.path, more[0], "文件",
                     f"从这一行起还有 {len(more)} 行与前面的某一行完全相同（只逐行列出了前 {MAX_DUPLICATE_WARNINGS} 处）")


MAX_DUPLICATE_WARNINGS = 5



def _next_month(m: str) -> str:
    y, mo = int(m[:4]), int(m[5:7])
    return f"{y + (mo == 12):04d}-{mo % 12 + 1:02d}"


def _fmt(d: Decimal) -> str:
    return f"{d:,.2f}"
