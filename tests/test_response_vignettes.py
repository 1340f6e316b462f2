"""Threshold-edge vignettes for every shipped renal response definition.

Each vignette starts from inputs that meet every criterion and moves one input
to just below, at, or just above a published threshold. Expected categories are
worked out by hand from the definition text (see docs/renal-response.md).
"""

from __future__ import annotations

from typing import Any

import pytest

import lupusscore as ls

#: Inputs meeting every criterion of every shipped definition.
GOOD: dict[str, Any] = {
    "upcr_g_g": 0.2,
    "baseline_upcr_g_g": 4.0,
    "egfr": 100.0,
    "reference_egfr": 100.0,
    "glucocorticoid_mg_day": 5.0,
    "rescue_therapy": False,
    "creatinine_mg_dl": 0.8,
    "reference_creatinine_mg_dl": 0.8,
    "creatinine_uln_mg_dl": 1.0,
    "urine_rbc_hpf": 1.0,
    "rbc_casts": False,
    "egfr_decline_confirmed": None,
    "glucocorticoid_days_above_ceiling": None,
    "glucocorticoid_consecutive_days_above_ceiling": None,
    "withdrawn": False,
}

C, P, N, NE = "complete", "partial", "none", "not_evaluable"

# (definition, parameters, changed inputs, expected category, what is at the edge)
VIGNETTES: list[tuple[str, dict[str, float], dict[str, Any], str, str]] = [
    # KDIGO 2024: CR UPCR < 0.5; PR >= 50% and < 3; eGFR >= 85% (default 15%)
    ("kdigo-2024", {}, {"upcr_g_g": 0.49}, C, "CR UPCR below"),
    ("kdigo-2024", {}, {"upcr_g_g": 0.5}, P, "CR UPCR at (strict <)"),
    ("kdigo-2024", {}, {"upcr_g_g": 0.51}, P, "CR UPCR above"),
    ("kdigo-2024", {}, {"upcr_g_g": 0.99, "baseline_upcr_g_g": 2.0}, P, "PR 50.5%"),
    ("kdigo-2024", {}, {"upcr_g_g": 1.0, "baseline_upcr_g_g": 2.0}, P, "PR 50% at"),
    ("kdigo-2024", {}, {"upcr_g_g": 1.01, "baseline_upcr_g_g": 2.0}, N, "PR 49.5%"),
    ("kdigo-2024", {}, {"upcr_g_g": 2.99, "baseline_upcr_g_g": 7.0}, P, "PR < 3"),
    ("kdigo-2024", {}, {"upcr_g_g": 3.0, "baseline_upcr_g_g": 7.0}, N, "PR at 3"),
    ("kdigo-2024", {}, {"upcr_g_g": 3.01, "baseline_upcr_g_g": 7.0}, N, "PR > 3"),
    ("kdigo-2024", {}, {"egfr": 84.9}, N, "eGFR 84.9% of baseline"),
    ("kdigo-2024", {}, {"egfr": 85.0}, C, "eGFR 85% at"),
    ("kdigo-2024", {}, {"egfr": 85.1}, C, "eGFR 85.1%"),
    ("kdigo-2024", {"egfr_tolerance": 0.10}, {"egfr": 89.9}, N, "strict 10%"),
    ("kdigo-2024", {"egfr_tolerance": 0.10}, {"egfr": 90.0}, C, "strict 10% at"),
    # KDIGO 2012: CR uPCR < 0.5 and SCr <= previous baseline; PR >= 50%,
    # SCr <= 125%, nephrotic baseline (>= 3) must fall < 3
    ("kdigo-2012", {}, {"upcr_g_g": 0.49}, C, "CR UPCR below"),
    ("kdigo-2012", {}, {"upcr_g_g": 0.5}, P, "CR UPCR at"),
    ("kdigo-2012", {}, {"creatinine_mg_dl": 0.79}, C, "CR SCr below ref"),
    ("kdigo-2012", {}, {"creatinine_mg_dl": 0.8}, C, "CR SCr at ref"),
    ("kdigo-2012", {}, {"creatinine_mg_dl": 0.81}, P, "CR SCr above ref"),
    ("kdigo-2012", {}, {"upcr_g_g": 0.6, "creatinine_mg_dl": 0.99}, P, "PR SCr"),
    ("kdigo-2012", {}, {"upcr_g_g": 0.6, "creatinine_mg_dl": 1.0}, P, "PR SCr 125%"),
    ("kdigo-2012", {}, {"upcr_g_g": 0.6, "creatinine_mg_dl": 1.01}, N, "PR SCr"),
    ("kdigo-2012", {}, {"upcr_g_g": 2.99, "baseline_upcr_g_g": 6.0}, P, "neph < 3"),
    ("kdigo-2012", {}, {"upcr_g_g": 3.0, "baseline_upcr_g_g": 6.0}, N, "neph at 3"),
    ("kdigo-2012", {}, {"upcr_g_g": 1.49, "baseline_upcr_g_g": 2.99}, P, "sub-neph"),
    # EULAR 2019: CR < 0.5 (0.5-0.7) and eGFR >= 81 (90% of normal 90), or >= 90%
    # of an abnormal baseline; PR provisional
    ("eular-2019", {}, {"upcr_g_g": 0.49}, C, "CR UPCR below"),
    ("eular-2019", {}, {"upcr_g_g": 0.5}, P, "CR UPCR at"),
    ("eular-2019", {"upcr_threshold_g_g": 0.7}, {"upcr_g_g": 0.69}, C, "0.7 below"),
    ("eular-2019", {"upcr_threshold_g_g": 0.7}, {"upcr_g_g": 0.7}, P, "0.7 at"),
    ("eular-2019", {}, {"egfr": 80.9}, N, "near-normal below"),
    ("eular-2019", {}, {"egfr": 81.0}, C, "near-normal at"),
    ("eular-2019", {}, {"egfr": 81.1}, C, "near-normal above"),
    ("eular-2019", {}, {"egfr": 62.9, "reference_egfr": 70.0}, N, "abnormal base"),
    ("eular-2019", {}, {"egfr": 63.0, "reference_egfr": 70.0}, C, "90% of base"),
    ("eular-2019", {}, {"egfr": 80.1, "reference_egfr": 89.0}, C, "base < normal"),
    ("eular-2019", {}, {"egfr": 80.1, "reference_egfr": 90.0}, N, "base normal"),
    ("eular-2019", {}, {"upcr_g_g": 2.99, "baseline_upcr_g_g": 8.0}, P, "sub-neph"),
    ("eular-2019", {}, {"upcr_g_g": 3.0, "baseline_upcr_g_g": 8.0}, N, "nephrotic"),
    # EULAR 2012: CR < 50 mg/mmol (0.5 g/g) and eGFR >= 81
    ("eular-2012", {}, {"upcr_g_g": 0.49}, C, "CR UPCR below"),
    ("eular-2012", {}, {"upcr_g_g": 0.5}, P, "CR UPCR at"),
    ("eular-2012", {}, {"egfr": 80.9}, N, "near-normal below"),
    ("eular-2012", {}, {"egfr": 81.0}, C, "near-normal at"),
    ("eular-2012", {"normal_egfr": 100.0}, {"egfr": 89.9}, N, "normal 100"),
    ("eular-2012", {"normal_egfr": 100.0}, {"egfr": 90.0}, C, "normal 100 at"),
    # AURORA 1 CRR: UPCR <= 0.5; eGFR >= 60 or no confirmed fall > 20%; GC
    ("aurora", {}, {"upcr_g_g": 0.49}, C, "UPCR below"),
    ("aurora", {}, {"upcr_g_g": 0.5}, C, "UPCR at (<=)"),
    ("aurora", {}, {"upcr_g_g": 0.51}, N, "UPCR above"),
    ("aurora", {}, {"egfr": 60.0, "reference_egfr": 100.0}, C, "eGFR 60 at"),
    ("aurora", {}, {"egfr": 56.0, "reference_egfr": 70.0}, C, "80% at"),
    ("aurora", {}, {"egfr": 55.9, "reference_egfr": 70.0}, NE, "both fail, ?"),
    (
        "aurora",
        {},
        {"egfr": 55.9, "reference_egfr": 70.0, "egfr_decline_confirmed": True},
        N,
        "both fail, confirmed",
    ),
    (
        "aurora",
        {},
        {"egfr": 55.9, "reference_egfr": 70.0, "egfr_decline_confirmed": False},
        C,
        "both fail, not confirmed",
    ),
    ("aurora", {}, {"glucocorticoid_mg_day": 10.0}, C, "GC at 10"),
    ("aurora", {}, {"glucocorticoid_mg_day": 10.1}, NE, "GC above, days unknown"),
    (
        "aurora",
        {},
        {
            "glucocorticoid_mg_day": 10.1,
            "glucocorticoid_days_above_ceiling": 6,
            "glucocorticoid_consecutive_days_above_ceiling": 2,
        },
        C,
        "6 days / 2 consecutive",
    ),
    (
        "aurora",
        {},
        {
            "glucocorticoid_mg_day": 10.1,
            "glucocorticoid_days_above_ceiling": 7,
            "glucocorticoid_consecutive_days_above_ceiling": 1,
        },
        N,
        "7 days in total",
    ),
    (
        "aurora",
        {},
        {
            "glucocorticoid_mg_day": 10.1,
            "glucocorticoid_days_above_ceiling": 3,
            "glucocorticoid_consecutive_days_above_ceiling": 3,
        },
        N,
        "3 consecutive days",
    ),
    ("aurora", {}, {"rescue_therapy": True}, N, "rescue"),
    ("aurora", {}, {"withdrawn": True}, N, "withdrawal"),
    ("aurora", {}, {"withdrawn": True, "upcr_g_g": None}, N, "withdrawn, no data"),
    # BLISS-LN: CRR < 0.5, eGFR >= 90 or >= 90% pre-flare; PERR <= 0.7,
    # eGFR >= 60 or >= 80% pre-flare; GC <= 10 from week 24
    ("bliss-ln", {}, {"upcr_g_g": 0.49}, C, "CRR UPCR below"),
    ("bliss-ln", {}, {"upcr_g_g": 0.5}, P, "CRR UPCR at"),
    ("bliss-ln", {}, {"upcr_g_g": 0.7}, P, "PERR UPCR at (<=)"),
    ("bliss-ln", {}, {"upcr_g_g": 0.71}, N, "PERR UPCR above"),
    ("bliss-ln", {}, {"egfr": 89.9}, P, "CRR eGFR below 90 and 90%"),
    ("bliss-ln", {}, {"egfr": 90.0}, C, "CRR eGFR at 90"),
    ("bliss-ln", {}, {"egfr": 59.9}, N, "PERR eGFR below both"),
    ("bliss-ln", {}, {"egfr": 60.0}, P, "PERR eGFR at 60"),
    ("bliss-ln", {}, {"egfr": 56.0, "reference_egfr": 70.0}, P, "PERR 80% at"),
    ("bliss-ln", {}, {"egfr": 55.9, "reference_egfr": 70.0}, N, "PERR 80% below"),
    ("bliss-ln", {}, {"egfr": 63.0, "reference_egfr": 70.0}, C, "CRR 90% at"),
    ("bliss-ln", {}, {"glucocorticoid_mg_day": 10.0}, C, "GC at 10"),
    ("bliss-ln", {}, {"glucocorticoid_mg_day": 10.1}, N, "GC above 10"),
    ("bliss-ln", {}, {"rescue_therapy": True}, N, "treatment failure"),
    # REGENCY CRR: < 0.5; eGFR >= 85% of baseline; no intercurrent event
    ("regency", {}, {"upcr_g_g": 0.49}, C, "UPCR below"),
    ("regency", {}, {"upcr_g_g": 0.5}, N, "UPCR at"),
    ("regency", {}, {"egfr": 85.0}, C, "85% at"),
    ("regency", {}, {"egfr": 84.9}, N, "85% below"),
    ("regency", {}, {"withdrawn": True}, N, "withdrawal"),
    ("regency", {}, {"rescue_therapy": True}, N, "rescue"),
    # ALMS primary response: < 3 if baseline >= 3, else >= 50%; SCr <= 125%
    ("alms", {}, {"upcr_g_g": 2.99, "baseline_upcr_g_g": 4.0}, P, "neph < 3"),
    ("alms", {}, {"upcr_g_g": 3.0, "baseline_upcr_g_g": 4.0}, N, "neph at 3"),
    ("alms", {}, {"upcr_g_g": 2.9, "baseline_upcr_g_g": 3.0}, P, "base at 3"),
    ("alms", {}, {"upcr_g_g": 2.9, "baseline_upcr_g_g": 2.99}, N, "base < 3"),
    ("alms", {}, {"upcr_g_g": 1.0, "baseline_upcr_g_g": 2.0}, P, "sub 50% at"),
    ("alms", {}, {"upcr_g_g": 1.01, "baseline_upcr_g_g": 2.0}, N, "sub 49.5%"),
    ("alms", {}, {"creatinine_mg_dl": 1.0}, P, "SCr 125% at"),
    ("alms", {}, {"creatinine_mg_dl": 1.01}, N, "SCr above 125%"),
    # LUNAR CRR: SCr <= ULN or <= 115% of a normal baseline; < 5 RBC; < 0.5
    ("lunar", {}, {"upcr_g_g": 0.49}, C, "UPCR below"),
    ("lunar", {}, {"upcr_g_g": 0.5}, N, "UPCR at"),
    ("lunar", {}, {"creatinine_mg_dl": 1.0}, C, "SCr at ULN"),
    (
        "lunar",
        {},
        {"creatinine_mg_dl": 1.035, "reference_creatinine_mg_dl": 0.9},
        C,
        "115% of a normal baseline, above ULN",
    ),
    (
        "lunar",
        {},
        {"creatinine_mg_dl": 1.036, "reference_creatinine_mg_dl": 0.9},
        N,
        "above 115% and above ULN",
    ),
    (
        "lunar",
        {},
        {"creatinine_mg_dl": 1.1, "reference_creatinine_mg_dl": 1.2},
        N,
        "baseline above ULN: only ULN counts",
    ),
    ("lunar", {}, {"urine_rbc_hpf": 4.9}, C, "RBC below 5"),
    ("lunar", {}, {"urine_rbc_hpf": 5.0}, N, "RBC at 5"),
    ("lunar", {}, {"rbc_casts": True}, N, "RBC casts"),
    # NOBILITY CRR: SCr <= 115% of a normal baseline and <= ULN; < 10 RBC
    ("nobility", {}, {"creatinine_mg_dl": 0.92}, C, "115% at"),
    ("nobility", {}, {"creatinine_mg_dl": 0.93}, N, "above 115%"),
    (
        "nobility",
        {},
        {"creatinine_mg_dl": 1.01, "reference_creatinine_mg_dl": 0.9},
        N,
        "within 115% but above ULN",
    ),
    (
        "nobility",
        {},
        {"creatinine_mg_dl": 1.0, "reference_creatinine_mg_dl": 1.2},
        C,
        "baseline above ULN, back to ULN",
    ),
    ("nobility", {}, {"urine_rbc_hpf": 9.9}, C, "RBC below 10"),
    ("nobility", {}, {"urine_rbc_hpf": 10.0}, N, "RBC at 10"),
    # ACR 2024 CRR: <= 0.5 and eGFR within 20% of baseline
    ("acr-2024", {}, {"upcr_g_g": 0.5}, C, "UPCR at (<=)"),
    ("acr-2024", {}, {"upcr_g_g": 0.51}, N, "UPCR above"),
    ("acr-2024", {}, {"egfr": 80.0}, C, "80% at"),
    ("acr-2024", {}, {"egfr": 79.9}, N, "80% below"),
]


@pytest.mark.parametrize(
    ("definition", "params", "changes", "expected", "edge"),
    VIGNETTES,
    ids=[f"{v[0]}-{v[4]}" for v in VIGNETTES],
)
def test_vignette(
    definition: str,
    params: dict[str, float],
    changes: dict[str, Any],
    expected: str,
    edge: str,
) -> None:
    """Each vignette lands in the category worked out from the source text."""
    d = ls.get_definition(definition, **params)
    result = ls.classify_renal_response(d, **{**GOOD, **changes})
    assert result.category == expected, (edge, result.reason)


def test_every_definition_has_edge_vignettes() -> None:
    """Every shipped definition is covered by vignettes on both sides of an edge."""
    covered = {v[0] for v in VIGNETTES}
    assert covered == {d.id for d in ls.list_definitions()}
    for d in ls.list_definitions():
        cats = {v[3] for v in VIGNETTES if v[0] == d.id}
        assert "none" in cats
        assert cats & {"complete", "partial"}


@pytest.mark.parametrize("definition", [d.id for d in ls.list_definitions()])
def test_good_inputs_meet_the_top_tier(definition: str) -> None:
    """The all-good inputs reach the definition's highest tier."""
    d = ls.get_definition(definition)
    top = "complete" if d.complete is not None else "partial"
    assert ls.classify_renal_response(d, **GOOD).category == top


@pytest.mark.parametrize("definition", [d.id for d in ls.list_definitions()])
def test_missing_input_is_never_no_response(definition: str) -> None:
    """Dropping any input the definition reads never turns a response into none."""
    d = ls.get_definition(definition)
    for name in sorted(d.inputs):
        result = ls.classify_renal_response(d, **{**GOOD, name: None})
        assert result.category in {"complete", "partial", "not_evaluable"}, name
        if result.category == "not_evaluable":
            assert name in result.missing_inputs
            assert "missing input" in result.reason


@pytest.mark.parametrize("definition", [d.id for d in ls.list_definitions()])
def test_missing_upcr_is_not_evaluable(definition: str) -> None:
    """No UPCR gives not_evaluable with the reason, never none."""
    result = ls.classify_renal_response(definition, **{**GOOD, "upcr_g_g": None})
    assert result.category == "not_evaluable"
    assert result.responder is None
    assert "upcr_g_g" in result.missing_inputs


def test_nan_is_missing() -> None:
    """NaN input is treated as missing, like None."""
    result = ls.classify_renal_response("kdigo-2024", **{**GOOD, "egfr": float("nan")})
    assert result.category == "not_evaluable"
    assert result.missing_inputs == ("egfr",)


def test_kdigo_does_not_nest() -> None:
    """KDIGO CR can be met without PR (low baseline): complete all the same."""
    result = ls.classify_renal_response(
        "kdigo-2024", **{**GOOD, "upcr_g_g": 0.45, "baseline_upcr_g_g": 0.6}
    )
    assert result.category == "complete"
    assert result.partial is not None
    assert result.partial.status == "not_met"


def test_partial_met_complete_unknown_is_not_evaluable() -> None:
    """Partial met but complete undecidable: not evaluable, 'at least partial'."""
    result = ls.classify_renal_response(
        "bliss-ln", **{**GOOD, "upcr_g_g": 0.3, "egfr": 80.0, "reference_egfr": None}
    )
    assert result.category == "not_evaluable"
    assert result.reason.endswith("at least partial")


def test_result_explains_each_criterion() -> None:
    """Criteria carry observed value, threshold, comparator, unit and source."""
    r = ls.classify_renal_response("kdigo-2024", **{**GOOD, "upcr_g_g": 0.5})
    crit = {c.name: c for c in r.criteria}
    upcr = crit["complete.upcr_below"]
    assert (upcr.status, upcr.observed, upcr.threshold) == ("not_met", 0.5, 0.5)
    assert upcr.comparator == "<"
    assert upcr.unit == "g/g"
    assert "50 mg/mmol" in (upcr.reason or "")
    assert "Kidney Int 2024" in (upcr.source or "")
    red = crit["partial.upcr_reduction"]
    assert (red.observed, red.threshold, red.unit) == (87.5, 50.0, "%")
    assert r.definition_id == "kdigo-2024"
    assert r.definition_version == "1"


def test_provisional_tier_is_flagged_in_result() -> None:
    """A partial category from a provisional tier says so; complete does not."""
    part = ls.classify_renal_response("eular-2019", **{**GOOD, "upcr_g_g": 0.6})
    assert part.category == "partial"
    assert part.provisional
    assert "sub-nephrotic" in part.provisional_reasons[0]
    full = ls.classify_renal_response("eular-2019", **GOOD)
    assert full.category == "complete"
    assert not full.provisional


def _complete_upcr_parts() -> list[tuple[str, float, str]]:
    from lupusscore.response import UpcrBelow

    out = []
    for d in ls.list_definitions():
        if d.complete is None:
            continue
        for part in d.complete.criteria:
            if isinstance(part, UpcrBelow):
                out.append((d.id, part.threshold_g_g, part.comparator.value))
    return out


@pytest.mark.parametrize(
    ("definition", "threshold", "comparator"), _complete_upcr_parts()
)
def test_complete_upcr_threshold_below_at_above(
    definition: str, threshold: float, comparator: str
) -> None:
    """For every complete tier: just below, at and just above its UPCR threshold.

    With all other inputs good, just below is complete, just above is not, and
    exactly at the threshold follows the definition's own comparator (< or <=).
    """

    def category(upcr: float) -> str:
        return ls.classify_renal_response(
            definition, **{**GOOD, "upcr_g_g": upcr}
        ).category.value

    assert category(threshold * (1 - 1e-6)) == "complete"
    assert category(threshold * (1 + 1e-6)) != "complete"
    assert (category(threshold) == "complete") is (comparator == "<=")
