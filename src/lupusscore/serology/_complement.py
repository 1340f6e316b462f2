"""Complement (C3, C4, CH50): low against the lab's range, change, normalisation.

Definitions
-----------
- **Low complement**: the result is below the *testing laboratory's* lower
  limit of normal. SLEDAI-2K descriptor 20 (CH50, C3 or C4; Gladman, J Rheumatol
  2002;29:288-91), LLDAS / DORIS serological activity (C3 or C4; Franklyn, Ann
  Rheum Dis 2016;75:1615-21) and EULAR/ACR 2019 (C3 and C4 only; Aringer, Ann
  Rheum Dis 2019;78:1151-9) all use it.
- Only when the lab gave no lower limit is a documented default used, and the
  criterion says so: C3 0.9 g/L and C4 0.1 g/L, the lower ends of the typical
  ranges in the Lupus Sci Med patient table (lupusscore clinical reference
  section 5.3). CH50 has no verified typical range, so a CH50 without the lab's
  lower limit is not evaluable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import FloatArray, as_flag
from lupusscore.analytes import Analyte
from lupusscore.models import LabResult
from lupusscore.results import Comparator, Criterion, Status
from lupusscore.serology._labs import check_lab

__all__ = [
    "COMPLEMENT_ANALYTES",
    "DEFAULT_LOWER_LIMITS",
    "DEFAULT_LOWER_LIMITS_SOURCE",
    "LOW_COMPLEMENT_SOURCE",
    "low_complement",
    "lower_limit",
]

#: The analytes :func:`low_complement` accepts.
COMPLEMENT_ANALYTES: Final = frozenset({Analyte.C3, Analyte.C4, Analyte.CH50})

_COMPLEMENT: Final = "a complement result (c3, c4 or ch50)"

#: Where "below the testing laboratory's lower limit of normal" comes from.
LOW_COMPLEMENT_SOURCE: Final = (
    "below the testing laboratory's lower limit of normal: SLEDAI-2K descriptor "
    "20 (Gladman, J Rheumatol 2002;29:288-91); LLDAS (Franklyn, Ann Rheum Dis "
    "2016;75:1615-21); EULAR/ACR 2019 (Aringer, Ann Rheum Dis 2019;78:1151-9)"
)

#: Where the default lower limits come from.
DEFAULT_LOWER_LIMITS_SOURCE: Final = (
    "typical reference ranges C3 0.9-1.8 g/L, C4 0.1-0.4 g/L, Lupus Sci Med "
    "patient table (lupusscore clinical reference section 5.3)"
)

#: Lower limits of normal used only when the lab gave none, in g/L (canonical).
#: C3 0.9 g/L (90 mg/dL), C4 0.1 g/L (10 mg/dL): Lupus Sci Med patient table
#: (reference 5.3). No CH50 entry: its typical range is UNVERIFIED.
DEFAULT_LOWER_LIMITS: Final[Mapping[Analyte, float]] = MappingProxyType(
    {Analyte.C3: 0.9, Analyte.C4: 0.1}
)


#: :data:`DEFAULT_LOWER_LIMITS` by analyte code (position in ``tuple(Analyte)``);
#: NaN for an analyte without a default.
_DEFAULT_BY_CODE: Final = np.array(
    [DEFAULT_LOWER_LIMITS.get(a, np.nan) for a in Analyte], dtype=np.float64
)


def complement_lower_limits(
    analytes: npt.NDArray[np.integer[Any]],
    own_limits: FloatArray,
    *,
    use_default: bool,
) -> FloatArray:
    """Return the lower limit to judge each complement result by (unchecked).

    The lab's own limit; without one, the documented default of
    :data:`DEFAULT_LOWER_LIMITS` (C3, C4) when *use_default*; else NaN (no
    limit: not evaluable). The array form of :func:`lower_limit`.

    Parameters
    ----------
    analytes : numpy.ndarray of int
        Analyte codes, positions in ``tuple(Analyte)``.
    own_limits : numpy.ndarray of float
        The lab's lower limits in the canonical unit, NaN where not given.
    use_default : bool
        Fall back to the documented defaults.

    Returns
    -------
    numpy.ndarray of float
        Limits in the canonical unit, NaN where there is none.
    """
    own = np.asarray(own_limits, dtype=np.float64)
    if not use_default:
        return own
    return np.where(np.isnan(own), _DEFAULT_BY_CODE[analytes], own)


def low_complement_flags(values: FloatArray, lower_limits: FloatArray) -> FloatArray:
    """Apply the low-complement rule to arrays (unchecked kernel, canonical units).

    ``1.0`` where the value is strictly below its lower limit (both rounded by
    :meth:`Comparator.apply`), ``0.0`` where not, NaN where the limit (or the
    value) is missing: not evaluable. :func:`low_complement` and the cohort
    SLEDAI kernel both decide with this function.

    Examples
    --------
    >>> low_complement_flags(np.array([0.7, 0.9, 0.5]), np.array([0.9, 0.9, np.nan]))
    array([ 1.,  0., nan])
    """
    v = np.asarray(values, dtype=np.float64)
    limit = np.asarray(lower_limits, dtype=np.float64)
    if not v.ndim and not limit.ndim:  # one element: the same rule, no masks
        if math.isnan(v) or math.isnan(limit):
            return np.asarray(np.nan)
        return np.asarray(float(Comparator.LT.apply(v, limit)))
    absent = np.isnan(v) | np.isnan(limit)
    hit = Comparator.LT.apply(np.where(absent, 0.0, v), np.where(absent, 0.0, limit))
    return np.where(absent, np.nan, hit.astype(np.float64))


def lower_limit(
    lab: LabResult, *, use_default: bool = True
) -> tuple[float | None, str]:
    """Return the lower limit of normal to judge *lab* by, and where it came from.

    Parameters
    ----------
    lab : LabResult
        A C3, C4 or CH50 result.
    use_default : bool, optional
        Fall back to :data:`DEFAULT_LOWER_LIMITS` when the lab gave no lower
        limit (default True). With False, such a result has no limit.

    Returns
    -------
    tuple of (float or None, str)
        The limit in the result's canonical unit (None if there is none) and a
        sentence saying where it came from (or why there is none).

    Raises
    ------
    InvalidValueError
        If *lab* is not a complement result.

    Examples
    --------
    >>> lab = LabResult(analyte="c4", value=8, unit="mg/dL", date="2024-01-05")
    >>> limit, why = lower_limit(lab)
    >>> limit, why[:56]
    (0.1, 'lab gave no reference range; default lower limit 0.1 g/L')
    """
    lab = check_lab("lab", lab, COMPLEMENT_ANALYTES, what=_COMPLEMENT)
    default_ok = as_flag("use_default", use_default)
    own = lab.reference_low_canonical
    if own is not None:
        return own, (
            f"lab's lower limit {lab.reference_low:g} {lab.unit} "
            f"(= {own:.4g} {lab.canonical_unit})"
        )
    default = DEFAULT_LOWER_LIMITS.get(lab.analyte)
    if default is None:
        return None, (
            f"lab gave no reference range and {lab.analyte.value} has no "
            "verified default lower limit"
        )
    if not default_ok:
        return None, "lab gave no reference range and use_default=False"
    return default, (
        f"lab gave no reference range; default lower limit {default:g} "
        f"{lab.canonical_unit} used ({DEFAULT_LOWER_LIMITS_SOURCE})"
    )


def low_complement(lab: LabResult, *, use_default: bool = True) -> Criterion:
    """Whether a C3, C4 or CH50 result is below the lab's lower limit of normal.

    Parameters
    ----------
    lab : LabResult
        A C3 or C4 (any mass-concentration unit) or CH50 result. Its
        ``reference_low`` is the lab's lower limit, in the result's unit.
    use_default : bool, optional
        When the lab gave no lower limit, use :data:`DEFAULT_LOWER_LIMITS`
        (C3 0.9 g/L, C4 0.1 g/L) and say so in ``reason`` (default True). With
        False, such a result is not evaluable.

    Returns
    -------
    Criterion
        ``low_c3`` / ``low_c4`` / ``low_ch50``: met when the canonical value is
        strictly below the limit. ``observed`` and ``threshold`` are in the
        canonical unit (g/L for C3 and C4, the assay's U/mL for CH50). Not
        evaluable, with the reason, when there is no limit to compare with.

    Raises
    ------
    InvalidValueError
        If *lab* is not a complement result.

    Notes
    -----
    Source: "below the lower limit of normal of the testing laboratory",
    SLEDAI-2K (Gladman 2002), LLDAS (Franklyn 2016), EULAR/ACR 2019 (Aringer
    2019). Defaults: Lupus Sci Med patient table (reference section 5.3).

    Examples
    --------
    >>> lab = LabResult(
    ...     analyte="c3",
    ...     value=72,
    ...     unit="mg/dL",
    ...     date="2024-01-05",
    ...     reference_low=81.1,
    ...     reference_high=157,
    ... )
    >>> c = low_complement(lab)
    >>> c.name, c.status.value, c.observed, round(c.threshold, 3), c.unit
    ('low_c3', 'met', 0.72, 0.811, 'g/L')
    >>> no_range = LabResult(analyte="c3", value=0.95, unit="g/L", date="2024-01-05")
    >>> c = low_complement(no_range)
    >>> c.status.value, c.threshold
    ('not_met', 0.9)
    >>> c.reason.startswith("lab gave no reference range; default lower limit 0.9")
    True
    """
    limit, why = lower_limit(lab, use_default=use_default)
    name = f"low_{lab.analyte.value}"
    # The values come from a checked LabResult and limit: the criterion is
    # built without re-validation (Criterion._trusted), floats as floats.
    if limit is None:
        return Criterion._trusted(
            name=name,
            status=Status.NOT_EVALUABLE,
            observed=float(lab.canonical_value),
            comparator=Comparator.LT,
            unit=lab.canonical_unit,
            reason=why,
            source=LOW_COMPLEMENT_SOURCE,
        )
    low = low_complement_flags(
        np.asarray(lab.canonical_value, dtype=np.float64),
        np.asarray(limit, dtype=np.float64),
    )
    return Criterion._trusted(
        name=name,
        status=Status.of(float(low) == 1.0),
        observed=float(lab.canonical_value),
        threshold=float(limit),
        comparator=Comparator.LT,
        unit=lab.canonical_unit,
        reason=why,
        source=LOW_COMPLEMENT_SOURCE,
    )
