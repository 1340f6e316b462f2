"""Reading tables into a Cohort fast and lean: same results as the plain rules.

The columns reader factorizes each text column once (through Arrow's
dictionary encoding for data frames), reads flags through Arrow, orders lab
rows with one sort plus the ties, and hands its arrays to the Cohort without
copying them. Each shortcut is checked here against the rule it replaces.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.cohort_strategies import trials
from tests.test_cohort_columns import (
    assert_same_cohort,
    from_tables,
    labs,
    obj,
    people,
    trial_tables,
)

from lupusscore import Trial
from lupusscore.cli import load_example_trial
from lupusscore.cohort import Cohort
from lupusscore.cohort._cohort import adopt_cohort
from lupusscore.cohort._columns import _factorize
from lupusscore.cohort._from_trial import lab_order
from lupusscore.errors import TableError

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")
pytest.importorskip("narwhals")


# --- text columns factorized once --------------------------------------------


class _Unhashable(list[int]):
    """A cell no set can hold."""


def _reference_text(item: object) -> tuple[object, bool, bool]:
    """The text rule cell by cell: (text or None, missing, bad)."""
    if isinstance(item, str):
        return (None, True, False) if not item.strip() else (str(item), False, False)
    if item is None or type(item).__name__ in {"NAType", "NaTType"}:
        return None, True, False
    if isinstance(item, float | np.floating):
        return (None, True, False) if math.isnan(float(item)) else (None, False, True)
    return None, False, True


_CELLS = st.one_of(
    st.sampled_from(["a", "b", " a", "", "  ", "B", "é"]),
    st.text(max_size=3),
    st.none(),
    st.just(math.nan),
    st.just(np.float64("nan")),
    st.floats(allow_nan=False),
    st.integers(-2, 2),
    st.booleans(),
    st.just(pd.NA),
    st.just(pd.NaT),
    st.builds(lambda: _Unhashable([1])),
    st.just(np.str_("a")),
)


@given(st.lists(_CELLS, max_size=30))
def test_factorize_follows_the_text_rule_cell_by_cell(cells: list[Any]) -> None:
    """Codes, text, missing and bad agree with the rule applied to each cell."""
    got = _factorize(obj(cells))
    want = [_reference_text(c) for c in cells]
    assert got.values.tolist() == [w[0] for w in want]
    assert got.missing.tolist() == [w[1] for w in want]
    assert got.bad.tolist() == [w[2] for w in want]
    assert got.names[0] is None
    texts = got.names[1:].tolist()
    assert texts == sorted(set(texts))  # codes order rows as their text does
    assert all(type(t) is str for t in texts)


def test_frame_text_column_shares_one_string_per_value() -> None:
    """A text column of a frame holds one str object per distinct value (memory)."""
    from lupusscore._frames import read_columns

    frame = pd.DataFrame({"T": pd.Series(["mg/dL", None, "mg/dL", "g/L"] * 3)})
    col = read_columns(frame, name="t")["T"]
    assert col.tolist() == ["mg/dL", None, "mg/dL", "g/L"] * 3
    assert len({id(x) for x in col.tolist() if x is not None}) == 2


def test_frame_flags_read_as_before() -> None:
    """Object columns of flags (None, NaN, NA missing) read through Arrow as before."""
    from lupusscore._frames import read_columns

    frame = pd.DataFrame(
        {
            "F": pd.Series([True, None, False, math.nan, pd.NA], dtype=object),
            "FULL": pd.Series([True, False, True, True, False], dtype=object),
            "INTS": pd.Series([1, None, 0, 1, 0], dtype=object),
        }
    )
    cols = read_columns(frame, name="t")
    assert cols["F"].dtype == object
    assert cols["F"].tolist() == [True, None, False, None, None]
    assert cols["FULL"].dtype == np.bool_
    assert cols["FULL"].tolist() == [True, False, True, True, False]
    assert cols["INTS"].dtype == np.float64  # numbers stay numbers, not flags


# --- the same cohort, frames or columns ---------------------------------------------


def _frames_of(tables: dict[str, dict[str, np.ndarray]]) -> dict[str, Any]:
    """The tables as pandas frames: text as pandas strings, flags as objects."""
    out = {}
    for name, table in tables.items():
        cols = {}
        for key, col in table.items():
            kinds = {type(x) for x in col.tolist()} - {type(None)}
            cols[key] = (
                pd.Series(col.tolist(), dtype="str")
                if col.dtype == object and kinds <= {str} and kinds
                else pd.Series(col.tolist(), dtype=col.dtype)
            )
        out[name] = pd.DataFrame(cols)
    return out


def _polars_of(tables: dict[str, dict[str, np.ndarray]]) -> dict[str, Any]:
    """The tables as polars frames (types inferred from the cells)."""
    pl = pytest.importorskip("polars")
    return {
        name: pl.DataFrame({k: c.tolist() for k, c in table.items()}, strict=False)
        for name, table in tables.items()
    }


def _arrow_of(tables: dict[str, dict[str, np.ndarray]]) -> dict[str, Any]:
    """The tables as pyarrow tables (types inferred from the cells)."""
    pa = pytest.importorskip("pyarrow")
    return {
        name: pa.table(
            {k: pa.array(c.tolist(), from_pandas=True) for k, c in table.items()}
        )
        for name, table in tables.items()
    }


_LIBRARIES = {"pandas": _frames_of, "polars": _polars_of, "pyarrow": _arrow_of}


def _from_frames(trial: Trial, frames: dict[str, Any]) -> Cohort:
    return Cohort.from_frames(
        frames["labs"],
        frames["participants"],
        visits=frames["visits"],
        events=frames["events"],
        schedule=trial.schedule,
        arms=trial.arms or None,
        name=trial.name,
        synthetic=trial.synthetic,
        baseline_window_days=trial.baseline_window_days,
        control_arm=trial.control_arm,
    )


@pytest.mark.parametrize("library", sorted(_LIBRARIES))
def test_example_from_frames_equals_from_columns(library: str) -> None:
    """The bundled example from pandas, polars or Arrow equals from_columns."""
    trial = load_example_trial()
    tables = trial_tables(trial)
    got = _from_frames(trial, _LIBRARIES[library](tables))
    assert_same_cohort(got, from_tables(trial, tables))
    assert_same_cohort(got, Cohort.from_trial(trial))


@given(trials(max_participants=4))
def test_random_trials_from_frames_equal_from_trial(trial: Trial) -> None:
    """Random trials read from pandas frames equal Cohort.from_trial."""
    got = _from_frames(trial, _frames_of(trial_tables(trial)))
    assert_same_cohort(got, Cohort.from_trial(trial))


@pytest.mark.parametrize("library", sorted(_LIBRARIES))
def test_bad_text_cells_reported_the_same_from_frames(library: str) -> None:
    """Blank ids, missing units and unknown specimens: the same problems either way."""
    lab_table = labs(
        USUBJID=["P1", "  ", "P2", "P1", "P9"],
        LBORRESU=["mg/dL", "mg/dL", None, "", "mg/dL"],
        LBSPEC=["serum", None, "blood?", "serum", "serum"],
        LBDTC=["2010-01-01", "2010-01-02", "2010-01-03", "2010-01-04", "2010-01-05"],
    )
    person = people(2)
    with pytest.raises(TableError) as by_columns:
        Cohort.from_columns(lab_table, person)
    frames = _LIBRARIES[library]({"labs": lab_table, "participants": person})
    with pytest.raises(TableError) as by_frames:
        Cohort.from_frames(frames["labs"], frames["participants"])
    assert by_frames.value.problems == by_columns.value.problems
    assert {(p.row, p.column) for p in by_frames.value.problems} == {
        (1, "USUBJID"),
        (2, "LBORRESU"),
        (2, "LBSPEC"),
        (3, "LBORRESU"),
        (4, "USUBJID"),
    }


def test_identical_rows_with_signed_zero_and_nan_ranges_collapse() -> None:
    """-0.0 equals 0.0 and NaN equals NaN when identical lab rows are collapsed."""
    cohort = Cohort.from_columns(
        labs(
            LBORRES=[1.0, 1.0, 1.0],
            LBSTNRLO=[0.0, -0.0, math.nan],
            LBSTNRHI=[math.nan, math.nan, math.nan],
            LBDTC=["2010-01-01", "2010-01-01", "2010-01-02"],
            LBTESTCD=["c3", "c3", "c3"],
            LBORRESU=["g/L", "g/L", "g/L"],
        ),
        people(1),
    )
    assert cohort.n_labs == 2
    assert cohort.lab_source_row.tolist() == [0, 2]  # the first of identical rows
    assert any("1 identical duplicate row(s) collapsed" in n for n in cohort.notes)


# --- lab order ------------------------------------------------------------------


def _full_lexsort(cols: dict[str, np.ndarray]) -> np.ndarray:
    """The canonical lab order as one lexsort over every key."""
    unit_key = np.unique(cols["unit"].astype(str), return_inverse=True)[1]
    return np.lexsort(
        (
            unit_key,
            cols["value"],
            -cols["specimen"].astype(np.int64),
            cols["when"],
            cols["analyte"],
            cols["visit"],
            cols["participant"],
        )
    )


@given(st.integers(0, 40), st.integers(0, 2**32 - 1), st.booleans())
def test_lab_order_equals_the_full_lexsort(n: int, seed: int, huge: bool) -> None:
    """One sort plus the ties gives the full stable lexsort, ties in input order."""
    rng = np.random.default_rng(seed)
    big = 2**40 if huge else 3  # huge ids: the fallback without a combined key
    cols = {
        "participant": rng.integers(0, 3, n) * big,
        "visit": rng.integers(0, 3, n) * big,
        "analyte": rng.integers(0, 3, n).astype(np.int8),
        "when": np.datetime64("2010-01-01T00:00:00")
        + rng.integers(0, 2, n).astype("timedelta64[s]"),
        "specimen": rng.integers(0, 3, n).astype(np.int8),
        "value": rng.choice([1.0, 2.0, 0.5], n),
        "unit": obj(rng.choice(["mg/dL", "g/L", "umol/L"], n).tolist()),
    }
    want = _full_lexsort(cols)
    assert lab_order(**cols).tolist() == want.tolist()
    ranks = np.unique(cols["unit"].astype(str), return_inverse=True)[1]
    got = lab_order(**{**cols, "unit": ranks}, unit_rank=True)
    assert got.tolist() == want.tolist()


# --- no copies ------------------------------------------------------------------


def test_cohort_from_columns_takes_its_arrays_over() -> None:
    """The reader's fresh arrays are frozen in place; a user's are still copied."""
    trial = load_example_trial()
    cohort = from_tables(trial, trial_tables(trial))
    names = [k for k in Cohort.__dataclass_fields__ if not k.startswith("_")]
    fields = {k: getattr(cohort, k) for k in names}
    fresh = np.array(cohort.lab_value)  # owns its data, writeable
    adopted = adopt_cohort(**{**fields, "lab_value": fresh})
    assert adopted.lab_value is fresh
    assert not fresh.flags.writeable
    mine = np.array(cohort.lab_value)
    copied = Cohort(**{**fields, "lab_value": mine})
    assert copied.lab_value is not mine
    mine[0] = -1.0
    assert copied.lab_value[0] == cohort.lab_value[0]
    view = np.array(cohort.lab_value)[:]  # a view does not own its data: copied
    assert adopt_cohort(**{**fields, "lab_value": view[::1]}).lab_value is not view
