"""tools/bench.py: the Hugo baseline gets every row a clerk's file holds, however it is saved."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from tool_loader import load_tool

bench = load_tool("bench")

ROWS = [["2025/3/5", "支出", "购买水泥,沙子"], ["2025/3/6", "收入", "收到承包费\n第二期"]]


def _write_csv(path: Path, encoding: str, newline: str, bom: bool = False) -> None:
    lines = ["日期,类型,摘要", "", *(f'{d},{k},"{s}"' for d, k, s in ROWS)]
    data = (newline.join(lines) + newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def test_hugo_baseline_reads_every_allowed_encoding_and_xlsx(tmp_path: Path) -> None:
    village = tmp_path / "data" / "xian" / "zhen" / "cun"
    village.mkdir(parents=True)
    _write_csv(village / "finance.csv", "gb18030", "\r\n")
    _write_csv(village / "welfare.csv", "utf-8", "\n", bom=True)
    _write_csv(village / "projects.csv", "utf-8", "\r\n")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["编号", "名称", "面积"])
    sheet.append(["ZY-1", "东坡耕地", 12.5])
    sheet.append(["ZY-2", "西河水面", 30])
    book.save(village / "resources.xlsx")

    files = [f.name for _, f in bench._table_files(tmp_path / "data")]
    assert files == ["finance.csv", "projects.csv", "resources.xlsx", "welfare.csv"]
    for name in ("finance.csv", "projects.csv", "welfare.csv"):
        header, rows = bench._table_rows(village / name)
        assert header == ["日期", "类型", "摘要"], name
        assert rows == [list(r) for r in ROWS], name
    header, rows = bench._table_rows(village / "resources.xlsx")
    assert header == ["编号", "名称", "面积"]
    assert rows == [["ZY-1", "东坡耕地", "12.5"], ["ZY-2", "西河水面", "30"]]

    site = bench.make_hugo_site(tmp_path / "data", tmp_path / "hugo")
    assert site.rows == 8
    page = (tmp_path / "hugo" / "content" / "xian" / "zhen" / "cun").rglob("finance-001.md")
    assert "购买水泥,沙子" in next(page).read_text(encoding="utf-8")
