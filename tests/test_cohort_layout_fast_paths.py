"""The sixth pass over the cohort layout's fixed costs: same answers as before.

Each shortcut of ``lupusscore.cohort._columns`` is checked against the path it
stands in for, on random inputs, to the last element (codes, texts, masks and
their dtypes):

- text columns coded by Arrow (``_from_dictionary``): when no distinct string
  is blank and every code is -1 or in range, the rows are coded with one pass
  (``codes + 1`` for a sorted dictionary) instead of classifying every row;
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.cohort._columns import (
    _from_dictionary,
    _from_dictionary_general,
    _Text,
)

_WORDS = st.sampled_from(
    ["A", "B", "b", "SYN-0001", "SYN-0002", "Ä", " x", "x ", "", " ", "\t", "\u3000"]
)


def _same_text(a: _Text, b: _Text) -> None:
    """Assert two coded columns are equal element by element, dtypes included."""
    assert a.codes.dtype == b.codes.dtype
    np.testing.assert_array_equal(a.codes, b.codes)
    assert a.names.dtype == b.names.dtype
    assert a.names.tolist() == b.names.tolist()
    assert a.missing.dtype == b.missing.dtype == np.bool_
    np.testing.assert_array_equal(a.missing, b.missing)
    np.testing.assert_array_equal(a.bad, b.bad)


@given(st.lists(_WORDS, max_size=8, unique=True), st.data())
def test_dictionary_codes_equal_the_general_path(
    distinct: list[str], data: st.DataObject
) -> None:
    """Any dictionary (sorted or not, blanks or not) and any code: as before."""
    low = -min(2, len(distinct) + 1)
    codes = np.array(
        data.draw(st.lists(st.integers(low, len(distinct)), max_size=30)),
        dtype=np.int32,
    )
    _same_text(
        _from_dictionary(codes, distinct), _from_dictionary_general(codes, distinct)
    )


@given(st.lists(_WORDS, max_size=8, unique=True))
def test_dictionary_in_sorted_order_takes_the_shortcut(distinct: list[str]) -> None:
    """A sorted dictionary of non-blank ids gives the general path's coding."""
    ids = sorted(w for w in distinct if w.strip())
    codes = np.array([*range(len(ids)), -1, *range(len(ids))], dtype=np.int32)
    _same_text(_from_dictionary(codes, ids), _from_dictionary_general(codes, ids))


def test_blank_means_strip_gives_nothing() -> None:
    """``str.isspace`` (the shortcut's blank test) is ``not c.strip()``, any ``c``."""
    for point in range(0x110000):
        char = chr(point)
        assert char.isspace() == (not char.strip())
