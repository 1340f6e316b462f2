"""Build a :class:`Cohort` from a validated :class:`~lupusscore.Trial`.

The trial's models are already validated (units resolved, dates checked,
visits one per date), so this only lays their fields out as columns; each
lab's canonical value is the one its :class:`~lupusscore.LabResult` holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore._arrays import lexsort_stable
from lupusscore._checks import describe
from lupusscore.cohort._cohort import ANALYTE_CODES, Cohort, as_datetime64_day
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import InvalidValueError
from lupusscore.models import (
    SPECIMEN_PREFERENCE,
    FrozenMap,
    Trial,
    canonical_limit,
    field_columns,
    lab_columns,
    mapping_columns,
)

__all__ = ["by_head_then_time", "cohort_from_trial", "lab_order"]

_ANALYTE_CODE = {a: i for i, a in enumerate(ANALYTE_CODES)}
_SPECIMEN_CODE = {s: i for i, s in enumerate(SPECIMEN_PREFERENCE)}


def _tri(value: bool | None) -> int:  # noqa: FBT001 - tri-state
    return -1 if value is None else int(value)


def _num(value: float | None) -> float:
    return np.nan if value is None else float(value)


def obj(items: list[Any]) -> npt.NDArray[np.object_]:
    """Return a 1-d object array of *items* (never a 2-d array of sequences)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _stamp(value: dt.date) -> np.datetime64:
    if isinstance(value, dt.datetime):
        return np.datetime64(value.replace(tzinfo=None), "s")
    return np.datetime64(dt.datetime.combine(value, dt.time.min), "s")


def lab_order(  # noqa: PLR0917 - one array per sort key
    participant: npt.NDArray[Any],
    visit: npt.NDArray[Any],
    analyte: npt.NDArray[Any],
    when: npt.NDArray[Any],
    specimen: npt.NDArray[Any],
    value: npt.NDArray[Any],
    unit: npt.NDArray[Any],
    *,
    unit_rank: bool = False,
) -> npt.NDArray[np.intp]:
    """Canonical order of lab rows.

    By participant, visit, analyte and date-time; at one time the preferred
    specimen last (so the last row of a (visit, analyte) group is the visit's
    latest result, as :meth:`lupusscore.Visit.latest` picks it); then value
    and unit so that the order never depends on the input order. With
    *unit_rank*, *unit* holds integer codes that order as the units' text does.
    """
    n = len(participant)
    order, tie = _order_by_time(participant, visit, analyte, when)
    if n < 2 or not np.any(tie):  # noqa: PLR2004
        return order
    # Rows equal in (participant, visit, analyte, time): order those groups
    # by the remaining keys, stably (so the result is the full lexsort's).
    group = np.cumsum(np.r_[True, ~tie])
    in_tie = np.zeros(n, dtype=bool)
    in_tie[1:] |= tie
    in_tie[:-1] |= tie
    pos = np.flatnonzero(in_tie)
    rows = order[pos]
    tied_unit = unit[rows]
    unit_key = (
        tied_unit
        if unit_rank
        else np.unique(tied_unit.astype(str), return_inverse=True)[1]
    )
    sub = np.lexsort(
        (unit_key, value[rows], -specimen[rows].astype(np.int64), group[pos])
    )
    order[pos] = rows[sub]
    return order


def _order_by_time(
    participant: npt.NDArray[Any],
    visit: npt.NDArray[Any],
    analyte: npt.NDArray[Any],
    when: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Stable order by (participant, visit, analyte, when); ties of neighbours."""
    if len(participant) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=bool)
    ints = [np.asarray(k).astype(np.int64) for k in (participant, visit, analyte)]
    spans = [int(k.max()) + 1 for k in ints]
    if min(int(k.min()) for k in ints) >= 0 and spans[0] * spans[1] * spans[2] < 2**62:
        # one key that orders as the three do
        head = (ints[0] * spans[1] + ints[1]) * spans[2] + ints[2]
        order = by_head_then_time(head, when)
        h, w = head[order], when[order]
        return order, (h[1:] == h[:-1]) & (w[1:] == w[:-1])
    order = np.lexsort((when, analyte, visit, participant))
    tie = np.ones(len(order) - 1, dtype=bool)
    for k in (participant, visit, analyte, when):
        s = k[order]
        tie &= s[1:] == s[:-1]
    return order, tie


def by_head_then_time(
    head: npt.NDArray[np.int64], when: npt.NDArray[Any]
) -> npt.NDArray[np.intp]:
    """Return ``np.lexsort((when, head))``, by stable sorts of one integer key.

    *when* holds date-times or integers.

    Lab rows usually come grouped by participant and visit, and numpy's
    stable sort (timsort) is fast on such runs where lexsort is not: one
    stable sort by *head*, then one by (rank of the head, time) combined in
    one key. Any missing time (NaT, which sorts last) or a key too wide for
    int64 falls back to lexsort itself.
    """
    n = len(head)
    kind = when.dtype.kind
    if not n or kind not in "Miu" or (kind == "M" and bool(np.any(np.isnat(when)))):
        return np.lexsort((when, head))
    by_head = np.argsort(head, kind="stable")
    h = head[by_head]
    rank = np.cumsum(np.r_[0, h[1:] != h[:-1]])
    return by_head[lexsort_stable((when[by_head].astype(np.int64), rank))]


_VISIT_FIELDS: Final = (
    "date",
    "label",
    "unscheduled",
    "glucocorticoid_mg_day",
    "pga",
    "rescue_therapy",
    "descriptors",
    "exclusions",
    "labs",
)
_TRI_CODE: Final[dict[bool | None, int]] = {None: -1, False: 0, True: 1}


def _tri_codes(values: Sequence[bool | None]) -> npt.NDArray[np.int8]:
    """Tri-state codes of booleans or ``None`` (1, 0, -1), as ``_tri`` gives."""
    return np.fromiter(
        map(_TRI_CODE.__getitem__, values), dtype=np.int8, count=len(values)
    )


_UNIX_ORDINAL: Final = dt.date(1970, 1, 1).toordinal()
_DAY_SECONDS: Final = 86_400


def _ordinal_days(dates: Sequence[dt.date]) -> npt.NDArray[np.int64]:
    """Days since 1970-01-01 of each date (a datetime's calendar date)."""
    days = np.fromiter(map(dt.date.toordinal, dates), dtype=np.int64, count=len(dates))
    return days - _UNIX_ORDINAL


def _stamps(dates: Sequence[dt.date]) -> npt.NDArray[np.datetime64]:
    """Return ``[_stamp(d) for d in dates]`` as ``datetime64[s]``, in bulk.

    A date is its midnight; a datetime, naive or time-zone-aware, its
    wall-clock second (the zone dropped, as :func:`_stamp` drops it: numpy
    itself would move an aware datetime to UTC), counted from its ordinal day
    and its hour, minute and second. Any other type goes through
    :func:`_stamp`.
    """
    kinds = set(map(type, dates))
    if kinds <= {dt.date}:
        return (_ordinal_days(dates) * _DAY_SECONDS).astype("datetime64[s]")
    if kinds <= {dt.date, dt.datetime}:
        clock = np.fromiter(
            (
                (d.hour * 60 + d.minute) * 60 + d.second
                if type(d) is dt.datetime
                else 0
                for d in dates
            ),
            dtype=np.int64,
            count=len(dates),
        )
        seconds = _ordinal_days(dates) * _DAY_SECONDS + clock
        return seconds.astype("datetime64[s]")
    return np.array([_stamp(d) for d in dates], dtype="datetime64[s]").reshape(
        len(dates)
    )


def _days(dates: Sequence[dt.date]) -> npt.NDArray[np.datetime64]:
    """Return ``as_datetime64_day(dates)``; plain dates in bulk."""
    if set(map(type, dates)) <= {dt.date}:
        return _ordinal_days(dates).astype("datetime64[D]")
    return as_datetime64_day(list(dates))


def cohort_from_trial(trial: Trial) -> Cohort:
    """Lay out *trial* as columns (see :class:`Cohort`)."""
    if not isinstance(trial, Trial):
        raise InvalidValueError(
            field="trial", value=describe(trial), expected="a Trial"
        )
    people = sorted(trial.participants, key=lambda p: p.patient.id)
    # Each field read once per visit and per lab, one column at a time (no
    # tuple per row: new containers by the thousand wake the cyclic garbage
    # collector, whose full passes walk every model of the trial).
    visits = [v for p in people for v in p.visits]
    (
        v_date,
        v_label,
        v_unscheduled,
        v_gc,
        v_pga,
        v_rescue,
        v_descriptors,
        v_exclusions,
        v_labs,
    ) = field_columns(visits, _VISIT_FIELDS)
    v_part = np.repeat(
        np.arange(len(people), dtype=np.int64), [len(p.visits) for p in people]
    )
    labs = [lab for group in v_labs for lab in group]
    n_labs = len(labs)
    visit_ix = np.repeat(
        np.arange(len(visits), dtype=np.int64), [len(g) for g in v_labs]
    )
    participant = v_part[visit_ix]
    lab_cols = lab_columns(labs)
    l_lo, l_hi, resolved = (
        lab_cols["reference_low"],
        lab_cols["reference_high"],
        lab_cols["resolved"],
    )
    lo_c = [canonical_limit(r, x) for x, r in zip(l_lo, resolved, strict=True)]
    hi_c = [canonical_limit(r, x) for x, r in zip(l_hi, resolved, strict=True)]
    events = [(pi, e) for pi, p in enumerate(people) for e in p.events]
    e_part = [pi for pi, _ in events]
    e_type = [e.type.value for _, e in events]
    e_date: list[dt.date | None] = [e.date for _, e in events]
    e_days = as_datetime64_day(e_date)
    e_note = [e.note for _, e in events]
    analyte = np.array(
        list(map(_ANALYTE_CODE.__getitem__, lab_cols["analyte"])), dtype=np.int8
    )
    when = _stamps(lab_cols["date"])
    specimen = np.array(
        list(map(_SPECIMEN_CODE.__getitem__, lab_cols["specimen"])), dtype=np.int8
    )
    value = np.array(lab_cols["value"], dtype=np.float64)
    unit = obj(lab_cols["unit"])
    order = lab_order(participant, visit_ix, analyte, when, specimen, value, unit)

    def floats(items: Sequence[float | None]) -> npt.NDArray[np.float64]:
        return np.array(items, dtype=np.float64).reshape(n_labs)[order]

    e_order = np.lexsort(
        (
            np.array(e_type, dtype=str),
            e_days,
            np.array(e_part, dtype=np.int64),
        )
    )
    descriptors = mapping_columns(v_descriptors, SLEDAI_2K_DESCRIPTOR_NAMES)
    return Cohort(
        name=trial.name,
        day0_label=trial.day0,
        synthetic=trial.synthetic,
        arms=tuple(trial.arm_names),
        schedule=tuple(trial.schedule),
        baseline_window_days=trial.baseline_window_days,
        participant_id=obj([p.patient.id for p in people]),
        sex=obj([p.patient.sex.value for p in people]),
        birth_date=as_datetime64_day([p.patient.birth_date for p in people]),
        arm=obj([p.arm for p in people]),
        day0=as_datetime64_day([p.day0 for p in people]),
        height_cm=np.array([_num(p.patient.height_cm) for p in people]),
        black=np.array([_tri(p.patient.black) for p in people], dtype=np.int8),
        visit_participant=v_part,
        visit_date=_days(v_date),
        visit_label=obj(v_label),
        visit_unscheduled=np.array(v_unscheduled, dtype=bool).reshape(len(visits)),
        visit_glucocorticoid_mg_day=np.array(v_gc, dtype=np.float64).reshape(
            len(visits)
        ),
        visit_pga=np.array(v_pga, dtype=np.float64).reshape(len(visits)),
        visit_rescue_therapy=_tri_codes(v_rescue),
        visit_descriptors=FrozenMap(
            {
                n: _tri_codes(column)
                for n, column in zip(
                    SLEDAI_2K_DESCRIPTOR_NAMES, descriptors, strict=True
                )
            }
        ),
        visit_exclusions=obj([FrozenMap(dict(x)) if x else None for x in v_exclusions]),
        lab_participant=participant[order],
        lab_visit=visit_ix[order],
        lab_analyte=analyte[order],
        lab_datetime=when[order],
        lab_value=value[order],
        lab_unit=unit[order],
        lab_canonical=floats(lab_cols["canonical_value"]),
        lab_reference_low=floats(l_lo),
        lab_reference_high=floats(l_hi),
        lab_reference_low_canonical=floats(lo_c),
        lab_reference_high_canonical=floats(hi_c),
        lab_specimen=specimen[order],
        lab_assay=obj(lab_cols["assay"])[order],
        lab_family=obj([r.family.name for r in resolved])[order],
        lab_source_row=np.arange(n_labs, dtype=np.int64)[order],
        event_participant=np.array(e_part, dtype=np.int64)[e_order],
        event_type=obj(e_type)[e_order],
        event_date=e_days[e_order],
        event_note=obj(e_note)[e_order],
        stratification=FrozenMap(
            {
                name: obj([p.stratification.get(name) for p in people])
                for name in sorted({k for p in people for k in p.stratification})
            }
        ),
        control_arm=trial.control_arm,
    )
