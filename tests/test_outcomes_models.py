"""Participant events, day 0, from_unordered and the Trial model."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from lupusscore.cli import load_example_trial, load_trial
from lupusscore.models import Event, EventType, Participant, Trial
from lupusscore.outcomes import (
    last_contact_day,
    participant_events,
    time_to_creatinine_doubling,
    time_to_death,
    time_to_eskd,
)

ROOT = Path(__file__).resolve().parent.parent
PATIENT = {"id": "P1", "sex": "female", "birth_date": "1980-01-01"}


def visit(date: str, **kw: Any) -> dict[str, Any]:
    return {"participant_id": "P1", "date": date, **kw}


def test_event_before_birth_is_rejected() -> None:
    """An event before the birth date names the event and the field."""
    with pytest.raises(ValidationError, match=r"events\[0\]\.date"):
        Participant(patient=PATIENT, events=[{"type": "death", "date": "1979-01-01"}])


def test_nothing_after_death() -> None:
    """Neither an event nor a visit may follow the death."""
    with pytest.raises(ValidationError, match="after the death"):
        Participant(
            patient=PATIENT,
            events=[
                {"type": "death", "date": "2010-01-01"},
                {"type": "withdrawal", "date": "2010-02-01"},
            ],
        )
    with pytest.raises(ValidationError, match=r"visits\[0\]\.date"):
        Participant(
            patient=PATIENT,
            visits=[visit("2010-03-01")],
            events=[{"type": "death", "date": "2010-01-01"}],
        )


def test_events_out_of_order_rejected_but_from_unordered_sorts() -> None:
    """Out-of-order events fail validation; from_unordered sorts them."""
    events = [
        {"type": "withdrawal", "date": "2010-05-01"},
        {"type": "rescue_therapy", "date": "2010-01-01"},
    ]
    with pytest.raises(ValidationError, match="date order"):
        Participant(patient=PATIENT, events=events)
    p = Participant.from_unordered({"patient": PATIENT, "events": events})
    assert [e.type for e in p.events] == [
        EventType.RESCUE_THERAPY,
        EventType.WITHDRAWAL,
    ]


def test_day0_before_birth_rejected() -> None:
    """day0 must not precede the birth date."""
    with pytest.raises(ValidationError, match="day0"):
        Participant(patient=PATIENT, day0="1970-01-01")


def test_trial_rejects_duplicate_ids_missing_day0_and_unknown_arm() -> None:
    """Trial validation names the participant record and field."""
    p = Participant(patient=PATIENT, arm="A", day0="2009-01-01")
    with pytest.raises(ValidationError, match=r"participants\[1\]\.patient\.id"):
        Trial(name="t", participants=[p, p])
    with pytest.raises(ValidationError, match=r"participants\[0\]\.day0"):
        Trial(name="t", participants=[Participant(patient=PATIENT, arm="A")])
    with pytest.raises(ValidationError, match=r"participants\[0\]\.arm"):
        Trial(name="t", arms=("B",), participants=[p])


def test_trial_schedule_must_not_overlap() -> None:
    """Overlapping windows or repeated labels are rejected."""
    with pytest.raises(ValidationError, match="overlap"):
        Trial(
            name="t",
            schedule=[
                {"label": "a", "day": 30, "window_days": 20},
                {"label": "b", "day": 60, "window_days": 20},
            ],
        )
    with pytest.raises(ValidationError, match="distinct"):
        Trial(
            name="t",
            schedule=[{"label": "a", "day": 30}, {"label": "a", "day": 60}],
        )


def test_trial_schema_is_json() -> None:
    """Trial.model_json_schema() is the documented file format."""
    schema = Trial.model_json_schema()
    assert "participants" in schema["properties"]
    json.dumps(schema)


def test_participant_events_include_visit_rescue_flags() -> None:
    """Visit rescue flags become rescue-therapy events on the visit day."""
    p = Participant(
        patient=PATIENT,
        day0="2009-01-01",
        visits=[visit("2009-01-31", rescue_therapy=True)],
        events=[Event(type="rescue_therapy", date="2009-01-31")],
    )
    assert [(e.day, e.type.value) for e in participant_events(p)] == [
        (30, "rescue_therapy")
    ]
    assert last_contact_day(p) == 30


def test_survival_helpers_on_a_death() -> None:
    """Death is an event for survival and censors ESKD."""
    p = Participant(
        patient=PATIENT,
        day0="2009-01-01",
        visits=[visit("2009-02-01")],
        events=[{"type": "death", "date": "2009-06-30"}],
    )
    assert (time_to_death(p).day, time_to_death(p).event) == (180, True)
    eskd = time_to_eskd(p)
    assert (eskd.day, eskd.event, eskd.reason) == (180, False, "censored: death")
    assert time_to_creatinine_doubling(p) is None  # no baseline creatinine


# --- the bundled example ------------------------------------------------------


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_example_trial", ROOT / "scripts" / "make_example_trial.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_example_equals_fresh_generation() -> None:
    """The bundled example is exactly what the seeded generator writes."""
    gen = _generator()
    shipped = (ROOT / "src" / "lupusscore" / "data" / "example_trial.json").read_text(
        encoding="utf-8"
    )
    assert gen.render(gen.build_trial()) == shipped


def test_example_is_labelled_synthetic_and_covers_the_domains() -> None:
    """The example says it is synthetic and has deaths, dropouts and mixed units."""
    t = load_example_trial()
    assert t.synthetic
    assert "SYNTHETIC" in t.name
    assert "SYNTHETIC" in (t.description or "")
    kinds = {e.type for p in t.participants for e in p.events}
    assert {EventType.DEATH, EventType.WITHDRAWAL, EventType.RESCUE_THERAPY} <= kinds
    units = {
        (lab.analyte.value, lab.unit)
        for p in t.participants
        for v in p.visits
        for lab in v.labs
    }
    assert {("creatinine", "µmol/L"), ("creatinine", "mg/dL")} <= units
    assert {("upcr", "mg/mmol"), ("upcr", "g/g")} <= units
    assert {("c3", "g/L"), ("c3", "mg/dL"), ("ana", "{titer}")} <= units
    assert any(v.unscheduled for p in t.participants for v in p.visits)
    assert len(t.participants) == 80


def test_load_trial_accepts_visits_in_any_order() -> None:
    """Reordering visits and events in the file gives the same trial."""
    data = json.loads(
        (ROOT / "src" / "lupusscore" / "data" / "example_trial.json").read_text(
            encoding="utf-8"
        )
    )
    shuffled = json.loads(json.dumps(data))
    rnd = random.Random(7)
    for p in shuffled["participants"]:
        rnd.shuffle(p["visits"])
        rnd.shuffle(p["events"])
    assert load_trial(shuffled) == load_trial(data)
