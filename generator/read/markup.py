"""Clerk-written Markdown → safe HTML.

Raw HTML is never interpreted (it is shown as text and reported), links are
limited to http, https and mailto, images never load anything, and nh3 is the
last line of defence.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
_RAW_HTML = re.compile(r"<\s*[A-Za-z!/?]")
_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "span",
}


def link_allowed(href: str) -> bool:
    return href.strip().lower().startswith(ALLOWED_SCHEMES)


class _SafeLinks(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for el in root.iter():
            if el.tag == "a" and not link_allowed(el.get("href", "")):
                el.tag = "span"
                el.attrib.clear()
            elif el.tag == "img":
                # no image may make a request: show its alt text instead
                alt = el.get("alt", "")
                el.tag = "span"
                el.attrib.clear()
                el.text = alt
            elif el.tag == "h1":
                el.tag = "h2"  # the page owns its <h1>


class _SafeExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (markdown API)
        md.treeprocessors.register(_SafeLinks(md), "yidiantong_safe_links", 0)


def _new_md() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists", _SafeExtension()],
                             output_format="html")


_MD = _new_md()


def has_raw_html(text: str) -> bool:
    return bool(_RAW_HTML.search(text))


# Python-Markdown recurses once per nesting level and is quadratic in brackets and
# entities within one paragraph: hostile input beyond these limits is shown as plain text.
_MAX_INDENT = 40
_MAX_QUOTE_DEPTH = 10
_MAX_PER_PARAGRAPH = {"[": 500, "&": 2000, "<": 2000, "`": 2000}
_MARKERS = re.compile(r"[ \t]*(?:(?:>|[-*+][ \t]|[0-9]{1,9}[.)][ \t])[ \t]*)+")


def _too_complex(text: str) -> bool:
    for line in text.split("\n"):
        stripped = line.lstrip(" \t")
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        if indent > _MAX_INDENT:
            return True
        m = _MARKERS.match(line)  # nested quote / list markers at the start of a line
        if m is not None and len(re.findall(r">|[-*+][ \t]|[0-9][.)]", m.group(0))) > _MAX_QUOTE_DEPTH:
            return True
    for para in re.split(r"\n[ \t]*\n", text):
        if any(para.count(ch) > n for ch, n in _MAX_PER_PARAGRAPH.items()):
            return True
    return False


def plain_text_html(text: str) -> str:
    """Text shown as is: paragraphs and line breaks, everything else escaped."""
    paras = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    return "\n".join("<p>" + "<br>\n".join(html.escape(ln) for ln in p.split("\n")) + "</p>"
                     for p in paras)


def render_markdown(text: str) -> str:
    """Return sanitized HTML for clerk Markdown; any HTML in it is shown as text."""
    if not text.strip():
        return ""
    if _too_complex(text):
        return plain_text_html(text.replace("\\*", "*"))
    # Escape "<" so no raw HTML (or HTML comment) is ever interpreted by Markdown.
    src = text.replace("&", "&amp;").replace("<", "&lt;")
    _MD.reset()
    out = _MD.convert(src)
    # code spans and blocks show text literally: undo the \* that masks got for Markdown
    out = _CODE.sub(lambda m: m.group(0).replace("\\*", "*"), out)
    out = nh3.clean(
        out,
        tags=_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    if not _digits_kept(text, out):
        # Python-Markdown can drop a character next to unbalanced emphasis markers
        # ("_*[** 100 _*_" shows "00"): a notice must never lose a digit of an amount, a
        # date or a mask, so such text is shown as it was typed
        return plain_text_html(text.replace("\\*", "*"))
    return out


_OL_MARKER = re.compile(r"^[ \t>]*[0-9]{1,9}[.)](?=[ \t]|$)", re.M)
_LINK_TARGET = re.compile(r"(\])\([^)]*\)")  # a link's or image's address is not its text
_NOT_DIGIT = re.compile(r"[^0-9]")


def _digits_kept(src: str, out: str) -> bool:
    """True when the text of the rendered HTML shows exactly the digits of the source, in
    order, apart from ordered-list numbers and the addresses of links and images."""
    want = _NOT_DIGIT.sub("", _OL_MARKER.sub("", _LINK_TARGET.sub(r"\1", src)))
    return _NOT_DIGIT.sub("", html.unescape(_TAG.sub(" ", out))) == want


_CODE = re.compile(r"<code>.*?</code>", re.S)
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (for excerpts and feeds)."""
    return _WS.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()
