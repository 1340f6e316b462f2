"""Longitudinal rules over per-visit tri-state statuses.

Every rule here takes a sequence of :class:`Assessment` (study day and a
:class:`~lupusscore.Status`: met / not met / not evaluable) and, optionally,
the participant's intercurrent events as :class:`DatedEvent`. The rules do not
know which definition produced the statuses: complete renal response by
KDIGO 2024, a SLEDAI-2K threshold or anything else can feed them.

Conventions (``docs/outcomes.md`` has the full text and a vignette per rule):

- Only assessments after day 0 count (day 0 and earlier is baseline).
- Unscheduled assessments are ignored unless ``use_unscheduled=True``, in which
  case they count exactly like scheduled ones.
- Input order never matters: assessments are sorted by study day. Two
  assessments on one study day with the same status count once; with
  different statuses they are a conflict, and the day is not evaluable with
  the reason "conflicting assessments on day N" (never settled by order).
- **Intercurrent events** (by default every :class:`~lupusscore.EventType`:
  death, dialysis, transplant, withdrawal, rescue therapy) on or before the
  timepoint make the participant a non-responder (composite strategy). Pass
  ``intercurrent=frozenset()`` to ignore them (treatment-policy strategy).
  :func:`status_at` and :func:`achieve_and_maintain` also take
  ``strategies=`` (ICH E9(R1): composite, treatment policy, while on
  treatment or hypothetical per intercurrent event; ``docs/estimands.md``).
- **Missing and not-evaluable assessments** follow a :class:`MissingPolicy`:
  ``non_responder`` (default) counts them as non-response; ``observed_only``
  passes over them and makes the outcome not evaluable when the timepoint
  itself has no evaluable assessment; ``locf`` carries the last evaluable
  post-baseline status forward.

Each rule is a view over its segment kernel in
:mod:`lupusscore.outcomes._segments` (one implementation for one participant
and for a whole cohort): the function checks its arguments, builds the arrays
of one participant, calls the kernel and words the kernel's output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Final, cast

import numpy as np
from pydantic import Field

from lupusscore._checks import as_choice
from lupusscore._display import explain_text, status_word
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType, Timepoint
from lupusscore.outcomes._args import (
    Day,
    Switch,
    check_day,
    check_event_types,
    check_switch,
    check_timepoint,
    checked,
)
from lupusscore.outcomes._segments import (
    DAY_BOUND,
    MET,
    NOT_MET,
    POLICIES,
    STATUS_BITS,
    STRATEGIES,
    Cut,
    IntArray,
    Reason,
    SegmentOutcome,
    UsedRows,
    achieve_and_maintain_kernel,
    clamp_day,
    confirmed_response_kernel,
    first_events,
    first_response_kernel,
    in_use_kernel,
    intercurrent_events,
    status_at_kernel,
)
from lupusscore.outcomes._strategies import Strategies, Strategy, resolve_strategies
from lupusscore.results import FrozenModel, Status

__all__ = [
    "DEFAULT_INTERCURRENT",
    "Assessment",
    "DatedEvent",
    "LongitudinalResult",
    "MissingPolicy",
    "achieve_and_maintain",
    "confirmed_response",
    "first_response",
    "status_at",
]


class MissingPolicy(StrEnum):
    """How missing or not-evaluable assessments are handled.

    ``non_responder``
        Non-responder imputation (default): a missing or not-evaluable
        assessment where one is needed counts as no response.
    ``observed_only``
        Only evaluable assessments are used; if the timepoint has none, the
        outcome is not evaluable (the participant leaves the denominator).
    ``locf``
        Last observation carried forward: the last evaluable status after
        day 0 stands in for a missing one (baseline is never carried).
    """

    NON_RESPONDER = "non_responder"
    OBSERVED_ONLY = "observed_only"
    LOCF = "locf"


#: Events that end a response under the default (composite) strategy: all of
#: them (death, dialysis, transplant, withdrawal, rescue therapy).
DEFAULT_INTERCURRENT: Final[frozenset[EventType]] = frozenset(EventType)


#: The study day of an assessment or event: a whole number within
#: +/- ``DAY_BOUND`` (10**9 days; any two dates are < 3.7 million days apart).
RuleDay = Annotated[Day, Field(ge=-DAY_BOUND, le=DAY_BOUND)]


class Assessment(FrozenModel):
    """One dated per-visit status of a participant.

    Attributes
    ----------
    day : int
        Study day.
    status : Status
        Met, not met or not evaluable.
    unscheduled : bool
        True for an unscheduled visit.
    label : str, optional
        Visit name, for explanations.
    reason : str, optional
        Why the status is not evaluable.

    Examples
    --------
    >>> Assessment(day=91, status="met").status
    <Status.MET: 'met'>
    """

    day: RuleDay
    status: Status
    unscheduled: Switch = False
    label: str | None = None
    reason: str | None = None


class DatedEvent(FrozenModel):
    """An intercurrent event on a study day."""

    day: RuleDay
    type: EventType


class LongitudinalResult(FrozenModel):
    """A per-participant longitudinal outcome with its explanation.

    Attributes
    ----------
    rule : str
        Which rule produced it, with its parameters.
    status : Status
        Met (responder), not met (non-responder) or not evaluable.
    day : int, optional
        Study day the response was first reached (onset).
    end_day : int, optional
        Study day of the assessment that decided the outcome (the timepoint's
        visit, or the confirming visit).
    imputed : bool
        True when the status was imputed under the missing-visit policy.
    explanation : tuple of str
        Human-readable steps, in order.
    """

    rule: str
    status: Status
    day: int | None = None
    end_day: int | None = None
    imputed: bool = False
    explanation: tuple[str, ...] = ()

    @property
    def responder(self) -> bool | None:
        """True (met), False (not met) or None (not evaluable)."""
        if self.status is Status.NOT_EVALUABLE:
            return None
        return self.status is Status.MET

    def _display_brief(self) -> str:
        imputed = ", imputed" if self.imputed else ""
        return f"LongitudinalResult: {status_word(self.status)}{imputed}"

    def explain(self) -> str:
        """Return the rule, the verdict and each step of the explanation.

        Examples
        --------
        >>> r = LongitudinalResult(
        ...     rule="first response",
        ...     status="met",
        ...     day=91,
        ...     explanation=("met at day 91",),
        ... )
        >>> print(r.explain())
        LongitudinalResult: met
          rule: first response
          day: 91
          - met at day 91
        """
        summary = [
            ("rule", self.rule),
            ("day", "" if self.day is None else str(self.day)),
            ("end day", "" if self.end_day is None else str(self.end_day)),
        ]
        return explain_text(
            self._display_brief(), summary=summary, sections=(), lines=self.explanation
        )


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
    items = checked(assessments, Assessment, "assessments")
    return _rows(items, _used(items, use_unscheduled=use_unscheduled))


_CODE: Final = {Status.MET: MET, Status.NOT_MET: NOT_MET, Status.NOT_EVALUABLE: -1}
_STATUS: Final = {code: status for status, code in _CODE.items()}
_POLICY_CODE: Final = {p: POLICIES.index(p.value) for p in MissingPolicy}


def _used(items: Sequence[Assessment], *, use_unscheduled: bool) -> UsedRows:
    """Run the ``in_use`` kernel on one participant's assessments."""
    n = len(items)
    day = np.fromiter((a.day for a in items), dtype=np.int64, count=n)
    status = np.fromiter((_CODE[a.status] for a in items), dtype=np.int8, count=n)
    unscheduled = np.fromiter((a.unscheduled for a in items), dtype=np.bool_, count=n)
    rank = None
    if np.unique(day).shape[0] < n:  # which identical record names the day
        keys = [(a.label or "", a.reason or "", a.unscheduled) for a in items]
        dense = {k: i for i, k in enumerate(sorted(set(keys)))}
        rank = np.fromiter((dense[k] for k in keys), dtype=np.int64, count=n)
    return in_use_kernel(
        seg=np.zeros(n, dtype=np.int64),
        day=day,
        status=status,
        unscheduled=unscheduled,
        rank=rank,
        n_segments=1,
        use_unscheduled=use_unscheduled,
    )


def _rows(items: Sequence[Assessment], used: UsedRows) -> list[Assessment]:
    """Return the assessments standing for the kernel's rows (builds conflicts)."""
    out: list[Assessment] = []
    for r in range(used.day.shape[0]):
        if not used.conflict[r]:
            out.append(items[int(used.source[r])])
            continue
        members = used.members[used.member_start[r] : used.member_start[r + 1]]
        labels = sorted({label for m in members if (label := items[int(m)].label)})
        statuses = sorted(
            status.value
            for code, status in _STATUS.items()
            if int(used.statuses[r]) & STATUS_BITS[code]
        )
        day = int(used.day[r])
        out.append(
            Assessment(
                day=day,
                status=Status.NOT_EVALUABLE,
                unscheduled=bool(used.all_unscheduled[r]),
                label=" / ".join(labels) or None,
                reason=f"conflicting assessments on day {day}: " + ", ".join(statuses),
            )
        )
    return out


def _events(
    events: Sequence[DatedEvent], types: frozenset[EventType]
) -> tuple[list[DatedEvent], tuple[IntArray, IntArray]]:
    """Return the intercurrent events and the kernel's first one after day 0."""
    hits, day, rank = _event_arrays(events, types)
    return hits, first_events(np.zeros(len(hits), dtype=np.int64), day, rank, 1)


def _event_arrays(
    events: Sequence[DatedEvent], types: frozenset[EventType]
) -> tuple[list[DatedEvent], IntArray, IntArray]:
    """Return the events of *types*, their days and ranks (by type name)."""
    hits = [e for e in events if e.type in types]
    n = len(hits)
    day = np.fromiter((e.day for e in hits), dtype=np.int64, count=n)
    dense = {v: i for i, v in enumerate(sorted({e.type.value for e in hits}))}
    rank = np.fromiter((dense[e.type.value] for e in hits), dtype=np.int64, count=n)
    return hits, day, rank


def _strategy_events(
    events: Sequence[DatedEvent],
    types: frozenset[EventType],
    strategies: Strategies,
) -> tuple[list[DatedEvent], tuple[IntArray, IntArray], Cut]:
    """Return the events, the first composite one and the kernel's :class:`Cut`."""
    hits, day, rank = _event_arrays(events, types)
    n = len(hits)
    code = np.fromiter(
        (STRATEGIES.index(strategies.of(e.type).value) for e in hits),
        dtype=np.int8,
        count=n,
    )
    first, cut = intercurrent_events(np.zeros(n, dtype=np.int64), day, rank, code, 1)
    return hits, first, cut


def _result(
    rule: str, out: SegmentOutcome, explanation: Iterable[str]
) -> LongitudinalResult:
    """Build the one participant's result from a one-segment kernel output."""
    day = int(out.day[0])
    end_day = int(out.end_day[0])
    return LongitudinalResult(
        rule=rule,
        status=_STATUS[int(out.status[0])],
        day=day if day >= 0 else None,
        end_day=end_day if end_day >= 0 else None,
        imputed=bool(out.imputed[0]),
        explanation=tuple(explanation),
    )


def _where(a: Assessment) -> str:
    return f"day {a.day}" + (f" ({a.label})" if a.label else "")


def _tp(tp: Timepoint) -> str:
    return f"{tp.label} (day {tp.day} +/- {tp.window_days})"


def _window(tp: Timepoint) -> dict[str, int]:
    """Return the timepoint as kernel parameters (clamped: no comparison changes)."""
    return {
        "target": clamp_day(tp.day),
        "first_day": clamp_day(tp.first_day),
        "last_day": clamp_day(tp.last_day),
    }


def _cut_step(
    out: SegmentOutcome, hits: Sequence[DatedEvent], strategies: Strategies
) -> list[str]:
    """Say which assessments a while-on-treatment or hypothetical event left out."""
    cut = int(out.cut_event[0])
    if cut < 0:
        return []
    event = hits[cut]
    how = strategies.of(event.type)
    if how is Strategy.WHILE_ON_TREATMENT:
        return [
            f"intercurrent event {event.type.value} on day {event.day} (while on "
            f"treatment): assessments from day {event.day} not used"
        ]
    return [
        f"intercurrent event {event.type.value} on day {event.day} (hypothetical): "
        f"assessments from day {event.day} treated as missing"
    ]


def _visit_why(rows: Sequence[Assessment], out: SegmentOutcome, tp: Timepoint) -> str:
    """Explain which assessment stands for *tp* (or why none does)."""
    visit, carried = int(out.visit[0]), bool(out.carried[0])
    if visit >= 0 and not carried:
        return f"{_tp(tp)}: assessed on {_where(rows[visit])}"
    if visit >= 0 and out.on_treatment[0]:
        return (
            f"{_tp(tp)}: no evaluable visit in window before the intercurrent "
            f"event; the last one before it, {_where(rows[visit])}, stands for "
            "the timepoint (while on treatment)"
        )
    in_window = rows[int(out.window_start[0]) : int(out.window_stop[0])]
    why = (
        f"{_tp(tp)}: visit(s) in window not evaluable ("
        + "; ".join(f"{_where(a)}: {a.reason or 'not evaluable'}" for a in in_window)
        + ")"
        if in_window
        else f"{_tp(tp)}: no visit in window"
    )
    if carried:
        why += f"; last observation carried forward from {_where(rows[visit])}"
    return why


def _horizon(rows: Sequence[Assessment], out: SegmentOutcome, tp: Timepoint) -> int:
    """Return the later of the target day and the used (not carried) visit's day."""
    visit = int(out.visit[0])
    if visit >= 0 and not out.carried[0]:
        return max(tp.day, rows[visit].day)
    return tp.day


def _event_step(event: DatedEvent, horizon: int) -> str:
    return (
        f"intercurrent event {event.type.value} on day {event.day} "
        f"(on or before day {horizon}): non-responder"
    )


def _missing_step(out: SegmentOutcome, policy: MissingPolicy) -> str:
    if out.reason[0] == Reason.MISSING_IMPUTED:
        return "non-responder imputation"
    tail = (
        "nothing to carry forward" if policy is MissingPolicy.LOCF else "observed only"
    )
    return f"{tail}: not evaluable"


def status_at(
    assessments: Iterable[Assessment],
    timepoint: Timepoint,
    *,
    events: Iterable[DatedEvent] = (),
    intercurrent: frozenset[EventType] = DEFAULT_INTERCURRENT,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    use_unscheduled: bool = False,
    strategies: Strategies | Mapping[str, str] | None = None,
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
        Event types that are intercurrent events (default: all); events of
        other types are ignored.
    policy : MissingPolicy
        What a timepoint without an evaluable visit gives (default:
        non-responder).
    use_unscheduled : bool
        Whether unscheduled visits count.
    strategies : Strategies or mapping, optional
        The strategy for each intercurrent event (ICH E9(R1); see
        :func:`lupusscore.outcomes.resolve_strategies`); default every event
        composite (non-response). ``while_on_treatment``: assessments from
        the event on are not used and the last evaluable one before it stands
        for the timepoint when the event reaches the window;
        ``hypothetical``: assessments from the event on are missing (*policy*
        decides); ``treatment_policy``: the event is ignored.

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
    chosen = resolve_strategies(strategies)
    rule = f"status at {timepoint.label} ({how.value})" + _rule_tail(chosen)
    items = checked(assessments, Assessment, "assessments")
    used = _used(items, use_unscheduled=use_unscheduled)
    hits, first, cut = _strategy_events(
        checked(events, DatedEvent, "events"), intercurrent, chosen
    )
    out = status_at_kernel(
        used, first, 1, **_window(timepoint), policy=_POLICY_CODE[how], cut=cut
    )
    rows = _rows(items, out.used)
    reason = out.reason[0]
    if reason == Reason.INTERCURRENT:
        event = hits[int(out.event[0])]
        return _result(rule, out, (_event_step(event, _horizon(rows, out, timepoint)),))
    cut_steps = _cut_step(out, hits, chosen)
    why = _visit_why(rows, out, timepoint)
    if reason in {Reason.MISSING_IMPUTED, Reason.MISSING_NOT_EVALUABLE}:
        return _result(rule, out, (*cut_steps, why, _missing_step(out, how)))
    return _result(
        rule,
        out,
        (*cut_steps, why, f"status {rows[int(out.visit[0])].status.value}"),
    )


def _rule_tail(strategies: Strategies) -> str:
    """Name the strategies in a rule's text unless all are composite."""
    return "" if strategies.is_default else f" [{strategies.compact()}]"


def achieve_and_maintain(
    assessments: Iterable[Assessment],
    *,
    by_day: int,
    through: Timepoint,
    events: Iterable[DatedEvent] = (),
    intercurrent: frozenset[EventType] = DEFAULT_INTERCURRENT,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    use_unscheduled: bool = False,
    strategies: Strategies | Mapping[str, str] | None = None,
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

    Under *strategies* (ICH E9(R1); default every event composite, as in
    step 2): a ``treatment_policy`` event is ignored; from a ``hypothetical``
    event on the assessments are missing (step 1's *policy* decides); from a
    ``while_on_treatment`` event on they are not used, and when the event
    reaches the *through* window with no evaluable visit in it before the
    event, the last evaluable visit before the event stands for *through*: the
    response must then be reached by the earlier of *by_day* and that visit
    and held through it (the response while on treatment).

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
    events, intercurrent, policy, use_unscheduled, strategies
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
    chosen = resolve_strategies(strategies)
    rule = (
        f"achieved by day {by_day} and maintained through {through.label} ({how.value})"
    ) + _rule_tail(chosen)
    items = checked(assessments, Assessment, "assessments")
    used = _used(items, use_unscheduled=use_unscheduled)
    hits, first, cut = _strategy_events(
        checked(events, DatedEvent, "events"), intercurrent, chosen
    )
    out = achieve_and_maintain_kernel(
        used,
        first,
        1,
        by_day=by_day,
        **_window(through),
        policy=_POLICY_CODE[how],
        cut=cut,
    )
    rows = _rows(items, out.used)
    steps = _maintain_steps(
        rows=rows, out=out, through=through, how=how, by_day=by_day, hits=hits
    )
    if out.reason[0] != Reason.INTERCURRENT:
        steps = [*_cut_step(out, hits, chosen), *steps]
    return _result(rule, out, steps)


def _maintain_steps(
    *,
    rows: Sequence[Assessment],
    out: SegmentOutcome,
    through: Timepoint,
    how: MissingPolicy,
    by_day: int,
    hits: Sequence[DatedEvent],
) -> list[str]:
    """Word the kernel's achieve-and-maintain outcome, step by step."""
    reason = out.reason[0]
    if reason == Reason.INTERCURRENT:
        event = hits[int(out.event[0])]
        return [_event_step(event, _horizon(rows, out, through))]
    steps = [_visit_why(rows, out, through)]
    if reason in {Reason.MISSING_IMPUTED, Reason.MISSING_NOT_EVALUABLE}:
        return [*steps, _missing_step(out, how)]
    if reason == Reason.NOT_REACHED:
        return [*steps, f"response not reached by day {by_day}"]
    if reason == Reason.NOT_REACHED_NOT_EVALUABLE:
        return [*steps, f"no evaluable visit by day {by_day}: not evaluable"]
    limit = rows[int(out.visit[0])].day
    onset = rows[int(out.onset[0])]
    if reason == Reason.LOST:
        lost = rows[int(out.lost[0])]
        steps.append(f"response reached on {_where(onset)}")
        if lost.status is Status.NOT_MET:
            steps.append(f"response lost on {_where(lost)}")
        else:
            steps.append(
                f"{_where(lost)} not evaluable ({lost.reason or 'no reason given'}): "
                "non-responder imputation"
            )
        steps.append(f"not reached again by day {by_day} and held through day {limit}")
        return steps
    held = int(out.regained[0])
    if held >= 0:
        steps.append(
            f"response first reached on {_where(onset)}, lost on "
            f"{_where(rows[int(out.lost[0])])}, reached again on {_where(rows[held])}"
        )
    else:
        held = int(out.onset[0])
        steps.append(f"response reached on {_where(onset)}")
    for a in rows[held + 1 :]:
        if a.day <= limit and a.status is Status.NOT_EVALUABLE:
            note = f"{_where(a)} not evaluable ({a.reason or 'no reason given'})"
            steps.append(f"{note}: passed over")
    steps.append(f"maintained at every assessed visit through day {limit}")
    return steps


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
    items = checked(assessments, Assessment, "assessments")
    used = _used(items, use_unscheduled=use_unscheduled)
    hits, first = _events(checked(events, DatedEvent, "events"), intercurrent)
    out = first_response_kernel(used, first, 1, until_day=until_day)
    reason = out.reason[0]
    if reason == Reason.FIRST_MET:
        visit = _rows(items, used)[int(out.visit[0])]
        return _result(rule, out, (f"first met on {_where(visit)}",))
    if reason == Reason.INTERCURRENT:
        event = hits[int(out.event[0])]
        return _result(
            rule,
            out,
            (
                f"intercurrent event {event.type.value} on day {event.day} "
                "before any response",
            ),
        )
    if reason == Reason.NO_RESPONSE:
        return _result(rule, out, ("no visit met the response",))
    return _result(rule, out, ("no evaluable visit after day 0",))


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
    items = checked(assessments, Assessment, "assessments")
    used = _used(items, use_unscheduled=use_unscheduled)
    hits, first = _events(evs, intercurrent)
    out = confirmed_response_kernel(
        used,
        first,
        1,
        min_days_apart=min_days_apart,
        until_day=until_day,
        policy=_POLICY_CODE[how],
    )
    rows = _rows(items, used)
    steps: list[str] = []
    if out.event[0] >= 0:
        event = hits[int(out.event[0])]
        steps.append(
            f"visits from day {event.day} not used (intercurrent {event.type.value})"
        )
    for r in range(int(out.window_start[0]), int(out.window_stop[0])):
        onset = rows[r]
        if onset.status is not Status.MET:
            continue
        settled = int(out.settled_by[r])
        if settled < 0:
            steps.append(f"met on {_where(onset)}, no later visit to confirm it")
            continue
        later = rows[settled]
        if later.status is Status.NOT_MET:
            steps.append(f"met on {_where(onset)}, not met on {_where(later)}")
        elif later.status is Status.NOT_EVALUABLE:
            steps.append(
                f"met on {_where(onset)}, {_where(later)} not evaluable "
                "(non-responder imputation)"
            )
        else:
            steps.append(f"met on {_where(onset)}, confirmed on {_where(later)}")
            break
    reason = out.reason[0]
    if reason == Reason.NOT_CONFIRMED:
        steps.append("no confirmed response")
    elif reason == Reason.NO_EVALUABLE:
        steps.append("no evaluable visit: not evaluable")
    return _result(rule, out, steps)
