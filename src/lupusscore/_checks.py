"""Boundary checks: the one place where caller input becomes trusted arrays.

Every kernel and model-level function validates its arguments here, the way
scikit-learn's ``check_array`` does, so one rule and one phrasing hold across
the library. Each check either returns clean data or raises the library's own
error (:class:`~lupusscore.errors.InvalidValueError` and friends, all
``ValueError``), never a bare ``TypeError``/``KeyError``/``OverflowError`` from
numpy, pint or :mod:`enum`. Messages read ``"name: got X unit; expected Y"``;
for arrays they add the index of the first bad element and how many are bad.

The rules:

- **Numbers are numbers.** ``bool`` (Python or numpy) and strings are rejected
  where a number is meant: ``True`` is not 1 mg/dL. numpy scalars
  (``np.int64``, ``np.float32``) are numbers.
- **Flags are flags.** A flag is ``True``/``False`` (or an array of booleans,
  or of integer 0/1 as a data frame column holds them); ``"yes"`` and ``2`` are
  rejected.
- **Missing is explicit.** ``None``, NaN, ``pandas.NA`` and ``NaT`` are
  *missing*. With ``missing="raise"`` (the default) a missing element is an
  error naming its index; with ``missing="propagate"`` it stays NaN, element by
  element, and the kernel returns NaN there. Infinity is never missing: it is
  an error in either mode.
- **Results are finite.** :func:`finite_result` rejects a kernel result that
  overflowed to infinity or underflowed to zero from finite inputs, instead of
  returning it.
- **Choices are checked.** :func:`as_choice` turns an unknown or unhashable
  option (``specimen="24h"``, ``policy=[]``) into ``InvalidValueError`` naming
  the accepted values.

This module is private; the policy is documented in ``docs/missing-data.md``.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import warnings
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Final, Literal, TypeVar, cast, get_args

import numpy as np
import numpy.typing as npt

from lupusscore.errors import (
    DuplicateResultError,
    InvalidValueError,
    LupusScoreError,
    OutsideValidatedRangeWarning,
)

__all__ = [
    "MISSING_MODES",
    "PLAUSIBLE_AGE_MAX_YEARS",
    "BoolArray",
    "FloatArray",
    "MissingMode",
    "as_choice",
    "as_count",
    "as_flags",
    "as_floats",
    "as_missing_mode",
    "as_sequence",
    "as_tristate",
    "broadcast",
    "check_plausible_age",
    "describe",
    "finite_result",
    "is_missing_scalar",
    "missing_mask",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: How array kernels treat a missing element: ``"raise"`` (an error naming the
#: first missing index) or ``"propagate"`` (NaN in, NaN out, per element).
MissingMode = Literal["raise", "propagate"]
MISSING_MODES: Final[tuple[str, ...]] = get_args(MissingMode)

#: Ages above this are implausible for a living person and warned about
#: (:class:`OutsideValidatedRangeWarning`, or an error with ``strict=True``).
#: The oldest documented human lifespan is 122 years (Jeanne Calment,
#: 1875-1997; Robine & Allard, Science 1998;279:1834); 125 leaves a margin.
PLAUSIBLE_AGE_MAX_YEARS: Final = 125.0

_E = TypeVar("_E", bound=Enum)

#: Longest repr of a bad value shown in a message.
_MAX_SHOWN: Final = 80


def describe(value: object) -> str:
    """Return a short, safe description of *value* for an error message."""
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return text


def _shown(value: object) -> object:
    """Value to store on an error: itself if small and simple, else a description."""
    if isinstance(value, np.generic):
        return value.item() if value.dtype.kind in "biuf" else describe(value)
    if value is None or isinstance(value, bool | int | float | str):
        big = isinstance(value, int) and not isinstance(value, bool)
        if big and abs(value) > 10**18:  # type: ignore[arg-type]
            return describe(value)
        if isinstance(value, str) and len(value) > _MAX_SHOWN:
            return describe(value)
        return value
    return describe(value)


def is_missing_scalar(value: object) -> bool:
    """Return True for ``None``, NaN, ``pandas.NA`` and ``NaT`` (pandas or numpy).

    pandas is not imported: its missing markers are recognised by type name.
    """
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    name = type(value).__name__
    return name in {"NAType", "NaTType"}


def missing_mask(values: FloatArray) -> BoolArray:
    """Return the element-wise missing mask (NaN) of a checked float array."""
    return np.isnan(values)


def as_missing_mode(missing: object) -> MissingMode:
    """Check a ``missing=`` argument."""
    return cast(MissingMode, as_choice("missing", missing, MISSING_MODES))


def _first_index(mask: BoolArray) -> int | tuple[int, ...] | None:
    hits = np.argwhere(mask)
    if hits.shape[0] == 0:
        return None
    where = hits[0]
    if mask.ndim == 1:
        return int(where[0])
    return tuple(int(i) for i in where)


def _raise_at(
    name: str,
    arr: npt.NDArray[np.generic],
    mask: BoolArray,
    *,
    expected: str,
    unit: str | None,
    analyte: str | None,
    original: object,
) -> None:
    """Raise for the first element of *arr* where *mask* is True."""
    if arr.ndim == 0:
        raise InvalidValueError(
            field=name,
            value=_shown(original),
            unit=unit,
            analyte=analyte,
            expected=expected,
        )
    index = _first_index(mask)
    if index is None:  # an empty array of the wrong kind
        raise InvalidValueError(
            field=name,
            value=_shown(original),
            unit=unit,
            analyte=analyte,
            expected=expected,
        )
    raise InvalidValueError(
        field=name,
        value=_shown(arr[index]),
        unit=unit,
        analyte=analyte,
        expected=expected,
        index=index,
        count=int(np.count_nonzero(mask)),
    )


def _numeric_expected(
    *, positive: bool, nonnegative: bool, allow_missing: bool, integer: bool
) -> str:
    kind = "an integer" if integer else "a finite number"
    if positive:
        kind += " > 0"
    elif nonnegative:
        kind += " >= 0"
    if allow_missing:
        kind += " (or missing: None/NaN)"
    return kind


def _object_to_floats(
    name: str,
    arr: npt.NDArray[np.object_],
    *,
    expected: str,
    unit: str | None,
    analyte: str | None,
    original: object,
) -> FloatArray:
    """Convert an object array element by element, rejecting non-numbers."""
    out = np.empty(arr.shape, dtype=np.float64)
    flat_in = arr.reshape(-1)
    flat_out = out.reshape(-1)
    bad = np.zeros(flat_in.shape, dtype=np.bool_)
    for i, item in enumerate(flat_in):
        if is_missing_scalar(item):
            flat_out[i] = np.nan
            continue
        if isinstance(item, bool | np.bool_) or not isinstance(item, numbers.Real):
            bad[i] = True
            continue
        try:
            flat_out[i] = float(item)
        except (OverflowError, TypeError, ValueError):
            bad[i] = True
    if np.any(bad):
        _raise_at(
            name,
            arr,
            bad.reshape(arr.shape),
            expected=expected,
            unit=unit,
            analyte=analyte,
            original=original,
        )
    return out


def _plain_scalar(
    value: object, *, positive: bool, nonnegative: bool, integer: bool
) -> FloatArray | None:
    """Return a valid plain ``float``/``int`` as a 0-d array, else None.

    None means "take the general path", which gives the same answer for valid
    values and the error message for everything else (NaN, inf, out of range,
    a 400-digit integer).
    """
    x = plain_float(value, positive=positive, nonnegative=nonnegative, integer=integer)
    return None if x is None else np.asarray(x)


def as_floats(
    name: str,
    value: object,
    *,
    unit: str | None = None,
    positive: bool = False,
    nonnegative: bool = False,
    allow_missing: bool = False,
    integer: bool = False,
    analyte: str | None = None,
) -> FloatArray:
    """Return *value* as a float64 array (0-d for a scalar), checked.

    Parameters
    ----------
    name : str
        The parameter name, used in messages.
    value : object
        A number, a sequence or array of numbers, or (with *allow_missing*)
        ``None``/NaN/``pandas.NA`` for a missing element.
    unit : str, optional
        The unit the value is expected in, for messages.
    positive, nonnegative : bool
        Require every present element ``> 0`` or ``>= 0``.
    allow_missing : bool
        Keep missing elements as NaN instead of raising.
    integer : bool
        Require whole numbers.
    analyte : str, optional
        The analyte, for messages.

    Raises
    ------
    InvalidValueError
        On a bool, a string, a non-numeric object, infinity, an out-of-range
        element, or (without *allow_missing*) a missing element; for arrays the
        message names the first bad index and how many elements are bad.

    Examples
    --------
    >>> as_floats("scr_mg_dl", [1.0, 2.0]).tolist()
    [1.0, 2.0]
    >>> as_floats("scr_mg_dl", True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lupusscore.errors.InvalidValueError: scr_mg_dl: got True; ..., not a boolean
    """
    scalar_type = type(value)
    if scalar_type is float or scalar_type is int:  # common scalar: fast, same answer
        fast = _plain_scalar(
            value, positive=positive, nonnegative=nonnegative, integer=integer
        )
        if fast is not None:
            return fast
    expected = _numeric_expected(
        positive=positive,
        nonnegative=nonnegative,
        allow_missing=allow_missing,
        integer=integer,
    )
    if isinstance(value, bool | np.bool_):
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            unit=unit,
            analyte=analyte,
            expected=f"{expected.split(' (')[0]}, not a boolean",
        )
    if isinstance(value, str | bytes | Mapping | dt.date | set | frozenset):
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            unit=unit,
            analyte=analyte,
            expected=expected,
        )
    if is_missing_scalar(value):
        if not allow_missing:
            raise InvalidValueError(
                field=name,
                value=_shown(value),
                unit=unit,
                analyte=analyte,
                expected=f"{expected}; a missing value is not accepted here",
            )
        return np.asarray(np.nan, dtype=np.float64)
    try:
        # A Python sequence goes through the element-wise path, so a bool or a
        # None inside a list is seen (numpy would turn [True, 1.0] into floats).
        seq = isinstance(value, list | tuple)
        raw = np.asarray(value, dtype=object) if seq else np.asarray(value)
    except (OverflowError, TypeError, ValueError):
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            unit=unit,
            analyte=analyte,
            expected=f"{expected} or a rectangular array of them",
        ) from None
    kind = raw.dtype.kind
    if kind == "b":
        _raise_at(
            name,
            raw,
            np.ones(raw.shape, dtype=np.bool_),
            expected=f"{expected}, not a boolean",
            unit=unit,
            analyte=analyte,
            original=value,
        )
    if kind in "iu":
        try:
            arr = raw.astype(np.float64)
        except OverflowError:  # pragma: no cover - int64 always fits a float64
            arr = np.full(raw.shape, np.inf)
    elif kind == "f":
        arr = raw.astype(np.float64)
    elif kind == "O":
        arr = _object_to_floats(
            name,
            raw,
            expected=expected,
            unit=unit,
            analyte=analyte,
            original=value,
        )
    else:  # strings, bytes, dates, complex, void ...
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            unit=unit,
            analyte=analyte,
            expected=f"{expected} (got an array of dtype {raw.dtype})",
        )
    missing = np.isnan(arr)
    if not allow_missing and np.any(missing):
        _raise_at(
            name,
            arr,
            missing,
            expected=f"{expected}; a missing value (NaN) is not accepted here",
            unit=unit,
            analyte=analyte,
            original=value,
        )
    present = ~missing
    bad = present & ~np.isfinite(arr)
    if positive:
        bad |= present & ~(arr > 0)
    elif nonnegative:
        bad |= present & ~(arr >= 0)
    if integer:
        with np.errstate(invalid="ignore"):
            bad |= present & (np.floor(arr) != arr)
    if np.any(bad):
        _raise_at(
            name,
            arr,
            bad,
            expected=expected,
            unit=unit,
            analyte=analyte,
            original=value,
        )
    return arr


def as_flags(name: str, value: object) -> BoolArray:
    """Return *value* as a boolean array; booleans, or integer 0/1 arrays.

    A Python ``int`` scalar is rejected (``female=1`` is ambiguous in an API
    where ``True`` is available); integer arrays of 0/1 are accepted because
    data frame columns hold flags that way. Missing flags are not accepted:
    use :func:`as_tristate` where a flag may be unknown.
    """
    if isinstance(value, bool | np.bool_):
        return np.asarray(bool(value))
    if isinstance(value, str | bytes | Mapping) or is_missing_scalar(value):
        raise InvalidValueError(
            field=name, value=_shown(value), expected="True or False"
        )
    if isinstance(value, int | float | np.number):
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            expected="True or False (not a number)",
        )
    try:
        raw = np.asarray(value)
    except (OverflowError, TypeError, ValueError):
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            expected="True or False, or a rectangular array of booleans",
        ) from None
    if raw.dtype.kind == "b":
        return raw.astype(np.bool_)
    if raw.size == 0 and raw.dtype.kind in "iufO":
        return np.zeros(raw.shape, dtype=np.bool_)
    expected = "True or False (or an array of booleans, or of integers 0/1)"
    if raw.dtype.kind in "iu":
        bad = (raw != 0) & (raw != 1)
        if np.any(bad):
            _raise_at(
                name,
                raw,
                bad,
                expected=expected,
                unit=None,
                analyte=None,
                original=value,
            )
        return raw.astype(np.bool_)
    if raw.dtype.kind == "O":
        codes = as_tristate(name, raw)
        missing = np.isnan(codes)
        if np.any(missing):
            _raise_at(
                name,
                raw,
                missing,
                expected=f"{expected}; a missing flag is not accepted here",
                unit=None,
                analyte=None,
                original=value,
            )
        return codes.astype(np.bool_)
    _raise_at(
        name,
        raw,
        np.ones(raw.shape, dtype=np.bool_),
        expected=expected,
        unit=None,
        analyte=None,
        original=value,
    )
    raise AssertionError  # pragma: no cover - _raise_at always raises


def _tristate_code(item: object) -> float | None:
    """1.0 / 0.0 / NaN for a flag element, None when it is not a flag."""
    if isinstance(item, bool | np.bool_):
        return 1.0 if item else 0.0
    if is_missing_scalar(item):
        return math.nan
    return None


def as_tristate(name: str, value: object) -> FloatArray:
    """Return a tri-state flag array: 1.0 (yes), 0.0 (no), NaN (not recorded).

    Accepts ``True``/``False``/``None``, NaN and ``pandas.NA``, arrays of
    booleans, float arrays of 1/0/NaN and integer arrays of 1/0. Strings,
    other numbers and Python ``int`` scalars are rejected.
    """
    code = _tristate_code(value) if not isinstance(value, np.ndarray) else None
    if code is not None:
        return np.asarray(code, dtype=np.float64)
    expected = "True, False or None (not recorded)"
    if isinstance(value, str | bytes | Mapping | int | float | np.number):
        raise InvalidValueError(field=name, value=_shown(value), expected=expected)
    try:
        raw = np.asarray(value)
    except (OverflowError, TypeError, ValueError):
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            expected=f"{expected}, or a rectangular array of them",
        ) from None
    kind = raw.dtype.kind
    if kind == "b":
        return raw.astype(np.float64)
    if kind in "iu":
        bad_int = (raw != 0) & (raw != 1)
        if np.any(bad_int):
            _raise_at(
                name,
                raw,
                bad_int,
                expected=f"{expected} (or 1 / 0)",
                unit=None,
                analyte=None,
                original=value,
            )
        return raw.astype(np.float64)
    if kind == "f":
        arr = raw.astype(np.float64)
        bad_f = ~(np.isnan(arr) | (arr == 0) | (arr == 1))
        if np.any(bad_f):
            _raise_at(
                name,
                arr,
                bad_f,
                expected=f"{expected} (or 1.0 / 0.0 / NaN)",
                unit=None,
                analyte=None,
                original=value,
            )
        return arr
    if kind == "O":
        out = np.empty(raw.shape, dtype=np.float64)
        flat_out = out.reshape(-1)
        bad = np.zeros(raw.size, dtype=np.bool_)
        for i, item in enumerate(raw.reshape(-1)):
            item_code = _tristate_code(item)
            if item_code is None:
                bad[i] = True
            else:
                flat_out[i] = item_code
        if np.any(bad):
            _raise_at(
                name,
                raw,
                bad.reshape(raw.shape),
                expected=expected,
                unit=None,
                analyte=None,
                original=value,
            )
        return out
    _raise_at(
        name,
        raw,
        np.ones(raw.shape, dtype=np.bool_),
        expected=expected,
        unit=None,
        analyte=None,
        original=value,
    )
    raise AssertionError  # pragma: no cover - _raise_at always raises


def as_count(
    name: str,
    value: object,
    *,
    minimum: int = 0,
    maximum: int | None = None,
    unit: str | None = None,
) -> int:
    """Return *value* as a Python ``int`` in ``[minimum, maximum]``.

    Accepts ``int`` and numpy integers, and floats that are whole numbers
    (``3.0``); rejects ``bool``, strings, NaN and fractions.
    """
    bounds = f">= {minimum}" if maximum is None else f"{minimum}..{maximum}"
    expected = f"a whole number {bounds}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InvalidValueError(
            field=name, value=_shown(value), unit=unit, expected=expected
        )
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not math.isfinite(as_float) or as_float != math.floor(as_float):
            raise InvalidValueError(
                field=name, value=_shown(value), unit=unit, expected=expected
            )
        number = int(as_float)
    if number < minimum or (maximum is not None and number > maximum):
        raise InvalidValueError(
            field=name, value=_shown(value), unit=unit, expected=expected
        )
    return number


def as_choice(name: str, value: object, choices: type[_E] | Iterable[str]) -> _E | str:
    """Return *value* as one of *choices* (an Enum class or strings).

    For an Enum, a member or its value is accepted and the member returned;
    for strings, the string. Unknown, unhashable or wrongly-typed values raise
    :class:`InvalidValueError` naming what is accepted.
    """
    if isinstance(choices, type) and issubclass(choices, Enum):
        allowed = [str(m.value) for m in choices]
        if isinstance(value, choices):
            return value
        if isinstance(value, str):
            for member in choices:
                if member.value == value:
                    return member
    else:
        allowed = [str(c) for c in choices]
        if isinstance(value, str) and value in allowed:
            return value
    raise InvalidValueError(
        field=name,
        value=_shown(value),
        expected="one of " + ", ".join(repr(a) for a in allowed),
    )


def broadcast(**arrays: npt.NDArray[np.generic]) -> list[npt.NDArray[np.generic]]:
    """Broadcast named arrays together; mismatched shapes name every shape.

    Returns the broadcast arrays in the order given.
    """
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
        raise InvalidValueError(
            field=", ".join(arrays),
            value=shapes,
            expected="arrays of one shape, or shapes that broadcast together",
        ) from None


def finite_result(
    name: str,
    result: FloatArray,
    *,
    unit: str | None = None,
    positive: bool = True,
) -> FloatArray:
    """Reject a kernel result that overflowed or underflowed.

    NaN elements (missing inputs under ``missing="propagate"``) pass through.
    An infinite element, or (when *positive*) a zero or negative one, means the
    arithmetic left float range for inputs that were themselves finite: that
    is an error naming the first such index, never a silent ``inf`` or ``0``.
    """
    present = ~np.isnan(result)
    bad = present & ~np.isfinite(result)
    if positive:
        bad |= present & ~(result > 0)
    if np.any(bad):
        _raise_at(
            name,
            result,
            bad,
            expected=(
                "inputs whose result is a finite number"
                + (" > 0" if positive else "")
                + " (the computation overflowed or underflowed float range)"
            ),
            unit=unit,
            analyte=None,
            original=float(result) if result.ndim == 0 else result,
        )
    return result


def check_plausible_age(
    name: str,
    age_years: FloatArray,
    *,
    strict: bool,
    stacklevel: int = 3,
) -> None:
    """Warn (or raise when *strict*) for ages above a living person's span.

    See :data:`PLAUSIBLE_AGE_MAX_YEARS`. NaN (missing) ages are ignored here.
    """
    with np.errstate(invalid="ignore"):
        implausible = age_years > PLAUSIBLE_AGE_MAX_YEARS
    if not np.any(implausible):
        return
    first = (
        float(age_years[implausible].flat[0]) if age_years.ndim else float(age_years)
    )
    count = int(np.count_nonzero(implausible))
    expected = (
        f"an age <= {PLAUSIBLE_AGE_MAX_YEARS:g} years (the longest documented "
        "human lifespan is 122 years)"
    )
    if strict:
        raise InvalidValueError(
            field=name,
            value=first,
            unit="years",
            expected=f"{expected}; strict=True",
        )
    warnings.warn(
        f"{name}: {count} value(s) above {PLAUSIBLE_AGE_MAX_YEARS:g} years, e.g. "
        f"{first:g}: implausible for a living person; check the birth date",
        OutsideValidatedRangeWarning,
        stacklevel=stacklevel,
    )


# --- added for activity and serology ---

_T = TypeVar("_T")


def as_instance(
    name: str, value: object, cls: type[_T], *, expected: str | None = None
) -> _T:
    """Return *value* if it is a *cls*, else raise :class:`InvalidValueError`.

    For model-level arguments (a ``Visit``, a ``LabResult``, a result object):
    a dict, a string or ``None`` where an object is meant is the library's
    error naming the parameter, never an ``AttributeError`` further down.
    """
    if isinstance(value, cls):
        return value
    raise InvalidValueError(
        field=name,
        value=describe(value) if not isinstance(value, str) else _shown(value),
        expected=expected or f"a {cls.__name__}",
    )


def as_flag(name: str, value: object) -> bool:
    """Return one flag (``True``/``False``, numpy bools included) as ``bool``.

    ``"yes"``, ``1``, ``1.0``, ``None`` and arrays are rejected.
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind == "b":
        return bool(value)
    number = isinstance(value, numbers.Number)
    raise InvalidValueError(
        field=name,
        value=_shown(value),
        expected="True or False" + (" (not a number)" if number else ""),
    )


def as_optional_flag(name: str, value: object) -> bool | None:
    """Return a scalar tri-state flag: ``True``/``False``, or None when missing.

    ``None``, NaN and ``pandas.NA`` are *not known* (None); ``"yes"``, ``1``
    and ``0`` are rejected (see :func:`as_tristate`).
    """
    arr = as_tristate(name, value)
    if arr.ndim != 0:
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            expected="True, False or None (one flag)",
        )
    code = float(arr)
    return None if math.isnan(code) else code == 1.0


def as_optional_float(
    name: str,
    value: object,
    *,
    unit: str | None = None,
    positive: bool = False,
    nonnegative: bool = False,
    analyte: str | None = None,
) -> float | None:
    """Return one optional number as ``float``, or None when it is missing.

    ``None``, NaN and ``pandas.NA`` are *not given* (None); booleans, strings,
    infinity and arrays are rejected (see :func:`as_floats`).
    """
    arr = as_floats(
        name,
        value,
        unit=unit,
        positive=positive,
        nonnegative=nonnegative,
        allow_missing=True,
        analyte=analyte,
    )
    if arr.ndim != 0:
        raise InvalidValueError(
            field=name,
            value=_shown(value),
            unit=unit,
            analyte=analyte,
            expected="one number (not an array)",
        )
    number = float(arr)
    return None if math.isnan(number) else number


# --- added for response / outcomes ---


def conflicting_records(
    what: str, when: object, detail: str, *, participant: str | None = None
) -> DuplicateResultError:
    """Build the error for two records of one date that disagree.

    Records of one participant on one date (two visits, two assessments) must
    agree; identical duplicates may be collapsed by the caller. Which one
    "wins" must never depend on input order, so a conflict is an error (or,
    where a function says so, not evaluable with this reason).

    Examples
    --------
    >>> print(conflicting_records("visits", "2020-01-06", "UPCR differs"))
    ... # doctest: +ELLIPSIS
    visits: more than one on 2020-01-06 and they differ (UPCR differs); expected ...
    """
    who = f"participant {participant}: " if participant else ""
    err = DuplicateResultError(analyte=what, when=when, specimen=None)
    message = (
        f"{who}{what}: more than one on {when!s} and they differ ({detail}); "
        "expected one record per date, or identical duplicates"
    )
    LupusScoreError.__init__(err, message, **err.fields, participant=participant)
    return err


def elementwise(value: object) -> object:
    """Return a list or tuple as an object array, so each element is checked.

    ``np.asarray([0.3, True])`` is ``[0.3, 1.0]``: numpy casts a bool inside a
    list before :func:`as_floats` can see it. Passing
    ``as_floats(name, elementwise(value))`` keeps every element as given, so a
    bool or string inside a list is rejected with its index. Other values are
    returned unchanged.

    Examples
    --------
    >>> as_floats("x", elementwise([0.3, True]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lupusscore.errors.InvalidValueError: x: got True at index 1; 1 element(s) bad; ...
    """
    if not isinstance(value, list | tuple):
        return value
    try:
        return np.asarray(value, dtype=object)
    except ValueError:  # ragged nesting: let as_floats report it
        return value


# --- added for sequences of records ---


def as_sequence(name: str, value: object, *, expected: str) -> list[object]:
    """Return *value* as a list of its items, or raise naming *expected*.

    Strings, bytes, mappings, 0-d arrays and non-iterables are not sequences
    of records; an iterator that fails while being read is reported too.
    """
    zero_d = isinstance(value, np.ndarray) and value.ndim == 0
    if (
        zero_d
        or isinstance(value, str | bytes | Mapping)
        or not isinstance(value, Iterable)
    ):
        raise InvalidValueError(field=name, value=_shown(value), expected=expected)
    try:
        return list(value)
    except (TypeError, ValueError):
        raise InvalidValueError(
            field=name, value=_shown(value), expected=expected
        ) from None


# --- added for perf ---


def plain_float(
    value: object,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    integer: bool = False,
) -> float | None:
    """Return a valid plain ``float``/``int`` scalar as a float, else None.

    The scalar fast path of :func:`as_floats` (same checks, no array): None
    means "take the general path" (``as_floats``), which gives the same answer
    for valid values and the error message for everything else (a bool, a
    numpy scalar, NaN, inf, out of range, a 400-digit integer).
    """
    kind = type(value)
    if kind is not float and kind is not int:
        return None
    try:
        x = float(value)  # type: ignore[arg-type]
    except OverflowError:
        return None
    if not math.isfinite(x) or (positive and not x > 0) or (nonnegative and x < 0):
        return None
    if integer and x != math.floor(x):
        return None
    return x
