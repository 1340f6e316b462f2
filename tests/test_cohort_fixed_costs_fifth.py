"""The fifth pass over the outcome table's fixed costs: same answers as before.

Two shortcuts, each checked against the path it replaces:

- ``sledai_2k_visits`` reads the cohort's int8 flag codes (1 / 0 / -1) with
  one table look-up instead of a float conversion and a re-check; any other
  code still goes through ``as_tristate`` and its error;
- ``snap`` on an array works in one scratch buffer; every element equals the
  scalar ``snap`` of that element, bit for bit, for any shape.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.activity._cohort_kernel import _tristate_columns
from lupusscore.errors import InvalidValueError
from lupusscore.results import snap

_EDGES = [
    0.0,
    -0.0,
    float("nan"),
    float("inf"),
    -float("inf"),
    5e-324,
    -1e-310,
    1e-300,
    1.7976931348623157e308,
    0.1 + 0.2,
    -3.5,
    123456789.123456789,
]


@given(
    st.lists(st.integers(-1, 1), min_size=1, max_size=40),
    st.sampled_from([np.int8, np.int16, np.int64]),
)
def test_int_codes_read_as_their_tristate_values(codes: list[int], dtype: type) -> None:
    """Integer codes give what as_tristate gives for True / False / None."""
    arr = np.array(codes, dtype=dtype)
    objects = np.array([{1: True, 0: False, -1: None}[c] for c in codes], dtype=object)
    fast = _tristate_columns("visit_descriptors", {"rash": arr}, len(codes))
    slow = _tristate_columns("visit_descriptors", {"rash": objects}, len(codes))
    np.testing.assert_array_equal(fast, slow)
    assert fast.dtype == np.float64


@pytest.mark.parametrize("bad", [2, -2, 127, -128])
def test_other_int_codes_are_still_reported(bad: int) -> None:
    """A code other than 1 / 0 / -1 is our error, naming column and row."""
    arr = np.array([1, bad, 0], dtype=np.int8)
    with pytest.raises(InvalidValueError) as info:
        _tristate_columns("visit_descriptors", {"fever": arr}, 3)
    assert info.value.fields["field"] == "visit_descriptors['fever']"
    assert info.value.fields["index"] == 1


def test_huge_unsigned_codes_are_not_read_as_missing() -> None:
    """An unsigned code that would wrap to -1 as a signed integer is still an error."""
    arr = np.array([0, 2**64 - 1], dtype=np.uint64)
    with pytest.raises(InvalidValueError) as info:
        _tristate_columns("visit_descriptors", {"fever": arr}, 2)
    assert info.value.fields["index"] == 1


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from(_EDGES),
        ),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from([(-1,), (1, -1), (-1, 1)]),
)
def test_array_snap_equals_scalar_snap(
    values: list[float], shape: tuple[int, ...]
) -> None:
    """Each element of snap(array) is bit-identical to snap of that element."""
    arr = np.array(values, dtype=np.float64).reshape(shape)
    out = snap(arr)
    assert isinstance(out, np.ndarray)
    assert out.shape == arr.shape
    want = np.array([snap(float(v)) for v in arr.reshape(-1)]).reshape(shape)
    assert out.view(np.int64).tolist() == want.view(np.int64).tolist()


@pytest.mark.parametrize("value", [3, np.float32(2.5), np.array(0.3, dtype=np.float32)])
def test_snap_of_other_scalars_is_a_float(value: object) -> None:
    """A 0-d input that is not a float64 comes back as the float snap of its value."""
    out = snap(value)  # type: ignore[call-overload]
    assert type(out) is float
    assert out == snap(float(value))  # type: ignore[arg-type]
