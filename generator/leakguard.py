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

from .values import find_full_ids, mask_id

log = logging.getLogger(__name__)

_CANDIDATE = re.compile(rb"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
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


def scan_bytes(data: bytes, secret_hashes: frozenset[str]) -> list[str]:
    found = []
    text = data.decode("utf-8", "replace")
    found.extend(find_full_ids(text))
    if secret_hashes:
        for m in _CANDIDATE.finditer(data):
            s = m.group().decode()
            if id_hash(s) in secret_hashes:
                found.append(s)
    return found


def scan_tree(root: Path, files: Iterable[Path], secret_hashes: frozenset[str],
              sources: dict[str, str] | None = None) -> list[Leak]:
    leaks = []
    for p in files:
        if not (p.suffix in TEXT_SUFFIXES or p.suffix in PAGEFIND_SUFFIXES):
            continue
        data = _decode(p, p.read_bytes())
        for s in dict.fromkeys(scan_bytes(data, secret_hashes)):
            leaks.append(Leak(p.relative_to(root).as_posix(), mask_id(s),
                              (sources or {}).get(id_hash(s), "")))
    return leaks
