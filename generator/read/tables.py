"""Read one table — a ``.csv`` or the first sheet of an ``.xlsx`` — into rows of cells.

CSV: UTF-8 (with or without BOM) or GB18030/GBK, detected strictly (a file that is
neither is an error, never a silent guess), comma-delimited, streamed. XLSX: the
first sheet via python-calamine, with typed cells (dates stay dates, numbers stay
numbers: ID and phone columns are the schema's business), after checking the zip is
real and not a bomb.

Header is row 1. Row locations are the rows Excel shows: the record number in the CSV
(a quoted cell with Alt+Enter line breaks is still one row) and the sheet row in the XLSX.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import itertools
import logging
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.errors import Problem

logger = logging.getLogger(__name__)

CellValue = str | int | float | datetime.date | datetime.datetime

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_XLSX_RATIO = 200
# A sheet's grid (rows × columns from A1 to its farthest cell) is allocated whole by the
# reader: above this many cells it must be mostly filled.
MAX_XLSX_GRID = 5_000_000
_GRID_SLACK = 4
# Below this uncompressed total the ratio is not checked: a tiny, very regular
# workbook compresses well and cannot hurt.
_RATIO_CHECK_FROM = 5 * 1024 * 1024
# The csv module's per-field limit (process-wide); longer fields stop the read.
_CSV_FIELD_LIMIT = 16 * 1024 * 1024
_CHUNK = 1024 * 1024

FIELD_FILE = "文件"
FIELD_HEADER = "表头"
MSG_EMPTY = "文件是空的"
MSG_ENCODING = "无法识别的文件编码，请用 UTF-8 或 GB18030（GBK）保存"
MSG_BINARY = "不是文本表格文件（可能是二进制文件改了扩展名）"
MSG_NOT_XLSX = "不是有效的 Excel .xlsx 文件"
MSG_ZIP_BOMB = "Excel 文件解压后过大，疑似损坏或恶意文件"
MSG_HEADER_ROW = "第 1 行应为表头"
MSG_HUGE_RANGE = ("表格的使用范围过大（一直到单元格 {cell}），几乎都是空白：请在 Excel 里删除多余的空行和空列"
                  "（或把有内容的部分复制到新表格）后重新保存")
MSG_TITLE_ROW = "第 1 行是标题，请删除这一行，让表头在第 1 行"
MSG_BLANK_FIRST_ROW = "第 1 行是空行，请删除这一行，让表头在第 1 行"
MSG_SEPARATOR = "表头各列是用{name}分开的，请用逗号分隔：在 Excel 里另存为“CSV UTF-8（逗号分隔）”"
MSG_EXTRA_CELLS = "这一行的单元格比表头多"

# Starts of common binary formats (zip/xlsx, old .xls, PDF, images, 7z, rar, gzip).
_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x1f\x8b",
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_BLANK = " \t\r\n\x0b\x0c\ufeff"  # a file of only these is empty


class Row(NamedTuple):
    """One data row: ``line`` is its first physical line (CSV) or sheet row (XLSX);
    ``values`` has one cell per column of ``header`` (the table's, shared). A named tuple:
    a village has thousands of rows, and a tuple is made in one step."""

    line: int
    values: tuple[CellValue, ...]
    header: tuple[str, ...]

    @property
    def cells(self) -> dict[str, CellValue]:
        return dict(zip(self.header, self.values, strict=True))


@dataclass(frozen=True)
class Table:
    path: str
    header: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]


def read_table(abs_path: Path, rel_path: str) -> tuple[Table | None, list[Problem]]:
    """Read ``abs_path`` (reported as ``rel_path``). ``.xlsx`` by suffix, else CSV.

    Returns ``(table, problems)``; ``table`` is None when the file cannot be read as
    a table at all (encoding, binary, empty, bad header). Row-level problems (extra
    cells, over-long cells) come with a table.
    """
    try:
        size = abs_path.stat().st_size
    except OSError as exc:
        return None, [_file_problem(rel_path, f"无法读取文件（{exc.strerror or exc}）")]
    if size > MAX_FILE_BYTES:
        mb = size // (1024 * 1024)
        return None, [_file_problem(rel_path, f"文件过大（{mb} MB），最多 200 MB")]
    if size == 0:
        return None, [_file_problem(rel_path, MSG_EMPTY)]
    try:
        if abs_path.suffix.lower() == ".xlsx":
            return _read_xlsx(abs_path, rel_path)
        return _read_csv(abs_path, rel_path, size)
    except OSError as exc:
        return None, [_file_problem(rel_path, f"无法读取文件（{exc.strerror or exc}）")]


def _file_problem(rel_path: str, message: str) -> Problem:
    return Problem(rel_path, 1, FIELD_FILE, message)


# ---------------------------------------------------------------------------
# shared: header and rows


class _Builder:
    """Turns raw rows (line, cells) into a Table, collecting problems."""

    def __init__(self, rel_path: str, *, all_text: bool) -> None:
        self.rel_path = rel_path
        self.all_text = all_text  # every cell is a str (CSV)
        self.problems: list[Problem] = []
        self.header: tuple[str, ...] = ()
        self.rows: list[Row] = []

    def set_header(self, raw: list[CellValue]) -> bool:
        """Check the header row; False (with problems) when there is no usable header."""
        names = [_header_text(v) for v in raw]
        while names and names[-1] == "":
            names.pop()
        if not names:
            self.problems.append(Problem(self.rel_path, 1, FIELD_HEADER, MSG_HEADER_ROW))
            return False
        if len(names) > MAX_COLUMNS:
            self.problems.append(
                _file_problem(self.rel_path, f"列数过多（{len(names)} 列），最多 {MAX_COLUMNS} 列")
            )
            return False
        seen: set[str] = set()
        for index, name in enumerate(names, start=1):
            if name == "":
                self.problems.append(
                    Problem(self.rel_path, 1, FIELD_HEADER, f"第 {index} 列没有列名")
                )
            elif name in seen:
                self.problems.append(Problem(self.rel_path, 1, name, "列名重复"))
            seen.add(name)
        if self.problems:
            return False
        self.header = tuple(names)
        return True

    def add_row(self, line: int, raw: list[CellValue]) -> None:
        """Add one non-blank row (callers skip blank ones)."""
        header = self.header
        width = len(header)
        if len(raw) > width:
            if any(v != "" for v in raw[width:]):
                self.problems.append(Problem(self.rel_path, line, FIELD_FILE, MSG_EXTRA_CELLS))
            raw = raw[:width]
            if all(v == "" for v in raw):
                return  # nothing under the header, already reported
        elif len(raw) < width:
            raw = raw + [""] * (width - len(raw))
        if self.all_text:
            too_long = max(map(len, raw)) > MAX_CELL_CHARS  # type: ignore[arg-type]
        else:
            texts = [v for v in raw if type(v) is str]
            too_long = bool(texts) and max(map(len, texts)) > MAX_CELL_CHARS
        if too_long:
            raw = self._blank_long_cells(line, raw)
            if all(v == "" for v in raw):
                return  # only over-long cells, already reported
        self.rows.append(Row(line, tuple(raw), header))

    def _blank_long_cells(self, line: int, raw: list[CellValue]) -> list[CellValue]:
        kept: list[CellValue] = []
        for name, value in zip(self.header, raw, strict=True):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                message = f"内容过长（{len(value)} 字），单元格最多 {MAX_CELL_CHARS} 字"
                self.problems.append(Problem(self.rel_path, line, name, message))
                value = ""
            kept.append(value)
        return kept

    def table(self) -> Table:
        return Table(self.rel_path, self.header, 1, tuple(self.rows))


def _first_row_problem(rel_path: str, line: int, cells: list[CellValue],
                       below: list[CellValue] | None) -> Problem | None:
    """One message for a table whose header is not on row 1: a blank row 1, a title row
    (one filled cell, often merged across the columns, above a wider row), or a whole
    header in one cell (semicolons or tabs instead of commas). ``below``: the next
    non-blank row. None when row 1 can be the header."""
    if line != 1:
        return Problem(rel_path, 1, FIELD_HEADER, MSG_BLANK_FIRST_ROW)
    filled = [v for v in cells if v != ""]
    if len(filled) == 1:
        only = str(filled[0])
        for sep, name in ((";", "分号"), ("\t", "Tab")):
            if sep in only:
                return Problem(rel_path, 1, FIELD_HEADER, MSG_SEPARATOR.format(name=name))
    width = len(cells)
    while width and cells[width - 1] == "":
        width -= 1
    gaps = width > len(filled)  # an empty cell between filled ones: not a header
    wider = sum(v != "" for v in below) if below is not None else 0
    if len(filled) == 1 and wider > 1 or gaps and 2 * len(filled) <= wider:
        return Problem(rel_path, 1, FIELD_HEADER, MSG_TITLE_ROW)
    return None


def _header_text(value: CellValue) -> str:
    if isinstance(value, str):
        return value.strip()
    return _cell_text(value)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------
# CSV


def _sniff_encoding(abs_path: Path) -> tuple[str | None, str | None]:
    """(python encoding, None) or (None, problem message).

    UTF-8 is tried first over the whole file (streamed); only if it fails, GB18030.
    NUL bytes or a known binary signature mean "not a text table".
    """
    with abs_path.open("rb") as f:
        head = f.read(64)
    if head.startswith(_UTF16_BOMS):
        return None, MSG_ENCODING
    if head.startswith(_MAGIC):
        return None, MSG_BINARY
    verdict = _scan(abs_path, "utf-8")
    encoding = "utf-8-sig"
    if verdict == "bad":
        verdict = _scan(abs_path, "gb18030")
        encoding = "gb18030"
    if verdict == "nul":
        return None, MSG_BINARY
    if verdict == "bad":
        return None, MSG_ENCODING
    if verdict == "blank":
        return None, MSG_EMPTY
    return encoding, None


def _scan(abs_path: Path, encoding: str) -> str:
    """Decode the whole file: "ok", "blank" (only whitespace), "nul" or "bad"."""
    decoder = codecs.getincrementaldecoder(encoding)()
    blank = True
    try:
        with abs_path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                if b"\x00" in chunk:
                    return "nul"
                text = decoder.decode(chunk)
                if blank and text.strip(_BLANK):
                    blank = False
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "bad"
    return "blank" if blank else "ok"


def _ensure_field_limit() -> None:
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)


def _decoded(abs_path: Path, size: int) -> str | None:
    """The text of a CSV file that is plain UTF-8 (with or without BOM), not blank, without
    NUL bytes or a binary signature, and smaller than the field limit — nearly every file —
    read and decoded once; None for anything else, which ``_sniff_encoding`` examines."""
    if size >= _CSV_FIELD_LIMIT:
        return None
    data = abs_path.read_bytes()
    if b"\x00" in data or data.startswith(_UTF16_BOMS) or data.startswith(_MAGIC):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return text if text.strip(_BLANK) else None


class _CsvError(Exception):
    def __init__(self, line: int, detail: str) -> None:
        super().__init__(detail)
        self.line = line


def _records(text: str) -> Iterator[tuple[int, list[CellValue]]]:
    """(first physical line, stripped cells) of each CSV record; a blank line may come as
    no cells or one empty cell (callers skip records without text). Raises _CsvError."""
    strip = str.strip
    if '"' not in text and text.count("\r") == text.count("\r\n"):
        # No quotes and no lone CR (nearly every clerk's file): every record is one line
        # and its cells are the text between commas — what csv.reader makes of it,
        # without its per-record cost.
        for start, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
            yield start, list(map(strip, line.split(",")))
        return
    # a record is one row in Excel however many lines its cells (Alt+Enter) span: its
    # location is its record number (a blank line is a record too, as it is a row in Excel)
    yield from _csv_records(io.StringIO(text, newline=""))


def _streamed_records(abs_path: Path, encoding: str) -> Iterator[tuple[int, list[CellValue]]]:
    """``_records`` read from the file as it goes (large files: never the whole text at once)."""
    with abs_path.open("r", encoding=encoding, newline="") as f:
        yield from _csv_records(f)


def _csv_records(source: Iterable[str]) -> Iterator[tuple[int, list[CellValue]]]:
    """(record number, stripped cells) of CSV text: the record number is the row Excel shows."""
    strip = str.strip
    row = 0
    try:
        for record in csv.reader(source, strict=True):
            row += 1
            yield row, list(map(strip, record))
    except csv.Error as exc:
        raise _CsvError(row + 1, str(exc)) from None


def _read_csv(abs_path: Path, rel_path: str, size: int) -> tuple[Table | None, list[Problem]]:
    stream, problems = _open_csv(abs_path, rel_path, size)
    if stream is None:
        return None, problems
    return stream.whole()


CHUNK_ROWS = 20_000  # rows handed to validation at a time when a table is streamed


class TableStream:
    """A table read as it goes: ``header`` at once, then the rows in chunks of at most
    ``CHUNK_ROWS`` (``chunks``, consumed once). ``problems`` grows while the rows are read
    (a row with more cells than the header, an over-long cell, a broken CSV record); when a
    record is broken (``failed``) the reading stops there and the table is unusable, as
    ``read_table`` returns no table for it. A large CSV is never held whole: ``check``
    validates it chunk by chunk (generator.read.load)."""

    def __init__(self, rel_path: str, builder: _Builder,
                 rows: Iterator[tuple[int, list[CellValue]]] | None,
                 done: tuple[Row, ...] = ()) -> None:
        self.path = rel_path
        self.header = builder.header
        self.header_line = 1
        self.problems = builder.problems
        self.failed = False
        self._builder = builder
        self._records = rows
        self._done = done

    def chunks(self) -> Iterator[tuple[Row, ...]]:
        if self._records is None:  # rows read already (an .xlsx sheet)
            for k in range(0, len(self._done), CHUNK_ROWS):
                yield self._done[k:k + CHUNK_ROWS]
            return
        builder, rel_path = self._builder, self.path
        header, width, rows, add_row = builder.header, len(builder.header), builder.rows, builder.add_row
        try:
            # the rows of the header's width with no over-long cell (nearly all) are taken
            # here; the others go through add_row, which reports and mends them
            for start, cells in self._records:
                if len(cells) == width and max(map(len, cells)) <= MAX_CELL_CHARS:
                    if any(cells):
                        rows.append(Row(start, tuple(cells), header))
                elif any(cells):
                    add_row(start, cells)
                if len(rows) >= CHUNK_ROWS:
                    yield tuple(rows)
                    rows.clear()
        except _CsvError as exc:
            self.problems.append(Problem(rel_path, exc.line, FIELD_FILE, _csv_message(str(exc))))
            self.failed = True
            rows.clear()
            return
        if rows:
            yield tuple(rows)
            rows.clear()

    def whole(self) -> tuple[Table | None, list[Problem]]:
        """All rows at once: ``read_table``'s answer."""
        rows = [r for chunk in self.chunks() for r in chunk]
        if self.failed:
            return None, self.problems
        return Table(self.path, self.header, 1, tuple(rows)), self.problems


def open_table(abs_path: Path, rel_path: str) -> tuple[TableStream | None, list[Problem]]:
    """``read_table`` as a stream of row chunks (CSV: read from the file as it goes; an
    .xlsx sheet, at most 100 MB of XML, is read whole by its reader and handed on in chunks).
    ``(None, problems)`` when the file cannot be read as a table at all."""
    try:
        size = abs_path.stat().st_size
    except OSError as exc:
        return None, [_file_problem(rel_path, f"无法读取文件（{exc.strerror or exc}）")]
    if size > MAX_FILE_BYTES or size == 0 or abs_path.suffix.lower() == ".xlsx":
        table, problems = read_table(abs_path, rel_path)
        if table is None:
            return None, problems
        builder = _Builder(rel_path, all_text=False)
        builder.header = table.header
        builder.problems = problems
        return TableStream(rel_path, builder, None, table.rows), problems
    try:
        return _open_csv(abs_path, rel_path, size)
    except OSError as exc:
        return None, [_file_problem(rel_path, f"无法读取文件（{exc.strerror or exc}）")]


def _open_csv(abs_path: Path, rel_path: str, size: int) -> tuple[TableStream | None, list[Problem]]:
    text = _decoded(abs_path, size)
    if text is None:
        encoding, problem = _sniff_encoding(abs_path)
        if encoding is None:
            assert problem is not None
            return None, [_file_problem(rel_path, problem)]
        if encoding == "gb18030":
            logger.debug("%s: read as GB18030", rel_path)
        records = _streamed_records(abs_path, encoding)  # line ends kept as written
    else:
        records = _records(text)
    _ensure_field_limit()
    builder = _Builder(rel_path, all_text=True)
    try:
        for start, cells in records:
            if not any(cells):
                continue  # blank line or only empty cells
            below = None
            if start == 1 and "" in cells:  # a title? look at the next row
                found = next(((n, c) for n, c in records if any(c)), None)
                if found is not None:
                    below = found[1]
                    records = itertools.chain([found], records)
            problem = _first_row_problem(rel_path, start, cells, below)
            if problem is not None:
                return None, [problem]
            if not builder.set_header(cells):
                return None, builder.problems
            break
    except _CsvError as exc:
        builder.problems.append(Problem(rel_path, exc.line, FIELD_FILE, _csv_message(str(exc))))
        return None, builder.problems
    if not builder.header:
        return None, [_file_problem(rel_path, MSG_EMPTY)]
    return TableStream(rel_path, builder, records), builder.problems


def _csv_message(detail: str) -> str:
    if "unexpected end of data" in detail:
        return f"CSV 格式错误：引号没有配对，从这一行起到文件末尾都被当成了一个单元格（{detail}）"
    if "field larger than field limit" in detail:
        return "CSV 格式错误：单元格内容过长（超过 16 MB），可能是引号没有配对"
    if "expected after" in detail:
        return f'CSV 格式错误：引号用法不对，单元格里的引号要写成两个 ""（{detail}）'
    return f"CSV 格式错误（{detail}）"


# ---------------------------------------------------------------------------
# XLSX


def _check_zip(abs_path: Path) -> str | None:
    """None when the file looks like a sane xlsx zip, else the problem message."""
    if not zipfile.is_zipfile(abs_path):
        return MSG_NOT_XLSX
    try:
        with zipfile.ZipFile(abs_path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return MSG_NOT_XLSX
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        return MSG_NOT_XLSX
    uncompressed = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if uncompressed > MAX_XLSX_UNCOMPRESSED:
        return MSG_ZIP_BOMB
    if uncompressed > _RATIO_CHECK_FROM and uncompressed > MAX_XLSX_RATIO * max(compressed, 1):
        return MSG_ZIP_BOMB
    return None


# refs of cells (and rows) by the length of their column letters / row digits: for each
# length the largest is the bytewise largest, so the farthest cell is found by findall and
# max, in C, without a Python step per cell
_COLUMNS_OF_LENGTH = {n: re.compile(rb' r="([A-Z]{%d})[0-9]' % n) for n in (3, 2, 1)}
_ROWS_OF_LENGTH = {n: re.compile(rb' r="[A-Z]{0,3}([0-9]{%d})"' % n) for n in range(7, 0, -1)}
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _farthest(part: bytes) -> tuple[int, int]:
    """(largest row, largest column) of the refs in ``part``."""
    row = col = 0
    for pattern in _ROWS_OF_LENGTH.values():
        found = pattern.findall(part)
        if found:
            row = int(max(found))
            break
    for pattern in _COLUMNS_OF_LENGTH.values():
        found = pattern.findall(part)
        if found:
            col = _column_number(max(found))
            break
    return row, col


def _sheet_extent(archive: zipfile.ZipFile, name: str) -> tuple[int, int, str]:
    """(rows × columns of the grid a reader would allocate, cells present, its last cell)
    of one sheet's XML, read in chunks: the declared <dimension> and the farthest cell."""
    rows = cols = cells = 0
    carry = b""
    with archive.open(name) as f:
        while True:
            chunk = f.read(_CHUNK)
            buf = carry + chunk
            cut = buf.rfind(b"<") if chunk else len(buf)  # complete tags only
            part, carry = buf[:max(cut, 0)], buf[max(cut, 0):]
            cells += part.count(b"<c ") + part.count(b"<c>") + part.count(b":c ")
            row, col = _farthest(part)
            rows, cols = max(rows, row), max(cols, col)
            for m in _DIMENSION.finditer(part):
                rows, cols = max(rows, int(m.group(2))), max(cols, _column_number(m.group(1)))
            if not chunk:
                break
    return rows * cols, cells, f"{_column_letters(cols)}{rows}"


def _check_extent(abs_path: Path) -> str | None:
    """None when no sheet declares or uses a grid far larger than its cells (one cell at
    XFD1048576 in a 2 KB file would make the reader allocate billions of cells)."""
    with zipfile.ZipFile(abs_path) as archive:
        sheets = [n for n in archive.namelist()
                  if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        for name in sheets:
            grid, cells, last = _sheet_extent(archive, name)
            if grid > MAX_XLSX_GRID and grid > _GRID_SLACK * max(cells, 1):
                return MSG_HUGE_RANGE.format(cell=last)
    return None


def _xlsx_value(value: object) -> CellValue:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**63:
            return int(value)
        return value
    if isinstance(value, int | datetime.date):  # datetime is a date
        return value
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    if value is None:
        return ""
    return str(value).strip()


def _read_xlsx(abs_path: Path, rel_path: str) -> tuple[Table | None, list[Problem]]:
    problem = _check_zip(abs_path)
    if problem is None:
        try:
            problem = _check_extent(abs_path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, zlib.error):
            problem = MSG_NOT_XLSX
    if problem is not None:
        return None, [_file_problem(rel_path, problem)]
    from python_calamine import CalamineWorkbook  # heavy import, only when needed

    try:
        workbook = CalamineWorkbook.from_path(str(abs_path))
        try:
            sheet = workbook.get_sheet_by_index(0)
            # From A1, so list positions are real sheet rows and columns.
            data = sheet.to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine's own errors, and a Rust panic
        logger.debug("%s: calamine failed: %r", rel_path, exc)
        return None, [_file_problem(rel_path, MSG_NOT_XLSX)]
    rows = _xlsx_rows(data)
    first = next(rows, None)
    if first is None:
        return None, [_file_problem(rel_path, MSG_EMPTY)]
    builder = _Builder(rel_path, all_text=False)
    line, raw = first
    second = next(rows, None)
    problem = _first_row_problem(rel_path, line, raw, second[1] if second else None)
    if problem is not None:
        return None, [problem]
    if second is not None:
        rows = itertools.chain([second], rows)
    if not builder.set_header(raw):
        return None, builder.problems
    for line, raw in rows:
        builder.add_row(line, raw)
    return builder.table(), builder.problems


def _xlsx_rows(data: Iterable[list[object]]) -> Iterator[tuple[int, list[CellValue]]]:
    for index, record in enumerate(data, start=1):
        cells = [v.strip() if type(v) is str else _xlsx_value(v) for v in record]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            yield index, cells
