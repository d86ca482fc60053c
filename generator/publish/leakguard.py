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

# The cheap test run on every file: digits → "0"; the bytes of separators, invisible
# characters, entity and escape marks, and of full-width digits' lead bytes deleted; tags
# deleted. A number a reader could see is then a run of 16 "0" (other text only sometimes is;
# then the full scan decides). A byte that ends a full-width digit is never deleted (it is
# read as a digit: a separator whose encoding holds one only joins more).
_FW_DIGITS = "０１２３４５６７８９"
_FW_LAST = bytes(c.encode()[-1] for c in _FW_DIGITS)
_DELETE = bytes(sorted(
    (set("".join(personal.HIDERS).encode()) | set(_FW_DIGITS[0].encode()[:-1])
     | set(b" \t\r\n\f\v-.&#;xXu\\") | set("\u00a0\u3000\u2002\u2003\u2009\u202f\u2010\u2011"
                                          "\u2012\u2013\u2014\u2212".encode())) - set(_FW_LAST)))
_LOOSE = bytes.maketrans(b"0123456789" + _FW_LAST, b"0" * 20)
_SIXTEEN = b"0" * 16
_ALL_DIGITS = b"0123456789" + _FW_LAST
_JSON_ESCAPE = re.compile(rb"\\u([0-9a-fA-F]{4})")
_TAG_BYTES = re.compile(rb"<[^<>]*>")
# (lower-case names: every page is written by the templates, Python-Markdown and nh3, which
# write tags in lower case; the full scan's visible text ignores case)
# Only tags right after a digit matter (a digit-led pattern: most "<" are never looked at).
_INLINE_BYTES = re.compile(
    rb"([0-9\x90-\x99])(?:<(?:/?(?:" + b"|".join(t.encode() for t in personal.INLINE_TAGS + ("br",))
    + rb")\b[^<>]*|!--.*?--)>)+", re.S)


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
    """False when ``data`` cannot show a reader 16 digits in a row (see ``_DELETE``)."""
    if b"\\u" in data:  # JSON escapes (\u200b inside a number, or escaped digits)
        data = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)).encode(), data)
    if b"<" in data:
        if len(data) - len(data.translate(None, _ALL_DIGITS)) < 16:
            return False  # fewer than 16 digits in all
        # inline tags vanish from what a reader sees (4101<b>2219…), other tags still
        # separate (their "<" and ">" stop a run)
        if b"&lt;" in data or b"&#60;" in data:  # markup escaped inside markup (a feed)
            data = data.replace(b"&lt;", b"<").replace(b"&gt;", b">").replace(
                b"&#60;", b"<").replace(b"&#62;", b">")
        data = _INLINE_BYTES.sub(rb"\1", data)
    return _SIXTEEN in data.translate(_LOOSE, _DELETE)


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


def walk(root: Path, skip: set[str], skip_dirs: set[str] = frozenset()) -> list[Path]:  # type: ignore[assignment]
    """Every file below ``root`` (no links followed) except those whose path relative to
    ``root`` is in ``skip`` or below a folder in ``skip_dirs`` — the guard's list of what
    was not scanned before, so that a new kind of output is covered without anyone adding
    it here."""
    out: list[Path] = []
    stack = [("", str(root))]
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
