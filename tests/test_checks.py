"""The boundary-check module: one rule and one phrasing for every entry point."""

from __future__ import annotations

import math
import pickle
import warnings
from enum import Enum

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import _checks as checks
from lupusscore.errors import (
    InvalidValueError,
    LupusScoreError,
    OutsideValidatedRangeWarning,
)


class NAType:
    """Stand-in for pandas.NA, recognised by type name (pandas is optional)."""


class NaTType:
    """Stand-in for pandas.NaT."""


class Colour(Enum):
    """A small enum for as_choice."""

    RED = "red"
    BLUE = "blue"


@pytest.mark.parametrize(
    "bad",
    [True, False, np.bool_(True), np.array([True, False]), [True, 1.0]],
    ids=["True", "False", "np.True_", "bool array", "list with bool"],
)
def test_as_floats_rejects_booleans(bad: object) -> None:
    """A boolean is never a number (True is not 1 mg/dL)."""
    with pytest.raises(InvalidValueError, match=r"boolean|finite number"):
        checks.as_floats("scr_mg_dl", bad, unit="mg/dL")


@pytest.mark.parametrize(
    "bad",
    ["1.2", b"1.2", np.array(["1.2"]), {"a": 1}, {1.0}, [1.0, "x"], [[1, 2], [3]]],
    ids=["str", "bytes", "str array", "dict", "set", "mixed list", "ragged"],
)
def test_as_floats_rejects_non_numbers(bad: object) -> None:
    """Strings, mappings, sets and ragged lists are errors, not numbers."""
    with pytest.raises(InvalidValueError) as info:
        checks.as_floats("x", bad)
    assert info.value.field == "x"


def test_as_floats_accepts_numpy_scalars_and_ints() -> None:
    """numpy scalars and integers are numbers."""
    out = checks.as_floats("x", [np.int64(2), np.float32(1.5), 3])
    assert out.dtype == np.float64
    assert out.tolist() == [2.0, 1.5, 3.0]
    assert checks.as_floats("x", np.float32(2.5)).ndim == 0


def test_as_floats_names_first_bad_index_and_count() -> None:
    """Array errors name the first offending index and how many are bad."""
    with pytest.raises(InvalidValueError) as info:
        checks.as_floats("scr", [1.0, -1.0, 2.0, -3.0], positive=True, unit="mg/dL")
    err = info.value
    assert err.index == 1
    assert err.count == 2
    assert "at index 1" in str(err)
    assert "2 element(s) bad" in str(err)
    assert "mg/dL" in str(err)


def test_as_floats_2d_index_is_a_tuple() -> None:
    """In 2-D the index is a tuple."""
    with pytest.raises(InvalidValueError) as info:
        checks.as_floats("x", [[1.0, 2.0], [3.0, math.inf]])
    assert info.value.index == (1, 1)


@pytest.mark.parametrize("missing", [None, math.nan, NAType(), NaTType()])
def test_missing_raises_unless_allowed(missing: object) -> None:
    """Missing values raise by default and become NaN when allowed."""
    with pytest.raises(InvalidValueError, match="missing"):
        checks.as_floats("x", missing)
    with pytest.raises(InvalidValueError, match="missing"):
        checks.as_floats("x", [1.0, missing])
    out = checks.as_floats("x", [1.0, missing], allow_missing=True)
    assert out[0] == 1.0
    assert math.isnan(out[1])


@pytest.mark.parametrize("value", [math.inf, -math.inf, [1.0, math.inf]])
def test_infinity_is_never_missing(value: object) -> None:
    """Infinity is an error even where missing values are allowed."""
    with pytest.raises(InvalidValueError):
        checks.as_floats("x", value, allow_missing=True)


def test_huge_integer_is_a_clear_error() -> None:
    """A 400-digit integer does not overflow inside numpy."""
    with pytest.raises(InvalidValueError) as info:
        checks.as_floats("x", 10**400)
    assert len(str(info.value)) < 300


def test_integer_and_nonnegative() -> None:
    """Whole-number and >= 0 requirements."""
    assert checks.as_floats("n", [0, 2], integer=True, nonnegative=True).tolist() == [
        0.0,
        2.0,
    ]
    with pytest.raises(InvalidValueError, match="integer"):
        checks.as_floats("n", 1.5, integer=True)
    with pytest.raises(InvalidValueError, match=">= 0"):
        checks.as_floats("n", -1, nonnegative=True)


def test_as_flags() -> None:
    """Flags are booleans or 0/1 integer arrays; nothing else."""
    assert checks.as_flags("female", True).item() is True
    assert checks.as_flags("female", np.array([1, 0])).tolist() == [True, False]
    assert checks.as_flags("female", [True, False]).tolist() == [True, False]
    for bad in (1, 0, "yes", "1", None, math.nan, np.array([0, 2]), [True, None]):
        with pytest.raises(InvalidValueError):
            checks.as_flags("female", bad)


def test_as_tristate() -> None:
    """Tri-state flags: True/False/None as 1/0/NaN; strings and numbers rejected."""
    out = checks.as_tristate("arthritis", [True, None, False, NAType()])
    assert out[0] == 1.0
    assert math.isnan(out[1])
    assert out[2] == 0.0
    assert math.isnan(out[3])
    assert math.isnan(float(checks.as_tristate("x", None)))
    for bad in ("yes", "1", 1, 0, 2.0, np.array([0.5]), [True, "no"]):
        with pytest.raises(InvalidValueError):
            checks.as_tristate("arthritis", bad)


def test_as_count() -> None:
    """Counts are whole numbers in range; bools and strings are not counts."""
    assert checks.as_count("joints", 3) == 3
    assert checks.as_count("joints", np.int64(3)) == 3
    assert checks.as_count("joints", 3.0) == 3
    for bad in (True, "3", 3.5, math.nan, -1, None):
        with pytest.raises(InvalidValueError):
            checks.as_count("joints", bad)
    with pytest.raises(InvalidValueError, match=r"0\.\.5"):
        checks.as_count("joints", 6, maximum=5)


def test_as_choice() -> None:
    """Unknown, unhashable or wrongly typed options are library errors."""
    assert checks.as_choice("colour", "red", Colour) is Colour.RED
    assert checks.as_choice("colour", Colour.BLUE, Colour) is Colour.BLUE
    assert checks.as_choice("specimen", "spot", ("spot", "24h")) == "spot"
    for bad in ("green", [], {}, None, 3, "RED"):
        with pytest.raises(InvalidValueError, match="one of"):
            checks.as_choice("colour", bad, Colour)


def test_missing_mode() -> None:
    """The missing= argument is checked like any other choice."""
    assert checks.as_missing_mode("propagate") == "propagate"
    with pytest.raises(InvalidValueError, match="'raise', 'propagate'"):
        checks.as_missing_mode("ignore")


def test_broadcast_mismatch_names_shapes() -> None:
    """Mismatched shapes are one library error naming every shape."""
    a, b = checks.broadcast(scr=np.ones(3), age=np.asarray(40.0))
    assert a.shape == b.shape == (3,)
    with pytest.raises(InvalidValueError, match=r"scr \(3,\), age \(2,\)"):
        checks.broadcast(scr=np.ones(3), age=np.ones(2))


def test_finite_result_rejects_overflow_and_underflow() -> None:
    """Overflow to inf and underflow to 0 are errors; NaN passes (missing)."""
    ok = checks.finite_result("egfr", np.array([50.0, math.nan]))
    assert ok[0] == 50.0
    with pytest.raises(InvalidValueError, match="overflowed"):
        checks.finite_result("egfr", np.array([1.0, math.inf]))
    with pytest.raises(InvalidValueError) as info:
        checks.finite_result("egfr", np.array([1.0, 2.0, 0.0]))
    assert info.value.index == 2
    assert checks.finite_result("chg", np.asarray(0.0), positive=False) == 0.0


def test_plausible_age() -> None:
    """Ages over a human lifespan warn, or raise with strict=True."""
    checks.check_plausible_age("age_years", np.array([40.0, math.nan]), strict=False)
    with pytest.warns(OutsideValidatedRangeWarning, match="200"):
        checks.check_plausible_age("age_years", np.array([40.0, 200.0]), strict=False)
    with pytest.raises(InvalidValueError, match="strict"):
        checks.check_plausible_age("age_years", np.asarray(200.0), strict=True)


def test_errors_pickle_with_index() -> None:
    """Errors carrying index and count survive pickling."""
    with pytest.raises(InvalidValueError) as info:
        checks.as_floats("x", [1.0, math.inf])
    clone = pickle.loads(pickle.dumps(info.value))
    assert str(clone) == str(info.value)
    assert clone.index == 1


def test_hostile_repr_does_not_hide_the_error() -> None:
    """A value whose repr raises still gives the library's error."""

    class Hostile:
        def __repr__(self) -> str:
            msg = "boom"
            raise RuntimeError(msg)

    with pytest.raises(InvalidValueError, match="Hostile"):
        checks.as_floats("x", Hostile())


_ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.lists(st.one_of(st.floats(), st.booleans(), st.none()), max_size=4),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@given(_ANY)
def test_checks_raise_only_library_errors(value: object) -> None:
    """Whatever comes in, the checks return clean data or a LupusScoreError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for check in (
            lambda v: checks.as_floats("x", v, allow_missing=True),
            lambda v: checks.as_floats("x", v, positive=True),
            lambda v: checks.as_flags("x", v),
            lambda v: checks.as_tristate("x", v),
            lambda v: checks.as_count("x", v),
            lambda v: checks.as_choice("x", v, Colour),
        ):
            try:
                out = check(value)
            except LupusScoreError:
                continue
            if isinstance(out, np.ndarray) and out.dtype == np.float64:
                assert not np.any(np.isinf(out))


@given(
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers()),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_scalar_fast_path_equals_general_path(
    value: float, positive: bool, integer: bool, allow_missing: bool
) -> None:
    """A plain float/int gives what the general path gives for the same value."""

    def run(v: object) -> object:
        try:
            return checks.as_floats(
                "x", v, positive=positive, integer=integer, allow_missing=allow_missing
            ).tolist()
        except InvalidValueError as exc:
            return type(exc)

    general = np.asarray([value], dtype=object)[0:1]  # an object array: no fast path
    expected = run(general)
    got = run(value)
    if isinstance(expected, list):
        assert got == expected[0] or (math.isnan(got) and math.isnan(expected[0]))  # type: ignore[arg-type]
    else:
        assert got is expected
