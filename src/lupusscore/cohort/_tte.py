"""Time to the first event, for every participant at once.

The rule of :func:`lupusscore.outcomes.time_to_first`, applied by its kernel
:func:`lupusscore.outcomes._tte.time_to_first_segments` (which the
per-participant function also calls) to the engine's columns.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lupusscore.cohort._engine import MET, NOT_EVALUABLE, Events
from lupusscore.models import EventType
from lupusscore.outcomes._tte import time_to_first_segments

__all__ = ["first_event_times", "first_met_times"]

Result = tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.object_]]
_EMPTY = np.zeros(0, dtype=np.int64)


def first_event_times(
    n: int,
    events: Events,
    *,
    event_types: frozenset[EventType],
    censor_on: frozenset[EventType],
    last_day: npt.NDArray[np.int64],
) -> Result:
    """Day, event flag and reason of each participant's first event of *event_types*.

    Censored at the first *censor_on* event or at *last_day* (the last contact).
    """
    out = time_to_first_segments(
        n,
        met_seg=_EMPTY,
        met_day=_EMPTY,
        event_seg=events.participant,
        event_day=events.day,
        event_type=events.type,
        event_types=event_types,
        censor_on=censor_on,
        last_day=last_day,
    )
    return out.day, out.event, out.reason


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
) -> Result:
    """Time to the first met assessment after day 0, as ``time_to_first``.

    Assessments in use are after day 0 and scheduled unless
    *use_unscheduled*; follow-up ends at the last evaluable one (0 if none);
    the first *censor_on* event on or after day 0 censors.
    """
    used = (day > 0) & (use_unscheduled | ~unscheduled) & (status != NOT_EVALUABLE)
    follow = np.zeros(n, dtype=np.int64)
    np.maximum.at(follow, participant[used], day[used])
    met = used & (status == MET)
    out = time_to_first_segments(
        n,
        met_seg=participant[met],
        met_day=day[met],
        event_seg=events.participant,
        event_day=events.day,
        event_type=events.type,
        event_types=frozenset(),
        censor_on=censor_on,
        last_day=follow,
    )
    return out.day, out.event, out.reason
