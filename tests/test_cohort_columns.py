"""Cohort.from_columns: tables of columns in, a Cohort equal to from_trial out.

Every rule of :mod:`lupusscore.cohort._columns` has a test here; bad rows are
reported all at once with their row index and participant.
"""

from __future__ import annotations

import datetime as dt
import pickle
import warnings
from dataclasses import fields
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

import lupusscore.cohort._columns as columns_module
from lupusscore.cli import load_example_trial
from lupusscore.cohort import Cohort
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import (
    InvalidValueError,
    LabDateWarning,
    LupusScoreError,
    RowProblem,
    TableError,
)
from lupusscore.models import (
    Event,
    LabResult,
    Participant,
    Patient,
    Timepoint,
    Trial,
    Visit,
)

Table = dict[str, np.ndarray]

# --- helpers ------------------------------------------------------------------


def obj(items: list[Any]) -> np.ndarray:
    """Return a 1-d object array of *items*."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


_FLOAT_COLUMNS = frozenset(
    {"HEIGHT_CM", "GLUCOCORTICOID_MG_DAY", "PGA", "LBORRES", "LBSTNRLO", "LBSTNRHI"}
)


def _table(columns: dict[str, list[Any]]) -> Table:
    return {
        k: c
        if isinstance(c, np.ndarray)
        else np.array(c, dtype=np.float64)
        if k in _FLOAT_COLUMNS
        else obj(c)
        for k, c in columns.items()
    }


def _num(value: float | None) -> float:
    return np.nan if value is None else value


def trial_tables(trial: Trial) -> dict[str, Table]:
    """Lay out a Trial as the four input tables (ISO strings for dates)."""
    p: dict[str, list[Any]] = {
        k: []
        for k in ("USUBJID", "SEX", "BRTHDTC", "RFSTDTC", "ARM", "HEIGHT_CM", "BLACK")
    }
    v: dict[str, list[Any]] = {
        k: []
        for k in (
            "USUBJID",
            "SVSTDTC",
            "VISIT",
            "UNSCHEDULED",
            "GLUCOCORTICOID_MG_DAY",
            "RESCUE_THERAPY",
            "PGA",
            *SLEDAI_2K_DESCRIPTOR_NAMES,
        )
    }
    lb: dict[str, list[Any]] = {
        k: []
        for k in (
            "USUBJID",
            "LBTESTCD",
            "LBORRES",
            "LBORRESU",
            "LBSTNRLO",
            "LBSTNRHI",
            "LBDTC",
            "LBSPEC",
            "LBMETHOD",
            "VISIT",
        )
    }
    ev: dict[str, list[Any]] = {
        k: [] for k in ("USUBJID", "DSDECOD", "DSSTDTC", "DSTERM")
    }
    for part in trial.participants:
        pat = part.patient
        p["USUBJID"].append(pat.id)
        p["SEX"].append(pat.sex.value)
        p["BRTHDTC"].append(pat.birth_date.isoformat())
        p["RFSTDTC"].append(None if part.day0 is None else part.day0.isoformat())
        p["ARM"].append(part.arm)
        p["HEIGHT_CM"].append(_num(pat.height_cm))
        p["BLACK"].append(pat.black)
        for visit in part.visits:
            v["USUBJID"].append(pat.id)
            v["SVSTDTC"].append(visit.date.isoformat())
            v["VISIT"].append(visit.label)
            v["UNSCHEDULED"].append(visit.unscheduled)
            v["GLUCOCORTICOID_MG_DAY"].append(_num(visit.glucocorticoid_mg_day))
            v["RESCUE_THERAPY"].append(visit.rescue_therapy)
            v["PGA"].append(_num(visit.pga))
            for name in SLEDAI_2K_DESCRIPTOR_NAMES:
                v[name].append(visit.descriptors.get(name))
            for lab in visit.labs:
                lb["USUBJID"].append(pat.id)
                lb["LBTESTCD"].append(lab.analyte.value)
                lb["LBORRES"].append(lab.value)
                lb["LBORRESU"].append(lab.unit)
                lb["LBSTNRLO"].append(_num(lab.reference_low))
                lb["LBSTNRHI"].append(_num(lab.reference_high))
                lb["LBDTC"].append(lab.date.isoformat())
                lb["LBSPEC"].append(
                    None if lab.specimen is None else lab.specimen.value
                )
                lb["LBMETHOD"].append(lab.assay)
                lb["VISIT"].append(visit.label)
        for event in part.events:
            ev["USUBJID"].append(pat.id)
            ev["DSDECOD"].append(event.type.value)
            ev["DSSTDTC"].append(event.date.isoformat())
            ev["DSTERM"].append(event.note)
    return {
        "participants": _table(p),
        "visits": _table(v),
        "labs": _table(lb),
        "events": _table(ev),
    }


def from_tables(trial: Trial, tables: dict[str, Table], **kw: Any) -> Cohort:
    """Build a cohort from *tables* with *trial*'s options."""
    return Cohort.from_columns(
        tables["labs"],
        tables["participants"],
        visits=tables.get("visits"),
        events=tables.get("events"),
        schedule=trial.schedule,
        arms=trial.arms or None,
        name=trial.name,
        synthetic=trial.synthetic,
        baseline_window_days=trial.baseline_window_days,
        control_arm=trial.control_arm,
        **kw,
    )


def assert_same_cohort(got: Cohort, want: Cohort) -> None:
    """Every field equal (arrays by dtype and value), except source rows and notes."""
    for f in fields(Cohort):
        if f.name in {"_cache", "notes", "lab_source_row", "day0_label"}:
            continue
        a, b = getattr(got, f.name), getattr(want, f.name)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype, f.name
            assert a.shape == b.shape, f.name
            nan_ok = b.dtype.kind in "fmM"
            assert np.array_equal(a, b, equal_nan=nan_ok), f.name
        elif f.name == "visit_descriptors":
            assert set(a) == set(b)
            for key in b:
                assert np.array_equal(a[key], b[key]), key
        else:
            assert a == b, f.name


def shuffled(tables: dict[str, Table], seed: int) -> dict[str, Table]:
    """Permute the rows of every table."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, table in tables.items():
        n = len(next(iter(table.values())))
        perm = rng.permutation(n)
        out[name] = {k: v[perm] for k, v in table.items()}
    return out


def people(n: int = 2, **extra: list[Any]) -> Table:
    """A small participants table P1..Pn."""
    cols: dict[str, list[Any]] = {
        "USUBJID": [f"P{i + 1}" for i in range(n)],
        "SEX": ["F"] * n,
        "BRTHDTC": ["1980-01-01"] * n,
        "RFSTDTC": ["2010-01-01"] * n,
    }
    cols.update(extra)
    return _table(cols)


def labs(**cols: list[Any]) -> Table:
    """A labs table; defaults fill columns not given (length of the first)."""
    n = len(next(iter(cols.values())))
    base: dict[str, list[Any]] = {
        "USUBJID": ["P1"] * n,
        "LBTESTCD": ["creatinine"] * n,
        "LBORRES": [1.0] * n,
        "LBORRESU": ["mg/dL"] * n,
        "LBDTC": ["2010-01-01"] * n,
    }
    base.update(cols)
    return _table(base)


def problems_of(exc: pytest.ExceptionInfo[TableError]) -> set[tuple[Any, ...]]:
    """(table, row, participant, column) of every problem."""
    return {(p.table, p.row, p.participant, p.column) for p in exc.value.problems}


# --- equality with from_trial ---------------------------------------------------


def test_example_equals_from_trial() -> None:
    """The bundled example read as tables equals Cohort.from_trial, array by array."""
    trial = load_example_trial()
    tables = trial_tables(trial)
    got = from_tables(trial, tables)
    assert_same_cohort(got, Cohort.from_trial(trial))
    assert got.notes == ()
    assert got.n_labs == len(tables["labs"]["LBORRES"])


def test_example_shuffled_rows_same_cohort() -> None:
    """Shuffling the rows of every table changes nothing but lab_source_row."""
    trial = load_example_trial()
    want = Cohort.from_trial(trial)
    tables = trial_tables(trial)
    for seed in (1, 2):
        got = from_tables(trial, shuffled(tables, seed))
        assert_same_cohort(got, want)


def test_source_row_points_to_input_row() -> None:
    """lab_source_row is each lab's index in the input labs table."""
    trial = load_example_trial()
    tables = shuffled(trial_tables(trial), 7)
    got = from_tables(trial, tables)
    values = tables["labs"]["LBORRES"][got.lab_source_row]
    assert np.array_equal(values, got.lab_value)


def test_datetime64_columns_equal_strings() -> None:
    """datetime64 date columns give the same cohort as ISO strings."""
    trial = load_example_trial()
    tables = trial_tables(trial)
    for table, col in (
        ("participants", "BRTHDTC"),
        ("participants", "RFSTDTC"),
        ("visits", "SVSTDTC"),
        ("labs", "LBDTC"),
        ("events", "DSSTDTC"),
    ):
        tables[table][col] = tables[table][col].astype("datetime64[D]")
    assert_same_cohort(from_tables(trial, tables), Cohort.from_trial(trial))


_LAB_CHOICES = (
    ("creatinine", "mg/dL", 0.5, 3.0, None),
    ("creatinine", "µmol/L", 40.0, 250.0, "serum"),
    ("upcr", "mg/mmol", 10.0, 500.0, "urine_24h"),
    ("upcr", "g/g", 0.1, 5.0, "spot_urine"),
    ("c3", "g/L", 0.3, 2.0, None),
    ("c3", "mg/dL", 30.0, 200.0, None),
    ("anti_dsdna", "IU/mL", 1.0, 400.0, None),
    ("body_temperature", "degC", 35.0, 41.0, None),
)


@st.composite
def small_trials(draw: st.DrawFn) -> Trial:
    """Draw a small valid trial (labels unique per participant, or labs on the day)."""
    n = draw(st.integers(1, 3))
    parts = []
    for i in range(n):
        pid = f"S{draw(st.integers(0, 99)):02d}-{i}"
        birth = draw(st.dates(dt.date(1940, 1, 1), dt.date(1995, 12, 31)))
        day0 = draw(st.dates(dt.date(2005, 1, 1), dt.date(2015, 12, 31)))
        offsets = draw(st.lists(st.integers(-20, 400), max_size=3, unique=True))
        labelled = draw(st.booleans())
        visits = []
        for j, off in enumerate(sorted(offsets)):
            vdate = day0 + dt.timedelta(days=off)
            label = f"V{j}" if labelled else None
            picks = draw(
                st.lists(
                    st.sampled_from(_LAB_CHOICES), max_size=3, unique_by=lambda c: c[0]
                )
            )
            lab_list = []
            for analyte, unit, lo, hi, specimen in picks:
                value = draw(
                    st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, 2))
                )
                shift = draw(st.integers(-3, 3)) if labelled else 0
                when: dt.date = vdate + dt.timedelta(days=shift)
                if draw(st.booleans()):
                    when = dt.datetime.combine(
                        when, dt.time(draw(st.integers(0, 23)), 30)
                    )
                ref = draw(st.sampled_from([(None, None), (0.9 * lo, None), (lo, hi)]))
                lab_list.append(
                    LabResult(
                        analyte=analyte,
                        value=value,
                        unit=unit,
                        date=when,
                        specimen=specimen,
                        reference_low=ref[0],
                        reference_high=ref[1],
                        assay=draw(st.sampled_from([None, "ELISA"])),
                    )
                )
            visits.append(
                Visit(
                    participant_id=pid,
                    date=vdate,
                    label=label,
                    unscheduled=draw(st.booleans()),
                    labs=lab_list,
                    glucocorticoid_mg_day=draw(st.sampled_from([None, 0.0, 7.5, 60.0])),
                    pga=draw(st.sampled_from([None, 0.0, 1.5])),
                    rescue_therapy=draw(st.sampled_from([None, True, False])),
                    descriptors=draw(
                        st.dictionaries(
                            st.sampled_from(SLEDAI_2K_DESCRIPTOR_NAMES),
                            st.sampled_from([None, True, False]),
                            max_size=3,
                        )
                    ),
                )
            )
        last = max((v.date for v in visits), default=day0)
        events = [
            Event(type=t, date=last + dt.timedelta(days=k + 1), note=note)
            for k, (t, note) in enumerate(
                draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(
                                ["withdrawal", "dialysis", "rescue_therapy"]
                            ),
                            st.sampled_from([None, "note"]),
                        ),
                        max_size=2,
                    )
                )
            )
        ]
        if draw(st.booleans()):
            events.append(Event(type="death", date=last + dt.timedelta(days=10)))
        parts.append(
            Participant(
                patient=Patient(
                    id=pid,
                    sex=draw(st.sampled_from(["female", "male"])),
                    birth_date=birth,
                    height_cm=draw(st.sampled_from([None, 160.0])),
                    black=draw(st.sampled_from([None, True, False])),
                ),
                arm=draw(st.sampled_from(["A", "B"])),
                day0=day0,
                visits=visits,
                events=events,
            )
        )
    ids = [p.patient.id for p in parts]
    assume(len(set(ids)) == len(ids))
    try:
        return Trial(
            name="t",
            participants=parts,
            schedule=[Timepoint(label="m6", day=182, window_days=30)],
        )
    except ValidationError:  # pragma: no cover - the strategy draws valid trials
        assume(False)
        raise


@given(trial=small_trials(), seed=st.integers(0, 2**16))
def test_random_trials_equal_from_trial(trial: Trial, seed: int) -> None:
    """Random small trials: tables (shuffled) give the cohort from_trial gives."""
    want = Cohort.from_trial(trial)
    tables = trial_tables(trial)
    assert_same_cohort(from_tables(trial, tables), want)
    assert_same_cohort(from_tables(trial, shuffled(tables, seed)), want)


# --- every bad row at once --------------------------------------------------------


def test_bad_rows_in_several_tables_all_reported() -> None:
    """Bad rows of every table come in one TableError with row and participant."""
    parts = people(3, SEX=["F", "X", "M"])
    lab = labs(
        USUBJID=["P1", "P2", "P9", "P3"],
        LBORRES=[1.0, -1.0, 1.0, 1.0],
        LBORRESU=["mg/dL", "mg/dL", "mg/dL", "furlongs"],
    )
    visits = _table({"USUBJID": ["P1", "P3"], "SVSTDTC": ["2010-01-01", "2010-02-30"]})
    events = _table(
        {
            "USUBJID": ["P2", "P1"],
            "DSDECOD": ["death", "abducted"],
            "DSSTDTC": ["2011-01-01"] * 2,
        }
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, parts, visits=visits, events=events)
    found = problems_of(exc)
    assert ("participants", 1, "P2", "SEX") in found
    assert ("labs", 1, "P2", "LBORRES") in found  # negative
    assert ("labs", 2, "P9", "USUBJID") in found  # unknown participant
    assert ("labs", 3, "P3", "LBORRESU") in found  # unknown unit
    assert ("visits", 1, "P3", "SVSTDTC") in found  # impossible date
    assert ("events", 1, "P1", "DSDECOD") in found  # unknown type
    assert isinstance(exc.value, ValueError)
    assert isinstance(exc.value, LupusScoreError)
    assert "labs row 2 (participant P9): USUBJID" in str(exc.value)


def test_message_lists_twenty_then_counts() -> None:
    """The message shows the first 20 problems and '... and N more'."""
    n = 25
    lab = labs(LBORRES=obj(["<5"] * n))
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert len(exc.value.problems) == n
    assert [p.row for p in exc.value.problems] == list(range(n))
    text = str(exc.value)
    assert "... and 5 more" in text
    assert text.count("LBORRES: got '<5'") == 20


def test_table_error_pickles() -> None:
    """TableError and its RowProblems survive pickling (process pools)."""
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBORRES=obj(["POS"])), people(1))
    back = pickle.loads(pickle.dumps(exc.value))
    assert isinstance(back, TableError)
    assert back.problems == exc.value.problems
    assert str(back) == str(exc.value)
    problem = back.problems[0]
    assert isinstance(problem, RowProblem)
    assert (problem.value, problem.participant) == ("POS", "P1")


def test_nothing_built_when_one_row_is_bad() -> None:
    """One bad row among good ones: an error, no partial cohort."""
    lab = labs(
        LBORRES=[1.0, 1.2, np.inf], LBDTC=["2010-01-01", "2010-02-01", "2010-03-01"]
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert problems_of(exc) == {("labs", 2, "P1", "LBORRES")}


# --- values -------------------------------------------------------------------


def test_nan_value_is_missing_not_an_error() -> None:
    """NaN, None and blank values leave the row out and say so in notes."""
    lab = labs(
        LBORRES=obj([1.0, np.nan, None, "  "]),
        LBDTC=["2010-01-01", "2010-01-02", "2010-01-03", "2010-01-04"],
        LBORRESU=obj(["mg/dL", None, "mg/dL", "mg/dL"]),
    )
    cohort = Cohort.from_columns(lab, people(1))
    assert cohort.n_labs == 1
    assert cohort.lab_source_row.tolist() == [0]
    assert "3 row(s) without a value" in cohort.notes[0]
    float_lab = labs(LBORRES=[np.nan, 2.0], LBDTC=["2010-01-01", "2010-01-02"])
    assert Cohort.from_columns(float_lab, people(1)).n_labs == 1


def test_numeric_strings_are_numbers_others_are_bad() -> None:
    """'1.5' and '2e0' are numbers; '<5', 'POS', True and inf are bad rows."""
    good = labs(
        LBORRES=obj(["1.5", " 2e0 ", 3]),
        LBDTC=["2010-01-01", "2010-01-02", "2010-01-03"],
    )
    cohort = Cohort.from_columns(good, people(1))
    assert sorted(cohort.lab_value.tolist()) == [1.5, 2.0, 3.0]
    bad = labs(LBORRES=obj(["<5", "POS", True, float("inf"), "nan", 10**400]))
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(bad, people(1))
    assert {p.row for p in exc.value.problems} == set(range(6))


def test_string_column_of_numbers() -> None:
    """A numpy str column of numeric strings is read like an object column."""
    lab = labs(LBORRES=[0.0], LBDTC=["2010-01-01"])
    lab["LBORRES"] = np.array(["1.25"])
    lab["LBDTC"] = np.array(["2010-01-01"])
    assert Cohort.from_columns(lab, people(1)).lab_value.tolist() == [1.25]


def test_negative_and_implausible_values_are_bad_rows() -> None:
    """The LabResult rules: >= 0 and plausible for the analyte in its unit."""
    lab = labs(
        LBTESTCD=["creatinine", "creatinine", "c3", "body_temperature"],
        LBORRES=[-0.1, 1.4, 50.0, -1.0],
        LBORRESU=["mg/dL", "µmol/L", "g/L", "degC"],
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert {(p.row, p.column) for p in exc.value.problems} == {
        (0, "LBORRES"),  # negative
        (1, "LBORRES"),  # 1.4 umol/L: implausible creatinine
        (2, "LBORRES"),  # 50 g/L C3
        (3, "LBORRES"),  # -1 degC: implausible (not the >= 0 rule)
    }
    for row in (1, 2):
        with pytest.raises(ValidationError):
            LabResult(
                analyte=lab["LBTESTCD"][row],
                value=lab["LBORRES"][row],
                unit=lab["LBORRESU"][row],
                date="2010-01-01",
            )


def test_missing_unit_is_a_bad_row() -> None:
    """A value without a unit is bad (units are never guessed)."""
    lab = labs(LBORRESU=obj([None, ""]), LBORRES=[1.0, 1.0])
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert problems_of(exc) == {
        ("labs", 0, "P1", "LBORRESU"),
        ("labs", 1, "P1", "LBORRESU"),
    }
    assert "never guessed" in exc.value.problems[0].expected


def test_unit_resolved_once_per_pair_and_every_row_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """resolve_unit runs once per (unit, analyte); a bad pair flags all its rows."""
    calls: list[tuple[str, object]] = []
    real = columns_module.resolve_unit

    def counting(unit: str, analyte: object) -> Any:
        calls.append((unit, analyte))
        return real(unit, analyte)  # type: ignore[arg-type]

    monkeypatch.setattr(columns_module, "resolve_unit", counting)
    n = 60
    units = ["mg/dL", "µmol/L", "mg/mL/s"] * (n // 3)
    values = [1.0, 90.0, 1.0] * (n // 3)
    dates = (np.datetime64("2010-01-01") + np.arange(n)).astype(str).tolist()
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(
            labs(LBORRESU=units, LBORRES=values, LBDTC=dates), people(1)
        )
    assert len(calls) == 3
    assert {p.row for p in exc.value.problems} == set(range(2, n, 3))


def test_units_convert_to_canonical() -> None:
    """Canonical values equal LabResult's, per row."""
    lab = labs(
        LBTESTCD=["creatinine", "upcr", "c3"],
        LBORRES=[88.4, 250.0, 90.0],
        LBORRESU=["µmol/L", "mg/mmol", "mg/dL"],
    )
    cohort = Cohort.from_columns(lab, people(1))
    for i in range(3):
        row = cohort.lab_source_row[i]
        want = LabResult(
            analyte=lab["LBTESTCD"][row],
            value=lab["LBORRES"][row],
            unit=lab["LBORRESU"][row],
            date="2010-01-01",
        )
        assert cohort.lab_canonical[i] == want.canonical_value
        assert cohort.lab_family[i] == want.family


# --- reference ranges ------------------------------------------------------------


def test_reference_range_in_result_unit() -> None:
    """Without LBSTRESU the range is in the result's unit, as in LabResult."""
    lab = labs(
        LBTESTCD=["c3"],
        LBORRES=[90.0],
        LBORRESU=["mg/dL"],
        LBSTNRLO=[90.0],
        LBSTNRHI=[180.0],
    )
    cohort = Cohort.from_columns(lab, people(1))
    assert cohort.lab_reference_low.tolist() == [90.0]
    assert cohort.lab_reference_low_canonical.round(6).tolist() == [0.9]
    assert cohort.lab_reference_high_canonical.round(6).tolist() == [1.8]


def test_reference_range_in_reference_unit_column() -> None:
    """With LBSTRESU the range is read in that unit and converted."""
    lab = labs(
        LBTESTCD=["c3", "c3"],
        LBORRES=[90.0, 0.8],
        LBORRESU=["mg/dL", "g/L"],
        LBSTNRLO=[0.9, 0.9],
        LBSTNRHI=[1.8, 1.8],
        LBSTRESU=["g/L", "g/L"],
        LBDTC=["2010-01-01", "2010-01-02"],
    )
    cohort = Cohort.from_columns(lab, people(1))
    assert cohort.lab_reference_low_canonical.round(6).tolist() == [0.9, 0.9]
    assert cohort.lab_reference_low.round(6).tolist() == [90.0, 0.9]
    assert cohort.lab_reference_high.round(6).tolist() == [180.0, 1.8]


def test_reference_range_problems() -> None:
    """Negative limits, low > high, and a range without its LBSTRESU unit are bad."""
    lab = labs(
        LBTESTCD=["c3"] * 4,
        LBORRES=[1.0] * 4,
        LBORRESU=["g/L"] * 4,
        LBSTNRLO=[-0.1, 2.0, 0.9, np.nan],
        LBSTNRHI=[1.8, 1.0, 1.8, np.nan],
        LBSTRESU=obj(["g/L", "g/L", None, None]),
        LBDTC=["2010-01-01", "2010-01-02", "2010-01-03", "2010-01-04"],
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert {(p.row, p.column) for p in exc.value.problems} == {
        (0, "LBSTNRLO"),
        (1, "LBSTNRLO"),
        (2, "LBSTRESU"),
    }


# --- test codes, specimen, sex, flags -------------------------------------------


def test_test_codes_mapped_unused_and_missing() -> None:
    """analytes= maps codes; unknown codes are noted; a missing code is bad."""
    lab = labs(
        LBTESTCD=["CREAT", "C3", "GLUC", "GLUC"],
        LBORRES=[1.0, 1.0, 5.0, 6.0],
        LBORRESU=["mg/dL", "g/L", "mmol/L", "mmol/L"],
    )
    cohort = Cohort.from_columns(lab, people(1), analytes={"CREAT": "creatinine"})
    assert cohort.n_labs == 2
    assert any("2 row(s) with a test code" in n and "'GLUC'" in n for n in cohort.notes)
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBTESTCD=obj([None])), people(1))
    assert problems_of(exc) == {("labs", 0, "P1", "LBTESTCD")}
    with pytest.raises(InvalidValueError, match="analytes"):
        Cohort.from_columns(lab, people(1), analytes={"CREAT": "kreatinin"})


def test_specimen_values() -> None:
    """Specimen is a Specimen value (any case) or missing; anything else is bad."""
    lab = labs(
        LBSPEC=obj(["SERUM", None, "blood"]),
        LBDTC=["2010-01-01", "2010-01-02", "2010-01-03"],
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert problems_of(exc) == {("labs", 2, "P1", "LBSPEC")}


def test_sex_spellings() -> None:
    """F/M/female/male in any case; anything else (or missing) is bad."""
    cohort = Cohort.from_columns(
        labs(LBORRES=[1.0]), people(4, SEX=["f", "MALE", "Female", "m"])
    )
    assert cohort.sex.tolist() == ["female", "male", "female", "male"]
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBORRES=[1.0]), people(3, SEX=["W", None, 1]))
    assert {p.row for p in exc.value.problems} == {0, 1, 2}


def test_participant_columns_checked() -> None:
    """Height 30-250, BLACK a flag, ARM required when its column is present."""
    parts = people(
        3,
        HEIGHT_CM=[160.0, 300.0, np.nan],
        BLACK=[True, None, "yes"],
        ARM=["A", None, "B"],
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBORRES=[1.0]), parts)
    assert {(p.row, p.column) for p in exc.value.problems} == {
        (1, "HEIGHT_CM"),
        (2, "BLACK"),
        (1, "ARM"),
    }


def test_visit_columns_checked() -> None:
    """Visit flags, dose and PGA follow the Visit rules."""
    visits = _table(
        {
            "USUBJID": ["P1"] * 4,
            "SVSTDTC": ["2010-01-01", "2010-01-02", "2010-01-03", "2010-01-04"],
            "UNSCHEDULED": [False, None, False, False],
            "GLUCOCORTICOID_MG_DAY": [5.0, 5.0, 2500.0, 5.0],
            "PGA": [1.0, 1.0, 1.0, 3.5],
            "rash": [True, False, None, "yes"],
        }
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBORRES=[1.0]), people(1), visits=visits)
    assert {(p.row, p.column) for p in exc.value.problems} == {
        (1, "UNSCHEDULED"),
        (2, "GLUCOCORTICOID_MG_DAY"),
        (3, "PGA"),
        (3, "rash"),
    }


# --- dates ----------------------------------------------------------------------


def test_partial_and_impossible_dates_are_bad_rows() -> None:
    """'2014-01', '2014', '2014-02-30', 1899 and 2200 dates are bad rows."""
    dates = ["2014-01", "2014", "2014-02-30", "1899-12-31", "2200-01-01", "2014-01-02x"]
    lab = labs(LBORRES=[1.0] * len(dates), LBDTC=dates)
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert problems_of(exc) == {("labs", i, "P1", "LBDTC") for i in range(len(dates))}


def test_out_of_range_datetime64_is_bad() -> None:
    """A datetime64 column is range-checked like strings."""
    lab = labs(LBORRES=[1.0, 1.0])
    lab["LBDTC"] = np.array(["2010-01-01", "1850-01-01"], dtype="datetime64[D]")
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert problems_of(exc) == {("labs", 1, "P1", "LBDTC")}


def test_times_and_time_zones() -> None:
    """Lab datetimes keep the time as written; a time zone suffix is dropped."""
    lab = labs(
        LBORRES=[1.0, 1.1, 1.2],
        LBDTC=["2010-01-01T10:30", "2010-01-01T11:00:00+02:00", "2010-01-02T00:15Z"],
    )
    cohort = Cohort.from_columns(lab, people(1))
    assert cohort.lab_datetime.astype(str).tolist() == [
        "2010-01-01T10:30:00",
        "2010-01-01T11:00:00",
        "2010-01-02T00:15:00",
    ]
    assert cohort.n_visits == 2
    model = LabResult(
        analyte="creatinine", value=1.1, unit="mg/dL", date="2010-01-01T11:00:00+02:00"
    )
    assert model.day == dt.date(2010, 1, 1)


def test_dates_before_birth_are_bad() -> None:
    """Labs, visits, events and day 0 before the birth date are bad rows."""
    parts = people(1, RFSTDTC=["1970-01-01"])
    lab = labs(LBORRES=[1.0], LBDTC=["1979-12-31"])
    visits = _table({"USUBJID": ["P1"], "SVSTDTC": ["1979-12-31"]})
    events = _table(
        {"USUBJID": ["P1"], "DSDECOD": ["withdrawal"], "DSSTDTC": ["1975-01-01"]}
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, parts, visits=visits, events=events)
    assert problems_of(exc) == {
        ("participants", 0, "P1", "RFSTDTC"),
        ("labs", 0, "P1", "LBDTC"),
        ("visits", 0, "P1", "SVSTDTC"),
        ("events", 0, "P1", "DSSTDTC"),
    }


def test_missing_required_dates() -> None:
    """Birth date and day 0 are required; a lab needs a date."""
    parts = people(
        2, BRTHDTC=obj([None, "1980-01-01"]), RFSTDTC=obj(["2010-01-01", None])
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBDTC=obj([None])), parts)
    assert problems_of(exc) == {
        ("participants", 0, "P1", "BRTHDTC"),
        ("participants", 1, "P2", "RFSTDTC"),
        ("labs", 0, "P1", "LBDTC"),
    }


# --- duplicates -----------------------------------------------------------------


def test_identical_lab_rows_collapse() -> None:
    """The same lab row twice is one result (noted)."""
    cohort = Cohort.from_columns(labs(LBORRES=[1.0, 1.0]), people(1))
    assert cohort.n_labs == 1
    assert any("1 identical duplicate" in n for n in cohort.notes)


def test_different_lab_rows_same_key_both_bad() -> None:
    """Two different results for one analyte, time and specimen: both rows bad."""
    lab = labs(LBORRES=[1.0, 1.3, 1.0], LBSPEC=obj([None, None, "serum"]))
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1))
    assert problems_of(exc) == {
        ("labs", 0, "P1", "LBORRES"),
        ("labs", 1, "P1", "LBORRES"),
    }
    assert "DuplicateResultError" in exc.value.problems[0].expected


def test_duplicate_visits() -> None:
    """Identical visit rows collapse; different ones on one date are all bad."""
    same = _table(
        {"USUBJID": ["P1", "P1"], "SVSTDTC": ["2010-01-01"] * 2, "PGA": [1.0, 1.0]}
    )
    cohort = Cohort.from_columns(labs(LBORRES=[1.0]), people(1), visits=same)
    assert cohort.n_visits == 1
    differ = _table(
        {
            "USUBJID": ["P1", "P2", "P1"],
            "SVSTDTC": ["2010-01-01"] * 3,
            "PGA": [1.0, 1.0, 2.0],
        }
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBORRES=[1.0]), people(2), visits=differ)
    assert problems_of(exc) == {
        ("visits", 0, "P1", "SVSTDTC"),
        ("visits", 2, "P1", "SVSTDTC"),
    }


def test_duplicate_participant_ids_all_bad() -> None:
    """Every row of a repeated participant id is bad; its labs are not reported."""
    parts = people(3)
    parts["USUBJID"] = obj(["P1", "P2", "P1"])
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBORRES=[1.0]), parts)
    assert problems_of(exc) == {
        ("participants", 0, "P1", "USUBJID"),
        ("participants", 2, "P1", "USUBJID"),
    }


# --- labs to visits ---------------------------------------------------------------


def test_labs_to_visits_by_label_then_date() -> None:
    """With VISIT in both tables a lab goes to its labelled visit, else by date."""
    visits = _table(
        {
            "USUBJID": ["P1", "P1"],
            "SVSTDTC": ["2010-01-01", "2010-02-01"],
            "VISIT": ["BASELINE", "WEEK 4"],
        }
    )
    lab = labs(
        LBORRES=[1.0, 1.1, 1.2],
        LBDTC=["2009-12-30", "2010-02-03", "2010-02-01"],
        VISIT=obj(["BASELINE", "WEEK 4", None]),
    )
    cohort = Cohort.from_columns(lab, people(1), visits=visits)
    by_row = dict(
        zip(cohort.lab_source_row.tolist(), cohort.lab_visit.tolist(), strict=True)
    )
    assert by_row == {0: 0, 1: 1, 2: 1}


def test_lab_without_visit_is_bad() -> None:
    """A lab with no matching label, or no visit on its date, is a bad row."""
    visits = _table(
        {"USUBJID": ["P1"], "SVSTDTC": ["2010-01-01"], "VISIT": ["BASELINE"]}
    )
    lab = labs(
        LBORRES=[1.0, 1.1],
        LBDTC=["2010-01-01", "2010-03-01"],
        VISIT=obj(["WEEK 8", None]),
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1), visits=visits)
    assert problems_of(exc) == {("labs", 0, "P1", "VISIT"), ("labs", 1, "P1", "LBDTC")}


def test_lab_far_from_its_visit_warns() -> None:
    """A lab more than 30 days from its visit is kept, with a LabDateWarning."""
    visits = _table(
        {"USUBJID": ["P1"], "SVSTDTC": ["2010-01-01"], "VISIT": ["BASELINE"]}
    )
    lab = labs(LBORRES=[1.0], LBDTC=["2010-03-01"], VISIT=["BASELINE"])
    with pytest.warns(LabDateWarning, match="more than 30 days"):
        cohort = Cohort.from_columns(lab, people(1), visits=visits)
    assert cohort.n_labs == 1


def test_visits_from_labs_labels_and_unscheduled() -> None:
    """Without visits: one visit per (participant, date), labelled when labs agree."""
    lab = labs(
        USUBJID=["P1", "P1", "P1", "P1", "P2"],
        LBTESTCD=["creatinine", "c3", "creatinine", "c3", "creatinine"],
        LBORRES=[1.0, 1.0, 1.0, 1.0, 1.0],
        LBORRESU=["mg/dL", "g/L", "mg/dL", "g/L", "mg/dL"],
        LBDTC=[
            "2010-01-01",
            "2010-01-01T09:00",
            "2010-02-01",
            "2010-02-01",
            "2010-03-01",
        ],
        VISIT=obj(["Baseline", "Baseline", "WEEK 4", None, "Unscheduled 1.1"]),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cohort = Cohort.from_columns(lab, people(2))
    assert cohort.visit_label.tolist() == ["Baseline", None, "Unscheduled 1.1"]
    assert cohort.visit_unscheduled.tolist() == [False, False, True]
    assert cohort.visit_participant.tolist() == [0, 0, 1]
    assert cohort.visit_date.astype(str).tolist() == [
        "2010-01-01",
        "2010-02-01",
        "2010-03-01",
    ]


def test_unknown_participant_in_every_table() -> None:
    """Ids not in the participants table are bad rows in labs, visits, events."""
    visits = _table({"USUBJID": ["P1", "Q"], "SVSTDTC": ["2010-01-01"] * 2})
    events = _table(
        {"USUBJID": ["Q"], "DSDECOD": ["withdrawal"], "DSSTDTC": ["2010-05-01"]}
    )
    lab = labs(USUBJID=["Q", "P1"], LBORRES=[1.0, 1.0])
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1), visits=visits, events=events)
    assert problems_of(exc) == {
        ("labs", 0, "Q", "USUBJID"),
        ("visits", 1, "Q", "USUBJID"),
        ("events", 0, "Q", "USUBJID"),
    }


# --- events and death ------------------------------------------------------------


def test_events_read_and_after_death_rules() -> None:
    """Event types any case; nothing after a death; no visit after it."""
    events = _table(
        {
            "USUBJID": ["P1", "P1", "P1", "P2"],
            "DSDECOD": ["Death", "withdrawal", "DIALYSIS", "withdrawal"],
            "DSSTDTC": ["2010-06-01", "2010-06-01", "2010-05-01", "2010-06-01"],
        }
    )
    lab = labs(
        USUBJID=["P1", "P2"], LBORRES=[1.0, 1.0], LBDTC=["2010-07-01", "2010-07-01"]
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(2), events=events)
    assert problems_of(exc) == {
        ("events", 1, "P1", "DSSTDTC"),
        ("labs", 0, "P1", "LBDTC"),
    }


def test_two_deaths_are_bad() -> None:
    """Two death rows of one participant are bad rows."""
    events = _table(
        {
            "USUBJID": ["P1", "P1"],
            "DSDECOD": ["death"] * 2,
            "DSSTDTC": ["2011-01-01"] * 2,
        }
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(labs(LBORRES=[1.0]), people(1), events=events)
    assert {p.row for p in exc.value.problems} == {0, 1}


def test_event_columns_read() -> None:
    """Events keep type (lower case), date and DSTERM as the note, sorted."""
    events = _table(
        {
            "USUBJID": ["P2", "P1", "P1"],
            "DSDECOD": ["WITHDRAWAL", "rescue_therapy", "death"],
            "DSSTDTC": ["2011-01-01", "2010-05-01", "2012-01-01T08:00"],
            "DSTERM": [None, "rituximab", "sepsis"],
        }
    )
    cohort = Cohort.from_columns(labs(LBORRES=[1.0]), people(2), events=events)
    assert cohort.event_participant.tolist() == [0, 0, 1]
    assert cohort.event_type.tolist() == ["rescue_therapy", "death", "withdrawal"]
    assert cohort.event_note.tolist() == ["rituximab", "sepsis", None]
    assert cohort.event_date.astype(str).tolist() == [
        "2010-05-01",
        "2012-01-01",
        "2011-01-01",
    ]


# --- trial-level options ----------------------------------------------------------


def test_trial_level_checks() -> None:
    """Arms must hold every arm; schedule labels distinct and windows apart."""
    parts = people(2, ARM=["A", "C"])
    schedule = [
        {"label": "m3", "day": 91, "window_days": 14},
        {"label": "m3", "day": 100, "window_days": 14},
        {"label": "m6", "day": 182, "window_days": -1},
    ]
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(
            labs(LBORRES=[1.0]), parts, arms=["A", "B", "A"], schedule=schedule
        )
    found = {(p.table, p.row, p.column) for p in exc.value.problems}
    assert found == {
        ("participants", 1, "ARM"),
        ("schedule", 1, "label"),
        ("schedule", 1, "day"),
        ("schedule", 2, "timepoint"),
        ("arms", None, "arms"),
    }


def test_options_carried_over() -> None:
    """Name, synthetic, arms, schedule and window land on the cohort."""
    cohort = Cohort.from_columns(
        labs(LBORRES=[1.0]),
        people(2, ARM=["B", "A"]),
        schedule=[Timepoint(label="m6", day=182, window_days=14)],
        name="demo",
        synthetic=True,
        baseline_window_days=14,
    )
    assert (cohort.name, cohort.synthetic, cohort.baseline_window_days) == (
        "demo",
        True,
        14,
    )
    assert cohort.arms == ("A", "B")
    assert cohort.arm.tolist() == ["B", "A"]
    assert cohort.schedule[0].label == "m6"


# --- arguments --------------------------------------------------------------------


def test_argument_errors() -> None:
    """Malformed tables and options are InvalidValueError at once."""
    good_labs, parts = labs(LBORRES=[1.0]), people(1)
    no_unit = {k: v for k, v in good_labs.items() if k != "LBORRESU"}
    with pytest.raises(InvalidValueError, match="LBORRESU"):
        Cohort.from_columns(no_unit, parts)
    with pytest.raises(InvalidValueError, match="one length"):
        Cohort.from_columns(good_labs | {"LBORRES": np.array([1.0, 2.0])}, parts)
    with pytest.raises(InvalidValueError, match="1-d"):
        Cohort.from_columns(good_labs | {"LBORRES": np.ones((1, 1))}, parts)
    with pytest.raises(InvalidValueError, match="mapping"):
        Cohort.from_columns([1, 2], parts)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="columns"):
        Cohort.from_columns(good_labs, parts, columns={"NOPE": "x"})
    with pytest.raises(InvalidValueError, match="name"):
        Cohort.from_columns(good_labs, parts, name="")
    with pytest.raises(InvalidValueError, match="synthetic"):
        Cohort.from_columns(good_labs, parts, synthetic="yes")  # type: ignore[arg-type]


def test_columns_rename() -> None:
    """columns= maps default names to the caller's."""
    lab = {("ID" if k == "USUBJID" else k): v for k, v in labs(LBORRES=[1.0]).items()}
    parts = {("ID" if k == "USUBJID" else k): v for k, v in people(1).items()}
    cohort = Cohort.from_columns(lab, parts, columns={"USUBJID": "ID"})
    assert cohort.participant_id.tolist() == ["P1"]
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab | {"ID": obj(["Z"])}, parts, columns={"USUBJID": "ID"})
    assert exc.value.problems[0].column == "ID"


def test_lists_accepted_as_columns() -> None:
    """Plain lists are read as object columns."""
    lab = {k: v.tolist() for k, v in labs(LBORRES=[1.0]).items()}
    assert Cohort.from_columns(lab, people(1)).n_labs == 1  # type: ignore[arg-type]


def test_result_arrays_read_only() -> None:
    """The cohort's arrays cannot be written."""
    cohort = Cohort.from_columns(labs(LBORRES=[1.0]), people(1))
    with pytest.raises(ValueError, match="read-only"):
        cohort.lab_value[0] = 2.0


# --- hostile cells ----------------------------------------------------------------

_LAB_COLUMNS = (
    "USUBJID",
    "LBTESTCD",
    "LBORRES",
    "LBORRESU",
    "LBDTC",
    "LBSTNRLO",
    "LBSTNRHI",
    "LBSTRESU",
    "LBSPEC",
    "LBMETHOD",
    "VISIT",
)
_PEOPLE_COLUMNS = ("USUBJID", "SEX", "BRTHDTC", "RFSTDTC", "ARM", "HEIGHT_CM", "BLACK")


class _NAType:
    """Stand-in for pandas.NA: comparisons return itself, bool() raises."""

    def __eq__(self, other: object) -> Any:
        return self

    def __ne__(self, other: object) -> Any:
        return self

    def __bool__(self) -> bool:
        msg = "boolean value of NA is ambiguous"
        raise TypeError(msg)

    def __hash__(self) -> int:
        return 0


_NAType.__name__ = "NAType"

_HOSTILE = (
    None,
    np.nan,
    float("inf"),
    -1.0,
    0.0,
    True,
    np.True_,
    10**400,
    -(10**400),
    "",
    "  ",
    "<5",
    "POS",
    "2014-01",
    "2014-02-30",
    "1e999",
    "P1",
    "serum",
    "death",
    object(),
    [1.0],
    {"a": 1},
    b"1.0",
    1 + 2j,
    np.int64(3),
    np.float32(1.5),
    np.datetime64("NaT"),
    np.datetime64("2010-01-01"),
    np.datetime64("1800-01-01"),
    dt.date(1899, 12, 31),
    dt.date(2010, 1, 1),
    dt.datetime(2010, 1, 1, 10, tzinfo=dt.UTC),
    dt.datetime.max,
    _NAType(),
)


def _hostile_fixture() -> dict[str, Table]:
    lab = labs(
        LBORRES=[1.0, 1.2],
        LBDTC=["2010-01-01", "2010-02-01"],
        LBSTNRLO=[0.5, 0.5],
        LBSTNRHI=[1.2, 1.2],
        LBSTRESU=["mg/dL", "mg/dL"],
        LBSPEC=["serum", "serum"],
        LBMETHOD=["enzymatic", "enzymatic"],
        VISIT=["V1", "V2"],
    )
    parts = people(2, ARM=["A", "B"], HEIGHT_CM=[160.0, 170.0], BLACK=[None, False])
    visits = _table(
        {
            "USUBJID": ["P1", "P1"],
            "SVSTDTC": ["2010-01-01", "2010-02-01"],
            "VISIT": ["V1", "V2"],
            "UNSCHEDULED": [False, False],
            "GLUCOCORTICOID_MG_DAY": [5.0, 5.0],
            "RESCUE_THERAPY": [None, False],
            "PGA": [1.0, 1.0],
            "rash": [True, None],
        }
    )
    events = _table(
        {
            "USUBJID": ["P2"],
            "DSDECOD": ["withdrawal"],
            "DSSTDTC": ["2011-01-01"],
            "DSTERM": ["moved"],
        }
    )
    return {"labs": lab, "participants": parts, "visits": visits, "events": events}


_CELLS = [(t, c) for t, table in _hostile_fixture().items() for c in table]


@pytest.mark.parametrize(("table", "column"), _CELLS)
def test_hostile_cell_is_a_row_problem_never_a_crash(table: str, column: str) -> None:
    """Any odd value in any cell gives a cohort or a TableError naming that row."""
    for value in _HOSTILE:
        tables = _hostile_fixture()
        cells = obj(list(tables[table][column]))
        cells[0] = value
        tables[table][column] = cells
        found: tuple[RowProblem, ...] | None = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                Cohort.from_columns(
                    tables["labs"],
                    tables["participants"],
                    visits=tables["visits"],
                    events=tables["events"],
                )
        except TableError as exc:
            found = exc.problems
        if found is not None:
            assert found, value
            if column not in {"USUBJID", "VISIT"}:  # keys: seen where they are used
                assert any(p.table == table and p.row == 0 for p in found), value


def test_repeated_label_matches_by_date() -> None:
    """A label of two visits of a participant: the lab goes to the one on its date."""
    visits = _table(
        {
            "USUBJID": ["P1", "P1"],
            "SVSTDTC": ["2010-01-05", "2010-03-05"],
            "VISIT": ["UNSCHEDULED", "UNSCHEDULED"],
        }
    )
    lab = labs(
        LBORRES=[1.0, 1.1, 1.2],
        LBDTC=["2010-03-05", "2010-01-05", "2010-02-05"],
        VISIT=["UNSCHEDULED"] * 3,
    )
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(lab, people(1), visits=visits)
    assert problems_of(exc) == {("labs", 2, "P1", "VISIT")}
    cohort = Cohort.from_columns(
        {k: v[:2] for k, v in lab.items()}, people(1), visits=visits
    )
    by_row = dict(
        zip(cohort.lab_source_row.tolist(), cohort.lab_visit.tolist(), strict=True)
    )
    assert by_row == {0: 1, 1: 0}
    assert cohort.visit_unscheduled.tolist() == [True, True]  # no UNSCHEDULED column


def test_visit_labels_from_labs_need_agreement() -> None:
    """Labs of one date with different labels give a visit without a label."""
    lab = labs(
        LBTESTCD=["creatinine", "c3"],
        LBORRESU=["mg/dL", "g/L"],
        LBORRES=[1.0, 1.0],
        VISIT=["WEEK 4", "WEEK 5"],
    )
    cohort = Cohort.from_columns(lab, people(1))
    assert cohort.visit_label.tolist() == [None]


def test_integer_flags_and_columns() -> None:
    """Integer 0/1 flag columns and integer value columns are accepted."""
    visits = {
        "USUBJID": obj(["P1"]),
        "SVSTDTC": np.array(["2010-01-01"], dtype="datetime64[D]"),
        "UNSCHEDULED": np.array([1]),
        "rash": np.array([0]),
    }
    lab = labs(LBORRES=[0.0])
    lab["LBORRES"] = np.array([1])
    cohort = Cohort.from_columns(lab, people(1), visits=visits)
    assert cohort.visit_unscheduled.tolist() == [True]
    assert cohort.visit_descriptors["rash"].tolist() == [0]
    assert cohort.lab_value.tolist() == [1.0]


def test_date_objects_in_object_columns() -> None:
    """date/datetime objects (a time zone dropped, as models do) read like strings."""
    tz = dt.timezone(dt.timedelta(hours=5))
    lab = labs(LBORRES=[1.0, 1.1, 1.2], LBDTC=["2010-01-01"] * 3)
    lab["LBDTC"] = obj(
        [
            dt.date(2010, 1, 1),
            dt.datetime(2010, 1, 2, 23, 30, tzinfo=tz),
            np.datetime64("2010-01-03T08:00"),
        ]
    )
    cohort = Cohort.from_columns(lab, people(1))
    assert cohort.lab_datetime.astype(str).tolist() == [
        "2010-01-01T00:00:00",
        "2010-01-02T23:30:00",
        "2010-01-03T08:00:00",
    ]
    model = LabResult(
        analyte="creatinine", value=1.1, unit="mg/dL", date=lab["LBDTC"][1]
    )
    assert model.day == dt.date(2010, 1, 2)
