"""Issue 4: hostile sizes, shapes and paths.

Each hostile file goes into the village of a copy of the minimal tree; ``check`` runs
in a subprocess with a timeout and an address-space cap, and must answer with a
located ``path:line: field: …`` message (exit 1, or 0 where the input is valid) —
never a traceback, a crash or a hang.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import AS_OF, CASES

ROOT = Path(__file__).resolve().parent.parent
V = "qinghe-xian/dongguan-zhen/liuzhuang-cun"
TIMEOUT = 20
MEMORY_CAP = 1536 * 1024 * 1024

NOTICE_HEAD = "---\n标题: 公告\n类别: 村务\n日期: 2026-10-01\n---\n"


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@dataclass
class Result:
    code: int
    err: str
    seconds: float


def run_check(data: Path) -> Result:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", "--data", str(data), "--as-of", AS_OF],
        capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_cap_memory, cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return Result(proc.returncode, proc.stderr + proc.stdout, time.monotonic() - started)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    import shutil

    dst = tmp_path / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", dst, symlinks=True)
    return dst


# ----------------------------------------------------------------------------- builders


def billion_laughs() -> bytes:
    lines = ["名称: 刘庄村", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return ("\n".join(lines) + "\n").encode()


def merge_key_laughs() -> bytes:
    return "base: &b {名称: 刘庄村}\n<<: *b\n".encode()


def zip_bomb(declared_honestly: bool = True) -> bytes:
    """An .xlsx-shaped zip whose sheet inflates to 150 MB of zeros (~150 KB on disk)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"0" * (1024 * 1024)
            for _ in range(150):
                f.write(chunk)
    data = buf.getvalue()
    if declared_honestly:
        return data
    # lie in the headers: claim the sheet is 1 KB uncompressed
    out = bytearray(data)
    big = (150 * 1024 * 1024).to_bytes(8, "little")
    pos = out.find(big)
    while pos != -1:
        out[pos:pos + 8] = (1024).to_bytes(8, "little")
        pos = out.find(big, pos + 8)
    return bytes(out)


def real_xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FINANCE_HEAD = "日期,类型,科目,摘要,金额\n"


def finance(*rows: str) -> bytes:
    return (FINANCE_HEAD + "".join(r + "\n" for r in rows)).encode()


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # relative to the village folder
    content: Callable[[], bytes]
    expect: str  # the start of one message line, e.g. "finance.csv:1: 文件:"
    contains: str = ""  # a word the message must contain
    code: int = 1


CASES_HOSTILE = [
    Case("billion-laughs", "village.yaml", billion_laughs, "village.yaml:2: YAML:", "锚点"),
    Case("merge-key", "village.yaml", merge_key_laughs, "village.yaml:1: YAML:", "锚点"),
    Case("deep-flow-yaml", "powers.yaml", lambda: b"[" * 50_000 + b"]" * 50_000,
         "powers.yaml:1: YAML:", "嵌套"),
    Case("deep-block-yaml", "services.yaml",
         lambda: "".join("  " * i + "- \n" for i in range(1000)).encode(), "services.yaml:",
         "YAML"),
    Case("many-yaml-nodes", "powers.yaml",
         lambda: ("- 名称: a\n  流程: [" + ",".join(["x"] * 200_000) + "]\n").encode(),
         "powers.yaml:2: YAML:", "过多"),
    Case("5000-columns", "finance.csv",
         lambda: (",".join(f"c{i}" for i in range(5000)) + "\n" + ",".join("1" * 5000) + "\n").encode(),
         "finance.csv:1: 文件:", "列数过多"),
    Case("5000-cells-in-a-row", "finance.csv",
         lambda: finance("2025-03-05,收入,补助收入,x,1000.00" + ",9" * 5000),
         "finance.csv:2: 文件:", "单元格比表头多"),
    Case("1mb-cell", "finance.csv",
         lambda: finance("2025-03-05,收入,补助收入," + "长" * 1_000_000 + ",1000.00"),
         "finance.csv:2: 摘要:", "内容过长"),
    Case("unclosed-quote-megabytes", "finance.csv",
         lambda: finance('2025-03-05,收入,补助收入,"' + "x" * 3_000_000, "2025-03-20,支出,管理费用,y,1"),
         "finance.csv:2: 文件:", "引号"),
    Case("empty-csv", "finance.csv", lambda: b"", "finance.csv:1: 文件:", "空"),
    Case("whitespace-csv", "finance.csv", lambda: b" \r\n\r\n", "finance.csv:1: 文件:", "空"),
    Case("empty-yaml", "village.yaml", lambda: b"", "village.yaml:1: 文件:", "空"),
    Case("empty-notice", "notices/kong.md", lambda: b"", "notices/kong.md:1: 文件:", "空"),
    Case("header-only-csv", "finance.csv", lambda: FINANCE_HEAD.encode(), "", code=0),
    Case("binary-png-as-csv", "finance.csv",
         lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(4096), "finance.csv:1: 文件:", "二进制"),
    Case("random-bytes-as-csv", "finance.csv",
         lambda: bytes(b % 255 + 1 for b in os.urandom(8192)), "finance.csv:1: 文件:"),
    Case("nul-byte-csv", "finance.csv",
         lambda: finance("2025-03-05,收入,补助收入,abc\x00def,1000.00"), "finance.csv:1: 文件:"),
    Case("nul-byte-yaml", "village.yaml", lambda: "名称: 刘\x00庄村\n".encode(),
         "village.yaml:1: 文件:"),
    Case("utf16-csv", "finance.csv", lambda: FINANCE_HEAD.encode("utf-16"),
         "finance.csv:1: 文件:", "编码"),
    Case("windows-1252-csv", "finance.csv",
         lambda: "Date,Type\nRésumé café, naïve façade\n".encode("cp1252"),
         "finance.csv:1: 文件:", "编码"),
    Case("zip-bomb-xlsx", "finance.xlsx", zip_bomb, "finance.xlsx:1: 文件:"),
    Case("lying-zip-bomb-xlsx", "finance.xlsx", lambda: zip_bomb(False), "finance.xlsx:1: 文件:"),
    Case("truncated-xlsx", "finance.xlsx",
         lambda: real_xlsx([["日期", "类型", "科目", "摘要", "金额"]] * 50)[:1500],
         "finance.xlsx:1: 文件:", "Excel"),
    Case("csv-text-named-xlsx", "finance.xlsx", lambda: finance("2025-03-05,收入,补助收入,x,1"),
         "finance.xlsx:1: 文件:", "Excel"),
    Case("xlsx-5000-columns", "finance.xlsx",
         lambda: real_xlsx([[f"c{i}" for i in range(5000)]]), "finance.xlsx:1: 文件:", "列数过多"),
    Case("huge-notice", "notices/da.md",
         lambda: (NOTICE_HEAD + ("很长的公告正文。" * 40 + "\n") * 9000).encode(),
         "notices/da.md:1: 文件:", "过大"),
    Case("big-but-allowed-notice", "notices/da.md",
         lambda: (NOTICE_HEAD + ("公告正文 **加粗** [链接](https://a.example/) *x*\n\n") * 8000).encode(),
         "", code=0),
    Case("pathological-markdown", "notices/da.md",
         lambda: (NOTICE_HEAD + "*" * 200_000 + "\n\n" + "[a](" * 100_000 + "\n\n" + "> " * 50_000
                  + "\n\n" + "<" * 100_000 + "\n\n" + "- " * 5000 + "x\n\n"
                  + "".join("  " * i + "- x\n" for i in range(800))).encode(),
         "", code=0),
    Case("scalar-yaml", "village.yaml", lambda: "刘庄村\n".encode(), "village.yaml:1: YAML:"),
    Case("list-yaml", "village.yaml", lambda: "- 名称: 刘庄村\n- 类型: 村\n".encode(),
         "village.yaml:1: YAML:"),
    Case("mapping-for-list", "powers.yaml", lambda: "名称: 低保\n流程: [a]\n".encode(),
         "powers.yaml:1: YAML:", "列表"),
    Case("absurd-date", "finance.csv",
         lambda: finance("99999-01-01,收入,补助收入,x,1000.00", "2025-03-20,支出,管理费用,y,200.50"),
         "finance.csv:2: 日期:"),
    Case("year-zero-date", "finance.csv",
         lambda: finance("0000-01-01,收入,补助收入,x,1000.00"), "finance.csv:2: 日期:"),
    Case("absurd-notice-date", "notices/gao.md",
         lambda: "---\n标题: 公告\n类别: 村务\n日期: 99999-01-01\n---\n正文\n".encode(),
         "notices/gao.md:4: 日期:"),
    Case("huge-money", "finance.csv",
         lambda: finance("2025-03-05,收入,补助收入,x," + "9" * 5000), "finance.csv:2: 金额:"),
    Case("unclosed-front-matter", "notices/wei.md",
         lambda: "---\n标题: 公告\n类别: 村务\n日期: 2026-10-01\n正文没有结束线\n".encode(),
         "notices/wei.md:1: 文件:", "---"),
    Case("bad-notice-slug", "notices/Bad Name.md", lambda: (NOTICE_HEAD + "正文\n").encode(),
         "notices/Bad Name.md:1: 文件:", "文件名"),
]


def _place(data: Path, case: Case) -> None:
    target = data / V / case.file
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix == ".xlsx":
        (target.with_suffix(".csv")).unlink(missing_ok=True)
    if case.file == "finance.csv" or case.file == "finance.xlsx":
        # keep balances out of the way: they would be checked against the ledger
        (data / V / "balances.csv").unlink()
    target.write_bytes(case.content())


@pytest.mark.parametrize("case", CASES_HOSTILE, ids=[c.name for c in CASES_HOSTILE])
def test_hostile_file_gets_a_located_message(case: Case, data: Path) -> None:
    _place(data, case)
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    res = run_check(data)
    assert "Traceback" not in res.err and "内部错误" not in res.err, res.err[-3000:]
    assert res.code == case.code, res.err[-3000:]
    assert res.seconds < TIMEOUT
    if case.code == 1:
        want = f"{V}/{case.expect}"
        hits = [ln for ln in res.err.splitlines() if ln.startswith(want)]
        assert hits, f"no line starting with {want!r} in:\n{res.err[-3000:]}"
        assert any(case.contains in ln for ln in hits), hits
        # messages stay readable: no megabyte of echoed input
        assert max(len(ln) for ln in res.err.splitlines()) < 2000
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before


# ----------------------------------------------------------------------------- paths


def _finance_with_attachment(data: Path, name: str) -> None:
    (data / V / "finance.csv").write_text(
        "日期,类型,科目,摘要,金额,附件\n"
        "2025-03-05,收入,补助收入,收到镇财政转移支付,1000.00,\n"
        f"2025-03-20,支出,管理费用,支付村部电费,200.50,{name}\n", "utf-8")


@pytest.mark.parametrize("name", ["../x", "../../county.yaml", "/etc/passwd", "files/../x",
                                  "sub/x.pdf", "..", r"..\x.pdf"])
def test_attachment_outside_files_is_refused(name: str, data: Path) -> None:
    (data / V / "files").mkdir()
    (data / V / "x").write_text("private", "utf-8")
    _finance_with_attachment(data, name)
    res = run_check(data)
    assert res.code == 1, res.err
    assert any(ln.startswith(f"{V}/finance.csv:3: 附件: ") for ln in res.err.splitlines()), res.err


def test_attachment_symlink_pointing_outside_is_refused(data: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 secret")
    (data / V / "files").mkdir()
    (data / V / "files" / "scan.pdf").symlink_to(secret)
    _finance_with_attachment(data, "scan.pdf")
    notice = data / V / "notices" / "gong-gao.md"
    notice.parent.mkdir()
    notice.write_text("---\n标题: 公告\n类别: 村务\n日期: 2026-10-01\n附件: [scan.pdf]\n---\n正文\n",
                      "utf-8")
    res = run_check(data)
    assert res.code == 1, res.err
    lines = res.err.splitlines()
    assert any(ln.startswith(f"{V}/finance.csv:3: 附件: ") and "链接" in ln for ln in lines), res.err
    assert any(ln.startswith(f"{V}/notices/gong-gao.md:5: 附件: ") for ln in lines), res.err


def test_photo_outside_files_is_refused(data: Path) -> None:
    (data / V / "files").mkdir()
    with (data / V / "village.yaml").open("a", encoding="utf-8") as f:
        f.write("照片: ../../township.yaml\n")
    res = run_check(data)
    assert res.code == 1, res.err
    assert any(ln.startswith(f"{V}/village.yaml:5: 照片: ") for ln in res.err.splitlines()), res.err


def test_files_folder_symlink_is_refused(data: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "scan.pdf").write_bytes(b"%PDF-1.4")
    (data / V / "files").symlink_to(outside, target_is_directory=True)
    res = run_check(data)
    assert res.code == 1, res.err
    assert f"{V}/files/: 文件夹: " in res.err, res.err


@pytest.mark.parametrize("level", ["county", "township", "village"])
def test_folder_symlink_outside_data_is_refused(level: str, data: Path, tmp_path: Path) -> None:
    import shutil

    outside = tmp_path / "outside"
    parts = V.split("/")
    depth = {"county": 1, "township": 2, "village": 3}[level]
    src = data.joinpath(*parts[:depth])
    shutil.copytree(src, outside / src.name)
    link = src.with_name(src.name + "-link")
    link.symlink_to(outside / src.name, target_is_directory=True)
    rel = "/".join([*parts[:depth - 1], link.name])
    res = run_check(data)
    assert res.code == 1, res.err
    assert f"{rel}/: 文件夹: " in res.err, res.err


@pytest.mark.parametrize("bad", ["LiuZhuang-cun", "刘庄村", "liu zhuang", "liu..zhuang", "liu_zhuang",
                                 "liu.zhuang"])
def test_bad_village_slug_names_the_folder(bad: str, data: Path) -> None:
    vdir = data / V
    vdir.rename(vdir.with_name(bad))
    res = run_check(data)
    assert res.code == 1, res.err
    assert f"qinghe-xian/dongguan-zhen/{bad}/: 文件夹: " in res.err, res.err
    assert "Traceback" not in res.err
