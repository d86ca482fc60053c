"""What a clerk sees: warnings that name both lines, what is accepted as clerks write it,
one short message for a whole-file mistake, grouped repeats, and input limits
(issue 20 §1–§3, issue 17 §4). The refused mistakes are in tests/cases/ (expected.txt)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import AS_OF, CASES

from generator.errors import Problem
from generator.read import schema as S
from generator.read.filenames import intended_stem, notice_file, village_file, village_folder
from generator.read.load import VillageSource, load_village
from generator.read.mdlimits import MAX_BLOCK_HEADINGS, markdown_too_complex
from generator.read.validate import header_label

VP = "qinghe-xian/dongguan-zhen/liuzhuang-cun"


def _village(case: str) -> VillageSource:
    path = CASES / case / "data" / VP
    return VillageSource("qinghe-xian", "dongguan-zhen", "liuzhuang-cun", path.resolve())


@pytest.mark.parametrize(("case", "warning"), [
    ("warn-duplicate-row",
     f"{VP}/finance.csv:4: 文件: 警告: 与第 3 行完全相同（重复录入？如确是两笔，请在摘要或备注中区分）"),
    ("warn-month-without-balance",
     f"{VP}/finance.csv:4: 日期: 警告: balances.csv 中没有 2025-04 的余额（本月的收支已公开，余额还没有填写？）"),
])
def test_located_warnings_pass_check(case: str, warning: str, cli) -> None:
    run = cli("check", "--data", CASES / case / "data", "--as-of", AS_OF)
    assert run.code == 0, run.err
    assert [ln for ln in run.lines if "警告" in ln and not ln.startswith("检查通过")] == [warning]


def test_balance_month_without_ledger_rows_is_a_warning(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", data)
    v = data / VP
    (v / "finance.csv").write_text(
        "日期,类型,科目,摘要,金额\n2025-03-05,收入,补助收入,转移支付,1000.00\n"
        "2025-05-02,支出,管理费用,电费,10.00\n", encoding="utf-8")
    (v / "balances.csv").write_text(
        "月份,期初余额,本月收入,本月支出,期末余额\n2025-03,0,1000.00,0,1000.00\n"
        "2025-04,1000.00,0,300.00,700.00\n2025-05,700.00,0,10.00,690.00\n", encoding="utf-8")
    run = cli("check", "--data", data, "--as-of", AS_OF)
    assert run.code == 0, run.err
    assert f"{VP}/balances.csv:3: 月份: 警告: 本月有收入或支出，但 finance.csv 中没有 2025-04 的收支记录" in run.lines


def test_units_in_headers_and_values_and_serial_column_are_accepted() -> None:
    result = load_village(_village("ok-units-and-serial"))
    assert [p for p in result.problems if not p.warning] == []
    v = result.village
    assert v is not None
    assert (v.households, v.population, v.farmland) == (298, 1000, Decimal("12.5"))
    assert [r.amount for r in v.finance] == [Decimal("1000.00"), Decimal("200.50")]
    assert [r.memo for r in v.finance] == ["收到镇财政转移支付", "支付村部电费"]
    assert [(p.budget, p.progress) for p in v.projects] == [(Decimal("100000.00"), 50)]
    assert [r.area for r in v.resources] == [Decimal("12.5")]


def test_units_accepted_show_on_the_pages(tmp_path: Path, cli) -> None:
    out = tmp_path / "site"
    run = cli("build", "--data", CASES / "ok-units-and-serial" / "data", "--out", out,
              "--as-of", AS_OF, "--jobs", "1", "--no-cache", "--quiet")
    assert run.code == 0, run.err
    home = (out / VP / "index.html").read_text("utf-8")
    assert "298" in home
    assert "1,000.00" in (out / VP / "affairs" / "index.html").read_text("utf-8") or \
        "1000.00" in (out / VP / "affairs" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("case", [
    "title-row-csv", "title-row-xlsx", "blank-first-row", "semicolon-csv", "file-name-case",
    "misnamed-file-copy", "misnamed-file-copy-cn", "misnamed-file-chinese", "misnamed-file-xls",
    "misnamed-village-yaml", "notice-md-txt", "notice-txt", "notice-docx", "xlsx-huge-range",
])
def test_whole_file_mistakes_print_at_most_three_lines(case: str, cli) -> None:
    run = cli("check", "--data", CASES / case / "data", "--as-of", AS_OF)
    assert run.code == 1
    assert len(run.lines) <= 3, run.err


def test_all_prints_every_row_of_a_grouped_message(cli) -> None:
    data = CASES / "grouped-messages" / "data"
    grouped = cli("check", "--data", data, "--as-of", AS_OF)
    every = cli("check", "--data", data, "--as-of", AS_OF, "--all")
    assert grouped.code == every.code == 1
    rows = [ln for ln in every.lines if ": 摘要: 必填，不能为空" in ln]
    assert rows == [f"{VP}/finance.csv:{n}: 摘要: 必填，不能为空" for n in range(2, 9)]
    assert len([ln for ln in grouped.lines if ": 摘要: " in ln]) == 1


def test_grouped_lines_name_every_row() -> None:
    from generator.cli import group_problems

    rows = [2, 3, 4, 7, 9, 10]
    problems = [Problem("a/finance.csv", n, "日期", "必填，不能为空") for n in rows]
    problems.append(Problem("a/finance.csv", 5, "金额", "x"))
    problems.sort()
    assert group_problems(problems) == [
        "a/finance.csv:2: 日期: 必填，不能为空（第 2–4、7、9–10 行共 6 处，加 --all 显示每一处）",
        "a/finance.csv:5: 金额: x",
    ]
    two = [Problem("a/finance.csv", n, "日期", "必填，不能为空") for n in (2, 3)]
    assert group_problems(two) == [str(p) for p in two]


@pytest.mark.parametrize("as_of", ["0001-01-01", "1899-12-31", "2100-01-01", "9999-12-31"])
def test_as_of_far_away_is_a_usage_error(as_of: str, cli) -> None:
    run = cli("check", "--data", CASES / "ok-minimal" / "data", "--as-of", as_of)
    assert run.code == 2
    assert "超出范围" in run.err and "Traceback" not in run.err


def test_source_date_epoch_far_away_is_a_usage_error(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(10**11))
    run = cli("check", "--data", CASES / "ok-minimal" / "data")
    assert run.code == 2
    assert "超出范围" in run.err


def test_largest_privacy_days_builds(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", data)
    county = data / "qinghe-xian" / "county.yaml"
    county.write_text(county.read_text("utf-8") + "个人信息公示天数: 36500\n", encoding="utf-8")
    (data / VP / "welfare.csv").write_text(
        "项目,姓名,金额,发放日期\n低保,张三,500.00,2025-03-05\n", encoding="utf-8")
    run = cli("build", "--data", data, "--out", tmp_path / "site", "--as-of", "1990-01-01",
              "--jobs", "1", "--no-cache", "--quiet")
    assert run.code == 0, run.err


def test_calamine_panic_never_reaches_the_clerk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    from generator.read.tables import MSG_NOT_XLSX, read_table

    class Panic(BaseException):  # what pyo3 raises for a Rust panic
        pass

    def boom(*_a: object, **_k: object) -> None:
        raise Panic("called `Option::unwrap()` on a `None` value")

    path = tmp_path / "finance.xlsx"  # any real workbook will do
    shutil.copy(CASES / "title-row-xlsx" / "data" / VP / "finance.xlsx", path)
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", boom)
    table, problems = read_table(path, "x/finance.xlsx")
    assert table is None
    assert problems == [Problem("x/finance.xlsx", 1, "文件", MSG_NOT_XLSX)]


def test_large_csv_streams_with_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.read import tables

    text = ('日期,摘要,金额\n2025-03-05,"两行\n摘要",10\n\n2025-03-06,"引号""里",20\r\n'
            "2025-03-07,修路,30\n")
    for encoding in ("utf-8", "gb18030"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        small = tables.read_table(path, "x.csv")
        with monkeypatch.context() as m:
            m.setattr(tables, "_CSV_FIELD_LIMIT", 1)  # every file counts as large
            m.setattr(tables, "_decoded", lambda *_a: None)
            large = tables.read_table(path, "x.csv")
        assert small == large
        assert [(r.line, r.values) for r in large[0].rows] == [
            (2, ("2025-03-05", "两行\n摘要", "10")), (4, ("2025-03-06", '引号"里', "20")),
            (5, ("2025-03-07", "修路", "30"))]


def test_markdown_limits_are_located() -> None:
    assert markdown_too_complex("# 标题\n\n正文\n" * 10) is None
    headings = "标题\n===\n" * (MAX_BLOCK_HEADINGS + 1)
    line, message = markdown_too_complex(headings)  # type: ignore[misc]
    assert line == 2 * MAX_BLOCK_HEADINGS + 2 and "标题行过多" in message
    # the same headings in blocks of 100: fine up to the total
    assert markdown_too_complex(("标题\n===\n" * 100 + "\n") * 30) is None
    line, message = markdown_too_complex(("标题\n===\n" * 100 + "\n") * 31)  # type: ignore[misc]
    assert line == 30 * 201 + 2 and "全文超过 3000 个" in message
    line, message = markdown_too_complex("正文\n" + "[a " * 2001)  # type: ignore[misc]
    assert line == 2 and "方括号" in message
    assert markdown_too_complex("[a](" * 100_000) is None  # closed brackets cost nothing
    line, message = markdown_too_complex("\\" * 20_001)  # type: ignore[misc]
    assert line == 1 and "反斜杠" in message
    line, message = markdown_too_complex("*a" * 5_001)  # type: ignore[misc]
    assert line == 1 and "* 和 _" in message
    assert markdown_too_complex("*" * 200_000) is None  # one run of markers
    line, message = markdown_too_complex("正文\n" * 10_001)  # type: ignore[misc]
    assert line == 10_001 and "超过 10000 行" in message
    assert markdown_too_complex("正文\n\n" * 20_000) is None


@pytest.mark.parametrize(("stem", "meant"), [
    ("Finance", "finance"), ("FINANCE", "finance"), ("finance (1)", "finance"),
    ("finance（2）", "finance"), ("finance - 副本", "finance"), ("finance - 副本 (2)", "finance"),
    ("finance copy", "finance"), ("finance copy 2", "finance"), ("finance_副本", "finance"),
    ("财务收支明细", "finance"), ("资金月度余额表", "balances"), ("惠民资金发放明细", "welfare"),
    ("民生项目", "projects"), ("合同台账", "contracts"), ("资产台账", "assets"),
    ("资源台账", "resources"), ("权责清单", "powers"), ("预约办事", "services"),
    ("说明", None), ("finance-2024", None), ("readme", None),
])
def test_intended_stem(stem: str, meant: str | None) -> None:
    known = frozenset(S.TABLES) | {"village", "powers", "services"}
    assert intended_stem(stem, known) == meant


def test_village_file_names() -> None:
    tables = frozenset(S.TABLES)
    mis = village_file("finance.et", frozenset(), tables)
    assert mis is not None and mis.intended == "finance.xlsx" and "另存为 .xlsx 或 .csv" in mis.message
    mis = village_file("财务.csv", frozenset({"finance.csv"}), tables)
    assert mis is not None and "finance.csv 已经存在" in mis.message
    mis = village_file("powers.yml", frozenset(), tables)
    assert mis is not None and mis.intended == "powers.yaml"
    assert village_file("照片.jpg", frozenset(), tables) is None
    mis = village_file("finance.csv.csv", frozenset(), tables)
    assert mis is not None and mis.intended == "finance.csv"
    mis = village_file("Welfare.XLSX", frozenset(), tables)
    assert mis is not None and mis.intended == "welfare.xlsx"
    assert [village_folder(n) for n in ("Notices", "公告", "附件", "照片")] == [
        "notices", "notices", "files", None]
    assert notice_file("a.md") is None
    assert notice_file("a.jpg") is None
    assert notice_file("a.md.txt") is not None and notice_file("a.md.txt")[0] == "a.md"  # type: ignore[index]
    assert notice_file("a.MD") == ("a.md", "文件名不对，这个公告不会发布：请改名为 a.md")


@pytest.mark.parametrize(("header", "label"), [
    ("金额", "金额"), ("金额（元）", "金额"), ("金额(元)", "金额"), ("摘 要", "摘要"),
    ("摘\u3000要", "摘要"), ("金额（万元）", None), ("金额（亩）", None), ("备注", None),
])
def test_header_with_unit(header: str, label: str | None) -> None:
    assert header_label(S.FINANCE.by_label(), header) == label


def test_area_header_with_its_unit() -> None:
    assert header_label(S.RESOURCES.by_label(), "面积（亩）") == "面积"
    assert header_label(S.RESOURCES.by_label(), "面积（平方米）") is None


def test_header_with_another_unit_says_which_unit() -> None:
    from generator.read.tables import Table
    from generator.read.validate import Collector, FileContext, validate_table

    col = Collector()
    table = Table("f.csv", ("日期", "类型", "科目", "摘要", "金额（万元）"), 1, ())
    validate_table(S.FINANCE, table, col, FileContext(None, ""))
    assert col.problems == [Problem("f.csv", 1, "金额（万元）",
                                    "金额的单位是“元”，请换算成元后把列名改为“金额”")]


def test_sheet_extent_finds_the_farthest_cell_in_any_order(tmp_path: Path) -> None:
    import zipfile

    from generator.read.tables import _sheet_extent

    xml = (b'<worksheet><dimension ref="A1:B2"/><sheetData>'
           b'<row r="1"><c r="A1"/><c r="AB9"/></row><row r="3"><c r="ZZ3"/><c r="C120"/></row>'
           b'</sheetData></worksheet>')
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", xml)
    with zipfile.ZipFile(path) as z:
        assert _sheet_extent(z, "xl/worksheets/sheet1.xml") == (120 * 702, 4, "ZZ120")


def test_many_duplicate_rows_are_listed_five_then_counted() -> None:
    from generator.read.tables import Row, Table
    from generator.read.validate import Collector, warn_duplicate_rows

    header = ("序号", "项目", "姓名", "金额", "发放日期")
    rows = tuple(Row(n, (str(n), "低保", "张三", "500", "2025-03-05"), header) for n in range(2, 12))
    col = Collector()
    warn_duplicate_rows(Table("w.csv", header, 1, rows), col)
    assert [str(p) for p in col.problems] == [
        *(f"w.csv:{n}: 文件: 警告: 与第 2 行完全相同（重复录入？如确是两笔，请在摘要或备注中区分）"
          for n in range(3, 8)),
        "w.csv:8: 文件: 警告: 从这一行起还有 4 行与前面的某一行完全相同（只逐行列出了前 5 处）",
    ]
