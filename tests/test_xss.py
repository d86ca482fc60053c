"""Issue 4: nothing a clerk types can run. Script injection in every kind of free text
(notice, 简介, CSV cells, YAML values) is opened in Chromium: no dialog, no script, no
request off 127.0.0.1, and the injected text is shown as text."""

from __future__ import annotations

import csv
import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from browser_util import CHROMIUM_ARGS, chromium_or_skip, serve
from conftest import AS_OF, CASES

V = "qinghe-xian/dongguan-zhen/liuzhuang-cun"

PAYLOADS = [
    "<script>window.__pwned='script';alert(1)</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
    "<a href=\"jav&#x09;ascript:window.__pwned='tab'\">tab链接</a>",
    "[md链接](javascript:window.__pwned='md')",
    "[data链接](data:text/html,<script>window.__pwned='data'</script>)",
    "<javascript:window.__pwned='auto'>",
    "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
    "![图](javascript:window.__pwned='imgmd')",
    "<!-- <script>window.__pwned='comment'</script> -->",
    "<div style=\"width: expression(window.__pwned='css')\">css</div>",
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>",
    "\"><script>window.__pwned='quote'</script>",
    "'><img src=x onerror=alert(2)>",
    "<a href=\"https://evil.example/x.png\">外链</a>",
    "<style>@import url(https://evil.example/x.css)</style>",
    "{{ 7*7 }} {% for x in range(3) %}jinja{% endfor %} ${7*7}",
]
MARKDOWN = "\n\n".join(PAYLOADS) + "\n\n正常的一段话：本村召开村民代表会议。\n"
CELL = "\"><script>window.__pwned='cell'</script><img src=x onerror=alert(3)>{{ 7*7 }}"


def _yaml_block(text: str) -> str:
    return "|\n" + "".join("  " + ln + "\n" for ln in text.splitlines())


def _yaml_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def make_xss_tree(root: Path) -> Path:
    data = root / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", data)
    v = data / V
    county = data / "qinghe-xian" / "county.yaml"
    county.write_text(county.read_text("utf-8") + "简介: " + _yaml_block(MARKDOWN), "utf-8")
    (v / "village.yaml").write_text(
        "名称: 刘庄村\n类型: 村\n代码: 419901100201\n"
        f"办公时间: {_yaml_quoted(CELL)}\n"
        f"地址: {_yaml_quoted('{{ config }}{% raw %}<b>粗</b>')}\n"
        f"简介: {_yaml_block(MARKDOWN)}"
        f"村规民约: {_yaml_block(MARKDOWN)}",
        "utf-8")
    (v / "finance.csv").write_text(_csv([
        ["日期", "类型", "科目", "摘要", "金额", "经手人"],
        ["2025-03-05", "收入", "补助收入", CELL, "1000.00", "<b>张三</b>"],
        ["2025-03-20", "支出", "管理费用", "javascript:alert(1)", "200.50", ""],
    ]), "utf-8")
    (v / "welfare.csv").write_text(_csv([
        ["项目", "姓名", "金额", "发放日期", "备注"],
        ["低保", "<img src=x onerror=\"window.__pwned='name'\">", "500.00", "2026-10-10", CELL],
    ]), "utf-8")
    (v / "projects.csv").write_text(_csv([
        ["项目编号", "名称", "预算金额", "实施单位"],
        ["P1", "\"><svg onload=\"window.__pwned='proj'\">", "1000", CELL],
    ]), "utf-8")
    (v / "powers.yaml").write_text(
        f"- 名称: {_yaml_quoted(CELL)}\n"
        f"  流程:\n    - {_yaml_quoted('<script>window.__pwned=1</script>')}\n    - 审核\n"
        f"  风险点:\n    - {_yaml_quoted('{{ 7*7 }}')}\n",
        "utf-8")
    (v / "services.yaml").write_text(
        f"- 名称: 开证明\n  预约方式: {_yaml_quoted('javascript:window.__pwned=1')}\n", "utf-8")
    (v / "notices").mkdir()
    (v / "notices" / "zhu-ru.md").write_text(
        f"---\n标题: {_yaml_quoted(CELL + '注入测试公告')}\n类别: 村务\n日期: 2026-11-27\n---\n"
        + MARKDOWN, "utf-8")
    return data


@pytest.fixture(scope="module")
def xss_site(tmp_path_factory: pytest.TempPathFactory):
    exe = chromium_or_skip()
    from generator.cli import main

    tmp = tmp_path_factory.mktemp("xss")
    data = make_xss_tree(tmp)
    out = tmp / "site"
    assert main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                 "--jobs", "1"]) == 0
    with serve(out) as base:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                yield {"base": base, "out": out, "browser": browser}
            finally:
                browser.close()


def notice_url(out: Path) -> str:
    found = sorted((out / V / "affairs" / "notices").glob("zhu-ru*"))
    assert found, "the notice page was not published"
    return found[0].relative_to(out).as_posix() + ("/" if found[0].is_dir() else "")


def _pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))


class _Tags(HTMLParser):
    """Every real start tag with its attributes (text inside attribute values is not a tag)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


_BAD_SCHEME = re.compile(r"^\s*(?:javascript|data|vbscript):", re.I)


def test_no_injected_markup_reaches_any_html_file(xss_site) -> None:
    """Source-level check of every page: the only scripts are the site's files."""
    out = xss_site["out"]
    pages = _pages(out)
    assert len(pages) >= 10
    for rel in pages:
        parser = _Tags()
        parser.feed((out / rel).read_text("utf-8"))
        tags = parser.tags
        assert any(t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
                   for t, a in tags), rel
        for tag, attrs in tags:
            assert tag not in ("iframe", "object", "embed", "style", "img", "base"), (rel, tag)
            assert not [k for k in attrs if k.startswith("on")], (rel, tag, attrs)
            if tag == "script":
                assert attrs.get("src", "").startswith(("../", "static/", "./")) or "/static/" in \
                    attrs.get("src", ""), (rel, attrs)
            if tag == "link" and attrs.get("rel") == "icon":
                continue  # the site's own empty favicon (data:,)
            for name in ("href", "src", "action", "formaction", "xlink:href"):
                assert not _BAD_SCHEME.match(attrs.get(name, "")), (rel, tag, attrs)
            if tag in ("a", "link", "script") and "://" in attrs.get("href", attrs.get("src", "")):
                assert "evil.example" not in attrs.get("href", "") or tag == "a", (rel, attrs)


def test_pages_run_nothing_in_chromium(xss_site) -> None:
    base, browser, out = xss_site["base"], xss_site["browser"], xss_site["out"]
    host = urlsplit(base).netloc
    context = browser.new_context(service_workers="block")
    problems: list[str] = []
    offsite: list[str] = []
    context.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))

    def route(r) -> None:
        u = urlsplit(r.request.url)
        if u.netloc != host and u.scheme not in ("data", "blob", "about"):
            offsite.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.on("dialog", lambda d: (problems.append("dialog: " + d.message), d.dismiss()))
    page.on("console", lambda m: m.type == "error" and problems.append("console: " + m.text))
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    urls = [rel for rel in _pages(out) if "/pagefind/" not in rel]
    urls += ["qinghe-xian/search/?q=" + quote("pwned"), "qinghe-xian/search/?q=" + quote("<script>")]
    try:
        for rel in urls:
            page.goto(base + rel, wait_until="load")
            if "search" in rel:
                page.wait_for_timeout(800)
            assert page.evaluate("typeof window.__pwned") == "undefined", rel
            dangerous = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
                [...el.attributes].filter(a => /^on/i.test(a.name)
                    || (!(el.tagName === 'LINK' && el.rel === 'icon')
                        && /^(href|src|action|formaction)$/i.test(a.name)
                        && /^\\s*(javascript|data|vbscript):/i.test(a.value)))
                  .map(a => el.tagName + ' ' + a.name + '=' + a.value))""")
            assert dangerous == [], (rel, dangerous)
            inline = page.evaluate("[...document.scripts].filter(s => !s.src).length")
            assert inline == 0, rel
            assert page.locator("iframe, object, embed").count() == 0, rel
        assert problems == [], problems
        assert offsite == [], offsite
    finally:
        context.close()


def test_injected_text_is_shown_as_text(xss_site) -> None:
    base, browser = xss_site["base"], xss_site["browser"]
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    try:
        page.goto(base + notice_url(xss_site["out"]), wait_until="load")
        text = page.locator("main").inner_text()
        assert "<script>window.__pwned='script'" in text
        assert "<img src=x onerror=" in text
        assert "{{ 7*7 }}" in text and "49" not in text
        assert "正常的一段话" in text
        page.goto(base + f"{V}/", wait_until="load")
        text = page.locator("body").inner_text()
        assert "{{ config }}" in text and "<b>粗</b>" in text
        assert "\"><script>window.__pwned='cell'</script>" in text
        page.goto(base + f"{V}/projects/", wait_until="load")
        assert "<svg onload=" in page.locator("main").inner_text()
        page.goto(base + "qinghe-xian/", wait_until="load")
        assert "<svg onload=\"window.__pwned='svg'\">" in page.locator("body").inner_text()
        # clicking every link in the notice runs nothing either
        page.goto(base + notice_url(xss_site["out"]), wait_until="load")
        for href in page.locator("main a").evaluate_all("els => els.map(a => a.href)"):
            assert href.startswith(("http://127.0.0.1", "https://", "mailto:", "tel:")), href
        assert page.evaluate("typeof window.__pwned") == "undefined"
    finally:
        context.close()
