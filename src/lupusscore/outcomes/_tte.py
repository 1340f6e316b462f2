"""Time to event with censoring, per participant.

A :class:`TimeToEvent` is the study day of the first event or of censoring.
The generic :func:`time_to_first` takes per-visit statuses (the event is the
first visit where the status is met) and/or event records; participant-level
helpers derive death, ESKD and doubling of serum creatinine.

Censoring conventions (``docs/outcomes.md``):

- Without an event, follow-up ends at the last visit at which the outcome was
  evaluable (for status-based outcomes) or at the last contact (last visit or
  event, for record-based outcomes such as death).
- A censoring event (default: death and withdrawal, for outcomes other than
  death itself) ends follow-up on its day, if it comes first. Death is then a
  competing event handled as censoring; the Kaplan-Meier estimate is the
  cause-specific one and the documentation says so.
- An administrative cut-off (``end_day``) censors everything after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import describe
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import DEFAULT_BASELINE_WINDOW_DAYS, EventType, Participant
from lupusscore.outcomes._args import (
    Day,
    Switch,
    check_day,
    check_event_types,
    check_participant,
    check_switch,
    checked,
)
from lupusscore.outcomes._longitudinal import Assessment, DatedEvent, in_use
from lupusscore.outcomes._trial import (
    baseline_observation,
    last_contact_day,
    participant_events,
    visit_day,
)
from lupusscore.results import FrozenModel, Status

__all__ = [
    "CREATININE_DOUBLING_FACTOR",
    "DEFAULT_CENSORING",
    "ESKD_EVENTS",
    "TimeToEvent",
    "TimesToEvent",
    "time_to_creatinine_doubling",
    "time_to_death",
    "time_to_eskd",
    "time_to_first",
    "time_to_first_segments",
]

#: Events that censor a non-death outcome by default.
DEFAULT_CENSORING: Final[frozenset[EventType]] = frozenset(
    {EventType.DEATH, EventType.WITHDRAWAL}
)
#: End-stage kidney disease as recorded events: chronic dialysis or kidney
#: transplant (hard kidney outcomes of BLISS-LN and NOBILITY post hoc analyses,
#: lupusscore clinical reference section 4.2). The eGFR < 15 limb is not
#: derived here.
ESKD_EVENTS: Final[frozenset[EventType]] = frozenset(
    {EventType.DIALYSIS, EventType.TRANSPLANT}
)
#: "Doubling of serum creatinine": creatinine >= 2 x baseline (hard kidney
#: outcome, lupusscore clinical reference section 4.2).
CREATININE_DOUBLING_FACTOR: Final = 2.0


class TimeToEvent(FrozenModel):
    """Time from day 0 to an event or to censoring.

    Attributes
    ----------
    outcome : str
        What the event is.
    day : int
        Study day of the event, or of censoring (>= 0).
    event : bool
        True for an event, False when censored.
    reason : str
        What decided the time (the event, or why follow-up ended).

    Examples
    --------
    >>> TimeToEvent(outcome="death", day=400, event=False, reason="last contact").event
    False
    """

    outcome: str
    day: Day
    event: Switch
    reason: str


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
    evs = checked(events, DatedEvent, "events")
    met = [a.day for a in used if a.status is Status.MET]
    follow = last_day if last_day is not None else max([0, *(a.day for a in used)])
    out = time_to_first_segments(
        1,
        met_seg=np.zeros(len(met), dtype=np.int64),
        met_day=np.array(met, dtype=np.int64),
        event_seg=np.zeros(len(evs), dtype=np.int64),
        event_day=np.array([e.day for e in evs], dtype=np.int64),
        event_type=np.array([e.type.value for e in evs], dtype=object),
        event_types=event_types,
        censor_on=censor_on,
        last_day=np.array([follow], dtype=np.int64),
        end_day=end_day,
    )
    return TimeToEvent(
        outcome=outcome,
        day=int(out.day[0]),
        event=bool(out.event[0]),
        reason=str(out.reason[0]),
    )


@dataclass(frozen=True)
class TimesToEvent:
    """Per segment (participant): day, event flag and reason (see TimeToEvent)."""

    day: npt.NDArray[np.int64]
    event: npt.NDArray[np.bool_]
    reason: npt.NDArray[np.object_]


_NEVER: Final = np.iinfo(np.int64).max


def _first(
    n: int,
    seg: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    kind: npt.NDArray[np.object_],
    types: frozenset[EventType],
    *,
    min_day: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.object_]]:
    """Each segment's first (day, then type name) event of *types* from *min_day*."""
    first = np.full(n, _NEVER, dtype=np.int64)
    name = np.full(n, None, dtype=object)
    if not types or not len(day):
        return first, name
    names = kind.astype(str)
    hit = np.isin(names, sorted(t.value for t in types)) & (day >= min_day)
    rows = np.flatnonzero(hit)
    order = rows[np.lexsort((names[rows], day[rows], seg[rows]))]
    first_of_seg = np.ones(len(order), dtype=bool)
    first_of_seg[1:] = seg[order][1:] != seg[order][:-1]
    keep = order[first_of_seg]
    first[seg[keep]] = day[keep]
    name[seg[keep]] = names[keep]
    return first, name


def _hit_text(kind: object, day: int) -> str:
    """Return the reason of an event of a type."""
    return f"event: {kind} on day {day}"


def _met_text(day: int) -> str:
    """Return the reason of a met assessment."""
    return f"event: met on day {day}"


def _fill(
    out: npt.NDArray[np.object_], at: npt.NDArray[np.intp], texts: list[str]
) -> None:
    """Put *texts* at positions *at* of an object array (strings kept whole)."""
    column = np.empty(len(texts), dtype=object)
    column[:] = texts
    out[at] = column


def time_to_first_segments(
    n: int,
    *,
    met_seg: npt.NDArray[np.int64],
    met_day: npt.NDArray[np.int64],
    event_seg: npt.NDArray[np.int64],
    event_day: npt.NDArray[np.int64],
    event_type: npt.NDArray[np.object_],
    event_types: frozenset[EventType],
    censor_on: frozenset[EventType],
    last_day: npt.NDArray[np.int64],
    end_day: int | None = None,
) -> TimesToEvent:
    """Apply the rule of :func:`time_to_first` to *n* segments at once.

    *met_seg*/*met_day* are the met assessments in use (after day 0, evaluable,
    scheduled unless the caller uses unscheduled ones); the events are every
    recorded event with its type name; *last_day* is each segment's end of
    follow-up. The earliest of: the first met day or first event of
    *event_types* after day 0 (an event), the first *censor_on* event (not
    of *event_types*) on or after day 0 (censored), the end of follow-up,
    the cut-off *end_day*; on one day an event, then a censoring event, then
    the end of follow-up, then the cut-off; two events on one day are told
    apart by their reason text, as the per-participant rule always did.
    """
    met = np.full(n, _NEVER, dtype=np.int64)
    np.minimum.at(met, met_seg[met_day > 0], met_day[met_day > 0])
    hit, hit_name = _first(n, event_seg, event_day, event_type, event_types, min_day=1)
    stop, stop_name = _first(
        n, event_seg, event_day, event_type, censor_on - event_types, min_day=0
    )
    cut = _NEVER if end_day is None else end_day
    # the earlier event; on one day the smaller reason text (tuple order):
    # the texts are compared only where the tie decides an event's reason
    use_hit = hit < met
    tie = np.flatnonzero(
        (hit == met) & (met <= stop) & (met <= last_day) & (met <= cut)
    )
    if len(tie):
        use_hit[tie] = [
            _hit_text(k, d) < _met_text(d)
            for k, d in zip(hit_name[tie].tolist(), hit[tie].tolist(), strict=True)
        ]
    event_day_ = np.where(use_hit, hit, met)
    is_event = (event_day_ <= stop) & (event_day_ <= last_day) & (event_day_ <= cut)
    by_stop = ~is_event & (stop <= last_day) & (stop <= cut)
    by_follow = ~is_event & ~by_stop & (last_day <= cut)
    ended = np.where(by_follow, last_day, cut)
    day = np.where(is_event, event_day_, np.where(by_stop, stop, ended))
    # each reason text made only for the participants it describes
    reason = np.full(n, f"censored: cut-off day {cut}", dtype=object)
    reason[by_follow] = "censored: end of follow-up"
    at = np.flatnonzero(by_stop)
    _fill(reason, at, [f"censored: {k}" for k in stop_name[at].tolist()])
    at = np.flatnonzero(is_event & use_hit)
    pairs = zip(hit_name[at].tolist(), hit[at].tolist(), strict=True)
    _fill(reason, at, [_hit_text(k, d) for k, d in pairs])
    at = np.flatnonzero(is_event & ~use_hit)
    _fill(reason, at, [_met_text(d) for d in met[at].tolist()])
    return TimesToEvent(day=np.maximum(day, 0), event=is_event, reason=reason)


def time_to_death(
    participant: Participant, *, end_day: int | None = None
) -> TimeToEvent:
    """Overall survival: time to death, censored at last contact.

    Examples
    --------
    >>> from lupusscore import Patient
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[{"participant_id": "P1", "date": "2009-06-01"}],
    ...     events=[{"type": "death", "date": "2009-09-28"}],
    ... )
    >>> t = time_to_death(p)
    >>> t.day, t.event
    (150, True)
    """
    return time_to_first(
        "death",
        events=participant_events(participant),
        event_types=frozenset({EventType.DEATH}),
        censor_on=frozenset(),
        last_day=last_contact_day(participant),
        end_day=end_day,
    )


def time_to_eskd(
    participant: Participant, *, end_day: int | None = None
) -> TimeToEvent:
    """Time to ESKD (chronic dialysis or transplant); death censors.

    Examples
    --------
    >>> from lupusscore import Patient
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[{"participant_id": "P1", "date": "2010-05-01"}],
    ... )
    >>> time_to_eskd(p).reason
    'censored: end of follow-up'
    """
    return time_to_first(
        "eskd",
        events=participant_events(participant),
        event_types=ESKD_EVENTS,
        censor_on=DEFAULT_CENSORING,
        last_day=last_contact_day(participant),
        end_day=end_day,
    )


def time_to_creatinine_doubling(
    participant: Participant,
    *,
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
    end_day: int | None = None,
    use_unscheduled: bool = False,
) -> TimeToEvent | None:
    """Time to serum creatinine >= 2 x baseline; death and withdrawal censor.

    Returns None when the participant has no baseline creatinine (not
    evaluable). Follow-up without an event ends at the last creatinine.

    Examples
    --------
    >>> from lupusscore import Patient
    >>> def lab(d, v):
    ...     return {
    ...         "participant_id": "P1",
    ...         "date": d,
    ...         "labs": [
    ...             {"analyte": "creatinine", "value": v, "unit": "mg/dL", "date": d}
    ...         ],
    ...     }
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[
    ...         lab("2009-05-01", 1.0),
    ...         lab("2009-07-31", 1.9),
    ...         lab("2009-10-30", 2.0),
    ...     ],
    ... )
    >>> t = time_to_creatinine_doubling(p)
    >>> t.day, t.event
    (182, True)
    """
    participant = check_participant(participant)
    base = baseline_observation(
        participant, Analyte.CREATININE, window_days=baseline_window_days
    )
    if base is None or base.value is None:
        return None
    threshold = CREATININE_DOUBLING_FACTOR * base.value
    assessments = []
    for v in participant.visits:
        lab = v.latest(Analyte.CREATININE)
        if lab is None:
            continue
        assessments.append(
            Assessment(
                day=visit_day(participant, v),
                status=Status.of(lab.canonical_value >= threshold),
                unscheduled=v.unscheduled,
            )
        )
    return time_to_first(
        "creatinine doubling",
        assessments=assessments,
        events=participant_events(participant),
        censor_on=DEFAULT_CENSORING,
        end_day=end_day,
        use_unscheduled=use_unscheduled,
    )
