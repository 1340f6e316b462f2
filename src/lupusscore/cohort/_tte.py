"""Time to the first event of a type, for every participant at once.

The rule of :func:`lupusscore.outcomes.time_to_first` for event records (no
assessments): the first event of *event_types* after day 0 is the event; the
first of *censor_on* (not in *event_types*) on or after day 0 censors; else
censored at *last_day*. The earliest wins; on one day an event before a
censoring before the end of follow-up. The day is never below 0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lupusscore.cohort._engine import MET, NOT_EVALUABLE, Events
from lupusscore.models import EventType

__all__ = ["first_event_times", "first_met_times"]

_NONE = np.iinfo(np.int64).max


def _first_day(
    n: int, events: Events, types: frozenset[EventType], *, min_day: int
) -> npt.NDArray[np.int64]:
    """Each participant's first day of an event of *types* on or after *min_day*."""
    out = np.full(n, _NONE, dtype=np.int64)
    if not types or not len(events.day):
        return out
    wanted = np.isin(events.type.astype(str), [t.value for t in types])
    hit = wanted & (events.day >= min_day)
    np.minimum.at(out, events.participant[hit], events.day[hit])
    return out


def _first_type(
    n: int, events: Events, types: frozenset[EventType], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.object_]:
    """Return the type of each participant's first event of *types* on *day*."""
    out = np.full(n, None, dtype=object)
    if not types or not len(events.day):
        return out
    wanted = np.isin(events.type.astype(str), [t.value for t in types])
    hit = np.flatnonzero(wanted & (events.day == day[events.participant]))
    # events are sorted by (participant, day, type): the first per participant
    keep = (
        hit[np.r_[True, events.participant[hit][1:] != events.participant[hit][:-1]]]
        if len(hit)
        else hit
    )
    out[events.participant[keep]] = events.type[keep]
    return out


def _decide(  # noqa: PLR0917 - private
    n: int,
    events: Events,
    hit: npt.NDArray[np.int64],
    event_types: frozenset[EventType],
    censor_on: frozenset[EventType],
    last_day: npt.NDArray[np.int64],
    *,
    hit_text: npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    stop = _first_day(n, events, censor_on - event_types, min_day=0)
    # candidates (day, priority): event 0, censoring 1, end of follow-up 2
    is_event = (hit <= stop) & (hit <= last_day)
    censored_by = ~is_event & (stop <= last_day)
    day = np.where(is_event, hit, np.minimum(stop, last_day))
    stop_type = _first_type(n, events, censor_on - event_types, stop)
    text = np.where(
        is_event,
        hit_text,
        np.where(
            censored_by,
            np.array(["censored: " + str(t) for t in stop_type.tolist()], dtype=object)
            if n
            else np.zeros(0, dtype=object),
            "censored: end of follow-up",
        ),
    ).astype(object)
    return np.maximum(day, 0), is_event, text


def first_event_times(
    n: int,
    events: Events,
    *,
    event_types: frozenset[EventType],
    censor_on: frozenset[EventType],
    last_day: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    """Day, event flag and description of each participant's time to first event.

    Returns
    -------
    (array of int, array of bool, array of str)
        The day (>= 0), whether it is an event (False: censored) and the
        reason (as :class:`lupusscore.outcomes.TimeToEvent`).
    """
    hit = _first_day(n, events, event_types, min_day=1)
    kind = _first_type(n, events, event_types, hit)
    text = (
        np.array(
            [
                f"event: {k} on day {d}"
                for k, d in zip(kind.tolist(), hit.tolist(), strict=True)
            ],
            dtype=object,
        )
        if n
        else np.zeros(0, dtype=object)
    )
    return _decide(n, events, hit, event_types, censor_on, last_day, hit_text=text)


def first_met_times(
    n: int,
    *,
    participant: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    status: npt.NDArray[np.int8],
    unscheduled: npt.NDArray[np.bool_],
    use_unscheduled: bool,
    events: Events,
    censor_on: frozenset[EventType],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.object_]]:
    """Time to the first met assessment after day 0, as ``time_to_first``.

    Assessments in use are after day 0 and scheduled unless
    *use_unscheduled*; the end of follow-up is the last evaluable one (0 if
    none); the first death or withdrawal (*censor_on*) on or after day 0
    censors.
    """
    used = (day > 0) & (use_unscheduled | ~unscheduled) & (status != NOT_EVALUABLE)
    hit = np.full(n, _NONE, dtype=np.int64)
    met = used & (status == MET)
    np.minimum.at(hit, participant[met], day[met])
    follow = np.zeros(n, dtype=np.int64)
    np.maximum.at(follow, participant[used], day[used])
    text = (
        np.array([f"event: met on day {d}" for d in hit.tolist()], dtype=object)
        if n
        else np.zeros(0, dtype=object)
    )
    return _decide(n, events, hit, frozenset(), censor_on, follow, hit_text=text)
