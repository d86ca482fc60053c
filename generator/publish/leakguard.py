"""The build's last step: no published file may let a reader see a full ID or bank card.

Every staged file is scanned — pages, downloads, feeds, the ledger, static files and the
decompressed Pagefind index — with the detector the scrubber uses (generator.personal): on
the text as written and on the visible text (tags removed, entities decoded, invisible
characters dropped, digit groups joined), for any 18-character ID with a valid check digit,
any Luhn-valid 16–19-digit card, and the exact ID values of the input (compared by hash).
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator import personal
from generator.personal import id_hash, mask_id  # noqa: F401 (the guard's API)

log = logging.getLogger(__name__)

PAGEFIND_SUFFIXES = {".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"}
# files whose bytes are images or compressed media: they hold no text a reader sees as text
# (attachments among them are checked when they are read: generator.read.attachments)
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".ico", ".woff", ".woff2",
                   ".wasm", ".pdf", ".docx", ".xlsx"}

# The cheap test run on every file (``might_hold_number``): digits → "0"; the bytes of
# separators, invisible characters and of full-width digits' lead bytes deleted. A number a
# reader could see is then a run of 16 "0" in the text as written, or in it with its inline
# tags and comments deleted (``_INLINE_LOOSE``: what the visible text deletes, and more).
# Other text only sometimes is; then the full scan decides. A byte that ends a
# full-width digit is never deleted (it is read as a digit: a separator whose encoding holds
# one only joins more). What the bytes cannot show cheaply — JSON escapes, entities other than
# the five below, mathematical digits — is left to the full scan.
_FW_DIGITS = "０１２３４５６７８９"
_FW_LAST = bytes(c.encode()[-1] for c in _FW_DIGITS)
_DELETE = bytes(sorted(
    (set("".join(personal.HIDERS).encode()) | set(_FW_DIGITS[0].encode()[:-1])
     | set(b" \t\r\n\f\v-.") | set((personal._SPACES + personal._DASHES + "．－").encode()))
    - set(_FW_LAST)))
_LOOSE = bytes.maketrans(b"0123456789" + _FW_LAST, b"0" * 20)
_SIXTEEN = b"0" * 16
_ALL_DIGITS = b"0123456789" + _FW_LAST
# entities that decode to a character no number is written across, as both readings see them
_SAFE_ENTITIES = ((b"&#39;", b"'"), (b"&#34;", b'"'), (b"&quot;", b'"'), (b"&lt;", b"<"),
                  (b"&gt;", b">"))
_COMMENT_BYTES = re.compile(rb"<!--.*?-->", re.S)
# what may start an entity, at once or once the visible text has deleted a tag after the "&"
# (a bare "&", as in JavaScript's "&&" or in binary files, stands for itself)
_MAYBE_ENTITY = re.compile(rb"&[#A-Za-z<]")


def _inline_tags_loose() -> re.Pattern[bytes]:
    """Inline tags and ``<br>`` (which the visible text deletes, or makes a line break) in
    the lower-cased cheap test's bytes, where the space after a tag's name is gone: every
    tag whose name starts with one of theirs (``<ahref=…>``, and ``<article>`` too, which
    only joins more)."""
    names = set(personal.INLINE_TAGS) | {"br"}
    shortest = {n for n in names if not any(m != n and n.startswith(m) for m in names)}

    def trie(words: set[str]) -> str:  # one branch per first letter: sre tries far fewer
        if "" in words:
            return ""
        by: dict[str, set[str]] = {}
        for w in words:
            by.setdefault(w[0], set()).add(w[1:])
        alts = [re.escape(c) + trie(rest) for c, rest in sorted(by.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return re.compile(rb"</?" + trie(shortest).encode() + rb"[^<>]*>")


_INLINE_LOOSE = _inline_tags_loose()
_MATH_DIGIT_LEAD = "𝟎".encode()[:3]


@dataclass(frozen=True)
class Leak:
    file: str
    kind: str  # 身份证号 / 银行卡号
    masked: str  # the number, masked, for the message
    source: str = ""  # where the ID came from in the input, when known


def _decode(path: Path | str, data: bytes) -> bytes:
    if os.path.splitext(path)[1] in PAGEFIND_SUFFIXES or data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return data
    return data


def might_hold_number(data: bytes) -> bool:
    """False when ``data`` cannot show a reader 16 digits in a row (see ``_DELETE``): never
    False where ``personal.scan_text`` finds a number (tests/test_guard_fast.py)."""
    # (one-byte searches first: they run at memory speed)
    if b"\\" in data and b"\\u" in data or b"\xf0" in data and _MATH_DIGIT_LEAD in data:
        return True  # JSON escapes, mathematical digits: the full scan reads them
    if len(data) - len(data.translate(None, _ALL_DIGITS)) < 16:
        return False  # fewer than 16 digits in all (an entity of a digit holds one)
    if b"&" in data:
        for entity, char in _SAFE_ENTITIES:  # the commonest first
            data = data.replace(entity, char)
            if b"&" not in data:
                break
        else:
            if _MAYBE_ENTITY.search(data):
                return True  # other entities (&nbsp; …, double escapes): the full scan reads them
    loose = data.translate(_LOOSE, _DELETE)
    if _SIXTEEN in loose:
        return True
    if b"<" not in data:
        return False
    # the visible text: inline tags and comments vanish (4101<b>2219…); a comment may hold
    # "<" or ">", so comments go first
    if b"<!--" in data:
        loose = _COMMENT_BYTES.sub(b"", data).translate(_LOOSE, _DELETE)
    return _SIXTEEN in _INLINE_LOOSE.sub(b"", loose.lower())


might_hold_id = might_hold_number  # the former name


def scan_bytes(data: bytes, secret_hashes: frozenset[str] = frozenset()) -> list[personal.Found]:
    """Every ID and card a reader of ``data`` (a file's bytes) could see."""
    if not might_hold_number(data):
        return []
    return personal.scan_text(data.decode("utf-8", "replace"), secret_hashes)


def scan_many(items: Iterable[tuple[str, bytes]], secret_hashes: frozenset[str] = frozenset()
              ) -> list[tuple[str, personal.Found]]:
    """(name, number) for every number found in the (name, data) items (one per number
    and item)."""
    out = []
    for name, data in items:
        seen: set[str] = set()
        for f in scan_bytes(data, secret_hashes):
            if f.number not in seen:
                seen.add(f.number)
                out.append((name, f))
    return out


def scan_file(path: Path, secret_hashes: frozenset[str] = frozenset()) -> list[personal.Found]:
    """Numbers in one file about to be published (any file but images and media)."""
    if path.suffix.lower() in BINARY_SUFFIXES:
        return []
    return scan_bytes(_decode(path, path.read_bytes()), secret_hashes)


def leaks(items: Iterable[tuple[str, bytes]], secret_hashes: frozenset[str] = frozenset(),
          sources: dict[str, str] | None = None) -> list[Leak]:
    return [Leak(name, f.kind, f.masked, (sources or {}).get(id_hash(f.number), ""))
            for name, f in scan_many(items, secret_hashes)]


def scan_tree(root: Path, files: Iterable[Path], secret_hashes: frozenset[str] = frozenset(),
              sources: dict[str, str] | None = None) -> list[Leak]:
    items = ((p.relative_to(root).as_posix(), _decode(p, p.read_bytes())) for p in files
             if p.suffix.lower() not in BINARY_SUFFIXES)
    return leaks(items, secret_hashes, sources)


def walk(root: Path, skip: set[str], skip_dirs: set[str] = frozenset(),  # type: ignore[assignment]
         under: str = "") -> list[Path]:
    """Every file below ``root`` (no links followed) except those whose path relative to
    ``root`` is in ``skip`` or below a folder in ``skip_dirs`` — the guard's list of what
    was not scanned before, so that a new kind of output is covered without anyone adding
    it here. ``under``: only the files below that folder of ``root``."""
    out: list[Path] = []
    stack = [(f"{under}/", str(root / under))] if under else [("", str(root))]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for e in it:
                r = f"{rel}{e.name}"
                if e.is_dir(follow_symlinks=False):
                    if r not in skip_dirs:
                        stack.append((r + "/", e.path))
                elif r not in skip:
                    out.append(Path(e.path))
    out.sort()
    return out
