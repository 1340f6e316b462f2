"""lupusscore.Table: columns, immutability, equality, rows, derived tables, output."""

from __future__ import annotations

import copy
import datetime as dt
import math
import pickle
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lupusscore as ls
from lupusscore.errors import InvalidValueError, LupusScoreError, MissingExtraError
from lupusscore.table import Table


def _example() -> Table:
    return Table(
        {
            "USUBJID": ["01-701-1015", "01-701-1023", "01-701-1028", None],
            "AVAL": [88.5, np.nan, 61.0, 70.25],
            "AVISITN": [0, 1, 2, 3],
            "ABLFL": [True, False, False, False],
            "ADT": [
                dt.date(2014, 1, 2),
                None,
                dt.date(2014, 3, 4),
                dt.date(2014, 5, 6),
            ],
            "ADTM": np.array(
                ["2014-01-02T08:30:00", "NaT", "2014-03-04T09:00:00", "NaT"],
                dtype="datetime64[s]",
            ),
            "CRIT1FL": [True, None, False, True],
        },
        labels={"USUBJID": "Unique Subject Identifier", "AVAL": "Analysis Value"},
        name="adlb",
    )


# ------------------------------------------------------------------ columns


def test_columns_are_normalised_to_the_supported_dtypes() -> None:
    """Lists become float64/int64/bool/datetime64[D]/[s]/object as documented."""
    t = _example()
    kinds = {k: t[k].dtype for k in t}
    assert kinds == {
        "USUBJID": np.dtype(object),
        "AVAL": np.dtype(np.float64),
        "AVISITN": np.dtype(np.int64),
        "ABLFL": np.dtype(np.bool_),
        "ADT": np.dtype("datetime64[D]"),
        "ADTM": np.dtype("datetime64[s]"),
        "CRIT1FL": np.dtype(object),
    }
    assert t["USUBJID"].tolist() == ["01-701-1015", "01-701-1023", "01-701-1028", None]
    assert t["CRIT1FL"].tolist() == [True, None, False, True]
    assert np.isnat(t["ADT"][1])


@pytest.mark.parametrize(
    ("values", "dtype", "expected"),
    [
        ([1, None, 3], "float64", [1.0, math.nan, 3.0]),
        ([1.5, float("nan")], "float64", [1.5, math.nan]),
        (np.array([1.5, 2.5], dtype=np.float32), "float64", [1.5, 2.5]),
        (np.array([1, 2], dtype=np.int8), "int64", [1, 2]),
        (np.array([1, 2], dtype=np.uint32), "int64", [1, 2]),
        (np.array(["a", "bc"]), "object", ["a", "bc"]),
        (["a", float("nan"), None], "object", ["a", None, None]),
        ([True, False], "bool", [True, False]),
        ([], "object", []),
        ([None, None], "object", [None, None]),
        ([math.nan, math.nan], "float64", [math.nan, math.nan]),
        ([None, math.nan], "object", [None, None]),
    ],
)
def test_list_and_array_inputs(
    values: object, dtype: str, expected: list[object]
) -> None:
    """Each kind of input lands in its documented column type, missing preserved."""
    col = Table({"X": values})["X"]
    assert col.dtype == np.dtype(dtype)
    got = col.tolist()
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        if isinstance(e, float) and math.isnan(e):
            assert math.isnan(g)
        else:
            assert g == e
            assert type(g) is type(e)


def test_datetime_units_become_days_or_seconds() -> None:
    """Coarse units become [D]; finer ones [s] when whole seconds."""
    months = np.array(["2020-01", "2020-02"], dtype="datetime64[M]")
    assert Table({"D": months})["D"].dtype == np.dtype("datetime64[D]")
    ns = np.array(["2020-01-01T10:00:00", "NaT"], dtype="datetime64[ns]")
    col = Table({"T": ns})["T"]
    assert col.dtype == np.dtype("datetime64[s]")
    assert col[0] == np.datetime64("2020-01-01T10:00:00")
    assert np.isnat(col[1])


def test_sub_second_datetimes_are_refused_not_truncated() -> None:
    """A date-time with a fraction of a second is an error naming the row."""
    ms = np.array(["2020-01-01T10:00:00", "2020-01-01T10:00:00.500"], dtype="M8[ms]")
    with pytest.raises(InvalidValueError, match="whole seconds") as info:
        Table({"ADTM": ms})
    assert info.value.fields["index"] == 1
    assert "ADTM" in str(info.value)


def test_python_datetimes_keep_microsecond_check() -> None:
    """datetime objects with microseconds are refused; whole seconds are kept."""
    ok = Table({"T": [dt.datetime(2020, 1, 1, 10, 0, 5), None]})["T"]
    assert ok.dtype == np.dtype("datetime64[s]")
    assert ok.tolist() == [dt.datetime(2020, 1, 1, 10, 0, 5), None]
    with pytest.raises(InvalidValueError, match="whole seconds"):
        Table({"T": [dt.datetime(2020, 1, 1, 10, 0, 5, 250)]})


@pytest.mark.parametrize(
    ("columns", "match"),
    [
        ({"A": [1.0, 2.0], "B": [1.0]}, r"columns\['B'\].*1 rows.*2 rows.*'A'"),
        ({"A": [[1.0, 2.0], [3.0, 4.0]]}, r"columns\['A'\].*2-d"),
        ({"A": 3.0}, r"columns\['A'\].*0-d"),
        ({"A": "text"}, r"columns\['A'\]"),
        ({1: [1.0]}, r"columns: got 1.*non-empty strings"),
        ({"": [1.0]}, r"columns: got ''.*non-empty strings"),
        ({"A": [1.0, "x"]}, r"columns\['A'\]: got 'x' at index 1.*one kind of value"),
        ({"A": [True, 1]}, r"columns\['A'\].*one kind of value"),
        ({"A": [object()]}, r"columns\['A'\].*index 0"),
        ({"A": np.array([1 + 2j])}, r"columns\['A'\].*complex128"),
        ({"A": np.array([1], dtype="m8[D]")}, r"columns\['A'\].*timedelta64"),
        ({"A": np.array([2**63], dtype=np.uint64)}, r"columns\['A'\].*int64"),
        ({"A": [2**70]}, r"columns\['A'\].*int64"),
        ({"A": [10**400, None]}, r"columns\['A'\].*float range"),
        ({"A": [dt.datetime(2020, 1, 1, tzinfo=dt.UTC)]}, r"naive"),
        ({"A": np.array(["10000-01-01"], dtype="M8[D]")}, r"years 1-9999"),
        ({"A": [dt.date(2020, 1, 1), dt.datetime(2020, 1, 1)]}, r"one kind"),
        ({"A": [{"x": 1}]}, r"columns\['A'\]"),
    ],
)
def test_bad_columns_raise_library_errors_naming_the_column(
    columns: dict[object, object], match: str
) -> None:
    """Length mismatch, non-1-d, bad names and bad values are InvalidValueError."""
    with pytest.raises(InvalidValueError, match=match):
        Table(columns)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, [1, 2], "USUBJID", 3, {1, 2}])
def test_columns_must_be_a_mapping(bad: object) -> None:
    """A non-mapping is refused with the library's error."""
    with pytest.raises(InvalidValueError, match="columns"):
        Table(bad)  # type: ignore[arg-type]


def test_labels_and_name_are_checked() -> None:
    """Labels only for existing columns, as strings; name a string."""
    with pytest.raises(InvalidValueError, match=r"labels.*'B'.*A"):
        Table({"A": [1.0]}, labels={"B": "b"})
    with pytest.raises(InvalidValueError, match=r"labels\['A'\]"):
        Table({"A": [1.0]}, labels={"A": 3})  # type: ignore[dict-item]
    with pytest.raises(InvalidValueError, match="labels"):
        Table({"A": [1.0]}, labels=["A"])  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="name"):
        Table({"A": [1.0]}, name=3)  # type: ignore[arg-type]


# ------------------------------------------------------------------ access


def test_mapping_view() -> None:
    """len is rows; columns, shape, iteration, membership, labels, name."""
    t = _example()
    assert len(t) == 4
    assert t.columns == (
        "USUBJID",
        "AVAL",
        "AVISITN",
        "ABLFL",
        "ADT",
        "ADTM",
        "CRIT1FL",
    )
    assert list(t) == list(t.columns)
    assert t.shape == (4, 7)
    assert "AVAL" in t
    assert "NOPE" not in t
    assert 3 not in t
    assert dict(t.labels) == {
        "USUBJID": "Unique Subject Identifier",
        "AVAL": "Analysis Value",
    }
    assert t.name == "adlb"
    empty = Table({})
    assert len(empty) == 0
    assert empty.shape == (0, 0)


def test_unknown_column_lists_the_columns() -> None:
    """t['NOPE'] is InvalidValueError naming the columns there are."""
    t = Table({"A": [1.0], "B": [2.0]})
    with pytest.raises(InvalidValueError, match=r"NOPE.*A, B"):
        t["NOPE"]
    with pytest.raises(InvalidValueError):
        t[0]  # type: ignore[index]


def test_columns_are_read_only_copies() -> None:
    """Writing a column raises numpy's read-only ValueError; the source is copied."""
    source = np.array([1.0, 2.0])
    t = Table({"A": source})
    source[0] = 99.0
    assert t["A"][0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        t["A"][0] = 5.0
    assert not t["A"].flags.writeable


def test_table_attributes_cannot_be_set() -> None:
    """The table itself is frozen; labels are a read-only mapping."""
    t = _example()
    with pytest.raises(AttributeError, match="immutable"):
        t.name = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        t._columns = {}  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del t._name
    with pytest.raises(TypeError):
        t.labels["AVAL"] = "x"  # type: ignore[index]


def test_equality_compares_names_and_values() -> None:
    """NaN == NaN, NaT == NaT, object columns by value; dtype and order matter."""
    assert _example() == _example()
    a = Table({"X": [1.0, None], "S": ["a", None]})
    assert a == Table({"X": np.array([1.0, np.nan]), "S": np.array(["a", None])})
    assert a != Table({"X": [1.0, 2.0], "S": ["a", None]})
    assert a != Table({"S": ["a", None], "X": [1.0, None]})
    assert Table({"X": [1, 2]}) != Table({"X": [1.0, 2.0]})
    assert Table({"F": [True, None]}) != Table({"F": ["True", None]})
    assert a != "not a table"
    with pytest.raises(TypeError):
        hash(a)


def test_labels_and_name_are_metadata_not_compared() -> None:
    """Two tables with the same data but different labels are equal (documented)."""
    a = Table({"X": [1.0]}, labels={"X": "one"}, name="a")
    assert a == Table({"X": [1.0]})


def test_pickle_and_copy() -> None:
    """A table pickles to an equal table with its labels; copy returns itself."""
    t = _example()
    clone = pickle.loads(pickle.dumps(t))
    assert clone == t
    assert clone.labels == t.labels
    assert clone.name == t.name
    assert not clone["AVAL"].flags.writeable
    assert copy.copy(t) is t
    assert copy.deepcopy(t) is t


def test_table_from_table_keeps_labels() -> None:
    """Table(t) copies the columns and, unless others are given, the labels."""
    t = _example()
    assert Table(t) == t
    assert Table(t).labels == t.labels
    assert dict(Table(t, labels={}).labels) == {}


# ------------------------------------------------------------------ rows


def test_to_dicts_gives_plain_python_values() -> None:
    """NaN/NaT -> None, numpy scalars -> int/float/bool, dates and datetimes."""
    rows = _example().to_dicts()
    assert rows[0] == {
        "USUBJID": "01-701-1015",
        "AVAL": 88.5,
        "AVISITN": 0,
        "ABLFL": True,
        "ADT": dt.date(2014, 1, 2),
        "ADTM": dt.datetime(2014, 1, 2, 8, 30),
        "CRIT1FL": True,
    }
    assert rows[1]["AVAL"] is None
    assert rows[1]["ADT"] is None
    assert rows[1]["ADTM"] is None
    assert rows[1]["CRIT1FL"] is None
    assert rows[3]["USUBJID"] is None
    for row in rows:
        assert type(row["AVISITN"]) is int
        assert type(row["ABLFL"]) is bool
        assert row["AVAL"] is None or type(row["AVAL"]) is float
    assert Table({}).to_dicts() == []


def test_row_matches_to_dicts_and_accepts_negative_indices() -> None:
    """row(i) is to_dicts()[i]; negative counts from the end; numpy ints work."""
    t = _example()
    rows = t.to_dicts()
    for i in range(len(t)):
        assert t.row(i) == rows[i]
    assert t.row(-1) == rows[-1]
    assert t.row(np.int64(2)) == rows[2]


@pytest.mark.parametrize("bad", [4, -5, True, 1.0, "0", None])
def test_row_out_of_range_or_not_an_index(bad: object) -> None:
    """A bad row index is InvalidValueError naming the range."""
    with pytest.raises(InvalidValueError, match=r"i: got .*\[-4, 4\)"):
        _example().row(bad)  # type: ignore[arg-type]


# ------------------------------------------------------------------ new tables


def test_select_keeps_order_and_labels() -> None:
    """select returns the named columns in the order asked, with their labels."""
    t = _example()
    s = t.select(["AVAL", "USUBJID"])
    assert s.columns == ("AVAL", "USUBJID")
    assert dict(s.labels) == {
        "AVAL": "Analysis Value",
        "USUBJID": "Unique Subject Identifier",
    }
    assert s.name == "adlb"
    assert t.select("AVAL").columns == ("AVAL",)
    with pytest.raises(InvalidValueError, match="NOPE"):
        t.select(["NOPE"])
    with pytest.raises(InvalidValueError, match="at most once"):
        t.select(["AVAL", "AVAL"])
    with pytest.raises(InvalidValueError, match="names"):
        t.select([1])  # type: ignore[list-item]
    with pytest.raises(InvalidValueError, match="names"):
        t.select(5)  # type: ignore[arg-type]


def test_filter_by_boolean_mask() -> None:
    """filter keeps rows where the mask is True; the mask is checked."""
    t = _example()
    f = t.filter(t["AVISITN"] >= 2)
    assert f["AVISITN"].tolist() == [2, 3]
    assert f.labels == t.labels
    assert len(t.filter(np.zeros(4, dtype=bool))) == 0
    with pytest.raises(InvalidValueError, match="4 booleans"):
        t.filter([True, False])
    with pytest.raises(InvalidValueError, match="mask"):
        t.filter([True, None, False, True])
    with pytest.raises(InvalidValueError, match="mask"):
        t.filter(["yes", "no", "no", "no"])


def test_sort_by_is_stable_with_missing_last() -> None:
    """Ascending, stable; NaN, NaT and None last; first name is the primary key."""
    t = Table(
        {
            "K": ["b", None, "a", "b", "a"],
            "V": [2.0, 1.0, np.nan, 1.0, 0.5],
            "D": [dt.date(2020, 1, 3), None, dt.date(2020, 1, 1), None, None],
            "I": [0, 1, 2, 3, 4],
        }
    )
    assert t.sort_by("V")["I"].tolist() == [4, 1, 3, 0, 2]
    assert t.sort_by("K")["I"].tolist() == [2, 4, 0, 3, 1]
    assert t.sort_by(["K", "V"])["I"].tolist() == [4, 2, 3, 0, 1]
    assert t.sort_by("D")["I"].tolist() == [2, 0, 1, 3, 4]
    nul = Table({"S": ["a\x00", "b", None, "a", "a\x00"]})
    assert nul.sort_by("S")["S"].tolist() == ["a", "a\x00", "a\x00", "b", None]
    assert Table({"S": ["é", "z", "E"]}).sort_by("S")["S"].tolist() == ["E", "z", "é"]
    flags = Table({"F": [True, None, False], "I": [0, 1, 2]})
    assert flags.sort_by("F")["I"].tolist() == [2, 0, 1]
    assert len(Table({"A": []}).sort_by("A")) == 0
    with pytest.raises(InvalidValueError, match="at least one"):
        t.sort_by([])
    with pytest.raises(InvalidValueError, match="NOPE"):
        t.sort_by("NOPE")


# ------------------------------------------------------------------ display


def test_repr_shows_name_size_and_first_rows_aligned() -> None:
    """Header line, aligned cells, missing as NaN/NaT/None, and a row count tail."""
    t = Table({"ID": [f"P{i}" for i in range(7)], "AVAL": [1.5, *[10.0] * 5, np.nan]})
    text = repr(t)
    lines = text.splitlines()
    assert lines[0] == "Table: 7 rows x 2 columns"
    assert lines[1].split() == ["ID", "AVAL"]
    assert lines[2].split() == ["0", "P0", "1.5"]
    assert lines[3].split() == ["1", "P1", "10.0"]
    assert lines[-1] == "... 2 more rows"
    assert len(lines) == 2 + 5 + 1
    # numbers right-aligned: the value column ends at one position
    ends = {len(line) for line in lines[1:-1]}
    assert len(ends) == 1
    named = repr(_example())
    assert named.startswith("Table 'adlb': 4 rows x 7 columns")
    assert "NaN" in named
    assert "NaT" in named
    assert "None" in named


def test_repr_of_empty_tables() -> None:
    """An empty table still says what it is."""
    assert repr(Table({})) == "Table: 0 rows x 0 columns"
    assert (
        repr(Table({"A": []}, name="x")) == "Table 'x': 0 rows x 1 columns\ncolumns: A"
    )


def test_repr_html_escapes_text() -> None:
    """The notebook view escapes column names, labels and cells."""
    t = Table({"<b>": ["<script>"]}, labels={"<b>": '"quoted"'})
    page = t._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;" in page
    assert "&quot;quoted&quot;" in page


# ------------------------------------------------------------------ outputs


def test_to_pandas_dtypes_missing_and_labels() -> None:
    """Floats with NaN, object text with None, dates as datetime64, labels in attrs."""
    pd = pytest.importorskip("pandas")
    df = _example().to_pandas()
    assert list(df.columns) == list(_example().columns)
    assert df["AVAL"].dtype == np.float64
    assert math.isnan(df["AVAL"].iloc[1])
    assert df["USUBJID"].dtype == object
    assert df["USUBJID"].iloc[3] is None
    assert df["CRIT1FL"].tolist() == [True, None, False, True]
    assert df["AVISITN"].dtype == np.int64
    assert df["ABLFL"].dtype == bool
    assert df["ADT"].iloc[0] == pd.Timestamp("2014-01-02")
    assert pd.isna(df["ADT"].iloc[1])
    assert df["ADTM"].iloc[0] == pd.Timestamp("2014-01-02 08:30")
    assert df.attrs["labels"]["USUBJID"] == "Unique Subject Identifier"
    assert df.attrs["name"] == "adlb"
    df.loc[0, "AVAL"] = 1.0  # the frame is the caller's own copy
    assert _example()["AVAL"][0] == 88.5


def test_to_polars_dtypes_and_missing() -> None:
    """Float64 with NaN, String and Boolean with null, Date, Datetime."""
    pl = pytest.importorskip("polars")
    df = _example().to_polars()
    assert df.columns == list(_example().columns)
    assert df.schema["AVAL"] == pl.Float64
    assert math.isnan(df["AVAL"][1])
    assert df["AVAL"].null_count() == 0
    assert df.schema["USUBJID"] == pl.String
    assert df["USUBJID"][3] is None
    assert df.schema["CRIT1FL"] == pl.Boolean
    assert df["CRIT1FL"].to_list() == [True, None, False, True]
    assert df.schema["AVISITN"] == pl.Int64
    assert df.schema["ADT"] == pl.Date
    assert df["ADT"].to_list() == [
        dt.date(2014, 1, 2),
        None,
        dt.date(2014, 3, 4),
        dt.date(2014, 5, 6),
    ]
    assert isinstance(df.schema["ADTM"], pl.Datetime)
    assert df["ADTM"].to_list()[:2] == [dt.datetime(2014, 1, 2, 8, 30), None]


def test_to_arrow_types_missing_and_label_metadata() -> None:
    """double with NaN, string/bool with null, date32, timestamp; labels as metadata."""
    pa = pytest.importorskip("pyarrow")
    table = _example().to_arrow()
    schema = table.schema
    assert schema.names == list(_example().columns)
    assert schema.field("AVAL").type == pa.float64()
    assert math.isnan(table["AVAL"][1].as_py())
    assert schema.field("USUBJID").type == pa.string()
    assert table["USUBJID"][3].as_py() is None
    assert schema.field("CRIT1FL").type == pa.bool_()
    assert table["CRIT1FL"].to_pylist() == [True, None, False, True]
    assert schema.field("ADT").type == pa.date32()
    assert table["ADT"].to_pylist()[1] is None
    assert schema.field("ADTM").type == pa.timestamp("s")
    assert table["ADTM"].to_pylist()[:2] == [dt.datetime(2014, 1, 2, 8, 30), None]
    assert schema.field("USUBJID").metadata == {b"label": b"Unique Subject Identifier"}
    assert schema.field("ADT").metadata is None
    assert schema.metadata == {b"name": b"adlb"}


@pytest.mark.parametrize(
    ("method", "module"),
    [("to_pandas", "pandas"), ("to_polars", "polars"), ("to_arrow", "pyarrow")],
)
def test_missing_library_is_a_missing_extra_error(
    method: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the library the output method raises MissingExtraError naming it."""
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError, match=f"pip install {module}") as info:
        getattr(_example(), method)()
    assert isinstance(info.value, ImportError)
    assert isinstance(info.value, LupusScoreError)
    assert info.value.name == module
    assert f"Table.{method}" in str(info.value)


def test_missing_extra_error_pickles_and_names_the_extra() -> None:
    """MissingExtraError keeps its fields and ImportError.name through pickling."""
    err = ls.MissingExtraError(
        package="narwhals", feature="reading labs", extra="frames"
    )
    assert "pip install 'lupusscore[frames]'" in str(err)
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is MissingExtraError
    assert str(clone) == str(err)
    assert clone.name == "narwhals"
    assert clone.fields == err.fields


# ------------------------------------------------------------------ properties

_cells = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=False, width=64),
)
_texts = st.one_of(st.none(), st.text(max_size=8))


@given(
    st.integers(0, 6).flatmap(
        lambda n: st.tuples(
            st.lists(_cells, min_size=n, max_size=n),
            st.lists(_texts, min_size=n, max_size=n),
        )
    )
)
def test_to_dicts_round_trip(cols: tuple[list[float | None], list[str | None]]) -> None:
    """Rows from to_dicts rebuild an equal table; every missing value is None."""
    floats, texts = cols
    t = Table({"F": np.array(floats, dtype=np.float64), "S": texts})
    rows = t.to_dicts()
    assert len(rows) == len(floats)
    for row, f, s in zip(rows, floats, texts, strict=True):
        missing = f is None or math.isnan(f)
        assert (row["F"] is None) == missing
        if not missing:
            assert row["F"] == f
        assert row["S"] == s
    rebuilt = Table(
        {
            "F": np.array(
                [math.nan if r["F"] is None else r["F"] for r in rows], dtype=np.float64
            ),
            "S": [r["S"] for r in rows],
        }
    )
    assert rebuilt == t
