"""Personal numbers in text: one normaliser and one detector for 身份证号 and bank cards.

Used by the scrubber at load time (masks and warns, with the location), by the last-line
leak guard over every staged file (stops the build), and by :class:`generator.errors.Problem`
(a message never quotes a full number). All three judge the same thing: the digits a reader
sees, once

- invisible characters are dropped (U+200B–U+200F, U+2060, U+FEFF, soft hyphen, …),
- full-width digits are read as digits,
- markup is removed (HTML tags, entities; in Markdown source also emphasis and code marks),
- digit groups separated by spaces (also U+3000, U+00A0), line breaks, ``-`` or ``.`` — in any
  grouping, mixed — are read as one number.

A number is an 18-character ID when its GB 11643 check digit is valid (and, when it is put
together from several groups, it starts with a province code and digits 7–14 are a date). A bank card is one unbroken run of
16–19 digits, or 16–19 digits put together from groups that pass the Luhn check (ISO/IEC 7812,
as every UnionPay card does), look like a card's grouping (inner groups of 3 or more digits,
at most 6 groups) and hold no date (``2024.01.01-2024.12.31``). docs/privacy.md gives the
false-positive rates measured on the synthetic county that led to these rules.

Stage: depends on nothing in the package (``errors`` uses it).
"""

from __future__ import annotations

import hashlib
import html
import logging
import operator
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate

log = logging.getLogger(__name__)

KIND_ID = "身份证号"
KIND_CARD = "银行卡号"

# characters a browser does not show (or shows as nothing between two digits)
HIDERS = ("\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
          "\u034f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# separators people and spreadsheets put between digit groups
_SPACES = " \t\r\n\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
          "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_DASHES = "-.\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb\uff65\u00b7"

_TRANSLATE = str.maketrans({
    **{c: None for c in HIDERS},
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0x1D7CE + i): str(i % 10) for i in range(50)},  # mathematical digits
    "Ｘ": "X", "ｘ": "x", "．": ".", "－": "-", "\u3000": " ",
})

_SP = re.escape(_SPACES)
_DA = re.escape(_DASHES)
# a gap between two digit groups: spaces, at most two dashes/dots, spaces (possessive: linear)
_GAP = f"(?=[{_SP}{_DA}])[{_SP}]*+(?:[{_DA}][{_SP}]*+){{0,2}}+"
_CHAIN = re.compile(f"(?<![0-9])[0-9]++(?:{_GAP}[0-9]++)*+(?:(?:{_GAP})?[Xx])?")
_GROUP = re.compile(r"[0-9]+")
_DIGIT = re.compile(r"[0-9]")
# a long run of letters and digits (hashes, keys, base64) is an identifier, not a number
_TOKEN_MIN = 32
_HEXISH = re.compile(r"[0-9A-Za-z+/_=]")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for 17 ASCII digits."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    return _ID_CHECK[sum(map(operator.mul, map(int, first17), _ID_WEIGHTS)) % 11]


def id_check_ok(s: str) -> bool:
    """True when ``s`` is 17 ASCII digits plus a valid check digit/``X``/``x``."""
    if len(s) != 18 or not _ID_SHAPE.fullmatch(s):
        return False
    return id_check_digit(s[:17]) == s[17].upper()


def id_hash(idno: str) -> str:
    """How the leak guard knows the input's IDs without holding them."""
    return hashlib.sha256(idno.upper().encode()).hexdigest()


class Secrets(frozenset):
    """Hashes (``id_hash``) of the input's IDs, with the first six digits of each (the region
    code, which is public): the detector tries a group of digits against the hashes only
    where one of those six digits starts, instead of at every group. A plain frozenset of
    hashes is still taken (every group is tried: the same numbers are found, slower)."""

    prefixes: frozenset[str]

    def __new__(cls, hashes: Iterable[str] = (), prefixes: Iterable[str] = ()) -> Secrets:
        self = super().__new__(cls, hashes)
        self.prefixes = frozenset(prefixes)
        self._starts = None
        return self

    def __reduce__(self) -> tuple:
        return (Secrets, (frozenset(self), self.prefixes))

    @classmethod
    def of_ids(cls, ids: Iterable[str]) -> Secrets:
        ids = list(ids)
        return cls((id_hash(i) for i in ids), (i[:6] for i in ids))

    @staticmethod
    def union(*many: frozenset[str]) -> frozenset[str]:
        """The secrets of several villages: a Secrets when each one is (else a plain set)."""
        hashes = frozenset().union(*many)
        if not all(isinstance(s, Secrets) or not s for s in many):
            return hashes
        return Secrets(hashes, frozenset().union(*(getattr(s, "prefixes", ()) for s in many)))

    def starts(self) -> re.Pattern[str] | None:
        """Where one of the prefixes starts in a run of digits (overlapping)."""
        if self._starts is None and self.prefixes:
            self._starts = re.compile("(?=(?:" + "|".join(sorted(self.prefixes)) + "))")
        return self._starts


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = ord(c) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def mask_id(s: str) -> str:
    """``410122********123X``: first 6, eight ``*``, last 4 (the one mask used everywhere)."""
    s = s.translate(_TRANSLATE).strip().upper()
    return s[:6] + "********" + s[-4:]


def mask_card(s: str) -> str:
    """A bank card: first 4 and last 4 digits, ``*`` for each digit between."""
    digits = "".join(_DIGIT.findall(s.translate(_TRANSLATE)))
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def normalise(text: str) -> str:
    """Invisible characters dropped, full-width digits as ASCII (one pass)."""
    return text.translate(_TRANSLATE)


@dataclass(frozen=True)
class Found:
    kind: str  # KIND_ID or KIND_CARD
    number: str  # the digits (an ID with its upper-case X)
    start: int  # span in the normalised text
    end: int

    @property
    def masked(self) -> str:
        return mask_id(self.number) if self.kind == KIND_ID else mask_card(self.number)


def _is_date(groups: list[str]) -> bool:
    """Some group is a date (20240101) or starts a year, month, day triple."""
    for k, g in enumerate(groups):
        if len(g) == 8 and 1900 <= int(g[:4]) <= 2100 and 1 <= int(g[4:6]) <= 12 \
                and 1 <= int(g[6:]) <= 31:
            return True
        if len(g) == 4 and 1900 <= int(g) <= 2100 and k + 2 < len(groups):
            m, d = groups[k + 1], groups[k + 2]
            if len(m) <= 2 and len(d) <= 2 and 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
                return True
    return False


_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                        44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})


def _birth_date_ok(digits: str) -> bool:
    """Digits 1–2 a province, 7–14 a date: what every real ID has."""
    if int(digits[:2]) not in _PROVINCES:
        return False
    y, m, d = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    return 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31


def _card_groups_ok(groups: list[str]) -> bool:
    """A card written in groups (4-4-4-4-3, 6-13, …): it starts as card numbers do (3–6, 8, 9:
    never 0, as phone numbers ``0371-12388`` do), every group but the first and last
    has at least 3 digits (amounts ``1234.56 7890.12`` and dates ``2024 01 01`` do not), at
    most 6 groups, and no date among them."""
    if len(groups) == 1:
        return True
    return groups[0][0] in "345689" and len(groups) <= 6 and all(len(g) >= 3 for g in groups[1:-1]) and not _is_date(groups)


def _in_token(norm: str, start: int, end: int) -> bool:
    """The digits (one unbroken run) are part of a long run of letters and digits (a hash,
    a key): an identifier, not a number a reader takes for an ID or a card."""
    if not norm[start:end].isalnum():
        return False
    a = start
    while a > 0 and start - a < _TOKEN_MIN and _HEXISH.match(norm, a - 1):
        a -= 1
    b = end
    while b < len(norm) and b - end < _TOKEN_MIN and _HEXISH.match(norm, b):
        b += 1
    return b - a >= _TOKEN_MIN and any(c.isalpha() for c in norm[a:b])


# digits 1–14 of an ID written in groups: a province and a birth date (``_birth_date_ok``),
# looked for in all digits of a chain at once (overlapping: a lookahead)
_ID_START = re.compile(
    "(?=(?:" + "|".join(f"{p:02d}" for p in sorted(_PROVINCES)) + ")[0-9]{4}"
    "(?:19[0-9]{2}|20[0-9]{2}|2100)(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))")
_NOT_DIGITS = re.compile(r"[^0-9]+")
# a group that can start a card or an account: 16 digits or more alone, or starting as cards
# do with 3 digits or more in it or in the next group
_CARD_START = re.compile(r"(?<![0-9])(?=[0-9]{16}|[345689](?:[0-9]{2}|[0-9]?[^0-9]++[0-9]{3}))")
_start = operator.methodcaller("start")

# Python-level steps of the detector (candidate starts and the runs of groups tried from
# them): a deterministic measure of its work, read by tests (never reset by the detector)
WORK = [0]


def _run_number(digits: str, groups: list[str], i: int, j: int, card_grouping: bool,
                start: int, end: int, x_end: int | None, secret: frozenset[str] | None
                ) -> tuple[Found | None, Found | None]:
    """What the run of whole digit groups ``groups[i..j]`` (16–19 ``digits``, text
    ``start``–``end``; ``x_end``: where the chain's final X ends, if it has one) is:
    (an ID, None), (None, a card), or (None, None) — the rule both chain readers apply.
    ``card_grouping``: at most six groups whose inner groups have 3 or more digits."""
    total = len(digits)
    # an ID written in groups has a real birth date and province (dates and amounts
    # side by side sometimes make 18 digits with a valid check digit)
    if total in (17, 18):
        plausible = i == j or _birth_date_ok(digits)
        if total == 17 and j == len(groups) - 1 and x_end is not None and plausible \
                and id_check_digit(digits) == "X":
            return Found(KIND_ID, digits + "X", start, x_end), None
        if total == 18 and plausible and id_check_ok(digits):
            return Found(KIND_ID, digits, start, end), None
        if secret:
            full = digits if total == 18 else digits + id_check_digit(digits)
            if id_hash(full) in secret:
                return Found(KIND_ID, full, start, end), None
    # one unbroken run of 16–19 digits is a card (or an account: masked either way);
    # one put together from groups must pass Luhn and look like a card's grouping
    if i == j or (digits[0] in "345689" and card_grouping and luhn_ok(digits)
                  and not _is_date(groups[i:j + 1])):
        return None, Found(KIND_CARD, digits, start, end)
    return None, None


def _number_at(i: int, groups: list[str], cum: list[int], digits_all: str,
               at: list[int], x_end: int | None, secret: frozenset[str] | None
               ) -> tuple[Found | None, int]:
    """The number that starts at group ``i`` of a chain — the first ID made of whole groups
    from it, else the longest card (``_run_number``) — and how many runs were tried.
    ``cum``: digits before each group; ``at``: where each group starts in the text."""
    n = len(groups)
    j = i
    while j < n and cum[j + 1] - cum[i] < 16:
        j += 1
    card: Found | None = None
    tried = 0
    while j < n and cum[j + 1] - cum[i] <= 19:
        tried += 1
        hit, maybe_card = _run_number(
            digits_all[cum[i]:cum[j + 1]], groups, i, j,
            j - i < 6 and all(len(g) >= 3 for g in groups[i + 1:j]),
            at[i], at[j] + len(groups[j]), x_end, secret)
        if hit is not None:
            return hit, tried
        card = maybe_card or card
        j += 1
    return card, tried


def _chain_numbers(norm: str, m: re.Match[str], secret: frozenset[str] | None
                   ) -> Iterator[Found]:
    """IDs and cards among the digit groups of one chain (digits joined by separators):
    what ``_chain_numbers_plain`` finds, trying only the groups that can start a number.

    A group can start one when it alone has 16 or more digits; or the digits from it are a
    province and a birth date (an ID in groups, found for the whole chain by one regular
    expression); or it starts with 3–6, 8, 9 and it or the next group has 3 or more digits
    (a card in groups: two groups of 16 digits have one of 8, and three or more have an inner
    group of 3); with ``secret``, where one of the input IDs' region codes starts
    (``Secrets``; every group for plain hashes: an input's ID is found without its check
    digit). Everything else is done on whole lists (``findall``, ``accumulate``): a hostile
    text of a million one-digit groups costs a few list operations, not a million steps."""
    text = m.group(0)
    base = m.start()
    groups = _GROUP.findall(text)
    n = len(groups)
    lens = list(map(len, groups))
    cum = [0, *accumulate(lens)]
    if cum[-1] < 16:
        return
    digits_all = "".join(groups)
    every = bool(secret) and not isinstance(secret, Secrets)  # plain hashes: try every group
    if every:
        starts: list[int] | range = range(n)
    else:
        # an input's ID (secret) starts with its six-digit region code
        prefix = secret.starts() if isinstance(secret, Secrets) else None
        id_at = list(map(_start, _ID_START.finditer(digits_all)))
        if prefix is not None:
            id_at += map(_start, prefix.finditer(digits_all))
        card_at = list(map(_start, _CARD_START.finditer(text)))
        if not id_at and not card_at:
            return
    # where each group starts in ``text``: the digits and the separators before it
    seps = [0, *accumulate(map(len, _NOT_DIGITS.findall(text, 0, len(text) - (text[-1] in "Xx"))))]
    at_text = list(map(operator.add, cum[:n], seps[:n]))
    if not every:
        found = {k for o in id_at if cum[k := bisect_left(cum, o)] == o}
        found.update(map(partial(bisect_left, at_text), card_at))
        starts = sorted(found)

    at = list(map(base.__add__, at_text))  # where each group starts in ``norm``
    x_end = base + len(text) if text[-1] in "Xx" else None
    done_to = -1  # text offset the last number ended at: groups before it are taken
    work = 0
    for i in starts:
        work += 1
        if at[i] < done_to:
            continue
        hit, tried = _number_at(i, groups, cum, digits_all, at, x_end, secret)
        work += tried
        if hit is not None and not _in_token(norm, hit.start, hit.end):
            yield hit
            done_to = hit.end
    WORK[0] += work


def _chain_numbers_plain(norm: str, m: re.Match[str], secret: frozenset[str] | None
                   ) -> Iterator[Found]:
    """The plain rule: IDs and cards among the digit groups of one chain (digits joined by
    separators), trying every group as the start of a run of whole groups of 16–19 digits.
    ``_chain_numbers`` gives the same, trying only the groups that can start one
    (tests/test_privacy_rounds.py compares the two)."""
    text = m.group(0)
    base = m.start()
    found = list(_GROUP.finditer(text))
    groups = [g.group(0) for g in found]
    at = [base + g.start() for g in found]
    n = len(groups)
    digits_all = "".join(groups)
    cum = [0]
    for g in groups:
        cum.append(cum[-1] + len(g))
    x_end = base + len(text) if text[-1] in "Xx" else None
    i = 0
    while i < n:
        hit, _tried = _number_at(i, groups, cum, digits_all, at, x_end, secret)
        if hit is not None and not _in_token(norm, hit.start, hit.end):
            yield hit
            while i < n and at[i] < hit.end:
                i += 1
            continue
        i += 1


def find_numbers(norm: str, secret: frozenset[str] | None = None) -> list[Found]:
    """IDs and cards in normalised text (see ``normalise``/``visible_text``), left to right.
    ``secret``: hashes (``id_hash``) of the input's IDs, also found when written without
    their check digit or with a wrong one."""
    if len(norm) < 16:
        return []
    out: list[Found] = []
    for m in _CHAIN.finditer(norm):
        if m.end() - m.start() >= 16:
            out.extend(_chain_numbers(norm, m, secret))
    return out


# ------------------------------------------------------------------ what a reader sees
INLINE_TAGS = ("a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
           "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "rb", "rp", "rt", "ruby", "s",
           "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
           "wbr", "tspan", "bdo")
_INLINE_TAG = re.compile(r"</?(?:" + "|".join(INLINE_TAGS) + r")(?:\s[^<>]*)?/?>|<!--.*?-->", re.I | re.S)
_BR_TAG = re.compile(r"<br\s*/?>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z!?][^<>]*>")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")


def _unescape(text: str) -> str:
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return text


def visible_text(text: str) -> str:
    """What a browser shows of ``text`` (HTML, XML, or plain values): inline tags vanish
    (``4101<b>2219…``), other tags become a break, entities and ``\\uXXXX`` escapes are
    decoded; done twice, for markup escaped inside markup (a feed's content)."""
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    for _ in range(2):
        if "<" in text:
            text = _ANY_TAG.sub(" | ", _BR_TAG.sub("\n", _INLINE_TAG.sub("", text)))
        text = _unescape(text)
    return normalise(text)


def scan_text(text: str, secret: frozenset[str] | None = None) -> list[Found]:
    """Numbers a reader of ``text`` (a file's decoded content) could see: in the text as
    written (attribute values included) and in its visible text."""
    found = find_numbers(normalise(_unescape(text)), secret)
    if "<" in text or "&" in text or "\\u" in text:
        seen = {f.number for f in found}
        found += [f for f in find_numbers(visible_text(text), secret) if f.number not in seen]
    return found


# ------------------------------------------------------------------ masking source text
_MD_MARKS = frozenset("*_`~\\")
_LINK_TARGET = re.compile(r"\([^()\n]*\)")


_SPECIAL_MD = re.compile("[" + re.escape("*_`~\\[]!<&" + HIDERS) + "]")
_SPECIAL_PLAIN = re.compile("[" + re.escape(HIDERS) + "]")


def _source_map(text: str, markdown: bool
                ) -> tuple[str, Sequence[int], Sequence[int]]:
    """The normalised text of ``text`` and, for each of its characters, the span of source
    characters it came from. In Markdown, emphasis/code marks, backslashes, tags and
    entities are read as a browser would show the rendered notice.

    What ``_source_map_plain`` gives, character by character only at the characters that
    are not shown as they are (marks, tags, entities, invisible characters): the text
    between them is normalised one character for one, in one step. A text without any
    (nearly every one) is mapped by two ``range`` objects."""
    special = _SPECIAL_MD if markdown else _SPECIAL_PLAIN
    n = len(text)
    first = special.search(text)
    if first is None:
        return normalise(text), range(n), range(1, n + 1)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    m: re.Match[str] | None = first
    while i < n:
        if m is None or m.start() > i:  # characters shown one for one, up to the next special
            stop = n if m is None else m.start()
            out.append(text[i:stop].translate(_TRANSLATE))
            starts.extend(range(i, stop))
            ends.extend(range(i + 1, stop + 1))
            i = stop
            continue
        c = text[i]
        if markdown:
            after = _after_markup(text, i, out, starts, ends)
            if after is not None:
                i = after
                m = special.search(text, i)
                continue
        d = normalise(c)
        if d:
            out.append(d)
            starts.append(i)
            ends.append(i + 1)
        i += 1
        m = special.search(text, i)
    return "".join(out), starts, ends


def _after_markup(text: str, i: int, out: list[str], starts: list[int], ends: list[int]
                  ) -> int | None:
    """Where the reader's text goes on when Markdown/HTML markup starts at ``text[i]``
    (emphasis and link marks, a link's address, a tag: not shown; an entity: its characters
    appended with its source span), or None when ``text[i]`` is shown as it is. The rule
    both ``_source_map`` and its plain form apply."""
    c = text[i]
    if c in _MD_MARKS or c == "[" or c == "!" and text.startswith("[", i + 1):
        return i + 1
    if c == "]":  # a link's text stays, its address is not shown
        t = _LINK_TARGET.match(text, i + 1)
        return t.end() if t is not None else i + 1
    if c == "<":
        t = _ANY_TAG.match(text, i)
        return t.end() if t is not None else None
    if c == "&":
        t = _ENTITY.match(text, i)
        if t is not None:
            for d in normalise(html.unescape(t.group(0))):
                out.append(d)
                starts.append(i)
                ends.append(t.end())
            return t.end()
    return None


def _source_map_plain(text: str, markdown: bool) -> tuple[str, list[int], list[int]]:
    """The plain rule of ``_source_map``, character by character (tests compare the two)."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if markdown:
            after = _after_markup(text, i, out, starts, ends)
            if after is not None:
                i = after
                continue
        d = normalise(c)
        if d:
            out.append(d)
            starts.append(i)
            ends.append(i + 1)
        i += 1
    return "".join(out), starts, ends


_PRE = re.compile(r"[0-9０-９𝟎-𝟿]")


def could_hold_number(text: str) -> bool:
    """False when ``scrub`` would certainly leave ``text`` as it is (fewer than 16 digits)."""
    if len(text) < 16:
        return False
    k = 0
    for _ in _PRE.finditer(text):
        k += 1
        if k >= 16:
            return True
    return False


def holds_number(text: str) -> bool:
    """Whether ``scan_text`` finds a full ID or card number in ``text`` (read only when it
    ``could_hold_number``: an entity or escape spells a digit with more digits, never fewer).
    The search copies that drop separators use it (generator/search)."""
    return could_hold_number(text) and bool(scan_text(text))


def scrub(text: str, *, markdown: bool = False) -> tuple[str, list[Found]]:
    """``text`` with every ID and card a reader could see masked, and what was found (with
    its span in ``text``).
    With ``markdown``, masks are written with ``\\*`` (Markdown shows them as stars), and the
    whole source span of a number — markup inside it included — is replaced."""
    if not could_hold_number(text):
        return text, []
    norm, starts, ends = _source_map(text, markdown)
    found = find_numbers(norm)
    if not found:
        return text, []
    parts: list[str] = []
    done: list[Found] = []
    last = 0
    for f in found:
        a, b = starts[f.start], ends[f.end - 1]
        if a < last:
            continue
        parts.append(text[last:a])
        parts.append(f.masked.replace("*", "\\*") if markdown else f.masked)
        last = b
        done.append(Found(f.kind, f.number, a, b))
    parts.append(text[last:])
    return "".join(parts), done


def mask_all(text: str) -> str:
    """``text`` for a message: every ID or card masked, also one a clerk got wrong by one
    digit (any run of 17–18 digits with or without X, grouped or not, is masked as an ID)."""
    if not could_hold_number(text):
        return text
    text = scrub(text)[0]
    norm, starts, ends = _source_map(text, False)
    parts: list[str] = []
    last = 0
    for m in _CHAIN.finditer(norm):
        digits = "".join(_DIGIT.findall(m.group(0)))
        if 16 <= len(digits) + (m.group(0)[-1] in "Xx") <= 19:
            a, b = starts[m.start()], ends[m.end() - 1]
            parts.append(text[last:a])
            last = b
            parts.append(mask_id(digits + ("X" if m.group(0)[-1] in "Xx" else ""))
                         if len(digits) >= 17 else mask_card(digits))
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)
