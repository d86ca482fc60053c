"""The leak guard's cheap test never says "no" where the plain rule finds a number.

``leakguard.might_hold_number`` runs on every published file; only files it lets through are
read by ``personal.scan_text`` (the plain rule: the text as written and the visible text).
Random text made of digit groups, every kind of separator and invisible character, tags
(inline, block, comments, in any case), entities (safe, named, numeric, double-escaped),
JSON escapes and other digits must never be waved through while the plain rule finds an ID
or a card in it; and ``scan_bytes`` must find exactly what the plain rule finds.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import personal
from generator.publish import leakguard

PROP = settings(max_examples=3000, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

ID = "410122198503150024"
CARD = "6222020200112233445"
SECRET = frozenset({personal.id_hash("41012219850315002X")})  # an ID typed with a wrong check

PIECES = [
    # digits
    "0", "12", "345", "4101", "2219", "8503", "1500", "24", "19850315", "6222", "0202",
    "0011", "2233", "445", "41012219850315002", ID, CARD, "４１０１", "２２", "𝟒𝟏",
    # separators and invisible characters
    " ", "-", ".", "\n", "\t", "\u3000", "\xa0", "\u2009", "－", "．", "·", "\u200b", "\u00ad",
    "\ufeff", "\u2060", "X", "x", "Ｘ",
    # tags
    "<b>", "</b>", "<B>", "<span class=\"n\">", "</span>", "<br>", "<br/>", "<BR />", "<wbr>",
    "<td>", "</td>", "<p>", "</p>", "<ul>", "<tspan>", "<a href=\"/x/\">", "</a>",
    "<a href=\"/6222020200112233445/\">", "<!-- c -->", "<!-- a<b>c -->", "<!--", "-->",
    "<", ">", "<b title=\"1>2\">",
    # entities and escapes
    "&nbsp;", "&nbsp", "&#52;", "&#x34;", "&#xA0;", "&amp;", "&amp;nbsp;", "&amp;#52;",
    "&#38;nbsp;", "&lt;b&gt;", "&lt;/b&gt;", "&lt;!-- x --&gt;", "&#39;", "&#34;", "&quot;",
    "&shy;", "&zwnj;", "&#65300;", "\\u0034", "\\u200b", "\\u", "&", "&&", "nbsp;", "#52;",
    "#x34;", "amp;",
    # other text
    "张", "年", "：", "（", "abc", "\"", "'", ",",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@PROP
@given(TEXT)
def test_cheap_test_never_misses_what_the_plain_rule_finds(text: str) -> None:
    found = personal.scan_text(text, SECRET)
    if found:
        assert leakguard.might_hold_number(text.encode()), (text, found)
        assert leakguard.might_hold_number(b"\xef\xbb\xbf" + text.encode()), (text, found)


@PROP
@given(TEXT)
def test_scan_bytes_finds_what_the_plain_rule_finds(text: str) -> None:
    assert leakguard.scan_bytes(text.encode(), SECRET) == personal.scan_text(text, SECRET)


def test_numbers_the_former_cheap_test_let_through_are_found() -> None:
    """A card in the link of a notice right after a digit (the scrubber does not read link
    targets), a number split by a space before an inline tag, by &nbsp; or &shy;, by an
    upper-case <WBR>: each was waved through before the full scan could see it."""
    from generator.read.markup import render_markdown
    from generator.read.values import scrub_text

    masked, _kinds = scrub_text(f"电话5[详情](https://x.example.cn/{CARD})", markdown=True)
    page = render_markdown(masked)
    assert {f.number for f in leakguard.scan_bytes(page.encode())} == {CARD}
    for page in ("<p>410122 <b>19850315</b> 0024</p>", "<p>6222&nbsp;0210&nbsp;0111&nbsp;6222</p>",
                 "<p>410122&shy;198503150024</p>", "<p>410122<WBR>198503150024</p>"):
        assert leakguard.scan_bytes(page.encode()), page


def test_ordinary_pages_stay_cheap() -> None:
    """Table rows of dates, amounts and codes are not read by the full scan."""
    row = ("<tr><td>2025-03-05</td><td>记-2025-03-001</td><td>支出</td><td>1,234.56</td>"
           "<td><a href=\"ledger/2025-03.html\">2025-03</a></td><td>&#39;x&#39;</td></tr>\n")
    assert not leakguard.might_hold_number((row * 200).encode())
