"""Kidney-specific input handling shared by the kidney kernels (private).

Generic number, flag and choice checks live in :mod:`lupusscore._checks`; this
module adds what only the kidney kernels need: the validated age range of each
equation (:class:`AgeRange`, :func:`check_age_range`), the bundle of checked,
broadcast kernel inputs with their per-element missing mask
(:func:`prepare`), and the final finite-result check (:meth:`Prepared.finish`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from lupusscore._checks import (
    MISSING_MODES,
    PLAUSIBLE_AGE_MAX_YEARS,
    BoolArray,
    FloatArray,
    MissingMode,
    as_flags,
    as_floats,
    as_missing_mode,
    as_tristate,
    broadcast,
    check_plausible_age,
    finite_result,
    plain_float,
)
from lupusscore._display import Displayable
from lupusscore.errors import InvalidValueError, OutsideValidatedRangeWarning

__all__ = [
    "AGE",
    "AGE_POSITIVE",
    "CREATININE",
    "CYSTATIN_C",
    "AgeRange",
    "BoolArray",
    "FloatArray",
    "MissingMode",
    "Prepared",
    "Quantity",
    "ScalarPrepared",
    "check_age_range",
    "maximum",
    "minimum",
    "missing_note",
    "output",
    "prepare",
    "prepare_scalar",
    "select",
]

#: Kernel warnings point at the caller of the public kernel.
_STACKLEVEL: Final = 3


@dataclass(frozen=True, slots=True)
class AgeRange(Displayable):
    """The ages (in completed years) an equation was developed and validated in.

    ``min_years`` is compared with the exact age (``age >= min_years``);
    ``max_years`` is in completed years, so a range of 1-25 years accepts
    ``1.0 <= age < 26.0`` (a 25.9-year-old is 25).

    Attributes
    ----------
    min_years : float
        Lowest validated age, years.
    max_years : float or None
        Highest validated age in completed years; ``None`` for no upper limit.
    source : str
        Where the range comes from.
    """

    min_years: float
    max_years: float | None
    source: str

    def describe(self) -> str:
        """Human-readable range, e.g. ``'>= 18 years'`` or ``'1-25 years'``."""
        if self.max_years is None:
            return f">= {self.min_years:g} years"
        return f"{self.min_years:g}-{self.max_years:g} years"

    def outside(self, age_years: FloatArray) -> BoolArray:
        """Return, element-wise, whether the age is outside the validated range.

        Missing (NaN) ages are not outside: they are reported as missing.
        """
        below = age_years < self.min_years
        if self.max_years is None:
            return np.asarray(below, dtype=np.bool_)
        return np.asarray(below | (age_years >= self.max_years + 1.0), dtype=np.bool_)

    def note(self, equation: str, age_years: float) -> str | None:
        """Return a one-line note if *age_years* is outside the range, else ``None``."""
        if not bool(self.outside(np.asarray(age_years, dtype=np.float64))):
            return None
        return (
            f"{equation} is validated for ages {self.describe()}; "
            f"age {age_years:.2f} years is outside that range ({self.source})"
        )


@dataclass(frozen=True, slots=True)
class Quantity:
    """How one numeric kernel argument is checked: unit, sign, analyte."""

    unit: str
    positive: bool = True
    analyte: str | None = None
    #: Values above this are a unit mix-up, not a measurement (error with *hint*).
    maximum: float | None = None
    hint: str = ""


#: Serum creatinine, mg/dL, > 0.
CREATININE: Final = Quantity("mg/dL", analyte="creatinine")
#: Serum cystatin C, mg/L, > 0.
CYSTATIN_C: Final = Quantity("mg/L", analyte="cystatin_c")
#: Age, years, >= 0.
AGE: Final = Quantity("years", positive=False)
#: Age, years, > 0 (equations with ln(age) or age^k, k < 0).
AGE_POSITIVE: Final = Quantity("years")


def _first(mask: np.ndarray) -> int | tuple[int, ...]:
    where = np.argwhere(mask)[0]
    return int(where[0]) if mask.ndim == 1 else tuple(int(i) for i in where)


def missing_note(n_missing: int) -> str:
    """Return ``'; N row(s) missing ...'`` for a warning, or ``''`` if none."""
    if not n_missing:
        return ""
    return f"; {n_missing} row(s) with missing input (NaN returned for them)"


@dataclass(frozen=True, slots=True)
class Prepared:
    """Checked, broadcast kernel inputs and their per-element missing mask.

    Attributes
    ----------
    values : mapping of str to numpy.ndarray
        Each numeric argument as float64 (NaN where missing).
    flags : mapping of str to numpy.ndarray
        Each flag argument as bool (False where missing; masked out anyway).
    missing : numpy.ndarray
        True where any input of the row is missing.
    """

    values: Mapping[str, FloatArray]
    flags: Mapping[str, BoolArray]
    missing: BoolArray = field(repr=False)

    def __getitem__(self, name: str) -> FloatArray:
        """Return the checked numeric argument *name*."""
        return self.values[name]

    @property
    def n_missing(self) -> int:
        """Number of rows with a missing input."""
        return int(np.count_nonzero(self.missing))

    def finish(
        self, name: str, result: FloatArray, *, unit: str = "mL/min/1.73m2"
    ) -> float | FloatArray:
        """NaN where an input is missing; reject overflow/underflow; unwrap 0-d.

        Raises
        ------
        InvalidValueError
            The result overflowed to infinity or underflowed to 0 for inputs
            that were finite (e.g. creatinine 5e-324 or 1e308 mg/dL).
        """
        out = np.asarray(np.where(self.missing, np.nan, result), dtype=np.float64)
        return output(finite_result(name, out, unit=unit))


def prepare(
    missing: object,
    numbers: Mapping[str, tuple[object, Quantity]],
    flags: Mapping[str, object] | None = None,
    *,
    strict: object = False,
    check_only: frozenset[str] = frozenset(),
) -> Prepared:
    """Check and broadcast a kernel's arguments under a missing-data mode.

    Parameters
    ----------
    missing : {"raise", "propagate"}
        ``"raise"``: a missing element is an error naming its index and the
        number of missing elements. ``"propagate"``: missing elements (None,
        NaN, pandas NA; for flags also None) are NaN out, per element.
    numbers : mapping of name to (value, Quantity)
        Numeric arguments; ``age_years`` is also checked for plausibility.
    flags : mapping of name to value, optional
        Boolean arguments (``female``, ``black``).
    strict : bool
        Checked to be a boolean; passed to the age plausibility check.
    check_only : frozenset of str
        Numeric arguments that are only checked, not used by the formula
        (bedside Schwartz's age): a missing one does not make the row missing.

    Raises
    ------
    InvalidValueError
        Any bad argument (bool or string for a number, infinity, a value out
        of range, a non-boolean flag, shapes that do not broadcast, an unknown
        *missing* mode), or a missing element with ``missing="raise"``.
    """
    mode = as_missing_mode(missing)
    strict_flag = as_bool("strict", strict)
    allow = mode == "propagate"
    arrays: dict[str, np.ndarray] = {}
    for name, (value, q) in numbers.items():
        arrays[name] = as_floats(
            name,
            value,
            unit=q.unit,
            positive=q.positive,
            nonnegative=not q.positive,
            allow_missing=allow,
            analyte=q.analyte,
        )
        if q.maximum is not None:
            with np.errstate(invalid="ignore"):
                above = arrays[name] > q.maximum
            if np.any(above):
                arr = arrays[name]
                first = float(arr[above].flat[0]) if arr.ndim else float(arr)
                raise InvalidValueError(
                    field=name,
                    value=first,
                    unit=q.unit,
                    expected=f"at most {q.maximum:g} {q.unit}",
                    hint=q.hint,
                    count=int(np.count_nonzero(above)) if arr.ndim else None,
                    index=_first(above) if arr.ndim else None,
                )
    flag_names = tuple((flags or {}).keys())
    for name in flag_names:
        value = (flags or {})[name]
        arrays[name] = _flag(name, value, allow=allow)
    shaped = dict(zip(arrays, broadcast(**arrays), strict=True))
    miss = np.zeros(np.shape(next(iter(shaped.values()))), dtype=np.bool_)
    for name in numbers:
        if name not in check_only:
            miss |= np.isnan(shaped[name])
    out_flags: dict[str, BoolArray] = {}
    for name in flag_names:
        arr = shaped[name]
        if allow:
            miss |= np.isnan(arr)
            out_flags[name] = np.asarray(arr == 1.0, dtype=np.bool_)
        else:
            out_flags[name] = np.asarray(arr, dtype=np.bool_)
    values = {name: np.asarray(shaped[name], dtype=np.float64) for name in numbers}
    prepared = Prepared(values=values, flags=out_flags, missing=miss)
    if "age_years" in values:
        _plausible_age(
            values["age_years"], strict=strict_flag, n_missing=prepared.n_missing
        )
    return prepared


def _flag(name: str, value: object, *, allow: bool) -> np.ndarray:
    """Return a flag argument as codes 1/0/NaN (propagate) or booleans (raise).

    An empty list or array is an empty flag column (``as_flags`` of the
    foundation module does not handle an empty non-boolean array).
    """
    kind = np.float64 if allow else np.bool_
    if isinstance(value, list | tuple) and not value:
        return np.zeros((0,), dtype=kind)
    if isinstance(value, np.ndarray) and value.size == 0:
        return np.zeros(value.shape, dtype=kind)
    return as_tristate(name, value) if allow else as_flags(name, value)


def as_bool(name: str, value: object) -> bool:
    """Return a scalar boolean option (``strict=``, ``idms=``), checked."""
    flag = as_flags(name, value)
    if flag.ndim:
        raise InvalidValueError(field=name, value=repr(value), expected="True or False")
    return bool(flag)


def _plausible_age(age: FloatArray, *, strict: bool, n_missing: int) -> None:
    """Warn (raise if *strict*) for implausible ages; add the missing count."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_plausible_age("age_years", age, strict=strict)
    for w in caught:
        warnings.warn(
            f"{w.message}{missing_note(n_missing)}",
            w.category,
            stacklevel=_STACKLEVEL + 1,
        )


def check_age_range(
    equation: str,
    age_years: FloatArray,
    age_range: AgeRange,
    *,
    strict: bool,
    n_missing: int = 0,
) -> None:
    """Warn (or raise when *strict*) if any age is outside *age_range*."""
    outside = age_range.outside(age_years)
    if not np.any(outside):
        return
    first = float(age_years[outside].flat[0])
    count = int(np.count_nonzero(outside))
    if strict:
        raise InvalidValueError(
            field="age_years",
            value=first,
            unit="years",
            expected=(
                f"an age of {age_range.describe()} for {equation} "
                f"(strict=True; {age_range.source})"
            ),
        )
    warnings.warn(
        f"{equation} is validated for ages {age_range.describe()} "
        f"({age_range.source}); {count} value(s) outside it, e.g. "
        f"{first:g} years: the estimate is returned but is not validated"
        f"{missing_note(n_missing)}",
        OutsideValidatedRangeWarning,
        stacklevel=_STACKLEVEL,
    )


def output(result: FloatArray) -> float | FloatArray:
    """Return a Python float for 0-d results, the array otherwise."""
    if result.ndim == 0:
        return float(result)
    return result


# ---------------------------------------------------------------------------
# Scalar fast path: the same checks on plain Python scalars, without arrays
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScalarPrepared:
    """Checked plain-scalar kernel inputs (see :func:`prepare_scalar`).

    Attributes
    ----------
    values : mapping of str to float
        Each numeric argument, checked (finite, in range, not missing).
    flags : mapping of str to bool
        Each flag argument.
    """

    values: Mapping[str, float]
    flags: Mapping[str, bool]

    def __getitem__(self, name: str) -> float:
        """Return the checked numeric argument *name*."""
        return self.values[name]

    def finish(self, name: str, result: Any, *, unit: str = "mL/min/1.73m2") -> float:
        """Return *result* as a float; reject overflow/underflow (see Prepared)."""
        x = float(result)
        if math.isfinite(x) and x > 0:
            return x
        # The general check raises (or lets a NaN through), with its message.
        return float(finite_result(name, np.asarray(x, dtype=np.float64), unit=unit))


def prepare_scalar(
    missing: object,
    numbers: Mapping[str, tuple[object, Quantity]],
    flags: Mapping[str, object],
    *,
    strict: object,
    ages: AgeRange,
) -> ScalarPrepared | None:
    """Return the inputs of :func:`prepare` when plain, valid and unremarkable.

    Returns None, so that the caller takes the general path of :func:`prepare`
    and :func:`check_age_range` (which give the same result, every warning and
    every error message), unless every number is a plain ``float``/``int`` that
    passes its check, every flag a plain ``bool``, *missing* and *strict* are
    valid, and the age (``age_years``) is plausible and inside *ages*. On this
    path nothing can warn or be missing, so no arrays are needed.
    """
    if type(strict) is not bool or type(missing) is not str:
        return None
    if missing not in MISSING_MODES:
        return None
    values: dict[str, float] = {}
    for name, (value, q) in numbers.items():
        x = plain_float(value, positive=q.positive, nonnegative=not q.positive)
        if x is None or (q.maximum is not None and x > q.maximum):
            return None
        values[name] = x
    checked: dict[str, bool] = {}
    for name, value in flags.items():
        if type(value) is not bool:
            return None
        checked[name] = value
    age = values.get("age_years")
    if age is not None:
        upper = math.inf if ages.max_years is None else ages.max_years + 1.0
        if not ages.min_years <= age < upper or age > PLAUSIBLE_AGE_MAX_YEARS:
            return None
    return ScalarPrepared(values=values, flags=checked)


def select(cond: Any, if_true: float, if_false: float) -> Any:
    """``np.where(cond, if_true, if_false)``; for a plain bool, the plain float."""
    if type(cond) is bool:
        return if_true if cond else if_false
    return np.where(cond, if_true, if_false)


def minimum(x: Any, y: float) -> Any:
    """``np.minimum(x, y)``; for a plain float, ``min`` (NaN stays NaN, as there)."""
    if type(x) is float:
        return min(x, y)
    return np.minimum(x, y)


def maximum(x: Any, y: float) -> Any:
    """``np.maximum(x, y)``; for a plain float, ``max`` (NaN stays NaN, as there)."""
    if type(x) is float:
        return max(x, y)
    return np.maximum(x, y)
