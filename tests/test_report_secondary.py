"""Secondary rows of the report, recomputed independently from the example's raw data.

Each check re-derives a number straight from the trial's visits and events with
the documented conventions (baseline = latest value on days -30..0; timepoint =
nearest scheduled visit within the window, earlier on ties), without the
outcomes module, so a row fed by the wrong analyte or event type fails.
"""

from __future__ import annotations

from functools import cache

import pytest

from lupusscore.analytes import Analyte
from lupusscore.cli import load_example_trial
from lupusscore.models import EventType, LabResult, Participant, Timepoint, Trial
from lupusscore.report import OutcomeRow, OutcomeTable, build_outcome_table


@cache
def trial() -> Trial:
    return load_example_trial()


@cache
def table() -> OutcomeTable:
    return build_outcome_table(trial())


def _day(p: Participant, when: object) -> int:
    assert p.day0 is not None
    return (when - p.day0).days  # type: ignore[operator]


def _baseline(p: Participant, analyte: Analyte) -> LabResult | None:
    found = None
    for v in p.visits:
        lab = v.latest(analyte)
        if lab is not None and -30 <= _day(p, v.date) <= 0:
            found = lab
    return found


def _at(p: Participant, tp: Timepoint, analyte: Analyte) -> LabResult | None:
    best: tuple[int, int, LabResult] | None = None
    for v in p.visits:
        lab = v.latest(analyte)
        d = _day(p, v.date)
        if v.unscheduled or lab is None or abs(d - tp.day) > tp.window_days:
            continue
        key = (abs(d - tp.day), d, lab)
        if best is None or key[:2] < best[:2]:
            best = key
    return None if best is None else best[2]


def _rows(section: str, prefix: str) -> list[OutcomeRow]:
    rows = [
        r for r in table().rows if r.section == section and r.outcome.startswith(prefix)
    ]
    assert rows, (section, prefix)
    return rows


def _members(arm: str) -> list[Participant]:
    return [p for p in trial().participants if p.arm == arm]


@pytest.mark.parametrize(("label", "analyte"), [("C3", Analyte.C3), ("C4", Analyte.C4)])
def test_complement_change_rows(label: str, analyte: Analyte) -> None:
    """C3 / C4 change from baseline: n and mean equal a direct computation."""
    for row in _rows("complement", f"{label}: change"):
        tp = trial().timepoint(row.timepoint or "")
        changes = []
        for p in _members(row.arm):
            base, now = _baseline(p, analyte), _at(p, tp, analyte)
            if base is not None and now is not None:
                changes.append(now.canonical_value - base.canonical_value)
        assert row.n == len(changes)
        assert row.estimate == pytest.approx(sum(changes) / len(changes))


@pytest.mark.parametrize(("label", "analyte"), [("C3", Analyte.C3), ("C4", Analyte.C4)])
def test_low_complement_rows(label: str, analyte: Analyte) -> None:
    """Low C3 / C4: count below the lab's own lower limit at each timepoint."""
    for row in _rows("complement", f"low {label}"):
        tp = trial().timepoint(row.timepoint or "")
        labs = [lab for p in _members(row.arm) if (lab := _at(p, tp, analyte))]
        low = [
            lab
            for lab in labs
            if lab.canonical_value < (lab.reference_low_canonical or 0.0)
        ]
        assert row.n == len(labs)
        assert row.count == len(low)


def _first(p: Participant, types: set[EventType]) -> int | None:
    days = [_day(p, e.date) for e in p.events if e.type in types]
    return min(days) if days else None


def test_overall_survival_counts_deaths() -> None:
    """Overall survival rows count deaths up to the timepoint."""
    for row in _rows("survival", "overall survival"):
        deaths = [
            d
            for p in _members(row.arm)
            if (d := _first(p, {EventType.DEATH})) is not None
            and 0 < d <= (row.day or 0)
        ]
        assert row.count == len(deaths)


def test_eskd_free_survival_counts_dialysis_or_transplant() -> None:
    """ESKD-free rows count dialysis or transplant before any death."""
    for row in _rows("survival", "ESKD-free"):
        n = 0
        for p in _members(row.arm):
            eskd = _first(p, {EventType.DIALYSIS, EventType.TRANSPLANT})
            death = _first(p, {EventType.DEATH})
            if (
                eskd is not None
                and 0 < eskd <= (row.day or 0)
                and (death is None or death >= eskd)
            ):
                n += 1
        assert row.count == n


def test_anti_dsdna_change_rows_use_anti_dsdna() -> None:
    """anti-dsDNA change: n equals participants with a baseline and timepoint value."""
    for row in _rows("serology", "anti-dsDNA (same assay"):
        tp = trial().timepoint(row.timepoint or "")
        changes = [
            now.canonical_value - base.canonical_value
            for p in _members(row.arm)
            if (base := _baseline(p, Analyte.ANTI_DSDNA)) is not None
            and (now := _at(p, tp, Analyte.ANTI_DSDNA)) is not None
            and base.family == now.family
        ]
        assert row.n == len(changes)
        assert row.estimate == pytest.approx(sum(changes) / len(changes))
