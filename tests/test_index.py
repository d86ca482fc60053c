"""The Pagefind service client: documents in, a reproducible bundle out, or a clear error."""

from __future__ import annotations

import base64
import gzip
import json
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import ToolError
from generator.search import index


def _docs(n: int) -> list[tuple[str, bytes]]:
    return [(f"t/v{i}/index.html",
             f'<!doctype html><html lang="zh-CN"><body><main data-pagefind-body>'
             f"<h1>第{i}页</h1><p>修路 张三 {i}</p></main></body></html>".encode())
            for i in range(n)]


def test_bundle_is_written_and_reproducible(tmp_path: Path) -> None:
    pool = index.ServicePool()
    try:
        index.index_documents(_docs(30), tmp_path / "a", pool)
        index.index_documents(_docs(30), tmp_path / "b", pool)  # the same service, reused
    finally:
        pool.close()
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert (tmp_path / "a" / "pagefind-entry.json").is_file() and len(files_a) > 30
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_a_hung_pagefind_is_stopped_with_a_message(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(index, "TIMEOUT", 0.01)
    with pytest.raises(ToolError, match="超时"):
        index.index_documents(_docs(3000), tmp_path / "out")


def _outcome(slug: str, search_bytes: int):
    from generator.model.views import ZERO, VillageTotals
    from generator.pipeline import VillageOutcome
    from generator.read.load import VillageSource

    totals = VillageTotals(1, ZERO, ZERO, ZERO, ZERO, 0, None)
    return VillageOutcome(VillageSource("xian", "zhen", slug, Path("/nowhere") / slug), slug,
                          totals, (), frozenset(), 0, slug, search_bytes=search_bytes)


def test_search_shards_bound_what_one_edit_reindexes(monkeypatch: pytest.MonkeyPatch) -> None:
    """A township under the limit is one bundle named after it; above it, runs of neighbouring
    villages of equal count, so a village whose text grows changes only its own bundle."""
    from generator.search import shards as pipeline

    monkeypatch.setattr(pipeline, "SHARD_BYTES", 1000)
    small = [_outcome(f"v{i:02d}", 90) for i in range(10)]
    assert [(n, [o.source.slug for o in part]) for n, part in pipeline.search_shards("zhen", small)] \
        == [("zhen", [f"v{i:02d}" for i in range(10)])]
    big = [_outcome(f"v{i:02d}", 280) for i in reversed(range(10))]  # 2,800 bytes: 3 bundles
    shards = pipeline.search_shards("zhen", big)
    assert [(n, [o.source.slug for o in part]) for n, part in shards] == [
        ("zhen", ["v00", "v01", "v02", "v03"]), ("zhen.2", ["v04", "v05", "v06"]),
        ("zhen.3", ["v07", "v08", "v09"])]
    # v05 grows; the township stays under 3 × SHARD_BYTES: the same bundles (only
    # crossing a multiple of SHARD_BYTES re-cuts the township, once)
    grown = [_outcome(o.source.slug, 450 if o.source.slug == "v05" else 280) for o in big]
    assert [[o.source.slug for o in p] for _, p in pipeline.search_shards("zhen", grown)] \
        == [[o.source.slug for o in p] for _, p in shards]
    assert pipeline.search_shards("zhen", []) == [("zhen", [])]  # an empty township: one bundle


def test_a_page_indexes_a_repeated_memo_clause_once() -> None:
    """Clerks append the same procedure to many memos: a search document writes it once (the
    first memo that has it), later memos keep their own words and show … in its place."""
    from generator.search.searchdocs import document

    memos = ["购买水泥，经村民代表会议研究同意", "支付电费，经村民代表会议研究同意",
             "支付电费，经村民代表会议研究同意"]
    html = document("村 · 财务收支 · 2025年", [], [(None, m) for m in memos])
    assert html.count("经 村 民") == 1
    assert "〖购 买 水 泥 ， 经 村 民 代 表 会 议 研 究 同 意〗" in html
    assert "〖支 付 电 费 ， …〗" in html
    assert html.count("支 付 电 费") == 1  # the same memo again adds nothing


def test_document_numbers_typed_with_the_copy_markers_survive_in_excerpts() -> None:
    """〔〕 and 〖〗 mark index-only copies (search.js drops or joins them in excerpts); a
    document number written with them (豫财农〔2024〕12号, common in memos and notices) must
    not lose its year: it is indexed with ［］."""
    from generator.search.searchdocs import document

    html = document("关于豫财农〔2024〕12号的公示", [],
                    [("依据豫财农〔2024〕12号文件", ""), (None, "拨付〖2025〗3号补助")])
    body = html.split("<body>", 1)[1]
    assert body.count("〔2024〕") == 1 and body.count("［ 2024 ］") == 2  # only the meta title
    assert "依 据 豫 财 农 ［ 2024 ］ 12 号 文 件" in body
    assert "〖拨 付 ［ 2025 ］ 3 号 补 助〗" in body
    assert 'title:关于豫财农〔2024〕12号的公示' in body  # the result's title stays as typed


def test_a_name_is_copied_once_per_page() -> None:
    """Five assets called 村卫生室: each line is on the page, the name's one-character copy
    once (a search for it still finds the page and its exact copy)."""
    from generator.search.searchdocs import document, spaced_text

    lines = [(f"村卫生室 非经营性资产 {g}组", "村卫生室") for g in "一二三"]
    html = document("村 · 三资公开", [], lines)
    assert all(spaced_text(f"村卫生室 非经营性资产 {g}组") in html for g in "一二三")
    assert html.count("〔村 卫 生 室〕") == 1


@given(st.lists(st.sampled_from([*"张王三村A B z9 0·（），〔〕\t\n２Ｌｅ．", "LED", "403"]), max_size=30)
       .map("".join))
@settings(max_examples=300, deadline=None)
def test_copies_split_as_the_query_is(text: str) -> None:
    """The fast splitting of copies (spaces between all characters, joined again inside ASCII
    runs) gives what its definition gives: separators dropped, an ASCII letter/digit run one
    word, full-width letters and digits as ASCII, any other character one word; a memo's
    copy keeps punctuation and its own spaces (written as GAP) as word breaks."""
    import re

    from generator.search.searchdocs import _SEP, GAP, memo_copy, split_words

    word = re.compile(r"[A-Za-z0-9]+|.", re.S)
    # full-width letters and digits are written as ASCII
    narrow = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if chr(c).isalnum()}
    assert split_words(text) == word.findall(_SEP.sub("", text).translate(narrow))
    chunks = [" ".join(word.findall(c.translate(narrow))) for c in text.split()]
    assert memo_copy(text) == "〖" + f" {GAP} ".join(chunks) + "〗"


def _fragment_urls(site: Path) -> list[str]:
    """The page URLs the built search bundles link their results to."""
    urls = []
    for frag in site.rglob("*.pf_fragment"):
        data = gzip.decompress(frag.read_bytes())
        data = data[data.index(b"{"):]  # after Pagefind's "pagefind_dcd" signature
        urls.append(json.loads(data)["url"])
    return urls


def test_a_notice_slug_containing_index_links_to_its_own_page(cli, minimal_data: Path,
                                                              tmp_path: Path) -> None:
    village = minimal_data / "qinghe-xian" / "dongguan-zhen" / "liuzhuang-cun"
    (village / "notices").mkdir()
    (village / "notices" / "price-index.md").write_text(
        "---\n标题: 农产品价格指数公示\n类别: 村务\n日期: 2026-11-20\n---\n本月价格指数如下。\n",
        "utf-8")
    out = tmp_path / "site"
    assert cli("--data", minimal_data, "--out", out, "--as-of", "2026-12-01").code == 0
    page = "dongguan-zhen/liuzhuang-cun/affairs/notices/price-index.html"
    assert (out / "qinghe-xian" / page).is_file()
    urls = _fragment_urls(out)
    notice = [u for u in urls if "price" in u]
    assert notice and all(u.endswith("/" + page) for u in notice), notice
    assert any(u.endswith("/dongguan-zhen/liuzhuang-cun/") for u in urls), urls  # folders stay folders


def test_doc_url_strips_only_a_whole_index_file_name() -> None:
    assert index.doc_url("index.html") == "/"
    assert index.doc_url("zhen/cun/index.html") == "/zhen/cun/"
    assert index.doc_url("zhen/cun/affairs/notices/price-index.html") \
        == "/zhen/cun/affairs/notices/price-index.html"
    assert index.doc_url("zhen/cun/affairs/notices/index.html.html") \
        == "/zhen/cun/affairs/notices/index.html.html"


class _Pipe:
    """A Pagefind standard output that hands out the given chunks, one per read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)

    def read1(self, _n: int) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""


@given(st.lists(st.binary(max_size=40), min_size=1, max_size=6), st.data())
@settings(max_examples=200, deadline=None)
def test_answers_are_read_whole_however_the_pipe_cuts_them(payloads: list[bytes], data) -> None:
    msgs = [json.dumps({"payload": {"n": i, "x": p.hex()}}).encode() for i, p in enumerate(payloads)]
    stream = b"".join(base64.b64encode(m) + b"," for m in msgs)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(stream) - 1)), max_size=20)))
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    service = index._Service.__new__(index._Service)
    service.buf = b""
    service.proc = types.SimpleNamespace(stdout=_Pipe([c for c in chunks if c]))
    got = [service.read() for _ in msgs]
    assert got == [{"n": i, "x": p.hex()} for i, p in enumerate(payloads)]


@pytest.mark.parametrize("sep", [",", "、", "/", "_", ":", '"', "~", "+", "#", "（"])
def test_a_title_or_name_with_a_number_split_is_published_not_joined(sep: str, tmp_path: Path) -> None:
    """A notice title and a project name hold an ID with its digit groups set apart by a
    mark (not a number a reader sees, docs/privacy.md). Pagefind indexes a title's words
    with marks dropped, and the names' index-only copies drop separators: neither may join
    the groups into the ID. The build publishes both as typed, and no output file, the
    search index included, holds the number."""
    import shutil
    import sys

    from generator import personal
    from generator.cli import main
    from generator.publish import leakguard

    tests = Path(__file__).resolve().parent
    sys.path.insert(0, str(tests))
    from browser_util import AS_OF

    split = sep.join(["410122", "19850315", "0024"])
    data = tmp_path / "data"
    shutil.copytree(tests / "golden" / "data", data)
    village = data / "qinghe-xian" / "dongguan-zhen" / "liuzhuang-cun"
    notice = village / "notices" / "2026-q3-dibao.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace(
        "标题: 2026年第三季度低保评议结果公示", f"标题: 公示 {split}"), encoding="utf-8")
    projects = village / "projects.csv"
    name = f"道路硬化{split}"
    cell = '"' + name.replace('"', '""') + '"' if sep in ',"' else name
    projects.write_text(projects.read_text(encoding="utf-8").replace("刘庄村主街道路硬化", cell, 1),
                        encoding="utf-8")
    out = tmp_path / "site"
    code = main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                 "--jobs", "1", "--quiet"])
    assert code == 0
    page = (out / "qinghe-xian" / "dongguan-zhen" / "liuzhuang-cun" / "affairs" / "notices"
            / "2026-q3-dibao.html").read_text(encoding="utf-8")
    assert split.replace('"', "&#34;") in page or split.replace('"', "&quot;") in page or split in page
    files = [p for p in out.rglob("*") if p.is_file()]
    assert leakguard.scan_tree(out, files) == []
    for p in (out / "qinghe-xian" / "pagefind").rglob("*.pf_*"):
        text = gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
        assert "410122198503150024" not in text, p
        assert not [f for f in personal.scan_text(text) if f.number == "410122198503150024"], p
