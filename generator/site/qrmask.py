"""The QR data mask, chosen with numpy: the same choice as segno, a fraction of its time.

A QR code is drawn with the one of eight data masks whose penalty score is lowest
(ISO/IEC 18004:2015 7.8.3). segno scores the eight in pure Python, which was ~4 % of
a village's build (its home page and poster show a code of the village's address).
Here the same four scores (N1–N4, with segno's exact counting, including modules not
yet set while masks are scored) are computed for all eight masks in the same numpy calls;
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


def _n1(m: np.ndarray) -> np.ndarray:
    """Per matrix of the stack ``m`` (k × size × size): runs of five or more equal modules
    along its rows, 3 + (length - 5) each."""
    k, size = m.shape[0], m.shape[1]
    starts = np.ones(m.shape, dtype=bool)
    starts[:, :, 1:] = m[:, :, 1:] != m[:, :, :-1]
    idx = np.flatnonzero(starts)  # every row starts a run, so no run spans two rows
    lengths = np.diff(np.append(idx, m.size))
    long = lengths >= 5
    return np.bincount(idx[long] // (size * size), weights=lengths[long] - 2, minlength=k)


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


def penalties(m: np.ndarray) -> list[int]:
    """The penalty score of each matrix of the stack ``m`` (k × size × size): what
    ``segno.encoder.evaluate_mask`` returns for it, all k scored in the same numpy calls."""
    size = m.shape[1]
    t = np.ascontiguousarray(m.transpose(0, 2, 1))
    n1 = _n1(m) + _n1(t)
    c = m[:, 1:, 1:]
    n2 = 3 * ((c == m[:, 1:, :-1]) & (c == m[:, :-1, 1:]) & (c == m[:, :-1, :-1])).sum(axis=(1, 2))
    n3 = [0] * m.shape[0]
    for lines in (m, t):
        # only the rows (columns) that hold the pattern at all are walked as segno walks them
        windows = np.lib.stride_tricks.sliding_window_view(lines, 7, axis=2)
        for k, i in zip(*np.nonzero((windows == _N3_ARRAY).all(axis=3).any(axis=2)), strict=True):
            n3[k] += _n3(lines[k, i].tobytes(), size)
    dark = m.sum(axis=(1, 2), dtype=np.int64)
    scores = []
    for k in range(m.shape[0]):
        percent = float(int(dark[k])) / (size ** 2)
        n4 = 10 * int(abs(percent * 100 - 50) / 5)
        scores.append(int(n1[k]) + int(n2[k]) + n3[k] + n4)
    return scores


@functools.lru_cache(maxsize=16)
def _masks(size: int) -> np.ndarray:
    """segno's eight mask functions evaluated over a ``size`` × ``size`` grid (i = row),
    stacked: 8 × size × size."""
    i, j = np.indices((size, size))
    return np.stack([np.asarray(fn(i, j), dtype=np.uint8)
                     for fn in encoder.get_data_mask_functions(False)])


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
    scores = penalties(base ^ (_masks(size) & _region(size)))
    return scores.index(min(scores))


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
