"""Complement: low C3/C4/CH50 against the lab's range, change, normalisation."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import InvalidDateError, InvalidValueError, LabResult, NotEvaluableError
from lupusscore.results import Comparator, Status
from lupusscore.serology import (
    DEFAULT_LOWER_LIMITS,
    compare,
    complement_change,
    complement_normalised,
    low_complement,
    relative_change,
)

# The deprecated alias keeps its old behaviour; these tests still cover it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:lupusscore.serology.relative_change:DeprecationWarning"
)

REF = json.loads(
    (Path(__file__).parent / "reference" / "serology_cutoffs.json").read_text()
)
DAY = "2024-01-05"


def lab(analyte: str, value: float, unit: str, **kw: object) -> LabResult:
    return LabResult(
        analyte=analyte, value=value, unit=unit, date=kw.pop("date", DAY), **kw
    )


def test_default_limits_match_reference() -> None:
    """The default lower limits are the reference table's (C3 0.9 g/L, C4 0.1 g/L)."""
    expected = REF["complement_default_lower_limit_g_l"]
    assert {a.value: v for a, v in DEFAULT_LOWER_LIMITS.items()} == expected
    for analyte, (low, _high) in REF["complement_typical_range_mg_dl"].items():
        assert DEFAULT_LOWER_LIMITS[analyte] == pytest.approx(low / 100)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (80.0, Status.MET),
        (81.0, Status.MET),
        (81.1, Status.NOT_MET),
        (81.2, Status.NOT_MET),
    ],
)
def test_c3_edges_against_lab_lower_limit(value: float, status: Status) -> None:
    """C3 just below the lab's LLN (81.1 mg/dL) is low; at and above it is not."""
    c = low_complement(lab("c3", value, "mg/dL", reference_low=81.1))
    assert c.status is status
    assert c.name == "low_c3"
    assert c.comparator is Comparator.LT
    assert c.unit == "g/L"
    assert c.threshold == pytest.approx(0.811)
    assert c.observed == pytest.approx(value / 100)
    assert "lab's lower limit 81.1 mg/dL" in (c.reason or "")


@pytest.mark.parametrize(
    ("analyte", "value", "unit", "status"),
    [
        ("c3", 0.89, "g/L", Status.MET),
        ("c3", 0.9, "g/L", Status.NOT_MET),
        ("c3", 90, "mg/dL", Status.NOT_MET),
        ("c3", 89.9, "mg/dL", Status.MET),
        ("c3", 900, "mg/L", Status.NOT_MET),
        ("c3", 0.91, "g/L", Status.NOT_MET),
        ("c4", 9.9, "mg/dL", Status.MET),
        ("c4", 10, "mg/dL", Status.NOT_MET),
        ("c4", 0.1, "g/L", Status.NOT_MET),
        ("c4", 0.11, "g/L", Status.NOT_MET),
    ],
)
def test_default_limit_edges(
    analyte: str, value: float, unit: str, status: Status
) -> None:
    """Without a lab range the documented default is used, at and around its edge."""
    c = low_complement(lab(analyte, value, unit))
    assert c.status is status
    assert c.threshold == DEFAULT_LOWER_LIMITS[analyte]
    assert c.reason is not None
    assert c.reason.startswith("lab gave no reference range; default")


def test_default_can_be_refused() -> None:
    """use_default=False makes a result without a lab range not evaluable."""
    c = low_complement(lab("c3", 0.5, "g/L"), use_default=False)
    assert c.status is Status.NOT_EVALUABLE
    assert c.threshold is None
    assert "use_default=False" in (c.reason or "")


def test_lab_range_wins_over_default() -> None:
    """A lab LLN of 0.75 g/L makes 0.8 g/L normal; the default would call it low."""
    assert (
        low_complement(lab("c3", 0.8, "g/L", reference_low=0.75)).status
        is Status.NOT_MET
    )
    assert low_complement(lab("c3", 0.8, "g/L")).status is Status.MET


@pytest.mark.parametrize(
    ("value", "status"),
    [(29.0, Status.MET), (30.0, Status.NOT_MET), (31.0, Status.NOT_MET)],
)
def test_ch50_against_lab_range(value: float, status: Status) -> None:
    """CH50 is judged against the lab's own LLN in its assay units."""
    c = low_complement(lab("ch50", value, "U/mL", reference_low=30, assay="Wako"))
    assert c.status is status
    assert c.name == "low_ch50"
    assert c.unit == "U/mL"


def test_ch50_without_range_is_not_evaluable() -> None:
    """CH50 has no verified default range: no lab range means not evaluable."""
    c = low_complement(lab("ch50", 10, "U/mL"))
    assert c.status is Status.NOT_EVALUABLE
    assert "no verified default" in (c.reason or "")


def test_wrong_analyte_raises() -> None:
    """A non-complement result is a library error naming the field."""
    with pytest.raises(InvalidValueError, match=r"lab\.analyte"):
        low_complement(lab("creatinine", 1.0, "mg/dL"))


@given(
    tenths=st.integers(min_value=10, max_value=5999),
    low_tenths=st.integers(min_value=10, max_value=5999),
)
def test_c3_flag_is_unit_invariant(tenths: int, low_tenths: int) -> None:
    """The same C3 and LLN in mg/dL, g/L and mg/L give the same flag."""
    mg_dl = low_complement(
        lab("c3", tenths / 10, "mg/dL", reference_low=low_tenths / 10)
    )
    g_l = low_complement(
        lab("c3", tenths / 1000, "g/L", reference_low=low_tenths / 1000)
    )
    mg_l = low_complement(lab("c3", tenths, "mg/L", reference_low=low_tenths))
    assert mg_dl.status is g_l.status is mg_l.status
    assert mg_dl.status is Status.of(tenths < low_tenths)


@given(tenths=st.integers(min_value=5, max_value=1999))
def test_c4_default_flag_is_unit_invariant(tenths: int) -> None:
    """With the default LLN, C4 in mg/dL and g/L flag as exact arithmetic does."""
    mg_dl = low_complement(lab("c4", tenths / 10, "mg/dL"))
    g_l = low_complement(lab("c4", tenths / 1000, "g/L"))
    assert mg_dl.status is g_l.status is Status.of(tenths < 100)


def test_compare_kernel_broadcasts() -> None:
    """The comparison kernel gives a bool for scalars and an array for arrays."""
    assert compare(0.5, 0.9, Comparator.LT) is True
    out = compare(np.array([0.899, 0.9, 0.901]), 0.9, Comparator.LT)
    assert out.tolist() == [True, False, False]


def test_change_absolute_and_percent_across_units() -> None:
    """C3 60 mg/dL -> 0.9 g/L is +0.3 g/L, +50 %."""
    ch = complement_change(
        lab("c3", 60, "mg/dL"), lab("c3", 0.9, "g/L", date="2024-04-01")
    )
    assert ch.evaluable
    assert ch.unit == "g/L"
    assert ch.absolute == pytest.approx(0.3)
    assert ch.percent == pytest.approx(50.0)
    assert ch.require_absolute() == pytest.approx(0.3)


def test_change_ch50_needs_same_assay() -> None:
    """CH50 units are assay-specific: different or missing assays are not compared."""
    a = lab("ch50", 40, "U/mL", assay="Wako")
    b = lab("ch50", 20, "U/mL", assay="Quidel", date="2024-03-01")
    ch = complement_change(a, b)
    assert not ch.evaluable
    assert ch.absolute is None
    assert ch.percent is None
    assert "different assays" in (ch.reason or "")
    with pytest.raises(NotEvaluableError, match="not evaluable"):
        ch.require_absolute()
    missing = complement_change(
        lab("ch50", 40, "U/mL"), lab("ch50", 20, "U/mL", date="2024-03-01")
    )
    assert not missing.evaluable
    same = complement_change(
        a, lab("ch50", 20, "U/mL", assay="wako", date="2024-03-01")
    )
    assert same.percent == pytest.approx(-50.0)


def test_change_rejects_mixed_analytes_and_reversed_dates() -> None:
    """C3 vs C4, a non-complement result, or a follow-up before baseline raise."""
    with pytest.raises(InvalidValueError):
        complement_change(lab("c3", 1, "g/L"), lab("c4", 0.2, "g/L"))
    with pytest.raises(InvalidValueError):
        complement_change(lab("c3", 1, "g/L"), lab("anti_dsdna", 2, "IU/mL"))
    with pytest.raises(InvalidDateError, match=r"follow_up\.date"):
        complement_change(lab("c3", 1, "g/L", date="2024-02-01"), lab("c3", 1, "g/L"))


@given(
    b=st.floats(min_value=0.01, max_value=5.0),
    f=st.floats(min_value=0.01, max_value=5.0),
)
def test_relative_change_kernel_scalar_matches_array(b: float, f: float) -> None:
    """The change kernel gives the same numbers for scalars and arrays."""
    absolute, percent = relative_change(b, f)
    arr_abs, arr_pct = relative_change(np.array([b]), np.array([f]))
    assert isinstance(absolute, float)
    assert arr_abs[0] == absolute
    assert arr_pct[0] == percent
    assert percent == pytest.approx(100 * (f - b) / b)


def test_relative_change_zero_baseline() -> None:
    """Percent change from a zero baseline is NaN in the kernel."""
    _, pct = relative_change(0.0, 1.0)
    assert np.isnan(pct)


@pytest.mark.parametrize(
    ("before", "after", "status"),
    [
        (0.6, 0.95, Status.MET),  # low -> normal
        (0.6, 0.9, Status.MET),  # low -> exactly at the LLN is not low
        (0.6, 0.89, Status.NOT_MET),  # still low
        (1.0, 1.1, Status.NOT_MET),  # never low: nothing to normalise
    ],
)
def test_normalisation(before: float, after: float, status: Status) -> None:
    """Normalisation is low at baseline and no longer below the LLN at follow-up."""
    c = complement_normalised(
        lab("c3", before, "g/L", reference_low=0.9),
        lab("c3", after, "g/L", reference_low=0.9, date="2024-06-01"),
    )
    assert c.status is status
    assert c.name == "c3_normalised"


def test_normalisation_uses_each_labs_own_range() -> None:
    """Each result is judged by its own lab: 85 mg/dL is normal if the LLN is 81.1."""
    c = complement_normalised(
        lab("c3", 70, "mg/dL", reference_low=90),
        lab("c3", 85, "mg/dL", reference_low=81.1, date="2024-06-01"),
    )
    assert c.status is Status.MET


def test_normalisation_missing_flag_is_not_evaluable() -> None:
    """A CH50 without a lab range at follow-up makes normalisation not evaluable."""
    c = complement_normalised(
        lab("ch50", 10, "U/mL", reference_low=30),
        lab("ch50", 40, "U/mL", date="2024-06-01"),
    )
    assert c.status is Status.NOT_EVALUABLE
    assert "not evaluable" in (c.reason or "")


def test_normalisation_rejects_mixed_analytes() -> None:
    """C3 at baseline and C4 at follow-up is an error, as is a reversed date order."""
    with pytest.raises(InvalidValueError):
        complement_normalised(lab("c3", 0.5, "g/L"), lab("c4", 0.2, "g/L"))
    with pytest.raises(InvalidDateError):
        complement_normalised(
            lab("c3", 0.5, "g/L", date="2024-02-01"), lab("c3", 1, "g/L")
        )
