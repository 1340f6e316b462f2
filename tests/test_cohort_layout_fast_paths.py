"""The sixth pass over the cohort layout's fixed costs: same answers as before.

Each shortcut of ``lupusscore.cohort._columns`` is checked against the path it
stands in for, on random inputs, to the last element (codes, texts, masks and
their dtypes):

- text columns coded by Arrow (``_from_dictionary``): when no distinct string
  is blank and every code is -1 or in range, the rows are coded with one pass
  (``codes + 1`` for a sorted dictionary) instead of classifying every row;
- the canonical lab order: the duplicate check's one stable sort by (visit,
  analyte, date-time, specimen) leaves the kept rows in ``lab_order``'s order,
  which is not sorted again (checked: ``lab_order`` of a cohort built from
  random rows, duplicates and specimens tied at one time included, is the
  identity);
- labs to visits (``_assign``) and key look-ups (``_match``): each run of
  neighbouring rows with equal keys is worked out once; checked against
  every row worked out alone (``_runs`` patched to one run per row) on
  random trials with labelled visits, shuffled;
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.test_cohort_columns import (
    assert_same_cohort,
    from_tables,
    shuffled,
    small_trials,
    trial_tables,
)

from lupusscore.cohort import Cohort, _columns, _from_trial
from lupusscore.cohort._columns import (
    _from_dictionary,
    _from_dictionary_general,
    _Text,
)
from lupusscore.models import Trial

_WORDS = st.sampled_from(
    ["A", "B", "b", "SYN-0001", "SYN-0002", "Ä", " x", "x ", "", " ", "\t", "\u3000"]
)


def _same_text(a: _Text, b: _Text) -> None:
    """Assert two coded columns are equal element by element, dtypes included."""
    assert a.codes.dtype == b.codes.dtype
    np.testing.assert_array_equal(a.codes, b.codes)
    assert a.names.dtype == b.names.dtype
    assert a.names.tolist() == b.names.tolist()
    assert a.missing.dtype == b.missing.dtype == np.bool_
    np.testing.assert_array_equal(a.missing, b.missing)
    np.testing.assert_array_equal(a.bad, b.bad)


@given(st.lists(_WORDS, max_size=8, unique=True), st.data())
def test_dictionary_codes_equal_the_general_path(
    distinct: list[str], data: st.DataObject
) -> None:
    """Any dictionary (sorted or not, blanks or not) and any code: as before."""
    low = -min(2, len(distinct) + 1)
    codes = np.array(
        data.draw(st.lists(st.integers(low, len(distinct)), max_size=30)),
        dtype=np.int32,
    )
    _same_text(
        _from_dictionary(codes, distinct), _from_dictionary_general(codes, distinct)
    )


@given(st.lists(_WORDS, max_size=8, unique=True))
def test_dictionary_in_sorted_order_takes_the_shortcut(distinct: list[str]) -> None:
    """A sorted dictionary of non-blank ids gives the general path's coding."""
    ids = sorted(w for w in distinct if w.strip())
    codes = np.array([*range(len(ids)), -1, *range(len(ids))], dtype=np.int32)
    _same_text(_from_dictionary(codes, ids), _from_dictionary_general(codes, ids))


def test_blank_means_strip_gives_nothing() -> None:
    """``str.isspace`` (the shortcut's blank test) is ``not c.strip()``, any ``c``."""
    for point in range(0x110000):
        char = chr(point)
        assert char.isspace() == (not char.strip())


# --- the canonical lab order ------------------------------------------------------

_ANALYTE_UNITS = [
    ("creatinine", "mg/dL", 1.0),
    ("creatinine", "µmol/L", 88.4),
    ("c3", "g/L", 1.0),
]
_SPECIMEN_TEXTS = [None, "serum", "plasma", "spot_urine", "urine_24h"]


@st.composite
def _lab_tables(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """Lab rows of two participants: ties of analyte and time, exact duplicates."""
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["P1", "P2"]),
                st.sampled_from(_ANALYTE_UNITS),
                st.integers(0, 3),  # day
                st.sampled_from(["", "T08:00", "T20:30"]),
                st.sampled_from(_SPECIMEN_TEXTS),
            ),
            min_size=1,
            max_size=25,
            unique_by=lambda k: (k[0], k[1][0], k[2], k[3], k[4]),
        )
    )
    rows = [(*k, k[1][2] * draw(st.sampled_from([1.0, 1.5, 2.0]))) for k in keys]
    rows += draw(st.lists(st.sampled_from(rows), max_size=5))  # identical rows
    rows = draw(st.permutations(rows))
    labs = {
        "USUBJID": np.array([r[0] for r in rows], dtype=object),
        "LBTESTCD": np.array([r[1][0] for r in rows], dtype=object),
        "LBORRES": np.array([r[5] for r in rows]),
        "LBORRESU": np.array([r[1][1] for r in rows], dtype=object),
        "LBDTC": np.array([f"2010-01-0{r[2] + 1}{r[3]}" for r in rows], dtype=object),
        "LBSPEC": np.array([r[4] for r in rows], dtype=object),
    }
    people = {
        "USUBJID": np.array(["P1", "P2"], dtype=object),
        "SEX": np.array(["F", "M"], dtype=object),
        "BRTHDTC": np.array(["1970-01-01"] * 2, dtype=object),
        "RFSTDTC": np.array(["2010-01-01"] * 2, dtype=object),
    }
    return labs, people, draw(st.booleans())


def _visits_of(labs: dict[str, Any]) -> dict[str, Any]:
    """A visits table with one visit per participant and lab date."""
    pairs = sorted(
        {(p, d[:10]) for p, d in zip(labs["USUBJID"], labs["LBDTC"], strict=True)}
    )
    return {
        "USUBJID": np.array([p for p, _ in pairs], dtype=object),
        "SVSTDTC": np.array([d for _, d in pairs], dtype=object),
    }


@given(_lab_tables())
def test_cohort_labs_are_in_lab_order(
    tables: tuple[dict[str, Any], dict[str, Any], bool],
) -> None:
    """``lab_order`` of the cohort's lab rows is the identity; duplicates collapse."""
    labs, people, with_visits = tables
    visits = _visits_of(labs) if with_visits else None
    c = Cohort.from_columns(labs, people, visits=visits)
    got = _from_trial.lab_order(
        c.lab_participant,
        c.lab_visit,
        c.lab_analyte,
        c.lab_datetime,
        c.lab_specimen,
        c.lab_value,
        c.lab_unit,
    )
    assert got.tolist() == list(range(c.n_labs))
    distinct = {
        (p, t, d, s)
        for p, t, d, s in zip(
            labs["USUBJID"],
            labs["LBTESTCD"],
            labs["LBDTC"],
            labs["LBSPEC"],
            strict=True,
        )
    }
    assert c.n_labs == len(distinct)


def test_lab_rows_are_sorted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout sorts the lab rows once (the duplicate check's sort), not twice."""
    calls: list[int] = []
    real = _columns.lexsort_stable

    def counted(keys: Any) -> np.ndarray:
        calls.append(len(keys[0]))
        return real(keys)

    def never(*args: Any) -> np.ndarray:
        raise AssertionError

    monkeypatch.setattr(_from_trial, "by_head_then_time", never)
    monkeypatch.setattr(_columns, "by_head_then_time", never, raising=False)
    monkeypatch.setattr(_columns, "lexsort_stable", counted, raising=False)
    labs, people, _ = (
        {
            "USUBJID": np.array(["P1", "P1", "P1"], dtype=object),
            "LBTESTCD": np.array(["c3", "creatinine", "c3"], dtype=object),
            "LBORRES": np.array([1.0, 1.1, 1.0]),
            "LBORRESU": np.array(["g/L", "mg/dL", "g/L"], dtype=object),
            "LBDTC": np.array(["2010-01-02", "2010-01-02", "2010-01-02"], dtype=object),
        },
        {
            "USUBJID": np.array(["P1"], dtype=object),
            "SEX": np.array(["F"], dtype=object),
            "BRTHDTC": np.array(["1970-01-01"], dtype=object),
            "RFSTDTC": np.array(["2010-01-01"], dtype=object),
        },
        None,
    )
    c = Cohort.from_columns(labs, people)
    assert c.n_labs == 2
    assert calls == [3]


# --- runs of equal keys -------------------------------------------------------------


def _every_row_alone(*columns: np.ndarray) -> np.ndarray:
    """Stand-in for ``_runs``: each row its own run (the row-by-row path)."""
    return np.arange(len(columns[0]))


@given(trial=small_trials(), seed=st.integers(0, 2**16))
def test_runs_give_what_every_row_alone_gives(trial: Trial, seed: int) -> None:
    """Labs matched to visits run by run equal labs matched row by row."""
    tables = shuffled(trial_tables(trial), seed)
    fast = from_tables(trial, tables)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_columns, "_runs", _every_row_alone)
        slow = from_tables(trial, tables)
    assert_same_cohort(fast, slow)
    assert fast.lab_source_row.tolist() == slow.lab_source_row.tolist()


def test_lab_rows_are_assigned_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """The labs of one visit (equal participant, day and label) are assigned once."""
    seen: list[int] = []
    real = _columns._assign_keys

    def counted(ok: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        seen.append(len(ok))
        return real(ok, *args, **kwargs)

    monkeypatch.setattr(_columns, "_assign_keys", counted)
    labs = {
        "USUBJID": np.array(["P1"] * 4, dtype=object),
        "LBTESTCD": np.array(["c3", "creatinine", "c3", "creatinine"], dtype=object),
        "LBORRES": np.array([1.0, 1.1, 1.2, 1.3]),
        "LBORRESU": np.array(["g/L", "mg/dL", "g/L", "mg/dL"], dtype=object),
        "LBDTC": np.array(["2010-01-02"] * 2 + ["2010-02-02"] * 2, dtype=object),
    }
    people = {
        "USUBJID": np.array(["P1"], dtype=object),
        "SEX": np.array(["F"], dtype=object),
        "BRTHDTC": np.array(["1970-01-01"], dtype=object),
        "RFSTDTC": np.array(["2010-01-01"], dtype=object),
    }
    visits = {
        "USUBJID": np.array(["P1", "P1"], dtype=object),
        "SVSTDTC": np.array(["2010-01-02", "2010-02-02"], dtype=object),
    }
    c = Cohort.from_columns(labs, people, visits=visits)
    assert c.lab_visit.tolist() == [0, 0, 1, 1]
    assert seen == [2]


# --- sorts worked in one buffer ------------------------------------------------------


@given(
    st.lists(
        st.tuples(st.integers(-3, 3), st.integers(0, 5), st.booleans()), max_size=30
    ),
    st.sampled_from([np.int8, np.int32, np.int64]),
    st.sampled_from([np.uint8, np.uint64, np.int16]),
)
def test_lexsort_stable_of_mixed_integer_keys_is_lexsorts(
    rows: list[tuple[int, int, bool]], signed: type, unsigned: type
) -> None:
    """Keys of any integer (or bool) type, added in place: lexsort's order."""
    from lupusscore._arrays import lexsort_stable

    a = np.array([r[0] for r in rows], dtype=signed)
    b = np.array([r[1] for r in rows], dtype=unsigned)
    c = np.array([r[2] for r in rows], dtype=bool)
    for keys in ((a, b, c), (c, a), (b, a)):
        assert lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()


@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(-50, 50)), max_size=30),
    st.sampled_from([np.int16, np.int32, np.uint32, np.int64]),
)
def test_by_head_then_time_of_integer_times_is_lexsorts(
    rows: list[tuple[int, int]], dtype: type
) -> None:
    """Times of any integer type give lexsort's order."""
    head = np.array([h for h, _ in rows], dtype=np.int64)
    when = np.array([abs(t) if dtype == np.uint32 else t for _, t in rows], dtype=dtype)
    got = _from_trial.by_head_then_time(head, when)
    assert got.tolist() == np.lexsort((when, head)).tolist()


@given(st.lists(st.integers(-2_208_988_800, 7_258_118_399), max_size=30))
def test_seconds_floor_divided_by_a_day_are_the_day_cast(seconds: list[int]) -> None:
    """1900-2199 in seconds: ``// 86400`` is numpy's datetime64[s] -> [D] cast."""
    s = np.array(seconds, dtype=np.int64)
    want = s.astype("datetime64[s]").astype("datetime64[D]").astype(np.int64)
    assert (s // _columns._SECONDS_PER_DAY).tolist() == want.tolist()


# --- work done only when needed ------------------------------------------------------


def test_readable_visit_rows_are_laid_out_only_for_a_lost_lab(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every lab finds its visit: the visits table is grouped once, not twice."""
    seen: list[int] = []
    real = _columns._first_of_group

    def counted(group: np.ndarray) -> np.ndarray:
        seen.append(len(group))
        return real(group)

    monkeypatch.setattr(_columns, "_first_of_group", counted)
    labs = {
        "USUBJID": np.array(["P1", "P1"], dtype=object),
        "LBTESTCD": np.array(["c3", "c3"], dtype=object),
        "LBORRES": np.array([1.0, 1.2]),
        "LBORRESU": np.array(["g/L", "g/L"], dtype=object),
        "LBDTC": np.array(["2010-01-02", "2010-02-02"], dtype=object),
    }
    people = {
        "USUBJID": np.array(["P1"], dtype=object),
        "SEX": np.array(["F"], dtype=object),
        "BRTHDTC": np.array(["1970-01-01"], dtype=object),
        "RFSTDTC": np.array(["2010-01-01"], dtype=object),
    }
    visits = {
        "USUBJID": np.array(["P1", "P1"], dtype=object),
        "SVSTDTC": np.array(["2010-01-02", "2010-02-02"], dtype=object),
    }
    c = Cohort.from_columns(labs, people, visits=visits)
    assert c.lab_visit.tolist() == [0, 1]
    assert seen == [2]


# --- numbers and unit pairs ----------------------------------------------------------

_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.5, float("nan"), float("inf"), -float("inf")]),
)


def _same_numbers(
    got: tuple[np.ndarray, np.ndarray, np.ndarray],
    want: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Assert (numbers, missing, bad) equal, the numbers bit for bit."""
    assert got[0].dtype == want[0].dtype == np.float64
    assert got[0].view(np.int64).tolist() == want[0].view(np.int64).tolist()
    assert got[1].tolist() == want[1].tolist()
    assert got[2].tolist() == want[2].tolist()


@given(st.lists(_FLOATS, max_size=30), st.sampled_from([np.float64, np.float32]))
def test_float_columns_read_as_their_objects(values: list[float], dtype: type) -> None:
    """A float column gives what the same numbers as Python objects give."""
    with np.errstate(over="ignore"):  # a large float64 is inf as a float32
        arr = np.array(values, dtype=dtype)
    objects = np.array(arr.tolist(), dtype=object)
    if not len(objects):
        objects = np.array([], dtype=object)
    for strings in (True, False):
        _same_numbers(
            _columns._numbers(arr, strings=strings),
            _columns._numbers(objects, strings=strings),
        )


@given(
    st.lists(st.integers(-(2**62), 2**62), max_size=30),
    st.sampled_from([np.int64, np.int8, np.uint64]),
)
def test_integer_columns_read_as_their_objects(values: list[int], dtype: type) -> None:
    """An integer column gives what the same numbers as Python ints give."""
    info = np.iinfo(dtype)
    arr = np.array([min(max(v, info.min), info.max) for v in values], dtype=dtype)
    objects = np.empty(len(arr), dtype=object)
    objects[:] = arr.tolist()
    _same_numbers(
        _columns._numbers(arr, strings=False),
        _columns._numbers(objects, strings=False),
    )


@given(
    st.lists(st.tuples(st.integers(0, 40), st.booleans()), max_size=40),
)
def test_dense_keys_by_table_equal_searchsorted(rows: list[tuple[int, bool]]) -> None:
    """Key numbers by a look-up table are searchsorted's positions (-1 unusable)."""
    key = np.array([k for k, _ in rows], dtype=np.int64)
    usable = np.array([u for _, u in rows], dtype=bool)
    number, present = _columns._dense_keys(key, usable, 41)
    assert present.tolist() == sorted(set(key[usable].tolist()))
    want = np.where(usable, np.searchsorted(present, key), -1)
    assert number.dtype == np.int64
    assert number.tolist() == want.tolist()


@given(
    st.lists(
        st.one_of(st.none(), st.integers(-5_364_662_400, 10_413_792_000)),
        max_size=30,
    ),
    st.sampled_from(["s", "D"]),
)
def test_datetime_columns_read_as_their_objects(
    seconds: list[int | None], unit: str
) -> None:
    """A datetime64 column (1800-2300, NaT) gives what its date objects give."""
    arr = np.array(
        [np.datetime64("NaT") if s is None else np.datetime64(s, "s") for s in seconds],
        dtype="datetime64[s]",
    ).astype(f"datetime64[{unit}]")
    objects = np.empty(len(arr), dtype=object)
    objects[:] = arr.astype(object).tolist()
    got, want = _columns._dates(arr), _columns._dates(objects)
    assert got[0].dtype == want[0].dtype == np.dtype("datetime64[s]")
    assert got[0].view(np.int64).tolist() == want[0].view(np.int64).tolist()
    assert got[1].tolist() == want[1].tolist()
    assert got[2].tolist() == want[2].tolist()


# --- participant look-up ----------------------------------------------------------


@given(
    st.lists(st.sampled_from(["A", "B", "C", "D"]), unique=True).map(sorted),
    st.lists(st.sampled_from(["A", "B", "C", "D", "E", None]), max_size=20),
)
def test_participant_lookup_equals_a_dict_per_id(
    people_ids: list[str], column: list[str | None]
) -> None:
    """Index (0 where unknown) and unknown mask, whether or not the ids are equal."""
    ids = np.empty(len(people_ids), dtype=object)
    ids[:] = people_ids
    n = len(ids)
    people = _columns._People(
        ids=ids,
        sex=ids,
        birth=np.zeros(n, dtype="datetime64[D]"),
        arm=ids,
        day0=np.zeros(n, dtype="datetime64[D]"),
        height=np.zeros(n),
        black=np.zeros(n, dtype=np.int8),
    )
    for values in (column, [*people_ids, *people_ids[::-1]]):
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        text = _columns._factorize(arr)
        index, unknown = people.lookup(text)
        want = [people_ids.index(v) if v in people_ids else -1 for v in values]
        assert index.dtype == np.int64
        assert index.tolist() == [max(w, 0) for w in want]
        assert unknown.tolist() == [w < 0 for w in want]


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(-1, 1), st.integers(0, 9)),
        max_size=30,
    )
)
def test_visit_fields_compared_in_their_own_integer_types(
    rows: list[tuple[int, int, int]],
) -> None:
    """int8 / int32 / bool fields vary within a group exactly as in int64."""
    group = np.array([g for g, _, _ in rows], dtype=np.int64)
    flags = np.array([f for _, f, _ in rows], dtype=np.int64)
    labels = np.array([v for _, _, v in rows], dtype=np.int64)
    want = _columns._differs_in_group(
        group, [labels, flags, (flags == 1).astype(np.int64)]
    )
    got = _columns._differs_in_group(
        group,
        [labels.astype(np.int32), flags.astype(np.int8), (flags == 1).astype(np.int8)],
    )
    assert got.tolist() == want.tolist()
