"""Issue 4: nothing personal leaks into any published file.

One data tree holds ID numbers in welfare.csv (one with a lower-case ``x``), an ID
and a bank card typed into free text (摘要, 备注, notice body, 简介, 风险点) and
expired welfare rows with distinctive names. Every output file — HTML, CSV/JSON
downloads, feeds, sitemap and the gunzipped Pagefind index — is scanned.
"""

from __future__ import annotations

import datetime
import gzip
import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, CASES, tree_bytes

from generator.read.values import id_check_digit, mask_card, mask_id
from generator.search.searchdocs import GAP

VILLAGE = "qinghe-xian/dongguan-zhen/liuzhuang-cun"


def make_id(prefix: str, want_x: bool = False) -> str:
    """A valid 18-character ID starting with ``prefix`` (17 digits padded by a counter)."""
    for n in range(10_000):
        first17 = prefix + f"{n:0{17 - len(prefix)}d}"
        check = id_check_digit(first17)
        if (check == "X") == want_x:
            return first17 + check
    raise AssertionError("no ID found")


ID_RECENT = make_id("4101221985031")
ID_RECENT_X = make_id("4101221972112", want_x=True)  # written with a lower-case x
ID_OLD1 = make_id("4101221940020")
ID_OLD2 = make_id("4101221938071", want_x=True)
ID_COUNTY = make_id("4199011966050")
ID_INTRO = make_id("4199011977083")
ID_FIN = make_id("4199011981092", want_x=True)
ID_WELF_NOTE = make_id("4199011990120")
ID_POWER = make_id("4199011959061")
ID_NOTICE = make_id("4199011963042", want_x=True)
CARD_INTRO = "6217001234567895"  # 16 digits
CARD_FIN = "6228480402564890018"  # 19 digits
CARD_WELF = "6222021001116224"  # 16
CARD_NOTICE = "621700123456789012"  # 18 digits, not an ID (check digit checked below)

ALL_IDS = (ID_RECENT, ID_RECENT_X, ID_OLD1, ID_OLD2, ID_COUNTY, ID_INTRO, ID_FIN,
           ID_WELF_NOTE, ID_POWER, ID_NOTICE)
ALL_CARDS = (CARD_INTRO, CARD_FIN, CARD_WELF, CARD_NOTICE)
OLD_NAMES = ("欧阳过期甲", "司马过期乙")
RECENT_NAMES = ("张近期", "李近期")

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def write_privacy_tree(root: Path) -> Path:
    """The held-out-style tree; returns the data folder."""
    data = root / "data"
    shutil.copytree(CASES / "ok-minimal" / "data", data)
    county = data / "qinghe-xian"
    v = data / VILLAGE
    (county / "county.yaml").write_text(
        "名称: 青禾县\n"
        "代码: '419901'\n"
        "监督电话: 0371-12388\n"
        "网址: https://ydt.qinghe.example.gov.cn/\n"
        "个人信息公示天数: 365\n"
        f"简介: 县里的说明，误填了身份证 {ID_COUNTY} 请核实。\n",
        "utf-8")
    (v / "village.yaml").write_text(
        "名称: 刘庄村\n"
        "类型: 村\n"
        "代码: 419901100201\n"
        "办公时间: 8:30-17:30\n"
        "简介: |\n"
        f"  本村简介。联系人身份证{ID_INTRO}，账户{CARD_INTRO}。\n",
        "utf-8")
    (v / "finance.csv").write_text(
        "日期,类型,科目,摘要,金额\n"
        "2025-03-05,收入,补助收入,收到镇财政转移支付,1000.00\n"
        f"2025-03-20,支出,管理费用,代付王五电费 身份证{ID_FIN.lower()} 卡号{CARD_FIN},200.50\n",
        "utf-8")
    (v / "welfare.csv").write_text(
        "项目,姓名,身份证号,家庭人口,金额,发放日期,发放方式,备注\n"
        f"低保,{RECENT_NAMES[0]},{ID_RECENT},3,500.00,2026-10-10,社会保障卡,\n"
        f"低保,{RECENT_NAMES[1]},{ID_RECENT_X.lower()},2,400.00,2026-10-10,社会保障卡,"
        f"代领人卡号{CARD_WELF} 身份证{ID_WELF_NOTE}\n"
        f"高龄津贴,{OLD_NAMES[0]},{ID_OLD1},1,100.00,2024-05-10,现金,\n"
        f"高龄津贴,{OLD_NAMES[1]},{ID_OLD2.lower()},1,100.00,2024-06-10,现金,\n",
        "utf-8")
    (v / "powers.yaml").write_text(
        "- 名称: 低保申请审核\n"
        "  流程:\n"
        "    - 村民申请\n"
        "    - 村委会审核\n"
        "  风险点:\n"
        f"    - 优亲厚友，例如把 {ID_POWER} 列入名单\n",
        "utf-8")
    (v / "notices").mkdir()
    (v / "notices" / "ping-yi.md").write_text(
        "---\n"
        "标题: 低保评议结果公示\n"
        "类别: 村务\n"
        "日期: 2026-10-01\n"
        "---\n"
        f"评议对象身份证号 {ID_NOTICE}，打款卡号 {CARD_NOTICE}。\n",
        "utf-8")
    return data


EXPECTED_WARNINGS = (
    ("qinghe-xian/county.yaml:6: 简介:", ("身份证号",)),
    (f"{VILLAGE}/village.yaml:5: 简介:", ("身份证号", "银行卡号")),
    (f"{VILLAGE}/finance.csv:3: 摘要:", ("身份证号", "银行卡号")),
    (f"{VILLAGE}/welfare.csv:3: 备注:", ("身份证号", "银行卡号")),
    (f"{VILLAGE}/powers.yaml:6: 风险点:", ("身份证号",)),
    (f"{VILLAGE}/notices/ping-yi.md:6: 正文:", ("身份证号", "银行卡号")),
)


def published_text(out: Path) -> dict[str, str]:
    """Every output file as text: gzip (Pagefind) decompressed, zero-width spaces removed,
    and in the search index (which holds text one character per word) the spaces and GAPs
    between words removed too, so that a name or number reads as typed."""
    texts = {}
    for p in sorted(out.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        text = _ZERO_WIDTH.sub("", text)
        if p.suffix.startswith(".pf_"):
            text = text.replace(" ", "").replace(GAP, "")
        texts[p.relative_to(out).as_posix()] = text
    return texts


def forbidden_needles() -> dict[str, str]:
    needles: dict[str, str] = {}
    for idno in ALL_IDS:
        for form in (idno, idno.lower()):
            needles[form] = f"full ID {mask_id(idno)}"
        needles[idno[:17]] = f"first 17 digits of {mask_id(idno)} (the check digit is computable)"
    for card in ALL_CARDS:
        needles[card] = f"bank card {mask_card(card)}"
    for name in OLD_NAMES:
        needles[name] = "name of an expired welfare recipient"
    for idno in (ID_OLD1, ID_OLD2):
        needles[mask_id(idno)] = "masked ID of an expired welfare recipient"
    return needles


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int, str]:
    import contextlib
    import io

    from generator.cli import main

    root = tmp_path_factory.mktemp("privacy")
    data = write_privacy_tree(root)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in data.rglob("*") if p.is_file()}
    out = root / "site"
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                     "--jobs", "1"])
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in data.rglob("*") if p.is_file()}
    assert after == before, "the build modified its input files"
    return data, out, code, err.getvalue()


def test_fixture_ids_are_what_they_claim() -> None:
    from generator.read.values import id_check_ok

    assert all(id_check_ok(i) for i in ALL_IDS)
    assert ID_RECENT_X.endswith("X") and ID_FIN.endswith("X") and ID_NOTICE.endswith("X")
    assert not id_check_ok(CARD_NOTICE)  # 18 digits but a card, not an ID
    assert len(set(ALL_IDS)) == len(ALL_IDS)


def test_build_succeeds_with_warnings(built) -> None:
    _data, out, code, err = built
    assert code == 0, err
    assert (out / VILLAGE / "welfare" / "index.html").is_file()


def test_each_free_text_hit_is_a_located_warning(built) -> None:
    _data, _out, _code, err = built
    lines = err.splitlines()
    for prefix, kinds in EXPECTED_WARNINGS:
        hits = [ln for ln in lines if ln.startswith(prefix + " 警告: ")]
        assert hits, f"no warning starting with {prefix!r} in:\n{err}"
        for kind in kinds:
            assert any(kind in ln for ln in hits), (prefix, kind, hits)


def test_messages_never_carry_a_full_number(built) -> None:
    _data, _out, _code, err = built
    for needle, what in forbidden_needles().items():
        if what.startswith(("full ID", "bank card")):
            assert needle not in err, what


def test_no_output_file_holds_personal_data(built) -> None:
    _data, out, _code, _err = built
    texts = published_text(out)
    kinds = {Path(k).suffix for k in texts}
    # the scan covers every kind of output, the search index included
    assert {".html", ".csv", ".json", ".xml", ".pf_fragment", ".pf_index", ".pf_meta"} <= kinds
    leaks = [(path, what) for path, text in texts.items()
             for needle, what in forbidden_needles().items() if needle in text]
    assert leaks == []


def test_recent_rows_are_published_masked_everywhere(built) -> None:
    """Not vacuous: the data reaches pages, downloads and search, masked the same way."""
    _data, out, _code, _err = built
    texts = published_text(out)
    search = "\n".join(t for k, t in texts.items() if k.endswith(".pf_fragment"))
    html = "\n".join(t for k, t in texts.items() if k.endswith(".html"))
    downloads = "\n".join(t for k, t in texts.items() if k.endswith((".csv", ".json")))
    for name in RECENT_NAMES:
        assert name in html and name in downloads and name in search
    for idno in (ID_RECENT, ID_RECENT_X):
        masked = mask_id(idno)
        assert masked[:6] + "********" + masked[-4:] == masked and masked.endswith(idno[-4:].upper())
        assert masked in html, masked
        assert masked in downloads, masked
    # free text: the same ID mask and a 4+4 card mask
    assert mask_id(ID_NOTICE) in html
    assert mask_card(CARD_FIN) in html and mask_card(CARD_FIN).startswith("6228")
    assert mask_card(CARD_FIN).endswith(CARD_FIN[-4:])
    assert mask_id(ID_FIN) in downloads
    assert mask_id(ID_INTRO) in html


def test_expired_rows_are_counted_and_the_page_says_so(built) -> None:
    _data, out, _code, _err = built
    page = (out / VILLAGE / "welfare" / "index.html").read_text("utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "已撤下" in text
    assert "不再公开姓名" in text
    # counts and totals still include the expired rows: 4 rows, 1,100 yuan
    assert "4 笔" in text
    summary = (out / VILLAGE / "welfare" / "welfare-summary.csv").read_text("utf-8-sig")
    assert "高龄津贴" in summary and "2024-05" in summary


def test_input_files_untouched_and_no_staging_left(built) -> None:
    data, out, code, _err = built
    assert code == 0
    assert [p.name for p in out.parent.iterdir() if ".staging" in p.name] == []
    assert (data / VILLAGE / "welfare.csv").read_text("utf-8").count(ID_OLD1) == 1


# ----------------------------------------------------------------------------- leak guard


def test_leak_guard_fails_build_and_keeps_previous_site(built, cli, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A masking bug lets a full ID through: the guard stops it (exit 1), names the output
    file and the source, and the previous site stays byte for byte."""
    data, good, code, _err = built
    assert code == 0
    out = tmp_path / "site"
    shutil.copytree(good, out)
    before = tree_bytes(out)
    import generator.read.values

    monkeypatch.setattr(generator.read.values, "mask_id", lambda s: s.upper())  # the "bug"
    run = cli("build", "--data", data, "--out", out, "--as-of", AS_OF, "--jobs", "1",
              "--no-cache")
    assert run.code == 1, run.err
    leak_lines = [ln for ln in run.lines if "完整身份证号" in ln]
    assert leak_lines, run.err
    assert any(ln.startswith(f"{VILLAGE}/welfare/") for ln in leak_lines), leak_lines
    # ... and the source record (file and line of the welfare row)
    assert any(f"来源：{VILLAGE}/welfare.csv:2" in ln for ln in leak_lines), leak_lines
    assert ID_RECENT not in run.err and ID_RECENT_X not in run.err
    assert tree_bytes(out) == before
    assert [p.name for p in tmp_path.iterdir() if ".staging" in p.name] == []


def test_leak_guard_reads_attachments_that_are_text(cli, tmp_path: Path) -> None:
    """A referenced attachment is published as is: a roster with full IDs must stop the build."""
    data = write_privacy_tree(tmp_path)
    v = data / VILLAGE
    (v / "files").mkdir()
    (v / "files" / "roster.csv").write_text(f"姓名,身份证号\n张近期,{ID_RECENT}\n", "utf-8")
    fin = v / "finance.csv"
    fin.write_text(
        "日期,类型,科目,摘要,金额,附件\n"
        "2025-03-05,收入,补助收入,收到镇财政转移支付,1000.00,\n"
        "2025-03-20,支出,管理费用,支付村部电费,200.50,roster.csv\n",
        "utf-8")
    out = tmp_path / "site"
    run = cli("build", "--data", data, "--out", out, "--as-of", AS_OF, "--jobs", "1")
    assert run.code == 1, run.err
    assert any(ln.startswith(f"{VILLAGE}/files/roster.csv") and "完整身份证号" in ln
               for ln in run.lines), run.err
    assert not out.exists()


def test_leak_guard_sees_ids_split_by_pagefind(tmp_path: Path) -> None:
    """Pagefind's Chinese segmenter puts a zero-width space before a final X and stores
    the 17 digits as their own word: the guard must still see the ID."""
    from generator.publish import leakguard
    from generator.search.index import index_documents

    site = tmp_path / "site"
    site.mkdir()
    html = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>t</title></head>'
            f"<body data-pagefind-body><p>张三身份证号{ID_RECENT_X}，住址东关镇</p></body></html>")
    index_documents([("index.html", html.encode())], site / "pagefind")
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    # no input secrets known: the generic check-digit scan must find it in the fragment
    leaks = leakguard.scan_tree(site, files, frozenset())
    assert any(leak.file.endswith(".pf_fragment") for leak in leaks), leaks
    # with the input's ID known, the 17-digit word in the index is recognised too
    leaks = leakguard.scan_tree(site, files, frozenset({leakguard.id_hash(ID_RECENT_X)}))
    assert any(leak.file.endswith(".pf_index") for leak in leaks), leaks
    assert all(leak.masked == mask_id(ID_RECENT_X) for leak in leaks)


# ----------------------------------------------------------------------------- properties
# (test_values.py covers "never crashes" and money round trips; these add dates, months,
# lower-case x, the Markdown mask and the guard's view through zero-width spaces)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROP = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
ids = st.builds(lambda n: (lambda f: f + id_check_digit(f))(f"{n:017d}"),
                st.integers(min_value=10**16, max_value=10**17 - 1))
dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))


@PROP
@given(dates)
def test_date_forms_round_trip(d) -> None:
    from generator.read.values import parse_date

    for text in (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}.{d.month}.{d.day}",
                 f"{d.year}年{d.month}月{d.day}日"):
        assert parse_date(text) == d


@PROP
@given(dates)
def test_month_forms_round_trip(d) -> None:
    from generator.read.values import parse_month

    want = f"{d.year:04d}-{d.month:02d}"
    for text in (want, f"{d.year}/{d.month}", f"{d.year}年{d.month}月"):
        assert parse_month(text) == want


@PROP
@given(ids)
def test_lower_case_x_is_the_same_id(idno) -> None:
    from generator.read.values import parse_id

    assert parse_id(idno.lower()) == idno.upper() == parse_id(idno)


@PROP
@given(ids, st.text(alphabet="abc张*_[]` \n", max_size=10), st.text(alphabet="abc张*_ \n", max_size=10))
def test_markdown_mask_survives_rendering(idno, before, after) -> None:
    from generator.read.markup import html_to_text, render_markdown
    from generator.read.values import scrub_text

    text, kinds = scrub_text(f"{before} {idno} {after}", markdown=True)
    assert kinds == ["身份证号"]
    shown = html_to_text(render_markdown(text))
    assert mask_id(idno) in shown and idno not in shown and idno.upper() not in shown


@PROP
@given(ids, st.text(max_size=20), st.text(max_size=20), st.sampled_from(["", "\u200b", "\u200d"]))
def test_guard_sees_ids_through_zero_width_spaces(idno, before, after, zw) -> None:
    from generator.publish import leakguard

    data = f"{before}|{idno[:17]}{zw}{idno[17]}|{after}".encode()
    assert leakguard.scan_bytes(data, frozenset())


HIDERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
FULL_WIDTH = "０１２３４５６７８９"


@PROP
@given(st.text(alphabet="0123456789" + FULL_WIDTH + HIDERS + "，。（）：—‘“”…·年张aX \n\u2019\u00b7",
               max_size=80),
       st.lists(st.tuples(ids, st.integers(0, 2), st.sampled_from(HIDERS)), max_size=2))
def test_guard_precheck_never_misses_a_hidden_digit_run(text, hidden) -> None:
    """The one-pass precheck may say "maybe" for text without an ID, never "no" for text
    where 17 digits appear once zero-width characters are dropped and full-width digits
    read as digits (the form an ID is hidden in)."""
    from generator.publish import leakguard

    for idno, how, zw in hidden:  # an ID spelt with full-width digits or split by a hider
        spelt = idno.translate(str.maketrans("0123456789", FULL_WIDTH)) if how == 1 else idno
        text += "|" + (zw.join(spelt) if how == 2 else spelt[:9] + zw + spelt[9:])
    plain = "".join(c for c in text if c not in HIDERS).translate(
        str.maketrans(FULL_WIDTH, "0123456789"))
    if re.search(r"[0-9]{17}", plain):
        assert leakguard.might_hold_id(text.encode())
        assert leakguard.might_hold_id(b"\xef\xbb\xbf" + text.encode())


def test_mask_in_an_indented_code_block_shows_plainly() -> None:
    """Four leading spaces make a Markdown code block, which shows text literally: the mask
    must still read 100000********0005, not with Markdown escapes."""
    from generator.read.markup import html_to_text, render_markdown
    from generator.read.values import scrub_text

    for src in ("    100000000000000005", "x `100000000000000005` y"):
        text, kinds = scrub_text(src, markdown=True)
        assert kinds == ["身份证号"]
        shown = html_to_text(render_markdown(text))
        assert "100000********0005" in shown and "\\*" not in shown


def test_markdown_that_would_lose_a_digit_is_shown_as_typed() -> None:
    """Python-Markdown drops the "1" of "_*[** 100 _*_" (unbalanced emphasis): a notice must
    never lose a digit of an amount or a mask, so such text is shown as it was typed; normal
    Markdown with numbers (headings, lists, links, tables, images) still renders."""
    from generator.read.markup import render_markdown
    from generator.read.values import scrub_text

    assert render_markdown("_*[** 100 _*_") == "<p>_*[** 100 _*_</p>"
    text, _ = scrub_text("_*[** 100000000000000005 _*_", markdown=True)
    assert "100000********0005" in render_markdown(text)
    html = render_markdown("# 2025年\n\n1. 第 2 项 300 元\n\n[文件](https://x.cn/1.pdf) **5** 户"
                           "\n\n![图 7](http://x/8.png)")
    assert "<h2>2025年</h2>" in html and "<li>第 2 项 300 元</li>" in html
    assert 'href="https://x.cn/1.pdf"' in html and "<strong>5</strong>" in html
    assert "<span>图 7</span>" in html


# ----------------------------------------------------------------------------- issue 17 §2–§3
# and issue 16 §5 on a built site: attachments are published as safe copies, withdrawn names
# stay withdrawn everywhere, and the leak guard covers every staged file.
import io  # noqa: E402

from generator.publish import leakguard  # noqa: E402

CADRE_TOO = "司马过期乙"  # expired recipient whose name is also a cadre's: stays


def _all_text(site: Path) -> dict[str, str]:
    """Every output file as text (Pagefind files decompressed, zero-width spaces dropped)."""
    out = {}
    for p in sorted(site.rglob("*")):
        if p.is_file():
            data = leakguard._decode(p, p.read_bytes())
            out[p.relative_to(site).as_posix()] = data.decode("utf-8", "replace").replace("\u200b", "")
    return out


def _jpeg_with_exif() -> bytes:
    from PIL import Image

    im = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "村部照片 拍摄人 张三 13812345678"  # ImageDescription
    exif[0x0110] = "SECRET-CAMERA-SERIAL-0042"  # Model
    exif[0x0112] = 6  # orientation: turned
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    return buf.getvalue()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    from generator.cli import main

    root = tmp_path_factory.mktemp("pub")
    data = write_privacy_tree(root)
    v = data / VILLAGE
    (v / "files").mkdir()
    (v / "files" / "cunbu.jpg").write_bytes(_jpeg_with_exif())
    (v / "files" / "mingdan.txt").write_text("公示名单（已打码）\n", "utf-8")
    y = (v / "village.yaml").read_text("utf-8")
    y += f"照片: cunbu.jpg\n干部:\n  - 姓名: {CADRE_TOO}\n    职务: 委员\n"
    (v / "village.yaml").write_text(y, "utf-8")
    # the original 公示 list and other rows name the recipients whose rows have expired
    (v / "notices" / "yuan-gong-shi.md").write_text(
        "---\n标题: 2024年高龄津贴名单公示\n类别: 村务\n日期: 2026-10-02\n附件: [mingdan.txt]\n---\n"
        f"经评议，{OLD_NAMES[0]}、{CADRE_TOO}、{RECENT_NAMES[0]} 符合条件。\n", "utf-8")
    w = (v / "welfare.csv").read_text("utf-8").replace(
        f"{RECENT_NAMES[0]},", f"{RECENT_NAMES[0]},", 1)
    lines = w.splitlines()
    lines[1] = lines[1] + f"由{OLD_NAMES[0]}代领"  # 备注 of a current row
    (v / "welfare.csv").write_text("\n".join(lines) + "\n", "utf-8")
    out = root / "site"
    from contextlib import redirect_stderr
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["build", "--data", str(data), "--out", str(out), "--as-of", AS_OF,
                     "--jobs", "1"])
    return data, out, code, err.getvalue()


def test_withdrawn_name_is_masked_in_every_output_file(published) -> None:
    _data, out, code, err = published
    assert code == 0, err
    texts = _all_text(out)
    assert not [name for name, text in texts.items() if OLD_NAMES[0] in text.replace(" ", "")]
    masked = OLD_NAMES[0][0] + "**"
    notice = texts[f"{VILLAGE}/affairs/notices/yuan-gong-shi.html"]
    assert masked in notice
    # a cadre's name and a current recipient's stay (they are published anyway)
    assert CADRE_TOO in notice and RECENT_NAMES[0] in notice
    assert any(masked in t for n, t in texts.items() if n.endswith(".csv"))  # downloads too
    assert any(masked in t.replace(" ", "") for n, t in texts.items()
               if n.endswith(".pf_fragment"))  # search (a space between characters)


def test_withdrawn_name_is_reported_with_its_location(published) -> None:
    _data, _out, _code, err = published
    masked = OLD_NAMES[0][0] + "**"
    assert (f"{VILLAGE}/notices/yuan-gong-shi.md:1: 正文: 警告: 含有个人信息公示期已过的领取人姓名，"
            f"已显示为“{masked}”") in err
    assert f"{VILLAGE}/welfare.csv:2: 备注: 警告: 含有个人信息公示期已过的领取人姓名" in err
    assert OLD_NAMES[0] not in err


def test_picture_is_published_without_metadata_and_upright(published) -> None:
    from PIL import Image

    data, out, _code, _err = published
    pic = out / VILLAGE / "files" / "cunbu.jpg"
    raw = pic.read_bytes()
    assert b"SECRET-CAMERA-SERIAL" not in raw and b"Exif" not in raw
    with Image.open(pic) as im:
        assert dict(im.getexif()) == {}
        assert im.size == (20, 40)  # turned as its orientation said, then the tag dropped
    assert (data / VILLAGE / "files" / "cunbu.jpg").read_bytes() != raw


def test_published_files_and_cache_are_copies_not_links(published) -> None:
    data, out, _code, _err = published
    src = data / VILLAGE / "files" / "mingdan.txt"
    inode = src.stat().st_ino
    cache = out.parent / f".{out.name}.cache"
    linked = [p for tree in (out, cache) for p in tree.rglob("*")
              if p.is_file() and p.stat().st_ino == inode]
    assert linked == []
    before = (out / VILLAGE / "files" / "mingdan.txt").read_bytes()
    with open(src, "r+b") as f:  # the clerk edits the file in place
        f.write("改过的内容".encode())
    assert (out / VILLAGE / "files" / "mingdan.txt").read_bytes() == before


def test_guard_scans_outputs_nobody_listed(cli, tmp_path: Path, monkeypatch) -> None:
    """A new kind of output (here: a file a later stage writes) is scanned without
    being added to any list."""
    from generator import pipeline
    from generator.site import opendata

    real = opendata.write_county_index

    def with_extra(staging, writer, *args, **kw):
        n = real(staging, writer, *args, **kw)
        writer.write("qinghe-xian/later-stage/entries.json",
                     '{"备注": "卡号 6222 0210 0111 6222"}'.encode())
        return n

    monkeypatch.setattr(opendata, "write_county_index", with_extra)
    monkeypatch.setattr(pipeline.opendata, "write_county_index", with_extra)
    data = write_privacy_tree(tmp_path)
    out = tmp_path / "site"
    run = cli("build", "--data", data, "--out", out, "--as-of", AS_OF, "--jobs", "1")
    assert run.code == 1, run.err
    assert ("qinghe-xian/later-stage/entries.json:1: 银行卡号: 输出文件中出现完整银行卡号 "
            "6222********6222，已停止发布") in run.lines
    assert not out.exists()


def test_county_csvs_are_scanned_where_they_are_joined(cli, tmp_path: Path, monkeypatch) -> None:
    """The county-wide CSVs are scanned in the step that joins them (beside the change log),
    and the last walk over the county skips them: a number that only the joined file holds
    still stops the build, with the file named."""
    from generator.site import opendata

    real = opendata.write_county_tables

    def joined_badly(staging, writer, county, *args, **kw):
        files = real(staging, writer, county, *args, **kw)
        with open(staging / county.slug / files[0].path, "ab") as f:
            f.write("某乡,某村,备注 6222 0210 0111 6222\n".encode())
        return files

    monkeypatch.setattr(opendata, "write_county_tables", joined_badly)
    data = write_privacy_tree(tmp_path)
    out = tmp_path / "site"
    run = cli("build", "--data", data, "--out", out, "--as-of", AS_OF, "--jobs", "1")
    assert run.code == 1, run.err
    name = opendata.county_file_name(opendata.TABLES[0])
    assert (f"qinghe-xian/{name}:1: 银行卡号: 输出文件中出现完整银行卡号 6222********6222，已停止发布"
            in run.lines), run.lines
    assert not out.exists()


def test_guard_walks_every_file_except_those_already_scanned(tmp_path: Path) -> None:
    (tmp_path / "a" / "pagefind" / "t1").mkdir(parents=True)
    (tmp_path / "a" / "x.html").write_text("x")
    (tmp_path / "a" / "new" / "y.json").parent.mkdir()
    (tmp_path / "a" / "new" / "y.json").write_text("y")
    (tmp_path / "a" / "pagefind" / "t1" / "f.pf_fragment").write_bytes(gzip.compress(b"z"))
    (tmp_path / "a" / "pagefind" / "pagefind-entry.json").write_text("{}")
    got = [p.relative_to(tmp_path).as_posix()
           for p in leakguard.walk(tmp_path, {"a/x.html"}, {"a/pagefind/t1"})]
    assert got == ["a/new/y.json", "a/pagefind/pagefind-entry.json"]


def test_guard_runs_scanned_side_by_side_find_what_one_scan_finds(tmp_path: Path) -> None:
    """A county's last guard pass is cut into runs (``guard.runs``) scanned in the workers:
    every file in exactly one run, in order, and the leaks the same as one pass."""
    import random

    from generator.publish import guard

    rnd = random.Random(7)
    card = "卡号 6222 0210 0111 6222"
    for i in range(40):
        text = "x" * rnd.choice((0, 10, 5000, 200_000)) + (card if i % 9 == 4 else "")
        (tmp_path / "c" / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (tmp_path / "c" / f"d{i % 3}" / f"f{i:02d}.csv").write_text(text, encoding="utf-8")
    files = guard.unscanned(tmp_path, set(), set(), "c")
    whole = guard.guard_staging(tmp_path, frozenset(), set(), set(), "c")
    assert len(whole) == 4
    for n in (1, 2, 3, 8, 100):
        runs = guard.runs(files, n)
        assert [p for run in runs for p in run] == files
        assert 1 <= len(runs) <= n and all(runs)
        assert [leak for run in runs for leak in leakguard.scan_tree(tmp_path, run)] == whole
    halves = guard.runs(files, 2)
    assert len(halves) == 2
    sizes = [sum(p.stat().st_size for p in run) for run in halves]
    biggest = max(p.stat().st_size for p in files)
    assert abs(sizes[0] - sizes[1]) <= 2 * biggest  # cut at the file that passes the half
    assert guard.runs([], 2) == []


@pytest.mark.parametrize("rel", ["qinghe-xian/county.yaml", "qinghe-xian/dongguan-zhen/township.yaml",
                                 f"{VILLAGE}/village.yaml"])
def test_data_file_linked_from_outside_is_refused(cli, minimal_data: Path, rel: str) -> None:
    import os

    target = minimal_data.parent / "elsewhere.yaml"
    target.write_bytes((minimal_data / rel).read_bytes())
    (minimal_data / rel).unlink()
    os.symlink(target, minimal_data / rel)
    run = cli("check", "--data", minimal_data, "--as-of", AS_OF)
    assert run.code == 1
    assert f"{rel}:1: 文件: 是指向数据文件夹之外的符号链接，不能使用（请把文件本身放进数据文件夹）" in run.lines


def test_attachment_checks_refuse_what_cannot_be_checked(tmp_path: Path) -> None:
    import struct
    import zlib

    from generator.read import attachments

    def png(w: int, h: int) -> bytes:
        def chunk(t: bytes, d: bytes) -> bytes:
            return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(b"\x00" * (w + 1))) + chunk(b"IEND", b""))

    cases = {
        "huge.png": (png(100_000, 100_000), "图片无法读取（文件可能已损坏或过大）"),
        "page.html": (b"<script>alert(1)</script>", "文件类型 .html 不能作为附件公开"),
        "x.xhtml": (b"<html/>", "文件类型 .xhtml 不能作为附件公开"),
        "a.js": (b"alert(1)", "文件类型 .js 不能作为附件公开"),
        "b.zip": (b"PK\x03\x04", "文件类型 .zip 不能作为附件公开"),
        "c.gz": (b"\x1f\x8b", "文件类型 .gz 不能作为附件公开"),
        "fake.docx": (b"<html></html>", "文件内容不是 docx（扩展名与内容不符）"),
        "latin.txt": ("名单".encode("utf-16"), "文本文件的编码无法识别"),
    }
    for name, (data, want) in cases.items():
        (tmp_path / name).write_bytes(data)
        got = attachments.check(tmp_path / name)
        assert len(got) == 1 and got[0].startswith(want), (name, got)
    (tmp_path / "ok.png").write_bytes(png(2, 2))
    assert attachments.check(tmp_path / "ok.png") == []
