"""The outcome table: build, JSON round trip, CSV, and invariants."""

from __future__ import annotations

import csv
import io
import json
from functools import cache

import pytest

from lupusscore.cli import load_example_trial
from lupusscore.errors import InvalidValueError
from lupusscore.models import Participant, Trial
from lupusscore.report import OutcomeTable, build_outcome_table, render


@cache
def example_table() -> OutcomeTable:
    return build_outcome_table(load_example_trial())


def test_report_json_round_trip() -> None:
    """render(json) parses back to an equal OutcomeTable."""
    table = example_table()
    assert OutcomeTable.model_validate_json(render(table, "json")) == table


def test_report_has_every_section_for_both_arms() -> None:
    """Primary and all secondary sections are present for both arms."""
    table = example_table()
    sections = {r.section for r in table.rows}
    assert sections == {
        "primary",
        "renal response",
        "survival",
        "kidney",
        "activity",
        "complement",
        "serology",
    }
    primary = [r for r in table.rows if r.section == "primary"]
    assert [r.arm for r in primary] == ["MSC infusion", "Prednisone"]
    for r in primary:
        assert r.n + r.not_evaluable == 40
        assert r.ci_low is not None
        assert r.ci_high is not None
        assert r.estimate is not None
        assert r.ci_low <= r.estimate <= r.ci_high


def test_primary_matches_manual_count() -> None:
    """The primary proportion equals a count made with the public rules."""
    from lupusscore.outcomes import (
        achieve_and_maintain,
        participant_events,
        renal_response_assessments,
    )

    trial = load_example_trial()
    m12, m24 = trial.timepoint("month 12"), trial.timepoint("month 24")
    for row in (r for r in example_table().rows if r.section == "primary"):
        members = [p for p in trial.participants if p.arm == row.arm]
        met = sum(
            achieve_and_maintain(
                renal_response_assessments(p, "kdigo-2024"),
                by_day=m12.last_day,
                through=m24,
                events=participant_events(p),
            ).responder
            is True
            for p in members
        )
        assert row.count == met


def test_csv_has_one_line_per_row() -> None:
    """CSV output has a header and one line per outcome row."""
    table = example_table()
    rows = list(csv.DictReader(io.StringIO(render(table, "csv"))))
    assert len(rows) == len(table.rows)
    assert rows[0]["section"] == "primary"


def test_text_is_labelled_synthetic() -> None:
    """The text table says prominently that the example data are synthetic."""
    text = render(example_table(), "text")
    assert text.startswith("*** SYNTHETIC DATA")
    assert "== PRIMARY ==" in text


def test_unknown_definition_and_timepoint_are_library_errors() -> None:
    """Bad options raise InvalidValueError naming the field."""
    trial = load_example_trial()
    with pytest.raises(InvalidValueError, match="definition"):
        build_outcome_table(trial, definition="no-such-definition")
    with pytest.raises(InvalidValueError, match="schedule"):
        build_outcome_table(trial, achieve_by="week 7")


def test_adding_a_non_responder_never_raises_primary() -> None:
    """A participant without any visit lowers or keeps every arm's primary."""
    trial = load_example_trial()
    extra = Participant.model_validate(
        {
            "patient": {"id": "NEW", "sex": "female", "birth_date": "1990-01-01"},
            "arm": "MSC infusion",
            "day0": "2010-01-01",
        }
    )
    bigger = Trial.model_validate(
        {**trial.model_dump(), "participants": [*trial.participants, extra]}
    )
    before = {r.arm: r.estimate for r in example_table().rows if r.section == "primary"}
    after = {
        r.arm: r.estimate
        for r in build_outcome_table(bigger).rows
        if r.section == "primary"
    }
    assert after["MSC infusion"] < before["MSC infusion"]  # type: ignore[operator]
    assert after["Prednisone"] == before["Prednisone"]


def test_progress_callback_counts_up_to_participants() -> None:
    """The progress callback counts participants' work done, up to the total.

    The engine works in passes over all participants at once, so progress
    advances per pass (not per participant): non-decreasing, out of the
    number of participants, ending at (total, total).
    """
    calls: list[tuple[int, int]] = []
    trial = load_example_trial()
    small = Trial.model_validate(
        {**trial.model_dump(), "participants": trial.participants[:3]}
    )
    build_outcome_table(small, progress=lambda d, t: calls.append((d, t)))
    assert calls
    assert all(t == 3 for _, t in calls)
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1] == (3, 3)


def test_json_is_plain_json() -> None:
    """The JSON output is an object with the table's fields."""
    doc = json.loads(render(example_table(), "json"))
    assert doc["definition"] == "kdigo-2024"
    assert doc["synthetic"] is True
