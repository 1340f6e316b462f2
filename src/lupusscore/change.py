"""The one change-from-reference kernel, shared by kidney and serology.

``change(reference=..., value=...)`` returns the absolute change
``value - reference`` and the percent change ``100 * (value - reference) /
reference``. Arguments are keyword-only, so the direction cannot be swapped.

The zero-reference rule (one rule for every caller): a percent change from a
reference of exactly 0 is *undefined*, so its percent element is NaN (not
evaluable), never ``inf`` and never 0; the absolute change is still given.
Result-level functions turn that NaN into ``percent_change=None`` with the
reason "... is 0: percent change undefined". A missing input (None, NaN,
``pandas.NA``) is an error naming its index, or with ``missing="propagate"``
NaN in both outputs.

Examples
--------
>>> change(reference=80.0, value=48.0)
Change(absolute=-32.0, percent=-40.0)
>>> change(reference=[0.5, 0.0], value=[0.25, 0.1]).percent.tolist()
[-50.0, nan]
"""

from __future__ import annotations

from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    FloatArray,
    MissingMode,
    as_floats,
    as_missing_mode,
    broadcast,
    finite_result,
)
from lupusscore._display import fields_repr, html_of, markdown_of

__all__ = ["Change", "change"]

_PERCENT: Final = 100.0


class Change(NamedTuple):
    """Absolute and percent change from a reference.

    Attributes
    ----------
    absolute : float or numpy.ndarray
        ``value - reference``, in the unit of the inputs.
    percent : float or numpy.ndarray
        ``100 * (value - reference) / reference``; NaN where the reference is
        0 (undefined) or an input is missing under ``missing="propagate"``.
    """

    absolute: float | FloatArray
    percent: float | FloatArray

    # display: abbreviated repr and notebook views (lupusscore._display)
    def __repr__(self) -> str:
        return fields_repr(self)

    def _repr_html_(self) -> str:
        return html_of(self)

    def _repr_markdown_(self) -> str:
        return markdown_of(self)


def change(
    *, reference: npt.ArrayLike, value: npt.ArrayLike, missing: MissingMode = "raise"
) -> Change:
    """Return the absolute and percent change of *value* from *reference*.

    Parameters
    ----------
    reference : float or array-like
        The value changed from (baseline, pre-flare, nadir): finite numbers.
    value : float or array-like
        The value changed to, in the same unit (broadcast with *reference*).
    missing : {"raise", "propagate"}, default "raise"
        A missing element (None, NaN, ``pandas.NA``) is an error naming its
        index and the count, or (``"propagate"``) NaN in both outputs.

    Returns
    -------
    Change
        ``(absolute, percent)``: floats when both inputs are scalars, arrays
        otherwise. The percent element is NaN where the reference is 0 (the
        zero-reference rule of this module).

    Raises
    ------
    InvalidValueError
        A bool, string or infinite element, shapes that do not broadcast, a
        change that overflows float range, or (``missing="raise"``) a missing
        element.

    Examples
    --------
    >>> change(reference=0.6, value=0.9)
    Change(absolute=0.30000000000000004, percent=50.00000000000001)
    >>> change(reference=0.0, value=1.0).percent
    nan
    """
    keep = as_missing_mode(missing) == "propagate"
    ref0 = as_floats("reference", reference, allow_missing=keep)
    val0 = as_floats("value", value, allow_missing=keep)
    ref, val = (
        np.asarray(a, dtype=np.float64) for a in broadcast(reference=ref0, value=val0)
    )
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        absolute = finite_result("absolute_change", val - ref, positive=False)
        safe = np.where(ref != 0, ref, 1.0)
        percent = np.where(ref != 0, _PERCENT * absolute / safe, np.nan)
        percent = finite_result("percent_change", percent, unit="%", positive=False)
    if ref0.ndim == 0 and val0.ndim == 0:
        return Change(float(absolute), float(percent))
    return Change(
        np.asarray(absolute, dtype=np.float64), np.asarray(percent, dtype=np.float64)
    )
