"""Errors: one hierarchy, built-in bases, structured fields, pickling."""

from __future__ import annotations

import pickle
import warnings

import pytest

import lupusscore as ls
from lupusscore import errors

_EXAMPLES: list[ls.LupusScoreError] = [
    ls.UnitError(unit="mmHg", expected="mg/dL", analyte="creatinine", reason="r"),
    ls.UnknownAnalyteError(name="c5", known=("c3", "c4")),
    ls.InvalidValueError(field="value", value=-1.0, expected=">= 0", unit="mg/dL"),
    ls.ImplausibleValueError(
        field="value",
        value=500.0,
        expected="0.05-40",
        unit="mg/dL",
        analyte="creatinine",
        hint="µmol/L?",
    ),
    ls.InvalidDateError(field="date", value="2009-02-30", expected="a real date"),
    ls.DuplicateResultError(analyte="c3", when="2009-05-01", specimen=None),
    ls.DefinitionError("definition 'x': unknown", definition="x"),
    ls.NotEvaluableError("no eGFR: creatinine missing", reason="creatinine missing"),
]


@pytest.mark.parametrize("err", _EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_is_a_lupusscore_error_and_a_value_error(
    err: ls.LupusScoreError,
) -> None:
    """Each error derives from LupusScoreError and from ValueError."""
    assert isinstance(err, ls.LupusScoreError)
    assert isinstance(err, ValueError)


@pytest.mark.parametrize("err", _EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_pickles_with_message_and_fields(err: ls.LupusScoreError) -> None:
    """Errors survive pickling (cohort work across processes)."""
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is type(err)
    assert str(clone) == str(err)
    assert clone.fields == err.fields


def test_messages_name_field_value_unit_and_expectation() -> None:
    """An InvalidValueError message names field, value, unit and what was expected."""
    err = ls.InvalidValueError(
        field="value",
        value=-1.0,
        expected="a value >= 0",
        unit="mg/dL",
        analyte="creatinine",
    )
    text = str(err)
    for part in ("creatinine", "value", "-1.0", "mg/dL", "expected a value >= 0"):
        assert part in text


def test_unknown_analyte_error_str_is_not_quoted() -> None:
    """KeyError's quoting of the message is overridden."""
    err = ls.UnknownAnalyteError(name="c5", known=("c3",))
    assert str(err).startswith("unknown analyte")


def test_every_error_class_is_exported() -> None:
    """errors.__all__ is re-exported at top level."""
    for name in errors.__all__:
        assert getattr(ls, name) is getattr(errors, name)


def test_warning_class_is_a_user_warning() -> None:
    """OutsideValidatedRangeWarning can be filtered as a UserWarning."""
    with pytest.warns(UserWarning, match="x"):
        warnings.warn("x", ls.OutsideValidatedRangeWarning, stacklevel=1)
