"""Errors and warnings raised by lupusscore.

Every error the library raises on bad input derives from :class:`LupusScoreError`
and also from the built-in a caller would naturally catch (pint's pattern)::

    LupusScoreError(Exception)
     ├── UnitError(ValueError)              unit missing, unparseable or wrong dimension
     ├── UnknownAnalyteError(KeyError, ValueError)
     ├── InvalidValueError(ValueError)      NaN, infinity, negative concentration ...
     │    └── ImplausibleValueError         outside the analyte's plausible range
     ├── InvalidDateError(ValueError)       impossible or out-of-order dates
     ├── DuplicateResultError(ValueError)   same analyte twice at the same time
     │    └── DuplicateVisitError           two different visits on one date
     ├── DefinitionError(ValueError)        invalid or unknown scoring definition
     ├── NotEvaluableError(ValueError)      a number asked of an unevaluable result
     └── MissingExtraError(ImportError)     an optional package is not installed
     └── TableError(ValueError)             bad rows of input tables, all of them

    OutsideValidatedRangeWarning(UserWarning)   a formula used outside its population
    LabDateWarning(UserWarning)                 a lab dated far from its visit

Errors carry their fields as attributes, build their message from them, and
pickle (so cohort work can be spread over processes). Inside pydantic models they
surface as a located ``pydantic.ValidationError`` whose message is the message
built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lupusscore._display import Displayable

__all__ = [
    "DefinitionError",
    "DuplicateResultError",
    "DuplicateVisitError",
    "ImplausibleValueError",
    "InvalidDateError",
    "InvalidValueError",
    "LabDateWarning",
    "LupusScoreError",
    "MissingExtraError",
    "NotEvaluableError",
    "OutsideValidatedRangeWarning",
    "RowProblem",
    "TableError",
    "UnitError",
    "UnknownAnalyteError",
]


class LupusScoreError(Exception):
    """Base class of every error raised by lupusscore.

    Subclasses are constructed with keyword fields, which are kept as attributes
    and used to rebuild the error when it is unpickled.
    """

    def __init__(self, message: str, **fields: Any) -> None:
        self.fields = dict(fields)
        for key, val in fields.items():
            setattr(self, key, val)
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.fields))


def _rebuild(
    cls: type[LupusScoreError], message: str, fields: dict[str, Any]
) -> LupusScoreError:
    err = cls.__new__(cls)
    LupusScoreError.__init__(err, message, **fields)
    return err


def _fmt_unit(unit: object) -> str:
    return "no unit" if unit is None or unit == "" else repr(unit)


class UnitError(LupusScoreError, ValueError):
    """A unit is missing, cannot be parsed, or does not fit the analyte.

    Parameters
    ----------
    unit : str or None
        The unit as given.
    expected : str
        What would have been accepted.
    analyte : str, optional
        The analyte the unit was given for.
    reason : str, optional
        Why the unit was rejected.
    value : float, optional
        The value the unit belonged to, when there was one.
    field : str, optional
        The model field or parameter name.
    """

    def __init__(
        self,
        *,
        unit: object,
        expected: str,
        analyte: str | None = None,
        reason: str = "",
        value: object = None,
        field: str = "unit",
    ) -> None:
        self.unit, self.expected, self.analyte = unit, expected, analyte
        self.reason, self.value, self.field = reason, value, field
        subject = f"{analyte} " if analyte else ""
        shown = f"value {value!r} with " if value is not None else ""
        why = f": {reason}" if reason else ""
        message = (
            f"{subject}{field}: {shown}{_fmt_unit(unit)} is not accepted{why}; "
            f"expected {expected}"
        )
        super().__init__(
            message,
            unit=unit,
            expected=expected,
            analyte=analyte,
            reason=reason,
            value=value,
            field=field,
        )


class UnknownAnalyteError(LupusScoreError, KeyError, ValueError):
    """An analyte name is not one lupusscore knows.

    Parameters
    ----------
    name : str
        The name given.
    known : tuple of str
        The accepted names.
    """

    def __init__(self, *, name: object, known: tuple[str, ...]) -> None:
        message = f"unknown analyte {name!r}; expected one of: {', '.join(known)}"
        super().__init__(message, name=name, known=known)


class InvalidValueError(LupusScoreError, ValueError):
    """A value is not a finite number in the accepted range.

    Parameters
    ----------
    field : str
        Field or parameter name.
    value : object
        The value given.
    expected : str
        What would have been accepted.
    unit : str, optional
        The unit the value came with.
    analyte : str, optional
        The analyte, for lab values.
    hint : str, optional
        A likely explanation, such as a unit mix-up.
    index : int or tuple of int, optional
        For array input: the index of the first offending element.
    count : int, optional
        For array input: how many elements are bad.
    participant : str, optional
        The participant the value belongs to, when known.
    """

    def __init__(
        self,
        *,
        field: str,
        value: object,
        expected: str,
        unit: object = None,
        analyte: str | None = None,
        hint: str = "",
        index: int | tuple[int, ...] | None = None,
        count: int | None = None,
        participant: str | None = None,
    ) -> None:
        subject = f"{analyte} " if analyte else ""
        who = f"participant {participant}: " if participant else ""
        unit_txt = f" {unit}" if unit not in (None, "") else ""
        where = ""
        if index is not None:
            one_axis = isinstance(index, tuple) and len(index) == 1
            shown_index = index[0] if one_axis else index  # type: ignore[index]
            rows = f"; {count} element(s) bad" if count is not None else ""
            where = f" at index {shown_index}{rows}"
        tail = f"; {hint}" if hint else ""
        message = (
            f"{who}{subject}{field}: got {value!r}{unit_txt}{where}; "
            f"expected {expected}{tail}"
        )
        super().__init__(
            message,
            field=field,
            value=value,
            expected=expected,
            unit=unit,
            analyte=analyte,
            hint=hint,
            index=index,
            count=count,
            participant=participant,
        )


class ImplausibleValueError(InvalidValueError):
    """A lab value lies outside the plausible range for its analyte and unit."""


class InvalidDateError(LupusScoreError, ValueError):
    """A date is impossible, implausible or out of order.

    Parameters
    ----------
    field : str
        Field name.
    value : object
        The date given.
    expected : str
        What would have been accepted.
    """

    def __init__(self, *, field: str, value: object, expected: str) -> None:
        message = f"{field}: got {value!s}; expected {expected}"
        super().__init__(message, field=field, value=value, expected=expected)


class DuplicateResultError(LupusScoreError, ValueError):
    """The same analyte appears twice at the same time in one visit.

    Parameters
    ----------
    analyte : str
        The analyte.
    when : object
        The shared date or time.
    specimen : str or None
        The shared specimen.
    """

    def __init__(self, *, analyte: str, when: object, specimen: object) -> None:
        spec = f" ({specimen})" if specimen else ""
        message = (
            f"labs: {analyte}{spec} appears more than once at {when!s}; "
            "expected at most one result per analyte, specimen and time in a visit"
        )
        super().__init__(message, analyte=analyte, when=when, specimen=specimen)


class DefinitionError(LupusScoreError, ValueError):
    """A scoring definition is unknown or invalid.

    Like the other errors it carries its fields as attributes and, when no
    message is given, builds the message from them.

    Parameters
    ----------
    message : str, optional
        What is wrong. Without it the message is built from the fields:
        ``"<definition>: <field>: got <value>; expected <expected>"``.
    definition : str, optional
        The definition id.
    field : str, optional
        The field (or parameter) at fault.
    value : object, optional
        The value given.
    expected : str, optional
        What would have been accepted.
    **fields
        Further context kept as attributes (``origin``: the file read).

    Examples
    --------
    >>> err = DefinitionError(
    ...     definition="kdigo-2024",
    ...     field="egfr_tolerance",
    ...     value=0.2,
    ...     expected="between 0.1 and 0.15",
    ... )
    >>> str(err)
    'kdigo-2024: egfr_tolerance: got 0.2; expected between 0.1 and 0.15'
    >>> err.definition, err.field, err.value, err.expected
    ('kdigo-2024', 'egfr_tolerance', 0.2, 'between 0.1 and 0.15')
    """

    definition: str | None
    field: str | None
    value: object
    expected: str | None

    def __init__(
        self,
        message: str | None = None,
        *,
        definition: str | None = None,
        field: str | None = None,
        value: object = None,
        expected: str | None = None,
        **fields: Any,
    ) -> None:
        if message is None:
            head = f"{definition}: " if definition else ""
            what = field or "definition"
            got = f": got {value!r}" if value is not None else ""
            want = f"; expected {expected}" if expected else ""
            message = f"{head}{what}{got}{want}"
        fields.update(definition=definition, field=field, value=value)
        super().__init__(message, expected=expected, **fields)


class NotEvaluableError(LupusScoreError, ValueError):
    """A numeric value was requested from a result that is not evaluable.

    Parameters
    ----------
    message : str
        What was requested and why it is not available.
    """

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message, **fields)


class OutsideValidatedRangeWarning(UserWarning):
    """A formula was applied outside the population it was validated in.

    The number is still returned (an out-of-range age is not invalid input), but
    the caller is told; pass ``strict=True`` where offered to raise instead.
    """


class DuplicateVisitError(DuplicateResultError):
    """Two different visits of one participant on the same date.

    Input order cannot decide which record is right, so neither is used.

    Parameters
    ----------
    participant : str
        The participant.
    when : object
        The shared date.
    field : str
        Where the second visit is (``"visits[3]"``).
    detail : str
        How the two visits differ.
    """

    def __init__(
        self, *, participant: str, when: object, field: str, detail: str
    ) -> None:
        message = (
            f"participant {participant}: {field}: a second, different visit on "
            f"{when!s} ({detail}); expected one visit per date (merge them or "
            "correct the date): input order cannot decide which is right"
        )
        LupusScoreError.__init__(
            self,
            message,
            participant=participant,
            when=when,
            field=field,
            detail=detail,
        )


class LabDateWarning(UserWarning):
    """A lab attached to a visit was collected far from the visit date.

    The rule is :data:`lupusscore.models.LAB_VISIT_MAX_GAP_DAYS`; the visit is
    still built (the data may be right), but the caller is told. Turn it into
    an error with ``warnings.simplefilter("error", LabDateWarning)``.
    """


class MissingExtraError(LupusScoreError, ImportError):
    """An optional package that a feature needs is not installed.

    Also an :class:`ImportError`, so ``except ImportError`` catches it.

    Parameters
    ----------
    package : str
        The package that could not be imported (``"narwhals"``, ``"pandas"``).
    feature : str
        What needed it (``"Table.to_pandas"``).
    extra : str, optional
        The lupusscore extra that installs it (``"frames"``), if there is one.
    """

    def __init__(self, *, package: str, feature: str, extra: str | None = None) -> None:
        install = f"'lupusscore[{extra}]'" if extra else package
        message = (
            f"{feature} needs the optional package {package!r}, which is not "
            f"installed; install it with: pip install {install}"
        )
        self.package, self.feature, self.extra = package, feature, extra
        super().__init__(message, package=package, feature=feature, extra=extra)
        self.name = package  # ImportError's attribute (its __init__ resets it)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_missing_extra, (self.package, self.feature, self.extra))


def _rebuild_missing_extra(
    package: str, feature: str, extra: str | None
) -> MissingExtraError:
    return MissingExtraError(package=package, feature=feature, extra=extra)


# --- added for the cohort tables ---

_MAX_PROBLEM_LINES = 20


@dataclass(frozen=True, slots=True)
class RowProblem(Displayable):
    """One bad row of an input table (see :class:`TableError`).

    Attributes
    ----------
    table : str
        The table (``"labs"``, ``"participants"``, ``"visits"``, ``"events"``,
        or ``"schedule"``/``"arms"`` for the trial-level options).
    row : int or None
        The row's index in the input table (its position), or None for a
        problem of a whole column or option.
    participant : str or None
        The participant id of the row, when it has a readable one.
    column : str
        The column (as the caller named it).
    value : object
        The value found (a short description for odd objects).
    expected : str
        What would have been accepted.
    """

    table: str
    row: int | None
    participant: str | None
    column: str
    value: object
    expected: str

    def __str__(self) -> str:
        row = "" if self.row is None else f" row {self.row}"
        who = "" if self.participant is None else f" (participant {self.participant})"
        return (
            f"{self.table}{row}{who}: {self.column}: got {self.value!r}; "
            f"expected {self.expected}"
        )


class TableError(LupusScoreError, ValueError):
    """Input tables hold bad rows; every bad row of every table is listed.

    Nothing is built when any row is bad. ``problems`` holds one
    :class:`RowProblem` per bad cell (a row may appear more than once, once
    per bad column); the message lists the first 20 and counts the rest.

    Parameters
    ----------
    problems : sequence of RowProblem
        Every problem found.
    """

    problems: tuple[RowProblem, ...]

    def __init__(self, *, problems: tuple[RowProblem, ...] | list[RowProblem]) -> None:
        found = tuple(problems)
        rows = {(p.table, p.row) for p in found}
        lines = [f"  {p}" for p in found[:_MAX_PROBLEM_LINES]]
        if len(found) > _MAX_PROBLEM_LINES:
            lines.append(f"  ... and {len(found) - _MAX_PROBLEM_LINES} more")
        message = (
            f"{len(found)} problem(s) in {len(rows)} row(s) of the input tables; "
            "nothing was built:\n" + "\n".join(lines)
        )
        super().__init__(message, problems=found)
