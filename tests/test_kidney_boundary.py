"""Kidney boundary (issue 10): strict input, finite results, per-element missing data.

Every kidney kernel and model-level function validates through
``lupusscore._checks``: bools and strings are not numbers, results that leave
float range are errors, bad options and wrong types are the library's own
errors, missing elements raise (naming index and count) or propagate as NaN,
and a visit of another participant is rejected.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import LabResult, Patient, Visit
from lupusscore.errors import (
    DefinitionError,
    InvalidValueError,
    LupusScoreError,
    OutsideValidatedRangeWarning,
)
from lupusscore.kidney import (
    EKFC_CREATININE_UMOL_L_PER_MG_DL,
    absolute_change,
    albuminuria_category,
    change_from_reference,
    confirmed_egfr_decline,
    creatinine_doubled,
    egfr,
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
    eskd,
    gfr_category,
    percent_change,
    protein_24h_g_day,
    proteinuria,
    upcr_g_g,
)
from lupusscore.units import convert

# The deprecated alias keeps its old behaviour; these tests still cover it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:lupusscore.kidney.percent_change:DeprecationWarning"
)


@dataclass(frozen=True)
class Kernel:
    """An eGFR kernel, its numeric arguments with in-range values, and flags."""

    fn: Callable[..., Any]
    positional: tuple[str, ...]
    values: Mapping[str, float]
    flags: Mapping[str, bool] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()

    @property
    def numbers(self) -> tuple[str, ...]:
        """Every numeric argument, positional then keyword."""
        return self.positional + self.keywords

    def __call__(
        self,
        numbers: Mapping[str, object] | None = None,
        flags: Mapping[str, object] | None = None,
        **options: object,
    ) -> Any:
        """Call the kernel with defaults overridden by *numbers* and *flags*."""
        vals: dict[str, object] = {**self.values, **(numbers or {})}
        args = [vals[n] for n in self.positional]
        kwargs: dict[str, object] = {n: vals[n] for n in self.keywords}
        kwargs.update({**self.flags, **(flags or {})})
        kwargs.update(options)
        return self.fn(*args, **kwargs)


_ADULT = {"creatinine_mg_dl": 1.1, "cystatin_c_mg_l": 1.0, "age_years": 45.0}
_CHILD = {
    "creatinine_mg_dl": 0.7,
    "cystatin_c_mg_l": 1.0,
    "height_m": 1.3,
    "age_years": 12.0,
}
_CR, _CYS, _AGE = "creatinine_mg_dl", "cystatin_c_mg_l", "age_years"

KERNELS: dict[str, Kernel] = {
    "ckd_epi_2009": Kernel(
        egfr_ckd_epi_2009, (_CR, _AGE), _ADULT, {"female": True, "black": False}
    ),
    "ckd_epi_2021": Kernel(egfr_ckd_epi_2021, (_CR, _AGE), _ADULT, {"female": True}),
    "ckd_epi_2012_cys": Kernel(
        egfr_ckd_epi_2012_cys, (_CYS, _AGE), _ADULT, {"female": False}
    ),
    "ckd_epi_2012_cr_cys": Kernel(
        egfr_ckd_epi_2012_cr_cys,
        (_CR, _CYS, _AGE),
        _ADULT,
        {"female": True, "black": True},
    ),
    "ckd_epi_2021_cr_cys": Kernel(
        egfr_ckd_epi_2021_cr_cys, (_CR, _CYS, _AGE), _ADULT, {"female": False}
    ),
    "mdrd": Kernel(egfr_mdrd, (_CR, _AGE), _ADULT, {"female": True, "black": False}),
    "ekfc_cr": Kernel(egfr_ekfc_cr, (_CR, _AGE), _ADULT, {"female": False}),
    "ekfc_cys": Kernel(egfr_ekfc_cys, (_CYS, _AGE), _ADULT),
    "schwartz": Kernel(
        egfr_schwartz_bedside,
        ("height_cm", _CR),
        {"height_cm": 130.0, _CR: 0.7, _AGE: 12.0},
        keywords=(_AGE,),
    ),
    "u25_cr": Kernel(
        egfr_ckid_u25_cr, (_CR, "height_m", _AGE), _CHILD, {"female": True}
    ),
    "u25_cys": Kernel(egfr_ckid_u25_cys, (_CYS, _AGE), _CHILD, {"female": False}),
    "u25_cr_cys": Kernel(
        egfr_ckid_u25_cr_cys, (_CR, _CYS, "height_m", _AGE), _CHILD, {"female": True}
    ),
}
KERNEL_IDS = sorted(KERNELS)
ARGUMENTS = [(k, n) for k in KERNEL_IDS for n in KERNELS[k].numbers]
FLAGS = [(k, f) for k in KERNEL_IDS for f in KERNELS[k].flags]

#: Other array kernels, each called with one number (the rest valid).
OTHER_KERNELS: dict[str, Callable[[object], object]] = {
    "gfr_category": gfr_category,
    "albuminuria_category": lambda x: albuminuria_category(x, "mg/g"),
    "upcr_g_g": lambda x: upcr_g_g(x, "mg/g"),
    "protein_24h_g_day": lambda x: protein_24h_g_day(x, "mg/day"),
    "absolute_change.value": lambda x: absolute_change(x, 1.0),
    "absolute_change.reference": lambda x: absolute_change(1.0, x),
    "percent_change.value": lambda x: percent_change(x, 1.0),
    "percent_change.reference": lambda x: percent_change(1.0, x),
    "change_from_reference": lambda x: change_from_reference("egfr", x, 60.0),
    "creatinine_doubled": lambda x: creatinine_doubled(x, 1.0),
    "eskd": eskd,
    "confirmed_egfr_decline": lambda x: confirmed_egfr_decline(
        x, [(dt.date(2024, 1, 1), 40.0)]
    ),
    "confirmed_egfr_decline.measurement": lambda x: confirmed_egfr_decline(
        80.0, [(dt.date(2024, 1, 1), x)]
    ),
}

NOT_NUMBERS: list[object] = [
    True,
    False,
    np.bool_(True),
    np.array([True, False]),
    "1.0",
    b"1",
    np.array(["1.0"]),
]


# --- 1. one boundary module ------------------------------------------------


def test_private_number_checkers_are_gone() -> None:
    """kidney keeps no second copy of the generic number checks of _checks."""
    from lupusscore.kidney import _change, _ckd, _common

    for module, name in [
        (_common, "as_positive"),
        (_common, "as_age"),
        (_common, "as_flag"),
        (_common, "is_finite_number"),
        (_change, "_finite_array"),
        (_ckd, "_finite_nonnegative"),
    ]:
        assert not hasattr(module, name), f"{module.__name__}.{name}"


# --- 2. bools and strings are not numbers ------------------------------------


@pytest.mark.parametrize(("kernel", "arg"), ARGUMENTS)
@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=repr)
def test_eGFR_kernels_reject_bools_and_strings(
    kernel: str, arg: str, bad: object
) -> None:
    """No eGFR kernel reads True as 1 or '1.0' as a number, in any argument."""
    with pytest.raises(InvalidValueError) as info:
        KERNELS[kernel]({arg: bad})
    assert info.value.field == arg


@pytest.mark.parametrize("name", sorted(OTHER_KERNELS))
@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=repr)
def test_other_kernels_reject_bools_and_strings(name: str, bad: object) -> None:
    """Categories, conversions, changes and end points reject bools and strings."""
    with pytest.raises(InvalidValueError):
        OTHER_KERNELS[name](bad)


def test_issue_examples_of_bools() -> None:
    """The issue's two examples: True is neither 1 mg/dL nor an eGFR of 1 (G5)."""
    with pytest.raises(InvalidValueError, match="not a boolean"):
        egfr_ckd_epi_2021(True, 60, female=False)
    with pytest.raises(InvalidValueError, match="not a boolean"):
        gfr_category(True)


@pytest.mark.parametrize(("kernel", "flag"), FLAGS)
@pytest.mark.parametrize("bad", [1, 0, 2.0, "yes", "True", None, np.int64(1)], ids=repr)
def test_flags_are_booleans(kernel: str, flag: str, bad: object) -> None:
    """A sex or race flag is True/False: 1, 'yes' and None are rejected."""
    with pytest.raises(InvalidValueError) as info:
        KERNELS[kernel](flags={flag: bad})
    assert info.value.field == flag


@given(
    st.sampled_from(ARGUMENTS),
    st.sampled_from([True, False, np.bool_(True), np.bool_(False)]),
    st.sampled_from(["raise", "propagate"]),
)
def test_any_bool_input_raises(
    target: tuple[str, str], bad: object, missing: str
) -> None:
    """Property: a bool in any numeric argument of any kernel raises, in both modes."""
    kernel, arg = target
    with pytest.raises(InvalidValueError):
        KERNELS[kernel]({arg: bad}, missing=missing)


# --- 3. finite results, plausible ages ---------------------------------------

OVERFLOWS: list[tuple[str, Callable[[], object]]] = [
    ("schwartz 5e-324", lambda: egfr_schwartz_bedside(100.0, 5e-324)),
    ("mdrd 5e-324", lambda: egfr_mdrd(5e-324, 60, female=False)),
    ("ckd-epi 2021 1e308", lambda: egfr_ckd_epi_2021(1e308, 60, female=False)),
    ("ckd-epi 2009 1e308", lambda: egfr_ckd_epi_2009(1e308, 60, female=True)),
    ("ckd-epi 2012 cys 1e308", lambda: egfr_ckd_epi_2012_cys(1e308, 60, female=True)),
    ("ekfc cr 1e308", lambda: egfr_ekfc_cr(1e308, 60, female=False)),
    ("ekfc cys 1e308", lambda: egfr_ekfc_cys(1e308, 60)),
    ("u25 cr 5e-324", lambda: egfr_ckid_u25_cr(5e-324, 1.3, 12, female=True)),
    ("u25 cys 5e-324", lambda: egfr_ckid_u25_cys(5e-324, 12, female=True)),
    ("absolute change", lambda: absolute_change(1e308, -1e308)),
    ("percent change", lambda: percent_change(1e308, 1e-308)),
]


@pytest.mark.parametrize("case", OVERFLOWS, ids=lambda c: c[0])
def test_overflow_and_underflow_raise(case: tuple[str, Callable[[], object]]) -> None:
    """A result that overflows to inf or underflows to 0 is an error, not returned."""
    with pytest.raises(InvalidValueError, match="overflowed or underflowed"):
        case[1]()


def test_overflow_error_names_the_row() -> None:
    """In an array, the overflowing row is named by index."""
    with pytest.raises(InvalidValueError) as info:
        egfr_schwartz_bedside([100.0, 100.0], [1.0, 5e-324])
    assert info.value.index == 1
    assert info.value.count == 1


AGE_KERNELS = [k for k in KERNEL_IDS if _AGE in KERNELS[k].numbers]


@pytest.mark.parametrize("kernel", AGE_KERNELS)
def test_implausible_age_warns(kernel: str) -> None:
    """An age of 200 years warns that it is implausible (and still computes)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = KERNELS[kernel]({_AGE: 200.0})
    implausible = [
        w
        for w in caught
        if issubclass(w.category, OutsideValidatedRangeWarning)
        and "implausible" in str(w.message)
    ]
    assert len(implausible) == 1
    assert implausible[0].filename == __file__
    assert math.isfinite(got)


@pytest.mark.parametrize("kernel", AGE_KERNELS)
def test_implausible_age_raises_when_strict(kernel: str) -> None:
    """With strict=True an age of 200 years is an error."""
    with pytest.raises(InvalidValueError, match="125 years"):
        KERNELS[kernel]({_AGE: 200.0}, strict=True)


@pytest.mark.parametrize("bad", ["no", 1, None, [True]], ids=repr)
def test_strict_must_be_a_boolean(bad: object) -> None:
    """strict='no' is not silently truthy."""
    with pytest.raises(InvalidValueError, match="strict"):
        egfr_ckd_epi_2021(1.0, 50, female=False, strict=bad)


# --- 4. options, shapes and types --------------------------------------------

BAD_OPTIONS: list[tuple[str, Callable[[], object]]] = [
    (
        "missing='drop'",
        lambda: egfr_ckd_epi_2021(1.0, 50, female=False, missing="drop"),
    ),
    ("missing=[]", lambda: gfr_category(50.0, missing=[])),
    ("specimen='24h'", lambda: proteinuria(_visit("P01"), specimen="24h")),
    ("specimen=[]", lambda: proteinuria(_visit("P01"), specimen=[])),
    ("quantity='egfrs'", lambda: change_from_reference("egfrs", 1.0, 2.0)),
    ("quantity=[]", lambda: change_from_reference([], 1.0, 2.0)),
    (
        "reference_kind='base'",
        lambda: change_from_reference("egfr", 1.0, 2.0, reference_kind="base"),
    ),
    ("reference_kind=1", lambda: creatinine_doubled(2.0, 1.0, reference_kind=1)),
    (
        "reference_kind={}",
        lambda: confirmed_egfr_decline(80.0, [], reference_kind={}),
    ),
    ("unit=['mg/g']", lambda: albuminuria_category(10.0, ["mg/g"])),
    ("unit=None", lambda: upcr_g_g(1.0, None)),
    ("idms='no'", lambda: egfr_mdrd(1.0, 50, female=False, idms="no")),
    (
        "min_days_to_confirm='3'",
        lambda: confirmed_egfr_decline(80.0, [], min_days_to_confirm="3"),
    ),
    (
        "decline_percent=[40]",
        lambda: confirmed_egfr_decline(80.0, [], decline_percent=[40]),
    ),
    ("dialysis=1", lambda: eskd(20.0, dialysis=1)),
]


@pytest.mark.parametrize("case", BAD_OPTIONS, ids=lambda c: c[0])
def test_bad_options_are_invalid_value_errors(
    case: tuple[str, Callable[[], object]],
) -> None:
    """Unknown or unhashable options are InvalidValueError, never bare errors."""
    with pytest.raises(InvalidValueError):
        case[1]()


def test_unknown_or_unhashable_equation_is_a_definition_error() -> None:
    """An equation id that is not known (or not even a string) is DefinitionError."""
    p, v = _patient("P01"), _visit("P01")
    for bad in ["ckd-epi", ["ckd-epi-2021"], {}, None, 3]:
        with pytest.raises(DefinitionError, match="equation"):
            egfr(p, v, bad)


def test_mismatched_shapes_name_every_shape() -> None:
    """Arrays that do not broadcast are an InvalidValueError naming the shapes."""
    with pytest.raises(InvalidValueError, match=r"\(3,\).*\(2,\)"):
        egfr_ckd_epi_2021([1.0, 1.1, 1.2], [50, 60], female=False)
    with pytest.raises(InvalidValueError):
        egfr_ckd_epi_2021([1.0, 1.1], [50, 60], female=[True, False, True])
    with pytest.raises(InvalidValueError):
        percent_change([1.0, 2.0, 3.0], [1.0, 2.0])


WRONG_TYPES: list[tuple[str, Callable[[], object]]] = [
    ("egfr(None, visit)", lambda: egfr(None, _visit("P01"))),
    ("egfr(patient, dict)", lambda: egfr(_patient("P01"), {"date": "x"})),
    ("proteinuria('visit')", lambda: proteinuria("visit")),
    ("decline measurements=5", lambda: confirmed_egfr_decline(80.0, 5)),
    ("decline measurements='ab'", lambda: confirmed_egfr_decline(80.0, "ab")),
    ("decline row (1, 2, 3)", lambda: confirmed_egfr_decline(80.0, [(1, 2, 3)])),
    ("decline row 47.0", lambda: confirmed_egfr_decline(80.0, [47.0])),
    (
        "decline row ('2024-01-01', 47)",
        lambda: confirmed_egfr_decline(80.0, [("2024-01-01", 47.0)]),
    ),
    ("change value object()", lambda: change_from_reference("egfr", object(), 1.0)),
    (
        "change value array",
        lambda: change_from_reference("egfr", np.array([1.0, 2.0]), 1.0),
    ),
    ("kernel dict", lambda: egfr_ckd_epi_2021({"a": 1}, 50, female=False)),
    ("kernel ragged", lambda: egfr_ckd_epi_2021([[1.0], [1.0, 2.0]], 50, female=False)),
    ("kernel date", lambda: egfr_ckd_epi_2021(dt.date(2024, 1, 1), 50, female=False)),
    ("kernel complex", lambda: egfr_ckd_epi_2021(1 + 2j, 50, female=False)),
]


@pytest.mark.parametrize("case", WRONG_TYPES, ids=lambda c: c[0])
def test_wrong_object_types_are_library_errors(
    case: tuple[str, Callable[[], object]],
) -> None:
    """A wrong object type is InvalidValueError, not TypeError/AttributeError."""
    with pytest.raises(InvalidValueError):
        case[1]()


# --- 5. missing data per element -------------------------------------------

MISSING_MARKERS: list[object] = [None, math.nan, np.nan, np.float32("nan")]


@pytest.mark.parametrize(("kernel", "arg"), ARGUMENTS)
def test_missing_raise_names_first_index_and_count(kernel: str, arg: str) -> None:
    """missing='raise': the error names the first missing index and how many."""
    k = KERNELS[kernel]
    column = [k.values[arg], None, math.nan, k.values[arg]]
    with pytest.raises(InvalidValueError) as info:
        k({arg: column})
    assert info.value.field == arg
    assert info.value.index == 1
    assert info.value.count == 2


@pytest.mark.parametrize(("kernel", "arg"), ARGUMENTS)
@pytest.mark.parametrize("marker", MISSING_MARKERS, ids=repr)
def test_missing_propagate_gives_nan_only_there(
    kernel: str, arg: str, marker: object
) -> None:
    """With 'propagate': NaN where an input is missing, the scalar result elsewhere."""
    k = KERNELS[kernel]
    present = k.values[arg]
    got = k(
        {arg: np.array([present, marker, present], dtype=object)}, missing="propagate"
    )
    expected = k()
    assert isinstance(got, np.ndarray)
    assert got.shape == (3,)
    if kernel == "schwartz" and arg == _AGE:
        # The bedside formula does not use age: a missing age only skips the
        # range check for that row.
        assert got[1] == pytest.approx(expected)
    else:
        assert math.isnan(got[1])
    assert got[0] == pytest.approx(expected)
    assert got[2] == pytest.approx(expected)


@pytest.mark.parametrize(("kernel", "flag"), FLAGS)
def test_missing_flag_propagates(kernel: str, flag: str) -> None:
    """A missing sex/race flag under 'propagate' gives NaN for that row only."""
    k = KERNELS[kernel]
    got = k(flags={flag: [True, None, False]}, missing="propagate")
    assert math.isnan(got[1])
    assert got[0] == pytest.approx(k(flags={flag: True}))
    assert got[2] == pytest.approx(k(flags={flag: False}))


@pytest.mark.parametrize(("kernel", "arg"), ARGUMENTS)
def test_infinity_is_never_missing(kernel: str, arg: str) -> None:
    """Infinity is an error under 'propagate' too."""
    k = KERNELS[kernel]
    with pytest.raises(InvalidValueError):
        k({arg: [k.values[arg], math.inf]}, missing="propagate")


def test_scalar_missing_propagates_to_nan() -> None:
    """A scalar missing input with 'propagate' returns NaN (a float)."""
    got = egfr_ckd_epi_2021(None, 50, female=False, missing="propagate")
    assert isinstance(got, float)
    assert math.isnan(got)


def test_warning_counts_missing_rows() -> None:
    """Under 'propagate', the age-range warning says how many rows were missing."""
    with pytest.warns(OutsideValidatedRangeWarning, match="2 row\\(s\\) with missing"):
        egfr_ckd_epi_2021(
            [1.0, None, 1.0, np.nan],
            [10, 50, 60, 70],
            female=False,
            missing="propagate",
        )
    with pytest.warns(OutsideValidatedRangeWarning, match="implausible.*1 row\\(s\\)"):
        egfr_ckd_epi_2021([1.0, None], [200, 50], female=False, missing="propagate")


def test_categories_propagate_none() -> None:
    """Category kernels give None (not a category) where the value is missing."""
    got = gfr_category([95.0, None, 10.0], missing="propagate")
    assert got.tolist() == ["G1", None, "G5"]
    assert gfr_category(math.nan, missing="propagate") is None
    alb = albuminuria_category([10.0, math.nan, 400.0], "mg/g", missing="propagate")
    assert alb.tolist() == ["A1", None, "A3"]
    with pytest.raises(InvalidValueError) as info:
        gfr_category([95.0, None])
    assert info.value.index == 1


def test_conversions_and_changes_propagate() -> None:
    """upcr_g_g, protein_24h_g_day and the change kernels take missing= too."""
    assert np.isnan(upcr_g_g([500.0, None], "mg/g", missing="propagate")).tolist() == [
        False,
        True,
    ]
    assert np.isnan(protein_24h_g_day([500.0, None], "mg/day", missing="propagate"))[1]
    pct = percent_change([48.0, None], [80.0, 80.0], missing="propagate")
    assert pct[0] == pytest.approx(-40.0)
    assert math.isnan(pct[1])
    diff = absolute_change([1.9, 1.0], [1.2, math.nan], missing="propagate")
    assert diff[0] == pytest.approx(0.7)
    assert math.isnan(diff[1])
    with pytest.raises(InvalidValueError) as info:
        percent_change([48.0, None], [80.0, 80.0])
    assert info.value.index == 1


_finite_scr = st.floats(min_value=0.2, max_value=15.0)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), _finite_scr),
            st.one_of(st.none(), st.floats(min_value=18.0, max_value=100.0)),
            st.one_of(st.none(), st.booleans()),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_propagate_matches_element_wise_scalar(
    rows: list[tuple[float | None, float | None, bool | None]],
) -> None:
    """Property: NaN exactly where an input is missing, the scalar result elsewhere."""
    scr = [r[0] for r in rows]
    age = [r[1] for r in rows]
    female = np.array([r[2] for r in rows], dtype=object)
    got = egfr_ckd_epi_2021(scr, age, female=female, missing="propagate")
    for i, (s, a, f) in enumerate(rows):
        if s is None or a is None or f is None:
            assert math.isnan(got[i])
        else:
            assert got[i] == egfr_ckd_epi_2021(s, a, female=f)


# --- 6. the visit belongs to the patient -----------------------------------


def _patient(pid: str) -> Patient:
    return Patient(id=pid, sex="female", birth_date="1980-01-01")


def _visit(pid: str) -> Visit:
    return Visit(
        participant_id=pid,
        date="2024-01-01",
        labs=[
            LabResult(analyte="creatinine", value=1.0, unit="mg/dL", date="2024-01-01")
        ],
    )


def test_visit_of_another_participant_is_rejected() -> None:
    """egfr(patient, visit) with a visit of another participant names both ids."""
    with pytest.raises(InvalidValueError) as info:
        egfr(_patient("P01"), _visit("P02"))
    message = str(info.value)
    assert "P01" in message
    assert "P02" in message
    assert info.value.participant == "P01"
    assert isinstance(info.value, LupusScoreError)


def test_visit_of_the_same_participant_is_accepted() -> None:
    """The participant check does not reject a matching visit."""
    assert egfr(_patient("P01"), _visit("P01")).evaluable


# --- 7. issue 18 item 1: conversion factor fixed by the source ----------------


def test_ekfc_uses_its_source_factor_and_convert_keeps_molar_mass() -> None:
    """EKFC converts with 88.4 (53.56 as printed); convert keeps 113.12 g/mol."""
    assert EKFC_CREATININE_UMOL_L_PER_MG_DL == 88.4
    assert round(egfr_ekfc_cr(1.4, 60, female=False), 2) == 53.56
    per_mg_dl = convert(1.0, "mg/dL", "umol/L", analyte="creatinine")
    assert per_mg_dl == pytest.approx(10_000 / 113.12)
    assert per_mg_dl != pytest.approx(88.4, abs=1e-3)


def test_model_level_kernel_errors_name_the_participant() -> None:
    """An error raised by the kernel under egfr() names the participant."""
    visit = _visit("P07")
    patient = Patient(id="P07", sex="male", birth_date="2012-01-01")
    with pytest.raises(InvalidValueError) as info:
        egfr(patient, visit, strict=True)  # 12 years old: CKD-EPI is adults only
    assert info.value.participant == "P07"
    assert str(info.value).startswith("participant P07: ")


# --- a small fuzz over the whole kidney kernel surface ----------------------

HOSTILE: list[object] = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    5e-324,
    0.0,
    -1.0,
    True,
    np.bool_(False),
    "1",
    "",
    None,
    b"x",
    [],
    [[1.0], [2.0, 3.0]],
    np.array([]),
    np.zeros((2, 2)),
    np.array([1.0, None], dtype=object),
    np.array(1.0, dtype=np.float32),
    np.int64(3),
    10**400,
    object(),
    {},
    {1.0},
    dt.date(2024, 1, 1),
    1 + 1j,
]


@given(
    st.sampled_from(KERNEL_IDS),
    st.sampled_from(["number", "flag", "missing", "strict"]),
    st.sampled_from(HOSTILE),
    st.sampled_from(["raise", "propagate"]),
    st.data(),
)
def test_hostile_input_gives_a_result_or_a_library_error(
    kernel: str, where: str, bad: object, missing: str, data: st.DataObject
) -> None:
    """Property: any hostile value anywhere gives a result or a LupusScoreError."""
    k = KERNELS[kernel]
    numbers: dict[str, object] = {}
    flags: dict[str, object] = {}
    options: dict[str, object] = {"missing": missing}
    if where == "number":
        numbers[data.draw(st.sampled_from(k.numbers))] = bad
    elif where == "flag" and k.flags:
        flags[data.draw(st.sampled_from(sorted(k.flags)))] = bad
    else:
        options[where if where != "flag" else "missing"] = bad
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutsideValidatedRangeWarning)
        try:
            got = k(numbers, flags, **options)
        except LupusScoreError:
            return
    arr = np.asarray(got, dtype=np.float64)
    present = ~np.isnan(arr)
    assert np.all(np.isfinite(arr[present]))
    assert np.all(arr[present] > 0)


def test_model_level_implausible_age_is_noted_and_strict_raises() -> None:
    """egfr() at an age of ~160 years warns, notes it, and raises when strict."""
    patient = Patient(id="P08", sex="male", birth_date="1900-01-01")
    visit = Visit(
        participant_id="P08",
        date="2060-01-01",
        labs=[
            LabResult(analyte="creatinine", value=1.0, unit="mg/dL", date="2060-01-01")
        ],
    )
    with pytest.warns(OutsideValidatedRangeWarning, match="implausible"):
        result = egfr(patient, visit)
    assert any("implausible" in note for note in result.notes)
    with pytest.raises(InvalidValueError, match="125 years") as info:
        egfr(patient, visit, strict=True)
    assert info.value.participant == "P08"


@pytest.mark.parametrize("marker", [math.nan, np.float64("nan"), None], ids=repr)
def test_nan_scalar_measures_are_missing_not_errors(marker: object) -> None:
    """NaN in a scalar end point is missing: not evaluable with a reason."""
    assert not change_from_reference("egfr", marker, 60.0).evaluable
    assert change_from_reference("upcr", 1.0, marker).reason == "no baseline upcr value"
    assert creatinine_doubled(marker, 1.0).status.value == "not_evaluable"
    assert eskd(marker).criteria[0].reason == "no eGFR value"
    assert confirmed_egfr_decline(marker, []).status.value == "not_evaluable"
    series = [(dt.date(2024, 1, 1), 40.0), (dt.date(2024, 2, 1), marker)]
    pending = confirmed_egfr_decline(80.0, series)
    assert pending.status.value == "not_evaluable"
    assert "not yet confirmed" in (pending.reason or "")


def test_percent_change_from_zero_says_why() -> None:
    """A reference <= 0 is an error that says a percent change is undefined."""
    with pytest.raises(InvalidValueError, match="undefined") as info:
        percent_change([1.0, 2.0], [1.0, 0.0])
    assert info.value.index == 1
