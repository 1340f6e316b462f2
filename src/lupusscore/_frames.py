"""Reading a user's table into numpy columns: dicts in core, data frames via narwhals.

:func:`read_columns` is the one door through which a table of the caller's
(lab rows, participants, visits) enters lupusscore. It accepts

- a ``dict`` (any ``Mapping``) of column name to a list or 1-d numpy array,
  and a :class:`lupusscore.Table` -- no extra needed;
- a pandas ``DataFrame``, a polars ``DataFrame`` or a pyarrow ``Table``, read
  through `narwhals <https://narwhals-dev.github.io/narwhals/>`_ (the optional
  extra ``frames``: ``pip install 'lupusscore[frames]'``; the data frame
  library itself is the caller's). A polars ``LazyFrame`` is refused with a
  message to ``.collect()`` it first: reading it would run the query.

Anything else is an :class:`~lupusscore.errors.InvalidValueError`. So is a
column this module cannot read; an error from narwhals, pandas, polars or
pyarrow internals never escapes as such.

Conversion rules
----------------
Every column comes back as a read-only 1-d numpy array, whatever the source:

==============================================  ==============================
source column                                   result (missing as)
==============================================  ==============================
numbers (any int, uint, float, decimal width)   ``float64`` (NaN)
flags without missing values                    ``bool``
flags with missing values                       ``object``: True/False/None
text, categorical, enum                         ``object``: ``str`` (None)
dates                                           ``datetime64[D]`` (NaT)
date-times                                      ``datetime64[s]`` (NaT)
all missing (a polars ``Null`` column)          ``object``: None
==============================================  ==============================

- *Missing* is every null a library has: ``None``, NaN, ``pandas.NA``,
  ``NaT``, a polars or Arrow null. A NaN in a float column is missing in
  every library, also in polars, where NaN is not null.
- Integers become ``float64`` so that a column with a missing value and one
  without have one type (integers above 2**53 lose precision).
- A date-time with a time zone is read as its local wall-clock time (what
  SDTM's ``--DTC`` records), the zone dropped. Date-times must be whole
  seconds; a finer one (``10:00:00.5``) is an error naming the row, not
  silently truncated.
- Text columns (and flag columns, also pandas ``object`` columns of flags) are
  read through Arrow when pyarrow is installed: text by its dictionary
  encoding, so each distinct string is one ``str`` object shared by its rows
  (8 bytes a row, not a string per row), and no cell is visited in Python.
- A pandas ``object`` column of nothing but ``True``, ``False`` and ``None``
  is read as flags by the addresses of its elements (no cell visited in
  Python, no type inferred, pyarrow not needed), giving what Arrow gives;
  pandas columns of numpy numbers, flags and naive date-times and pandas
  text (``str``, ``string``) are read straight from pandas, with the same
  calls and results as through narwhals.
- Any other pandas ``object`` column is read element by element with the rules
  of :class:`lupusscore.Table` (text, numbers, flags, dates; one kind per
  column).
- The pandas index is ignored: rows are numbered from 0 in frame order.
- Durations, times of day, binary, lists and structs are refused.

Examples
--------
>>> from lupusscore._frames import read_columns
>>> cols = read_columns({"USUBJID": ["a", "b"], "AVAL": [1, None]}, name="labs")
>>> cols["AVAL"]
array([ 1., nan])
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import _shown, describe
from lupusscore.errors import InvalidValueError, LupusScoreError, MissingExtraError
from lupusscore.table import Column, Table, _as_column, _datetimes

__all__ = ["Factors", "read_columns", "read_columns_factorized"]

#: Columns read through Arrow, coded on the way: column name to (codes, names).
#: A text column: (code per row, -1 where missing; the distinct strings), and
#: ``names[code]`` is the column's text (the column holds those very string
#: objects). A flag column: (int8 1/0/-1 per row, None).
Factors = dict[str, tuple[npt.NDArray[Any], list[str] | None]]

#: What read_columns accepts, for messages.
_ACCEPTED: Final = (
    "a dict of column name to a list or 1-d array, a lupusscore.Table, or a "
    "pandas DataFrame, polars DataFrame or pyarrow Table"
)

#: Top-level modules whose objects are data frames narwhals may read.
_FRAME_MODULES: Final = frozenset(
    {"pandas", "polars", "pyarrow", "modin", "cudf", "dask", "duckdb", "ibis"}
)


def _looks_like_frame(data: object) -> bool:
    """Return True for a data frame library's object (narwhals reads it)."""
    root = type(data).__module__.split(".", maxsplit=1)[0]
    protocols = ("__narwhals_dataframe__", "__arrow_c_stream__", "__dataframe__")
    return root in _FRAME_MODULES or any(hasattr(data, p) for p in protocols)


def _finish(columns: dict[str, Column]) -> dict[str, Column]:
    """Apply the numeric rule (integers to float64) and mark every array read-only."""
    out: dict[str, Column] = {}
    for key, arr in columns.items():
        col = arr.astype(np.float64) if arr.dtype.kind in "iu" else arr
        if col is arr and arr.flags.writeable:
            col = arr.copy()
        col.setflags(write=False)
        out[key] = col
    return out


def read_columns(data: object, *, name: str) -> dict[str, Column]:
    """Return the columns of a user's table as numpy arrays.

    Parameters
    ----------
    data : Mapping, Table, or a pandas/polars/pyarrow table
        The table. See the module docstring for what each column becomes.
    name : str
        What the table is (``"labs"``), used in messages:
        ``labs['LBORRES']: got ...``.

    Returns
    -------
    dict of str to numpy.ndarray
        Column name to a read-only 1-d array, in the table's column order;
        all arrays have one length.

    Raises
    ------
    InvalidValueError
        For input that is not a table, a LazyFrame, a column name that is not
        a string, or a column that cannot be read.
    MissingExtraError
        For a data frame when narwhals (the ``frames`` extra) is not installed.
    """
    return read_columns_factorized(data, name=name)[0]


def read_columns_factorized(
    data: object, *, name: str
) -> tuple[dict[str, Column], Factors]:
    """Return the columns of :func:`read_columns`, and the text columns' codes.

    A text column of a data frame is read through Arrow when pyarrow is
    installed: each distinct string is made once (the rows share it) and its
    codes come along, so that :meth:`lupusscore.Cohort.from_frames` need not
    factorize the column again. Other columns have no entry in the factors.
    """
    if isinstance(data, Table):
        return _finish(dict(data.items())), {}
    if isinstance(data, Mapping):
        return _finish(dict(_table_from_mapping(data, name).items())), {}
    if not _looks_like_frame(data):
        raise InvalidValueError(field=name, value=_shown(data), expected=_ACCEPTED)
    try:
        import narwhals.stable.v1 as nw  # noqa: PLC0415 - the optional extra
    except ImportError:
        raise MissingExtraError(
            package="narwhals",
            feature=f"reading {name} from a data frame",
            extra="frames",
        ) from None
    factors: Factors = {}
    return _finish(_read_frame(nw, data, name, factors)), factors


def _table_from_mapping(data: Mapping[Any, Any], name: str) -> Table:
    """Build a Table from a mapping, naming *name* in any error."""
    try:
        return Table(data)
    except InvalidValueError as err:
        fields = err.fields
        field = str(fields["field"])
        where = field.removeprefix("columns") if field.startswith("columns") else ""
        raise InvalidValueError(
            field=f"{name}{where}",
            value=fields["value"],
            expected=fields["expected"],
            index=fields["index"],
            count=fields["count"],
        ) from None


def _read_frame(
    nw: Any, data: object, name: str, factors: Factors
) -> dict[str, Column]:
    """Read a data frame through narwhals, column by column."""
    try:
        frame = nw.from_native(data, pass_through=True, allow_series=True)
    except Exception as exc:  # narwhals refusing a malformed frame
        raise InvalidValueError(
            field=name,
            value=_shown(data),
            expected=f"{_ACCEPTED} ({type(exc).__name__}: {describe(str(exc))})",
        ) from None
    if isinstance(frame, nw.LazyFrame):
        raise InvalidValueError(
            field=name,
            value=f"a lazy frame ({type(data).__name__})",
            expected="an eager table: call .collect() on it first",
        )
    if isinstance(frame, nw.Series):
        raise InvalidValueError(
            field=name,
            value=f"a single column ({type(data).__name__})",
            expected=f"a table; {_ACCEPTED}",
        )
    if not isinstance(frame, nw.DataFrame):
        raise InvalidValueError(field=name, value=_shown(data), expected=_ACCEPTED)
    try:
        names = list(frame.columns)
    except Exception:
        raise InvalidValueError(
            field=name, value=_shown(data), expected=_ACCEPTED
        ) from None
    native = _pandas_frame(nw, frame, names)
    dtypes = {} if native is not None else _schema(frame)
    out: dict[str, Column] = {}
    for key in names:
        if not isinstance(key, str) or not key:
            raise InvalidValueError(
                field=name,
                value=_shown(key),
                expected="column names that are non-empty strings",
            )
        if key in out:
            raise InvalidValueError(
                field=name, value=key, expected="each column name once"
            )
        field = f"{name}[{key!r}]"
        try:
            read = None if native is None else _read_pandas_column(native[key], field)
            if read is not None:
                out[key], codes = read
                if codes is not None:
                    factors[key] = codes
                continue
            series = frame.get_column(key)
            dtype = dtypes.get(key)
            if dtype is None:  # no schema: ask the column
                dtype = series.dtype
            coded = _read_text_via_arrow(nw, series, dtype) or _read_flags_via_arrow(
                nw, series, dtype
            )
            if coded is not None:
                out[key], factors[key] = coded
                continue
            out[key] = _read_series(nw, series, field, dtype)
        except LupusScoreError:
            raise
        except Exception as exc:  # a library internal: report it as ours
            raise InvalidValueError(
                field=field,
                value=f"a column that could not be read ({type(exc).__name__}: "
                f"{describe(str(exc))})",
                expected="numbers, flags, text, dates or date-times",
            ) from None
    return out


def _pandas_frame(nw: Any, frame: Any, names: list[Any]) -> Any:
    """Return the pandas DataFrame behind *frame* for its columns' fast path.

    None unless *frame* is pandas with unique, non-empty string column names
    (anything else is read, and reported, column by column through narwhals).
    """
    try:
        native = frame.to_native()
        if not nw.dependencies.is_pandas_dataframe(native):
            return None
    except Exception:  # pragma: no cover - narwhals' own frames always answer
        return None
    unique = len(set(names)) == len(names)
    if unique and all(isinstance(key, str) and key for key in names):
        return native
    return None


def _read_pandas_column(
    column: Any, field: str
) -> tuple[Column, tuple[npt.NDArray[Any], list[str] | None] | None] | None:
    """Read a pandas column of a common type without narwhals' wrappers.

    The same rules, and the same numpy, pandas and Arrow calls, as the path
    through narwhals (:func:`_read_series`, :func:`_read_text_via_arrow`,
    :func:`_read_flags_via_arrow`), without its per-column cost (for an
    ``object`` column, narwhals infers its type from the values, then Arrow
    infers it again): numpy floats, integers, flags and naive date-times,
    pandas ``str``/``string`` text, and ``object`` columns holding nothing but
    ``True``, ``False`` and ``None``. Returns the column and its codes (None
    for a column without codes), or None for any other column (and for text
    Arrow cannot read): the caller then reads it through narwhals.
    """
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        values = column.to_numpy()
        kind = dtype.kind
        if kind == "O":
            return _flags_from_singletons(values)
        if kind in "fiu" and dtype.itemsize <= _WIDEST:  # numbers: float64 (NaN)
            out = values.astype(np.float64)
            if kind == "f":
                out[np.asarray(column.isna().to_numpy(), dtype=np.bool_)] = np.nan
            return _fresh(out), None
        if kind == "b":  # flags, coded as Arrow's booleans are
            return _flags_from_codes(_fresh(values.astype(np.int8)), missing=False)
        if kind == "M":  # naive date-times: missing is NaT already
            return _fresh(_datetimes(field, values)), None
        return None
    if isinstance(dtype, importlib.import_module("pandas").StringDtype):  # text
        try:
            pa = importlib.import_module("pyarrow")  # optional, as narwhals' own
            return _text_from_arrow(pa, pa.Array.from_pandas(column))
        except Exception:  # not pyarrow, or not text Arrow reads: through narwhals
            return None
    return None


#: The widest numpy number the pandas shortcut reads (bytes: float64, int64).
_WIDEST: Final = 8

#: The objects a flag column of plain Python values holds, by address.
_SINGLETONS: Final = (id(True), id(False), id(None))  # noqa: FBT003


def _flags_from_singletons(
    values: npt.NDArray[Any],
) -> tuple[Column, tuple[npt.NDArray[np.int8], None]] | None:
    """Read an object array of ``True``, ``False`` and ``None`` as flags, by address.

    An object array holds the address of each element, and ``True``,
    ``False`` and ``None`` are single objects in CPython: comparing the
    addresses with theirs tells every element apart without visiting it in
    Python. The result is what Arrow makes of such a column
    (:func:`_read_flags_via_arrow`): flags, ``None`` missing; all ``None`` is
    all missing. None for an empty array or any other element (``numpy.bool_``,
    NaN, text...): the caller reads the column through Arrow then.
    """
    if sys.implementation.name != "cpython" or values.ndim != 1 or not len(values):
        return None
    try:
        addresses = np.frombuffer(values, dtype=np.intp)
    except Exception:  # e.g. not contiguous
        return None
    true, false, none = (addresses == a for a in _SINGLETONS)
    missing = int(np.count_nonzero(none))
    if int(np.count_nonzero(true)) + int(np.count_nonzero(false)) + missing != len(
        values
    ):
        return None
    codes = _fresh(true.view(np.int8) - none.view(np.int8))
    # The column holds these very objects: a copy of it is the object column
    # (also when all missing, as _read_flags_via_arrow); without None, the
    # mask of True is the bool column.
    return _fresh(values.copy() if missing else true), (codes, None)


def _schema(frame: Any) -> dict[str, Any]:
    """Each column's narwhals dtype, read once for the whole frame.

    Reading a column's dtype is not free: for a pandas ``object`` column
    narwhals infers it from the values each time it is asked. The frame's
    schema is read once here and each column's dtype passed along (empty when
    the schema cannot be read; the columns are then asked one by one).
    """
    try:
        return dict(frame.schema)
    except Exception:  # e.g. duplicate column names: reported column by column
        return {}


def _read_text_via_arrow(
    nw: Any, series: Any, dtype: Any
) -> tuple[Column, tuple[npt.NDArray[np.int32], list[str]]] | None:
    """Read a text column through Arrow's dictionary encoding, if it is one.

    Returns the object array of str (None where missing: the Arrow nulls) and
    (codes, distinct strings); None when the column is not text or pyarrow is
    not installed (the caller then reads it element by element). *dtype* is
    the column's narwhals dtype (:func:`_schema`).
    """
    if dtype not in (nw.String, nw.Categorical, nw.Enum):
        return None
    try:
        pa = importlib.import_module("pyarrow")  # optional, as narwhals' own
    except ImportError:  # pragma: no cover - the extra's environments have it
        return None
    try:
        text = series if dtype == nw.String else series.cast(nw.String)
        return _text_from_arrow(pa, text.to_arrow())
    except Exception:
        return None


def _text_from_arrow(
    pa: Any, arrow: Any
) -> tuple[Column, tuple[npt.NDArray[np.int32], list[str]]]:
    """Code an Arrow text array by its dictionary encoding (see above)."""
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    encoded = arrow.dictionary_encode()
    names = [str(x) for x in encoded.dictionary.to_pylist()]
    indices = encoded.indices
    if indices.null_count:
        indices = indices.fill_null(-1)
    codes = np.asarray(indices.to_numpy(), dtype=np.int32)
    table = np.empty(len(names) + 1, dtype=object)  # the last slot: missing
    table[: len(names)] = names
    return _fresh(table[codes]), (codes, names)


def _read_flags_via_arrow(
    nw: Any, series: Any, dtype: Any
) -> tuple[Column, tuple[npt.NDArray[np.int8], None]] | None:
    """Read a flag column (or an object column of flags) through Arrow.

    Returns the column (``bool``, or ``object`` True/False/None with missing
    values: the Arrow nulls, which include NaN and NA in pandas) and the codes
    1/0/-1; None when the column does not convert to Arrow booleans. An
    ``object`` column of nothing but missing values (Arrow's null type) is
    None in every row, as :func:`_read_series` reads it, with the codes -1:
    read as flags it is all missing.
    """
    if dtype not in (nw.Boolean, nw.Object):
        return None
    try:
        pa = importlib.import_module("pyarrow")  # optional, as narwhals' own
        pc = importlib.import_module("pyarrow.compute")

        arrow = series.to_arrow()
        if pa.types.is_null(arrow.type) and len(arrow):  # nothing but missing
            codes = np.full(len(arrow), -1, dtype=np.int8)
            return _fresh(np.full(len(arrow), None, dtype=object)), (codes, None)
        if not pa.types.is_boolean(arrow.type):
            return None
        nulls = arrow.null_count
        codes = np.asarray(
            pc.fill_null(pc.cast(arrow, pa.int8()), -1).to_numpy(), dtype=np.int8
        )
    except Exception:
        return None
    return _flags_from_codes(codes, missing=bool(nulls))


def _flags_from_codes(
    codes: npt.NDArray[np.int8], *, missing: bool
) -> tuple[Column, tuple[npt.NDArray[np.int8], None]]:
    """Return a flag column from its codes 1/0/-1 (*missing*: any -1)."""
    if not missing:
        return _fresh(codes.astype(np.bool_)), (codes, None)
    table = np.array([False, True, None], dtype=object)  # -1: the last slot
    return _fresh(table[codes]), (codes, None)


def _fresh(column: Column) -> Column:
    """Mark a column made here (no caller's data) read-only: not copied again."""
    column.setflags(write=False)
    return column


def _read_series(nw: Any, series: Any, field: str, dtype: Any) -> Column:
    """Convert one narwhals Series (of narwhals *dtype*) by the module's rules."""
    missing = np.asarray(series.is_null().to_numpy(), dtype=np.bool_)
    n = len(missing)
    if dtype.is_numeric():
        values = np.asarray(series.cast(nw.Float64).to_numpy(), dtype=np.float64)
        out = values.copy()
        out[missing] = np.nan
        return out
    if dtype == nw.Boolean:
        if not np.any(missing):
            return np.asarray(series.to_numpy(), dtype=np.bool_)
        raw = series.to_numpy()
        return np.array(
            [None if m else bool(x) for x, m in zip(raw, missing, strict=True)],
            dtype=object,
        )
    if dtype in (nw.String, nw.Categorical, nw.Enum):
        raw = (
            series.cast(nw.String).to_numpy()
            if dtype != nw.String
            else series.to_numpy()
        )
        text = np.array(raw, dtype=object)  # a copy
        text[missing] = None
        if not set(map(type, text)) <= {str, type(None)}:  # numpy str_ and the like
            text = np.array([None if x is None else str(x) for x in text], dtype=object)
        return text
    if dtype in (nw.Date, nw.Datetime):
        if getattr(dtype, "time_zone", None) is not None:
            series = series.dt.replace_time_zone(None)
        stamps = np.asarray(series.to_numpy())
        if stamps.dtype.kind != "M":  # date objects (pandas on Arrow): one by one
            stamps = stamps.astype(object)
            stamps[missing] = None
            return _as_column(field, stamps)
        stamps = stamps.astype("datetime64[D]") if dtype == nw.Date else stamps.copy()
        stamps[missing] = np.datetime64("NaT")
        return _datetimes(field, stamps)
    if dtype in (nw.Object, nw.Unknown):
        # Element by element, by the rules of Table (a dtype narwhals does not
        # know, such as pandas 3 ``str`` under an older narwhals, lands here).
        if bool(np.all(missing)):
            return np.full(n, None, dtype=object)
        raw = np.asarray(series.to_numpy())
        if raw.ndim == 1 and len(raw) == n and raw.dtype.kind in "OU":
            raw = raw.astype(object)
            raw[missing] = None
            return _as_column(field, raw)
        if raw.ndim == 1 and len(raw) == n and raw.dtype.kind in "fiu":
            return _as_column(field, np.where(missing, np.nan, raw.astype(np.float64)))
    raise InvalidValueError(
        field=field,
        value=f"a column of type {_native_dtype(series, dtype)}",
        expected="numbers, flags, text, dates or date-times",
    )


def _native_dtype(series: Any, dtype: object) -> str:
    """Name a column's type as its own library does (narwhals says 'Unknown')."""
    try:
        native = series.to_native()
        return str(getattr(native, "dtype", None) or getattr(native, "type", dtype))
    except Exception:  # only for a message
        return str(dtype)
