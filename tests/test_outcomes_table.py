"""The outcome table's derivation: observations, one eGFR per visit, one definition."""

from __future__ import annotations

import ast
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import lupusscore as ls
from lupusscore.cli import load_example_trial
from lupusscore.errors import LupusScoreError
from lupusscore.outcomes import (
    Observation,
    Timepoint,
    baseline_lab,
    baseline_observation,
    baseline_value,
    baseline_visit,
    build_outcome_table,
    lab_at,
    observation_at,
    value_at,
)
from lupusscore.response import get_definition

DAY0 = dt.date(2009, 5, 1)
TP = Timepoint(label="month 3", day=91, window_days=14)


def _visit(days: int, c3: float | None, **kw: Any) -> dict[str, Any]:
    day = DAY0 + dt.timedelta(days=days)
    labs = [] if c3 is None else [{"analyte": "c3", "value": c3, "unit": "mg/dL"}]
    return {
        "participant_id": "P1",
        "date": day,
        "labs": [{**lab, "date": day} for lab in labs],
        **kw,
    }


def _participant() -> ls.Participant:
    return ls.Participant(
        patient=ls.Patient(id="P1", sex="female", birth_date="1980-01-01"),
        day0=DAY0,
        visits=[
            _visit(-20, 60.0),
            _visit(-5, None, unscheduled=True),
            _visit(88, 80.0),
            _visit(93, None),
        ],
    )


def _small_trial(n: int = 6) -> ls.Trial:
    trial = load_example_trial()
    return trial.model_copy(update={"participants": trial.participants[:n]})


def test_observation_of_an_analyte_carries_value_unit_day_and_lab() -> None:
    """An analyte observation is the lab in its canonical unit, with its visit."""
    p = _participant()
    base = baseline_observation(p, "c3")
    assert isinstance(base, Observation)
    assert (base.day, base.date, base.value, base.unit) == (
        -20,
        DAY0 - dt.timedelta(days=20),
        0.6,
        "g/L",
    )
    assert base.lab is not None
    assert base.lab.value == 60.0
    assert base.visit is p.visits[0]
    now = observation_at(p, TP, ls.Analyte.C3)
    assert now is not None
    assert (now.day, now.value, now.visit) == (88, 0.8, p.visits[2])


def test_observation_of_a_function_carries_the_given_unit() -> None:
    """A measure function's value comes with the unit passed beside it."""
    p = _participant()

    def labs(v: ls.Visit) -> float | None:
        return float(len(v.labs)) or None

    now = observation_at(p, TP, labs, unit="results")
    assert now is not None
    assert (now.value, now.unit, now.lab, now.day) == (1.0, "results", None, 88)


def test_baseline_observation_without_measure_is_the_latest_baseline_visit() -> None:
    """No measure: the latest visit in the window (unscheduled by default)."""
    p = _participant()
    got = baseline_observation(p)
    assert got is not None
    assert (got.day, got.value, got.visit) == (-5, None, p.visits[1])
    scheduled = baseline_observation(p, use_unscheduled=False)
    assert scheduled is not None
    assert scheduled.day == -20


def test_measure_returning_a_non_number_is_a_library_error() -> None:
    """A measure function returning text is named, not a bare TypeError."""
    with pytest.raises(LupusScoreError, match="measure"):
        baseline_observation(_participant(), lambda v: "high")  # type: ignore[arg-type,return-value]


_OLD: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
    "baseline_visit": (
        lambda: baseline_visit(_participant()),
        lambda: _participant().visits[1],
    ),
    "baseline_lab": (
        lambda: baseline_lab(_participant(), "c3"),
        lambda: _participant().visits[0].labs[0],
    ),
    "lab_at": (
        lambda: lab_at(_participant(), "c3", TP),
        lambda: (88, _participant().visits[2].labs[0]),
    ),
    "value_at": (
        lambda: value_at(_participant(), TP, lambda v: float(len(v.labs)) or None),
        lambda: (88, 1.0),
    ),
    "baseline_value": (
        lambda: baseline_value(_participant(), lambda v: float(len(v.labs)) or None),
        lambda: (_participant().visits[0], 1.0),
    ),
}


@pytest.mark.parametrize("name", sorted(_OLD))
def test_deprecated_helpers_warn_and_keep_their_return_shape(name: str) -> None:
    """The five old helpers still work, with a DeprecationWarning naming the new one."""
    call, expected = _OLD[name]
    with pytest.warns(DeprecationWarning, match=f"{name} is deprecated"):
        got = call()
    assert got == expected()


@pytest.mark.parametrize(
    "call",
    [
        lambda: baseline_lab(_participant(), "c3", window_days=-1),
        lambda: lab_at(_participant(), "c3", None),  # type: ignore[arg-type]
        lambda: value_at(_participant(), TP, None),  # type: ignore[arg-type]
        lambda: baseline_value(_participant(), 3),  # type: ignore[arg-type]
    ],
    ids=["baseline_lab", "lab_at", "value_at", "baseline_value"],
)
def test_deprecated_helpers_still_raise_library_errors(
    call: Callable[[], object],
) -> None:
    """Bad arguments to the old names are still library errors."""
    with (
        pytest.warns(DeprecationWarning, match="is deprecated"),
        pytest.raises(LupusScoreError),
    ):
        call()


def test_egfr_is_computed_in_one_kernel_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the table computes every visit's eGFR in one array call.

    (It used to be computed per visit, and before that for every renal
    response assessment, twice per assessment with the reference visit.)
    """
    import lupusscore.cohort._engine as engine

    calls: list[int] = []
    real = engine.egfr_columns

    def counting(equation: str, **kw: Any) -> Any:
        calls.append(len(kw["age_years"]))
        return real(equation, **kw)

    monkeypatch.setattr(engine, "egfr_columns", counting)
    per_visit: list[object] = []
    monkeypatch.setattr(ls.Patient, "age_years", lambda *a: per_visit.append(a))
    trial = _small_trial()
    build_outcome_table(trial)
    visits = sum(len(p.visits) for p in trial.participants)
    assert calls == [visits]
    assert per_visit == []


class _CountingPath(os.PathLike[str]):
    """A path that counts how often it is opened (resolved)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reads = 0

    def __fspath__(self) -> str:
        self.reads += 1
        return str(self.path)


def test_definition_file_is_read_once_per_table(tmp_path: Path) -> None:
    """A definition given as a path is loaded once per table, not per visit."""
    path = tmp_path / "kdigo.json"
    path.write_text(get_definition("kdigo-2024").model_dump_json(), "utf-8")
    counting = _CountingPath(path)
    table = build_outcome_table(_small_trial(), definition=counting)
    assert counting.reads == 1
    assert table == build_outcome_table(_small_trial())


_SRC = Path(ls.__file__).parent
_MINE = sorted([*(_SRC / "outcomes").glob("*.py"), _SRC / "report.py", _SRC / "cli.py"])


#: Private modules shared by design: boundary validation and display machinery.
_SHARED = ("lupusscore._checks", "lupusscore._display")


@pytest.mark.parametrize("path", _MINE, ids=lambda p: p.name)
def test_no_module_imports_another_modules_private_names(path: Path) -> None:
    """Outcomes, report and CLI import only public names (no ``_private`` ones).

    A module may import its own package's private modules (``outcomes._trial``
    from ``outcomes/_table.py``), never another package's, and never a name
    starting with an underscore. ``lupusscore._checks`` is the library's one
    boundary-validation module and ``lupusscore._display`` its one display
    machinery, shared by design.
    """
    own = path.relative_to(_SRC).parts[0].removesuffix(".py")
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        parts = node.module.split(".")
        if parts[0] != "lupusscore" or node.module in _SHARED:
            continue
        assert not [a.name for a in node.names if a.name.startswith("_")], node.module
        private = [p for p in parts[1:] if p.startswith("_")]
        assert not private or parts[1] == own, f"{path.name} imports {node.module}"
