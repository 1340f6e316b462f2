"""The cohort engine agrees with the per-participant functions, on random trials.

The engine (``lupusscore.cohort``) derives every outcome in passes over whole
columns; the per-participant functions (``renal_response_assessments``,
``status_at``, ``achieve_and_maintain``, ``time_to_death``, ``egfr`` ...) and
the 0.1 outcome table (``tests/_outcome_table_oracle.py``, a verbatim copy of the
per-participant implementation) are the reference. Floats are compared to
1e-12 relative: the engine calls the eGFR kernel on arrays, which can differ
from a scalar call in the last bit.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests import _outcome_table_oracle as oracle
from tests.cohort_strategies import trials

import lupusscore as ls
from lupusscore import Trial
from lupusscore.cli import load_example_trial
from lupusscore.cohort import Cohort, analyse
from lupusscore.cohort._engine import latest_labs, visit_egfr
from lupusscore.cohort._outcomes import upcr_is_key
from lupusscore.outcomes import (
    achieve_and_maintain,
    baseline_observation,
    observation_at,
    status_at,
)
from lupusscore.outcomes._renal import renal_response_assessments
from lupusscore.outcomes._trial import participant_events
from lupusscore.outcomes._tte import DEFAULT_CENSORING, time_to_death, time_to_eskd

SLOW = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DEFINITIONS = ["kdigo-2024", "eular-2012", "bliss-ln", "lunar", "alms", "aurora"]
POLICIES = ["non_responder", "observed_only", "locf"]


def _unmeasured_arms(trial: Trial, definition: str, *, unscheduled: bool) -> set[str]:
    """Arms where not one renal assessment the rules use is evaluable.

    There the engine reports renal response as not evaluable (a cohort-level
    rule, ``unmeasured_arms``) where the per-participant rules would impute
    non-responders.
    """
    d = ls.get_definition(definition)
    arms = set(trial.arm_names)
    with_upcr: set[str | None] = set()
    assessed: set[str | None] = set()
    for p in trial.participants:
        for a in renal_response_assessments(
            p, d, include_partial=d.complete is None, baseline_window_days=30
        ):
            if a.status.value != "not_evaluable" and (unscheduled or not a.unscheduled):
                arms.discard(p.arm)
        for v in p.visits:
            used = p.day0 is not None and v.date > p.day0
            if used and (unscheduled or not v.unscheduled):
                assessed.add(p.arm)
                if v.latest("upcr") is not None:
                    with_upcr.add(p.arm)
    if upcr_is_key(d):  # issue 15: an arm without any UPCR is also unmeasured
        arms |= {a for a in assessed if a is not None} - with_upcr
    return arms & {p.arm for p in trial.participants}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(
            a, b, rel_tol=1e-12, abs_tol=1e-12
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@SLOW
@given(
    trials(),
    st.sampled_from(DEFINITIONS),
    st.sampled_from(POLICIES),
    st.booleans(),
)
def test_outcome_table_equals_the_per_participant_table(
    trial: Trial, definition: str, policy: str, unscheduled: bool
) -> None:
    """build_outcome_table (the engine) equals the 0.1 per-participant table."""
    kw: dict[str, Any] = {
        "definition": definition,
        "policy": policy,
        "use_unscheduled": unscheduled,
        "achieve_by": "month 12",
        "maintain_through": "month 24",
    }
    with_engine = ls.build_outcome_table(trial, **kw).model_dump(mode="json")
    reference = oracle.build_outcome_table(trial, **kw).model_dump(mode="json")
    unmeasured = _unmeasured_arms(trial, definition, unscheduled=unscheduled)
    if unmeasured:
        renal = ("primary", "renal response")
        for row in with_engine["rows"]:
            if row["section"] in renal and row["arm"] in unmeasured:
                assert row["n"] == 0
                assert row["imputed"] == 0
        for table in (with_engine, reference):
            table["rows"] = [
                r
                for r in table["rows"]
                if not (r["section"] in renal and r["arm"] in unmeasured)
            ]
        said = [n for n in with_engine["notes"] if "not evaluable in these data" in n]
        assert len(said) == len(unmeasured)
        with_engine["notes"] = [n for n in with_engine["notes"] if n not in said]
        # a group left with no evaluable participant in any arm is dropped
        # from the reference table only
        keys = {
            (r["section"], r["outcome"], r["timepoint"]) for r in with_engine["rows"]
        }
        reference["rows"] = [
            r
            for r in reference["rows"]
            if (r["section"], r["outcome"], r["timepoint"]) in keys
        ]
        with_engine["rows"] = [
            r
            for r in with_engine["rows"]
            if (r["section"], r["outcome"], r["timepoint"])
            in {(x["section"], x["outcome"], x["timepoint"]) for x in reference["rows"]}
        ]
    assert _close(with_engine, reference)


def test_example_table_equals_the_per_participant_table() -> None:
    """On the bundled example, every row equals the per-participant table."""
    trial = load_example_trial()
    with_engine = ls.build_outcome_table(trial).model_dump(mode="json")
    reference = oracle.build_outcome_table(trial).model_dump(mode="json")
    assert _close(with_engine, reference)


@SLOW
@given(trials(), st.sampled_from([d.id for d in ls.list_definitions()]))
def test_renal_assessments_equal_per_participant(trial: Trial, definition: str) -> None:
    """Every assessment's status and reason equal renal_response_assessments."""
    d = ls.get_definition(definition)
    a = analyse(trial, definition=d)
    r = a._derived.renal
    c = a.cohort
    people = sorted(trial.participants, key=lambda p: p.patient.id)
    code = {"met": 2, "not_met": 0, "not_evaluable": 1}
    for i, p in enumerate(people):
        expected = renal_response_assessments(
            p, d, include_partial=d.complete is None, baseline_window_days=30
        )
        rows = np.flatnonzero(c.visit_participant[r.visit] == i)
        got = [
            (int(c.visit_day[r.visit[k]]), int(r.status[k]), r.reason[k]) for k in rows
        ]
        assert got == [(e.day, code[e.status.value], e.reason) for e in expected]


@SLOW
@given(trials(), st.sampled_from(POLICIES))
def test_adrs_equals_status_at_and_achieve_and_maintain(
    trial: Trial, policy: str
) -> None:
    """ADRS AVALC, onset and imputation equal the per-participant rules."""
    a = analyse(trial, policy=policy)
    adrs = a.adrs
    people = sorted(trial.participants, key=lambda p: p.patient.id)
    yn = {"met": "Y", "not_met": "N", "not_evaluable": "NE"}
    rows = {
        (u, code, tp): k
        for k, (u, code, tp) in enumerate(
            zip(adrs["USUBJID"], adrs["PARAMCD"], adrs["AVISIT"], strict=True)
        )
    }
    unmeasured = _unmeasured_arms(trial, "kdigo-2024", unscheduled=False)
    for p in people:
        if p.arm in unmeasured:
            mine = [k for k, u in enumerate(adrs["USUBJID"]) if u == p.patient.id]
            assert {adrs["AVALC"][k] for k in mine} == {"NE"}
            continue
        assessments = renal_response_assessments(p, "kdigo-2024")
        events = participant_events(p)
        for tp in trial.schedule:
            want = status_at(assessments, tp, events=events, policy=policy)
            k = rows[p.patient.id, "CRR", tp.label]
            assert adrs["AVALC"][k] == yn[want.status.value]
            by_event = any("intercurrent event" in e for e in want.explanation)
            assert (adrs["ICEFL"][k] == "Y") == by_event
        end = trial.timepoint("month 24")
        want = achieve_and_maintain(
            assessments,
            by_day=min(trial.timepoint("month 12").last_day, end.day),
            through=end,
            events=events,
            policy=policy,
        )
        k = rows[p.patient.id, "CRRSUS", "month 24"]
        assert adrs["AVALC"][k] == yn[want.status.value]
        onset = adrs["ONSETDY"][k]
        assert (want.day is None and math.isnan(onset)) or want.day == onset


@SLOW
@given(trials())
def test_adtte_equals_time_to_death_and_eskd(trial: Trial) -> None:
    """ADTTE death and ESKD rows equal time_to_death / time_to_eskd."""
    t = analyse(trial).adtte
    people = {p.patient.id: p for p in trial.participants}
    for k in range(len(t)):
        code = t["PARAMCD"][k]
        if code not in ("TTDEATH", "TTESKD"):
            continue
        p = people[t["USUBJID"][k]]
        want = time_to_death(p) if code == "TTDEATH" else time_to_eskd(p)
        assert t["AVAL"][k] == want.day
        assert t["CNSR"][k] == (0 if want.event else 1)
        assert t["EVNTDESC"][k] == want.reason


@SLOW
@given(trials(), st.booleans())
def test_adlb_values_equal_observations(trial: Trial, unscheduled: bool) -> None:
    """ADLB baseline and timepoint rows equal baseline_observation / observation_at."""
    a = analyse(trial, use_unscheduled=unscheduled)
    adlb = a.adlb
    index: dict[tuple[str, str, str], list[int]] = {}
    for k, key in enumerate(
        zip(adlb["USUBJID"], adlb["PARAMCD"], adlb["AVISIT"], strict=True)
    ):
        index.setdefault(key, []).append(k)
    for p in trial.participants:
        for analyte, code in (("creatinine", "CREAT"), ("c3", "C3"), ("upcr", "UPCR")):
            base = baseline_observation(p, analyte, window_days=30)
            got = index.get((p.patient.id, code, "Baseline"), [])
            if base is None:
                assert got == []
            else:
                assert len(got) == 1
                assert adlb["AVAL"][got[0]] == base.value
                assert adlb["ABLFL"][got[0]] == "Y"
            for tp in trial.schedule:
                now = observation_at(p, tp, analyte, use_unscheduled=unscheduled)
                got = index.get((p.patient.id, code, tp.label), [])
                if now is None:
                    assert got == []
                    continue
                assert len(got) == 1
                k = got[0]
                assert adlb["AVAL"][k] == now.value
                assert adlb["DAY"][k] == now.day
                if base is not None and now.day > 0:
                    assert adlb["CHG"][k] == pytest.approx(now.value - base.value)


@SLOW
@given(trials(), st.sampled_from(sorted(ls.kidney.EGFR_EQUATIONS)))
def test_egfr_per_visit_equals_the_model_level_egfr(
    trial: Trial, equation: str
) -> None:
    """The engine's eGFR per visit equals lupusscore.egfr(patient, visit, equation)."""
    c = Cohort.from_trial(trial)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ls.OutsideValidatedRangeWarning)
        per_visit = visit_egfr(c, latest_labs(c), equation)
    people = sorted(trial.participants, key=lambda p: p.patient.id)
    k = 0
    for p in people:
        for v in p.visits:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ls.OutsideValidatedRangeWarning)
                want = ls.egfr(p.patient, v, equation)
            got = per_visit[k]
            if want.value is None:
                assert math.isnan(got)
            else:
                assert got == pytest.approx(want.value, rel=1e-12)
            assert c.visit_date[k] == np.datetime64(v.date)
            k += 1


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trials(), st.randoms(use_true_random=False))
def test_engine_does_not_depend_on_input_order(
    trial: Trial, rnd: random.Random
) -> None:
    """Shuffled participants and labs give the same tables.

    (Except ``SRCROW``, which names the input row a value came from.)
    """
    data = json.loads(trial.model_dump_json())
    rnd.shuffle(data["participants"])
    for p in data["participants"]:
        for v in p["visits"]:
            rnd.shuffle(v["labs"])
    shuffled = Trial.model_validate(data)
    a, b = analyse(trial), analyse(shuffled)
    for name in ("adsl", "adlb", "adrs", "adtte"):
        ta, tb = getattr(a, name), getattr(b, name)
        assert ta.columns == tb.columns
        for col in ta.columns:
            if col == "SRCROW":  # the input row: follows the input on purpose
                continue
            x, y = ta[col], tb[col]
            if x.dtype.kind == "f":
                assert np.array_equal(x, y, equal_nan=True), (name, col)
            else:
                assert x.tolist() == y.tolist(), (name, col)
    assert a.outcome_table() == b.outcome_table()


def test_cohort_from_trial_is_read_only() -> None:
    """The cohort's columns cannot be written to."""
    c = Cohort.from_trial(load_example_trial())
    with pytest.raises(ValueError, match="read-only"):
        c.lab_canonical[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        c.visit_descriptors["rash"][0] = 1


def test_analyse_rejects_what_is_not_a_trial_or_cohort() -> None:
    """analyse() takes a Trial or a Cohort, with the library's error otherwise."""
    with pytest.raises(ls.InvalidValueError, match="a Trial or a Cohort"):
        analyse({"participants": []})  # type: ignore[arg-type]
    with pytest.raises(ls.InvalidValueError, match="timepoint label"):
        analyse(load_example_trial(), achieve_by="month 99")


def test_analysis_outcome_table_equals_build_outcome_table() -> None:
    """Analysis.outcome_table() equals build_outcome_table on the same data."""
    trial = load_example_trial()
    for policy in POLICIES:
        a = analyse(trial, policy=policy, definition="eular-2019")
        assert a.outcome_table() == ls.build_outcome_table(
            trial, policy=policy, definition="eular-2019"
        )


def test_direct_construction_is_checked() -> None:
    """A Cohort built field by field is checked: types, lengths, indices, order."""
    c = Cohort.from_trial(load_example_trial())
    given = {f.name: getattr(c, f.name) for f in dataclasses.fields(c)}
    given.pop("_cache")
    assert Cohort(**given).n_labs == c.n_labs
    with pytest.raises(ls.InvalidValueError, match="lab_visit"):
        Cohort(**{**given, "lab_visit": given["lab_visit"][:-1]})
    with pytest.raises(ls.InvalidValueError, match="1-d numpy array"):
        Cohort(**{**given, "height_cm": None})
    with pytest.raises(ls.InvalidValueError, match="indices"):
        Cohort(**{**given, "lab_analyte": given["lab_analyte"] + 100})
    with pytest.raises(ls.InvalidValueError, match="out of order"):
        Cohort(**{**given, "lab_visit": given["lab_visit"][::-1].copy()})
    with pytest.raises(ls.InvalidValueError, match="tuple of Timepoint"):
        Cohort(**{**given, "schedule": ("month 1",)})


@SLOW
@given(
    trials(),
    st.sampled_from(["upcr-doubling", "kdigo-2012", "aurora-2"]),
    st.sampled_from(["response", "baseline"]),
)
def test_ttflare_equals_per_participant_flares(
    trial: Trial, flare: str, reference: str
) -> None:
    """TTFLARE equals classify_renal_flare per visit then time_to_first."""
    a = analyse(trial, flare_definition=flare, flare_reference=reference)
    t = a.adtte.filter(a.adtte["PARAMCD"] == "TTFLARE")
    rows = {u: k for k, u in enumerate(t["USUBJID"])}
    code = {"met": 2, "not_met": 0, "not_evaluable": 1}
    for p in trial.participants:
        events = participant_events(p)
        base = baseline_observation(p, window_days=30)
        if reference == "baseline":
            ref_visit = None if base is None else base.visit
            origin = 0
        else:
            met = [
                x
                for x in renal_response_assessments(p, "kdigo-2024")
                if x.status.value == "met" and not x.unscheduled
            ]
            day_of = {ls.outcomes.visit_day(p, v): v for v in p.visits}
            ref_visit = day_of[met[0].day] if met else None
            origin = met[0].day if met else 0
        if ref_visit is None:
            assert p.patient.id not in rows
            continue

        def value(v: ls.Visit, analyte: str) -> float | None:
            lab = v.latest(analyte)
            return None if lab is None else lab.canonical_value

        assessments = []
        for v in p.visits:
            d = ls.outcomes.visit_day(p, v)
            if d <= max(origin, 0) or v.unscheduled:
                continue
            r = ls.classify_renal_flare(
                flare,
                upcr_g_g=value(v, "upcr"),
                reference_upcr_g_g=value(ref_visit, "upcr"),
                creatinine_mg_dl=value(v, "creatinine"),
                reference_creatinine_mg_dl=value(ref_visit, "creatinine"),
                urine_rbc_hpf=value(v, "urine_rbc"),
                reference_urine_rbc_hpf=value(ref_visit, "urine_rbc"),
                rbc_casts=v.descriptors.get("urinary_casts"),
            )
            assessments.append(ls.outcomes.Assessment(day=d, status=r.status))
        want = ls.outcomes.time_to_first(
            "flare",
            assessments=assessments,
            events=events,
            censor_on=DEFAULT_CENSORING,
            last_day=max(
                [origin, *(x.day for x in assessments if code[x.status.value] != 1)]
            ),
        )
        k = rows[p.patient.id]
        assert t["AVAL"][k] == max(want.day - origin, 0)
        assert t["CNSR"][k] == (0 if want.event else 1)


def test_no_evaluable_assessment_is_not_evaluable_not_zero_percent() -> None:
    """Data without kidney labs: renal response not evaluable for all, never 0%.

    Non-responder imputation imputes a missing visit, not an endpoint the data
    cannot measure: the primary row stays, with n = 0 and every participant
    not evaluable, a note says why, and ADRS says NE with the reason.
    """
    from lupusscore.example import SYNTHETIC_ARMS, synthetic_schedule, synthetic_tables

    tables = synthetic_tables(30, seed=3)
    labs = tables["labs"]
    keep = ~np.isin(labs["LBTESTCD"].astype(str), ["upcr", "creatinine"])
    cohort = Cohort.from_columns(
        {k: v[keep] for k, v in labs.items()},
        tables["participants"],
        visits=tables["visits"],
        events=tables["events"],
        schedule=synthetic_schedule(),
        arms=SYNTHETIC_ARMS,
        synthetic=True,
    )
    a = analyse(cohort)
    table = a.outcome_table()
    primary = [r for r in table.rows if r.section == "primary"]
    assert len(primary) == len(SYNTHETIC_ARMS)
    for row in primary:
        assert row.n == 0
        assert row.count == 0
        assert row.imputed == 0
        assert row.not_evaluable == {s.arm: s.n for s in table.arms}[row.arm]
    assert any("is not evaluable in these data" in note for note in table.notes)
    assert not any(r.section == "renal response" and r.n for r in table.rows)
    assert set(a.adrs["AVALC"].tolist()) == {"NE"}
    assert all("upcr_g_g" in str(x) for x in a.adrs["NEREAS"].tolist())


def test_analyse_reports_progress_up_to_the_participants() -> None:
    """analyse(progress=) is called as the passes complete, ending at (n, n)."""
    calls: list[tuple[int, int]] = []
    trial = load_example_trial()
    analyse(trial, progress=lambda d, t: calls.append((d, t)))
    n = len(trial.participants)
    assert calls[-1] == (n, n)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    with pytest.raises(ls.InvalidValueError, match="progress"):
        analyse(trial, progress="x")  # type: ignore[arg-type]
