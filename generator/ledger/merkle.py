"""RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs.

Leaves are hashed ``SHA-256(0x00 || data)``, interior nodes ``SHA-256(0x01 || left || right)``,
a tree of n > 1 leaves splits at the largest power of two below n, and the empty tree's
head is ``SHA-256("")`` (RFC 9162 §2.1.1). Proof generation follows §2.1.3.1 / §2.1.4.1,
verification §2.1.3.2 / §2.1.4.2. ``CompactRange`` appends leaves with only the
O(log n) roots of the tree's perfect subtrees, which is all a build needs to extend the log.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

log = logging.getLogger(__name__)

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size), left to right, each
    with its size (a power of two, decreasing): appending a leaf merges equal neighbours."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        sizes = [1 << b for b in range(size.bit_length() - 1, -1, -1) if size >> b & 1]
        if len(sizes) != len(hashes):
            raise ValueError(f"a tree of {size} leaves has {len(sizes)} subtree roots, not {len(hashes)}")
        self.size = size
        self._nodes: list[tuple[int, bytes]] = list(zip(sizes, hashes, strict=True))

    @property
    def hashes(self) -> list[bytes]:
        return [h for _n, h in self._nodes]

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        self._push(1, leaf)

    def _push(self, n: int, h: bytes) -> None:
        """Append the root ``h`` of a perfect subtree of ``n`` leaves (``size`` a multiple of n)."""
        nodes = self._nodes
        self.size += n
        while nodes and nodes[-1][0] == n:
            h = node_hash(nodes.pop()[1], h)
            n *= 2
        nodes.append((n, h))

    def extend(self, leaves: Sequence[bytes]) -> None:
        """``append`` each leaf hash. A first build appends a county's every record (hundreds
        of thousands), so the perfect subtrees that lie within ``leaves`` are hashed a level at
        a time and pushed whole: the same nodes (tests/test_merkle.py checks it against
        ``append``) for a third of the Python calls."""
        i, end = 0, len(leaves)
        while i < end:
            k = (end - i).bit_length() - 1  # the largest subtree the leaves left can fill …
            if self.size:  # … that starts where the tree ends
                k = min(k, (self.size & -self.size).bit_length() - 1)
            n = 1 << k
            self._push(n, _perfect_root(leaves[i:i + n]))
            i += n

    def root(self) -> bytes:
        if not self._nodes:
            return EMPTY_ROOT
        h = self._nodes[-1][1]
        for _n, left in reversed(self._nodes[:-1]):
            h = node_hash(left, h)
        return h


def _perfect_root(level: Sequence[bytes]) -> bytes:
    """The root of a perfect subtree (``len(level)`` a power of two) over leaf hashes."""
    sha256 = hashlib.sha256
    while len(level) > 1:
        level = [sha256(b"\x01" + level[j] + level[j + 1]).digest() for j in range(0, len(level), 2)]
    return level[0]


def root(leaves: Sequence[bytes]) -> bytes:
    """The tree head MTH over ``leaves`` (leaf hashes)."""
    cr = CompactRange()
    cr.extend(leaves)
    return cr.root()


def _mth(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    return root(leaves[lo:hi])


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) of RFC 9162 §2.1.3.1 (``leaves``: leaf hashes)."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of {n}")
    out: list[bytes] = []
    lo, hi, m = 0, n, index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            out.append(_mth(leaves, lo + k, hi))
            hi = lo + k
        else:
            out.append(_mth(leaves, lo, lo + k))
            lo, m = lo + k, m - k
    return out[::-1]


def consistency_proof(leaves: Sequence[bytes], m: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1: the old tree is the first ``m`` leaves."""
    n = len(leaves)
    if not 0 <= m <= n:
        raise ValueError(f"a tree of {m} leaves is not a prefix of one of {n}")
    if m == 0 or m == n:
        return []
    out: list[bytes] = []
    lo, hi, b = 0, n, True
    while True:
        if m == hi - lo:
            if not b:
                out.append(_mth(leaves, lo, hi))
            break
        k = _split(hi - lo)
        if m <= k:
            out.append(_mth(leaves, lo + k, hi))
            hi = lo + k
        else:
            out.append(_mth(leaves, lo, lo + k))
            lo, m, b = lo + k, m - k, False
    return out[::-1]


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes],
                     root_hash: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: the tree of ``size2`` leaves with head ``root2`` extends the tree
    of ``size1`` leaves with head ``root1``."""
    if size1 < 0 or size2 < size1:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # an exact power of two: the old head is a node of the new tree
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0
