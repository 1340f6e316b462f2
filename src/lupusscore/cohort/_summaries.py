"""Many samples summarised in one pass: the change rows of the outcome table.

:func:`summaries` gives, for many samples at once (every change outcome,
timepoint and arm of an outcome table), the values
:func:`lupusscore.outcomes.summarize` gives for each sample alone -- the same
numbers to the last bit, by the same floating-point operations in the same
order:

- the mean is numpy's sum of the sample (in its order) divided by its size,
  and the SD the square root of the sum of squared deviations from it over
  ``n - 1``, as ``numpy.mean`` and ``numpy.std(ddof=1)`` compute them;
- the median and quartiles are numpy's default ``linear`` method (Hyndman and
  Fan type 7): for the sorted sample ``s`` and ``v = (n - 1) q``, with
  ``i = floor(v)`` and ``t = v - i``, ``s[i] + (s[i+1] - s[i]) t``, or
  ``s[i+1] - (s[i+1] - s[i]) (1 - t)`` when ``t >= 0.5``, and ``s[n-1]`` when
  ``v >= n - 1`` (numpy's ``_lerp``).

What differs is the cost: a sort and two sums per sample and a few
whole-array operations for all samples, instead of a call per sample (tens
of microseconds of numpy and validation overhead each, ~100 calls per
table). A sample with a value or a
result that is not finite is handed to ``summarize`` itself, which raises its
error. ``tests/test_cohort_fixed_costs.py`` checks the equality against
``summarize`` on random samples.
"""

from __future__ import annotations

from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from lupusscore.outcomes._stats import summarize

__all__ = ["SampleSummary", "summaries"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: The quartiles of :func:`lupusscore.outcomes.summarize`, as fractions.
_Q1, _MEDIAN, _Q3 = 0.25, 0.5, 0.75
#: From this weight on, numpy interpolates from the upper neighbour (``_lerp``).
_UPPER: Final = 0.5


class SampleSummary(NamedTuple):
    """The fields of :class:`lupusscore.outcomes.Summary` the table reads."""

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None


_EMPTY = SampleSummary(n=0, mean=None, sd=None, median=None, q1=None, q3=None)


def _quantile(sorted_values: Floats, start: Ints, n: Ints, q: float) -> Floats:
    """Return numpy's ``linear`` quantile *q* of each sorted sample (all ``n >= 1``)."""
    virtual = (n - 1) * q
    below = np.floor(virtual)
    last = virtual >= n - 1
    i = np.where(last, n - 1, below).astype(np.int64)
    a = sorted_values[start + i]
    b = sorted_values[start + np.where(last, n - 1, i + 1)]
    t = virtual - below
    diff = b - a
    out = np.where(t >= _UPPER, b - diff * (1 - t), a + diff * t)
    return np.asarray(np.where(last, a, out), dtype=np.float64)


def summaries(values: Floats, sample: Ints, n_samples: int) -> list[SampleSummary]:
    """Summarise every sample of *values* at once, as ``summarize`` does one.

    Parameters
    ----------
    values : numpy.ndarray of float
        The values of all samples (no NaN), each sample's values in its order
        (the order matters for the last bit of the mean, as for ``summarize``).
    sample : numpy.ndarray of int
        Each value's sample, ``0 <= sample < n_samples``, non-decreasing.
    n_samples : int
        Number of samples (a sample without values has ``n == 0`` and None).

    Returns
    -------
    list of SampleSummary
        One per sample, in order.

    Raises
    ------
    InvalidValueError
        A sample whose mean or SD overflows (``summarize``'s error).
    """
    n = np.bincount(sample, minlength=n_samples).astype(np.int64)
    ends = np.cumsum(n)
    starts = ends - n
    full = np.flatnonzero(n)
    if not len(full):
        return [_EMPTY] * n_samples
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        start, size = starts[full], n[full]
        bounds = list(zip(start.tolist(), ends[full].tolist(), strict=True))
        # each sample sorted in place (its slice): the quartiles' order statistics
        ordered = values.copy()
        for s, e in bounds:
            ordered[s:e].sort()
        q1 = _quantile(ordered, start, size, _Q1)
        median = _quantile(ordered, start, size, _MEDIAN)
        q3 = _quantile(ordered, start, size, _Q3)
        # numpy's pairwise sums, one sample at a time (a segmented sum would round
        # differently)
        add = np.add.reduce
        total = np.array([add(values[s:e]) for s, e in bounds])
        mean = total / size
        deviation = values - np.repeat(mean, size)
        squares = deviation * deviation
        spread = np.array([add(squares[s:e]) for s, e in bounds])
        sd = np.sqrt(spread / (size - 1))
    # a sample with a value or a result that is not finite: summarize's error
    ok = np.isfinite(q1) & np.isfinite(median) & np.isfinite(q3)
    ok &= np.isfinite(mean) & (np.isfinite(sd) | (size == 1))
    ok &= np.logical_and.reduceat(np.isfinite(values), start)
    out = [_EMPTY] * n_samples
    for j, k in enumerate(full.tolist()):
        if not ok[j]:
            s = summarize(values[starts[k] : ends[k]])  # raises
            out[k] = SampleSummary(s.n, s.mean, s.sd, s.median, s.q1, s.q3)
            continue
        out[k] = SampleSummary(
            n=int(size[j]),
            mean=float(mean[j]),
            sd=float(sd[j]) if size[j] > 1 else None,
            median=float(median[j]),
            q1=float(q1[j]),
            q3=float(q3[j]),
        )
    return out
