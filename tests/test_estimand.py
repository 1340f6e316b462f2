"""Estimands (ICH E9(R1)): worked examples by hand, checks, report and CLI.

One participant, worked by hand under each intercurrent-event strategy:
complete renal response assessed on days 182 (not met), 365 (met), 456 (met),
548 (met) and 735 (not met); rescue therapy on day 500; the primary outcome is
response reached by day 395 (the end of the month 12 window) and maintained
through month 24 (day 730 +/- 30).

- composite: rescue on day 500 is on or before the month 24 visit: not met.
- treatment policy: rescue ignored; reached on day 365, lost on day 735: not met.
- while on treatment: assessments from day 500 on are not used; the month 24
  window has none, so the last evaluable one before the rescue (day 456, met)
  stands for month 24: reached on 365 and held through 456: met, not imputed.
- hypothetical: assessments from day 500 on are missing; no visit for month 24:
  non-responder imputation (not met, imputed), not evaluable under
  observed_only, and under locf day 456 carried forward (met, imputed).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import lupusscore as ls
from lupusscore.cli import EXIT_USAGE, load_example_trial, main
from lupusscore.cohort import analyse
from lupusscore.errors import InvalidValueError
from lupusscore.models import Timepoint
from lupusscore.outcomes import (
    Assessment,
    DatedEvent,
    Estimand,
    Strategies,
    Strategy,
    achieve_and_maintain,
    resolve_strategies,
    status_at,
)
from lupusscore.outcomes._segments import achieve_and_maintain_segments
from lupusscore.report import render

M24 = Timepoint(label="month 24", day=730, window_days=30)
VISITS = [
    Assessment(day=182, status="not_met"),
    Assessment(day=365, status="met"),
    Assessment(day=456, status="met"),
    Assessment(day=548, status="met"),
    Assessment(day=735, status="not_met"),
]
RESCUE = [DatedEvent(day=500, type="rescue_therapy")]


def _aam(
    strategy: str, policy: str = "non_responder"
) -> ls.outcomes.LongitudinalResult:
    return achieve_and_maintain(
        VISITS,
        by_day=395,
        through=M24,
        events=RESCUE,
        policy=policy,
        strategies={"rescue": strategy},
    )


@pytest.mark.parametrize(
    ("strategy", "policy", "status", "day", "end_day", "imputed"),
    [
        ("composite", "non_responder", "not_met", None, None, False),
        ("treatment_policy", "non_responder", "not_met", 365, 735, False),
        ("while_on_treatment", "non_responder", "met", 365, 456, False),
        ("while_on_treatment", "observed_only", "met", 365, 456, False),
        ("hypothetical", "non_responder", "not_met", None, None, True),
        ("hypothetical", "observed_only", "not_evaluable", None, None, False),
        ("hypothetical", "locf", "met", 365, 456, True),
    ],
)
def test_worked_example_achieve_and_maintain(
    strategy: str,
    policy: str,
    status: str,
    day: int | None,
    end_day: int | None,
    imputed: bool,
) -> None:
    """Achieve by day 395, maintain through month 24: each strategy by hand."""
    got = _aam(strategy, policy)
    assert (got.status.value, got.day, got.end_day, got.imputed) == (
        status,
        day,
        end_day,
        imputed,
    )


def test_worked_example_explanations_name_the_strategy() -> None:
    """The explanation says which assessments the strategy left out and why."""
    wot = _aam("while_on_treatment").explanation
    assert wot[0] == (
        "intercurrent event rescue_therapy on day 500 (while on treatment): "
        "assessments from day 500 not used"
    )
    assert "the last one before it, day 456, stands for the timepoint" in wot[1]
    hyp = _aam("hypothetical").explanation
    assert hyp[0].endswith("assessments from day 500 treated as missing")
    assert hyp[-1] == "non-responder imputation"
    assert _aam("composite").explanation == (
        "intercurrent event rescue_therapy on day 500 (on or before day 735): "
        "non-responder",
    )
    assert "[rescue=while_on_treatment," in _aam("while_on_treatment").rule


@pytest.mark.parametrize(
    ("strategy", "status", "end_day"),
    [
        ("composite", "not_met", None),
        ("treatment_policy", "not_met", 735),
        ("while_on_treatment", "met", 456),
        ("hypothetical", "not_met", None),
    ],
)
def test_worked_example_status_at(
    strategy: str, status: str, end_day: int | None
) -> None:
    """Status at month 24 under each strategy (by hand, as above)."""
    got = status_at(VISITS, M24, events=RESCUE, strategies={"rescue": strategy})
    assert (got.status.value, got.end_day) == (status, end_day)


def test_an_event_after_the_window_changes_nothing() -> None:
    """A rescue after the month 24 window leaves every strategy's result alone."""
    late = [DatedEvent(day=761, type="rescue_therapy")]
    results = {
        s.value: achieve_and_maintain(
            VISITS[:4],
            by_day=395,
            through=Timepoint(label="m18", day=548, window_days=30),
            events=late,
            strategies={"rescue": s.value},
        ).status.value
        for s in Strategy
    }
    assert set(results.values()) == {"met"}


def test_composite_events_apply_whatever_the_other_strategies() -> None:
    """A composite withdrawal after a while-on-treatment rescue is non-response."""
    events = [*RESCUE, DatedEvent(day=600, type="withdrawal")]
    got = achieve_and_maintain(
        VISITS,
        by_day=395,
        through=M24,
        events=events,
        strategies={"rescue": "while_on_treatment"},
    )
    assert got.status.value == "not_met"
    assert got.explanation[0].startswith("intercurrent event withdrawal on day 600")


def test_while_on_treatment_without_an_earlier_visit_follows_the_policy() -> None:
    """No evaluable visit before the event: the missing-visit policy decides."""
    early = [DatedEvent(day=100, type="rescue_therapy")]
    nri = status_at(
        VISITS, M24, events=early, strategies={"rescue": "while_on_treatment"}
    )
    assert (nri.status.value, nri.imputed) == ("not_met", True)
    seen = status_at(
        VISITS,
        M24,
        events=early,
        policy="observed_only",
        strategies={"rescue": "while_on_treatment"},
    )
    assert seen.status.value == "not_evaluable"


def test_death_while_on_treatment_uses_values_while_alive() -> None:
    """Death is composite by default; while on treatment uses values before it."""
    alive = VISITS[:3]
    death = [DatedEvent(day=500, type="death")]
    assert status_at(alive, M24, events=death).status.value == "not_met"
    got = status_at(
        alive, M24, events=death, strategies={"death": "while_on_treatment"}
    )
    assert (got.status.value, got.end_day) == ("met", 456)


# --- checks ---------------------------------------------------------------------


def test_partial_mapping_fills_from_the_defaults() -> None:
    """Events left out of a mapping stay composite."""
    got = resolve_strategies({"eskd": "treatment_policy"})
    assert got == Strategies(eskd=Strategy.TREATMENT_POLICY)
    assert got.death is Strategy.COMPOSITE
    assert resolve_strategies(None).is_default
    assert resolve_strategies(got) is got


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"resuce": "composite"}, "strategies"),
        ({"rescue": "ignore"}, "strategies.rescue"),
        ({"rescue": 1}, "strategies.rescue"),
        ({1: "composite"}, "strategies"),
        ("rescue=composite", "strategies"),
        (["rescue"], "strategies"),
    ],
)
def test_bad_strategies_raise_library_errors(value: object, field: str) -> None:
    """Unknown events or strategies, or a non-mapping, name the field."""
    with pytest.raises(InvalidValueError) as info:
        resolve_strategies(value)
    assert info.value.field == field
    with pytest.raises(InvalidValueError):
        analyse(load_example_trial(), strategies=value)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        status_at(VISITS, M24, strategies=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("strategy", ["treatment_policy", "hypothetical"])
def test_death_strategy_that_is_not_meaningful_is_refused(strategy: str) -> None:
    """Death under treatment policy or hypothetical: an error naming both."""
    with pytest.raises(InvalidValueError) as info:
        resolve_strategies({"death": strategy})
    assert info.value.field == "strategies.death"
    assert strategy in str(info.value)
    assert "composite or while_on_treatment" in str(info.value)
    with pytest.raises(ValidationError, match="death="):
        Strategies(death=strategy)  # type: ignore[arg-type]


def test_segment_event_strategy_column_is_checked() -> None:
    """A bad strategy code or length is a library error naming the column."""
    kw: dict[str, Any] = {
        "by_day": 365,
        "timepoint_day": 730,
        "first_day": 700,
        "last_day": 760,
        "event_seg": [0],
        "event_day": [500],
    }
    args = ([0, 0], [365, 735], [1, 1], [False, False], 1)
    with pytest.raises(InvalidValueError) as info:
        achieve_and_maintain_segments(*args, **kw, event_strategy=[4])
    assert info.value.field == "event_strategy"
    with pytest.raises(InvalidValueError):
        achieve_and_maintain_segments(*args, **kw, event_strategy=[0, 1])
    got = achieve_and_maintain_segments(*args, **kw, event_strategy=[2])
    assert (got.status.tolist(), got.end_day.tolist()) == ([1], [365])
    assert got.on_treatment.tolist() == [True]


# --- the event type, the analysis, the report and the CLI --------------------------


def _trial_with(events: list[dict[str, str]]) -> ls.Trial:
    data = json.loads(load_example_trial().model_dump_json())
    data["participants"] = data["participants"][:4]
    data["participants"][1]["events"] = events
    return ls.Trial.model_validate(data)


def test_treatment_discontinuation_is_an_intercurrent_event() -> None:
    """treatment_discontinuation: composite by default, not an end of follow-up."""
    base = _trial_with([])
    pid = base.participants[1].patient.id
    day0 = base.participants[1].day0
    when = (day0 + dt.timedelta(days=200)).isoformat()
    stopped = _trial_with([{"type": "treatment_discontinuation", "date": when}])
    a = analyse(stopped)
    adrs = a.adrs
    k = next(
        i
        for i, (u, c) in enumerate(zip(adrs["USUBJID"], adrs["PARAMCD"], strict=True))
        if u == pid and c == "CRRSUS"
    )
    assert (adrs["AVALC"][k], adrs["ICEFL"][k]) == ("N", "Y")
    ignored = analyse(stopped, strategies={"discontinuation": "treatment_policy"})
    assert ignored.outcome_table().rows == analyse(base).outcome_table().rows
    adsl = a.adsl
    i = adsl["USUBJID"].tolist().index(pid)
    assert adsl["EOSSTT"][i] == analyse(base).adsl["EOSSTT"][i]
    assert a.adtte["CNSR"].tolist() == analyse(base).adtte["CNSR"].tolist()


def test_analysis_and_table_state_the_estimand() -> None:
    """Analysis.estimand, the table's estimand and ADRS ICESTRAT agree."""
    a = analyse(load_example_trial(), strategies={"rescue": "hypothetical"})
    e = a.estimand
    assert isinstance(e, Estimand)
    assert e == a.outcome_table().estimand
    assert e.strategies.rescue is Strategy.HYPOTHETICAL
    assert set(a.adrs["ICESTRAT"]) == {e.strategies.compact()}
    assert e.achieve_by == "month 12"
    assert e.maintain_through == "month 24"


def test_report_prints_the_estimand_and_round_trips() -> None:
    """Text names each strategy in words; JSON parses back; CSV has the column."""
    table = ls.build_outcome_table(
        load_example_trial(), strategies={"rescue": "while_on_treatment"}
    )
    text = render(table, "text")
    assert "Estimand (ICH E9(R1)) of the primary outcome:" in text
    assert "  - rescue therapy: while on treatment: assessments from the event" in text
    assert "intercurrent events: rescue while_on_treatment;" in text
    back = ls.OutcomeTable.model_validate_json(render(table, "json"))
    assert back == table
    rows = render(table, "csv").splitlines()
    header = rows[0].split(",")
    assert "strategies" in header
    assert "rescue=while_on_treatment" in rows[1]


def test_cli_strategy_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--strategy reaches the table; malformed or refused values exit 2."""
    assert main(["report", "--strategy", "rescue=hypothetical,eskd=composite"]) == 0
    out = capsys.readouterr().out
    assert "rescue therapy: hypothetical: assessments from the event on" in out
    for bad in ("rescue", "rescue=sometimes", "death=treatment_policy", "x=composite"):
        assert main(["report", "--strategy", bad]) == EXIT_USAGE
        assert "error:" in capsys.readouterr().err
    assert main(["report", "--strategy", "rescue=composite,rescue=composite"]) == 2


def test_cli_adam_strategy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """adam --strategy writes the strategies into ADRS ICESTRAT."""
    pilot = Path(__file__).parent / "data" / "cdisc_pilot01"
    schedule = tmp_path / "schedule.json"
    schedule.write_text(
        json.dumps(
            [
                {"label": "WEEK 12", "day": 84, "window_days": 14},
                {"label": "WEEK 24", "day": 168, "window_days": 14},
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "adam"
    code = main(
        [
            "adam",
            "--sdtm",
            str(pilot),
            "--schedule",
            str(schedule),
            "--out",
            str(out),
            "--format",
            "csv",
            "--achieve-by",
            "WEEK 12",
            "--maintain-through",
            "WEEK 24",
            "--strategy",
            "withdrawal=hypothetical",
        ]
    )
    capsys.readouterr()
    assert code == 0
    text = (out / "adrs.csv").read_text(encoding="utf-8")
    assert "ICESTRAT" in text.splitlines()[0]
    assert "withdrawal=hypothetical" in text


def test_icefl_kept_in_measured_arms_when_another_arm_is_unmeasured() -> None:
    """An unmeasured arm no longer blanks ICEFL for the other arms' participants."""
    data = json.loads(load_example_trial().model_dump_json())
    people = data["participants"][:4]
    for p in people:
        if p["arm"] == "Prednisone":  # no UPCR: renal response not measurable
            for v in p["visits"]:
                v["labs"] = [lab for lab in v["labs"] if lab["analyte"] != "upcr"]
    msc = next(p for p in people if p["arm"] == "MSC infusion")
    when = dt.date.fromisoformat(msc["day0"]) + dt.timedelta(days=100)
    msc["events"] = [{"type": "rescue_therapy", "date": when.isoformat()}]
    data["participants"] = people
    adrs = analyse(ls.Trial.model_validate(data)).adrs
    mine = [
        k
        for k, (u, c) in enumerate(zip(adrs["USUBJID"], adrs["PARAMCD"], strict=True))
        if u == msc["patient"]["id"] and c == "CRRSUS"
    ]
    assert [adrs["ICEFL"][k] for k in mine] == ["Y"]
    other = [k for k, a in enumerate(adrs["TRT01P"]) if a == "Prednisone"]
    assert {adrs["AVALC"][k] for k in other} == {"NE"}
