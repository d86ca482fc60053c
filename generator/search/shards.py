"""How a township's villages are split into Pagefind bundles, and what goes into one.

Each county has one search bundle per township (``<county>/pagefind/<bundle>/``); a township
with much text gets several, so that a one-village edit re-indexes only a bounded amount.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from generator.read.load import VillageSource
from generator.search.searchdocs import INDEX_LANG

log = logging.getLogger(__name__)

# Search text per Pagefind bundle: about 1 CPU-second of indexing on the 2-core reference
# machine, which bounds what a one-village edit re-indexes (BENCHMARKS.md).
SHARD_BYTES = 2_000_000


class Indexed(Protocol):
    """What the split needs to know of a processed village."""

    @property
    def source(self) -> VillageSource: ...
    @property
    def totals(self) -> object | None: ...  # None: the village did not build
    @property
    def search_bytes(self) -> int: ...


V = TypeVar("V", bound=Indexed)


def search_shards(town_slug: str, outs: Sequence[V]) -> list[tuple[str, list[V]]]:
    """A township's search bundles as (name, villages) — its villages that built, taken from
    ``outs`` (any villages): one, named after the township, while
    its villages' search documents stay under ``SHARD_BYTES``; otherwise ``ceil(bytes /
    SHARD_BYTES)`` runs of neighbouring villages (by slug) of equal count, named
    ``<township>``, ``<township>.2``, … (``.`` is not allowed in a slug: no clash with a real
    township). Equal counts rather than equal bytes: an edit that makes one village's text
    longer re-indexes its own bundle, not every bundle after it."""
    villages = sorted((o for o in outs if o.source.township == town_slug and o.totals is not None),
                      key=lambda o: o.source.slug)
    total = sum(o.search_bytes for o in villages)
    n = max(1, min(len(villages), -(-total // SHARD_BYTES)))
    shards: list[tuple[str, list[V]]] = []
    start = 0
    for k in range(n):
        size = len(villages) // n + (1 if k < len(villages) % n else 0)
        shards.append((town_slug if k == 0 else f"{town_slug}.{k + 1}", villages[start:start + size]))
        start += size
    return shards


def bundle_documents(county_slug: str, name: str,
                     village_docs: Iterable[list[tuple[str, bytes]]]) -> list[tuple[str, bytes]]:
    """The documents of bundle ``name``: its villages' index-only documents with paths
    relative to the county folder; a township without villages still gets an (empty) bundle."""
    prefix = f"{county_slug}/"
    docs = [(path.removeprefix(prefix), data) for vd in village_docs for path, data in vd]
    if not docs:
        docs.append((f"{name.partition('.')[0]}/index.html",
                     f'<!doctype html><html lang="{INDEX_LANG}"><body></body></html>'.encode()))
    return docs
