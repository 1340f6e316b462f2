"""From a participant's dated records to study-day series.

The glue between the models (layer 2) and the definition-free rules: study
days relative to the participant's day 0, intercurrent events as
:class:`~lupusscore.outcomes.DatedEvent`, baseline values and the value of an
analyte at a timepoint.

Conventions (``docs/outcomes.md``):

- A lab result belongs to the study day of its **visit** (not its own
  collection date); visit windows are applied to visit days.
- **Baseline** of an analyte is its latest result at a visit on study days
  ``-baseline_window_days`` to 0 (day 0 included: a visit on the infusion day
  is taken as pre-dose). No baseline in that window means no baseline: change
  from baseline is then not evaluable, never computed from a later value.
- The value **at a timepoint** comes from the visit nearest the target day
  among visits in the window that carry the analyte (earlier on ties);
  unscheduled visits only with ``use_unscheduled=True``.
- A visit with ``rescue_therapy=True`` is a rescue-therapy event on that day,
  in addition to the participant's recorded events.
- Two visits on one study day that give the same value count once; different
  values on one day are a :class:`~lupusscore.errors.DuplicateResultError`
  (input order never picks one). A visit of another participant is an
  :class:`~lupusscore.errors.InvalidValueError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from lupusscore._checks import conflicting_records, describe
from lupusscore.analytes import Analyte, analyte_spec
from lupusscore.errors import InvalidDateError, InvalidValueError
from lupusscore.models import (
    DEFAULT_BASELINE_WINDOW_DAYS,
    EventType,
    LabResult,
    Participant,
    Timepoint,
    Visit,
)
from lupusscore.outcomes._args import (
    check_callable,
    check_day,
    check_participant,
    check_switch,
    check_timepoint,
)
from lupusscore.outcomes._longitudinal import DatedEvent
from lupusscore.outcomes._windows import select_nearest, study_day

__all__ = [
    "baseline_lab",
    "baseline_value",
    "baseline_visit",
    "lab_at",
    "last_contact_day",
    "participant_events",
    "value_at",
    "visit_day",
]

T = TypeVar("T")


def _day0(participant: Participant) -> dt.date:
    participant = check_participant(participant)
    if participant.day0 is None:
        raise InvalidDateError(
            field="day0",
            value=None,
            expected=f"participant {participant.patient.id!r} to have a day0",
        )
    return participant.day0


def _own_visit(participant: Participant, visit: Visit) -> None:
    """Reject a visit that is not one of *participant*'s (wrong type or id)."""
    check_participant(participant)
    if not isinstance(visit, Visit):
        raise InvalidValueError(
            field="visit", value=describe(visit), expected="a Visit"
        )
    if visit.participant_id != participant.patient.id:
        raise InvalidValueError(
            field="visit.participant_id",
            value=visit.participant_id,
            expected=f"a visit of participant {participant.patient.id!r}",
            participant=participant.patient.id,
        )


def visit_day(participant: Participant, visit: Visit) -> int:
    """Study day of *visit* for *participant* (needs ``participant.day0``).

    Raises
    ------
    InvalidValueError
        The visit belongs to another participant.

    Examples
    --------
    >>> from lupusscore import Patient
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[{"participant_id": "P1", "date": "2009-07-31"}],
    ... )
    >>> visit_day(p, p.visits[0])
    91
    """
    _own_visit(participant, visit)
    return study_day(visit.date, _day0(participant))


def participant_events(participant: Participant) -> tuple[DatedEvent, ...]:
    """List the participant's events as study days, visit rescue flags included.

    Examples
    --------
    >>> from lupusscore import Patient
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[
    ...         {"participant_id": "P1", "date": "2009-06-01", "rescue_therapy": True}
    ...     ],
    ...     events=[{"type": "withdrawal", "date": "2009-08-01"}],
    ... )
    >>> [(e.day, e.type.value) for e in participant_events(p)]
    [(31, 'rescue_therapy'), (92, 'withdrawal')]
    """
    day0 = _day0(participant)
    found = [
        DatedEvent(day=study_day(e.date, day0), type=e.type) for e in participant.events
    ]
    found += [
        DatedEvent(day=study_day(v.date, day0), type=EventType.RESCUE_THERAPY)
        for v in participant.visits
        if v.rescue_therapy
    ]
    return tuple(sorted(set(found), key=lambda e: (e.day, e.type.value)))


def last_contact_day(participant: Participant) -> int:
    """Study day of the last visit or event (0 if there is neither after day 0).

    Examples
    --------
    >>> from lupusscore import Patient
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[{"participant_id": "P1", "date": "2009-06-01"}],
    ... )
    >>> last_contact_day(p)
    31
    """
    participant = check_participant(participant)
    days = [visit_day(participant, v) for v in participant.visits]
    days += [e.day for e in participant_events(participant)]
    return max([0, *days])


def _candidates(
    participant: Participant,
    keep: Callable[[Visit], T | None],
    *,
    first: int,
    last: int,
    use_unscheduled: bool,
) -> list[tuple[int, Visit, T]]:
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    found: dict[int, list[tuple[Visit, T]]] = {}
    for v in participant.visits:
        d = visit_day(participant, v)
        if not first <= d <= last or (v.unscheduled and not use_unscheduled):
            continue
        got = keep(v)
        if got is not None:
            found.setdefault(d, []).append((v, got))
    out: list[tuple[int, Visit, T]] = []
    for d in sorted(found):
        same = found[d]
        if any(got != same[0][1] for _, got in same[1:]):
            err = conflicting_records(
                "visits",
                f"study day {d}",
                f"{len(same)} visits give different values",
                participant=participant.patient.id,
            )
            raise err
        out.append((d, same[0][0], same[0][1]))
    return out


def baseline_visit(
    participant: Participant,
    *,
    window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
    use_unscheduled: bool = True,
) -> Visit | None:
    """Latest visit on study days ``-window_days`` to 0, or None."""
    window_days = check_day("window_days", window_days, minimum=0)
    found = _candidates(
        participant,
        lambda v: v,
        first=-window_days,
        last=0,
        use_unscheduled=use_unscheduled,
    )
    return found[-1][1] if found else None


def baseline_lab(
    participant: Participant,
    analyte: Analyte | str,
    *,
    window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
) -> LabResult | None:
    """Latest result of *analyte* at a visit on study days ``-window_days`` to 0.

    Baseline visits may be unscheduled (screening).

    Examples
    --------
    >>> from lupusscore import Patient
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[
    ...         {
    ...             "participant_id": "P1",
    ...             "date": "2009-04-20",
    ...             "labs": [
    ...                 {
    ...                     "analyte": "c3",
    ...                     "value": 0.6,
    ...                     "unit": "g/L",
    ...                     "date": "2009-04-20",
    ...                 }
    ...             ],
    ...         }
    ...     ],
    ... )
    >>> baseline_lab(p, "c3").value
    0.6
    """
    a = analyte_spec(analyte).analyte
    window_days = check_day("window_days", window_days, minimum=0)
    found = _candidates(
        participant,
        lambda v: v.latest(a),
        first=-window_days,
        last=0,
        use_unscheduled=True,
    )
    return found[-1][2] if found else None


def lab_at(
    participant: Participant,
    analyte: Analyte | str,
    timepoint: Timepoint,
    *,
    use_unscheduled: bool = False,
) -> tuple[int, LabResult] | None:
    """Study day and result of *analyte* at *timepoint* (nearest visit carrying it).

    Examples
    --------
    >>> from lupusscore import Patient
    >>> p = Participant(
    ...     patient=Patient(id="P1", sex="female", birth_date="1980-01-01"),
    ...     day0="2009-05-01",
    ...     visits=[
    ...         {
    ...             "participant_id": "P1",
    ...             "date": "2009-08-05",
    ...             "labs": [
    ...                 {
    ...                     "analyte": "c3",
    ...                     "value": 0.8,
    ...                     "unit": "g/L",
    ...                     "date": "2009-08-05",
    ...                 }
    ...             ],
    ...         }
    ...     ],
    ... )
    >>> day, lab = lab_at(p, "c3", Timepoint(label="month 3", day=91, window_days=14))
    >>> day, lab.value
    (96, 0.8)
    """
    a = analyte_spec(analyte).analyte
    timepoint = check_timepoint("timepoint", timepoint)
    found = _candidates(
        participant,
        lambda v: v.latest(a),
        first=timepoint.first_day,
        last=timepoint.last_day,
        use_unscheduled=use_unscheduled,
    )
    chosen = select_nearest(found, timepoint, day=lambda c: c[0])
    return None if chosen is None else (chosen[0], chosen[2])


def value_at(
    participant: Participant,
    timepoint: Timepoint,
    measure: Callable[[Visit], float | None],
    *,
    use_unscheduled: bool = False,
) -> tuple[int, float] | None:
    """Study day and value of *measure* at *timepoint* (nearest visit where defined).

    *measure* maps a visit to a number, or None where it cannot be computed
    (e.g. an eGFR without a creatinine).
    """
    timepoint = check_timepoint("timepoint", timepoint)
    measure = check_callable("measure", measure)  # type: ignore[assignment]
    found = _candidates(
        participant,
        measure,
        first=timepoint.first_day,
        last=timepoint.last_day,
        use_unscheduled=use_unscheduled,
    )
    chosen = select_nearest(found, timepoint, day=lambda c: c[0])
    return None if chosen is None else (chosen[0], chosen[2])


def baseline_value(
    participant: Participant,
    measure: Callable[[Visit], float | None],
    *,
    window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
) -> tuple[Visit, float] | None:
    """Latest visit on study days ``-window_days`` to 0 where *measure* is defined.

    Returns the visit and the value, or None (no baseline).
    """
    measure = check_callable("measure", measure)  # type: ignore[assignment]
    window_days = check_day("window_days", window_days, minimum=0)
    found = _candidates(
        participant, measure, first=-window_days, last=0, use_unscheduled=True
    )
    return None if not found else (found[-1][1], found[-1][2])
