"""Study day and visit windows: which visit stands for a timepoint.

Conventions (documented in ``docs/outcomes.md``):

- **Study day** is ``(date - day0).days``: day 0 is the reference date itself
  (randomisation, first infusion), the day before is -1. This differs from
  CDISC SDTM ``--DY``, which has no day 0 (it adds 1 on and after the
  reference date); lupusscore follows the trial convention "infusion at day 0".
- **Nearest visit in window.** The visit for a :class:`~lupusscore.Timepoint`
  is the candidate whose study day is within ``day +/- window_days``
  (inclusive) and nearest to ``day``; a tie (one visit as far before as another
  is after) goes to the **earlier** visit, so that a later visit never replaces
  an earlier equally good one. Callers decide which visits are candidates
  (for example only visits that carry the analyte, and only scheduled visits
  unless ``use_unscheduled=True``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

import numpy as np

from lupusscore._checks import as_sequence, describe
from lupusscore.errors import InvalidDateError, InvalidValueError
from lupusscore.models import Timepoint

__all__ = ["select_nearest", "study_day"]

T = TypeVar("T")


def study_day(on: dt.date, day0: dt.date) -> int:
    """Study day of date *on*: whole days since *day0* (day0 itself is day 0).

    Parameters
    ----------
    on : datetime.date or datetime.datetime
        The date (time of day ignored).
    day0 : datetime.date
        The participant's reference date.

    Returns
    -------
    int
        Negative before day 0.

    Examples
    --------
    >>> study_day(dt.date(2009, 5, 31), dt.date(2009, 5, 1))
    30
    >>> study_day(dt.date(2009, 4, 30), dt.date(2009, 5, 1))
    -1
    """
    day = _as_date("on", on)
    ref = _as_date("day0", day0)
    return (day - ref).days


def _as_date(name: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise InvalidDateError(
        field=name, value=describe(value), expected="a datetime.date"
    )


def select_nearest(
    candidates: Sequence[T], timepoint: Timepoint, *, day: Callable[[T], int]
) -> T | None:
    """Pick the candidate for *timepoint*: in window, nearest, earlier on ties.

    Parameters
    ----------
    candidates : sequence
        Anything with a study day (visits, assessments, values).
    timepoint : Timepoint
        Target day and window.
    day : callable
        Returns a candidate's study day.

    Returns
    -------
    object or None
        The chosen candidate, or None when no candidate is inside the window.

    Examples
    --------
    >>> tp = Timepoint(label="month 3", day=91, window_days=14)
    >>> select_nearest([70, 85, 97, 110], tp, day=lambda d: d)
    85
    >>> select_nearest([88, 94], tp, day=lambda d: d)  # tie: earlier wins
    88
    >>> select_nearest([60, 120], tp, day=lambda d: d) is None
    True
    """
    items = cast(list[T], as_sequence("candidates", candidates, expected="a sequence"))
    if not isinstance(timepoint, Timepoint):
        raise InvalidValueError(
            field="timepoint", value=describe(timepoint), expected="a Timepoint"
        )
    if not callable(day):
        raise InvalidValueError(field="day", value=describe(day), expected="a function")
    best: T | None = None
    best_key: tuple[int, int] | None = None
    for i, item in enumerate(items):
        try:
            d = day(item)
        except Exception as exc:  # the caller's function: say which candidate
            raise InvalidValueError(
                field="day(candidate)",
                value=describe(item),
                expected=f"a candidate day() can read ({type(exc).__name__}: {exc})",
                index=i,
            ) from exc
        if isinstance(d, bool | np.bool_) or not isinstance(d, int | np.integer):
            raise InvalidValueError(
                field="day(candidate)",
                value=describe(d),
                expected="a whole study day for every candidate",
                index=i,
            )
        if not timepoint.first_day <= d <= timepoint.last_day:
            continue
        key = (abs(d - timepoint.day), d)
        if best_key is None or key < best_key:
            best, best_key = item, key
    return best
