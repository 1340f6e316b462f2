"""Scalar fast paths give the results of the general (array) paths, bit for bit.

The per-call speed work of issue 12 added fast paths for plain Python scalars
(``lupusscore.kidney._common.prepare_scalar``, the scalar branch of
``lupusscore.results.snap`` ...). These tests pin that a fast path never
changes a result, a warning or an error: each compares it with the general
path on the same values (as numpy scalars or one-element arrays, which never
take the fast path).
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
import warnings

import numpy as np
import pytest
from pydantic import ValidationError

from lupusscore import LabResult, Visit
from lupusscore.activity._derive import LAB_RULES
from lupusscore.activity._derive import rule_flags as _flag
from lupusscore.errors import InvalidValueError, OutsideValidatedRangeWarning
from lupusscore.kidney import egfr_ckd_epi_2021
from lupusscore.models import FrozenMap
from lupusscore.results import Comparator, Criterion, Status
from lupusscore.units import convert


def _bits(x: float) -> int | str:
    """The float64 bit pattern (all NaNs alike), for bit-exact comparison."""
    return (
        "nan" if math.isnan(x) else int(np.asarray(x, dtype=np.float64).view(np.int64))
    )


def _egfr_inputs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(12)
    n = 3000
    scr = np.concatenate([rng.uniform(0.2, 12.0, n), [0.7, 0.9, 5e-324, 1e-300]])
    age = np.concatenate([rng.uniform(18.0, 125.0, n), [18.0, 125.0, 40.0, 60.0]])
    female = np.concatenate([rng.random(n) < 0.5, [True, False, True, False]])
    return scr, age, female


def test_egfr_fast_path_equals_general_path_on_random_inputs() -> None:
    """egfr_ckd_epi_2021 on plain floats equals the general path bit for bit.

    The general path is taken for numpy scalars (0-d arrays inside). Note:
    scalar and array calls differ in the last bit for some inputs (scalar
    powers partly go through the C library's pow, arrays through numpy's
    ufunc loop); the golden report pins the scalar rounding, so it is kept.
    """
    scr, age, female = _egfr_inputs()
    for s, a, f in zip(scr.tolist(), age.tolist(), female.tolist(), strict=True):
        fast = egfr_ckd_epi_2021(s, a, female=f)
        general = egfr_ckd_epi_2021(np.float64(s), np.float64(a), female=np.bool_(f))
        assert type(fast) is float
        assert _bits(fast) == _bits(general), (s, a, f)


@pytest.mark.parametrize(
    ("scr", "age", "female"),
    [(1.1, 54.0, True), (0.6, 30, False), (3, 80.5, True), (0.9, 18, False)],
)
def test_egfr_fast_path_equals_general_path(
    scr: float, age: float, *, female: bool
) -> None:
    """Plain scalars (fast path) and numpy scalars (general path) agree exactly."""
    fast = egfr_ckd_epi_2021(scr, age, female=female)
    general = egfr_ckd_epi_2021(
        np.float64(scr), np.float64(age), female=np.bool_(female)
    )
    assert _bits(fast) == _bits(general)
    assert _bits(fast) == _bits(
        egfr_ckd_epi_2021(scr, age, female=female, missing="propagate")
    )


@pytest.mark.parametrize("age", [17.5, 126.0, 0.0])
def test_egfr_fast_path_leaves_warnings_to_the_general_path(age: float) -> None:
    """An age outside the validated or plausible range warns as before."""
    with warnings.catch_warnings(record=True) as fast_w:
        warnings.simplefilter("always")
        fast = egfr_ckd_epi_2021(1.0, age, female=True)
    with warnings.catch_warnings(record=True) as general_w:
        warnings.simplefilter("always")
        general = egfr_ckd_epi_2021(np.float64(1.0), np.float64(age), female=True)
    assert _bits(fast) == _bits(general)
    assert [(w.category, str(w.message)) for w in fast_w] == [
        (w.category, str(w.message)) for w in general_w
    ]
    assert all(w.category is OutsideValidatedRangeWarning for w in fast_w)
    assert fast_w
    assert all(w.filename == __file__ for w in fast_w)


def _general(x: object) -> object:
    """A float as a numpy scalar (never on a fast path); anything else as is."""
    return np.float64(x) if type(x) is float else x


@pytest.mark.parametrize(
    ("scr", "age", "female", "strict", "missing"),
    [
        (1e308, 50.0, True, False, "raise"),
        (0.0, 50.0, True, False, "raise"),
        (-1.0, 50.0, True, False, "raise"),
        (math.nan, 50.0, True, False, "raise"),
        (math.inf, 50.0, True, False, "raise"),
        (1.0, 50.0, 1, False, "raise"),
        (1.0, 50.0, None, False, "raise"),
        (1.0, 50.0, True, "yes", "raise"),
        (1.0, 50.0, True, False, "drop"),
        (1.0, 10**400, True, False, "raise"),
        (True, 50.0, True, False, "raise"),
    ],
)
def test_egfr_fast_path_errors_are_the_general_errors(
    scr: object, age: object, female: object, strict: object, missing: object
) -> None:
    """Every bad plain scalar gets the library error the general path gives."""
    with pytest.raises(InvalidValueError) as fast:
        egfr_ckd_epi_2021(scr, age, female=female, strict=strict, missing=missing)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError) as general:
        egfr_ckd_epi_2021(
            _general(scr),
            _general(age),
            female=female,
            strict=strict,  # type: ignore[arg-type]
            missing=missing,  # type: ignore[arg-type]
        )
    assert str(fast.value) == str(general.value)
    assert fast.value.field == general.value.field


_COMPARE_VALUES = [0.0, 0.35 / 0.7, 0.5, 0.4999999999999, 0.5000000000001, 1e-300]
_COMPARE_VALUES += [7.0, 1e300, math.nan, -0.0, 3.0000000000000004]


@pytest.mark.parametrize("comparator", list(Comparator))
def test_comparator_scalar_path_equals_array_path(comparator: Comparator) -> None:
    """Comparator.apply on two scalars equals the element of the array call."""
    obs = np.asarray(_COMPARE_VALUES)
    for thr in (0.5, 3.0, 1e-300, 0.0):
        array = comparator.apply(obs, thr)
        for x, expected in zip(_COMPARE_VALUES, array.tolist(), strict=True):
            for given in (x, np.float64(x), np.asarray(x)):
                got = comparator.apply(given, thr)
                assert type(got) is np.bool_
                assert bool(got) is expected, (x, thr)


def test_lab_rule_flag_of_one_value_equals_the_array_kernel() -> None:
    """The SLEDAI lab-rule kernel gives a 0-d input the array's element."""
    values = [98.0, 99.99999999999999, 100.0, 100.00000000000001, 0.0, math.nan]
    for rule in LAB_RULES:
        for scale in (1.0, rule.threshold / 100.0):
            arr = np.asarray(values) * scale
            array = _flag(arr, rule)
            for i, x in enumerate(arr.tolist()):
                got = _flag(np.asarray(x), rule)
                assert got.shape == ()
                assert got.dtype == np.float64
                assert _bits(float(got)) == _bits(float(array[i])), (rule, x)


def test_cached_date_parsing_keeps_values_and_errors() -> None:
    """Date texts are parsed once; results and errors stay those of the parser."""
    first = LabResult(analyte="creatinine", value=1.0, unit="mg/dL", date="2024-03-01")
    again = LabResult(analyte="creatinine", value=2.0, unit="mg/dL", date="2024-03-01")
    timed = LabResult(
        analyte="creatinine", value=2.0, unit="mg/dL", date="2024-03-01T10:30"
    )
    assert first.date == again.date == dt.date(2024, 3, 1)
    assert type(first.date) is dt.date
    assert timed.date == dt.datetime(2024, 3, 1, 10, 30)
    visit = Visit(participant_id="P1", date="2024-03-01T10:30", labs=[timed])
    assert type(visit.date) is dt.date
    for _ in range(2):  # an error is raised every time, not cached away
        with pytest.raises(ValidationError, match="a real calendar date"):
            LabResult(analyte="creatinine", value=1.0, unit="mg/dL", date="2024-02-30")
        with pytest.raises(ValidationError, match="a real calendar date"):
            LabResult(analyte="creatinine", value=1.0, unit="mg/dL", date="1800-01-01")

    class Text(str):
        """A str subclass takes the uncached path and parses alike."""

    sub = LabResult(
        analyte="creatinine", value=1.0, unit="mg/dL", date=Text("2024-03-01")
    )
    assert sub.date == first.date


def test_lab_private_values_survive_copy_and_pickle() -> None:
    """canonical_value / resolved read the private store, also after copies."""
    lab = LabResult(analyte="creatinine", value=88.4, unit="µmol/L", date="2024-03-01")
    for other in (lab.model_copy(), pickle.loads(pickle.dumps(lab))):
        assert other.canonical_value == lab.canonical_value
        assert other.resolved == lab.resolved
        assert other.canonical_unit == "mg/dL"
    assert lab.canonical_value == pytest.approx(1.0, rel=1e-3)


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "analyte"),
    [
        (1.2, "mg/dL", "µmol/L", "creatinine"),
        (0.0, "mg/dL", "µmol/L", "creatinine"),
        (1e308, "g/L", "mg/dL", None),
        (5e-324, "mg/dL", "g/L", None),
        (0.0, "°C", "°F", None),
        (37.0, "°C", "°F", "body_temperature"),
        (-1.0, "mg/dL", "µmol/L", "creatinine"),
    ],
)
def test_convert_scalar_path_equals_array_path(
    value: float, from_unit: str, to_unit: str, analyte: str | None
) -> None:
    """convert of one float: the array's value, or the same error message."""
    try:
        expected: object = float(
            convert(np.asarray([value]), from_unit, to_unit, analyte=analyte)[0]
        )
    except InvalidValueError as exc:
        expected = exc
    if isinstance(expected, InvalidValueError):
        with pytest.raises(InvalidValueError) as got:
            convert(value, from_unit, to_unit, analyte=analyte)
        assert got.value.field == expected.field
        assert got.value.expected == expected.expected
    else:
        got_value = convert(value, from_unit, to_unit, analyte=analyte)
        assert _bits(got_value) == _bits(expected)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [1 + 2j, np.complex128(1 + 0j), np.complex64(2j), type("C", (complex,), {})(3)],
)
def test_complex_values_stay_rejected_with_the_type_cache(value: object) -> None:
    """The FrozenModel complex check caches non-complex types, never complex ones."""
    for _ in range(3):  # plain and enum values first fill the cache
        Criterion(name="x", status=Status.MET, observed=1.0, comparator=Comparator.LT)
        with pytest.raises(ValidationError, match="a complex number is not accepted"):
            Criterion(name="x", status=Status.MET, observed=value)


def test_frozen_map_membership_and_get_are_the_dicts() -> None:
    """FrozenMap's own ``in`` and ``get`` answer as the Mapping defaults did."""
    m = FrozenMap({"rash": True, "fever": None})
    assert "rash" in m
    assert "fever" in m
    assert "pyuria" not in m
    assert m.get("fever", "absent") is None
    assert m.get("pyuria") is None
    assert m.get("pyuria", "absent") == "absent"
    with pytest.raises(TypeError):
        _ = ["rash"] in m
