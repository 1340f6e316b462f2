"""Build a :class:`Cohort` from a validated :class:`~lupusscore.Trial`.

The trial's models are already validated (units resolved, dates checked,
visits one per date), so this only lays their fields out as columns; each
lab's canonical value is the one its :class:`~lupusscore.LabResult` holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

from lupusscore._arrays import lexsort_stable
from lupusscore._checks import describe
from lupusscore.cohort._cohort import ANALYTE_CODES, Cohort, as_datetime64_day
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import InvalidValueError
from lupusscore.models import SPECIMEN_PREFERENCE, FrozenMap, Trial

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


def cohort_from_trial(trial: Trial) -> Cohort:
    """Lay out *trial* as columns (see :class:`Cohort`)."""
    if not isinstance(trial, Trial):
        raise InvalidValueError(
            field="trial", value=describe(trial), expected="a Trial"
        )
    people = sorted(trial.participants, key=lambda p: p.patient.id)
    v_part: list[int] = []
    v_date: list[dt.date | None] = []
    v_label: list[str | None] = []
    v_unsched: list[bool] = []
    v_gc: list[float] = []
    v_pga: list[float] = []
    v_rescue: list[int] = []
    v_desc: dict[str, list[int]] = {n: [] for n in SLEDAI_2K_DESCRIPTOR_NAMES}
    v_excl: list[object] = []
    lab_cols: dict[str, list[object]] = {
        k: []
        for k in (
            "participant",
            "visit",
            "analyte",
            "when",
            "value",
            "unit",
            "canonical",
            "lo",
            "hi",
            "lo_c",
            "hi_c",
            "specimen",
            "assay",
            "family",
            "source",
        )
    }
    e_part: list[int] = []
    e_type: list[str] = []
    e_date: list[dt.date | None] = []
    e_note: list[str | None] = []
    source = 0
    for pi, p in enumerate(people):
        for visit in p.visits:
            vi = len(v_date)
            v_part.append(pi)
            v_date.append(visit.date)
            v_label.append(visit.label)
            v_unsched.append(visit.unscheduled)
            v_gc.append(_num(visit.glucocorticoid_mg_day))
            v_pga.append(_num(visit.pga))
            v_rescue.append(_tri(visit.rescue_therapy))
            for name in SLEDAI_2K_DESCRIPTOR_NAMES:
                v_desc[name].append(_tri(visit.descriptors.get(name)))
            v_excl.append(
                FrozenMap(dict(visit.exclusions)) if visit.exclusions else None
            )
            for lab in visit.labs:
                lab_cols["participant"].append(pi)
                lab_cols["visit"].append(vi)
                lab_cols["analyte"].append(_ANALYTE_CODE[lab.analyte])
                lab_cols["when"].append(_stamp(lab.date))
                lab_cols["value"].append(lab.value)
                lab_cols["unit"].append(lab.unit)
                lab_cols["canonical"].append(lab.canonical_value)
                lab_cols["lo"].append(_num(lab.reference_low))
                lab_cols["hi"].append(_num(lab.reference_high))
                lab_cols["lo_c"].append(_num(lab.reference_low_canonical))
                lab_cols["hi_c"].append(_num(lab.reference_high_canonical))
                lab_cols["specimen"].append(_SPECIMEN_CODE[lab.specimen])
                lab_cols["assay"].append(lab.assay)
                lab_cols["family"].append(lab.family)
                lab_cols["source"].append(source)
                source += 1
        for event in p.events:
            e_part.append(pi)
            e_type.append(event.type.value)
            e_date.append(event.date)
            e_note.append(event.note)
    participant = np.array(lab_cols["participant"], dtype=np.int64)
    visit_ix = np.array(lab_cols["visit"], dtype=np.int64)
    analyte = np.array(lab_cols["analyte"], dtype=np.int8)
    when = np.array(lab_cols["when"], dtype="datetime64[s]")
    specimen = np.array(lab_cols["specimen"], dtype=np.int8)
    value = np.array(lab_cols["value"], dtype=np.float64)
    unit = obj(lab_cols["unit"])
    order = lab_order(participant, visit_ix, analyte, when, specimen, value, unit)

    def floats(key: str) -> npt.NDArray[np.float64]:
        return np.array(lab_cols[key], dtype=np.float64)[order]

    e_order = np.lexsort(
        (
            np.array(e_type, dtype=str),
            as_datetime64_day(e_date),
            np.array(e_part, dtype=np.int64),
        )
    )
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
        visit_participant=np.array(v_part, dtype=np.int64),
        visit_date=as_datetime64_day(v_date),
        visit_label=obj(v_label),
        visit_unscheduled=np.array(v_unsched, dtype=bool),
        visit_glucocorticoid_mg_day=np.array(v_gc, dtype=np.float64),
        visit_pga=np.array(v_pga, dtype=np.float64),
        visit_rescue_therapy=np.array(v_rescue, dtype=np.int8),
        visit_descriptors=FrozenMap(
            {n: np.array(c, dtype=np.int8) for n, c in v_desc.items()}
        ),
        visit_exclusions=obj(v_excl),
        lab_participant=participant[order],
        lab_visit=visit_ix[order],
        lab_analyte=analyte[order],
        lab_datetime=when[order],
        lab_value=value[order],
        lab_unit=unit[order],
        lab_canonical=floats("canonical"),
        lab_reference_low=floats("lo"),
        lab_reference_high=floats("hi"),
        lab_reference_low_canonical=floats("lo_c"),
        lab_reference_high_canonical=floats("hi_c"),
        lab_specimen=specimen[order],
        lab_assay=obj(lab_cols["assay"])[order],
        lab_family=obj(lab_cols["family"])[order],
        lab_source_row=np.array(lab_cols["source"], dtype=np.int64)[order],
        event_participant=np.array(e_part, dtype=np.int64)[e_order],
        event_type=obj(e_type)[e_order],
        event_date=as_datetime64_day(e_date)[e_order],
        event_note=obj(e_note)[e_order],
        stratification=FrozenMap(
            {
                name: obj([p.stratification.get(name) for p in people])
                for name in sorted({k for p in people for k in p.stratification})
            }
        ),
        control_arm=trial.control_arm,
    )
