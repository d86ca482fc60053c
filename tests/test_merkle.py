"""RFC 6962 / 9162 Merkle tree: the Certificate Transparency test vectors (as published in
transparency-dev/merkle, testonly/constants.go and proof/verify_test.go) and an independent,
naive recursive implementation of the RFC's definitions."""

from __future__ import annotations

import hashlib
import random

import pytest

from generator.ledger import merkle

LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]
ROOTS = [bytes.fromhex(h) for h in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
H = bytes.fromhex
# (leaf index 1-based, tree size, proof)
INCLUSION = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
HASHED = [merkle.leaf_hash(d) for d in LEAVES]


# --- an independent, literal transcription of RFC 9162 §2.1 (recursive, slow) ----------------
def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_mth(data: list[bytes]) -> bytes:
    if not data:
        return hashlib.sha256(b"").digest()
    if len(data) == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = _k(len(data))
    return hashlib.sha256(b"\x01" + naive_mth(data[:k]) + naive_mth(data[k:])).digest()


def naive_path(m: int, data: list[bytes]) -> list[bytes]:
    if len(data) == 1:
        return []
    k = _k(len(data))
    if m < k:
        return naive_path(m, data[:k]) + [naive_mth(data[k:])]
    return naive_path(m - k, data[k:]) + [naive_mth(data[:k])]


def naive_subproof(m: int, data: list[bytes], b: bool) -> list[bytes]:
    n = len(data)
    if m == n:
        return [] if b else [naive_mth(data)]
    k = _k(n)
    if m <= k:
        return naive_subproof(m, data[:k], b) + [naive_mth(data[k:])]
    return naive_subproof(m - k, data[k:], False) + [naive_mth(data[:k])]


def test_tree_heads_match_the_rfc_vectors():
    for n in range(len(LEAVES) + 1):
        assert merkle.root(HASHED[:n]) == ROOTS[n], n


def test_inclusion_vectors():
    for leaf, size, proof in INCLUSION:
        want = [H(p) for p in proof]
        assert merkle.inclusion_proof(HASHED[:size], leaf - 1) == want
        assert merkle.verify_inclusion(HASHED[leaf - 1], leaf - 1, size, want, ROOTS[size])
        assert not merkle.verify_inclusion(HASHED[leaf - 1], leaf, size, want, ROOTS[size])
        bad = list(want)
        bad[0] = bytes([bad[0][0] ^ 8]) + bad[0][1:]
        assert not merkle.verify_inclusion(HASHED[leaf - 1], leaf - 1, size, bad, ROOTS[size])


def test_consistency_vectors_and_corruptions():
    for m, n, proof in CONSISTENCY:
        want = [H(p) for p in proof]
        assert merkle.consistency_proof(HASHED[:n], m) == want
        r1, r2 = ROOTS[m], ROOTS[n]
        assert merkle.verify_consistency(m, n, r1, r2, want)
        probes = [
            (m - 1, n, r1, r2, want), (m + 1, n, r1, r2, want), (m ^ 2, n, r1, r2, want),
            (m, n * 2, r1, r2, want), (m, n // 2, r1, r2, want),
            (m, n, b"WrongRoot", r2, want), (m, n, r1, b"WrongRoot", want), (m, n, r2, r1, want),
            (m, n, r1, r2, []), (m, n, r1, r2, want + [b""]), (m, n, r1, r2, want + [r1]),
            (m, n, r1, r2, want + [r2]), (m, n, r1, r2, [b""] + want), (m, n, r1, r2, [r1] + want),
            (m, n, r1, r2, [r2] + want), (m, n, r1, r2, [want[0]] + want),
            (m, n, r1, r2, want[:-1]),
        ]
        for i in range(len(want)):
            bad = list(want)
            bad[i] = bytes([bad[i][0] ^ 16]) + bad[i][1:]
            probes.append((m, n, r1, r2, bad))
        for probe in probes:
            if probe[0] == m and probe[1] == n and probe[2:] == (r1, r2, want):
                continue
            assert not merkle.verify_consistency(*probe), probe[:2]


def test_trivial_consistency():
    assert merkle.verify_consistency(0, 0, ROOTS[0], ROOTS[0], [])
    assert merkle.verify_consistency(0, 5, b"x", ROOTS[5], [])
    assert merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[3], [])
    assert not merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[4], [])
    assert not merkle.verify_consistency(4, 3, ROOTS[4], ROOTS[3], [])
    assert not merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[3], [ROOTS[0]])


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 31, 32, 33, 70])
def test_against_the_naive_implementation(n):
    data = [bytes([i, i * 7 % 256]) * (i % 3) for i in range(n)]
    leaves = [merkle.leaf_hash(d) for d in data]
    assert merkle.root(leaves) == naive_mth(data)
    for i in range(n):
        p = merkle.inclusion_proof(leaves, i)
        assert p == naive_path(i, data)
        assert merkle.verify_inclusion(leaves[i], i, n, p, naive_mth(data))
    for m in range(1, n + 1):
        p = merkle.consistency_proof(leaves, m)
        assert p == (naive_subproof(m, data, True) if m < n else [])
        assert merkle.verify_consistency(m, n, naive_mth(data[:m]), naive_mth(data), p)
        if m < n:  # a rewritten old entry breaks the proof
            forged = [b"forged"] + data[1:m]
            assert not merkle.verify_consistency(m, n, naive_mth(forged), naive_mth(data), p)


def test_compact_range_round_trip():
    cr = merkle.CompactRange()
    for i, leaf in enumerate(HASHED):
        cr.append(leaf)
        again = merkle.CompactRange(cr.size, cr.hashes)
        assert again.root() == ROOTS[i + 1]
    with pytest.raises(ValueError):
        merkle.CompactRange(3, [ROOTS[1]])


@pytest.mark.parametrize("seed", range(25))
def test_extend_equals_appending_one_leaf_at_a_time(seed):
    """``CompactRange.extend`` hashes whole perfect subtrees of the leaves it is given; from
    any size and in any batches, the nodes must be those of appending leaf by leaf."""
    rnd = random.Random(seed)
    start = rnd.choice((0, 1, 3, 4, 7, 64, 1023, rnd.randrange(2000)))
    one, bulk = merkle.CompactRange(), merkle.CompactRange()
    for i in range(start):
        one.append(merkle.leaf_hash(b"%d" % i))
    bulk = merkle.CompactRange(one.size, one.hashes)
    for _ in range(rnd.randint(1, 4)):
        batch = [merkle.leaf_hash(rnd.randbytes(rnd.randint(0, 9)))
                 for _ in range(rnd.choice((0, 1, 2, 5, 16, 100, rnd.randrange(3000))))]
        for leaf in batch:
            one.append(leaf)
        bulk.extend(batch)
        assert (bulk.size, bulk.hashes) == (one.size, one.hashes)
    assert bulk.root() == one.root()
