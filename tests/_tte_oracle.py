"""ORACLE: ``time_to_first`` of lupusscore 0.1, before its kernel (a verbatim copy).

Copied from ``src/lupusscore/outcomes/_tte.py`` (our own code) so that
``tests/test_outcomes_tte_kernel.py`` can compare the kernel-based function with
the former per-participant implementation on random inputs.
"""

from __future__ import annotations

from collections.abc import Iterable

from lupusscore._checks import describe
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType
from lupusscore.outcomes._args import (
    check_day,
    check_event_types,
    check_switch,
    checked,
)
from lupusscore.outcomes._longitudinal import Assessment, DatedEvent, in_use
from lupusscore.outcomes._tte import DEFAULT_CENSORING, TimeToEvent
from lupusscore.results import Status


def time_to_first(
    outcome: str,
    *,
    assessments: Iterable[Assessment] = (),
    events: Iterable[DatedEvent] = (),
    event_types: frozenset[EventType] = frozenset(),
    censor_on: frozenset[EventType] = DEFAULT_CENSORING,
    last_day: int | None = None,
    end_day: int | None = None,
    use_unscheduled: bool = False,
) -> TimeToEvent:
    """Time to the first met assessment or first event of *event_types*.

    Parameters
    ----------
    outcome : str
        Name of the outcome (for the result).
    assessments : iterable of Assessment
        Per-visit statuses; the first met one after day 0 is an event.
    events : iterable of DatedEvent
        The participant's events.
    event_types : frozenset of EventType
        Event records that are the outcome (e.g. dialysis, transplant).
    censor_on : frozenset of EventType
        Event records that end follow-up (default death and withdrawal);
        types in *event_types* are never censoring.
    last_day : int, optional
        End of follow-up without an event; default the last evaluable
        assessment's day (0 if none).
    end_day : int, optional
        Administrative cut-off.
    use_unscheduled : bool
        Whether unscheduled visits count.

    Returns
    -------
    TimeToEvent

    Examples
    --------
    >>> visits = [
    ...     Assessment(day=91, status="not_met"),
    ...     Assessment(day=182, status="met"),
    ... ]
    >>> time_to_first("remission", assessments=visits).day
    182
    >>> t = time_to_first(
    ...     "remission",
    ...     assessments=visits,
    ...     events=[DatedEvent(day=120, type="death")],
    ... )
    >>> t.day, t.event
    (120, False)
    """
    given: object = outcome  # runtime guard for untyped callers
    if not isinstance(given, str) or not given.strip():
        raise InvalidValueError(
            field="outcome", value=describe(given), expected="the outcome's name"
        )
    event_types = check_event_types("event_types", event_types)
    censor_on = check_event_types("censor_on", censor_on)
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    if last_day is not None:
        last_day = check_day("last_day", last_day)
    if end_day is not None:
        end_day = check_day("end_day", end_day)
    used = [
        a
        for a in in_use(assessments, use_unscheduled=use_unscheduled)
        if a.status is not Status.NOT_EVALUABLE
    ]
    evs = sorted(
        checked(events, DatedEvent, "events"), key=lambda e: (e.day, e.type.value)
    )
    candidates: list[tuple[int, int, str]] = []  # (day, priority, reason)
    met = next((a for a in used if a.status is Status.MET), None)
    if met is not None:
        candidates.append((met.day, 0, f"event: met on day {met.day}"))
    hit = next((e for e in evs if e.type in event_types and e.day > 0), None)
    if hit is not None:
        candidates.append((hit.day, 0, f"event: {hit.type.value} on day {hit.day}"))
    stop = next(
        (e for e in evs if e.type in censor_on - event_types and e.day >= 0), None
    )
    if stop is not None:
        candidates.append((stop.day, 1, f"censored: {stop.type.value}"))
    follow = last_day if last_day is not None else max([0, *(a.day for a in used)])
    candidates.append((follow, 2, "censored: end of follow-up"))
    if end_day is not None:
        candidates.append((end_day, 3, f"censored: cut-off day {end_day}"))
    day, priority, reason = min(candidates)
    if end_day is not None and day > end_day:
        day, priority, reason = end_day, 3, f"censored: cut-off day {end_day}"
    return TimeToEvent(
        outcome=outcome, day=max(day, 0), event=priority == 0, reason=reason
    )
