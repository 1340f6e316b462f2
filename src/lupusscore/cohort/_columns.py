"""Build a :class:`~lupusscore.cohort.Cohort` from tables given as columns.

:func:`cohort_from_columns` reads up to four tables, each a mapping of column
name to a 1-d numpy array (what :func:`lupusscore._frames.read_columns` makes
of a pandas, polars or Arrow table), checks every row **vectorised over whole
columns** with the rules the models apply one record at a time
(:class:`~lupusscore.Patient`, :class:`~lupusscore.LabResult`,
:class:`~lupusscore.Visit`, :class:`~lupusscore.Participant`,
:class:`~lupusscore.Event`, :class:`~lupusscore.Trial`), and lays the result
out exactly as :meth:`Cohort.from_trial` lays out the same data as a
:class:`~lupusscore.Trial`.

Every bad row of every table is found in one pass and reported together in one
:class:`~lupusscore.errors.TableError` (``.problems`` lists each with its
table, input row index, participant id, column, value and what was expected);
nothing is built when any row is bad. A wrong *argument* (a table that is not a
mapping of 1-d arrays, a required column missing, columns of different lengths,
an unknown option) is an :class:`~lupusscore.errors.InvalidValueError` at once.

Tables and columns
------------------
Default column names follow SDTM where it has one; ``columns={default: yours}``
renames (one mapping for all tables).

- **participants** (one row each): ``USUBJID``, ``SEX``, ``BRTHDTC``,
  ``RFSTDTC`` (day 0); optional ``ARM``, ``HEIGHT_CM``, ``BLACK``, and the
  stratification factor columns named by ``stratification=`` (text; missing
  = not recorded for that participant).
- **labs** (one row per result): ``USUBJID``, ``LBTESTCD``, ``LBORRES``,
  ``LBORRESU``, ``LBDTC``; optional ``LBSTNRLO``/``LBSTNRHI`` (reference
  range), ``LBSTRESU`` (the reference range's unit), ``LBSPEC`` (specimen),
  ``LBMETHOD`` (assay), ``VISIT`` (visit label).
- **visits** (optional): ``USUBJID``, ``SVSTDTC``; optional ``VISIT``,
  ``UNSCHEDULED``, ``GLUCOCORTICOID_MG_DAY``, ``RESCUE_THERAPY``, ``PGA`` and
  the SLEDAI-2K descriptor names
  (:data:`~lupusscore.descriptors.SLEDAI_2K_DESCRIPTOR_NAMES`).
- **events** (optional): ``USUBJID``, ``DSDECOD`` (an
  :class:`~lupusscore.EventType` value, case-insensitive), ``DSSTDTC``;
  optional ``DSTERM`` (free text, kept as the event's note).

Rules
-----
- **Dates** are ``datetime64`` columns (NaT missing) or ISO 8601 strings
  (``"2014-01-02"``, SDTM ``"2014-01-02T10:30"``), parsed vectorised after a
  regular-expression check of the distinct strings. Partial dates (``"2014-01"``,
  ``"2014"``) and impossible ones (``"2014-02-30"``) are bad rows. A time zone
  suffix (``Z``, ``+01:00``) is accepted and dropped: the date and time are
  kept as written, as the models do. Every date lies in 1900-01-01 ..
  2199-12-31; lab dates, visit dates, day 0 and event dates are not before the
  birth date. Lab rows keep their time of day; the other dates keep the day.
- **Lab values** are numbers or numeric strings (``"1.5"``, ``"1e3"``). A
  missing value (NaN, None, an empty string) is *missing, not an error*: the
  row is left out and counted in ``Cohort.notes``. A non-numeric string
  (``"<5"``, ``"POS"``), a boolean, infinity, a negative value (except body
  temperature) or a value implausible for its analyte and unit (the ranges of
  :mod:`lupusscore.analytes`, as :func:`lupusscore.units.to_canonical` applies
  them) is a bad row.
- **Test codes**: ``LBTESTCD`` is looked up in ``analytes={code: analyte}``,
  else taken as a lupusscore analyte name (case-insensitive, ``"C3"`` is
  ``c3``). Rows whose code names no analyte are not used (counted in
  ``Cohort.notes``); a missing code is a bad row.
- **Units** are resolved once per distinct (unit, analyte) pair with
  :func:`lupusscore.units.resolve_unit` (a unit it rejects makes every row of
  the pair bad), then converted with one multiply over the pair's rows. A value
  without a unit is a bad row (units are never guessed).
- **Reference ranges** (``LBSTNRLO``/``LBSTNRHI``; numbers or numeric strings,
  >= 0, low <= high) are in the result's unit, as in
  :class:`~lupusscore.LabResult` -- unless the labs table has a ``LBSTRESU``
  column, in which case the range is read in that unit (SDTM's LBSTNRLO/HI are
  in the standard unit LBSTRESU) and converted to the result's unit; a range
  without its LBSTRESU unit is then a bad row.
- **Specimen** is a :class:`~lupusscore.Specimen` value (case-insensitive) or
  missing. **Sex** is ``F``/``M``/``female``/``male`` (case-insensitive).
  ``HEIGHT_CM`` is 30-250; ``GLUCOCORTICOID_MG_DAY`` 0-2000; ``PGA`` 0-3; flags
  are True/False (or 1/0), None where a flag may be unrecorded.
- **Participants**: ids are unique (every row of a repeated id is bad);
  ``RFSTDTC`` is required (a trial's participant has a day 0). The ``ARM``
  column is optional; when present every participant needs an arm, and with
  ``arms=`` given it must be one of them. A participant id in labs, visits or
  events that is not in the participants table is a bad row.
- **Duplicates**: identical lab rows collapse to one; two rows for the same
  (participant, visit, analyte, date-time, specimen) that differ in value,
  unit, reference range or assay are both bad (the models'
  ``DuplicateResultError``). Identical visit rows of one participant on one
  date collapse; different ones are all bad (``DuplicateVisitError``).
- **Labs to visits**: with a ``visits`` table, a lab with a ``VISIT`` label
  (when both tables have that column) goes to the participant's visit of that
  label (of that label and the lab's date, if the label is repeated); a lab
  without a label goes to the participant's visit on the lab's date. A lab that
  finds no visit is a bad row. A lab more than
  :data:`~lupusscore.models.LAB_VISIT_MAX_GAP_DAYS` days from its visit is
  kept, with one :class:`~lupusscore.errors.LabDateWarning`. Without a
  ``visits`` table, each distinct (participant, lab date) is a visit, labelled
  with the labs' ``VISIT`` when all its labs carry the same label (else no
  label).
- **Unscheduled visits**: without an ``UNSCHEDULED`` column a visit is
  unscheduled when its label starts with ``"UNSCHEDULED"`` (case-insensitive;
  the CDISC convention for unplanned visit labels).
- **Events**: an unknown type is a bad row; as in
  :class:`~lupusscore.Participant`, nothing but the first death may be dated on
  or after a death, and no visit after it.
- **Trial options**: ``schedule`` timepoints (:class:`~lupusscore.Timepoint`
  or dicts) in increasing day order with distinct labels and windows that do
  not overlap; ``arms`` distinct; ``baseline_window_days`` a whole number >= 0.

The result does not depend on the order of the input rows.
``Cohort.lab_source_row`` holds each lab's row index in the input labs table.

Cost
----
Each text column is factorized once (its distinct values checked once, rows
carried as integer codes through every later step; a data frame's text
columns arrive already coded from Arrow), so no rule visits a cell in Python.
The arrays built here are handed to the :class:`Cohort` without a copy.
"""

from __future__ import annotations

import datetime as dt
import numbers
import operator
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from lupusscore._arrays import lexsort_stable
from lupusscore._checks import as_count, as_flag, describe
from lupusscore.analytes import Analyte, analyte_spec
from lupusscore.cohort._cohort import ANALYTE_CODES, Cohort, adopt_cohort
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import (
    InvalidValueError,
    LabDateWarning,
    RowProblem,
    TableError,
    UnitError,
    UnknownAnalyteError,
)
from lupusscore.models import (
    _HEIGHT_CM,
    _ISO_DATE_RE,
    _MAX_GC_MG_DAY,
    DEFAULT_BASELINE_WINDOW_DAYS,
    EARLIEST_DATE,
    LAB_VISIT_MAX_GAP_DAYS,
    LATEST_DATE,
    PGA_MAX,
    SPECIMEN_PREFERENCE,
    EventType,
    FrozenMap,
    Specimen,
    Timepoint,
)
from lupusscore.units import resolve_unit

__all__ = ["DEFAULT_COLUMNS", "cohort_from_columns"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]
Stamps = npt.NDArray[np.datetime64]
#: Columns already coded (:data:`lupusscore._frames.Factors`): text as
#: (codes, distinct strings), flags as (1/0/-1, None).
Factors = Mapping[str, tuple[npt.NDArray[Any], list[str] | None]]

#: Default column names per table (SDTM names where SDTM has one).
DEFAULT_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "participants": (
        "USUBJID",
        "SEX",
        "BRTHDTC",
        "RFSTDTC",
        "ARM",
        "HEIGHT_CM",
        "BLACK",
    ),
    "labs": (
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
    ),
    "visits": (
        "USUBJID",
        "SVSTDTC",
        "VISIT",
        "UNSCHEDULED",
        "GLUCOCORTICOID_MG_DAY",
        "RESCUE_THERAPY",
        "PGA",
        *SLEDAI_2K_DESCRIPTOR_NAMES,
    ),
    "events": ("USUBJID", "DSDECOD", "DSSTDTC", "DSTERM"),
}
_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "participants": ("USUBJID", "SEX", "BRTHDTC", "RFSTDTC"),
    "labs": ("USUBJID", "LBTESTCD", "LBORRES", "LBORRESU", "LBDTC"),
    "visits": ("USUBJID", "SVSTDTC"),
    "events": ("USUBJID", "DSDECOD", "DSSTDTC"),
}

_NUMERIC_STRING: Final = re.compile(
    r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
)
_TZ_SUFFIX: Final = re.compile(r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)$")
_DATE_ONLY: Final = 10
_SEX: Final = {"f": "female", "female": "female", "m": "male", "male": "male"}
_SPECIMENS: Final = {s.value: s for s in Specimen}
_SPECIMEN_CODE: Final = {s: i for i, s in enumerate(SPECIMEN_PREFERENCE)}
_EVENT_TYPES: Final = {e.value: e.value for e in EventType}
_ANALYTE_CODE: Final = {a: i for i, a in enumerate(ANALYTE_CODES)}
_EPOCH_SHIFT: Final = 100_000  # days; makes any 1900-2199 day positive
_DAY_SPAN: Final = 400_000
_SECONDS_PER_DAY: Final = 86_400
_MAX_NOTED_CODES: Final = 10
_MISSING_TYPES: Final = frozenset({"NoneType", "NAType", "NaTType"})
_DATE_EXPECTED: Final = (
    "a real calendar date as YYYY-MM-DD or an ISO 8601 datetime "
    f"(YYYY-MM-DDThh:mm[:ss]) between {EARLIEST_DATE} and {LATEST_DATE}"
)


# --- problems -------------------------------------------------------------------


@dataclass
class _Problems:
    """Collects bad rows (vectorised: one call per column and rule)."""

    found: list[RowProblem] = field(default_factory=list)

    def add(  # noqa: PLR0917 - one argument per RowProblem field
        self,
        table: _Table,
        mask: Bools,
        column: str,
        values: npt.NDArray[Any] | None,
        expected: str,
        rows: Ints | None = None,
        participants: Objects | None = None,
    ) -> None:
        """Record every row where *mask* is True (positions into *rows*)."""
        where = np.flatnonzero(mask)
        if where.size == 0:
            return
        source = table.rows if rows is None else rows
        people = table.ids if participants is None else participants
        shown = table.name_of(column)
        for i in where.tolist():
            value = None if values is None else _plain(values[i])
            pid = None if people is None else people[i]
            self.found.append(
                RowProblem(
                    table=table.name,
                    row=int(source[i]),
                    participant=pid if isinstance(pid, str) else None,
                    column=shown,
                    value=value,
                    expected=expected,
                )
            )

    def option(
        self, table: str, row: int | None, column: str, value: object, expected: str
    ) -> None:
        """Record a problem of a trial-level option."""
        self.found.append(RowProblem(table, row, None, column, value, expected))

    def raise_if_any(self) -> None:
        """Raise one TableError with everything found, in a stable order."""
        if self.found:
            order = {
                "schedule": 0,
                "arms": 1,
                "participants": 2,
                "visits": 3,
                "labs": 4,
                "events": 5,
            }
            ranked = sorted(
                self.found,
                key=lambda p: (
                    order.get(p.table, 9),
                    p.row if p.row is not None else -1,
                    p.column,
                    p.expected,
                ),
            )
            raise TableError(problems=ranked)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return str(value)
        return value.item()
    if value is None or isinstance(value, bool | int | float | str):
        text = describe(value)
        return value if len(text) < 80 else text  # noqa: PLR2004
    return describe(value)


# --- tables -------------------------------------------------------------------


@dataclass
class _Table:
    """One input table, subset to the rows still in play."""

    name: str
    columns: dict[str, npt.NDArray[Any]]
    names: Mapping[str, str]
    rows: Ints
    ids: Objects | None = None
    id_flags: tuple[Bools, Bools] | None = None  # (missing, bad) of USUBJID
    texts: dict[str, _Text] = field(default_factory=dict)  # factorized once
    flags: dict[str, npt.NDArray[np.int8]] = field(default_factory=dict)  # 1/0/-1

    def tristate(self, column: str) -> tuple[npt.NDArray[np.int8], Bools, Bools]:
        """Return the column as flags: (codes 1/0/-1, missing, bad); see _tristate."""
        codes = self.flags.get(column)
        if codes is None:
            return _tristate(self.columns[column])
        missing = codes < 0
        return codes, missing, np.zeros(len(codes), dtype=bool)

    def text(self, column: str) -> _Text:
        """Return the column as text, factorized once (see _factorize)."""
        got = self.texts.get(column)
        if got is None:
            got = self.texts[column] = _factorize(self.columns[column])
        return got

    def __contains__(self, column: str) -> bool:
        return column in self.columns

    def __getitem__(self, column: str) -> npt.NDArray[Any]:
        return self.columns[column]

    def name_of(self, column: str) -> str:
        return self.names.get(column, column)

    def take(self, keep: Bools | Ints) -> _Table:
        return _Table(
            self.name,
            {k: v[keep] for k, v in self.columns.items()},
            self.names,
            self.rows[keep],
            None if self.ids is None else self.ids[keep],
            None
            if self.id_flags is None
            else (self.id_flags[0][keep], self.id_flags[1][keep]),
            {k: v.take(keep) for k, v in self.texts.items()},
            {k: v[keep] for k, v in self.flags.items()},
        )

    def __len__(self) -> int:
        return len(self.rows)


def _column_names(columns: object) -> dict[str, str]:
    if columns is None:
        return {}
    known = {c for cols in DEFAULT_COLUMNS.values() for c in cols}
    if not isinstance(columns, Mapping):
        raise InvalidValueError(
            field="columns",
            value=describe(columns),
            expected="a mapping of default column names to yours",
        )
    out: dict[str, str] = {}
    for key, value in columns.items():
        if not (isinstance(key, str) and key in known and isinstance(value, str)):
            raise InvalidValueError(
                field="columns",
                value=describe({key: value}),
                expected="default column names ("
                + ", ".join(sorted(known))
                + ") mapped to column names (str)",
            )
        out[key] = value
    return out


def _read_table(
    table: str,
    data: object,
    names: Mapping[str, str],
    factors: Factors | None = None,
) -> _Table:
    """Check the table's shape and pick its known columns.

    *factors* (from :func:`lupusscore._frames.read_columns_factorized`) hold
    text columns already factorized: they are not factorized again.
    """
    if not isinstance(data, Mapping):
        raise InvalidValueError(
            field=table,
            value=describe(data),
            expected="a mapping of column name to a 1-d array",
        )
    picked: dict[str, npt.NDArray[Any]] = {}
    for default in DEFAULT_COLUMNS[table]:
        theirs = names.get(default, default)
        if theirs not in data:
            if default in _REQUIRED[table]:
                raise InvalidValueError(
                    field=table,
                    value=sorted(str(k) for k in data)[:20],
                    expected=f"a column {theirs!r} (the {default} column"
                    + ("; rename with columns=" if theirs == default else "")
                    + ")",
                )
            continue
        raw = data[theirs]
        arr = raw if isinstance(raw, np.ndarray) else None
        if arr is None:
            try:
                arr = (
                    np.asarray(raw, dtype=object)
                    if isinstance(raw, list | tuple)
                    else None
                )
            except ValueError:
                arr = None
        if arr is None or arr.ndim != 1:
            raise InvalidValueError(
                field=f"{table}[{theirs!r}]",
                value=describe(raw),
                expected="a 1-d array (or list) of values",
            )
        picked[default] = arr
    lengths = {k: len(v) for k, v in picked.items()}
    if len(set(lengths.values())) > 1:
        raise InvalidValueError(
            field=table,
            value={names.get(k, k): n for k, n in lengths.items()},
            expected="columns of one length",
        )
    n = next(iter(lengths.values()), 0)
    out = _Table(
        table,
        picked,
        {k: names.get(k, k) for k in picked},
        np.arange(n, dtype=np.int64),
    )
    for default in picked:
        coded = (factors or {}).get(names.get(default, default))
        if coded is None or len(coded[0]) != n:
            continue
        codes, distinct = coded
        if distinct is None:
            out.flags[default] = codes.astype(np.int8)
        else:
            out.texts[default] = _from_dictionary(codes, distinct)
    ids = out.text("USUBJID")
    out.ids, out.id_flags = ids.values, (ids.missing, ids.bad)  # checked later
    return out


# --- element kinds ------------------------------------------------------------


def _kinds(arr: Objects) -> dict[type, Bools]:
    """Mask of each distinct element type in an object array."""
    types = list(map(type, arr))
    index = {t: i for i, t in enumerate(set(types))}
    if len(index) == 1:  # one type (the usual column): no per-element look-up
        return {types[0]: np.ones(len(arr), dtype=bool)}
    codes = np.fromiter(map(index.__getitem__, types), dtype=np.int64, count=len(arr))
    return {t: codes == i for t, i in index.items()}


def _is_missing_type(t: type) -> bool:
    return t.__name__ in _MISSING_TYPES


_TEXT, _MISSING, _BAD = 0, 1, 2


def _text_class(item: object) -> int:
    """Classify one element of a text column: text, missing or bad."""
    if isinstance(item, str):
        return _MISSING if not item.strip() else _TEXT
    t = type(item)
    if _is_missing_type(t):
        return _MISSING
    if issubclass(t, float | np.floating):
        return _MISSING if np.isnan(float(item)) else _BAD  # type: ignore[arg-type]
    return _BAD


class _BadKey:
    """Stands for every element of one class (missing or bad) when factorizing."""

    def __init__(self, kind: int) -> None:
        self.kind = kind


_KEYS: Final = {_MISSING: _BadKey(_MISSING), _BAD: _BadKey(_BAD)}


@dataclass(frozen=True)
class _Text:
    """A text column factorized once.

    ``names[0]`` is None (a missing or bad element); ``names[1:]`` are the
    distinct strings, sorted, so codes order rows as their text does.
    """

    codes: npt.NDArray[np.int32]
    names: Objects
    missing: Bools
    bad: Bools

    @property
    def values(self) -> Objects:
        """The text of each row (None: missing or bad); equal strings shared."""
        return self.names[self.codes]

    def take(self, keep: Bools | Ints) -> _Text:
        """Return the rows *keep* (a mask or indices)."""
        return _Text(self.codes[keep], self.names, self.missing[keep], self.bad[keep])

    def per_name(
        self, func: Callable[[str], Any], dtype: type[np.generic]
    ) -> npt.NDArray[Any]:
        """Apply *func* once per distinct text ("" for None), spread to every row."""
        names = self.names.tolist()
        mapped = np.array([func("" if n is None else n) for n in names], dtype=dtype)
        return mapped[self.codes]


def _sorted_text(
    distinct: Sequence[str], classes: npt.NDArray[np.int8], dcodes: Ints
) -> _Text:
    """Build a _Text from distinct values (their class) and each row's index."""
    kinds = classes.tolist()
    at = [i for i, c in enumerate(kinds) if c == _TEXT]
    strings = [str(distinct[i]) for i in at]
    texts = sorted(set(strings))
    rank = dict(zip(texts, range(1, len(texts) + 1), strict=True))
    code_of = np.zeros(len(kinds), dtype=np.int32)
    code_of[at] = list(map(rank.__getitem__, strings))
    names = np.empty(len(texts) + 1, dtype=object)
    names[1:] = texts
    row_class = classes[dcodes]
    return _Text(code_of[dcodes], names, row_class == _MISSING, row_class == _BAD)


def _factorize(values: npt.NDArray[Any]) -> _Text:
    """Read a text column once: distinct values classified, rows coded.

    Strings are text; None/NaN/NA are missing, and so is an all-blank string
    (SDTM writes a missing character value as blank). Anything else is bad.
    """
    n = len(values)
    kind = values.dtype.kind
    if kind in "US":
        values = values.astype(str).astype(object)
    elif kind != "O":
        missing = np.isnan(values) if kind == "f" else np.zeros(n, dtype=bool)
        names = np.empty(1, dtype=object)
        return _Text(np.zeros(n, dtype=np.int32), names, missing, ~missing)
    items = values.tolist()
    try:
        index: dict[Any, int] = {}
        for item in set(items):
            index[item] = len(index)
        dcodes = np.fromiter(map(index.__getitem__, items), dtype=np.int64, count=n)
    except TypeError:  # an unhashable element (or one that cannot be compared)
        keys = [x if isinstance(x, str) else _KEYS[_text_class(x)] for x in items]
        index = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        dcodes = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=n)
    distinct = list(index)
    classes = np.array(
        [d.kind if isinstance(d, _BadKey) else _text_class(d) for d in distinct],
        dtype=np.int8,
    )
    return _sorted_text(distinct, classes, dcodes)


def _from_dictionary(codes: npt.NDArray[Any], distinct: list[str]) -> _Text:
    """Build a _Text from codes into distinct strings (-1: missing).

    When every distinct string is text (none blank) and every code is -1 or
    an index into *distinct*, the only missing rows are the -1 codes and no
    row is bad, so the rows are coded with one pass (a look-up of each
    code's rank, or nothing but ``codes + 1`` when *distinct* is already
    sorted and unique, as an Arrow dictionary of sorted ids is); the result
    is :func:`_sorted_text`'s (``tests/test_cohort_layout_fast_paths.py``).
    """
    n_d = len(distinct)
    simple = (
        codes.dtype == np.int32
        and "" not in distinct
        and not any(map(str.isspace, distinct))  # blank: "" or all whitespace
        and (codes.size == 0 or (int(codes.min()) >= -1 and int(codes.max()) < n_d))
    )
    if simple:
        missing = codes < 0
        bad = np.zeros(len(codes), dtype=bool)
        if all(map(operator.lt, distinct, distinct[1:])):  # sorted, unique
            names = np.empty(n_d + 1, dtype=object)
            names[1:] = distinct
            # code i is rank i + 1; the missing code -1 becomes 0
            return _Text(codes + np.int32(1), names, missing, bad)
        texts = sorted(set(distinct))
        rank = dict(zip(texts, range(1, len(texts) + 1), strict=True))
        code_of = np.zeros(n_d + 1, dtype=np.int32)  # the last slot: code -1
        code_of[:n_d] = list(map(rank.__getitem__, distinct))
        names = np.empty(len(texts) + 1, dtype=object)
        names[1:] = texts
        return _Text(code_of[codes], names, missing, bad)
    return _from_dictionary_general(codes, distinct)


def _from_dictionary_general(codes: npt.NDArray[Any], distinct: list[str]) -> _Text:
    """Build a _Text from codes into distinct strings, each class checked."""
    classes = np.array(
        [*(_MISSING if not d.strip() else _TEXT for d in distinct), _MISSING],
        dtype=np.int8,
    )
    # a missing row's code -1 indexes the last slot, the "" appended
    return _sorted_text([*distinct, ""], classes, codes)


def _parse_numeric_strings(strings: Objects) -> tuple[Floats, Bools, Bools]:
    """Parse strings (distinct values once): (numbers, missing, bad)."""
    inverse, names = _codes(strings)
    distinct = names[1:]
    inverse = inverse - 1
    nums = np.full(len(distinct), np.nan)
    miss = np.zeros(len(distinct), dtype=bool)
    bad = np.zeros(len(distinct), dtype=bool)
    for i, text in enumerate(distinct):
        s = text.strip()
        if not s:
            miss[i] = True
        elif _NUMERIC_STRING.fullmatch(s):
            nums[i] = float(s)
        else:
            bad[i] = True
    return nums[inverse], miss[inverse], bad[inverse]


def _numbers(values: npt.NDArray[Any], *, strings: bool) -> tuple[Floats, Bools, Bools]:
    """Return (numbers, missing, bad) for a numeric column.

    None/NaN/NA are missing; booleans and (unless *strings*) strings are bad;
    with *strings*, numeric strings are numbers and blank strings missing.
    Infinity and numbers too large for a float are bad.
    """
    n = len(values)
    kind = values.dtype.kind
    if kind in "fiu":  # numbers already: no per-element work, no spare arrays
        out = values.astype(np.float64)
        missing = np.isnan(out) if kind == "f" else np.zeros(n, dtype=bool)
        bad = np.isinf(out)  # infinity, or an integer too large for a float
        if np.any(missing) or np.any(bad):
            out[missing | bad] = np.nan
        return out, missing, bad
    out = np.full(n, np.nan)
    missing = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    if kind in "iu":
        out = values.astype(np.float64)
    elif kind == "f":
        out = values.astype(np.float64)
        missing = np.isnan(out)
    elif kind in "US" and strings:
        out, missing, bad = _parse_numeric_strings(values.astype(str).astype(object))
    elif kind == "O":
        for t, mask in _kinds(values).items():
            idx = np.flatnonzero(mask)
            if issubclass(t, bool | np.bool_):
                bad[idx] = True
            elif _is_missing_type(t):
                missing[idx] = True
            elif issubclass(t, str):
                if strings:
                    nums, miss, wrong = _parse_numeric_strings(values[idx])
                    out[idx], missing[idx], bad[idx] = nums, miss, wrong
                else:
                    bad[idx] = True
            elif issubclass(t, numbers.Real):
                try:
                    out[idx] = values[idx].astype(np.float64)
                except (OverflowError, TypeError, ValueError):
                    for i in idx.tolist():  # only a group of huge integers
                        try:
                            out[i] = float(values[i])
                        except (OverflowError, TypeError, ValueError):
                            bad[i] = True
                missing[idx] |= np.isnan(out[idx])
            else:
                bad[idx] = True
    else:  # bool, dates, complex ...
        bad[:] = True
    bad |= ~missing & ~bad & ~np.isfinite(np.where(bad, 0.0, out))
    out = np.where(bad | missing, np.nan, out)
    return out, missing & ~bad, bad


def _tristate(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int8], Bools, Bools]:
    """Return (codes 1/0/-1, missing, bad) for a flag column."""
    n = len(values)
    codes = np.full(n, -1, dtype=np.int8)
    missing = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    kind = values.dtype.kind
    if kind == "b":
        codes = values.astype(np.int8)
    elif kind in "iu":
        bad = (values != 0) & (values != 1)
        codes = np.where(bad, -1, values).astype(np.int8)
    elif kind == "f":
        missing = np.isnan(values)
        bad = ~missing & (values != 0) & (values != 1)
        codes = np.where(missing | bad, -1, values).astype(np.int8)
    elif kind == "O" and set(map(type, values)) <= {bool, np.bool_, type(None)}:
        missing = _none(values)  # flags and None only: two compares in C
        codes = np.where(missing, -1, values == True).astype(np.int8)  # noqa: E712
    elif kind == "O":
        for t, mask in _kinds(values).items():
            idx = np.flatnonzero(mask)
            if issubclass(t, bool | np.bool_):
                codes[idx] = values[idx].astype(bool).astype(np.int8)
            elif _is_missing_type(t):
                missing[idx] = True
            elif issubclass(t, float | np.floating):
                nan = np.isnan(values[idx].astype(np.float64))
                missing[idx[nan]] = True
                bad[idx[~nan]] = True
            else:
                bad[idx] = True
    else:
        bad[:] = True
    return codes, missing, bad


def _dates_from_strings(strings: Objects) -> tuple[Stamps, Bools]:
    """Parse ISO 8601 strings (each distinct string once): (stamps[s], bad)."""
    inverse, names = _codes(strings)
    inverse = inverse - 1
    texts = [str(t).strip() for t in names[1:]]
    good = np.array([_ISO_DATE_RE.fullmatch(t) is not None for t in texts], dtype=bool)
    cleaned = [
        _TZ_SUFFIX.sub("", t) if len(t) > _DATE_ONLY else t
        for t, ok in zip(texts, good.tolist(), strict=True)
        if ok
    ]
    cleaned = [t.replace(" ", "T") for t in cleaned]
    stamps = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[s]")
    try:
        parsed = np.array(cleaned, dtype="datetime64[us]").astype("datetime64[s]")
        stamps[good] = parsed
    except ValueError:  # an impossible calendar date among them
        for i, text in zip(np.flatnonzero(good).tolist(), cleaned, strict=True):
            try:
                stamps[i] = np.datetime64(text, "us").astype("datetime64[s]")
            except ValueError:
                good[i] = False
    return stamps[inverse], ~good[inverse]


def _date_objects(items: Objects) -> tuple[Stamps, Bools]:
    """Python/numpy date objects (each distinct value once): (stamps[s], bad)."""
    values = items.tolist()
    distinct = list(dict.fromkeys(values))
    index = {v: i for i, v in enumerate(distinct)}
    codes = np.fromiter(
        map(index.__getitem__, values), dtype=np.int64, count=len(values)
    )
    out = np.full(len(distinct), np.datetime64("NaT"), dtype="datetime64[s]")
    bad = np.zeros(len(distinct), dtype=bool)
    for i, item in enumerate(distinct):
        try:
            if isinstance(item, dt.datetime):
                stamp = np.datetime64(item.replace(tzinfo=None), "s")
            elif isinstance(item, dt.date):
                stamp = np.datetime64(item, "D").astype("datetime64[s]")
            else:
                stamp = np.datetime64(item).astype("datetime64[s]")
        except (ValueError, TypeError, OverflowError):
            bad[i] = True
            continue
        out[i] = stamp
    return out[codes], bad[codes]


def _dates(values: npt.NDArray[Any]) -> tuple[Stamps, Bools, Bools]:
    """Return (datetime64[s] with NaT, missing, bad) for a date column.

    Out-of-range dates (before 1900 or after 2199) are bad.
    """
    n = len(values)
    kind = values.dtype.kind
    if kind == "M":  # no spare arrays: the stamps are a fresh copy, worked in place
        missing = np.isnat(values)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # out-of-range values wrap: checked below
            out = values.astype("datetime64[s]")
        day_lo = np.datetime64(EARLIEST_DATE, "D")
        day_hi = np.datetime64(LATEST_DATE, "D")
        as_day = values.astype("datetime64[D]")
        bad = ~missing & ((as_day < day_lo) | (as_day > day_hi))
        del as_day
        unusable = bad | missing
        if np.any(unusable):
            out[unusable] = np.datetime64("NaT")
        return out, missing, bad
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    missing = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    if kind in "US":
        strings = values.astype(str).astype(object)
        out, bad = _dates_from_strings(strings)
        blank = _per_distinct(strings, lambda text: not text.strip(), np.bool_)
        missing, bad = blank, bad & ~blank
    elif kind == "O":
        for t, mask in _kinds(values).items():
            idx = np.flatnonzero(mask)
            if issubclass(t, str):
                stamps, wrong = _dates_from_strings(values[idx])
                blank = _per_distinct(
                    values[idx], lambda text: not text.strip(), np.bool_
                )
                out[idx] = stamps
                missing[idx] = blank
                bad[idx] = wrong & ~blank
            elif _is_missing_type(t):
                missing[idx] = True
            elif issubclass(t, float | np.floating):
                nan = np.isnan(values[idx].astype(np.float64))
                missing[idx[nan]] = True
                bad[idx[~nan]] = True
            elif issubclass(t, dt.date | np.datetime64):
                stamps, wrong = _date_objects(values[idx])
                nat = np.isnat(stamps) & ~wrong
                out[idx] = stamps
                missing[idx] = nat
                bad[idx] = wrong
            else:
                bad[idx] = True
    else:
        bad[:] = True
    as_day = out.astype("datetime64[D]")
    present = ~np.isnat(as_day)
    bad |= present & (
        (as_day < np.datetime64(EARLIEST_DATE, "D"))
        | (as_day > np.datetime64(LATEST_DATE, "D"))
    )
    out = np.where(bad | missing, np.datetime64("NaT"), out).astype(
        "datetime64[s]", copy=False
    )
    return out, missing & ~bad, bad


def _day_number(days: npt.NDArray[np.datetime64]) -> Ints:
    """Days since 1970 as int64, shifted positive (NaT must not occur)."""
    return days.astype("datetime64[D]").astype(np.int64) + _EPOCH_SHIFT


def _codes(values: Objects) -> tuple[Ints, list[Any]]:
    """Factorize a column of str/None: (code per element, distinct values).

    Code 0 is None; the strings follow in sorted order. One dictionary look-up
    per element (``map`` in C), no sorting of the whole column.
    """
    items = values.tolist()
    distinct = set(items)
    distinct.discard(None)
    names: list[Any] = [None, *sorted(distinct)]
    index = {name: i for i, name in enumerate(names)}
    codes = np.fromiter(map(index.__getitem__, items), dtype=np.int64, count=len(items))
    return codes, names


def _per_distinct(
    values: Objects, func: Callable[[Any], Any], dtype: type[np.generic]
) -> npt.NDArray[Any]:
    """Apply *func* once per distinct value of a str column, spread to every row.

    None elements get ``func`` of the empty string.
    """
    codes, names = _codes(values)
    mapped = np.array([func("" if n is None else n) for n in names], dtype=dtype)
    return mapped[codes]


def _float_codes(values: Floats) -> Ints:
    """Integer codes of a float column (NaN one code)."""
    return np.unique(values, return_inverse=True, equal_nan=True)[1].astype(np.int64)


def _differs_in_group(group: Ints, keys: Sequence[npt.NDArray[Any]]) -> Bools:
    """Tell, per row, whether any key varies within the row's group.

    A float key varies when its values differ (NaN equal to NaN): it is coded
    (:func:`_float_codes`) over the rows of shared groups only.
    """
    n = len(group)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    order = np.argsort(group, kind="stable")
    g = group[order]
    new = np.r_[True, g[1:] != g[:-1]]
    # a group of one row cannot vary: only the rows of larger groups are read
    shared = ~(new & np.r_[new[1:], True])
    if not np.any(shared):
        return out
    order, g = order[shared], g[shared]
    new = np.r_[True, g[1:] != g[:-1]]
    starts = np.flatnonzero(new)
    per_row_group = np.cumsum(new) - 1
    varies = np.zeros(len(starts), dtype=bool)
    for key in keys:
        k = key[order]
        if k.dtype.kind == "f":
            k = _float_codes(k)
        varies |= np.minimum.reduceat(k, starts) != np.maximum.reduceat(k, starts)
    out[order] = varies[per_row_group]
    return out


def _group_sizes(group: Ints) -> Ints:
    """Per row: how many rows share its group value."""
    _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
    return counts[inverse].astype(np.int64)


def _first_of_group(group: Ints) -> Bools:
    """Mask of one row (the first in sort order) per group value."""
    _, first = np.unique(group, return_index=True)
    out = np.zeros(len(group), dtype=bool)
    out[first] = True
    return out


# --- options ------------------------------------------------------------------


def _check_options(
    problems: _Problems,
    *,
    schedule: object,
    arms: object,
    name: object,
    synthetic: object,
    baseline_window_days: object,
) -> tuple[tuple[Timepoint, ...], tuple[str, ...] | None, str, bool, int]:
    if not isinstance(name, str) or not name:
        raise InvalidValueError(
            field="name", value=describe(name), expected="a non-empty trial name"
        )
    flag = as_flag("synthetic", synthetic)
    window = as_count("baseline_window_days", baseline_window_days, unit="days")
    points: list[Timepoint] = []
    items = () if schedule is None else schedule
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise InvalidValueError(
            field="schedule",
            value=describe(schedule),
            expected="a sequence of Timepoint (or dicts label/day/window_days)",
        )
    for i, item in enumerate(items):
        try:
            points.append(
                item if isinstance(item, Timepoint) else Timepoint.model_validate(item)
            )
        except ValidationError as exc:
            problems.option(
                "schedule",
                i,
                "timepoint",
                describe(item),
                f"a valid timepoint ({exc.errors()[0]['msg']})",
            )
    for i in range(1, len(points)):
        before, tp = points[i - 1], points[i]
        if tp.label in {t.label for t in points[:i]}:
            problems.option(
                "schedule", i, "label", tp.label, "distinct timepoint labels"
            )
        if tp.first_day <= before.last_day:
            problems.option(
                "schedule",
                i,
                "day",
                f"day {tp.day} +/- {tp.window_days}",
                "timepoints in increasing day order with windows that do not "
                f"overlap the previous one ({before.label!r}, day {before.day} "
                f"+/- {before.window_days})",
            )
    arm_names: tuple[str, ...] | None = None
    if arms is not None:
        if isinstance(arms, str | bytes | Mapping) or not isinstance(arms, Iterable):
            raise InvalidValueError(
                field="arms", value=describe(arms), expected="a sequence of arm names"
            )
        listed = list(arms)
        if not all(isinstance(a, str) and a for a in listed):
            raise InvalidValueError(
                field="arms", value=describe(listed), expected="arm names (str)"
            )
        if len(set(listed)) != len(listed):
            problems.option("arms", None, "arms", listed, "distinct arm names")
        arm_names = tuple(listed)
    return tuple(points), arm_names, name, flag, window


def _analyte_map(analytes: object) -> dict[str, Analyte]:
    if analytes is None:
        return {}
    if not isinstance(analytes, Mapping):
        raise InvalidValueError(
            field="analytes",
            value=describe(analytes),
            expected="a mapping of test code to analyte name",
        )
    out: dict[str, Analyte] = {}
    for code, name in analytes.items():
        if not isinstance(code, str):
            raise InvalidValueError(
                field="analytes", value=describe(code), expected="test codes (str)"
            )
        try:
            out[code] = analyte_spec(name).analyte
        except UnknownAnalyteError:
            raise InvalidValueError(
                field=f"analytes[{code!r}]",
                value=describe(name),
                expected="a lupusscore analyte: " + ", ".join(a.value for a in Analyte),
            ) from None
    return out


# --- participants ---------------------------------------------------------------


@dataclass
class _People:
    ids: Objects  # sorted unique ids
    sex: Objects
    birth: npt.NDArray[np.datetime64]  # [D]
    arm: Objects
    day0: npt.NDArray[np.datetime64]
    height: Floats
    black: npt.NDArray[np.int8]
    strata: dict[str, Objects] = field(default_factory=dict)
    death: npt.NDArray[np.datetime64] = field(
        default_factory=lambda: np.array([], dtype="datetime64[D]")
    )

    @cached_property
    def id_list(self) -> list[str]:
        """The sorted ids as a list (made once per table read)."""
        return list(self.ids.tolist())

    @cached_property
    def index(self) -> dict[str, int]:
        """Participant index of each id (made once per table read)."""
        return {pid: i for i, pid in enumerate(self.id_list)}

    def lookup(self, ids: _Text) -> tuple[Ints, Bools]:
        """Participant index of each id (0 where not found); mask of ids not found.

        Each distinct id is looked up once; when the column's distinct ids are
        the participants' own (sorted, as both are), id code ``c`` is
        participant ``c - 1`` without a look-up. Missing ids are not found.
        """
        names = ids.names.tolist()  # names[0]: None (missing)
        if names[1:] == self.id_list:
            at_name = np.arange(-1, len(names) - 1, dtype=np.int64)
        else:
            index = self.index
            at_name = np.array([index.get(n, -1) for n in names], dtype=np.int64)
        unknown = at_name < 0
        at_name[unknown] = 0
        return at_name[ids.codes], unknown[ids.codes]


def _participant_ids(
    problems: _Problems, table: _Table, *, unique: bool
) -> tuple[Bools, Bools]:
    """Read USUBJID into ``table.ids``: (usable rows, rows of a repeated id)."""
    assert table.ids is not None
    assert table.id_flags is not None
    ids, (missing, bad) = table.ids, table.id_flags
    table.ids = ids
    problems.add(
        table,
        missing | bad,
        "USUBJID",
        table["USUBJID"],
        "a participant id (non-empty text)",
    )
    ok = ~(missing | bad)
    dup = np.zeros(len(ok), dtype=bool)
    if unique:
        codes = table.text("USUBJID").codes
        dup = ok & (_group_sizes(np.where(ok, codes, -1 - np.arange(len(ok)))) > 1)
        problems.add(table, dup, "USUBJID", ids, "a unique participant id")
        ok &= ~dup
    return ok, dup


def _read_people(
    problems: _Problems, table: _Table, arms: tuple[str, ...] | None
) -> tuple[_People, Objects]:
    ok, dup = _participant_ids(problems, table, unique=True)
    sex = table.text("SEX").per_name(lambda t: _SEX.get(t.strip().lower()), np.object_)
    problems.add(
        table,
        _none(sex),
        "SEX",
        table["SEX"],
        "F, M, female or male",
    )
    birth, b_missing, b_bad = _dates(table["BRTHDTC"])
    problems.add(
        table,
        b_missing | b_bad,
        "BRTHDTC",
        table["BRTHDTC"],
        "the birth date: " + _DATE_EXPECTED,
    )
    day0, d_missing, d_bad = _dates(table["RFSTDTC"])
    problems.add(
        table,
        d_missing | d_bad,
        "RFSTDTC",
        table["RFSTDTC"],
        "the participant's day 0: " + _DATE_EXPECTED,
    )
    birth_d = birth.astype("datetime64[D]")
    day0_d = day0.astype("datetime64[D]")
    both = ~np.isnat(birth_d) & ~np.isnat(day0_d)
    problems.add(
        table,
        both & (day0_d < birth_d),
        "RFSTDTC",
        day0_d,
        "a day 0 on or after the birth date",
    )
    arm = np.full(len(table), None, dtype=object)
    if "ARM" in table:
        arm_text = table.text("ARM")
        arm, a_missing, a_bad = arm_text.values, arm_text.missing, arm_text.bad
        problems.add(table, a_missing | a_bad, "ARM", table["ARM"], "an arm name")
        if arms is not None:
            outside = ~(a_missing | a_bad) & ~np.isin(
                np.where(_none(arm), "", arm).astype(str),
                np.array(arms, dtype=str),
            )
            problems.add(
                table,
                outside,
                "ARM",
                arm,
                "one of the trial's arms: " + ", ".join(arms),
            )
    elif arms:
        problems.option(
            "participants",
            None,
            table.name_of("ARM"),
            None,
            "an ARM column (arms= was given)",
        )
    height = np.full(len(table), np.nan)
    if "HEIGHT_CM" in table:
        height, _, h_bad = _numbers(table["HEIGHT_CM"], strings=False)
        lo, hi = _HEIGHT_CM
        with np.errstate(invalid="ignore"):
            h_bad |= (height < lo) | (height > hi)
        problems.add(
            table,
            h_bad,
            "HEIGHT_CM",
            table["HEIGHT_CM"],
            f"a height in cm between {lo:g} and {hi:g} (or missing)",
        )
    black = np.full(len(table), -1, dtype=np.int8)
    if "BLACK" in table:
        black, _, k_bad = table.tristate("BLACK")
        problems.add(table, k_bad, "BLACK", table["BLACK"], "True, False or None")
    strata: dict[str, Objects] = {}
    for column in [c for c in table.columns if c.startswith(_STRATUM)]:
        text = table.text(column)
        problems.add(
            table,
            text.bad,
            column.removeprefix(_STRATUM),
            table[column],
            "a stratification level (text), or missing when not recorded",
        )
        strata[column] = text.values
    ids = table.ids
    assert ids is not None
    keep = np.flatnonzero(ok)
    order = keep[np.argsort(table.text("USUBJID").codes[keep], kind="stable")]
    people = _People(
        ids=ids[order],
        sex=sex[order],
        birth=birth_d[order],
        arm=arm[order],
        day0=day0_d[order],
        height=height[order],
        black=black[order],
        strata={k: v[order] for k, v in strata.items()},
    )
    return people, np.unique(ids_text(ids[dup])).astype(object)


#: Prefix of a stratification column inside the participants table.
_STRATUM: Final = "STRATUM:"


def _stratification_columns(
    stratification: object, data: Mapping[str, Any], table: _Table
) -> list[str]:
    """Check ``stratification=`` and add its columns to the participants table."""
    if stratification is None:
        return []
    if isinstance(stratification, str | bytes) or not isinstance(
        stratification, Iterable
    ):
        raise InvalidValueError(
            field="stratification",
            value=describe(stratification),
            expected="a list of participants column names",
        )
    names = list(stratification)
    for name in names:
        if not isinstance(name, str) or not name or name not in data:
            raise InvalidValueError(
                field="stratification",
                value=describe(name),
                expected="a column of the participants table: "
                + ", ".join(sorted(str(k) for k in data)[:20]),
            )
    if len(set(names)) != len(names):
        raise InvalidValueError(
            field="stratification",
            value=describe(names),
            expected="distinct column names",
        )
    for name in names:
        arr = np.asarray(data[name], dtype=object)
        if arr.ndim != 1 or len(arr) != len(table.rows):
            raise InvalidValueError(
                field=f"participants[{name!r}]",
                value=describe(data[name]),
                expected=f"a 1-d column of length {len(table.rows)}",
            )
        table.columns[_STRATUM + name] = arr
    return names


def _link(
    problems: _Problems, table: _Table, people: _People, repeated_ids: Objects
) -> tuple[Ints, Bools]:
    """Participant index of each row; bad rows reported; mask of linked rows."""
    ok, _ = _participant_ids(problems, table, unique=False)
    assert table.ids is not None
    text = table.text("USUBJID")
    index, unknown = people.lookup(text)
    # ids repeated in the participants table are reported there, not again here.
    twice = set(repeated_ids.tolist())
    if twice:
        repeated = np.array([n in twice for n in text.names.tolist()], dtype=bool)[
            text.codes
        ]
    else:
        repeated = np.zeros(len(text.codes), dtype=bool)
    problems.add(
        table,
        ok & unknown & ~repeated,
        "USUBJID",
        table.ids,
        "a participant id listed in the participants table",
    )
    return index, ok & ~unknown


def ids_text(ids: Objects) -> npt.NDArray[np.str_]:
    """Return texts as a str array (None as an empty string)."""
    return np.where(_none(ids), "", ids).astype(str)


def _none(values: npt.NDArray[Any]) -> Bools:
    """Return the mask of elements that are None."""
    return np.asarray(values == None, dtype=bool)  # noqa: E711


def _before_birth(  # noqa: PLR0917
    problems: _Problems,
    table: _Table,
    pidx: Ints,
    linked: Bools,
    days: npt.NDArray[np.datetime64],
    column: str,
    people: _People,
) -> Bools:
    """Report rows dated before their participant's birth; return their mask."""
    if len(people.ids) == 0:
        return np.zeros(len(pidx), dtype=bool)
    born = people.birth[np.where(linked, pidx, 0)]
    d = days.astype("datetime64[D]")
    bad: Bools = linked & ~np.isnat(d) & ~np.isnat(born) & (d < born)
    problems.add(table, bad, column, d, "a date on or after the birth date")
    return bad


_NO_DEATH: Final = np.iinfo(np.int64).max


# --- events -------------------------------------------------------------------


@dataclass
class _Events:
    participant: Ints
    type: Objects
    day: npt.NDArray[np.datetime64]
    note: Objects


def _read_events(
    problems: _Problems, table: _Table | None, people: _People, repeated: Objects
) -> tuple[_Events, Ints]:
    """Events (valid rows) and each participant's death day number (or max)."""
    death = np.full(len(people.ids), _NO_DEATH, dtype=np.int64)
    if table is None or len(table) == 0:
        empty = np.array([], dtype=object)
        return _Events(
            np.array([], dtype=np.int64),
            empty,
            np.array([], dtype="datetime64[D]"),
            empty,
        ), death
    pidx, linked = _link(problems, table, people, repeated)
    etype = table.text("DSDECOD").per_name(
        lambda t: _EVENT_TYPES.get(t.strip().lower()), np.object_
    )
    bad_type = _none(etype)
    problems.add(
        table,
        bad_type,
        "DSDECOD",
        table["DSDECOD"],
        "an event type: " + ", ".join(_EVENT_TYPES),
    )
    stamps, d_missing, d_bad = _dates(table["DSSTDTC"])
    problems.add(table, d_missing | d_bad, "DSSTDTC", table["DSSTDTC"], _DATE_EXPECTED)
    day = stamps.astype("datetime64[D]")
    note = np.full(len(table), None, dtype=object)
    n_bad = np.zeros(len(table), dtype=bool)
    if "DSTERM" in table:
        term = table.text("DSTERM")
        note, n_bad = term.values, term.bad
        problems.add(table, n_bad, "DSTERM", table["DSTERM"], "text (or missing)")
    early = _before_birth(problems, table, pidx, linked, day, "DSSTDTC", people)
    valid = linked & ~bad_type & ~(d_missing | d_bad) & ~n_bad & ~early
    num = np.where(valid, _day_number(np.where(valid, day, np.datetime64(0, "D"))), 0)
    is_death = valid & (etype == EventType.DEATH.value)
    np.minimum.at(death, pidx[is_death], num[is_death])
    their_death = death[np.where(valid, pidx, 0)] if len(death) else num
    on_death_day = valid & (num == their_death)
    deaths_that_day = np.zeros(len(death), dtype=np.int64)
    np.add.at(deaths_that_day, pidx[is_death & on_death_day], 1)
    # (No participants: no event is valid, and none is another's second death.)
    many = (
        deaths_that_day[np.where(valid, pidx, 0)] > 1
        if len(death)
        else np.zeros(len(table), dtype=bool)
    )
    after = valid & (
        (num > their_death)
        | (on_death_day & ~is_death)
        | (on_death_day & is_death & many)
    )
    problems.add(
        table,
        after,
        "DSSTDTC",
        day,
        "no event after the death (nothing but one death on or after the death date)",
    )
    keep = valid & ~after
    return _Events(pidx[keep], etype[keep], day[keep], note[keep]), death


# --- visits -------------------------------------------------------------------


@dataclass
class _Visits:
    participant: Ints
    day: npt.NDArray[np.datetime64]
    label_code: npt.NDArray[np.int32]  # into label_names (0: no label)
    label_names: Objects
    unscheduled: Bools
    glucocorticoid: Floats
    pga: Floats
    rescue: npt.NDArray[np.int8]
    descriptors: dict[str, npt.NDArray[np.int8]]
    rows: Ints  # a source row of each visit (for messages)

    @property
    def key(self) -> Ints:
        return self.participant * _DAY_SPAN + _day_number(self.day)

    @property
    def label(self) -> Objects:
        """Each visit's label (None: no label)."""
        return self.label_names[self.label_code]


def _unscheduled_by_label(codes: npt.NDArray[np.int32], names: Objects) -> Bools:
    """Apply the CDISC convention: a label starting with UNSCHEDULED (any case)."""
    flags = [
        n is not None and n.lstrip().upper().startswith("UNSCHEDULED")
        for n in names.tolist()
    ]
    return np.array(flags, dtype=bool)[codes]


def _after_death(  # noqa: PLR0917
    problems: _Problems,
    table: _Table,
    pidx: Ints,
    valid: Bools,
    day: npt.NDArray[np.datetime64],
    death: Ints,
    column: str,
) -> Bools:
    if len(death) == 0:
        return np.zeros(len(pidx), dtype=bool)
    safe = np.where(valid, pidx, 0)
    num = _day_number(np.where(valid, day, np.datetime64(0, "D")))
    bad = valid & (num > death[safe])
    problems.add(table, bad, column, day, "no visit after the participant's death")
    return bad


def _number_column(
    problems: _Problems,
    table: _Table,
    column: str,
    *,
    lo: float,
    hi: float,
    unit: str,
) -> tuple[Floats, Bools]:
    if column not in table:
        return np.full(len(table), np.nan), np.zeros(len(table), dtype=bool)
    values, _, bad = _numbers(table[column], strings=False)
    with np.errstate(invalid="ignore"):
        bad |= (values < lo) | (values > hi)
    problems.add(
        table,
        bad,
        column,
        table[column],
        f"a number between {lo:g} and {hi:g} {unit} (or missing)",
    )
    return values, bad


def _flag_column(
    problems: _Problems, table: _Table, column: str, *, optional: bool
) -> tuple[npt.NDArray[np.int8], Bools]:
    codes, missing, bad = table.tristate(column)
    if not optional:
        bad |= missing
    problems.add(
        table,
        bad,
        column,
        table[column],
        "True, False or None (not recorded)" if optional else "True or False",
    )
    return codes, bad


def _read_visits(
    problems: _Problems,
    table: _Table,
    people: _People,
    repeated: Objects,
    death: Ints,
) -> tuple[_Visits, Callable[[], _Visits], int]:
    """Return the visits (one per participant and date, sorted).

    Also a function that returns every readable visit row (participant and
    date known; one per date), made only when asked for, and the number of
    identical rows collapsed.
    """
    n = len(table)
    pidx, linked = _link(problems, table, people, repeated)
    stamps, d_missing, d_bad = _dates(table["SVSTDTC"])
    problems.add(table, d_missing | d_bad, "SVSTDTC", table["SVSTDTC"], _DATE_EXPECTED)
    day = stamps.astype("datetime64[D]")
    bad = ~linked | d_missing | d_bad
    label_code = np.zeros(n, dtype=np.int32)
    label_names = np.full(1, None, dtype=object)
    if "VISIT" in table:
        text = table.text("VISIT")
        label_code, label_names, l_bad = text.codes, text.names, text.bad
        problems.add(
            table, l_bad, "VISIT", table["VISIT"], "a visit label (or missing)"
        )
        bad |= l_bad
    if "UNSCHEDULED" in table:
        codes, u_bad = _flag_column(problems, table, "UNSCHEDULED", optional=False)
        unscheduled = codes == 1
        bad |= u_bad
    else:
        unscheduled = _unscheduled_by_label(label_code, label_names)
    gc, g_bad = _number_column(
        problems,
        table,
        "GLUCOCORTICOID_MG_DAY",
        lo=0.0,
        hi=_MAX_GC_MG_DAY,
        unit="mg/day prednisone-equivalent",
    )
    pga, p_bad = _number_column(
        problems, table, "PGA", lo=0.0, hi=PGA_MAX, unit="(0-3 scale)"
    )
    bad |= g_bad | p_bad
    rescue = np.full(n, -1, dtype=np.int8)
    if "RESCUE_THERAPY" in table:
        rescue, r_bad = _flag_column(problems, table, "RESCUE_THERAPY", optional=True)
        bad |= r_bad
    descriptors: dict[str, npt.NDArray[np.int8]] = {}
    for name in SLEDAI_2K_DESCRIPTOR_NAMES:
        if name in table:
            descriptors[name], s_bad = _flag_column(
                problems, table, name, optional=True
            )
            bad |= s_bad
        else:
            descriptors[name] = np.full(n, -1, dtype=np.int8)
    bad |= _before_birth(problems, table, pidx, linked, day, "SVSTDTC", people)
    bad |= _after_death(problems, table, pidx, ~bad, day, death, "SVSTDTC")
    valid = ~bad
    key = np.where(
        valid,
        pidx * _DAY_SPAN + _day_number(np.where(valid, day, np.datetime64(0, "D"))),
        -1 - np.arange(n),
    )
    # integer columns as they are (a group's min and max differ as they would
    # in int64); only the rows of shared groups are ever read
    fields = [
        label_code,
        unscheduled.astype(np.int8),
        gc,
        pga,
        rescue,
        *descriptors.values(),
    ]
    conflict = valid & _differs_in_group(key, fields)
    problems.add(
        table,
        conflict,
        "SVSTDTC",
        day,
        "one visit per participant and date (DuplicateVisitError): another row "
        "of this participant on this date differs; input order cannot decide "
        "which is right",
    )
    keep = valid & ~conflict & _first_of_group(key)
    collapsed = int(np.count_nonzero(valid & ~conflict)) - int(np.count_nonzero(keep))

    def visits_at(rows: Bools, keys: Ints) -> _Visits:
        idx = np.flatnonzero(rows)
        idx = idx[np.argsort(keys[idx], kind="stable")]
        return _Visits(
            participant=pidx[idx],
            day=day[idx],
            label_code=label_code[idx],
            label_names=label_names,
            unscheduled=unscheduled[idx],
            glucocorticoid=gc[idx],
            pga=pga[idx],
            rescue=rescue[idx],
            descriptors={k: v[idx] for k, v in descriptors.items()},
            rows=table.rows[idx],
        )

    def all_visits() -> _Visits:
        readable = linked & ~(d_missing | d_bad)
        any_key = np.where(
            readable,
            pidx * _DAY_SPAN
            + _day_number(np.where(readable, day, np.datetime64(0, "D"))),
            -1 - np.arange(n),
        )
        readable &= _first_of_group(any_key)
        return visits_at(readable, any_key)

    return visits_at(keep, key), all_visits, collapsed


# --- labs ---------------------------------------------------------------------


@dataclass
class _Labs:
    participant: Ints
    analyte: npt.NDArray[np.int8]
    when: Stamps
    value: Floats
    unit: _Text
    canonical: Floats
    ref_low: Floats
    ref_high: Floats
    ref_low_canonical: Floats
    ref_high_canonical: Floats
    specimen: npt.NDArray[np.int8]
    assay: _Text
    family_code: npt.NDArray[np.int32]  # into family_names (0: none)
    family_names: Objects
    label: _Text
    rows: Ints
    ids: Objects
    valid: Bools
    ref_unit: _Text


def _analyte_codes(
    codes: _Text, amap: Mapping[str, Analyte]
) -> tuple[npt.NDArray[np.int16], list[str]]:
    """Analyte code per row (-1: names no analyte); the unused codes seen."""
    names = codes.names.tolist()
    out = np.full(len(names), -1, dtype=np.int16)
    unused: list[str] = []
    for i, code in enumerate(names):
        if code is None:
            continue
        analyte = amap.get(code)
        if analyte is None:
            try:
                analyte = Analyte(code.strip().lower())
            except ValueError:
                if code:
                    unused.append(code)
                continue
        out[i] = _ANALYTE_CODE[analyte]
    return out[codes.codes], unused


@dataclass
class _Pairs:
    """The distinct (unit, analyte) pairs of lab rows, each resolved once."""

    index: Ints  # per row: the pair (-1: not resolved, or not usable)
    resolved: list[Any]  # per pair: its ResolvedUnit
    rejected: Bools  # per row: its unit was rejected for its analyte

    def per_row(self, values: list[Any], fill: Any, dtype: Any) -> npt.NDArray[Any]:
        """Spread one value per pair over the rows (*fill* where no pair)."""
        table = np.array([*values, fill], dtype=dtype)
        return table[self.index]

    @cached_property
    def scale(self) -> Floats:
        """Each row's factor to the canonical unit (NaN: no pair); made once."""
        return self.per_row(
            [r.to_canonical.scale for r in self.resolved], np.nan, np.float64
        )

    @cached_property
    def offset(self) -> Floats:
        """Each row's offset to the canonical unit (NaN: no pair); made once."""
        return self.per_row(
            [r.to_canonical.offset for r in self.resolved], np.nan, np.float64
        )


def _dense_keys(key: Ints, usable: Bools, span: int) -> tuple[Ints, Ints]:
    """Give each distinct key (in ``0..span``) of the usable rows its number.

    Returns (per row its key's number, -1 where not usable; the distinct keys).
    """
    if span <= 4 * len(key) + 65536:
        present = np.flatnonzero(np.bincount(key[usable], minlength=span))
        # each key's number by a table look-up (searchsorted's answer)
        table = np.full(span, -1, dtype=np.int64)
        table[present] = np.arange(len(present))
        number = table[np.where(usable, key, 0)]
        number[~usable] = -1
        return number, present
    present = np.unique(key[usable])
    number = np.full(len(key), -1, dtype=np.int64)
    number[usable] = np.searchsorted(present, key[usable])
    return number, present


def _resolve_pairs(  # noqa: PLR0917
    problems: _Problems,
    table: _Table,
    units: _Text,
    analyte: npt.NDArray[np.int16],
    usable: Bools,
    column: str,
) -> _Pairs:
    """Resolve each distinct (unit, analyte) pair once.

    A unit rejected for its analyte makes every row of the pair bad (reported).
    """
    n = len(units.codes)
    key = units.codes.astype(np.int64)
    key *= 256
    key += np.where(usable, analyte, 0)
    number, present = _dense_keys(key, usable, len(units.names) * 256)
    resolved: list[Any] = []
    place = np.full(len(present) + 1, -1, dtype=np.int64)
    failed: list[int] = []
    for i, k in enumerate(present.tolist()):
        unit = units.names[k // 256]
        a = ANALYTE_CODES[k % 256]
        try:
            got = resolve_unit(unit, a)
        except (UnitError, InvalidValueError) as exc:
            why = getattr(exc, "reason", "")
            expected = getattr(exc, "expected", "a unit that fits the analyte")
            rows = number == i
            problems.add(
                table,
                rows,
                column,
                units.values,
                f"a unit for {a.value}: {expected}" + (f" ({why})" if why else ""),
            )
            failed.append(i)
            continue
        place[i] = len(resolved)
        resolved.append(got)
    rejected = np.isin(number, failed) if failed else np.zeros(n, dtype=bool)
    place[place < 0] = len(resolved)  # the fill slot of per_row (number -1 too)
    return _Pairs(place[number], resolved, rejected)


def _check_values(
    problems: _Problems,
    table: _Table,
    values: Floats,
    pairs: _Pairs,
    ok: Bools,
) -> tuple[Floats, Bools]:
    """Return canonical values and bad rows, vectorised over all pairs at once.

    The checks are those :func:`lupusscore.units.to_canonical` applies (>= 0
    except body temperature, plausible range of the unit family), with the
    same arithmetic (``x * scale``, plus the offset where it is not 0).
    """
    n = len(values)
    has = ok & (pairs.index < len(pairs.resolved))
    canonical = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    if not pairs.resolved:
        return canonical, bad
    specs = [analyte_spec(r.analyte) for r in pairs.resolved]
    nonneg = pairs.per_row(
        [r.analyte is not Analyte.BODY_TEMPERATURE for r in pairs.resolved],
        False,  # noqa: FBT003
        np.bool_,
    )
    plausible = [r.family.plausible for r in pairs.resolved]
    lo = pairs.per_row([-np.inf if p is None else p[0] for p in plausible], 0, float)
    hi = pairs.per_row([np.inf if p is None else p[1] for p in plausible], 0, float)
    scale, offset = pairs.scale, pairs.offset
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        canon = values * scale
        shift = has & (offset != 0)
        canon[shift] = canon[shift] + offset[shift]
        neg = has & nonneg & (values < 0)
        wrong = has & ~neg & (~np.isfinite(canon) | ~((canon >= lo) & (canon <= hi)))

    def expected_neg(p: int) -> str:
        return f"a {pairs.resolved[p].analyte.value} concentration, count or ratio >= 0"

    def expected_range(p: int) -> str:
        fam, spec = pairs.resolved[p].family, specs[p]
        if fam.plausible is None:
            return f"a finite {spec.label} in {fam.canonical_unit}"
        return (
            f"a plausible {spec.label} between {fam.plausible[0]:g} and "
            f"{fam.plausible[1]:g} {fam.canonical_unit}"
        )

    for mask, message in ((neg, expected_neg), (wrong, expected_range)):
        where = np.flatnonzero(mask)
        at = pairs.index[where]
        for p in np.unique(at).tolist():  # texts made only for pairs reported
            problems.add(table, _mask(n, where[at == p]), "LBORRES", values, message(p))
    bad = neg | wrong
    canon[~has | bad] = np.nan  # np.where(has & ~bad, canon, np.nan), in place
    return canon, bad


def _mask(n: int, idx: Ints) -> Bools:
    out = np.zeros(n, dtype=bool)
    out[idx] = True
    return out


def _read_labs(  # noqa: PLR0917
    problems: _Problems,
    table: _Table,
    people: _People,
    repeated: Objects,
    amap: Mapping[str, Analyte],
    notes: list[str],
) -> _Labs:
    """Check every lab row; rows without a value or analyte are left out."""
    test = table.text("LBTESTCD")
    c_missing, c_bad = test.missing, test.bad
    problems.add(
        table, c_missing | c_bad, "LBTESTCD", table["LBTESTCD"], "a test code (text)"
    )
    acode, unused = _analyte_codes(test, amap)
    known = acode >= 0
    values, v_missing, v_bad = _numbers(table["LBORRES"], strings=True)
    n_unused = int(np.count_nonzero(~(c_missing | c_bad) & ~known))
    if n_unused:
        shown = ", ".join(repr(c) for c in sorted(unused)[:_MAX_NOTED_CODES])
        more = " ..." if len(unused) > _MAX_NOTED_CODES else ""
        notes.append(
            f"labs: {n_unused} row(s) with a test code that names no analyte were "
            f"not used ({shown}{more}; map codes with analytes=)"
        )
    no_value = known & v_missing
    if np.any(no_value):
        notes.append(
            f"labs: {int(np.count_nonzero(no_value))} row(s) without a value "
            "(missing) were left out"
        )
    keep = known & ~v_missing
    if not np.all(keep):
        table = table.take(keep)
        acode, values, v_bad = acode[keep], values[keep], v_bad[keep]
    del known, v_missing, no_value, keep, c_missing, c_bad
    n = len(table)
    pidx, linked = _link(problems, table, people, repeated)
    problems.add(
        table,
        v_bad,
        "LBORRES",
        table["LBORRES"],
        "a finite number or numeric string (or missing)",
    )
    when, w_missing, w_bad = _dates(table["LBDTC"])
    problems.add(table, w_missing | w_bad, "LBDTC", table["LBDTC"], _DATE_EXPECTED)
    early = _before_birth(problems, table, pidx, linked, when, "LBDTC", people)
    units = table.text("LBORRESU")
    problems.add(
        table,
        units.missing,
        "LBORRESU",
        table["LBORRESU"],
        "a unit for every lab value (units are never guessed)",
    )
    problems.add(table, units.bad, "LBORRESU", table["LBORRESU"], "a unit (text)")
    unit_ok = ~(units.missing | units.bad)
    pairs = _resolve_pairs(problems, table, units, acode, unit_ok, "LBORRESU")
    canonical, c_bad = _check_values(problems, table, values, pairs, ~v_bad)
    scale, offset = pairs.scale, pairs.offset
    families = [r.family.name for r in pairs.resolved]
    fam_names = np.empty(len(families) + 1, dtype=object)
    fam_names[1:] = families
    family_code = pairs.per_row(list(range(1, len(families) + 1)), 0, np.int32)
    refs: dict[str, Floats] = {}
    ref_bad = np.zeros(n, dtype=bool)
    for column in ("LBSTNRLO", "LBSTNRHI"):
        if column in table:
            r, _, r_bad = _numbers(table[column], strings=True)  # NaN where bad
            with np.errstate(invalid="ignore"):
                negative = r < 0
            r_bad |= negative
            problems.add(
                table,
                r_bad,
                column,
                table[column],
                "a reference limit: a finite number >= 0 (or missing)",
            )
            if np.any(negative):
                r[negative] = np.nan
            refs[column] = r
            ref_bad |= r_bad
        else:
            refs[column] = np.full(n, np.nan)
    low, high = refs["LBSTNRLO"], refs["LBSTNRHI"]
    with np.errstate(invalid="ignore"):
        order_bad = low > high
    problems.add(table, order_bad, "LBSTNRLO", low, "reference low <= reference high")
    ref_bad |= order_bad
    has_range = ~np.isnan(low) | ~np.isnan(high)
    ref_unit = _Text(
        np.zeros(n, dtype=np.int32),
        np.full(1, None, dtype=object),
        np.ones(n, dtype=bool),
        np.zeros(n, dtype=bool),
    )
    if "LBSTRESU" in table:
        ref_unit = table.text("LBSTRESU")
        ru_missing, ru_bad = ref_unit.missing, ref_unit.bad
        no_unit = has_range & (ru_missing | ru_bad)
        problems.add(
            table,
            no_unit,
            "LBSTRESU",
            table["LBSTRESU"],
            "the unit of the reference range (the LBSTRESU column is present)",
        )
        r_pairs = _resolve_pairs(
            problems,
            table,
            ref_unit,
            acode,
            has_range & ~(ru_missing | ru_bad),
            "LBSTRESU",
        )
        r_scale, r_offset = r_pairs.scale, r_pairs.offset
        # the range must be in the result's unit family: assay units, IU/mL,
        # percent binding and titres never convert into each other, even
        # where their factors happen to be equal
        r_family = r_pairs.per_row(
            [r.family.name for r in r_pairs.resolved], None, object
        )
        v_family = fam_names[family_code]
        other_family = (
            has_range
            & (r_pairs.index >= 0)
            & (family_code > 0)
            & (r_family != v_family)
        )
        problems.add(
            table,
            other_family,
            "LBSTRESU",
            table["LBSTRESU"],
            "a reference-range unit of the result's unit family (the range cannot "
            "be compared with the result otherwise)",
        )
        ref_bad |= no_unit | r_pairs.rejected | other_family
        same = (r_scale == scale) & (r_offset == offset)
        low_c = np.where(same, low * scale + offset, low * r_scale + r_offset)
        high_c = np.where(same, high * scale + offset, high * r_scale + r_offset)
        with np.errstate(invalid="ignore", divide="ignore"):
            low = np.where(same, low, (low_c - offset) / scale)
            high = np.where(same, high, (high_c - offset) / scale)
        low = np.where(np.isnan(refs["LBSTNRLO"]), np.nan, low)
        high = np.where(np.isnan(refs["LBSTNRHI"]), np.nan, high)
    else:  # the limits as read (NaN where not given): x * scale + offset
        low_c = low * scale
        low_c += offset
        high_c = high * scale
        high_c += offset
    specimen = np.full(n, _SPECIMEN_CODE[None], dtype=np.int8)
    s_bad = np.zeros(n, dtype=bool)
    if "LBSPEC" in table:
        spec_text = table.text("LBSPEC")
        no_spec = _SPECIMEN_CODE[None]

        def spec_code(text: str) -> int:
            if not text:
                return no_spec
            member = _SPECIMENS.get(text.strip().lower())
            return -1 if member is None else _SPECIMEN_CODE[member]

        codes = spec_text.per_name(spec_code, np.int8)
        s_bad = spec_text.bad | (codes < 0)
        specimen = np.where(codes < 0, no_spec, codes).astype(np.int8)
        problems.add(
            table,
            s_bad,
            "LBSPEC",
            table["LBSPEC"],
            "a specimen: " + ", ".join(_SPECIMENS) + " (or missing)",
        )
    none = _Text(
        np.zeros(n, dtype=np.int32),
        np.full(1, None, dtype=object),
        np.ones(n, dtype=bool),
        np.zeros(n, dtype=bool),
    )
    assay = none
    if "LBMETHOD" in table:
        assay = table.text("LBMETHOD")
        problems.add(
            table, assay.bad, "LBMETHOD", table["LBMETHOD"], "text (or missing)"
        )
    label = none
    if "VISIT" in table:
        label = table.text("VISIT")
        problems.add(
            table, label.bad, "VISIT", table["VISIT"], "a visit label (or missing)"
        )
    valid = linked & ~(
        v_bad
        | w_missing
        | w_bad
        | early
        | ~unit_ok
        | pairs.rejected
        | c_bad
        | ref_bad
        | s_bad
        | assay.bad
        | label.bad
    )
    return _Labs(
        participant=pidx,
        analyte=acode.astype(np.int8),
        when=when,
        value=values,
        unit=units,
        canonical=canonical,
        ref_low=low,
        ref_high=high,
        ref_low_canonical=low_c,
        ref_high_canonical=high_c,
        specimen=specimen,
        assay=assay,
        family_code=family_code,
        family_names=fam_names,
        label=label,
        rows=table.rows,
        ids=table.ids if table.ids is not None else np.full(n, None, dtype=object),
        valid=valid,
        ref_unit=ref_unit,
    )


# --- labs to visits -------------------------------------------------------------


def _match(keys: Ints, table_keys: Ints) -> tuple[Ints, Bools]:
    """Position of each key in the sorted unique *table_keys*; found mask.

    Each run of equal neighbouring keys is looked up (and compared) once.
    """
    n = len(keys)
    if len(table_keys) == 0 or n == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    head = _runs(keys)
    first = keys[head]
    pos = np.searchsorted(table_keys, first).astype(np.int64)
    np.minimum(pos, len(table_keys) - 1, out=pos)
    found = table_keys[pos] == first
    lengths = np.diff(head, append=n)
    return np.repeat(pos, lengths), np.repeat(found, lengths)


def _runs(*columns: npt.NDArray[Any]) -> Ints:
    """Start of each run of rows equal to their neighbour in every column."""
    n = len(columns[0])
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(columns[0][1:], columns[0][:-1], out=new[1:])
    for col in columns[1:]:
        new[1:] |= col[1:] != col[:-1]
    return np.flatnonzero(new)


def _assign(labs: _Labs, visits: _Visits, *, by_label: bool) -> tuple[Ints, Bools]:
    """Visit index of each valid lab (-1: none), and which labs went by label.

    Both depend on nothing but the row's (valid, participant, lab day, label),
    so each run of neighbouring rows equal in these (the labs of one visit)
    is assigned once and the answers repeated over the run.
    """
    n = len(labs.rows)
    ok = labs.valid
    pidx = np.where(ok, labs.participant, 0)
    # pidx * _DAY_SPAN + _day_number(the lab's day, 1970-01-01 where not ok),
    # in one buffer: seconds floor-divided by a day are the datetime64[D] cast
    by_date = np.where(ok, labs.when, np.datetime64(0, "s")).view(np.int64)
    by_date //= _SECONDS_PER_DAY
    by_date += _EPOCH_SHIFT
    by_date += pidx * _DAY_SPAN
    label = labs.label.codes
    head = _runs(by_date, ok, label) if by_label else _runs(by_date, ok)
    visit_of, labelled = _assign_keys(
        ok[head],
        pidx[head],
        by_date[head],
        label[head],
        labs.label.names,
        visits,
        by_label=by_label,
    )
    lengths = np.diff(head, append=n)
    return np.repeat(visit_of, lengths), np.repeat(labelled, lengths)


def _assign_keys(  # noqa: PLR0917 - one array per key
    ok: Bools,
    pidx: Ints,
    by_date: Ints,
    label_codes: npt.NDArray[np.int32],
    label_names: Objects,
    visits: _Visits,
    *,
    by_label: bool,
) -> tuple[Ints, Bools]:
    """Visit index of each lab key (-1: none), and which went by label.

    A key is (valid, participant, ``participant * _DAY_SPAN + day number``,
    label code into *label_names*).
    """
    n = len(ok)
    visit_of = np.full(n, -1, dtype=np.int64)
    pos, found = _match(by_date, visits.key)
    labelled = ok & (label_codes != 0) if by_label else np.zeros(n, dtype=bool)
    if by_label and len(visits.label_code):
        # one numbering of the labels of both tables (0: no label)
        union = sorted({*visits.label_names[1:].tolist(), *label_names[1:].tolist()})
        number = {name: i + 1 for i, name in enumerate(union)}
        number[None] = 0
        v_codes = np.array([number[x] for x in visits.label_names.tolist()])[
            visits.label_code
        ]
        l_codes = np.array([number[x] for x in label_names.tolist()])[label_codes]
        span = len(union) + 1
        v_key = visits.participant * span + v_codes
        l_key = pidx * span + l_codes
        order = np.argsort(v_key, kind="stable")
        uniq, first, counts = np.unique(
            v_key[order], return_index=True, return_counts=True
        )
        at, hit = _match(l_key, uniq)
        single = labelled & hit & (counts[at] == 1)
        visit_of[single] = order[first[at]][single]
        # a repeated label: the visit of that label on the lab's date
        twice = labelled & hit & ~single
        agree = twice & found & (v_codes[pos] == l_codes)
        visit_of[agree] = pos[agree]
    unlabelled = ok & ~labelled & found
    visit_of[unlabelled] = pos[unlabelled]
    return visit_of, labelled


def _visits_from_table(
    problems: _Problems,
    table: _Table,
    labs: _Labs,
    visits: _Visits,
    all_visits: Callable[[], _Visits],
    *,
    by_label: bool,
) -> Ints:
    """Visit index of each valid lab (by label, else by date); bad rows reported.

    A lab whose visit is itself a bad row of the visits table (*all_visits*
    makes every readable visit row; called only when a lab finds no visit) is
    not reported again.
    """
    visit_of, labelled = _assign(labs, visits, by_label=by_label)
    lost = labs.valid & (visit_of < 0)
    if np.any(lost):  # only then: is their visit a bad row of the visits table?
        some_row, _ = _assign(labs, all_visits(), by_label=by_label)
        lost &= some_row < 0
    no_label_visit = lost & labelled
    problems.add(
        table,
        no_label_visit,
        "VISIT",
        labs.label.values if np.any(no_label_visit) else None,  # made if needed
        "a visit of this participant with this label in the visits table "
        "(on the lab's date if the label is repeated)",
        rows=labs.rows,
        participants=labs.ids,
    )
    problems.add(
        table,
        lost & ~labelled,
        "LBDTC",
        labs.when,
        "a date with a visit of this participant in the visits table",
        rows=labs.rows,
        participants=labs.ids,
    )
    return visit_of


def _warn_far_labs(labs: _Labs, visit_of: Ints, visits: _Visits) -> None:
    ok = visit_of >= 0
    if not np.any(ok):
        return
    gap = np.abs(
        (labs.when[ok].astype("datetime64[D]") - visits.day[visit_of[ok]]).astype(
            np.int64
        )
    )
    far = gap > LAB_VISIT_MAX_GAP_DAYS
    if np.any(far):
        rows = labs.rows[ok][far]
        warnings.warn(
            LabDateWarning(
                f"labs: {int(far.sum())} lab row(s) collected more than "
                f"{LAB_VISIT_MAX_GAP_DAYS} days from their visit (rows "
                + ", ".join(str(r) for r in rows[:10].tolist())
                + (" ..." if rows.size > 10 else "")  # noqa: PLR2004
                + "); check the lab or visit date"
            ),
            stacklevel=4,
        )


def _visits_from_labs(
    problems: _Problems, table: _Table, labs: _Labs, death: Ints
) -> tuple[_Visits, Ints]:
    """One visit per (participant, lab date), labelled by its labs' VISIT."""
    ok = labs.valid.copy()
    day = labs.when.astype("datetime64[D]")
    after = _after_death(problems, table, labs.participant, ok, day, death, "LBDTC")
    ok &= ~after
    labs.valid = ok
    n = len(labs.rows)
    key = np.where(
        ok,
        labs.participant * _DAY_SPAN
        + _day_number(np.where(ok, day, np.datetime64(0, "D"))),
        -1,
    )
    idx = np.flatnonzero(ok)
    uniq, inverse = np.unique(key[idx], return_inverse=True)
    visit_of = np.full(n, -1, dtype=np.int64)
    visit_of[idx] = inverse
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = idx[::-1]  # any row of the visit: a representative
    codes, names = labs.label.codes, labs.label.names
    label = np.zeros(len(uniq), dtype=np.int32)
    if len(idx):
        order = np.argsort(inverse, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(inverse[order]) != 0])
        c = codes[idx][order]
        lo = np.minimum.reduceat(c, starts)
        hi = np.maximum.reduceat(c, starts)
        label = np.where(lo != hi, 0, lo).astype(np.int32)
    n_v = len(uniq)
    return _Visits(
        participant=labs.participant[first],
        day=day[first],
        label_code=label,
        label_names=names,
        unscheduled=_unscheduled_by_label(label, names),
        glucocorticoid=np.full(n_v, np.nan),
        pga=np.full(n_v, np.nan),
        rescue=np.full(n_v, -1, dtype=np.int8),
        descriptors={
            name: np.full(n_v, -1, dtype=np.int8) for name in SLEDAI_2K_DESCRIPTOR_NAMES
        },
        rows=labs.rows[first],
    ), visit_of


def _float_key(values: Floats) -> Ints:
    """Integer key of each float: equal numbers (and every NaN) share one key."""
    with np.errstate(invalid="ignore"):
        normal = np.where(np.isnan(values), np.nan, values + 0.0)  # -0.0 is 0.0
    return normal.view(np.int64)


def _duplicate_labs(
    problems: _Problems, table: _Table, labs: _Labs, visit_of: Ints
) -> tuple[Bools, int, Ints]:
    """Collapse identical lab rows; report differing ones.

    Rows are grouped by (visit, analyte, date-time, specimen) -- the visit
    implies the participant. Of identical rows the first in input order is kept.
    Return (keep, collapsed, the kept rows in the canonical lab order).

    The groups are found by one stable sort by (visit, analyte, date-time,
    specimen from least to most preferred); the kept rows, one per group, are
    then already in :func:`lab_order`'s order (visits are numbered in
    participant order, and no two kept rows tie on all four keys, so its
    value and unit keys never decide), and are not sorted again.
    """
    ok = labs.valid & (visit_of >= 0)
    idx = np.flatnonzero(ok)
    keep = np.zeros(len(ok), dtype=bool)
    if idx.size == 0:
        return keep, 0, idx
    n_spec = len(SPECIMEN_PREFERENCE)
    where = visit_of[idx] * len(ANALYTE_CODES)
    where += labs.analyte[idx]
    # seconds of a valid lab (1900-2199: |s| < 8e9) times n_spec fit int64
    when = labs.when[idx].view(np.int64)  # a fresh array: worked in place
    when *= n_spec
    when -= labs.specimen[idx]
    when += n_spec - 1
    # lexsort's order (input order within a group): one stable sort of one
    # combined key, which fits int64 for any cohort (lexsort_stable checks)
    order = lexsort_stable((when, where))
    where, when = where[order], when[order]
    new = np.r_[True, (where[1:] != where[:-1]) | (when[1:] != when[:-1])]
    del where, when
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1  # of each row in sort order
    del new
    varies = np.zeros(len(starts), dtype=bool)
    # a group of one row cannot vary: only the rows of larger groups are read
    alone = np.diff(np.r_[starts, len(order)]) == 1
    shared = ~alone[group]
    if np.any(shared):
        rows = idx[order[shared]]  # lab rows of the larger groups, sorted
        of = group[shared]
        first_of = np.flatnonzero(np.r_[True, of[1:] != of[:-1]])
        differs = np.zeros(len(first_of), dtype=bool)
        for key in (
            lambda r: _float_key(labs.value[r]),
            lambda r: labs.unit.codes[r],
            lambda r: _float_key(labs.ref_low[r]),
            lambda r: _float_key(labs.ref_high[r]),
            lambda r: labs.assay.codes[r],
            lambda r: labs.ref_unit.codes[r],
        ):
            k = key(rows)
            differs |= np.minimum.reduceat(k, first_of) != np.maximum.reduceat(
                k, first_of
            )
        varies[of[first_of]] = differs
    conflict = np.zeros(len(idx), dtype=bool)
    conflict[order] = varies[group]
    problems.add(
        table,
        _mask(len(ok), idx[conflict]),
        "LBORRES",
        labs.value,
        "at most one result per analyte, specimen and time in a visit "
        "(DuplicateResultError): another row differs in value, unit, "
        "reference range or assay",
        rows=labs.rows,
        participants=labs.ids,
    )
    first = idx[order[starts[~varies]]]  # the first row of each group without conflict
    keep[first] = True
    return keep, int(np.count_nonzero(~conflict)) - len(first), first


# --- the constructor ------------------------------------------------------------


def cohort_from_columns(
    labs: Mapping[str, npt.NDArray[Any]],
    participants: Mapping[str, npt.NDArray[Any]],
    *,
    visits: Mapping[str, npt.NDArray[Any]] | None = None,
    events: Mapping[str, npt.NDArray[Any]] | None = None,
    columns: Mapping[str, str] | None = None,
    analytes: Mapping[str, Analyte | str] | None = None,
    schedule: Sequence[Timepoint | Mapping[str, Any]] | None = None,
    arms: Sequence[str] | None = None,
    name: str = "cohort",
    synthetic: bool = False,
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
    factors: Mapping[str, Factors] | None = None,
    stratification: Sequence[str] | None = None,
    control_arm: str | None = None,
) -> Cohort:
    """Build a :class:`Cohort` from tables of columns (see the module docstring).

    Parameters
    ----------
    labs, participants : mapping of str to 1-d array
        The lab rows and the participants (one row each).
    visits, events : mapping of str to 1-d array, optional
        Visit rows (one per participant and date) and events.
    columns : mapping of str to str, optional
        ``{default column name: your column name}``.
    analytes : mapping of str to Analyte or str, optional
        ``{test code: analyte}`` for test codes that are not analyte names.
    schedule : sequence of Timepoint or dict, optional
        Scheduled timepoints.
    arms : sequence of str, optional
        Arms in display order (default: the participants' arms, sorted).
    name : str
        Trial name.
    synthetic : bool
        True for simulated data.
    baseline_window_days : int
        Baseline look-back in days.
    factors : mapping of str to Factors, optional
        Per table (``"labs"``, ...), text columns already factorized by
        :func:`lupusscore._frames.read_columns_factorized` from these very
        columns; they are not factorized again.
    stratification : sequence of str, optional
        Columns of *participants* holding stratification factors (one level
        of text per participant; missing = not recorded). Each becomes a
        factor of :attr:`Cohort.stratification` under its column name.
    control_arm : str, optional
        The control arm of between-arm comparisons (one of the arms).

    Returns
    -------
    Cohort
        Equal to :meth:`Cohort.from_trial` of the same data.

    Raises
    ------
    TableError
        Listing every bad row of every table (nothing is built).
    InvalidValueError
        For a malformed argument (not a table, a required column missing ...).

    Examples
    --------
    >>> import numpy as np
    >>> people = {
    ...     "USUBJID": np.array(["P1"], dtype=object),
    ...     "SEX": np.array(["F"], dtype=object),
    ...     "BRTHDTC": np.array(["1980-01-01"], dtype=object),
    ...     "RFSTDTC": np.array(["2010-01-01"], dtype=object),
    ... }
    >>> labs = {
    ...     "USUBJID": np.array(["P1", "P1"], dtype=object),
    ...     "LBTESTCD": np.array(["creatinine", "CREAT"], dtype=object),
    ...     "LBORRES": np.array(["88.4", None], dtype=object),
    ...     "LBORRESU": np.array(["umol/L", "mg/dL"], dtype=object),
    ...     "LBDTC": np.array(["2010-01-01", "2010-01-01"], dtype=object),
    ... }
    >>> cohort = cohort_from_columns(labs, people, analytes={"CREAT": "creatinine"})
    >>> cohort.n_visits, cohort.lab_canonical.round(3).tolist()
    (1, [1.0])
    >>> cohort.notes
    ('labs: 1 row(s) without a value (missing) were left out',)
    """
    problems = _Problems()
    names = _column_names(columns)
    amap = _analyte_map(analytes)
    points, arm_names, trial_name, flag, window = _check_options(
        problems,
        schedule=schedule,
        arms=arms,
        name=name,
        synthetic=synthetic,
        baseline_window_days=baseline_window_days,
    )
    coded = factors or {}
    p_table = _read_table(
        "participants", participants, names, coded.get("participants")
    )
    l_table = _read_table("labs", labs, names, coded.get("labs"))
    v_table = (
        None
        if visits is None
        else _read_table("visits", visits, names, coded.get("visits"))
    )
    e_table = (
        None
        if events is None
        else _read_table("events", events, names, coded.get("events"))
    )
    notes: list[str] = []

    strata_names = _stratification_columns(stratification, participants, p_table)
    people, repeated = _read_people(problems, p_table, arm_names)
    ev, death = _read_events(problems, e_table, people, repeated)
    lab = _read_labs(problems, l_table, people, repeated, amap, notes)
    if v_table is not None:
        vis, all_visits, collapsed_visits = _read_visits(
            problems, v_table, people, repeated, death
        )
        if collapsed_visits:
            notes.append(
                f"visits: {collapsed_visits} identical duplicate row(s) collapsed"
            )
        by_label = "VISIT" in v_table and "VISIT" in l_table
        visit_of = _visits_from_table(
            problems, l_table, lab, vis, all_visits, by_label=by_label
        )
    else:
        vis, visit_of = _visits_from_labs(problems, l_table, lab, death)
    keep, collapsed_labs, order = _duplicate_labs(problems, l_table, lab, visit_of)
    if collapsed_labs:
        notes.append(f"labs: {collapsed_labs} identical duplicate row(s) collapsed")
    problems.raise_if_any()
    if v_table is not None:
        _warn_far_labs(lab, np.where(keep, visit_of, -1), vis)

    del keep, p_table, l_table, v_table, e_table
    lab_columns = _ordered_labs(lab, visit_of, order)  # empties *lab* as it goes
    del lab, visit_of, order
    note_key = ids_text(ev.note)
    e_order = np.lexsort((note_key, ev.type.astype(str), ev.day, ev.participant))
    arms_out = arm_names
    if arms_out is None:
        arms_out = tuple(sorted({a for a in people.arm.tolist() if a is not None}))
    if control_arm is not None and control_arm not in arms_out:
        raise InvalidValueError(
            field="control_arm",
            value=describe(control_arm),
            expected="one of the arms: " + (", ".join(arms_out) or "(none)"),
        )
    n_v = len(vis.day)
    return adopt_cohort(
        name=trial_name,
        synthetic=flag,
        arms=arms_out,
        schedule=points,
        baseline_window_days=window,
        participant_id=people.ids,
        sex=people.sex,
        birth_date=people.birth,
        arm=people.arm,
        day0=people.day0,
        height_cm=people.height,
        black=people.black,
        visit_participant=vis.participant,
        visit_date=vis.day,
        visit_label=vis.label,
        visit_unscheduled=vis.unscheduled,
        visit_glucocorticoid_mg_day=vis.glucocorticoid,
        visit_pga=vis.pga,
        visit_rescue_therapy=vis.rescue,
        visit_descriptors=FrozenMap(vis.descriptors),
        visit_exclusions=np.full(n_v, None, dtype=object),
        **lab_columns,
        event_participant=ev.participant[e_order],
        event_type=ev.type[e_order],
        event_date=ev.day[e_order],
        event_note=ev.note[e_order],
        notes=tuple(notes),
        stratification=FrozenMap(
            {name: people.strata[_STRATUM + name] for name in strata_names}
        ),
        control_arm=control_arm,
    )


def _ordered_labs(
    lab: _Labs, visit_of: Ints, order: Ints
) -> dict[str, npt.NDArray[Any]]:
    """Return the Cohort's lab columns in *order*, each source dropped once taken.

    (Memory: at no time are all the lab intermediates and all the ordered
    columns held at once.)
    """
    out: dict[str, npt.NDArray[Any]] = {"lab_visit": visit_of[order]}
    plain = {
        "lab_participant": "participant",
        "lab_analyte": "analyte",
        "lab_datetime": "when",
        "lab_value": "value",
        "lab_canonical": "canonical",
        "lab_reference_low": "ref_low",
        "lab_reference_high": "ref_high",
        "lab_reference_low_canonical": "ref_low_canonical",
        "lab_reference_high_canonical": "ref_high_canonical",
        "lab_specimen": "specimen",
        "lab_source_row": "rows",
    }
    for name, attr in plain.items():
        out[name] = getattr(lab, attr)[order]
        setattr(lab, attr, None)
    out["lab_unit"] = lab.unit.names[lab.unit.codes[order]]
    out["lab_assay"] = lab.assay.names[lab.assay.codes[order]]
    out["lab_family"] = lab.family_names[lab.family_code[order]]
    return out
