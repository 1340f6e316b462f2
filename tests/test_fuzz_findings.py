"""Regression tests for what the full fuzz run found on the merged code.

Each call raised something outside the contract (a bare TypeError, an
OverflowError, a pydantic error from a plain function, a numpy warning); now
each is the library's own error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import lupusscore as ls
from lupusscore import kidney, outcomes, results
from lupusscore.cli import load_example_participant, load_example_trial
from lupusscore.errors import LupusScoreError


def _participant() -> Any:
    return load_example_participant()


def _timepoint() -> Any:
    return load_example_trial().schedule[0]


CASES: list[tuple[str, Callable[[], object]]] = [
    ("any_of 0-d array", lambda: ls.any_of(np.asarray(1.0))),
    ("all_of bool", lambda: ls.all_of(True)),  # type: ignore[arg-type]
    ("all_of text", lambda: ls.all_of(" ")),  # type: ignore[arg-type]
    ("slicc labs=False", lambda: ls.classify_sle_slicc_2012(labs=False)),  # type: ignore[arg-type]
    ("convert 10**309", lambda: ls.convert(10**309, "mg/day", "mg/day")),
    (
        "load_definition model=int",
        lambda: ls.response.load_definition({}, model=np.int64(800)),  # type: ignore[arg-type]
    ),
    (
        "kaplan_meier_of 0-d",
        lambda: outcomes.kaplan_meier_of(np.asarray(1.0)),  # type: ignore[arg-type]
    ),
    (
        "status_at 0-d intercurrent",
        lambda: outcomes.status_at(
            [],
            _timepoint(),
            intercurrent=np.asarray(np.nan),  # type: ignore[arg-type]
        ),
    ),
    (
        "observation_at unit=float",
        lambda: outcomes.observation_at(
            _participant(),
            _timepoint(),
            unit=-1.7e-68,  # type: ignore[arg-type]
        ),
    ),
    (
        "renal_response_assessments include_partial=NA",
        lambda: outcomes.renal_response_assessments(
            _participant(),
            "eular-2019",
            include_partial=float("nan"),  # type: ignore[arg-type]
        ),
    ),
    (
        "serological_activity 0-d labs",
        lambda: ls.serology.serological_activity(labs=np.asarray(np.nan)),  # type: ignore[arg-type]
    ),
    (
        "Criterion complex",
        lambda: ls.Criterion(name="x", status="met", observed=np.complex128(1 + 2j)),
    ),
    (
        "to_canonical 10**309",
        lambda: ls.units.to_canonical(10**309, "mg/dL", "creatinine"),
    ),
    ("snap complex", lambda: results.snap(np.complex128(1 + 2j))),  # type: ignore[arg-type]
    ("snap date", lambda: results.snap(dt.date(1979, 11, 9))),  # type: ignore[arg-type]
    ("wilson 10**400", lambda: ls.wilson_interval(5, 10**400)),
    (
        "definition_json bool",
        lambda: ls.response.definition_json(True),  # type: ignore[arg-type]
    ),
    (
        "time_to_first outcome=True",
        lambda: outcomes.time_to_first(True, assessments=[], last_day=10),  # type: ignore[arg-type]
    ),
    (
        "LongitudinalResult complex",
        lambda: outcomes.LongitudinalResult(
            rule="r",
            status="met",
            day=1,
            end_day=2,
            imputed=np.complex128(1 + 2j),
            explanation=(),
        ),
    ),
    (
        "summarize overflow",
        lambda: outcomes.summarize(np.array([1e308, 1e308])),
    ),
    (
        "summarize overflow in the quartiles",
        lambda: outcomes.summarize(np.array([1e308, -1e308])),
    ),
    (
        "clopper_pearson_interval beyond a million trials",
        lambda: ls.clopper_pearson_interval(
            successes=np.float64(2795750200789782.0), n=np.float64(2795750200789782.0)
        ),
    ),
    (
        "confirmed_egfr_decline 0-d measurements",
        lambda: kidney.confirmed_egfr_decline(
            reference=np.array(1.0), measurements=np.array(1.0)
        ),
    ),
]


@pytest.mark.parametrize(("name", "call"), CASES, ids=[c[0] for c in CASES])
def test_fuzz_finding_is_a_library_error(name: str, call: Callable[[], object]) -> None:
    """The fuzz reproducer now raises the library's error (or a ValidationError)."""
    import pydantic

    with pytest.raises((LupusScoreError, pydantic.ValidationError)):
        call()
