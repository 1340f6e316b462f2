"""read_columns: dicts, Tables, and pandas/polars/pyarrow tables through narwhals."""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore._frames import read_columns
from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.table import Table

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
pytest.importorskip("narwhals")

#: One column of each kind, each with a missing element in row 1.
ROWS = 3
FLOATS = [1.5, None, 3.0]
INTS = [1, None, 3]
TEXT = ["a", None, "c"]
FLAGS = [True, None, False]
DATES = [dt.date(2024, 1, 1), None, dt.date(2024, 1, 3)]
STAMPS = [dt.datetime(2024, 1, 1, 10, 0), None, dt.datetime(2024, 1, 3, 23, 59, 59)]


def _pandas() -> Any:
    return pd.DataFrame(
        {
            "FLOAT": pd.Series(FLOATS, dtype="float64"),
            "INT": pd.array(INTS, dtype="Int64"),
            "TEXT": pd.Series(TEXT, dtype=object),
            "FLAG": pd.array(FLAGS, dtype="boolean"),
            "FLAG_FULL": [True, False, True],
            "DATE": pd.Series(DATES, dtype=object),
            "STAMP": pd.to_datetime(pd.Series(STAMPS)),
            "CAT": pd.Categorical(TEXT),
        }
    )


def _polars() -> Any:
    return pl.DataFrame(
        [
            pl.Series("FLOAT", FLOATS, dtype=pl.Float64),
            pl.Series("INT", INTS, dtype=pl.Int64),
            pl.Series("TEXT", TEXT, dtype=pl.String),
            pl.Series("FLAG", FLAGS, dtype=pl.Boolean),
            pl.Series("FLAG_FULL", [True, False, True], dtype=pl.Boolean),
            pl.Series("DATE", DATES, dtype=pl.Date),
            pl.Series("STAMP", STAMPS, dtype=pl.Datetime("us")),
            pl.Series("CAT", TEXT, dtype=pl.Categorical),
        ]
    )


def _arrow() -> Any:
    return pa.table(
        {
            "FLOAT": pa.array(FLOATS, type=pa.float64()),
            "INT": pa.array(INTS, type=pa.int64()),
            "TEXT": pa.array(TEXT, type=pa.string()),
            "FLAG": pa.array(FLAGS, type=pa.bool_()),
            "FLAG_FULL": pa.array([True, False, True]),
            "DATE": pa.array(DATES, type=pa.date32()),
            "STAMP": pa.array(STAMPS, type=pa.timestamp("us")),
            "CAT": pa.array(TEXT, type=pa.string()).dictionary_encode(),
        }
    )


FRAMES: dict[str, Callable[[], Any]] = {
    "pandas": _pandas,
    "polars": _polars,
    "pyarrow": _arrow,
}


@pytest.mark.parametrize("lib", list(FRAMES))
def test_conversion_rules_per_column_kind(lib: str) -> None:
    """Numbers -> float64, flags -> bool/object, text -> object, dates, datetimes."""
    cols = read_columns(FRAMES[lib](), name="labs")
    assert list(cols) == [
        "FLOAT",
        "INT",
        "TEXT",
        "FLAG",
        "FLAG_FULL",
        "DATE",
        "STAMP",
        "CAT",
    ]
    assert {k: v.dtype for k, v in cols.items()} == {
        "FLOAT": np.dtype(np.float64),
        "INT": np.dtype(np.float64),
        "TEXT": np.dtype(object),
        "FLAG": np.dtype(object),
        "FLAG_FULL": np.dtype(np.bool_),
        "DATE": np.dtype("datetime64[D]"),
        "STAMP": np.dtype("datetime64[s]"),
        "CAT": np.dtype(object),
    }
    for arr in cols.values():
        assert arr.shape == (ROWS,)
        assert not arr.flags.writeable


@pytest.mark.parametrize("lib", list(FRAMES))
def test_missing_values_element_by_element(lib: str) -> None:
    """Row 1 is missing in every column, as NaN, None or NaT; the rest is kept."""
    cols = read_columns(FRAMES[lib](), name="labs")
    assert cols["FLOAT"][0] == 1.5
    assert math.isnan(cols["FLOAT"][1])
    assert cols["FLOAT"][2] == 3.0
    assert cols["INT"][0] == 1.0
    assert math.isnan(cols["INT"][1])
    assert cols["TEXT"].tolist() == ["a", None, "c"]
    assert all(type(x) is str for x in cols["TEXT"][[0, 2]])
    assert cols["CAT"].tolist() == ["a", None, "c"]
    assert cols["FLAG"].tolist() == [True, None, False]
    assert cols["FLAG_FULL"].tolist() == [True, False, True]
    assert cols["DATE"].tolist() == DATES
    assert cols["STAMP"].tolist() == STAMPS


@pytest.mark.parametrize("lib", list(FRAMES))
def test_all_libraries_agree(lib: str) -> None:
    """pandas, polars and pyarrow give equal columns for the same data."""
    reference = Table(read_columns(_polars(), name="labs"))
    assert Table(read_columns(FRAMES[lib](), name="labs")) == reference


def test_pandas_missing_markers() -> None:
    """pd.NA, NaN, None and NaT are all missing; the index is ignored."""
    df = pd.DataFrame(
        {
            "A": pd.array([1.0, pd.NA, 2.0], dtype="Float64"),
            "B": pd.array(["x", pd.NA, "z"], dtype="string"),
            "C": pd.Series(["x", np.nan, None], dtype=object),
            "D": pd.to_datetime(pd.Series(["2024-01-01", None, "2024-01-02"])),
        }
    )
    df.index = pd.Index([10, 5, 7])
    cols = read_columns(df, name="labs")
    assert np.isnan(cols["A"]).tolist() == [False, True, False]
    assert cols["B"].tolist() == ["x", None, "z"]
    assert cols["C"].tolist() == ["x", None, None]
    assert np.isnat(cols["D"]).tolist() == [False, True, False]
    assert cols["A"][2] == 2.0


def test_polars_nan_and_null_are_both_missing() -> None:
    """In polars NaN is not null; both are missing here."""
    df = pl.DataFrame({"X": pl.Series([1.0, None, float("nan")], dtype=pl.Float64)})
    assert np.isnan(read_columns(df, name="labs")["X"]).tolist() == [False, True, True]


def test_wide_numeric_types_become_float64() -> None:
    """Decimals, unsigned and 128-bit integers are numbers like any other."""
    df = pl.DataFrame(
        {
            "DEC": pl.Series([1.5, None]).cast(pl.Decimal(10, 2)),
            "U64": pl.Series([2, 3], dtype=pl.UInt64),
            "U8": pl.Series([None, 7], dtype=pl.UInt8),
        }
    )
    cols = read_columns(df, name="labs")
    assert cols["DEC"].tolist()[0] == 1.5
    assert math.isnan(cols["DEC"][1])
    assert cols["U64"].tolist() == [2.0, 3.0]
    assert math.isnan(cols["U8"][0])
    assert cols["U8"][1] == 7.0


def test_pandas_object_column_of_decimals_is_numbers() -> None:
    """Decimals from a database driver, with None, are numbers with NaN."""
    from decimal import Decimal

    df = pd.DataFrame({"X": pd.Series([Decimal("1.25"), None], dtype=object)})
    cols = read_columns(df, name="labs")
    assert cols["X"][0] == 1.25
    assert math.isnan(cols["X"][1])


def test_pandas_on_arrow_dtypes() -> None:
    """pandas columns backed by Arrow read like the others, nulls included."""
    arrow = pd.ArrowDtype
    df = pd.DataFrame(
        {
            "D": pd.Series(DATES, dtype=arrow(pa.date32())),
            "T": pd.Series(STAMPS, dtype=arrow(pa.timestamp("us"))),
            "B": pd.Series(FLAGS, dtype=arrow(pa.bool_())),
            "F": pd.Series(FLOATS, dtype=arrow(pa.float64())),
            "S": pd.Series(TEXT, dtype=arrow(pa.string())),
        }
    )
    cols = read_columns(df, name="labs")
    assert cols["D"].dtype == np.dtype("datetime64[D]")
    assert cols["D"].tolist() == DATES
    assert cols["T"].tolist() == STAMPS
    assert cols["B"].tolist() == FLAGS
    assert np.isnan(cols["F"]).tolist() == [False, True, False]
    assert cols["S"].tolist() == TEXT


def test_empty_frames() -> None:
    """No columns, or no rows, are read as such."""
    assert read_columns(pd.DataFrame(), name="labs") == {}
    cols = read_columns(pl.DataFrame({"X": pl.Series([], dtype=pl.Float64)}), name="t")
    assert cols["X"].dtype == np.float64
    assert cols["X"].shape == (0,)


def test_polars_all_null_column() -> None:
    """A polars Null column is an object column of None."""
    df = pl.DataFrame({"X": [None, None]})
    assert read_columns(df, name="labs")["X"].tolist() == [None, None]


@pytest.mark.parametrize("lib", ["pandas", "polars"])
def test_time_zone_aware_datetimes_keep_wall_clock_time(lib: str) -> None:
    """A zoned date-time is read as its local wall-clock time."""
    stamp = dt.datetime(2024, 3, 1, 9, 30)
    if lib == "pandas":
        df = pd.DataFrame({"T": pd.to_datetime([stamp]).tz_localize("Europe/Paris")})
    else:
        df = pl.DataFrame({"T": [stamp]}).with_columns(
            pl.col("T").dt.replace_time_zone("Europe/Paris")
        )
    assert read_columns(df, name="labs")["T"].tolist() == [stamp]


@pytest.mark.parametrize("lib", ["pandas", "polars", "pyarrow"])
def test_sub_second_datetimes_are_an_error_naming_the_row(lib: str) -> None:
    """A fraction of a second is not truncated silently."""
    stamps = [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 1, 0, 0, 0, 500_000)]
    native = {
        "pandas": lambda: pd.DataFrame({"LBDTC": pd.to_datetime(stamps)}),
        "polars": lambda: pl.DataFrame({"LBDTC": stamps}),
        "pyarrow": lambda: pa.table({"LBDTC": pa.array(stamps)}),
    }[lib]()
    with pytest.raises(InvalidValueError, match=r"labs\['LBDTC'\].*index 1"):
        read_columns(native, name="labs")


@pytest.mark.parametrize(
    "make",
    [
        lambda: pl.DataFrame({"X": [dt.timedelta(days=1)]}),
        lambda: pl.DataFrame({"X": [[1, 2]]}),
        lambda: pl.DataFrame({"X": [{"a": 1}]}),
        lambda: pd.DataFrame({"X": pd.to_timedelta(["1D"])}),
        lambda: pd.DataFrame({"X": [object()]}),
        lambda: pd.DataFrame({"X": [1.0, "a"]}),
        lambda: pa.table({"X": pa.array([b"bytes"])}),
        lambda: pd.DataFrame({"X": pd.period_range("2020-01", periods=2, freq="M")}),
        lambda: pd.DataFrame({"X": pd.interval_range(0, 2)}),
        lambda: pd.DataFrame({"X": np.array([1 + 1j, 2])}),
        lambda: pd.DataFrame(
            {
                "X": [
                    pd.Timestamp("2020-01-01", tz="UTC"),
                    pd.Timestamp("2020-01-01", tz="Asia/Tokyo"),
                ]
            }
        ),
        lambda: pa.table({"X": pa.array([dt.date(2020, 1, 1)], type=pa.date64())}),
        lambda: pl.DataFrame({"X": [dt.time(10, 0)]}),
        lambda: pl.DataFrame(
            {"X": pl.Series([-800_000], dtype=pl.Int32).cast(pl.Date)}
        ),
    ],
    ids=[
        "pl-duration",
        "pl-list",
        "pl-struct",
        "pd-timedelta",
        "pd-object",
        "pd-mixed",
        "pa-binary",
        "pd-period",
        "pd-interval",
        "pd-complex",
        "pd-zoned-objects",
        "pa-date64",
        "pl-time",
        "pl-year-before-1",
    ],
)
def test_unreadable_columns_are_errors_naming_the_column(
    make: Callable[[], Any],
) -> None:
    """Durations, lists, structs, binary and odd objects: InvalidValueError."""
    with pytest.raises(InvalidValueError, match=r"labs\['X'\]"):
        read_columns(make(), name="labs")


def test_lazy_frame_is_refused_with_collect_hint() -> None:
    """A polars LazyFrame: collect it first."""
    with pytest.raises(InvalidValueError, match=r"collect\(\)"):
        read_columns(pl.DataFrame({"X": [1.0]}).lazy(), name="labs")


@pytest.mark.parametrize(
    "series",
    [lambda: pd.Series([1.0]), lambda: pl.Series("X", [1.0])],
    ids=["pd", "pl"],
)
def test_a_series_is_not_a_table(series: Callable[[], Any]) -> None:
    """A single column is refused with the library's error."""
    with pytest.raises(InvalidValueError, match="single column"):
        read_columns(series(), name="labs")


def test_column_names_must_be_unique_strings() -> None:
    """pandas allows int and duplicate column names; lupusscore does not."""
    with pytest.raises(InvalidValueError, match="labs"):
        read_columns(pd.DataFrame({0: [1.0]}), name="labs")
    dup = pd.DataFrame([[1.0, 2.0]], columns=["A", "A"])
    with pytest.raises(InvalidValueError, match="labs"):
        read_columns(dup, name="labs")
    multi = pd.DataFrame(
        [[1.0, 2.0]], columns=pd.MultiIndex.from_tuples([("a", "b"), ("a", "c")])
    )
    with pytest.raises(InvalidValueError, match="non-empty strings"):
        read_columns(multi, name="labs")


@pytest.mark.parametrize("bad", [None, 5, "labs.csv", [1, 2], object()])
def test_other_input_is_an_invalid_value_error(bad: object) -> None:
    """Anything but a mapping, Table or data frame is refused by name."""
    with pytest.raises(InvalidValueError, match=r"labs: got .*expected a dict"):
        read_columns(bad, name="labs")


def test_mapping_input_needs_no_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dicts of lists/arrays and Tables are read in core, by the same rules."""
    monkeypatch.setitem(sys.modules, "narwhals", None)
    monkeypatch.setitem(sys.modules, "narwhals.stable", None)
    monkeypatch.setitem(sys.modules, "narwhals.stable.v1", None)
    cols = read_columns(
        {"A": [1, 2, None], "B": np.array([1, 2, 3]), "C": ["x", None, "z"]},
        name="labs",
    )
    assert cols["A"].dtype == np.float64
    assert np.isnan(cols["A"][2])
    assert cols["B"].dtype == np.float64
    assert cols["C"].tolist() == ["x", None, "z"]
    assert not cols["B"].flags.writeable
    table = Table({"N": [1, 2], "S": ["a", "b"]})
    from_table = read_columns(table, name="labs")
    assert from_table["N"].dtype == np.float64
    assert from_table["S"].tolist() == ["a", "b"]


def test_mapping_errors_name_the_table_and_column() -> None:
    """A bad column of a dict is reported as <name>['<column>']."""
    with pytest.raises(InvalidValueError, match=r"labs\['B'\]: got '1 rows'"):
        read_columns({"A": [1.0, 2.0], "B": [1.0]}, name="labs")
    with pytest.raises(InvalidValueError, match=r"labs\['A'\]: got 'x' at index 1"):
        read_columns({"A": [1.0, "x"]}, name="labs")


def test_frame_without_narwhals_is_a_missing_extra_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A data frame needs the frames extra; the error says how to install it."""
    monkeypatch.setitem(sys.modules, "narwhals", None)
    monkeypatch.setitem(sys.modules, "narwhals.stable", None)
    monkeypatch.setitem(sys.modules, "narwhals.stable.v1", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'lupusscore\[frames\]'"):
        read_columns(_pandas(), name="labs")
    with pytest.raises(ImportError):
        read_columns(_polars(), name="labs")
    with pytest.raises(InvalidValueError):
        read_columns(5, name="labs")


# ------------------------------------------------------------------ round trips


def _table() -> Table:
    return Table(
        {
            "USUBJID": ["01-701-1015", None, "01-701-1028"],
            "AVAL": [88.5, np.nan, 61.0],
            "ABLFL": [True, False, False],
            "CRIT1FL": [True, None, False],
            "ADT": [dt.date(2014, 1, 2), None, dt.date(2014, 3, 4)],
            "ADTM": [dt.datetime(2014, 1, 2, 8, 30), None, dt.datetime(2014, 3, 4)],
            "AVISITN": [0, 1, 2],
        },
        labels={"USUBJID": "Unique Subject Identifier"},
    )


@pytest.mark.parametrize("method", ["to_pandas", "to_polars", "to_arrow"])
def test_round_trip_through_each_library(method: str) -> None:
    """Table -> library -> read_columns -> Table is equal (integers as float64)."""
    original = _table()
    back = Table(read_columns(getattr(original, method)(), name="adlb"))
    expected = read_columns(original, name="adlb")
    if method == "to_pandas":  # pandas has no date dtype: dates come back at 00:00
        expected["ADT"] = expected["ADT"].astype("datetime64[s]")
    assert back == Table(expected)
    assert back["AVISITN"].tolist() == [0.0, 1.0, 2.0]


def test_round_trip_from_pandas_back_to_pandas() -> None:
    """A pandas frame read and written back has the same values and missing cells."""
    df = _pandas()
    back = Table(read_columns(df, name="labs")).to_pandas()
    assert back["FLOAT"].equals(df["FLOAT"])
    assert back["TEXT"].tolist() == ["a", None, "c"]
    assert back["STAMP"].tolist()[0] == pd.Timestamp(STAMPS[0])
    assert pd.isna(back["STAMP"].iloc[1])


def test_round_trip_from_polars_back_to_polars() -> None:
    """A polars frame read and written back is equal, nulls included."""
    df = _polars().drop("CAT")
    back = Table(read_columns(df, name="labs")).to_polars()
    assert back["TEXT"].to_list() == df["TEXT"].to_list()
    assert back["FLAG"].to_list() == df["FLAG"].to_list()
    assert back["DATE"].to_list() == df["DATE"].to_list()
    assert back["STAMP"].to_list() == df["STAMP"].to_list()
    assert back["INT"].to_list()[0] == 1.0


def test_round_trip_from_arrow_back_to_arrow() -> None:
    """An Arrow table read and written back keeps its values; null float -> NaN."""
    table = _arrow().drop_columns(["CAT"])
    back = Table(read_columns(table, name="labs")).to_arrow()
    for name in ("TEXT", "FLAG", "FLAG_FULL", "DATE", "STAMP"):
        assert back[name].to_pylist() == table[name].to_pylist(), name
    assert math.isnan(back["FLOAT"][1].as_py())


_values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False))
_texts = st.one_of(st.none(), st.text(max_size=6))


@given(
    st.integers(0, 5).flatmap(
        lambda n: st.tuples(
            st.lists(_values, min_size=n, max_size=n),
            st.lists(_texts, min_size=n, max_size=n),
        )
    )
)
def test_round_trip_property_all_libraries(
    cols: tuple[list[float | None], list[str | None]],
) -> None:
    """Random float/text/None columns survive each library and read_columns."""
    floats, texts = cols
    original = Table({"F": np.array(floats, dtype=np.float64), "S": texts})
    for method in ("to_pandas", "to_polars", "to_arrow"):
        back = Table(read_columns(getattr(original, method)(), name="t"))
        assert back == original, method
