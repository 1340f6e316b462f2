"""One change-from-reference kernel with one zero-reference rule (issue 11)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import LabResult, kidney, serology
from lupusscore.change import Change, change
from lupusscore.errors import InvalidValueError


def test_kidney_and_serology_share_one_kernel() -> None:
    """Kidney and serology export the same kernel object."""
    assert kidney.change is change
    assert serology.change is change
    assert kidney.Change is Change
    assert serology.Change is Change


def test_change_is_keyword_only() -> None:
    """The direction cannot be swapped by argument order."""
    assert change(reference=80.0, value=48.0) == (-32.0, -40.0)
    assert change(value=48.0, reference=80.0) == (-32.0, -40.0)
    with pytest.raises(TypeError):
        change(80.0, 48.0)  # type: ignore[misc]


def test_zero_reference_rule() -> None:
    """A zero reference: absolute change given, percent NaN (undefined), never inf."""
    scalar = change(reference=0.0, value=1.0)
    assert scalar.absolute == 1.0
    assert math.isnan(scalar.percent)
    arr = change(reference=[0.5, 0.0, 0.0], value=[0.25, 0.0, 2.0])
    assert np.asarray(arr.absolute).tolist() == [-0.25, 0.0, 2.0]
    pct = np.asarray(arr.percent)
    assert pct[0] == -50.0
    assert np.isnan(pct[1:]).all()


def test_zero_reference_rule_at_result_level() -> None:
    """Kidney and serology results both turn the NaN into None with the reason."""
    k = kidney.change_from_reference("upcr", 0.5, 0.0)
    assert k.percent_change is None
    assert k.absolute_change == 0.5
    assert "percent change undefined" in (k.reason or "")
    zero = LabResult(analyte="anti_dsdna", value=0, unit="IU/mL", date="2024-01-05")
    later = LabResult(analyte="anti_dsdna", value=30, unit="IU/mL", date="2024-03-05")
    s = serology.lab_change(zero, later)
    assert s.percent is None
    assert s.absolute == 30.0
    assert "percent change undefined" in (s.reason or "")


def test_missing_modes() -> None:
    """Missing raises with index and count, or propagates as NaN in both outputs."""
    with pytest.raises(InvalidValueError) as info:
        change(reference=[1.0, None, math.nan], value=[2.0, 2.0, 2.0])
    assert (info.value.field, info.value.index, info.value.count) == ("reference", 1, 2)
    out = change(reference=[1.0, None], value=[2.0, 2.0], missing="propagate")
    assert np.isnan(np.asarray(out.absolute)).tolist() == [False, True]
    assert np.isnan(np.asarray(out.percent)).tolist() == [False, True]


@given(
    st.lists(
        st.tuples(st.floats(0, 1e3), st.floats(0.01, 1e3)), min_size=1, max_size=20
    )
)
def test_deprecated_aliases_call_the_kernel(rows: list[tuple[float, float]]) -> None:
    """Both old names warn and return the kernel's numbers in their old order."""
    value, reference = (np.array(c) for c in zip(*rows, strict=True))
    expected = change(reference=reference, value=value)
    with pytest.warns(DeprecationWarning, match="percent_change"):
        pct = kidney.percent_change(value, reference)
    np.testing.assert_array_equal(pct, expected.percent)
    with pytest.warns(DeprecationWarning, match="relative_change"):
        absolute, percent = serology.relative_change(reference, value)
    np.testing.assert_array_equal(absolute, expected.absolute)
    np.testing.assert_array_equal(percent, expected.percent)


def test_deprecated_percent_change_keeps_its_positive_reference_contract() -> None:
    """The kidney alias still rejects a reference <= 0 (its documented contract)."""
    with (
        pytest.warns(DeprecationWarning, match="percent_change"),
        pytest.raises(InvalidValueError, match="undefined"),
    ):
        kidney.percent_change(1.0, 0.0)
