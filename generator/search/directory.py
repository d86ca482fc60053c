"""The bundle directory: which search bundles can hold a query, so that the search page
fetches only those (templates/static/search.js ``candidates``).

For every bundle the directory lists its **keys**: each word the exact-match check of
search.js (``tokens``) can see in its documents, and each pair of neighbouring words
("王 红"), normalised as search.js normalises (separators and the copies' markers removed,
full-width letters and digits as ASCII, lower case). A query word of one token needs its
key; a longer word needs every pair of its neighbouring tokens: a bundle that lacks one
cannot hold the word. The keys here are a superset of what search.js pairs up (they ignore
its breaks at lines and masked ID numbers), so the directory may offer a bundle that holds
no exact match, never leave one out.

Written per county at ``<county>/search/dir/`` and for the city at ``search/dir/``:

``meta.json``  ``{"format", "bundles": [bundle paths], "buckets": N, "filters": {name: {value: ranges}}}``
``<i>.txt``    bucket i (CRC-32 of the key's UTF-8, modulo N): one ``key<TAB>,ranges,`` line
               per key, sorted; ``ranges`` the bundles' numbers ("0-3,7"). The commas keep the
               digits of a key, its bundle numbers and the next line's key apart for a reader
               (and the leak guard), who would otherwise see one long number across the lines.
"""

from __future__ import annotations

import html
import json
import logging
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator import personal
from generator.publish.write import OutputWriter

log = logging.getLogger(__name__)

FORMAT = 2  # 2: commas around a bucket line's ranges
DIR = "search/dir"  # below a county folder, and below the city root
# the size of a bucket file the bucket count aims at (estimated from the keys; the files come
# out about half of it): a query fetches a few buckets, a build writes every one
BUCKET_BYTES = 16384
FILTER = "\x01"  # a key line of a bundle's key set that is a filter value ("\x01村:李楼村")

_TAG = re.compile(r"<[^>]*>")
_HEAD = re.compile(r"<head>.*?</head>", re.S)
_COPY = re.compile(r"〔([^〔〕]*)〕")
_FILTER = re.compile(r'data-pagefind-filter="([^"]*)"')
# search.js SEP (without the whitespace, which splits words) and the copies' markers
# 〔〕〖〗 and GAP/LINE, all removed from a word; full-width letters and digits as ASCII
_DROP = """·・•．.,，、;；:：!！?？"'“”‘’()（）【】〔〕〖〗《》-—_/\\|\u2063\u2064"""
_DROP_RE = re.compile("[" + re.escape(_DROP) + "]+")
_WIDE = re.compile("[０-９Ａ-Ｚａ-ｚ]")
_NARROW = {c: c - 0xFEE0 for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                   *range(0xFF41, 0xFF5B))}


def words_of(text: str) -> list[str]:
    """The words of a fragment's text as search.js ``tokens`` compares them (without its
    breaks); a word that is nothing but separators is left out, as search.js skips it."""
    # (str.split() drops the empty words)
    text = _DROP_RE.sub("", text)
    if _WIDE.search(text):
        text = text.translate(_NARROW)
    return text.lower().split()


def text_keys(text: str, keys: set[str]) -> None:
    """Add the keys of ``text`` (words, pairs and triples of neighbouring words) to ``keys``."""
    words = words_of(text)
    keys.update(words)
    keys.update(map(" ".join, set(zip(words, words[1:], strict=False))))
    keys.update(map(" ".join, set(zip(words, words[1:], words[2:], strict=False))))


def search_keys(docs: Iterable[tuple[str, bytes]]) -> set[str]:
    """The keys of a village's index-only search documents, and their filter values
    (``FILTER`` + "name:value"). The documents' texts are read as one (a pair across two
    documents is one key more, never one less)."""
    text = "\n".join(data.decode("utf-8") for _path, data in docs)
    keys = {FILTER + html.unescape(f).replace("\n", " ") for f in set(_FILTER.findall(text))}
    text = html.unescape(_TAG.sub("", _HEAD.sub("", text)))
    # a name's or title's 〔…〕 copy: the whole field, "〔王 红 梅〕" (no query key has 〔)
    keys.update("〔" + " ".join(words_of(c)) + "〕" for c in set(_COPY.findall(text)))
    text_keys(text, keys)
    return keys


def pack_keys(keys: Iterable[str]) -> bytes:
    """Keys as cached, in no particular order (the directory sorts them, ``_bucket_lines``),
    without those in which the leak guard reads a full ID or card number
    (``personal.holds_number``): the normalisation above joins what a page shows apart
    (``41012219850"2030012``, ``410122,19850315,0024``), and the directory must not publish
    what the pages do not show. It never lists such a key, so a search for one finds nothing."""
    # (len: most keys are a few characters, and no number is shorter than 16)
    return "\n".join([k for k in keys if len(k) < 16 or not personal.holds_number(k)]).encode("utf-8")


def unpack_keys(data: bytes) -> list[str]:
    return data.decode("utf-8").split("\n") if data else []


def bucket_hash(key: str) -> int:
    """CRC-32 of the key's UTF-8 (search.js ``crc32``): computed in C here, a few lines there."""
    return zlib.crc32(key.encode("utf-8"))


def ranges(numbers: Sequence[int]) -> str:
    """Sorted bundle numbers as "0-3,7"."""
    if len(numbers) == 1:  # most keys
        return str(numbers[0])
    out: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}-{numbers[j]}")
        i = j + 1
    return ",".join(out)


def parse_ranges(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        if not part:  # the commas around a bucket line's ranges
            continue
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def _mask_ranges(mask: int) -> str:
    """A bit mask of bundle numbers as ``ranges``."""
    return ranges([i for i in range(mask.bit_length()) if mask >> i & 1])


def _key_bytes(where: Iterable[str]) -> int:
    """About the UTF-8 size of the keys' lines: all the bucket count depends on."""
    return sum(len(k) * 3 + 4 for k in where)


def _bucket_count(total: int) -> int:
    n = 1
    while n * BUCKET_BYTES < total:
        n *= 2
    return n


def directory_files(bundles: Sequence[str], where: dict[str, int],
                    filters: dict[str, dict[str, int]]) -> list[tuple[str, bytes]]:
    """The directory's files (names relative to its folder): ``where`` maps each key to its
    bundles (a bit mask: bit i for bundle i), ``filters`` each filter name and value to theirs."""
    return _files(bundles, where, filters, _bucket_count(_key_bytes(where)))


def _files(bundles: Sequence[str], where: dict[str, int], filters: dict[str, dict[str, int]],
           n: int) -> list[tuple[str, bytes]]:
    lines = _bucket_lines(where, n, {})
    return [_meta_file(bundles, n, filters)] + [
        (f"{i}.txt", "".join(lines.get(i, ())).encode("utf-8")) for i in range(n)]


def _bucket_lines(where: dict[str, int], n: int, shown: dict[int, str]) -> dict[int, list[str]]:
    """Each bucket's lines (of ``n`` buckets), keys sorted: the lines of ``sorted(where)``, each
    in bucket CRC-32 mod ``n``. A county has hundreds of thousands of keys and few distinct
    masks (whose ranges ``shown`` keeps): the keys are put in their buckets first and each
    bucket is sorted on its own, which is the same order (tests/test_search_directory.py)
    and a third less time than sorting them all and formatting line by line."""
    crc = zlib.crc32
    last = n - 1
    buckets: dict[int, list[str]] = {}
    for k in where:
        buckets.setdefault(crc(k.encode("utf-8")) & last, []).append(k)
    tails: dict[int, str] = {}
    for mask in set(where.values()):
        r = shown.get(mask)
        if r is None:
            r = shown[mask] = _mask_ranges(mask)
        tails[mask] = f"\t,{r},\n"
    for keys in buckets.values():
        keys.sort()
    return {i: [k + tails[where[k]] for k in keys] for i, keys in buckets.items()}


def _meta_file(bundles: Sequence[str], n: int, filters: dict[str, dict[str, int]]
               ) -> tuple[str, bytes]:
    meta = {"format": FORMAT, "bundles": list(bundles), "buckets": n,
            "filters": {name: {v: _mask_ranges(m) for v, m in sorted(values.items())}
                        for name, values in sorted(filters.items())}}
    return "meta.json", (json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n").encode()


def county_directory(bundles: Sequence[str], keysets: Sequence[Iterable[str]]) -> list[tuple[str, bytes]]:
    """A county's directory from each bundle's keys (``search_keys`` of its villages)."""
    where, filters = _county_keys(keysets)
    return directory_files(bundles, where, filters)


def _county_keys(keysets: Sequence[Iterable[str]]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """(key → its bundles' mask, filter name → value → mask) of a county's bundles."""
    where: dict[str, int] = {}
    filters: dict[str, dict[str, int]] = {}
    get = where.get
    for i, keys in enumerate(keysets):
        bit = 1 << i
        for k in keys:
            where[k] = get(k, 0) | bit
    for k in [k for k in where if k.startswith(FILTER) or not k]:
        mask = where.pop(k)
        if k:
            _set_filter(filters, k, mask)
    return where, filters


def _set_filter(filters: dict[str, dict[str, int]], key: str, mask: int) -> None:
    """Record filter key ``key`` ("\x01name:value") as held by the bundles of ``mask`` (none: 0)."""
    name, _, value = key[1:].partition(":")
    if mask:
        filters.setdefault(name, {})[value] = mask
    elif name in filters:
        filters[name].pop(value, None)
        if not filters[name]:
            del filters[name]


@dataclass(frozen=True)
class Snapshot:
    """A county directory as the build cache keeps it beside its files, so that the next
    build can rewrite only the buckets whose keys changed (``update_county``)."""

    bundles: tuple[str, ...]
    keys: tuple[bytes, ...]  # each bundle's keys (``pack_keys``)
    buckets: int
    size: int  # ``_key_bytes`` of its keys: what the bucket count follows
    filters: dict[str, dict[str, int]]


def build_county(bundles: Sequence[str], packed: Sequence[bytes]
                 ) -> tuple[list[tuple[str, bytes]], Snapshot]:
    """``county_directory`` of the bundles' packed keys, and its snapshot."""
    where, filters = _county_keys([unpack_keys(p) for p in packed])
    size = _key_bytes(where)
    n = _bucket_count(size)
    return _files(bundles, where, filters, n), Snapshot(tuple(bundles), tuple(packed), n, size, filters)


def update_county(old: Snapshot, folder: Path, bundles: Sequence[str], packed: Sequence[bytes]
                  ) -> tuple[list[tuple[str, bytes | None]], Snapshot] | None:
    """The directory of ``build_county(bundles, packed)`` made from ``old`` (whose files are in
    ``folder``) by changing only what the changed bundles' keys touch: the files, None for
    each that is the same as in ``folder``, and the new snapshot. None when it cannot be
    (other bundles, another bucket count, a file of ``folder`` unreadable): build it whole.
    tests/test_search_directory.py checks it against ``build_county``."""
    if tuple(bundles) != old.bundles:
        return None
    n = old.buckets
    # key → (bundles it left, bundles it joined)
    moved: dict[str, list[int]] = {}
    for i, (before, now) in enumerate(zip(old.keys, packed, strict=True)):
        if before == now:
            continue
        a, b = set(unpack_keys(before)), set(unpack_keys(now))
        bit = 1 << i
        for k in a - b:
            moved.setdefault(k, [0, 0])[0] |= bit
        for k in b - a:
            moved.setdefault(k, [0, 0])[1] |= bit
    filters = {name: dict(values) for name, values in old.filters.items()}
    touched: dict[int, list[str]] = {}
    last = n - 1
    for k in moved:
        if k.startswith(FILTER):
            gone, came = moved[k]
            _set_filter(filters, k, (_filter_mask(old.filters, k) & ~gone) | came)
        elif k:
            touched.setdefault(zlib.crc32(k.encode("utf-8")) & last, []).append(k)
    size = old.size
    rewritten: dict[int, dict[str, int]] = {}
    try:
        for b, keys in touched.items():
            where = _read_bucket(folder / f"{b}.txt")
            for k in keys:
                gone, came = moved[k]
                before = where.get(k, 0)
                mask = (before & ~gone) | came
                if mask:
                    where[k] = mask
                else:
                    where.pop(k, None)
                if bool(before) != bool(mask):
                    size += (len(k) * 3 + 4) * (1 if mask else -1)
            rewritten[b] = where
        if not all((folder / f"{i}.txt").is_file() for i in range(n) if i not in rewritten):
            return None
    except (OSError, ValueError):
        return None
    if _bucket_count(size) != n:
        return None
    shown: dict[int, str] = {}
    files: list[tuple[str, bytes | None]] = [_meta_file(bundles, n, filters)]
    for i in range(n):
        where = rewritten.get(i)
        files.append((f"{i}.txt", None if where is None else
                      "".join(_bucket_lines(where, n, shown).get(i, ())).encode("utf-8")))
    return files, Snapshot(old.bundles, tuple(packed), n, size, filters)


def _filter_mask(filters: dict[str, dict[str, int]], key: str) -> int:
    name, _, value = key[1:].partition(":")
    return filters.get(name, {}).get(value, 0)


def _read_bucket(path: Path) -> dict[str, int]:
    """A bucket file's keys and their bundles' masks."""
    where: dict[str, int] = {}
    seen: dict[str, int] = {}
    for line in path.read_text("utf-8").splitlines():
        k, _, r = line.rpartition("\t")
        m = seen.get(r)
        if m is None:
            m = seen[r] = sum(1 << n for n in parse_ranges(r))
        where[k] = m
    return where


def write_directory(writer: OutputWriter, folder: str, files: Sequence[tuple[str, bytes]],
                    previous: Path | None = None) -> None:
    """Write the directory's files under ``folder``. A file whose bytes equal the same file
    below ``previous`` (by default the writer's previous site) is linked from it
    (``OutputWriter.write``): an edit changes few of the thousands of buckets. (The leak
    guard reads every one of them all the same.)"""
    for name, data in files:
        rel = f"{folder}/{name}"
        writer.write(rel, data, previous / rel if previous is not None else None)


def read_directory(folder: Path) -> tuple[dict, dict[str, list[int]]]:
    """A written directory: (meta, key → bundle numbers). OSError/ValueError when it is
    missing or damaged."""
    meta, masks = _read_masks(folder)
    return meta, {k: [i for i in range(m.bit_length()) if m >> i & 1] for k, m in masks.items()}


def _read_masks(folder: Path) -> tuple[dict, dict[str, int]]:
    meta = json.loads((folder / "meta.json").read_bytes())
    where: dict[str, int] = {}
    for i in range(int(meta["buckets"])):
        where.update(_read_bucket(folder / f"{i}.txt"))
    return meta, where


# (function, argument tuples) → the results in order: how ``city_directory`` runs its parts
Mapper = Callable[[Callable[..., object], list[tuple]], list]


def serial(fn: Callable[..., object], args: list[tuple]) -> list:
    return [fn(*a) for a in args]


def city_directory(counties: Sequence[tuple[str, str, Path]], mapper: Mapper = serial,
                   parts_per_run: int = 1) -> list[tuple[str, bytes]]:
    """The city's directory from its counties' ((slug, name, county folder)): bundle
    "<county>/<bundle>", the counties' keys and filters, and a 县 filter. With one county its
    bucket files are the county's own (the same keys and bundle numbers). ``mapper`` runs
    the joining of bucket groups (e.g. in worker processes), ``parts_per_run`` runs at a time."""
    if len(counties) == 1:
        slug, name, folder = counties[0]
        meta = json.loads((folder / DIR / "meta.json").read_bytes())
        meta["bundles"] = [f"{slug}/{b}" for b in meta["bundles"]]
        meta["filters"]["县"] = {name: ranges(list(range(len(meta["bundles"]))))}
        meta["filters"] = dict(sorted(meta["filters"].items()))
        out = [("meta.json", (json.dumps(meta, ensure_ascii=False, sort_keys=True) + "\n").encode())]
        out.extend((f"{i}.txt", (folder / DIR / f"{i}.txt").read_bytes())
                   for i in range(int(meta["buckets"])))
        return out
    bundles: list[str] = []
    filters: dict[str, dict[str, int]] = {}
    parts: list[tuple[Path, int, int]] = []  # (directory folder, its bucket count, first bundle)
    for slug, name, folder in counties:
        meta = json.loads((folder / DIR / "meta.json").read_bytes())
        base = len(bundles)
        parts.append((folder / DIR, int(meta["buckets"]), base))
        bundles.extend(f"{slug}/{b}" for b in meta["bundles"])
        for fname, values in meta["filters"].items():
            f = filters.setdefault(fname, {})
            for v, r in values.items():
                f[v] = f.get(v, 0) | sum(1 << (base + n) for n in parse_ranges(r))
        filters.setdefault("县", {})[name] = sum(1 << n for n in range(base, len(bundles)))
    # The keys are joined one group at a time, not all at once (16 counties hold millions of
    # keys): group i holds the keys whose CRC-32 ends in i (i < m, the counties' largest
    # bucket count), read from each county's bucket i mod its bucket count. The city's
    # bucket count comes out at least m (it has at least each county's keys), so each city
    # bucket lies within one group. Same files as joining every key first
    # (tests/test_search_directory.py). The groups are independent: ``mapper`` may join
    # them side by side, in runs of consecutive groups.
    m = max(n for _f, n, _b in parts)
    step = -(-m // max(1, parts_per_run))
    runs = [range(a, min(a + step, m)) for a in range(0, m, step)]
    sizes = [b for part in mapper(_group_sizes, [(parts, m, r) for r in runs]) for b in part]
    n_city = max(m, _bucket_count(sum(sizes)))
    files: dict[int, bytes] = {}
    for part in mapper(_group_files, [(parts, m, n_city, r) for r in runs]):
        files.update(part)
    return [_meta_file(bundles, n_city, filters)] + [(f"{j}.txt", files[j]) for j in range(n_city)]


def _group(parts: Sequence[tuple[Path, int, int]], m: int, i: int) -> dict[str, int]:
    """The city's keys of bucket group ``i`` (see ``city_directory``), with their bundles."""
    where: dict[str, int] = {}
    get = where.get
    seen: dict[tuple[str, int], int] = {}
    for folder, n, base in parts:
        for line in (folder / f"{i & (n - 1)}.txt").read_text("utf-8").splitlines():
            k, _, r = line.rpartition("\t")
            if n < m and zlib.crc32(k.encode("utf-8")) & (m - 1) != i:
                continue
            mask = seen.get((r, base))
            if mask is None:
                mask = seen[(r, base)] = sum(1 << n for n in parse_ranges(r)) << base
            where[k] = get(k, 0) | mask
    return where


def _group_sizes(parts: Sequence[tuple[Path, int, int]], m: int, groups: range) -> list[int]:
    return [_key_bytes(_group(parts, m, i)) for i in groups]


def _group_files(parts: Sequence[tuple[Path, int, int]], m: int, n_city: int,
                 groups: range) -> dict[int, bytes]:
    """The city's bucket files of ``groups`` (of ``m``): group i holds buckets i, i + m …"""
    shown: dict[int, str] = {}
    files: dict[int, bytes] = {}
    for i in groups:
        lines = _bucket_lines(_group(parts, m, i), n_city, shown)
        for j in range(i, n_city, m):
            files[j] = "".join(lines.get(j, ())).encode("utf-8")
    return files
