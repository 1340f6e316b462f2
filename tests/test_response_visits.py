"""Model-level renal response over a participant's visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lupusscore as ls

P = ls.Patient(id="P01", sex="female", birth_date="1985-03-02")
BASE = dt.date(2020, 1, 6)


def lab(analyte: str, value: float, unit: str, day: dt.date, **kw: Any) -> ls.LabResult:
    """Build one lab result."""
    return ls.LabResult(analyte=analyte, value=value, unit=unit, date=day, **kw)


def visit(
    week: int,
    *,
    upcr: float | None = None,
    upcr_unit: str = "g/g",
    creat: float | None = 0.8,
    gc: float | None = 5.0,
    rescue: bool | None = False,
    rbc: float | None = None,
    casts: bool | None = None,
) -> ls.Visit:
    """Build a visit *week* weeks after the reference date."""
    day = BASE + dt.timedelta(weeks=week)
    labs = []
    if upcr is not None:
        labs.append(lab("upcr", upcr, upcr_unit, day))
    if creat is not None:
        labs.append(lab("creatinine", creat, "mg/dL", day, reference_high=1.0))
    if rbc is not None:
        labs.append(lab("urine_rbc", rbc, "/hpf", day))
    return ls.Visit(
        participant_id="P01",
        date=day,
        labs=labs,
        glucocorticoid_mg_day=gc,
        rescue_therapy=rescue,
        descriptors={} if casts is None else {"urinary_casts": casts},
    )


def on(week: int) -> dt.date:
    """The date *week* weeks after the reference date."""
    return BASE + dt.timedelta(weeks=week)


def test_kdigo_complete_from_visits() -> None:
    """Reference = first visit; eGFR from the kidney module; complete response."""
    visits = [visit(0, upcr=3.0, gc=40), visit(26, upcr=1.0), visit(52, upcr=0.3)]
    r = ls.evaluate_renal_response("kdigo-2024", P, visits, assessment_date=on(52))
    assert r.category == "complete"
    assert r.notes[0] == f"reference visit {BASE}; assessment {on(52)}"
    egfr = {c.name: c for c in r.criteria}["complete.egfr"]
    expected = ls.egfr(P, visits[2]).value
    assert egfr.observed == pytest.approx(expected)


def test_baseline_date_selects_the_reference() -> None:
    """baseline_date picks the reference visit for reductions."""
    visits = [visit(0, upcr=1.2), visit(4, upcr=4.0), visit(30, upcr=1.9)]
    first = ls.evaluate_renal_response("kdigo-2024", P, visits, assessment_date=on(30))
    chosen = ls.evaluate_renal_response(
        "kdigo-2024", P, visits, assessment_date=on(30), baseline_date=on(4)
    )
    assert first.category == "none"
    assert chosen.category == "partial"
    red = {c.name: c for c in chosen.criteria}["partial.upcr_reduction"]
    assert red.observed == pytest.approx(52.5)


def test_no_visit_on_assessment_date_is_not_evaluable() -> None:
    """A missing assessment visit gives not_evaluable, never none."""
    visits = [visit(0, upcr=3.0), visit(52, upcr=0.3)]
    r = ls.evaluate_renal_response("regency", P, visits, assessment_date=on(51))
    assert r.category == "not_evaluable"
    assert any("no visit on the assessment date" in n for n in r.notes)


def test_withdrawal_is_non_response_even_without_data() -> None:
    """withdrawn=True with no assessment visit is none for AURORA."""
    visits = [visit(0, upcr=3.0)]
    r = ls.evaluate_renal_response(
        "aurora", P, visits, assessment_date=on(52), withdrawn=True
    )
    assert r.category == "none"


def test_pre_flare_reference_is_never_replaced_by_baseline() -> None:
    """BLISS-LN needs pre_flare_egfr; without it eGFR criteria stay open."""
    visits = [
        visit(0, upcr=3.0, gc=30),
        visit(24, upcr=1.0, gc=10),
        visit(104, upcr=0.3),
    ]
    r = ls.evaluate_renal_response("bliss-ln", P, visits, assessment_date=on(104))
    egfr_now = ls.egfr(P, visits[2]).require()
    assert egfr_now >= 90  # CRR absolute limb met, so the reference is not needed
    assert r.category == "complete"
    high = [visit(0, upcr=3.0, creat=0.6), visit(104, upcr=0.3, creat=1.3)]
    open_ = ls.evaluate_renal_response("bliss-ln", P, high, assessment_date=on(104))
    assert open_.category == "not_evaluable"
    assert "reference_egfr" in open_.missing_inputs
    given = ls.evaluate_renal_response(
        "bliss-ln", P, high, assessment_date=on(104), pre_flare_egfr=60.0
    )
    assert given.category == "complete"


def test_bliss_steroid_window_from_week_24() -> None:
    """A dose above 10 mg/day before week 24 is allowed, after it is not."""
    ok = [
        visit(0, upcr=3.0, gc=40),
        visit(20, gc=15),
        visit(24, gc=10),
        visit(104, upcr=0.3),
    ]
    r = ls.evaluate_renal_response("bliss-ln", P, ok, assessment_date=on(104))
    assert r.category == "complete"
    bad = [visit(0, upcr=3.0, gc=40), visit(30, gc=12.5), visit(104, upcr=0.3)]
    r = ls.evaluate_renal_response("bliss-ln", P, bad, assessment_date=on(104))
    assert r.category == "none"
    gap = [visit(0, upcr=3.0, gc=40), visit(30, gc=None), visit(104, upcr=0.3)]
    r = ls.evaluate_renal_response("bliss-ln", P, gap, assessment_date=on(104))
    assert r.category == "not_evaluable"
    assert "glucocorticoid_mg_day" in r.missing_inputs


def test_aurora_steroid_day_counts() -> None:
    """AURORA: > 10 mg/day for 7+ days in weeks 44-52 fails; 6 days passes."""

    def run(days_above: int) -> str:
        start = on(44)
        visits = [visit(0, upcr=3.0, gc=40), visit(44, gc=20)]
        back = ls.Visit(
            participant_id="P01",
            date=start + dt.timedelta(days=days_above),
            glucocorticoid_mg_day=5.0,
            rescue_therapy=False,
        )
        visits += [back, visit(52, upcr=0.3)]
        r = ls.evaluate_renal_response("aurora", P, visits, assessment_date=on(52))
        return r.category.value

    assert run(2) == "complete"  # 2 days above: fewer than 3 consecutive
    assert run(3) == "none"  # 3 consecutive days above


def test_dose_before_the_window_carries_into_it() -> None:
    """A dose recorded before the window holds until the next visit and counts."""
    aurora = [visit(0, upcr=3.0, gc=40), visit(40, gc=20), visit(52, upcr=0.3)]
    r = ls.evaluate_renal_response("aurora", P, aurora, assessment_date=on(52))
    assert r.category == "none"  # 20 mg/day held from week 40 through week 52
    bliss = [
        visit(0, upcr=3.0, gc=40),
        visit(20, gc=15),
        visit(28, gc=5),
        visit(104, upcr=0.3),
    ]
    r = ls.evaluate_renal_response("bliss-ln", P, bliss, assessment_date=on(104))
    assert r.category == "none"  # 15 mg/day held from week 20 to week 28
    unknown = [
        visit(0, upcr=3.0, gc=40),
        visit(20, gc=None),
        visit(28, gc=5),
        visit(104, upcr=0.3),
    ]
    r = ls.evaluate_renal_response("bliss-ln", P, unknown, assessment_date=on(104))
    assert r.category == "not_evaluable"  # the dose on day 1 of the window is unknown


def test_rescue_recorded_at_a_visit_is_non_response() -> None:
    """Rescue therapy at any visit after the reference fails REGENCY CRR."""
    visits = [visit(0, upcr=3.0), visit(20, rescue=True), visit(76, upcr=0.3)]
    r = ls.evaluate_renal_response("regency", P, visits, assessment_date=on(76))
    assert r.category == "none"
    unknown = [visit(0, upcr=3.0), visit(20, rescue=None), visit(76, upcr=0.3)]
    r = ls.evaluate_renal_response("regency", P, unknown, assessment_date=on(76))
    assert r.category == "not_evaluable"


def test_lunar_uses_lab_uln_and_sediment() -> None:
    """LUNAR reads the creatinine ULN from the lab and casts from the descriptor."""
    visits = [visit(0, upcr=3.0), visit(52, upcr=0.3, rbc=2, casts=False)]
    r = ls.evaluate_renal_response("lunar", P, visits, assessment_date=on(52))
    assert r.category == "complete"
    casts = [visit(0, upcr=3.0), visit(52, upcr=0.3, rbc=2, casts=True)]
    r = ls.evaluate_renal_response("lunar", P, casts, assessment_date=on(52))
    assert r.category == "none"


@settings(max_examples=60)
@given(value=st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=9.0)))
def test_unit_of_upcr_does_not_matter(value: float) -> None:
    """UPCR entered in mg/mmol gives the result it gives in g/g."""
    mg_mmol = ls.convert(value, "g/g", "mg/mmol", analyte="upcr")
    a = [visit(0, upcr=3.0), visit(52, upcr=value)]
    b = [
        visit(0, upcr=339.36, upcr_unit="mg/mmol"),
        visit(52, upcr=mg_mmol, upcr_unit="mg/mmol"),
    ]
    for d in ("kdigo-2024", "aurora", "alms", "eular-2019"):
        ra = ls.evaluate_renal_response(d, P, a, assessment_date=on(52))
        rb = ls.evaluate_renal_response(d, P, b, assessment_date=on(52))
        assert ra.category == rb.category
        assert ra.tiers == rb.tiers


def test_bad_calls_raise() -> None:
    """Empty visits, another patient's visits and bad dates raise library errors."""
    with pytest.raises(ls.InvalidValueError, match="visits"):
        ls.evaluate_renal_response("kdigo-2024", P, [], assessment_date=BASE)
    other = ls.Visit(participant_id="P02", date=BASE)
    with pytest.raises(ls.InvalidValueError, match="P01"):
        ls.evaluate_renal_response("kdigo-2024", P, [other], assessment_date=BASE)
    visits = [visit(0, upcr=3.0), visit(10, upcr=1.0)]
    with pytest.raises(ls.InvalidDateError, match="baseline_date"):
        ls.evaluate_renal_response(
            "kdigo-2024", P, visits, assessment_date=on(10), baseline_date=on(1)
        )
    with pytest.raises(ls.InvalidDateError, match="assessment_date"):
        ls.evaluate_renal_response("kdigo-2024", P, visits, assessment_date=on(-1))
    with pytest.raises(ls.InvalidDateError, match="assessment_date"):
        ls.evaluate_renal_response("kdigo-2024", P, visits, assessment_date="soon")


def test_missing_aurora_day_counts_are_named() -> None:
    """Without the day counts above the ceiling, AURORA names them as missing."""
    r = ls.classify_renal_response(
        "aurora",
        upcr_g_g=0.3,
        baseline_upcr_g_g=3.0,
        egfr=80.0,
        reference_egfr=82.0,
        glucocorticoid_mg_day=20.0,
        rescue_therapy=False,
        egfr_decline_confirmed=False,
        withdrawn=False,
    )
    assert r.category == "not_evaluable"
    assert "glucocorticoid_days_above_ceiling" in r.missing_inputs
