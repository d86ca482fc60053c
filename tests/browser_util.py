"""Helpers for the browser tests: build a small site, serve it on 127.0.0.1, find Chromium."""

from __future__ import annotations

import functools
import gzip
import http.server
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
AS_OF = "2026-11-28"
REPORT_URL = "https://jubao.example.gov.cn/mashang/"

INJECTION_NOTICE = """---
标题: "<script>window.__pwned = 'title'</script>注入测试公告"
类别: 村务
日期: 2026-11-27
---
<script>window.__pwned = 'script'</script>

<img src=x onerror="window.__pwned = 'img'">

<svg onload="window.__pwned = 'svg'"></svg>

<iframe src="javascript:window.__pwned='iframe'"></iframe>

[点我](javascript:window.__pwned='link')

<a href="#" onclick="window.__pwned='click'">按钮</a>

正常的一段话：本村召开村民代表会议。
"""


def chromium_or_skip() -> str:
    """Path of Debian's Chromium; skip without it, but never in CI (CI must run these)."""
    import pytest

    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"CI 环境必须有 {CHROMIUM}（.ci/run 应执行 apt-get install -y chromium fonts-noto-cjk）")
    pytest.skip(f"本机没有 {CHROMIUM}，跳过浏览器测试（apt-get install -y chromium fonts-noto-cjk）")
    raise AssertionError  # unreachable


def make_data(data: Path) -> None:
    """Synthetic county with 举报网址 and a notice stuffed with script injection."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--out", str(data),
                    "--townships", "1", "--villages", "2", "--records", "400", "--as-of", AS_OF],
                   check=True, capture_output=True)
    county = next(p for p in data.iterdir() if (p / "county.yaml").is_file())
    yaml = county / "county.yaml"
    yaml.write_text(yaml.read_text("utf-8") + f"举报网址: {REPORT_URL}\n", "utf-8")
    village = sorted(p for p in county.rglob("village.yaml"))[0].parent
    (village / "notices").mkdir(exist_ok=True)
    (village / "notices" / "2026-11-27-zhuru.md").write_text(INJECTION_NOTICE, "utf-8")


def build(data: Path, out: Path) -> None:
    from generator.cli import main

    code = main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF, "--jobs", "1",
                 "--quiet"])
    assert code == 0, f"build failed with exit status {code}"


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) in a thread; yields the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


def gz_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


_REF = re.compile(r'(?:href|src)="([^"#?]+)"')


def page_weight(html_file: Path) -> int:
    """Gzipped bytes of an HTML page plus the same-site CSS/JS it loads (inline SVG included)."""
    total = gz_size(html_file)
    text = html_file.read_text("utf-8")
    for ref in set(_REF.findall(text)):
        if ref.endswith((".css", ".js")) and "://" not in ref:
            total += gz_size((html_file.parent / ref).resolve())
    return total


def decode_qr(png: Path) -> list[str]:
    """Decode QR codes in a PNG with zbarimg (Debian package zbar-tools)."""
    exe = shutil.which("zbarimg")
    if exe is None:
        raise RuntimeError("需要 zbarimg（apt-get install -y zbar-tools）")
    r = subprocess.run([exe, "--quiet", "--raw", str(png)], capture_output=True, text=True)
    return [line for line in r.stdout.splitlines() if line.strip()]


def run_search_js(tmp_path: Path, body: str):
    """Run ``body`` (JavaScript; ``s`` is templates/static/search.js as a module) in Node and
    return what it printed, parsed as JSON. Node is one of the test requirements (.ci/run
    installs it); without it these tests fail rather than skip."""
    import json

    import pytest

    node = shutil.which("node")
    if node is None:
        pytest.fail("node 未安装：这些测试用 Node 运行搜索页的脚本（Debian/Ubuntu：apt-get install nodejs）")
    core = tmp_path / "search.mjs"
    shutil.copyfile(ROOT / "templates" / "static" / "search.js", core)
    script = tmp_path / "t.mjs"
    script.write_text("const s = await import(process.argv[2]);\n" + body, "utf-8")
    out = subprocess.run([node, str(script), core.as_uri()], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)
