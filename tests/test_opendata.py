"""Open data: CSV/JSON downloads, county-wide files, Atom feeds, sitemap.xml, robots.txt.

Builds a tiny county (with an expired welfare row, a lower-case-x ID and a name
with ·) and checks what a journalist or resident downloading the data sees.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path, PurePosixPath

import pytest
from conftest import AS_OF
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.read.values import id_check_digit

URL = "https://ydt.example.gov.cn/qinghe/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BOM = b"\xef\xbb\xbf"
MODULES = ("powers", "assets", "affairs", "welfare", "projects", "services")
VILLAGE = "qinghe-xian/dongguan-zhen/liuzhuang-cun"
EMPTY_VILLAGE = "qinghe-xian/dongguan-zhen/zhaozhuang-cun"


def _id(prefix: str, want_x: bool) -> str:
    """A valid 18-character ID; with ``want_x`` one whose check character is X (written x)."""
    for seq in range(1, 1000):
        first = f"{prefix}{seq:03d}"
        check = id_check_digit(first)
        if (check == "X") == want_x:
            return first + (check.lower() if want_x else check)
    raise AssertionError("no ID found")


ID_X = _id("41012219800101", want_x=True)  # lower-case x in the data
ID_OLD = _id("41012219500505", want_x=False)
ID_WANG = _id("41012219400303", want_x=False)
MASK_X = ID_X[:6] + "********" + ID_X[-4:].upper()
DOT_NAME = "阿依古丽·买买提"
OLD_NAME = "张旧名"  # paid 2024-01-10: older than 个人信息公示天数 (365) before 2026-11-28


def _write(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def make_data(root: Path, *, url: bool = True) -> Path:
    c = "qinghe-xian"
    _write(root, f"{c}/county.yaml",
           "名称: 青禾县\n代码: \"410122\"\n" + (f"网址: {URL}\n" if url else "")
           + "监督电话: 0371-12388\n个人信息公示天数: 365\n")
    _write(root, f"{c}/dongguan-zhen/township.yaml", "名称: 东关镇\n代码: \"410122100\"\n")
    _write(root, f"{VILLAGE}/village.yaml", "名称: 刘庄村\n类型: 村\n代码: \"410122100201\"\n")
    _write(root, f"{EMPTY_VILLAGE}/village.yaml", "名称: 赵庄村\n类型: 村\n代码: \"410122100202\"\n")
    _write(root, f"{VILLAGE}/welfare.csv",
           "项目,姓名,身份证号,家庭人口,金额,发放日期,发放方式,备注\n"
           f"低保,{DOT_NAME},{ID_X},3,\"1,234.5\",2026-10-05,银行代发,\n"
           f"高龄津贴,王秀英,{ID_WANG},,100,2026-10-20,现金,\n"
           f"低保,{OLD_NAME},{ID_OLD},2,500,2024-01-10,银行代发,\n")
    _write(root, f"{VILLAGE}/finance.csv",
           "日期,凭证号,类型,科目,摘要,金额\n"
           "2026-10-03,001,收入,补助收入,上级转移支付,5000\n"
           "2026-10-08,002,支出,管理费用,购买办公用品,1234.56\n"
           "2026-10-21,003,支出,公益支出,=HYPERLINK(\"x\") 路灯维修,300\n")
    _write(root, f"{VILLAGE}/balances.csv",
           "月份,期初余额,本月收入,本月支出,期末余额\n2026-10,10000,5000,1534.56,13465.44\n")
    _write(root, f"{VILLAGE}/assets.csv",
           "编号,名称,类别,数量,单位,原值,购建日期\nZC-001,村委会办公楼,非经营性,1,栋,\"350,000\",2010-06-01\n")
    _write(root, f"{VILLAGE}/projects.csv",
           "项目编号,名称,预算金额,已拨付金额,进度\nXM-01,刘庄村道路硬化,120000,60000,50\n")
    _write(root, f"{VILLAGE}/powers.yaml",
           "- 名称: 村级重大事项决策\n  流程: [提出议题, 两委商议, 村民代表会议表决]\n")
    _write(root, f"{VILLAGE}/services.yaml", "- 名称: 开具证明\n  所需材料: [身份证, 户口本]\n")
    _write(root, f"{VILLAGE}/notices/2026-11-02-dibao.md",
           "---\n标题: 2026年第三季度低保评议结果公示\n类别: 村务\n日期: 2026-11-02\n"
           "公示开始: 2026-11-02\n公示结束: 2026-11-09\n---\n经民主评议，拟新增低保对象 2 户，现予公示。\n")
    return root


def _build(data: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                 "--jobs", "1", "--no-cache"])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two builds with 网址 (for byte-for-byte comparison) and one without."""
    base = tmp_path_factory.mktemp("opendata")
    out: dict[str, Path] = {}
    mp = pytest.MonkeyPatch()
    try:
        for name, url in (("a", True), ("b", True), ("nourl", False)):
            data = make_data(base / f"data-{name}", url=url)
            site = base / f"site-{name}"
            # capture stderr ourselves: capsys is function-scoped
            err = io.StringIO()
            mp.setattr("sys.stderr", err)
            code = main(["build", "--data", str(data), "--out", str(site), "--as-of", AS_OF,
                         "--jobs", "1", "--no-cache"])
            mp.undo()
            assert code == 0, err.getvalue()
            (base / f"stderr-{name}.txt").write_text(err.getvalue(), encoding="utf-8")
            out[name] = site
    finally:
        mp.undo()
    out["base"] = base
    return out


def _read_csv(p: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = p.read_bytes()
    assert raw.startswith(BOM), f"{p.name} has no UTF-8 BOM (Excel would garble Chinese)"
    text = raw[len(BOM):].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _links(page: Path) -> list[str]:
    return re.findall(r'href="([^"]+)"', page.read_text("utf-8"))


def _resolve(page: Path, href: str) -> Path:
    return Path(str(PurePosixPath(page.parent.as_posix()) / href)).resolve()


def _text_files(site: Path) -> list[Path]:
    return [p for p in site.rglob("*") if p.is_file() and p.suffix in (".csv", ".json", ".xml", ".txt")]


# ----------------------------------------------------------------------------- links
@pytest.mark.parametrize("module", MODULES)
def test_module_page_links_csv_and_json_that_exist(sites: dict[str, Path], module: str) -> None:
    for name in ("a", "nourl"):
        page = sites[name] / VILLAGE / module / "index.html"
        links = [h for h in _links(page) if h.endswith((".csv", ".json"))]
        csvs = [h for h in links if h.endswith(".csv")]
        jsons = [h for h in links if h.endswith(".json")]
        assert csvs and jsons, f"{module} page has no CSV/JSON download"
        for h in links:
            target = _resolve(page, h)
            assert target.is_file(), f"{module}: {h} does not resolve"
            assert target.parent == page.parent.resolve()  # <village>/<module>/<name>.csv
        assert "Excel 可打开" in page.read_text("utf-8")


def test_empty_village_still_has_downloads_with_header(sites: dict[str, Path]) -> None:
    header, rows = _read_csv(sites["a"] / EMPTY_VILLAGE / "welfare" / "welfare.csv")
    assert header[:2] == ["项目", "姓名"] and rows == []
    doc = json.loads((sites["a"] / EMPTY_VILLAGE / "powers" / "powers.json").read_text("utf-8"))
    assert doc["rows"] == [] and doc["village"]["name"] == "赵庄村"


# ----------------------------------------------------------------------------- CSV = page
def test_welfare_csv_matches_page_and_masks(sites: dict[str, Path]) -> None:
    site = sites["a"]
    header, rows = _read_csv(site / VILLAGE / "welfare" / "welfare.csv")
    assert header == ["项目", "姓名", "身份证号", "家庭人口", "金额", "发放日期", "发放方式", "备注"]
    assert [r["姓名"] for r in rows] == [DOT_NAME, "王秀英"]  # expired row withdrawn
    dot = rows[0]
    assert dot["身份证号"] == MASK_X and dot["金额"] == "1234.50" and dot["发放日期"] == "2026-10-05"
    month_page = (site / VILLAGE / "welfare" / "2026-10.html").read_text("utf-8")
    assert DOT_NAME in month_page and MASK_X in month_page  # the page shows the same mask
    assert "1,234.50" in month_page
    # JSON holds the same rows
    doc = json.loads((site / VILLAGE / "welfare" / "welfare.json").read_text("utf-8"))
    assert doc["as_of"] == AS_OF and doc["village"]["name"] == "刘庄村"
    assert [c["name"] for c in doc["columns"]] == header
    assert {"name": "金额", "unit": "元"}.items() <= doc["columns"][4].items()
    assert [r["姓名"] for r in doc["rows"]] == [DOT_NAME, "王秀英"]
    assert doc["rows"][0]["身份证号"] == MASK_X and doc["rows"][0]["家庭人口"] == 3


def test_welfare_summary_counts_withdrawn_rows(sites: dict[str, Path]) -> None:
    site = sites["a"]
    _h, rows = _read_csv(site / VILLAGE / "welfare" / "welfare-summary.csv")
    by = {(r["月份"], r["项目"]): r for r in rows}
    old = by[("2024-01", "低保")]
    assert (old["人数"], old["笔数"], old["金额"], old["名单已撤下笔数"]) == ("1", "1", "500.00", "1")
    oct_total = sum(Decimal(r["金额"]) for r in rows if r["月份"] == "2026-10")
    assert oct_total == Decimal("1334.50")
    page = (site / VILLAGE / "welfare" / "index.html").read_text("utf-8")
    assert f"{oct_total:,.2f}" in page and "500.00" in page
    # the month's row names each program with its people, as the summary CSV counts them
    october = [f"{r['项目']} {r['人数']}人" for r in rows if r["月份"] == "2026-10"]
    assert len(october) > 1 and f'<td class="nw">{"、".join(october)}</td>' in page


def test_finance_and_assets_csv_match_page(sites: dict[str, Path]) -> None:
    site = sites["a"]
    header, rows = _read_csv(site / VILLAGE / "affairs" / "finance.csv")
    assert header[:6] == ["日期", "凭证号", "类型", "科目", "摘要", "金额"]
    assert rows[0]["凭证号"] == "001" and rows[1]["金额"] == "1234.56"
    expense = sum(Decimal(r["金额"]) for r in rows if r["类型"] == "支出")
    page = (site / VILLAGE / "affairs" / "index.html").read_text("utf-8")
    assert f"{expense:,.2f}" in page  # 1,534.56 on the page
    # a cell Excel would run as a formula is kept as text
    assert rows[2]["摘要"].startswith("'=HYPERLINK")
    _h, assets = _read_csv(site / VILLAGE / "assets" / "assets.csv")
    assert assets[0]["原值"] == "350000.00" and assets[0]["购建日期"] == "2010-06-01"
    _h, notices = _read_csv(site / VILLAGE / "affairs" / "notices.csv")
    assert notices[0]["标题"] == "2026年第三季度低保评议结果公示" and notices[0]["公示状态"] == "已结束"
    _h, powers = _read_csv(site / VILLAGE / "powers" / "powers.csv")
    assert powers[0]["流程"] == "提出议题；两委商议；村民代表会议表决"


def test_csv_uses_crlf_and_decodes_with_excel_bom(sites: dict[str, Path]) -> None:
    raw = (sites["a"] / VILLAGE / "welfare" / "welfare.csv").read_bytes()
    assert raw.startswith(BOM)
    text = raw.decode("utf-8-sig")  # what Excel does with the BOM
    assert text.startswith("项目,姓名") and "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_county_wide_csv(sites: dict[str, Path]) -> None:
    site = sites["a"] / "qinghe-xian"
    header, rows = _read_csv(site / "data" / "welfare.csv")
    assert header[:3] == ["乡镇", "村", "项目"]
    assert [(r["乡镇"], r["村"], r["姓名"]) for r in rows] == [
        ("东关镇", "刘庄村", DOT_NAME), ("东关镇", "刘庄村", "王秀英")]
    _h, fin = _read_csv(site / "data" / "finance.csv")
    assert len(fin) == 3
    page = site / "data" / "index.html"
    hrefs = [h for h in _links(page) if h.endswith(".csv")]
    assert len(hrefs) >= 10 and all(_resolve(page, h).is_file() for h in hrefs)
    assert not (sites["a"] / "_opendata").exists()  # row fragments are not published


# ----------------------------------------------------------------------------- privacy
def test_withdrawn_names_and_full_ids_appear_in_no_download_or_feed(sites: dict[str, Path]) -> None:
    full = [ID_X, ID_X.upper(), ID_OLD, ID_WANG]
    for name in ("a", "nourl"):
        files = _text_files(sites[name])
        assert len(files) > 20
        for p in files:
            text = p.read_text("utf-8")
            assert OLD_NAME not in text, p
            assert ID_OLD[:6] + "********" + ID_OLD[-4:] not in text, p
            for i in full:
                assert i not in text, p


# ----------------------------------------------------------------------------- sitemap/feeds
def test_sitemap_lists_every_html_page_with_absolute_urls(sites: dict[str, Path]) -> None:
    site = sites["a"] / "qinghe-xian"
    root = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in root.iter(f"{SITEMAP}loc")]
    want = set()
    for p in site.rglob("*.html"):
        rel = p.relative_to(site).as_posix()
        want.add(URL + (rel[: -len("index.html")] if p.name == "index.html" else rel))
    assert set(locs) == want and locs == sorted(locs)
    assert URL + "dongguan-zhen/liuzhuang-cun/welfare/" in locs
    robots = (site / "robots.txt").read_text("utf-8")
    assert f"Sitemap: {URL}sitemap.xml" in robots.splitlines()


def test_atom_feeds_parse_and_have_entries(sites: dict[str, Path]) -> None:
    site = sites["a"] / "qinghe-xian"
    village = ET.parse(site / "dongguan-zhen" / "liuzhuang-cun" / "feed.xml").getroot()
    assert village.tag == f"{ATOM}feed"
    entries = village.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert any("2026年第三季度低保评议结果公示" in t for t in titles)
    assert any("2026年10月惠民资金发放" in t for t in titles)
    assert any("2026年10月财务收支明细" in t for t in titles)
    for e in entries:
        assert e.findtext(f"{ATOM}id").startswith(URL)
        assert e.find(f"{ATOM}link").get("href").startswith(URL)
    # updated is the newest record's date, never the build time
    assert village.findtext(f"{ATOM}updated") == "2026-11-02T00:00:00+08:00"
    county = ET.parse(site / "feed.xml").getroot()
    assert len(county.findall(f"{ATOM}entry")) == len(entries)
    home = (site / "dongguan-zhen" / "liuzhuang-cun" / "welfare" / "index.html").read_text("utf-8")
    assert 'type="application/atom+xml"' in home and "liuzhuang-cun/feed.xml" in home


def test_two_builds_give_identical_bytes(sites: dict[str, Path]) -> None:
    a, b = sites["a"], sites["b"]

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and "pagefind" not in p.relative_to(root).parts}

    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb)
    assert [k for k in ta if ta[k] != tb[k]] == []


def test_without_url_no_sitemap_feed_and_one_warning(sites: dict[str, Path]) -> None:
    site = sites["nourl"]
    for name in ("sitemap.xml", "robots.txt", "feed.xml"):
        assert not list(site.rglob(name)), name
    err = (sites["base"] / "stderr-nourl.txt").read_text("utf-8")
    warnings = [ln for ln in err.splitlines() if "未填写网址" in ln]
    assert warnings == ["qinghe-xian/county.yaml:1: 网址: 警告: 未填写网址，二维码、网站地图和订阅（Atom）将不生成"]
    page = (site / VILLAGE / "welfare" / "index.html").read_text("utf-8")
    assert "application/atom+xml" not in page
    # downloads still work without 网址
    _h, rows = _read_csv(site / VILLAGE / "welfare" / "welfare.csv")
    assert [r["姓名"] for r in rows] == [DOT_NAME, "王秀英"]
    err_a = (sites["base"] / "stderr-a.txt").read_text("utf-8")
    assert "未填写网址" not in err_a


def test_cached_rebuild_restores_downloads(sites: dict[str, Path], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    data = make_data(tmp_path / "data")
    out = tmp_path / "site"
    assert _build(data, out, capsys)[0] == 0  # --no-cache: compare against a cached pair below
    fresh = {f.name: f.read_bytes() for f in (out / "qinghe-xian" / "data").glob("*.csv")}
    assert len(fresh) >= 10
    for _ in range(2):
        capsys.readouterr()
        assert main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                     "--jobs", "1"]) == 0
    assert (out / VILLAGE / "welfare" / "welfare.csv").read_bytes() == \
        (sites["a"] / VILLAGE / "welfare" / "welfare.csv").read_bytes()
    assert (out / "qinghe-xian" / "data" / "welfare.csv").read_bytes() == \
        (sites["a"] / "qinghe-xian" / "data" / "welfare.csv").read_bytes()
    for name, data_ in fresh.items():  # joined from the villages' cached shares
        assert (out / "qinghe-xian" / "data" / name).read_bytes() == data_, name
    # an entry whose file of shares is gone (a cache pruned by hand) or unreadable: joined
    # from the downloads
    from generator.publish.cache import COUNTY_PARTS, cache_dir

    parts = sorted(cache_dir(out).rglob(COUNTY_PARTS))
    assert len(parts) >= 2
    parts[0].unlink()
    for file in parts[1:]:
        file.write_bytes(b"not a pickle")
    capsys.readouterr()
    assert main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                 "--jobs", "1"]) == 0
    for name, data_ in fresh.items():
        assert (out / "qinghe-xian" / "data" / name).read_bytes() == data_, name
    shutil.rmtree(out)


def test_county_rows_keep_quoted_cells_whole() -> None:
    """The county-wide CSV joins village downloads: a cell with a comma, a quote or a line
    break (quoted, spanning lines) stays one cell behind the 乡镇 and 村 columns."""
    from generator.site.opendata import county_rows

    village = ("\ufeff日期,摘要,金额\r\n2025-03-01,修路,10.00\r\n"
               '2025-03-02,"买笔, ""好""\r\n第二行",20.00\r\n').encode()
    plain = "\ufeff日期,摘要,金额\r\n2025-03-01,修路,10.00\r\n".encode()
    quoted = ("\ufeff日期,摘要,金额\r\n2025-03-01,\"修路, \"\"东沟\"\"\n二期\",10.00\r\n"
              '2025-03-02,"""好""",20.00\r\n').encode()
    for data, expect in (
        (village, [["东岗镇", "林白村", "2025-03-01", "修路", "10.00"],
                   ["东岗镇", "林白村", "2025-03-02", '买笔, "好"\r\n第二行', "20.00"]]),
        (plain, [["东岗镇", "林白村", "2025-03-01", "修路", "10.00"]]),
        # quoted cells without a CRLF in them (the fast path): a bare line feed stays inside
        (quoted, [["东岗镇", "林白村", "2025-03-01", '修路, "东沟"\n二期', "10.00"],
                  ["东岗镇", "林白村", "2025-03-02", '"好"', "20.00"]]),
    ):
        out = county_rows(data, ("东岗镇", "林白村")).decode()
        assert out.endswith("\r\n")
        assert list(csv.reader(io.StringIO(out, newline=""))) == expect
    # a place name Excel would run as a formula is guarded like every text cell
    assert county_rows(plain, ("=镇", "村")).startswith("'=镇,村,".encode())
    assert county_rows("\ufeff日期,摘要\r\n".encode(), ("镇", "村")) == b""


def _feed_by_elementtree(feed_id, title, self_url, alt_url, author, entries, as_of):
    """The reference: the same Atom document built with ElementTree."""
    from generator.site.opendata import ATOM_NS, _stamp, _xml_text

    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "zh-CN"})

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = _xml_text(text)
        return el

    sub(root, "id", feed_id)
    sub(root, "title", title)
    sub(root, "updated", entries[0].updated if entries else _stamp(as_of))
    sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(root, "link", rel="alternate", type="text/html", href=alt_url)
    sub(sub(root, "author"), "name", author)
    for e in entries:
        el = sub(root, "entry")
        sub(el, "id", e.id)
        sub(el, "title", e.title)
        sub(el, "updated", e.updated)
        sub(el, "link", rel="alternate", type="text/html", href=e.link)
        if e.category:
            sub(el, "category", term=e.category)
        sub(el, "summary", e.summary, type="text")
    ET.indent(root, space="")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


_XML_TEXT = st.text(alphabet=st.sampled_from('ab张&<>"\'\n\r\t\x01\ufffe ]]>'), max_size=12)


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.tuples(_XML_TEXT, _XML_TEXT, _XML_TEXT, _XML_TEXT), max_size=4), _XML_TEXT)
def test_feed_is_written_exactly_as_elementtree_writes_it(rows, title) -> None:
    """Feeds are written as strings (a county has hundreds); the bytes are the ones
    ElementTree writes for the same document, whatever the text holds."""
    import datetime as dt

    from generator.site.opendata import Entry, feed_bytes

    entries = [Entry(f"https://x.cn/{i}", t, "2026-01-01T00:00:00+08:00", f"https://x.cn/{i}?{link}",
                     summary, category) for i, (t, link, summary, category) in enumerate(rows)]
    args = ("https://x.cn/", title, "https://x.cn/feed.xml", "https://x.cn/", title, entries,
            dt.date(2026, 1, 1))
    assert feed_bytes(*args) == _feed_by_elementtree(*args)
    ET.fromstring(feed_bytes(*args))  # well-formed


_CELL = st.lists(st.sampled_from(["a", "张", " ", ",", '"', "\r", "\n", "=", "1", ""]),
                 max_size=6).map("".join)


@settings(max_examples=300, deadline=None, database=None)
@given(st.integers(1, 4).flatmap(
    lambda n: st.lists(st.lists(_CELL, min_size=n, max_size=n), max_size=4)))
def test_csv_rows_are_what_csv_writer_writes(rows) -> None:
    """The download's CSV lines (joined without csv.writer when no cell needs quoting) are
    byte for byte what csv.writer writes."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else []
    from generator.site.opendata import csv_rows

    assert "".join(csv_rows(columns)) == buf.getvalue()


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.lists(st.sampled_from(["a", "张", " ", '"', "\\", "\n", "\x00", "\x1f", "\u2028", ""]),
                         max_size=4).map("".join), max_size=6))
def test_json_text_cells_are_what_json_dumps_writes(texts) -> None:
    """A text column's JSON literals are what json.dumps(ensure_ascii=False) writes; an
    empty cell is null."""
    from generator.read import schema
    from generator.site.opendata import _json_values

    assert _json_values(schema.TEXT, texts, texts) == [
        "null" if t == "" else json.dumps(t, ensure_ascii=False) for t in texts]
