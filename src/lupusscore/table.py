"""A small immutable table: named, equally long, read-only numpy columns.

:class:`Table` is what lupusscore returns where a result is a table (the
ADaM-shaped ``adsl``/``adlb``/``adrs``/``adtte`` of a cohort analysis). It is
deliberately small: an ordered mapping of column name to a 1-d numpy array,
with CDISC-style column labels, a readable ``repr`` and conversions to pandas,
polars and Arrow (each imported only when asked for).

Column types
------------
Every column is one of:

========================  ================================================
dtype                     holds (missing)
========================  ================================================
``float64``               numbers (NaN)
``int64``                 whole numbers (no missing: give floats for that)
``bool``                  flags (no missing)
``datetime64[D]``         dates (NaT)
``datetime64[s]``         date-times, naive local time (NaT)
``object``                ``str`` or ``None``; or ``bool`` or ``None``
========================  ================================================

Input is normalised to these: other float widths become ``float64``, other
integer widths ``int64``, numpy ``str_`` arrays ``object`` arrays of ``str``;
a list mixing numbers and ``None`` becomes ``float64`` with NaN; a list of
``datetime.date`` (with ``None``) becomes ``datetime64[D]`` with NaT, of
``datetime.datetime`` becomes ``datetime64[s]``. Every missing marker (``None``,
NaN, ``pandas.NA``, ``NaT``) in a text or flag column becomes ``None``. A list
with no value at all is a text column of ``None`` (or ``float64`` if every
element is a float NaN).
Date-times must be naive (no time zone), within years 1 to 9999 and whole
seconds (round finer ones first): a value is never silently truncated.

Immutability
------------
A table cannot be changed: its attributes cannot be set, and each column is a
private copy marked read-only, so ``table["AVAL"][0] = 1.0`` raises numpy's
``ValueError: assignment destination is read-only``. :meth:`Table.select`,
:meth:`Table.filter` and :meth:`Table.sort_by` return new tables.

Examples
--------
>>> from lupusscore import Table
>>> t = Table(
...     {"USUBJID": ["01-701-1015", "01-701-1023"], "AVAL": [88.5, None]},
...     labels={"USUBJID": "Unique Subject Identifier"},
...     name="adlb",
... )
>>> t
Table 'adlb': 2 rows x 2 columns
   USUBJID      AVAL
0  01-701-1015  88.5
1  01-701-1023   NaN
>>> t.to_dicts()
[{'USUBJID': '01-701-1015', 'AVAL': 88.5}, {'USUBJID': '01-701-1023', 'AVAL': None}]
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import math
import numbers
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final, SupportsIndex

import numpy as np
import numpy.typing as npt

from lupusscore._checks import _shown, as_flags, is_missing_scalar
from lupusscore._display import Displayable, Grid, View
from lupusscore.errors import InvalidValueError, MissingExtraError

__all__ = ["Table"]

Column = npt.NDArray[Any]

#: Rows shown by ``repr``.
_REPR_ROWS: Final = 5
#: Longest cell shown by ``repr`` (longer text is cut with an ellipsis).
_REPR_CELL: Final = 24
#: Date-times must fall in these years (what ``datetime`` can hold).
_MIN_YEAR: Final = 1
_MAX_YEAR: Final = 9999
#: What a column may hold, for messages.
_EXPECTED: Final = (
    "a 1-d sequence or array of numbers, flags, dates, date-times or text "
    "(float64, int64, bool, datetime64[D]/[s], or str/None)"
)
#: numpy datetime units coarser than a day (converted to days, losslessly).
_COARSE_UNITS: Final = frozenset({"Y", "M", "W", "D"})


def _bad(
    *, field: str, value: object, expected: str, **where: Any
) -> InvalidValueError:
    return InvalidValueError(
        field=field, value=_shown(value), expected=expected, **where
    )


def _check_years(field: str, arr: Column) -> None:
    """Reject dates outside years 1-9999 (Python's date range).

    *arr* is ``datetime64[D]`` or ``datetime64[s]`` (what :func:`_datetimes`
    makes): it is compared with the first instant of year 1 and of year 10000
    in its own unit (no conversion of the column; NaT compares False).
    """
    first_day = np.datetime64(_MIN_YEAR - 1970, "Y").astype(arr.dtype)
    past_last = np.datetime64(_MAX_YEAR + 1 - 1970, "Y").astype(arr.dtype)
    bad = (arr < first_day) | (arr >= past_last)
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        raise _bad(
            field=field,
            value=arr[first],
            expected=f"dates within years {_MIN_YEAR}-{_MAX_YEAR}",
            index=first,
            count=int(np.count_nonzero(bad)),
        )


def _datetimes(field: str, arr: Column) -> Column:
    """Return a datetime64 array as ``[D]`` (day or coarser units) or ``[s]``."""
    unit, _ = np.datetime_data(arr.dtype)
    if unit in _COARSE_UNITS:
        out = arr.astype("datetime64[D]")
    else:
        out = arr.astype("datetime64[s]")
        if unit != "s":
            # Finer than a second: keep it only if nothing is cut off.
            back = out.astype(arr.dtype)
            lost = ~np.isnat(arr) & (back != arr)
            if np.any(lost):
                first = int(np.flatnonzero(lost)[0])
                raise _bad(
                    field=field,
                    value=arr[first],
                    expected="date-times in whole seconds (round them first, e.g. "
                    "pandas .dt.floor('s')): lupusscore keeps seconds",
                    index=first,
                    count=int(np.count_nonzero(lost)),
                )
    _check_years(field, out)
    return out


def _element_kind(item: object) -> str | None:
    """Return the kind of one element of an object column (None: unsupported)."""
    if is_missing_scalar(item):
        return "missing"
    if isinstance(item, str):
        return "text"
    if isinstance(item, bool | np.bool_):
        return "flag"
    if isinstance(item, numbers.Real | decimal.Decimal):
        return "number"
    if isinstance(item, dt.datetime):
        return "datetime"
    if isinstance(item, dt.date):
        return "date"
    if isinstance(item, np.datetime64):
        unit, _ = np.datetime_data(item.dtype)
        return "date" if unit in _COARSE_UNITS else "datetime"
    return None


def _ints(field: str, arr: Column) -> Column:
    """Return an object array of whole numbers as int64, or raise if one is too big."""
    info = np.iinfo(np.int64)
    values = [int(x) for x in arr]
    for i, x in enumerate(values):
        if not info.min <= x <= info.max:
            raise _bad(
                field=field, value=x, expected="whole numbers within int64", index=i
            )
    return np.array(values, dtype=np.int64)


def _object_column(field: str, arr: Column) -> Column:
    """Normalise an object array: one kind of element per column, plus missing."""
    types = set(map(type, arr))
    if types <= {str, type(None)}:  # text as a column of it already is: no loop
        return arr.copy()
    if types == {bool}:
        return arr.astype(np.bool_)
    if types <= {bool, type(None)}:
        return arr.copy()
    kinds = [_element_kind(item) for item in arr]
    bad = [i for i, kind in enumerate(kinds) if kind is None]
    if bad:
        raise _bad(
            field=field,
            value=arr[bad[0]],
            expected=_EXPECTED,
            index=bad[0],
            count=len(bad),
        )
    present = sorted({str(k) for k in kinds if k != "missing"})
    if len(present) > 1:
        first = next(i for i, k in enumerate(kinds) if k == present[1])
        raise _bad(
            field=field,
            value=arr[first],
            expected=f"one kind of value per column (found {' and '.join(present)})",
            index=first,
            count=sum(1 for k in kinds if k == present[1]),
        )
    missing = np.array([k == "missing" for k in kinds], dtype=np.bool_)
    if not present and arr.size and types <= {float, np.float64, np.float32}:
        return np.full(arr.shape, np.nan)  # all NaN: a number column, all missing
    kind = present[0] if present else "text"
    if kind == "text":
        return np.array(
            [None if m else str(x) for x, m in zip(arr, missing, strict=True)],
            dtype=object,
        )
    if kind == "flag":
        if not np.any(missing):
            return np.array([bool(x) for x in arr], dtype=np.bool_)
        return np.array(
            [None if m else bool(x) for x, m in zip(arr, missing, strict=True)],
            dtype=object,
        )
    if kind == "number":
        whole = (int, np.integer)
        if not np.any(missing) and all(isinstance(x, whole) for x in arr):
            return _ints(field, arr)
        out = np.full(arr.shape, np.nan, dtype=np.float64)
        for i, (x, m) in enumerate(zip(arr, missing, strict=True)):
            if not m:
                try:
                    out[i] = float(x)
                except (OverflowError, TypeError, ValueError):
                    raise _bad(
                        field=field,
                        value=x,
                        expected="numbers within float range",
                        index=i,
                    ) from None
        return out
    if kind == "datetime":
        for i, (x, m) in enumerate(zip(arr, missing, strict=True)):
            if not m and isinstance(x, dt.datetime) and x.tzinfo is not None:
                raise _bad(
                    field=field,
                    value=x,
                    expected="naive date-times (local time, no time zone)",
                    index=i,
                )
    # Dates to days; date-times in the finest unit given, so nothing is cut.
    dtype = "datetime64[D]" if kind == "date" else "datetime64"
    values = [None if m else x for x, m in zip(arr, missing, strict=True)]
    try:
        stamps = np.array(
            [np.datetime64("NaT") if v is None else np.datetime64(v) for v in values],
            dtype=dtype,
        )
    except (OverflowError, TypeError, ValueError):
        raise _bad(
            field=field, value=arr, expected="dates or date-times numpy can hold"
        ) from None
    return _datetimes(field, stamps)


def _as_column(field: str, values: object) -> Column:
    """Return *values* as a fresh 1-d column of one of the supported dtypes."""
    try:
        seq = isinstance(values, list | tuple)
        raw = np.array(values, dtype=object) if seq else np.array(values)
    except Exception:  # ragged lists, hostile __array__: not a column
        raise _bad(field=field, value=values, expected=_EXPECTED) from None
    if raw.ndim != 1:
        raise _bad(
            field=field, value=values, expected=f"{_EXPECTED}; got {raw.ndim}-d data"
        )
    kind = raw.dtype.kind
    if kind == "f":
        return raw.astype(np.float64)
    if kind in "iu":
        if kind == "u" and raw.size and int(raw.max()) > np.iinfo(np.int64).max:
            first = int(np.argmax(raw > np.iinfo(np.int64).max))
            raise _bad(
                field=field,
                value=raw[first],
                expected="whole numbers within int64",
                index=first,
            )
        return raw.astype(np.int64)
    if kind == "b":
        return raw.astype(np.bool_)
    if kind == "M":
        return _datetimes(field, raw)
    if kind == "U":
        return np.array([str(x) for x in raw], dtype=object)
    if kind == "O":
        return _object_column(field, raw)
    raise _bad(
        field=field, value=values, expected=f"{_EXPECTED}; got dtype {raw.dtype}"
    )


def _object_kind(arr: Column) -> str:
    """``"flag"`` for an object column of bools/None, else ``"text"``."""
    for x in arr:  # one kind per column: the first present value tells
        if x is not None:
            return "flag" if isinstance(x, bool) else "text"
    return "text"


def _plain(arr: Column) -> list[Any]:
    """Return a column as plain Python values; every missing value is None."""
    if arr.dtype.kind == "f":
        return [None if math.isnan(x) else x for x in arr.tolist()]
    # tolist turns NaT into None, [D] into date and [s] into datetime.
    return list(arr.tolist())


def _cell(value: Any) -> str:
    """One cell of the text repr."""
    if value is None:
        return "None"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        text = f"{value:.6g}"
        return text if any(c in text for c in ".ein") else f"{text}.0"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    text = str(value)
    if len(text) > _REPR_CELL:
        text = text[: _REPR_CELL - 3] + "..."
    return text


def _display(arr: Column) -> list[str]:
    """Cells of the repr for a (short) column; missing shown as NaN/NaT/None."""
    if arr.dtype.kind == "M":
        return ["NaT" if v is None else _cell(v) for v in arr.tolist()]
    return [_cell(v) for v in arr.tolist()]


def _require(package: str, feature: str) -> Any:
    """Import an optional package, or raise MissingExtraError naming it."""
    try:
        return importlib.import_module(package)
    except ImportError:
        raise MissingExtraError(package=package, feature=feature) from None


class Table(Displayable):
    """An immutable, ordered table of named, equally long numpy columns.

    Parameters
    ----------
    columns : Mapping of str to array-like, or Table
        Column name to values, in order. Values are normalised to one of the
        column types of :mod:`lupusscore.table` and stored as read-only copies.
    labels : Mapping of str to str, optional
        CDISC-style labels of some columns (``{"USUBJID": "Unique Subject
        Identifier"}``), passed on to pandas (``DataFrame.attrs["labels"]``) and
        Arrow (field metadata ``b"label"``); polars has no place for them. A
        Table given as *columns* keeps its labels unless others are given.
    name : str, optional
        The table's name (``"adsl"``), shown by ``repr``.

    Raises
    ------
    InvalidValueError
        A name that is not a non-empty string, a column that is not 1-d, of
        an unsupported type, or of a different length than the first column,
        or a label for a column the table does not have.

    Notes
    -----
    Equality compares column names (in order), dtypes and values, with NaN
    equal to NaN and NaT to NaT; labels and the table name are metadata and
    are not compared. Tables are not hashable.
    """

    __slots__ = ("_columns", "_labels", "_name", "_nrows")
    __hash__ = None  # type: ignore[assignment]

    _columns: Mapping[str, Column]
    _labels: Mapping[str, str]
    _name: str | None
    _nrows: int

    def __init__(
        self,
        columns: Mapping[str, object] | Table,
        *,
        labels: Mapping[str, str] | None = None,
        name: str | None = None,
    ) -> None:
        if isinstance(columns, Table):
            if labels is None:
                labels = columns.labels
            columns = columns._columns
        if not isinstance(columns, Mapping):
            raise _bad(
                field="columns",
                value=columns,
                expected="a mapping of column name to a 1-d sequence or array",
            )
        if name is not None and not isinstance(name, str):
            raise _bad(field="name", value=name, expected="a string or None")
        stored: dict[str, Column] = {}
        nrows: int | None = None
        first = ""
        for key, values in columns.items():
            if not isinstance(key, str) or not key:
                raise _bad(
                    field="columns",
                    value=key,
                    expected="column names that are non-empty strings",
                )
            arr = _as_column(f"columns[{key!r}]", values)
            if nrows is None:
                nrows, first = len(arr), key
            elif len(arr) != nrows:
                raise InvalidValueError(
                    field=f"columns[{key!r}]",
                    value=f"{len(arr)} rows",
                    expected=f"{nrows} rows, the length of column {first!r}",
                )
            arr.setflags(write=False)
            stored[key] = arr
        kept: dict[str, str] = {}
        if labels is not None:
            if not isinstance(labels, Mapping):
                raise _bad(
                    field="labels",
                    value=labels,
                    expected="a mapping of column name to label",
                )
            for key, label in labels.items():
                if not isinstance(key, str) or key not in stored:
                    raise _bad(
                        field="labels",
                        value=key,
                        expected="labels only for the table's columns: "
                        + (", ".join(stored) or "(none)"),
                    )
                if not isinstance(label, str):
                    raise _bad(
                        field=f"labels[{key!r}]", value=label, expected="a string"
                    )
                kept[key] = label
        set_ = object.__setattr__
        set_(self, "_columns", MappingProxyType(stored))
        set_(self, "_labels", MappingProxyType(kept))
        set_(self, "_name", name)
        set_(self, "_nrows", nrows or 0)

    # ------------------------------------------------------------ immutability

    def __setattr__(self, key: str, value: object) -> None:
        msg = f"Table is immutable: cannot set {key!r}; build a new Table instead"
        raise AttributeError(msg)

    def __delattr__(self, key: str) -> None:
        msg = f"Table is immutable: cannot delete {key!r}"
        raise AttributeError(msg)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (dict(self._columns), dict(self._labels), self._name))

    def __copy__(self) -> Table:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Table:
        return self

    # ------------------------------------------------------------ mapping view

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(self._columns)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)``."""
        return (self._nrows, len(self._columns))

    @property
    def labels(self) -> Mapping[str, str]:
        """Column labels (a read-only mapping; only labelled columns appear)."""
        return self._labels

    @property
    def name(self) -> str | None:
        """The table's name, or None."""
        return self._name

    def __len__(self) -> int:
        return self._nrows

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._columns

    def __getitem__(self, key: str) -> Column:
        """Return the read-only array of column *key*."""
        if not isinstance(key, str) or key not in self._columns:
            raise _bad(
                field="column",
                value=key,
                expected="one of the table's columns: "
                + (", ".join(self._columns) or "(none)"),
            )
        return self._columns[key]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        if self.columns != other.columns or len(self) != len(other):
            return False
        return all(_same(self._columns[k], other._columns[k]) for k in self._columns)

    # ------------------------------------------------------------ rows

    def row(self, i: SupportsIndex) -> dict[str, Any]:
        """Return row *i* (negative counts from the end) as plain Python values.

        Raises
        ------
        InvalidValueError
            If *i* is not a whole number or is out of range.
        """
        n = self._nrows
        index = _row_index(i)
        if index is None or not -n <= index < n:
            raise _bad(
                field="i",
                value=i,
                expected=f"a row index in [{-n}, {n})" if n else "a row (empty)",
            )
        if index < 0:
            index += n
        return {k: _plain(v[index : index + 1])[0] for k, v in self.items()}

    def items(self) -> Iterator[tuple[str, Column]]:
        """Iterate over ``(name, column)`` pairs."""
        return iter(self._columns.items())

    def to_dicts(self) -> list[dict[str, Any]]:
        """Return the rows as dicts of plain Python values.

        Floats are ``float`` (NaN becomes ``None``), integers ``int``, flags
        ``bool``, ``datetime64[D]`` becomes :class:`datetime.date` and
        ``datetime64[s]`` :class:`datetime.datetime` (NaT becomes ``None``).
        """
        names = self.columns
        if not names:
            return []
        plain = [_plain(self._columns[k]) for k in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*plain, strict=True)]

    # ------------------------------------------------------------ new tables

    def _derive(
        self, columns: Mapping[str, Column], labels: Mapping[str, str]
    ) -> Table:
        """Return a table of *columns*: this table's own, or fresh ones cut from them.

        They are normalised already, so the checks of ``__init__`` are skipped.
        """
        new = object.__new__(Table)
        stored = dict(columns)
        for arr in stored.values():
            arr.setflags(write=False)
        set_ = object.__setattr__
        set_(new, "_columns", MappingProxyType(stored))
        set_(new, "_labels", MappingProxyType(dict(labels)))
        set_(new, "_name", self._name)
        nrows = len(next(iter(stored.values()))) if stored else 0
        set_(new, "_nrows", nrows)
        return new

    def select(self, names: str | Iterable[str]) -> Table:
        """Return a table of the columns *names*, in that order (labels kept).

        Raises
        ------
        InvalidValueError
            For an unknown or repeated name.
        """
        wanted = [names] if isinstance(names, str) else _names("names", names)
        seen: set[str] = set()
        for key in wanted:
            self[key]  # unknown -> InvalidValueError listing the columns
            if key in seen:
                raise _bad(
                    field="names", value=key, expected="each column at most once"
                )
            seen.add(key)
        return self._derive(
            {k: self._columns[k] for k in wanted},
            {k: v for k, v in self._labels.items() if k in seen},
        )

    def filter(self, mask: object) -> Table:
        """Return the rows where the boolean *mask* is True.

        Raises
        ------
        InvalidValueError
            If *mask* is not a 1-d array of booleans as long as the table.
        """
        flags = as_flags("mask", mask)
        if flags.ndim != 1 or len(flags) != self._nrows:
            raise _bad(
                field="mask",
                value=mask,
                expected=f"a 1-d array of {self._nrows} booleans (one per row); "
                f"got shape {flags.shape}",
            )
        return self._derive(
            {k: v[flags] for k, v in self._columns.items()}, self._labels
        )

    def sort_by(self, names: str | Iterable[str]) -> Table:
        """Return the rows sorted by the columns *names* (ascending, stable).

        The first name is the primary key. Missing values (NaN, NaT, None)
        sort last within each key; text sorts by code point.

        Raises
        ------
        InvalidValueError
            For an unknown name, or no name at all.
        """
        keys_of = [names] if isinstance(names, str) else _names("names", names)
        if not keys_of:
            raise _bad(field="names", value=names, expected="at least one column name")
        keys: list[npt.NDArray[Any]] = []
        for key in reversed(keys_of):  # np.lexsort: the last key is primary
            value, missing = _sort_key(self[key])
            keys.extend((value, missing))
        order = np.lexsort(keys) if self._nrows else np.arange(0)
        return self._derive(
            {k: v[order] for k, v in self._columns.items()}, self._labels
        )

    # ------------------------------------------------------------ conversions

    def to_pandas(self) -> Any:
        """Return a ``pandas.DataFrame`` (labels in ``df.attrs["labels"]``).

        Floats stay ``float64`` with NaN, text columns ``object`` with None,
        dates become ``datetime64[s]`` (pandas has no date dtype).

        Raises
        ------
        MissingExtraError
            If pandas is not installed.
        """
        pd = _require("pandas", "Table.to_pandas")
        data: dict[str, Any] = {}
        for key, arr in self.items():
            if arr.dtype.kind == "O":
                data[key] = pd.Series(list(arr), dtype=object)
            elif arr.dtype == np.dtype("datetime64[D]"):
                data[key] = pd.Series(arr.astype("datetime64[s]"))
            else:
                data[key] = pd.Series(arr.copy())
        frame = pd.DataFrame(data, columns=list(self.columns))
        frame.index = pd.RangeIndex(self._nrows)
        if self._labels:
            frame.attrs["labels"] = dict(self._labels)
        if self._name is not None:
            frame.attrs["name"] = self._name
        return frame

    def to_polars(self) -> Any:
        """Return a ``polars.DataFrame``.

        Floats stay ``Float64`` with NaN (not null), text is ``String`` with
        null, object flags ``Boolean`` with null, dates ``Date``, date-times
        ``Datetime``. polars has no column labels: they are not carried over.

        Raises
        ------
        MissingExtraError
            If polars is not installed.
        """
        pl = _require("polars", "Table.to_polars")
        series = []
        for key, arr in self.items():
            if arr.dtype.kind == "O":
                dtype = pl.Boolean if _object_kind(arr) == "flag" else pl.String
                series.append(pl.Series(key, list(arr), dtype=dtype))
            elif arr.dtype.kind == "M":
                dtype = pl.Date if arr.dtype == np.dtype("datetime64[D]") else None
                values = arr.astype("datetime64[D]" if dtype else "datetime64[ms]")
                series.append(pl.Series(key, values, dtype=dtype))
            elif arr.dtype.kind == "f":
                series.append(pl.Series(key, arr.copy(), nan_to_null=False))
            else:
                series.append(pl.Series(key, arr.copy()))
        return pl.DataFrame(series)

    def to_arrow(self) -> Any:
        """Return a ``pyarrow.Table`` (labels as field metadata ``b"label"``).

        Floats stay ``double`` with NaN (not null), text is ``string`` with
        null, dates ``date32``, date-times ``timestamp[s]``. The table name,
        if any, is schema metadata ``b"name"``.

        Raises
        ------
        MissingExtraError
            If pyarrow is not installed.
        """
        pa = _require("pyarrow", "Table.to_arrow")
        arrays = []
        fields = []
        for key, arr in self.items():
            if arr.dtype.kind == "O":
                kind = _object_kind(arr)
                typ = pa.bool_() if kind == "flag" else pa.string()
                array = pa.array(list(arr), type=typ)
            elif arr.dtype.kind == "M":
                day = arr.dtype == np.dtype("datetime64[D]")
                typ = pa.date32() if day else pa.timestamp("s")
                array = pa.array(arr, type=typ, mask=np.isnat(arr))
            else:
                array = pa.array(arr)
                typ = array.type
            label = self._labels.get(key)
            meta = {b"label": label.encode("utf-8")} if label is not None else None
            arrays.append(array)
            fields.append(pa.field(key, typ, metadata=meta))
        schema_meta = (
            {b"name": self._name.encode("utf-8")} if self._name is not None else None
        )
        schema = pa.schema(fields, metadata=schema_meta)
        return pa.Table.from_arrays(arrays, schema=schema)

    # ------------------------------------------------------------ display

    def _header(self) -> str:
        title = f"Table {self._name!r}" if self._name is not None else "Table"
        return f"{title}: {self._nrows} rows x {len(self._columns)} columns"

    def __repr__(self) -> str:
        head = self._header()
        if not self._columns or not self._nrows:
            names = ", ".join(self._columns)
            return f"{head}" + (f"\ncolumns: {names}" if names else "")
        shown = min(self._nrows, _REPR_ROWS)
        index = [str(i) for i in range(shown)]
        blocks = [["", *index]]
        aligns = ["<"]
        for key, arr in self.items():
            cells = _display(arr[:shown])
            blocks.append([_cell(key), *cells])
            aligns.append(">" if arr.dtype.kind in "fiub" else "<")
        widths = [max(len(c) for c in block) for block in blocks]
        lines = []
        for r in range(shown + 1):
            parts = [
                f"{block[r]:{align}{width}}"
                for block, align, width in zip(blocks, aligns, widths, strict=True)
            ]
            lines.append("  ".join(parts).rstrip())
        more = self._nrows - shown
        if more:
            lines.append(f"... {more} more row{'s' if more != 1 else ''}")
        return "\n".join([head, *lines])

    def _display_view(self) -> View:
        """Show the first rows (text escaped by the renderer) and the labels."""
        shown = min(self._nrows, _REPR_ROWS)
        cells = [_display(v[:shown]) for v in self._columns.values()]
        rows = tuple((str(r), *(column[r] for column in cells)) for r in range(shown))
        grid = Grid(
            header=("row", *self._columns),
            rows=rows,
            more=self._nrows - shown,
        )
        notes = tuple(f"{k}: {label}" for k, label in self._labels.items() if label)
        return View(title=self._header(), grid=grid, notes=notes)


def _rebuild(
    columns: dict[str, Column], labels: dict[str, str], name: str | None
) -> Table:
    return Table(columns, labels=labels, name=name)


def _names(field: str, names: object) -> list[str]:
    """Return an iterable of column names as a list, or raise."""
    try:
        out: list[object] = list(names)  # type: ignore[call-overload]
    except Exception:
        raise _bad(
            field=field, value=names, expected="a column name or an iterable of them"
        ) from None
    for key in out:
        if not isinstance(key, str):
            raise _bad(field=field, value=key, expected="column names (strings)")
    return [str(key) for key in out]


def _row_index(i: object) -> int | None:
    """Return a whole-number row index as an int (None for anything else)."""
    if isinstance(i, bool | np.bool_) or not isinstance(i, numbers.Integral):
        return None
    return int(i)


def _same(a: Column, b: Column) -> bool:
    """Column equality: same dtype and values; NaN == NaN, NaT == NaT."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    if a.dtype.kind == "M":
        return bool(np.array_equal(a.view(np.int64), b.view(np.int64)))
    if a.dtype.kind == "O":
        # Elements are str, bool or None: == never equates two kinds.
        return bool(np.all(a == b))
    return bool(np.array_equal(a, b))


def _sort_key(arr: Column) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """Return ``(value key, missing flag)`` for :func:`numpy.lexsort`."""
    kind = arr.dtype.kind
    if kind == "f":
        missing = np.isnan(arr)
        return np.where(missing, 0.0, arr), missing
    if kind == "M":
        missing = np.isnat(arr)
        return np.where(missing, 0, arr.view(np.int64)), missing
    if kind == "O":
        missing = np.asarray(arr == None, dtype=np.bool_)  # noqa: E711 - elementwise
        codes = np.full(arr.shape, -1, dtype=np.int64)
        present = arr[~missing]
        if present.size:
            # Fixed-width unicode sorts by code point in C, as str does, but
            # drops trailing NULs: keep the (slower) object sort for those.
            text = _object_kind(present) == "text"
            if text and not any(x.endswith("\x00") for x in present):
                present = present.astype(str)
            _, rank = np.unique(present, return_inverse=True)
            codes[~missing] = rank.reshape(-1)
        return codes, missing
    return arr, np.zeros(arr.shape, dtype=np.bool_)
