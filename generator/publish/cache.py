"""The build cache: what earlier builds made, reused when its inputs are the same.

It lives beside ``--out`` (``site/`` → ``.site.cache/``) and holds two kinds of entries, each in
a folder named by its key (the ``fingerprint`` of the build first, so other code, templates,
libraries or Pagefind never reuse an entry; see ``generator.publish.fingerprint``):

``villages/<county>/<township>/<village>/<key>/``
    one village's output: ``files/<i>`` is output path ``manifest[i]`` (pages, downloads,
    attachments), ``search.pickle`` its index-only search documents, ``county.pickle`` its
    shares of the county-wide CSVs, ``meta.pickle`` (outcome, manifest).
``search/<county>/<bundle>/<key>/``
    one Pagefind bundle, as written into ``<county>/pagefind/<bundle>/``.
``directory/<county>/``
    the county's bundle directory as last written (``files/``) and ``snapshot.pickle``
    (fingerprint, ``search.directory.Snapshot``): the next build rewrites only the buckets
    whose keys changed.

Only the newest entry of each village and bundle is kept. Paths inside entries are relative to
the cache folder, so the project, the output and its cache can be moved together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import pickle
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from generator.model.records import County, Township
from generator.publish.write import OutputWriter, write_bytes
from generator.read.load import VillageSource
from generator.search.directory import Snapshot

log = logging.getLogger(__name__)

SEARCH_DOCS = "search.pickle"  # in a village's entry: [(path, index-only HTML), …]
SEARCH_KEYS = "search.keys"  # in a village's entry: its bundle-directory keys (search.directory)
COUNTY_PARTS = "county.pickle"  # in a village's entry: opendata.county_parts, {name: bytes}
LEDGER_RECORDS = "ledger.pickle"  # in a village's entry: its published records and seed
META = "meta.pickle"  # in a village's entry: (outcome, manifest)
BUNDLE_DONE = "pagefind-entry.json"  # a search bundle's entry is complete when this exists
SNAPSHOT = "snapshot.pickle"  # in a county's directory entry: (fingerprint, Snapshot)


def cache_dir(out: Path) -> Path:
    out = out.absolute()
    return out.parent / f".{out.name}.cache"


# ----------------------------------------------------------------------------- village keys
def model_digest(county: County, town: Township) -> bytes:
    """What a village's key takes from the county and township models (their settings and
    names are on its pages): computed once per township, where the tasks are made."""
    return hashlib.sha256(pickle.dumps((county, town), protocol=4)).digest()


def input_files(root: str) -> list[tuple[str, str]]:
    """(path relative to ``root``, path) of every file and symbolic link below ``root`` (not
    into linked folders), in path order: os.scandir, with plain strings — a key is computed
    for every village of every build, and pathlib's objects cost more than the hashing."""
    out: list[tuple[str, str]] = []
    stack = [("", root)]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append((f"{rel}{e.name}/", e.path))
                elif e.is_symlink() or e.is_file():
                    out.append((f"{rel}{e.name}", e.path))
    out.sort(key=lambda f: f[0].split("/"))
    return out


def village_key(src: VillageSource, model: bytes, as_of: dt.date, fingerprint: str) -> str:
    """The cache key of a village's results: the build fingerprint (code, templates, libraries,
    the county's theme), the date, the county and township settings (``model_digest``), and
    the name and bytes of every file in its folder."""
    h = hashlib.sha256()
    h.update(f"{fingerprint}\0{as_of.isoformat()}\0".encode())
    h.update(model)
    for rel, path in input_files(str(src.path)):
        h.update(rel.encode() + b"\0")
        try:
            with open(path, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
        except OSError:
            h.update(b"unreadable")
    return h.hexdigest()


# ----------------------------------------------------------------------------- village entries
def village_entry(src: VillageSource, key: str) -> str:
    """A village's entry, relative to the cache folder."""
    return f"villages/{src.county}/{src.township}/{src.slug}/{key}"


def has_village(cache: Path, entry: str) -> bool:
    return (cache / entry / META).is_file()


def restore_village(cache: Path, entry: str, staging: Path) -> Any | None:
    """The outcome stored in a village's entry, its files linked into ``staging``; None when
    there is no (readable) entry — a broken one is removed."""
    folder = cache / entry
    meta = folder / META
    if not meta.is_file():
        return None
    try:
        outcome, manifest = pickle.loads(meta.read_bytes())
        _link_entry(folder, manifest, staging)
        return outcome
    except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
        shutil.rmtree(folder, ignore_errors=True)
        return None


def store_village(cache: Path, entry: str, staging: Path, outcome: object,
                  pages: Sequence[tuple[str, bytes]], attachments: Sequence[tuple[str, bytes]],
                  docs: list[tuple[str, bytes]], county_parts: dict[str, bytes],
                  ledger: bytes = b"", keys: bytes = b"") -> None:
    """Write a village's entry (replacing its older ones) and link its files into staging."""
    folder = cache / entry
    tmp = folder.with_name(folder.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    # the entry's files are numbered in manifest order, all in one folder: a village's
    # output has a dozen folders, and making a folder costs more than writing a page
    (tmp / "files").mkdir(parents=True)
    cw = OutputWriter(tmp / "files")
    for i, (_path, data) in enumerate(pages):
        cw.write(str(i), data)
    for i, (_rel, data) in enumerate(attachments, len(pages)):
        cw.write(str(i), data)  # a copy made from the checked bytes, never a link to the clerk's file
    write_bytes(tmp / SEARCH_DOCS, pickle.dumps(docs, protocol=4))
    write_bytes(tmp / SEARCH_KEYS, keys)
    write_bytes(tmp / COUNTY_PARTS, pickle.dumps(county_parts, protocol=4))
    write_bytes(tmp / LEDGER_RECORDS, ledger)
    manifest = [path for path, _ in pages] + [rel for rel, _ in attachments]
    write_bytes(tmp / META, pickle.dumps((outcome, manifest), protocol=4))
    for old in folder.parent.glob("*"):
        if old != tmp:
            shutil.rmtree(old, ignore_errors=True)
    os.rename(tmp, folder)
    _link_entry(folder, manifest, staging)


def _link_entry(entry: Path, manifest: list[str], staging: Path) -> None:
    """Hard-link a village's cached files into staging: file ``files/<i>`` of the entry is
    the output path ``manifest[i]``."""
    writer = OutputWriter(staging)
    files = f"{entry}/files/"
    for i, rel in enumerate(manifest):
        writer.link_or_copy(rel, f"{files}{i}")


def search_docs_file(entry: str) -> str:
    """A village's search documents (``load_search_docs``), relative to the cache folder."""
    return f"{entry}/{SEARCH_DOCS}"


def ledger_file(entry: str) -> str:
    """A village's records for the change log (``ledger.log.prepare``), relative to the cache."""
    return f"{entry}/{LEDGER_RECORDS}"


def county_parts_file(entry: str) -> str:
    """A village's shares of the county-wide CSVs, relative to the cache folder."""
    return f"{entry}/{COUNTY_PARTS}"


def load_search_keys(cache: Path, docs_rel: str) -> bytes:
    """The keys stored next to a village's search documents (``search_docs_file``).
    Raises OSError when the file is gone."""
    return (cache / docs_rel).with_name(SEARCH_KEYS).read_bytes()


def load_search_docs(cache: Path, rel: str) -> list[tuple[str, bytes]]:
    """Raises OSError or pickle errors when the file is gone or damaged."""
    return pickle.loads((cache / rel).read_bytes())


# ----------------------------------------------------------------------------- search bundles
def bundle_key(fingerprint: str, digests: Iterable[str]) -> str:
    """A search bundle's key: the build fingerprint (indexer code, Pagefind's version …) and
    the digests of its villages' search documents."""
    return hashlib.sha256((fingerprint + "\0" + "\0".join(sorted(digests))).encode()).hexdigest()


def bundle_entry(cache: Path, county: str, name: str, key: str) -> Path:
    return cache / "search" / county / name / key


def bundle_keys_file(entry: Path) -> Path:
    """A bundle's directory keys, beside its entry (not published with it)."""
    return entry.with_name(entry.name + ".keys")


def restore_bundle(entry: Path, target: Path) -> bytes | None:
    """Link a cached bundle into ``target`` and return its directory keys; None when there
    is none."""
    if not (entry / BUNDLE_DONE).is_file():
        return None
    try:
        keys = bundle_keys_file(entry).read_bytes()
    except OSError:
        return None
    link_tree(entry, target)
    return keys


def store_bundle(target: Path, entry: Path, keys: bytes = b"") -> None:
    """Keep a freshly built bundle (``target``) and its directory keys as the only entry of
    its name."""
    tmp = entry.with_name(entry.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    link_tree(target, tmp)
    if entry.parent.is_dir():
        for old in entry.parent.iterdir():
            if old == tmp:
                continue
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:  # an older entry's keys
                old.unlink(missing_ok=True)
    os.rename(tmp, entry)
    write_bytes(bundle_keys_file(entry), keys)


def link_tree(src: Path, dst: Path) -> None:
    """Hard-link every file of ``src`` into ``dst`` (copy where links are impossible)."""
    stack = [(str(src), str(dst))]
    while stack:
        s, d = stack.pop()
        os.makedirs(d, exist_ok=True)
        with os.scandir(s) as it:
            for e in it:
                t = f"{d}/{e.name}"
                if e.is_dir(follow_symlinks=False):
                    stack.append((e.path, t))
                else:
                    try:
                        os.link(e.path, t)
                    except OSError:
                        shutil.copyfile(e.path, t)


# ----------------------------------------------------------------------------- bundle directories
def directory_entry(cache: Path, county: str) -> Path:
    return cache / "directory" / county


def load_directory(entry: Path, fingerprint: str) -> Snapshot | None:
    """The snapshot of the county's directory as the last build with this fingerprint wrote
    it (its files in ``entry / "files"``); None when there is none or it is unreadable."""
    try:
        made_by, snapshot = pickle.loads((entry / SNAPSHOT).read_bytes())
    except (OSError, pickle.PickleError, EOFError, AttributeError, TypeError, ValueError):
        return None
    return snapshot if made_by == fingerprint and isinstance(snapshot, Snapshot) else None


def store_directory(entry: Path, fingerprint: str, snapshot: Snapshot, written: Path) -> None:
    """Keep the directory just written to ``written`` (linked) and its snapshot, in place of
    the entry's older one. Only a shortcut for the next build: when it cannot be kept (a full
    disk, a file held open on Windows) there is none, and the next build makes the directory
    whole."""
    tmp = entry.with_name(entry.name + f".tmp{os.getpid()}")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        link_tree(written, tmp / "files")
        write_bytes(tmp / SNAPSHOT, pickle.dumps((fingerprint, snapshot), protocol=4))
        shutil.rmtree(entry, ignore_errors=True)
        os.rename(tmp, entry)
    except OSError as e:
        log.debug("county directory not kept in the cache (%s): %s", entry, e)
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(entry, ignore_errors=True)
