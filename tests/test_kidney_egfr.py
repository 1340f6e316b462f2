"""eGFR kernels: published worked examples, input errors, validated age ranges."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lupusscore.errors import InvalidValueError, OutsideValidatedRangeWarning
from lupusscore.kidney import (
    EKFC_Q_ADULT_MALE_UMOL_L,
    egfr_ckd_epi_2009,
    egfr_ckd_epi_2012_cr_cys,
    egfr_ckd_epi_2012_cys,
    egfr_ckd_epi_2021,
    egfr_ckd_epi_2021_cr_cys,
    egfr_ckid_u25_cr,
    egfr_ckid_u25_cr_cys,
    egfr_ckid_u25_cys,
    egfr_ekfc_cr,
    egfr_ekfc_cys,
    egfr_mdrd,
    egfr_schwartz_bedside,
)
from lupusscore.units import convert

REFERENCE = Path(__file__).parent / "reference"


def _load(name: str) -> list[dict[str, Any]]:
    doc = json.loads((REFERENCE / name).read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = doc["cases"]
    for case in cases:
        assert case["source"], case["id"]
        assert case["location"], case["id"]
    return cases


CASES = _load("egfr_kidney_epi_examples.json") + _load("egfr_ckid_u25_examples.json")


def _scr(inputs: dict[str, Any]) -> float:
    return convert(
        float(inputs["creatinine"]),
        inputs["creatinine_unit"],
        "mg/dL",
        analyte="creatinine",
    )


def _compute(equation: str, i: dict[str, Any]) -> float:
    """Call the kernel for *equation* with the transcribed inputs."""
    got = _dispatch(equation, i)
    assert isinstance(got, float)
    return got


def _dispatch(equation: str, i: dict[str, Any]) -> object:
    """Route to the kernel named by *equation*."""
    if equation == "ckd-epi-2009":
        return egfr_ckd_epi_2009(
            _scr(i), i["age_years"], female=i["female"], black=i["black"]
        )
    if equation == "ckd-epi-2021":
        return egfr_ckd_epi_2021(_scr(i), i["age_years"], female=i["female"])
    if equation == "ckd-epi-2021-cr-cys":
        return egfr_ckd_epi_2021_cr_cys(
            _scr(i), i["cystatin_c_mg_l"], i["age_years"], female=i["female"]
        )
    if equation == "ekfc-cr":
        return egfr_ekfc_cr(_scr(i), i["age_years"], female=i["female"])
    if equation == "ekfc-cys":
        return egfr_ekfc_cys(i["cystatin_c_mg_l"], i["age_years"])
    if equation == "mdrd-non-idms":
        return egfr_mdrd(
            _scr(i), i["age_years"], female=i["female"], black=i["black"], idms=False
        )
    if equation == "schwartz-bedside":
        return egfr_schwartz_bedside(i["height_cm"], _scr(i))
    height_m = i.get("height_m", i.get("height_cm", 0) / 100)
    if equation == "ckid-u25-cr":
        return egfr_ckid_u25_cr(_scr(i), height_m, i["age_years"], female=i["female"])
    if equation == "ckid-u25-cys":
        return egfr_ckid_u25_cys(
            i["cystatin_c_mg_l"], i["age_years"], female=i["female"]
        )
    if equation == "ckid-u25-cr-cys":
        return egfr_ckid_u25_cr_cys(
            _scr(i), i["cystatin_c_mg_l"], height_m, i["age_years"], female=i["female"]
        )
    raise AssertionError(equation)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_matches_published_example(case: dict[str, Any]) -> None:
    """Each kernel reproduces the published worked example to its tolerance."""
    got = _compute(case["equation"], case["inputs"])
    assert got == pytest.approx(case["expected"], abs=case["tolerance"])


def test_every_reference_example_is_covered() -> None:
    """All 28 worked examples of reference 6.2 A are transcribed."""
    assert len(CASES) == 10 + 18


def test_ekfc_q_is_not_rounded_to_mg_dl() -> None:
    """EKFC uses Q = 80 µmol/L exactly; Q rounded to 0.90 mg/dL gives 53.22."""
    exact = egfr_ekfc_cr(1.4, 60, female=False)
    # Q in mg/dL with the source's own factor, 88.4 µmol/L per mg/dL (issue 18).
    q_mg_dl = EKFC_Q_ADULT_MALE_UMOL_L / 88.4
    assert exact == pytest.approx(107.3 * (1.4 / q_mg_dl) ** -1.132 * 0.99**20)
    assert abs(exact - 53.22) > 0.3


def test_independent_recomputation_of_other_equations() -> None:
    """Equations without a published example match a hand-written calculation."""
    # CKD-EPI 2012 cystatin C, woman 45 y, Scys 1.2 (above the 0.8 knot).
    expected = 133 * (1.2 / 0.8) ** -1.328 * 0.996**45 * 0.932
    assert egfr_ckd_epi_2012_cys(1.2, 45, female=True) == pytest.approx(expected)
    # CKD-EPI 2012 creatinine-cystatin C, Black woman 50 y, Scr 0.6, Scys 1.0.
    expected = (
        135 * (0.6 / 0.7) ** -0.248 * (1.0 / 0.8) ** -0.711 * 0.995**50 * 0.969 * 1.08
    )
    got = egfr_ckd_epi_2012_cr_cys(0.6, 1.0, 50, female=True, black=True)
    assert got == pytest.approx(expected)
    # CKD-EPI 2009, Black woman 40 y, Scr 0.5 (below the knot).
    expected = 141 * (0.5 / 0.7) ** -0.329 * 0.993**40 * 1.018 * 1.159
    assert egfr_ckd_epi_2009(0.5, 40, female=True, black=True) == pytest.approx(
        expected
    )
    # MDRD IDMS, Black woman 70 y, Scr 2.0.
    expected = 175 * 2.0**-1.154 * 70**-0.203 * 0.742 * 1.212
    assert egfr_mdrd(2.0, 70, female=True, black=True) == pytest.approx(expected)
    # EKFC, girl 10 y: paediatric Q polynomial (µmol/L).
    ln_q = 3.080 + 0.177 * 10 - 0.223 * math.log(10) - 0.00596 * 100 + 0.0000686 * 1000
    scr_umol = 0.5 * 88.4  # EKFC's own factor, µmol/L per mg/dL (issue 18)
    ratio = scr_umol / math.exp(ln_q)
    expected = 107.3 * ratio ** (-0.322 if ratio < 1 else -1.132)
    assert egfr_ekfc_cr(0.5, 10, female=True) == pytest.approx(expected)
    # EKFC cystatin C, 30 y (no age factor, Q = 0.83).
    assert egfr_ekfc_cys(1.2, 30) == pytest.approx(107.3 * (1.2 / 0.83) ** -1.132)


def test_race_based_equations_say_re_analysis_only() -> None:
    """Race-based kernels say in their docstrings they are for re-analysis only."""
    for fn in (egfr_ckd_epi_2009, egfr_ckd_epi_2012_cr_cys, egfr_mdrd):
        assert fn.__doc__ is not None
        assert "re-analysis only" in fn.__doc__


def test_scalar_in_float_out_and_array_in_array_out() -> None:
    """A scalar call returns a Python float; array input returns a same-shape array."""
    assert type(egfr_ckd_epi_2021(1.0, 50, female=False)) is float
    out = egfr_ckd_epi_2021(np.full((2, 3), 1.0), 50, female=True)
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 3)
    assert out.dtype == np.float64
    mixed = egfr_ckd_epi_2021(1.0, 50, female=np.array([True, False]))
    assert mixed.shape == (2,)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_non_positive_or_nan_creatinine_raises(bad: float) -> None:
    """Creatinine that is <= 0, NaN or infinite is invalid input, not a number out."""
    with pytest.raises(InvalidValueError, match="creatinine_mg_dl"):
        egfr_ckd_epi_2021(bad, 50, female=False)
    with pytest.raises(InvalidValueError, match="creatinine_mg_dl"):
        egfr_ckd_epi_2021([1.0, bad], [50, 50], female=False)


@pytest.mark.parametrize("bad", [0.0, -0.5, math.nan])
def test_invalid_cystatin_and_height_raise(bad: float) -> None:
    """Cystatin C and height must be finite and > 0."""
    with pytest.raises(InvalidValueError, match="cystatin_c_mg_l"):
        egfr_ckd_epi_2012_cys(bad, 50, female=False)
    with pytest.raises(InvalidValueError, match="cystatin_c_mg_l"):
        egfr_ekfc_cys(bad, 50)
    with pytest.raises(InvalidValueError, match="height_cm"):
        egfr_schwartz_bedside(bad, 1.0)
    with pytest.raises(InvalidValueError, match="height_m"):
        egfr_ckid_u25_cr(1.0, bad, 10, female=True)


def test_invalid_age_raises() -> None:
    """Negative or NaN ages are invalid; MDRD and EKFC creatinine need age > 0."""
    with pytest.raises(InvalidValueError, match="age_years"):
        egfr_ckd_epi_2021(1.0, -1, female=False)
    with pytest.raises(InvalidValueError, match="age_years"):
        egfr_ckd_epi_2021(1.0, math.nan, female=False)
    with pytest.raises(InvalidValueError, match="age_years"):
        egfr_mdrd(1.0, 0, female=False)
    with pytest.raises(InvalidValueError, match="age_years"):
        egfr_ekfc_cr(1.0, 0, female=False)


@pytest.mark.parametrize("bad", ["male", 2, 0.5, None])
def test_sex_flag_must_be_boolean(bad: object) -> None:
    """A sex flag that is not a boolean (e.g. the string 'male') is rejected."""
    with pytest.raises(InvalidValueError, match="female"):
        egfr_ckd_epi_2021(1.0, 50, female=bad)  # type: ignore[call-overload]


def test_integer_zero_one_flags_are_accepted() -> None:
    """0/1 integer arrays are accepted as sex flags (common in data frames)."""
    got = egfr_ckd_epi_2021([1.0, 1.0], 50, female=np.array([1, 0]))
    want = [
        egfr_ckd_epi_2021(1.0, 50, female=True),
        egfr_ckd_epi_2021(1.0, 50, female=False),
    ]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_error_names_field_value_and_expectation() -> None:
    """The error message names the field, the value, the unit and what was expected."""
    with pytest.raises(InvalidValueError) as info:
        egfr_ckd_epi_2021(-0.4, 50, female=False)
    text = str(info.value)
    assert "creatinine_mg_dl" in text
    assert "-0.4" in text
    assert "mg/dL" in text
    assert "> 0" in text
    assert pickle.loads(pickle.dumps(info.value)).field == "creatinine_mg_dl"


# Ages just inside and just outside each validated range.
AGE_RANGES = [
    (lambda a, s: egfr_ckd_epi_2009(1.0, a, female=False, strict=s), 18.0, None),
    (lambda a, s: egfr_ckd_epi_2021(1.0, a, female=False, strict=s), 18.0, None),
    (lambda a, s: egfr_ckd_epi_2012_cys(1.0, a, female=False, strict=s), 18.0, None),
    (
        lambda a, s: egfr_ckd_epi_2012_cr_cys(1.0, 1.0, a, female=False, strict=s),
        18.0,
        None,
    ),
    (
        lambda a, s: egfr_ckd_epi_2021_cr_cys(1.0, 1.0, a, female=False, strict=s),
        18.0,
        None,
    ),
    (lambda a, s: egfr_mdrd(1.0, a, female=False, strict=s), 18.0, None),
    (lambda a, s: egfr_ekfc_cr(1.0, a, female=False, strict=s), 2.0, 100.0),
    (lambda a, s: egfr_ekfc_cys(1.0, a, strict=s), 2.0, 100.0),
    (lambda a, s: egfr_schwartz_bedside(100, 0.5, age_years=a, strict=s), 1.0, 16.0),
    (lambda a, s: egfr_ckid_u25_cr(0.5, 1.0, a, female=False, strict=s), 1.0, 25.0),
    (lambda a, s: egfr_ckid_u25_cys(1.0, a, female=False, strict=s), 1.0, 25.0),
    (
        lambda a, s: egfr_ckid_u25_cr_cys(0.5, 1.0, 1.0, a, female=False, strict=s),
        1.0,
        25.0,
    ),
]


@pytest.mark.parametrize(("call", "low", "high"), AGE_RANGES)
def test_validated_age_range_edges(call: Any, low: float, high: float | None) -> None:
    """At the range edges no warning; just outside a warning, or an error if strict."""
    call(low, False)  # filterwarnings=error: any warning would fail here
    with pytest.warns(OutsideValidatedRangeWarning, match="validated for ages"):
        value = call(low - 0.01, False)
    assert isinstance(value, float)
    with pytest.raises(InvalidValueError, match="strict=True"):
        call(low - 0.01, True)
    if high is not None:
        call(high + 0.99, False)  # still `high` in completed years
        with pytest.warns(OutsideValidatedRangeWarning):
            call(high + 1.0, False)
        with pytest.raises(InvalidValueError, match="age_years"):
            call(high + 1.0, True)


def test_schwartz_without_age_does_not_check_range() -> None:
    """Bedside Schwartz has no age term; without age_years no range check happens."""
    assert egfr_schwartz_bedside(150, 0.8) == pytest.approx(0.413 * 150 / 0.8)


def test_array_warning_reports_count() -> None:
    """One warning for an array, counting the out-of-range ages."""
    with pytest.warns(OutsideValidatedRangeWarning, match="2 value"):
        egfr_ckd_epi_2021([1.0, 1.0, 1.0], [10, 17, 40], female=False)
