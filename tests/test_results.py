"""Tri-state results: Kleene logic and round-off-safe comparisons."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.errors import InvalidValueError
from lupusscore.results import Comparator, Status, all_of, any_of, compare, snap

_S = list(Status)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(_S, _S)))
def test_kleene_truth_tables(a: Status, b: Status) -> None:
    """all_of / any_of follow three-valued logic (None = unknown)."""
    to_b = {Status.MET: True, Status.NOT_MET: False, Status.NOT_EVALUABLE: None}
    x, y = to_b[a], to_b[b]
    conj = False if False in (x, y) else (None if None in (x, y) else True)
    disj = True if True in (x, y) else (None if None in (x, y) else False)
    assert all_of([a, b]) is Status.of(conj)
    assert any_of([a, b]) is Status.of(disj)


def test_missing_never_becomes_not_met() -> None:
    """A conjunction of met and missing parts is not evaluable, not 'not met'."""
    assert all_of([Status.MET, Status.NOT_EVALUABLE]) is Status.NOT_EVALUABLE
    assert all_of([]) is Status.MET
    assert any_of([]) is Status.NOT_MET


@given(x=st.floats(min_value=1e-6, max_value=1e6))
def test_comparison_is_unit_round_off_safe(x: float) -> None:
    """x converted to another unit and back compares equal to x at the threshold."""
    there = x * 113.12 / 1000
    back = there * 1000 / 113.12
    assert Comparator.LE.apply(back, x).item() is True
    assert Comparator.GE.apply(back, x).item() is True


def test_snap_handles_tiny_and_huge_values() -> None:
    """Round-off-safe comparison works across the float range without warnings."""
    assert snap(1e-300) == pytest.approx(1e-300)
    assert snap(1e300) == pytest.approx(1e300)
    assert snap(0.0) == 0.0
    assert Comparator.LT.apply(1e-300, 0.5).item() is True


@pytest.mark.parametrize(
    "observed", [math.nan, None, math.inf, -math.inf, True, np.bool_(False), "0.5"]
)
def test_compare_never_reads_missing_as_no(observed: object) -> None:
    """``compare(nan, 0.9, LT)`` raises instead of returning False (issue 10).

    A missing ANA titre or complement value must not read as negative.
    """
    for comparator in Comparator:
        with pytest.raises(InvalidValueError, match="observed"):
            compare(observed, 0.9, comparator)  # type: ignore[arg-type]
        with pytest.raises(InvalidValueError, match="threshold"):
            compare(0.9, observed, comparator)  # type: ignore[arg-type]


def test_compare_array_missing_names_first_index_and_count() -> None:
    """An array with missing elements names the first one and how many."""
    with pytest.raises(InvalidValueError) as info:
        compare(np.array([0.5, np.nan, 1.0, np.nan]), 0.9, Comparator.LT)
    assert (info.value.index, info.value.count) == (1, 2)


@pytest.mark.parametrize("comparator", ["<=", Comparator.LE])
def test_compare_accepts_comparator_text(comparator: object) -> None:
    """The comparator may be given as its text."""
    assert compare(0.9, 0.9, comparator) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("comparator", ["=<", None, ["<"], 1])
def test_compare_bad_comparator_is_a_library_error(comparator: object) -> None:
    """An unknown or unhashable comparator is InvalidValueError, not AttributeError."""
    with pytest.raises(InvalidValueError, match="comparator"):
        compare(0.9, 0.9, comparator)  # type: ignore[arg-type]


def test_compare_shape_mismatch_is_a_library_error() -> None:
    """Shapes that do not broadcast are InvalidValueError naming both."""
    with pytest.raises(InvalidValueError, match="observed, threshold"):
        compare(np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0]), Comparator.LT)


@given(
    st.lists(
        st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.just(math.nan)),
        min_size=1,
        max_size=8,
    )
)
def test_compare_answers_only_when_every_value_is_present(values: list[float]) -> None:
    """compare answers for finite arrays and raises when any element is NaN."""
    arr = np.array(values)
    if np.isnan(arr).any():
        with pytest.raises(InvalidValueError):
            compare(arr, 0.0, Comparator.GE)
    else:
        assert compare(arr, 0.0, Comparator.GE).tolist() == (arr >= 0.0).tolist()


def _bits(x: float) -> int | str:
    """The float64 bit pattern (all NaNs alike), for bit-exact comparison."""
    return (
        "nan" if math.isnan(x) else int(np.asarray(x, dtype=np.float64).view(np.int64))
    )


_SNAP_EDGES = [
    0.0,
    -0.0,
    math.inf,
    -math.inf,
    math.nan,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    0.1 + 0.2,
    0.35 / 0.7,
    1.25,
    2.5,
    -2.5,
    0.5e-11,
    -0.5e-11,
    -1e-300,
    *(10.0**k for k in range(-323, 309)),
    *(float(np.nextafter(10.0**k, 0.0)) for k in range(-300, 300)),
    *(float(np.nextafter(10.0**k, math.inf)) for k in range(-300, 300)),
    *((i + 0.5) * 1e-11 for i in range(-50, 50)),
]


def test_snap_scalar_path_is_bit_identical_at_edges() -> None:
    """snap of a float / np.float64 / 0-d array equals the array path bit for bit.

    Edges: zeros of both signs, non-finite, subnormal and extreme values, every
    power of ten and its neighbours (where ``floor(log10)`` turns), and exact
    halves (round half to even).
    """
    array_path = snap(np.asarray(_SNAP_EDGES, dtype=np.float64))
    for x, expected in zip(_SNAP_EDGES, array_path.tolist(), strict=True):
        for given_as in (x, np.float64(x), np.asarray(x, dtype=np.float64)):
            got = snap(given_as)
            assert type(got) is float
            assert _bits(got) == _bits(expected), (x, got, expected)


@given(x=st.floats(allow_nan=True, allow_infinity=True))
def test_snap_scalar_path_is_bit_identical(x: float) -> None:
    """For any float, the scalar fast path of snap equals the array path exactly."""
    expected = float(snap(np.asarray([x], dtype=np.float64))[0])
    assert _bits(snap(x)) == _bits(expected)
    assert _bits(snap(np.asarray(x))) == _bits(expected)
