"""The build's last step: no published file may contain a full ID number.

Scans every output file — HTML, downloads, feeds and the decompressed
Pagefind index — for any 18-character ID with a valid check digit, and for
the exact ID values of the input (compared by hash).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.read.values import find_full_ids, id_check_digit, mask_id

log = logging.getLogger(__name__)

_CANDIDATE = re.compile(r"(?<![0-9])([0-9]{17})([0-9Xx])?(?![0-9])")
# Pagefind's Chinese segmenter writes U+200B between "words" (e.g. before an ID's
# final X); other zero-width characters could hide an ID the same way.
_HIDERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = re.compile(f"[{_HIDERS}]")
_FULL_WIDTH_DIGITS = "０１２３４５６７８９"  # UTF-8: EF BC 90 … EF BC 99
# Byte-level prechecks (UTF-8). Every digit is mapped to "0" (bytes.translate), so a run of
# 17 digits is a run of 17 "0" (ten times faster than a [0-9]{17} regex, which tries every
# position).
_DIGITS_TO_ZERO = bytes.maketrans(b"0123456789", b"0000000000")
_SEVENTEEN = b"0" * 17
# The loose test: every byte of a zero-width character and the two lead bytes of a
# full-width digit deleted, its last byte (0x90-0x99) read as a digit. An ID hidden by
# those characters becomes a run of 17 "0" too; other text only rarely does (then the
# exact test below decides). One translate pass instead of a regex over every byte.
_FW_LEAD = _FULL_WIDTH_DIGITS[0].encode()[:-1]  # the bytes every full-width digit starts with
_FW_LAST = bytes(c.encode()[-1] for c in _FULL_WIDTH_DIGITS)  # its own last byte
_HIDING_BYTES = bytes(sorted(set(_HIDERS.encode()) | set(_FW_LEAD)))
_LOOSE_DIGITS = bytes.maketrans(b"0123456789" + _FW_LAST, b"0" * 20)
_ZERO_WIDTH_BYTES = re.compile(b"|".join(re.escape(c.encode()) for c in _HIDERS))
_FULL_WIDTH_DIGIT = re.compile(re.escape(_FW_LEAD) + b"[" + re.escape(_FW_LAST) + b"]")
_SUSPECT = re.compile(_ZERO_WIDTH_BYTES.pattern + b"|" + _FULL_WIDTH_DIGIT.pattern)
TEXT_SUFFIXES = {".html", ".json", ".csv", ".xml", ".txt", ".js", ".atom", ".svg", ".css"}
PAGEFIND_SUFFIXES = {".pf_fragment", ".pf_index", ".pf_meta", ".pf_filter"}


def id_hash(idno: str) -> str:
    return hashlib.sha256(idno.upper().encode()).hexdigest()


@dataclass(frozen=True)
class Leak:
    file: str
    masked: str  # the ID, masked, for the message
    source: str  # where the ID came from in the input, when known


def _decode(path: Path, data: bytes) -> bytes:
    if path.suffix in PAGEFIND_SUFFIXES or data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return data
    return data


def might_hold_id(data: bytes) -> bool:
    """False when ``data`` cannot hold an ID: no run of 17 digits, not even once zero-width
    characters are dropped and full-width digits read as digits (the cheap test run on every
    output file; the full scan decodes the text and runs the ID patterns)."""
    if _SEVENTEEN not in data.translate(_LOOSE_DIGITS, _HIDING_BYTES):
        return False  # the usual answer, in one pass
    if _SEVENTEEN in data.translate(_DIGITS_TO_ZERO):
        return True
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0  # a CSV's BOM hides nothing
    if _SUSPECT.search(data, start) is None:
        return False
    # Pagefind writes U+200B between the words of Chinese text: drop it (a fast byte
    # replace) before the slower pattern for the other hiding characters
    cleaned = data.replace(b"\xe2\x80\x8b", b"")
    if _SUSPECT.search(cleaned) is not None:
        cleaned = _FULL_WIDTH_DIGIT.sub(b"0", _ZERO_WIDTH_BYTES.sub(b"", cleaned))
    return _SEVENTEEN in cleaned.translate(_DIGITS_TO_ZERO)


def scan_bytes(data: bytes, secret_hashes: frozenset[str]) -> list[str]:
    """Full IDs in ``data``: any with a valid check digit, and any input ID (by hash) —
    the latter also as its first 17 digits alone (the check digit can be computed)."""
    if not might_hold_id(data):
        return []
    found = []
    text = _ZERO_WIDTH.sub("", data.decode("utf-8", "replace"))
    found.extend(find_full_ids(text))
    if secret_hashes:
        for m in _CANDIDATE.finditer(text):
            first17, last = m.group(1), m.group(2)
            s = first17 + (last or id_check_digit(first17))
            if id_hash(s) in secret_hashes:
                found.append(s)
    return found


def scan_many(items: Iterable[tuple[str, bytes]], secret_hashes: frozenset[str]
              ) -> list[tuple[str, str]]:
    """(name, ID) for every full ID in the (name, data) items. The cheap test runs once over
    all of them (a village's ~100 pages), the full scan only on the items when it fires."""
    items = list(items)
    bom = b"\xef\xbb\xbf"
    joined = b"\n".join(d[3:] if d.startswith(bom) else d for _, d in items)  # a CSV's BOM
    if not might_hold_id(joined):  # no digit run crosses the "\n" between two items
        return []
    return [(name, s) for name, d in items for s in dict.fromkeys(scan_bytes(d, secret_hashes))]


def scan_file(path: Path, secret_hashes: frozenset[str]) -> list[str]:
    """Full IDs in one file about to be published (text-like files and Pagefind's)."""
    if not (path.suffix.lower() in TEXT_SUFFIXES or path.suffix in PAGEFIND_SUFFIXES):
        return []
    return scan_bytes(_decode(path, path.read_bytes()), secret_hashes)


def scan_tree(root: Path, files: Iterable[Path], secret_hashes: frozenset[str],
              sources: dict[str, str] | None = None) -> list[Leak]:
    items = [(p.relative_to(root).as_posix(), _decode(p, p.read_bytes())) for p in files
             if p.suffix in TEXT_SUFFIXES or p.suffix in PAGEFIND_SUFFIXES]
    return [Leak(rel, mask_id(s), (sources or {}).get(id_hash(s), ""))
            for rel, s in scan_many(items, secret_hashes)]
