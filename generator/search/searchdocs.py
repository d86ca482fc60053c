"""What the search index holds: one small index-only document per searchable page.

Pagefind's time and memory grow with the HTML it reads. The published pages
carry layout, navigation, charts and money columns that nobody types into a
search box, so the index is built from these documents instead: the same path
as the page they stand for (so results link to the real page), its title and
filters, and only the words residents search for — names, programs, memos,
project and asset names, notice text. Withdrawn welfare rows (个人信息公示天数)
have no document at all.

All text is written one character per word (``spaced_text``), in a language
Pagefind does not segment (``INDEX_LANG``): the query side splits a query the
same way (templates/static/search.js), so index and query always agree
(Pagefind issue #1237: jieba on one side, the browser's segmenter on the
other, did not), and Pagefind skips its Chinese segmenter, a third of its time.
Each name or title is also written as a copy without separators, in 〔…〕,
which search.js uses to tell the whole name from a part of a longer one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator, Sequence

from generator import personal
from generator.model import views
from generator.model.records import County, Township, Village
from generator.model.views import (
    esc as escape,  # markupsafe's escaping, without a Markup object per line
)
from generator.read.markup import html_to_text

log = logging.getLogger(__name__)

Doc = tuple[str, bytes]
# (text, name or title in it also written as a 〔…〕 copy, or ""); text None: the second is
# a memo, written as ``memo_copy``
Line = tuple[str | None, str]
Section = tuple[str, str, list[Line]]  # (anchor, heading, lines)


def _j(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


# What templates/static/search.js ``compact()`` removes from a query before splitting it:
# nothing written with these characters can be asked for, so copies leave them out too.
_SEP = re.compile(r"""[\s·・•．.,，、;；:：!！?？"'“”‘’()（）【】〔〕〖〗《》\-—_/\\|]+""")
# search.js ``charSplit()``: an ASCII letter-or-digit run is one word, any other character
# (each Chinese character) a word of its own
# (written as: one space between all characters, then the spaces inside ASCII runs removed)
_JOINED = re.compile(r"(?<=[A-Za-z0-9]) (?=[A-Za-z0-9])")


# The documents' <html lang>: a language Pagefind neither segments nor stems (anything
# but zh/ja …), so each word is what the document spells out between spaces. The search
# page (lang zh-CN) finds no index of its own language and loads the bundle's only one.
INDEX_LANG = "und"
# Written, as a word of its own, where the text had whitespace: no query holds it (so the
# words on either side are not side by side), and search.js shows it as a space.
GAP = "\u2063"  # INVISIBLE SEPARATOR
# Written between two lines of a document (one record: a payee and their program, a memo, an
# asset with its place …): a GAP that also tells search.js where a record ends, so a result
# shows the whole line that matched.
LINE = "\u2064"  # INVISIBLE PLUS


# Full-width letters and digits (２０２４, ＬＥＤ) are written, and asked for (search.js
# ``compact()``), as ASCII: one spelling in the index, and a number stays one word, which
# the leak guard reads as digits.
_WIDE = re.compile("[０-９Ａ-Ｚａ-ｚ]")
_NARROW = {c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                   *range(0xFF41, 0xFF5B))}


def _spaced(text: str) -> str:
    """``text`` (no whitespace in it) one word per character, ASCII runs kept whole."""
    if _WIDE.search(text):
        text = text.translate(_NARROW)
    return _JOINED.sub("", " ".join(text))


def split_words(text: str) -> list[str]:
    """The words of ``text`` as search.js splits a query: separators dropped, each Chinese
    character alone, ASCII letter/digit runs whole (``LED``, ``403``)."""
    t = _SEP.sub("", text)
    return _spaced(t).split(" ") if t else []


def spaced_text(text: str) -> str:
    """``text`` as the index holds it: one word per character (ASCII letter/digit runs
    whole, each punctuation mark a word of its own), its whitespace written as ``GAP``."""
    return f" {GAP} ".join(_spaced(chunk) for chunk in text.split())


def char_split(text: str) -> str:
    """The index-only copy of a name or title, next to its text: one character per word
    (see ``split_words``), in 〔…〕, which search.js leaves out of excerpts. Where dropping
    the separators would join digit groups the page shows apart (``410122,19850315,0024``)
    into an ID or card number, the copy keeps them, each a word (as ``spaced_text``): a
    search for the whole number finds nothing, and the leak guard has nothing to stop."""
    copy = " ".join(split_words(text))
    if personal.holds_number(copy):
        copy = " ".join(_spaced(chunk) for chunk in text.split())
    return "〔" + copy + "〕"


_NOT_ALNUM = re.compile(r"[\W_]+")


def meta_title(title: str) -> str:
    """The title as Pagefind's metadata holds it. Pagefind also indexes the title's words,
    each with every character that is not a letter or digit dropped, so
    ``410122~19850315~0024`` would become one word holding an ID; such a title has its
    marks set apart by spaces (``410122 ~ 19850315 ~ 0024``). Any other title is as written."""
    if len(title) < 16 or not any(personal.holds_number(_NOT_ALNUM.sub("", w)) for w in title.split()):
        return title
    return " ".join(_NOT_ALNUM.sub(lambda m: f" {m[0]} ", title).split())


# 〔〕 and 〖〗 mark the index-only copies, which search.js takes out of excerpts or joins up;
# a document number typed with them (豫财农〔2024〕12号) is shown with ［］ instead.
_MARKERS = str.maketrans("〔〕〖〗", "［］［］")
_MARKER = re.compile("[" + "".join(map(chr, _MARKERS)) + "]")


def shown(text: str) -> str:
    """``text`` as it may appear in an excerpt: without the copies' markers."""
    return text.translate(_MARKERS) if _MARKER.search(text) else text


_CLAUSE = re.compile(r"([，,；;。])")


def new_clauses(memo: str, seen: set[str]) -> str:
    """``memo`` with each clause (between ， ； 。) that ``seen`` already holds written as …,
    and its new clauses added to ``seen``; "" when none is new. Clerks append the same
    procedure to many memos (经村民代表会议研究同意…): a document indexes it once, and a
    word inside it still finds the page."""
    if _CLAUSE.search(memo) is None:  # one clause: most memos
        clause = memo.strip()
        if not clause or clause in seen:
            return ""
        seen.add(clause)
        return memo
    parts = _CLAUSE.split(memo)
    fresh = False
    for i in range(0, len(parts), 2):
        clause = parts[i].strip()
        if not clause:
            continue
        if clause in seen:
            parts[i] = "…"
        else:
            seen.add(clause)
            fresh = True
    return "".join(parts) if fresh else ""


def memo_copy(text: str) -> str:
    """A memo as the index holds it (``spaced_text``), in 〖…〗, which search.js looks in for
    a memo holding the query side by side. Punctuation stays, so the excerpt reads as
    written; a query never holds it, so it matches nothing."""
    return "〖" + spaced_text(text) + "〗"


def document(title: str, filters: list[tuple[str, str]], lines: list[Line],
             sections: Sequence[Section] = ()) -> str:
    """One index-only HTML document for Pagefind. A line, and a name's 〔…〕 copy, is
    written once per document: a repeat (the same payee every month of a year, five assets
    called 村卫生室) adds nothing a resident can find, only indexing time; the first one — the
    newest month — is the section a hit opens. Each
    section starts with an ``<h2 id>`` (Pagefind reports hits per section, ``sub_results``)
    and holds its lines as one paragraph, one per text line, with the 〔…〕 copy inline:
    Pagefind's work grows with the elements it walks as well as the words."""
    t = escape(title)
    out = [f'<!doctype html>\n<html lang="{INDEX_LANG}"><head><meta charset="utf-8">'
           f"<title>{t}</title></head>\n<body><main data-pagefind-body>\n"
           f'<h1 data-pagefind-meta="title:{escape(meta_title(title))}">'
           f"{escape(spaced_text(shown(title)))}</h1>\n"]
    out.extend(f'<span data-pagefind-filter="{escape(k)}:{escape(v)}"></span>' for k, v in filters)
    out.append("\n")
    seen: set[str] = set()
    copied: set[str] = set()  # names and titles whose one-character copy is written already
    clauses: set[str] = set()
    for anchor, heading, body in [("", "", lines), *sections]:
        if anchor:
            # Pagefind shows a section's heading as its title (search.js: readable())
            out.append(f'<h2 id="{escape(anchor)}">{escape(spaced_text(shown(heading)))}</h2>\n')
        text_lines = []
        for text, split in body:
            if text is None:  # a memo: only the clauses new to this page
                memo = new_clauses(shown(split), clauses)
                if memo:
                    text_lines.append(escape(memo_copy(memo)))
                continue
            if split in copied:  # the same name on another line (assets of one kind …)
                split = ""
            if (text in seen or not text) and not split:
                continue
            seen.add(text)
            if split:
                copied.add(split)
            words = spaced_text(shown(text))
            text_lines.append(escape(f"{words} {GAP} {char_split(split)}" if split else words))
        if text_lines:
            # a LINE between lines and before the first: nothing of two lines (or of the
            # heading and a line) sits side by side
            out.append(f"<p>{LINE} " + f" {LINE}\n".join(text_lines) + "</p>\n")
    out.append("</main></body></html>\n")
    return "".join(out)


class SearchDocs:
    def __init__(self, county: County, as_of: dt.date):
        self.county = county
        self.as_of = as_of

    def _doc(self, path: str, title: str, filters: list[tuple[str, str]],
             lines: list[Line], sections: Sequence[Section] = ()) -> Doc:
        return f"{self.county.slug}/{path}", document(title, filters, lines, sections).encode("utf-8")

    def village_docs(self, town: Township, v: Village) -> Iterator[Doc]:
        base = f"{town.slug}/{v.slug}/"

        def f(module: str, year: str | int | None = None) -> list[tuple[str, str]]:
            out = [("乡镇", town.name), ("村", v.name), ("栏目", module)]
            if year:
                out.append(("年份", str(year)))
            return out

        home: list[Line] = [(_j(v.name, town.name, v.kind), v.name)]
        if v.intro_html:
            home.append((html_to_text(v.intro_html), ""))
        for c in v.cadres:
            home.append((_j(c.name, c.title, c.duty), c.name))
        if v.address:
            home.append((v.address, ""))
        yield self._doc(base + "index.html", f"{v.name} · {town.name} · 村居概况", f("村居概况"), home)

        if v.powers:
            lines = []
            for p in v.powers:
                lines.append((_j(p.name, p.category, p.owner, p.basis), p.name))
                lines.append(("；".join(p.steps + p.risks + p.measures), ""))
            yield self._doc(base + "powers/index.html", f"{v.name} · 权责清单", f("权责清单"), lines)

        lines = []
        for a in v.assets:
            lines.append((_j(a.name, a.category + "资产", a.location, a.status, a.lessee), a.name))
        for r in v.resources:
            lines.append((_j(r.name, r.kind, r.location, r.contractor), r.name))
        for c in v.contracts:
            lines.append((_j(c.name, c.party, c.kind, "合同"), c.name))
        if lines or v.balances:
            yield self._doc(base + "assets/index.html", f"{v.name} · 三资公开（资金 资产 资源 合同）",
                            f("三资公开"), [(_j(v.name, "资金 资产 资源 合同"), "")] + lines)

        for n in v.notices:
            yield self._doc(base + views.notice_page(n.slug), f"{n.title} · {v.name}",
                            f("三务公开", n.date.year),
                            [(n.title, n.title), (n.category + "公开", ""), (n.body_text, "")])
        # A name's 〔…〕 copy is what tells search.js a page has the whole name (not a part
        # of a longer one); it is also Pagefind's work. Each distinct name gets it once per
        # village, on the newest page that has it; the repeats (monthly payees) are still
        # found by their words.
        split_done: set[str] = set()

        def once(text: str) -> str:
            if text in split_done:
                return ""
            split_done.add(text)
            return text

        # The month pages of the ledger and of the welfare lists are indexed one document per
        # year, one section per page (anchor = the page's file name): a tenth of the documents
        # and a third less indexing work; templates/static/search.js links a hit in a section
        # to its month page.
        years: dict[tuple[str, str, str], list[Section]] = {}  # (folder, 栏目, year) → sections

        def section(page: str, module: str, label: str, lines: list[Line]) -> None:
            folder, _, name = page.rpartition("/")
            years.setdefault((folder, module, name[:4]), []).append(
                (name.removesuffix(".html"), f"{v.name} · {module} · {label}", lines))

        for m in views.ledger_months(v.finance):
            pages = views.paginate(m.rows)
            for i, rows in enumerate(pages, 1):
                # memos one per line, without a 〔…〕 copy (a memo is most of the index:
                # written twice, it cost Pagefind 40 % more); who and which 科目 once per page
                # (they repeat on every row), sorted: the same set on the next page is the
                # same line, written once
                lines: list[Line] = [(None, r.memo) for r in rows]
                lines.append((_j(*sorted({x for r in rows for x in (r.kind, r.subject)})), ""))
                lines.append((_j(*sorted({x for r in rows for x in (r.handler, r.approver) if x})), ""))
                section(views.ledger_page(m.month, i), "财务收支", m.label, lines)

        w = views.welfare_summary(v.welfare, self.as_of, self.county.privacy_days)
        if w.programs:
            # each 项目 also one character per word: a search for 低保 finds this page exactly
            yield self._doc(base + "welfare/index.html", f"{v.name} · 惠民资金发放", f("惠民资金"),
                            [(_j(v.name, "惠民资金"), "")] + [(p.program, p.program) for p in w.programs])
        for m in w.months:
            if m.withdrawn:
                continue  # names withdrawn: not in the index at all
            for i, rows in enumerate(views.paginate(m.rows), 1):
                # who and which 项目: a monthly payee is one line per year (the newest month);
                # 方式 and 备注 (一卡通, 调标…) find nothing a resident looks for
                lines = [(_j(r.name, r.program), once(r.name)) for r in rows]
                section(views.welfare_page(m.month, i), "惠民资金", m.label, lines)
        for (folder, module, year), sections in years.items():
            yield self._doc(f"{base}{folder}/{year}.html", f"{v.name} · {module} · {year}年",
                            f(module, year), [], sections)

        if v.projects:
            lines = [(_j(p.name, p.category, p.source, p.builder, p.status, p.note), p.name)
                     for p in v.projects]
            yield self._doc(base + "projects/index.html", f"{v.name} · 民生项目", f("民生项目"), lines)
        if v.services:
            lines = []
            for s in v.services:
                lines.append((_j(s.name, s.place, s.contact), s.name))
                lines.append(("；".join(s.materials + s.steps), ""))
            yield self._doc(base + "services/index.html", f"{v.name} · 预约办事", f("预约办事"), lines)
