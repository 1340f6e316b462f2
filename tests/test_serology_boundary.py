"""Serology entry points hold the input boundary (issue 10).

A missing titre or value is never read as negative, flags are flags, numbers
are numbers, vectorised functions take ``missing=``, and wrong object types
or options get the library's error, never a bare TypeError/AttributeError.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import InvalidValueError, LabResult, LupusScoreError
from lupusscore.results import Comparator
from lupusscore.serology import (
    AnaTiter,
    AssayCutoff,
    Censoring,
    ana_positive,
    ana_positive_kernel,
    classify_sle_eular_acr_2019,
    compare,
    complement_change,
    complement_normalised,
    dsdna_change,
    dsdna_increased,
    format_ana_titer,
    lab_change,
    low_complement,
    lower_limit,
    parse_ana_titer,
    relative_change,
    same_assay,
    seroconversion,
    serological_activity,
)

# The deprecated aliases keep their old behaviour; these tests still cover them.
pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:lupusscore.serology.relative_change:DeprecationWarning"
    ),
    pytest.mark.filterwarnings(
        "ignore:lupusscore.serology.same_assay:DeprecationWarning"
    ),
]

C3 = LabResult(
    analyte="c3", value=0.7, unit="g/L", date="2024-01-05", reference_low=0.9
)
DSDNA = LabResult(
    analyte="anti_dsdna",
    value=42,
    unit="IU/mL",
    date="2024-01-05",
    reference_high=10,
)
DSDNA_LATER = LabResult(
    analyte="anti_dsdna", value=4, unit="IU/mL", date="2024-03-05", reference_high=10
)


# --- point 3: a missing value never reads as "no" ----------------------------


@pytest.mark.parametrize("value", [math.nan, None, math.inf])
def test_serology_compare_missing_titre_is_not_negative(value: object) -> None:
    """``serology.compare(nan, 0.9, LT)`` raises; it used to return False."""
    with pytest.raises(InvalidValueError, match="observed"):
        compare(value, 0.9, Comparator.LT)  # type: ignore[arg-type]


def test_ana_kernel_missing_titre_is_never_negative() -> None:
    """A NaN titre raises by default (naming index and count), never False."""
    with pytest.raises(InvalidValueError) as info:
        ana_positive_kernel(np.array([160.0, np.nan, 40.0, np.nan]))
    assert (info.value.index, info.value.count) == (1, 2)
    with pytest.raises(InvalidValueError):
        ana_positive_kernel(math.nan)


def test_ana_kernel_propagate_gives_nan_per_element() -> None:
    """``missing="propagate"`` gives 1/0/NaN per titre."""
    out = ana_positive_kernel(np.array([40.0, 80.0, np.nan]), missing="propagate")
    assert out[:2].tolist() == [0.0, 1.0]
    assert math.isnan(out[2])


@given(st.lists(st.one_of(st.just(math.nan), st.floats(1.0, 1e6)), min_size=1))
def test_ana_kernel_never_answers_for_a_missing_titre(titres: list[float]) -> None:
    """Raise mode answers only when every titre is present; propagate keeps NaN."""
    arr = np.array(titres)
    absent = np.isnan(arr)
    if absent.any():
        with pytest.raises(InvalidValueError):
            ana_positive_kernel(arr)
    else:
        assert ana_positive_kernel(arr).tolist() == (arr >= 80).tolist()
    out = ana_positive_kernel(arr, missing="propagate")
    assert np.array_equal(np.isnan(out), absent)


def test_ana_threshold_nan_is_not_a_silent_answer() -> None:
    """``threshold=nan`` is rejected instead of making every result undecidable."""
    with pytest.raises(InvalidValueError, match="threshold"):
        ana_positive(">=1:40", threshold=math.nan)  # type: ignore[arg-type]


# --- point 2: numbers are numbers, flags are flags --------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: ana_positive_kernel(True),  # type: ignore[call-overload]
        lambda: ana_positive_kernel(np.array(["80"])),  # type: ignore[call-overload]
        lambda: ana_positive("1:80", threshold=True),
        lambda: relative_change(True, 1.0),
        lambda: relative_change("1", 1.0),
        lambda: low_complement(C3, use_default="no"),  # type: ignore[arg-type]
        lambda: lower_limit(C3, use_default=1),  # type: ignore[arg-type]
        lambda: complement_normalised(C3, C3, use_default="yes"),  # type: ignore[arg-type]
        lambda: seroconversion(DSDNA, DSDNA_LATER, across_assays="yes"),  # type: ignore[arg-type]
        lambda: serological_activity([C3], use_default="no"),  # type: ignore[arg-type]
        lambda: classify_sle_eular_acr_2019(ana=1, criteria={}),  # type: ignore[arg-type]
        lambda: classify_sle_eular_acr_2019(ana=True, criteria={"fever": 1}),  # type: ignore[dict-item]
        lambda: AnaTiter(True),  # type: ignore[arg-type]
    ],
)
def test_bools_strings_and_ints_are_not_numbers_or_flags(call: Any) -> None:
    """Where a number is meant a bool/string is rejected, and vice versa."""
    with pytest.raises(InvalidValueError):
        call()


def test_numpy_bools_are_flags_in_classification() -> None:
    """numpy booleans from a data frame are accepted as flags."""
    r = classify_sle_eular_acr_2019(
        ana=np.bool_(True), criteria={"fever": np.bool_(True)}
    )
    assert r.points == 2


# --- point 4: vectorised serology takes missing= ----------------------------


def test_relative_change_missing_modes() -> None:
    """A missing baseline raises by default (index, count); propagate gives NaN."""
    with pytest.raises(InvalidValueError) as info:
        relative_change([1.0, math.nan, None], [2.0, 2.0, 2.0])
    assert (info.value.index, info.value.count) == (1, 2)
    absolute, percent = relative_change(
        [1.0, math.nan], [2.0, 2.0], missing="propagate"
    )
    assert absolute[0] == 1.0
    assert math.isnan(absolute[1])
    assert math.isnan(percent[1])


def test_relative_change_overflow_is_an_error_not_inf() -> None:
    """A change that overflows float range is an error, never ``inf``."""
    with pytest.raises(InvalidValueError, match="change"):
        relative_change(-1e308, 1e308)


# --- point 5: wrong types and bad options ------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: low_complement({"analyte": "c3"}),  # type: ignore[arg-type]
        lambda: lower_limit("c3"),  # type: ignore[arg-type]
        lambda: dsdna_increased(None),  # type: ignore[arg-type]
        lambda: dsdna_increased(DSDNA, cutoff="bliss_iu_ml"),  # type: ignore[arg-type]
        lambda: same_assay(DSDNA, "x"),  # type: ignore[arg-type]
        lambda: lab_change(DSDNA, None),  # type: ignore[arg-type]
        lambda: complement_change(C3, {}),  # type: ignore[arg-type]
        lambda: dsdna_change([], DSDNA),  # type: ignore[arg-type]
        lambda: seroconversion({}, DSDNA_LATER),  # type: ignore[arg-type]
        lambda: seroconversion(DSDNA, DSDNA_LATER, cutoff={}),  # type: ignore[arg-type]
        lambda: serological_activity(DSDNA),  # type: ignore[arg-type]
        lambda: serological_activity(None),  # type: ignore[arg-type]
        lambda: serological_activity([DSDNA, {}]),  # type: ignore[list-item]
        lambda: ana_positive(160),  # type: ignore[arg-type]
        lambda: ana_positive({"titre": "1:80"}),  # type: ignore[arg-type]
        lambda: format_ana_titer("1:160"),  # type: ignore[arg-type]
        lambda: AnaTiter(160, "x"),  # type: ignore[arg-type]
        lambda: parse_ana_titer("1:" + "9" * 5000),
        lambda: ana_positive_kernel(80.0, missing="drop"),  # type: ignore[call-overload]
        lambda: compare(1.0, 2.0, "=<"),
        lambda: classify_sle_eular_acr_2019(ana=True, criteria=["fever"]),  # type: ignore[arg-type]
        lambda: classify_sle_eular_acr_2019(ana=True, criteria={("x",): True}),  # type: ignore[dict-item]
        lambda: AssayCutoff(
            name="x",
            family="international_units",
            threshold=30,
            comparator="=>",
            source="s",
        ),  # type: ignore[arg-type]
        lambda: AssayCutoff(
            name="x",
            family="international_units",
            threshold=math.nan,
            comparator=Comparator.GE,
            source="s",
        ),
    ],
)
def test_wrong_types_and_options_are_library_errors(call: Any) -> None:
    """Wrong objects, unknown options and hostile text raise a LupusScoreError."""
    with pytest.raises(LupusScoreError):
        call()


def test_assay_cutoff_accepts_comparator_text() -> None:
    """A protocol's own cut-off may spell its comparator as text."""
    cut = AssayCutoff(
        name="protocol",
        family="international_units",
        threshold=30,
        comparator=">=",  # type: ignore[arg-type]
        source="protocol",
    )
    assert cut.comparator is Comparator.GE
    assert dsdna_increased(DSDNA, cutoff=cut).met is True


def test_ana_titer_censoring_text_round_trips() -> None:
    """``AnaTiter(160, "<")`` is the same titre as ``parse_ana_titer("<1:160")``."""
    titer = AnaTiter(np.int64(160), "<")  # type: ignore[arg-type]
    assert titer == parse_ana_titer("<1:160")
    assert titer.censoring is Censoring.BELOW
    assert format_ana_titer(titer) == "<1:160"


def test_huge_ana_threshold_is_a_library_error() -> None:
    """A threshold too large for a float is InvalidValueError, not OverflowError."""
    with pytest.raises(InvalidValueError, match="threshold"):
        ana_positive("1:80", threshold=10**400)


@pytest.mark.parametrize("value", [[], np.array([]), [1.0], np.zeros((2, 2))])
def test_array_where_one_value_is_meant_is_a_library_error(value: object) -> None:
    """An (empty) array as a threshold or flag is InvalidValueError, not numpy's."""
    with pytest.raises(InvalidValueError):
        ana_positive_kernel(80.0, threshold=value)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        AssayCutoff(
            name="x",
            family="international_units",
            threshold=value,  # type: ignore[arg-type]
            comparator=Comparator.GE,
            source="s",
        )
    with pytest.raises(InvalidValueError):
        low_complement(C3, use_default=value)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        seroconversion(DSDNA, DSDNA_LATER, across_assays=value)  # type: ignore[arg-type]
