"""Change over time: percent change, doubling, confirmed eGFR decline, ESKD."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import LabResult, Patient, Status, Visit
from lupusscore.errors import InvalidDateError, InvalidValueError
from lupusscore.kidney import (
    CREATININE_DOUBLING_FACTOR,
    EGFR_DECLINE_PERCENTS,
    ESKD_EGFR_BELOW,
    absolute_change,
    change_from_reference,
    confirmed_egfr_decline,
    creatinine_doubled,
    egfr,
    eskd,
    percent_change,
)

# The deprecated alias keeps its old behaviour; these tests still cover it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:lupusscore.kidney.percent_change:DeprecationWarning"
)

D = [dt.date(2024, m, 1) for m in range(1, 13)]


def test_named_constants() -> None:
    """The end-point numbers are the published ones (Levey 2014; KDIGO G5)."""
    assert CREATININE_DOUBLING_FACTOR == 2.0
    assert EGFR_DECLINE_PERCENTS == (30.0, 40.0)
    assert ESKD_EGFR_BELOW == 15.0


def test_percent_and_absolute_change() -> None:
    """Percent change is 100 × (value − reference) / reference."""
    assert percent_change(48.0, 80.0) == pytest.approx(-40.0)
    assert percent_change(1.8, 0.9) == pytest.approx(100.0)
    assert absolute_change(1.8, 0.9) == pytest.approx(0.9)
    with pytest.raises(InvalidValueError, match="reference"):
        percent_change(1.0, 0.0)
    with pytest.raises(InvalidValueError):
        absolute_change(math.nan, 1.0)


@given(
    st.lists(
        st.tuples(st.floats(0, 1e3), st.floats(0.01, 1e3)), min_size=1, max_size=20
    )
)
def test_change_kernels_array_equals_elementwise(
    rows: list[tuple[float, float]],
) -> None:
    """Array change equals element-wise change (rtol 1e-12)."""
    v, r = (np.array(c) for c in zip(*rows, strict=True))
    np.testing.assert_allclose(
        percent_change(v, r), [percent_change(a, b) for a, b in rows], rtol=1e-12
    )
    np.testing.assert_allclose(
        absolute_change(v, r), [absolute_change(a, b) for a, b in rows], rtol=1e-12
    )


def test_change_from_reference_with_lab_results() -> None:
    """Lab results in any unit are converted before the change is computed."""
    now = LabResult(analyte="creatinine", value=132.6, unit="µmol/L", date=D[3])
    r = change_from_reference("creatinine", now, 1.0, reference_kind="pre_flare")
    assert r.value == pytest.approx(132.6 / 88.4017, rel=1e-5)
    assert r.unit == "mg/dL"
    assert r.reference_kind == "pre_flare"
    assert r.percent_change == pytest.approx(50.0, abs=0.01)
    assert r.evaluable


def test_change_from_reference_with_egfr_results() -> None:
    """eGFR results can be compared directly."""
    p = Patient(id="P", sex="female", birth_date="1980-01-01")
    visits = [
        Visit(
            participant_id="P",
            date=D[i],
            labs=[LabResult(analyte="creatinine", value=v, unit="mg/dL", date=D[i])],
        )
        for i, v in ((0, 0.8), (6, 1.2))
    ]
    base, now = (egfr(p, v) for v in visits)
    r = change_from_reference("egfr", now, base, reference_kind="baseline")
    assert r.absolute_change == pytest.approx(now.require() - base.require())
    assert r.percent_change is not None
    assert r.percent_change < 0


def test_change_missing_is_not_evaluable() -> None:
    """A missing value or reference gives not evaluable with the reason."""
    r = change_from_reference("upcr", None, 2.0)
    assert not r.evaluable
    assert r.reason == "no current upcr value"
    r = change_from_reference("upcr", 1.0, None, reference_kind="nadir")
    assert r.reason == "no nadir upcr value"


def test_change_from_zero_reference() -> None:
    """UPCR from 0: absolute change only; percent change undefined and explained."""
    r = change_from_reference("upcr", 0.3, 0.0)
    assert r.absolute_change == pytest.approx(0.3)
    assert r.percent_change is None
    assert "undefined" in (r.reason or "")


def test_change_rejects_wrong_inputs() -> None:
    """A result of another analyte, a negative number or a bool is rejected."""
    upcr = LabResult(analyte="upcr", value=1.0, unit="g/g", date=D[0])
    with pytest.raises(InvalidValueError, match="creatinine"):
        change_from_reference("creatinine", upcr, 1.0)
    with pytest.raises(InvalidValueError):
        change_from_reference("upcr", -1.0, 1.0)
    with pytest.raises(InvalidValueError):
        change_from_reference("upcr", True, 1.0)


@pytest.mark.parametrize(
    ("current", "status"),
    [(1.7999, Status.NOT_MET), (1.8, Status.MET), (1.8001, Status.MET)],
)
def test_creatinine_doubled_edges(current: float, status: Status) -> None:
    """Just below 2 × reference: not met; at and above: met."""
    c = creatinine_doubled(current, 0.9)
    assert c.status is status
    assert c.threshold == pytest.approx(1.8)
    assert c.observed == current
    assert c.comparator == ">="
    assert c.unit == "mg/dL"
    assert c.source is not None


def test_creatinine_doubled_missing_and_invalid() -> None:
    """Missing values are not evaluable; a zero reference is invalid."""
    assert creatinine_doubled(1.0, None).status is Status.NOT_EVALUABLE
    assert creatinine_doubled(None, 1.0).threshold == 2.0
    with pytest.raises(InvalidValueError, match="reference"):
        creatinine_doubled(1.0, 0.0)


def test_creatinine_doubled_with_lab_results() -> None:
    """Creatinine results in µmol/L are compared in mg/dL."""
    now = LabResult(analyte="creatinine", value=180, unit="umol/L", date=D[5])
    base = LabResult(analyte="creatinine", value=88, unit="umol/L", date=D[0])
    assert creatinine_doubled(now, base).status is Status.MET


# ------------------------------------------------------------ confirmed decline


@pytest.mark.parametrize("decline", EGFR_DECLINE_PERCENTS)
def test_decline_edges(decline: float) -> None:
    """At exactly the decline (twice) it is met; just short of it, not met."""
    limit = 100.0 * (1 - decline / 100)
    met = confirmed_egfr_decline(
        100.0, [(D[1], limit), (D[2], limit)], decline_percent=decline
    )
    assert met.status is Status.MET
    assert met.observed == pytest.approx(-decline)
    assert met.threshold == -decline
    assert met.name == f"egfr_decline_{decline:g}pct_confirmed"
    short = confirmed_egfr_decline(
        100.0, [(D[1], limit + 0.01), (D[2], limit + 0.01)], decline_percent=decline
    )
    assert short.status is Status.NOT_MET


def test_decline_not_confirmed_when_next_recovers() -> None:
    """A decline followed by recovery is unconfirmed; a later confirmed one counts."""
    series = [(D[1], 55.0), (D[2], 70.0), (D[3], 50.0), (D[4], 52.0)]
    c = confirmed_egfr_decline(100.0, series, decline_percent=40)
    assert c.status is Status.MET
    assert c.observed == pytest.approx(-50.0)
    assert str(D[3]) in (c.reason or "")
    only_recovered = confirmed_egfr_decline(100.0, series[:2], decline_percent=40)
    assert only_recovered.status is Status.NOT_MET
    assert only_recovered.observed == pytest.approx(-45.0)


def test_decline_pending_confirmation_is_not_evaluable() -> None:
    """A qualifying last measurement with nothing after it is not evaluable."""
    c = confirmed_egfr_decline(100.0, [(D[1], 90.0), (D[2], 55.0)], decline_percent=40)
    assert c.status is Status.NOT_EVALUABLE
    assert "not yet confirmed" in (c.reason or "")


def test_decline_skips_missing_measurements() -> None:
    """A missing measurement is skipped: the next available one confirms."""
    series: list[tuple[dt.date, float | None]] = [
        (D[1], 50.0),
        (D[2], None),
        (D[3], 55.0),
    ]
    assert confirmed_egfr_decline(100.0, series).status is Status.MET


def test_decline_minimum_days_between() -> None:
    """With min_days_to_confirm, all measurements up to that day must qualify."""
    close = [(dt.date(2024, 1, 1), 50.0), (dt.date(2024, 1, 10), 50.0)]
    c = confirmed_egfr_decline(100.0, close, min_days_to_confirm=28)
    assert c.status is Status.NOT_EVALUABLE
    later = [*close, (dt.date(2024, 2, 1), 58.0)]
    assert (
        confirmed_egfr_decline(100.0, later, min_days_to_confirm=28).status
        is Status.MET
    )
    dip = [*close, (dt.date(2024, 1, 20), 70.0), (dt.date(2024, 2, 1), 70.0)]
    assert (
        confirmed_egfr_decline(100.0, dip, min_days_to_confirm=28).status
        is Status.NOT_MET
    )


def test_decline_order_does_not_matter() -> None:
    """Measurements are sorted by date before evaluation."""
    series = [(D[3], 50.0), (D[1], 90.0), (D[2], 50.0)]
    assert confirmed_egfr_decline(100.0, series).status is Status.MET


def test_decline_missing_inputs_and_errors() -> None:
    """No reference or no measurements: not evaluable. Bad inputs raise."""
    assert confirmed_egfr_decline(None, [(D[1], 10.0)]).status is Status.NOT_EVALUABLE
    assert confirmed_egfr_decline(80.0, []).status is Status.NOT_EVALUABLE
    assert confirmed_egfr_decline(80.0, [(D[1], None)]).status is Status.NOT_EVALUABLE
    with pytest.raises(InvalidDateError):
        confirmed_egfr_decline(80.0, [(D[1], 40.0), (D[1], 41.0)])
    with pytest.raises(InvalidValueError, match="decline_percent"):
        confirmed_egfr_decline(80.0, [(D[1], 40.0)], decline_percent=0)
    with pytest.raises(InvalidValueError, match="reference"):
        confirmed_egfr_decline(0.0, [(D[1], 40.0)])
    with pytest.raises(InvalidValueError, match="measurements"):
        confirmed_egfr_decline(80.0, [(D[1], -4.0)])


def test_decline_accepts_egfr_results() -> None:
    """EgfrResult objects (dated) can be passed as measurements and reference."""
    p = Patient(id="P", sex="male", birth_date="1970-01-01")

    def at(i: int, scr: float) -> Visit:
        lab = LabResult(analyte="creatinine", value=scr, unit="mg/dL", date=D[i])
        return Visit(participant_id="P", date=D[i], labs=[lab])

    base = egfr(p, at(0, 0.9))
    later = [egfr(p, at(4, 2.0)), egfr(p, at(6, 2.1))]
    c = confirmed_egfr_decline(base, later, decline_percent=30)
    assert c.status is Status.MET


# ------------------------------------------------------------------------ ESKD


@pytest.mark.parametrize(
    ("value", "status"),
    [(14.99, Status.MET), (15.0, Status.NOT_MET), (15.01, Status.NOT_MET)],
)
def test_eskd_egfr_edge(value: float, status: Status) -> None:
    """eGFR < 15 is ESKD; 15 is not (dialysis and transplant recorded absent)."""
    r = eskd(value, dialysis=False, transplant=False)
    assert r.status is status
    assert r.criteria[0].threshold == 15.0
    assert r.criteria[0].comparator == "<"


def test_eskd_dialysis_or_transplant() -> None:
    """Dialysis or a transplant is ESKD whatever the eGFR (or if eGFR is missing)."""
    assert eskd(60.0, dialysis=True).status is Status.MET
    assert eskd(None, transplant=True).met is True
    assert eskd(None, dialysis=False, transplant=False).status is Status.NOT_EVALUABLE


def test_eskd_unrecorded_flags_are_not_evaluable() -> None:
    """eGFR >= 15 with dialysis/transplant not recorded is not evaluable, not 'no'."""
    r = eskd(40.0)
    assert r.status is Status.NOT_EVALUABLE
    assert r.met is None
    assert [c.name for c in r.criteria] == [
        "egfr_below_15",
        "dialysis",
        "kidney_transplant",
    ]
    with pytest.raises(InvalidValueError, match="dialysis"):
        eskd(40.0, dialysis="yes")  # type: ignore[arg-type]
