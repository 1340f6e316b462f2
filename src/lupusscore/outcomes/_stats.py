"""Cohort statistics: binomial confidence intervals, Kaplan-Meier, summaries.

Written with the standard library and numpy only (no scipy): the normal
quantile comes from :class:`statistics.NormalDist`, the exact (Clopper-Pearson)
interval from bisection on the binomial distribution function summed exactly,
and Kaplan-Meier with Greenwood's variance is a dozen lines of numpy. Each is
tested against hand-computed and independently computed values
(``tests/test_outcomes_stats.py``; ``docs/outcomes.md`` explains the choice).

References
----------
- Wilson EB. Probable inference, the law of succession, and statistical
  inference. J Am Stat Assoc 1927;22:209-12.
- Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated
  in the case of the binomial. Biometrika 1934;26:404-13.
- Kaplan EL, Meier P. Nonparametric estimation from incomplete observations.
  J Am Stat Assoc 1958;53:457-81.
- Greenwood M. The natural duration of cancer. Reports on Public Health and
  Medical Subjects 1926;33:1-26.
- Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data.
  Wiley 1980 (the log(-log) transformed interval).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from statistics import NormalDist
from typing import Final, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    as_choice,
    as_count,
    as_flags,
    as_floats,
    describe,
    elementwise,
)
from lupusscore.errors import InvalidValueError
from lupusscore.outcomes._summaries import overflow_error, sample_statistics
from lupusscore.results import FrozenModel

__all__ = [
    "CiMethod",
    "KaplanMeier",
    "Proportion",
    "Summary",
    "SurvivalCi",
    "SurvivalPoint",
    "clopper_pearson_interval",
    "kaplan_meier",
    "proportion",
    "summarize",
    "survival_at",
    "wilson_interval",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: Default confidence level of every interval.
DEFAULT_CONFIDENCE: Final = 0.95
#: Bisection stops when the bracket is narrower than this (probability scale).
_BISECTION_TOL: Final = 1e-13
_BISECTION_MAX_ITER: Final = 200


class CiMethod(StrEnum):
    """Confidence interval for a proportion."""

    WILSON = "wilson"
    EXACT = "exact"


class SurvivalCi(StrEnum):
    """Confidence interval for a Kaplan-Meier survival probability."""

    LOG_LOG = "log-log"
    LINEAR = "linear"


#: Counts must be exact in a float (2**53), so proportions are exact.
#: Largest n of a binomial count (exactly representable), and of the exact
#: (Clopper-Pearson) interval, whose bisection sums O(sqrt(n)) terms per step:
#: up to a million trials it takes about a second; use Wilson beyond.
_MAX_EXACT_COUNT: Final = 2**53
_MAX_CLOPPER_PEARSON_N: Final = 10**6


def _check_counts(successes: object, n: object) -> tuple[int, int]:
    """Check a success count and a number of trials (library errors only)."""
    trials = as_count("n", n, maximum=_MAX_EXACT_COUNT)
    return as_count("successes", successes, maximum=trials), trials


def _is_empty(value: object) -> bool:
    """Tell whether *value* is an empty list, tuple or array (no flags to check)."""
    if not isinstance(value, np.ndarray | list | tuple):
        return False
    try:
        return bool(np.size(value) == 0)
    except ValueError:  # ragged nesting: not empty, as_flags reports it
        return False


def _scalar(name: str, value: object, *, unit: str | None = None) -> float:
    """Check one finite number (not an array, bool or string)."""
    arr = as_floats(name, value, unit=unit)
    if arr.ndim != 0:
        raise InvalidValueError(
            field=name, value=describe(value), unit=unit, expected="a single number"
        )
    return float(arr)


def _z(confidence: float) -> float:
    level = _scalar("confidence", confidence)
    if not 0.0 < level < 1.0:
        raise InvalidValueError(
            field="confidence", value=confidence, expected="a number in (0, 1)"
        )
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def wilson_interval(
    successes: int, n: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes, n : int
        Number of successes and of trials (``n >= 1``).
    confidence : float
        Two-sided confidence level, default 0.95.

    Returns
    -------
    tuple of float
        ``(low, high)`` on the 0-1 scale; exactly 0 when ``successes == 0``
        and exactly 1 when ``successes == n``.

    References
    ----------
    Wilson EB, J Am Stat Assoc 1927;22:209-12.

    Examples
    --------
    >>> [round(x, 4) for x in wilson_interval(5, 10)]
    [0.2366, 0.7634]
    >>> [round(x, 4) for x in wilson_interval(0, 10)]
    [0.0, 0.2775]
    """
    successes, n = _check_counts(successes, n)
    if n == 0:
        raise InvalidValueError(field="n", value=n, expected="at least 1 trial")
    return _wilson_limits(successes, n, _z(confidence))


def _wilson_limits(successes: int, n: int, z: float) -> tuple[float, float]:
    """Return the Wilson score limits of checked counts (``1 <= n``) at *z*.

    The one Wilson formula: :func:`wilson_interval` after its checks, and
    :func:`proportion_cells` for the outcome table's counts.
    """
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed term by term in log space."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    lp, lq = math.log(p), math.log1p(-p)
    lgn = math.lgamma(n + 1)
    # Terms more than 40 standard deviations from the mean are below
    # exp(-800) of the largest term: they underflow to 0.0 in double
    # precision, so summing only the terms within them gives the same sum, in
    # O(sqrt(n)) terms.
    spread = 40.0 * math.sqrt(n * p * (1.0 - p)) + 1.0
    first = max(0, math.floor(n * p - spread))
    last = min(k, math.ceil(n * p + spread))
    terms = [
        math.exp(
            lgn - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq
        )
        for i in range(first, last + 1)
    ]
    return min(1.0, math.fsum(terms))


def _bisect_decreasing(f_target: float, k: int, n: int) -> float:
    """Find p with binom_cdf(k, n, p) == f_target (the cdf decreases in p)."""
    lo, hi = 0.0, 1.0
    for _ in range(_BISECTION_MAX_ITER):
        mid = (lo + hi) / 2.0
        if _binom_cdf(k, n, mid) > f_target:
            lo = mid
        else:
            hi = mid
        if hi - lo < _BISECTION_TOL:
            break
    return (lo + hi) / 2.0


def clopper_pearson_interval(
    successes: int, n: int, *, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a binomial proportion.

    The limits solve ``P(X >= x; p_low) = alpha/2`` and ``P(X <= x; p_high) =
    alpha/2``; the binomial distribution function is summed exactly and the
    equations are solved by bisection (equivalent to the beta-quantile form).

    Parameters
    ----------
    successes, n : int
        Number of successes and of trials (``1 <= n <= 1,000,000``).
    confidence : float
        Two-sided confidence level, default 0.95.

    Returns
    -------
    tuple of float
        ``(low, high)``; exactly 0 when ``successes == 0`` and 1 when
        ``successes == n``.

    Raises
    ------
    InvalidValueError
        Counts that are not whole numbers, ``successes > n``, ``n`` of 0 or
        above a million (use :func:`wilson_interval`), or a bad level.

    References
    ----------
    Clopper CJ, Pearson ES, Biometrika 1934;26:404-13.

    Examples
    --------
    >>> [round(x, 4) for x in clopper_pearson_interval(5, 10)]
    [0.1871, 0.8129]
    >>> [round(x, 4) for x in clopper_pearson_interval(0, 10)]
    [0.0, 0.3085]
    """
    successes, n = _check_counts(successes, n)
    if n == 0:
        raise InvalidValueError(field="n", value=n, expected="at least 1 trial")
    if n > _MAX_CLOPPER_PEARSON_N:
        raise InvalidValueError(
            field="n",
            value=n,
            expected=f"at most {_MAX_CLOPPER_PEARSON_N:,} trials for the exact "
            "interval (its bisection sums about sqrt(n) binomial terms per step); "
            "use the Wilson interval for larger n",
        )
    _z(confidence)  # validates the level
    alpha = 1.0 - confidence
    low = (
        0.0
        if successes == 0
        else _bisect_decreasing(1.0 - alpha / 2.0, successes - 1, n)
    )
    high = 1.0 if successes == n else _bisect_decreasing(alpha / 2.0, successes, n)
    return low, high


class Proportion(FrozenModel):
    """A proportion with its confidence interval.

    Attributes
    ----------
    successes, n : int
        Numerator and denominator.
    estimate : float or None
        ``successes / n`` (None when ``n == 0``).
    low, high : float or None
        Confidence limits (None when ``n == 0``).
    method : CiMethod
        How the interval was computed.
    confidence : float
        Two-sided confidence level.
    """

    successes: int
    n: int
    estimate: float | None
    low: float | None
    high: float | None
    method: CiMethod
    confidence: float


def proportion(
    successes: int,
    n: int,
    *,
    method: CiMethod | str = CiMethod.WILSON,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Proportion:
    """Proportion ``successes / n`` with a Wilson (default) or exact interval.

    Examples
    --------
    >>> p = proportion(5, 10)
    >>> p.estimate, round(p.low, 4), round(p.high, 4)
    (0.5, 0.2366, 0.7634)
    >>> proportion(0, 0).estimate is None
    True
    """
    how = cast(CiMethod, as_choice("method", method, CiMethod))
    successes, n = _check_counts(successes, n)
    _z(confidence)  # validates the level, also for n == 0
    ((estimate, low, high),) = proportion_cells(
        [successes], [n], how, confidence=confidence
    )
    return Proportion(
        successes=successes,
        n=n,
        estimate=estimate,
        low=low,
        high=high,
        method=how,
        confidence=confidence,
    )


def proportion_cells(
    successes: Sequence[int],
    n: Sequence[int],
    method: CiMethod,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
) -> list[tuple[float | None, float | None, float | None]]:
    """Estimate and limits of many proportions: the rule of :func:`proportion`.

    For checked counts (Python ``int``, ``0 <= successes <= n``: the outcome
    table's own, or :func:`proportion`'s after its checks): per pair
    ``(successes / n, low, high)``, or ``(None, None, None)`` when ``n`` is 0,
    without a model per pair. The interval is :func:`wilson_interval`'s
    formula or the exact interval itself. :func:`proportion` is the
    one-pair case.
    """
    z = _z(confidence)
    out: list[tuple[float | None, float | None, float | None]] = []
    for k, trials in zip(successes, n, strict=True):
        if trials == 0:
            out.append((None, None, None))
            continue
        if method is CiMethod.WILSON:
            low, high = _wilson_limits(k, trials, z)
        else:
            low, high = clopper_pearson_interval(k, trials, confidence=confidence)
        out.append((k / trials, low, high))
    return out


class KaplanMeier(FrozenModel):
    """A Kaplan-Meier survival curve with Greenwood confidence limits.

    One entry per distinct time at which at least one event occurred.

    Attributes
    ----------
    time : tuple of float
        Event times, increasing.
    n_at_risk : tuple of int
        Number still at risk just before each time.
    n_events : tuple of int
        Events at each time.
    survival : tuple of float
        Survival probability just after each time.
    std_err : tuple of float
        Greenwood standard error of the survival probability.
    low, high : tuple of float
        Pointwise confidence limits.
    n : int
        Number of subjects.
    follow_up : tuple of float
        Every subject's time (event or censoring), sorted.
    last_time : float
        Largest observed time (event or censoring); beyond it the curve is
        not estimated.
    confidence : float
        Two-sided confidence level.
    ci : SurvivalCi
        Interval type.
    """

    time: tuple[float, ...]
    n_at_risk: tuple[int, ...]
    n_events: tuple[int, ...]
    survival: tuple[float, ...]
    std_err: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    n: int
    follow_up: tuple[float, ...]
    last_time: float
    confidence: float
    ci: SurvivalCi

    def at(self, t: float) -> SurvivalPoint:
        """Survival at time *t* (right-continuous step function).

        Returns a point with ``survival=None`` when *t* lies beyond the last
        observed time (the curve is not estimated there). ``n_at_risk`` counts
        subjects whose time is >= *t*. *t* must be a finite number: a missing
        (NaN) time is an :class:`~lupusscore.errors.InvalidValueError`, never
        read as the end of the curve.

        Examples
        --------
        >>> km = kaplan_meier([2, 3, 3, 5], [True, True, False, False])
        >>> km.at(1).survival, km.at(2).survival, km.at(4).survival
        (1.0, 0.75, 0.5)
        >>> km.at(4).n_at_risk
        1
        """
        t = _scalar("t", t, unit="days")
        survival, low, high, at_risk = _read_at(
            np.asarray(self.follow_up, dtype=np.float64),
            np.asarray(self.time),
            (self.survival, self.low, self.high),
            self.n,
            self.last_time,
            t,
        )
        return SurvivalPoint(
            time=t, survival=survival, low=low, high=high, n_at_risk=at_risk
        )


def _read_at(  # noqa: PLR0917 - the curve's columns
    follow_up: Floats,
    time: Floats,
    curves: tuple[Sequence[float] | Floats, ...],
    n: int,
    last_time: float,
    t: float,
) -> tuple[float | None, float | None, float | None, int]:
    """Read a Kaplan-Meier curve at checked time *t* (the rule of ``at``).

    *curves* are the survival and its two limits per event time; returns
    them at *t* (None beyond the last observed time, 1 before the first
    event) and the number still at risk at *t*.
    """
    at_risk = int(follow_up.size - np.searchsorted(follow_up, t, side="left"))
    if n == 0 or t > last_time:
        return None, None, None, at_risk
    idx = int(np.searchsorted(time, t, side="right")) - 1
    if idx < 0:
        return 1.0, 1.0, 1.0, at_risk
    survival, low, high = (float(c[idx]) for c in curves)
    return survival, low, high, at_risk


class SurvivalPoint(FrozenModel):
    """Kaplan-Meier survival read at one time, with its confidence limits."""

    time: float
    survival: float | None
    low: float | None
    high: float | None
    n_at_risk: int


def kaplan_meier(
    durations: npt.ArrayLike,
    events: npt.ArrayLike,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    ci: SurvivalCi | str = SurvivalCi.LOG_LOG,
) -> KaplanMeier:
    """Kaplan-Meier estimate of the survival function with Greenwood CIs.

    Parameters
    ----------
    durations : array_like of float
        Time from the origin to the event or to censoring (>= 0, finite).
    events : array_like of bool
        True where the time is an event, False where it is censored.
    confidence : float
        Two-sided level of the pointwise intervals, default 0.95.
    ci : {"log-log", "linear"}
        ``"log-log"`` (default) transforms with ``log(-log S)`` (Kalbfleisch
        and Prentice 1980), keeping limits inside (0, 1); ``"linear"`` is
        ``S +/- z * SE`` clipped to [0, 1]. Both use Greenwood's variance.

    Returns
    -------
    KaplanMeier
        One row per distinct event time. A censoring tied with an event time
        is counted as still at risk at that time. Where the survival is 1
        (no events yet) or 0, the interval collapses to that value.

    Examples
    --------
    >>> km = kaplan_meier([2, 3, 3, 5], [True, True, False, False])
    >>> km.time, km.n_at_risk, km.survival
    ((2.0, 3.0), (4, 3), (0.75, 0.5))
    """
    curve = _curve(durations, events, confidence=confidence, ci=ci)
    return KaplanMeier(
        time=tuple(curve.time.tolist()),
        n_at_risk=tuple(curve.n_at_risk.tolist()),
        n_events=tuple(curve.n_events.tolist()),
        survival=tuple(curve.survival.tolist()),
        std_err=tuple(curve.std_err.tolist()),
        low=tuple(curve.low.tolist()),
        high=tuple(curve.high.tolist()),
        n=curve.n,
        follow_up=tuple(curve.follow_up.tolist()),
        last_time=curve.last_time,
        confidence=confidence,
        ci=curve.ci,
    )


class Curve(NamedTuple):
    """A Kaplan-Meier curve as arrays (:func:`kaplan_meier`'s columns)."""

    time: Floats
    n_at_risk: Ints
    n_events: Ints
    survival: Floats
    std_err: Floats
    low: Floats
    high: Floats
    n: int
    follow_up: Floats
    last_time: float
    ci: SurvivalCi


def _curve(
    durations: npt.ArrayLike,
    events: npt.ArrayLike,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    ci: SurvivalCi | str = SurvivalCi.LOG_LOG,
) -> Curve:
    """Check the arguments of :func:`kaplan_meier` and estimate its curve."""
    how = cast(SurvivalCi, as_choice("ci", ci, SurvivalCi))
    z = _z(confidence)
    t = as_floats(
        "durations", elementwise(durations), nonnegative=True, unit="days"
    ).ravel()
    try:
        e = (
            np.zeros(0, dtype=np.bool_)
            if _is_empty(events)
            else as_flags("events", events).ravel()
        )
    except InvalidValueError as err:
        raise InvalidValueError(
            field="events",
            value=err.fields.get("value"),
            index=err.fields.get("index"),
            count=err.fields.get("count"),
            expected=(
                "event flags True/False (or 1/0); a missing flag is not censoring"
            ),
        ) from None
    if t.shape != e.shape:
        raise InvalidValueError(
            field="events",
            value=f"{e.size} values",
            expected=f"one event flag per duration ({t.size})",
        )
    # per distinct event time: the events there, and those still at risk
    # (time >= it: all but those before it in sorted order)
    times, counts = np.unique(t[e], return_counts=True)
    follow_up = np.sort(t)
    at_risk = (t.size - np.searchsorted(follow_up, times, side="left")).astype(np.int64)
    deaths = counts.astype(np.int64)
    surv = np.cumprod(1.0 - deaths / at_risk) if times.size else np.array([])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(
            at_risk > deaths, deaths / (at_risk * (at_risk - deaths)), np.inf
        )
        green = np.cumsum(terms) if times.size else np.array([])
        se = np.where(surv > 0, surv * np.sqrt(green), 0.0)
        if how is SurvivalCi.LINEAR:
            low = np.clip(surv - z * se, 0.0, 1.0)
            high = np.clip(surv + z * se, 0.0, 1.0)
        else:
            log_s = np.log(surv)
            inside = (surv > 0) & (surv < 1)
            sigma = np.where(inside, np.sqrt(green) / np.abs(log_s), 0.0)
            low = np.where(inside, surv ** np.exp(z * sigma), surv)
            high = np.where(inside, surv ** np.exp(-z * sigma), surv)
    return Curve(
        time=times,
        n_at_risk=at_risk,
        n_events=deaths,
        survival=np.asarray(surv, dtype=np.float64),
        std_err=np.asarray(se, dtype=np.float64),
        low=np.asarray(low, dtype=np.float64),
        high=np.asarray(high, dtype=np.float64),
        n=int(t.size),
        follow_up=follow_up,
        last_time=float(t.max()) if t.size else 0.0,
        ci=how,
    )


def survival_at(
    durations: npt.ArrayLike, events: npt.ArrayLike, days: Sequence[float]
) -> list[tuple[float | None, float | None, float | None, int]]:
    """Read the Kaplan-Meier curve at each of *days* (the outcome table's cells).

    What ``kaplan_meier(durations, events).at(day)`` gives at each day
    (survival, low, high, number at risk), from the same estimate and the
    same reading rule, without building the model's tuples.
    """
    curve = _curve(durations, events)
    curves = (curve.survival, curve.low, curve.high)
    return [
        _read_at(
            curve.follow_up,
            curve.time,
            curves,
            curve.n,
            curve.last_time,
            _scalar("t", day, unit="days"),
        )
        for day in days
    ]


class Summary(FrozenModel):
    """Descriptive statistics of a sample (missing values already removed).

    Attributes
    ----------
    n : int
        Number of values.
    mean, sd : float or None
        Mean and sample standard deviation (``ddof=1``; None when ``n < 2``).
    median, q1, q3 : float or None
        Median and quartiles (linear interpolation, Hyndman-Fan type 7, numpy's
        default).
    min, max : float or None
        Range.
    """

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None
    min: float | None
    max: float | None


def summarize(values: Sequence[float] | npt.ArrayLike) -> Summary:
    """Mean, SD, median and IQR of finite values (None where undefined).

    Examples
    --------
    >>> s = summarize([1.0, 2.0, 3.0, 4.0])
    >>> s.mean, round(s.sd, 4), s.median, s.q1, s.q3
    (2.5, 1.291, 2.5, 1.75, 3.25)
    >>> summarize([]).mean is None
    True
    """
    x = as_floats("values", elementwise(values)).ravel()
    if x.size == 0:
        return Summary(
            n=0, mean=None, sd=None, median=None, q1=None, q3=None, min=None, max=None
        )
    # the one-sample case of the summary kernel (the outcome table's too)
    got = sample_statistics(x, np.zeros(1, dtype=np.int64), np.array([x.size]))
    if not got.finite[0]:
        raise overflow_error(values)
    return Summary(
        n=int(x.size),
        mean=float(got.mean[0]),
        sd=float(got.sd[0]) if x.size > 1 else None,
        median=float(got.median[0]),
        q1=float(got.q1[0]),
        q3=float(got.q3[0]),
        min=float(np.min(x)),
        max=float(np.max(x)),
    )
