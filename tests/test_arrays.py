"""The sorting and searching helpers of the cohort kernels equal numpy's calls."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupusscore._arrays import lexsort_stable, searchsorted_runs

_EDGES = [0, 1, 2, -1, 2**31, -(2**62), 2**62, 2**63 - 1, -(2**63)]
_VALUES = st.one_of(st.integers(-4, 4), st.sampled_from(_EDGES))


@settings(max_examples=150)
@given(
    st.integers(1, 3).flatmap(
        lambda k: st.lists(st.tuples(*[_VALUES] * k), max_size=15).map(
            lambda rows: (k, rows)
        )
    )
)
def test_lexsort_stable_is_lexsort(case: tuple[int, list[tuple[int, ...]]]) -> None:
    """Any number of int64 keys, any values (overflow included): lexsort's order."""
    k, rows = case
    keys = tuple(np.array([r[i] for r in rows], dtype=np.int64) for i in range(k))
    assert lexsort_stable(keys).tolist() == np.lexsort(keys).tolist()


def test_lexsort_stable_makes_one_stable_sort_where_the_key_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Narrow keys: no lexsort is called (the reason the helper exists)."""
    calls: list[object] = []
    real = np.lexsort
    monkeypatch.setattr(np, "lexsort", lambda *a, **kw: calls.append(a) or real(*a))
    rng = np.random.default_rng(7)
    keys = (rng.integers(0, 400, 500), rng.integers(0, 50, 500))
    got = lexsort_stable(keys)
    assert calls == []
    assert got.tolist() == real(keys).tolist()


@settings(max_examples=100)
@given(
    st.lists(st.integers(-5, 5), max_size=12),
    st.lists(st.integers(-6, 6), max_size=20),
    st.sampled_from(["left", "right"]),
)
def test_searchsorted_runs_is_searchsorted(
    a: list[int], v: list[int], side: str
) -> None:
    """Each query's position is numpy's, runs or not."""
    sorted_a = np.sort(np.array(a, dtype=np.int64))
    q = np.sort(np.array(v, dtype=np.int64))
    got = searchsorted_runs(sorted_a, q, side="left" if side == "left" else "right")
    assert got.tolist() == np.searchsorted(sorted_a, q, side=side).tolist()
