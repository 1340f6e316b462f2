"""Tri-state results: Kleene logic and round-off-safe comparisons."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.results import Comparator, Status, all_of, any_of, snap

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
