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


def test_report_says_unmeasured_checks_were_not_measured(capsys) -> None:
    """With ``--full-runs 0`` nothing checks determinism or the edit: the report must not say 是."""
    step = bench.Measurement("x", wall_s=1.0, max_rss_kib=1024, tree_pss_kib=0, tree_rss_kib=0,
                             max_procs=1, returncode=0, cpu_s=1.0)
    compared = {"hugo": step, "pagefind": step, "cold": step}
    quick = [bench.RunResult(i, steps=dict(compared)) for i in (1, 2)]
    bench.print_table(quick, bench.summarise(quick), None)
    out = capsys.readouterr().out
    assert "两次冷构建逐字节相同: 未测（--full-runs 0）" in out
    assert "改一个村后增量构建 与 冷构建逐字节相同: 未测（--full-runs 0）" in out

    full = [bench.RunResult(1, steps=dict(compared), deterministic=True, incremental_identical=False),
            bench.RunResult(2, steps=dict(compared))]
    bench.print_table(full, bench.summarise(full), None)
    out = capsys.readouterr().out
    assert "两次冷构建逐字节相同: 是" in out
    assert "改一个村后增量构建 与 冷构建逐字节相同: 否" in out
