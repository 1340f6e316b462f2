"""Response and flare kernels: one boundary (``lupusscore._checks``), library errors.

Issue 10, items 1 and 2 for the response package: a bool or string where a
number is meant, infinity, a bad flag and mismatched shapes are
``InvalidValueError`` naming the first bad index and how many are bad; missing
(None / NaN) stays *not evaluable* per element; unknown or unhashable
definition ids and bad batch indices are library errors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from lupusscore import (
    DefinitionError,
    InvalidValueError,
    LupusScoreError,
    RenalResponseBatch,
    RenalResponseResult,
    classify_renal_flare,
    classify_renal_response,
    get_definition,
    get_flare_definition,
)
from lupusscore.response import RenalFlareBatch

BASE: dict[str, Any] = {
    "upcr_g_g": 0.3,
    "baseline_upcr_g_g": 3.0,
    "egfr": 80.0,
    "reference_egfr": 82.0,
}


def _response(**changes: Any) -> RenalResponseResult | RenalResponseBatch:
    return classify_renal_response("kdigo-2024", **{**BASE, **changes})


@pytest.mark.parametrize(
    "value",
    ["0.3", b"0.3", [0.3, "0.4"], [0.3, True], np.array(["0.3"]), {"a": 1}, 1 + 2j],
)
def test_response_rejects_strings_bools_and_objects_where_a_number_is_meant(
    value: object,
) -> None:
    """``upcr_g_g="0.3"`` or ``[0.3, True]`` is an error (strings were parsed)."""
    with pytest.raises(InvalidValueError, match="upcr_g_g"):
        _response(upcr_g_g=value)


@pytest.mark.parametrize("value", ["1.2", [1.2, False]])
def test_flare_rejects_strings_and_bools_where_a_number_is_meant(
    value: object,
) -> None:
    """The flare kernel shares the boundary."""
    with pytest.raises(InvalidValueError, match="upcr_g_g"):
        classify_renal_flare("kdigo-2012", upcr_g_g=value, reference_upcr_g_g=0.3)


def test_array_errors_name_the_first_bad_index_and_the_count() -> None:
    """An infinite or negative element is located: index and number of bad rows."""
    with pytest.raises(InvalidValueError) as info:
        _response(egfr=[80.0, 70.0, np.inf, -1.0, 60.0])
    assert info.value.index == 2
    assert info.value.count == 2
    assert "at index 2" in str(info.value)
    assert "mL/min/1.73m2" in str(info.value)


def test_fractional_day_counts_name_their_index() -> None:
    """Day counts must be whole; the first fractional day count is located."""
    with pytest.raises(InvalidValueError) as info:
        classify_renal_response(
            "aurora",
            **BASE,
            glucocorticoid_mg_day=5.0,
            glucocorticoid_days_above_ceiling=[0, 1.5, 2.5],
        )
    assert (info.value.index, info.value.count) == (1, 2)


@pytest.mark.parametrize("flag", ["yes", 1, 2.0, [True, "no"], [1, 2]])
def test_bad_flags_are_rejected(flag: object) -> None:
    """A flag is True / False / None (or arrays of booleans or 0/1)."""
    with pytest.raises(InvalidValueError, match="rescue_therapy"):
        classify_renal_response(
            "bliss-ln", **BASE, glucocorticoid_mg_day=5.0, rescue_therapy=flag
        )


def test_mismatched_shapes_are_a_library_error_naming_the_shapes() -> None:
    """Shapes that do not broadcast name every input shape."""
    with pytest.raises(InvalidValueError) as info:
        _response(upcr_g_g=[0.3, 0.4], egfr=[80.0, 81.0, 82.0])
    assert "(2,)" in str(info.value)
    assert "(3,)" in str(info.value)


def test_missing_input_stays_not_evaluable_per_element() -> None:
    """None, NaN and pandas-style missing values are not evaluable, element-wise."""
    batch = _response(upcr_g_g=np.array([0.3, None, np.nan], dtype=object))
    assert isinstance(batch, RenalResponseBatch)
    assert batch.category.tolist() == ["complete", "not_evaluable", "not_evaluable"]
    assert batch.result(1).missing_inputs == ("upcr_g_g",)
    flags = classify_renal_flare(
        "moroni-nephritic",
        creatinine_mg_dl=[1.5, 1.5],
        reference_creatinine_mg_dl=1.0,
        active_sediment=[True, None],
    )
    assert isinstance(flags, RenalFlareBatch)
    assert flags.category.tolist()[1] == "not_evaluable"


def test_integer_flag_columns_are_accepted() -> None:
    """A data frame flag column of 0/1 integers is read as booleans."""
    batch = classify_renal_response(
        "bliss-ln",
        **BASE,
        glucocorticoid_mg_day=5.0,
        rescue_therapy=np.array([0, 1]),
    )
    assert isinstance(batch, RenalResponseBatch)
    assert batch.category.tolist() == ["complete", "none"]


@pytest.mark.parametrize("bad", [[], ["kdigo-2012"], {}, 3, None, "KDIGO 2012"])
def test_unknown_or_unhashable_flare_definition_is_a_definition_error(
    bad: object,
) -> None:
    """``get_flare_definition([])`` raised a bare TypeError."""
    with pytest.raises(DefinitionError, match="unknown renal flare definition"):
        get_flare_definition(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [[], ["kdigo-2024"], 3])
def test_non_string_response_definition_id_is_named_as_unknown(bad: object) -> None:
    """A list id is an unknown definition, not a 'parameter values' complaint."""
    with pytest.raises(DefinitionError, match="unknown renal response definition"):
        get_definition(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("index", [3, -4, (0, 0), (5,), "a", True, 1.5])
def test_bad_batch_index_is_a_library_error(index: object) -> None:
    """``batch.result(99)`` raised numpy's ValueError / IndexError."""
    batch = _response(upcr_g_g=[0.3, 1.2, 2.9])
    assert isinstance(batch, RenalResponseBatch)
    with pytest.raises(InvalidValueError, match="index"):
        batch.result(index)  # type: ignore[arg-type]


def test_negative_batch_index_counts_from_the_end() -> None:
    """``result(-1)`` is the last element, as in numpy."""
    batch = _response(upcr_g_g=[0.3, 1.2, 2.9])
    assert isinstance(batch, RenalResponseBatch)
    assert batch.result(-1) == batch.result(2) == batch.result((2,))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"upcr_g_g": "x"},
        {"egfr": [1.0, np.inf]},
        {"rescue_therapy": "no"},
        {"upcr_g_g": [[0.3], [0.4, 0.5]]},
        {"upcr_g_g": object()},
    ],
)
def test_no_bare_python_errors_escape(kwargs: dict[str, Any]) -> None:
    """Hostile kernel input raises a LupusScoreError, never TypeError & co."""
    with pytest.raises(LupusScoreError):
        classify_renal_response(
            "bliss-ln", **{**BASE, "glucocorticoid_mg_day": 5.0, **kwargs}
        )


def test_an_overflowed_ratio_is_above_every_threshold() -> None:
    """UPCR 1e300 against 1e-10 is a doubling: it read as "no flare" (inf * 0 = NaN)."""
    r = classify_renal_flare("upcr-doubling", upcr_g_g=1e300, reference_upcr_g_g=1e-10)
    assert r.category.value == "flare"


def test_extreme_inputs_raise_no_numpy_warning_and_stay_visible() -> None:
    """A reduction that overflows is -inf in the criterion (no RuntimeWarning)."""
    r = _response(upcr_g_g=1e308)
    assert isinstance(r, RenalResponseResult)
    assert r.category.value == "none"
    reduction = next(c for c in r.criteria if c.name == "partial.upcr_reduction")
    assert reduction.observed == -np.inf
    assert type(r).model_validate_json(r.model_dump_json()) == r


@pytest.mark.parametrize(
    "kwargs",
    [
        {"pre_flare_egfr": [80.0, 90.0]},
        {"pre_flare_egfr": "80"},
        {"pre_flare_egfr": True},
        {"pre_flare_creatinine_mg_dl": -1.0},
        {"withdrawn": [True, False]},
        {"withdrawn": "no"},
        {"rbc_casts": 1},
        {"egfr_decline_confirmed": np.zeros((2, 2))},
        {"equation": ["ckd-epi-2021"]},
    ],
)
def test_model_level_scalars_are_checked(kwargs: dict[str, Any]) -> None:
    """An array ``pre_flare_egfr`` raised AttributeError (a batch has no model_copy)."""
    from lupusscore import LabResult, Patient, Visit, evaluate_renal_response

    patient = Patient(id="P01", sex="female", birth_date="1985-03-02")
    visits = [
        Visit(
            participant_id="P01",
            date=day,
            labs=[LabResult(analyte="upcr", value=v, unit="g/g", date=day)],
        )
        for day, v in (("2020-01-06", 3.0), ("2021-01-04", 0.3))
    ]
    with pytest.raises(InvalidValueError):
        evaluate_renal_response(
            "bliss-ln", patient, visits, assessment_date="2021-01-04", **kwargs
        )


@pytest.mark.parametrize("source", [None, 3, True, b"{}", ["a.json"]])
def test_load_definition_of_a_wrong_type_is_a_definition_error(source: object) -> None:
    """``load_definition(None)`` raised a bare TypeError from pathlib."""
    from lupusscore.response import load_definition

    with pytest.raises(DefinitionError, match="source"):
        load_definition(source)  # type: ignore[arg-type]
