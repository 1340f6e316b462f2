"""Kernels shared by the serology modules: limit comparisons robust to round-off.

A lab value sitting exactly on its limit must give the same flag whatever unit
it was reported in: 90 mg/dL and 0.9 g/L are the same C3. Converting into the
canonical unit can move a value by one unit in the last place, so both sides of
a comparison are first rounded to :data:`COMPARISON_SIGNIFICANT_DIGITS`
significant digits (far more than any lab reports) and then compared.
"""

from __future__ import annotations

from typing import Final, overload

import numpy as np
import numpy.typing as npt

from lupusscore.results import Comparator

__all__ = ["COMPARISON_SIGNIFICANT_DIGITS", "compare", "snap"]

#: Significant digits kept before comparing a value with a limit. Not a clinical
#: number: a numerical tolerance chosen by the lupusscore maintainers so that
#: unit-conversion round-off (~1e-16 relative) never flips a flag at the limit.
COMPARISON_SIGNIFICANT_DIGITS: Final = 12


@overload
def snap(x: float) -> float: ...
@overload
def snap(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
def snap(x: float | npt.NDArray[np.float64]) -> float | npt.NDArray[np.float64]:
    """Round to :data:`COMPARISON_SIGNIFICANT_DIGITS` significant digits.

    Parameters
    ----------
    x : float or numpy.ndarray
        Finite values.

    Returns
    -------
    float or numpy.ndarray
        Rounded values (float for scalar input, array for array input).

    Examples
    --------
    >>> 0.1 + 0.2 == 0.3, snap(0.1 + 0.2) == snap(0.3)
    (False, True)
    """
    arr = np.asarray(x, dtype=np.float64)
    mag = np.abs(arr)
    safe = np.where(mag > 0, mag, 1.0)
    exponent = COMPARISON_SIGNIFICANT_DIGITS - 1 - np.floor(np.log10(safe))
    factor = np.power(10.0, exponent)
    out = np.where(mag > 0, np.round(arr * factor) / factor, arr)
    if np.ndim(x) == 0:
        return float(out)
    return np.asarray(out, dtype=np.float64)


@overload
def compare(observed: float, threshold: float, comparator: Comparator) -> bool: ...
@overload
def compare(
    observed: npt.NDArray[np.float64],
    threshold: float | npt.NDArray[np.float64],
    comparator: Comparator,
) -> npt.NDArray[np.bool_]: ...
def compare(
    observed: float | npt.NDArray[np.float64],
    threshold: float | npt.NDArray[np.float64],
    comparator: Comparator,
) -> bool | npt.NDArray[np.bool_]:
    """Compare values with limits after :func:`snap` (numpy broadcasting).

    Parameters
    ----------
    observed, threshold : float or numpy.ndarray
        Values and limits in the same unit.
    comparator : Comparator
        ``<``, ``<=``, ``>`` or ``>=``.

    Returns
    -------
    bool or numpy.ndarray of bool
        A bool for scalar input, a boolean array otherwise.

    Examples
    --------
    >>> compare(0.1 + 0.2, 0.3, Comparator.GT)
    False
    >>> compare(np.array([0.89, 0.9, 0.91]), 0.9, Comparator.LT).tolist()
    [True, False, False]
    """
    result = comparator.apply(
        snap(np.asarray(observed, dtype=np.float64)),
        snap(np.asarray(threshold, dtype=np.float64)),
    )
    if np.ndim(observed) == 0 and np.ndim(threshold) == 0:
        return bool(result)
    return result
