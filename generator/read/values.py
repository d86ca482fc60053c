"""Parsers for the cell values clerks type, and masks for personal data.

Every parser accepts what a CSV cell (``str``) or an Excel cell (``int``, ``float``,
``datetime.date``, ``datetime.datetime``) can hold, and raises
:class:`generator.errors.BadValue` with a Chinese message (without location: the
caller adds ``path:line: field:``).

Full-width digits and punctuation (``０-９ ． ， － ／``) are converted to ASCII
before parsing. Messages echo the value as the clerk wrote it, shortened, and with
any ID-like number masked: a message must never carry a full 身份证号.
"""

from __future__ import annotations

import datetime
import logging
import math
import re
from decimal import Decimal

from generator import personal
from generator.errors import BadValue
from generator.personal import id_check_digit, id_check_ok, mask_card, mask_id  # noqa: F401 (API)

logger = logging.getLogger(__name__)

Value = str | int | float | datetime.date | datetime.datetime | None

# Full-width → ASCII, one character for one character (so text positions survive).
_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "－": "-",
        "／": "/",
        "Ｘ": "X",
        "ｘ": "x",
        "\u3000": " ",
    }
)

MIN_YEAR = 1900  # dates and months outside these years are errors
MAX_YEAR = 2100
_MAX_INT_DIGITS = 15  # a money/number/integer with more digits before the point is not real data
_MAX_FRAC_DIGITS = 20
_ECHO_MAX = 40


def _norm(text: str) -> str:
    return text.translate(_FULLWIDTH).strip()


def _show(v: object) -> str:
    """The value as echoed inside a message: shortened, IDs and card numbers masked."""
    if isinstance(v, float):
        text = repr(v)
    elif v is None:
        text = ""
    else:
        text = str(v).strip()
    text = personal.mask_all(text)
    if len(text) > _ECHO_MAX:
        text = text[:_ECHO_MAX] + "…"
    return text


def _excel_float_text(f: float) -> str:
    """A float from Excel as decimal text.

    ``repr`` round-trips exactly; when that shows binary noise past Excel's 15
    significant digits (``0.30000000000000004`` from a formula), the 15-digit form
    is what the clerk sees in Excel, so that is the value.
    """
    text = repr(f)
    short = format(f, ".15g")
    if len(short) < len(text) and "e" not in short:
        return short
    return text


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


# ---------------------------------------------------------------------------
# decimal numbers (money, areas)

_DECIMAL_RE = re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?", re.ASCII)


def _parse_decimal_text(text: str) -> Decimal | None:
    """Non-negative decimal text with optional thousands grouping, or None."""
    m = _DECIMAL_RE.fullmatch(text)
    if m is None:
        return None
    int_part = m.group("int").replace(",", "").lstrip("0")
    if len(int_part) > _MAX_INT_DIGITS:
        return None
    frac = (m.group("frac") or "").rstrip("0")
    if len(frac) > _MAX_FRAC_DIGITS:
        return None
    return Decimal(f"{int_part or '0'}.{frac or '0'}")


def decimal_from_number(v: int | float) -> Decimal | None:
    if isinstance(v, float):
        if not math.isfinite(v):
            return None
        d = Decimal(_excel_float_text(v))
    else:
        d = Decimal(v)
    if abs(d) >= Decimal(10) ** _MAX_INT_DIGITS:
        return None
    return d


def decimal_places(d: Decimal) -> int:
    """Decimal places once trailing zeros are dropped (no context rounding)."""
    _sign, digits, exp = d.as_tuple()
    assert isinstance(exp, int)
    n = len(digits)
    while exp < 0 and n > 1 and digits[n - 1] == 0:
        n -= 1
        exp += 1
    if n == 1 and digits[0] == 0:
        return 0
    return max(0, -exp)


_CURRENCY_PREFIX = ("￥", "¥", "RMB")


def _not_money(v: Value) -> BadValue:
    return BadValue(f'"{_show(v)}" 不是有效金额')


def _negative_money(v: Value) -> BadValue:
    return BadValue(f'"{_show(v)}" 金额不能为负数')


def parse_money(v: Value) -> Decimal:
    """A 金额 in yuan, quantized to 2 places: ``1,234.50``, ``￥1234``, ``1234.50元``."""
    if _is_number(v):
        assert isinstance(v, int | float)
        d = decimal_from_number(v)
        if d is None:
            raise _not_money(v)
        if d < 0:
            raise _negative_money(v)
    elif isinstance(v, str):
        text = _norm(v)
        sign = False
        for _ in range(2):  # "-￥5", "￥-5"
            if text.startswith("-"):
                sign, text = True, text[1:].strip()
            for prefix in _CURRENCY_PREFIX:
                if text.startswith(prefix):
                    text = text[len(prefix) :].strip()
        if text.endswith("元"):
            text = text[:-1].strip()
        parsed = _parse_decimal_text(text)
        if parsed is None:
            raise _not_money(v)
        d = parsed
        if sign and d != 0:
            raise _negative_money(v)
    else:
        raise _not_money(v)
    if decimal_places(d) > 2:
        raise BadValue(f'"{_show(v)}" 金额最多保留两位小数')
    return abs(d).quantize(Decimal("0.01"))  # Excel's -0.0 is 0.00, not "-0.00"


def parse_number(v: Value) -> Decimal:
    """A non-negative decimal (面积): ``12.5``, ``1,234.5``, Excel numbers."""
    bad = BadValue(f'"{_show(v)}" 不是有效数字')
    negative = BadValue(f'"{_show(v)}" 不能为负数')
    if _is_number(v):
        assert isinstance(v, int | float)
        d = decimal_from_number(v)
        if d is None:
            raise bad
        if d < 0:
            raise negative
        return d
    if not isinstance(v, str):
        raise bad
    text = _norm(v)
    sign = text.startswith("-")
    if sign:
        text = text[1:].strip()
    elif text.startswith("+"):
        text = text[1:].strip()
    parsed = _parse_decimal_text(text)
    if parsed is None:
        raise bad
    if sign and parsed != 0:
        raise negative
    return parsed


# ---------------------------------------------------------------------------
# integers

_INT_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.0+)?", re.ASCII)


def parse_int(v: Value, lo: int | None = 0, hi: int | None = None) -> int:
    """An integer in ``lo..hi`` (either bound may be None). Excel's ``3.0`` is 3."""
    bad = BadValue(f'"{_show(v)}" 不是有效整数')
    if _is_number(v):
        assert isinstance(v, int | float)
        if isinstance(v, float):
            if not math.isfinite(v) or not v.is_integer() or abs(v) >= 10**_MAX_INT_DIGITS:
                raise bad
        n = int(v)
    elif isinstance(v, str):
        text = _norm(v)
        if not _INT_RE.fullmatch(text):
            raise bad
        digits = text.split(".")[0].replace(",", "").lstrip("+")
        if len(digits.lstrip("-").lstrip("0")) > _MAX_INT_DIGITS:
            raise bad
        n = int(digits)
    else:
        raise bad
    if lo is not None and hi is not None and not lo <= n <= hi:
        raise BadValue(f'"{_show(v)}" 应在 {lo} 到 {hi} 之间')
    if lo is not None and n < lo:
        raise BadValue(f'"{_show(v)}" 不能小于 {lo}')
    if hi is not None and n > hi:
        raise BadValue(f'"{_show(v)}" 不能大于 {hi}')
    return n


# ---------------------------------------------------------------------------
# dates and months

_DATE_RES = (
    re.compile(
        r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII
    ),
    re.compile(r"(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", re.ASCII),
)
_MONTH_RES = (
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月?", re.ASCII),
)


def _check_year(v: Value, year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadValue(f'"{_show(v)}" 年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间')


def parse_date(v: Value) -> datetime.date:
    """A 日期: ``2025-03-05``, ``2025/3/5``, ``2025.3.5``, ``2025年3月5日``, Excel dates."""
    if isinstance(v, datetime.datetime):
        d = v.date()
        _check_year(v, d.year)
        return d
    if isinstance(v, datetime.date):
        _check_year(v, v.year)
        return v
    bad = BadValue(f'"{_show(v)}" 不是有效日期（应写成 2025-03-05）')
    if not isinstance(v, str):
        raise bad
    text = _norm(v)
    for pattern in _DATE_RES:
        m = pattern.fullmatch(text)
        if m is not None:
            break
    else:
        raise bad
    year, month, day = int(m.group(1)), int(m.group(3)), int(m.group(4))
    _check_year(v, year)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise BadValue(f'"{_show(v)}" 不是存在的日期') from None


def parse_month(v: Value) -> str:
    """A 月份 as ``YYYY-MM``: ``2025-03``, ``2025/3``, ``2025.3``, ``2025年3月``, Excel dates."""
    if isinstance(v, datetime.date):  # includes datetime
        _check_year(v, v.year)
        return f"{v.year:04d}-{v.month:02d}"
    bad = BadValue(f'"{_show(v)}" 不是有效月份（应写成 2025-03）')
    if not isinstance(v, str):
        raise bad
    text = _norm(v)
    for pattern in _MONTH_RES:
        m = pattern.fullmatch(text)
        if m is not None:
            break
    else:
        raise bad
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise bad
    _check_year(v, year)
    return f"{year:04d}-{month:02d}"


# ---------------------------------------------------------------------------
# 身份证号 (GB 11643): the check and the masks live in generator.personal (one detector for
# the scrubber, the leak guard and messages)

_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")


def _echo_id(text: str) -> str:
    if len(text) > 10:
        return text[:6] + "********" + text[-4:]
    return text


def parse_id(v: Value) -> str:
    """A 身份证号, returned with an upper-case ``X``. Messages never echo it in full."""
    if _is_number(v):
        raise BadValue("身份证号被 Excel 存成了数字，末几位已丢失，请把该列设为“文本”后重新输入")
    if not isinstance(v, str):
        raise BadValue('"" 不是18位身份证号')
    text = _norm(v).lstrip("'")
    shown = _echo_id(text[:60])
    if not _ID_SHAPE.fullmatch(text):
        raise BadValue(f'"{shown}" 不是18位身份证号')
    text = text.upper()
    if not id_check_ok(text):
        raise BadValue(f'"{shown}" 身份证号校验位不正确')
    return text


# ---------------------------------------------------------------------------
# masks and free text: find and mask IDs, bank cards (generator.personal), mobiles


def mask_mobile(s: str) -> str:
    """A mobile number: ``138****5678``."""
    digits = "".join(c for c in personal.normalise(s) if c in _ASCII_DIGITS)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


_ASCII_DIGITS = frozenset("0123456789")
_MOBILE = re.compile(r"(?<![0-9０-９])[1１][3-9３-９][0-9０-９]{9}(?![0-9０-９])")

KIND_ID = personal.KIND_ID
KIND_CARD = personal.KIND_CARD
KIND_MOBILE = "手机号"


def could_hold_number(text: str) -> bool:
    """False when ``scrub_text`` would certainly leave ``text`` as it is."""
    return len(text) >= 11 and (personal.could_hold_number(text) or _MOBILE.search(text) is not None)


def cells_that_could_hold_numbers(texts: list[str]) -> list[int]:
    """Indexes of ``texts`` that ``scrub_text`` might change (every one it does change; some
    it leaves as they are)."""
    joined = "\x00".join(texts)
    if len(joined) < 11 or sum(1 for _ in zip(range(11), _DIGIT_ANY.finditer(joined), strict=False)) < 11:
        return []
    return [i for i, t in enumerate(texts) if len(t) >= 11 and could_hold_number(t)]


_DIGIT_ANY = re.compile(r"[0-9０-９]")


def scrub_text(text: str, *, mobiles: bool = False, markdown: bool = False) -> tuple[str, list[str]]:
    """Mask ID numbers, bank-card numbers (and mobiles if asked) inside free text: those a
    reader could see (generator.personal: grouped, split by markup or invisible characters).

    Returns the masked text and the kinds found, in order of appearance
    (``"身份证号"``, ``"银行卡号"``, ``"手机号"``). Masks are written with ASCII digits.
    With ``markdown``, the masks' ``*`` are written ``\\*`` so that Markdown shows them
    instead of reading emphasis.
    """
    if not could_hold_number(text):
        return text, []
    masked, found = personal.scrub(text, markdown=markdown)
    kinds = [f.kind for f in found]
    if mobiles and _MOBILE.search(masked):
        def sub(m: re.Match[str]) -> str:
            kinds.append(KIND_MOBILE)
            out = mask_mobile(m.group(0))
            return out.replace("*", "\\*") if markdown else out
        masked = _MOBILE.sub(sub, masked)
    return masked, kinds


def find_full_ids(text: str) -> list[str]:
    """Every 18-character ID with a valid check digit that a reader of ``text`` could see."""
    return [f.number for f in personal.find_numbers(personal.normalise(text))
            if f.kind == KIND_ID]
