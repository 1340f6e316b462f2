"""The one summary kernel: mean, SD, median and quartiles of many samples.

:func:`sample_statistics` summarises many samples in one pass;
:func:`lupusscore.outcomes.summarize` is its one-sample case, and the
outcome table (:func:`summaries`: every change outcome, timepoint and arm,
for a cohort and for the pooled Dask records alike) calls it for all its
cells at once. The numbers are numpy's, to the last bit, by the same
floating-point operations in the same order:

- the mean is numpy's (pairwise) sum of the sample, in its order, divided by
  its size, and the SD the square root of the sum of squared deviations from
  it over ``n - 1``, as ``numpy.mean`` and ``numpy.std(ddof=1)`` compute them;
- the median and quartiles are numpy's default ``linear`` method (Hyndman and
  Fan type 7): for the sorted sample ``s`` and ``v = (n - 1) q``, with
  ``i = floor(v)`` and ``t = v - i``, ``s[i] + (s[i+1] - s[i]) t``, or
  ``s[i+1] - (s[i+1] - s[i]) (1 - t)`` when ``t >= 0.5``, and ``s[n-1]`` when
  ``v >= n - 1`` (numpy's ``_lerp``), the order statistics read where
  ``numpy.percentile`` partitions the sample (equal values are the same
  bits except ``0.0`` and ``-0.0``, so only a sample with a ``-0.0`` needs
  numpy's partition; any other is sorted).

(The minimum and maximum of :class:`~lupusscore.outcomes.Summary` are
``numpy.min`` and ``numpy.max``; the table does not read them.)

A sort and two sums per sample and a few whole-array operations for all
samples, instead of numpy's and the checks' overhead once per sample.
``tests/test_cohort_fixed_costs_batch.py`` compares the results with
``numpy.percentile``, ``numpy.mean`` and ``numpy.std(ddof=1)`` bit for bit on
random samples.

References
----------
Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat
1996;50:361-5.
"""

from __future__ import annotations

import functools
import math
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from lupusscore._checks import describe
from lupusscore.errors import InvalidValueError

__all__ = [
    "SampleStatistics",
    "SampleSummary",
    "overflow_error",
    "sample_statistics",
    "summaries",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]

#: The quartiles, as fractions (numpy's ``percentile(x, (25, 50, 75))``).
_QUARTILES: Final = np.array([0.25, 0.5, 0.75])
#: From this weight on, numpy interpolates from the upper neighbour (``_lerp``).
_UPPER: Final = 0.5


class SampleStatistics(NamedTuple):
    """The statistics of each non-empty sample, as arrays (one entry each).

    ``sd`` is NaN for a sample of one value; ``finite`` tells whether the
    sample's values and every statistic are finite (a sum that overflows is
    not).
    """

    n: Ints
    mean: Floats
    sd: Floats
    median: Floats
    q1: Floats
    q3: Floats
    finite: Flags


class SampleSummary(NamedTuple):
    """The fields of :class:`lupusscore.outcomes.Summary` the table reads."""

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None


_EMPTY = SampleSummary(n=0, mean=None, sd=None, median=None, q1=None, q3=None)


def overflow_error(values: object) -> InvalidValueError:
    """Return the error of a sample whose statistics are not finite."""
    return InvalidValueError(
        field="values",
        value=describe(values),
        expected="finite values whose mean and SD fit in double precision "
        "(these overflow when summed)",
    )


@functools.lru_cache(maxsize=4096)
def _order_positions(
    n: int,
) -> tuple[npt.NDArray[np.intp], tuple[int, ...], tuple[int, ...]]:
    """Return numpy's partition points and neighbours of the quartiles of *n* values.

    As ``numpy.percentile`` (``linear``) places them: the virtual index
    ``v = (n - 1) q``, its neighbours ``floor(v)`` and ``floor(v) + 1`` (both
    ``-1``, the last value, when ``v >= n - 1``), and the points it partitions
    the sample at (the first, the last and the neighbours, sorted).
    """
    below: list[int] = []
    above: list[int] = []
    for q in _QUARTILES.tolist():
        virtual = (n - 1) * q
        if virtual >= n - 1:
            below.append(-1)
            above.append(-1)
        else:
            below.append(math.floor(virtual))
            above.append(math.floor(virtual) + 1)
    kth = np.array(sorted({0, -1, *below, *above}), dtype=np.intp)
    kth.setflags(write=False)
    return kth, tuple(below), tuple(above)


def _lerp(a: Floats, b: Floats, t: Floats) -> Floats:
    """Interpolate as numpy's ``_lerp``: ``a + (b - a) t``; from *b* at t >= 0.5."""
    diff = b - a
    out = np.add(a, diff * t)
    np.subtract(b, diff * (1 - t), out=out, where=t >= _UPPER)
    return out


def sample_statistics(values: Floats, start: Ints, size: Ints) -> SampleStatistics:
    """Summarise the samples ``values[start[k] : start[k] + size[k]]``.

    Parameters
    ----------
    values : numpy.ndarray of float
        The values of all samples (no NaN), each sample's values contiguous
        and in its order (the order matters for the last bit of the mean).
    start, size : numpy.ndarray of int
        Each sample's first index and number of values (``size >= 1``),
        samples in increasing, non-overlapping order.

    Returns
    -------
    SampleStatistics
        One entry per sample.
    """
    values = np.asarray(values, dtype=np.float64)
    start = np.asarray(start, dtype=np.int64)
    size = np.asarray(size, dtype=np.int64)
    bounds = list(zip(start.tolist(), (start + size).tolist(), strict=True))
    ordered = values.copy()
    below_at: list[tuple[int, ...]] = []
    above_at: list[tuple[int, ...]] = []
    totals: list[float] = []
    add = np.add.reduce
    # Equal floats are the same bits except 0.0 and -0.0: a sample with a
    # -0.0 is partitioned at numpy's points, as numpy.percentile does (the
    # zeros then land where numpy's land); any other is sorted, which puts
    # the very same values at those points, faster.
    negative_zero = (values == 0) & np.signbit(values)
    exact = (
        np.logical_or.reduceat(negative_zero, start).tolist()
        if bounds and negative_zero.any()
        else [False] * len(bounds)
    )
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for (s, e), as_numpy in zip(bounds, exact, strict=True):
            kth, below, above = _order_positions(e - s)
            if as_numpy:
                ordered[s:e].partition(kth)
            else:
                ordered[s:e].sort()
            below_at.append(below)
            above_at.append(above)
            # numpy's pairwise sum of the sample (a segmented sum would round
            # differently)
            totals.append(add(values[s:e]))
        lower = np.array(below_at, dtype=np.int64).reshape(-1, 3)
        upper = np.array(above_at, dtype=np.int64).reshape(-1, 3)
        gamma = (size[:, None] - 1) * _QUARTILES - lower
        end = (start + size)[:, None]
        first = start[:, None]
        a = ordered[np.where(lower < 0, end + lower, first + lower)]
        b = ordered[np.where(upper < 0, end + upper, first + upper)]
        q1, median, q3 = _lerp(a, b, gamma).T
        mean = np.array(totals, dtype=np.float64) / size
        deviation = values - np.repeat(mean, size)
        squares = deviation * deviation
        spread = np.array([add(squares[s:e]) for s, e in bounds], dtype=np.float64)
        sd = np.sqrt(spread / (size - 1))
    # a value that is not finite makes its sample's sum, so its mean, not finite
    finite = np.isfinite(q1) & np.isfinite(median) & np.isfinite(q3)
    finite &= np.isfinite(mean) & (np.isfinite(sd) | (size == 1))
    return SampleStatistics(
        n=size,
        mean=mean,
        sd=np.where(size > 1, sd, np.nan),
        median=median,
        q1=q1,
        q3=q3,
        finite=finite,
    )


def summaries(values: Floats, sample: Ints, n_samples: int) -> list[SampleSummary]:
    """Summarise every sample of *values* at once, as ``summarize`` does one.

    Parameters
    ----------
    values : numpy.ndarray of float
        The values of all samples (no NaN), each sample's values in its order.
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
        A sample whose mean or SD overflows (``summarize``'s error, naming
        the sample's values).
    """
    n = np.bincount(sample, minlength=n_samples).astype(np.int64)
    starts = np.cumsum(n) - n
    full = np.flatnonzero(n)
    out = [_EMPTY] * n_samples
    if not len(full):
        return out
    got = sample_statistics(values, starts[full], n[full])
    if not got.finite.all():
        k = int(full[np.flatnonzero(~got.finite)[0]])
        raise overflow_error(values[starts[k] : starts[k] + n[k]])
    columns = zip(
        full.tolist(),
        got.n.tolist(),
        got.mean.tolist(),
        got.sd.tolist(),
        got.median.tolist(),
        got.q1.tolist(),
        got.q3.tolist(),
        strict=True,
    )
    for k, size, mean, sd, median, q1, q3 in columns:
        out[k] = SampleSummary(
            n=size,
            mean=mean,
            sd=sd if size > 1 else None,
            median=median,
            q1=q1,
            q3=q3,
        )
    return out
