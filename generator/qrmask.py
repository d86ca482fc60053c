"""The QR data mask, chosen with numpy: the same choice as segno, a fraction of its time.

A QR code is drawn with the one of eight data masks whose penalty score is lowest
(ISO/IEC 18004:2015 7.8.3). segno scores the eight in pure Python, which was ~4 % of
a village's build (its home page and poster show a code of the village's address).
Here the same four scores (N1–N4, with segno's exact counting, including modules not
yet set while masks are scored) are computed over whole rows and columns at once;
segno then applies the chosen mask itself, so the symbol is the one segno would have
made (tests/test_charts.py compares the choice for hundreds of addresses).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import numpy as np
import segno
from segno import encoder

log = logging.getLogger(__name__)

_N3 = bytes((1, 0, 1, 1, 1, 0, 1))  # dark-light-dark-dark-dark-light-dark
_N3_ARRAY = np.frombuffer(_N3, dtype=np.uint8)


def _n1(a: np.ndarray) -> int:
    """Runs of five or more equal modules along the rows of ``a``: 3 + (length - 5) each."""
    starts = np.ones(a.shape, dtype=bool)
    starts[:, 1:] = a[:, 1:] != a[:, :-1]
    idx = np.flatnonzero(starts)  # every row starts a run, so no run spans two rows
    lengths = np.diff(np.append(idx, a.size))
    long = lengths[lengths >= 5]
    return int((long - 2).sum())


def _n3(seq: bytes, size: int) -> int:
    """1:1:3:1:1 finder-like patterns in one row or column, counted as segno counts them."""
    count = 0
    idx = seq.find(_N3)
    while idx != -1:
        offset = idx + 7
        if idx in (0, size - 7) or not any(seq[max(idx - 4, 0):min(idx, size)]) \
                or not any(seq[max(offset, 0):min(offset + 4, size)]):
            count += 40
        else:
            offset = idx + 4
        idx = seq.find(_N3, offset)
    return count


def penalty(m: np.ndarray) -> int:
    """The penalty score of a square matrix (what ``segno.encoder.evaluate_mask`` returns)."""
    size = m.shape[0]
    n1 = _n1(m) + _n1(m.T)
    c = m[1:, 1:]
    n2 = 3 * int(((c == m[1:, :-1]) & (c == m[:-1, 1:]) & (c == m[:-1, :-1])).sum())
    n3 = 0
    for lines in (m, np.ascontiguousarray(m.T)):
        # only the rows (columns) that hold the pattern at all are walked as segno walks them
        windows = np.lib.stride_tricks.sliding_window_view(lines, 7, axis=1)
        for i in np.flatnonzero((windows == _N3_ARRAY).all(axis=2).any(axis=1)):
            n3 += _n3(lines[i].tobytes(), size)
    percent = float(int(m.sum(dtype=np.int64))) / (size ** 2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


@functools.lru_cache(maxsize=16)
def _masks(size: int) -> tuple[np.ndarray, ...]:
    """segno's eight mask functions evaluated over a ``size`` × ``size`` grid (i = row)."""
    i, j = np.indices((size, size))
    return tuple(np.asarray(fn(i, j), dtype=np.uint8)
                 for fn in encoder.get_data_mask_functions(False))


@functools.lru_cache(maxsize=16)
def _region(size: int) -> np.ndarray:
    """Where masks apply: segno's ``is_encoding_region`` over the whole grid."""
    fm = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(fm, size, size)
    encoder.add_alignment_patterns(fm, size, size)
    fm[-8][8] = 0x1
    return (np.array(fm, dtype=np.uint8) > 0x1).astype(np.uint8)


_segno_best_mask: Callable | None = getattr(encoder, "find_and_apply_best_mask", None)
# the parts of segno's encoder used here; without them (another segno) segno chooses alone
_USABLE = _segno_best_mask is not None and all(
    hasattr(encoder, name) for name in ("get_data_mask_functions", "make_matrix",
                                        "add_finder_patterns", "add_alignment_patterns"))


def best_mask(matrix: tuple[bytearray, ...], size: int) -> int:
    """The mask segno would choose for ``matrix`` (before masking): the first lowest score."""
    base = np.array(matrix, dtype=np.uint8)
    region = _region(size)
    best_score, best = -1, 0
    for k, pattern in enumerate(_masks(size)):
        score = penalty(base ^ (pattern & region))
        if best_score < 0 or score < best_score:
            best_score, best = score, k
    return best


def _find_and_apply_best_mask(matrix, width, height, proposed_mask=None):  # segno's signature
    if proposed_mask is None and width == height and width >= 21:  # QR, not Micro QR
        proposed_mask = best_mask(matrix, width)
    return _segno_best_mask(matrix, width, height, proposed_mask)  # type: ignore[misc]


def make(data: str, error: str = "m") -> segno.QRCode:
    """``segno.make(data, error=error, micro=False)`` with the mask chosen here."""
    if not _USABLE:
        return segno.make(data, error=error, micro=False)
    encoder.find_and_apply_best_mask = _find_and_apply_best_mask
    try:
        return segno.make(data, error=error, micro=False)
    finally:
        encoder.find_and_apply_best_mask = _segno_best_mask
