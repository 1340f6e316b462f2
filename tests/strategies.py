"""Shared hypothesis strategies: hostile and valid values for lupusscore inputs.

The fuzz targets (``tests/fuzz``) mix these into calls of every public entry
point; other tests may import them too (``tests`` is put on ``sys.path`` by
``tests/fuzz/conftest.py``; elsewhere add it the same way).

Two families:

- **valid** values a clinical caller would pass (finite floats in a
  physiological range, real unit spellings, dates inside the supported range);
- **hostile** values a careless or malicious caller might pass (NaN, ±inf,
  1e308, 5e-324, -0.0, bools, numpy scalars, strings, ``None``, pandas-like NA,
  odd numpy arrays, 400-digit ints, nested containers, unicode and annotated
  unit strings, far dates, timezone-aware datetimes, ISO strings).

Unit strings that may hang the current unit parser (``10**10**8 mg/dL``) are
kept apart in :data:`HANG_RISK_UNITS`; they are only ever tried in a
subprocess with a timeout (``tests/fuzz/test_unit_parser_bound.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import strategies as st

__all__ = [
    "HANG_RISK_UNITS",
    "HOSTILE_UNITS",
    "VALID_UNITS",
    "NAType",
    "big_ints",
    "bools_any",
    "dates_any",
    "far_dates",
    "hostile",
    "hostile_arrays",
    "hostile_containers",
    "hostile_floats",
    "hostile_scalars",
    "hostile_strings",
    "hostile_units",
    "iso_strings",
    "na_values",
    "numpy_scalars",
    "tz_datetimes",
    "valid_dates",
    "valid_floats",
    "valid_units",
]


class NAType:
    """Stand-in for ``pandas.NA`` (pandas is not a dependency).

    It mimics the awkward parts: the class is named ``NAType`` (as pandas'
    is), ``bool()`` raises, comparisons return itself and ``float()`` fails.
    """

    def __repr__(self) -> str:
        return "<NA>"

    def __bool__(self) -> bool:
        msg = "boolean value of NA is ambiguous"
        raise TypeError(msg)

    def __eq__(self, other: object) -> Any:
        return self

    def __ne__(self, other: object) -> Any:
        return self

    def __lt__(self, other: object) -> Any:
        return self

    def __gt__(self, other: object) -> Any:
        return self

    def __hash__(self) -> int:
        return 2**61 - 7


#: The pandas-like missing value used in the strategies.
NA = NAType()

#: Unit spellings a real data set may hold, for the analytes lupusscore knows.
VALID_UNITS: tuple[str, ...] = (
    "mg/dL",
    "umol/L",
    "µmol/L",
    "mg/L",
    "g/L",
    "mg/g",
    "g/g",
    "mg/mmol",
    "mg/mg",
    "g/day",
    "mg/day",
    "g/24h",
    "IU/mL",
    "10^9/L",
    "10*9/L",
    "/HPF",
    "%",
    "mL/min/1.73m2",
    "mg/g{creat}",
)

#: Unit strings that must be rejected cleanly (or accepted where unambiguous).
HOSTILE_UNITS: tuple[str, ...] = (
    "",
    " ",
    "MG/DL",
    "Mg/dl",
    "mg/g{creat}",
    "mg/g{",
    "mg/g}{",
    "{}",
    "µmol/L",
    "μmol/L",  # Greek mu, not micro sign
    "10*9/L",
    "10**9/L",
    "10^-400/L",
    "1e400 umol/L",
    "1e-400 umol/L",
    "-1 mg/dL",
    "0 mg/dL",
    "nan mg/dL",
    "inf mg/dL",
    "mg/dL mg/dL",
    "mg//dL",
    "mg/0",
    "kg",
    "K",
    "degC",
    "mol",
    "hour",
    "__import__('os')",
    "mg/dL\x00",
    "mg/dL\n",
    "ｍｇ/ｄＬ",  # fullwidth
    "毫克/分升",
    "mg/dL" * 200,
    "(" * 300 + "mg" + ")" * 300,
)

#: Unit strings that may hang the parser today; only ever run with a timeout.
HANG_RISK_UNITS: tuple[str, ...] = ("10**10**8 mg/dL", "10**10**10 umol/L")


def valid_floats(low: float = 0.1, high: float = 100.0) -> st.SearchStrategy[float]:
    """Return finite floats in ``[low, high]`` (a plausible clinical range)."""
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def hostile_floats() -> st.SearchStrategy[float]:
    """Return the float edge cases: NaN, ±inf, huge, subnormal, signed zero."""
    return st.one_of(
        st.sampled_from(
            [
                float("nan"),
                float("inf"),
                float("-inf"),
                1e308,
                -1e308,
                5e-324,
                -5e-324,
                0.0,
                -0.0,
                -1.0,
                1e-300,
                2.0**53 + 1,
            ]
        ),
        st.floats(allow_nan=True, allow_infinity=True),
    )


def bools_any() -> st.SearchStrategy[Any]:
    """Return Python and numpy booleans."""
    return st.sampled_from([True, False, np.True_, np.False_])


def numpy_scalars() -> st.SearchStrategy[Any]:
    """Return numpy scalars of several dtypes, finite and not."""
    return st.one_of(
        st.integers(-(2**31), 2**31 - 1).map(np.int64),
        st.integers(0, 255).map(np.uint8),
        st.floats(allow_nan=True, allow_infinity=True, width=32).map(np.float32),
        st.floats(allow_nan=True, allow_infinity=True).map(np.float64),
        st.sampled_from([np.float16(65504), np.longdouble(1.5), np.complex128(1 + 2j)]),
        st.sampled_from([np.datetime64("NaT"), np.datetime64("2024-01-01")]),
        st.sampled_from([np.str_("1.0"), np.bytes_(b"1.0")]),
    )


def big_ints() -> st.SearchStrategy[int]:
    """Return integers far beyond float range (up to 400 digits) and their negatives."""
    return st.sampled_from([10**400, -(10**400), 2**64, -(2**63) - 1, 10**309])


def na_values() -> st.SearchStrategy[Any]:
    """Return the missing-value spellings: None, NaN, NaT, pandas-like NA."""
    return st.sampled_from(
        [None, float("nan"), np.nan, NA, np.datetime64("NaT"), np.float64("nan")]
    )


def hostile_strings() -> st.SearchStrategy[str]:
    """Return numbers-as-strings, blanks, unicode and arbitrary text."""
    return st.one_of(
        st.sampled_from(
            [
                "",
                " ",
                "1",
                "1.0",
                "0",
                "-1",
                "nan",
                "NaN",
                "inf",
                "-inf",
                "1e400",
                "yes",
                "no",
                "true",
                "True",
                "None",
                "null",
                "NA",
                "1,5",
                "٣",  # Arabic-Indic digit three
                "①",
                "\x00",
                "\ud7ff",
                "🙂",
                "a" * 1000,
            ]
        ),
        st.text(max_size=20),
    )


def hostile_units() -> st.SearchStrategy[str]:
    """Return unit strings that should be accepted or rejected cleanly."""
    return st.one_of(st.sampled_from(HOSTILE_UNITS), st.text(max_size=12))


def valid_units() -> st.SearchStrategy[str]:
    """Return real unit spellings."""
    return st.sampled_from(VALID_UNITS)


def hostile_arrays() -> st.SearchStrategy[Any]:
    """Return 0-d, empty, 2-D, object, bool and string arrays, and ragged lists."""
    return st.sampled_from(
        [
            np.array(1.0),
            np.array(np.nan),
            np.array([]),
            np.zeros((0, 3)),
            np.ones((2, 2)),
            np.array([1.0, np.nan, np.inf]),
            np.array([1, None, "x"], dtype=object),
            np.array([None, None], dtype=object),
            np.array([True, False]),
            np.array(["1.0", "2.0"]),
            np.array([1e308, 1e308]),
            np.array([5e-324, -0.0]),
            np.array([1, 2, 3], dtype=np.int8),
            np.arange(10**3, dtype=float),
            np.array([np.datetime64("2024-01-01")]),
            [1.0, 2.0],
            [1.0, [2.0]],
            [[1.0, 2.0], [3.0]],
            (),
            [],
            [None],
        ]
    )


def hostile_containers() -> st.SearchStrategy[Any]:
    """Return dicts, lists, sets, bytes, deeply nested and unhashable values."""
    nested: Any = [1.0]
    for _ in range(200):
        nested = [nested]
    return st.sampled_from(
        [
            {},
            {"a": 1},
            {"value": float("nan")},
            [{}],
            {1, 2},
            frozenset(),
            b"1.0",
            bytearray(b"x"),
            nested,
            object(),
            print,
            type,
            Ellipsis,
            NotImplemented,
            1 + 2j,
            range(3),
            iter([1, 2]),
        ]
    )


def valid_dates() -> st.SearchStrategy[dt.date]:
    """Return calendar dates inside the range the models accept (1900-2100)."""
    return st.dates(dt.date(1950, 1, 1), dt.date(2050, 12, 31))


def far_dates() -> st.SearchStrategy[dt.date]:
    """Return the extreme dates: year 1, 9999 and the edges of the range."""
    return st.sampled_from(
        [
            dt.date.min,
            dt.date.max,
            dt.date(1, 1, 1),
            dt.date(9999, 12, 31),
            dt.date(1899, 12, 31),
            dt.date(2101, 1, 1),
            dt.date(2000, 2, 29),
        ]
    )


def tz_datetimes() -> st.SearchStrategy[dt.datetime]:
    """Return timezone-aware and naive datetimes, including the extremes."""
    return st.one_of(
        st.datetimes(
            dt.datetime(1950, 1, 1),
            dt.datetime(2050, 1, 1),
            timezones=st.sampled_from(
                [
                    dt.UTC,
                    dt.timezone(dt.timedelta(hours=14)),
                    dt.timezone(dt.timedelta(hours=-12)),
                ]
            ),
        ),
        st.sampled_from(
            [
                dt.datetime.min,
                dt.datetime.max,
                dt.datetime(
                    9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-1))
                ),
                dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            ]
        ),
    )


def iso_strings() -> st.SearchStrategy[str]:
    """Return ISO 8601 and SDTM-style date strings, valid and not."""
    return st.sampled_from(
        [
            "2024-01-15",
            "2024-01-15T08:30",
            "2024-01-15T08:30:00+14:00",
            "2024-01-15T08:30:00Z",
            "2024-01",
            "2024",
            "2024-02-30",
            "0001-01-01",
            "9999-12-31",
            "15/01/2024",
            "2024-W03",
            "--",
            "",
        ]
    )


def dates_any() -> st.SearchStrategy[Any]:
    """Return valid, far, timezone-aware and string dates mixed."""
    return st.one_of(valid_dates(), far_dates(), tz_datetimes(), iso_strings())


def hostile_scalars() -> st.SearchStrategy[Any]:
    """Return every scalar-like hostile value."""
    return st.one_of(
        hostile_floats(),
        bools_any(),
        numpy_scalars(),
        big_ints(),
        na_values(),
        hostile_strings(),
        st.integers(-(10**6), 10**6),
    )


def hostile() -> st.SearchStrategy[Any]:
    """Return any hostile value: scalars, arrays, containers, units, dates."""
    return st.one_of(
        hostile_scalars(),
        hostile_arrays(),
        hostile_containers(),
        hostile_units(),
        dates_any(),
    )
