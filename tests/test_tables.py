"""Reading one CSV or XLSX table (generator.tables)."""

from __future__ import annotations

import datetime
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from generator.errors import Problem
from generator.read.tables import read_table

REL = "qinghe-xian/dongguan-zhen/liuzhuang-cun/finance.csv"
REL_X = "qinghe-xian/dongguan-zhen/liuzhuang-cun/finance.xlsx"
ENCODING_MESSAGE = "无法识别的文件编码，请用 UTF-8 或 GB18030（GBK）保存"
BINARY_MESSAGE = "不是文本表格文件（可能是二进制文件改了扩展名）"
NOT_XLSX = "不是有效的 Excel .xlsx 文件"
BOMB = "Excel 文件解压后过大，疑似损坏或恶意文件"

SAMPLE = (
    "日期,类型,摘要,金额\n2025-03-05,支出,购买办公用品,1234.50\n2025-03-06,收入,上级补助,￥5,000\n"
)


def write(tmp_path: Path, content: str | bytes, name: str = "finance.csv", **kw) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, **kw)
    return path


def read(path: Path, rel: str = REL):
    return read_table(path, rel)


def file_problem(message: str, rel: str = REL) -> Problem:
    return Problem(rel, 1, "文件", message)


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_read_the_same(tmp_path, encoding):
    text = "日期,类型,摘要,金额\n2025-03-05,支出,购买办公用品（笔、纸）,1234.50\n"
    table, problems = read(write(tmp_path, text, encoding=encoding))
    assert problems == []
    assert table is not None
    assert table.header == ("日期", "类型", "摘要", "金额")
    assert table.header_line == 1
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, {"日期": "2025-03-05", "类型": "支出", "摘要": "购买办公用品（笔、纸）", "金额": "1234.50"}),
    ]


def test_latin1_file_is_an_encoding_error(tmp_path):
    data = "name,city,note\nJosé,Zürich,café\n".encode("latin-1")
    assert read(write(tmp_path, data)) == (None, [file_problem(ENCODING_MESSAGE)])


def test_utf16_file_is_an_encoding_error(tmp_path):
    path = write(tmp_path, "日期,金额\n2025-03-05,1\n", encoding="utf-16")
    assert read(path) == (None, [file_problem(ENCODING_MESSAGE)])


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"name,amount\n" + b"abc\x00def\n" * 10,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,  # old .xls
    ],
)
def test_binary_file_renamed_csv(tmp_path, data):
    assert read(write(tmp_path, data)) == (None, [file_problem(BINARY_MESSAGE)])


def test_xlsx_renamed_csv_is_binary(tmp_path):
    xlsx = make_xlsx(tmp_path, [["日期", "金额"], ["2025-03-05", 1]])
    path = write(tmp_path, xlsx.read_bytes())
    assert read(path) == (None, [file_problem(BINARY_MESSAGE)])


# --------------------------------------------------------------------------- shape


@pytest.mark.parametrize("content", ["", "   \n\n  \r\n", "\ufeff\n"])
def test_empty_file(tmp_path, content):
    assert read(write(tmp_path, content, encoding="utf-8")) == (None, [file_problem("文件是空的")])


def test_header_only_is_fine(tmp_path):
    table, problems = read(write(tmp_path, "日期,类型,摘要,金额\n", encoding="utf-8"))
    assert problems == []
    assert table is not None and table.header == ("日期", "类型", "摘要", "金额")
    assert table.rows == ()


def test_whitespace_is_stripped(tmp_path):
    text = " 日期 ,\t类型 , 摘要\n 2025-03-05 ,  支出 ,\u3000修路 \n"
    table, problems = read(write(tmp_path, text, encoding="utf-8"))
    assert problems == []
    assert table.header == ("日期", "类型", "摘要")
    assert table.rows[0].cells == {"日期": "2025-03-05", "类型": "支出", "摘要": "修路"}


def test_multiline_cell_and_empty_rows_keep_excel_rows(tmp_path):
    # a cell with Alt+Enter line breaks is one row in Excel: rows are numbered as Excel shows them
    text = (
        "日期,摘要,金额\n"  # row 1
        '2025-03-05,"第一行\n第二行\n第三行",10\n'  # row 2 (lines 2-4)
        "\n"  # row 3
        ",,\n"  # row 4
        "2025-03-06,修路,20\r\n"  # row 5
        " , , \n"  # row 6
        "2025-03-07,,30\n"  # row 7
    )
    table, problems = read(write(tmp_path, text, encoding="utf-8", newline=""))
    assert problems == []
    assert [row.line for row in table.rows] == [2, 5, 7]
    assert table.rows[0].cells["摘要"] == "第一行\n第二行\n第三行"
    assert table.rows[2].cells == {"日期": "2025-03-07", "摘要": "", "金额": "30"}


def test_short_rows_are_padded_and_extra_cells_reported(tmp_path):
    text = "日期,摘要,金额\n2025-03-05\n2025-03-06,修路,20,多余\n2025-03-07,x,1,,\n"
    table, problems = read(write(tmp_path, text, encoding="utf-8"))
    assert (table.rows[0].line, table.rows[0].cells) == (2, {"日期": "2025-03-05", "摘要": "", "金额": ""})
    assert problems == [Problem(REL, 3, "文件", "这一行的单元格比表头多")]
    assert [row.line for row in table.rows] == [2, 3, 4]


def test_header_problems(tmp_path):
    table, problems = read(write(tmp_path, "日期,,金额\n1,2,3\n", encoding="utf-8"))
    assert table is None
    assert problems == [Problem(REL, 1, "表头", "第 2 列没有列名")]
    table, problems = read(write(tmp_path, "日期,金额,日期\n", encoding="utf-8"))
    assert table is None
    assert problems == [Problem(REL, 1, "日期", "列名重复")]


def test_trailing_empty_header_cells_are_ignored(tmp_path):
    table, problems = read(write(tmp_path, "日期,金额,,\n2025-03-05,1,,\n", encoding="utf-8"))
    assert problems == []
    assert table.header == ("日期", "金额")


def test_blank_first_line_means_no_header(tmp_path):
    path = write(tmp_path, "\n日期,金额\n2025-03-05,1\n", encoding="utf-8")
    assert read(path) == (None, [Problem(REL, 1, "表头", "第 1 行是空行，请删除这一行，让表头在第 1 行")])


def test_unclosed_quote_is_located(tmp_path):
    text = '日期,摘要\n2025-03-05,修路\n2025-03-06,"没有结束引号\n2025-03-07,x\n'
    table, problems = read(write(tmp_path, text, encoding="utf-8"))
    assert table is None
    assert [(p.line, p.field) for p in problems] == [(3, "文件")]
    assert "引号没有配对" in problems[0].message


def test_five_thousand_columns_refused_quickly(tmp_path):
    header = ",".join(f"列{i}" for i in range(5000))
    row = ",".join("1" for _ in range(5000))
    path = write(tmp_path, header + "\n" + (row + "\n") * 200, encoding="utf-8")
    start = time.perf_counter()
    result = read(path)
    assert time.perf_counter() - start < 1
    assert result == (None, [file_problem("列数过多（5000 列），最多 200 列")])


def test_huge_cell_is_reported_and_blanked(tmp_path):
    big = "长" * 1_000_000
    text = f"日期,摘要,金额\n2025-03-05,{big},10\n2025-03-06,修路,20\n"
    table, problems = read(write(tmp_path, text, encoding="utf-8"))
    assert problems == [Problem(REL, 2, "摘要", "内容过长（1000000 字），单元格最多 10000 字")]
    assert table.rows[0].cells == {"日期": "2025-03-05", "摘要": "", "金额": "10"}
    assert table.rows[1].cells["摘要"] == "修路"


def test_file_over_200_mb_is_refused(tmp_path):
    path = tmp_path / "finance.csv"
    with path.open("wb") as f:
        f.truncate(201 * 1024 * 1024)  # sparse: no real disk use
    assert read(path) == (None, [file_problem("文件过大（201 MB），最多 200 MB")])


def test_two_thousand_rows_read_fast(tmp_path):
    lines = ["日期,凭证号,类型,科目,摘要,金额,经手人"]
    lines += [
        f"2025-03-{i % 28 + 1:02d},记-{i},支出,管理费用,办公用品第{i}批,{i}.50,张三"
        for i in range(2000)
    ]
    path = write(tmp_path, "\n".join(lines) + "\n", encoding="utf-8")
    best = min(_timed(read, path) for _ in range(3))
    table, problems = read(path)
    assert problems == [] and len(table.rows) == 2000 and table.rows[-1].line == 2001
    assert best < 0.05


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


# --------------------------------------------------------------------------- xlsx


def make_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "finance.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=index, column=col, value=value)
    second = workbook.create_sheet("第二页")
    second["A1"] = "不会被读取"
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_typed_cells_and_sheet_rows(tmp_path):
    path = make_xlsx(
        tmp_path,
        [
            [" 日期 ", "摘要", "金额", "数量", "身份证号", "时间"],
            [datetime.date(2025, 3, 5), "  修路  ", 1234.5, 3, "41012219900101123X", None],
            [],
            [None, "只有摘要", None, None, None, datetime.datetime(2025, 3, 6, 9, 30)],
            [None, None, None, None, None, None, None, "表头外"],
        ],
    )
    table, problems = read(path, REL_X)
    assert problems == [Problem(REL_X, 5, "文件", "这一行的单元格比表头多")]
    assert table.header == ("日期", "摘要", "金额", "数量", "身份证号", "时间")
    assert [row.line for row in table.rows] == [2, 4]
    first = table.rows[0].cells
    assert first == {
        "日期": datetime.date(2025, 3, 5),
        "摘要": "修路",
        "金额": 1234.5,
        "数量": 3,
        "身份证号": "41012219900101123X",
        "时间": "",
    }
    assert type(first["数量"]) is int and type(first["金额"]) is float
    assert table.rows[1].cells["日期"] == "" and table.rows[1].cells["摘要"] == "只有摘要"
    assert table.rows[1].cells["时间"] == datetime.datetime(2025, 3, 6, 9, 30)


def test_xlsx_id_typed_as_number_stays_a_number(tmp_path):
    path = make_xlsx(tmp_path, [["身份证号"], [410122199001011221]])
    table, problems = read(path, REL_X)
    assert problems == []
    assert isinstance(table.rows[0].cells["身份证号"], int)  # parse_id will refuse it


def test_xlsx_leading_empty_row_is_not_a_header(tmp_path):
    path = make_xlsx(tmp_path, [[], ["日期", "金额"], ["2025-03-05", 1]])
    assert read(path, REL_X) == (None, [Problem(REL_X, 1, "表头", "第 1 行是空行，请删除这一行，让表头在第 1 行")])


def test_xlsx_leading_empty_column_keeps_positions(tmp_path):
    path = make_xlsx(tmp_path, [["日期", "金额"], [None, 5], [None, None], [None, 7]])
    table, problems = read(path, REL_X)
    assert problems == []
    assert [(row.line, row.cells) for row in table.rows] == [
        (2, {"日期": "", "金额": 5}),
        (4, {"日期": "", "金额": 7}),
    ]


def test_xlsx_header_only(tmp_path):
    table, problems = read(make_xlsx(tmp_path, [["日期", "金额"]]), REL_X)
    assert problems == [] and table.rows == ()


def test_non_zip_renamed_xlsx(tmp_path):
    path = write(tmp_path, SAMPLE, name="finance.xlsx", encoding="utf-8")
    assert read(path, REL_X) == (None, [file_problem(NOT_XLSX, REL_X)])


def test_zip_without_workbook_is_not_xlsx(tmp_path):
    path = tmp_path / "finance.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert read(path, REL_X) == (None, [file_problem(NOT_XLSX, REL_X)])


def test_truncated_xlsx(tmp_path):
    good = make_xlsx(tmp_path, [["日期", "金额"], ["2025-03-05", 1]], name="good.xlsx")
    data = good.read_bytes()
    path = write(tmp_path, data[: len(data) // 2], name="finance.xlsx")
    assert read(path, REL_X) == (None, [file_problem(NOT_XLSX, REL_X)])


def _zip_of_zeros(path: Path, megabytes: int) -> None:
    block = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(megabytes):
                member.write(block)


@pytest.mark.parametrize("megabytes", [110, 20])  # over 100 MB; under it but ratio > 200
def test_zip_bomb_renamed_xlsx(tmp_path, megabytes):
    path = tmp_path / "finance.xlsx"
    _zip_of_zeros(path, megabytes)
    assert path.stat().st_size < 1024 * 1024
    start = time.perf_counter()
    assert read(path, REL_X) == (None, [file_problem(BOMB, REL_X)])
    assert time.perf_counter() - start < 0.5


def test_unreadable_path_is_a_file_problem(tmp_path):
    missing = tmp_path / "gone.csv"
    table, problems = read(missing)
    assert table is None and len(problems) == 1
    assert problems[0].field == "文件" and problems[0].message.startswith("无法读取文件")


def test_directory_instead_of_file(tmp_path):
    (tmp_path / "finance.csv").mkdir()
    table, problems = read(tmp_path / "finance.csv")
    assert table is None and problems[0].message.startswith("无法读取文件")


# ----------------------------------------------------------------------------- properties
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _reference_records(text: str) -> list[tuple[int, list[str]]]:
    """What csv.reader makes of ``text``: (row as Excel numbers it, stripped cells) per record."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    return [(row, [c.strip() for c in record]) for row, record in enumerate(reader, 1)]


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([",", "\n", "\r\n", "\r", " ", "\t", "a", "张", "1", "\u3000",
                                 "\ufeff"]), max_size=60).map("".join))
def test_quote_free_csv_is_read_as_csv_reader_reads_it(text) -> None:
    """The quote-free fast path gives the records, cells and line numbers csv.reader gives
    (blank records, which the reader skips, aside)."""
    from generator.read.tables import _records

    assert [r for r in _records(text) if any(r[1])] == [
        r for r in _reference_records(text) if any(r[1])]


def test_csv_with_quotes_or_lone_cr_keeps_its_line_numbers(tmp_path: Path) -> None:
    """A quoted cell spanning lines, and a lone CR as a line end, still number rows as Excel
    shows them (a record with Alt+Enter line breaks is one row)."""
    from generator.read.tables import _records

    for text in ('a,b\n"x\ny",1\nz,2\n', "a,b\rx,1\r\ry,2\r", 'a,"b"\r\nc,d\r\n'):
        assert [r for r in _records(text) if any(r[1])] == [
            r for r in _reference_records(text) if any(r[1])]
    table, problems = read(write(tmp_path, '日期,摘要\n2025-01-01,"两行\n摘要"\n2025-01-02,三\n'))
    assert problems == [] and [r.line for r in table.rows] == [2, 3]
