"""Issue 17 §1: the scrubber and the leak guard judge the number a reader sees.

The same detector (generator.personal) reads through Markdown emphasis and code spans, tags,
entities, invisible characters, line breaks and any grouping of digits with spaces, U+3000,
U+00A0, ``-`` or ``.``; a property test checks that for every such spelling the guard finds
the number on the rendered page and the scrubber's output shows none.
"""

from __future__ import annotations

import datetime
import gzip
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generator import personal
from generator.errors import Problem
from generator.publish import leakguard
from generator.read.markup import render_markdown
from generator.read.values import scrub_text

ID = "410122198503150024"
CARD = "6222021001116222"  # Luhn-valid
PROP = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def numbers(text: str) -> set[str]:
    return {f.number for f in personal.scan_text(text)}


# ----------------------------------------------------------------------------- examples
@pytest.mark.parametrize("shown", [
    "4101221985**0315**0024",
    "4101221985`0315`0024",
    "410122 1985\n0315 0024",
    "410122.19850315.0024",
    "4101 2219 8503 1500 24",
    "410122\u300019850315\u30000024",
    "410122\u00a019850315\u00a00024",
    "410122 - 19850315 - 0024",
    "410122[19850315](https://a.example.cn/)0024",
    "410122-1985 0315.0024",
    "4101\u200b2219\u200c8503\u200d1500\u2060\ufeff24",
    "41012219\u00ad85031500\u200e24",
    "４１０１２２１９８５０３１５００２４",
])
def test_markdown_spellings_are_seen_and_masked(shown: str) -> None:
    page = render_markdown(f"公示名单：{shown}，请核实。")
    assert ID in numbers(page)  # the guard sees it on the page
    masked, kinds = scrub_text(f"公示名单：{shown}，请核实。", markdown=True)
    assert kinds == ["身份证号"]
    page = render_markdown(masked)
    assert numbers(page) == set()
    assert "410122********0024" in page


@pytest.mark.parametrize("page", [
    "<td>4101221985<strong>0315</strong>0024</td>",
    "<p>&#52;&#49;&#48;&#49;&#50;&#50;&#49;&#57;&#56;&#53;&#48;&#51;&#49;&#53;&#48;&#48;&#50;&#52;</p>",
    "<p>410122<br>19850315<br/>0024</p>",
    "<entry><content type=\"html\">&lt;p&gt;410122&lt;em&gt;19850315&lt;/em&gt;0024&lt;/p&gt;</content></entry>",
    json.dumps({"备注": "410122\u200b19850315\u200b0024"}, ensure_ascii=True),
    '<a href="https://x.example/?id=410122198503150024">链接</a>',
    "6222 0210 0111 6222",
    "卡号：6222-0210-0111-6222。",
])
def test_guard_sees_numbers_in_every_output_form(page: str) -> None:
    found = leakguard.scan_bytes(page.encode())
    assert {f.number for f in found} & {ID, CARD}, page


def test_guard_reads_gzipped_pagefind_files(tmp_path) -> None:
    p = tmp_path / "x.pf_fragment"
    p.write_bytes(gzip.compress(b'pagefind_dcd{"content":"4101221985\\u200b03150024"}'))
    assert [f.number for f in leakguard.scan_file(p)] == [ID]


@pytest.mark.parametrize("text", [
    "合同期 2024.01.01-2024.12.31，租金 1234.56 元",
    "2024-11 634848.00 700477.20 385449.70 949875.50",
    "9266.00 2024-07-17 2024-07-24 2029-07-18",
    "代码 419901101201 2025 年",
    "<td>2025-03-05</td><td>记-2025-03-001</td><td>1,234.56</td><td>419901100201</td>",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c1234567890123456",
    "410122********0024 6222********6222",
    "电话 0371-12388 0371-12345 13812345678",
])
def test_ordinary_numbers_are_not_personal(text: str) -> None:
    assert numbers(text) == set()


def test_grouped_digits_are_a_card_only_when_luhn_and_grouping_say_so() -> None:
    assert numbers("6222 0210 0111 6222") == {CARD}
    assert numbers("6222 0210 0111 6225") == set()  # Luhn fails
    assert numbers("6222 02 10 0111 6222") == set()  # an inner group of two: not a card's
    assert numbers("6222021001116225") == {"6222021001116225"}  # one run: masked anyway


def test_a_message_never_quotes_a_full_number() -> None:
    p = Problem(f"a/{ID}.pdf", 3, f"列{CARD}", f'"{ID[:9]} {ID[9:]}" 与 4101221985031500 不符')
    shown = str(p)
    assert ID not in shown and CARD not in shown and numbers(shown) == set()
    assert "410122********0024" in shown and "6222********6222" in shown
    # a wrong check digit is still masked in a message (one digit from someone's ID)
    assert "1985031500" not in str(Problem("a", 1, "身份证号", f'"{ID[:17]}5" 校验位不正确'))
    assert "1985031500" not in str(Problem("a", 1, "身份证号", f'"{ID[:9]} {ID[9:17]}" 不是18位身份证号'))


# ----------------------------------------------------------------------------- property
PROVINCES = [11, 31, 41, 44, 65, 82]
SEPARATORS = [" ", "\u3000", "\u00a0", "-", ".", " - ", "\n", "  ", "-\u00a0"]
HIDERS = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"


@st.composite
def real_ids(draw: st.DrawFn) -> str:
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)))
    first17 = (f"{draw(st.sampled_from(PROVINCES))}{draw(st.integers(0, 9999)):04d}"
               f"{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}")
    return first17 + personal.id_check_digit(first17)


@st.composite
def cards(draw: st.DrawFn) -> str:
    body = "62" + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                        min_size=13, max_size=16)))
    for c in "0123456789":
        if personal.luhn_ok(body + c):
            return body + c
    raise AssertionError


@st.composite
def spelt(draw: st.DrawFn) -> tuple[str, str]:
    """(number, how a clerk typed it in Markdown)."""
    is_card = draw(st.booleans())
    number = draw(cards() if is_card else real_ids())
    sizes: list[int] = []
    left = len(number)
    while left:
        lo = 3 if is_card and sizes else 1  # a card's inner groups have 3+ digits
        k = min(left, draw(st.integers(lo, 7 if is_card else 8)))  # (8 digits may be a date)
        if is_card and 0 < left - k < 3:
            k = left
        sizes.append(k)
        left -= k
    groups, i = [], 0
    for k in sizes:
        groups.append(number[i:i + k])
        i += k
    assume(not (is_card and personal._is_date(groups)))  # a date among the groups: not a card
    out = []
    marked = False
    for n, g in enumerate(groups):
        if draw(st.booleans()):  # invisible characters inside a group
            pos = draw(st.integers(0, len(g)))
            g = g[:pos] + draw(st.sampled_from(HIDERS)) + g[pos:]
        # markup around a group (two marked groups side by side would merge their marks)
        mark = "" if marked else draw(st.sampled_from(["", "", "**", "`", "<b>", "[]"]))
        marked = bool(mark)
        if mark == "<b>":
            g = f"<b>{g}</b>"
        elif mark == "[]":
            g = f"[{g}](https://a.example.cn/x)"
        elif mark:
            g = f"{mark}{g}{mark}"
        out.append(g)
        if n < len(groups) - 1:
            out.append(draw(st.sampled_from(SEPARATORS + [""])) if mark == "" else "")
    return number, "".join(out)


@PROP
@given(spelt(), st.sampled_from(["公示：", "名单 ", "（"]), st.sampled_from(["。", " 元", "）"]))
def test_scrubber_and_guard_agree_on_what_a_reader_sees(case, before, after) -> None:
    number, typed = case
    source = f"{before}{typed}{after}"
    page = render_markdown(source)
    assume("<ol" not in page and "<ul" not in page and "<h" not in page)
    assert number in numbers(page), (source, page)  # the guard stops such a page
    masked, kinds = scrub_text(source, markdown=True)
    assert kinds, source
    published = render_markdown(masked)
    assert numbers(published) == set(), (source, masked, published)
    digits = "".join(c for c in personal.visible_text(published) if c.isdigit())
    assert number[:17] not in digits
