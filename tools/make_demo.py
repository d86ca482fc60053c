#!/usr/bin/env python3
"""Generate the demo county 青禾县 under ``villages/qinghe-xian/``.

Run from the repository root::

    /root/venv/bin/python tools/make_demo.py

The county folder is removed and rewritten from scratch; every run produces the
same bytes (seeded random numbers, fixed timestamps inside the .xlsx files).
Only the standard library and openpyxl are used.

Everything here is fictional: the county, its codes (region prefix 419901 does
not exist), people, ID numbers (valid GB 11643 check digits, fictional region),
phone numbers, companies and web addresses.

The demo doubles as regression input, so it deliberately uses every value form
that DATA-FORMAT.md allows (money, date and month spellings, GB18030 and BOM
encodings, .xlsx tables, reordered and optional columns); see ``QUIRKS`` below.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import random
import re
import shutil
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

logger = logging.getLogger(__name__)

COUNTY_SLUG = "qinghe-xian"
COUNTY_CODE = "419901"
AS_OF = dt.date(2026, 11, 28)
FIRST_MONTH = (2025, 1)
LAST_MONTH = (2026, 10)
WELFARE_FIRST_MONTH = (2024, 6)
REPORT_URL = "https://jubao.qinghe.example.gov.cn/"
SITE_URL = "https://ydt.qinghe.example.gov.cn/"
HOTLINE = "0371-12388"
FIXED_ZIP_TIME = (2026, 11, 1, 0, 0, 0)

QUIRKS = """
Deliberate quirks (all valid per DATA-FORMAT.md):
- dongguan-zhen/liuzhuang-cun: balances.csv starts 2024-12, one month before its ledger
  (no ledger rows for 2024-12, so that month is not cross-checked); resources.csv has a
  full-width money value; projects.csv uses ￥1,234.50; notices include one 未开始, one
  ending exactly on the as-of date (公示中, inclusive) and one starting on it; welfare rows
  on 2024-11-27 (731 days: withdrawn) and 2024-11-28 (730 days: still published).
- dongguan-zhen/wangying-cun: assets.xlsx (Excel date and number cells); finance.csv columns
  reordered; balances.csv and some contracts.csv amounts as 1,234.50.
- dongguan-zhen/zhangwan-cun: finance.csv is UTF-8 with BOM and CRLF, money as 1,234.50,
  header cell "金额 " with a trailing space, one empty row (commas only);
  balances.csv months as 2025年3月.
- liuhe-xiang/lilou-cun: finance.csv without 经手人/审批人 columns; contracts.csv dates as
  2025.3.5; welfare.csv money as 1234.50元.
- liuhe-xiang/liuhe-cun: finance.csv is GB18030 with CRLF, dates 2025/3/5, money 1234.5
  (Excel "general"), and one clerk name with the CJK Ext-A character 䶮 (4 bytes in
  GB18030, not encodable in GBK); balances.csv months as 2025/3.
- liuhe-xiang/houzhai-cun: only village.yaml, welfare.xlsx (date cells, ID numbers as text
  cells) and notices — a village that publishes little.
- chengguan-jiedao/qianjin-shequ: 社区; no resources; finance.csv without 附件 column;
  projects.csv and notice dates as 2025年3月5日; full-width money in contracts.csv (租赁)
  and welfare.csv (some 临时救助); services 预约方式 partly given as URLs.
- liuhe-xiang/liuhe-cun resources.csv: full-width money with a decimal (３６１２．５).
- Every welfare file spans 2024-06..2026-10, so rows before 2024-11-28 are withdrawn
  under 个人信息公示天数: 730 at as-of 2026-11-28. Some ID numbers end in lower-case x.
- No warnings expected: every file in files/ is referenced, no raw HTML, no full IDs in
  free text (the 低保 notice shows masked IDs only).
"""


# ---------------------------------------------------------------------------
# value formatting
# ---------------------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


def money(cents: int, style: str = "2dp") -> str:
    """Format an amount of cents in one of the money spellings DATA-FORMAT.md allows."""
    if cents < 0:
        raise ValueError("negative money")
    yuan, frac = divmod(cents, 100)
    if style == "2dp":
        return f"{yuan}.{frac:02d}"
    if style == "short":
        if frac == 0:
            return str(yuan)
        return f"{yuan}.{frac:02d}".rstrip("0")
    if style == "comma":
        return f"{yuan:,}.{frac:02d}"
    if style == "yen":
        return f"￥{yuan:,}.{frac:02d}"
    if style == "yuan":
        return f"{yuan}.{frac:02d}元"
    if style == "fullwidth":
        return money(cents, "short").translate(FULLWIDTH)
    raise ValueError(style)


def fmt_date(d: dt.date, style: str = "iso") -> str:
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    raise ValueError(style)


def fmt_month(year: int, month: int, style: str = "iso") -> str:
    if style == "iso":
        return f"{year}-{month:02d}"
    if style == "slash":
        return f"{year}/{month}"
    if style == "cn":
        return f"{year}年{month}月"
    raise ValueError(style)


def months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def round_cents(value: Decimal) -> int:
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def rand_cents(rng: random.Random, low: int, high: int, whole: bool = False) -> int:
    """A random amount between ``low`` and ``high`` yuan, in cents."""
    if whole:
        return rng.randint(low, high) * 100
    return rng.randint(low * 100, high * 100)


# ---------------------------------------------------------------------------
# ID numbers (GB 11643) and people
# ---------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_char(body17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    male: bool
    birth: dt.date


MALE_GIVEN = (
    "建国 建军 国强 志刚 卫东 新民 保国 永福 长江 海涛 德明 金山 春生 树林 振华 文斌 俊杰 "
    "宏伟 明亮 三宝 铁柱 根旺 满仓 书林 庆丰 学军 守义 有才 宝山 长福 德胜 广田 全喜 来顺"
).split()
FEMALE_GIVEN = (
    "秀英 桂兰 玉梅 秀兰 凤英 桂芳 春花 爱华 红霞 丽娟 小燕 翠萍 金凤 淑珍 玉兰 素芳 海霞 "
    "晓红 彩云 巧云 凤兰 玉珍 月娥 兰英 冬梅 秋菊 素琴 改英"
).split()
COMMON_SURNAMES = "王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 马 朱 胡 郭 何 高 林 郑 韩 冯".split()


class People:
    """Fictional residents of one village: unique names and unique valid ID numbers."""

    def __init__(self, rng: random.Random, surname: str, used_ids: set[str]):
        self.rng = rng
        self.surname = surname
        self.used_names: set[str] = set()
        self.used_ids = used_ids
        self.x_count = 0

    def _id(self, birth: dt.date, male: bool, want_x: bool) -> str:
        for _ in range(10000):
            seq = self.rng.randint(1, 99)
            gender = self.rng.choice("13579" if male else "02468")
            body = f"{COUNTY_CODE}{birth:%Y%m%d}{seq:02d}{gender}"
            check = id_check_char(body)
            if (check == "X") != want_x:
                continue
            number = body + check
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number
        raise RuntimeError("no ID found")

    def person(
        self,
        born: tuple[int, int],
        male: bool | None = None,
        name: str | None = None,
        want_x: bool = False,
    ) -> Person:
        rng = self.rng
        if male is None:
            male = rng.random() < 0.5
        if name is None:
            for _ in range(1000):
                surname = self.surname if rng.random() < 0.55 else rng.choice(COMMON_SURNAMES)
                name = surname + rng.choice(MALE_GIVEN if male else FEMALE_GIVEN)
                if name not in self.used_names:
                    break
        assert name is not None
        self.used_names.add(name)
        birth_year = rng.randint(*born)
        birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        number = self._id(birth, male, want_x)
        return Person(name, number, male, birth)

    def name(self, male: bool | None = None) -> str:
        return self.person((1950, 1990), male).name


# ---------------------------------------------------------------------------
# writers: YAML, CSV, XLSX, PDF, PNG
# ---------------------------------------------------------------------------


class Md(str):
    """A Markdown text, written as a YAML block literal."""


_YAML_SPECIAL_START = set("-?:,[]{}#&*!|>'\"%@`")


def y_scalar(text: str) -> str:
    if (
        not text
        or text[0] in _YAML_SPECIAL_START
        or text != text.strip()
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or "\n" in text
        or "\t" in text
    ):
        return json.dumps(text, ensure_ascii=False)
    return text


def y_mapping(data: dict[str, object], indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, Md):
            lines.append(f"{pad}{key}: |")
            for line in value.strip("\n").split("\n"):
                lines.append(f"{pad}  {line}" if line else "")
        elif isinstance(value, str):
            lines.append(f"{pad}{key}: {y_scalar(value)}")
        elif isinstance(value, int):
            lines.append(f"{pad}{key}: {value}")
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            lines.extend(y_list(value, indent + 2))
        else:
            raise TypeError(f"{key}: {type(value)}")
    return lines


def y_list(items: list[object], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if isinstance(item, dict):
            sub = y_mapping(item, indent + 2)
            sub[0] = pad + "- " + sub[0][indent + 2 :]
            lines.extend(sub)
        else:
            assert isinstance(item, str)
            lines.append(f"{pad}- {y_scalar(item)}")
    return lines


def write_yaml_mapping(path: Path, data: dict[str, object], comment: str = "") -> None:
    head = [f"# {line}" for line in comment.splitlines()] if comment else []
    path.write_text("\n".join(head + y_mapping(data)) + "\n", encoding="utf-8")


def write_yaml_list(path: Path, items: list[dict[str, object]], comment: str = "") -> None:
    head = [f"# {line}" for line in comment.splitlines()] if comment else []
    body: list[str] = []
    for item in items:
        if body:
            body.append("")
        body.extend(y_list([item], 0))
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")


def write_csv(
    path: Path,
    columns: list[str],
    rows: Iterable[dict[str, str] | None],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    crlf: bool = False,
    header: list[str] | None = None,
) -> None:
    """Write rows (dicts keyed by column); ``None`` writes an empty (commas-only) row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header or columns)
    for row in rows:
        if row is None:
            writer.writerow([""] * len(columns))
            continue
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"{path.name}: {sorted(unknown)}")
        writer.writerow([row.get(col, "") for col in columns])
    data = buf.getvalue().encode(encoding)
    if bom:
        data = codecs.BOM_UTF8 + data
    path.write_bytes(data)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an .xlsx zip with fixed timestamps so that runs are byte-identical."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = "2026-11-01T00:00:00Z"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = content.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    lambda m: m.group(1) + stamp + m.group(2),
                    text,
                )
                content = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            dst.writestr(new, content)
    return out.getvalue()


def write_xlsx(
    path: Path,
    columns: list[str],
    rows: list[dict[str, object]],
    *,
    text_columns: tuple[str, ...] = (),
    money_columns: tuple[str, ...] = (),
    widths: dict[str, int] | None = None,
) -> None:
    """First sheet, header in row 1; dates become real Excel date cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Sheet1"
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(col) for col in columns])
    for idx, col in enumerate(columns, start=1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = (widths or {}).get(col, 12)
        for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
            if cell.value is None:
                continue
            if col in text_columns:
                cell.number_format = "@"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif col in money_columns and isinstance(cell.value, float | int):
                cell.number_format = "#,##0.00"
    ws.freeze_panes = "A2"
    fixed = dt.datetime(2026, 11, 1)
    wb.properties.creator = "青禾县一点通演示数据"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A tiny one-page PDF (Helvetica, ASCII text) standing in for a scanned document."""
    ops = ["0.6 w 50 50 495 742 re S", "BT /F1 18 Tf 72 760 Td (" + _pdf_text(title) + ") Tj ET"]
    y = 720
    for line in lines:
        ops.append(f"BT /F1 11 Tf 72 {y} Td ({_pdf_text(line)}) Tj ET")
        ops.append(f"0.3 w 72 {y - 6} m 523 {y - 6} l S")
        y -= 24
    ops.append("BT /F1 9 Tf 72 70 Td (Fictional demo document - Qinghe County) Tj ET")
    stream = "\n".join(ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title (" + _pdf_text(title).encode("ascii") + b") /Producer (make_demo.py) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def make_png(width: int, height: int, palette: tuple[tuple[int, int, int], ...], seed: int) -> bytes:
    """A small flat-colour picture of a village office (sky, fields, building, tree)."""
    sky_top, sky_bottom, ground, wall, roof, accent = palette
    rng = random.Random(seed)
    pix = bytearray(width * height * 3)

    def put(x: int, y: int, colour: tuple[int, int, int]) -> None:
        if 0 <= x < width and 0 <= y < height:
            i = (y * width + x) * 3
            pix[i : i + 3] = bytes(colour)

    def rect(x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        for yy in range(max(0, y0), min(height, y1)):
            for xx in range(max(0, x0), min(width, x1)):
                put(xx, yy, colour)

    horizon = height * 3 // 5
    for y in range(horizon):
        t = y / horizon
        colour = tuple(int(a + (b - a) * t) for a, b in zip(sky_top, sky_bottom, strict=True))
        rect(0, y, width, y + 1, colour)  # type: ignore[arg-type]
    for band in range(horizon, height, 6):
        shade = 1.0 if (band // 6) % 2 else 0.88
        rect(0, band, width, band + 6, tuple(int(c * shade) for c in ground))  # type: ignore[arg-type]
    bx0, bx1 = width // 4, width * 3 // 4
    by0 = horizon - height // 4
    rect(bx0, by0, bx1, horizon + 8, wall)
    for row in range(height // 8):
        inset = row * (bx1 - bx0) // (2 * (height // 8))
        rect(bx0 - 6 + inset, by0 - row, bx1 + 6 - inset, by0 - row + 1, roof)
    for wx in range(bx0 + 10, bx1 - 14, 22):
        rect(wx, by0 + 10, wx + 12, by0 + 24, (90, 130, 170))
    mid = (bx0 + bx1) // 2
    rect(mid - 8, horizon - 12, mid + 8, horizon + 8, (110, 70, 40))
    rect(mid - 1, by0 - height // 8 - 22, mid + 1, by0 - height // 8 + 2, (80, 80, 80))
    rect(mid + 1, by0 - height // 8 - 22, mid + 15, by0 - height // 8 - 12, accent)
    for _ in range(3):
        tx = rng.choice([rng.randint(8, bx0 - 16), rng.randint(bx1 + 8, width - 16)])
        rect(tx + 4, horizon - 4, tx + 8, horizon + 10, (100, 70, 40))
        for dy in range(-14, 0):
            half = 10 - abs(dy + 7)
            rect(tx + 6 - half, horizon - 4 + dy, tx + 6 + half, horizon - 3 + dy, (50, 120, 60))
    raw = b"".join(b"\x00" + bytes(pix[y * width * 3 : (y + 1) * width * 3]) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------------------
# the county, townships and villages
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadre:
    name: str
    title: str
    duty: str
    phone: str


@dataclass(frozen=True)
class Township:
    slug: str
    name: str
    code: str
    intro: str
    address: str
    phone: str


@dataclass(frozen=True)
class VillageSpec:
    township: Township
    slug: str
    name: str
    kind: str
    code: str
    abbr: str
    surname: str
    households: int
    population: int
    party_members: int
    area_km2: str
    farmland_mu: str
    phone: str
    intro: str
    cadres: tuple[Cadre, ...]
    modules: frozenset[str]
    photo: str | None = None
    groups: int = 6
    style: dict[str, str] = field(default_factory=dict)

    @property
    def secretary(self) -> str:
        return self.cadres[0].name

    @property
    def bookkeeper(self) -> str:
        for cadre in self.cadres:
            if "报账员" in cadre.title:
                return cadre.name
        return self.cadres[-1].name

    @property
    def rel(self) -> str:
        return f"{COUNTY_SLUG}/{self.township.slug}/{self.slug}"


ALL_MODULES = frozenset(
    "powers services finance balances assets resources contracts welfare projects notices".split()
)

DONGGUAN = Township(
    "dongguan-zhen",
    "东关镇",
    f"{COUNTY_CODE}101",
    "东关镇位于青禾县城东部，辖 3 个行政村，以小麦、玉米种植和设施蔬菜为主导产业，"
    "近年来依托村级光伏电站和门面房出租壮大村集体经济。",
    "青禾县东关镇东关大街16号",
    "0371-62318001",
)
LIUHE = Township(
    "liuhe-xiang",
    "柳河乡",
    f"{COUNTY_CODE}201",
    "柳河乡因柳河穿境而过得名，辖 3 个行政村，水面和林地资源较多，发展水产养殖和林果种植。",
    "青禾县柳河乡政府街2号",
    "0371-62456002",
)
CHENGGUAN = Township(
    "chengguan-jiedao",
    "城关街道",
    f"{COUNTY_CODE}001",
    "城关街道是青禾县城所在地，本演示数据收录其中 1 个社区。",
    "青禾县人民路120号",
    "0371-62201003",
)
TOWNSHIPS = (CHENGGUAN, DONGGUAN, LIUHE)


def _cadres(rows: list[tuple[str, str, str, str]]) -> tuple[Cadre, ...]:
    return tuple(Cadre(*row) for row in rows)


VILLAGES: tuple[VillageSpec, ...] = (
    VillageSpec(
        DONGGUAN, "liuzhuang-cun", "刘庄村", "村", f"{DONGGUAN.code}201", "LZ", "刘",
        486, 1862, 52, "3.6", "3120", "0371-62318216",
        "刘庄村位于东关镇政府驻地东 2 公里，省道 S221 穿村而过，辖 6 个村民小组。"
        "村集体经济以土地发包、门面房出租和村级光伏电站收益为主，"
        "2025 年被评为县级“五好”党支部。",
        _cadres([
            ("刘建军", "党支部书记、村委会主任", "主持村党支部和村委会全面工作", "0371-62318216"),
            ("王秀兰", "党支部副书记", "党建、组织宣传、妇女儿童工作", "0371-62318217"),
            ("刘志强", "村委会副主任", "农业生产、土地管理、人居环境整治", "0371-62318218"),
            ("张丽娜", "村委委员、报账员", "财务报账、民政救助、社会保障", "0371-62318219"),
            ("赵鹏飞", "村委委员", "综治维稳、安全生产、网格化管理", "0371-62318220"),
            ("刘德胜", "村务监督委员会主任", "村务、财务监督，列席“两委”会议", "0371-62318221"),
        ]),
        ALL_MODULES,
        photo="liuzhuang-cunbu.png",
        groups=6,
        style={"finance_date": "iso", "finance_money": "2dp", "balance_month": "iso"},
    ),
    VillageSpec(
        DONGGUAN, "wangying-cun", "王营村", "村", f"{DONGGUAN.code}202", "WY", "王",
        352, 1315, 38, "2.8", "2465", "0371-62318302",
        "王营村地处东关镇北部，辖 5 个村民小组，设施蔬菜种植面积 600 余亩，"
        "建有村集体冷库一座，对外出租。",
        _cadres([
            ("王国庆", "党支部书记、村委会主任", "主持全面工作", "0371-62318302"),
            ("王艳", "党支部副书记", "党建、宣传、计生", "0371-62318303"),
            ("李卫东", "村委委员", "农业产业、项目建设、安全生产", "0371-62318305"),
            ("王海燕", "村委委员、报账员", "财务报账、民政、医保社保", "0371-62318306"),
            ("陈志刚", "村务监督委员会主任", "村务、财务监督", "0371-62318307"),
        ]),
        ALL_MODULES,
        photo="wangying-lengku.png",
        groups=5,
        style={"finance_date": "iso", "finance_money": "2dp", "balance_month": "iso"},
    ),
    VillageSpec(
        DONGGUAN, "zhangwan-cun", "张湾村", "村", f"{DONGGUAN.code}203", "ZW", "张",
        298, 1106, 31, "2.3", "2010", "0371-62318410",
        "张湾村位于东关镇西南，紧邻柳河湾，辖 4 个村民小组，以粮食种植和小杂果为主。",
        _cadres([
            ("张永福", "党支部书记、村委会主任", "主持全面工作", "0371-62318410"),
            ("张红梅", "党支部委员、报账员", "财务报账、妇联、民政", "0371-62318411"),
            ("周建华", "村委会副主任", "土地管理、水利、人居环境", "0371-62318412"),
            ("张晓东", "村务监督委员会主任", "村务、财务监督", "0371-62318413"),
        ]),
        ALL_MODULES - {"projects", "services"},
        groups=4,
        style={"finance_date": "iso", "finance_money": "comma", "balance_month": "cn"},
    ),
    VillageSpec(
        LIUHE, "lilou-cun", "李楼村", "村", f"{LIUHE.code}201", "LL", "李",
        405, 1540, 44, "3.9", "2880", "0371-62456120",
        "李楼村位于柳河乡西部，辖 6 个村民小组，发展林果种植 400 余亩，"
        "村集体流转土地建设高标准农田。",
        _cadres([
            ("李保国", "党支部书记、村委会主任", "主持全面工作", "0371-62456120"),
            ("李春燕", "党支部副书记", "党建、组织、妇女工作", "0371-62456121"),
            ("孙明亮", "村委会副主任", "林果产业、土地流转、项目建设", "0371-62456122"),
            ("李文博", "村委委员、报账员", "财务报账、民政、社保", "0371-62456123"),
            ("吴德山", "村务监督委员会主任", "村务、财务监督", "0371-62456124"),
        ]),
        ALL_MODULES,
        groups=6,
        style={"finance_date": "iso", "finance_money": "2dp", "balance_month": "iso"},
    ),
    VillageSpec(
        LIUHE, "liuhe-cun", "柳河村", "村", f"{LIUHE.code}202", "LH", "马",
        512, 1987, 57, "4.5", "3360", "0371-62456201",
        "柳河村是柳河乡政府驻地村，辖 7 个村民小组，村内有集体鱼塘 3 处，"
        "发展稻渔综合种养，村级集体经济年收入超过 30 万元。",
        _cadres([
            ("马振华", "党支部书记、村委会主任", "主持全面工作", "0371-62456201"),
            ("柳青", "党支部副书记", "党建、宣传、乡风文明", "0371-62456202"),
            ("何建平", "村委会副主任", "水产养殖、水利设施、安全生产", "0371-62456203"),
            ("马晓䶮", "村委委员、报账员", "财务报账、民政、医保", "0371-62456204"),
            ("杨树林", "村务监督委员会主任", "村务、财务监督", "0371-62456205"),
        ]),
        ALL_MODULES,
        photo="liuhe-yutang.png",
        groups=7,
        style={"finance_date": "slash", "finance_money": "short", "balance_month": "slash"},
    ),
    VillageSpec(
        LIUHE, "houzhai-cun", "后寨村", "村", f"{LIUHE.code}203", "HZ", "韩",
        188, 702, 19, "1.9", "1380", "0371-62456310",
        "后寨村位于柳河乡东北部丘陵地带，辖 3 个村民小组，人口较少，以小麦和花生种植为主。",
        _cadres([
            ("韩立新", "党支部书记、村委会主任", "主持全面工作", "0371-62456310"),
            ("韩秀芝", "党支部委员、报账员", "财务报账、民政、妇联", "0371-62456311"),
            ("郭长青", "村委委员", "农业生产、人居环境、安全生产", "0371-62456312"),
            ("韩冬梅", "村务监督委员会主任", "村务、财务监督", "0371-62456313"),
        ]),
        frozenset({"welfare", "notices"}),
        groups=3,
        style={},
    ),
    VillageSpec(
        CHENGGUAN, "qianjin-shequ", "前进社区", "社区", f"{CHENGGUAN.code}001", "QJ", "孙",
        2136, 6420, 168, "0.8", "0", "0371-62201106",
        "前进社区位于青禾县城老城区，辖 12 个居民小区、3 个网格，"
        "建有社区党群服务中心、日间照料中心和“一老一小”服务站。",
        _cadres([
            ("孙丽华", "社区党委书记、居委会主任", "主持全面工作", "0371-62201106"),
            ("周晓峰", "社区党委副书记", "党建、组织、志愿服务", "0371-62201107"),
            ("郑雪梅", "居委会委员、报账员", "财务报账、民政、残联", "0371-62201108"),
            ("马建民", "居委会委员", "综治维稳、物业协调、安全生产", "0371-62201109"),
            ("许文静", "居委会委员", "社保医保、就业服务、计生", "0371-62201110"),
            ("欧阳晨", "居务监督委员会主任", "居务、财务监督", "0371-62201111"),
        ]),
        ALL_MODULES - {"resources"},
        photo="qianjin-fuwuzhongxin.png",
        groups=3,
        style={"finance_date": "iso", "finance_money": "2dp", "balance_month": "iso"},
    ),
)


# ---------------------------------------------------------------------------
# county / township / village YAML
# ---------------------------------------------------------------------------

COUNTY_INTRO = Md(
    """青禾县（**演示数据**）位于豫中平原，辖 1 个街道、2 个乡镇，本站收录其中 7 个村（社区）。

本站依据“小微权力监督一点通”要求，集中公开各村（社区）的：

- **权责清单**：村干部能干什么、怎么干；
- **三资公开**：集体资金、资产、资源和合同；
- **三务公开**：党务、村务、财务；
- **惠民资金**：低保、特困、高龄津贴等发放明细；
- **民生项目** 和 **预约办事**。

发现问题，请拨打监督电话 0371-12388，或登录[青禾县码上监督平台](https://jubao.qinghe.example.gov.cn/)反映。

> 说明：本县、乡镇、村及所有人员、身份证号、电话均为虚构，仅用于演示。
"""
)

RULES_VILLAGE = """第一条 遵守国家法律法规，爱党爱国，维护村内团结稳定，不参与邪教、赌博、封建迷信活动。

第二条 村内重大事项实行“四议两公开”，村民有权了解村务、财务，有权通过村务监督委员会反映问题。

第三条 爱护村集体财产，不得侵占集体土地、坑塘、林木，不得在公共道路上堆放柴草、建筑材料。

第四条 移风易俗，红白事从简，彩礼不超过当地倡导标准，不大操大办、不攀比。

第五条 保持房前屋后干净整洁，垃圾投放到指定地点，不焚烧秸秆，不向河道倾倒垃圾。

第六条 孝敬老人，关爱留守儿童和困难群众，邻里之间互谅互让，矛盾纠纷先经调解委员会调解。

第七条 宅基地建房须依法申请，严格执行“一户一宅”，不得未批先建、少批多占。

第八条 本公约经村民代表会议讨论通过，自公布之日起施行，由村民委员会负责解释。"""

RULES_COMMUNITY = """1. 遵纪守法，文明出行，不在小区内乱停乱放车辆、占用消防通道。
2. 垃圾分类投放，不高空抛物，不在楼道堆放杂物、私拉电线给电动车充电。
3. 爱护公共设施和绿化，不在公共区域私搭乱建、毁绿种菜。
4. 饲养宠物须登记、牵绳，及时清理宠物粪便。
5. 邻里和睦，装修和娱乐活动不得影响他人休息（晚 10 时至早 7 时）。
6. 关爱老人和儿童，积极参加志愿服务。
7. 本公约经居民代表会议讨论通过，由社区居民委员会负责解释。"""


def county_yaml(root: Path) -> None:
    write_yaml_mapping(
        root / "county.yaml",
        {
            "名称": "青禾县",
            "代码": COUNTY_CODE,
            "简介": COUNTY_INTRO,
            "地址": "青禾县人民路88号",
            "电话": "0371-62200100",
            "网址": SITE_URL,
            "监督电话": HOTLINE,
            "举报网址": REPORT_URL,
            "个人信息公示天数": 730,
        },
        comment="青禾县（虚构）演示数据 —— 由 tools/make_demo.py 生成，请勿手工修改",
    )


def township_yaml(folder: Path, township: Township) -> None:
    write_yaml_mapping(
        folder / "township.yaml",
        {
            "名称": township.name,
            "代码": township.code,
            "简介": Md(township.intro),
            "地址": township.address,
            "电话": township.phone,
        },
    )


def village_yaml(folder: Path, v: VillageSpec) -> None:
    community = v.kind == "社区"
    intro = v.intro + "\n\n" + (
        "社区党群服务中心设有一站式服务大厅，工作日全天开放，周六上午轮流值班。"
        if community
        else "村党群服务中心设有便民服务窗口，实行村干部轮流坐班和“全程代办”。"
    )
    data: dict[str, object] = {
        "名称": v.name,
        "类型": v.kind,
        "代码": v.code,
        "简介": Md(intro),
        "户数": v.households,
        "人口": v.population,
        "党员人数": v.party_members,
        "面积": v.area_km2,
        "耕地面积": v.farmland_mu,
        "地址": f"青禾县{v.township.name}{v.name}党群服务中心",
        "办公时间": "周一至周五 8:30-12:00，14:30-17:30（夏季 15:00-18:00）",
        "电话": v.phone,
        "村规民约": Md(RULES_COMMUNITY if community else RULES_VILLAGE),
        "照片": v.photo,
        "干部": [
            {"姓名": c.name, "职务": c.title, "分工": c.duty, "电话": c.phone} for c in v.cadres
        ],
    }
    write_yaml_mapping(folder / "village.yaml", data)


# ---------------------------------------------------------------------------
# powers.yaml and services.yaml
# ---------------------------------------------------------------------------


def powers_catalog(v: VillageSpec) -> dict[str, dict[str, object]]:
    org = "社区" if v.kind == "社区" else "村"
    committee = "居委会" if v.kind == "社区" else "村委会"
    return {
        "siyi": {
            "名称": "村级重大事项决策（“四议两公开”）",
            "类别": "重大事项决策",
            "依据": "《中华人民共和国村民委员会组织法》《中国共产党农村基层组织工作条例》",
            "责任主体": f"{org}党组织、{committee}",
            "流程": [
                f"{org}党组织提议",
                f"{org}“两委”会议商议",
                "党员大会审议",
                "村民会议或村民代表会议决议",
                "决议公开",
                "实施结果公开",
            ],
            "时限": "决议形成后 5 个工作日内公开",
            "风险点": [
                "未按程序决策，个人或少数人说了算",
                "会议记录不完整，事后补签",
                "决议和实施结果公开不及时、不完整",
            ],
            "防控措施": [
                "会议全程记录，参会人员当场签字",
                "乡镇包村干部、村务监督委员会全程监督",
                "决议和实施结果在公开栏和本平台同步公开",
            ],
            "监督电话": HOTLINE,
        },
        "gongcheng": {
            "名称": "村级工程项目建设",
            "类别": "工程项目",
            "依据": "《中华人民共和国招标投标法》《青禾县村级小型工程项目管理办法（试行）》",
            "责任主体": f"{org}“两委”、村务监督委员会",
            "流程": [
                "项目申报",
                "“四议两公开”决策",
                "乡镇审核",
                "公开比选或招标",
                "签订合同",
                "施工监管",
                "竣工验收",
                "审计结算",
                "资金拨付",
                "结果公开",
            ],
            "时限": "按合同约定工期；验收后 10 个工作日内公开结果",
            "风险点": [
                "化整为零，规避公开比选",
                "虚报工程量、变更签证不规范",
                "工程质量不达标、验收走过场",
            ],
            "防控措施": [
                "5 万元以上项目一律进入乡镇公共资源交易平台公开比选",
                "村务监督委员会全程参与，隐蔽工程留存影像资料",
                "工程款通过乡镇“村账乡代管”中心非现金支付",
            ],
            "监督电话": HOTLINE,
        },
        "zichan": {
            "名称": "集体资产资源处置（发包、租赁、出让）",
            "类别": "三资管理",
            "依据": "《农村集体经济组织财务制度》《青禾县农村集体“三资”管理办法》",
            "责任主体": f"{org}“两委”、集体经济组织",
            "流程": [
                "提出处置方案",
                "资产评估或确定底价",
                "“四议两公开”决策",
                "进入农村产权交易平台公开交易",
                "签订合同并报乡镇备案",
                "结果公示",
            ],
            "时限": "公开交易公告期不少于 5 个工作日",
            "风险点": ["低价发包、暗箱操作", "合同期限过长、租金长期不调整", "租金收取不及时"],
            "防控措施": [
                "底价经集体研究并公示",
                "合同统一文本，乡镇经管站审核备案",
                "租金按期催收，逾期情况在三资公开中公布",
            ],
            "监督电话": HOTLINE,
        },
        "dibao": {
            "名称": "低保申请初审",
            "类别": "民生保障",
            "依据": "《社会救助暂行办法》《最低生活保障审核确认办法》",
            "责任主体": f"{committee}（协助乡镇人民政府）",
            "流程": [
                "申请人提出书面申请",
                f"{committee}受理并协助乡镇入户调查",
                "召开民主评议会",
                "评议结果公示（7 天）",
                "报乡镇审核",
                "县民政局审批确认",
            ],
            "时限": "受理后 30 个工作日内办结",
            "风险点": ["优亲厚友，“人情保”“关系保”", "入户调查不实，错评、漏评", "评议结果不公示或公示走过场"],
            "防控措施": [
                f"{org}干部及其近亲属申请低保实行备案制",
                "评议会邀请村民代表、村务监督委员会参加",
                "评议结果在本平台和公开栏同步公示",
            ],
            "监督电话": HOTLINE,
        },
        "zhaijidi": {
            "名称": "宅基地申请审查",
            "类别": "土地管理",
            "依据": "《中华人民共和国土地管理法》第六十二条、《农村宅基地管理办法》",
            "责任主体": f"{committee}、村民小组",
            "流程": [
                "农户提出书面申请",
                "村民小组会议讨论",
                f"{committee}审查并公示（不少于 5 个工作日）",
                "报乡镇审批",
                "乡镇到场丈量批放线",
                "竣工验收、确权登记",
            ],
            "时限": "村级审查 10 个工作日内完成",
            "风险点": ["超标准占地、“一户多宅”", "未批先建、少批多占", "审查把关不严、违规出具意见"],
            "防控措施": [
                "严格执行“一户一宅”和面积标准",
                "申请和审查结果全程公示",
                "建房过程村干部到场巡查",
            ],
            "监督电话": HOTLINE,
        },
        "caiwu": {
            "名称": "村级财务收支审批",
            "类别": "财务管理",
            "依据": "《农村集体经济组织会计制度》《青禾县村级财务管理办法》",
            "责任主体": f"{org}党组织书记、报账员、村务监督委员会",
            "流程": [
                "经办人取得合法票据并签字",
                "村务监督委员会审核",
                f"{org}党组织书记审批（5000 元以上集体研究）",
                "报乡镇“村账乡代管”中心审核入账",
                "按月公开收支明细",
            ],
            "时限": "每月 25 日前报账",
            "风险点": ["白条入账、虚列支出", "坐支现金、公款私存", "大额支出未经集体研究"],
            "防控措施": [
                "实行非现金结算，村级不设现金账户",
                "5000 元以上支出须“两委”会议研究",
                "收支明细每月在本平台公开",
            ],
            "监督电话": HOTLINE,
        },
        "yinzhang": {
            "名称": f"{org}级印章管理使用",
            "类别": "日常管理",
            "依据": "《青禾县村级组织印章管理规定》",
            "责任主体": f"{committee}、村务监督委员会",
            "流程": ["提出用印申请", "负责人审批", "登记用印事由", "监印人监督用印", "用印资料存档"],
            "时限": "即时办理",
            "风险点": ["私自用印、违规出具证明", "在空白纸张、空白介绍信上用印"],
            "防控措施": ["印章由村务监督委员会指定专人保管", "建立用印登记簿，每季度公开用印情况"],
            "监督电话": HOTLINE,
        },
        "butie": {
            "名称": "惠农补贴面积核实",
            "类别": "民生保障",
            "依据": "《耕地地力保护补贴资金管理办法》",
            "责任主体": f"{committee}、村民小组长",
            "流程": ["农户申报种植面积", "村民小组核实", f"{committee}汇总公示", "报乡镇农业服务中心审核", "资金通过社保卡发放"],
            "时限": "每年 4 月底前完成申报核实",
            "风险点": ["虚报、多报面积", "冒领、截留补贴资金"],
            "防控措施": ["面积与土地确权数据比对", "补贴发放明细在本平台公开"],
            "监督电话": HOTLINE,
        },
    }


def powers_yaml(folder: Path, v: VillageSpec, keys: list[str]) -> None:
    catalog = powers_catalog(v)
    write_yaml_list(
        folder / "powers.yaml",
        [catalog[k] for k in keys],
        comment=f"{v.name}村级小微权力清单",
    )


def services_catalog(v: VillageSpec) -> dict[str, dict[str, object]]:
    place = f"{v.name}党群服务中心便民服务窗口"
    hours = "周一至周五 8:30-12:00，14:30-17:30"
    bookkeeper = v.bookkeeper
    return {
        "dibao": {
            "名称": "低保申请",
            "所需材料": [
                "申请人身份证、户口簿",
                "家庭收入、财产状况申报表",
                "家庭经济状况核对授权书",
                "残疾证、病历等证明材料（如有）",
            ],
            "办理流程": ["窗口受理申请", "乡镇入户调查", "民主评议", "公示 7 天", "县民政局审批"],
            "办理时限": "30 个工作日",
            "地点": place,
            "办公时间": hours,
            "联系人": bookkeeper,
            "电话": v.phone,
            "预约方式": "电话预约，或直接到便民服务窗口登记；行动不便的可申请上门代办",
        },
        "zhengming": {
            "名称": "开具证明",
            "所需材料": ["本人身份证", "与证明事项有关的材料（如户口簿、房屋照片）"],
            "办理流程": ["说明事由", "窗口核实", "负责人审批", "登记用印", "当场出具"],
            "办理时限": "即办",
            "地点": place,
            "办公时间": hours,
            "联系人": v.cadres[1].name,
            "电话": v.cadres[1].phone,
            "预约方式": "无需预约，工作时间直接办理",
        },
        "zhaijidi": {
            "名称": "宅基地申请",
            "所需材料": ["农村宅基地和建房（规划许可）申请表", "户口簿、身份证", "拟建房屋设计图或通用图"],
            "办理流程": ["提交申请", "村民小组讨论", "村级审查公示", "乡镇审批", "到场丈量批放线"],
            "办理时限": "村级审查 10 个工作日",
            "地点": place,
            "办公时间": hours,
            "联系人": v.cadres[2].name,
            "电话": v.cadres[2].phone,
            "预约方式": "电话预约后由包组干部上门核实",
        },
        "yibao": {
            "名称": "城乡居民医保缴费",
            "所需材料": ["参保人身份证或社保卡"],
            "办理流程": ["核对参保信息", "选择缴费档次", "手机或窗口缴费", "打印缴费凭证（需要时）"],
            "办理时限": "即办",
            "地点": place,
            "办公时间": hours,
            "联系人": bookkeeper,
            "电话": v.phone,
            "预约方式": "https://ybfw.qinghe.example.gov.cn/jiaofei/",
        },
        "canji": {
            "名称": "残疾证办理（代办）",
            "所需材料": ["身份证、户口簿", "近期免冠彩色照片 2 张", "相关病历资料"],
            "办理流程": ["窗口登记", "代为提交申请", "到指定医院评残", "县残联审核", "发放残疾证"],
            "办理时限": "评残后 15 个工作日",
            "地点": place,
            "办公时间": hours,
            "联系人": bookkeeper,
            "电话": v.phone,
            "预约方式": "电话预约；评残时间由县残联统一安排",
        },
        "gaoling": {
            "名称": "高龄津贴申请",
            "所需材料": ["老人身份证、户口簿", "社保卡"],
            "办理流程": ["窗口登记", "核实年龄信息", "报乡镇审核", "次月起按季度发放"],
            "办理时限": "10 个工作日",
            "地点": place,
            "办公时间": hours,
            "联系人": v.cadres[1].name,
            "电话": v.cadres[1].phone,
            "预约方式": "https://ydt.qinghe.example.gov.cn/yuyue/"
            if v.kind == "社区"
            else "年满 80 周岁当月，网格员上门登记",
        },
    }


def services_yaml(folder: Path, v: VillageSpec, keys: list[str]) -> None:
    catalog = services_catalog(v)
    write_yaml_list(folder / "services.yaml", [catalog[k] for k in keys])


# ---------------------------------------------------------------------------
# 三资: assets, resources, contracts, projects
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Asset:
    code: str
    name: str
    category: str
    qty: int
    unit: str
    value: int
    built: dt.date
    place: str
    status: str
    tenant: str = ""
    income: int = 0


@dataclass(frozen=True)
class Resource:
    code: str
    name: str
    kind: str
    area: str
    place: str
    holder: str = ""
    contract: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    rent: int = 0


@dataclass(frozen=True)
class Contract:
    code: str
    name: str
    party: str
    kind: str
    amount: int
    signed: dt.date
    start: dt.date | None
    end: dt.date | None
    status: str
    attachment: str = ""


@dataclass(frozen=True)
class Project:
    code: str
    name: str
    category: str
    source: str
    budget: int
    paid: int
    builder: str
    start: dt.date | None
    planned: dt.date | None
    finished: dt.date | None
    progress: int
    status: str
    note: str = ""
    attachment: str = ""


def make_assets(v: VillageSpec, rng: random.Random, people: People) -> list[Asset]:
    a = v.abbr
    d = dt.date
    community = v.kind == "社区"
    items = [
        Asset(f"{a}-ZC-001", "社区党群服务中心办公楼" if community else "村党群服务中心办公楼",
              "非经营性", 1, "栋", rand_cents(rng, 420000, 880000, True), d(2016, 9, 20),
              "党群服务中心院内", "在用"),
        Asset(f"{a}-ZC-002", "文化广场（含舞台）", "非经营性", 1, "处",
              rand_cents(rng, 150000, 260000, True), d(2019, 6, 30),
              "社区中心" if community else "村中心", "在用"),
        Asset(f"{a}-ZC-003", "太阳能路灯", "非经营性", rng.randint(60, 120), "盏",
              rand_cents(rng, 90000, 180000, True), d(2020, 10, 15),
              "各小区主干道" if community else "村内主干道两侧", "在用"),
        Asset(f"{a}-ZC-004", "健身器材", "非经营性", rng.randint(8, 16), "套",
              rand_cents(rng, 28000, 56000, True), d(2021, 5, 12), "文化广场", "在用"),
        Asset(f"{a}-ZC-005", "办公电脑", "非经营性", rng.randint(3, 6), "台",
              rand_cents(rng, 12000, 24000, True), d(2022, 3, 8), "办公室", "在用"),
        Asset(f"{a}-ZC-006", "多功能一体打印机", "非经营性", 1, "台", rand_cents(rng, 2800, 4200),
              d(2023, 4, 2), "办公室", "在用"),
        Asset(f"{a}-ZC-007", "旧办公桌椅", "非经营性", 12, "套", rand_cents(rng, 3000, 6000, True),
              d(2009, 8, 1), "仓库", "报废"),
    ]
    shop_tenant = f"青禾县{people.name()}百货商店"
    items.append(
        Asset(f"{a}-ZC-008", "临街门面房", "经营性", 4 if not community else 8, "间",
              rand_cents(rng, 260000, 480000, True), d(2018, 11, 30), "主街北侧", "出租",
              shop_tenant, rand_cents(rng, 24, 48, True) * 1000)
    )
    if not community:
        items.append(
            Asset(f"{a}-ZC-009", "村级光伏电站（200千瓦）", "经营性", 1, "座",
                  rand_cents(rng, 700000, 900000, True), d(2019, 12, 20), "党群服务中心屋顶及院内",
                  "在用", "", rand_cents(rng, 28, 42, True) * 1000)
        )
        items.append(
            Asset(f"{a}-ZC-010", "原村小学校舍", "经营性", 1, "处", rand_cents(rng, 180000, 300000, True),
                  d(1998, 7, 1), "村西", "闲置")
        )
        items.append(
            Asset(f"{a}-ZC-011", "垃圾清运三轮车", "非经营性", 2, "辆", rand_cents(rng, 9000, 14000, True),
                  d(2022, 6, 18), "党群服务中心院内", "在用")
        )
    else:
        items.append(
            Asset(f"{a}-ZC-009", "日间照料中心设施设备", "非经营性", 1, "批",
                  rand_cents(rng, 120000, 200000, True), d(2023, 10, 10), "日间照料中心", "在用")
        )
        items.append(
            Asset(f"{a}-ZC-010", "社区电动车充电桩", "经营性", 24, "个",
                  rand_cents(rng, 40000, 60000, True), d(2024, 8, 6), "各小区", "在用", "",
                  rand_cents(rng, 12, 18, True) * 1000)
        )
    if v.slug == "wangying-cun":
        items.append(
            Asset(f"{a}-ZC-012", "果蔬保鲜冷库（500吨）", "经营性", 1, "座", 128000000, d(2021, 9, 28),
                  "村北产业园", "出租", "青禾县王营果蔬种植专业合作社", 8600000)
        )
        items.append(
            Asset(f"{a}-ZC-013", "农用机井", "非经营性", 36, "眼", 54000000, d(2017, 4, 1),
                  "各村民小组", "在用")
        )
    return items


def make_resources(v: VillageSpec, rng: random.Random, people: People) -> list[Resource]:
    a = v.abbr
    d = dt.date
    out: list[Resource] = []
    n = 0

    def add(name: str, kind: str, area: str, place: str, holder: str = "", rent_per_mu: int = 0,
            start: dt.date | None = None, years: int = 0) -> None:
        nonlocal n
        n += 1
        code = f"{a}-ZY-{n:03d}"
        if holder:
            contract = f"{a}-FB-{start.year if start else 2025}-{n:03d}"
            end = dt.date(start.year + years - 1, 12, 31) if start else None
            rent = round_cents(Decimal(area) * rent_per_mu)
            out.append(Resource(code, name, kind, area, place, holder, contract, start, end, rent))
        else:
            out.append(Resource(code, name, kind, area, place))

    g = "一二三四五六七八九"[v.groups - 1]
    add("一组机动地", "耕地", f"{rng.randint(30, 60)}.{rng.randint(0, 9)}", "一组南地",
        people.name(True), rng.choice([600, 650, 700]), d(2023, 1, 1), 5)
    add(f"{g}组机动地", "耕地", f"{rng.randint(8, 20)}.{rng.randint(10, 99)}", f"{g}组东地",
        people.name(True), rng.choice([550, 600]), d(2025, 1, 1), 3)
    add("高标准农田流转地块", "耕地", f"{rng.randint(120, 260)}", "村北",
        f"青禾县{v.name[:2]}粮食种植专业合作社", 800, d(2024, 1, 1), 10)
    add("村集体林地", "林地", f"{rng.randint(20, 60)}.5", "河堤两侧")
    if v.slug in ("liuhe-cun", "zhangwan-cun", "lilou-cun"):
        add("东坑塘（鱼塘）", "水面", f"{rng.randint(12, 30)}.{rng.randint(1, 9)}", "村东",
            people.name(True), 900, d(2022, 1, 1), 6)
    if v.slug in ("liuhe-cun",):
        add("西大塘（稻渔综合种养）", "水面", "45.6", "村西", "青禾县柳河水产养殖有限公司", 1100,
            d(2025, 1, 1), 8)
        add("南洼鱼塘", "水面", "7.225", "村南", people.name(True), 500, d(2025, 1, 1), 5)
    if v.slug in ("lilou-cun", "liuzhuang-cun"):
        add("集体果园", "园地", f"{rng.randint(40, 90)}.0", "村西岗地", people.name(True), 450,
            d(2021, 1, 1), 10)
    add("原砖窑场闲置建设用地", "建设用地", f"{rng.randint(5, 12)}.{rng.randint(0, 9)}", "村南")
    add("荒坡地", "未利用地", f"{rng.randint(6, 20)}.{rng.randint(0, 9)}", "岗坡")
    if v.slug == "liuzhuang-cun":
        add("河滩草地", "草地", "16.8", "柳河北岸", people.name(True), 215, d(2025, 1, 1), 3)
        add("沟渠及机耕路", "其他", "38.2", "全村")
    return out


def resource_contracts(v: VillageSpec, resources: list[Resource]) -> list[Contract]:
    out = []
    for r in resources:
        if not r.contract or r.start is None or r.end is None:
            continue
        status = "履行中" if r.end >= AS_OF else "已完成"
        years = r.end.year - r.start.year + 1
        out.append(
            Contract(
                r.contract,
                f"{r.name}承包合同",
                r.holder,
                "发包",
                r.rent * years,
                r.start - dt.timedelta(days=12),
                r.start,
                r.end,
                status,
            )
        )
    return out


def make_projects(v: VillageSpec, rng: random.Random) -> list[Project]:
    a = v.abbr
    d = dt.date
    community = v.kind == "社区"
    road = "青禾县通达路桥工程有限公司"
    water = "青禾县水利工程建设有限公司"
    build = "青禾县鸿安建筑工程有限公司"
    projects = [
        Project(f"{a}-XM-2025-01",
                "老旧小区道路及停车位改造" if community else f"{v.name}三组、四组道路硬化工程",
                "道路", "衔接推进乡村振兴补助资金", rand_cents(rng, 320, 420, True) * 1000, 0, road,
                d(2025, 4, 10), d(2025, 7, 31), d(2025, 7, 20), 100, "已验收", "验收合格，已审计结算"),
        Project(f"{a}-XM-2025-02", "雨污分流改造" if community else "农村饮水安全巩固提升工程",
                "其他" if community else "饮水", "县级财政资金", rand_cents(rng, 180, 260, True) * 1000,
                0, water, d(2025, 9, 1), d(2025, 12, 31), d(2026, 1, 15), 100, "已验收",
                "因冬季停工延期半个月"),
        Project(f"{a}-XM-2026-01", "社区党群服务中心适老化改造" if community else "村党群服务中心改造提升",
                "其他", "村集体资金+乡镇补助", rand_cents(rng, 120, 180, True) * 1000, 0, build,
                d(2026, 5, 6), d(2026, 9, 30), d(2026, 9, 26), 100, "已完工", "待县审计中心结算审计"),
        Project(f"{a}-XM-2026-02", "日间照料中心提升" if community else "排灌沟渠清淤疏浚",
                "医疗" if community else "水利", "一事一议财政奖补", rand_cents(rng, 80, 120, True) * 1000,
                0, water if not community else build, d(2026, 9, 15), d(2026, 12, 20), None,
                rng.randint(55, 75), "施工中", ""),
        Project(f"{a}-XM-2027-01", "社区文化活动室提升" if community else "人居环境整治（坑塘治理、垃圾收集点建设）",
                "文化" if community else "环境整治", "待定（拟申报省级奖补）",
                rand_cents(rng, 60, 90, True) * 1000, 0, "", d(2027, 3, 1), d(2027, 6, 30), None, 0,
                "计划中", "已经村民代表会议通过，待上级批复"),
    ]
    out = []
    for p in projects:
        if p.status in ("已验收",):
            paid = p.budget - round_cents(Decimal(p.budget) / 100 * Decimal("0.03"))  # 3% 质保金
        elif p.status == "已完工":
            paid = round_cents(Decimal(p.budget) / 100 * Decimal("0.8"))
        elif p.status == "施工中":
            paid = round_cents(Decimal(p.budget) / 100 * Decimal("0.3"))
        else:
            paid = 0
        out.append(replace(p, paid=paid))
    return out


def project_contracts(v: VillageSpec, projects: list[Project]) -> list[Contract]:
    out = []
    for n, p in enumerate(projects, start=1):
        if not p.builder or p.start is None:
            continue
        status = "已完成" if p.status == "已验收" else "履行中"
        out.append(
            Contract(f"{v.abbr}-GC-{p.start.year}-{n:03d}", f"{p.name}施工合同", p.builder, "工程",
                     p.budget, p.start - dt.timedelta(days=9), p.start, p.planned, status)
        )
    return out


def other_contracts(v: VillageSpec, assets: list[Asset], rng: random.Random) -> list[Contract]:
    d = dt.date
    out = []
    n = 0
    for asset in assets:
        if asset.status == "出租" and asset.tenant:
            n += 1
            out.append(
                Contract(f"{v.abbr}-ZL-2024-{n:03d}", f"{asset.name}租赁合同", asset.tenant, "租赁",
                         asset.income * 3, d(2024, 12, 20), d(2025, 1, 1), d(2027, 12, 31), "履行中")
            )
    clean = rand_cents(rng, 30, 45, True) * 1000
    out.append(
        Contract(f"{v.abbr}-FW-2025-001", "生活垃圾清运服务合同", "青禾县洁美环境服务有限公司", "服务",
                 clean, d(2024, 12, 26), d(2025, 1, 1), d(2025, 12, 31), "已完成")
    )
    out.append(
        Contract(f"{v.abbr}-FW-2026-001", "生活垃圾清运服务合同", "青禾县洁美环境服务有限公司", "服务",
                 clean + 120000, d(2025, 12, 24), d(2026, 1, 1), d(2026, 12, 31), "履行中")
    )
    out.append(
        Contract(f"{v.abbr}-CG-2025-001", "办公电脑及打印机采购合同", "青禾县新科电脑经销部", "采购",
                 rand_cents(rng, 9000, 16000), d(2025, 3, 18), d(2025, 3, 18), d(2025, 3, 25), "已完成")
    )
    out.append(
        Contract(f"{v.abbr}-QT-2025-001", "村级法律顾问服务协议", "青禾县正言律师事务所", "其他",
                 360000, d(2025, 2, 10), d(2025, 2, 10), d(2026, 2, 9), "已完成")
    )
    if v.slug in ("liuzhuang-cun", "lilou-cun"):
        out.append(
            Contract(f"{v.abbr}-ZL-2023-009", "原村小学校舍租赁合同", "青禾县新兴木制品加工厂", "租赁",
                     4500000, d(2023, 2, 15), d(2023, 3, 1), d(2028, 2, 29), "已终止")
        )
    return out


# ---------------------------------------------------------------------------
# finance ledger and balances
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    date: dt.date
    kind: str  # 收入 / 支出
    subject: str
    summary: str
    cents: int
    handler: str
    approver: str
    voucher: str = ""
    attachment: str = ""


EXTRA_EXPENSES: tuple[tuple[str, str, int, int], ...] = (
    ("管理费用", "购买办公用品（打印纸、墨盒）", 180, 680),
    ("管理费用", "购买党员活动室桌椅", 1200, 3600),
    ("管理费用", "支付办公电脑维修费", 120, 460),
    ("管理费用", "召开村民代表会议误工补贴", 600, 1500),
    ("管理费用", "复印及资料打印费", 60, 320),
    ("管理费用", "购买饮用桶装水", 90, 240),
    ("管理费用", "更新村务公开栏版面制作费", 380, 1200),
    ("管理费用", "购买消防灭火器及维保", 260, 900),
    ("公益支出", "维修村内路灯（更换灯头）", 260, 1800),
    ("公益支出", "清理村内坑塘沟渠杂物", 800, 3200),
    ("公益支出", "村内道路坑洼修补", 1500, 6800),
    ("公益支出", "购买环境消杀药品", 180, 760),
    ("公益支出", "购买分类垃圾桶", 600, 2400),
    ("公益支出", "文化广场健身器材维修", 300, 1600),
    ("公益支出", "村内绿化带养护及补植", 800, 4200),
    ("公益支出", "组织志愿者义务劳动午餐费", 200, 600),
    ("公益支出", "购买禁烧宣传横幅及标语", 150, 680),
    ("其他支出", "支付村级法律顾问咨询费", 300, 300),
)
EXTRA_INCOMES: tuple[tuple[str, str, int, int], ...] = (
    ("其他收入", "收到废旧物资变卖收入", 120, 1800),
    ("其他收入", "收到村民一事一议筹资款", 2000, 6000),
    ("补助收入", "收到上级拨付人居环境整治奖补资金", 5000, 20000),
)


def make_ledger(
    v: VillageSpec,
    rng: random.Random,
    people: People,
    assets: list[Asset],
    resources: list[Resource],
    projects: list[Project],
    opening: int,
) -> list[Entry]:
    secretary, keeper = v.secretary, v.bookkeeper
    others = [c.name for c in v.cadres[1:-1]] or [keeper]
    cleaners = [people.name() for _ in range(max(2, v.groups // 2))]
    rents = [a for a in assets if a.income and a.status == "出租"]
    solar = next((a for a in assets if "光伏" in a.name), None)
    chargers = next((a for a in assets if "充电桩" in a.name), None)
    community = v.kind == "社区"
    op_fund = 1800000 if community else 1250000 if v.groups >= 5 else 950000
    project_flows: dict[tuple[int, int], list[tuple[str, str, int]]] = {}
    for p in projects:
        if p.paid and p.start and p.start.year >= 2025:
            grant = p.paid
            first = round_cents(Decimal(grant) / 100 * Decimal("0.6"))
            ym = (p.start.year, p.start.month)
            project_flows.setdefault(ym, []).append(("补助收入", f"收到上级拨付{p.name}专项资金", grant))
            project_flows[ym].append(("公益支出", f"支付{p.name}工程进度款（{p.builder}）", first))
            end = p.finished or p.planned or p.start
            end_ym = (end.year, end.month)
            if end_ym > LAST_MONTH:
                end_ym = LAST_MONTH
            project_flows.setdefault(end_ym, []).append(
                ("公益支出", f"支付{p.name}工程款（{p.builder}）", grant - first)
            )

    def day(y: int, m: int, lo: int = 1, hi: int = 28) -> dt.date:
        return dt.date(y, m, rng.randint(lo, hi))

    entries: list[Entry] = []
    balance = opening
    rows: list[Entry] = []
    y, m = FIRST_MONTH

    # the helpers below read the loop's current ``rows``, ``y`` and ``m``
    def inc(subject: str, text: str, cents: int, when: dt.date | None = None) -> None:
        rows.append(Entry(when or day(y, m), "收入", subject, text, cents, keeper, secretary))

    def exp(subject: str, text: str, cents: int, when: dt.date | None = None,
            handler: str | None = None) -> None:
        rows.append(Entry(when or day(y, m), "支出", subject, text, cents,
                          handler or keeper, secretary))

    for y, m in months(FIRST_MONTH, LAST_MONTH):
        rows = []
        q = (m - 1) // 3 + 1
        winter = m in (12, 1, 2)
        exp("管理费用", f"支付村部{m}月电费" if not community else f"支付社区服务中心{m}月电费",
            rand_cents(rng, 420 if winter else 260, 980 if winter else 620) * (2 if community else 1),
            day(y, m, 5, 12))
        exp("管理费用", f"支付村部{m}月水费" if not community else f"支付社区服务中心{m}月水费",
            rand_cents(rng, 35, 120), day(y, m, 5, 12))
        exp("管理费用", "支付宽带及视频监控网络费", 19900 if not community else 39900, day(y, m, 1, 6))
        for cleaner in cleaners:
            exp("公益支出", f"支付保洁员{cleaner}{m}月工资", 130000 if y == 2025 else 140000,
                day(y, m, 25, 28))
        exp("公益支出", f"支付{m}月生活垃圾清运费", 300000 if y == 2025 else 310000, day(y, m, 26, 28),
            others[0])
        exp("管理费用", f"发放{m}月{'网格员' if community else '村民小组长'}误工补贴",
            v.groups * 20000, day(y, m, 20, 25))
        for a in rents:
            inc("经营收入", f"收到{a.tenant}{m}月{a.name}租金", a.income // 12, day(y, m, 1, 10))
        if solar:
            factor = {1: 0.6, 2: 0.7, 3: 0.9, 4: 1.1, 5: 1.25, 6: 1.3, 7: 1.2, 8: 1.2, 9: 1.05,
                      10: 0.9, 11: 0.7, 12: 0.55}[m]
            base = Decimal(solar.income) / 12 * Decimal(str(factor)) / 100
            inc("经营收入", f"收到村级光伏电站{m}月发电收益",
                round_cents(base * Decimal(rng.randint(92, 108)) / 100), day(y, m, 15, 20))
            if m in (4, 10):
                exp("经营支出", "光伏电站组件清洗及设备维护", rand_cents(rng, 1200, 2600), None,
                    others[-1])
        if chargers:
            inc("经营收入", f"收到{m}月电动车充电桩运营分成", rand_cents(rng, 900, 1600), day(y, m, 8, 12))
        if m in (3, 6, 9, 12):
            inc("其他收入", f"收到第{q}季度银行存款利息", rand_cents(rng, 120, 680), day(y, m, 21, 21))
            exp("其他支出", "支付银行账户管理费及转账手续费", rand_cents(rng, 12, 60), day(y, m, 21, 21))
            inc("补助收入", f"收到乡镇拨付{y}年第{q}季度村级组织运转经费", op_fund, day(y, m, 10, 18))
        if m == 1:
            for r in resources:
                if r.rent and r.start and r.end and r.start.year <= y <= r.end.year:
                    inc("发包及上交收入", f"收到{y}年度{r.name}发包款（{r.holder}）", r.rent,
                        day(y, 1, 3, 20))
            exp("管理费用", f"订阅{y}年度党报党刊", rand_cents(rng, 12, 24, True) * 100, day(y, 1, 4, 9))
        if m in (1, 2) and (m == 1) == (y == 2025):
            n = rng.randint(12, 30)
            exp("公益支出", f"春节走访慰问困难群众（{n}户）", n * 30000, day(y, m, 10, 20), others[0])
        if m in (6, 7):
            exp("公益支出", "购置防汛物资（编织袋、雨衣、手电）", rand_cents(rng, 900, 2800), None, others[-1])
        if m == 10:
            n = rng.randint(20, 60)
            exp("公益支出", f"重阳节慰问80岁以上老人（{n}人）", n * 10000, day(y, 10, 8, 12), others[0])
        if m == 11 and not community:
            exp("公益支出", "秸秆禁烧值守人员补贴", rand_cents(rng, 1500, 3000, True), None, others[-1])
        for subject, text, cents in project_flows.get((y, m), []):
            if subject.endswith("收入"):
                inc(subject, text, cents, day(y, m, 1, 8))
            else:
                exp(subject, text, cents, day(y, m, 12, 28), others[-1])
        target = rng.randint(15, 34)
        while len(rows) < target:
            if rng.random() < 0.12:
                subject, text, lo, hi = rng.choice(EXTRA_INCOMES)
                inc(subject, text, rand_cents(rng, lo, hi, True))
            else:
                subject, text, lo, hi = rng.choice(EXTRA_EXPENSES)
                exp(subject, text, rand_cents(rng, lo, hi), None, rng.choice(others + [keeper]))
        net = sum(e.cents if e.kind == "收入" else -e.cents for e in rows)
        if balance + net < 3000000:
            need = 3000000 - (balance + net)
            need = (need // 1000000 + 1) * 1000000
            inc("补助收入", "收到乡镇拨付村级公益事业专项补助", need, day(y, m, 2, 6))
            net += need
        balance += net
        rows.sort(key=lambda e: (e.date, e.kind != "收入", e.summary))
        for i, e in enumerate(rows, start=1):
            entries.append(replace(e, voucher=f"记-{y}-{m:02d}-{i:03d}"))
    return entries


@dataclass(frozen=True)
class Balance:
    year: int
    month: int
    opening: int
    income: int
    expense: int

    @property
    def closing(self) -> int:
        return self.opening + self.income - self.expense


def make_balances(entries: list[Entry], opening: int, before: list[Balance] | None = None) -> list[Balance]:
    out = list(before or [])
    current = out[-1].closing if out else opening
    for y, m in months(FIRST_MONTH, LAST_MONTH):
        inc = sum(e.cents for e in entries if e.kind == "收入" and (e.date.year, e.date.month) == (y, m))
        exp = sum(e.cents for e in entries if e.kind == "支出" and (e.date.year, e.date.month) == (y, m))
        out.append(Balance(y, m, current, inc, exp))
        current = out[-1].closing
        assert current >= 0
    return out


# ---------------------------------------------------------------------------
# welfare
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    program: str
    person: Person
    household: int | None
    cents: int
    date: dt.date
    method: str
    note: str
    show_id: bool = True


def make_welfare(v: VillageSpec, rng: random.Random, people: People) -> list[Payment]:
    community = v.kind == "社区"
    all_months = months(WELFARE_FIRST_MONTH, LAST_MONTH)
    out: list[Payment] = []
    specials: list[tuple[str, bool]] = []
    if v.slug == "liuzhuang-cun":
        specials = [("欧阳明华", True)]
    elif v.slug == "qianjin-shequ":
        specials = [("阿依古丽·买买提", False), ("司马秀英", False)]
    elif v.slug == "houzhai-cun":
        specials = [("热依拉·艾买提", False)]
    elif v.slug == "liuhe-cun":
        specials = [("诸葛红霞", False)]

    # 低保: monthly, per household
    households = 6 + v.groups // 2 + (4 if community else 0)
    for i in range(households):
        name, male = specials[i] if i < len(specials) else (None, None)
        want_x = i in (1, 4)
        person = people.person((1948, 1985), male, name, want_x=want_x)
        size = rng.choice([1, 1, 2, 2, 3, 4, 5])
        level = rng.choice(["A类", "B类", "C类"])
        start = rng.choice(all_months[:1] * 5 + all_months[1:18])
        stop = rng.choice([None, None, None, all_months[rng.randint(8, 24)]])
        if stop is not None and stop <= start:
            stop = None
        pay_day = 12
        for y, m in all_months:
            if (y, m) < start or (stop and (y, m) > stop):
                continue
            per_head = {"A类": 420, "B类": 330, "C类": 240}[level]
            if (y, m) >= (2025, 7):
                per_head += 20
            if (y, m) >= (2026, 7):
                per_head += 15
            out.append(Payment("低保", person, size, per_head * size * 100, dt.date(y, m, pay_day),
                               "社保卡", f"{level}低保，{m}月"))
    # 特困供养: monthly
    for i in range(1 if not community else 2):
        person = people.person((1938, 1960), True, want_x=(i == 0 and v.slug == "liuzhuang-cun"))
        for y, m in all_months:
            amount = 78000 if (y, m) < (2025, 7) else 82000
            out.append(Payment("特困供养", person, 1, amount, dt.date(y, m, 12), "社保卡",
                               "分散供养基本生活费"))
    # 高龄津贴: quarterly in the last month of each quarter
    elders = []
    for i in range(3 + (3 if community else v.groups // 3)):
        born = (1925, 1926) if i == 0 else (1931, 1936) if i == 1 else (1937, 1945)
        elders.append(people.person(born, rng.random() < 0.4, want_x=(i == 2)))
    for y, m in all_months:
        if m not in (3, 6, 9, 12):
            continue
        pay = dt.date(y, m, 20)
        for elder in elders:
            age = pay.year - elder.birth.year - ((pay.month, pay.day) < (elder.birth.month, elder.birth.day))
            if age < 80:
                continue
            per_month = 300 if age >= 100 else 100 if age >= 90 else 50
            out.append(Payment("高龄津贴", elder, None, per_month * 3 * 100, pay, "社保卡",
                               f"{age}周岁，{y}年第{(m - 1) // 3 + 1}季度"))
    # 残疾人两项补贴: monthly
    disabled = [people.person((1955, 2005)) for _ in range(2 + v.groups // 3)]
    for n, person in enumerate(disabled):
        severe = n % 2 == 0
        for y, m in all_months:
            amount = (90 + (90 if severe else 0)) * 100
            if (y, m) >= (2026, 1):
                amount += 1000 if severe else 500
            note = "困难残疾人生活补贴+重度残疾人护理补贴" if severe else "困难残疾人生活补贴"
            out.append(Payment("残疾人两项补贴", person, None, amount, dt.date(y, m, 15), "社保卡", note))
    # 耕地地力保护补贴: yearly
    if not community:
        farmers = [people.person((1950, 1985)) for _ in range(10 + v.groups * 2)]
        areas = {f.id_number: Decimal(f"{rng.randint(20, 120) / 10:.1f}") for f in farmers}
        for pay, rate in ((dt.date(2024, 6, 18), "105.36"), (dt.date(2025, 6, 16), "106.82"),
                          (dt.date(2026, 6, 15), "107.15")):
            for farmer in farmers:
                area = areas[farmer.id_number]
                out.append(Payment("耕地地力保护补贴", farmer, None, round_cents(area * Decimal(rate)),
                                   pay, "一卡通", f"确权面积{area}亩，每亩{rate}元", show_id=False))
    # 临时救助: one-offs
    reasons = ["因病住院自付费用较高", "火灾致房屋受损", "突发意外事故", "子女就学困难"]
    dates = [dt.date(2024, 8, 9), dt.date(2025, 3, 6), dt.date(2025, 11, 20), dt.date(2026, 8, 27)]
    if v.slug == "liuzhuang-cun":
        dates += [dt.date(2024, 11, 27), dt.date(2024, 11, 28)]
    for n, when in enumerate(dates):
        person = people.person((1960, 1995))
        out.append(Payment("临时救助", person, rng.randint(1, 5), rng.choice([1500, 2000, 3000, 5000]) * 100,
                           when, "银行代发", reasons[n % len(reasons)]))
    # 危房改造补助
    if not community:
        person = people.person((1945, 1960), True)
        out.append(Payment("危房改造补助", person, 2, 1500000, dt.date(2025, 9, 25), "银行代发",
                           "C级危房维修加固，首期款"))
        out.append(Payment("危房改造补助", person, 2, 500000, dt.date(2025, 12, 18), "银行代发",
                           "C级危房维修加固，验收后尾款"))
    else:
        person = people.person((1950, 1970), False)
        out.append(Payment("其他", person, 3, 120000, dt.date(2026, 1, 20), "银行代发",
                           "冬季取暖补贴"))
    out.sort(key=lambda p: (p.date, p.program, p.person.name))
    return out


# ---------------------------------------------------------------------------
# notices
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    slug: str
    title: str
    category: str
    date: str
    body: str
    start: str = ""
    end: str = ""
    attachments: tuple[str, ...] = ()


def mask_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def quarter_table(entries: list[Entry], year: int, quarter: int) -> tuple[str, int, int]:
    months_q = [(year, m) for m in range(quarter * 3 - 2, quarter * 3 + 1)]
    rows = [e for e in entries if (e.date.year, e.date.month) in months_q]
    by: dict[tuple[str, str], int] = {}
    for e in rows:
        by[(e.kind, e.subject)] = by.get((e.kind, e.subject), 0) + e.cents
    lines = ["| 类型 | 科目 | 金额（元） |", "|---|---|---:|"]
    for key in sorted(by, key=lambda k: (k[0] != "收入", k[1])):
        lines.append(f"| {key[0]} | {key[1]} | {money(by[key], 'comma')} |")
    income = sum(c for (k, _), c in by.items() if k == "收入")
    expense = sum(c for (k, _), c in by.items() if k == "支出")
    return "\n".join(lines), income, expense


def footer(v: VillageSpec) -> str:
    board = "居务监督委员会" if v.kind == "社区" else "村务监督委员会"
    return (
        f"\n\n如有异议，请在公示期内向{board}反映，或拨打监督电话 {HOTLINE}，"
        f"也可通过[码上监督平台]({REPORT_URL})反映。"
    )


def make_notices(
    v: VillageSpec,
    entries: list[Entry],
    welfare: list[Payment],
    people: People,
    count: int,
    attach: dict[str, str],
) -> list[Notice]:
    """Notices in priority order, cut to ``count``: active, ended, without status, fillers."""
    community = v.kind == "社区"
    committee = f"{v.name}{'居民委员会' if community else '村民委员会'}"
    party = f"{v.name}{'党委' if community else '党支部'}"
    date_style = "cn" if v.slug == "qianjin-shequ" else "iso"
    tail = footer(v)

    def d(y: int, m: int, day: int) -> str:
        return fmt_date(dt.date(y, m, day), date_style)

    def files(key: str) -> tuple[str, ...]:
        return (attach[key],) if key in attach else ()

    notices: list[Notice] = []
    dibao = [p for p in welfare if p.program == "低保" and (p.date.year, p.date.month) == (2026, 10)]
    table = ["| 序号 | 户主姓名 | 身份证号 | 家庭人口 | 保障类别 |", "|---|---|---|---:|---|"]
    for n, p in enumerate(dibao[:6], start=1):
        table.append(f"| {n} | {p.person.name} | {mask_id(p.person.id_number)} | {p.household} | "
                     f"{p.note.split('，')[0]} |")
    notices.append(Notice(
        "2026-11-dibao-pingyi", "2026年第四季度低保民主评议结果公示", "村务", d(2026, 11, 25),
        f"经户主申请、入户调查，{v.name}于 2026 年 11 月 24 日召开民主评议会，"
        "对低保对象进行了评议，现将结果公示如下：\n\n" + "\n".join(table)
        + "\n\n公示期 7 天。" + tail,
        d(2026, 11, 25), d(2026, 12, 1),
    ))
    notices.append(Notice(
        "2026-11-fazhan-dangyuan", "发展党员对象公示", "党务", d(2026, 11, 24),
        f"经党员推荐、{party}委员会研究，拟将 {people.name(True)} 同志确定为发展对象，现予公示。\n\n"
        "- 性别：男\n- 学历：高中\n- 入党申请时间：2024 年 3 月\n\n"
        f"公示期间，党员和群众可向{party}或上级党组织反映情况。",
        d(2026, 11, 24), d(2026, 11, 30),
    ))
    if v.slug == "liuzhuang-cun":
        notices.append(Notice(
            "2026-11-gongcheng-bixuan", "村党群服务中心屋面防水工程比选公告", "村务", d(2026, 11, 21),
            "**项目名称**：村党群服务中心屋面防水工程\n\n**控制价**：48,600.00 元\n\n"
            "报名截止时间为公示结束当日 17:30，逾期不予受理。" + tail,
            d(2026, 11, 21), d(2026, 11, 28),
        ))
        notices.append(Notice(
            "2026-11-tudi-fabao-fangan", "2027年度机动地发包方案公示", "村务", d(2026, 11, 27),
            "2027 年度机动地发包方案已经“四议两公开”程序通过，定于 2026 年 12 月 1 日起公示 7 天，"
            "公示期满后进入乡镇农村产权交易平台公开竞价。",
            d(2026, 12, 1), d(2026, 12, 7),
        ))
        notices.append(Notice(
            "2026-11-yishi-yiyi", "一事一议筹资筹劳方案公示", "财务", d(2026, 11, 28),
            "拟对二组生产路进行硬化，按每人 20 元标准筹资，五保户、低保户免筹。"
            "方案已经村民代表会议通过，现予公示。" + tail,
            d(2026, 11, 28), d(2026, 12, 4),
        ))
    if entries:
        q_table, income, expense = quarter_table(entries, 2026, 3)
        notices.append(Notice(
            "2026-10-caiwu-gongkai-2026q3", "2026年第三季度财务收支公开", "财务", d(2026, 10, 10),
            f"现将{v.name}2026年7月至9月财务收支情况公开如下（单位：元）：\n\n{q_table}\n\n"
            f"本季度收入合计 **{money(income, 'comma')}** 元，支出合计 **{money(expense, 'comma')}** 元。"
            "明细见本站“三务公开·财务”栏目。" + tail,
            d(2026, 10, 10), d(2026, 10, 19),
        ))
    topic = "日间照料中心提升项目" if community else "排灌沟渠清淤疏浚项目"
    meeting = "居民代表会议" if community else "村民代表会议"
    notices.append(Notice(
        "2026-09-siyi-liangkai", f"“四议两公开”决议公开：{topic}", "村务", d(2026, 9, 3),
        f"## 决议事项\n\n实施{topic}，申请一事一议财政奖补资金。\n\n"
        f"## 决策过程\n\n1. 8 月 20 日，党组织提议；\n2. 8 月 22 日，“两委”会议商议；\n"
        f"3. 8 月 26 日，党员大会审议；\n4. 8 月 30 日，{meeting}决议（应到 35 人，实到 32 人，"
        "同意 31 人）。\n\n" + ("会议纪要扫描件见附件。" if "siyi" in attach else "") + tail,
        d(2026, 9, 3), d(2026, 9, 10), files("siyi"),
    ))
    if entries:
        notices.append(Notice(
            "2026-02-juesuan-2025", "2025年度财务决算公开", "财务", d(2026, 2, 26),
            "2025 年度财务决算已经乡镇“村账乡代管”中心审核、监督委员会审查。"
            + ("决算报表扫描件见附件。" if "juesuan" in attach else "决算报表已在公开栏张贴。") + tail,
            d(2026, 2, 26), d(2026, 3, 5), files("juesuan"),
        ))
    notices.append(Notice(
        "2026-06-zhuti-dangri", "7月主题党日活动安排", "党务", d(2026, 6, 25),
        "## 时间\n\n2026 年 7 月 1 日上午 9:00\n\n## 内容\n\n1. 重温入党誓词；\n"
        "2. 学习《中国共产党农村基层组织工作条例》；\n3. 为老党员颁发“光荣在党50年”纪念章。",
    ))
    notices.append(Notice(
        "2026-07-dangfei-2026h1", "2026年上半年党费收缴情况公示", "党务", d(2026, 7, 6),
        f"{party}现有党员 {v.party_members} 名，2026 年 1—6 月党费均已按时足额收缴，"
        "具体明细已在党员活动室公开栏张贴。",
        d(2026, 7, 6), d(2026, 7, 12),
    ))
    if not community:
        notices.append(Notice(
            "2026-10-zhaijidi-shenqing", "宅基地申请审查结果公示", "村务", d(2026, 10, 15),
            f"经村民小组会议讨论、{committee}审查，以下农户的宅基地申请符合“一户一宅”规定：\n\n"
            "| 申请人 | 所在组 | 申请面积（平方米） | 用途 |\n|---|---|---:|---|\n"
            f"| {people.name(True)} | 二组 | 160 | 分户新建 |\n"
            f"| {people.name(True)} | 三组 | 150 | 原址翻建 |" + tail,
            d(2026, 10, 15), d(2026, 10, 21),
        ))
    good = max(3, v.party_members // 8)
    notices.append(Notice(
        "2026-01-minzhu-pingyi-dangyuan", "2025年度民主评议党员结果公示", "党务", d(2026, 1, 22),
        f"{party}于 2026 年 1 月 18 日召开组织生活会，开展民主评议党员。评议结果：优秀 {good} 名，"
        f"合格 {v.party_members - good} 名，基本合格 0 名，不合格 0 名。",
        d(2026, 1, 22), d(2026, 1, 28),
    ))
    notices.append(Notice(
        "2026-11-renju-huanjing", "11月人居环境整治“红黑榜”", "村务", d(2026, 11, 6),
        "本月评出“美丽庭院”示范户 12 户，张榜表扬；对柴草乱堆、垃圾乱倒的 3 户进行提醒整改。"
        "请广大群众继续保持房前屋后干净整洁。",
    ))
    notices.append(Notice(
        "2025-12-shouyi-fenpei", "2025年度集体经济收益分配方案公示", "财务", d(2025, 12, 20),
        "经“四议两公开”程序，2025 年度集体经营性收益的 30% 用于公益事业，"
        "70% 用于发展壮大集体经济，本年度不向成员分红。" + tail,
        d(2025, 12, 20), d(2025, 12, 26),
    ))
    if not community:
        notices.append(Notice(
            "2026-05-gengdi-butie-mianji", "2026年耕地地力保护补贴面积公示", "村务", d(2026, 5, 20),
            "现将 2026 年耕地地力保护补贴面积予以公示，补贴标准待县里确定后另行公布。"
            "农户可在公示期内核对本户面积，有误的请到便民服务窗口更正。" + tail,
            d(2026, 5, 20), d(2026, 5, 26),
        ))
    notices.append(Notice(
        "2025-12-shuji-shuzhi", "党组织书记抓基层党建工作述职报告", "党务", d(2025, 12, 28),
        f"{v.secretary}同志在 2025 年度党组织书记抓基层党建工作述职评议会上作述职，"
        "重点围绕“三务公开”、集体经济发展和矛盾纠纷化解等工作，评议等次为“好”。",
    ))
    if entries:
        for y, q, pub in ((2026, 2, dt.date(2026, 7, 8)), (2026, 1, dt.date(2026, 4, 9)),
                          (2025, 4, dt.date(2026, 1, 12)), (2025, 3, dt.date(2025, 10, 11))):
            q_table, income, expense = quarter_table(entries, y, q)
            cn_q = "一二三四"[q - 1]
            notices.append(Notice(
                f"{pub:%Y-%m}-caiwu-gongkai-{y}q{q}", f"{y}年第{cn_q}季度财务收支公开", "财务",
                fmt_date(pub, date_style),
                f"{v.name}{y}年第{cn_q}季度财务收支情况（单位：元）：\n\n{q_table}\n\n"
                f"收入合计 {money(income, 'comma')} 元，支出合计 {money(expense, 'comma')} 元。",
                fmt_date(pub, date_style), fmt_date(pub + dt.timedelta(days=9), date_style),
            ))
    if len(notices) < count:
        raise RuntimeError(f"{v.slug}: only {len(notices)} notices")
    return notices[:count]


def write_notice(folder: Path, n: Notice) -> None:
    head = ["---", f"标题: {y_scalar(n.title)}", f"类别: {n.category}", f"日期: {n.date}"]
    if n.start:
        head.append(f"公示开始: {n.start}")
    if n.end:
        head.append(f"公示结束: {n.end}")
    if n.attachments:
        head.append("附件: [" + ", ".join(n.attachments) + "]")
    head.append("---")
    (folder / f"{n.slug}.md").write_text("\n".join(head) + "\n" + n.body.strip() + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# writing one village
# ---------------------------------------------------------------------------

PALETTES = (
    ((120, 170, 225), (205, 228, 245), (120, 165, 80), (236, 226, 206), (170, 60, 50), (220, 30, 30)),
    ((100, 150, 210), (190, 215, 240), (140, 170, 90), (225, 225, 225), (80, 90, 110), (220, 30, 30)),
    ((140, 185, 230), (215, 235, 250), (90, 150, 110), (240, 232, 215), (150, 80, 60), (230, 40, 40)),
    ((110, 160, 200), (200, 225, 240), (150, 175, 95), (250, 245, 235), (110, 110, 120), (210, 20, 20)),
)

POWER_KEYS = {
    "liuzhuang-cun": ["siyi", "gongcheng", "zichan", "dibao", "zhaijidi", "caiwu", "yinzhang", "butie"],
    "wangying-cun": ["siyi", "gongcheng", "zichan", "dibao", "caiwu", "yinzhang"],
    "zhangwan-cun": ["siyi", "zichan", "dibao", "zhaijidi", "caiwu"],
    "lilou-cun": ["siyi", "gongcheng", "zichan", "dibao", "zhaijidi", "caiwu", "butie"],
    "liuhe-cun": ["siyi", "gongcheng", "zichan", "dibao", "zhaijidi", "caiwu"],
    "qianjin-shequ": ["siyi", "gongcheng", "zichan", "dibao", "caiwu", "yinzhang"],
}
SERVICE_KEYS = {
    "liuzhuang-cun": ["dibao", "zhengming", "zhaijidi", "yibao", "canji", "gaoling"],
    "wangying-cun": ["dibao", "zhengming", "zhaijidi", "yibao"],
    "lilou-cun": ["dibao", "zhengming", "zhaijidi", "yibao", "canji"],
    "liuhe-cun": ["dibao", "zhaijidi", "yibao", "canji"],
    "qianjin-shequ": ["dibao", "zhengming", "yibao", "canji", "gaoling"],
}
NOTICE_COUNT = {
    "liuzhuang-cun": 15,
    "wangying-cun": 10,
    "zhangwan-cun": 9,
    "lilou-cun": 11,
    "liuhe-cun": 12,
    "houzhai-cun": 9,
    "qianjin-shequ": 13,
}
OPENING = {
    "liuzhuang-cun": 28643127,
    "wangying-cun": 41208855,
    "zhangwan-cun": 9632040,
    "lilou-cun": 15377219,
    "liuhe-cun": 33015066,
    "qianjin-shequ": 18724530,
}


def d_or_blank(value: dt.date | None, style: str = "iso") -> str:
    return fmt_date(value, style) if value else ""


def write_village(root: Path, v: VillageSpec, index: int, used_ids: set[str]) -> None:
    rng = random.Random(f"qinghe-demo/{v.slug}")
    people = People(random.Random(f"qinghe-people/{v.slug}"), v.surname, used_ids)
    folder = root / v.township.slug / v.slug
    folder.mkdir(parents=True)
    files = folder / "files"
    mods = v.modules
    style = v.style
    attach: dict[str, str] = {}
    pdfs: dict[str, tuple[str, list[str]]] = {}

    if v.photo:
        files.mkdir(exist_ok=True)
        (files / v.photo).write_bytes(make_png(240, 150, PALETTES[index % len(PALETTES)], index))
    village_yaml(folder, v)
    if "powers" in mods:
        powers_yaml(folder, v, POWER_KEYS[v.slug])
    if "services" in mods:
        services_yaml(folder, v, SERVICE_KEYS[v.slug])

    assets = make_assets(v, rng, people) if "assets" in mods else []
    resources = make_resources(v, rng, people) if "resources" in mods else []
    projects = make_projects(v, rng) if "projects" in mods else []
    entries: list[Entry] = []
    if "finance" in mods:
        entries = make_ledger(v, rng, people, assets, resources, projects, OPENING[v.slug])
        if v.slug in ("liuzhuang-cun", "zhangwan-cun"):
            picks = [e for e in entries if e.kind == "支出" and e.cents >= 100000][-2:]
            picked = {id(e) for e in picks}
            new = []
            for e in entries:
                if id(e) in picked:
                    name = "fapiao-" + e.voucher.removeprefix("记-") + ".pdf"
                    pdfs[name] = (f"Invoice scan {e.voucher.removeprefix('记-')}",
                                  [f"Village: {v.slug}", f"Date: {e.date.isoformat()}",
                                   f"Amount: {money(e.cents)} CNY", "Stamp: (scan)"])
                    e = replace(e, attachment=name)
                new.append(e)
            entries = new
        write_finance(folder, v, entries)
    if "balances" in mods:
        before = None
        if v.slug == "liuzhuang-cun":
            before = [Balance(2024, 12, 31205588, 4561000, 7123461)]
            assert before[0].closing == OPENING[v.slug]
        balances = make_balances(entries, OPENING[v.slug], before)
        mstyle = style.get("balance_month", "iso")
        mmoney = "comma" if v.slug == "wangying-cun" else "2dp"
        rows = []
        for b in balances:
            rows.append({
                "月份": fmt_month(b.year, b.month, mstyle),
                "期初余额": money(b.opening, mmoney),
                "本月收入": money(b.income, mmoney),
                "本月支出": money(b.expense, mmoney),
                "期末余额": money(b.closing, mmoney),
            })
        write_csv(folder / "balances.csv", ["月份", "期初余额", "本月收入", "本月支出", "期末余额"], rows)
    if assets:
        write_assets(folder, v, assets)
    if resources:
        rows = []
        for r in resources:
            rent = money(r.rent) if r.rent else ""
            if r.name == "南洼鱼塘" or (v.slug == "liuzhuang-cun" and r.kind == "草地"):
                rent = money(r.rent, "fullwidth")
            rows.append({
                "编号": r.code, "名称": r.name, "类型": r.kind, "面积": r.area, "位置": r.place,
                "承包方": r.holder, "合同编号": r.contract, "开始日期": d_or_blank(r.start),
                "结束日期": d_or_blank(r.end), "年租金": rent,
            })
        write_csv(folder / "resources.csv",
                  ["编号", "名称", "类型", "面积", "位置", "承包方", "合同编号", "开始日期", "结束日期", "年租金"],
                  rows)
    if "contracts" in mods:
        contracts = (resource_contracts(v, resources) + other_contracts(v, assets, rng)
                     + project_contracts(v, projects))
        if v.slug in ("liuzhuang-cun", "lilou-cun"):
            first = contracts[0]
            name = f"hetong-{first.code.lower()}.pdf"
            pdfs[name] = (f"Contract {first.code}", [f"Village: {v.slug}", f"Signed: {first.signed}",
                                                     f"Amount: {money(first.amount)} CNY",
                                                     "Party A: village committee", "Party B: (scan)"])
            contracts[0] = replace(first, attachment=name)
        cstyle = "dot" if v.slug == "lilou-cun" else "iso"
        rows = []
        for n, c in enumerate(contracts):
            amount_style = "2dp"
            if v.slug == "qianjin-shequ" and c.kind == "租赁":
                amount_style = "fullwidth"
            elif v.slug == "wangying-cun" and n % 3 == 0:
                amount_style = "comma"
            rows.append({
                "合同编号": c.code, "名称": c.name, "相对方": c.party, "类型": c.kind,
                "金额": money(c.amount, amount_style), "签订日期": fmt_date(c.signed, cstyle),
                "开始日期": d_or_blank(c.start, cstyle), "结束日期": d_or_blank(c.end, cstyle),
                "状态": c.status, "附件": c.attachment,
            })
        write_csv(folder / "contracts.csv",
                  ["合同编号", "名称", "相对方", "类型", "金额", "签订日期", "开始日期", "结束日期", "状态", "附件"],
                  rows)
    if projects:
        if v.slug in ("liuzhuang-cun", "qianjin-shequ"):
            files.mkdir(exist_ok=True)
            name = f"{v.abbr.lower()}-xm-2025-01-yanshou.png"
            (files / name).write_bytes(make_png(200, 120, PALETTES[(index + 1) % len(PALETTES)], index + 50))
            projects[0] = replace(projects[0], attachment=name)
        pstyle = "cn" if v.slug == "qianjin-shequ" else "iso"
        pmoney = "yen" if v.slug == "liuzhuang-cun" else "2dp"
        rows = []
        for p in projects:
            rows.append({
                "项目编号": p.code, "名称": p.name, "类别": p.category, "资金来源": p.source,
                "预算金额": money(p.budget, pmoney), "已拨付金额": money(p.paid, pmoney),
                "实施单位": p.builder, "开工日期": d_or_blank(p.start, pstyle),
                "计划完工日期": d_or_blank(p.planned, pstyle),
                "实际完工日期": d_or_blank(p.finished, pstyle), "进度": str(p.progress),
                "状态": p.status, "备注": p.note, "附件": p.attachment,
            })
        write_csv(folder / "projects.csv",
                  ["项目编号", "名称", "类别", "资金来源", "预算金额", "已拨付金额", "实施单位", "开工日期",
                   "计划完工日期", "实际完工日期", "进度", "状态", "备注", "附件"], rows)
    welfare: list[Payment] = []
    if "welfare" in mods:
        welfare = make_welfare(v, rng, people)
        write_welfare(folder, v, welfare)
    if "notices" in mods:
        if v.slug != "houzhai-cun":
            attach["siyi"] = "siyi-jiyao-2026-08.pdf"
            pdfs[attach["siyi"]] = ("Meeting minutes 2026-08-30", [
                f"Village: {v.slug}", "Villager representatives meeting", "Present: 32 of 35",
                "Resolution: approved (31 for)", "Signatures: (scan)"])
        if entries and v.slug in ("wangying-cun", "liuhe-cun", "qianjin-shequ"):
            attach["juesuan"] = "juesuan-2025.pdf"
            pdfs[attach["juesuan"]] = ("Annual accounts 2025", [
                f"Village: {v.slug}", "Balance sheet and income statement", "Audited by township",
                "Stamp: (scan)"])
        notes = make_notices(v, entries, welfare, people, NOTICE_COUNT[v.slug], attach)
        used = {a for n in notes for a in n.attachments}
        for key in [k for k, name in attach.items() if name not in used]:
            pdfs.pop(attach.pop(key))
        ndir = folder / "notices"
        ndir.mkdir()
        for n in notes:
            write_notice(ndir, n)
    for name, (title, lines) in sorted(pdfs.items()):
        files.mkdir(exist_ok=True)
        (files / name).write_bytes(make_pdf(title, lines))


def write_finance(folder: Path, v: VillageSpec, entries: list[Entry]) -> None:
    style = v.style
    dstyle = style.get("finance_date", "iso")
    mstyle = style.get("finance_money", "2dp")
    columns = ["日期", "凭证号", "类型", "科目", "摘要", "金额", "经手人", "审批人", "附件"]
    if v.slug == "wangying-cun":
        columns = ["凭证号", "日期", "摘要", "科目", "类型", "金额", "审批人", "经手人", "附件"]
    elif v.slug == "lilou-cun":
        columns = ["日期", "凭证号", "类型", "科目", "摘要", "金额", "附件"]
    elif v.slug == "qianjin-shequ":
        columns = ["日期", "凭证号", "类型", "科目", "摘要", "金额", "经手人", "审批人"]
    rows: list[dict[str, str] | None] = []
    gap_done = v.slug != "zhangwan-cun"
    for e in entries:
        if not gap_done and e.date.year == 2026:
            rows.append(None)  # an empty row, as Excel leaves them
            gap_done = True
        row = {
            "日期": fmt_date(e.date, dstyle), "凭证号": e.voucher, "类型": e.kind, "科目": e.subject,
            "摘要": e.summary, "金额": money(e.cents, mstyle), "经手人": e.handler, "审批人": e.approver,
            "附件": e.attachment,
        }
        rows.append({k: val for k, val in row.items() if k in columns})
    header = None
    if v.slug == "zhangwan-cun":
        header = [c if c != "金额" else "金额 " for c in columns]
    encoding, bom, crlf = "utf-8", False, False
    if v.slug == "liuhe-cun":
        encoding, crlf = "gb18030", True
    elif v.slug == "zhangwan-cun":
        bom, crlf = True, True
    write_csv(folder / "finance.csv", columns, rows, encoding=encoding, bom=bom, crlf=crlf, header=header)


def write_assets(folder: Path, v: VillageSpec, assets: list[Asset]) -> None:
    columns = ["编号", "名称", "类别", "数量", "单位", "原值", "购建日期", "位置", "状态", "承租方", "年收益"]
    if v.slug == "wangying-cun":
        rows: list[dict[str, object]] = []
        for a in assets:
            rows.append({
                "编号": a.code, "名称": a.name, "类别": a.category, "数量": a.qty, "单位": a.unit,
                "原值": a.value / 100, "购建日期": a.built, "位置": a.place, "状态": a.status,
                "承租方": a.tenant or None, "年收益": a.income / 100 if a.income else None,
            })
        write_xlsx(folder / "assets.xlsx", columns, rows, money_columns=("原值", "年收益"),
                   widths={"名称": 26, "承租方": 30, "位置": 20, "购建日期": 12})
        return
    out = []
    for a in assets:
        out.append({
            "编号": a.code, "名称": a.name, "类别": a.category, "数量": str(a.qty), "单位": a.unit,
            "原值": money(a.value), "购建日期": a.built.isoformat(), "位置": a.place, "状态": a.status,
            "承租方": a.tenant, "年收益": money(a.income) if a.income else "",
        })
    write_csv(folder / "assets.csv", columns, out)


def write_welfare(folder: Path, v: VillageSpec, payments: list[Payment]) -> None:
    columns = ["项目", "姓名", "身份证号", "家庭人口", "金额", "发放日期", "发放方式", "备注"]

    def id_text(p: Payment) -> str:
        if not p.show_id:
            return ""
        number = p.person.id_number
        # clerks type the check letter either way; keep lower-case x for some people
        if number.endswith("X") and (p.person.birth.day % 2 == 0):
            return number[:-1] + "x"
        return number

    if v.slug == "houzhai-cun":
        rows: list[dict[str, object]] = []
        for p in payments:
            rows.append({
                "项目": p.program, "姓名": p.person.name, "身份证号": id_text(p) or None,
                "家庭人口": p.household, "金额": p.cents / 100, "发放日期": p.date,
                "发放方式": p.method, "备注": p.note,
            })
        write_xlsx(folder / "welfare.xlsx", columns, rows, text_columns=("身份证号",),
                   money_columns=("金额",), widths={"身份证号": 22, "备注": 30, "发放日期": 12})
        return
    mstyle = "yuan" if v.slug == "lilou-cun" else "2dp"
    out = []
    for n, p in enumerate(payments):
        amount = money(p.cents, mstyle)
        if v.slug == "qianjin-shequ" and p.program == "临时救助" and n % 2 == 0:
            amount = money(p.cents, "fullwidth")
        out.append({
            "项目": p.program, "姓名": p.person.name, "身份证号": id_text(p),
            "家庭人口": str(p.household) if p.household else "", "金额": amount,
            "发放日期": p.date.isoformat(), "发放方式": p.method, "备注": p.note,
        })
    write_csv(folder / "welfare.csv", columns, out)


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def generate(data_dir: Path) -> Path:
    """(Re)write ``data_dir/qinghe-xian`` and return its path."""
    root = data_dir / COUNTY_SLUG
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    county_yaml(root)
    for township in TOWNSHIPS:
        (root / township.slug).mkdir()
        township_yaml(root / township.slug, township)
    used_ids: set[str] = set()
    for index, v in enumerate(VILLAGES):
        write_village(root, v, index, used_ids)
        logger.info("已生成 %s", v.rel)
    return root


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = sys.argv[1:] if argv is None else argv
    data_dir = Path(args[0]) if args else Path("villages")
    root = generate(data_dir)
    logger.info("演示数据已写入 %s（%d 字节）", root, _size(root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
