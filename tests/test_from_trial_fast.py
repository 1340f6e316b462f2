"""``Cohort.from_trial`` without per-lab Python overhead: the same Cohort as before.

The columnar ``cohort_from_trial`` (fields read once per column, dates and
tri-states in bulk, canonical values from each lab's store) is checked against
the previous implementation, kept here verbatim as the oracle
``_old_cohort_from_trial``: every field of the Cohort, with its dtype, on the
bundled example, the synthetic trial, random trials and hand-made trials with
date-only, naive and time-zone-aware lab times, every specimen, missing
reference limits, unscheduled visits, exclusions, stratification and events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.cohort_strategies import trials

from lupusscore import Cohort, LabResult, Trial
from lupusscore._checks import describe
from lupusscore.cli import load_example_trial
from lupusscore.cohort import _from_trial
from lupusscore.cohort._cohort import as_datetime64_day
from lupusscore.cohort._from_trial import (
    _ANALYTE_CODE,
    _SPECIMEN_CODE,
    _num,
    _stamp,
    _tri,
    cohort_from_trial,
    lab_order,
    obj,
)
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import InvalidValueError
from lupusscore.example import synthetic_trial
from lupusscore.models import (
    LAB_COLUMNS,
    FrozenMap,
    field_columns,
    lab_columns,
    mapping_columns,
)

# --- the oracle: the previous implementation, verbatim ------------------------


def _old_cohort_from_trial(trial: Trial) -> Cohort:
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


# --- comparison -----------------------------------------------------------------


def _same_value(name: str, a: Any, b: Any) -> None:
    """Equal values: arrays by dtype, shape, items (NaN/NaT equal) and item types."""
    if isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray), name
        assert a.dtype == b.dtype, name
        assert a.shape == b.shape, name
        assert np.array_equal(a, b, equal_nan=b.dtype.kind in "fcmM"), name
        if b.dtype == object:
            assert [type(x) for x in a] == [type(x) for x in b], name
        assert a.flags.writeable == b.flags.writeable, name
    elif isinstance(b, FrozenMap):
        assert isinstance(a, FrozenMap), name
        assert list(a) == list(b), name
        for key in b:
            _same_value(f"{name}[{key}]", a[key], b[key])
    else:
        assert type(a) is type(b), name
        assert a == b, name


def assert_identical(got: Cohort, want: Cohort) -> None:
    """Every field of the two Cohorts identical (the per-call cache aside)."""
    for f in fields(Cohort):
        if f.name == "_cache":
            continue
        _same_value(f.name, getattr(got, f.name), getattr(want, f.name))


# --- hand-made trials -----------------------------------------------------------

_UTC_MINUS_5 = dt.timezone(dt.timedelta(hours=-5))
_UTC_PLUS_14 = dt.timezone(dt.timedelta(hours=14))


def _when(day: dt.date, kind: str, k: int) -> object:
    """A lab time on *day*: the date, a naive or an aware datetime, or mixed."""
    naive = dt.datetime.combine(day, dt.time(23, 59, 59, 999_999 - k))
    if kind == "date" or (kind == "mixed" and k % 3 == 0):
        return day
    if kind == "naive" or (kind == "mixed" and k % 3 == 1):
        return naive if k % 2 else naive.replace(hour=k % 24, minute=30)
    zone = _UTC_MINUS_5 if k % 2 else _UTC_PLUS_14
    # late evening at -05:00 is the next day in UTC; early at +14:00 the day before
    return naive.replace(hour=22 if k % 2 else 1, tzinfo=zone)


def _labs(day: dt.date, kind: str) -> list[dict[str, Any]]:
    """Labs of one visit: every specimen, with and without reference limits."""
    labs: list[dict[str, Any]] = [
        {"analyte": "creatinine", "value": 1.1, "unit": "mg/dL"},
        {
            "analyte": "creatinine",
            "value": 97.0,
            "unit": "µmol/L",
            "specimen": "serum",
            "reference_high": 106.0,
        },
        {
            "analyte": "creatinine",
            "value": 1.3,
            "unit": "mg/dL",
            "specimen": "plasma",
            "reference_low": 0.5,
            "reference_high": 1.2,
        },
        {
            "analyte": "creatinine",
            "value": 1.2,
            "unit": "mg/dL",
            "specimen": "whole_blood",
        },
        {
            "analyte": "upcr",
            "value": 120.0,
            "unit": "mg/mmol",
            "specimen": "spot_urine",
        },
        {
            "analyte": "upcr",
            "value": 1.2,
            "unit": "g/g",
            "specimen": "first_morning_urine",
        },
        {"analyte": "upcr", "value": 1.1, "unit": "mg/mg", "specimen": "urine_24h"},
        {"analyte": "c3", "value": 0.7, "unit": "g/L", "reference_low": 0.9},
        {"analyte": "c4", "value": 0.08, "unit": "g/L"},
        {
            "analyte": "anti_dsdna",
            "value": 55.0,
            "unit": "IU/mL",
            "assay": "ELISA (site A)",
            "reference_high": 30.0,
        },
        {"analyte": "anti_dsdna", "value": 12.0, "unit": "U/mL", "specimen": "plasma"},
        {"analyte": "ana", "value": 160.0, "unit": "{titer}"},
        {"analyte": "cystatin_c", "value": 1.4, "unit": "mg/L"},
    ]
    return [{**lab, "date": _when(day, kind, k)} for k, lab in enumerate(labs)]


def _participant(pid: str, i: int, kind: str) -> dict[str, Any]:
    """One participant: scheduled and unscheduled visits, exclusions, events."""
    day0 = dt.date(2012, 3, 1) + dt.timedelta(days=7 * i)
    visits = []
    for j, offset in enumerate((-3, 30, 45, 91, 182)):
        day = day0 + dt.timedelta(days=offset)
        visit: dict[str, Any] = {
            "participant_id": pid,
            "date": day,
            "labs": _labs(day, kind) if (i + j) % 4 else [],
            "unscheduled": offset == 45,
        }
        if j % 2:
            visit["glucocorticoid_mg_day"] = 7.5
            visit["pga"] = 1.5
            visit["rescue_therapy"] = bool(i % 2)
            visit["label"] = f"visit {j}"
        if j % 3:
            visit["descriptors"] = {
                name: [False, True, None][(i + j + k) % 3]
                for k, name in enumerate(SLEDAI_2K_DESCRIPTOR_NAMES)
                if (i + k) % 4
            }
        if j == 2:
            visit["exclusions"] = {"rash": "not examined", "fever": "not recorded"}
        visits.append(visit)
    events = [{"type": "withdrawal", "date": day0 + dt.timedelta(days=200)}]
    if i % 3 == 0:
        events = [{"type": "dialysis", "date": day0 + dt.timedelta(days=100)}]
    return {
        "patient": {
            "id": pid,
            "sex": "female" if i % 2 else "male",
            "birth_date": dt.date(1980, 1, 1 + i),
            "height_cm": 160.0 + i if i % 2 else None,
            "black": [True, False, None][i % 3],
        },
        "arm": "A" if i % 2 else "B",
        "day0": day0,
        "visits": visits,
        "events": events if i % 2 or i % 3 == 0 else [],
        "stratification": {"region": "EU"} if i % 2 else {"site": str(i)},
    }


def handmade_trial(kind: str, n: int = 5) -> Trial:
    """A trial whose lab times are dates, naive or aware datetimes, or a mix."""
    return Trial.model_validate(
        {
            "name": f"hand-made ({kind})",
            "synthetic": True,
            "arms": ["A", "B"],
            "schedule": [
                {"label": "month 1", "day": 30, "window_days": 7},
                {"label": "month 3", "day": 91, "window_days": 14},
                {"label": "month 6", "day": 182, "window_days": 14},
            ],
            "baseline_window_days": 30,
            # ids out of order: the layout sorts participants by id
            "participants": [
                _participant(f"P{(7 * i) % n:02d}", i, kind) for i in range(n)
            ],
        }
    )


KINDS = ("date", "naive", "aware", "mixed")


# --- equality with the previous implementation ----------------------------------


def test_example_trial_identical() -> None:
    """The bundled example: the same Cohort, field by field, dtype by dtype."""
    trial = load_example_trial()
    assert_identical(cohort_from_trial(trial), _old_cohort_from_trial(trial))


def test_synthetic_trial_identical() -> None:
    """The synthetic trial (the benchmark's kind, smaller): the same Cohort."""
    trial = synthetic_trial(60)
    assert_identical(Cohort.from_trial(trial), _old_cohort_from_trial(trial))


@pytest.mark.parametrize("kind", KINDS)
def test_handmade_trials_identical(kind: str) -> None:
    """Dates, naive and aware datetimes, every specimen, exclusions, events."""
    trial = handmade_trial(kind)
    times = {
        type(lab.date) for p in trial.participants for v in p.visits for lab in v.labs
    }
    aware = any(
        isinstance(lab.date, dt.datetime) and lab.date.tzinfo is not None
        for p in trial.participants
        for v in p.visits
        for lab in v.labs
    )
    assert (dt.datetime in times) == (kind != "date")
    assert aware == (kind in {"aware", "mixed"})
    got = cohort_from_trial(trial)
    assert_identical(got, _old_cohort_from_trial(trial))
    assert np.isnan(got.lab_reference_low).any()
    assert set(got.lab_specimen.tolist()) == set(_SPECIMEN_CODE.values())


def test_aware_times_keep_the_wall_clock() -> None:
    """An aware lab time keeps its wall-clock time and date (not moved to UTC)."""
    got = cohort_from_trial(handmade_trial("aware"))
    hours = (got.lab_datetime - got.lab_datetime.astype("datetime64[D]")).astype(
        "timedelta64[h]"
    )
    assert set(hours.astype(int).tolist()) == {1, 22}


def test_empty_trials_identical() -> None:
    """No labs, no events, no visits at all: the same empty columns."""
    for visits in (True, False):
        data = handmade_trial("date", 2).model_dump()
        for p in data["participants"]:
            p["events"] = []
            p["visits"] = [{**v, "labs": []} for v in p["visits"]] if visits else []
        trial = Trial.model_validate(data)
        assert_identical(cohort_from_trial(trial), _old_cohort_from_trial(trial))


@settings(max_examples=40)
@given(trials())
def test_random_trials_identical(trial: Trial) -> None:
    """Random trials from the cohort engine's strategy: the same Cohort."""
    assert_identical(cohort_from_trial(trial), _old_cohort_from_trial(trial))


@settings(max_examples=60)
@given(
    st.lists(
        st.one_of(
            st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
            st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)),
            st.datetimes(
                dt.datetime(1900, 1, 2),
                dt.datetime(2100, 12, 30),
                timezones=st.builds(
                    dt.timezone,
                    st.timedeltas(dt.timedelta(hours=-23), dt.timedelta(hours=23)),
                ),
            ),
        ),
        max_size=8,
    )
)
def test_bulk_stamps_equal_stamp(dates: list[dt.date]) -> None:
    """Dates, naive and aware datetimes in bulk: what ``_stamp`` gives each."""
    want = np.array([_stamp(d) for d in dates], dtype="datetime64[s]")
    got = _from_trial._stamps(dates)
    assert got.dtype == want.dtype
    assert got.shape == (len(dates),)
    assert np.array_equal(got, want)


def test_not_a_trial_is_the_same_error() -> None:
    """A non-Trial argument is still the library's InvalidValueError."""
    with pytest.raises(InvalidValueError, match="a Trial"):
        cohort_from_trial({"name": "x"})  # type: ignore[arg-type]


# --- structure: no per-lab Python work ------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_no_stamp_or_resolved_per_lab(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither ``_stamp`` nor ``LabResult.resolved`` runs once per lab any more.

    The previous implementation called ``_stamp`` for every lab and read
    ``resolved`` three times per lab (family and both reference limits).
    """
    trial = handmade_trial(kind)
    n_labs = sum(len(v.labs) for p in trial.participants for v in p.visits)
    assert n_labs > 0
    want = _old_cohort_from_trial(trial)
    calls = {"stamp": 0, "resolved": 0}
    stamp = _from_trial._stamp
    resolved = LabResult.resolved

    def counted_stamp(value: dt.date) -> np.datetime64:
        calls["stamp"] += 1
        return stamp(value)

    def counted_resolved(self: LabResult) -> Any:
        calls["resolved"] += 1
        return resolved.fget(self)  # type: ignore[attr-defined]

    monkeypatch.setattr(_from_trial, "_stamp", counted_stamp)
    monkeypatch.setattr(LabResult, "resolved", property(counted_resolved))
    got = Cohort.from_trial(trial)
    assert calls == {"stamp": 0, "resolved": 0}
    assert_identical(got, want)


# --- the read-only accessors in models ------------------------------------------


def test_lab_columns_are_the_labs_attributes() -> None:
    """``lab_columns`` gives each lab's fields, canonical value and resolved unit."""
    trial = handmade_trial("mixed")
    labs = [lab for p in trial.participants for v in p.visits for lab in v.labs]
    cols = lab_columns(labs)
    assert list(cols) == list(LAB_COLUMNS)
    for name, column in cols.items():
        assert len(column) == len(labs), name
        for lab, got in zip(labs, column, strict=True):
            assert got is getattr(lab, name), name
    assert lab_columns([]) == {name: [] for name in LAB_COLUMNS}


def test_field_and_mapping_columns() -> None:
    """``field_columns`` reads fields; ``mapping_columns`` any mapping's ``get``."""
    trial = handmade_trial("date")
    visits = [v for p in trial.participants for v in p.visits]
    names = ("date", "label", "pga", "descriptors")
    for name, column in zip(names, field_columns(visits, names), strict=True):
        assert column == [getattr(v, name) for v in visits]
    maps: list[Any] = [v.descriptors for v in visits]
    maps += [dict(m) for m in maps[:3]]  # plain dicts read the same way
    keys = ("rash", "fever", "arthritis")
    got = mapping_columns(maps, keys)
    assert got == [[m.get(k) for m in maps] for k in keys]
    assert any(None in column for column in got)
