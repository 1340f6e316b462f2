"""Activity entry points hold the input boundary (issue 10).

Numbers are numbers, flags are flags, a missing value is never a silent "no",
array kernels take ``missing=`` and name the first bad row, and wrong object
types get the library's error, never a bare TypeError/AttributeError.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import DefinitionError, InvalidValueError, LupusScoreError, Visit
from lupusscore.activity import (
    doris_2017_clinical_remission_on_treatment,
    doris_2017_complete_remission,
    doris_remission,
    lab_descriptors,
    lldas,
    sledai_2k,
    sledai_2k_cohort,
    sledai_2k_visit,
    sri,
)
from lupusscore.models import SLEDAI_2K_DESCRIPTOR_NAMES

ABSENT: dict[str, bool | None] = dict.fromkeys(SLEDAI_2K_DESCRIPTOR_NAMES, False)
VISIT = Visit(participant_id="P01", date=dt.date(2024, 3, 1))


# --- point 2: flags are flags, numbers are numbers ---------------------------


@given(
    st.one_of(
        st.integers(),
        st.floats(allow_nan=False),
        st.text(),
        st.sampled_from(["yes", "no", "1", "0", "True"]),
    )
)
def test_descriptor_values_must_be_flags(value: object) -> None:
    """``"yes"``, ``1``, ``"1"`` or ``0.0`` is never read as a descriptor finding."""
    with pytest.raises(InvalidValueError, match="rash"):
        sledai_2k(ABSENT | {"rash": value})


def test_numpy_bools_and_nan_are_accepted_as_findings() -> None:
    """numpy booleans are flags; NaN (a data frame's missing cell) is not assessed."""
    r = sledai_2k(ABSENT | {"rash": np.bool_(True), "fever": math.nan})
    assert r.score == 2
    assert r.not_assessed == ("fever",)


def test_cohort_rejects_string_cells() -> None:
    """An ``(n, 24)`` array of text such as ``"1"`` is not an indicator array."""
    rows = np.zeros((2, 24)).astype(str)
    with pytest.raises(InvalidValueError, match="present"):
        sledai_2k_cohort(rows)


@pytest.mark.parametrize("value", [True, "90", np.bool_(False), b"90"])
def test_lab_descriptors_reject_bools_and_strings(value: object) -> None:
    """``platelets_10e9_l=True`` is not a platelet count of 1."""
    with pytest.raises(InvalidValueError, match="platelets_10e9_l"):
        lab_descriptors(platelets_10e9_l=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"use_upcr": "no"}, "use_upcr"),
        ({"use_upcr": 0}, "use_upcr"),
        ({"use_default_complement_limits": "yes"}, "use_default_complement_limits"),
        ({"window_days": "10"}, "window_days"),
        ({"window_days": True}, "window_days"),
        ({"inflamed_joints": 2.5}, "inflamed_joints"),
    ],
)
def test_visit_options_are_checked(kwargs: dict[str, Any], field: str) -> None:
    """``sledai_2k_visit`` options are strict (``"no"`` is truthy)."""
    with pytest.raises(InvalidValueError, match=field):
        sledai_2k_visit(VISIT, **kwargs)


def test_numpy_numbers_are_numbers_in_sri() -> None:
    """``np.int64`` scores and counts and ``np.float32`` PGA are accepted."""
    r = sri(
        np.int64(10),
        np.int64(4),
        new_bilag_a=np.int64(0),
        new_bilag_b=np.int64(1),
        baseline_pga=np.float32(1.0),
        followup_pga=np.float64(1.1),
    )
    assert r.status.value == "met"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"pga": "0.5"},
        {"pga": True},
        {"glucocorticoid_mg_day": "5"},
        {"glucocorticoid_mg_day": math.inf},
        {"new_features": "no"},
        {"new_features": 0},
        {"standard_maintenance_therapy": 1},
    ],
)
def test_lldas_inputs_are_strict(kwargs: dict[str, Any]) -> None:
    """LLDAS numbers and flags reject strings, bools-as-numbers and ints-as-flags."""
    args: dict[str, Any] = {"pga": 0.5, "glucocorticoid_mg_day": 5.0} | kwargs
    with pytest.raises(InvalidValueError, match=next(iter(kwargs))):
        lldas(None, **args)


def test_missing_pga_is_not_evaluable_not_an_error_or_a_no() -> None:
    """A NaN PGA (a data frame's missing cell) makes the PGA criterion not evaluable."""
    r = doris_remission(
        None, pga=math.nan, glucocorticoid_mg_day=2.0, stable_maintenance_therapy=True
    )
    assert r.criterion("pga_below_0_5").status.value == "not_evaluable"


# --- point 4: arrays take missing= and name the first bad row ---------------


def test_cohort_missing_raises_by_default_naming_row_and_count() -> None:
    """A not-assessed cell raises by default, naming the first row and the count."""
    rows = np.zeros((4, 24))
    rows[1, 0] = np.nan
    rows[3, 5] = np.nan
    with pytest.raises(InvalidValueError) as info:
        sledai_2k_cohort(rows)
    assert info.value.index == 1
    assert info.value.count == 2
    assert "seizure" in str(info.value)


def test_cohort_missing_propagate_scores_nan_per_row() -> None:
    """``missing="propagate"`` gives NaN for the incomplete row only."""
    rows = np.zeros((3, 24))
    rows[1, 0] = np.nan
    out = sledai_2k_cohort(rows, missing="propagate")
    assert out.score[0] == 0.0
    assert math.isnan(out.score[1])
    assert out.upper_bound[1] == 8.0


def test_lab_descriptors_missing_modes() -> None:
    """NaN in a given lab array raises by default and is NaN with propagate."""
    with pytest.raises(InvalidValueError) as info:
        lab_descriptors(platelets_10e9_l=[120.0, math.nan, math.nan])
    assert (info.value.index, info.value.count) == (1, 2)
    out = lab_descriptors(platelets_10e9_l=[99.0, math.nan], missing="propagate")[
        "thrombocytopenia"
    ]
    assert out[0] == 1.0
    assert math.isnan(out[1])


@pytest.mark.parametrize("missing", ["drop", None, ["raise"]])
def test_bad_missing_mode_is_a_library_error(missing: object) -> None:
    """An unknown or unhashable ``missing=`` is the library's error."""
    with pytest.raises(InvalidValueError, match="missing"):
        sledai_2k_cohort(np.zeros((1, 24)), missing=missing)  # type: ignore[arg-type]


# --- point 5: wrong types and bad enum-like arguments -------------------------


def test_lab_descriptors_shape_mismatch_is_a_library_error() -> None:
    """Arrays that do not broadcast name the shapes, not a numpy ValueError."""
    with pytest.raises(InvalidValueError, match="platelets_10e9_l"):
        lab_descriptors(platelets_10e9_l=[100.0, 120.0], wbc_10e9_l=[4.0, 5.0, 6.0])


@pytest.mark.parametrize(
    "call",
    [
        lambda: sledai_2k_visit(VISIT, None),  # type: ignore[arg-type]
        lambda: sledai_2k_visit(VISIT, VISIT),  # type: ignore[arg-type]
        lambda: sledai_2k_visit(VISIT, [{"participant_id": "P01"}]),  # type: ignore[list-item]
        lambda: sledai_2k_visit({"participant_id": "P01"}),  # type: ignore[arg-type]
        lambda: sledai_2k(ABSENT).descriptor(["rash"]),  # type: ignore[arg-type]
        lambda: sledai_2k({["rash"][0]: True}, new_or_recurrent=[1]),  # type: ignore[arg-type]
        lambda: lldas({"score": 0}, pga=0.1, glucocorticoid_mg_day=0),  # type: ignore[arg-type]
        lambda: doris_remission("quiet", pga=0.1, glucocorticoid_mg_day=0),  # type: ignore[arg-type]
        lambda: doris_2017_clinical_remission_on_treatment(
            [], pga=0.1, glucocorticoid_mg_day=0
        ),  # type: ignore[arg-type]
        lambda: doris_2017_complete_remission(
            None, pga=0.1, glucocorticoid_mg_day=0, serological_activity="no"
        ),  # type: ignore[arg-type]
        lambda: sri(10, 4, threshold=4.0),  # type: ignore[arg-type]
        lambda: sri(10, 4, threshold=[4]),  # type: ignore[arg-type]
        lambda: sri({"score": 10}, 4),  # type: ignore[arg-type]
        lambda: doris_remission(
            None, pga=0.1, glucocorticoid_mg_day=0, glucocorticoid_comparator=["<"]
        ),  # type: ignore[arg-type]
    ],
)
def test_wrong_types_are_library_errors(call: Any) -> None:
    """Wrong object types and odd options raise a LupusScoreError (a ValueError)."""
    with pytest.raises(LupusScoreError):
        call()


def test_sri_threshold_float_is_not_a_new_definition() -> None:
    """``threshold=4.0`` is rejected, not reported as definition ``sri-4.0``."""
    with pytest.raises(DefinitionError, match="threshold"):
        sri(10, 4, threshold=4.0)  # type: ignore[arg-type]


# --- point 6: a visit of another participant --------------------------------


def test_history_of_another_participant_names_both() -> None:
    """History from participant P02 scoring P01's visit names both participants."""
    other = Visit(participant_id="P02", date=dt.date(2024, 2, 28))
    with pytest.raises(InvalidValueError) as info:
        sledai_2k_visit(VISIT, [other])
    assert "P01" in str(info.value)
    assert "P02" in str(info.value)
    assert info.value.participant == "P01"


# --- overflow: counts and windows far outside float or date range ------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: sledai_2k(ABSENT, inflamed_joints=10**400),
        lambda: sledai_2k(ABSENT, window_days=10**400),
        lambda: sri(10, 4, new_bilag_a=10**400),
    ],
)
def test_huge_counts_are_library_errors_not_overflow(call: Any) -> None:
    """A count too large for a float is InvalidValueError, not OverflowError."""
    with pytest.raises(InvalidValueError):
        call()


@pytest.mark.parametrize("window_days", [800_000, 10**9])
def test_window_reaching_before_year_one_takes_every_lab(window_days: int) -> None:
    """A window longer than the calendar is every lab so far, not an OverflowError."""
    assert sledai_2k_visit(VISIT, window_days=window_days).window_days == window_days
