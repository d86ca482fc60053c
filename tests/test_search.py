"""Search through the real index: build a small site, query it in Chromium via
<county>/search/?q= (Pagefind's own pagefind.js, township bundles merged), and
through tools/search_eval.py in Node; assert which pages come back and what
the results do not reveal."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_util import (  # noqa: E402
    AS_OF,
    CHROMIUM_ARGS,
    ROOT,
    build,
    chromium_or_skip,
    run_search_js,
    serve,
)
from tool_loader import load_tool  # noqa: E402

from generator.search.searchdocs import char_split  # noqa: E402

pytestmark = pytest.mark.browser

COMPOUND = "欧阳秀英"
DOTTED = "阿依努尔·买买提明"
MEMO = "收到欧阳秀英鱼塘承包费"
ASSET = "东沟抽水泵站"
NOTICE_TITLE = "关于青石板桥重建工程结算审计结果的公示"
PROJECT = "后沟洼饮水安全巩固提升"
WITHDRAWN = "诸葛卫东"
WITHDRAWN_ID = "410121195001011234"  # check digit fixed below
PUBLISHED_ID = "410121196802150021"


def _with_check(first17: str) -> str:
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w, strict=True)) % 11]


def _rewrite_csv(path: Path, edit, encoding: str = "utf-8") -> None:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows = edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _make_data(data: Path) -> dict[str, str]:
    """Synthetic county plus hand-placed records in one target village."""
    import subprocess

    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--out", str(data),
                    "--townships", "2", "--villages", "2", "--records", "300", "--as-of", AS_OF],
                   check=True, capture_output=True)
    county = next(p for p in data.iterdir() if (p / "county.yaml").is_file())
    village = sorted(county.glob("*/*/village.yaml"))[-1].parent
    withdrawn_id = _with_check(WITHDRAWN_ID[:17])
    published_id = _with_check(PUBLISHED_ID[:17])

    def welfare(rows: list[list[str]]) -> list[list[str]]:
        h = rows[0]
        def row(**kv: str) -> list[str]:
            return [kv.get(c, "") for c in h]
        return rows + [
            row(项目="低保", 姓名=COMPOUND, 身份证号=published_id, 金额="520.00", 发放日期="2026-10-05"),
            row(项目="高龄津贴", 姓名=DOTTED, 金额="100.00", 发放日期="2026-09-05"),
            # older than 个人信息公示天数 (730): must be withdrawn everywhere
            row(项目="低保", 姓名=WITHDRAWN, 身份证号=withdrawn_id, 金额="480.00", 发放日期="2023-03-05"),
        ]

    _rewrite_csv(village / "welfare.csv", welfare)

    def finance(rows: list[list[str]]) -> list[list[str]]:
        i = rows[0].index("摘要")
        rows[5][i] = MEMO
        return rows

    _rewrite_csv(village / "finance.csv", finance, encoding="gb18030")

    def projects(rows: list[list[str]]) -> list[list[str]]:
        rows[1][rows[0].index("名称")] = PROJECT
        return rows

    _rewrite_csv(village / "projects.csv", projects)

    # assets as .xlsx (every cell text, as Excel users keep codes)
    from openpyxl import Workbook

    assets = village / "assets.csv"
    rows = list(csv.reader(io.StringIO(assets.read_text("utf-8-sig"))))
    rows[1][rows[0].index("名称")] = ASSET
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    wb.save(village / "assets.xlsx")
    assets.unlink()

    (village / "notices" / "2026-11-20-shenji.md").write_text(
        f"---\n标题: {NOTICE_TITLE}\n类别: 财务\n日期: 2026-11-20\n---\n"
        "经村务监督委员会审核，现将结算审计结果公示如下。\n", "utf-8")
    rel = village.relative_to(data)
    return {"county": rel.parts[0], "village": "/".join(rel.parts[1:]) + "/",
            "withdrawn_id": withdrawn_id, "published_id": published_id}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    exe = chromium_or_skip()
    tmp = tmp_path_factory.mktemp("search")
    info = _make_data(tmp / "data")
    # Every township split into one search bundle per village (shards.SHARD_BYTES, what a
    # township with a lot of text gets): every search below goes through the merged bundles.
    from generator.search import shards

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(shards, "SHARD_BYTES", 1)
        build(tmp / "data", tmp / "site")
    from playwright.sync_api import sync_playwright

    with serve(tmp / "site") as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield {**info, "out": tmp / "site", "base": base, "browser": browser}
        finally:
            browser.close()


def test_a_township_with_much_text_is_split_into_bundles_the_search_page_merges(site) -> None:
    """An edit re-indexes only its bundle: a township's search text is split into bundles of
    neighbouring villages, all listed in the county's bundle directory (and an empty primary
    bundle the page's Pagefind instances start from)."""
    county = site["out"] / site["county"]
    bundles = sorted(p.parent.name for p in (county / "pagefind").glob("*/pagefind-entry.json"))
    assert bundles == ["primary.0", "town-01", "town-01.2", "town-02", "town-02.2"]
    page = (county / "search" / "index.html").read_text("utf-8")
    assert 'data-shards="town-01 town-01.2 town-02 town-02.2"' in page
    meta = json.loads((county / "search" / "dir" / "meta.json").read_bytes())
    assert meta["bundles"] == ["town-01", "town-01.2", "town-02", "town-02.2"]
    # the hand-placed records are in the last village: its own bundle, the second of town-02
    fragments = (county / "pagefind" / "town-02.2" / "fragment").iterdir()
    stored = char_split(COMPOUND).encode()  # the name's copy, one character per word
    assert any(stored in gzip.decompress(f.read_bytes()) for f in fragments)


def _search(site, q: str, width: int = 375):
    """Open <county>/search/?q=… and return (page, [(href, title, excerpt text, match)])."""
    page = site["browser"].new_page(viewport={"width": width, "height": 800})
    page.goto(f"{site['base']}{site['county']}/search/?q={quote(q)}")
    page.wait_for_function(
        "() => { const s = document.getElementById('search-status').textContent;"
        " return s && !s.startsWith('正在'); }", timeout=15000)
    results = page.eval_on_selector_all(
        "#results li[data-match]", "els => els.map(li => [li.querySelector('a').getAttribute('href'),"
        " li.querySelector('a').textContent,"
        " [...li.querySelectorAll('p, ul.rows')].map(e => e.textContent).join(' '),"
        " li.dataset.match])")
    return page, results


@pytest.mark.parametrize("query", [COMPOUND, DOTTED, NOTICE_TITLE[2:12], PROJECT, MEMO, ASSET])
def test_resident_query_finds_the_village_page(site, query: str) -> None:
    page, results = _search(site, query)
    try:
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        assert page.input_value("#q") == query, "?q= 没有填进搜索框"
        want = f"/{site['county']}/{site['village']}"
        top = [href for href, _t, _e, _m in results[:5]]
        assert any(h.startswith(want) for h in top), f"{query}: 前五条 {top} 中没有 {want}"
        hit = next(r for r in results[:5] if r[0].startswith(want))
        assert hit[3] == "exact", hit
        assert " · " in hit[1], f"结果标题应为“村 · 栏目 · 期间”：{hit[1]}"
        assert not set("〔〕〖〗") & set(hit[2]), f"摘要里露出了索引专用文字：{hit[2]}"
        assert page.locator("#results li mark").count() > 0, "结果没有高亮"
        if query == MEMO:  # indexed one character per word; read as the clerk wrote it
            assert MEMO in hit[2], f"摘要应当照原样显示这笔收支：{hit[2]}"
    finally:
        page.close()


@pytest.mark.parametrize("query", [MEMO, COMPOUND])
def test_ledger_hit_links_to_the_month_page_that_shows_it(site, query: str) -> None:
    """The ledger is indexed one document per year (one section per month page); a hit must
    still open the month page that has the row."""
    page, results = _search(site, query)
    page.close()
    want = f"/{site['county']}/{site['village']}affairs/ledger/"
    hits = [(h, t) for h, t, _e, _m in results if h.startswith(want)]
    assert hits, f"{query}: 没有链接到本村财务收支月份页：{[r[0] for r in results]}"
    href, title = hits[0]
    assert re.fullmatch(r".*/ledger/\d{4}-\d{2}(-\d+)?\.html", href), href
    html = (site["out"] / href.lstrip("/")).read_text("utf-8")
    assert MEMO in html, f"{href} 上没有这笔收支"
    assert "财务收支" in title and "月" in title, title


def test_welfare_hit_links_to_the_month_list_with_the_name(site) -> None:
    page, results = _search(site, DOTTED)
    page.close()
    want = f"/{site['county']}/{site['village']}welfare/"
    hits = [h for h, _t, _e, _m in results if h.startswith(want)]
    assert hits and re.fullmatch(r".*/welfare/\d{4}-\d{2}(-\d+)?\.html", hits[0]), hits
    assert DOTTED in (site["out"] / hits[0].lstrip("/")).read_text("utf-8")


def test_dibao_program_name_finds_welfare_pages(site) -> None:
    page, results = _search(site, "低保")
    page.close()
    assert results, "“低保”没有任何结果"
    assert any("/welfare/" in h for h, _t, _e, _m in results[:5])


def test_withdrawn_name_and_full_ids_are_not_revealed(site) -> None:
    for q in (WITHDRAWN, site["withdrawn_id"], site["published_id"], site["published_id"][-4:]):
        page, results = _search(site, q)
        shown = page.inner_text("#results")
        page.close()
        assert WITHDRAWN not in shown, f"搜索“{q}”的结果露出了已撤下的姓名"
        for full in (site["withdrawn_id"], site["published_id"]):
            assert full not in shown, f"搜索“{q}”的结果露出了完整身份证号"
    bundle = site["out"] / site["county"] / "pagefind"
    assert bundle.is_dir()
    _page, results = _search(site, COMPOUND)
    _page.close()
    assert results, "对照：公开的姓名应当能搜到"


def test_header_search_box_is_a_plain_get_form(site) -> None:
    page = site["browser"].new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site['base']}{site['county']}/{site['village']}")
        page.fill("#q-top", COMPOUND)
        page.press("#q-top", "Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        page.wait_for_selector("#results li", timeout=15000)
        assert page.input_value("#q") == COMPOUND
        assert page.locator("label[for=q]").is_visible()
        assert page.locator("#search-unsupported").is_hidden()
    finally:
        page.close()


@pytest.mark.parametrize("which", ["name", "program", "absent"])
def test_search_page_accessibility_at_375px(site, which: str) -> None:
    """axe-clean with exact results (grouped rows), with many, and with partial ones only."""
    from axe_playwright_python.sync_playwright import Axe

    q = {"name": COMPOUND, "program": "低保"}.get(which) or _absent_names(site, 1)[0]
    page, results = _search(site, q)
    try:
        assert results or which == "absent", page.inner_text("#search-status")
        box = page.locator("#q").bounding_box()
        assert box is not None and box["height"] >= 44, "搜索框太小，不便触摸"
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0
        res = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
        bad = [f"{v['id']}: {v['help']}" for v in res.response["violations"]
               if v["impact"] in ("serious", "critical")]
        assert not bad, "\n".join(bad)
    finally:
        page.close()


def test_without_webassembly_the_page_says_so(site) -> None:
    ctx = site["browser"].new_context(viewport={"width": 375, "height": 800})
    ctx.add_init_script("delete window.WebAssembly;")
    page = ctx.new_page()
    try:
        page.goto(f"{site['base']}{site['county']}/search/?q={quote(COMPOUND)}")
        page.wait_for_timeout(500)
        msg = page.locator("#search-unsupported")
        assert msg.is_visible() and "WebAssembly" in msg.inner_text()
    finally:
        ctx.close()


def test_every_published_name_and_project_hits_in_node(site) -> None:
    """tools/search_eval.py: the search page's own findPages() in Node over pagefind.js."""
    mod = load_tool("search_eval")
    county = site["out"] / site["county"]
    cases = mod.collect_cases(county)
    names = {c.query for c in cases if c.kind == "recipient"}
    assert COMPOUND in names and DOTTED in names and WITHDRAWN not in names
    assert any(c.kind == "project" and c.query == PROJECT for c in cases)
    for s in mod.evaluate(county, modes=("after", "after-no-segmenter"), memo_every=10):
        if s.kind == "memo":  # four characters of a memo: only those few villages have
            assert s.total_distinct >= 5, s
            assert s.rate_distinct >= 0.99, f"{s.mode} memo: {s.hits_distinct}/{s.total_distinct}"
            continue
        assert s.total > 10
        assert s.rate >= 0.99, f"{s.mode} {s.kind}: {s.hits}/{s.total}, 未命中 {s.misses[:5]}"
    # precision: every answer called exact holds the query on its published page; no absent
    # name (its characters all published) is reported found
    scores = {(s.mode, s.kind): s for s in mod.evaluate(county, modes=("after",), memo_every=10)}
    assert scores[("after", "absent")].total >= 10
    assert scores[("after", "absent")].found == 0, scores[("after", "absent")]
    for kind in ("recipient", "project", "memo"):
        s = scores[("after", kind)]
        assert s.found >= s.total_distinct and s.precision == 1.0, s



def test_excerpts_read_as_written_in_node(tmp_path: Path) -> None:
    """search.js's excerpt helpers: name/title copies (〔…〕) removed, memo copies (〖…〗)
    written back without spaces, also when Pagefind cut them off; a memo that holds the query
    side by side becomes the excerpt, the query marked and escaped."""
    out = run_search_js(
        tmp_path,
        'console.log(JSON.stringify([\n'
        '  s.cleanExcerpt("欧 阳 秀 英 \\u2063 低 保 \\u2063 〔欧 阳 秀 英〕 \\u2063 李 四"),\n'
        '  s.cleanExcerpt("〖收 到 <mark>欧</mark> <mark>阳</mark> 款〗 \\u2063 支 出 \\u2063 〖支 付 电"),\n'
        '  s.cleanExcerpt("付 电 费〗 \\u2063 管 理 费 用 \\u2063 〔管 理"),\n'
        '  s.charSplit("LED路灯 403袋·（二期）"),\n'
        '  s.memoExcerpt("〖支 付 电 费〗 \\u2063 〖收 到 欧 阳 秀 英 \\u2063 <b> 鱼 塘 承 包 费〗",'
        ' s.charSplit("欧阳秀英")),\n'
        '  s.memoExcerpt("〖支 付 电 费〗", s.charSplit("欧阳")),\n'
        '  s.readable("古 家 村 \\u2063 · \\u2063 财 务 收 支 \\u2063 · \\u2063 2024 年 12 月"),\n'
        '  s.charSplit("ＬＥＤ灯２０２４盏"),\n'
        ']));\n')
    assert out == [
        "欧阳秀英 低保 李四",
        "收到<mark>欧阳</mark>款 支出 支付电",
        "付电费 管理费用",
        ["LED", "路", "灯", "403", "袋", "二", "期"],
        "收到<mark>欧阳秀英</mark> &lt;b&gt;鱼塘承包费",
        "",
        "古家村 · 财务收支 · 2024年12月",
        ["LED", "灯", "2024", "盏"],
    ]
    # the index's text and copies are split exactly as the query is
    from generator.search.searchdocs import GAP, char_split, memo_copy, spaced_text, split_words

    assert split_words("LED路灯 403袋·（二期）") == out[3]
    assert split_words("ＬＥＤ灯２０２４盏") == out[7]
    assert char_split("阿依努尔·买买提明（二期）") == "〔阿 依 努 尔 买 买 提 明 二 期〕"
    assert memo_copy("购买LED路灯 403盏（二期）") == f"〖购 买 LED 路 灯 {GAP} 403 盏 （ 二 期 ）〗"
    # what readable() turned back above
    assert spaced_text("古家村 · 财务收支 · 2024年12月") == \
        f"古 家 村 {GAP} · {GAP} 财 务 收 支 {GAP} · {GAP} 2024 年 12 月"


def test_a_memo_holding_the_name_in_order_comes_before_repeated_characters(tmp_path: Path) -> None:
    """吴信宝 asked for: a memo with 吴信信 also has 吴 and 信 side by side (信 twice); the memo
    that holds 吴信宝 in this order comes first, whatever Pagefind's own order."""
    out = run_search_js(
        tmp_path,
        'const page = (id, url, content, words) => ({ id, words,\n'
        '  data: async () => ({ url, content, meta: { title: id }, sub_results: [] }) });\n'
        'const split = [\n'
        '  page("a", "/t/v1/affairs/ledger/2024.html", "〖支 付 吴 信 信 意 外 伤 害 救 助 金〗", [2, 3, 4]),\n'
        '  page("b", "/t/v2/affairs/ledger/2026.html", "〖收 到 吴 信 宝 交 回 补 助 款〗", [2, 3, 4]),\n'
        '];\n'
        'const pf = { search: async (q) => ({ results: q.includes(" ") ? split : [] }) };\n'
        'const r = await s.findPages(pf, "吴信宝");\n'
        'console.log(JSON.stringify(r.items.map((i) => i.url)));\n')
    assert out == ["/t/v2/affairs/#ledger", "/t/v1/affairs/#ledger"]


def test_exact_match_rules_in_node(tmp_path: Path) -> None:
    """What counts as an exact match: every space-separated word contiguous in one field,
    a word inside a longer one, separators and full/half width ignored; never across two
    fields or lines, never digits of a masked ID number, never an ASCII run's part."""
    cases = [
        ("张 红 梅 \u2063 何 伟", "张伟", False),
        ("〔王 红 梅〕", "王红", True),
        ("王 红 梅", "王 红", True),
        ("王 秀 英 \u2063 低 保", "王秀英 低保", True),
        ("王 秀 英 \u2063 低 保", "王秀英低保", False),
        ("王 秀 英 \u2064 低 保", "王秀英 特困", False),
        ("阿 依 努 尔 · 买 买 提 明", "阿依努尔·买买提明", True),
        ("阿 依 努 尔 · 买 买 提 明", "阿依努尔买买提明", True),
        ("耕 地 地 力 保 护 补 贴", "低保", False),
        ("耕 地 地 力 保 护 补 贴", "保", True),
        ("410122 * * * * * * * * 123X", "123", False),
        ("410122 * * * * * * * * 123X", "123X", False),
        ("410122 * * * * * * * * 123X", "410122", False),
        ("2024 年 LED 路 灯", "２０２４年", True),
        ("2024 年 LED 路 灯", "led路灯", True),
        ("20240 年", "2024", False),
        ("〖收 到 欧 阳 秀 英 \u2063 鱼 塘 承 包 费〗 \u2064 〖支 付 电 费〗", "鱼塘承包", True),
        ("〖收 到 欧 阳 秀 英〗 \u2064 〖鱼 塘 承 包 费〗", "秀英鱼塘", False),
        ("石 河 村 \u2063 · \u2063 2025 年 12 月. 收 入", "月收入", False),
    ]
    import json

    out = run_search_js(
        tmp_path, f"const cases = {json.dumps(cases, ensure_ascii=False)};\n"
        "console.log(JSON.stringify(cases.map(([t, q]) => s.isExact(t, q))));\n")
    assert out == [want for _t, _q, want in cases], [
        (t, q) for (t, q, want), got in zip(cases, out, strict=True) if got != want]


def _absent_names(site, n: int = 4) -> list[str]:
    """Names nobody in the county has, made of a published surname and another published
    person's given name: every character is in the index, the name is not."""
    mod = load_tool("search_eval")
    county = site["out"] / site["county"]
    names = sorted({c.query for c in mod.collect_cases(county) if c.kind == "recipient"
                    and len(c.query) in (2, 3) and "·" not in c.query})
    text = "\n".join(p.read_text("utf-8") for p in county.rglob("*.html"))
    out: list[str] = []
    for a, b in zip(names, reversed(names), strict=True):
        candidate = a[0] + b[1:]
        if candidate not in text and candidate not in out:
            out.append(candidate)
        if len(out) == n:
            break
    assert len(out) == n
    return out


def _exact_state(page) -> tuple[int, str, list[str]]:
    return (page.locator("#results li[data-match=exact]").count(),
            page.inner_text("#search-status"),
            page.eval_on_selector_all("#results mark", "ms => ms.map(m => m.textContent)"))


def test_present_names_come_first_as_exact_results(site) -> None:
    mod = load_tool("search_eval")
    county = site["out"] / site["county"]
    names = sorted({c.query for c in mod.collect_cases(county) if c.kind == "recipient"})
    for name in [COMPOUND, DOTTED, *names[:: max(1, len(names) // 6)][:6]]:
        page, results = _search(site, name)
        n, status, marks = _exact_state(page)
        page.close()
        assert results and results[0][3] == "exact", f"{name}: 第一条不是完全匹配：{results[:1]}"
        first = results[0][2].replace(" ", "")
        assert name in first or name.replace("·", "") in first.replace("·", ""), (name, first)
        assert status.startswith("找到 ") and "条完全匹配" in status and "个村）" in status, status
        assert n >= 1 and marks and all(m.replace("·", "") in name.replace("·", "") or name in m
                                        for m in marks), marks


def test_absent_names_are_not_reported_as_found(site) -> None:
    for name in _absent_names(site):
        page, results = _search(site, name)
        n, status, marks = _exact_state(page)
        page.close()
        assert n == 0, f"{name}: 没有这个人，却显示为完全匹配"
        assert f"没有找到完全包含“{name}”的记录" in status, status
        assert "找到 " not in status.replace("没有找到", ""), status
        assert all(m == "partial" for *_x, m in results), results
        assert not marks, f"{name}: 部分匹配的结果不应高亮单字：{marks}"


@pytest.mark.parametrize("query", [PROJECT[3:7], "鱼塘承包", "低保", NOTICE_TITLE[2:9]])
def test_project_words_memo_phrases_and_programs_are_exact(site, query: str) -> None:
    page, results = _search(site, query)
    n, status, marks = _exact_state(page)
    page.close()
    assert results and results[0][3] == "exact", (query, results[:1])
    assert query in results[0][2].replace(" ", "") or query in results[0][1], results[0]
    assert marks and set(marks) == {query}, f"只高亮整个“{query}”：{sorted(set(marks))}"
    assert f"条完全匹配“{query}”的记录" in status, status


def test_a_dibao_row_shows_date_village_name_and_amount_and_links_to_the_row(site) -> None:
    page, _results = _search(site, COMPOUND)
    try:
        row = page.locator("#results ul.rows a").first
        text = row.inner_text()
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} · \S+村 · 低保 · 欧阳秀英 · 520\.00 元", text), text
        href = row.get_attribute("href")
        assert re.fullmatch(r".*/welfare/\d{4}-\d{2}(-\d+)?\.html#r\d+", href or ""), href
        row.click()
        page.wait_for_url(re.compile(r"#r\d+$"))
        target = page.locator("tr:target")
        assert target.count() == 1 and COMPOUND in target.inner_text()
    finally:
        page.close()


@pytest.mark.parametrize("which", ["tail", "head"])
def test_masked_id_fragments_match_nothing(site, which: str) -> None:
    pid = site["published_id"]
    q = pid[-4:] if which == "tail" else pid[:6]
    page, results = _search(site, q)
    n, status, _marks = _exact_state(page)
    shown = page.inner_text("#results")
    page.close()
    assert n == 0, f"身份证号片段“{q}”不应当算作找到"
    assert f"没有找到完全包含“{q}”的记录" in status
    assert pid not in shown


def test_chips_and_the_village_filter_search_with_taps_only(site) -> None:
    """A kiosk user: no keyboard. The chips come from the data (programs, project
    categories, 合同); a tap on the village list and on 低保 shows that village's 低保 rows."""
    page = site["browser"].new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site['base']}{site['county']}/search/")
        chips = page.eval_on_selector_all("#chips button", "bs => bs.map(b => b.textContent)")
        assert chips[0] == "低保" and "高龄津贴" in chips and "合同" in chips, chips
        assert "其他" not in chips
        page.wait_for_selector("#filters:not([hidden])")
        villages = page.eval_on_selector_all("#f-vil option", "os => os.map(o => o.value)")[1:]
        village = villages[-1]
        page.select_option("#f-vil", village)
        page.click("#chips button[data-q='低保']")
        page.wait_for_function(
            "() => document.getElementById('search-status').textContent.startsWith('找到')",
            timeout=15000)
        assert page.input_value("#q") == "低保"
        heads = page.eval_on_selector_all(".village-hits h3", "hs => hs.map(h => h.textContent)")
        assert heads and all(h.startswith(village + "（") for h in heads), heads
        assert "（1 个村）" in page.inner_text("#search-status")
    finally:
        page.close()


def _fetched(site, q: str, click: str | None = None):
    """Search ``q``; (page, status, the Pagefind index/fragment files fetched per bundle)."""
    page = site["browser"].new_page(viewport={"width": 375, "height": 800})
    got: list[str] = []
    page.on("requestfinished", lambda r: got.append(r.url))
    page.goto(f"{site['base']}{site['county']}/search/")
    page.wait_for_selector("#filters:not([hidden])")
    page.wait_for_load_state("networkidle")
    got.clear()
    page.fill("#q", q)
    page.click("#search-form button[type=submit]")
    page.wait_for_function(
        "() => { const s = document.getElementById('search-status').textContent;"
        " return s && !s.startsWith('正在'); }", timeout=15000)
    page.wait_for_load_state("networkidle")
    bundles: dict[str, int] = {}
    for u in got:
        m = re.search(r"/pagefind/([^/]+)/(?:index|fragment)/", u)
        if m:
            bundles[m.group(1)] = bundles.get(m.group(1), 0) + 1
    return page, page.inner_text("#search-status"), bundles


def test_a_present_name_is_searched_only_in_the_bundle_the_directory_names(site) -> None:
    """The directory says which bundle can hold the name: only that one is fetched, and the
    first result holds the name."""
    page, status, bundles = _fetched(site, COMPOUND)
    try:
        assert status.startswith("找到 "), status
        assert set(bundles) == {"town-02.2"}, bundles  # the hand-placed village's bundle
        first = page.locator("#results li[data-match]").first
        assert first.get_attribute("data-match") == "exact"
        assert COMPOUND in first.inner_text()
    finally:
        page.close()


def test_an_absent_name_is_not_found_at_once_and_partial_matches_load_on_request(site) -> None:
    """A name whose characters are all published (on one page) but which nobody has: "not found" with
    nothing fetched from any bundle; the button loads the partial matches (their own heading,
    data-match="partial") and says beforehand what that costs."""
    # every character on the page of 欧阳秀英, never in this order
    name = "秀阳欧"
    assert not any(name in p.read_text("utf-8") for p in (site["out"] / site["county"]).rglob("*.html"))
    page, status, bundles = _fetched(site, name)
    try:
        assert f"没有找到完全包含“{name}”的记录" in status, status
        assert bundles == {}, f"{name}: 没有可能的索引分区，却下载了 {bundles}"
        assert page.locator("#results li").count() == 0
        button = page.get_by_role("button", name=re.compile("查看包含其中部分字的结果"))
        assert re.search(r"要下载约 \d+(\.\d)? (KB|MB)", button.inner_text()), button.inner_text()
        button.click()
        page.wait_for_selector("#results li[data-match=partial]", timeout=15000)
        assert page.locator("#results li[data-match=exact]").count() == 0
        assert "包含其中部分字的结果" in page.inner_text("#results")
        assert f"没有找到完全包含“{name}”的记录" in page.inner_text("#search-status")
    finally:
        page.close()

