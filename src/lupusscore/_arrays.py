"""Sorting and searching helpers over integer columns, for the cohort kernels.

Two shapes recur in the cohort engine: ordering rows by several integer keys
(participant, then day, ...) and looking up many queries that come in runs
(the lab rows of one visit share a participant and a day). Both are written
once here, each equal to the numpy call it stands in for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["lexsort_stable", "searchsorted_runs"]

Ints = npt.NDArray[np.int64]

#: Combined keys stay below this (int64 holds 2**63 - 1).
_WIDEST: Final = 2**62


def lexsort_stable(keys: Sequence[npt.NDArray[np.integer]]) -> npt.NDArray[np.intp]:
    """Return ``np.lexsort(keys)`` (the last key primary) for integer keys.

    One stable sort of one combined key, ``((k_last - min) * span + ...)``,
    which numpy's stable sort (timsort) does fast on rows already nearly in
    order, as a cohort's are, where ``lexsort`` does not; where the combined
    key could overflow int64, ``np.lexsort`` itself. Ties keep input order in
    both, so the order is lexsort's exactly.
    """
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    lows = [int(k.min()) for k in keys]
    spans = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    if math.prod(spans) >= _WIDEST:
        return np.lexsort(keys)
    # worked in one buffer (a fresh array per step costs more than the
    # arithmetic); int64 wraps, so adding before subtracting gives the same key
    combined = np.zeros(n, dtype=np.int64)
    for k, low, span in reversed(list(zip(keys, lows, spans, strict=True))):
        combined *= span
        if k.dtype.kind in "biu" and np.can_cast(k.dtype, np.int64):
            combined += k
            combined -= low
        else:
            combined += k.astype(np.int64) - low
    return np.argsort(combined, kind="stable")


def searchsorted_runs(
    a: Ints, v: Ints, *, side: Literal["left", "right"] = "left"
) -> Ints:
    """``np.searchsorted(a, v, side=side)`` (int64), each run looked up once.

    A run is equal neighbouring integers of *v*. A cohort's queries come in
    runs (the lab rows of one visit share a participant and a day), so only
    the first of each run is searched and its position repeated.
    """
    n = len(v)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    head = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    found = np.searchsorted(a, v[head], side=side).astype(np.int64)
    return np.repeat(found, np.diff(np.r_[head, n]))
