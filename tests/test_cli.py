"""The command line as a county IT person uses it: exit codes, atomic replacement, options."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, CASES, tree_bytes

from generator.cli import main


def test_build_then_check_ok(cli, minimal_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = cli("--data", minimal_data, "--out", out, "--as-of", AS_OF)  # build is the default
    assert run.code == 0, run.err
    assert "完成：1 个县，1 个村" in run.err
    assert (out / "index.html").is_file()
    village = out / "qinghe-xian/dongguan-zhen/liuzhuang-cun"
    for module in ("", "powers/", "assets/", "affairs/", "welfare/", "projects/", "services/"):
        html = (village / module / "index.html").read_text("utf-8")
        assert '<html lang="zh-CN">' in html
        assert "0371-12388" in html  # 监督电话 on every page
    assert (out / "qinghe-xian/search/index.html").is_file()
    assert (out / "qinghe-xian/dongguan-zhen/index.html").is_file()
    run = cli("check", "--data", minimal_data)
    assert run.code == 0
    assert "检查通过" in run.err


def test_check_writes_nothing(cli, minimal_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cli("check", "--data", minimal_data, "--out", out).code == 0
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [minimal_data]


def test_usage_errors_exit_2(cli, tmp_path: Path) -> None:
    assert cli("--as-of", "2025-02-30", "--data", tmp_path).code == 2
    assert cli("--jobs", "0").code == 2
    assert cli("frobnicate", "--data", tmp_path / "x").code == 2
    run = cli("check", "--data", tmp_path / "nowhere")
    assert run.code == 2 and "不存在" in run.err
    run = cli("check", "--data", CASES / "ok-minimal" / "data", "--county", "nope-xian")
    assert run.code == 2 and "nope-xian" in run.err


def test_data_errors_exit_1_and_list_all(cli, minimal_data: Path) -> None:
    v = minimal_data / "qinghe-xian/dongguan-zhen/liuzhuang-cun"
    (v / "assets.csv").write_text("编号,名称,类别,原值\nA1,仓库,经营,1.2.3\nA1,仓库,经营性,5\n", "utf-8")
    run = cli("check", "--data", minimal_data)
    assert run.code == 1
    errs = [ln for ln in run.lines if "assets.csv" in ln]
    assert errs == [
        'qinghe-xian/dongguan-zhen/liuzhuang-cun/assets.csv:2: 类别: "经营" 不是可选值（只能填：经营性、非经营性）',
        'qinghe-xian/dongguan-zhen/liuzhuang-cun/assets.csv:2: 原值: "1.2.3" 不是有效金额',
        'qinghe-xian/dongguan-zhen/liuzhuang-cun/assets.csv:3: 编号: "A1" 与第 2 行重复，编号不能重复',
    ]
    assert "Traceback" not in run.err


def test_warnings_do_not_fail(cli, minimal_data: Path, tmp_path: Path) -> None:
    v = minimal_data / "qinghe-xian/dongguan-zhen/liuzhuang-cun"
    (v / "notes.txt").write_text("草稿", "utf-8")
    run = cli("--data", minimal_data, "--out", tmp_path / "site", "--as-of", AS_OF)
    assert run.code == 0
    assert "qinghe-xian/dongguan-zhen/liuzhuang-cun/notes.txt:1: 文件: 警告: 未知的文件，不会发布（文件名是否写错？）" in run.lines


def test_failed_build_keeps_previous_site(cli, minimal_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cli("--data", minimal_data, "--out", out, "--as-of", AS_OF).code == 0
    before = tree_bytes(out)
    fin = minimal_data / "qinghe-xian/dongguan-zhen/liuzhuang-cun/finance.csv"
    fin.write_text(fin.read_text("utf-8").replace("200.50", "abc"), "utf-8")
    run = cli("--data", minimal_data, "--out", out, "--as-of", AS_OF)
    assert run.code == 1
    assert "原来的网站保持不变" in run.err
    assert tree_bytes(out) == before
    assert [p.name for p in tmp_path.iterdir() if ".staging" in p.name] == []


def test_successful_rebuild_replaces_site(cli, minimal_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert cli("--data", minimal_data, "--out", out, "--as-of", AS_OF).code == 0
    (out / "stale.html").write_text("old", "utf-8")
    v = minimal_data / "qinghe-xian/dongguan-zhen/liuzhuang-cun/village.yaml"
    v.write_text(v.read_text("utf-8").replace("刘庄村", "刘家庄村"), "utf-8")
    assert cli("--data", minimal_data, "--out", out, "--as-of", AS_OF).code == 0
    assert not (out / "stale.html").exists()
    assert "刘家庄村" in (out / "qinghe-xian/dongguan-zhen/liuzhuang-cun/index.html").read_text("utf-8")


def test_deterministic_and_cache_equals_cold(cli, minimal_data: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("--data", minimal_data, "--out", a, "--as-of", AS_OF, "--no-cache").code == 0
    assert cli("--data", minimal_data, "--out", b, "--as-of", AS_OF, "--no-cache", "--jobs", "2").code == 0
    assert tree_bytes(a) == tree_bytes(b)
    # a rebuild into the same --out reuses the cache and gives the same bytes
    run = cli("--data", minimal_data, "--out", a, "--as-of", AS_OF)
    assert run.code == 0 and "沿用缓存" in run.err
    assert tree_bytes(a) == tree_bytes(b)


def test_as_of_from_source_date_epoch(cli, minimal_data: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 UTC
    out = tmp_path / "site"
    assert cli("--data", minimal_data, "--out", out).code == 0
    assert "数据截至 2026年1月1日" in (out / "qinghe-xian/index.html").read_text("utf-8")


def test_county_filter(cli, minimal_data: Path, tmp_path: Path) -> None:
    other = minimal_data / "other-xian"
    shutil.copytree(minimal_data / "qinghe-xian", other)
    out = tmp_path / "site"
    assert cli("--data", minimal_data, "--out", out, "--county", "other-xian", "--as-of", AS_OF).code == 0
    assert (out / "other-xian/index.html").exists()
    assert not (out / "qinghe-xian").exists()


def test_main_returns_int_without_traceback(tmp_path: Path, capsys) -> None:
    code = main(["check", "--data", str(tmp_path / "missing")])
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_input_files_never_modified(cli, minimal_data: Path, tmp_path: Path) -> None:
    before = tree_bytes(minimal_data)
    stat = {p: os.stat(p).st_mtime_ns for p in minimal_data.rglob("*")}
    assert cli("--data", minimal_data, "--out", tmp_path / "site", "--as-of", AS_OF).code == 0
    assert tree_bytes(minimal_data) == before
    assert {p: os.stat(p).st_mtime_ns for p in minimal_data.rglob("*")} == stat


def test_deploy_usage_errors(cli, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    run = cli("deploy", "--out", site, "--to", "http://bucket/x")
    assert run.code == 2 and "s3://" in run.err
    assert cli("deploy", "--out", site, "--to", "s3://b/p", "--force", "--max-deletes", "3").code == 2
    run = cli("deploy", "--out", tmp_path / "missing", "--to", "s3://b/p")
    assert run.code == 2


def test_serve_builds_serves_and_rebuilds_on_change(minimal_data: Path, tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "site"
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, str(root / "build.py"), "serve", "--data", str(minimal_data), "--out", str(out),
         "--port", str(port), "--as-of", AS_OF, "--jobs", "1", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}/qinghe-xian/dongguan-zhen/liuzhuang-cun/"

    def fetch() -> str | None:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode("utf-8")
        except OSError:
            return None

    try:
        deadline = time.monotonic() + 60
        while (page := fetch()) is None and time.monotonic() < deadline:
            time.sleep(0.3)
        assert page is not None and "刘庄村" in page
        v = minimal_data / "qinghe-xian/dongguan-zhen/liuzhuang-cun/village.yaml"
        v.write_text(v.read_text("utf-8").replace("刘庄村", "刘家庄村"), "utf-8")
        deadline = time.monotonic() + 60
        while "刘家庄村" not in (fetch() or "") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "刘家庄村" in (fetch() or "")
        assert 'id="serve-errors"' not in (fetch() or "")

        # a broken edit: every page keeps the last good site and shows the errors on top
        fin = minimal_data / "qinghe-xian/dongguan-zhen/liuzhuang-cun/finance.csv"
        good = fin.read_bytes()
        lines = good.decode("utf-8-sig").splitlines()
        cells = lines[1].split(",")
        lines[1] = ",".join(c if i != len(cells) - 1 else "1.2.3" for i, c in enumerate(cells))
        fin.write_text("\n".join(lines) + "\n", encoding="utf-8")
        deadline = time.monotonic() + 60
        while 'id="serve-errors"' not in (fetch() or "") and time.monotonic() < deadline:
            time.sleep(0.5)
        page = fetch() or ""
        assert 'id="serve-errors"' in page and "finance.csv:2:" in page
        assert "刘家庄村" in page  # the last good page, still usable
        fin.write_bytes(good)
        deadline = time.monotonic() + 60
        while 'id="serve-errors"' in (fetch() or "x") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert 'id="serve-errors"' not in (fetch() or "x")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "GET /" not in proc.stderr.read().decode("utf-8", "replace")  # no request log


def test_progress_bar_on_a_terminal_lines_elsewhere() -> None:
    import io

    from generator.cli import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = Progress(tty)
    for done in range(1, 101):
        bar(done, 100, done / 10)
    assert "\r村 [###############---------------] 50/100" in tty.getvalue()
    assert tty.getvalue().endswith("100/100  10 秒\n")
    log = io.StringIO()
    lines = Progress(log, every=5.0)
    for done in range(1, 101):
        lines(done, 100, done / 10)
    out = log.getvalue().splitlines()
    assert out[0] == "进度：1/100 个村，已用 0.1 秒"
    assert out[-1] == "进度：100/100 个村，已用 10.0 秒"
    assert "\r" not in log.getvalue() and 2 < len(out) < 6


@pytest.mark.parametrize("command", ["build", "check", "serve", "deploy", "changes"])
def test_the_default_output_folder_is_site(command: str) -> None:
    """The README's first command builds into site/ without --out (no other command's
    option may change that default)."""
    from generator.cli import _normalise, make_parser

    argv = [command] + (["--to", "s3://b/p"] if command == "deploy" else [])
    assert make_parser().parse_args(_normalise(argv)).out == Path("site")
    assert make_parser().parse_args(_normalise([])).out == Path("site")
