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
import warnings
from collections.abc import Callable
from typing import TypeAlias, TypeVar

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
from lupusscore.results import FrozenModel

__all__ = [
    "Measure",
    "Observation",
    "baseline_lab",
    "baseline_observation",
    "baseline_value",
    "baseline_visit",
    "lab_at",
    "last_contact_day",
    "observation_at",
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


def check_own_visit(participant: Participant, visit: Visit) -> None:
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
    check_own_visit(participant, visit)
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
    participant = check_participant(participant)
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


class Observation(FrozenModel):
    """One value of a participant at one visit, with where it came from.

    Attributes
    ----------
    value : float or None
        The value (a lab in its canonical unit, or what the measure returned);
        None when the observation is the visit itself (no measure).
    unit : str or None
        Unit of *value* (a lab's canonical unit, or the unit given with a
        measure function).
    date : datetime.date
        Date of the visit.
    day : int
        Study day of the visit.
    visit : Visit
        The visit the value comes from.
    lab : LabResult or None
        The lab result, when the measure is an analyte.
    """

    value: float | None
    unit: str | None = None
    date: dt.date
    day: int
    visit: Visit
    lab: LabResult | None = None


#: What to observe at a visit: an analyte (its latest result), a function of
#: the visit returning a number or None (not defined at that visit), or None
#: (the visit itself).
Measure: TypeAlias = Analyte | str | Callable[[Visit], float | None] | None


def _reader(measure: object) -> Callable[[Visit], object | None]:
    """Return what :func:`_candidates` keeps of a visit for *measure*."""
    if measure is None:
        return lambda v: v
    if isinstance(measure, Analyte | str):
        a = analyte_spec(measure).analyte
        return lambda v: v.latest(a)
    return check_callable("measure", measure)


def _check_unit(unit: object) -> str | None:
    """Check the display unit a caller gives for a measure: text or None."""
    if unit is not None and (not isinstance(unit, str) or not unit.strip()):
        raise InvalidValueError(
            field="unit", value=describe(unit), expected="a unit string or None"
        )
    return unit


def _observation(found: tuple[int, Visit, object], unit: str | None) -> Observation:
    day, visit, got = found
    if isinstance(got, LabResult):
        return Observation(
            value=got.canonical_value,
            unit=got.canonical_unit,
            date=visit.date,
            day=day,
            visit=visit,
            lab=got,
        )
    if isinstance(got, Visit):
        return Observation(value=None, date=visit.date, day=day, visit=visit)
    if isinstance(got, bool) or not isinstance(got, int | float):
        raise InvalidValueError(
            field="measure",
            value=describe(got),
            expected="a function returning a number or None",
        )
    return Observation(
        value=float(got), unit=unit, date=visit.date, day=day, visit=visit
    )


def baseline_observation(
    participant: Participant,
    measure: Measure = None,
    *,
    window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
    use_unscheduled: bool = True,
    unit: str | None = None,
) -> Observation | None:
    """Observe *measure* at baseline: the latest visit on days ``-window_days`` to 0.

    Baseline visits may be unscheduled (screening) unless
    ``use_unscheduled=False``.

    Parameters
    ----------
    participant : Participant
        With ``day0`` set.
    measure : Analyte, str, callable or None
        An analyte (its latest result at the visit), a function of the visit
        returning a number or None, or None for the latest visit itself.
    window_days : int
        Look-back in days (default 30).
    use_unscheduled : bool
        Whether unscheduled visits count (default True).
    unit : str, optional
        Unit of a measure function's values (labs carry their own).

    Returns
    -------
    Observation or None
        None when there is no baseline in the window.

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
    >>> base = baseline_observation(p, "c3")
    >>> base.value, base.unit, base.day
    (0.6, 'g/L', -11)
    """
    keep = _reader(measure)
    unit = _check_unit(unit)
    window_days = check_day("window_days", window_days, minimum=0)
    found = _candidates(
        participant, keep, first=-window_days, last=0, use_unscheduled=use_unscheduled
    )
    return _observation(found[-1], unit) if found else None


def observation_at(
    participant: Participant,
    timepoint: Timepoint,
    measure: Measure = None,
    *,
    use_unscheduled: bool = False,
    unit: str | None = None,
) -> Observation | None:
    """Observe *measure* at *timepoint*: the nearest visit in its window.

    Parameters are those of :func:`baseline_observation`, with the
    *timepoint* (target day and window); the earlier visit wins a tie and
    unscheduled visits count only with ``use_unscheduled=True``.

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
    >>> tp = Timepoint(label="month 3", day=91, window_days=14)
    >>> got = observation_at(p, tp, "c3")
    >>> got.day, got.value, got.lab.value
    (96, 0.8, 0.8)
    """
    keep = _reader(measure)
    timepoint = check_timepoint("timepoint", timepoint)
    unit = _check_unit(unit)
    found = _candidates(
        participant,
        keep,
        first=timepoint.first_day,
        last=timepoint.last_day,
        use_unscheduled=use_unscheduled,
    )
    chosen = select_nearest(found, timepoint, day=lambda c: c[0])
    return None if chosen is None else _observation(chosen, unit)


# --- deprecated helpers (one release) ------------------------------------------


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        f"lupusscore.outcomes.{old} is deprecated and will be removed; use "
        f"lupusscore.outcomes.{new}, which returns an Observation",
        DeprecationWarning,
        stacklevel=3,
    )


def baseline_visit(
    participant: Participant,
    *,
    window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
    use_unscheduled: bool = True,
) -> Visit | None:
    """Return the baseline visit (deprecated: use :func:`baseline_observation`)."""
    _deprecated("baseline_visit", "baseline_observation")
    got = baseline_observation(
        participant, window_days=window_days, use_unscheduled=use_unscheduled
    )
    return None if got is None else got.visit


def baseline_lab(
    participant: Participant,
    analyte: Analyte | str,
    *,
    window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
) -> LabResult | None:
    """Return the baseline lab (deprecated: use :func:`baseline_observation`)."""
    _deprecated("baseline_lab", "baseline_observation")
    a = analyte_spec(analyte).analyte
    got = baseline_observation(participant, a, window_days=window_days)
    return None if got is None else got.lab


def lab_at(
    participant: Participant,
    analyte: Analyte | str,
    timepoint: Timepoint,
    *,
    use_unscheduled: bool = False,
) -> tuple[int, LabResult] | None:
    """Return (day, lab) at *timepoint* (deprecated: use :func:`observation_at`)."""
    _deprecated("lab_at", "observation_at")
    a = analyte_spec(analyte).analyte
    got = observation_at(participant, timepoint, a, use_unscheduled=use_unscheduled)
    return None if got is None or got.lab is None else (got.day, got.lab)


def value_at(
    participant: Participant,
    timepoint: Timepoint,
    measure: Callable[[Visit], float | None],
    *,
    use_unscheduled: bool = False,
) -> tuple[int, float] | None:
    """Return (day, value) at *timepoint* (deprecated: use :func:`observation_at`)."""
    _deprecated("value_at", "observation_at")
    check_callable("measure", measure)
    got = observation_at(
        participant, timepoint, measure, use_unscheduled=use_unscheduled
    )
    return None if got is None or got.value is None else (got.day, got.value)


def baseline_value(
    participant: Participant,
    measure: Callable[[Visit], float | None],
    *,
    window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
) -> tuple[Visit, float] | None:
    """Return (visit, value) at baseline (deprecated: :func:`baseline_observation`)."""
    _deprecated("baseline_value", "baseline_observation")
    check_callable("measure", measure)
    got = baseline_observation(participant, measure, window_days=window_days)
    return None if got is None or got.value is None else (got.visit, got.value)
