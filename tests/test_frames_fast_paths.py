"""The shortcuts of ``lupusscore._frames``: the slow path's columns, codes and errors.

- pandas columns of common types (numpy numbers, flags and naive date-times,
  ``str``/``string`` text, ``object`` columns of ``True``/``False``/``None``)
  are read without narwhals' per-column wrappers: every column, its codes and
  every error equal what the path through narwhals gives (the oracle: the
  same frame read with the shortcut switched off);
- an ``object`` array of ``True``/``False``/``None`` is told apart by address:
  the same flags and codes as Arrow makes of it;
- the years check compares a column with its bounds in its own unit: the same
  verdict, first index, count and value as converting it to years.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import _frames
from lupusscore._frames import read_columns_factorized
from lupusscore.errors import InvalidValueError
from lupusscore.table import _check_years

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pytest.importorskip("narwhals")


def _same_column(got: np.ndarray[Any, Any], want: np.ndarray[Any, Any]) -> None:
    """Assert two columns are equal bit for bit (dtype, values, element types)."""
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    assert not got.flags.writeable
    if got.dtype == object:
        assert [type(x) for x in got] == [type(x) for x in want]
        assert got.tolist() == want.tolist()
    elif got.dtype.kind == "f":
        assert got.view(np.int64).tolist() == want.view(np.int64).tolist()
    else:
        np.testing.assert_array_equal(got, want)


def _read_both(frame: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """Read *frame* with the pandas shortcut and without it (result or error)."""

    def read() -> Any:
        try:
            return read_columns_factorized(frame, name="labs")
        except InvalidValueError as err:
            return ("error", str(err), err.fields)

    fast = read()
    with monkeypatch.context() as patch:
        patch.setattr(_frames, "_pandas_frame", lambda *_: None)
        slow = read()
    return fast, slow


def _assert_same(fast: Any, slow: Any) -> None:
    """Assert two reads agree: the same error, or the same columns and codes."""
    if slow[0] == "error" or fast[0] == "error":
        assert fast == slow
        return
    (fast_cols, fast_codes), (slow_cols, slow_codes) = fast, slow
    assert list(fast_cols) == list(slow_cols)
    for key in slow_cols:
        _same_column(fast_cols[key], slow_cols[key])
    assert list(fast_codes) == list(slow_codes)
    for key, (codes, names) in slow_codes.items():
        got_codes, got_names = fast_codes[key]
        assert got_codes.dtype == codes.dtype
        assert got_codes.tolist() == codes.tolist()
        assert got_names == names


_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 5e-324, float("nan"), -float("nan")]),
)
_TEXT = st.one_of(st.none(), st.sampled_from(["a", "b", "µmol/L", ""]), st.text())
_FLAG_OBJECTS = st.sampled_from([True, False, None])
_ODD_OBJECTS = st.sampled_from(
    [np.True_, np.False_, math.nan, pd.NA, "yes", 1, 0, 1.0, dt.date(2020, 1, 1)]
)
_SECONDS = st.integers(-62_135_596_800 - 86_400, 253_402_300_800 + 86_400)


def _column(kind: str, n: int) -> st.SearchStrategy[Any]:
    """A pandas column of *kind* with *n* rows."""
    if kind == "float64":
        return st.lists(_FLOATS, min_size=n, max_size=n).map(
            lambda xs: pd.Series(np.array(xs, dtype=np.float64))
        )
    if kind == "float32":
        return st.lists(st.floats(width=32), min_size=n, max_size=n).map(
            lambda xs: pd.Series(np.array(xs, dtype=np.float32))
        )
    if kind in ("int64", "uint64", "int8"):
        info = np.iinfo(kind)
        return st.lists(
            st.integers(int(info.min), int(info.max)), min_size=n, max_size=n
        ).map(lambda xs: pd.Series(np.array(xs, dtype=kind)))
    if kind == "bool":
        return st.lists(st.booleans(), min_size=n, max_size=n).map(
            lambda xs: pd.Series(np.array(xs, dtype=np.bool_))
        )
    if kind.startswith("datetime64"):
        unit = kind[len("datetime64[") : -1]
        seconds = _SECONDS if unit == "s" else st.integers(-(2**33), 2**33)
        stamps = st.one_of(st.none(), seconds.map(lambda s: np.datetime64(s, "s")))
        fraction = st.sampled_from([0, 0, 0, 1]) if unit != "s" else st.just(0)
        return st.tuples(st.lists(stamps, min_size=n, max_size=n), fraction).map(
            lambda xs: _stamps(xs[0], unit, xs[1])
        )
    if kind in ("str", "string"):
        return st.lists(_TEXT, min_size=n, max_size=n).map(
            lambda xs: pd.Series(xs, dtype=kind)
        )
    if kind == "flags":
        return st.lists(_FLAG_OBJECTS, min_size=n, max_size=n).map(
            lambda xs: pd.Series(xs, dtype=object)
        )
    if kind == "odd_flags":
        return st.lists(
            st.one_of(_FLAG_OBJECTS, _ODD_OBJECTS), min_size=n, max_size=n
        ).map(lambda xs: pd.Series(xs, dtype=object))
    assert kind == "text_objects"
    return st.lists(_TEXT, min_size=n, max_size=n).map(
        lambda xs: pd.Series(xs, dtype=object)
    )


def _stamps(values: list[Any], unit: str, fraction: int) -> Any:
    """A pandas date-time column in *unit*, a millisecond added to row 0 if asked."""
    arr = np.array(
        [np.datetime64("NaT") if v is None else v for v in values],
        dtype="datetime64[s]",
    ).astype(f"datetime64[{unit}]")
    if fraction and len(arr) and not np.isnat(arr[0]):
        arr[0] += np.timedelta64(1, "ms")
    return pd.Series(arr)


_KINDS = [
    "float64",
    "float32",
    "int64",
    "uint64",
    "int8",
    "bool",
    "datetime64[s]",
    "datetime64[ms]",
    "datetime64[ns]",
    "str",
    "string",
    "flags",
    "odd_flags",
    "text_objects",
]


@st.composite
def _frames_of_kinds(draw: st.DrawFn) -> Any:
    """A pandas DataFrame of 1-4 columns of random kinds, 0-12 rows."""
    n = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(_KINDS), min_size=1, max_size=4))
    columns = {f"c{i}_{kind}": draw(_column(kind, n)) for i, kind in enumerate(kinds)}
    frame = pd.DataFrame(columns)
    if draw(st.booleans()):
        frame.index = pd.Index(np.arange(n)[::-1] + 10)
    return frame


@given(_frames_of_kinds())
def test_pandas_shortcut_equals_the_path_through_narwhals(frame: Any) -> None:
    """Random pandas frames: same columns, codes and errors with and without it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _read_both(frame, monkeypatch)
    _assert_same(fast, slow)


@pytest.mark.parametrize(
    "column",
    [
        pd.Series([True, None, False] * 50 + [None] * 200, dtype=object),
        pd.Series([None] * 3, dtype=object),
        pd.Series([], dtype=object),
        pd.Series([True, np.True_, None], dtype=object),
        pd.Series([True, math.nan, False], dtype=object),
        pd.Series([True, pd.NA, False], dtype=object),
        pd.Series(["a"] * 120 + [5], dtype=object),
        pd.Series([None] * 120 + ["a", "b"], dtype=object),
        pd.Series([1, None, 2], dtype=object),
        pd.Series([True, "yes"], dtype=object),
        pd.Series([1.5, math.nan], dtype=np.float64),
        pd.Series([-math.nan, math.inf], dtype=np.float64),
        pd.Series([1.5, math.nan], dtype=np.float16),
        pd.Series(np.array([1.5, math.nan], dtype=np.longdouble)),
        pd.Series([2**63 + 5, 1], dtype=np.uint64),
        pd.Series(["x", None, "z"], dtype="str"),
        pd.Series(["x", None, "z"], dtype="string[python]"),
        pd.Series(["x", "y"], dtype="category"),
        pd.Series(pd.to_datetime(["2024-01-01 10:00", None])),
        pd.Series(pd.to_datetime(["2024-01-01 10:00:00.5", None])),
        pd.Series(pd.to_datetime(["2024-01-01", None]).tz_localize("Europe/Paris")),
        pd.Series(np.array(["0000-06-01", "NaT"], dtype="datetime64[s]")),
        pd.Series(np.array(["10000-01-01", "9999-12-31"], dtype="datetime64[s]")),
        pd.Series(pd.to_timedelta(["1D"])),
        pd.Series(np.array([1 + 1j])),
        pd.Series(pd.array([1.0, None], dtype="Float64")),
        pd.Series(pd.array([True, None], dtype="boolean")),
    ],
    ids=lambda c: f"{c.dtype}",
)
def test_pandas_shortcut_edge_columns(
    column: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Odd pandas columns: read as narwhals' path reads them, or left to it."""
    frame = pd.DataFrame({"X": column, "Y": np.arange(len(column), dtype=np.int64)})
    fast, slow = _read_both(frame, monkeypatch)
    _assert_same(fast, slow)


def test_flags_by_address_leave_a_strided_array_to_arrow() -> None:
    """A strided view (no contiguous buffer of addresses) is not read by address."""
    values = np.array([True, None, False, True], dtype=object)[::2]
    assert _frames._flags_from_singletons(values) is None


def test_pandas_common_columns_skip_narwhals_column_readers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pandas frame of common column types is read without narwhals' column path."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        msg = "read through narwhals"  # pragma: no cover
        raise AssertionError(msg)  # pragma: no cover

    for reader in ("_read_series", "_read_text_via_arrow", "_read_flags_via_arrow"):
        monkeypatch.setattr(_frames, reader, refuse)
    monkeypatch.setattr(_frames, "_schema", refuse)
    frame = pd.DataFrame(
        {
            "USUBJID": pd.Series(["a", None, "b"], dtype="str"),
            "AVAL": [1.5, math.nan, 2.0],
            "N": np.array([1, 2, 3], dtype=np.int64),
            "BASEFL": [True, False, True],
            "fever": pd.Series([True, None, False], dtype=object),
            "none": pd.Series([None, None, None], dtype=object),
            "ADTM": pd.to_datetime(["2024-01-01", None, "2024-01-02"]),
        }
    )
    cols, codes = read_columns_factorized(frame, name="visits")
    assert cols["USUBJID"].tolist() == ["a", None, "b"]
    assert codes["USUBJID"][0].tolist() == [0, -1, 1]
    assert cols["fever"].tolist() == [True, None, False]
    assert codes["fever"][0].tolist() == [1, -1, 0]
    assert codes["none"][0].tolist() == [-1, -1, -1]
    assert cols["N"].dtype == np.float64
    assert np.isnat(cols["ADTM"]).tolist() == [False, True, False]


@given(st.lists(st.sampled_from([True, False, None]), min_size=1, max_size=30))
def test_flags_by_address_equal_arrow(values: list[bool | None]) -> None:
    """True/False/None by address: the flags and codes Arrow gives."""
    arr = np.array(values, dtype=object)
    fast = _frames._flags_from_singletons(arr)
    assert fast is not None
    arrow = pa.array(arr, from_pandas=True)
    if pa.types.is_null(arrow.type):
        assert fast[0].tolist() == [None] * len(values)
        assert fast[1][0].tolist() == [-1] * len(values)
        return
    assert fast[0].tolist() == arrow.to_pylist()
    assert fast[0].dtype == (object if arrow.null_count else np.bool_)
    assert fast[1][0].tolist() == [{True: 1, False: 0, None: -1}[v] for v in values]


@pytest.mark.parametrize(
    "values",
    [[], [True, np.True_], [False, math.nan], [None, 0], [True, "True"]],
    ids=["empty", "numpy-bool", "nan", "zero", "text"],
)
def test_flags_by_address_leave_other_objects_to_arrow(values: list[Any]) -> None:
    """Any element but True/False/None (or no element): not read by address."""
    assert _frames._flags_from_singletons(np.array(values, dtype=object)) is None


def _years_oracle(arr: np.ndarray[Any, Any]) -> tuple[int, int] | None:
    """First bad index and count of dates outside years 1-9999, by years."""
    present = ~np.isnat(arr)
    years = arr.astype("datetime64[Y]").astype(np.int64) + 1970
    bad = present & ((years < 1) | (years > 9999))
    if not np.any(bad):
        return None
    return int(np.flatnonzero(bad)[0]), int(np.count_nonzero(bad))


_EDGE_SECONDS = [
    -62_135_596_800,  # 0001-01-01T00:00:00
    -62_135_596_801,  # the second before
    253_402_300_799,  # 9999-12-31T23:59:59
    253_402_300_800,  # 10000-01-01T00:00:00
]


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.sampled_from(_EDGE_SECONDS),
            st.integers(-(2**40), 2**40),
        ),
        max_size=12,
    ),
    st.sampled_from(["s", "D"]),
)
def test_years_check_equals_conversion_to_years(
    seconds: list[int | None], unit: str
) -> None:
    """Bounds in the column's own unit: the same verdict, index, count and value."""
    arr = np.array(
        [np.datetime64("NaT") if s is None else np.datetime64(s, "s") for s in seconds],
        dtype="datetime64[s]",
    ).astype(f"datetime64[{unit}]")
    want = _years_oracle(arr)
    if want is None:
        _check_years("labs['LBDTC']", arr)
        return
    with pytest.raises(InvalidValueError) as info:
        _check_years("labs['LBDTC']", arr)
    first, count = want
    assert info.value.fields["index"] == first
    assert info.value.fields["count"] == count
    assert str(arr[first]) in str(info.value)
