"""Issue 15 item 1: results explain themselves criterion by criterion.

``explain()`` renders what a result already carries (its criteria, tiers,
descriptors, explanation steps): observed value, comparator and threshold with
units, met / not met / not evaluable and why, and the source. It never re-runs
a rule.
"""

from __future__ import annotations

import pytest
from tests.test_display import PUBLIC, _example

import lupusscore as ls
from lupusscore import activity
from lupusscore.cli import load_example_trial
from lupusscore.outcomes import LongitudinalResult
from lupusscore.results import Criterion, ExplainedResult

EXPLAINED = [c for c in PUBLIC if issubclass(c, ExplainedResult)]


def _renal() -> ls.RenalResponseResult:
    trial = load_example_trial()
    p = trial.participants[0]
    return ls.evaluate_renal_response(
        "kdigo-2024", p.patient, p.visits, assessment_date=p.visits[4].date
    )


@pytest.mark.parametrize("cls", EXPLAINED, ids=lambda c: c.__name__)
def test_every_result_explains_itself(cls: type[ExplainedResult]) -> None:
    """Each public result class's example gives an account naming its verdict."""
    result = _example(cls)
    assert isinstance(result, ExplainedResult)
    text = result.explain()
    assert text.startswith(f"{cls.__name__}: ")
    verdict = {"met": "met", "not_met": "not met", "not_evaluable": "not evaluable"}
    assert verdict[result.status.value] in text.splitlines()[0]
    if result.source:
        assert result.source in text


def test_renal_response_lists_every_criterion_by_tier() -> None:
    """Every criterion of every tier is one line with observed, comparator, limit."""
    r = _renal()
    text = r.explain()
    for tier in r.tiers:
        assert f"  {tier.label}: " in text
    for c in r.criteria:
        line = next(
            x for x in text.splitlines() if x.strip().startswith(f"- {c.name}:")
        )
        word = {"met": "met", "not_met": "not met", "not_evaluable": "not evaluable"}
        assert f"{c.name}: {word[c.status.value]}" in line
        if c.observed is not None:
            assert f"observed {c.observed:.6g}" in line
        if c.threshold is not None and c.comparator is not None:
            assert f"threshold {c.comparator.value} {c.threshold:.6g}" in line
        if c.unit:
            assert c.unit in line
    assert text.count(r.source) == 1  # the shared source is written once


def test_not_evaluable_criterion_says_why() -> None:
    """A not-evaluable criterion reads 'not evaluable' with its reason."""
    r = ls.classify_renal_response(
        "kdigo-2024",
        upcr_g_g=None,
        baseline_upcr_g_g=2.0,
        egfr=90.0,
        reference_egfr=90.0,
    )
    assert isinstance(r, ls.RenalResponseResult)
    text = r.explain()
    open_ = [c for c in r.criteria if c.status.value == "not_evaluable"]
    assert open_
    for c in open_:
        assert f"{c.name}: not evaluable" in text
        assert f"why: {c.reason}" in text
    assert "missing: " in text


def test_explain_renders_and_does_not_recompute() -> None:
    """The stored verdict is shown even where re-running the rule would differ."""
    odd = Criterion(
        name="upcr_below",
        status="met",
        observed=0.9,
        threshold=0.5,
        comparator="<",
        unit="g/g",
        source="protocol <X>",
    )
    result = activity.CompositeResult(
        status="met", definition="demo", criteria=(odd,), source="demo source"
    )
    text = result.explain()
    assert "upcr_below: met; observed 0.9 g/g; threshold < 0.5 g/g" in text
    assert "source: protocol <X>" in text


def test_sledai_explains_descriptors_and_their_evidence() -> None:
    """SLEDAI-2K: one heading per descriptor, lab evidence under it."""
    trial = load_example_trial()
    p = trial.participants[0]
    s = ls.sledai_2k_visit(p.visits[4], p.visits[:4])
    text = s.explain()
    for d in s.descriptors:
        assert f"  {d.name}: " in text
        for c in d.evidence:
            assert f"- {c.name}: " in text


def test_longitudinal_result_explains_its_steps() -> None:
    """A longitudinal outcome lists its rule and each explanation step."""
    r = LongitudinalResult(
        rule="achieve by day 365",
        status="not_met",
        imputed=True,
        explanation=("no visit in the month 12 window", "imputed non-responder"),
    )
    text = r.explain()
    assert text.splitlines()[0] == "LongitudinalResult: not met, imputed"
    assert "rule: achieve by day 365" in text
    for step in r.explanation:
        assert f"- {step}" in text
