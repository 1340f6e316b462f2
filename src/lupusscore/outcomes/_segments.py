"""The longitudinal rules as segment reductions over arrays (one segment each).

The per-participant rules of :mod:`lupusscore.outcomes._longitudinal`
(:func:`~lupusscore.outcomes.status_at`,
:func:`~lupusscore.outcomes.achieve_and_maintain`,
:func:`~lupusscore.outcomes.first_response`,
:func:`~lupusscore.outcomes.confirmed_response` and ``in_use``) are views over
the kernels here: they build the arrays of one participant (one *segment*),
call the kernel and word its output. A cohort engine calls the same kernels
once for every participant, so there is **one implementation of each rule**.
No kernel loops over participants or assessments: they are sorts, cumulative
sums and maxima, ``reduceat`` and ``searchsorted`` over whole columns.

Inputs (any order; the kernels sort):

- assessments as columns ``seg`` (participant index, ``0 <= seg <
  n_segments``), ``day`` (study day), ``status`` (``1`` met, ``0`` not met,
  ``-1`` not evaluable) and ``unscheduled`` (bool); optionally ``rank``, an
  integer that picks which of several identical assessments on one day stands
  for the day (lowest rank, then first in input order; it only changes which
  record an explanation names, never a status or a day);
- intercurrent events as columns ``event_seg``, ``event_day`` (and optionally
  ``event_rank``, which picks among events on one day: lowest rank, then first
  in input order). **Filtering events by type is the caller's job**: pass only
  the events that count as intercurrent (by default every
  :class:`~lupusscore.EventType`); events on or before day 0 are history and
  are ignored here; optionally ``event_strategy``, each event's
  intercurrent-event strategy as a code of :data:`STRATEGIES` (default
  composite; see :func:`intercurrent_events`);
- the rule's parameters as scalars shared by every segment (study days are
  relative to each participant's own day 0).

Every study day must lie within ``+/-`` :data:`DAY_BOUND`; parameters beyond
it (a timepoint window of any width) are clamped, which changes no comparison.

Two layers: the ``*_segments`` functions check their arguments (library
errors naming the column, index and count) and call the ``*_kernel``
functions, which trust their input (int64 days within ``+/-`` :data:`DAY_BOUND`,
int8 statuses, parameters clamped with :func:`clamp_day`, events reduced by
:func:`first_events`); the per-participant views call the kernels directly.

Output: a :class:`SegmentOutcome` of read-only arrays, one element per segment:
``status`` (``1``/``0``/``-1``), ``day`` (onset; ``-1`` for none: every day a
rule reports is after day 0), ``end_day``, ``imputed``, a :class:`Reason` code
and the row indices that explain it (into :attr:`SegmentOutcome.used`, the
assessments in use, and into the event columns).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_choice, as_count, as_flags, as_floats, describe
from lupusscore.errors import InvalidValueError
from lupusscore.outcomes._args import check_switch

__all__ = [
    "DAY_BOUND",
    "MET",
    "NOT_EVALUABLE",
    "NOT_MET",
    "POLICIES",
    "STATUS_BITS",
    "STRATEGIES",
    "Cut",
    "Reason",
    "SegmentOutcome",
    "UsedRows",
    "achieve_and_maintain_kernel",
    "achieve_and_maintain_segments",
    "clamp_day",
    "confirmed_response_kernel",
    "confirmed_response_segments",
    "first_events",
    "first_response_kernel",
    "first_response_segments",
    "in_use_kernel",
    "in_use_segments",
    "intercurrent_events",
    "status_at_kernel",
    "status_at_segments",
    "status_at_timepoints",
]

IntArray = npt.NDArray[np.int64]
Int8Array = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

#: Widest study day an assessment or event may have (a bound on the integer,
#: not a clinical limit: about 2.7 million years; any two dates Python can
#: hold are less than 3.7 million days apart).
DAY_BOUND: Final = 10**9
#: Parameters are clamped to this (beyond every assessment and event day).
_CLAMP: Final = DAY_BOUND + 2
#: Composite (segment, day) sort key: segment * _STRIDE + day + _OFFSET.
_OFFSET: Final = 2**31
_STRIDE: Final = 2**32
_MAX_SEGMENTS: Final = 2**30
#: Widest number of days a rule parameter may span (as ``check_day``).
_PARAM_LIMIT: Final = 10**6

#: Missing-visit policies, by code (the values of ``MissingPolicy``).
POLICIES: Final = ("non_responder", "observed_only", "locf")
_NON_RESPONDER: Final = 0
_LOCF: Final = 2

#: Intercurrent-event strategies, by code (the values of ``Strategy``, ICH
#: E9(R1)): ``composite`` (the event on or before the timepoint is
#: non-response), ``treatment_policy`` (the event is ignored),
#: ``while_on_treatment`` (assessments from the event on are not used; the
#: last evaluable one before it stands for a timepoint whose window it cuts),
#: ``hypothetical`` (assessments from the event on are missing: the
#: missing-visit policy decides).
STRATEGIES: Final = (
    "composite",
    "treatment_policy",
    "while_on_treatment",
    "hypothetical",
)
_COMPOSITE: Final = 0
_ON_TREATMENT: Final = 2
_HYPOTHETICAL: Final = 3

MET: Final = 1
NOT_MET: Final = 0
NOT_EVALUABLE: Final = -1
#: Bits of :attr:`UsedRows.statuses` (which statuses one day's records had).
STATUS_BITS: Final = {NOT_EVALUABLE: 1, NOT_MET: 2, MET: 4}


class Reason(IntEnum):
    """Why a segment got its status (``SegmentOutcome.reason``).

    ``ASSESSED``
        status_at: the status of the visit standing for the timepoint
        (``visit``).
    ``CARRIED_FORWARD``
        status_at: no evaluable visit for the timepoint; under ``locf`` the
        last evaluable visit before the window (``visit``) is carried forward
        (``imputed``).
    ``INTERCURRENT``
        status_at, achieve_and_maintain: an intercurrent event (``event``) on
        or before the later of the timepoint's target day and the day of the
        visit used (not a carried one): not met. first_response: an event
        before any response: not met.
    ``MISSING_IMPUTED``
        status_at, achieve_and_maintain: no evaluable visit for the timepoint
        (the window's visits are rows ``window_start:window_stop``):
        non-responder imputation (not met, ``imputed``).
    ``MISSING_NOT_EVALUABLE``
        As ``MISSING_IMPUTED`` under ``observed_only`` (or ``locf`` with
        nothing to carry): not evaluable.
    ``NOT_REACHED``
        achieve_and_maintain: no met visit by ``by_day``; not met, ``imputed``
        when no visit by then was evaluable.
    ``NOT_REACHED_NOT_EVALUABLE``
        achieve_and_maintain: no evaluable visit by ``by_day`` (not under
        ``non_responder``): not evaluable.
    ``LOST``
        achieve_and_maintain: reached (``onset``) but lost at ``lost`` (not
        met, or not evaluable under ``non_responder``: then ``imputed``) and
        not reached again by ``by_day``: not met.
    ``MAINTAINED``
        achieve_and_maintain: met from ``day`` through the timepoint's visit
        (``visit``); when ``regained`` is set the response was first reached
        at ``onset``, lost at ``lost`` and reached again at ``regained``.
    ``FIRST_MET``
        first_response: first met visit (``visit``).
    ``NO_RESPONSE``
        first_response: evaluable visits, none met: not met.
    ``NO_EVALUABLE``
        first_response, confirmed_response: no evaluable visit: not evaluable.
    ``CONFIRMED``
        confirmed_response: met at ``onset``, confirmed at ``visit``.
    NOT_CONFIRMED
        confirmed_response: no confirmed response: not met (``event`` says
        whether visits from an intercurrent event on were left out).
    ``ON_TREATMENT``
        status_at: a while-on-treatment event (``cut_event``) on or before the
        end of the window, and no evaluable visit in the window before it: the
        last evaluable visit before the event (``visit``, before the window)
        stands for the timepoint (not imputed: the estimand's own value).
    """

    ASSESSED = 0
    CARRIED_FORWARD = 1
    INTERCURRENT = 2
    MISSING_IMPUTED = 3
    MISSING_NOT_EVALUABLE = 4
    NOT_REACHED = 5
    NOT_REACHED_NOT_EVALUABLE = 6
    LOST = 7
    MAINTAINED = 8
    FIRST_MET = 9
    NO_RESPONSE = 10
    NO_EVALUABLE = 11
    CONFIRMED = 12
    NOT_CONFIRMED = 13
    ON_TREATMENT = 14


_A = TypeVar("_A", bound="np.ndarray[Any, Any]")


def _frozen(arr: _A) -> _A:
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, slots=True)
class UsedRows:
    """The assessments in use: after day 0, one per participant and study day.

    Rows are sorted by (segment, day). Records of one segment-day with one
    status collapse into one row; with different statuses they are one
    not-evaluable row marked ``conflict``.

    Attributes
    ----------
    seg, day : ndarray of int64
        Segment and study day of each row.
    status : ndarray of int8
        ``1`` met, ``0`` not met, ``-1`` not evaluable (and every conflict).
    conflict : ndarray of bool
        True where the day's records disagree.
    statuses : ndarray of int8
        Which statuses the day's records had, as bits :data:`STATUS_BITS`.
    all_unscheduled : ndarray of bool
        True when every record of the day is unscheduled.
    source : ndarray of int64
        Input index of the record standing for the row (lowest rank, then
        first in input order).
    members, member_start : ndarray of int64
        Input indices of each row's records: ``members[member_start[r]:
        member_start[r + 1]]``.
    seg_start : ndarray of int64
        Rows of segment ``g`` are ``seg_start[g]:seg_start[g + 1]``.
    """

    seg: IntArray
    day: IntArray
    status: Int8Array
    conflict: BoolArray
    statuses: Int8Array
    all_unscheduled: BoolArray
    source: IntArray
    members: IntArray
    member_start: IntArray
    seg_start: IntArray


@dataclass(frozen=True, slots=True)
class SegmentOutcome:
    """One longitudinal outcome per segment, with what explains it.

    Attributes
    ----------
    status : ndarray of int8
        ``1`` met (responder), ``0`` not met, ``-1`` not evaluable.
    day : ndarray of int64
        Onset day, ``-1`` for none.
    end_day : ndarray of int64
        Day of the visit that decided the outcome, ``-1`` for none.
    imputed : ndarray of bool
        True when imputed under the missing-visit policy.
    reason : ndarray of int8
        A :class:`Reason` code.
    carried : ndarray of bool
        True when ``visit`` is carried forward (``locf``), not in the window.
    visit, onset, lost, regained : ndarray of int64
        Rows of :attr:`used` (``-1`` for none): the visit standing for the
        timepoint, the confirming visit or the first met visit (``visit``);
        the first onset; the visit that broke the response; the visit where it
        was reached again. Each :class:`Reason` says which it sets.
    event : ndarray of int64
        Index into the event columns of the intercurrent event used, ``-1``
        for none.
    window_start, window_stop : ndarray of int64
        Rows of :attr:`used` in the timepoint's window (status_at,
        achieve_and_maintain) or considered at all (through ``until_day`` and
        before an intercurrent event: first_response, confirmed_response).
    settled_by : ndarray of int64
        confirmed_response only (else empty), one per row of :attr:`used`: for
        a met row considered as onset, the row that settles it (a met row
        confirming it, or a row breaking the chain), ``-1`` when no later row
        does.
    used : UsedRows
        The assessments in use the rows refer to (without those a
        while-on-treatment or hypothetical event left out).
    cut_event : ndarray of int64
        status_at, achieve_and_maintain: index into the event columns of the
        while-on-treatment or hypothetical event, on or before the end of the
        timepoint's window, from which assessments were not used; ``-1`` for
        none.
    on_treatment : ndarray of bool
        True when ``visit`` is the last evaluable visit before a
        while-on-treatment event (``cut_event``) standing for the timepoint.
    """

    status: Int8Array
    day: IntArray
    end_day: IntArray
    imputed: BoolArray
    reason: Int8Array
    carried: BoolArray
    visit: IntArray
    onset: IntArray
    lost: IntArray
    regained: IntArray
    event: IntArray
    window_start: IntArray
    window_stop: IntArray
    settled_by: IntArray
    used: UsedRows
    cut_event: IntArray
    on_treatment: BoolArray


# ------------------------------------------------------------------ helpers


def _key(seg: IntArray, day: IntArray | int) -> IntArray:
    """Composite sort key of (segment, day); days must be within +/-_CLAMP."""
    return seg * _STRIDE + (np.asarray(day, dtype=np.int64) + _OFFSET)


def clamp_day(value: int) -> int:
    """Clamp a rule parameter to ``+/-(DAY_BOUND + 2)`` (no comparison changes)."""
    return max(-_CLAMP, min(_CLAMP, value))


def _next_true(mask: BoolArray) -> IntArray:
    """For each i (and len(mask)), the first j >= i with mask[j], else n."""
    n = mask.shape[0]
    idx = np.where(mask, np.arange(n, dtype=np.int64), n)
    out = np.empty(n + 1, dtype=np.int64)
    out[n] = n
    if n:
        out[:n] = np.minimum.accumulate(idx[::-1])[::-1]
    return out


def _prev_true(mask: BoolArray) -> IntArray:
    """For each i, the last j <= i with mask[j], else -1."""
    n = mask.shape[0]
    idx = np.where(mask, np.arange(n, dtype=np.int64), -1)
    return np.maximum.accumulate(idx) if n else idx


def _counts(mask: BoolArray) -> IntArray:
    """Prefix counts: ``c[j] - c[i]`` is the number of True in ``mask[i:j]``."""
    out = np.zeros(mask.shape[0] + 1, dtype=np.int64)
    np.cumsum(mask, out=out[1:])
    return out


def _pick(
    values: IntArray, index: IntArray, ok: BoolArray, fill: int | IntArray
) -> IntArray:
    """``values[index]`` where *ok*, else *fill* (index may be out of range)."""
    safe = np.where(ok, index, 0)
    got = values[safe] if values.shape[0] else np.zeros_like(safe)
    return np.where(ok, got, fill)


def in_use_kernel(
    *,
    seg: IntArray,
    day: IntArray,
    status: Int8Array,
    unscheduled: BoolArray,
    rank: IntArray | None,
    n_segments: int,
    use_unscheduled: bool,
) -> UsedRows:
    """Return the assessments in use (kernel of ``in_use``; trusted columns)."""
    keep = day > 0
    if not use_unscheduled:
        keep &= ~unscheduled
    idx = np.flatnonzero(keep).astype(np.int64)
    key = _key(seg[idx], day[idx])
    # stable sorts: ties (same segment, day and rank) keep input order
    if rank is None:
        order = idx[np.argsort(key, kind="stable")]
    else:
        order = idx[np.lexsort((rank[idx], key))]
    s, d, st = seg[order], day[order], status[order]
    n = order.shape[0]
    new = np.ones(n, dtype=np.bool_)
    new[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
    starts = np.flatnonzero(new).astype(np.int64)
    if n:
        lo = np.minimum.reduceat(st, starts)
        hi = np.maximum.reduceat(st, starts)
        bits = np.left_shift(np.int8(1), (st + 1).astype(np.int8))
        statuses = np.bitwise_or.reduceat(bits, starts).astype(np.int8)
        all_unscheduled = np.logical_and.reduceat(unscheduled[order], starts)
    else:
        lo = hi = statuses = np.zeros(0, dtype=np.int8)
        all_unscheduled = np.zeros(0, dtype=np.bool_)
    conflict = lo != hi
    rows_seg = s[starts]
    seg_start = np.searchsorted(
        rows_seg, np.arange(n_segments + 1, dtype=np.int64), side="left"
    ).astype(np.int64)
    return UsedRows(
        seg=_frozen(rows_seg),
        day=_frozen(d[starts]),
        status=_frozen(np.where(conflict, NOT_EVALUABLE, lo).astype(np.int8)),
        conflict=_frozen(conflict),
        statuses=_frozen(statuses),
        all_unscheduled=_frozen(all_unscheduled.astype(np.bool_)),
        source=_frozen(order[starts]),
        members=_frozen(order),
        member_start=_frozen(np.append(starts, n).astype(np.int64)),
        seg_start=_frozen(seg_start),
    )


def first_events(
    event_seg: IntArray,
    event_day: IntArray,
    event_rank: IntArray | None,
    n_segments: int,
) -> tuple[IntArray, IntArray]:
    """Return per segment the index and day of the first event after day 0.

    The first by day, then lowest rank, then input order; ``-1`` and a day
    beyond every clamped parameter for a segment without one.
    """
    idx = np.flatnonzero(event_day > 0).astype(np.int64)
    r = (
        event_rank[idx]
        if event_rank is not None
        else np.zeros(idx.shape[0], dtype=np.int64)
    )
    order = idx[np.lexsort((idx, r, event_day[idx], event_seg[idx]))]
    es = event_seg[order]
    first = np.ones(order.shape[0], dtype=np.bool_)
    first[1:] = es[1:] != es[:-1]
    which = np.full(n_segments, -1, dtype=np.int64)
    which[es[first]] = order[first]
    when = np.full(n_segments, _CLAMP + 1, dtype=np.int64)
    when[es[first]] = event_day[order[first]]
    return which, when


@dataclass(frozen=True, slots=True)
class Cut:
    """Per segment the first event from which assessments are not used.

    The first while-on-treatment or hypothetical event after day 0 (on one
    day a while-on-treatment event comes first, then lowest rank, then input
    order).

    Attributes
    ----------
    which : ndarray of int64
        Index into the event columns, ``-1`` for none.
    when : ndarray of int64
        Its study day (beyond every clamped parameter for none).
    on_treatment : ndarray of bool
        True when its strategy is while on treatment.
    """

    which: IntArray
    when: IntArray
    on_treatment: BoolArray


def intercurrent_events(
    event_seg: IntArray,
    event_day: IntArray,
    event_rank: IntArray | None,
    event_strategy: npt.NDArray[np.int8] | None,
    n_segments: int,
) -> tuple[tuple[IntArray, IntArray], Cut]:
    """Return the first composite event per segment and the :class:`Cut`.

    *event_strategy* holds each event's code of :data:`STRATEGIES` (None: all
    composite). Treatment-policy events are ignored. Indices refer to the
    given event columns.
    """
    if event_strategy is None:
        event_strategy = np.zeros(event_seg.shape[0], dtype=np.int8)
    code = event_strategy.astype(np.int64)
    composite = first_events(
        event_seg, np.where(code == _COMPOSITE, event_day, 0), event_rank, n_segments
    )
    cutting = (code == _ON_TREATMENT) | (code == _HYPOTHETICAL)
    rank = (
        np.zeros(event_seg.shape[0], dtype=np.int64)
        if event_rank is None
        else event_rank
    )
    # on one day: while on treatment first (ranks are within +/-2**52)
    order = np.where(code == _ON_TREATMENT, 0, 1) * (2**54) + rank
    which, when = first_events(
        event_seg, np.where(cutting, event_day, 0), order, n_segments
    )
    on_treatment = _pick(code, which, which >= 0, -1) == _ON_TREATMENT
    return composite, Cut(which=which, when=when, on_treatment=on_treatment)


def _keep_rows(used: UsedRows, keep: BoolArray, n_segments: int) -> UsedRows:
    """Return *used* with only the rows where *keep* (members follow)."""
    lengths = np.diff(used.member_start)
    members = used.members[np.repeat(keep, lengths)]
    member_start = np.zeros(int(np.count_nonzero(keep)) + 1, dtype=np.int64)
    np.cumsum(lengths[keep], out=member_start[1:])
    seg = used.seg[keep]
    seg_start = np.searchsorted(
        seg, np.arange(n_segments + 1, dtype=np.int64), side="left"
    ).astype(np.int64)
    return UsedRows(
        seg=_frozen(seg),
        day=_frozen(used.day[keep]),
        status=_frozen(used.status[keep]),
        conflict=_frozen(used.conflict[keep]),
        statuses=_frozen(used.statuses[keep]),
        all_unscheduled=_frozen(used.all_unscheduled[keep]),
        source=_frozen(used.source[keep]),
        members=_frozen(members),
        member_start=_frozen(member_start),
        seg_start=_frozen(seg_start),
    )


def _cut_rows(used: UsedRows, cut: Cut | None, n_segments: int) -> UsedRows:
    """Leave out the assessments on or after each segment's cut event."""
    if cut is None:
        return used
    keep = used.day < cut.when[used.seg]
    return used if bool(np.all(keep)) else _keep_rows(used, keep, n_segments)


def _cut_event(cut: Cut | None, n_segments: int, last_day: int | IntArray) -> IntArray:
    """Return the cut event per segment when on or before *last_day*, else -1."""
    if cut is None:
        return np.full(n_segments, -1, dtype=np.int64)
    return np.where((cut.which >= 0) & (cut.when <= last_day), cut.which, -1)


@dataclass(frozen=True, slots=True)
class _Visit:
    """The visit standing for a timepoint, per segment (rows of UsedRows)."""

    visit: IntArray
    carried: BoolArray
    window_start: IntArray
    window_stop: IntArray
    horizon: IntArray
    on_treatment: BoolArray


def _timepoint_visit(
    used: UsedRows,
    keys: IntArray,
    n_segments: int,
    *,
    target: int | IntArray,
    first_day: int | IntArray,
    last_day: int | IntArray,
    locf: bool,
    on_treatment: BoolArray | None = None,
    segs: IntArray | None = None,
) -> _Visit:
    """Nearest evaluable visit in window, earlier on ties; else maybe carried.

    Carried (the last evaluable visit before the window) under ``locf`` and
    for the segments in *on_treatment* (a while-on-treatment event cut the
    window: the last evaluable visit before the event, always before the
    window as the rows from the event on are left out).

    One result per entry of *segs* (default: each of the *n_segments*
    segments); *target*, *first_day* and *last_day* may be arrays, one per
    entry (several timepoints at once: :func:`status_at_timepoints`).
    """
    if segs is None:
        segs = np.arange(n_segments, dtype=np.int64)
    evaluable = np.flatnonzero(used.status != NOT_EVALUABLE).astype(np.int64)
    ekeys = keys[evaluable]
    ne = evaluable.shape[0]
    after = np.searchsorted(ekeys, _key(segs, target), side="right").astype(np.int64)
    a = _pick(evaluable, after - 1, after >= 1, -1)
    a_ok = a >= 0
    a_ok &= _pick(used.seg, a, a_ok, -1) == segs
    a_day = _pick(used.day, a, a_ok, 0)
    a_ok &= a_day >= first_day
    b = _pick(evaluable, after, after < ne, -1)
    b_ok = b >= 0
    b_ok &= _pick(used.seg, b, b_ok, -1) == segs
    b_day = _pick(used.day, b, b_ok, 0)
    b_ok &= b_day <= last_day
    take_a = a_ok & (~b_ok | (target - a_day <= b_day - target))
    visit = np.where(take_a, a, np.where(b_ok, b, -1))
    carried = np.zeros(n_segments, dtype=np.bool_)
    kept = np.zeros(n_segments, dtype=np.bool_)
    if locf or (on_treatment is not None and bool(np.any(on_treatment))):
        before = np.searchsorted(ekeys, _key(segs, first_day), side="left")
        c = _pick(evaluable, before - 1, before >= 1, -1)
        c_ok = (visit < 0) & (c >= 0)
        c_ok &= _pick(used.seg, c, c_ok, -1) == segs
        if on_treatment is not None:
            kept = c_ok & on_treatment
        if not locf:
            c_ok = kept
        visit = np.where(c_ok, c, visit)
        carried = c_ok
    window_start = np.searchsorted(keys, _key(segs, first_day), side="left")
    window_stop = np.searchsorted(keys, _key(segs, last_day), side="right")
    found = (visit >= 0) & ~carried
    horizon = np.maximum(target, _pick(used.day, visit, found, target))
    return _Visit(
        visit=visit.astype(np.int64),
        carried=carried,
        window_start=window_start.astype(np.int64),
        window_stop=window_stop.astype(np.int64),
        horizon=horizon.astype(np.int64),
        on_treatment=kept,
    )


def _blank(n_segments: int) -> dict[str, npt.NDArray[np.generic]]:
    none = np.full(n_segments, -1, dtype=np.int64)
    return {
        "status": np.full(n_segments, NOT_EVALUABLE, dtype=np.int8),
        "day": none.copy(),
        "end_day": none.copy(),
        "imputed": np.zeros(n_segments, dtype=np.bool_),
        "reason": np.zeros(n_segments, dtype=np.int8),
        "carried": np.zeros(n_segments, dtype=np.bool_),
        "visit": none.copy(),
        "onset": none.copy(),
        "lost": none.copy(),
        "regained": none.copy(),
        "event": none.copy(),
        "window_start": none.copy(),
        "window_stop": none.copy(),
        "settled_by": np.zeros(0, dtype=np.int64),
        "cut_event": none.copy(),
        "on_treatment": np.zeros(n_segments, dtype=np.bool_),
    }


def _outcome(
    fields: dict[str, npt.NDArray[np.generic]], used: UsedRows
) -> SegmentOutcome:
    arrays = {k: _frozen(np.ascontiguousarray(v)) for k, v in fields.items()}
    return SegmentOutcome(used=used, **arrays)


def _apply_missing(
    out: dict[str, npt.NDArray[np.generic]], mask: BoolArray, policy: int
) -> None:
    """No evaluable visit for the timepoint: non-responder or not evaluable."""
    if policy == _NON_RESPONDER:
        out["status"][mask] = NOT_MET
        out["imputed"][mask] = True
        out["reason"][mask] = Reason.MISSING_IMPUTED
    else:
        out["status"][mask] = NOT_EVALUABLE
        out["reason"][mask] = Reason.MISSING_NOT_EVALUABLE


# ------------------------------------------------------------- rule kernels


def status_at_kernel(
    used: UsedRows,
    events: tuple[IntArray, IntArray],
    n_segments: int,
    *,
    target: int,
    first_day: int,
    last_day: int,
    policy: int,
    cut: Cut | None = None,
) -> SegmentOutcome:
    """Return the status at one timepoint per segment (trusted input).

    *events* is the pair returned by :func:`first_events` (the composite
    events), *cut* the while-on-treatment and hypothetical events
    (:func:`intercurrent_events`).
    """
    return _status_at(
        used,
        events,
        n_segments,
        np.arange(n_segments, dtype=np.int64),
        target=target,
        first_day=first_day,
        last_day=last_day,
        policy=policy,
        cut=cut,
    )


def status_at_timepoints(
    used: UsedRows,
    events: tuple[IntArray, IntArray],
    n_segments: int,
    *,
    windows: Sequence[tuple[int, int, int]],
    policy: int,
    cut: Cut | None = None,
) -> list[SegmentOutcome]:
    """Return :func:`status_at_kernel` at each of several timepoints, in one pass.

    *windows* holds each timepoint's checked ``(target, first_day,
    last_day)``. The rule of :func:`status_at_kernel` on every (timepoint,
    segment) pair at once: each pair reads its segment's rows and events
    and its timepoint's window; the result of timepoint *k* equals
    ``status_at_kernel(..., target=windows[k][0], ...)``.
    """
    n_tp = len(windows)
    segs = np.tile(np.arange(n_segments, dtype=np.int64), n_tp)

    def each(j: int) -> IntArray:
        return np.repeat(np.array([w[j] for w in windows], dtype=np.int64), n_segments)

    both = _status_at(
        used,
        events,
        n_segments,
        segs,
        target=each(0),
        first_day=each(1),
        last_day=each(2),
        policy=policy,
        cut=cut,
    )
    out = []
    for k in range(n_tp):
        part = slice(k * n_segments, (k + 1) * n_segments)
        fields = {
            f.name: getattr(both, f.name)
            for f in dataclasses.fields(SegmentOutcome)
            if f.name not in {"used", "settled_by"}
        }
        out.append(
            SegmentOutcome(
                used=both.used,
                settled_by=both.settled_by,
                **{name: _frozen(v[part]) for name, v in fields.items()},
            )
        )
    return out


def _status_at(
    used: UsedRows,
    events: tuple[IntArray, IntArray],
    n_segments: int,
    segs: IntArray,
    *,
    target: int | IntArray,
    first_day: int | IntArray,
    last_day: int | IntArray,
    policy: int,
    cut: Cut | None,
) -> SegmentOutcome:
    """Return the status at a timepoint for each entry of *segs* (the rule).

    *target*, *first_day* and *last_day*: one window, or one per entry of
    *segs* (:func:`status_at_timepoints`).
    """
    n_out = len(segs)
    used = _cut_rows(used, cut, n_segments)
    if cut is not None:
        cut = Cut(
            which=cut.which[segs],
            when=cut.when[segs],
            on_treatment=cut.on_treatment[segs],
        )
    cut_event = _cut_event(cut, n_out, last_day)
    keys = _key(used.seg, used.day)
    tp = _timepoint_visit(
        used,
        keys,
        n_out,
        target=target,
        first_day=first_day,
        last_day=last_day,
        locf=policy == _LOCF,
        on_treatment=None if cut is None else cut.on_treatment & (cut_event >= 0),
        segs=segs,
    )
    which, when = events[0][segs], events[1][segs]
    hit = (which >= 0) & (when <= tp.horizon)
    out = _blank(n_out)
    out["carried"] = tp.carried
    out["visit"] = tp.visit
    out["window_start"] = tp.window_start
    out["window_stop"] = tp.window_stop
    found = (tp.visit >= 0) & ~hit
    status = _pick(used.status.astype(np.int64), tp.visit, found, NOT_EVALUABLE)
    vday = _pick(used.day, tp.visit, found, -1)
    out["status"][found] = status[found]
    out["end_day"][found] = vday[found]
    met = found & (status == MET)
    out["day"][met] = vday[met]
    out["imputed"][found] = (tp.carried & ~tp.on_treatment)[found]
    out["reason"][found] = np.where(
        tp.on_treatment[found],
        Reason.ON_TREATMENT,
        np.where(tp.carried[found], Reason.CARRIED_FORWARD, Reason.ASSESSED),
    )
    out["cut_event"] = cut_event
    out["on_treatment"] = tp.on_treatment & ~hit
    _apply_missing(out, (tp.visit < 0) & ~hit, policy)
    out["status"][hit] = NOT_MET
    out["reason"][hit] = Reason.INTERCURRENT
    out["event"][hit] = which[hit]
    return _outcome(out, used)


def achieve_and_maintain_kernel(
    used: UsedRows,
    events: tuple[IntArray, IntArray],
    n_segments: int,
    *,
    by_day: int,
    target: int,
    first_day: int,
    last_day: int,
    policy: int,
    cut: Cut | None = None,
) -> SegmentOutcome:
    """Return achieve-by / maintain-through per segment (trusted input).

    *events* is the pair returned by :func:`first_events` (the composite
    events), *cut* the while-on-treatment and hypothetical events
    (:func:`intercurrent_events`). Under while on treatment the visit standing
    for the timepoint may be the last evaluable one before the event: the
    response must then be reached by the earlier of *by_day* and that visit,
    and held through it.
    """
    used = _cut_rows(used, cut, n_segments)
    cut_event = _cut_event(cut, n_segments, last_day)
    keys = _key(used.seg, used.day)
    segs = np.arange(n_segments, dtype=np.int64)
    tp = _timepoint_visit(
        used,
        keys,
        n_segments,
        target=target,
        first_day=first_day,
        last_day=last_day,
        locf=policy == _LOCF,
        on_treatment=None if cut is None else cut.on_treatment & (cut_event >= 0),
    )
    which, when = events
    hit = (which >= 0) & (when <= tp.horizon)
    out = _blank(n_segments)
    out["carried"] = tp.carried
    out["visit"] = tp.visit
    out["window_start"] = tp.window_start
    out["window_stop"] = tp.window_stop
    out["cut_event"] = cut_event
    out["on_treatment"] = tp.on_treatment & ~hit
    out["status"][hit] = NOT_MET
    out["reason"][hit] = Reason.INTERCURRENT
    out["event"][hit] = which[hit]
    _apply_missing(out, (tp.visit < 0) & ~hit, policy)
    go = (tp.visit >= 0) & ~hit
    limit = _pick(used.day, tp.visit, go, 0)
    cutoff = np.minimum(by_day, limit)
    start = used.seg_start[:-1]
    early_stop = np.searchsorted(keys, _key(segs, cutoff), side="right")
    window_stop = np.searchsorted(keys, _key(segs, limit), side="right")
    met = used.status == MET
    first_met = _next_true(met)
    onset = first_met[start]
    has_onset = onset < early_stop
    n_early = early_stop - start
    not_met_early = _counts(used.status == NOT_MET)
    ne_early = _counts(used.status == NOT_EVALUABLE)
    any_not_met = (not_met_early[early_stop] - not_met_early[start]) > 0
    all_ne = (ne_early[early_stop] - ne_early[start]) == n_early
    nri = policy == _NON_RESPONDER
    # no met visit by by_day
    unreached = go & ~has_onset
    not_reached = unreached & (any_not_met | nri)
    out["status"][not_reached] = NOT_MET
    out["end_day"][not_reached] = limit[not_reached]
    out["imputed"][not_reached] = ((n_early == 0) | all_ne)[not_reached]
    out["reason"][not_reached] = Reason.NOT_REACHED
    unknown = unreached & ~not_reached
    out["status"][unknown] = NOT_EVALUABLE
    out["reason"][unknown] = Reason.NOT_REACHED_NOT_EVALUABLE
    # reached: the first met visit by by_day after the last break holds
    reached = go & has_onset
    breaks = (used.status == NOT_MET) | (nri & (used.status == NOT_EVALUABLE))
    prev_break = _prev_true(breaks)
    last_row = window_stop - 1
    lb = _pick(prev_break, last_row, last_row >= start, -1)
    lb = np.where(lb >= start, lb, -1)
    held = first_met[np.where(lb >= 0, lb + 1, start)]
    has_held = held < early_stop
    lost = reached & ~has_held
    out["status"][lost] = NOT_MET
    out["day"][lost] = _pick(used.day, onset, lost, -1)[lost]
    out["end_day"][lost] = limit[lost]
    out["imputed"][lost] = (
        _pick(used.status.astype(np.int64), lb, lost, 0)[lost] == NOT_EVALUABLE
    )
    out["reason"][lost] = Reason.LOST
    out["onset"][lost] = onset[lost]
    out["lost"][lost] = lb[lost]
    kept = reached & has_held
    out["status"][kept] = MET
    out["day"][kept] = _pick(used.day, held, kept, -1)[kept]
    out["end_day"][kept] = limit[kept]
    out["imputed"][kept] = (tp.carried & ~tp.on_treatment)[kept]
    out["reason"][kept] = Reason.MAINTAINED
    out["onset"][kept] = onset[kept]
    again = kept & (held != onset)
    out["lost"][again] = lb[again]
    out["regained"][again] = held[again]
    return _outcome(out, used)


def first_response_kernel(
    used: UsedRows,
    events: tuple[IntArray, IntArray],
    n_segments: int,
    *,
    until_day: int | None,
) -> SegmentOutcome:
    """Return the first response per segment (trusted input).

    *events* is the pair returned by :func:`first_events`.
    """
    keys = _key(used.seg, used.day)
    segs = np.arange(n_segments, dtype=np.int64)
    start = used.seg_start[:-1]
    stop = (
        used.seg_start[1:]
        if until_day is None
        else np.searchsorted(keys, _key(segs, until_day), side="right")
    )
    which, when = events
    hit = which >= 0
    if until_day is not None:
        hit &= when <= until_day
    first = _next_true(used.status == MET)[start]
    first_day = _pick(used.day, first, first < stop, _CLAMP + 1)
    met = (first < stop) & (~hit | (first_day < when))
    not_met = _counts(used.status == NOT_MET)
    any_not_met = (not_met[stop] - not_met[start]) > 0
    out = _blank(n_segments)
    out["window_start"] = start
    out["window_stop"] = stop
    out["reason"][:] = Reason.NO_EVALUABLE
    rest = ~met & ~hit & any_not_met
    out["status"][rest] = NOT_MET
    out["reason"][rest] = Reason.NO_RESPONSE
    stopped = ~met & hit
    out["status"][stopped] = NOT_MET
    out["reason"][stopped] = Reason.INTERCURRENT
    out["event"][stopped] = which[stopped]
    out["status"][met] = MET
    out["day"][met] = first_day[met]
    out["end_day"][met] = first_day[met]
    out["visit"][met] = first[met]
    out["reason"][met] = Reason.FIRST_MET
    return _outcome(out, used)


def confirmed_response_kernel(
    used: UsedRows,
    events: tuple[IntArray, IntArray],
    n_segments: int,
    *,
    min_days_apart: int,
    until_day: int | None,
    policy: int,
) -> SegmentOutcome:
    """Return the confirmed response per segment (trusted input).

    *events* is the pair returned by :func:`first_events`.
    """
    keys = _key(used.seg, used.day)
    segs = np.arange(n_segments, dtype=np.int64)
    start = used.seg_start[:-1]
    stop = (
        used.seg_start[1:]
        if until_day is None
        else np.searchsorted(keys, _key(segs, until_day), side="right").astype(np.int64)
    )
    horizon = np.maximum(0, _pick(used.day, stop - 1, stop > start, 0))
    which, when = events
    hit = (which >= 0) & (when <= horizon)
    before_event = np.searchsorted(keys, _key(segs, np.minimum(when, _CLAMP)))
    stop = np.where(hit, np.minimum(stop, before_event), stop)
    n = used.day.shape[0]
    row_stop = stop[used.seg]
    in_play = np.arange(n, dtype=np.int64) < row_stop
    met = used.status == MET
    nri = policy == _NON_RESPONDER
    breaks = (used.status == NOT_MET) | (nri & (used.status == NOT_EVALUABLE))
    next_break = _next_true(breaks)[np.arange(1, n + 1)]
    reach = np.searchsorted(
        keys, _key(used.seg, np.minimum(used.day + min_days_apart, _CLAMP))
    )
    next_met = _next_true(met)[reach]
    settle = np.minimum(next_break, next_met)
    settled_by = np.where(in_play & met & (settle < row_stop), settle, -1)
    confirms = settled_by >= 0
    confirms &= _pick(used.status.astype(np.int64), settled_by, confirms, 0) == MET
    first = _next_true(confirms)[start]
    ok = first < stop
    evaluable = _counts(used.status != NOT_EVALUABLE)
    any_evaluable = (evaluable[stop] - evaluable[start]) > 0
    out = _blank(n_segments)
    out["window_start"] = start
    out["window_stop"] = stop
    out["settled_by"] = settled_by.astype(np.int64)
    out["event"][hit] = which[hit]
    failed = ~ok & (hit | nri | any_evaluable)
    out["status"][failed] = NOT_MET
    out["reason"][failed] = Reason.NOT_CONFIRMED
    out["reason"][~ok & ~failed] = Reason.NO_EVALUABLE
    confirm = _pick(settled_by, first, ok, -1)
    out["status"][ok] = MET
    out["day"][ok] = _pick(used.day, first, ok, -1)[ok]
    out["end_day"][ok] = _pick(used.day, confirm, ok, -1)[ok]
    out["onset"][ok] = first[ok]
    out["visit"][ok] = confirm[ok]
    out["reason"][ok] = Reason.CONFIRMED
    return _outcome(out, used)


# ---------------------------------------------------- checked public entries


def _int_column(
    name: str, value: object, *, low: int, high: int, expected: str
) -> IntArray:
    arr = as_floats(name, value, integer=True)
    if arr.ndim != 1:
        raise InvalidValueError(
            field=name, value=describe(value), expected="a one-dimensional array"
        )
    bad = (arr < low) | (arr > high)
    if np.any(bad):
        at = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(
            field=name,
            value=float(arr[at]),
            expected=expected,
            index=at,
            count=int(np.count_nonzero(bad)),
        )
    return arr.astype(np.int64)


def _same_length(**arrays: npt.NDArray[np.generic]) -> None:
    sizes = {k: v.shape[0] for k, v in arrays.items()}
    if len(set(sizes.values())) > 1:
        raise InvalidValueError(
            field=", ".join(sizes),
            value=", ".join(f"{k} {v}" for k, v in sizes.items()),
            expected="columns of one length",
        )


@dataclass(frozen=True, slots=True)
class _Columns:
    seg: IntArray
    day: IntArray
    status: Int8Array
    unscheduled: BoolArray
    rank: IntArray | None
    n_segments: int


def _assessment_columns(
    *,
    seg: object,
    day: object,
    status: object,
    unscheduled: object,
    n_segments: object,
    rank: object,
) -> _Columns:
    n = as_count("n_segments", n_segments, maximum=_MAX_SEGMENTS)
    segs = _int_column(
        "seg", seg, low=0, high=n - 1, expected=f"a segment index 0..{n - 1}"
    )
    days = _int_column(
        "day",
        day,
        low=-DAY_BOUND,
        high=DAY_BOUND,
        expected=f"a study day within +/-{DAY_BOUND}",
    )
    codes = _int_column(
        "status", status, low=-1, high=1, expected="1 (met), 0 (not met) or -1"
    )
    flags = as_flags("unscheduled", unscheduled)
    if flags.ndim != 1:
        flags = np.broadcast_to(flags, segs.shape).copy()
    ranks = None
    if rank is not None:
        ranks = _int_column(
            "rank", rank, low=-(2**52), high=2**52, expected="an integer rank"
        )
        _same_length(seg=segs, rank=ranks)
    _same_length(seg=segs, day=days, status=codes, unscheduled=flags)
    return _Columns(segs, days, codes.astype(np.int8), flags, ranks, n)


def _event_columns(
    event_seg: object,
    event_day: object,
    event_rank: object,
    n_segments: int,
    event_strategy: object = None,
) -> tuple[tuple[IntArray, IntArray], Cut | None]:
    segs = _int_column(
        "event_seg",
        event_seg,
        low=0,
        high=n_segments - 1,
        expected=f"a segment index 0..{n_segments - 1}",
    )
    days = _int_column(
        "event_day",
        event_day,
        low=-DAY_BOUND,
        high=DAY_BOUND,
        expected=f"a study day within +/-{DAY_BOUND}",
    )
    ranks = None
    if event_rank is not None:
        ranks = _int_column(
            "event_rank",
            event_rank,
            low=-(2**52),
            high=2**52,
            expected="an integer rank",
        )
        _same_length(event_seg=segs, event_rank=ranks)
    _same_length(event_seg=segs, event_day=days)
    if event_strategy is None:
        return first_events(segs, days, ranks, n_segments), None
    codes = _int_column(
        "event_strategy",
        event_strategy,
        low=0,
        high=len(STRATEGIES) - 1,
        expected="a strategy code 0..3 ("
        + ", ".join(f"{i} {name}" for i, name in enumerate(STRATEGIES))
        + ")",
    )
    _same_length(event_seg=segs, event_strategy=codes)
    return intercurrent_events(segs, days, ranks, codes.astype(np.int8), n_segments)


def _policy_code(policy: object) -> int:
    return POLICIES.index(str(as_choice("policy", policy, POLICIES)))


def _window(
    timepoint_day: object, first_day: object, last_day: object
) -> tuple[int, int, int]:
    big = 10**18
    target = as_count("timepoint_day", timepoint_day, minimum=1, maximum=big)
    first = as_count("first_day", first_day, minimum=-big, maximum=target)
    last = as_count("last_day", last_day, minimum=target, maximum=big)
    return clamp_day(target), clamp_day(first), clamp_day(last)


def _param(name: str, value: object, *, minimum: int) -> int:
    return as_count(name, value, minimum=minimum, maximum=_PARAM_LIMIT, unit="days")


def in_use_segments(
    seg: object,
    day: object,
    status: object,
    unscheduled: object,
    n_segments: object,
    *,
    use_unscheduled: bool = False,
    rank: object = None,
) -> UsedRows:
    """Return the assessments in use per segment: after day 0, one per day.

    Parameters
    ----------
    seg, day, status, unscheduled : array_like
        The assessment columns, any order (see the module docstring).
    n_segments : int
        Number of segments (participants).
    use_unscheduled : bool
        Whether unscheduled assessments count.
    rank : array_like of int, optional
        Which of several identical records of one day stands for it.

    Returns
    -------
    UsedRows

    Examples
    --------
    >>> rows = in_use_segments(
    ...     [0, 0, 0, 1], [91, 91, 182, 0], [1, 0, 1, 1], [False] * 4, 2
    ... )
    >>> rows.day.tolist(), rows.status.tolist(), rows.conflict.tolist()
    ([91, 182], [-1, 1], [True, False])
    """
    cols = _assessment_columns(
        seg=seg,
        day=day,
        status=status,
        unscheduled=unscheduled,
        n_segments=n_segments,
        rank=rank,
    )
    return in_use_kernel(
        seg=cols.seg,
        day=cols.day,
        status=cols.status,
        unscheduled=cols.unscheduled,
        rank=cols.rank,
        n_segments=cols.n_segments,
        use_unscheduled=check_switch("use_unscheduled", use_unscheduled),
    )


def _prepare(
    *,
    seg: object,
    day: object,
    status: object,
    unscheduled: object,
    n_segments: object,
    rank: object,
    event_seg: object,
    event_day: object,
    event_rank: object,
    use_unscheduled: object,
    event_strategy: object = None,
) -> tuple[UsedRows, tuple[IntArray, IntArray], Cut | None, int]:
    cols = _assessment_columns(
        seg=seg,
        day=day,
        status=status,
        unscheduled=unscheduled,
        n_segments=n_segments,
        rank=rank,
    )
    switch = check_switch("use_unscheduled", use_unscheduled)
    events, cut = _event_columns(
        event_seg, event_day, event_rank, cols.n_segments, event_strategy
    )
    used = in_use_kernel(
        seg=cols.seg,
        day=cols.day,
        status=cols.status,
        unscheduled=cols.unscheduled,
        rank=cols.rank,
        n_segments=cols.n_segments,
        use_unscheduled=switch,
    )
    return used, events, cut, cols.n_segments


_EMPTY: Final = np.zeros(0, dtype=np.int64)


def status_at_segments(
    seg: object,
    day: object,
    status: object,
    unscheduled: object,
    n_segments: object,
    *,
    timepoint_day: object,
    first_day: object,
    last_day: object,
    event_seg: object = _EMPTY,
    event_day: object = _EMPTY,
    event_rank: object = None,
    policy: object = "non_responder",
    use_unscheduled: object = False,
    rank: object = None,
    event_strategy: object = None,
) -> SegmentOutcome:
    """Responder status at one timepoint, for every segment at once.

    The rule of :func:`lupusscore.outcomes.status_at`: the nearest evaluable
    visit in ``first_day..last_day`` (earlier on ties) stands for the
    timepoint; an intercurrent event on or before the later of
    *timepoint_day* and that visit's day makes the segment not met; without a
    visit, *policy* decides (:data:`POLICIES`).

    Parameters
    ----------
    seg, day, status, unscheduled : array_like
        The assessment columns, any order.
    n_segments : int
        Number of segments (participants).
    timepoint_day, first_day, last_day : int
        The timepoint's target day and window.
    event_seg, event_day, event_rank : array_like
        Intercurrent events, already filtered by type.
    event_strategy : array_like of int, optional
        Each event's strategy, a code of :data:`STRATEGIES` (default: every
        event composite).
    policy : str
        ``"non_responder"``, ``"observed_only"`` or ``"locf"``.
    use_unscheduled : bool
        Whether unscheduled assessments count.
    rank : array_like of int, optional
        Which of several identical records of one day stands for it.

    Returns
    -------
    SegmentOutcome
        ``visit`` is the visit used; reasons ``ASSESSED``,
        ``CARRIED_FORWARD``, ``INTERCURRENT``, ``MISSING_IMPUTED`` or
        ``MISSING_NOT_EVALUABLE``.

    Examples
    --------
    >>> out = status_at_segments(
    ...     [0, 0, 1],
    ...     [91, 190, 175],
    ...     [1, 1, 0],
    ...     [False] * 3,
    ...     3,
    ...     timepoint_day=182,
    ...     first_day=168,
    ...     last_day=196,
    ... )
    >>> out.status.tolist(), out.end_day.tolist(), out.imputed.tolist()
    ([1, 0, 0], [190, 175, -1], [False, False, True])
    """
    code = _policy_code(policy)
    target, first, last = _window(timepoint_day, first_day, last_day)
    used, events, cut, n = _prepare(
        seg=seg,
        day=day,
        status=status,
        unscheduled=unscheduled,
        n_segments=n_segments,
        rank=rank,
        event_seg=event_seg,
        event_day=event_day,
        event_rank=event_rank,
        use_unscheduled=use_unscheduled,
        event_strategy=event_strategy,
    )
    return status_at_kernel(
        used,
        events,
        n,
        target=target,
        first_day=first,
        last_day=last,
        policy=code,
        cut=cut,
    )


def achieve_and_maintain_segments(
    seg: object,
    day: object,
    status: object,
    unscheduled: object,
    n_segments: object,
    *,
    by_day: object,
    timepoint_day: object,
    first_day: object,
    last_day: object,
    event_seg: object = _EMPTY,
    event_day: object = _EMPTY,
    event_rank: object = None,
    policy: object = "non_responder",
    use_unscheduled: object = False,
    rank: object = None,
    event_strategy: object = None,
) -> SegmentOutcome:
    """Response reached by *by_day* and held through a timepoint, per segment.

    The rule of :func:`lupusscore.outcomes.achieve_and_maintain`; the
    timepoint is given by its target day and window (*timepoint_day*,
    *first_day*, *last_day*). Other parameters as in
    :func:`status_at_segments`.

    Returns
    -------
    SegmentOutcome
        ``day`` is the onset, ``end_day`` the timepoint's visit (``visit``);
        reasons ``INTERCURRENT``, ``MISSING_IMPUTED``,
        ``MISSING_NOT_EVALUABLE``, ``NOT_REACHED``,
        ``NOT_REACHED_NOT_EVALUABLE``, ``LOST`` or ``MAINTAINED``.

    Examples
    --------
    >>> out = achieve_and_maintain_segments(
    ...     [0, 0, 0, 1, 1],
    ...     [182, 365, 735, 365, 735],
    ...     [0, 1, 1, 1, 0],
    ...     [False] * 5,
    ...     2,
    ...     by_day=365,
    ...     timepoint_day=730,
    ...     first_day=700,
    ...     last_day=760,
    ... )
    >>> out.status.tolist(), out.day.tolist(), out.end_day.tolist()
    ([1, 0], [365, 365], [735, 735])
    """
    code = _policy_code(policy)
    by, target, first, last = _achieve_window(
        by_day, timepoint_day, first_day, last_day
    )
    used, events, cut, n = _prepare(
        seg=seg,
        day=day,
        status=status,
        unscheduled=unscheduled,
        n_segments=n_segments,
        rank=rank,
        event_seg=event_seg,
        event_day=event_day,
        event_rank=event_rank,
        use_unscheduled=use_unscheduled,
        event_strategy=event_strategy,
    )
    return achieve_and_maintain_kernel(
        used,
        events,
        n,
        by_day=by,
        target=target,
        first_day=first,
        last_day=last,
        policy=code,
        cut=cut,
    )


def _achieve_window(
    by_day: object, timepoint_day: object, first_day: object, last_day: object
) -> tuple[int, int, int, int]:
    """Check achieve-and-maintain's days: ``(by, target, first, last)``."""
    target, first, last = _window(timepoint_day, first_day, last_day)
    by = _param("by_day", by_day, minimum=1)
    if by > target:
        raise InvalidValueError(
            field="by_day",
            value=by,
            expected=f"a study day from 1 to timepoint_day ({target})",
        )
    return by, target, first, last


def first_response_segments(
    seg: object,
    day: object,
    status: object,
    unscheduled: object,
    n_segments: object,
    *,
    until_day: object = None,
    event_seg: object = _EMPTY,
    event_day: object = _EMPTY,
    event_rank: object = None,
    use_unscheduled: object = False,
    rank: object = None,
) -> SegmentOutcome:
    """First met visit after day 0 (before any intercurrent event), per segment.

    The rule of :func:`lupusscore.outcomes.first_response`.

    Returns
    -------
    SegmentOutcome
        ``day`` and ``end_day`` are the first met day (``visit``); reasons
        ``FIRST_MET``, ``INTERCURRENT``, ``NO_RESPONSE`` or ``NO_EVALUABLE``.

    Examples
    --------
    >>> out = first_response_segments(
    ...     [0, 0, 1], [91, 182, 91], [0, 1, 0], [False] * 3, 2
    ... )
    >>> out.status.tolist(), out.day.tolist()
    ([1, 0], [182, -1])
    """
    until = (
        None
        if until_day is None
        else _param("until_day", until_day, minimum=-_PARAM_LIMIT)
    )
    used, events, _cut, n = _prepare(
        seg=seg,
        day=day,
        status=status,
        unscheduled=unscheduled,
        n_segments=n_segments,
        rank=rank,
        event_seg=event_seg,
        event_day=event_day,
        event_rank=event_rank,
        use_unscheduled=use_unscheduled,
    )
    return first_response_kernel(used, events, n, until_day=until)


def confirmed_response_segments(
    seg: object,
    day: object,
    status: object,
    unscheduled: object,
    n_segments: object,
    *,
    min_days_apart: object,
    until_day: object = None,
    event_seg: object = _EMPTY,
    event_day: object = _EMPTY,
    event_rank: object = None,
    policy: object = "non_responder",
    use_unscheduled: object = False,
    rank: object = None,
) -> SegmentOutcome:
    """Return per segment a met visit confirmed >= *min_days_apart* days on.

    The rule of :func:`lupusscore.outcomes.confirmed_response`.

    Returns
    -------
    SegmentOutcome
        ``day`` is the onset (``onset``), ``end_day`` the confirming visit
        (``visit``); ``settled_by`` says how each met row fared as an onset;
        reasons ``CONFIRMED``, ``NOT_CONFIRMED`` or ``NO_EVALUABLE``.

    Examples
    --------
    >>> out = confirmed_response_segments(
    ...     [0, 0, 0, 1, 1],
    ...     [91, 100, 182, 91, 182],
    ...     [1, 1, 1, 1, 0],
    ...     [False] * 5,
    ...     2,
    ...     min_days_apart=28,
    ... )
    >>> out.status.tolist(), out.day.tolist(), out.end_day.tolist()
    ([1, 0], [91, -1], [182, -1])
    """
    code = _policy_code(policy)
    apart = _param("min_days_apart", min_days_apart, minimum=1)
    until = (
        None
        if until_day is None
        else _param("until_day", until_day, minimum=-_PARAM_LIMIT)
    )
    used, events, _cut, n = _prepare(
        seg=seg,
        day=day,
        status=status,
        unscheduled=unscheduled,
        n_segments=n_segments,
        rank=rank,
        event_seg=event_seg,
        event_day=event_day,
        event_rank=event_rank,
        use_unscheduled=use_unscheduled,
    )
    return confirmed_response_kernel(
        used, events, n, min_days_apart=apart, until_day=until, policy=code
    )
