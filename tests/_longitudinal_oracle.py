"""Oracle: the longitudinal rules as they were before the segment kernels.

The functions below (``in_use``, ``status_at``, ``achieve_and_maintain``,
``first_response``, ``confirmed_response`` and their helpers) are copied
verbatim from ``src/lupusscore/outcomes/_longitudinal.py`` at commit 8b8ac0e,
before those rules were rewritten as views over the vectorised kernels in
``lupusscore.outcomes._segments``. They are our own code, kept here unchanged
so that ``tests/test_outcomes_segments.py`` can check that the rewrite gives
identical results (explanations included). Only the imports are adapted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from lupusscore._checks import as_choice
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType, Timepoint
from lupusscore.outcomes._args import (
    check_day,
    check_event_types,
    check_switch,
    check_timepoint,
    checked,
)
from lupusscore.outcomes._longitudinal import (
    DEFAULT_INTERCURRENT,
    Assessment,
    DatedEvent,
    LongitudinalResult,
    MissingPolicy,
)
from lupusscore.outcomes._windows import select_nearest
from lupusscore.results import Status


def _policy(policy: object) -> MissingPolicy:
    """Check a ``policy=`` argument (library error on anything else)."""
    return cast(MissingPolicy, as_choice("policy", policy, MissingPolicy))


def in_use(
    assessments: Iterable[Assessment], *, use_unscheduled: bool
) -> list[Assessment]:
    """Assessments after day 0 in use, one per study day, sorted by day.

    Identical statuses on one day collapse into one; different statuses on
    one day (met and not met, or either and not evaluable) are a conflict that
    input order must not settle: the day becomes one not-evaluable assessment
    whose reason names the conflict.
    """
    kept = [
        a
        for a in checked(assessments, Assessment, "assessments")
        if a.day > 0 and (use_unscheduled or not a.unscheduled)
    ]
    by_day: dict[int, list[Assessment]] = {}
    for a in kept:
        by_day.setdefault(a.day, []).append(a)
    out: list[Assessment] = []
    for day in sorted(by_day):
        same = by_day[day]
        statuses = sorted({a.status.value for a in same})
        if len(statuses) == 1:
            out.append(
                min(same, key=lambda a: (a.label or "", a.reason or "", a.unscheduled))
            )
            continue
        labels = sorted({a.label for a in same if a.label})
        out.append(
            Assessment(
                day=day,
                status=Status.NOT_EVALUABLE,
                unscheduled=all(a.unscheduled for a in same),
                label=" / ".join(labels) or None,
                reason=f"conflicting assessments on day {day}: " + ", ".join(statuses),
            )
        )
    return out


def _first_event(
    events: Iterable[DatedEvent], types: frozenset[EventType], until: int
) -> DatedEvent | None:
    hits = sorted(
        (
            e
            for e in checked(events, DatedEvent, "events")
            if e.type in types and 0 < e.day <= until
        ),
        key=lambda e: (e.day, e.type.value),
    )
    return hits[0] if hits else None


def _where(a: Assessment) -> str:
    return f"day {a.day}" + (f" ({a.label})" if a.label else "")


def _tp(tp: Timepoint) -> str:
    return f"{tp.label} (day {tp.day} +/- {tp.window_days})"


def _end_assessment(
    used: Sequence[Assessment], timepoint: Timepoint, policy: MissingPolicy
) -> tuple[Assessment | None, bool, str]:
    """Pick the assessment standing for *timepoint*; say if imputed and why."""
    evaluable = [a for a in used if a.status is not Status.NOT_EVALUABLE]
    chosen = select_nearest(evaluable, timepoint, day=lambda a: a.day)
    if chosen is not None:
        return chosen, False, f"{_tp(timepoint)}: assessed on {_where(chosen)}"
    in_window = [a for a in used if timepoint.first_day <= a.day <= timepoint.last_day]
    why = (
        f"{_tp(timepoint)}: visit(s) in window not evaluable ("
        + "; ".join(f"{_where(a)}: {a.reason or 'not evaluable'}" for a in in_window)
        + ")"
        if in_window
        else f"{_tp(timepoint)}: no visit in window"
    )
    if policy is MissingPolicy.LOCF:
        before = [a for a in evaluable if a.day < timepoint.first_day]
        if before:
            last = before[-1]
            return (
                last,
                True,
                f"{why}; last observation carried forward from {_where(last)}",
            )
    return None, False, why


def status_at(
    assessments: Iterable[Assessment],
    timepoint: Timepoint,
    *,
    events: Iterable[DatedEvent] = (),
    intercurrent: frozenset[EventType] = DEFAULT_INTERCURRENT,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    use_unscheduled: bool = False,
) -> LongitudinalResult:
    """Responder status at one timepoint (nearest evaluable visit in window).

    Parameters
    ----------
    assessments : iterable of Assessment
        Per-visit statuses, any order.
    timepoint : Timepoint
        Target day and window.
    events : iterable of DatedEvent
        Intercurrent events; those of a type in *intercurrent* on or before the
        timepoint (the later of its target day and the visit used) make the
        participant a non-responder.
    intercurrent : frozenset of EventType
        Event types treated as non-response (default: all).
    policy : MissingPolicy
        What a timepoint without an evaluable visit gives (default:
        non-responder).
    use_unscheduled : bool
        Whether unscheduled visits count.

    Returns
    -------
    LongitudinalResult
        ``end_day`` is the day of the visit used.

    Examples
    --------
    >>> tp = Timepoint(label="month 6", day=182, window_days=14)
    >>> visits = [Assessment(day=91, status="met"), Assessment(day=190, status="met")]
    >>> status_at(visits, tp).status
    <Status.MET: 'met'>
    >>> status_at(
    ...     visits, tp, events=[DatedEvent(day=150, type="rescue_therapy")]
    ... ).status
    <Status.NOT_MET: 'not_met'>
    """
    how = _policy(policy)
    timepoint = check_timepoint("timepoint", timepoint)
    intercurrent = check_event_types("intercurrent", intercurrent)
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    rule = f"status at {timepoint.label} ({how.value})"
    used = in_use(assessments, use_unscheduled=use_unscheduled)
    chosen, imputed, why = _end_assessment(used, timepoint, how)
    end = max(timepoint.day, chosen.day if chosen and not imputed else timepoint.day)
    event = _first_event(events, intercurrent, end)
    if event is not None:
        return LongitudinalResult(
            rule=rule,
            status=Status.NOT_MET,
            explanation=(
                f"intercurrent event {event.type.value} on day {event.day} "
                f"(on or before day {end}): non-responder",
            ),
        )
    if chosen is None:
        return _missing(rule, how, why)
    return LongitudinalResult(
        rule=rule,
        status=chosen.status,
        day=chosen.day if chosen.status is Status.MET else None,
        end_day=chosen.day,
        imputed=imputed,
        explanation=(why, f"status {chosen.status.value}"),
    )


def _missing(rule: str, policy: MissingPolicy, why: str) -> LongitudinalResult:
    if policy is MissingPolicy.NON_RESPONDER:
        return LongitudinalResult(
            rule=rule,
            status=Status.NOT_MET,
            imputed=True,
            explanation=(why, "non-responder imputation"),
        )
    tail = (
        "nothing to carry forward" if policy is MissingPolicy.LOCF else "observed only"
    )
    return LongitudinalResult(
        rule=rule,
        status=Status.NOT_EVALUABLE,
        explanation=(why, f"{tail}: not evaluable"),
    )


def achieve_and_maintain(
    assessments: Iterable[Assessment],
    *,
    by_day: int,
    through: Timepoint,
    events: Iterable[DatedEvent] = (),
    intercurrent: frozenset[EventType] = DEFAULT_INTERCURRENT,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    use_unscheduled: bool = False,
) -> LongitudinalResult:
    """Response reached by *by_day* and held at every assessed visit through *through*.

    The rule, step by step:

    1. The visit for *through* is the nearest evaluable visit in its window
       (earlier on ties). Without one, *policy* decides: non-responder
       (default), not evaluable (``observed_only``) or the last evaluable
       status carried forward (``locf``).
    2. An intercurrent event of a type in *intercurrent* on or before the later
       of ``through.day`` and that visit's day makes the participant a
       non-responder.
    3. Response must be met at some visit on or before *by_day* (and not after
       the *through* visit); the first such visit is the onset.
    4. Every assessed visit from the onset to the *through* visit must be met.
       A not-evaluable visit in between is a non-response under
       ``non_responder`` and is passed over otherwise. Days with no visit are
       not assessments and are never imputed.

    Parameters
    ----------
    assessments : iterable of Assessment
        Per-visit statuses, any order.
    by_day : int
        Last study day on which the response may first be reached (>= 1,
        <= ``through.day``). Pass the upper edge of a window if the protocol
        allows one.
    through : Timepoint
        The timepoint the response must be maintained through.
    events, intercurrent, policy, use_unscheduled
        As in :func:`status_at`.

    Returns
    -------
    LongitudinalResult
        ``day`` is the onset, ``end_day`` the day of the *through* visit.

    Examples
    --------
    >>> m24 = Timepoint(label="month 24", day=730, window_days=30)
    >>> visits = [
    ...     Assessment(day=182, status="not_met"),
    ...     Assessment(day=365, status="met"),
    ...     Assessment(day=548, status="met"),
    ...     Assessment(day=735, status="met"),
    ... ]
    >>> r = achieve_and_maintain(visits, by_day=365, through=m24)
    >>> r.status, r.day, r.end_day
    (<Status.MET: 'met'>, 365, 735)
    >>> lost = [*visits[:2], Assessment(day=548, status="not_met"), visits[3]]
    >>> achieve_and_maintain(lost, by_day=365, through=m24).status
    <Status.NOT_MET: 'not_met'>
    """
    how = _policy(policy)
    through = check_timepoint("through", through)
    by_day = check_day("by_day", by_day)
    intercurrent = check_event_types("intercurrent", intercurrent)
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    if not 1 <= by_day <= through.day:
        raise InvalidValueError(
            field="by_day",
            value=by_day,
            expected=f"a study day from 1 to through.day ({through.day})",
        )
    rule = (
        f"achieved by day {by_day} and maintained through {through.label} ({how.value})"
    )
    used = in_use(assessments, use_unscheduled=use_unscheduled)
    end, imputed, why = _end_assessment(used, through, how)
    end_day = max(through.day, end.day if end and not imputed else through.day)
    event = _first_event(events, intercurrent, end_day)
    if event is not None:
        return LongitudinalResult(
            rule=rule,
            status=Status.NOT_MET,
            explanation=(
                f"intercurrent event {event.type.value} on day {event.day} "
                f"(on or before day {end_day}): non-responder",
            ),
        )
    if end is None:
        return _missing(rule, how, why)
    steps = [why]
    limit = end.day
    early = [a for a in used if a.day <= min(by_day, limit)]
    onset = next((a for a in early if a.status is Status.MET), None)
    if onset is None:
        if any(a.status is Status.NOT_MET for a in early) or (
            how is MissingPolicy.NON_RESPONDER
        ):
            steps.append(f"response not reached by day {by_day}")
            return LongitudinalResult(
                rule=rule,
                status=Status.NOT_MET,
                end_day=end.day,
                imputed=not early
                or all(a.status is Status.NOT_EVALUABLE for a in early),
                explanation=tuple(steps),
            )
        steps.append(f"no evaluable visit by day {by_day}: not evaluable")
        return LongitudinalResult(
            rule=rule, status=Status.NOT_EVALUABLE, explanation=tuple(steps)
        )
    window = [a for a in used if a.day <= limit]

    def breaks(a: Assessment) -> bool:
        return a.status is Status.NOT_MET or (
            a.status is Status.NOT_EVALUABLE and how is MissingPolicy.NON_RESPONDER
        )

    last_break = max((i for i, a in enumerate(window) if breaks(a)), default=-1)
    held = next(
        (
            a
            for a in window[last_break + 1 :]
            if a.status is Status.MET and a.day <= by_day
        ),
        None,
    )
    if held is None:
        lost = window[last_break]
        steps.append(f"response reached on {_where(onset)}")
        if lost.status is Status.NOT_MET:
            steps.append(f"response lost on {_where(lost)}")
        else:
            steps.append(
                f"{_where(lost)} not evaluable ({lost.reason or 'no reason given'}): "
                "non-responder imputation"
            )
        steps.append(f"not reached again by day {by_day} and held through day {limit}")
        return LongitudinalResult(
            rule=rule,
            status=Status.NOT_MET,
            day=onset.day,
            end_day=end.day,
            imputed=lost.status is Status.NOT_EVALUABLE,
            explanation=tuple(steps),
        )
    if held is not onset:
        steps.append(
            f"response first reached on {_where(onset)}, lost on "
            f"{_where(window[last_break])}, reached again on {_where(held)}"
        )
    else:
        steps.append(f"response reached on {_where(held)}")
    onset = held
    for a in window:
        if a.day > onset.day and a.status is Status.NOT_EVALUABLE:
            note = f"{_where(a)} not evaluable ({a.reason or 'no reason given'})"
            steps.append(f"{note}: passed over")
    steps.append(f"maintained at every assessed visit through day {limit}")
    return LongitudinalResult(
        rule=rule,
        status=Status.MET,
        day=onset.day,
        end_day=end.day,
        imputed=imputed,
        explanation=tuple(steps),
    )


def first_response(
    assessments: Iterable[Assessment],
    *,
    until_day: int | None = None,
    events: Iterable[DatedEvent] = (),
    intercurrent: frozenset[EventType] = DEFAULT_INTERCURRENT,
    use_unscheduled: bool = False,
) -> LongitudinalResult:
    """First visit after day 0 at which the response is met.

    A response on or after an intercurrent event (of a type in
    *intercurrent*) does not count.

    Returns
    -------
    LongitudinalResult
        Met with ``day`` = first response day; not met if there was an
        evaluable visit but no response; not evaluable if no visit was
        evaluable (and no intercurrent event settled it).

    Examples
    --------
    >>> visits = [
    ...     Assessment(day=91, status="not_met"),
    ...     Assessment(day=182, status="met"),
    ... ]
    >>> first_response(visits).day
    182
    >>> first_response(visits, events=[DatedEvent(day=120, type="withdrawal")]).status
    <Status.NOT_MET: 'not_met'>
    """
    if until_day is not None:
        until_day = check_day("until_day", until_day)
    intercurrent = check_event_types("intercurrent", intercurrent)
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    rule = "first response" + (f" by day {until_day}" if until_day is not None else "")
    used = [
        a
        for a in in_use(assessments, use_unscheduled=use_unscheduled)
        if until_day is None or a.day <= until_day
    ]
    evs = checked(events, DatedEvent, "events")
    horizon = until_day if until_day is not None else max([0, *(e.day for e in evs)])
    event = _first_event(evs, intercurrent, horizon)
    for a in used:
        if event is not None and event.day <= a.day:
            break
        if a.status is Status.MET:
            return LongitudinalResult(
                rule=rule,
                status=Status.MET,
                day=a.day,
                end_day=a.day,
                explanation=(f"first met on {_where(a)}",),
            )
    if event is not None:
        return LongitudinalResult(
            rule=rule,
            status=Status.NOT_MET,
            explanation=(
                f"intercurrent event {event.type.value} on day {event.day} "
                "before any response",
            ),
        )
    if any(a.status is Status.NOT_MET for a in used):
        return LongitudinalResult(
            rule=rule,
            status=Status.NOT_MET,
            explanation=("no visit met the response",),
        )
    return LongitudinalResult(
        rule=rule,
        status=Status.NOT_EVALUABLE,
        explanation=("no evaluable visit after day 0",),
    )


def confirmed_response(
    assessments: Iterable[Assessment],
    *,
    min_days_apart: int,
    until_day: int | None = None,
    events: Iterable[DatedEvent] = (),
    intercurrent: frozenset[EventType] = DEFAULT_INTERCURRENT,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    use_unscheduled: bool = False,
) -> LongitudinalResult:
    """First response confirmed at a later visit at least *min_days_apart* days on.

    The onset is a met visit; the confirming visit is the first later
    evaluable visit at least *min_days_apart* days after it, and it must be
    met too. Every evaluable visit in between must be met (so the two are
    consecutive responses); a not-evaluable visit in between breaks the chain
    under ``non_responder`` and is passed over otherwise. Visits on or after an
    intercurrent event (type in *intercurrent*) are not used.

    Parameters
    ----------
    assessments : iterable of Assessment
        Per-visit statuses, any order.
    min_days_apart : int
        Minimum days from onset to confirming visit (>= 1).
    until_day : int, optional
        Last study day a confirming visit may have.
    events, intercurrent, policy, use_unscheduled
        As in :func:`status_at`.

    Returns
    -------
    LongitudinalResult
        ``day`` is the onset and ``end_day`` the confirming visit.

    Examples
    --------
    >>> visits = [
    ...     Assessment(day=91, status="met"),
    ...     Assessment(day=100, status="met"),
    ...     Assessment(day=182, status="met"),
    ... ]
    >>> r = confirmed_response(visits, min_days_apart=28)
    >>> r.day, r.end_day
    (91, 182)
    """
    how = _policy(policy)
    min_days_apart = check_day("min_days_apart", min_days_apart, minimum=1)
    if until_day is not None:
        until_day = check_day("until_day", until_day)
    intercurrent = check_event_types("intercurrent", intercurrent)
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    rule = f"response confirmed >= {min_days_apart} days later ({how.value})"
    evs = checked(events, DatedEvent, "events")
    used = [
        a
        for a in in_use(assessments, use_unscheduled=use_unscheduled)
        if until_day is None or a.day <= until_day
    ]
    horizon = max([0, *(a.day for a in used)])
    event = _first_event(evs, intercurrent, horizon)
    if event is not None:
        used = [a for a in used if a.day < event.day]
    steps: list[str] = []
    if event is not None:
        steps.append(
            f"visits from day {event.day} not used (intercurrent {event.type.value})"
        )
    for i, onset in enumerate(used):
        if onset.status is not Status.MET:
            continue
        for later in used[i + 1 :]:
            if later.status is Status.NOT_MET:
                steps.append(f"met on {_where(onset)}, not met on {_where(later)}")
                break
            if later.status is Status.NOT_EVALUABLE:
                if how is MissingPolicy.NON_RESPONDER:
                    steps.append(
                        f"met on {_where(onset)}, {_where(later)} not evaluable "
                        "(non-responder imputation)"
                    )
                    break
                continue
            if later.day - onset.day >= min_days_apart:
                steps.append(f"met on {_where(onset)}, confirmed on {_where(later)}")
                return LongitudinalResult(
                    rule=rule,
                    status=Status.MET,
                    day=onset.day,
                    end_day=later.day,
                    explanation=tuple(steps),
                )
        else:
            steps.append(f"met on {_where(onset)}, no later visit to confirm it")
    if (
        event is not None
        or how is MissingPolicy.NON_RESPONDER
        or any(a.status is not Status.NOT_EVALUABLE for a in used)
    ):
        return LongitudinalResult(
            rule=rule,
            status=Status.NOT_MET,
            explanation=(*steps, "no confirmed response"),
        )
    return LongitudinalResult(
        rule=rule,
        status=Status.NOT_EVALUABLE,
        explanation=(*steps, "no evaluable visit: not evaluable"),
    )
