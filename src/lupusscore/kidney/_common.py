"""Input checks shared by the kidney kernels (private).

Every kernel validates its whole input up front: concentrations and heights
must be finite and > 0, ages finite and >= 0, sex flags booleans. Ages outside
an equation's validated population give :class:`OutsideValidatedRangeWarning`
(or :class:`InvalidValueError` with ``strict=True``).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from lupusscore.errors import InvalidValueError, OutsideValidatedRangeWarning

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Kernel warnings point at the caller of the public kernel.
_STACKLEVEL: Final = 3


@dataclass(frozen=True, slots=True)
class AgeRange:
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
        """Return, element-wise, whether the age is outside the validated range."""
        below = age_years < self.min_years
        if self.max_years is None:
            return below
        return below | (age_years >= self.max_years + 1.0)

    def note(self, equation: str, age_years: float) -> str | None:
        """Return a one-line note if *age_years* is outside the range, else ``None``."""
        if not bool(self.outside(np.asarray(age_years, dtype=np.float64))):
            return None
        return (
            f"{equation} is validated for ages {self.describe()}; "
            f"age {age_years:.2f} years is outside that range ({self.source})"
        )


def as_positive(
    name: str, value: npt.ArrayLike, unit: str, *, analyte: str | None = None
) -> FloatArray:
    """Return *value* as a float64 array; every element finite and > 0."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidValueError(
            field=name,
            value=value,
            unit=unit,
            analyte=analyte,
            expected="a number or an array of numbers",
        ) from None
    bad = ~(np.isfinite(arr) & (arr > 0))
    if np.any(bad):
        raise InvalidValueError(
            field=name,
            value=float(arr[bad].flat[0]),
            unit=unit,
            analyte=analyte,
            expected="a finite number > 0",
        )
    return arr


def as_age(name: str, value: npt.ArrayLike, *, positive: bool = False) -> FloatArray:
    """Return ages as a float64 array; finite and >= 0 (> 0 if *positive*)."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidValueError(
            field=name,
            value=value,
            unit="years",
            expected="a number or an array of numbers",
        ) from None
    ok = np.isfinite(arr) & ((arr > 0) if positive else (arr >= 0))
    if not np.all(ok):
        raise InvalidValueError(
            field=name,
            value=float(arr[~ok].flat[0]),
            unit="years",
            expected="a finite age > 0" if positive else "a finite age >= 0",
        )
    return arr


def as_flag(name: str, value: npt.ArrayLike) -> BoolArray:
    """Return a boolean array; accept booleans or 0/1 integers only."""
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        return arr.astype(np.bool_)
    if arr.dtype.kind in "iu" and np.all((arr == 0) | (arr == 1)):
        return arr.astype(np.bool_)
    shown = arr.flat[0] if arr.size else value
    raise InvalidValueError(
        field=name,
        value=shown if arr.ndim else value,
        expected="True or False (or an array of booleans)",
    )


def check_age_range(
    equation: str, age_years: FloatArray, age_range: AgeRange, *, strict: bool
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
        f"{first:g} years: the estimate is returned but is not validated",
        OutsideValidatedRangeWarning,
        stacklevel=_STACKLEVEL,
    )


def output(result: FloatArray) -> float | FloatArray:
    """Return a Python float for 0-d results, the array otherwise."""
    if result.ndim == 0:
        return float(result)
    return result


def is_finite_number(value: object) -> bool:
    """Return True for a real, finite int or float (not a bool)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )
